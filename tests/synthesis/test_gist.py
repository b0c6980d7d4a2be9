"""The gist rule: its tiers on written cases, and its hit rate on 60 hand-marked bundled abstracts."""

import csv

import pandas as pd
import pytest

from lit_review.synthesis.gist import RULES, gist, gists
from lit_review.synthesis.sentences import split_sentences

from ..conftest import ROOT

DATA = ROOT / "tests" / "data"
# (marks file, sample: start and step over papers.csv sorted by id, size, floor of the hit rate); measured
# with the rule as first written (docs/synthesis.md): 53 of 60 (88.3%); held out: 26 of 30 (86.7%)
SAMPLES = [("gist_marks.csv", 0, 9, 60, 0.85), ("gist_marks_holdout.csv", 4, 18, 30, 0.83)]


def _marks(name="gist_marks.csv"):
    with open(DATA / name, encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    marks = {}
    for r in rows:
        marks.setdefault(r["id"], {})[int(r["sentence"])] = r["text"]
    return marks


@pytest.mark.parametrize("name, start, step, size, floor", SAMPLES)
def test_the_marks_are_the_stated_sample_and_match_the_splitter(name, start, step, size, floor):
    papers = pd.read_csv(ROOT / "references" / "papers.csv", keep_default_na=False)
    sample = papers.sort_values("id", kind="stable").iloc[start::step].head(size)
    marks = _marks(name)
    assert list(marks) == sample["id"].tolist() and len(marks) == size  # the stated sample, all marked
    for p in sample.itertuples():
        sentences = split_sentences(p.abstract)
        for i, text in marks[p.id].items():
            assert sentences[i] == text  # the marked sentence is still that sentence


def test_the_held_out_sample_shares_no_paper_with_the_first():
    assert not set(_marks()) & set(_marks("gist_marks_holdout.csv"))


@pytest.mark.parametrize("name, start, step, size, floor", SAMPLES)
def test_hit_rate_on_the_hand_marks(name, start, step, size, floor):
    marks = _marks(name)
    papers = pd.read_csv(ROOT / "references" / "papers.csv", keep_default_na=False)
    chosen = gists(papers[papers["id"].isin(marks)]).set_index("id")
    hits = sum(int(chosen.loc[i, "sentence"]) in m for i, m in marks.items())
    assert hits / len(marks) >= floor, f"{hits} of {len(marks)}"


def test_a_stated_contribution_beats_context_and_results():
    g = gist(
        "Large models are costly. Experiments show our method is fast. "
        "However, tuning them remains hard. In this paper, we propose FooTune, a tuner."
    )
    assert g.sentence == "In this paper, we propose FooTune, a tuner." and g.index == 3 and g.rule == RULES[0]


def test_tiers_in_order_study_then_named_then_after_the_problem():
    assert gist("Context here. We study why X fails. Our method is named Y.").rule == RULES[1]
    named = gist("Context here. The proposed Y is simple. Results show it is good.")
    assert (named.index, named.rule) == (1, RULES[2])
    after = gist("Models grow. However, memory is a limitation. Y cuts memory by half. It is simple.")
    assert (after.sentence, after.rule) == ("Y cuts memory by half.", RULES[3])
    first = gist("Y cuts memory by half. It is simple.")
    assert (first.index, first.rule) == (0, RULES[4])


def test_results_and_code_sentences_are_not_taken_as_what_is_studied():
    g = gist(
        "Context. Experiments show that we study nothing. Code at https://x.org we analyse. Y is a tool."
    )
    assert g.rule == RULES[3] or g.rule == RULES[4]


def test_gists_of_papers_without_abstracts_and_with_hostile_text():
    papers = pd.DataFrame(
        {"id": ["a", "b", "c"], "abstract": [None, "", "We propose <script>x</script> \\cite{y} 100% & $z$."]}
    )
    out = gists(papers)
    assert out["gist"].tolist()[:2] == ["", ""] and out["sentence"].tolist()[:2] == [-1, -1]
    assert (
        out["gist"][2] == "We propose <script>x</script> \\cite{y} 100% & $z$."
    )  # verbatim; escaped by writers
