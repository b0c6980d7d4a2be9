"""The screening screen, driven by pressing its buttons (no browser) on a copy of the bundled project."""

import re
import shutil

import pandas as pd
import pytest

from lit_review import screening
from lit_review.report.screen import highlight, screen_widget
from lit_review.screening.decisions import read_decisions

from .conftest import ROOT


@pytest.fixture
def screened(project):
    shutil.copy(ROOT / "references" / "decisions.csv", project / "references")
    return project


def test_include_with_a_reason_appends_and_moves_on_then_undo_takes_it_back(screened):
    path = screened / "references" / "decisions.csv"
    before = path.read_bytes()
    w = screen_widget(screening.session(screened, "gradient-free", "ana"))
    first = w.current["id"]
    assert "<mark>" in w.card.value  # the first paper in line matches the theme's terms
    assert "218 decided" in w.status.value  # decisions.csv's 211 rows + themes.toml's own, resolved

    w.reason.value = "zeroth-order <b>bold</b>"
    w.include.click()
    rows = read_decisions(path)
    last = rows.iloc[-1]
    assert len(rows) == 437 and path.read_bytes().startswith(before)
    assert (last["paper"], last["theme"], last["decision"], last["reason"], last["reviewer"]) == (
        first, "gradient-free", "include", "zeroth-order <b>bold</b>", "ana"
    )  # fmt: skip
    assert w.current["id"] != first and "219 decided" in w.status.value
    assert w.reason.value == ""
    assert "<b>" not in w.message.value  # what the reviewer typed is shown as text

    w.undo_button.click()
    assert path.read_bytes() == before
    assert w.current["id"] == first and "218 decided" in w.status.value
    w.undo_button.click()
    assert "nothing to undo" in w.message.value and path.read_bytes() == before


def test_two_screens_open_at_once_take_in_each_others_decisions(screened):
    a = screen_widget(screening.session(screened, "gradient-free", "ana"))
    b = screen_widget(screening.session(screened, "gradient-free", "ben"))  # another notebook
    first = a.current["id"]
    assert b.current["id"] == first and "218 decided" in b.status.value
    a.include.click()
    b.uncertain.value = True  # any redraw of ben's screen takes in ana's decision first
    b.uncertain.value = False
    assert b.current["id"] != first and "219 decided" in b.status.value
    assert b.current["id"] == a.current["id"]  # the same model, trained on the same decisions
    b.maybe.click()
    a.show()
    assert a.current["id"] == b.current["id"] and "220 decided" in a.status.value
    rows = read_decisions(screened / "references" / "decisions.csv").tail(2)
    assert rows[["reviewer", "decision"]].values.tolist() == [["ana", "include"], ["ben", "maybe"]]


def test_exclude_without_reason_is_written_and_flagged(screened):
    w = screen_widget(screening.session(screened, "gradient-free", "ben"))
    paper = w.current["id"]
    w.exclude.click()
    assert "without a reason" in w.message.value
    last = pd.read_csv(screened / "references" / "decisions.csv").iloc[-1]
    assert (last["paper"], last["decision"], last["reviewer"]) == (paper, "exclude", "ben")


def test_uncertain_toggle_offers_the_paper_nearest_the_threshold(screened):
    s = screening.session(screened, "gradient-free", "ana")
    w = screen_widget(s)
    likely = w.current["id"]
    w.uncertain.value = True
    assert w.current["id"] == s.next(1, uncertain=True)["id"].iloc[0] != likely
    w.maybe.click()
    assert pd.read_csv(screened / "references" / "decisions.csv").iloc[-1]["decision"] == "maybe"


def test_a_theme_without_decisions_shows_the_term_rank_not_a_probability(project):
    w = screen_widget(screening.session(project, "diffusion-guidance", "ana"))
    assert "term-match rank (not a probability)" in w.card.value
    assert "by the term match" in w.status.value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A gradient-free <script>x</script> method", "A <mark>gradient-free</mark> &lt;script&gt;x&lt;/script&gt; method"),
        ("Zeroth-order & gradient free", "<mark>Zeroth-order</mark> &amp; <mark>gradient free</mark>"),
        ('"gradient-free"', "&quot;<mark>gradient-free</mark>&quot;"),
        ("no term here", "no term here"),
        ("", ""),
    ],
)  # fmt: skip
def test_highlight_escapes_text_and_marks_matches(text, expected):
    patterns = [re.compile(r"\bgradient[- ]?free\b", re.I), re.compile(r"zeroth[- ]order", re.I)]
    assert highlight(text, patterns) == expected


def test_highlight_merges_overlapping_matches():
    patterns = [re.compile("black-box"), re.compile("box optimization")]
    assert highlight("black-box optimization", patterns) == "<mark>black-box optimization</mark>"
