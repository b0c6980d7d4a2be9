"""From listing records to a corpus: normalize, resolve dates, merge duplicates, give stable ids.

Duplicates are merged on an exact key: the normalized title
(:func:`lit_review.text.match_key`). Records are sorted by that key and each run of equal
keys is one paper (no pairwise comparison), and two papers merge only when every letter
and digit of their titles agrees (``GPT-3`` and ``GPT-4`` stay apart). Papers whose titles are merely similar are
never merged automatically; :func:`near_duplicates` lists them for a person to review.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import warnings
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .citekeys import base_key, base_keys
from .columns import apply_where, pandas_type, take, take_sorted
from .errors import LitReviewError
from .manifest import SourceInfo
from .sources import Listing, Record, Reject, read_listing
from .text import clean_text, match_key, words

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

PAPER_COLUMNS = [
    "id",
    "citekey",
    "title",
    "abstract",
    "year",
    "month",
    "day",
    "date_basis",
    "n_authors",
    "organization",
    "upvotes",
    "n_sources",
    "sources",
    "key",
]


RECORD_COLUMNS = [
    "source", "line", "title_as_read", "title", "abstract", "key", "id", "base_key", "year", "date_basis",
    "month", "day", "n_authors", "organization", "upvotes",
]  # fmt: skip
_INT_COLUMNS = ("line", "year", "month", "day", "n_authors", "upvotes")
PARALLEL_BYTES = 32 << 20  # listings larger than this in all are read in worker processes


@dataclass
class Corpus:
    """A merged corpus with everything needed to account for each record read.

    ``records``: one row per record kept (``source``, ``line``, ``title_as_read``, ``id`` of
    the paper it was merged into); ``listings`` keep their counts and rejects.
    ``text_rows``: for each paper (by position), the row of ``records`` whose title it has,
    and the row whose abstract it has.
    """

    papers: pd.DataFrame
    listings: list[Listing]
    rejects: list[Reject]
    sources: dict[str, SourceInfo] = field(default_factory=dict)
    records: pd.DataFrame | None = None
    base_keys: list[str] | None = None  # each paper's citation key before disambiguation (by position)
    text_rows: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def n_read(self) -> int:
        return sum(lst.n_read for lst in self.listings)

    @property
    def n_records(self) -> int:
        """Records kept (before merging)."""
        return int(self.papers["n_sources"].sum()) if len(self.papers) else 0

    @property
    def n_rejected(self) -> int:
        return sum(r.kind == "record" for r in self.rejects)

    @property
    def n_duplicates(self) -> int:
        return self.n_records - len(self.papers)


def paper_id(key: str) -> str:
    """Stable id of a paper known only by its title: a hash of the title's match key."""
    return "t-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def resolve_year(rec: Record, capture: dt.date | None) -> tuple[int | None, str]:
    """The publication year and how it is known: listed, inferred from the capture date, or not."""
    return _year(rec.year, rec.month, rec.day, capture)


def _year(year, month, day, capture: dt.date | None) -> tuple[int | None, str]:
    if year is not None:
        return year, "listed"
    if month is None or capture is None:
        return None, ""
    # Listing pages omit the year for dates in the capture year; a later month/day
    # than the capture date can only be from the year before.
    later = (month, day or 1) > (capture.month, capture.day)
    return capture.year - 1 if later else capture.year, "inferred from capture date"


def _warn_unlisted(files: list[Path], manifest: dict[str, SourceInfo]) -> None:
    for path in files:
        if path.name not in manifest and manifest:
            warnings.warn(f"{path}: not in the source manifest; read without capture metadata", stacklevel=3)


def read_sources(
    paths: Iterable[str | Path],
    manifest: dict[str, SourceInfo] | None = None,
) -> tuple[list[Listing], list[LitReviewError]]:
    """Read every listing file; a file that cannot be read at all becomes an error, not a crash."""
    manifest = manifest or {}
    listings, errors = [], []
    files = sorted(Path(p) for p in paths)
    _warn_unlisted(files, manifest)
    for path in files:
        try:
            listings.append(read_listing(path))
        except LitReviewError as exc:
            errors.append(exc)
    return listings, errors


# A row that clean_text leaves alone: printable ASCII, single spaces, no LaTeX hint (\, $, {).
_NEEDS_CLEANING = r"[^\x20-\x7e]|  |^ | $|[\\${]"


def clean_column(values: pa.Array) -> pa.Array:
    """:func:`~lit_review.text.clean_text` of every value: RE2 finds the rows it would change."""
    import pyarrow.compute as pc

    return apply_where(values, pc.match_substring_regex(values, _NEEDS_CLEANING), clean_text)


def key_column(titles: pa.Array) -> pa.Array:
    """:func:`~lit_review.text.match_key` of every (clean) title: Arrow for ASCII titles, Python for the rest."""
    import pyarrow.compute as pc

    ascii_keys = pc.replace_substring_regex(pc.ascii_lower(titles), "[^a-z0-9]+", "")
    return apply_where(
        ascii_keys, pc.invert(pc.string_is_ascii(titles)), lambda t: match_key(t, cleaned=True), titles
    )


def _resolve_years(columns: dict[str, list], capture: dt.date | None) -> tuple[list, list[str]]:
    """:func:`resolve_year` for every record of a listing's columns."""
    resolved = [_year(*ymd, capture) for ymd in zip(columns["year"], columns["month"], columns["day"])]
    return [y for y, _ in resolved], [b for _, b in resolved]


def normalize_listing(listing: Listing, capture: dt.date | None = None) -> tuple[pa.Table, list[Reject]]:
    """The records of ``listing`` as a table (:data:`RECORD_COLUMNS`): text cleaned, title key, paper id, year.

    Records whose title has no letter or digit are returned as rejects instead.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    cols = listing.columns
    raw_titles = pa.array(cols["title"], pa.large_string())
    titles = clean_column(raw_titles)
    keys = key_column(titles)
    empty = pc.equal(keys, "").to_numpy(zero_copy_only=False)
    rejects = [
        Reject(listing.source, line, "title has no letters or digits", title[:120])
        for line, title, e in zip(cols["line"], cols["title"], empty)
        if e
    ]
    years, basis = _resolve_years(cols, capture)
    large = {"organization"}
    table = pa.table(
        {
            "source": pa.array([listing.source] * len(cols["line"]), pa.large_string()),
            "line": pa.array(cols["line"], pa.int64()),
            "title_as_read": raw_titles,
            "title": titles,
            "abstract": clean_column(pa.array(cols["abstract"], pa.large_string())),
            "key": keys,
            "id": pa.array([paper_id(k) for k in keys.to_pylist()], pa.large_string()),
            "base_key": pa.array(base_keys(titles, years), pa.large_string()),  # here: in the workers
            "year": pa.array(years, pa.int64()),
            "date_basis": pa.array(basis, pa.large_string()),
            **{
                name: pa.array(cols[name], pa.large_string() if name in large else pa.int64())
                for name in ("month", "day", "n_authors", "organization", "upvotes")
            },
        }
    )
    if rejects:
        table = table.filter(pa.array(~empty))
    return table, rejects


@dataclass
class Part:
    """One listing file read and normalized: its listing (counts, rejects), records table, or error."""

    listing: Listing | None
    table: pa.Table | None
    rejects: list[Reject]
    error: LitReviewError | None = None


def read_part(path: str | Path, capture: dt.date | None = None) -> Part:
    """Read and normalize one listing file (in a worker process, for large corpora)."""
    try:
        listing = read_listing(path)
    except LitReviewError as exc:
        return Part(None, None, [], exc)
    table, rejects = normalize_listing(listing, capture)
    return Part(listing.drop_records(), table, rejects)  # the table holds the records now


def read_parts(
    paths: Iterable[str | Path], sources: dict[str, SourceInfo] | None = None, workers: int | None = None
) -> list[Part]:
    """:func:`read_part` of every file, sorted by path; in parallel worker processes when there is
    much to read (``workers``: how many; default: one per core above :data:`PARALLEL_BYTES`)."""
    sources = sources or {}
    files = sorted(Path(p) for p in paths)
    _warn_unlisted(files, sources)
    captures = [sources[f.name].capture_date if f.name in sources else None for f in files]
    if workers is None:
        size = sum(f.stat().st_size for f in files if f.exists())
        workers = min(len(files), os.cpu_count() or 1) if size > PARALLEL_BYTES else 1
    if workers <= 1:
        return [read_part(f, c) for f, c in zip(files, captures)]
    from .parallel import WorkerPool, handoff_folder, receive_table

    with handoff_folder() as folder, WorkerPool(workers) as pool:
        parts = list(pool.map(_read_part_sent, files, captures, [folder] * len(files)))
        for part in parts:
            part.table = receive_table(part.table)
        return parts


def _read_part_sent(path: Path, capture: dt.date | None, folder: str) -> Part:
    """:func:`read_part` in a worker process, its table sent back through ``folder``."""
    from .parallel import gc_paused, send_table

    with gc_paused():  # a file's records are freed by reference counting; collections would only walk them
        part = read_part(path, capture)
    if part.table is not None:
        part.table = send_table(part.table, folder, path.name)
    return part


def assemble(
    parts: list[Part], sources: dict[str, SourceInfo] | None = None
) -> tuple[Corpus, list[LitReviewError]]:
    """Merge the parts read into a corpus; files that could not be read are returned as errors."""
    sources = sources or {}
    listings = [p.listing for p in parts if p.listing is not None]
    rejects = [r for lst in listings for r in lst.rejects] + [r for p in parts for r in p.rejects]
    seen = {
        lst.source: sources.get(lst.source, SourceInfo(lst.source, in_manifest=False)) for lst in listings
    }
    corpus = _corpus(records_table(parts), listings, rejects, seen)
    return corpus, [p.error for p in parts if p.error is not None]


def records_table(parts: list[Part]) -> pa.Table:
    """Every record of the parts read, one chunk per file: the rows ``Corpus.records`` and
    ``Corpus.text_rows`` count (joining is free: the chunks are not copied)."""
    return _joined([p.table for p in parts if p.table is not None])


def read_corpus(
    paths: Iterable[str | Path], sources: dict[str, SourceInfo] | None = None, workers: int | None = None
) -> tuple[Corpus, list[LitReviewError]]:
    """Read, normalize and merge listing files into a corpus; unreadable files become errors."""
    return assemble(read_parts(paths, sources, workers), sources)


def build_corpus(listings: list[Listing], sources: dict[str, SourceInfo] | None = None) -> Corpus:
    """Normalize and merge the records of ``listings`` (as read) into one row per unique paper."""
    sources = dict(sources or {})
    tables, rejects = [], [r for lst in listings for r in lst.rejects]
    for lst in listings:
        info = sources.get(lst.source)
        table, more = normalize_listing(lst, info.capture_date if info else None)
        tables.append(table)
        rejects += more
    return _corpus(_joined(tables), listings, rejects, sources)


def _joined(tables: list[pa.Table]) -> pa.Table:
    import pyarrow as pa

    return pa.concat_tables(tables) if tables else _empty_records()


def _corpus(records: pa.Table, listings, rejects, sources) -> Corpus:
    papers, record_ids, bases, text_rows = merge_records(records)
    kept = (
        records.select(["source", "line", "title_as_read"])
        .combine_chunks()
        .to_pandas(types_mapper=pandas_type)
    )
    kept["id"] = record_ids
    return Corpus(papers, listings, rejects, sources, kept, bases, text_rows)


def _empty_records() -> pa.Table:
    import pyarrow as pa

    types = {c: pa.int64() if c in _INT_COLUMNS else pa.large_string() for c in RECORD_COLUMNS}
    return pa.table({c: pa.array([], t) for c, t in types.items()})


_TEXT = ("title", "abstract")


def merge_records(
    records: pa.Table,
) -> tuple[pd.DataFrame, list[str], list[str], tuple[np.ndarray, np.ndarray]]:
    """One row per title key (the merged papers), the paper id of each record, each paper's base
    key, and the record rows that give each paper its title and its abstract.

    Records are sorted by (key, source, line) to find the runs of equal keys; a key read
    once becomes its paper as is, only keys read more than once go through :func:`_merge`.
    Papers come in the order of the record that gives their abstract (text is gathered in
    one pass, never permuted); outputs are sorted by citation key.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    index = records.select(["key", "source", "line"]).combine_chunks()
    order = pc.sort_indices(index, [("key", "ascending"), ("source", "ascending"), ("line", "ascending")])
    n = len(records)
    keys = index["key"].take(order)
    starts = np.ones(n, dtype=bool)
    if n > 1:
        starts[1:] = pc.not_equal(keys[1:], keys[:-1]).to_numpy(zero_copy_only=False)
    first = np.flatnonzero(starts)
    sizes = np.diff(np.append(first, n))
    order_np = order.to_numpy().astype(np.int64)
    first_row = order_np[first]  # each paper's first record
    source_row = {c: first_row.copy() for c in _TEXT}  # the record giving each paper's title / abstract
    small = [c for c in (*PAPER_COLUMNS, "base_key") if c not in ("citekey", "n_sources", "sources", *_TEXT)]
    multi = np.flatnonzero(sizes > 1)
    overrides = []
    if len(multi):
        member_rows = np.concatenate([order_np[first[g] : first[g] + sizes[g]] for g in multi])
        members = pa.table({c: take(records[c], member_rows) for c in records.column_names}).to_pylist()
        ends = np.cumsum(sizes[multi]).tolist()
        for g, a, b in zip(multi.tolist(), [0, *ends[:-1]], ends):
            merged = _merge(members[a:b])
            merged["base_key"] = base_key(members[a + merged["title"]]["title"], merged["year"])
            for c in _TEXT:
                source_row[c][g] = member_rows[a + merged.pop(c)]
            overrides.append(merged)
    # papers in the order of their abstract's record; small columns follow via their first record
    paper_order = np.argsort(source_row["abstract"], kind="stable")
    # the largest gather (Arrow, off the GIL) runs while the rest of the merge goes on in Python
    background = ThreadPoolExecutor(1)
    abstracts = background.submit(take_sorted, records["abstract"], source_row["abstract"][paper_order])
    background.shutdown(wait=False)
    # the small columns are cheap to join, and one take of a joined table beats a take per column
    gathered = records.select(small).combine_chunks().take(pa.array(first_row[paper_order]))
    columns = {c: gathered[c].combine_chunks() for c in small}
    if overrides:
        mask = np.zeros(len(first), dtype=bool)
        mask[multi] = True
        mask = mask[paper_order]
        rank = np.empty(len(first), dtype=np.int64)
        rank[paper_order] = np.arange(len(first))
        where = np.argsort(rank[multi], kind="stable")  # overrides in paper order
        firsts = [members[a] for a in [0, *ends[:-1]]]  # the values each merged paper has so far
        for c in small:
            if all(o[c] == f[c] for o, f in zip(overrides, firsts)):
                continue  # id and key always, most other fields too: nothing to replace
            values = pa.array([overrides[k][c] for k in where], columns[c].type)
            columns[c] = pc.replace_with_mask(columns[c], pa.array(mask), values)
    columns["title"] = take(records["title"], source_row["title"][paper_order])
    papers = pa.table(columns).to_pandas(types_mapper=pandas_type)
    colon = pa.scalar(":", pa.large_string())
    refs = pc.binary_join_element_wise(index["source"], pc.cast(index["line"], pa.large_string()), colon)
    refs = refs.take(order).to_pylist()
    starts_o, sizes_o = first[paper_order].tolist(), sizes[paper_order].tolist()
    papers["n_sources"] = sizes[paper_order]
    papers["sources"] = [(refs[a],) if k == 1 else tuple(refs[a : a + k]) for a, k in zip(starts_o, sizes_o)]
    papers.insert(1, "citekey", pd.Series([None] * len(papers), dtype="object"))
    bases = papers.pop("base_key").tolist()
    record_ids = np.empty(n, dtype=object)
    ids = np.empty(len(first), dtype=object)
    ids[paper_order] = papers["id"].to_numpy(dtype=object)
    record_ids[order_np] = np.repeat(ids, sizes)
    text_rows = (source_row["title"][paper_order], source_row["abstract"][paper_order])
    record_ids = record_ids.tolist()
    abstract = pa.table({"abstract": abstracts.result()}).to_pandas(types_mapper=pandas_type)["abstract"]
    papers = papers.assign(abstract=abstract)[PAPER_COLUMNS]
    return papers, record_ids, bases, text_rows


def _first(values: Iterable):
    return next((v for v in values if v is not None), None)


def _merge(rows: list[dict]) -> dict:
    """One paper from all its records (sorted by source and line): the richest metadata, every provenance.

    ``title`` and ``abstract`` are given as the index of the member that supplies them.
    """
    titles = Counter(r["title"] for r in rows)
    # The most frequent spelling; ties go to the one with least markup, then the first read.
    title = min(titles, key=lambda t: (-titles[t], len(t) - sum(map(str.isalnum, t)) - t.count(" ")))
    abstract = max(range(len(rows)), key=lambda k: len(rows[k]["abstract"]))
    dated = [r for r in rows if r["year"] is not None]
    best = min(dated, key=lambda r: r["date_basis"] != "listed") if dated else None
    month_rec = best or _first(r if r["month"] is not None else None for r in rows)
    authors = [r["n_authors"] for r in rows if r["n_authors"] is not None]
    upvotes = [r["upvotes"] for r in rows if r["upvotes"] is not None]
    return {
        "id": rows[0]["id"],
        "title": next(k for k, r in enumerate(rows) if r["title"] == title),
        "abstract": abstract,
        "year": best["year"] if best else None,
        "month": month_rec["month"] if month_rec else None,
        "day": month_rec["day"] if month_rec else None,
        "date_basis": best["date_basis"] if best else "",
        "n_authors": max(authors) if authors else None,
        "organization": _first(r["organization"] for r in rows),
        "upvotes": max(upvotes) if upvotes else None,
        "key": rows[0]["key"],
    }


def near_duplicates(papers: pd.DataFrame, threshold: float = 90.0) -> pd.DataFrame:
    """Pairs of distinct papers whose titles are similar but not equal, for a person to review.

    Candidates are blocked on each title's two rarest words, so the cost grows with the
    corpus size rather than its square; pairs are scored with rapidfuzz's token ratio.
    """
    from rapidfuzz import fuzz

    titles = papers["title"].tolist()
    toks = [[w for w in words(t) if len(w) > 2] for t in titles]
    freq = Counter(w for ws in toks for w in set(ws))
    blocks: dict[str, list[int]] = {}
    for i, ws in enumerate(toks):
        for w in sorted(set(ws), key=lambda w: (freq[w], w))[:2]:
            blocks.setdefault(w, []).append(i)
    pairs = set()
    for members in blocks.values():
        if 1 < len(members) <= 50:
            pairs.update((a, b) for k, a in enumerate(members) for b in members[k + 1 :])
    rows = []
    for a, b in sorted(pairs):
        score = fuzz.token_sort_ratio(titles[a], titles[b])
        if score >= threshold:
            rows.append((papers["id"].iat[a], papers["id"].iat[b], titles[a], titles[b], round(score, 1)))
    return pd.DataFrame(rows, columns=["id_a", "id_b", "title_a", "title_b", "score"])
