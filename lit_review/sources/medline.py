"""Reader for PubMed / MEDLINE exports (PubMed's "Save -> PubMed format", ``.nbib`` or ``.txt``).

A record starts at its ``PMID-`` line; records are separated by blank lines. A field is a tag
padded to four characters, ``- `` and the value (``TI  - ...``), continued on lines indented by
six spaces. Read: ``TI`` title (else ``BTI``, a book's, else ``TT``, the original language's),
``FAU`` authors (``Family, Given``; else ``AU``, ``Family Initials``) and ``CN`` group authors,
``DP`` year, month and day (``2023 Mar 15``, ``2016 Mar-Apr``; a season gives no month), the DOI
of ``LID``/``AID`` ``... [doi]``, ``JT`` venue (else ``TA``), ``AB`` abstract, ``OT`` and ``MH``
keywords, ``PT`` entry type, the PubMed page as URL. A record's ``line`` is its ``PMID-`` line.
"""

from __future__ import annotations

import re
from pathlib import Path

from .._infra.iorw import read_listing_lines
from ..record import Batch, Reject, columns_of, excerpt
from ..text import clean_text
from .ids import arxiv_id_in, doi_of
from .names import family_initials, person_name
from .tagged import Fields, month_day, no_records, parse_fields, split_list, year_in

FORMAT = "medline"
SUFFIXES = (".nbib", ".medline")  # hints only (sources.detect): the content decides
_TAG = re.compile(r"^([A-Z][A-Z0-9]{1,3}) {0,3}-(?: (.*))?$")
_CONTINUATION = "      "
_PMID = re.compile(r"^PMID- ?\d")
# PT (publication type) values that say more than "Journal Article", in the order they win.
_PUBLICATION_TYPES = (
    ("preprint", "misc"),
    ("congress", "inproceedings"),
    ("book chapter", "incollection"),
    ("book", "book"),
)


def sniff(head: str) -> bool:
    """Whether ``head`` starts with a MEDLINE record: a ``PMID-`` line first, or tag lines such as
    ``TI  - `` and ``AU  - `` in MEDLINE's four-character layout."""
    lines = [line for line in head.lstrip("\ufeff").splitlines()[:60] if line.strip()]
    if not lines:
        return False
    if _PMID.match(lines[0]):
        return True
    tags = [m.group(1) for line in lines[:30] if (m := _TAG.match(line)) and line[4:5] == "-"]
    return "TI" in tags and bool({"DP", "FAU", "JT", "PMID"} & set(tags)) and not {"TY", "ER"} & set(tags)


def read(path: str | Path, name: str | None = None) -> Batch:
    """Read one MEDLINE file: a record per ``PMID-`` block, a reject for a block without title."""
    path = Path(path)
    name = name or path.name
    text = read_listing_lines(path)
    lines = text.lines
    starts = _starts(lines)
    if not starts:
        raise no_records(path, lines, "MEDLINE", "not MEDLINE: no 'PMID- ' or 'TI  - ' record start")
    batch = Batch(name, FORMAT)
    rows = []
    for start, end in zip(starts, [*starts[1:], len(lines)]):
        line = start + 1
        damage = text.damage(line, end)
        if damage:
            batch.rejects.append(Reject(name, line, damage, lines[start]))
            continue
        fields = parse_fields(lines[start:end], line, _TAG, _CONTINUATION)
        for stray in fields.stray:
            reason = "not a 'TAG - value' line: ignored with its continuation lines"
            batch.rejects.append(Reject(name, stray, reason, excerpt(lines[stray - 1]), "field"))
        row = _row(fields, line)
        if row is None:
            reason = "record has no title (TI, BTI or TT)"
            batch.rejects.append(Reject(name, line, reason, excerpt(lines[start])))
        else:
            rows.append(row)
    if starts and not text.ends_with_newline and lines[-1].startswith(_CONTINUATION):
        reason = "the file ends inside a field, without a final newline: the last record may be cut off"
        batch.rejects.append(Reject(name, len(lines), reason, excerpt(lines[-1]), "field"))
    batch.columns = columns_of(rows)
    return batch


def _starts(lines: list[str]) -> list[int]:
    """Where records start: each ``PMID-`` line, and the first line of a blank-line separated
    block that starts with another tag (PubMed writes ``PMID`` first; other tools may not)."""
    starts = []
    for n, line in enumerate(lines):
        block_start = n == 0 or not lines[n - 1].strip()
        if _PMID.match(line) or (block_start and _TAG.match(line) and line[4:5] == "-"):
            starts.append(n)
    return starts


def _row(fields: Fields, line: int) -> dict | None:
    title = _title(fields.first("TI", "BTI", "TT"))
    if not title:
        return None
    names = [*map(person_name, fields.joined("FAU"))] or [*map(family_initials, fields.joined("AU"))]
    authors = tuple(dict.fromkeys(n for n in names + [clean_text(v) for v in fields.joined("CN")] if n))
    doi = next((doi_of(v) for v in fields.joined("LID") + fields.joined("AID") if v.endswith("[doi]")), None)
    published = fields.first("DP")
    month, day = month_day(published)
    pmid = fields.first("PMID")
    mesh = [re.sub(r"/.*$", "", v).lstrip("*") for v in fields.joined("MH")]
    return {
        "line": line,
        "title": title,
        "entry_type": _entry_type([v.lower() for v in fields.joined("PT")]),
        "abstract": clean_text(" ".join(fields.joined("AB"))),
        "authors": authors,
        "n_authors": len(authors) or None,
        "keywords": split_list([clean_text(v) for v in fields.joined("OT") + mesh], separator="\n"),
        "venue": clean_text(fields.first("JT", "TA")) or None,
        "doi": doi,
        "url": f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid.isdigit() else None,
        "arxiv_id": arxiv_id_in(doi=doi),
        "year": year_in(published),
        "month": month,
        "day": day if month else None,
    }


def _title(text: str) -> str:
    """A MEDLINE title without the period PubMed ends it with, and without the brackets it puts
    around a title translated into English (``[Title in English].``)."""
    text = clean_text(text)
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    if text.startswith("[") and text.endswith("]") and "[" not in text[1:]:
        text = text[1:-1]
    return text.strip()


def _entry_type(publication_types: list[str]) -> str:
    for words, entry_type in _PUBLICATION_TYPES:
        if any(words == t or t.startswith(words + " ") for t in publication_types):
            return entry_type
    return "article"
