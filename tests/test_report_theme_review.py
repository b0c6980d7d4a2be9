"""lit_review.report.theme_review and overview read the snapshot: no ingest, no theme matched again."""

import pytest

import lit_review.ingest
from lit_review import snapshot as snap
from lit_review.project import Project
from lit_review.report import overview, theme_review
from lit_review.themes import load_themes


@pytest.fixture
def saved(project, seed_corpus, monkeypatch):
    """A snapshot of the bundled corpus saved where a build puts it; ingesting again fails the test."""
    proj = Project.at(project)
    path = proj.reports / snap.SNAPSHOT
    path.parent.mkdir()
    snap.save_snapshot(snap.take_snapshot(proj, seed_corpus, load_themes(proj.themes)), path)
    monkeypatch.setattr(lit_review.ingest, "run_ingest", lambda *a: pytest.fail("ingested again"))
    return proj, path


def test_theme_review_uses_the_snapshot_matches(saved, monkeypatch):
    proj, path = saved
    monkeypatch.setattr(theme_review, "match_theme", lambda *a: pytest.fail("matched again"))
    r = theme_review.theme_review(proj.root, "gradient-free", snapshot=path)
    members = {k for k, ts in zip(r.papers["citekey"], r.papers["themes"]) if "gradient-free" in ts}
    assert set(r.included["citekey"]) == members and {"bbtv2gradientfree", "wpca2025"} <= members
    shared = theme_review.overlap_counts(r)
    for slug, n in shared.items():
        assert n == sum(slug in ts and "gradient-free" in ts for ts in r.papers["themes"])
    assert shared.is_monotonic_decreasing
    assert sorted(shared.index) == sorted(t.slug for t in r.themes if t.slug != "gradient-free")
    assert theme_review.year_counts(r).sum() == len(members)


def test_min_score_override_matches_that_theme_again(saved, monkeypatch):
    proj, path = saved
    calls = []
    real = theme_review.match_theme
    monkeypatch.setattr(theme_review, "match_theme", lambda t, p: calls.append(t.slug) or real(t, p))
    base = theme_review.theme_review(proj.root, "gradient-free", snapshot=path)
    strict = theme_review.theme_review(proj.root, "gradient-free", min_score=99, snapshot=path)
    assert calls == ["gradient-free"]
    assert strict.theme.min_score == 99 and len(strict.included) < len(base.included)
    assert set(strict.included["decision"]) <= {"manual-include"}


def test_overview_reads_the_snapshot_by_hand(saved):
    proj, _ = saved
    o = overview.corpus_overview(proj.root)  # no snapshot given: the one in reports/, inputs unchanged
    assert len(o.papers) == 544
    sizes = overview.theme_sizes(o)
    for t in o.themes:
        assert sizes[t.slug] == sum(t.slug in ts for ts in o.papers["themes"])
    assert overview.year_counts(o).sum() == 544
