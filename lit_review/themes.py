"""Theme definitions and explainable matching.

Themes live in a human-edited TOML file (``references/themes.toml``)::

    [[theme]]
    slug = "gradient-free"
    title = "Gradient-free methods"
    scope = "What is in, what is out."
    min_score = 3
    include = [
      { term = "zeroth-order", pattern = 'zeroth[- ]order', weight = 3 },
      "black-box",                       # a plain term: matched as a phrase, weight 1
    ]
    exclude = [ { term = "survey", pattern = '\\bsurvey\\b' } ]

    [[theme.decision]]
    paper = "loraga2024"                 # citation key or paper id
    decision = "include"                 # or "exclude"
    reason = "why a person decided so"

    [[theme.subtopic]]                   # optional: a sub-topic the user names and seeds
    name = "Zeroth-order fine-tuning"
    terms = ["zeroth-order", "MeZO"]

    [[theme.facet]]                      # optional: a facet of the systematic map
    name = "approach"
    values = [
      { name = "evolution strategies", terms = ["evolution strategies", "CMA-ES"] },
    ]

A paper's score is the sum, over the include terms found, of the term's weight, counted
twice when the term is in the title. A paper is included when its score reaches
``min_score`` and no exclude term is found; a manual decision overrides both. Every
match is recorded (term, where, weight) so that a report can say why a paper is in.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ._fast.search import search_many
from ._infra.columns import arrow
from .errors import LitReviewError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TITLE_WEIGHT = 2


@dataclass(frozen=True)
class Term:
    term: str
    pattern: re.Pattern
    weight: float = 1.0


@dataclass(frozen=True)
class Decision:
    paper: str
    include: bool
    reason: str


@dataclass(frozen=True)
class Group:
    """A named set of terms: a user's sub-topic, or one value of a facet."""

    name: str
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Facet:
    """A facet of a systematic map (its classification scheme): a name and its values."""

    name: str
    values: tuple[Group, ...]


@dataclass(frozen=True)
class Theme:
    """One theme as defined in the theme file (``digest``: hash of that definition alone)."""

    slug: str
    title: str
    scope: str
    include: tuple[Term, ...]
    exclude: tuple[Term, ...] = ()
    min_score: float = 2.0
    decisions: tuple[Decision, ...] = field(default_factory=tuple)
    subtopics: tuple[Group, ...] = ()
    facets: tuple[Facet, ...] = ()

    @property
    def digest(self) -> str:
        """SHA-256 of the definition: what a report of this theme depends on in the theme file."""
        import hashlib
        import json

        data = {
            "slug": self.slug, "title": self.title, "scope": self.scope, "min_score": self.min_score,
            "include": [(t.term, t.pattern.pattern, t.weight) for t in self.include],
            "exclude": [(t.term, t.pattern.pattern, t.weight) for t in self.exclude],
            "decisions": [(d.paper, d.include, d.reason) for d in self.decisions],
        }  # fmt: skip
        terms = lambda g: [g.name, [(t.term, t.pattern.pattern, t.weight) for t in g.terms]]  # noqa: E731
        if self.subtopics:  # only when given: the digest of a theme without them is unchanged
            data["subtopics"] = [terms(g) for g in self.subtopics]
        if self.facets:
            data["facets"] = [[f.name, [terms(v) for v in f.values]] for f in self.facets]
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Match:
    """Why a paper is (or is not) in a theme."""

    score: float
    matched: tuple[str, ...]  # "term (title)" / "term (abstract)"
    excluded_by: tuple[str, ...]
    decision: str  # "auto-include", "auto-exclude", "manual-include", "manual-exclude"
    reason: str = ""

    @property
    def included(self) -> bool:
        return self.decision.endswith("include")


def validate_slug(slug: str) -> str:
    """Return ``slug`` if it is a theme slug (``[a-z0-9-]+``), else raise a clear error."""
    if not isinstance(slug, str) or not SLUG.match(slug):
        raise LitReviewError(
            f"invalid theme slug {slug!r}: use lower-case letters, digits and single hyphens"
        )
    return slug


def _term(spec, path: Path, slug: str) -> Term:
    if isinstance(spec, str):
        spec = {"term": spec}
    if not isinstance(spec, dict) or "term" not in spec:
        raise LitReviewError(f"theme {slug!r}: a term must be a string or a table with 'term'", path)
    text = str(spec["term"])
    pattern = spec.get("pattern") or r"\b" + re.escape(text).replace(r"\ ", r"[\s-]+") + r"\b"
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise LitReviewError(f"theme {slug!r}: term {text!r} has an invalid pattern: {exc}", path) from None
    return Term(text, compiled, float(spec.get("weight", 1.0)))


def _line(text: str, slug: str, needle: str, nth: int = 1) -> int | None:
    """The line of the ``nth`` match of the regular expression ``needle`` (case-insensitive) after theme
    ``slug``'s slug line (1-based; None if not found)."""
    lines = text.splitlines()
    slug_line = re.compile(rf"""\s*slug\s*=\s*["']{re.escape(slug)}["']""")
    start = next((i for i, ln in enumerate(lines) if slug_line.match(ln)), 0)
    found = re.compile(needle, re.IGNORECASE)
    hits = (i + 1 for i in range(start, len(lines)) if found.search(lines[i]))
    return next((h for k, h in enumerate(hits, 1) if k == nth), None)


def _quoted(name: str) -> str:
    """The regular expression of the line ``name = "<name>"``."""
    return rf"""\bname\s*=\s*["']{re.escape(name)}["']"""


def _group(raw, path: Path, slug: str, what: str, text: str) -> Group:
    """A sub-topic or facet value: ``name`` and a non-empty list of ``terms`` (strings or term tables)."""
    name = raw.get("name") if isinstance(raw, dict) else None
    if not isinstance(name, str) or not name.strip():
        raise LitReviewError(
            f'theme {slug!r}: a {what} needs name = "..."',
            path,
            _line(text, slug, r"\[\[theme\.subtopic\]\]|\bvalues\s*="),
        )
    terms = raw.get("terms")
    if not isinstance(terms, list) or not terms:
        raise LitReviewError(
            f"theme {slug!r}: {what} {name!r} needs terms = [...] (at least one)",
            path,
            _line(text, slug, _quoted(name)),
        )
    return Group(name.strip(), tuple(_term(t, path, slug) for t in terms))


def _unique(names: list[str], path: Path, slug: str, what: str, text: str) -> None:
    seen = set()
    for n in names:
        if n.lower() in seen:
            line = _line(text, slug, _quoted(n), nth=2)
            raise LitReviewError(f"theme {slug!r}: {what} {n!r} is defined twice", path, line)
        seen.add(n.lower())


def _subtopics(raw: dict, path: Path, slug: str, text: str) -> tuple[Group, ...]:
    groups = [_group(g, path, slug, "subtopic", text) for g in raw.get("subtopic", [])]
    _unique([g.name for g in groups], path, slug, "subtopic", text)
    return tuple(groups)


def _facets(raw: dict, path: Path, slug: str, text: str) -> tuple[Facet, ...]:
    facets = []
    for f in raw.get("facet", []):
        name = f.get("name") if isinstance(f, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise LitReviewError(
                f'theme {slug!r}: a facet needs name = "..."',
                path,
                _line(text, slug, r"\[\[theme\.facet\]\]"),
            )
        values = f.get("values")
        if not isinstance(values, list) or not values:
            raise LitReviewError(
                f"theme {slug!r}: facet {name!r} needs values = [{{ name = ..., terms = [...] }}, ...]",
                path, _line(text, slug, _quoted(name)),
            )  # fmt: skip
        groups = [_group(v, path, slug, f"value of facet {name!r}", text) for v in values]
        _unique([g.name for g in groups], path, slug, f"value of facet {name!r}", text)
        facets.append(Facet(name.strip(), tuple(groups)))
    _unique([f.name for f in facets], path, slug, "facet", text)
    return tuple(facets)


def parse_themes(data: dict, path: Path, text: str = "") -> list[Theme]:
    """Themes from the parsed TOML ``data`` of ``path`` (``text``: the file's text, for error lines)."""
    themes = []
    seen = set()
    for raw in data.get("theme", []):
        slug = raw.get("slug")
        try:
            validate_slug(slug)
        except LitReviewError as exc:
            raise LitReviewError(exc.message, path) from None
        if slug in seen:
            raise LitReviewError(f"theme {slug!r} is defined twice", path)
        seen.add(slug)
        for key in ("title", "scope", "include"):
            if not raw.get(key):
                raise LitReviewError(f"theme {slug!r} has no {key!r}", path)
        decisions = []
        for d in raw.get("decision", []):
            if d.get("decision") not in ("include", "exclude") or not d.get("paper"):
                raise LitReviewError(
                    f"theme {slug!r}: a decision needs paper = <key or id> and decision = include|exclude",
                    path,
                )
            decisions.append(Decision(str(d["paper"]), d["decision"] == "include", str(d.get("reason", ""))))
        themes.append(
            Theme(
                slug=slug,
                title=str(raw["title"]),
                scope=" ".join(str(raw["scope"]).split()),
                include=tuple(_term(t, path, slug) for t in raw["include"]),
                exclude=tuple(_term(t, path, slug) for t in raw.get("exclude", [])),
                min_score=float(raw.get("min_score", 2.0)),
                decisions=tuple(decisions),
                subtopics=_subtopics(raw, path, slug, text),
                facets=_facets(raw, path, slug, text),
            )
        )
    return themes


def load_themes(path: str | Path) -> list[Theme]:
    """Read theme definitions from a TOML file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise LitReviewError("theme file not found", path) from None
    except tomllib.TOMLDecodeError as exc:
        raise LitReviewError(f"invalid TOML: {exc}", path) from None
    return parse_themes(data, path, text)


def match_paper(theme: Theme, title: str, abstract: str, ids: tuple[str, ...] = ()) -> Match:
    """Score one paper against one theme and say why."""
    score = 0.0
    matched = []
    for t in theme.include:
        if t.pattern.search(title):
            score += t.weight * TITLE_WEIGHT
            matched.append(f"{t.term} (title)")
        elif t.pattern.search(abstract):
            score += t.weight
            matched.append(f"{t.term} (abstract)")
    excluded = tuple(t.term for t in theme.exclude if t.pattern.search(title) or t.pattern.search(abstract))
    for d in theme.decisions:
        if d.paper in ids:
            kind = "manual-include" if d.include else "manual-exclude"
            return Match(score, tuple(matched), excluded, kind, d.reason)
    auto = score >= theme.min_score and not excluded
    return Match(score, tuple(matched), excluded, "auto-include" if auto else "auto-exclude")


@dataclass
class _Scores:
    score: np.ndarray
    in_title: dict[int, np.ndarray]  # include term index -> rows where it is in the title
    in_abstract: dict[int, np.ndarray]  # ... in the abstract and not in the title
    excluded: list[np.ndarray]  # exclude term index -> rows where it occurs
    included: np.ndarray  # automatic, or the manual decision where there is one
    manual: dict[int, Decision]  # row -> the decision that overrides the automatic one


Hits = tuple  # (in title, in abstract): per term of a theme (include terms, then exclude terms), row masks


def all_theme_hits(themes: list[Theme], titles: pa.Array, abstracts: pa.Array) -> list[Hits]:
    """Per theme, which papers contain each of its terms, in the title and in the abstract.

    The terms of all themes are searched in one pass per column.
    """
    terms = [[t.pattern for t in (*th.include, *th.exclude)] for th in themes]
    unique = list(dict.fromkeys(p for ps in terms for p in ps))  # a term shared by themes: once
    columns = [dict(zip(unique, search_many(unique, col))) for col in (titles, abstracts)]
    return [tuple([col[p] for p in ps] for col in columns) for ps in terms]


def gather_hits(hits: list[Hits], title_rows: np.ndarray, abstract_rows: np.ndarray) -> list[Hits]:
    """Hits of records turned into hits of papers: row ``k`` of the result is ``title_rows[k]``
    of the title hits and ``abstract_rows[k]`` of the abstract hits."""
    return [
        tuple([h[rows] for h in column] for column, rows in zip(theme, (title_rows, abstract_rows)))
        for theme in hits
    ]


def _score_theme(theme: Theme, papers: pd.DataFrame, hits: Hits) -> _Scores:
    import numpy as np

    in_title, in_text = hits
    n = len(papers)
    score = np.zeros(n)
    title_hits, abstract_hits = {}, {}
    for k, t in enumerate(theme.include):
        title_hits[k] = in_title[k]
        abstract_hits[k] = in_text[k] & ~in_title[k]
        score += t.weight * (TITLE_WEIGHT * title_hits[k] + abstract_hits[k])
    excluded = [in_title[k] | in_text[k] for k in range(len(theme.include), len(in_title))]
    any_excluded = np.logical_or.reduce(excluded) if excluded else np.zeros(n, dtype=bool)
    included = (score >= theme.min_score) & ~any_excluded
    manual: dict[int, Decision] = {}
    if theme.decisions:
        wanted = {d.paper for d in theme.decisions}
        position: dict[str, int] = {}
        for col in ("id", "citekey"):  # a decision names a paper by id or by citation key
            if col in papers:
                rows = np.flatnonzero(papers[col].isin(wanted).to_numpy(dtype=bool))
                position.update(zip(papers[col].iloc[rows].tolist(), rows.tolist()))
        for d in reversed(theme.decisions):  # the first decision on a paper wins, as in match_paper
            i = position.get(d.paper)
            if i is not None:
                manual[i] = d
                included[i] = d.include
    return _Scores(score, title_hits, abstract_hits, excluded, included, manual)


def _theme_hits(themes: list[Theme], papers: pd.DataFrame, hits: list[Hits] | None) -> list[Hits]:
    if hits is None:
        return all_theme_hits(themes, arrow(papers["title"]), arrow(papers["abstract"]))
    if len(hits) != len(themes):
        raise ValueError(f"hits for {len(hits)} themes given for {len(themes)} themes")
    return hits


def _matches(theme: Theme, papers: pd.DataFrame, s: _Scores) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    n = len(papers)
    matched: list[list[str]] = [[] for _ in range(n)]
    for k, t in enumerate(theme.include):
        for i in np.flatnonzero(s.in_title[k]):
            matched[i].append(f"{t.term} (title)")
        for i in np.flatnonzero(s.in_abstract[k]):
            matched[i].append(f"{t.term} (abstract)")
    excluded: list[list[str]] = [[] for _ in range(n)]
    for t, rows in zip(theme.exclude, s.excluded):
        for i in np.flatnonzero(rows):
            excluded[i].append(t.term)
    # decision strings only here: apply_themes, on every paper of the corpus, needs only ``included``
    decision = np.where(s.included, "auto-include", "auto-exclude").astype(object)
    reason = np.full(n, "", dtype=object)
    for i, d in s.manual.items():
        decision[i] = "manual-include" if d.include else "manual-exclude"
        reason[i] = d.reason
    return pd.DataFrame(
        {
            "id": papers["id"].to_numpy(),
            "score": s.score,
            "matched": [tuple(m) for m in matched],
            "excluded_by": [tuple(e) for e in excluded],
            "decision": decision,
            "reason": reason,
            "included": s.included,
        }
    )


def match_theme(theme: Theme, papers: pd.DataFrame) -> pd.DataFrame:
    """Per-paper matches for one theme: ``id, score, matched, excluded_by, decision, reason, included``.

    Vectorized over the corpus (:func:`~lit_review._fast.search.search_many`); the result equals :func:`match_paper`
    applied to each paper.
    """
    return match_all([theme], papers)[theme.slug]


def match_all(
    themes: list[Theme], papers: pd.DataFrame, hits: list[Hits] | None = None
) -> dict[str, pd.DataFrame]:
    """:func:`match_theme` of every theme, by slug.

    ``hits``: :func:`all_theme_hits` of ``themes`` on these papers when already computed (the
    ingest computes them on its records and gathers them to papers with :func:`gather_hits`).
    """
    hits = _theme_hits(themes, papers, hits)
    return {th.slug: _matches(th, papers, _score_theme(th, papers, h)) for th, h in zip(themes, hits)}


def apply_themes(papers: pd.DataFrame, themes: list[Theme], hits: list[Hits] | None = None) -> pd.DataFrame:
    """``papers`` with a ``themes`` column: the sorted slugs of the themes each paper belongs to.

    ``hits``: :func:`all_theme_hits` of ``themes`` on these papers, when already computed.
    """
    import numpy as np

    if not themes:
        return papers.assign(themes=[()] * len(papers))
    hits = _theme_hits(themes, papers, hits)
    order = sorted(range(len(themes)), key=lambda k: themes[k].slug)
    member = np.zeros((len(papers), len(themes)), dtype=bool)  # member[paper, j]: in the j-th theme by slug
    for j, k in enumerate(order):
        member[:, j] = _score_theme(themes[k], papers, hits[k]).included
    # Papers come in few distinct sets of themes: each set's row, packed into bytes, is a key, and
    # every paper in a set shares one tuple (a tuple per paper would cost time and memory at 1M).
    packed = np.packbits(member, axis=1)
    keys = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    sets = [tuple(themes[order[j]].slug for j in np.flatnonzero(member[i])) for i in first]
    return papers.assign(themes=[sets[i] for i in inverse.tolist()])


def group_scores(groups, papers: pd.DataFrame) -> np.ndarray:
    """``score[paper, g]``: the theme score of group ``g``'s terms on each paper (the weights of the
    terms found, doubled in the title, as :func:`match_paper` scores a theme); ``groups``: sequences
    of :class:`Term` (or :class:`Group`)."""
    import numpy as np

    groups = [g.terms if isinstance(g, Group) else tuple(g) for g in groups]
    score = np.zeros((len(papers), len(groups)))
    unique = list(dict.fromkeys(t.pattern for g in groups for t in g))
    if not unique or not len(papers):
        return score
    columns = [arrow(papers[c].fillna("").astype(str)) for c in ("title", "abstract")]
    in_title, in_text = (dict(zip(unique, search_many(unique, col))) for col in columns)
    for j, g in enumerate(groups):
        for t in g:
            title = in_title[t.pattern]
            score[:, j] += t.weight * np.where(title, TITLE_WEIGHT, in_text[t.pattern])
    return score


def theme_members(papers: pd.DataFrame, slug: str) -> pd.Series:
    """Boolean mask of the papers whose ``themes`` column (set by :func:`apply_themes`) holds ``slug``."""
    return papers["themes"].map(lambda themes: slug in themes).astype(bool)


def theme_by_slug(themes: list[Theme], slug: str) -> Theme:
    """The theme called ``slug``; an unknown slug gets an error listing the available ones."""
    validate_slug(slug)
    for t in themes:
        if t.slug == slug:
            return t
    raise LitReviewError(
        f"unknown theme {slug!r}; available: {', '.join(t.slug for t in themes) or '(none)'}"
    )
