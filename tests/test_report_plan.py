"""lit_review.report.plan: every cache key, and which reports are stale."""

import pytest

from lit_review import report
from lit_review.project import Project
from lit_review.report import plan
from lit_review.themes import apply_themes, load_themes

EDITED_SCOPE = ("Out: single-device efficiency.", "Out: single-device efficiency (edited).")
FORWARD_PASS = ('{ term = "likelihood ratio"',
                '{ term = "forward pass", pattern = \'\\bforward pass\', weight = 4 },\n  { term = "likelihood ratio"')  # fmt: skip


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_corpus_key_follows_the_corpus_files_only(project):
    proj = Project.at(project)
    key = plan.corpus_key(proj)
    assert plan.corpus_key(proj) == key
    _edit(proj.themes, *EDITED_SCOPE)  # themes and notebooks are not the corpus
    _edit(proj.notebooks / "theme_review.ipynb", "## The theme at a glance", "## Glance")
    assert plan.corpus_key(proj) == key
    proj.pins.write_text("id,citekey\n")
    with_pins = plan.corpus_key(proj)
    assert with_pins != key
    _edit(proj.manifest, "[", "# a comment\n[")
    with_manifest = plan.corpus_key(proj)
    assert with_manifest != with_pins
    src = proj.sources_dir / "hf-papers-000-search-compact.txt"
    src.write_bytes(src.read_bytes() + b"\n")
    assert plan.corpus_key(proj) != with_manifest


def test_global_key_follows_every_input_the_request_and_the_output(project, tmp_path):
    proj = Project.at(project)
    out = proj.reports
    key = plan.global_key(proj, ["a"], out)
    assert plan.global_key(proj, ["a"], out) == key
    assert plan.global_key(proj, ["a", "b"], out) != key
    assert plan.global_key(proj, ["a"], tmp_path) != key
    _edit(proj.notebooks / "corpus_overview.ipynb", "## Years", "## Years!")
    after_notebook = plan.global_key(proj, ["a"], out)
    assert after_notebook != key
    _edit(proj.themes, *EDITED_SCOPE)
    assert plan.global_key(proj, ["a"], out) != after_notebook


@pytest.fixture(scope="module")
def keyed(seed_corpus, tmp_path_factory):
    """The bundled corpus and a function giving every report's key under a (possibly edited) theme file."""
    from .conftest import copy_project

    proj = Project.at(copy_project(tmp_path_factory.mktemp("plan") / "review"))
    papers = seed_corpus.corpus.papers

    def keys():
        themes = load_themes(proj.themes)
        reports = report.planned_reports(proj, themes, proj.reports)
        return plan.report_keys(reports, "corpus", themes, apply_themes(papers, themes))

    return proj, papers, keys


def test_editing_one_theme_changes_its_key_and_the_overview_only(keyed):
    proj, _, keys = keyed
    before = keys()
    assert len(before) == 7 and len(set(before.values())) == 7
    original = proj.themes.read_text(encoding="utf-8")
    try:
        _edit(proj.themes, *EDITED_SCOPE)
        after = keys()
    finally:
        proj.themes.write_text(original, encoding="utf-8")
    assert sorted(n for n in before if before[n] != after[n]) == ["distributed-training", "overview"]


def test_membership_change_rekeys_the_themes_whose_overlap_changed(keyed):
    proj, papers, keys = keyed
    before = keys()
    original = proj.themes.read_text(encoding="utf-8")
    try:
        themes_before = apply_themes(papers, load_themes(proj.themes))["themes"]
        _edit(proj.themes, *FORWARD_PASS)
        themes_after = apply_themes(papers, load_themes(proj.themes))["themes"]
        after = keys()
    finally:
        proj.themes.write_text(original, encoding="utf-8")

    def shared(col, a):  # counted here pair by pair, not by the code under test
        return sum(a in ts and "gradient-free" in ts for ts in col)

    others = [n for n in before if n not in ("gradient-free", "overview")]
    expected = {"gradient-free", "overview"} | {
        a for a in others if shared(themes_before, a) != shared(themes_after, a)
    }
    assert {n for n in before if before[n] != after[n]} == expected
    assert expected < set(before)  # some themes keep their key


def test_stale_when_key_differs_or_outputs_changed(tmp_path):
    (tmp_path / "a.html").write_text("A")
    (tmp_path / "b.html").write_text("B")
    state = {"reports": {
        "a": {"key": "ka", "outputs": plan.record_outputs(tmp_path, ["a.html"])},
        "b": {"key": "kb", "outputs": plan.record_outputs(tmp_path, ["b.html"])},
    }}  # fmt: skip
    assert plan.stale(state, tmp_path, {"a": "ka", "b": "kb"}) == []
    assert plan.stale(state, tmp_path, {"a": "ka", "b": "new", "c": "kc"}) == ["b", "c"]
    (tmp_path / "a.html").write_text("tampered")
    (tmp_path / "b.html").unlink()
    assert plan.stale(state, tmp_path, {"a": "ka", "b": "kb"}) == ["a", "b"]
    assert plan.stale({}, tmp_path, {"a": "ka"}) == ["a"]


def test_up_to_date_needs_same_key_and_intact_outputs(tmp_path):
    (tmp_path / "index.html").write_text("i")
    (tmp_path / "a.html").write_text("A")
    state = {
        "global": "g",
        "index": plan.record_outputs(tmp_path, ["index.html"]),
        "reports": {"a": {"key": "ka", "outputs": plan.record_outputs(tmp_path, ["a.html"])}},
    }
    plan.save_state(tmp_path, state)
    assert plan.load_state(tmp_path) == state
    assert plan.up_to_date(state, tmp_path, "g")
    assert not plan.up_to_date(state, tmp_path, "other")
    assert not plan.up_to_date({**state, "reports": {}}, tmp_path, "g")
    (tmp_path / "index.html").write_text("edited")
    assert not plan.up_to_date(state, tmp_path, "g")


@pytest.mark.parametrize("text", ["", "not json", "[1, 2]", "{"])
def test_unreadable_state_is_an_empty_one(tmp_path, text):
    (tmp_path / plan.STATE).write_text(text)
    assert plan.load_state(tmp_path) == {}
