"""Normalize the records of one batch into a table: clean text, a title key, a paper id, a year.

Listing pages carry LaTeX and stray spacing; :func:`~lit_review.text.clean_text` gives the
display form and :func:`~lit_review.text.match_key` the key under which two spellings of a
title compare equal. Years a listing gives without the year are resolved from the capture date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

from ._fast.basekey import base_key_column
from ._fast.text import clean_text_column, match_key_column
from .record import Batch, Reject, excerpt

if TYPE_CHECKING:
    import pyarrow as pa

RECORD_COLUMNS = [
    "source", "line", "title_as_read", "title", "abstract", "key", "id", "base_key", "year", "date_basis",
    "month", "day", "n_authors", "organization", "upvotes", "authors", "arxiv_id", "primary_class", "doi",
    "url", "venue", "entry_type", "keywords", "source_key", "references", "service_ids",
]  # fmt: skip
_INT_COLUMNS = ("line", "year", "month", "day", "n_authors", "upvotes")
_LIST_COLUMNS = ("authors", "keywords", "references", "service_ids")
_STRING_FIELDS = ("organization", "arxiv_id", "primary_class", "doi", "url", "venue", "entry_type")
# A preprint server named where a venue goes (``journal = {arXiv preprint arXiv:2106.09685}``,
# DBLP's ``CoRR``) is no venue: such a paper is cited as a preprint.
PREPRINT_VENUE = r"(?i)^\W*(arxiv|corr|biorxiv|medrxiv|ssrn|techrxiv|openreview)\b|\bpreprint\b"


def paper_id(key: str) -> str:
    """Stable id of a paper known only by its title: a hash of the title's match key.

    Every record gets this id as read; the merge gives papers with an arXiv id or a DOI an id
    from it (:func:`lit_review.merge.identify`) and keeps this one as an alias.
    """
    return "t-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def _year(year, month, day, capture: dt.date | None) -> tuple[int | None, str]:
    if year is not None:
        return year, "listed"
    if month is None or capture is None:
        return None, ""
    # Listing pages omit the year for dates in the capture year; a later month/day
    # than the capture date can only be from the year before.
    later = (month, day or 1) > (capture.month, capture.day)
    return capture.year - 1 if later else capture.year, "inferred from capture date"


def _resolve_years(columns: dict[str, list], capture: dt.date | None) -> tuple[list, list[str]]:
    """The year and how it is known (:func:`_year`) for every record of a listing's columns."""
    resolved = [_year(*ymd, capture) for ymd in zip(columns["year"], columns["month"], columns["day"])]
    return [y for y, _ in resolved], [b for _, b in resolved]


def normalize_batch(listing: Batch, capture: dt.date | None = None) -> tuple[pa.Table, list[Reject]]:
    """The records of ``listing`` as a table (:data:`RECORD_COLUMNS`): text cleaned, title key, paper id, year.

    Records whose title has no letter or digit are returned as rejects instead.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    cols = listing.columns
    raw_titles = pa.array(cols["title"], pa.large_string())
    titles = clean_text_column(raw_titles)
    keys = match_key_column(titles)
    empty = pc.equal(keys, "").to_numpy(zero_copy_only=False)
    rejects = [
        Reject(listing.source, line, "title has no letters or digits", excerpt(title))
        for line, title, e in zip(cols["line"], cols["title"], empty)
        if e
    ]
    years, basis = _resolve_years(cols, capture)
    authors = cols["authors"]
    firsts = [a[0] if a else None for a in authors]
    table = pa.table(
        {
            "source": pa.array([listing.source] * len(cols["line"]), pa.large_string()),
            "line": pa.array(cols["line"], pa.int64()),
            "title_as_read": raw_titles,
            "title": titles,
            "abstract": clean_text_column(pa.array(cols["abstract"], pa.large_string())),
            "key": keys,
            "id": pa.array([paper_id(k) for k in keys.to_pylist()], pa.large_string()),
            "base_key": pa.array(base_key_column(titles, years, firsts), pa.large_string()),  # in the workers
            "year": pa.array(years, pa.int64()),
            "date_basis": pa.array(basis, pa.large_string()),
            **{name: pa.array(cols[name], pa.int64()) for name in ("month", "day", "n_authors", "upvotes")},
            **{name: pa.array(cols[name], pa.large_string()) for name in _STRING_FIELDS[:1]},
            "authors": pa.array(authors, pa.list_(pa.large_string())),
            **{name: pa.array(cols[name], pa.large_string()) for name in _STRING_FIELDS[1:]},
            "keywords": _list_column(cols["keywords"]),
            "source_key": pa.array(cols["citekey"], pa.large_string()),
            "references": _list_column(cols["references"]),
            "service_ids": _list_column(cols["service_ids"]),
        }
    )
    table = table.select(RECORD_COLUMNS)
    venue = table["venue"]
    preprint = pc.fill_null(pc.match_substring_regex(venue, PREPRINT_VENUE), False)
    table = table.set_column(table.column_names.index("venue"), "venue", pc.if_else(preprint, None, venue))
    if rejects:
        table = table.filter(pa.array(~empty))
    return table, rejects


def _list_column(values: list) -> pa.Array:
    """A list-of-strings column; one with no values at all (most sources give no keywords or
    references) is built from its offsets alone, without a Python object per row."""
    import numpy as np
    import pyarrow as pa

    if any(values):
        return pa.array(values, pa.list_(pa.large_string()))
    offsets = pa.array(np.zeros(len(values) + 1, dtype=np.int32))
    return pa.ListArray.from_arrays(offsets, pa.array([], pa.large_string()))


def empty_records() -> pa.Table:
    """A records table with no rows."""
    import pyarrow as pa

    types = {
        c: pa.int64()
        if c in _INT_COLUMNS
        else pa.list_(pa.large_string())
        if c in _LIST_COLUMNS
        else pa.large_string()
        for c in RECORD_COLUMNS
    }
    return pa.table({c: pa.array([], t) for c, t in types.items()})
