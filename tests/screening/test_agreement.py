"""Agreement between reviewers on a hand-checked example."""

import math

import pandas as pd
import pytest

from lit_review.screening.agreement import agreement, conflicts, kappa
from lit_review.screening.decisions import COLUMNS, Row

# Ten papers, reviewers ana and ben (I = include, E = exclude):
#   ana: I I I I E E E E E E   (4 I, 6 E)
#   ben: I I I E E E E E E I   (4 I, 6 E)
# They agree on papers 1-3 and 5-9: p_o = 8/10 = 0.8.
# Chance agreement p_e = (4/10)(4/10) + (6/10)(6/10) = 0.16 + 0.36 = 0.52.
# kappa = (p_o - p_e) / (1 - p_e) = 0.28 / 0.48 = 7/12 = 0.58333...
ANA = "IIIIEEEEEE"
BEN = "IIIEEEEEEI"
WORD = {"I": "include", "E": "exclude"}


def example():
    rows = [Row(f"p{i}", "gradient-free", WORD[a], "r", "ana").fields() for i, a in enumerate(ANA, 1)]
    rows += [Row(f"p{i}", "gradient-free", WORD[b], "r", "ben").fields() for i, b in enumerate(BEN, 1)]
    rows.append(Row("p1", "gradient-free", "include", "r", "cy").fields())  # cy shares one paper: no pair
    rows.append(Row("p1", "efficient-fine-tuning", "include", "r", "ana").fields())
    table = pd.DataFrame(rows, columns=COLUMNS)
    return table.assign(paper_id=table["paper"])


def test_kappa_by_hand():
    assert kappa([WORD[c] for c in ANA], [WORD[c] for c in BEN]) == pytest.approx(7 / 12)


def test_agreement_table_on_the_example():
    table = agreement(example())
    assert table[["theme", "reviewer_a", "reviewer_b", "n"]].values.tolist() == [
        ["gradient-free", "ana", "ben", 10]
    ]
    assert table["agreement"].iloc[0] == pytest.approx(0.8)
    assert table["kappa"].iloc[0] == pytest.approx(7 / 12)
    assert agreement(example(), "efficient-fine-tuning").empty


def test_kappa_is_nan_when_undefined_and_one_for_identical_varied_decisions():
    assert math.isnan(kappa(["include"] * 3, ["include"] * 3))
    assert kappa(["include", "exclude", "maybe"], ["include", "exclude", "maybe"]) == 1.0


def test_conflicts_of_the_example():
    # papers 4 and 10 are 1-1 disagreements; paper 1 has three reviewers agreeing
    assert conflicts(example())["paper_id"].tolist() == ["p10", "p4"]
