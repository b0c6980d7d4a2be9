"""From listing records to a corpus: normalize, resolve dates, merge duplicates, give stable ids.

Duplicates are merged by blocking on an exact key: the normalized title
(:func:`lit_review.text.match_key`), so merging is one hash-table pass, linear in the
number of records, and two papers merge only when every letter and digit of their titles
agrees (``GPT-3`` and ``GPT-4`` stay apart). Papers whose titles are merely similar are
never merged automatically; :func:`near_duplicates` lists them for a person to review.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import warnings
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import LitReviewError
from .manifest import SourceInfo
from .sources import Listing, Record, Reject, read_listing
from .text import clean_text, match_key, words

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


@dataclass
class Corpus:
    """A merged corpus with everything needed to account for each record read."""

    papers: pd.DataFrame
    listings: list[Listing]
    rejects: list[Reject]
    sources: dict[str, SourceInfo] = field(default_factory=dict)

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
    if rec.year is not None:
        return rec.year, "listed"
    if rec.month is None or capture is None:
        return None, ""
    # Listing pages omit the year for dates in the capture year; a later month/day
    # than the capture date can only be from the year before.
    later = (rec.month, rec.day or 1) > (capture.month, capture.day)
    return capture.year - 1 if later else capture.year, "inferred from capture date"


def read_sources(
    paths: Iterable[str | Path],
    manifest: dict[str, SourceInfo] | None = None,
) -> tuple[list[Listing], list[LitReviewError]]:
    """Read every listing file; a file that cannot be read at all becomes an error, not a crash."""
    manifest = manifest or {}
    listings, errors = [], []
    for path in sorted(Path(p) for p in paths):
        if path.name not in manifest and manifest:
            warnings.warn(f"{path}: not in the source manifest; read without capture metadata", stacklevel=2)
        try:
            listings.append(read_listing(path))
        except LitReviewError as exc:
            errors.append(exc)
    return listings, errors


Normalized = tuple  # (record, display title, display abstract, year, date basis)


def normalize_records(
    listings: list[Listing], sources: dict[str, SourceInfo] | None = None
) -> tuple[dict[str, list[Normalized]], list[Reject]]:
    """Clean every record's text, resolve its year, and group records by title key (blocking)."""
    sources = sources or {}
    rejects: list[Reject] = []
    groups: dict[str, list[Normalized]] = {}
    for lst in listings:
        info = sources.get(lst.source)
        capture = info.capture_date if info else None
        for rec in lst.records:
            title = clean_text(rec.title)
            key = match_key(title, cleaned=True)
            if not key:
                rejects.append(
                    Reject(rec.source, rec.line, "title has no letters or digits", rec.title[:120])
                )
                continue
            year, basis = resolve_year(rec, capture)
            groups.setdefault(key, []).append((rec, title, clean_text(rec.abstract), year, basis))
    return groups, rejects


def merge_groups(groups: dict[str, list[Normalized]]) -> pd.DataFrame:
    """One row per title key, sorted by key: the merged papers."""
    rows = [_merge(key, members) for key, members in sorted(groups.items())]
    papers = pd.DataFrame(rows, columns=[c for c in PAPER_COLUMNS if c != "citekey"])
    for col in ("year", "month", "day", "n_authors", "upvotes"):
        papers[col] = papers[col].astype("Int64")
    papers.insert(1, "citekey", pd.Series([None] * len(papers), dtype="object"))
    return papers


def build_corpus(listings: list[Listing], sources: dict[str, SourceInfo] | None = None) -> Corpus:
    """Normalize and merge the records of ``listings`` into one row per unique paper."""
    groups, rejects = normalize_records(listings, sources)
    papers = merge_groups(groups)
    listing_rejects = [r for lst in listings for r in lst.rejects]
    return Corpus(papers, listings, listing_rejects + rejects, dict(sources or {}))


def _first(values: Iterable):
    return next((v for v in values if v is not None), None)


def _merge(key: str, members: list[tuple[Record, str, str, int | None, str]]) -> dict:
    """One row from all records of one paper, keeping the richest metadata and every provenance."""
    if len(members) == 1:  # the common case, kept cheap
        rec, title, abstract, year, basis = members[0]
        return {
            "id": paper_id(key), "title": title, "abstract": abstract, "year": year, "month": rec.month,
            "day": rec.day, "date_basis": basis, "n_authors": rec.n_authors, "organization": rec.organization,
            "upvotes": rec.upvotes, "n_sources": 1, "sources": (f"{rec.source}:{rec.line}",), "key": key,
        }  # fmt: skip
    members = sorted(members, key=lambda m: (m[0].source, m[0].line))
    recs = [m[0] for m in members]
    titles = Counter(m[1] for m in members)
    # The most frequent spelling; ties go to the one with least markup, then the first read.
    title = min(titles, key=lambda t: (-titles[t], sum(not c.isalnum() and c != " " for c in t)))
    abstract = max((m[2] for m in members), key=len)
    dated = [m for m in members if m[3] is not None]
    best = min(dated, key=lambda m: m[4] != "listed") if dated else None
    month_rec = best[0] if best else _first(r for r in recs if r.month is not None)
    authors = [r.n_authors for r in recs if r.n_authors is not None]
    upvotes = [r.upvotes for r in recs if r.upvotes is not None]
    return {
        "id": paper_id(key),
        "title": title,
        "abstract": abstract,
        "year": best[3] if best else None,
        "month": month_rec.month if month_rec else None,
        "day": month_rec.day if month_rec else None,
        "date_basis": best[4] if best else "",
        "n_authors": max(authors) if authors else None,
        "organization": _first(r.organization for r in recs),
        "upvotes": max(upvotes) if upvotes else None,
        "n_sources": len(recs),
        "sources": tuple(f"{r.source}:{r.line}" for r in recs),
        "key": key,
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
