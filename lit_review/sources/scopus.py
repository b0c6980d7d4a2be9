"""Reader for Scopus CSV exports ("Export -> CSV" of a Scopus search).

The header names the columns (``Authors, Author full names, Author(s) ID, Title, Year, Source
title, ..., DOI, Link, ..., Abstract, Author Keywords, Index Keywords, ..., Document Type, ...,
EID``; older exports lack ``Author full names``); fields are quoted and may span lines. Read:
``Title``, ``Author full names`` (``Family, Given (id)``, the id dropped; else ``Authors``,
``Family Initials``), ``Year``, ``DOI``, ``Source title`` venue, ``Abstract`` (Scopus's
``[No abstract available]`` is none, the publisher's final ``© ...`` line dropped), Scopus's
``<inf>``/``<sup>`` markup dropped, ``Author Keywords`` and ``Index Keywords``, ``Link`` as URL,
``Document Type`` -> entry type. A ``Conference Review`` (a proceedings volume's front matter
listing its papers) is skipped as not a paper. A record's ``line`` is the file line its row starts on.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ..errors import LitReviewError
from ..record import Batch, Reject, columns_of, excerpt
from ..text import clean_text
from .ids import arxiv_id_in, doi_of
from .names import family_initials, person_name
from .tagged import split_list

FORMAT = "scopus-csv"
_MARKERS = frozenset({"EID", "Source title", "Author(s) ID", "Link", "Document Type"})
ENTRY_TYPES = {
    "article": "article", "review": "article", "letter": "article", "note": "article",
    "editorial": "article", "erratum": "article", "short survey": "article", "data paper": "article",
    "article in press": "article", "retracted": "article",
    "conference paper": "inproceedings", "book chapter": "incollection", "book": "book",
}  # fmt: skip
_SKIPPED = {
    "conference review": "a Scopus 'Conference Review' (a proceedings volume's front matter), not a paper"
}
_NONE = re.compile(
    r"^\[no .* available\]$", re.IGNORECASE
)  # "[No abstract available]", "[No author name available]"
_AUTHOR_ID = re.compile(r"\s*\(\d+\)\s*$")
_MARKUP = re.compile(r"</?(?:inf|sup|sub|i|b)>")  # Scopus's sub/superscripts: "YBa<inf>2</inf>Cu"
# The publisher's copyright line Scopus appends to an abstract ("... © 2021 Elsevier Inc.").
_COPYRIGHT = re.compile(r"\s*(?:Copyright\s*)?©[^©]{0,300}$")
# Scopus writes one "Funding Text N" column per funding text; some exports have more cells in a
# row than the header names there. Cells after that group are matched to the header from the end.
_VARIABLE = "Funding Text"


def sniff(head: str) -> bool:
    """Whether ``head``'s first line is a CSV header with ``Title`` and Scopus's own columns."""
    first = head.lstrip("\ufeff").split("\n", 1)[0]
    try:
        header = next(csv.reader([first]))
    except (csv.Error, StopIteration):
        return False
    names = {cell.strip() for cell in header}
    return "Title" in names and len(names & _MARKERS) >= 2


def read(path: str | Path, name: str | None = None) -> Batch:
    """Read one Scopus CSV: a record per row, a reject for a row without title or of the wrong width."""
    path = Path(path)
    name = name or path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise LitReviewError(f"cannot read file: {exc.strerror or exc}", path) from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise LitReviewError(f"not UTF-8 text (byte at offset {exc.start})", path, line) from None
    if not text.strip():
        raise LitReviewError("empty file: no Scopus records", path, 1)
    if "\x00" in text:
        raise LitReviewError(
            "binary content (NUL byte): not a Scopus CSV", path, text[: text.index("\x00")].count("\n") + 1
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [cell.strip() for cell in next(reader)]
    if "Title" not in header:
        raise LitReviewError("not a Scopus CSV: no 'Title' column in the header", path, 1)
    batch = Batch(name, FORMAT)
    rows, start = [], reader.line_num + 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                row = _cells(batch, header, cells, start)
                record = _row(batch, row, start) if row is not None else None
                if record is not None:
                    rows.append(record)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise LitReviewError(f"not a readable CSV row: {exc}", path, start) from None
    batch.columns = columns_of(rows)
    return batch


def _cells(batch: Batch, header: list[str], cells: list[str], line: int) -> dict | None:
    """A row's cells by column name, or None (a reject) when they cannot be matched to the header."""
    extra = len(cells) - len(header)
    if extra == 0:
        return dict(zip(header, cells))
    variable = [i for i, column in enumerate(header) if column.startswith(_VARIABLE)]
    if extra > 0 and variable:
        last = variable[-1] + 1
        return dict(zip(header, cells[:last])) | dict(zip(header[last:], cells[last + extra :]))
    if extra > 0 and not any(cells[len(header) :]):  # trailing empty cells (a comma at the line end)
        return dict(zip(header, cells))
    reason = f"row has {len(cells)} cells, the header {len(header)} (cut off or misquoted?)"
    batch.rejects.append(Reject(batch.source, line, reason, excerpt(",".join(cells))))
    return None


def _value(row: dict, column: str) -> str:
    value = clean_text(_MARKUP.sub("", row.get(column) or ""))
    return "" if _NONE.match(value) else value


def _row(batch: Batch, row: dict, line: int) -> dict | None:
    title = _value(row, "Title")
    kind = _value(row, "Document Type").lower()
    if not title:
        reason = "row has no title"
        batch.rejects.append(Reject(batch.source, line, reason, excerpt(row.get("EID") or "")))
        return None
    if kind in _SKIPPED:
        batch.rejects.append(Reject(batch.source, line, _SKIPPED[kind], excerpt(title), "skipped"))
        return None
    year = _value(row, "Year")
    if year and not year.isdigit():
        batch.rejects.append(Reject(batch.source, line, "Year is not a whole number", year, "field"))
    doi = doi_of(_value(row, "DOI"))
    authors = _authors(row)
    return {
        "line": line,
        "title": title,
        "entry_type": ENTRY_TYPES.get(kind, "misc"),
        "abstract": _COPYRIGHT.sub("", _value(row, "Abstract")),
        "authors": authors,
        "n_authors": len(authors) or None,
        "keywords": split_list([_value(row, "Author Keywords"), _value(row, "Index Keywords")]),
        "venue": _value(row, "Source title") or None,
        "doi": doi,
        "url": _value(row, "Link") or None,
        "arxiv_id": arxiv_id_in(doi=doi),
        "year": int(year) if year.isdigit() else None,
    }


def _authors(row: dict) -> tuple[str, ...]:
    """``Author full names`` (``Wilson, Lauren N. (58975547800); ...``), else ``Authors``, whose
    names are separated by ``;`` (recent exports) or ``,`` (older ones: ``Phillips J.C., Braun R.``)."""
    full = _value(row, "Author full names")
    if full:
        names = (person_name(_AUTHOR_ID.sub("", name)) for name in full.split(";"))
    else:
        short = _value(row, "Authors")
        names = map(family_initials, short.split(";") if ";" in short else short.split(","))
    return tuple(dict.fromkeys(n for n in names if n))
