"""The build cache: a rebuild does only what an input change can affect, and never serves a stale report."""

import subprocess
import sys
import time

import pytest

from .conftest import copy_project

pytestmark = pytest.mark.slow  # every test here runs real builds (papermill, nbconvert)

THEMES = ["diffusion-guidance", "distributed-training", "efficient-fine-tuning", "gradient-free",
          "quantization-compression", "rl-llm-reasoning"]  # fmt: skip
ALL = sorted([*THEMES, "overview"])


def build(cwd, *args):
    r = subprocess.run(
        [sys.executable, "-m", "lit_review.cli", "build", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert r.returncode == 0, r.stderr
    built = sorted(
        line.rsplit("/", 1)[1].removesuffix(".html")
        for line in r.stdout.splitlines()
        if line.startswith("built ")
    )
    return r, built


@pytest.fixture(scope="module")
def proj(tmp_path_factory):
    dst = copy_project(tmp_path_factory.mktemp("cache") / "review")
    _, built = build(dst)
    assert built == ALL
    return dst


def snapshot(dst):
    return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in (dst / "reports").iterdir()}


def test_nothing_changed_does_nothing_fast(proj):
    build(proj)  # the first build pinned new keys: settle once
    before = snapshot(proj)
    t0 = time.perf_counter()
    r, built = build(proj)
    elapsed = time.perf_counter() - t0
    assert built == [] and "up to date" in r.stdout
    assert snapshot(proj) == before
    print(f"no-change rebuild: {elapsed:.2f} s")


def test_one_theme_definition_change_rebuilds_that_theme_and_overview(proj):
    themes = proj / "references" / "themes.toml"
    text = themes.read_text()
    themes.write_text(
        text.replace("Out: single-device efficiency.", "Out: single-device efficiency (edited).")
    )
    before = snapshot(proj)
    r, built = build(proj)
    assert built == ["distributed-training", "overview"]
    assert "single-device efficiency (edited)" in (proj / "reports" / "distributed-training.html").read_text()
    after = snapshot(proj)
    for slug in set(THEMES) - {"distributed-training"}:
        assert after[f"{slug}.html"] == before[f"{slug}.html"]
    # the index shows each theme's scope: it changes by that edit only
    old, new = before["index.html"][1].decode(), after["index.html"][1].decode()
    assert new == old.replace("Out: single-device efficiency.", "Out: single-device efficiency (edited).")


def test_membership_change_of_one_theme_rebuilds_themes_that_show_the_overlap(proj):
    themes = proj / "references" / "themes.toml"
    text = themes.read_text()
    # gradient-free now also takes any paper mentioning "forward pass": its members and overlaps change
    themes.write_text(text.replace(
        '{ term = "likelihood ratio"', '{ term = "forward pass", pattern = \'\\bforward pass\', weight = 4 },\n  { term = "likelihood ratio"', 1
    ))  # fmt: skip
    r, built = build(proj)
    assert "gradient-free" in built and "overview" in built
    assert "forward pass" in (proj / "reports" / "gradient-free.html").read_text()
    assert set(built) < set(ALL)  # themes whose overlap with gradient-free did not change are kept


def test_source_change_reingests_and_rebuilds(proj):
    src = proj / "references" / "sources" / "hf-papers-000-search-compact.txt"
    src.write_text(
        src.read_text(encoding="utf-8")
        + "A Brand New Gradient-Free Method\nWe propose a gradient-free method for tuning. It works well.\n",
        encoding="utf-8",
    )
    r, built = build(proj)
    assert built == ALL
    assert "Records identified: 648" in (proj / "reports" / "gradient-free.html").read_text()


def test_deleted_or_edited_output_is_rebuilt(proj):
    (proj / "reports" / "efficient-fine-tuning.html").unlink()
    (proj / "reports" / "rl-llm-reasoning.bib").write_text("tampered")
    _, built = build(proj)
    assert built == ["efficient-fine-tuning", "rl-llm-reasoning"]
    assert "@misc" in (proj / "reports" / "rl-llm-reasoning.bib").read_text()


def test_notebook_change_rebuilds_theme_reports(proj):
    nb = proj / "notebooks" / "theme_review.ipynb"
    nb.write_text(nb.read_text().replace("## The theme at a glance", "## The theme at a glance (v2)"))
    _, built = build(proj)
    assert built == THEMES


def _keys(proj, slug):
    import bibtexparser

    return [e.key for e in bibtexparser.parse_file(str(proj / "reports" / f"{slug}.bib")).entries]


def test_a_decision_rebuilds_the_theme_it_names_and_the_overview(proj):
    others = {k for slug in THEMES if slug != "rl-llm-reasoning" for k in _keys(proj, slug)}
    key = next(k for k in _keys(proj, "rl-llm-reasoning") if k not in others)  # no overlap changes
    before = snapshot(proj)
    decisions = proj / "references" / "decisions.csv"
    decisions.write_text(
        f"paper,theme,decision,reason,reviewer\n{key},rl-llm-reasoning,exclude,a survey,ana\n"
    )
    _, built = build(proj)
    assert built == ["overview", "rl-llm-reasoning"]
    assert key not in _keys(proj, "rl-llm-reasoning")
    report = (proj / "reports" / "rl-llm-reasoning.html").read_text()
    assert "1 by reviewers" in report and "a survey" in report  # the PRISMA counts and the reasons table
    after = snapshot(proj)
    for slug in set(THEMES) - {"rl-llm-reasoning"}:
        assert after[f"{slug}.html"] == before[f"{slug}.html"]
    _, built = build(proj)
    assert built == []  # decisions.csv unchanged since: up to date


def test_force_rebuilds_everything(proj):
    _, built = build(proj, "--force")
    assert built == ALL
