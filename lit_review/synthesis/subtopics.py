"""Sub-topics of a theme: the user's named groups (``[[theme.subtopic]]``), then clusters of the rest.

1. A paper whose title or abstract holds terms of a user's sub-topic goes there (the highest theme
   score of the sub-topics' terms, :func:`lit_review.themes.group_scores`; ties: the first in the file).
2. The other papers are clustered: TF-IDF over title and abstract (:data:`lit_review.topics.VECTORIZER`
   with ``min_df=2``: a term of one paper cannot characterise a group), without the vocabulary the
   theme's own include terms match, nor any term holding one of their words (every paper of the
   theme shares them), then NMF (NNDSVDa start,
   coordinate descent, ``random_state``): a paper goes to its strongest component. NMF was measured
   against k-means and agglomerative clustering on the bundled themes (``docs/synthesis.md``).
3. The number of groups ``k`` is the one of ``2 .. min(8, n // 4)`` with the highest mean cosine
   silhouette of the papers' TF-IDF rows (ties: the smaller k; over a fixed sample of
   :data:`SILHOUETTE_SAMPLE` papers in a larger theme); 1 group for fewer than 8 papers.
4. Each found group is labelled by its :data:`N_LABEL` most distinctive terms: the largest mean
   TF-IDF inside the group minus the mean outside (ties by term), a term inside another kept one skipped.

Papers are ordered by id before anything is fitted: the same papers give the same groups.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..themes import Theme, group_scores
from ..topics import VECTORIZER, paper_texts

MAX_GROUPS = 8
MIN_PAPERS = 8  # fewer papers to cluster: one group
PAPERS_PER_GROUP = 4  # at least this many papers per group on average
N_LABEL = 3
SILHOUETTE_SAMPLE = 2_000  # papers the silhouette of a larger theme is measured on (a fixed sample)
MAX_TERMS = 5_000  # the most frequent terms: bounds the time of a large theme (the bundled ones have fewer)
YOURS, FOUND = "yours", "found"
NO_TERMS = "papers sharing no term with the others"


@dataclass
class Subtopics:
    """``groups``: ``group`` (1, 2, ...; the user's first, in file order, then the found ones by size),
    ``name``, ``terms`` (tuple), ``source`` (:data:`YOURS` / :data:`FOUND`), ``size``.
    ``papers``: ``id, group``. ``silhouette``: k -> mean silhouette of the clustering into k groups."""

    groups: pd.DataFrame
    papers: pd.DataFrame
    silhouette: dict[int, float] = field(default_factory=dict)
    method: str = "NMF on TF-IDF"

    @property
    def k(self) -> int:
        return int((self.groups["source"] == FOUND).sum())


def _matrix(texts: pd.Series, theme: Theme):
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    from ..topics import ML_STOP_WORDS

    vec = TfidfVectorizer(
        stop_words=sorted(ENGLISH_STOP_WORDS | ML_STOP_WORDS),
        **(VECTORIZER | {"min_df": 2, "max_features": MAX_TERMS}),
    )
    try:
        X = vec.fit_transform(texts.tolist())
    except ValueError:  # no term in two papers
        return None, np.array([], dtype=object)
    terms = vec.get_feature_names_out()
    own = [w for w in terms if any(t.pattern.search(w) for t in theme.include)]
    words = {
        part for w in own for part in w.split()
    }  # "zeroth order" is the theme's: so are "zeroth", "order"
    keep = np.array([not words.intersection(w.split()) for w in terms], dtype=bool)
    return X[:, keep], terms[keep]


def _fit(X, k: int, random_state: int) -> np.ndarray:
    import warnings

    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning

    nmf = NMF(n_components=k, init="nndsvda", solver="cd", max_iter=400, random_state=random_state)
    # Only each paper's strongest component is used: a factorization short of sklearn's tolerance after
    # 400 iterations still gives it (deterministically), and the warning would land in the reports.
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        W = nmf.fit_transform(X)
    return W.argmax(axis=1)


def choose_k(X, random_state: int = 0) -> tuple[np.ndarray, dict[int, float]]:
    """The NMF grouping of ``X``'s rows with the best mean cosine silhouette over k = 2 .. min(8, n // 4)."""
    from sklearn.metrics import silhouette_score

    n = X.shape[0]
    best, scores = np.zeros(n, dtype=int), {}
    for k in range(2, min(MAX_GROUPS, n // PAPERS_PER_GROUP) + 1):
        labels = _fit(X, k, random_state)
        if len(np.unique(labels)) < 2:
            continue
        sample = (
            dict(sample_size=SILHOUETTE_SAMPLE, random_state=random_state) if n > SILHOUETTE_SAMPLE else {}
        )
        scores[k] = round(float(silhouette_score(X, labels, metric="cosine", **sample)), 6)
        if scores[k] > max((v for j, v in scores.items() if j < k), default=-2.0):
            best = labels
    return best, scores


def _labels(X, terms: np.ndarray, labels: np.ndarray) -> list[tuple[str, ...]]:
    out = []
    for g in range(labels.max() + 1 if len(labels) else 0):
        inside = labels == g
        diff = np.asarray(X[inside].mean(axis=0)).ravel()
        if (~inside).any():
            diff = diff - np.asarray(X[~inside].mean(axis=0)).ravel()
        kept: list[str] = []
        for i in np.lexsort((terms, -diff)):
            if diff[i] <= 0 or len(kept) == N_LABEL:
                break
            w = str(terms[i])
            if not any(f" {w} " in f" {k} " or f" {k} " in f" {w} " for k in kept):
                kept.append(w)
        out.append(tuple(kept))
    return out


def _cluster(papers: pd.DataFrame, theme: Theme, random_state: int):
    """Found groups of ``papers``: (label per paper, terms per group, silhouette by k). Papers with no
    term left (nothing shared with the others) form a group of their own when the rest are clustered."""
    n = len(papers)
    X, terms = _matrix(paper_texts(papers), theme) if n >= 2 else (None, np.array([]))
    if X is None or X.shape[1] == 0:
        return np.zeros(n, dtype=int), [()], {}
    empty = np.asarray(X.sum(axis=1)).ravel() == 0
    if n - empty.sum() < MIN_PAPERS:
        labels = np.zeros(n, dtype=int)
        return labels, _labels(X, terms, labels), {}
    labels, scores = choose_k(X[~empty], random_state)
    names = _labels(X[~empty], terms, labels)
    out = np.full(n, len(names))
    out[~empty] = labels
    if empty.any():
        names.append((NO_TERMS,))
    return out, names, scores


def subtopics(papers: pd.DataFrame, theme: Theme, random_state: int = 0) -> Subtopics:
    """The sub-topics of a theme's included ``papers`` (columns ``id, title, abstract``)."""
    papers = papers.sort_values("id", kind="stable").reset_index(drop=True)
    group = np.full(len(papers), -1)
    rows = []
    if theme.subtopics:
        score = group_scores(theme.subtopics, papers)
        seeded = score.max(axis=1) > 0
        group[seeded] = score[seeded].argmax(axis=1)  # argmax: the first of equal scores
        rows = [(g.name, tuple(t.term for t in g.terms), YOURS) for g in theme.subtopics]
    rest = np.flatnonzero(group < 0)
    silhouette = {}
    if len(rest):
        labels, names, silhouette = _cluster(papers.iloc[rest], theme, random_state)
        group[rest] = labels + len(rows)
        rows += [(", ".join(t), t, FOUND) for t in names]
    table = pd.DataFrame(rows, columns=["name", "terms", "source"])
    table["size"] = np.bincount(group, minlength=len(rows))[: len(rows)] if len(rows) else []
    table["old"] = range(len(table))
    table = table[table["size"] > 0]
    found = table["source"] == FOUND
    table = pd.concat(
        [table[~found], table[found].sort_values(["size", "name"], ascending=[False, True], kind="stable")]
    )
    renumber = dict(zip(table["old"], range(1, len(table) + 1)))
    table = table.drop(columns="old").reset_index(drop=True)
    table.insert(0, "group", range(1, len(table) + 1))
    assigned = pd.DataFrame({"id": papers["id"].to_numpy(), "group": [renumber[g] for g in group.tolist()]})
    return Subtopics(table, assigned, silhouette)
