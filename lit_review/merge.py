"""Merge the records read into one row per paper, and list near-duplicates for a person to review.

Records are the same paper when they share (:func:`identify`):

1. the versionless arXiv id;
2. else the DOI (unless their arXiv ids differ);
3. else the normalized title (:func:`lit_review.text.match_key`: every letter and digit must
   agree, so ``GPT-3`` and ``GPT-4`` stay apart), unless that would join different arXiv ids
   or DOIs, different first authors, or years more than :data:`YEAR_SLACK` apart.

Records are then sorted by their paper's identity and each run is one paper (no pairwise
comparison of titles). Papers whose titles are merely similar are never merged
automatically; :func:`near_duplicates` lists them for a person to review.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import pandas as pd

from ._infra.columns import pandas_type, take, take_sorted
from .basekey import base_key, first_author
from .normalize import paper_id
from .text import words

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

PAPER_COLUMNS = [
    "id", "citekey", "title", "abstract", "authors", "year", "month", "day", "date_basis", "arxiv_id",
    "primary_class", "doi", "url", "venue", "entry_type", "keywords", "n_authors", "organization",
    "upvotes", "n_sources", "sources", "key", "references", "service_ids",
]  # fmt: skip
YEAR_SLACK = 1  # a preprint and its published version may be a year apart
KnownAs = tuple  # (other ids of a paper, the citation key a source gave it or None)


_TEXT = ("title", "abstract")


def merge_records(
    records: pa.Table,
) -> tuple[pd.DataFrame, list[str], list[str], tuple[np.ndarray, np.ndarray], KnownAsMap | None]:
    """One row per paper (the merged papers), the paper id of each record, each paper's base
    key, the record rows that give each paper its title and its abstract, and the other ids and
    source citation key of papers that have them (:func:`identify`).

    Records are sorted by (identity, source, line) to find the runs of one paper; a paper read
    once is its record as is, only papers read more than once go through :func:`_merge`.
    Papers come in the order of the record that gives their abstract (text is gathered in
    one pass, never permuted); outputs are sorted by citation key.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    ident, ids, known_as = identify(records)
    records = records.set_column(records.column_names.index("id"), "id", ids)
    index = pa.table({"ident": ident, **{c: records[c].combine_chunks() for c in ("source", "line")}})
    order = pc.sort_indices(index, [("ident", "ascending"), ("source", "ascending"), ("line", "ascending")])
    n = len(records)
    keys = index["ident"].take(order)
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
            merged["base_key"] = base_key(
                members[a + merged["title"]]["title"], merged["year"], first_author(merged["authors"])
            )
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
            values = [overrides[k][c] for k in where]
            if pa.types.is_list(columns[c].type):  # Arrow has no replace_with_mask for lists
                merged = columns[c].to_pylist()
                for row, value in zip(np.flatnonzero(mask).tolist(), values):
                    merged[row] = value
                columns[c] = pa.array(merged, columns[c].type)
            else:
                columns[c] = pc.replace_with_mask(
                    columns[c], pa.array(mask), pa.array(values, columns[c].type)
                )
    columns["title"] = take(records["title"], source_row["title"][paper_order])
    lists = {c: columns.pop(c) for c in ("authors", "keywords", "references", "service_ids")}
    papers = pa.table(columns).to_pandas(types_mapper=pandas_type)
    for c, values in lists.items():  # tuples, as a notebook user expects (not numpy arrays)
        empty = not len(pc.list_flatten(values))  # no paper has any (references of listings): no list per row
        papers[c] = [()] * len(values) if empty else list(map(tuple, values.to_pylist()))
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
    return papers, record_ids, bases, text_rows, known_as


def identify(records: pa.Table) -> tuple[pa.Array, pa.Array, KnownAsMap | None]:
    """Each record's paper: an identity to group by, the paper id, and what else papers are
    known as (by paper id: their other ids, and the citation key a source gave them).

    A paper's id is ``arXiv:<id>``, else ``doi:<doi>``, else the title hash the record was read
    with (:func:`lit_review.normalize.paper_id`). Most records need no comparison: a record's
    strong id (arXiv id, else DOI) or, lacking one, its title key is its identity whenever all
    records with that title agree on it. Only the rest, records whose title or DOI is shared by
    records of different strong ids (or of no id, with authors to tell them apart), go through
    :class:`_Groups`, in (source, line) order.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if not any(pc.any(pc.is_valid(records[c])).as_py() for c in ("arxiv_id", "doi", "source_key")) and not (
        pc.any(pc.greater(pc.list_value_length(records["authors"]), 0)).as_py()
    ):  # listing text only: the title key decides (checked before any copy of a large column)
        return records["key"].combine_chunks(), records["id"].combine_chunks(), None
    columns = ("source", "line", "key", "id", "arxiv_id", "doi", "authors", "year", "source_key")
    table = pa.table({c: records[c].combine_chunks() for c in columns})
    keys, ids = table["key"].combine_chunks(), table["id"].combine_chunks()
    empty = pa.scalar("", pa.large_string())
    strong = pc.coalesce(
        pc.binary_join_element_wise(pa.scalar("arXiv:", pa.large_string()), table["arxiv_id"], empty),
        pc.binary_join_element_wise(pa.scalar("doi:", pa.large_string()), table["doi"], empty),
    ).combine_chunks()
    named = pc.greater(pc.fill_null(pc.list_value_length(table["authors"]), 0), 0)
    rows = np.flatnonzero(_ambiguous(keys, table["doi"].combine_chunks(), strong, named))
    ident = pc.coalesce(strong, keys).to_pylist()
    paper_ids = pc.coalesce(strong, ids).to_pylist()
    if len(rows):
        sub = table.take(pa.array(rows)).to_pylist()
        order = sorted(range(len(sub)), key=lambda k: (sub[k]["source"], sub[k]["line"]))
        for k, (group_ident, pid) in zip(order, _Groups([sub[k] for k in order]).identities()):
            ident[rows[k]], paper_ids[rows[k]] = group_ident, pid
    return pa.array(ident, keys.type), pa.array(paper_ids, ids.type), _known_as(table, paper_ids)


def _ambiguous(keys: pa.Array, dois: pa.Array, strong: pa.Array, named: pa.Array):
    """Records whose identity needs comparing: those of a title (or DOI) that records of more
    than one strong id share, or that records without an id but with authors share; and every
    record of the strong ids those records have."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    t = pa.table({"key": keys, "doi": dois, "strong": strong, "named": named})
    shared = []
    for column in ("key", "doi"):
        g = (
            t.filter(pc.is_valid(t[column]))
            .group_by(column)
            .aggregate(
                [
                    ("strong", "count_distinct", pc.CountOptions("all")),
                    ("named", "any"),
                    ("strong", "count", pc.CountOptions("only_null")),
                ]
            )
        )
        mixed = pc.greater(g["strong_count_distinct"], 1)
        if column == "key":  # papers without an id that share a title: told apart by their authors
            mixed = pc.or_(mixed, pc.and_(pc.greater(g["strong_count"], 1), g["named_any"]))
        shared.append(np.asarray(pc.is_in(t[column], value_set=g[column].filter(mixed)), bool))
    rows = shared[0] | shared[1]
    involved = pc.drop_null(strong.filter(pa.array(rows))).unique()
    return rows | np.asarray(pc.fill_null(pc.is_in(strong, value_set=involved), False), bool)


def _known_as(table: pa.Table, paper_ids: list[str]) -> KnownAsMap:
    """What papers are known as, from the records read under another id or with a source's key."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    pids = pa.array(paper_ids, pa.large_string())
    renamed = pc.not_equal(table["id"], pids)
    rows = pa.array(np.flatnonzero(np.asarray(pc.or_(renamed, pc.is_valid(table["source_key"])), bool)))
    columns = table.select(["source", "line", "id", "doi", "source_key"]).take(rows)
    return KnownAsMap(columns.append_column("pid", pids.take(rows)))


class KnownAsMap:
    """Paper id -> (the other ids its records were read with, the first key a source gave it).

    Held as the rows that say it and made into a dict on first use: an ingest with no pinned
    keys and no source keys never asks (the first ingest of a million API records, say).
    """

    def __init__(self, rows: pa.Table):
        self.rows = rows
        self._map: dict[str, KnownAs] | None = None

    @property
    def has_source_keys(self) -> bool:
        return self.rows["source_key"].null_count < len(self.rows)

    def mapping(self) -> dict[str, KnownAs]:
        if self._map is None:
            sub = self.rows.to_pylist()
            known: dict[str, KnownAs] = {}
            for row in sorted(sub, key=lambda r: (r["source"], r["line"])):
                pid = row["pid"]
                aliases, source_key = known.get(pid, ((), None))
                more = [a for a in (row["id"], row["doi"] and "doi:" + row["doi"]) if a and a != pid]
                known[pid] = (tuple(dict.fromkeys((*aliases, *more))), source_key or row["source_key"])
            self._map = known
        return self._map

    def __getitem__(self, pid: str) -> KnownAs:
        return self.mapping()[pid]


class _Groups:
    """Union-find over records (dicts with ``key, id, arxiv_id, doi, authors, year``) by the
    identity rules of this module; each group remembers what its members say it is."""

    def __init__(self, rows: list[dict]):
        self.rows = rows
        self.parent = list(range(len(rows)))
        self.info = [
            {
                "arxiv": {r["arxiv_id"]} - {None},
                "doi": {r["doi"]} - {None},
                "author": {_family(r["authors"][0])} if r["authors"] else set(),
                "year": {r["year"]} - {None} if r["authors"] else set(),  # a listing's year may be inferred
            }
            for r in rows
        ]
        for field, rule in (("arxiv_id", None), ("doi", "arxiv"), ("key", "all")):
            seen: dict[str, list[int]] = {}  # value -> one record of each group holding it
            for i, r in enumerate(rows):
                value = r[field]
                if value is None:
                    continue
                groups = seen.setdefault(value, [])
                if not any(self._union(g, i, rule) for g in groups):
                    groups.append(i)

    def _find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def _union(self, a: int, b: int, rule: str | None) -> bool:
        """Join the groups of records ``a`` and ``b`` if the rule allows; whether they are one now."""
        a, b = self._find(a), self._find(b)
        if a == b:
            return True
        if not self._compatible(self.info[a], self.info[b], rule):
            return False
        a, b = min(a, b), max(a, b)  # the earlier record's group absorbs the later one
        self.parent[b] = a
        for name, values in self.info[b].items():
            self.info[a][name] |= values
        return True

    @staticmethod
    def _compatible(x: dict, y: dict, rule: str | None) -> bool:
        if rule is None:  # the same arXiv id: the same paper, whatever else differs
            return True
        if x["arxiv"] and y["arxiv"] and x["arxiv"] != y["arxiv"]:
            return False
        if rule == "arxiv":
            return True
        if x["doi"] and y["doi"] and not x["doi"] & y["doi"]:
            return False
        if x["author"] and y["author"] and not x["author"] & y["author"]:
            return False
        return not (
            x["year"] and y["year"] and min(abs(a - b) for a in x["year"] for b in y["year"]) > YEAR_SLACK
        )

    def identities(self) -> list[tuple[str, str]]:
        """(identity, paper id) of every record, in the order given."""
        roots = [self._find(i) for i in range(len(self.rows))]
        per_key: dict[str, set[int]] = {}
        for i, r in enumerate(self.rows):
            per_key.setdefault(r["key"], set()).add(roots[i])
        out = []
        for root in roots:
            info, first = self.info[root], self.rows[root]
            shared = len(per_key[first["key"]]) > 1
            if info["arxiv"]:
                pid = "arXiv:" + min(info["arxiv"])
            elif info["doi"]:
                pid = "doi:" + min(info["doi"])
            elif shared:  # papers that share a title: told apart by first author and year
                pid = paper_id(
                    f"{first['key']}|{min(info['author'], default='')}|{min(info['year'], default='')}"
                )
            else:
                pid = first["id"]
            # a title shared by several papers: the group's first record tells them apart
            ident = (
                pid if info["arxiv"] or info["doi"] else f"{first['key']}:{pid}" if shared else first["key"]
            )
            out.append((ident, pid))
        return out


def _family(name: str) -> str:
    """An author's family name, folded for comparison."""
    from .basekey import author_word

    return author_word(name)


def _first(values: Iterable):
    return next((v for v in values if v is not None), None)


def _merge(rows: list[dict]) -> dict:
    """One paper from all its records (sorted by source and line): the richest metadata, every provenance.

    ``title`` and ``abstract`` are given as the index of the member that supplies them. A
    record with a venue (a published version) gives the entry type, venue and year; the arXiv
    id is kept from whichever record has it.
    """
    titles = Counter(r["title"] for r in rows)
    # The most frequent spelling; ties go to the one with least markup, then the first read.
    title = min(titles, key=lambda t: (-titles[t], len(t) - sum(map(str.isalnum, t)) - t.count(" ")))
    abstract = max(range(len(rows)), key=lambda k: len(rows[k]["abstract"]))
    published = _first(r if r["venue"] is not None else None for r in rows)
    dated = [r for r in rows if r["year"] is not None]
    best = min(dated, key=lambda r: r["date_basis"] != "listed") if dated else None
    if published is not None and published["year"] is not None:
        best = published
    month_rec = best or _first(r if r["month"] is not None else None for r in rows)
    named = max(rows, key=lambda r: len(r["authors"] or ()))
    counts = [r["n_authors"] for r in rows if r["n_authors"] is not None]
    if named["authors"]:
        counts.append(len(named["authors"]))
    upvotes = [r["upvotes"] for r in rows if r["upvotes"] is not None]
    keywords = dict.fromkeys(k for r in rows for k in (r["keywords"] or ()))
    united = {c: dict.fromkeys(k for r in rows for k in (r[c] or ())) for c in ("references", "service_ids")}
    dois = [r["doi"] for r in rows if r["doi"] is not None and not r["doi"].startswith("10.48550/")]
    return {
        "id": rows[0]["id"],
        "title": next(k for k, r in enumerate(rows) if r["title"] == title),
        "abstract": abstract,
        "authors": named["authors"],
        "year": best["year"] if best else None,
        "month": month_rec["month"] if month_rec else None,
        "day": month_rec["day"] if month_rec else None,
        "date_basis": best["date_basis"] if best else "",
        "arxiv_id": _first(r["arxiv_id"] for r in rows),
        "primary_class": _first(r["primary_class"] for r in rows),
        "doi": dois[0] if dois else _first(r["doi"] for r in rows),
        "url": (published or {}).get("url") or _first(r["url"] for r in rows),
        "venue": published["venue"] if published else None,
        "entry_type": published["entry_type"] if published else _first(r["entry_type"] for r in rows),
        "keywords": list(keywords) if keywords else rows[0]["keywords"],
        "n_authors": max(counts) if counts else None,
        "organization": _first(r["organization"] for r in rows),
        "upvotes": max(upvotes) if upvotes else None,
        "key": rows[0]["key"],
        **{c: list(values) if values else rows[0][c] for c, values in united.items()},
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
