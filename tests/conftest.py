from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
LABELS = ROOT.parent / "shared" / "labels" / "themes_dev.csv"
SOURCES = ROOT / "references" / "sources"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def seed_corpus():
    """The bundled corpus, ingested in memory once per session."""
    from lit_review.ingest import run_ingest
    from lit_review.project import Project

    return run_ingest(Project.at(ROOT))


def copy_project(dst: Path) -> Path:
    """A fresh review project at ``dst``: the bundled listings, manifest, themes and notebooks, no outputs."""
    import shutil

    shutil.copytree(ROOT / "references" / "sources", dst / "references" / "sources")
    for name in ("sources.toml", "themes.toml"):
        shutil.copy(ROOT / "references" / name, dst / "references")
    shutil.copytree(ROOT / "notebooks", dst / "notebooks")
    return dst


@pytest.fixture
def project(tmp_path):
    """A fresh copy of the bundled review project (sources, manifest, themes, notebooks)."""
    return copy_project(tmp_path / "review")
