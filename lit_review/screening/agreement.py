"""Agreement between reviewers who screened the same papers: percent agreement and Cohen's kappa.

For each theme and each pair of reviewers, over the papers both decided (their latest rows):
``n``, the share on which they agree and Cohen's kappa (:func:`sklearn.metrics.cohen_kappa_score`,
chance-corrected over the words include / exclude / maybe). Kappa is undefined (NaN) when
both reviewers used one and the same word throughout.
"""

from __future__ import annotations

from itertools import combinations

import pandas as pd

from .status import latest_per_reviewer, paper_status

AGREEMENT_COLUMNS = ["theme", "reviewer_a", "reviewer_b", "n", "agreement", "kappa"]


def kappa(a: list[str], b: list[str]) -> float:
    """Cohen's kappa of two reviewers' decisions on the same papers (NaN when undefined)."""
    import warnings

    from sklearn.metrics import cohen_kappa_score

    if len(set(a) | set(b)) < 2:
        return float("nan")  # chance agreement is 1: 0/0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(cohen_kappa_score(a, b))


def agreement(decisions: pd.DataFrame, theme: str | None = None) -> pd.DataFrame:
    """One row per theme and pair of reviewers with two or more papers in common (``AGREEMENT_COLUMNS``).

    ``decisions``: rows resolved to papers (``paper_id``), as from
    :func:`lit_review.screening.decisions.resolve`.
    """
    if theme is not None:
        decisions = decisions[decisions["theme"] == theme]
    latest = latest_per_reviewer(decisions)
    rows = []
    for slug, group in latest.groupby("theme", sort=True):
        wide = group.pivot(index="paper_id", columns="reviewer", values="decision")
        for a, b in combinations(sorted(wide.columns), 2):
            both = wide[[a, b]].dropna()
            if len(both) < 2:
                continue
            x, y = both[a].tolist(), both[b].tolist()
            agree = sum(u == v for u, v in zip(x, y)) / len(x)
            rows.append((slug, a, b, len(x), agree, kappa(x, y)))
    return pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)


def conflicts(decisions: pd.DataFrame, theme: str | None = None) -> pd.DataFrame:
    """Papers whose reviewers disagree and that no majority or resolver settled."""
    status = paper_status(decisions if theme is None else decisions[decisions["theme"] == theme])
    return status[status["status"] == "conflict"].reset_index(drop=True)
