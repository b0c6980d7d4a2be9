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
    """One theme's papers after screening (:mod:`lit_review.screening.verdicts`): included, excluded,
    maybe and in conflict (the ``*_by_reviewers`` part of each decided by people), and unscreened:
    nobody decided on them, the model or the term match (``source``) did."""

    slug: str
    included: int
    excluded: int
    maybe: int
    conflicts: int
    unscreened: int
    included_by_reviewers: int
    excluded_by_reviewers: int
    source: str


def theme_counts(screening: dict) -> list[ThemeCount]:
    """:class:`ThemeCount` of each theme of ``screening`` (theme slug -> its verdicts), in its order."""
    out = []
    for slug, s in screening.items():
        verdict, human = s.table["verdict"], s.table["by"] == "reviewer"
        out.append(ThemeCount(
            slug, int((verdict == "include").sum()), int((verdict == "exclude").sum()),
            int((verdict == "maybe").sum()), int((verdict == "conflict").sum()), int((~human).sum()),
            int((human & (verdict == "include")).sum()), int((human & (verdict == "exclude")).sum()), s.source,
        ))  # fmt: skip
    return out


def screen(project: Project, themes: list[Theme], papers: pd.DataFrame) -> dict:
    """Every theme's screening verdicts, as a build computes them (nothing written)."""
    from .screening.verdicts import screen_themes

    if not themes:
        return {}
    if not len(papers):  # nothing to screen: every theme empty
        from .screening.verdicts import ThemeScreening

        empty = pd.DataFrame({"id": [], "verdict": [], "by": []}, dtype=object)
        return {t.slug: ThemeScreening(t.slug, empty, "rules") for t in themes}
    return screen_themes(papers, themes, project.decisions)


def report_states(
    project: Project, themes: list[Theme], papers: pd.DataFrame, out_dir: Path | None = None, screening=None
) -> dict[str, str]:
    """Each report a build makes (themes, overview, index) -> up to date, stale or not built.
    ``screening``: :func:`screen` of these papers, if known."""
    from .report import plan, planned_reports
    from .screening.verdicts import with_screened_themes

    out_dir = out_dir or project.reports
    state = plan.load_state(out_dir)
    screening = screen(project, themes, papers) if screening is None else screening
    papers = with_screened_themes(papers, screening) if len(papers) else papers  # as the build's snapshot
    keys = plan.report_keys(
        planned_reports(project, themes, out_dir), plan.corpus_key(project), themes, papers, screening
    )
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


def unknown_theme_decisions(project: Project, themes: list[Theme]) -> list[str]:
    """One line per row of ``decisions.csv`` naming no theme of the theme file (``FILE:LINE: ...``)."""
    from .screening.decisions import read_decisions, unknown_theme_lines

    return unknown_theme_lines(read_decisions(project.decisions), [t.slug for t in themes], project.decisions)


def status_text(project: Project, themes: list[Theme], papers: pd.DataFrame) -> str:
    """The themes and reports part of ``lit-review status`` (the sources part is the ingest summary)."""
    import warnings

    with warnings.catch_warnings():  # listed below instead
        warnings.filterwarnings("ignore", message=r".* is not a theme of themes\.toml")
        screening = screen(project, themes, papers)
    lines = [f"themes ({len(papers)} papers; screening decisions from {project.decisions.name}):"]
    width = max((len(t.slug) for t in themes), default=0)
    for c in theme_counts(screening):
        auto = "model" if c.source == "model" else "term match"
        lines.append(
            f"  {c.slug:<{width}}  {c.included} included ({c.included_by_reviewers} by reviewers), "
            f"{c.excluded} excluded ({c.excluded_by_reviewers} by reviewers), {c.maybe} maybe, "
            f"{c.conflicts} conflicts; {c.unscreened} unscreened (decided by {auto})"
        )
    unknown = unknown_theme_decisions(project, themes)
    if unknown:
        lines.append(f"decisions naming no theme ({len(unknown)}; they screen nothing, the others stand):")
        lines += [f"  {line}" for line in unknown]
    states = report_states(project, themes, papers, screening=screening)
    lines.append(f"reports ({project.reports}):")
    for verdict in (UP_TO_DATE, STALE, NOT_BUILT):
        names = [n for n, s in states.items() if s == verdict]
        if names:
            lines.append(f"  {verdict}: {', '.join(names)}")
    if any(s != UP_TO_DATE for s in states.values()):
        lines.append("  run `lit-review build` to bring them up to date")
    return "\n".join(lines)
