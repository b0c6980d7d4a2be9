"""Readers for paper listings: the text of Hugging Face Papers listing pages.

Two layouts occur and are told apart per file:

* ``compact``: two header lines, then one line per title and one per abstract; the
  first title is glued to the word ``Subscribe``;
* ``spaced``: blank-line separated blocks: header blocks (``new``, ``Daily Papers``,
  a page date such as ``Mar 13``), then per paper a title, an abstract and for some
  papers a metadata block (``• N authors`` or an organization, ``·``, a date that
  may lack the year and may end with an upvote count).

Both are read by one state machine over the non-blank lines, so that blank-line
variants of a page (doubled blank lines, trailing spaces, CRLF, a BOM) read the same.
Every record read ends up in :attr:`Batch.records` (held as columns) or :attr:`Batch.rejects`.
"""

from __future__ import annotations

import re
from pathlib import Path

from .._infra.iorw import read_listing_lines
from ..errors import LitReviewError
from ..record import Batch, Reject, excerpt, full_columns

HEADER_LINES = frozenset(
    {
        "new",
        "get trending papers in your email inbox!",
        "get trending papers in your email inbox once a day!",
        "subscribe",
        "daily papers",
        "byak and the research community",
    }
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH = "(" + "|".join(MONTHS) + ")"
PAGE_DATE = re.compile(rf"^{_MONTH} (\d{{1,2}})$")
META_DATE = re.compile(rf"^{_MONTH} (\d{{1,2}})(?:, (\d{{4}}))?(?: (\d+))?$")
AUTHORS = re.compile(r"^•\s*(\d+)\s+authors?$")
META_SEPARATOR = "·"
HEADER_SCAN = 12  # the "Subscribe" marker must occur within this many non-blank lines
MAX_TITLE = 300
FORMAT = "hf-listing"
# "... end. Next": prose, not a title, unless the word before the period is an abbreviation
# ("Base vs. Instruct", "Dr. Zero", "INT v.s. FP" are titles).
_SENTENCE_BREAK = re.compile(r"[a-z0-9)]\.\s+[A-Z]")
_ABBREVIATIONS = frozenset(
    "vs v.s dr mr mrs ms prof st no vol fig figs eq cf al etc approx e.g i.e resp inc ltd jr sr ver v".split()
)
# How an abstract may end when the file has no final newline: sentence punctuation or a URL.
_CLEAN_END = re.compile(
    r"[.!?)\]\"']$|(?:https?://|www\.)\S+$|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|io|net|ai|edu|dev)(?:/\S*)?$"
)
# A metadata date line, loosely (a damaged one still ends its block): "Jun 5, 2024 3", "Junk 5".
_DATE_LIKE = re.compile(r"^\S{3,9} \d{1,2}(?:, \d{4})?(?: \d+)?$")


def _has_sentence_break(text: str) -> bool:
    for m in _SENTENCE_BREAK.finditer(text):
        end = m.start() + 1
        word = text[text.rfind(" ", 0, end) + 1 : end].lstrip("([\"'").lower()
        if word not in _ABBREVIATIONS:
            return True
    return False


def _looks_like_title(text: str) -> bool:
    return len(text) <= MAX_TITLE and not _has_sentence_break(text)


def _looks_like_abstract(text: str) -> bool:
    return len(text) > MAX_TITLE or text.endswith(".") or _has_sentence_break(text)


def _is_orphan_abstract(text: str, following: str | None) -> bool:
    """Whether ``text`` is an abstract whose title was lost (not a title that reads like prose)."""
    if _looks_like_title(text):
        return False
    if len(text) > MAX_TITLE or following is None or text.endswith("."):
        return True
    # a short line with a sentence in it, followed by a longer abstract: a title after all
    return not (_looks_like_abstract(following) and len(following) > len(text))


def read_listing(path: str | Path, name: str | None = None) -> Batch:
    """Read one Hugging Face Papers listing file.

    ``name`` is the source name used in provenance (default: the file name). Raises
    :class:`LitReviewError` for a file that cannot be read as a listing at all (empty,
    binary, unknown layout); damage confined to some records rejects only those.
    """
    path = Path(path)
    name = name or path.name
    text = read_listing_lines(path)
    lines = [(n, line) for n, line in enumerate(map(str.strip, text.lines), 1) if line]
    if not lines:
        raise LitReviewError("empty file: no listing text", path, 1)

    # Header: known header lines, a page date, and the "Subscribe" marker, maybe glued to a title.
    pos, page_date, subscribe_at, glued = 0, None, None, None
    while pos < len(lines) and pos < HEADER_SCAN:
        number, line = lines[pos]
        low = line.lower()
        if low in HEADER_LINES:
            if low == "subscribe":
                subscribe_at = number
        elif low.startswith("subscribe") and subscribe_at is None:
            subscribe_at, glued = number, line[len("subscribe") :].strip()
            pos += 1
            break
        elif PAGE_DATE.match(line) and subscribe_at is not None:
            page_date = line
        elif subscribe_at is not None:
            break
        pos += 1
    if subscribe_at is None:
        raise LitReviewError(
            "unknown layout: not a Hugging Face Papers listing "
            f"(no 'Subscribe' header in the first {HEADER_SCAN} non-blank lines)",
            path,
            lines[0][0],
        )
    body = lines[pos:]
    if glued:
        body.insert(0, (subscribe_at, glued))
    layout = "compact" if glued else "spaced"
    listing = Batch(name, FORMAT, layout, page_date)
    _read_body(listing, body, text.bad, text.ends_with_newline)
    return listing


_META_FIELDS = ("n_authors", "organization", "month", "day", "year", "upvotes")
_ROW_FIELDS = ("line", "title", "abstract", *_META_FIELDS)
_NO_META = (None,) * len(_META_FIELDS)


def _read_body(
    listing: Batch,
    body: list[tuple[int, str]],
    bad: dict[int, str],
    ends_with_newline: bool,
) -> None:
    """Pair titles with abstracts (and metadata); one reject row per paper lost."""
    src = listing.source
    lines = [line for _, line in body]
    n = len(lines)
    meta_span = _Lines(lines).meta_span
    rows: list[tuple] = []

    def reject(k: int, reason: str, text: str) -> None:
        listing.rejects.append(Reject(src, body[k][0], reason, excerpt(text)))

    i = 0
    while i < n:
        title = lines[i]
        span = meta_span(i)
        if span:  # its title and abstract were lost
            reject(i, "metadata block with no paper before it", title)
            i += span
            continue
        abstract = lines[i + 1] if i + 1 < n else None
        if _is_orphan_abstract(title, abstract):
            reject(i, "abstract-like text with no title before it", title)
            i += 1
            i += meta_span(i)
            continue
        if abstract is None:
            reject(i, "title with no abstract (the file ends here: truncated?)", title)
            break
        if meta_span(i + 1):
            reject(i, "title with no abstract (metadata follows the title)", title)
            i += 1
            i += meta_span(i)
            continue
        if not _looks_like_abstract(abstract) and i + 2 < n and _looks_like_abstract(lines[i + 2]):
            reject(i, "title with no abstract (another title follows)", title)
            i += 1
            continue
        number, abs_number = body[i][0], body[i + 1][0]
        i += 2
        span = meta_span(i)
        if bad and (number in bad or abs_number in bad):
            k = number if number in bad else abs_number
            listing.rejects.append(Reject(src, k, f"damaged record: {bad[k]}", excerpt(title)))
            i += span
            continue
        if i >= n and not ends_with_newline and not _CLEAN_END.search(abstract):
            reject(i - 1, "truncated record: the file ends inside this abstract", title)
            break
        meta = _NO_META
        if span:
            f = _read_meta(listing, body[i : i + span], bad)
            meta = tuple(f.get(name) for name in _META_FIELDS)
            i += span
        rows.append((number, title, abstract, *meta))
    if rows:
        listing.columns = full_columns(dict(zip(_ROW_FIELDS, map(list, zip(*rows)))))


class _Lines:
    """The body lines with what each one could be in a metadata block, computed once."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.sep = [line == META_SEPARATOR for line in lines]
        # cheap length tests first: the body is mostly long abstracts
        self.date = [len(line) <= 24 and bool(_DATE_LIKE.match(line)) for line in lines]
        self.authors = [line[:1] == "•" and bool(AUTHORS.match(line)) for line in lines]

    def meta_span(self, k: int) -> int:
        """How many lines the metadata block starting at ``k`` takes (0: none starts there).

        A block is ``who``, ``·``, ``date``; any one of the three may be missing. An
        abstract-like line is never a ``who`` line.
        """
        n, sep = len(self.lines), self.sep
        if k >= n:
            return 0
        if sep[k]:
            date = k + 1  # its authors / organization line was lost
        elif self.authors[k]:
            date = k + 2 if k + 1 < n and sep[k + 1] else k + 1
        elif k + 1 < n and (sep[k + 1] or self.date[k + 1]) and not _looks_like_abstract(self.lines[k]):
            date = k + 2 if sep[k + 1] else k + 1  # (else: its separator was lost)
        else:
            return 0
        return date - k + (date < n and self.date[date])


def _read_meta(listing: Batch, block: list[tuple[int, str]], bad: dict[int, str]) -> dict:
    """The fields of one metadata block (:meth:`_Lines.meta_span`); a missing part is a field reject."""
    fields: dict = {}
    src = listing.source
    who = block[0] if block[0][1] != META_SEPARATOR else None
    date = block[-1] if len(block) > 1 and _DATE_LIKE.match(block[-1][1]) else None
    if who is None:
        listing.rejects.append(
            Reject(src, block[0][0], "metadata block with no authors or organization line", "", "field")
        )
    elif m := AUTHORS.match(who[1]):
        fields["n_authors"] = int(m.group(1))
    elif who[0] not in bad:
        fields["organization"] = who[1]
    if date is None:
        number, text = block[0]
        listing.rejects.append(Reject(src, number, "metadata block ends before its date", text, "field"))
        return fields
    number, text = date
    m = META_DATE.match(text)
    if m and number not in bad:
        month, day, year, upvotes = m.groups()
        fields["month"] = MONTHS.index(month) + 1
        fields["day"] = int(day)
        fields["year"] = int(year) if year else None
        fields["upvotes"] = int(upvotes) if upvotes else None
    else:
        reason = bad.get(number) or "unreadable date in metadata block (expected e.g. 'Jun 5, 2024 3')"
        listing.rejects.append(Reject(src, number, reason, excerpt(text), "field"))
    return fields


def sniff(head: str) -> bool:
    """Whether ``head`` (the start of a file) looks like a listing page: a ``Subscribe`` header."""
    lines = [line.strip().lower() for line in head.splitlines() if line.strip()][:HEADER_SCAN]
    return any(line.startswith("subscribe") for line in lines)


read = read_listing
