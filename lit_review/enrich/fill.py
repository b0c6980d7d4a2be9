"""Fill what papers lack from their matched metadata records, saying where each value came from.

Only missing values are filled, never a title and never a value a source gave: authors (and
their count), the year with its month and day (``date_basis`` = ``metadata``), arXiv id,
primary category, DOI, URL, and the venue with its entry type (a published version: an arXiv
paper becomes ``@article`` / ``@inproceedings`` and keeps its eprint fields). Among a paper's
records, the first in file order that has a value gives it; the authors come from the record
with the most names. ``enriched_from`` says, per record used, which fields it gave:
``metadata/hf/2024-07-16.json:2 (authors, year, arxiv_id)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from .match import Match

# paper column -> index column it is filled from (a group is filled from one record)
SIMPLE = ("arxiv_id", "primary_class", "doi", "url")
FILLED_COLUMN = "enriched_from"


def _missing(value) -> bool:
    """None, NaN, pandas' NA, or an empty string, tuple or list."""
    import pandas as pd

    if value is None or value is pd.NA:
        return True
    if isinstance(value, float):
        return value != value
    return isinstance(value, (str, tuple, list)) and not value


def fill_papers(
    papers: pd.DataFrame, matches: list[Match], rows: dict[int, dict]
) -> tuple[pd.DataFrame, list[tuple[int, str, str]]]:
    """``papers`` with the fields its matches fill (a copy), and each fill as (paper position,
    field, ``file:line``). ``rows``: index position -> the record (:data:`~.index.INDEX_COLUMNS`)."""
    import pandas as pd

    papers = papers.copy()
    columns = {
        c: papers[c].tolist()
        for c in (
            *SIMPLE,
            "authors",
            "n_authors",
            "year",
            "month",
            "day",
            "date_basis",
            "venue",
            "entry_type",
        )
    }
    fills: list[tuple[int, str, str]] = []
    sources = [""] * len(papers)
    for m in matches:
        used = _fill_one(columns, m.paper, [rows[r] for r in m.rows])
        fills += [(m.paper, f, where) for where, fields in used.items() for f in fields]
        sources[m.paper] = "; ".join(f"{where} ({', '.join(fields)})" for where, fields in used.items())
    for c, values in columns.items():
        papers[c] = pd.Series(values, index=papers.index, dtype=papers[c].dtype if c != "authors" else object)
    papers[FILLED_COLUMN] = sources
    return papers, fills


def _fill_one(columns: dict[str, list], p: int, recs: list[dict]) -> dict[str, list[str]]:
    """Fill paper ``p``'s missing values in ``columns`` from its records; ``file:line`` -> fields given."""
    used: dict[str, list[str]] = {}

    def give(field: str, rec: dict) -> None:
        used.setdefault(f"{rec['source']}:{rec['line']}", []).append(field)

    if _missing(columns["authors"][p]):
        named = max(recs, key=lambda r: len(r["authors"] or ()))  # the first of the longest lists
        if named["authors"]:
            columns["authors"][p] = tuple(named["authors"])
            give("authors", named)
            if _missing(columns["n_authors"][p]):
                columns["n_authors"][p] = len(named["authors"])
    if _missing(columns["year"][p]):
        dated = next((r for r in recs if r["year"] is not None), None)
        if dated is not None:
            for c in ("year", "month", "day"):
                columns[c][p] = dated[c]
            columns["date_basis"][p] = "metadata"
            give("year", dated)
    for c in SIMPLE:
        if _missing(columns[c][p]):
            rec = next((r for r in recs if r[c]), None)
            if rec is not None:
                columns[c][p] = rec[c]
                give(c, rec)
    if _missing(columns["venue"][p]):
        published = next((r for r in recs if r["venue"]), None)
        if published is not None:
            columns["venue"][p] = published["venue"]
            columns["entry_type"][p] = published["entry_type"]
            give("venue", published)
    return used


def records_by_position(table: pa.Table, positions: list[int]) -> dict[int, dict]:
    """Index rows (as returned for ``positions``, sorted) keyed by their position."""
    return dict(zip(sorted(set(positions)), table.to_pylist()))
