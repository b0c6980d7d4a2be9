"""Offline evaluation of screening on the human decisions: k-fold cross-validation.

Every figure comes from papers scored by a model that never saw their decision: the outer
folds split the decided papers, the model (its ``C``, text weight and threshold chosen inside
``fit`` by an inner CV on the training folds only) is fitted on k-1 folds and scores the
held-out one. The whole cross-validation is repeated with other shuffles and the figures averaged.

Figures, each with a 95% bootstrap interval (papers resampled, 1,000 times, fixed seed; the
labelled sets are small, so intervals are wide):

* precision, recall and F1 of automatic membership (``predict``: probability >= threshold);
* ``screened@95``: the share of papers screened, in the order of the out-of-fold probabilities
  (pooled over folds), before 95% of the relevant ones are found; ``wss@95`` = 0.95 - that
  (work saved over screening in random order).

The rule-only baseline is measured on the same papers without training. Its terms are only
fair to measure here if they were not written while reading these labels (the bundled themes'
terms come from the rubric's categories; see docs/screening.md): only new labels settle it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

RECALL_TARGET = 0.95
N_BOOT = 1000


@dataclass
class CVResult:
    """Out-of-fold probabilities and predictions of the decided papers (row order of ``y``)."""

    y: np.ndarray
    proba: np.ndarray
    predicted: np.ndarray


def cross_validate(model, X, y, folds: int = 5, random_state: int = 0) -> CVResult:
    """Out-of-fold scores of a clone of ``model`` on ``X, y`` (stratified, shuffled with ``random_state``)."""
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold

    y = np.asarray(y, dtype=bool)
    proba, predicted = np.zeros(len(y)), np.zeros(len(y), dtype=bool)
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=random_state).split(
        np.zeros(len(y)), y
    ):
        fitted = clone(model).fit(X[train], y[train])
        proba[test] = fitted.predict_proba(X[test])[:, 1]
        predicted[test] = fitted.predict(X[test])
    return CVResult(y, proba, predicted)


def screening_order(p: np.ndarray, random_state: int = 0) -> np.ndarray:
    """Indices from most to least likely relevant; ties in random (seeded) order, as a reader meets them."""
    tiebreak = np.random.default_rng(random_state).permutation(len(p))
    return np.lexsort((tiebreak, -np.asarray(p)))


def screened_share(
    y: np.ndarray, p: np.ndarray, recall: float = RECALL_TARGET, random_state: int = 0
) -> float:
    """Share of papers screened, most likely first, until ``recall`` of the relevant ones are found."""
    found = np.cumsum(np.asarray(y, dtype=bool)[screening_order(p, random_state)])
    need = int(np.ceil(recall * found[-1]))
    if need == 0:
        return float("nan")
    return float((np.searchsorted(found, need) + 1) / len(y))


def prf(y: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    tp = float(np.sum(y & pred))
    p = tp / pred.sum() if pred.sum() else float("nan")
    r = tp / y.sum() if y.sum() else float("nan")
    f = 2 * tp / (pred.sum() + y.sum()) if pred.sum() + y.sum() else float("nan")
    return p, r, f


def figures(y: np.ndarray, pred: np.ndarray, p: np.ndarray) -> dict[str, float]:
    precision, recall, f1 = prf(y, pred)
    share = screened_share(y, p)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "screened@95": share,
        "wss@95": RECALL_TARGET - share,
    }


def with_intervals(y, runs, n_boot: int = N_BOOT, random_state: int = 0) -> dict[str, tuple]:
    """Each of :func:`figures`, averaged over ``runs`` (``(predicted, proba)`` pairs, one per
    repetition of the cross-validation), as (value, low, high): a 95% percentile bootstrap over papers."""
    y = np.asarray(y, bool)
    runs = [(np.asarray(pred, bool), np.asarray(p, float)) for pred, p in runs]

    def averaged(i):
        each = [figures(y[i], pred[i], p[i]) for pred, p in runs]
        return {k: float(np.mean([f[k] for f in each])) for k in each[0]}

    point = averaged(np.arange(len(y)))
    rng = np.random.default_rng(random_state)
    draws = {k: [] for k in point}
    for _ in range(n_boot):
        for k, v in averaged(rng.integers(0, len(y), len(y))).items():
            draws[k].append(v)
    out = {}
    for k, v in point.items():
        lo, hi = np.nanpercentile(draws[k], [2.5, 97.5])
        out[k] = (v, float(lo), float(hi))
    return out


def evaluate_theme(
    features, slug: str, labels: pd.Series, folds: int = 5, repeats: int = 5, random_state: int = 0
) -> list[dict]:
    """Rows (one per method) of cross-validated figures for theme ``slug``.

    ``labels``: True (include) / False (exclude) indexed by row of ``features.papers``.
    The cross-validation is repeated ``repeats`` times (folds shuffled with ``random_state``,
    ``random_state + 1``, ...) and each figure averaged: with a few relevant papers per fold, one
    split alone moves figures by 0.1 or more.
    Methods: ``model`` (text + rule features), ``model, text only`` (no rule features),
    ``rules`` (the theme's rules alone, no training).
    """
    rows_idx = labels.index.to_numpy()
    y = labels.to_numpy(dtype=bool)
    rules = features.rules[slug]
    results = {}
    for name, with_rules in (("model", True), ("model, text only", False)):
        X = features.matrix(slug, with_rules)[rows_idx]
        runs = []
        for r in range(repeats):
            model = features.model(with_rules, random_state=random_state + r)
            cv = cross_validate(model, X, y, folds, random_state + r)
            runs.append((cv.predicted, cv.proba))
        results[name] = runs
    results["rules"] = [(rules.included[rows_idx], rules.proba[rows_idx])]
    out = []
    for name, runs in results.items():
        row = {"theme": slug, "method": name, "n": len(y), "relevant": int(y.sum())}
        for k, (v, lo, hi) in with_intervals(y, runs, random_state=random_state).items():
            row[k], row[f"{k} low"], row[f"{k} high"] = v, lo, hi
        out.append(row)
    return out


def format_table(table: pd.DataFrame) -> str:
    """The evaluation table for a terminal: each figure as ``value [low, high]``."""
    shown = table[["theme", "method", "n", "relevant"]].copy()
    for k in ("precision", "recall", "f1", "screened@95", "wss@95"):
        shown[k] = [
            f"{v:.2f} [{lo:.2f}, {hi:.2f}]" for v, lo, hi in table[[k, f"{k} low", f"{k} high"]].to_numpy()
        ]
    return shown.to_string(index=False)
