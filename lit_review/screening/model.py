"""The learned relevance model of one theme, and the corpus features it reads.

Features (:class:`Features`, computed once per corpus and session):

* TF-IDF of title + abstract (words and word pairs, sublinear counts), fitted once on the whole
  corpus: it reads no label, so fitting it on papers later scored does not leak a decision;
* the theme's own rules as features: per include term, its score contribution (title hits
  count double, as in :mod:`lit_review.themes`), per exclude term a hit, the rule score over
  ``min_score`` and the rule verdict. These carry a theme with few decisions.

:class:`ScreeningModel` is a scikit-learn estimator (``__init__`` stores parameters, ``fit``
returns self, fixed ``random_state``): a logistic regression on the text and another on the
rule features, their probabilities blended with a text weight ``w``; each regression's ``C``,
``w`` and the inclusion threshold are chosen by an inner stratified cross-validation on the
training rows only (``C`` and ``w`` by the best out-of-fold average precision, the threshold by
the best out-of-fold F1). So an outer cross-validation of the whole ``fit`` is a nested one.

A theme with fewer than :data:`MIN_PER_CLASS` human includes or excludes is screened by its
rules (:func:`rule_proba`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

if TYPE_CHECKING:
    import pandas as pd
    from scipy import sparse

    from ..themes import Theme

MIN_PER_CLASS = 5  # human includes and excludes needed before the model replaces the rules


class ScreeningModel(ClassifierMixin, BaseEstimator):
    """A text regression and a terms regression, blended; ``C``, weight and threshold from inner CV.

    ``text_columns``: how many leading columns of ``X`` are the text (TF-IDF) block; the rest are
    the theme's rule features. The two blocks get a logistic regression each, trained on the same
    decisions, and the model's probability is ``w`` times the text part's plus ``1 - w`` times the
    rules' part, ``w`` one of ``text_weights`` (the best out-of-fold average precision). Kept
    apart because in one joint regression the few rule features, which separate the decisions
    well, take nearly all the weight and the text learns next to nothing: the terms then decide
    alone, and miss what the words of a theme's decided papers would catch. Neither weight is
    ever 0: with no text, every paper without a term hit gets the same probability and the
    screening order among them is arbitrary. ``None`` (or 0, or every column): one regression.

    ``C`` is chosen on one shuffle of the inner folds; ``w`` and the threshold on the stacked
    out-of-fold probabilities of ``inner_repeats`` shuffles (one split of a few relevant papers
    leaves them noisy). Fits run one at a time: liblinear's random generator is process-wide.
    """

    def __init__(
        self,
        text_columns=None,
        text_weights=(0.25, 0.5, 0.75),
        Cs=(0.3, 1.0, 3.0, 10.0, 30.0),
        inner_folds=5,
        inner_repeats=3,
        random_state=0,
    ):
        self.text_columns = text_columns
        self.text_weights = text_weights
        self.Cs = Cs
        self.inner_folds = inner_folds
        self.inner_repeats = inner_repeats
        self.random_state = random_state

    def _lr(self, C):
        from sklearn.linear_model import LogisticRegression

        # the dual problem: fewer decisions than terms, and 10-30x faster here than the primal
        return LogisticRegression(
            C=C, solver="liblinear", dual=True, max_iter=1000, random_state=self.random_state
        )

    def _blocks(self, n_columns: int) -> list[slice]:
        t = self.text_columns
        if t is None or t in (0, n_columns):
            return [slice(0, n_columns)]
        return [slice(0, t), slice(t, n_columns)]

    @staticmethod
    def _blend(parts: list[np.ndarray], w: float) -> np.ndarray:
        return parts[0] if len(parts) == 1 else w * parts[0] + (1 - w) * parts[1]

    def fit(self, X, y):
        from sklearn.metrics import average_precision_score
        from sklearn.model_selection import StratifiedKFold
        from sklearn.utils import check_random_state

        y = np.asarray(y, dtype=bool)
        X = X.astype(np.float64)  # liblinear's type: converted once, not in each of the inner fits
        n_min = int(min(y.sum(), (~y).sum()))
        if n_min < 2:
            raise ValueError("ScreeningModel needs at least 2 positive and 2 negative labels")
        self.classes_ = np.array([False, True])
        self.blocks_ = self._blocks(X.shape[1])
        seeds = check_random_state(self.random_state).randint(0, 2**31 - 1, size=self.inner_repeats)
        folds = min(self.inner_folds, n_min)
        shuffles = [list(StratifiedKFold(folds, shuffle=True, random_state=s).split(X, y)) for s in seeds]
        self.block_C_, self.estimators_, stacked = [], [], []
        for cols in self.blocks_:
            Xb = X[:, cols]
            first = {C: self._out_of_fold(Xb, y, C, shuffles[0]) for C in self.Cs}
            precision = {C: average_precision_score(y, p) for C, p in first.items()}
            best = max(self.Cs, key=lambda C: (precision[C], -C))  # ties: the stronger regularization
            # the chosen C on the other shuffles too: one split of a few relevant papers leaves the
            # weight and the threshold noisy; their out-of-fold probabilities are stacked, not
            # averaged, so both are set on the spread of one model's probabilities
            more = [self._out_of_fold(Xb, y, best, split) for split in shuffles[1:]]
            stacked.append(np.concatenate([first[best], *more]))
            self.block_C_.append(best)
            self.estimators_.append(self._lr(best).fit(Xb, y))
        y_stacked = np.tile(y, len(shuffles))
        weights = self.text_weights if len(self.blocks_) == 2 else (1.0,)
        precision = {w: average_precision_score(y_stacked, self._blend(stacked, w)) for w in weights}
        self.text_weight_ = max(weights, key=lambda w: (precision[w], -w))  # ties: more weight on the rules
        self.threshold_ = best_f1_threshold(y_stacked, self._blend(stacked, self.text_weight_))
        return self

    def _out_of_fold(self, X, y, C, split) -> np.ndarray:
        p = np.zeros(len(y))
        for train, test in split:
            p[test] = self._lr(C).fit(X[train], y[train]).predict_proba(X[test])[:, 1]
        return p

    def predict_proba(self, X):
        parts = [e.predict_proba(X[:, cols])[:, 1] for e, cols in zip(self.estimators_, self.blocks_)]
        p = self._blend(parts, self.text_weight_)
        return np.column_stack([1 - p, p])

    def predict(self, X):
        return self.include(self.predict_proba(X)[:, 1])

    def include(self, p: np.ndarray) -> np.ndarray:
        """The inclusion rule on probabilities already computed (``predict`` without scoring again)."""
        return np.asarray(p) >= self.threshold_


def describe(model: ScreeningModel) -> str:
    """What a fitted model's inner cross-validation chose, in one line."""
    names = ("text", "terms") if len(model.blocks_) == 2 else ("all columns",)
    cs = ", ".join(f"{name} {C:g}" for name, C in zip(names, model.block_C_))
    weight = f"text weight {model.text_weight_:g}, " if len(model.blocks_) == 2 else ""
    return f"{weight}threshold {model.threshold_:.3f}, C ({cs})"


def best_f1_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """The probability threshold with the best F1 of ``p >= t`` against ``y``: midway between the
    lowest probability it includes and the next one below (ties: the higher threshold)."""
    order = np.argsort(-p, kind="stable")
    ps, ys = p[order], y[order].astype(float)
    tp = np.cumsum(ys)
    k = np.arange(1, len(ps) + 1)
    f1 = 2 * tp / (k + ys.sum())
    last = np.r_[ps[1:] != ps[:-1], True]  # only cut between distinct probabilities
    f1 = np.where(last, f1, -1)
    i = int(np.argmax(f1))
    below = ps[i + 1] if i + 1 < len(ps) else 0.0
    return float((ps[i] + below) / 2)


def rule_proba(score: np.ndarray, min_score: float, excluded: np.ndarray) -> np.ndarray:
    """A rule score as a pseudo-probability for ranking: 0.5 just below ``min_score``, rising with the
    score; an exclude term pushes a paper down. Not calibrated: an order, not an estimate."""
    z = np.asarray(score, dtype=float) - min_score + 0.5
    return 1 / (1 + np.exp(-z)) * np.where(excluded, 0.1, 1.0)


@dataclass
class ThemeRules:
    """A theme's rule features and verdicts on the corpus (manual theme-file decisions left out)."""

    features: np.ndarray  # (papers, rule features)
    score: np.ndarray
    excluded: np.ndarray
    included: np.ndarray
    min_score: float

    @property
    def proba(self) -> np.ndarray:
        return rule_proba(self.score, self.min_score, self.excluded)


def theme_rules(theme: Theme, hits) -> ThemeRules:
    """:class:`ThemeRules` of ``theme`` from its term hits (:func:`lit_review.themes.all_theme_hits`)."""
    from ..themes import TITLE_WEIGHT

    in_title, in_text = hits
    n_inc = len(theme.include)
    top = TITLE_WEIGHT * max([abs(t.weight) for t in theme.include] or [1.0])
    cols, score = [], np.zeros(len(in_title[0]) if in_title else 0)
    for k, t in enumerate(theme.include):
        contribution = t.weight * np.where(in_title[k], TITLE_WEIGHT, in_text[k].astype(float))
        cols.append(contribution / top)
        score = score + contribution
    excluded_terms = [in_title[k] | in_text[k] for k in range(n_inc, len(in_title))]
    excluded = np.logical_or.reduce(excluded_terms) if excluded_terms else np.zeros(len(score), bool)
    included = (score >= theme.min_score) & ~excluded
    cols += [e.astype(float) for e in excluded_terms]
    cols += [np.minimum(score / theme.min_score, 3.0) if theme.min_score else score, included.astype(float)]
    return ThemeRules(np.column_stack(cols), score, excluded, included, theme.min_score)


@dataclass
class Features:
    """Everything the screening of a corpus reads, computed once: TF-IDF of each paper and each
    theme's rule features. ``matrix(slug)`` is the model's input for that theme."""

    papers: pd.DataFrame
    themes: list[Theme]
    text: sparse.csr_matrix | None  # None: built without TF-IDF (rules only)
    rules: dict[str, ThemeRules]
    vectorizer: object = None
    _matrices: dict = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, papers: pd.DataFrame, themes: list[Theme], hits=None, text=True, **tfidf) -> Features:
        """``text=False``: the rule features only (no TF-IDF, so no model: screening by the rules)."""
        from ..themes import all_theme_hits

        vectorizer = None
        if text:
            texts = (papers["title"].fillna("") + ". " + papers["abstract"].fillna("")).tolist()
            vectorizer = text_vectorizer(**tfidf)
            text = vectorizer.fit_transform(texts)
        else:
            text = None
        if hits is None:
            import pyarrow as pa

            titles = pa.array(papers["title"].fillna("").tolist(), pa.large_string())
            abstracts = pa.array(papers["abstract"].fillna("").tolist(), pa.large_string())
            hits = all_theme_hits(themes, titles, abstracts)
        plain = [replace(t, decisions=()) for t in themes]  # rules alone: no manual decision
        rules = {t.slug: theme_rules(t, h) for t, h in zip(plain, hits)}
        return cls(papers.reset_index(drop=True), themes, text, rules, vectorizer)

    def model(self, with_rules: bool = True, **params) -> ScreeningModel:
        """An unfitted :class:`ScreeningModel` for ``matrix(slug, with_rules)`` (any theme)."""
        if with_rules and self.text is not None:
            params.setdefault("text_columns", self.text.shape[1])
        return ScreeningModel(**params)

    def matrix(self, slug: str, with_rules: bool = True) -> sparse.csr_matrix:
        from scipy import sparse

        if self.text is None:
            raise ValueError("features built without text (text=False): no model matrix")
        key = (slug, with_rules)
        if key not in self._matrices:
            parts = [self.text]
            if with_rules:
                parts.append(sparse.csr_matrix(self.rules[slug].features))
            self._matrices[key] = sparse.hstack(parts, format="csr")
        return self._matrices[key]


def text_vectorizer(ngram_range=(1, 2), min_df=2, max_features=200_000):
    """The TF-IDF step: English stop words out, sublinear term counts, rare terms dropped."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        ngram_range=ngram_range,
        min_df=min_df,
        max_features=max_features,
        sublinear_tf=True,
        stop_words="english",
        dtype=np.float32,
    )
