"""Read source files into one corpus: each file read and normalized (in worker processes for
large corpora), then all records merged.

A :class:`Corpus` accounts for every record read: it is in ``records`` (and merged into a
paper of ``papers``) or in ``rejects``.
"""

from __future__ import annotations

import datetime as dt
import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ._infra.columns import pandas_type
from .errors import LitReviewError
from .merge import KnownAsMap, merge_records
from .normalize import empty_records, normalize_batch
from .record import Batch, Reject
from .sources import project_contexts, read_source
from .sources.manifest import SourceInfo

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

PARALLEL_BYTES = 32 << 20  # sources larger than this in all are read in worker processes


@dataclass
class Corpus:
    """A merged corpus with everything needed to account for each record read.

    ``records``: one row per record kept (``source``, ``line``, ``title_as_read``, ``id`` of
    the paper it was merged into); ``listings`` keep their counts and rejects.
    ``text_rows``: for each paper (by position), the row of ``records`` whose title it has,
    and the row whose abstract it has.
    """

    papers: pd.DataFrame
    listings: list[Batch]
    rejects: list[Reject]
    sources: dict[str, SourceInfo] = field(default_factory=dict)
    records: pd.DataFrame | None = None
    base_keys: list[str] | None = None  # each paper's citation key before disambiguation (by position)
    text_rows: tuple[np.ndarray, np.ndarray] | None = None
    known_as: KnownAsMap | None = None  # paper id -> (other ids, source's key), for citation keys

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


def _warn_unlisted(files: list[Path], manifest: dict[str, SourceInfo]) -> None:
    for path in files:
        if path.name not in manifest and manifest:
            warnings.warn(f"{path}: not in the source manifest; read without capture metadata", stacklevel=3)


@dataclass
class Part:
    """One listing file read and normalized: its listing (counts, rejects), records table, or error."""

    listing: Batch | None
    table: pa.Table | None
    rejects: list[Reject]
    error: LitReviewError | None = None


def read_part(path: str | Path, capture: dt.date | None = None, context: object | None = None) -> Part:
    """Read and normalize one listing file (in a worker process, for large corpora); ``context``:
    what it shares with the project's other files (:func:`~lit_review.sources.project_contexts`)."""
    try:
        batch = read_source(path, context=context)
    except LitReviewError as exc:
        return Part(None, None, [], exc)
    return normalized_part(batch, capture)


def normalized_part(batch: Batch, capture: dt.date | None = None) -> Part:
    """A batch as read, normalized: its records move to the part's table."""
    table, rejects = normalize_batch(batch, capture)
    return Part(batch.drop_records(), table, rejects)


def read_parts(
    paths: Iterable[str | Path], sources: dict[str, SourceInfo] | None = None, workers: int | None = None
) -> list[Part]:
    """:func:`read_part` of every file, sorted by path; in parallel worker processes when there is
    much to read (``workers``: how many; default: one per core above :data:`PARALLEL_BYTES`).
    What files share (BibTeX macros and crossref parents) is gathered first, in this process."""
    sources = sources or {}
    files = sorted(Path(p) for p in paths)
    _warn_unlisted(files, sources)
    captures = [sources[f.name].capture_date if f.name in sources else None for f in files]
    contexts = project_contexts(files)
    if workers is None:
        size = sum(f.stat().st_size for f in files if f.exists())
        workers = min(len(files), os.cpu_count() or 1) if size > PARALLEL_BYTES else 1
    if workers <= 1:
        return [read_part(f, c, x) for f, c, x in zip(files, captures, contexts)]
    from ._infra.parallel import WorkerPool, handoff_folder, receive_table

    with handoff_folder() as folder, WorkerPool(workers) as pool:
        parts = list(pool.map(_read_part_sent, files, captures, contexts, [folder] * len(files)))
        for part in parts:
            part.table = receive_table(part.table)
        return parts


def _read_part_sent(path: Path, capture: dt.date | None, context: object | None, folder: str) -> Part:
    """:func:`read_part` in a worker process, its table sent back through ``folder``."""
    from ._infra.memory import gc_paused
    from ._infra.parallel import send_table

    with gc_paused():  # a file's records are freed by reference counting; collections would only walk them
        part = read_part(path, capture, context)
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


def build_corpus(batches: list[Batch], sources: dict[str, SourceInfo] | None = None) -> Corpus:
    """Normalize and merge batches already read (no files: records made in a notebook or a test)."""
    sources = sources or {}
    captures = [sources[b.source].capture_date if b.source in sources else None for b in batches]
    return assemble([normalized_part(b, c) for b, c in zip(batches, captures)], sources)[0]


def _joined(tables: list[pa.Table]) -> pa.Table:
    import pyarrow as pa

    return pa.concat_tables(tables) if tables else empty_records()


def _corpus(records: pa.Table, listings, rejects, sources) -> Corpus:
    papers, record_ids, bases, text_rows, known_as = merge_records(records)
    kept = (
        records.select(["source", "line", "title_as_read"])
        .combine_chunks()
        .to_pandas(types_mapper=pandas_type)
    )
    kept["id"] = record_ids
    return Corpus(papers, listings, rejects, sources, kept, bases, text_rows, known_as)
