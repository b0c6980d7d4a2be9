"""Theme quality against labelled papers: precision and recall per theme.

The labels file is a CSV with a ``title`` column and one column per theme, named like the
theme's slug with ``_`` for ``-`` (``gradient_free``), holding ``yes`` / ``no`` / ``borderline``.
Borderline papers are left out of the figures; labelled titles not in the corpus are counted.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .errors import LitReviewError
from .text import match_key


def evaluate_themes(papers: pd.DataFrame, labels_path: str | Path) -> pd.DataFrame:
    """One row per labelled theme: tp, fp, fn, tn, precision, recall, borderline, unmatched."""
    labels_path = Path(labels_path)
    try:
        labels = pd.read_csv(labels_path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as exc:
        raise LitReviewError(f"cannot read labels: {exc}", labels_path) from None
    if "title" not in labels.columns:
        raise LitReviewError("labels need a 'title' column", labels_path, 1)
    by_key = dict(zip(papers["title"].map(match_key), papers["themes"]))
    keys = labels["title"].map(match_key)
    found = keys.map(lambda k: k in by_key)
    rows = []
    for col in labels.columns:
        if col in ("title", "reason"):
            continue
        slug = col.replace("_", "-")
        gold = labels[col].str.strip().str.lower()
        pred = keys.map(lambda k, slug=slug: slug in by_key.get(k, ()))
        judged = found & gold.isin(["yes", "no"])
        y, p = gold[judged] == "yes", pred[judged]
        tp, fp, fn = int((y & p).sum()), int((~y & p).sum()), int((y & ~p).sum())
        tn = int((~y & ~p).sum())
        rows.append(
            {
                "theme": slug,
                "tp": tp,
                "fp": fp,
                "fn": fn,
                "tn": tn,
                "precision": tp / (tp + fp) if tp + fp else float("nan"),
                "recall": tp / (tp + fn) if tp + fn else float("nan"),
                "borderline": int((found & (gold == "borderline")).sum()),
                "unmatched": int((~found).sum()),
            }
        )
    return pd.DataFrame(rows)


def disagreements(papers: pd.DataFrame, labels_path: str | Path, slug: str) -> pd.DataFrame:
    """Labelled yes/no papers on which the theme disagrees with the label."""
    labels = pd.read_csv(labels_path, dtype=str, keep_default_na=False)
    col = slug.replace("-", "_")
    by_key = dict(zip(papers["title"].map(match_key), papers["themes"]))
    labels["predicted"] = labels["title"].map(lambda t: slug in by_key.get(match_key(t), ()))
    judged = labels[col].isin(["yes", "no"])
    wrong = judged & ((labels[col] == "yes") != labels["predicted"])
    return labels.loc[wrong, ["title", col, "predicted"]]
