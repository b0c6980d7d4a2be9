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
    from lit_review.project import Project, run_ingest

    return run_ingest(Project.at(ROOT))


@pytest.fixture
def project(tmp_path):
    """A fresh copy of the bundled review project (sources, manifest, themes, notebooks)."""
    import shutil

    dst = tmp_path / "review"
    shutil.copytree(ROOT / "references", dst / "references")
    for name in ("citekeys.csv", "library.bib", "papers.csv", "duplicates.csv", "rejects.csv"):
        (dst / "references" / name).unlink(missing_ok=True)
    if (ROOT / "notebooks").is_dir():
        shutil.copytree(ROOT / "notebooks", dst / "notebooks")
    return dst
