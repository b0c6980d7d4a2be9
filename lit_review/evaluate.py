"""Theme quality against labelled papers: precision and recall per theme.

The labels file is a CSV with a ``title`` column and one column per theme, named like the
theme's slug with ``_`` for ``-`` (``gradient_free``), holding ``yes`` / ``no`` / ``borderline``
(any case, spaces around ignored); a ``reason`` column is a note. Borderline papers are left
out of the figures; labelled titles not in the corpus are counted.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from .errors import LitReviewError
from .text import match_key

LABELS = ("yes", "no", "borderline")
NOTES = ("title", "reason")  # columns that are not themes


def read_labels(path: str | Path) -> pd.DataFrame:
    """The labels file as strings, every theme column's labels normalized to ``yes``/``no``/``borderline``.

    A label that is none of these (a blank one too) is an error naming its line.
    """
    path = Path(path)
    header, rows, lines = _read_csv(path)
    if "title" not in header:
        raise LitReviewError("labels need a 'title' column", path, 1)
    labels = pd.DataFrame(rows, columns=header, dtype=object)
    for col in theme_columns(labels):
        labels[col] = labels[col].str.strip().str.lower()
        bad = ~labels[col].isin(LABELS)
        if bad.any():
            k = int(bad.to_numpy().argmax())
            value = rows[k][header.index(col)]
            raise LitReviewError(f"{col}: label {value!r} is not yes, no or borderline", path, lines[k])
    return labels


def _read_csv(path: Path) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, rows and the line each row starts on (a quoted title may span lines); blank lines skipped."""
    rows, lines = [], []
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = next(reader, [])
            start = reader.line_num + 1
            for row in reader:
                if row and len(row) != len(header):
                    raise LitReviewError(f"{len(row)} fields, the header has {len(header)}", path, start)
                if row:
                    rows.append(row)
                    lines.append(start)
                start = reader.line_num + 1
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise LitReviewError(f"cannot read labels: {exc}", path) from None
    return header, rows, lines


def theme_columns(labels: pd.DataFrame) -> list[str]:
    """The columns of ``labels`` that label a theme."""
    return [c for c in labels.columns if c not in NOTES]


def _predicted(papers: pd.DataFrame, titles: pd.Series, slug: str) -> tuple[pd.Series, pd.Series]:
    """For each labelled title: whether the corpus has the paper, and whether it is in theme ``slug``."""
    by_key = dict(zip(papers["title"].map(match_key), papers["themes"]))
    keys = titles.map(match_key)
    return keys.map(lambda k: k in by_key), keys.map(lambda k: slug in by_key.get(k, ()))


def evaluate_themes(papers: pd.DataFrame, labels_path: str | Path) -> pd.DataFrame:
    """One row per labelled theme: tp, fp, fn, tn, precision, recall, borderline, unmatched."""
    labels = read_labels(labels_path)
    rows = []
    for col in theme_columns(labels):
        slug = col.replace("_", "-")
        found, pred = _predicted(papers, labels["title"], slug)
        gold = labels[col]
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
    """Labelled yes/no papers on which the theme disagrees with the label (``title, <column>, predicted``)."""
    labels = read_labels(labels_path)
    col = slug.replace("-", "_")
    if col not in theme_columns(labels):
        raise LitReviewError(f"no column {col!r} for theme {slug!r} in the labels", labels_path, 1)
    labels["predicted"] = _predicted(papers, labels["title"], slug)[1]
    wrong = labels[col].isin(["yes", "no"]) & ((labels[col] == "yes") != labels["predicted"])
    return labels.loc[wrong, ["title", col, "predicted"]]
