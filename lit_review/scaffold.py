"""``lit-review init``: a new review project, empty or filled with the bundled example corpus.

Everything it writes comes from the package: ``templates/`` (themes, README, .gitignore, the
scheduled-build workflow ``.github/workflows/review.yml``),
``notebooks/`` (the report notebooks, copied so the project can change its own) and
``example/`` (the bundled corpus: listings, manifest, themes).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ._infra.iorw import atomic_write_text
from .errors import LitReviewError
from .project import PACKAGE_NOTEBOOKS, Project

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE / "templates"
EXAMPLE = PACKAGE / "example"
DECISION_COLUMNS = ("paper", "theme", "decision", "reason", "reviewer", "date")
EMPTY_MANIFEST = """\
# Where and when each file under references/sources/ was captured: one [[source]] table per file.
# `lit-review fetch` adds its captures here; for a file you add yourself, you may write e.g.
#
# [[source]]
# file = "zotero-export.bib"
# origin = "Zotero library, exported as BibTeX"
# listing = "papers I collected on the topic"
# query = "unknown"
# page_date = "unknown"
# captured = "2025-01-31"
#
# A file without an entry is still read (with a warning that its capture metadata is unknown).
"""


def init_project(folder: str | Path, example: bool = False) -> Project:
    """Create a review project in ``folder`` (new or empty); ``example`` fills it with the bundled corpus."""
    root = Path(folder)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise LitReviewError("already exists and is not an empty folder; init only makes new projects", root)
    from .citekeys import PIN_COLUMNS

    project = Project(root.resolve())
    project.sources_dir.mkdir(parents=True)
    atomic_write_text(project.sources_dir / ".gitkeep", "")  # git keeps the empty folder that marks a project
    if example:
        for listing in sorted((EXAMPLE / "sources").iterdir()):
            shutil.copyfile(listing, project.sources_dir / listing.name)
        shutil.copyfile(EXAMPLE / "sources.toml", project.manifest)
        shutil.copyfile(EXAMPLE / "themes.toml", project.themes)
    else:
        atomic_write_text(project.manifest, EMPTY_MANIFEST)
        shutil.copyfile(TEMPLATES / "themes.toml", project.themes)
    atomic_write_text(project.pins, ",".join(PIN_COLUMNS) + "\n")
    atomic_write_text(project.decisions, ",".join(DECISION_COLUMNS) + "\n")
    notebooks = project.root / "notebooks"
    notebooks.mkdir()
    for nb in sorted(PACKAGE_NOTEBOOKS.glob("*.ipynb")):
        shutil.copyfile(nb, notebooks / nb.name)
    project.reports.mkdir()
    readme = (TEMPLATES / "README.md").read_text(encoding="utf-8")
    atomic_write_text(project.root / "README.md", readme.replace("{title}", _title(project.root.name)))
    shutil.copyfile(TEMPLATES / "gitignore", project.root / ".gitignore")
    atomic_write_text(project.root / WORKFLOW, workflow_text())
    return project


WORKFLOW = ".github/workflows/review.yml"


def workflow_text(package: str | None = None) -> str:
    """The scheduled-build workflow ``init`` writes: weekly and by hand, ``lit-review update`` and
    ``build``, commit the new sources and pins, publish the reports. ``package``: the pip requirement
    it installs (default: this version of lit-review)."""
    from . import __version__

    text = (TEMPLATES / "review.yml").read_text(encoding="utf-8")
    return text.replace("{package}", package or f"lit-review=={__version__}")


def _title(name: str) -> str:
    words = name.replace("-", " ").replace("_", " ").strip()
    return f"Literature review: {words}" if words else "Literature review"
