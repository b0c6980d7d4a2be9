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
    shutil.copy(ROOT / "references" / "themes.toml", dst / "references")
    # the listings' manifest entries (the package example's copy): tests that need the metadata
    # files (30 MB) copy them themselves
    shutil.copy(ROOT / "lit_review" / "example" / "sources.toml", dst / "references")
    shutil.copytree(ROOT / "notebooks", dst / "notebooks")
    return dst


@pytest.fixture
def project(tmp_path):
    """A fresh copy of the bundled review project (sources, manifest, themes, notebooks)."""
    return copy_project(tmp_path / "review")


@pytest.fixture
def srv():
    """A local server on 127.0.0.1 serving recorded responses (``tests/http_server.py``)."""
    from .http_server import RecordedServer

    with RecordedServer() as server:
        yield server


@pytest.fixture
def t():
    """An injected clock and sleep for the HTTP client: waits recorded, never spent."""
    from .http_server import FakeTime

    return FakeTime()
