"""Reader for BibTeX and BibLaTeX files (Zotero Better BibTeX, DBLP, hand-kept ``.bib``).

Parsed with bibtexparser v2 (blocks and raw values); values are evaluated as BibTeX does
(:func:`~lit_review.sources.bibshared.expand`: braces, quotes, ``#`` concatenation, ``@string``
and month macros; a macro defined nowhere makes its field a field reject). Per entry: ``title``,
``author`` (``Family, Given``, DBLP's ``0001`` disambiguators dropped), ``year``/``month`` or
BibLaTeX ``date``, ``journal``/``booktitle``/``journaltitle`` as venue, ``doi``, ``url``,
``keywords``, the arXiv id (``eprint`` with ``archivePrefix``/``eprinttype`` arXiv, an arxiv.org
URL, a ``10.48550/arXiv.X`` DOI, ``journal = {arXiv preprint arXiv:X}``) and its class. A
``crossref`` child inherits its parent's missing fields (the parent's title as its
``booktitle``); a ``@proceedings``/``@book`` that is only a crossref parent is not a paper and
is listed as ``skipped``. In a project of several ``.bib`` files, macros and crossref parents come
from any of them (``shared``, from :func:`~lit_review.sources.bibshared.shared`). Failed and duplicate blocks are rejects with their line; the rest of
the file is read. LaTeX is decoded by :func:`~lit_review.text.clean_text`.
"""

from __future__ import annotations

import re
from collections import ChainMap
from dataclasses import dataclass
from pathlib import Path

import bibtexparser
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ImplicitComment,
    ParsingFailedBlock,
)

from .._infra.iorw import read_listing_lines
from ..errors import LitReviewError
from ..record import Batch, Reject, columns_of, excerpt
from ..text import clean_text
from .bibshared import BLOCK_START, MONTH_MACROS, Scope, Shared, string_definitions
from .ids import arxiv_id, arxiv_id_in, record_doi
from .listing import MONTHS
from .names import bibtex_names

FORMAT = "bibtex"
_LINE_BLOCK = re.compile(r"\n[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]")  # BLOCK_START after the first line
_CONTAINERS = ("proceedings", "book")
# Fields a crossref child never takes from its parent (BibLaTeX's inheritance rules).
_NOT_INHERITED = frozenset(
    {"title", "subtitle", "shorttitle", "ids", "crossref", "xref", "entryset", "label"}
)
# The fields read from an entry (a macro defined nowhere in any other field is no loss).
_READ = frozenset(
    {"title", "author", "year", "month", "date", "journal", "booktitle", "journaltitle", "doi", "url"}
    | {"keywords", "abstract", "eprint", "archiveprefix", "eprinttype", "primaryclass", "eprintclass"}
    | {"crossref"}
)
_YEAR = re.compile(r"^[\s{]*(\d{4})\b")  # "{2022}": a year braced twice, as some exports write it
# BibLaTeX / EDTF date: the start of a range, "~" (circa) and "?" allowed; months 21-24 are seasons.
_DATE = re.compile(r"^\s*(-?\d{1,4})(?:-(\d{2}))?(?:-(\d{2}))?")
_KEYWORD_SPLIT = re.compile(r"[,;]")
_MONTH_NAME = re.compile(
    r"(?<![a-z])(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"(?:uary|ruary|ch|il|e|y|ust|t|tember|ober|ember)?\.?(?![a-z])",
    re.IGNORECASE,
)


def sniff(head: str) -> bool:
    """Whether ``head`` is BibTeX: a line starting with ``@type{`` and not JSON or XML."""
    start = head.lstrip()[:1]
    if start in ("[", "{", "<", ""):
        return False
    # BLOCK_START.search(head), 10x faster: a pattern starting with a literal is scanned for in C
    return BLOCK_START.match(head) is not None or _LINE_BLOCK.search(head) is not None


def read(path: str | Path, name: str | None = None, shared: Shared | None = None) -> Batch:
    """Read one ``.bib`` file: its entries as records, failed blocks and non-papers as rejects.

    ``shared``: the macros and crossref parents of the project's other ``.bib`` files
    (:func:`~lit_review.sources.bibshared.shared`); this file's own come first.
    Raises :class:`LitReviewError` for a file that holds no BibTeX at all (empty, binary, or
    without a single ``@`` block).
    """
    path = Path(path)
    name = name or path.name
    text = read_listing_lines(path)
    library = bibtexparser.parse_string("\n".join(text.lines), parse_stack=[])
    blocks = library.blocks
    if not any(not isinstance(b, ImplicitComment) for b in blocks):
        what = "empty file" if not any(line.strip() for line in text.lines) else "not BibTeX"
        raise LitReviewError(f"{what}: no @entry, @string or @comment block", path, 1)
    outer = ChainMap(shared.strings, MONTH_MACROS) if shared else MONTH_MACROS
    scope = Scope(string_definitions(library.strings), outer)
    entries = [b for b in blocks if isinstance(b, Entry)]
    fields = {id(e): scope.fields(e) for e in entries}
    by_key = {e.key.lower(): fields[id(e)][0] for e in reversed(entries)}  # the first of a key wins
    parents = {f["crossref"].lower() for f, _ in fields.values() if f.get("crossref")}
    context = (
        _Context(by_key, parents | shared.targets, shared.parents) if shared else _Context(by_key, parents)
    )
    batch = Batch(name, FORMAT)
    rows: list[dict] = []
    for block in blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateFieldKeyBlock):  # the entry is kept, with each field's first value
            batch.rejects.append(
                Reject(name, line, _failure(block) + " (the first kept)", excerpt(block.raw), "field")
            )
            entry = _first_of_each_field(block.ignore_error_block)
            _read_entry(batch, rows, entry, scope.fields(entry), context, line)
        elif isinstance(block, ParsingFailedBlock):
            batch.rejects.append(Reject(name, line, _failure(block), excerpt(block.raw)))
        elif isinstance(block, Entry):
            damage = text.damage(line, line + (block.raw or "").count("\n"))
            if damage:
                batch.rejects.append(Reject(name, line, damage, excerpt(block.raw)))
                continue
            _read_entry(batch, rows, block, fields[id(block)], context, line)
    batch.columns = columns_of(rows)
    return batch


@dataclass(frozen=True)
class _Context:
    """What an entry may need from the rest of its file and project."""

    by_key: dict[str, dict[str, str]]  # this file's entries (fields) by lower-case key
    parents: set[str] | frozenset[str]  # every crossref target of the file (and project)
    elsewhere: dict[str, dict[str, str]] | None = None  # the project's crossref parents

    def parent(self, key: str) -> dict[str, str] | None:
        key = key.lower()
        found = self.by_key.get(key)
        return found if found is not None or self.elsewhere is None else self.elsewhere.get(key)


def _first_of_each_field(entry: Entry) -> Entry:
    seen: set[str] = set()
    kept = [f for f in entry.fields if not (f.key.lower() in seen or seen.add(f.key.lower()))]
    return Entry(entry.entry_type, entry.key, kept, entry.start_line, entry.raw)


def _failure(block: ParsingFailedBlock) -> str:
    if isinstance(block, DuplicateBlockKeyBlock):
        first = (block.previous_block.start_line or 0) + 1
        return f"duplicate entry key '{block.key}' (first at line {first}); this one not read"
    if isinstance(block, DuplicateFieldKeyBlock):
        return "field given twice: " + ", ".join(sorted(block.duplicate_keys))
    why = getattr(block.error, "abort_reason", None) or str(block.error) or type(block.error).__name__
    return "unreadable BibTeX entry: " + " ".join(why.split())


def _read_entry(batch, rows, entry, read, context: _Context, line) -> None:
    source, entry_type = batch.source, entry.entry_type.lower()
    fields, undefined = read
    if entry_type in _CONTAINERS and (
        entry.key.lower() in context.parents or "booktitle" in {*fields, *undefined}
    ):
        # A volume whose booktitle is there for its children to inherit: not a paper itself.
        reason = f"@{entry_type} '{entry.key}' is a crossref parent (a volume), not a paper"
        title = fields.get("title") or undefined.get("title", ((), ""))[1]  # as written, if macros fail
        batch.rejects.append(Reject(source, line, reason, excerpt(title), "skipped"))
        return
    where = "this file" if context.elsewhere is None else "any BibTeX file of the project"
    for field, (macros, raw) in sorted(undefined.items()):
        if field not in _READ:
            continue
        reason = f"{field}: @string macro '{macros[0]}' is not defined in {where}; field not read"
        batch.rejects.append(Reject(source, line, reason, excerpt(raw), "field"))
    if fields.get("crossref"):
        parent = context.parent(fields["crossref"])
        if parent is None:
            reason = f"crossref '{fields['crossref']}' is not in {where}: nothing inherited"
            batch.rejects.append(Reject(source, line, reason, fields["crossref"], "field"))
        else:
            fields = _inherit(fields, parent)
    title = clean_text(fields.get("title", ""))
    if not title:
        batch.rejects.append(Reject(source, line, f"entry '{entry.key}' has no title", excerpt(entry.raw)))
        return
    row = {"line": line, "title": title, "entry_type": entry_type, "citekey": entry.key}
    row.update(_date(fields, batch, line))
    row.update(_identifiers(fields))
    authors, complete = bibtex_names(fields.get("author", ""))
    row["authors"] = authors
    row["n_authors"] = len(authors) if authors and complete else None
    row["abstract"] = clean_text(fields.get("abstract", ""))
    keywords = (clean_text(k) for k in _KEYWORD_SPLIT.split(fields.get("keywords", "")))
    row["keywords"] = tuple(k for k in keywords if k)
    rows.append(row)


def _inherit(child: dict[str, str], parent: dict[str, str]) -> dict[str, str]:
    merged = {k: v for k, v in parent.items() if k not in _NOT_INHERITED}
    if "title" in parent and "booktitle" not in parent:
        merged["booktitle"] = parent["title"]
    merged.update(child)
    return merged


def _date(fields: dict[str, str], batch: Batch, line: int) -> dict:
    """Year, month and day from ``date`` (BibLaTeX) or ``year``/``month``; unreadable ones are field rejects."""
    year = month = day = None
    match = _DATE.match(fields.get("date", ""))
    if match:
        year = int(match.group(1))
        if match.group(2) and 1 <= int(match.group(2)) <= 12:  # 21-24: a season, no month
            month = int(match.group(2))
            day = int(match.group(3)) if match.group(3) else None
    elif fields.get("date"):  # an empty field (`month = {}`, as some tools write) is no field
        batch.rejects.append(Reject(batch.source, line, "date is not a date", fields["date"], "field"))
    if year is None and fields.get("year"):
        match = _YEAR.match(fields["year"])
        if match:
            year = int(match.group(1))
        else:
            batch.rejects.append(Reject(batch.source, line, "year is not a year", fields["year"], "field"))
    if fields.get("month"):
        month = _month(fields["month"]) or month
        if month is None:
            batch.rejects.append(Reject(batch.source, line, "month is not a month", fields["month"], "field"))
    return {"year": year, "month": month, "day": day}


def _month(value: str) -> int | None:
    """The month of a ``month`` field: "7", "July" (the month macro ``jul`` expanded) or
    texts such as "July 25" or "14--18 Dec" (a conference's days) give their first month name."""
    if value.isdigit():
        return int(value) if 1 <= int(value) <= 12 else None
    match = _MONTH_NAME.search(value)
    return MONTHS.index(match.group(1).title()) + 1 if match else None


def _identifiers(fields: dict[str, str]) -> dict:
    venue = clean_text(fields.get("journal") or fields.get("booktitle") or fields.get("journaltitle") or "")
    url = fields.get("url") or None
    doi = record_doi(fields.get("doi"), url)
    archive = (fields.get("archiveprefix") or fields.get("eprinttype") or "arxiv").lower()
    arxiv = arxiv_id(fields["eprint"]) if archive == "arxiv" and fields.get("eprint") else None
    arxiv = arxiv or arxiv_id_in(url, doi, venue)
    primary = fields.get("primaryclass") or fields.get("eprintclass") or None
    return {
        "venue": venue or None,
        "doi": doi,
        "url": url,
        "arxiv_id": arxiv,
        "primary_class": primary if arxiv else None,
    }
