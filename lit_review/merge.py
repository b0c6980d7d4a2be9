"""Merge the records read into one row per paper, and list near-duplicates for a person to review.

Duplicates are merged on an exact key: the normalized title
(:func:`lit_review.text.match_key`). Records are sorted by that key and each run of equal
keys is one paper (no pairwise comparison), and two papers merge only when every letter
and digit of their titles agrees (``GPT-3`` and ``GPT-4`` stay apart). Papers whose titles
are merely similar are never merged automatically; :func:`near_duplicates` lists them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import pandas as pd

from ._infra.columns import pandas_type, take, take_sorted
from .citekeys import base_key
from .text import words

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
