"""Where things are in a review project (no heavy imports: used on the build's fast path)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import LitReviewError


@dataclass(frozen=True)
class Project:
    """Paths of a review project rooted at ``root``."""

    root: Path

    @classmethod
    def at(cls, root: str | Path | None = None) -> Project:
        """The project at ``root``; ``None`` finds it from the current folder upward (as a notebook does)."""
        if root is not None:
            return cls(Path(root).resolve())
        here = Path.cwd().resolve()
        for folder in (here, *here.parents):
            if (folder / "references" / "sources").is_dir():
                return cls(folder)
        return cls(here)

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
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    def source_files(self) -> list[Path]:
        if not self.sources_dir.is_dir():
            raise LitReviewError("no sources folder: create it and put listing files in it", self.sources_dir)
        return sorted(p for p in self.sources_dir.iterdir() if p.is_file() and not p.name.startswith("."))
