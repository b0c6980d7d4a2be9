"""Where things are in a review project (no heavy imports: used on the build's fast path)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ._infra.iorw import atomic_write_bytes
from .errors import LitReviewError


def _package_notebooks() -> Path:
    """The report notebooks that ship with lit-review: one copy, at the top of the repository.

    A wheel maps that folder into the package (``force-include`` in ``pyproject.toml``); a
    checkout or an editable install finds it beside the package, where the repository keeps it.
    """
    package = Path(__file__).resolve().parent
    shipped = package / "notebooks"
    return shipped if shipped.is_dir() else package.parent / "notebooks"


PACKAGE_NOTEBOOKS = _package_notebooks()
WORKING_NOTEBOOKS = ".notebooks"  # in reports/: where a project without its own notebooks runs the package's
START = "start one with `lit-review init DIR`"


def files_under(folder: Path) -> list[Path]:
    """Every file under ``folder`` (sub-folders too; hidden names skipped), in path order."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def is_project(folder: Path) -> bool:
    return (folder / "references" / "sources").is_dir()


@dataclass(frozen=True)
class Project:
    """Paths of a review project rooted at ``root``."""

    root: Path

    @classmethod
    def at(cls, root: str | Path | None = None) -> Project:
        """The project at ``root``; ``None`` finds it from the current folder upward (as a notebook does).

        A folder is a project when it has ``references/sources/``; anything else is a one-line error.
        """
        if root is not None:
            folder = Path(root).resolve()
            if not is_project(folder):
                raise LitReviewError(f"not a review project (no references/sources/ in it); {START}", root)
            return cls(folder)
        here = Path.cwd().resolve()
        for folder in (here, *here.parents):
            if is_project(folder):
                return cls(folder)
        raise LitReviewError(
            f"not inside a review project: no folder with references/sources/ here or above; {START}", here
        )

    @property
    def references(self) -> Path:
        return self.root / "references"

    @property
    def sources_dir(self) -> Path:
        return self.references / "sources"

    @property
    def manifest(self) -> Path:
        return self.references / "sources.toml"

    @property
    def themes(self) -> Path:
        return self.references / "themes.toml"

    @property
    def pins(self) -> Path:
        return self.references / "citekeys.csv"

    @property
    def first_seen(self) -> Path:
        """Pinned first-seen dates of the papers (lit_review.firstseen)."""
        return self.references / "first-seen.csv"

    @property
    def updates(self) -> Path:
        """The log of ``lit-review update`` runs (lit_review.firstseen)."""
        return self.references / "updates.csv"

    @property
    def metadata(self) -> Path:
        """Metadata files that complete the corpus's papers (lit_review.enrich)."""
        return self.references / "metadata"

    @property
    def enrich_pins(self) -> Path:
        """A person's choices where the metadata is ambiguous (lit_review.enrich.pins)."""
        return self.references / "enrich-pins.csv"

    @property
    def decisions(self) -> Path:
        """Screening decisions, one row per paper, theme and reviewer (lit_review.screening.decisions)."""
        return self.references / "decisions.csv"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def own_notebooks(self) -> bool:
        """The project has its own ``notebooks/`` folder (``lit-review init`` copies the package's there)."""
        return (self.root / "notebooks").is_dir()

    @property
    def notebooks(self) -> Path:
        """The folder the report notebooks run in (the kernel's working folder).

        The project's own ``notebooks/``; without one, the build's working copies of the package's
        notebooks in ``reports/.notebooks/`` (see :meth:`notebook`): inside the project, so the
        paths the notebooks get stay relative to it, wherever the package is installed.
        """
        return self.root / "notebooks" if self.own_notebooks else self.reports / WORKING_NOTEBOOKS

    def notebook(self, name: str) -> Path:
        """The report notebook ``name`` to run: the project's own, else a working copy of the package's.

        The working copy is (re)written only when it differs from the package's, so builds stay cached.
        """
        if self.own_notebooks:
            return self.notebooks / name
        source, copy = PACKAGE_NOTEBOOKS / name, self.notebooks / name
        if not source.is_file():
            return copy  # the caller reports the missing notebook
        data = source.read_bytes()
        if not copy.is_file() or copy.read_bytes() != data:
            copy.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(copy, data)
        return copy

    def source_files(self) -> list[Path]:
        if not self.sources_dir.is_dir():
            raise LitReviewError("no sources folder: create it and put listing files in it", self.sources_dir)
        return sorted(p for p in self.sources_dir.iterdir() if p.is_file() and not p.name.startswith("."))
