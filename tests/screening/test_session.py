"""The notebook API and the CLI on a copy of the bundled project."""

import shutil

import pandas as pd
import pytest

from lit_review import screening
from lit_review.cli import main
from lit_review.errors import LitReviewError

from ..conftest import ROOT


@pytest.fixture
def screened(project):
    shutil.copy(ROOT / "references" / "decisions.csv", project / "references")
    return project


def test_session_decide_next_undo_progress(screened):
    s = screening.session(screened, "gradient-free", "ana")
    before = (screened / "references" / "decisions.csv").read_bytes()
    first = s.next(3)
    assert len(first) == 3 and set(first["source"]) == {"model"}
    assert first["probability"].is_monotonic_decreasing
    progress = s.progress()
    assert (progress["decided"], progress["included"]) == (218, 18)
    s.decide(first["title"].iloc[0], "include", "zeroth-order")
    assert first["id"].iloc[0] not in set(s.next(400)["id"])  # decided: no longer offered
    assert s.progress()["decided"] == 219
    assert s.undo().reason == "zeroth-order"
    assert (screened / "references" / "decisions.csv").read_bytes() == before
    assert s.progress()["decided"] == 218 and s.undo() is None
    with pytest.raises(LitReviewError, match="names no paper"):
        s.decide("Not a paper at all", "include")


def test_a_theme_without_decisions_is_screened_by_its_rules(screened):
    s = screening.session(screened, "diffusion-guidance", "ana")
    table = s.next(5, uncertain=True)
    assert set(table["source"]) == {"rules"}
    assert s.progress()["decided"] == 0


def test_cli_screen_csv_and_agreement(screened, capsys):
    assert main(["-C", str(screened), "screen", "efficient-fine-tuning", "--next", "4", "--csv"]) == 0
    out = capsys.readouterr().out
    assert (
        out.splitlines()[0] == "id,citekey,title,probability,predicted,source" and len(out.splitlines()) == 5
    )
    path = screened / "references" / "decisions.csv"
    decided = pd.read_csv(path).query("theme == 'efficient-fine-tuning'").head(4)
    with open(path, "a", encoding="utf-8") as fh:  # a second reviewer: agrees on 3, disagrees on 1
        for k, (title, decision) in enumerate(zip(decided["paper"], decided["decision"])):
            flip = {"include": "exclude", "exclude": "include"}[decision] if k == 0 else decision
            fh.write(f'"{title}",efficient-fine-tuning,{flip},second look,ben,2025-02-01,\n')
    assert main(["-C", str(screened), "agreement", "efficient-fine-tuning"]) == 0
    out = capsys.readouterr().out
    # the first 4 labelled papers are all excluded by labels-v1; ben includes one: p_o = 3/4,
    # p_e = 1 * 3/4 (both exclude) + 0 * 1/4 = 3/4, kappa = (3/4 - 3/4) / (1 - 3/4) = 0
    assert decided["decision"].tolist() == ["exclude"] * 4
    assert out.splitlines()[1].split() == ["efficient-fine-tuning", "ben", "labels-v1", "4", "0.750", "0.000"]
    assert "1 conflicts" in out and decided["paper"].iloc[0] in out


def test_cli_unresolved_rows_are_reported(screened, capsys):
    with open(screened / "references" / "decisions.csv", "a", encoding="utf-8") as fh:
        fh.write("nosuchkey,gradient-free,include,,ana,,\n")
    assert main(["-C", str(screened), "screen", "gradient-free", "--next", "1"]) == 0
    assert "decisions.csv:438: 'nosuchkey' names no paper of the corpus" in capsys.readouterr().err
