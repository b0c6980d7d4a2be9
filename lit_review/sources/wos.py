"""Reader for Web of Science plain-text exports ("Plain text file", the ``savedrecs.txt`` format).

A file starts with ``FN Clarivate Analytics Web of Science`` (older exports: ``FN Thomson
Reuters Web of Science``) and ``VR 1.0``, then one record per ``PT`` ... ``ER`` block, and ends
with ``EF``. A field is a two-letter tag, a space and the value; the value continues on lines
indented by three spaces (one author per line in ``AU``/``AF``). Read: ``TI`` title, ``AF``
(else ``AU``) authors then ``CA`` group authors, ``PY`` year, ``PD`` (else ``EA``) month and day, ``DI`` DOI, ``SO`` venue (else
``CT``, the conference), ``AB`` abstract, ``DE`` and ``ID`` keywords, ``DT``/``PT`` entry type.
A record's ``line`` is its ``PT`` line.
"""

from __future__ import annotations

import re
from pathlib import Path

from .._infra.iorw import read_listing_lines
from ..record import Batch, Reject, columns_of, excerpt
from ..text import clean_text
from .ids import arxiv_id_in, doi_of
from .names import person_name
from .tagged import Fields, month_day, no_records, parse_fields, split_list, year_in

FORMAT = "wos"
SUFFIXES = (".isi", ".ciw")  # hints only (sources.detect): the content decides
_HEADER = re.compile(
    r"^FN (?:Clarivate Analytics|Thomson Reuters|Clarivate)?\s*Web of Science", re.IGNORECASE
)
_TAG = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")
_CONTINUATION = "   "
_FILE_TAGS = frozenset({"FN", "VR", "EF"})
# DT (document type) first, as it tells a proceedings paper or a chapter from a journal article;
# PT (publication type: J journal, B book, S series, P patent) when DT says nothing more.
_DOCUMENT_TYPES = (
    ("proceedings paper", "inproceedings"),
    ("book chapter", "incollection"),
    ("book review", "article"),
)
_PUBLICATION_TYPES = {"J": "article", "B": "incollection", "S": "incollection", "P": "misc"}


def sniff(head: str) -> bool:
    """Whether ``head`` starts with a Web of Science ``FN ... Web of Science`` header (or, headless,
    a ``PT`` line followed by two-letter tags such as ``AU``/``TI``)."""
    lines = [line.strip("\ufeff") for line in head.splitlines()[:40]]
    lines = [line for line in lines if line.strip()]
    if not lines:
        return False
    if _HEADER.match(lines[0]):
        return True
    tags = [m.group(1) for line in lines[:12] if (m := _TAG.match(line))]
    return bool(tags) and tags[0] == "PT" and {"AU", "TI", "SO"} & set(tags[1:]) != set()


def read(path: str | Path, name: str | None = None) -> Batch:
    """Read one Web of Science plain-text file: a record per ``PT``...``ER`` block, a reject for
    a block without title or without its ``ER`` line (a truncated file)."""
    path = Path(path)
    name = name or path.name
    text = read_listing_lines(path)
    lines = text.lines
    blocks = _blocks(lines)
    if not blocks:
        raise no_records(path, lines, "Web of Science", "not Web of Science plain text: no 'PT' record")
    batch = Batch(name, FORMAT)
    rows = []
    for start, end, ended in blocks:
        line = start + 1
        damage = text.damage(line, end)
        if damage or not ended:
            reason = damage or "record has no 'ER' end line (truncated?)"
            batch.rejects.append(Reject(name, line, reason, lines[start]))
            continue
        fields = parse_fields(lines[start:end], line, _TAG, _CONTINUATION)
        for stray in fields.stray:
            reason = "not a 'XX value' tag line: ignored with its continuation lines"
            batch.rejects.append(Reject(name, stray, reason, excerpt(lines[stray - 1]), "field"))
        row = _row(fields, line)
        if row is None:
            batch.rejects.append(Reject(name, line, "record has no title (TI)", excerpt(lines[start])))
        else:
            rows.append(row)
    batch.columns = columns_of(rows)
    return batch


def _blocks(lines: list[str]) -> list[tuple[int, int, bool]]:
    """Each record's (first line index, end index, whether an ``ER`` ended it).

    A record starts at a tag line outside a record (``PT``, or any tag but the file's own
    ``FN``/``VR``/``EF``) and ends with ``ER``; a ``PT`` inside a record starts the next one
    (the record before it lost its ``ER``).
    """
    blocks, start = [], None
    for n, raw in enumerate(lines):
        line = raw.lstrip("\ufeff")
        tag = line[:2] if _TAG.match(line) else None
        if tag is None:
            continue
        if start is None:
            if tag not in _FILE_TAGS and tag != "ER":
                start = n
        elif tag == "ER":
            blocks.append((start, n + 1, True))
            start = None
        elif tag == "PT" or tag == "EF":
            blocks.append((start, n, False))
            start = n if tag == "PT" else None
    if start is not None:
        blocks.append((start, len(lines), False))
    return blocks


def _row(fields: Fields, line: int) -> dict | None:
    title = clean_text(fields.first("TI"))
    if not title:
        return None
    names = [*map(person_name, fields.lines("AF") or fields.lines("AU"))]
    groups = [clean_text(v) for v in fields.lines("CA")]  # group authors, as they are
    authors = tuple(dict.fromkeys(n for n in names + groups if n))
    doi = doi_of(fields.first("DI"))
    month, day = month_day(fields.first("PD") or fields.first("EA"))  # EA: early access date
    year = year_in(fields.first("PY")) or year_in(fields.first("PD")) or year_in(fields.first("EA"))
    return {
        "line": line,
        "title": title,
        "entry_type": _entry_type(fields.first("DT"), fields.first("PT")),
        "abstract": clean_text(" ".join(fields.joined("AB"))),
        "authors": authors,
        "n_authors": len(authors) or None,
        "keywords": split_list([clean_text(t) for t in fields.joined("DE") + fields.joined("ID")]),
        "venue": clean_text(fields.first("SO", "CT", "SE", "BS")) or None,
        "doi": doi,
        "arxiv_id": arxiv_id_in(doi=doi),
        "year": year,
        "month": month,
        "day": day if month else None,
    }


def _entry_type(document_type: str, publication_type: str) -> str:
    low = document_type.lower()
    for words, entry_type in _DOCUMENT_TYPES:
        if words in low:
            return entry_type
    if low.strip() == "book":
        return "book"
    return _PUBLICATION_TYPES.get(publication_type.strip().upper(), "misc")
