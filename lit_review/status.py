"""``lit-review status``: what a project holds and which reports a build would redo (nothing is written).

The corpus is ingested in memory; staleness is :mod:`lit_review.report.plan`'s own verdict
(the keys a build compares), so status and build cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .project import Project
from .themes import Theme

UP_TO_DATE, STALE, NOT_BUILT = "up to date", "stale", "not built"


@dataclass(frozen=True)
class ThemeCount:
    """One theme's papers. Today a paper is in a theme or not (its terms and the manual decisions
    in themes.toml); screening decisions (references/decisions.csv) will split ``not_included``
    into excluded and unscreened here."""

    slug: str
    included: int
    not_included: int


def theme_counts(papers: pd.DataFrame, themes: list[Theme]) -> list[ThemeCount]:
    from .report.counts import theme_counts as counts

    sizes = counts(papers["themes"], [t.slug for t in themes])
    return [ThemeCount(t.slug, sizes[t.slug], len(papers) - sizes[t.slug]) for t in themes]


def report_states(
    project: Project, themes: list[Theme], papers: pd.DataFrame, out_dir: Path | None = None
) -> dict[str, str]:
    """Each report a build makes (themes, overview, index) -> up to date, stale or not built."""
    from .report import _reports, plan

    out_dir = out_dir or project.reports
    state = plan.load_state(out_dir)
    keys = plan.report_keys(_reports(project, themes, out_dir), plan.corpus_key(project), themes, papers)
    todo = set(plan.stale(state, out_dir, keys))
    built = state.get("reports", {})
    states = {
        name: (NOT_BUILT if name not in built else STALE if name in todo else UP_TO_DATE) for name in keys
    }
    index = state.get("index", {})
    states["index"] = NOT_BUILT if not index else UP_TO_DATE if plan.outputs_intact(out_dir, index) else STALE
    if todo and states["index"] == UP_TO_DATE:
        states["index"] = STALE  # the index shows every theme's count: rebuilt with any report
    return states


def status_text(project: Project, themes: list[Theme], papers: pd.DataFrame) -> str:
    """The themes and reports part of ``lit-review status`` (the sources part is the ingest summary)."""
    lines = [f"themes ({len(papers)} papers; screening decisions are not counted yet):"]
    width = max((len(t.slug) for t in themes), default=0)
    for c in theme_counts(papers, themes):
        lines.append(f"  {c.slug:<{width}}  {c.included} included, {c.not_included} not included")
    states = report_states(project, themes, papers)
    lines.append(f"reports ({project.reports}):")
    for verdict in (UP_TO_DATE, STALE, NOT_BUILT):
        names = [n for n, s in states.items() if s == verdict]
        if names:
            lines.append(f"  {verdict}: {', '.join(names)}")
    if any(s != UP_TO_DATE for s in states.values()):
        lines.append("  run `lit-review build` to bring them up to date")
    return "\n".join(lines)
