"""A review project on disk and the ingest job: listings -> corpus -> ``papers.csv`` + ``library.bib``.

A project is a folder with ``references/sources/*`` (the listings), ``references/sources.toml``
(their manifest), ``references/themes.toml`` (theme definitions) and, once ingested,
``references/citekeys.csv`` (pinned keys), ``references/library.bib`` and ``references/papers.csv``.
"""

from __future__ import annotations

import csv
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from . import citekeys
from .bibtex import write_bibtex
from .columns import arrow, sort_order, take
from .corpus import Corpus, assemble, read_parts, records_table
from .errors import LitReviewError
from .iorw import atomic_open, atomic_write_text, sha256_file
from .manifest import load_manifest
from .parallel import gc_paused
from .paths import Project
from .themes import all_theme_hits, apply_themes, gather_hits, load_themes

if TYPE_CHECKING:
    import pyarrow as pa

OUTPUT_FILES = ("library.bib", "papers.csv", "citekeys.csv", "duplicates.csv", "rejects.csv")
CSV_COLUMNS = [
    "id", "citekey", "title", "abstract", "year", "month", "day", "date_basis", "n_authors",
    "organization", "upvotes", "themes", "n_sources", "sources",
]  # fmt: skip


@dataclass
class IngestResult:
    corpus: Corpus
    errors: list[LitReviewError] = field(default_factory=list)
    pins: pd.DataFrame | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and self.corpus.n_rejected == 0


def _expand(paths) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.is_file() and not q.name.startswith(".")))
        elif p.exists():
            out.append(p)
        else:
            raise LitReviewError("no such file or folder", p)
    return out


def run_ingest(
    project: Project,
    paths=None,
    pins_path: Path | None = None,
    themes_path: Path | None = None,
) -> IngestResult:
    """Read, normalize, merge, key and theme the corpus in memory (writes nothing)."""
    files = _expand(paths) if paths else project.source_files()
    manifest = load_manifest(project.manifest)
    themes_file = themes_path or project.themes
    themes = load_themes(themes_file) if themes_file.exists() else []
    pins = citekeys.load_pins(pins_path or project.pins)
    with gc_paused(), ThreadPoolExecutor(1) as background:
        parts = read_parts(files, manifest)
        # themes are matched on the records while they are merged (each paper takes its title
        # and abstract from a record, so record hits gather to paper hits exactly)
        records = records_table(parts)
        matching = background.submit(all_theme_hits, themes, records["title"], records["abstract"])
        corpus, errors = assemble(parts, manifest)
        del parts
        keys, pins = citekeys.assign_keys(corpus.papers, pins, corpus.base_keys)
        hits = gather_hits(matching.result(), *corpus.text_rows)
        del records, matching
        release_free_memory()  # the per-file tables, freed by the merge and the matching
        corpus.papers = apply_themes(corpus.papers.assign(citekey=keys), themes, hits)
    return IngestResult(corpus, errors, pins)


def release_free_memory() -> None:
    """Give memory freed by Python back to the system (glibc keeps large freed blocks otherwise)."""
    import ctypes
    import ctypes.util

    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def _papers_table(papers: pd.DataFrame, rows) -> pa.Table:
    import pyarrow as pa

    columns = {}
    for col in CSV_COLUMNS:
        if col in ("title", "abstract"):
            columns[col] = take(arrow(papers[col]), rows)
            continue
        values = papers[col].iloc[rows] if col in papers else pd.Series([()] * len(rows))
        if col in ("sources", "themes"):
            join = "; ".join if col == "sources" else lru_cache(maxsize=None)("; ".join)  # theme sets repeat
            values = pa.array(
                [join(v) if isinstance(v, (list, tuple)) else "" for v in values.tolist()], pa.string()
            )
        columns[col] = values if isinstance(values, pa.Array) else pa.array(values)
    return pa.table(columns)


CSV_BATCH = 50_000


def write_papers_csv(papers: pd.DataFrame, fh) -> None:
    """Write the corpus as CSV to a binary file: one row per paper, sorted by citation key (streamed)."""
    import pyarrow.csv as pacsv

    order = sort_order(papers["citekey"])
    options = pacsv.WriteOptions(quoting_style="needed")
    writer = None
    for start in range(0, max(len(papers), 1), CSV_BATCH):
        table = _papers_table(papers, order[start : start + CSV_BATCH])
        writer = writer or pacsv.CSVWriter(fh, table.schema, write_options=options)
        writer.write_table(table)
    writer.close()


def papers_csv(papers: pd.DataFrame) -> str:
    """The corpus as CSV text: one row per paper, sorted by citation key, lists joined with ``"; "``."""
    buf = io.BytesIO()
    write_papers_csv(papers, buf)
    return buf.getvalue().decode("utf-8")


def rejects_csv(corpus: Corpus, errors: list[LitReviewError]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["source", "line", "kind", "reason", "text"])
    for e in errors:
        w.writerow([Path(e.path).name if e.path else "", e.line or "", "file", e.message, ""])
    for r in sorted(corpus.rejects, key=lambda r: (r.source, r.line)):
        w.writerow([r.source, r.line, r.kind, r.reason, r.text])
    return buf.getvalue()


def duplicates_csv(corpus: Corpus) -> str:
    """Every record merged into a paper read more than once, with its title as read: what dedupe did."""
    papers = corpus.papers[["citekey", "id", "title", "sources", "n_sources"]]  # not the abstracts
    merged = papers[papers["n_sources"] > 1].sort_values("citekey", kind="stable")
    recs = corpus.records[corpus.records["id"].isin(merged["id"])]
    raw = dict(
        zip((recs["source"] + ":" + recs["line"].astype(str)).tolist(), recs["title_as_read"].tolist())
    )
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["citekey", "id", "title", "record", "title_as_read"])
    for key, pid, title, sources in zip(merged["citekey"], merged["id"], merged["title"], merged["sources"]):
        for src in sources:
            w.writerow([key, pid, title, src, raw.get(src, "")])
    return buf.getvalue()


def write_outputs(result: IngestResult, out: Path) -> dict[str, Path]:
    """Write ``library.bib``, ``papers.csv``, ``citekeys.csv``, ``duplicates.csv`` and ``rejects.csv`` atomically."""
    out.mkdir(parents=True, exist_ok=True)
    written = {name: out / name for name in OUTPUT_FILES}

    def csv_file() -> None:
        with atomic_open(written["papers.csv"], "wb") as fh:
            write_papers_csv(result.corpus.papers, fh)

    def small_files() -> None:
        citekeys.save_pins(result.pins, written["citekeys.csv"])
        atomic_write_text(written["duplicates.csv"], duplicates_csv(result.corpus))
        atomic_write_text(written["rejects.csv"], rejects_csv(result.corpus, result.errors))

    # the two large files at once (mostly Arrow, which releases the GIL); the small ones after the first
    with ThreadPoolExecutor(2) as pool:
        jobs = [
            pool.submit(write_bibtex, result.corpus.papers, written["library.bib"]),
            pool.submit(csv_file),
        ]
        jobs.append(pool.submit(small_files))  # queued: starts when the first of the two ends
        for job in jobs:
            job.result()
    return written


def ingest(root=None, paths=None, out=None) -> IngestResult:
    """Run the ingest job on a project and write its outputs (default: into ``references/``)."""
    project = Project.at(root)
    out = Path(out) if out else project.references
    pins = out / "citekeys.csv" if (out / "citekeys.csv").exists() else project.pins
    result = run_ingest(project, paths, pins_path=pins)
    with gc_paused():
        write_outputs(result, out)
    return result


def save_snapshot(result: IngestResult, path: str | Path) -> None:
    """Save an ingest result for report notebooks, so they need not read the listings again.

    The listings keep their counts and rejects but not their records (the papers hold the text).
    """
    import dataclasses
    import pickle

    listings = [lst.drop_records() for lst in result.corpus.listings]
    corpus = dataclasses.replace(result.corpus, listings=listings, base_keys=None)
    with atomic_open(path, "wb") as fh:
        pickle.dump(dataclasses.replace(result, corpus=corpus), fh, protocol=pickle.HIGHEST_PROTOCOL)


def load_snapshot(path: str | Path) -> IngestResult:
    """Load a snapshot written by :func:`save_snapshot` (a file ``lit-review build`` wrote itself)."""
    import pickle

    with open(path, "rb") as fh:
        result = pickle.load(fh)  # noqa: S301 - our own build output, not user input
    if not isinstance(result, IngestResult):
        raise LitReviewError("not a corpus snapshot", path)
    return result


def load_corpus(root=None, paths=None) -> pd.DataFrame:
    """The project's corpus as a DataFrame, one row per unique paper (nothing is written).

    Columns: ``id, citekey, title, abstract, year, month, day, date_basis, n_authors,
    organization, upvotes, themes, n_sources, sources`` (``sources``: ``file:line`` of every
    record merged into the paper). Citation keys are those pinned in ``references/citekeys.csv``.
    """
    return run_ingest(Project.at(root), paths).corpus.papers


def input_hashes(result: IngestResult, project: Project) -> dict[str, str]:
    """SHA-256 of every listing file and of the manifest, for the provenance footer of reports."""
    files = {lst.source: project.sources_dir / lst.source for lst in result.corpus.listings}
    for extra in (project.manifest,):
        if extra.exists():
            files[str(extra.relative_to(project.root))] = extra
    return {name: sha256_file(p) for name, p in sorted(files.items()) if p.exists()}
