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

A paper's score is the sum, over the include terms found, of the term's weight, counted
twice when the term is in the title. A paper is included when its score reaches
``min_score`` and no exclude term is found; a manual decision overrides both. Every
match is recorded (term, where, weight) so that a report can say why a paper is in.
"""

from __future__ import annotations

import os
import re
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

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
class Theme:
    """One theme as defined in the theme file (``digest``: hash of that definition alone)."""

    slug: str
    title: str
    scope: str
    include: tuple[Term, ...]
    exclude: tuple[Term, ...] = ()
    min_score: float = 2.0
    decisions: tuple[Decision, ...] = field(default_factory=tuple)

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


def parse_themes(data: dict, path: Path) -> list[Theme]:
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
            )
        )
    return themes


def load_themes(path: str | Path) -> list[Theme]:
    """Read theme definitions from a TOML file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LitReviewError("theme file not found", path) from None
    except tomllib.TOMLDecodeError as exc:
        raise LitReviewError(f"invalid TOML: {exc}", path) from None
    return parse_themes(data, path)


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


def _hits(pattern: re.Pattern, texts: pa.Array) -> np.ndarray:
    """Which of ``texts`` contain ``pattern``: RE2 on the Arrow column, or Python's re if RE2 refuses it."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        hits = pc.match_substring_regex(texts, pattern.pattern, ignore_case=True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        # a pattern RE2 does not support (look-behind, back-references): Python's re, row by row
        return np.fromiter(
            (pattern.search(t) is not None for t in texts.to_pylist()), dtype=bool, count=len(texts)
        )
    return hits.to_numpy(zero_copy_only=False).astype(bool)


def _arrow(series: pd.Series) -> pa.Array:
    import pyarrow as pa

    return pa.array(series, type=pa.large_string()) if series.dtype == object else pa.array(series)


def match_theme(theme: Theme, papers: pd.DataFrame, pool: ThreadPoolExecutor | None = None) -> pd.DataFrame:
    """Per-paper matches for one theme: ``id, score, matched, excluded_by, decision, reason, included``.

    Vectorized over the corpus: one regular-expression pass per term and field, run by RE2 on
    Arrow columns (in ``pool``'s threads when given: Arrow releases the GIL). The result
    equals :func:`match_paper` applied to each paper.
    """
    import numpy as np
    import pandas as pd

    n = len(papers)
    title_col, abstract_col = _arrow(papers["title"]), _arrow(papers["abstract"])
    jobs = [(t, col) for t in (*theme.include, *theme.exclude) for col in (title_col, abstract_col)]
    results = list((pool.map if pool else map)(lambda job: _hits(job[0].pattern, job[1]), jobs))
    hits = {(id(t), col is title_col): r for (t, col), r in zip(jobs, results)}
    score = np.zeros(n)
    matched: list[list[str]] = [[] for _ in range(n)]
    for t in theme.include:
        in_title = hits[id(t), True]
        in_abstract = hits[id(t), False] & ~in_title
        score += t.weight * (TITLE_WEIGHT * in_title + in_abstract)
        for i in np.flatnonzero(in_title):
            matched[i].append(f"{t.term} (title)")
        for i in np.flatnonzero(in_abstract):
            matched[i].append(f"{t.term} (abstract)")
    excluded: list[list[str]] = [[] for _ in range(n)]
    for t in theme.exclude:
        for i in np.flatnonzero(hits[id(t), True] | hits[id(t), False]):
            excluded[i].append(t.term)
    auto = (score >= theme.min_score) & np.array([not e for e in excluded], dtype=bool)
    decision = np.where(auto, "auto-include", "auto-exclude").astype(object)
    reason = np.full(n, "", dtype=object)
    if theme.decisions:
        position = {v: i for i, v in enumerate(papers["id"])}
        if "citekey" in papers:
            position.update({v: i for i, v in enumerate(papers["citekey"]) if isinstance(v, str)})
        for d in reversed(theme.decisions):  # the first decision on a paper wins, as in match_paper
            i = position.get(d.paper)
            if i is not None:
                decision[i] = "manual-include" if d.include else "manual-exclude"
                reason[i] = d.reason
    return pd.DataFrame(
        {
            "id": papers["id"].to_numpy(),
            "score": score,
            "matched": [tuple(m) for m in matched],
            "excluded_by": [tuple(e) for e in excluded],
            "decision": decision,
            "reason": reason,
            "included": np.char.endswith(decision.astype(str), "include"),
        }
    )


def apply_themes(papers: pd.DataFrame, themes: list[Theme]) -> pd.DataFrame:
    """``papers`` with a ``themes`` column: the sorted slugs of the themes each paper belongs to."""
    import numpy as np

    out = papers.copy()
    members: list[list[str]] = [[] for _ in range(len(out))]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for theme in themes:
            m = match_theme(theme, out, pool)
            for i in np.flatnonzero(m["included"].to_numpy()):
                members[i].append(theme.slug)
    out["themes"] = [tuple(sorted(s)) for s in members]
    return out


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
