"""What a build must do: the content-hash cache and every key it compares, computed here only.

Two levels, both stored in ``<reports>/.build-state.json``:

* a whole-build key (:func:`global_key`) over every input file (listings, manifest, pinned
  keys, theme file, notebooks), the package's own code, the requested themes and the output
  folder: unchanged, and every output still as written, means nothing to do (no ingest, no
  notebook run);
* a key per report (:func:`report_keys`) over exactly what that report shows: the corpus
  (:func:`corpus_key`: its input files and the package code), the notebook, its parameters,
  and for a theme its definition and its overlaps with the other themes, for the overview
  every theme's definition; and the screening verdicts it shows (:func:`screening_digest`: a
  theme's own, for the overview every theme's). Editing one theme changes its own key and the
  overview's, not the others' (unless their overlap with it changed). Editing
  ``references/decisions.csv`` changes the verdicts of the themes it names only (each theme's model
  trains on its own decisions): those themes, the overview and themes whose overlaps changed
  are rebuilt.

A report is served from the cache only if its key matches and its output files still have
the hashes recorded when they were written, so a stale or tampered report is rebuilt.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from .._infra.iorw import atomic_write_text, digest, package_digest, sha256_file
from ..project import Project
from ..snapshot import corpus_files

if TYPE_CHECKING:
    import pandas as pd

    from ..themes import Theme
    from .run import Report

STATE = ".build-state.json"


def files_digest(paths) -> str:
    return digest(*[(str(p), sha256_file(p)) for p in sorted(map(Path, paths)) if p.is_file()])


# keys


def corpus_key(project: Project) -> str:
    """The corpus is a function of its input files and the package code: key it on those."""
    return digest(package_digest(), files_digest(corpus_files(project)))


def global_key(project: Project, request: list[str], out_dir: Path) -> str:
    """Key of a whole build: every input file, the package code, the requested themes, the output folder."""
    others = [project.themes, project.decisions, *sorted(project.notebooks.glob("*.ipynb"))]
    return digest(corpus_key(project), files_digest(others), request, str(out_dir))


def screening_digest(screened) -> str:
    """Hash of one theme's screening verdicts (:class:`lit_review.screening.verdicts.ThemeScreening`)."""
    import pandas as pd

    if screened is None:
        return ""
    rows = pd.util.hash_pandas_object(screened.table, index=False).to_numpy().tobytes()
    return digest(screened.source, rows)


def report_keys(
    reports: list[Report], corpus: str, themes: list[Theme], papers: pd.DataFrame, screening=None
) -> dict[str, str]:
    """Each report's key: a theme's report shows its definition, its verdicts and its overlaps, the
    overview every theme's. ``screening``: the snapshot's verdicts by theme slug."""
    from .counts import overlaps

    by_slug = {t.slug: t for t in themes}
    verdicts = {slug: screening_digest((screening or {}).get(slug)) for slug in by_slug}
    shared = overlaps(papers, list(by_slug))
    keys = {}
    for r in reports:
        theme = by_slug.get(r.name)
        if theme:
            shown = (theme.digest, verdicts[r.name], list(shared[r.name].items()))
        else:
            shown = [(t.digest, verdicts[t.slug]) for t in themes]
        keys[r.name] = digest(corpus, files_digest([r.notebook]), r.params, shown)
    return keys


# state


def load_state(out_dir: Path) -> dict:
    try:
        state = json.loads((out_dir / STATE).read_text(encoding="utf-8"))
        return state if isinstance(state, dict) else {}
    except (OSError, ValueError):
        return {}


def save_state(out_dir: Path, state: dict) -> None:
    atomic_write_text(out_dir / STATE, json.dumps(state, indent=1, sort_keys=True) + "\n")


def outputs_intact(out_dir: Path, recorded: dict[str, str]) -> bool:
    """Every recorded output file exists with the hash it had when written."""
    return bool(recorded) and all(
        (out_dir / name).is_file() and sha256_file(out_dir / name) == h for name, h in recorded.items()
    )


def record_outputs(out_dir: Path, names) -> dict[str, str]:
    return {name: sha256_file(out_dir / name) for name in names if (out_dir / name).is_file()}


def up_to_date(state: dict, out_dir: Path, global_key: str) -> bool:
    """The last build had these inputs, recorded at least one report, and left every output as written."""
    reports = state.get("reports") or {}
    return (
        state.get("global") == global_key
        and bool(reports)
        and outputs_intact(out_dir, state.get("index", {}))
        and all(outputs_intact(out_dir, r.get("outputs", {})) for r in reports.values())
    )


def stale(state: dict, out_dir: Path, keys: dict[str, str]) -> list[str]:
    """The reports (of ``keys``) to build: new key, or outputs missing or changed since written."""
    done = state.get("reports", {})
    return [
        name
        for name, key in keys.items()
        if done.get(name, {}).get("key") != key
        or not outputs_intact(out_dir, done.get(name, {}).get("outputs", {}))
    ]
