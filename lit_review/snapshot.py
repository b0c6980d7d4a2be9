"""A built project as the report notebooks read it: the ingest result and every theme's matches.

``lit-review build`` ingests once, matches every theme once, screens every theme once (human
decisions, then the model or the rules: :mod:`lit_review.screening.verdicts`) and saves the
result here; each notebook loads it instead of reading the listings, matching a theme or
training a model again. The papers' ``themes`` column in a snapshot is the screening's (the
papers each theme includes after screening), not the bare term match of ``references/papers.csv``. A notebook run
by hand in JupyterLab, with no build (or one made from other input files), ingests once and
saves the snapshot where a build would have.
"""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ._infra.iorw import atomic_open, sha256_file
from .errors import LitReviewError
from .project import Project

if TYPE_CHECKING:
    import pandas as pd

    from .ingest import IngestResult
    from .screening.verdicts import ThemeScreening
    from .themes import Theme

SNAPSHOT = ".corpus.pickle"  # in the reports folder


@dataclass
class Snapshot:
    result: IngestResult
    matches: dict[str, pd.DataFrame]  # theme slug -> :func:`lit_review.themes.match_theme` of the corpus
    inputs: dict[str, str]  # the files it was made from -> sha256 (:func:`input_files`)
    screening: dict[str, ThemeScreening] = dataclasses.field(default_factory=dict)  # theme slug -> verdicts


def corpus_files(project: Project) -> list[Path]:
    """The files the corpus is made of: listings, manifest, pinned keys and first-seen dates, update
    log, and the metadata files and pins that complete its papers (``references/metadata/``,
    ``enrich-pins.csv``)."""
    from .enrich.index import metadata_files

    return [
        *project.source_files(),
        project.manifest,
        project.pins,
        project.first_seen,
        project.updates,
        *metadata_files(project.metadata),
        project.enrich_pins,
    ]


def input_files(project: Project) -> list[Path]:
    """The files a snapshot is made of: the corpus's, the theme file and the screening decisions."""
    return [*corpus_files(project), project.themes, project.decisions]


def _hashes(project: Project) -> dict[str, str]:
    return {
        p.relative_to(project.root).as_posix(): sha256_file(p) for p in input_files(project) if p.is_file()
    }


def take_snapshot(project: Project, result: IngestResult, themes: list[Theme]) -> Snapshot:
    """The snapshot of an ingest result: its theme matches, every theme's screening, and the hashes
    of its input files. ``result`` itself is left as it is (its papers keep the term-match themes)."""
    from .screening.verdicts import screen_themes, with_screened_themes
    from .themes import match_all

    known = result.hits or {}
    hits = [known[t.slug] for t in themes] if all(t.slug in known for t in themes) else None
    papers = result.corpus.papers
    matches = match_all(themes, papers, hits)
    screening = screen_themes(papers, themes, project.decisions, hits) if themes and len(papers) else {}
    corpus = dataclasses.replace(result.corpus, papers=with_screened_themes(papers, screening))
    result = dataclasses.replace(result, corpus=corpus)
    return Snapshot(result, matches, _hashes(project), screening)


def save_snapshot(snapshot: Snapshot, path: str | Path) -> None:
    """Save a snapshot for the notebooks.

    The listings keep their counts and rejects but not their records (the papers hold the text).
    """
    corpus = snapshot.result.corpus
    listings = [lst.drop_records() for lst in corpus.listings]
    corpus = dataclasses.replace(corpus, listings=listings, base_keys=None)
    # the matches hold what the hits gave; the papers hold their first-seen dates (the pins are the ingest's)
    result = dataclasses.replace(snapshot.result, corpus=corpus, hits=None, first_seen=None)
    small = dataclasses.replace(snapshot, result=result)
    with atomic_open(path, "wb") as fh:
        pickle.dump(small, fh, protocol=pickle.HIGHEST_PROTOCOL)


def load_snapshot(path: str | Path) -> Snapshot:
    """Load a snapshot written by :func:`save_snapshot` (a file ``lit-review build`` wrote itself)."""
    try:
        with open(path, "rb") as fh:
            snapshot = pickle.load(fh)  # noqa: S301 - our own build output, not user input
    except (OSError, pickle.UnpicklingError, AttributeError, EOFError, ImportError) as exc:
        raise LitReviewError(f"cannot read the corpus snapshot: {exc}", path) from None
    if not isinstance(snapshot, Snapshot):
        raise LitReviewError("not a corpus snapshot", path)
    return snapshot


def open_snapshot(project: Project, path: str | Path | Snapshot | None = None) -> Snapshot:
    """The snapshot at ``path`` (the build's; or the snapshot itself); with no ``path`` (a notebook
    run by hand), the one in the reports folder if it was made from the project's files as they are
    now, else a new one."""
    if isinstance(path, Snapshot):
        return path
    if path is not None:
        return load_snapshot(path)
    default = project.reports / SNAPSHOT
    if default.is_file():
        try:
            snapshot = load_snapshot(default)
        except LitReviewError:  # written by another version: make it again
            snapshot = None
        if snapshot is not None and snapshot.inputs == _hashes(project):
            return snapshot
    from .ingest import run_ingest
    from .themes import load_themes

    themes = load_themes(project.themes) if project.themes.exists() else []
    snapshot = take_snapshot(project, run_ingest(project), themes)
    default.parent.mkdir(parents=True, exist_ok=True)
    save_snapshot(snapshot, default)
    return snapshot


def input_hashes(result: IngestResult, project: Project) -> dict[str, str]:
    """SHA-256 of every listing file and of the manifest, for the provenance footer of reports."""
    files = {lst.source: project.sources_dir / lst.source for lst in result.corpus.listings}
    for extra in (project.manifest,):
        if extra.exists():
            files[str(extra.relative_to(project.root))] = extra
    return {name: sha256_file(p) for name, p in sorted(files.items()) if p.exists()}
