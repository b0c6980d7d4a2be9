"""Every paper's screening verdict in every theme, computed once (by ``lit-review build`` and
``lit-review status``) and kept in the snapshot, so that no report notebook retrains a model.

A paper's verdict in a theme comes, in order, from

1. the human decisions on it (:func:`lit_review.screening.status.paper_status`): ``include``,
   ``exclude``, ``maybe`` or ``conflict``, by the reviewers who settled it (``by = reviewer``);
2. else the theme's model, trained on its human includes and excludes when it has at least
   :data:`~lit_review.screening.model.MIN_PER_CLASS` of each (``by = model``);
3. else the theme's rules, its term match (``by = rules``).

Corpora of more than :data:`MAX_MODEL_PAPERS` papers are screened by the rules alone (step 2 is
skipped): the TF-IDF features of that many abstracts take minutes and gigabytes, too much for a
build; ``lit-review screen`` still trains on them on request.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .decisions import read_decisions, resolve, theme_file_decisions, warn_unknown_themes
from .model import MIN_PER_CLASS, Features, describe
from .status import latest_per_reviewer, paper_status

if TYPE_CHECKING:
    from ..themes import Theme

MAX_MODEL_PAPERS = 200_000
VERDICT_COLUMNS = ["id", "verdict", "by", "reviewers", "why", "probability", "votes"]


@dataclass
class ThemeScreening:
    """One theme's verdicts: ``table`` has one row per corpus paper, in corpus order
    (:data:`VERDICT_COLUMNS`: ``verdict`` include / exclude / maybe / conflict; ``by`` reviewer,
    model or rules; ``reviewers`` who settled it; ``why`` their reason(s); ``probability`` the
    model's (or the rules' ranking score) for every paper; ``votes`` ``reviewer=decision`` pairs).
    ``source``: what screens the papers nobody decided on, ``model`` or ``rules``; ``model``: its
    settings in words."""

    slug: str
    table: pd.DataFrame
    source: str
    model: str = ""  # what the model's inner CV chose (screening.model.describe); "" for rules

    @property
    def included(self) -> np.ndarray:
        return (self.table["verdict"] == "include").to_numpy()


def screen_themes(
    papers: pd.DataFrame,
    themes: list[Theme],
    decisions_path: str | Path,
    hits=None,
    max_model_papers: int = MAX_MODEL_PAPERS,
) -> dict[str, ThemeScreening]:
    """:class:`ThemeScreening` of every theme, by slug. ``hits``: the themes' term hits on
    ``papers`` (:func:`lit_review.themes.all_theme_hits`, in theme order) when already known."""
    from .session import Screening

    papers = papers.reset_index(drop=True)
    rows = pd.concat([theme_file_decisions(themes), read_decisions(decisions_path)], ignore_index=True)
    warn_unknown_themes(rows, [t.slug for t in themes], decisions_path)
    decided, unresolved = resolve(rows, papers)
    status = paper_status(decided)
    # TF-IDF only when a theme can train (it also fails on a corpus too small to keep any term)
    text = len(papers) <= max_model_papers and _trainable(status)
    features = Features.build(papers, themes, hits, text=text)
    sc = Screening(None, features, decided, unresolved)
    latest = latest_per_reviewer(decided)
    return {t.slug: _theme(sc, t.slug, status, latest) for t in themes}


def _trainable(status: pd.DataFrame) -> bool:
    """Some theme has at least MIN_PER_CLASS human includes and as many excludes."""
    counts = status.groupby(["theme", "status"]).size().unstack(fill_value=0)
    return any(
        min(row.get("include", 0), row.get("exclude", 0)) >= MIN_PER_CLASS for _, row in counts.iterrows()
    )


def _theme(sc, slug: str, status: pd.DataFrame, latest: pd.DataFrame) -> ThemeScreening:
    p, included, source, fitted = sc.screen(slug)
    papers = sc.papers
    n = len(papers)
    table = pd.DataFrame(
        {
            "id": papers["id"].to_numpy(),
            "verdict": np.where(included, "include", "exclude").astype(object),
            "by": np.full(n, source, dtype=object),
            "reviewers": np.full(n, "", dtype=object),
            "why": np.full(n, "", dtype=object),
            "probability": np.asarray(p, dtype=float).round(6),  # rounded: the same bytes build to build
            "votes": np.full(n, "", dtype=object),
        }
    )
    human = _settled_by(status[status["theme"] == slug], latest[latest["theme"] == slug])
    if len(human):
        row = pd.Series(np.arange(n), index=papers["id"].to_numpy())[human["paper_id"]].to_numpy()
        table.loc[row, "verdict"] = human["status"].to_numpy()
        table.loc[row, "by"] = "reviewer"
        table.loc[row, ["reviewers", "why", "votes"]] = human[["reviewers", "why", "decisions"]].to_numpy()
    return ThemeScreening(slug, table, source, describe(fitted) if fitted is not None else "")


def _settled_by(status: pd.DataFrame, latest: pd.DataFrame) -> pd.DataFrame:
    """``status`` with ``reviewers`` (who settled each paper, or all of them for a conflict) and
    ``why`` (their distinct non-empty reasons, in file order)."""
    if status.empty:
        return status.assign(reviewers=[], why=[])
    rows = latest.merge(status[["paper_id", "status", "settled_by"]], on="paper_id")
    agree = (rows["decision"] == rows["status"]) & (
        (rows["settled_by"] != "resolver") | (rows["role"] == "resolver")
    )
    rows = rows[agree | (rows["status"] == "conflict")]
    grouped = rows.groupby("paper_id", sort=False)
    reviewers = grouped["reviewer"].agg(lambda s: ", ".join(dict.fromkeys(s)))
    why = grouped["reason"].agg(lambda s: "; ".join(dict.fromkeys(r for r in s if r)))
    return status.assign(
        reviewers=status["paper_id"].map(reviewers).fillna(""), why=status["paper_id"].map(why).fillna("")
    )


def with_screened_themes(papers: pd.DataFrame, screening: dict[str, ThemeScreening]) -> pd.DataFrame:
    """``papers`` (corpus order) with its ``themes`` column replaced by the themes that include each
    paper after screening (sorted slugs), so counts, overlaps and BibTeX files follow the screening."""
    if not screening:
        return papers
    slugs = sorted(screening)
    member = np.column_stack([screening[s].included for s in slugs])
    # as in lit_review.themes.apply_themes: few distinct sets of themes, one shared tuple each
    packed = np.packbits(member, axis=1)
    keys = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    sets = [tuple(s for s, m in zip(slugs, member[i]) if m) for i in first]
    return papers.assign(themes=[sets[i] for i in inverse.tolist()])
