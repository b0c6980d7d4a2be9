"""Shared test data for the reader tests: the real fixture files and their independent record counts."""

from __future__ import annotations

import re
from pathlib import Path

from ..conftest import ROOT, SOURCES

# /work/shared/fixtures, wherever the checkout sits under /work (main or a worktree).
FIXTURES = next(p / "shared" / "fixtures" for p in ROOT.parents if (p / "shared" / "fixtures").is_dir())
LISTING_SEEDS = sorted(SOURCES.glob("*.txt"))
OTHER_FORMATS = sorted([*(FIXTURES / "hf").iterdir(), *(FIXTURES / "arxiv").iterdir()])


def manifest_counts() -> dict[str, int]:
    """The MANIFEST's ``records`` column (counted by independent parsers), by local path."""
    counts = {}
    for line in (FIXTURES / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 8 and re.fullmatch(r"\d+", cells[6]):
            counts[cells[1]] = int(cells[6])
    return counts


def cassette_bodies(cassette: Path, out: Path) -> list[Path]:
    """The response bodies of a VCR cassette (a recorded HTTP session: Python's vcrpy or R's vcr),
    each written to a file as received."""
    import yaml

    recorded = yaml.safe_load(cassette.read_text(encoding="utf-8"))
    interactions = recorded.get("interactions") or recorded["http_interactions"]
    paths = []
    for k, interaction in enumerate(interactions):
        path = out / f"{cassette.stem}.{k}.json"
        path.write_text(interaction["response"]["body"]["string"], encoding="utf-8")
        paths.append(path)
    return paths


def accounted(batch) -> int:
    """Records read: kept, rejected whole, or skipped as not a paper."""
    return batch.n_read
