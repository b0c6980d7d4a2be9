"""Reader for RIS files (Zotero, EndNote, PubMed, Embase exports), parsed with rispy.

The file is cut at each ``TY  -`` line and each piece parsed on its own, so every record keeps
the line of its ``TY`` tag and a record without its ``ER`` end tag (a truncated file) is a
reject rather than silently merged or lost. Tags as real tools write them are read: one or two
spaces before the dash and any number after it (``TY - JOUR``, Cochrane's ``TY  -  JOUR``), and
provider preambles before a record (``Record #1 of 2``, ``Provider: ...``, ``1.``, Web of
Science's ``FN``/``VR`` header and ``EF`` end line). Tag variants: ``TI``/``T1`` (``ST`` as a last
resort) title, ``AU``/``A1`` authors, ``PY``/``Y1``/``DA`` date (``1948/07//``), ``AB``/``N2``
abstract, ``KW`` keywords, ``UR`` url, ``DO`` doi, ``T2``/``JF``/``JO``/``JA``/``J2`` venue,
``TY`` mapped to a BibTeX entry type.
"""

from __future__ import annotations

import re
from pathlib import Path

from rispy import RisParser

from .._infra.iorw import read_listing_lines
from ..record import Batch, Reject, columns_of
from ..text import clean_text
from .ids import arxiv_id_in, doi_of
from .listing import MONTHS
from .names import person_name
from .tagged import no_records

FORMAT = "ris"
SUFFIXES = (".ris",)  # a hint only (sources.detect): the content decides
_TY = re.compile(r"^TY {1,2}-(?: |$)")
# A tag line as tools write it: "XX  - v" (the standard), "XX - v", "XX  -  v", "ER  -".
_TAG = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: +|$)")
_PREAMBLE_LINES = 12  # lines a provider may write before the first TY (Record #, Provider:, Content:)
ENTRY_TYPES = {
    "JOUR": "article", "JFULL": "article", "EJOUR": "article", "MGZN": "article", "NEWS": "article",
    "ABST": "article", "INPR": "article",
    "CONF": "inproceedings", "CPAPER": "inproceedings",
    "BOOK": "book", "EBOOK": "book", "EDBOOK": "book", "WHOLE": "book",
    "CHAP": "incollection", "ECHAP": "incollection",
    "THES": "phdthesis", "RPRT": "techreport", "UNPB": "unpublished",
    "ELEC": "online", "WEB": "online", "BLOG": "online",
    "JOURNAL ARTICLE": "article", "CONFERENCE PAPER": "inproceedings", "BOOK SECTION": "incollection",
}  # fmt: skip
_DATE = re.compile(r"^\s*(\d{4})(?:[/-](\d{1,2})?)?(?:[/-](\d{1,2})?)?")


def sniff(head: str) -> bool:
    """Whether ``head`` is RIS: a ``TY  -`` tag among its first non-blank lines, after at most a
    short provider preamble (``Record #1 of 2``, ``Provider: ...``, ``1.`` numbering)."""
    lines = [line.strip("\ufeff \t") for line in head.splitlines()[:100]]
    lines = [line for line in lines if line][:_PREAMBLE_LINES]
    for line in lines:
        if _TY.match(line):
            return True
        if line[:1] in "@{[<%" or len(line) > 200:  # BibTeX, JSON, XML: another format's first line
            return False
    return False


def read(path: str | Path, name: str | None = None) -> Batch:
    """Read one RIS file: a record per ``TY``...``ER`` block, rejects for those without title or end."""
    path = Path(path)
    name = name or path.name
    text = read_listing_lines(path)
    lines = [line.lstrip("\ufeff") for line in text.lines]
    starts = [n for n, line in enumerate(lines) if _TY.match(line)]
    if not starts:
        raise no_records(path, lines, "RIS", "not RIS: no 'TY  -' record start")
    batch = Batch(name, FORMAT)
    rows: list[dict] = []
    parser = RisParser()
    for start, end in zip(starts, [*starts[1:], len(lines)]):
        line = start + 1
        damage = text.damage(line, end)
        if damage:
            batch.rejects.append(Reject(name, line, damage, lines[start]))
            continue
        parsed = parser.parse_lines(_standard(line) for line in lines[start:end])
        if not parsed:
            reason = "record has no 'ER  -' end tag (truncated?)"
            batch.rejects.append(Reject(name, line, reason, lines[start]))
            continue
        row = _row(parsed[0], line)
        if row is None:
            batch.rejects.append(Reject(name, line, "record has no title (TI, T1 or ST)", lines[start]))
        else:
            rows.append(row)
    batch.columns = columns_of(rows)
    return batch


def _standard(line: str) -> str:
    """A tag line in rispy's standard form ``XX  - value`` (other lines as they are)."""
    match = _TAG.match(line)
    return f"{match.group(1)}  - {line[match.end() :]}" if match else line


def _text(record: dict, *keys: str) -> str:
    """The first non-empty of ``keys`` (rispy names), cleaned."""
    for key in keys:
        value = record.get(key)
        if isinstance(value, list):
            value = value[0] if value else ""
        value = clean_text(value or "")
        if value:
            return value
    return ""


def _row(record: dict, line: int) -> dict | None:
    title = _text(record, "title", "primary_title", "short_title")
    if not title:
        return None
    kind = (record.get("type_of_reference") or "").strip().upper()
    named = map(person_name, record.get("authors", []) + record.get("first_authors", []))
    authors = tuple(dict.fromkeys(n for n in named if n))  # A1 and AU may both list the first author
    doi = doi_of(record.get("doi"))
    urls = [u for u in record.get("urls", []) if u]
    row = {
        "line": line,
        "title": title,
        "entry_type": ENTRY_TYPES.get(kind, "misc"),
        "abstract": _text(record, "abstract", "notes_abstract"),
        "authors": authors,
        "n_authors": len(authors) or None,
        "keywords": tuple(k for k in (clean_text(k) for k in record.get("keywords", [])) if k),
        "venue": _text(record, "secondary_title", "alternate_title3", "journal_name", "alternate_title2")
        or _text(record, "alternate_title1")
        or None,
        "doi": doi,
        "url": urls[0] if urls else None,
        "arxiv_id": next((a for u in urls if (a := arxiv_id_in(url=u))), None) or arxiv_id_in(doi=doi),
    }
    row.update(_date(record))
    return row


def _date(record: dict) -> dict:
    year = month = day = None
    for key in ("year", "publication_year", "date"):
        match = _DATE.match(record.get(key) or "")
        if match:
            year = int(match.group(1))
            month = int(match.group(2)) if match.group(2) and 1 <= int(match.group(2)) <= 12 else None
            day = int(match.group(3)) if month and match.group(3) else None
            break
    named = (record.get("date") or "").strip()[:3].title()  # "DA  - July"
    if month is None and named in MONTHS:
        month = MONTHS.index(named) + 1
    return {"year": year, "month": month, "day": day}
