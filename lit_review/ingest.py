"""The ingest job: source files -> corpus -> citation keys, themes -> ``library.bib``, ``papers.csv``, ...

A project is a folder with ``references/sources/*`` (the listings), ``references/sources.toml``
(their manifest), ``references/themes.toml`` (theme definitions) and, once ingested,
``references/citekeys.csv`` (pinned keys), ``references/library.bib`` and ``references/papers.csv``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import citekeys, firstseen
from ._infra.iorw import atomic_open, atomic_write_text
from ._infra.memory import bulk_work, gc_paused
from .corpus import Corpus, Part, assemble, read_parts, records_table
from .errors import LitReviewError
from .export import OUTPUT_FILES, duplicates_csv, rejects_csv, write_bibtex, write_papers_csv
from .project import Project
from .sources.manifest import load_manifest
from .themes import all_theme_hits, apply_themes, gather_hits, load_themes


@dataclass
class IngestResult:
    corpus: Corpus
    errors: list[LitReviewError] = field(default_factory=list)
    pins: pd.DataFrame | None = None
    first_seen: dict[str, str] | None = None  # paper id -> first-seen date, old pins and new
    hits: dict | None = (
        None  # theme slug -> its term hits on the papers (themes.all_theme_hits), for match_all
    )
    enrichment: object | None = None  # lit_review.enrich.Enrichment, when there is a metadata folder

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
    first_seen_path: Path | None = None,
    write_cache: bool = True,
) -> IngestResult:
    """Read, normalize, merge, complete from ``references/metadata/``, key, date and theme the corpus
    in memory (writes nothing but the metadata index cache, and not that with ``write_cache=False``)."""
    from . import enrich

    files = _expand(paths) if paths else project.source_files()
    manifest = load_manifest(project.manifest)
    themes_file = themes_path or project.themes
    themes = load_themes(themes_file) if themes_file.exists() else []
    pins = citekeys.load_pins(pins_path or project.pins)
    with bulk_work():
        corpus, errors, hits = _merge_and_match(read_parts(files, manifest), manifest, themes)
        enrichment = enrich.apply(project, corpus, write=write_cache)
        if enrichment is not None:
            errors = errors + enrichment.index.errors
        keys, pins = citekeys.assign_keys(corpus.papers, pins, corpus.base_keys, corpus.known_as)
        seen, dates = firstseen.first_seen(
            corpus.records, corpus.papers["id"], manifest,
            firstseen.load_pins(first_seen_path or project.first_seen),
        )  # fmt: skip
        corpus.papers = apply_themes(corpus.papers.assign(citekey=keys, first_seen=seen), themes, hits)
    return IngestResult(corpus, errors, pins, dates, {t.slug: h for t, h in zip(themes, hits)}, enrichment)


def _merge_and_match(parts: list[Part], manifest, themes) -> tuple[Corpus, list[LitReviewError], list]:
    """The corpus merged from ``parts``, the files that could not be read, and each theme's term hits
    on the papers.

    The terms are searched in the records' text in a second thread while the merge runs (both
    spend their time in RE2 and Arrow, outside the GIL); each paper takes its title and abstract
    from one record, so record hits gather to paper hits exactly.
    """
    records = records_table(parts)
    with ThreadPoolExecutor(1) as background:
        matching = background.submit(all_theme_hits, themes, records["title"], records["abstract"])
        corpus, errors = assemble(parts, manifest)
        return corpus, errors, gather_hits(matching.result(), *corpus.text_rows)


def write_outputs(result: IngestResult, out: Path) -> dict[str, Path]:
    """Write ``library.bib``, ``papers.csv``, ``citekeys.csv``, ``duplicates.csv`` and ``rejects.csv`` atomically.

    ``citekeys.csv`` first, under its lock (:func:`citekeys.commit_pins`): if another build pinned
    keys meanwhile, the papers' keys are assigned again around them before anything else is written.
    """
    out.mkdir(parents=True, exist_ok=True)
    written = {name: out / name for name in OUTPUT_FILES}
    c = result.corpus
    keys, result.pins = citekeys.commit_pins(
        written["citekeys.csv"], c.papers, result.pins, c.base_keys, c.known_as
    )
    if keys is not None:  # a build at the same time pinned keys since ours were read: ours go around them
        c.papers = c.papers.assign(citekey=keys)

    def csv_file() -> None:
        with atomic_open(written["papers.csv"], "wb") as fh:
            write_papers_csv(result.corpus.papers, fh)

    def small_files() -> None:
        firstseen.save_pins(result.first_seen or {}, written["first-seen.csv"])
        atomic_write_text(written["duplicates.csv"], duplicates_csv(result.corpus))
        atomic_write_text(written["rejects.csv"], rejects_csv(result.corpus, result.errors))
        if result.enrichment is not None:
            from .enrich import ambiguous_csv

            written["enrich-ambiguous.csv"] = out / "enrich-ambiguous.csv"
            atomic_write_text(
                written["enrich-ambiguous.csv"], ambiguous_csv(result.enrichment, result.corpus.papers)
            )

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
    seen = out / "first-seen.csv" if (out / "first-seen.csv").exists() else project.first_seen
    result = run_ingest(project, paths, pins_path=pins, first_seen_path=seen)
    with gc_paused():
        write_outputs(result, out)
    return result


def load_corpus(root=None, paths=None) -> pd.DataFrame:
    """The project's corpus as a DataFrame, one row per unique paper (nothing is written).

    Columns: ``id, citekey, title, abstract, year, month, day, date_basis, n_authors,
    organization, upvotes, themes, n_sources, sources, first_seen`` (``sources``: ``file:line`` of
    every record merged into the paper). Citation keys are those pinned in ``references/citekeys.csv``.
    """
    return run_ingest(Project.at(root), paths).corpus.papers
