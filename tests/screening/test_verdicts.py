"""Every theme's screening verdicts, as the build keeps them in the snapshot."""

import numpy as np
import pytest

from lit_review.project import Project
from lit_review.screening.model import rule_proba
from lit_review.screening.verdicts import screen_themes, with_screened_themes
from lit_review.themes import load_themes, match_all

from ..conftest import ROOT

THEMES = load_themes(ROOT / "references" / "themes.toml")


@pytest.fixture(scope="module")
def papers(seed_corpus):
    return seed_corpus.corpus.papers


def _write(path, *rows):
    path.write_text("paper,theme,decision,reason,reviewer,date,role\n" + "".join(r + "\n" for r in rows))
    return path


def test_reviewers_then_a_resolver(papers, tmp_path):
    path = _write(
        tmp_path / "d.csv",
        "bbtv2gradientfree,gradient-free,include,black-box tuning,ana,,",
        "bbtv2gradientfree,gradient-free,exclude,uses gradients,ben,,",
        "wpca2025,gradient-free,include,NAS proxy,ana,,",
        "wpca2025,gradient-free,include,,ben,,",
        "lst2022,gradient-free,include,first look,ana,,",
        "lst2022,gradient-free,exclude,second look,ben,,",
        "lst2022,gradient-free,exclude,settled at the meeting,carla,,resolver",
    )
    t = screen_themes(papers, THEMES, path)["gradient-free"].table.set_index(papers["citekey"].to_numpy())
    assert tuple(t.loc["bbtv2gradientfree", ["verdict", "by", "votes"]]) == (
        "conflict", "reviewer", "ana=include; ben=exclude"
    )  # fmt: skip
    assert tuple(t.loc["wpca2025", ["verdict", "reviewers", "why"]]) == ("include", "ana, ben", "NAS proxy")
    assert tuple(t.loc["lst2022", ["verdict", "reviewers", "why"]]) == (
        "exclude", "carla", "settled at the meeting"
    )  # fmt: skip
    assert (t["by"] == "reviewer").sum() == 3 and set(t["by"]) == {"reviewer", "rules"}  # too few to train


def test_undecided_papers_get_the_rules_verdict_of_the_term_match(papers, tmp_path):
    screened = screen_themes(papers, THEMES, tmp_path / "missing.csv")  # no decisions file: no decision
    matches = match_all(THEMES, papers)
    for t in THEMES:
        s, m = screened[t.slug], matches[t.slug]
        assert s.source == "rules" and list(s.table["id"]) == list(papers["id"])
        assert (s.included == m["included"].to_numpy()).all(), t.slug  # the bundled themes decide nothing
        p = rule_proba(m["score"], t.min_score, m["excluded_by"].map(len).to_numpy() > 0)
        assert np.allclose(s.table["probability"], p, atol=1e-6)


def test_a_corpus_over_the_cutoff_is_screened_by_its_rules(papers):
    decisions = ROOT / "references" / "decisions.csv"
    full = screen_themes(papers, THEMES, decisions)
    cut = screen_themes(papers, THEMES, decisions, max_model_papers=len(papers) - 1)
    assert full["gradient-free"].source == "model" and cut["gradient-free"].source == "rules"
    human = full["gradient-free"].table["by"] == "reviewer"
    assert full["gradient-free"].table[human].equals(cut["gradient-free"].table[human].assign(
        probability=full["gradient-free"].table.loc[human, "probability"]))  # fmt: skip


def test_with_screened_themes_counts_follow_the_verdicts(papers):
    screened = screen_themes(papers, THEMES, ROOT / "references" / "decisions.csv")
    out = with_screened_themes(papers, screened)
    for slug, s in screened.items():
        assert [slug in ts for ts in out["themes"]] == list(s.included)
    assert all(list(ts) == sorted(ts) for ts in out["themes"])
    assert papers["themes"].ne(out["themes"]).any() and "themes" in papers  # a new frame; input untouched


def test_screening_is_the_same_run_to_run(papers):
    a = screen_themes(papers, THEMES, ROOT / "references" / "decisions.csv")
    b = screen_themes(papers, THEMES, ROOT / "references" / "decisions.csv")
    assert all(a[s].table.equals(b[s].table) for s in a)


def test_a_decision_naming_no_paper_is_left_out_not_fatal(papers, tmp_path):
    path = _write(tmp_path / "d.csv", "Not a paper at all,gradient-free,include,,ana,,")
    s = screen_themes(papers, THEMES, path)["gradient-free"]
    assert (s.table["by"] == "reviewer").sum() == 0


def test_bad_decisions_file_is_one_line_naming_the_line(papers, tmp_path):
    from lit_review.errors import LitReviewError

    path = _write(tmp_path / "d.csv", "x,gradient-free,perhaps,,ana,,")
    with pytest.raises(LitReviewError, match="perhaps") as info:
        screen_themes(papers, THEMES, path)
    assert info.value.line == 2


def test_project_decisions_path_is_in_the_snapshot_inputs(root):
    from lit_review.snapshot import input_files

    assert Project.at(root).decisions in input_files(Project.at(root))
