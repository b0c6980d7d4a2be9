"""Topic discovery: themes the corpus shows that nobody defined (TF-IDF + NMF over title and abstract).

:func:`discover` fits non-negative matrix factorization to the TF-IDF matrix of each paper's
``title + abstract`` and gives, per topic, its top terms, its size, its example papers and how its
papers fall into the defined themes. :func:`topics_table_html` renders it for the overview notebook,
:func:`topics_text` for ``lit-review topics``.

Vectorizer settings (:data:`VECTORIZER`), chosen for machine-learning titles and abstracts:

* English stop words plus :data:`ML_STOP_WORDS`: the boilerplate of ML abstracts ("we propose a
  novel method ... results show ... state of the art") that would otherwise top every topic;
* tokens start with a letter (``[a-z][a-z0-9]+``): years, sizes and other bare numbers say nothing
  about a theme, while names like ``gpt4``, ``t5`` or ``llama2`` stay;
* unigrams and bigrams, so that "language model", "fine tuning" or "zeroth order" (hyphens split
  words) are terms of their own rather than two vague halves;
* ``min_df=2``: a term in one paper only cannot characterise a group of papers (and typos,
  single-paper acronyms and most bigrams go); ``max_df=0.5``: a term in more than half the papers
  ("model", "learning" in an ML corpus) separates nothing;
* ``sublinear_tf``: an abstract that repeats its own acronym ten times should not become a topic;
* at most :data:`MAX_TERMS` terms (the most frequent), which bounds memory and time on large corpora.

Corpora of fewer than :data:`MIN_PAPERS_FOR_PRUNING` papers keep every term (``min_df=1``,
``max_df=1.0``): there, document-frequency pruning would leave almost nothing.

A paper belongs to the topic with its largest weight when that weight is at least
:data:`MIN_WEIGHT`; otherwise (including a paper with no term left after pruning) it belongs to
no topic. Weights are on one scale for all topics: each topic's term vector is scaled to unit
length, so a weight is the paper's (unit-length) TF-IDF vector's coordinate along that topic.
A topic is *not covered by a theme* when more than :data:`UNCOVERED_SHARE` of its papers are in
no defined theme.

Determinism: papers are ordered by id before fitting, NMF starts from NNDSVDa (an SVD, seeded by
``random_state``) with the coordinate-descent solver without shuffling, and every ranking breaks
ties by term or paper id; the same corpus gives the same topics and byte-identical renderings.
Fewer papers with text than topics asked for gives fewer topics (as many as such papers), and
:attr:`Topics.note` says so; fewer than two such papers is an error.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import LitReviewError

MIN_WEIGHT = 0.05
UNCOVERED_SHARE = 0.5
N_TERMS = 8
N_EXAMPLES = 3
MAX_TERMS = 50_000
MIN_PAPERS_FOR_PRUNING = 50
NO_THEME = "(no theme)"
ML_STOP_WORDS = frozenset(
    """paper propose proposed proposes present presents introduce introduces approach approaches method
    methods result results show shows shown demonstrate demonstrates experiments experimental extensive
    performance state art existing novel new based using use used work works framework achieve achieves
    achieving significantly significant outperforms improve improves improved improvement furthermore
    additionally moreover including however address code available github com https http""".split()
)
VECTORIZER = dict(
    lowercase=True,
    token_pattern=r"(?u)\b[^\W\d_][^\W_]+\b",
    ngram_range=(1, 2),
    min_df=2,
    max_df=0.5,
    sublinear_tf=True,
    max_features=MAX_TERMS,
    dtype=np.float32,
)


@dataclass
class Topics:
    """What :func:`discover` found.

    ``topics``: one row per topic: ``topic`` (1, 2, ...), ``terms`` (tuple, strongest first),
    ``size`` (papers whose strongest topic it is, at weight >= ``min_weight``), ``no_theme_share``,
    ``covered`` (False: mostly outside every defined theme).
    ``papers``: one row per paper: ``id, citekey, title, topic`` (<NA>: no topic), ``weight``.
    ``examples``: ``topic, rank, id, citekey, title, weight`` (top :data:`N_EXAMPLES` per topic).
    ``overlap``: index ``topic``, one column per defined theme and :data:`NO_THEME`: the share of the
    topic's papers in that theme (a paper may be in several themes).
    """

    topics: pd.DataFrame
    papers: pd.DataFrame
    examples: pd.DataFrame
    overlap: pd.DataFrame
    n_topics_asked: int
    min_weight: float = MIN_WEIGHT
    note: str = ""

    @property
    def n_assigned(self) -> int:
        return int(self.papers["topic"].notna().sum())


def paper_texts(papers: pd.DataFrame) -> pd.Series:
    """Each paper's ``title. abstract`` (the text topics and sub-topics are found in)."""
    title = papers["title"].fillna("").astype(str)
    abstract = papers["abstract"].fillna("").astype(str) if "abstract" in papers else ""
    return (title + ". " + abstract).str.strip(" .")


def vectorize(texts: pd.Series):
    """The TF-IDF matrix of ``texts`` with :data:`VECTORIZER`'s settings, and its terms."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    small = int((texts != "").sum()) < MIN_PAPERS_FOR_PRUNING
    settings = VECTORIZER | (dict(min_df=1, max_df=1.0) if small else {})
    vec = TfidfVectorizer(stop_words=sorted(ENGLISH_STOP_WORDS | ML_STOP_WORDS), **settings)
    try:
        return vec.fit_transform(texts.tolist()), vec.get_feature_names_out()
    except ValueError as exc:  # sklearn: empty vocabulary, or nothing left after pruning
        raise LitReviewError(
            f"topic discovery: no usable terms in the titles and abstracts ({exc})"
        ) from None


def _factorize(X, k: int, random_state: int) -> tuple[np.ndarray, np.ndarray]:
    """Paper weights W (papers x k) and unit-length topic term vectors H (k x terms)."""
    from sklearn.decomposition import NMF

    nmf = NMF(n_components=k, init="nndsvda", solver="cd", max_iter=400, random_state=random_state)
    # sklearn's reconstruction error is ||X||^2 - 2<X, WH> + ||WH||^2: on an exact fit (as many topics as
    # papers) rounding makes it slightly negative and its sqrt warns; the factors are fine
    with np.errstate(invalid="ignore"):
        W = nmf.fit_transform(X)
    H = nmf.components_
    norms = np.linalg.norm(H, axis=1)
    norms[norms == 0] = 1.0
    # scaling H to unit rows and W's columns by the same factors keeps W @ H: weights become comparable
    return W * norms, H / norms[:, None]


def _top_terms(H: np.ndarray, terms: np.ndarray) -> list[tuple[str, ...]]:
    out = []
    for row in H:
        order = np.lexsort((terms, -row))[:N_TERMS]  # strongest first, ties by term
        out.append(tuple(str(terms[i]) for i in order if row[i] > 0))
    return out


def _theme_slugs(papers: pd.DataFrame, themes) -> list[str]:
    if themes is not None:
        return list(themes)
    return sorted({s for ts in papers["themes"] for s in ts}) if "themes" in papers else []


def discover(papers: pd.DataFrame, n_topics: int = 10, random_state: int = 0, themes=None) -> Topics:
    """Find ``n_topics`` topics in ``papers`` (``load_corpus`` columns ``id, citekey, title, abstract,
    themes``). ``themes``: the defined theme slugs, in the order to report them (default: those found
    in ``papers["themes"]``, sorted)."""
    if n_topics < 1:
        raise LitReviewError(f"topic discovery: the number of topics must be at least 1, not {n_topics}")
    papers = papers.sort_values("id", kind="stable").reset_index(drop=True)
    texts = paper_texts(papers)
    n_text = int((texts != "").sum())
    if n_text < 2:
        raise LitReviewError(
            f"topic discovery needs at least 2 papers with a title or abstract; found {n_text}"
        )
    X, terms = vectorize(texts)
    k = min(n_topics, n_text, X.shape[1])
    note = (
        ""
        if k == n_topics
        else f"asked for {n_topics} topics; found {k} ({n_text} papers with text, {X.shape[1]} terms)"
    )
    W, H = _factorize(X, k, random_state)
    assigned = _assign(papers, W)
    slugs = _theme_slugs(papers, themes)
    overlap = _overlap(assigned, papers, slugs, k)
    table = pd.DataFrame(
        {
            "topic": np.arange(1, k + 1),
            "terms": _top_terms(H, terms),
            "size": assigned["topic"].value_counts().reindex(range(1, k + 1), fill_value=0).to_numpy(),
            "no_theme_share": overlap[NO_THEME].to_numpy(),
        }
    )
    table["covered"] = ~(table["no_theme_share"] > UNCOVERED_SHARE)
    return Topics(table, assigned, _examples(assigned), overlap, n_topics, MIN_WEIGHT, note)


def _assign(papers: pd.DataFrame, W: np.ndarray) -> pd.DataFrame:
    best = W.argmax(axis=1)
    weight = W[np.arange(len(W)), best].astype(float).round(6)  # rounding: stable renderings
    topic = pd.array(best + 1, dtype="Int64")
    topic[weight < MIN_WEIGHT] = pd.NA
    cols = {c: papers[c] for c in ("id", "citekey", "title") if c in papers}
    return pd.DataFrame(cols | {"topic": topic, "weight": weight})


def _examples(assigned: pd.DataFrame) -> pd.DataFrame:
    top = (
        assigned[assigned["topic"].notna()]
        .sort_values(["topic", "weight", "id"], ascending=[True, False, True], kind="stable")
        .groupby("topic", sort=True)
        .head(N_EXAMPLES)
    )
    top = top.assign(rank=top.groupby("topic").cumcount() + 1)
    return top[["topic", "rank", "id", "citekey", "title", "weight"]].reset_index(drop=True)


def _overlap(assigned: pd.DataFrame, papers: pd.DataFrame, slugs: list[str], k: int) -> pd.DataFrame:
    themes = papers["themes"] if "themes" in papers else pd.Series([()] * len(papers))
    rows = []
    for t in range(1, k + 1):
        mask = (assigned["topic"] == t).fillna(False).to_numpy()
        its = [set(ts) for ts in themes[mask]]
        n = len(its)
        shares = [sum(s in ts for ts in its) / n if n else 0.0 for s in slugs]
        rows.append([*shares, sum(not ts for ts in its) / n if n else 0.0])
    return pd.DataFrame(rows, columns=[*slugs, NO_THEME], index=pd.Index(range(1, k + 1), name="topic"))


def _theme_shares(topics: Topics, t: int) -> list[tuple[str, float]]:
    """The themes (and no theme) holding some of topic ``t``'s papers, largest share first."""
    row = topics.overlap.loc[t]
    pairs = [(str(name), float(v)) for name, v in row.items() if v > 0]
    return sorted(pairs, key=lambda p: (-p[1], p[0]))


def _share(v: float) -> str:
    return f"{v:.0%}" if v >= 0.005 else "<1%"


def _summary_line(topics: Topics) -> str:
    n, k = len(topics.papers), len(topics.topics)
    line = (
        f"{k} topics from {n} papers (TF-IDF + NMF over title and abstract); {topics.n_assigned} papers "
        f"have a topic (weight >= {topics.min_weight}), {n - topics.n_assigned} none."
    )
    return f"{line} Note: {topics.note}." if topics.note else line


def topics_text(topics: Topics) -> str:
    """Plain-text rendering (the ``lit-review topics`` output)."""
    lines = [_summary_line(topics), ""]
    for row in topics.topics.itertuples(index=False):
        flag = "  [not covered by a theme]" if not row.covered else ""
        lines.append(f"topic {row.topic} ({row.size} papers){flag}: {', '.join(row.terms)}")
        shares = ", ".join(f"{name} {_share(v)}" for name, v in _theme_shares(topics, row.topic))
        lines.append(f"  themes: {shares or '-'}")
        for ex in topics.examples[topics.examples["topic"] == row.topic].itertuples(index=False):
            lines.append(f"  {ex.weight:.3f}  {ex.citekey}  {ex.title}")
        lines.append("")
    return "\n".join(lines)


_CELL = ' style="text-align:left;vertical-align:top"'


def _cell(tag: str, inner: str) -> str:
    return f"<{tag}{_CELL}>{inner}</{tag}>"


def topics_table_html(topics: Topics) -> str:
    """An HTML table of the topics (left-aligned, no script; every corpus string escaped)."""
    head = "".join(
        _cell("th", h) for h in ("Topic", "Papers", "Top terms", "Defined themes", "Example papers")
    )
    rows = []
    for row in topics.topics.itertuples(index=False):
        flag = "<br><strong>not covered by a theme</strong>" if not row.covered else ""
        shares = "<br>".join(
            f"{html.escape(name)} {html.escape(_share(v))}" for name, v in _theme_shares(topics, row.topic)
        )
        examples = "<br>".join(
            f"<code>{html.escape(str(ex.citekey))}</code> {html.escape(str(ex.title))}"
            for ex in topics.examples[topics.examples["topic"] == row.topic].itertuples(index=False)
        )
        rows.append(
            "<tr>"
            + _cell("td", f"{row.topic}{flag}")
            + _cell("td", str(row.size))
            + _cell("td", html.escape(", ".join(row.terms)))
            + _cell("td", shares or "&ndash;")
            + _cell("td", examples)
            + "</tr>"
        )
    return (
        f"<p>{html.escape(_summary_line(topics))}</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
