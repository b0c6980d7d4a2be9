"""A paper's status from its reviewers' decisions: single, agreement, majority, resolver, conflict."""

import pandas as pd

from lit_review.screening.decisions import COLUMNS, Row
from lit_review.screening.status import paper_status


def decisions(*rows):
    """Rows (paper, reviewer, decision[, role]) of theme gradient-free, already resolved (paper_id = paper)."""
    table = pd.DataFrame(
        [
            Row(p, "gradient-free", d, "r", who, "", role[0] if role else "").fields()
            for p, who, d, *role in rows
        ],
        columns=COLUMNS,
    )
    return table.assign(paper_id=table["paper"])


def status_of(*rows):
    s = paper_status(decisions(*rows)).set_index("paper_id")
    return {p: (s.loc[p, "status"], s.loc[p, "settled_by"]) for p in s.index}


def test_one_reviewer_decides():
    assert status_of(("a", "ana", "include"), ("b", "ana", "maybe")) == {
        "a": ("include", "single"),
        "b": ("maybe", "single"),
    }


def test_a_reviewer_counts_once_by_their_latest_row():
    # ana changed her mind; the exact duplicate row of ben counts once: no majority of 2 against 1
    got = status_of(
        ("a", "ana", "include"), ("a", "ben", "exclude"), ("a", "ben", "exclude"), ("a", "ana", "exclude")
    )
    assert got == {"a": ("exclude", "agreement")}


def test_two_reviewers_disagreeing_is_a_conflict():
    got = paper_status(decisions(("a", "ana", "include"), ("a", "ben", "exclude")))
    assert got[["status", "settled_by", "n_reviewers", "decisions"]].values.tolist() == [
        ["conflict", "", 2, "ana=include; ben=exclude"]
    ]
    assert status_of(("a", "ana", "include"), ("a", "ben", "maybe")) == {"a": ("conflict", "")}


def test_a_majority_settles():
    got = status_of(("a", "ana", "include"), ("a", "ben", "exclude"), ("a", "cy", "include"))
    assert got == {"a": ("include", "majority")}
    # 2 of 4 is no majority
    tie = status_of(
        *[("a", w, d) for w, d in zip(["p", "q", "r", "s"], ["include", "include", "exclude", "maybe"])]
    )
    assert tie == {"a": ("conflict", "")}


def test_a_resolver_row_settles_even_against_the_majority():
    rows = [("a", "ana", "include"), ("a", "ben", "include"), ("a", "cy", "exclude", "resolver")]
    assert status_of(*rows) == {"a": ("exclude", "resolver")}
    rows = [("b", "ana", "include"), ("b", "ben", "exclude"), ("b", "cy", "include", "resolver")]
    assert status_of(*rows) == {"b": ("include", "resolver")}


def test_themes_are_apart():
    table = pd.concat(
        [decisions(("a", "ana", "include")), decisions(("a", "ben", "exclude")).assign(theme="other")]
    )
    got = paper_status(table)
    assert got[["theme", "status"]].values.tolist() == [["gradient-free", "include"], ["other", "exclude"]]
