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
from ..record import Batch, Reject, full_columns

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
_SENTENCE_BREAK = re.compile(r"[a-z0-9)]\.\s+[A-Z]")  # "... end. Next": prose, not a title


def _looks_like_title(text: str) -> bool:
    return len(text) <= MAX_TITLE and not _SENTENCE_BREAK.search(text)


def _looks_like_abstract(text: str) -> bool:
    return len(text) > MAX_TITLE or bool(_SENTENCE_BREAK.search(text)) or text.endswith(".")


def _excerpt(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
    reject = listing.rejects.append
    src = listing.source
    i, n = 0, len(body)
    rows: list[tuple] = []
    is_separator = [line == META_SEPARATOR for _, line in body]

    def is_meta_start(k: int) -> bool:
        return k + 1 < n and is_separator[k + 1]

    while i < n:
        number, title = body[i]
        if title == META_SEPARATOR or is_meta_start(i):
            # metadata with no paper before it (its title and abstract were rejected or lost)
            start = i - 1 if title == META_SEPARATOR else i
            reject(Reject(src, body[start][0], "metadata block with no paper before it", body[start][1]))
            i = start + 3
            continue
        if not _looks_like_title(title):
            reject(Reject(src, number, "abstract-like text with no title before it", _excerpt(title)))
            i += 1
            continue
        if i + 1 >= n:
            reject(Reject(src, number, "title with no abstract (the file ends here: truncated?)", title))
            break
        abs_number, abstract = body[i + 1]
        if is_meta_start(i + 1):
            reject(Reject(src, number, "title with no abstract (metadata follows the title)", title))
            i += 1
            continue
        if not _looks_like_abstract(abstract) and i + 2 < n and _looks_like_abstract(body[i + 2][1]):
            reject(Reject(src, number, "title with no abstract (another title follows)", title))
            i += 1
            continue
        if bad and (number in bad or abs_number in bad):
            k = number if number in bad else abs_number
            reject(Reject(src, k, f"damaged record: {bad[k]}", _excerpt(title)))
            i += 2
            i += 3 if is_meta_start(i) else 0
            continue
        last = i + 2 >= n
        if last and not ends_with_newline and not re.search(r"[.!?)\]\"']$", abstract):
            reject(
                Reject(
                    src, abs_number, "truncated record: the file ends inside this abstract", _excerpt(title)
                )
            )
            break
        i += 2
        if is_meta_start(i):
            f = _read_meta(listing, body[i], body[i + 2] if i + 2 < n else None, bad)
            meta = tuple(f.get(name) for name in _META_FIELDS)
            i += 3
        else:
            meta = _NO_META
        rows.append((number, title, abstract, *meta))
    if rows:
        listing.columns = full_columns(dict(zip(_ROW_FIELDS, map(list, zip(*rows)))))


def _read_meta(
    listing: Batch,
    who: tuple[int, str],
    when: tuple[int, str] | None,
    bad: dict[int, str],
) -> dict:
    fields: dict = {}
    number, text = who
    m = AUTHORS.match(text)
    if m:
        fields["n_authors"] = int(m.group(1))
    elif number not in bad:
        fields["organization"] = text
    if when is None:
        listing.rejects.append(
            Reject(listing.source, number, "metadata block ends before its date", text, "field")
        )
        return fields
    number, text = when
    m = META_DATE.match(text)
    if m and number not in bad:
        month, day, year, upvotes = m.groups()
        fields["month"] = MONTHS.index(month) + 1
        fields["day"] = int(day)
        fields["year"] = int(year) if year else None
        fields["upvotes"] = int(upvotes) if upvotes else None
    else:
        reason = bad.get(number) or "unreadable date in metadata block (expected e.g. 'Jun 5, 2024 3')"
        listing.rejects.append(Reject(listing.source, number, reason, _excerpt(text), "field"))
    return fields


def sniff(head: str) -> bool:
    """Whether ``head`` (the start of a file) looks like a listing page: a ``Subscribe`` header."""
    lines = [line.strip().lower() for line in head.splitlines() if line.strip()][:HEADER_SCAN]
    return any(line.startswith("subscribe") for line in lines)


read = read_listing
