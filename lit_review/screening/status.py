"""A paper's status in a theme, from the human decisions on it.

Each reviewer counts once, by their latest row. Then, in order:

1. a row with ``role = resolver`` settles the paper (the latest such row);
2. reviewers who all agree settle it (one reviewer alone too);
3. a strict majority of reviewers settles it;
4. otherwise the paper is a ``conflict``: screened, but not decided.

``maybe`` is a decision word like the others (a reviewer who says maybe disagrees with one
who says include). Papers without any decision get the model's (or the rules') verdict
elsewhere (:mod:`lit_review.screening.session`).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

STATUS_COLUMNS = ["theme", "paper_id", "status", "settled_by", "n_reviewers", "decisions"]


def latest_per_reviewer(decisions: pd.DataFrame) -> pd.DataFrame:
    """Each reviewer's latest row per (theme, paper_id), in file order (later rows win)."""
    return decisions.drop_duplicates(["theme", "paper_id", "reviewer"], keep="last")


def settle(rows: list[tuple[str, str, str]]) -> tuple[str, str]:
    """(status, settled_by) of one paper from its (reviewer, decision, role) rows, latest per reviewer."""
    resolved = [d for _, d, role in rows if role == "resolver"]
    if resolved:
        return resolved[-1], "resolver"
    counts = Counter(d for _, d, _ in rows)
    (top, n), *rest = counts.most_common()
    if not rest:
        return top, "single" if n == 1 else "agreement"
    if n * 2 > len(rows):
        return top, "majority"
    return "conflict", ""


def paper_status(decisions: pd.DataFrame) -> pd.DataFrame:
    """One row per (theme, paper_id) with a decision: ``status`` (include, exclude, maybe or conflict),
    ``settled_by`` (single, agreement, majority, resolver; empty for a conflict), ``n_reviewers``
    and ``decisions`` (``reviewer=decision`` pairs, for showing a conflict).

    ``decisions``: rows resolved to corpus papers (:func:`lit_review.screening.decisions.resolve`).
    """
    import pandas as pd

    latest = latest_per_reviewer(decisions)
    out = []
    for (theme, pid), group in latest.groupby(["theme", "paper_id"], sort=True):
        rows = list(zip(group["reviewer"], group["decision"], group["role"]))
        status, how = settle(rows)
        pairs = "; ".join(f"{r}={d}" for r, d, _ in rows)
        out.append((theme, pid, status, how, len(rows), pairs))
    return pd.DataFrame(out, columns=STATUS_COLUMNS)
