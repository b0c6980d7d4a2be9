"""Papers per month per sub-topic."""

import pandas as pd

from lit_review.synthesis.timeline import UNDATED, monthly


def test_months_in_order_gaps_filled_and_undated_counted():
    papers = pd.DataFrame({"year": [2024, 2024, 2023, None, 2024], "month": [3, 1, 12, 5, None]})
    groups = pd.Series(["a", "b", "a", "b", "a"])
    t = monthly(papers, groups)
    assert t.index.tolist() == ["2023-12", "2024-01", "2024-02", "2024-03", UNDATED]
    assert t.columns.tolist() == ["a", "b"]
    assert t["a"].tolist() == [1, 0, 0, 1, 1] and t["b"].tolist() == [0, 1, 0, 0, 1]
    assert t.to_numpy().sum() == len(papers)


def test_no_dates_at_all():
    t = monthly(pd.DataFrame({"year": [None, 2020]}), pd.Series(["x", "y"]))
    assert t.index.tolist() == [UNDATED] and t.loc[UNDATED].tolist() == [1, 1]


def test_columns_follow_the_given_order_even_for_groups_without_papers():
    t = monthly(pd.DataFrame({"year": [2024], "month": [1]}), pd.Series(["b"]), order=["a", "b"])
    assert t.columns.tolist() == ["a", "b"] and t.loc["2024-01"].tolist() == [0, 1]
