"""The corpus as files: ``papers.csv``, ``duplicates.csv``, ``rejects.csv``, and every output of an ingest."""

from __future__ import annotations

import csv
import io
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from . import citekeys
from ._infra.columns import arrow, sort_order, take
from ._infra.iorw import atomic_open, atomic_write_text
from .bibtex import write_bibtex
from .corpus import Corpus
from .errors import LitReviewError

if TYPE_CHECKING:
    import pyarrow as pa

    from .ingest import IngestResult

OUTPUT_FILES = ("library.bib", "papers.csv", "citekeys.csv", "duplicates.csv", "rejects.csv")
CSV_COLUMNS = [
    "id", "citekey", "title", "abstract", "year", "month", "day", "date_basis", "n_authors",
    "organization", "upvotes", "themes", "n_sources", "sources",
]  # fmt: skip


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
