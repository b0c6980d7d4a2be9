"""The metadata index: every record of ``references/metadata/`` read once, normalized as sources are,
and kept as a Parquet file while the metadata files are unchanged.

Each file is read by :func:`lit_review.sources.read_source` (any format the kit reads; the arXiv
snapshot block by block) and normalized by :func:`lit_review.normalize.normalize_batch`, so a title
key or a DOI means here what it means in the corpus. The index holds what matching and filling
need (:data:`INDEX_COLUMNS`), not abstracts. Its cache key is the files' names, sizes and
modification times (and :data:`INDEX_VERSION`); a changed file rebuilds it.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .._infra.iorw import atomic_open, atomic_write_text, package_digest
from ..errors import LitReviewError
from ..record import Reject

if TYPE_CHECKING:
    import pyarrow as pa

INDEX_VERSION = "1"
INDEX_COLUMNS = [
    "source", "line", "title", "key", "arxiv_id", "doi", "authors", "family", "year", "month", "day",
    "primary_class", "url", "venue", "entry_type", "key_head", "key_tail",
]  # fmt: skip
MATCH_COLUMNS = ["key", "arxiv_id", "doi", "family", "year", "key_head", "key_tail"]
ROW_GROUP = 65_536
PARALLEL_BYTES = 64 << 20  # a snapshot larger than this is read in worker processes
BLOCK_CHARS = 12  # near titles are looked for among titles that share the first or last 12 key characters


@dataclass
class MetadataIndex:
    """The index file (or an in-memory table) with the rejects and unreadable files of its build."""

    path: Path | None
    table: pa.Table | None = None  # held in memory when not written (a dry run)
    rejects: list[Reject] = field(default_factory=list)
    errors: list[LitReviewError] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    reused: bool = False

    @property
    def n_rows(self) -> int:
        if self.table is not None:
            return len(self.table)
        import pyarrow.parquet as pq

        return pq.ParquetFile(self.path).metadata.num_rows

    def match_columns(self) -> pa.Table:
        """The columns matching looks at, for every record (a row number is its position)."""
        if self.table is not None:
            return self.table.select(MATCH_COLUMNS)
        import pyarrow.parquet as pq

        return pq.read_table(self.path, columns=MATCH_COLUMNS)

    def rows(self, positions, columns: list[str] | None = None) -> pa.Table:
        """The index rows at ``positions`` (sorted, unique; ``columns``: all by default), read one
        row group at a time."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.parquet as pq

        positions = np.asarray(sorted(set(int(p) for p in positions)), dtype=np.int64)
        if self.table is not None:
            table = self.table if columns is None else self.table.select(columns)
            return table.take(pa.array(positions, pa.int64()))
        if not len(positions):
            empty = pq.read_schema(self.path).empty_table()
            return empty if columns is None else empty.select(columns)
        pf = pq.ParquetFile(self.path)
        starts = np.cumsum([0] + [pf.metadata.row_group(g).num_rows for g in range(pf.num_row_groups)])
        parts = []
        for g in np.unique(np.searchsorted(starts, positions, side="right") - 1).tolist():
            inside = positions[(positions >= starts[g]) & (positions < starts[g + 1])] - starts[g]
            parts.append(pf.read_row_group(g, columns=columns).take(pa.array(inside)))
        return pa.concat_tables(parts)


def metadata_files(folder: Path) -> list[Path]:
    """Every metadata file under ``folder`` (sub-folders too; hidden names and the folder's own
    notes, ``*.md``, skipped), in path order."""
    from ..project import files_under

    return [p for p in files_under(folder) if p.suffix.lower() != ".md"]


def cache_key(files: list[Path], base: Path) -> str:
    """A hash of the files' paths (relative to ``base``), sizes and modification times, and of the
    code that reads them (a changed reader rebuilds the index)."""
    h = hashlib.sha256(f"lit-review metadata index {INDEX_VERSION} {package_digest()}\n".encode())
    for f in files:
        st = f.stat()
        h.update(f"{f.relative_to(base).as_posix()}\t{st.st_size}\t{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:24]


def load_index(folder: Path, cache: Path | None) -> MetadataIndex:
    """The index of the metadata files under ``folder``: reused from ``cache`` while the files are
    unchanged, else built (and saved there; with ``cache=None`` built in memory, nothing written).

    Records are named by their path relative to ``folder``'s parent (``metadata/hf/x.json``).
    """
    files = metadata_files(folder)
    base = folder.parent
    names = [f.relative_to(base).as_posix() for f in files]
    if cache is not None:
        key = cache_key(files, base)
        path = cache / f"index-{key}.parquet"
        side = cache / f"index-{key}.json"
        if path.is_file() and side.is_file():
            return _reused(path, side, names)
    table, rejects, errors = build_index(files, names)
    if cache is None:
        return MetadataIndex(None, table, rejects, errors, names)
    _save(table, rejects, errors, path, side)
    for stale in cache.glob("index-*"):
        if stale.name not in (path.name, side.name):
            stale.unlink(missing_ok=True)
    return MetadataIndex(path, None, rejects, errors, names)


def _save(table, rejects, errors, path: Path, side: Path) -> None:
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(path, "wb") as fh:
        pq.write_table(table, fh, row_group_size=ROW_GROUP, compression="zstd")
    state = {
        "rejects": [[r.source, r.line, r.reason, r.text, r.kind] for r in rejects],
        "errors": [[e.message, str(e.path) if e.path else None, e.line] for e in errors],
    }
    atomic_write_text(side, json.dumps(state, ensure_ascii=False))


def _reused(path: Path, side: Path, names: list[str]) -> MetadataIndex:
    state = json.loads(side.read_text(encoding="utf-8"))
    rejects = [Reject(*r) for r in state["rejects"]]
    errors = [LitReviewError(m, p, n) for m, p, n in state["errors"]]
    return MetadataIndex(path, None, rejects, errors, names, reused=True)


def build_index(
    files: list[Path], names: list[str], workers: int | None = None
) -> tuple[pa.Table, list[Reject], list[LitReviewError]]:
    """Read and normalize every metadata file into one index table (:data:`INDEX_COLUMNS`).

    A large arXiv snapshot is read a block at a time, its blocks parsed and normalized in
    ``workers`` worker processes (default: one per core)."""
    import pyarrow as pa

    from ..sources import arxiv_snapshot, detect

    workers = workers or os.cpu_count() or 1
    tables, rejects, errors = [], [], []
    for path, name in zip(files, names):
        try:
            reader = detect(path)
            if reader is not arxiv_snapshot:
                batch = reader.read(path, name)
                parts = [(*_indexed(batch), batch.rejects)]
            elif workers > 1 and path.stat().st_size > PARALLEL_BYTES:
                parts = _snapshot_in_workers(path, name, workers)
            else:
                parts = [(*_indexed(b), b.rejects) for b in arxiv_snapshot.read_blocks(path, name)]
        except LitReviewError as exc:
            errors.append(exc)
            continue
        for table, more, read in parts:
            tables.append(table)
            rejects += read + more
    if not tables:
        return _empty(), rejects, errors
    return pa.concat_tables(tables), rejects, errors


def _snapshot_in_workers(path: Path, name: str, workers: int) -> list[tuple]:
    """The snapshot's blocks indexed in worker processes (a few blocks in flight at a time)."""
    from collections import deque

    from .._infra.parallel import WorkerPool, handoff_folder, receive_table
    from ..sources import arxiv_snapshot

    parts, pending = [], deque()

    def collect() -> None:
        sent, more, read = pending.popleft().result()
        parts.append((receive_table(sent), more, read))

    with handoff_folder() as folder, WorkerPool(workers) as pool:
        for start, lines in arxiv_snapshot.raw_blocks(path):
            pending.append(pool.submit(_index_block, name, start, lines, folder))
            while len(pending) > workers:
                collect()
        while pending:
            collect()
    return parts


def _index_block(name: str, start: int, lines: list[bytes], folder: str) -> tuple:
    """In a worker: one block of snapshot lines as index rows, sent back through ``folder``."""
    from .._infra.memory import gc_paused
    from .._infra.parallel import send_table
    from ..sources import arxiv_snapshot

    with gc_paused():
        batch = arxiv_snapshot.read_block(name, start, lines)
        table, more = _indexed(batch)
    return send_table(table, folder, f"{start}"), more, batch.rejects


def _indexed(batch) -> tuple[pa.Table, list[Reject]]:
    """One batch normalized (:func:`~lit_review.normalize.normalize_batch`) as index rows."""
    import pyarrow as pa

    from ..basekey import author_word
    from ..normalize import normalize_batch

    n = len(batch.columns["line"])
    batch.columns["abstract"] = [""] * n  # not indexed: no need to clean it
    table, rejects = normalize_batch(batch)
    firsts = [a[0] if a else None for a in table["authors"].to_pylist()]
    extra = {
        "family": pa.array([author_word(a) or None for a in firsts], pa.large_string()),
        **key_blocks(table["key"]),
    }
    out = {c: extra[c] if c in extra else table[c] for c in INDEX_COLUMNS}
    return pa.table(out), rejects


def key_blocks(keys) -> dict[str, pa.Array]:
    """The first and last :data:`BLOCK_CHARS` characters of title keys (where near titles are looked for)."""
    import pyarrow.compute as pc

    return {
        "key_head": pc.utf8_slice_codeunits(keys, 0, BLOCK_CHARS),
        "key_tail": pc.utf8_slice_codeunits(keys, -BLOCK_CHARS),
    }


def _empty() -> pa.Table:
    import pyarrow as pa

    ints = {"line", "year", "month", "day"}
    types = {
        c: pa.int64() if c in ints else pa.list_(pa.large_string()) if c == "authors" else pa.large_string()
        for c in INDEX_COLUMNS
    }
    return pa.table({c: pa.array([], t) for c, t in types.items()})
