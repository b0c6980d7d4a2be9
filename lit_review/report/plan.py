"""Content-hash cache for ``lit-review build``: rebuild only what an input change can affect.

Two levels, both stored in ``<reports>/.build-state.json``:

* a whole-build key over every input file (listings, manifest, theme file, pinned keys,
  notebooks) and the package's own code: unchanged, and every output still as written,
  means nothing to do (no ingest, no notebook run);
* a key per report over exactly what that report shows: the corpus (without theme
  columns), the per-source counts, this theme's definition and members, its overlaps with
  the other themes, the notebook, the parameters and the package code. Editing one theme
  changes its own key (and the overview's), not the others'.

A report is served from the cache only if its key matches and its output files still have
the hashes recorded when they were written, so a stale or tampered report is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .._infra.iorw import atomic_write_text, sha256_file

STATE = ".build-state.json"
_PACKAGE = Path(__file__).resolve().parents[1]


def digest(*parts) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else json.dumps(part, sort_keys=True, default=str).encode())
        h.update(b"\0")
    return h.hexdigest()


def package_digest() -> str:
    """Hash of the package's code: a new version or a local edit invalidates every report."""
    return digest(
        *[(p.relative_to(_PACKAGE).as_posix(), p.read_bytes()) for p in sorted(_PACKAGE.rglob("*.py"))]
    )


def files_digest(paths) -> str:
    return digest(*[(str(p), sha256_file(p)) for p in sorted(map(Path, paths)) if p.is_file()])


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
