"""Counts the reports show and the build keys on, each computed by one function."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from ..themes import theme_members


def theme_counts(themes: pd.Series, slugs) -> dict[str, int]:
    """How many of the papers (given by their ``themes`` column) each theme of ``slugs`` includes."""
    counts = Counter(s for ts in themes for s in ts)
    return {s: counts.get(s, 0) for s in slugs}


def overlaps(papers: pd.DataFrame, slugs: list[str]) -> dict[str, dict[str, int]]:
    """For each theme of ``slugs``: how many of its papers each other theme also includes."""
    return {
        a: theme_counts(papers.loc[theme_members(papers, a), "themes"], [b for b in slugs if b != a])
        for a in slugs
    }


def year_counts(years: pd.Series) -> pd.Series:
    """Papers per publication year, in year order, with unknown years counted last under "unknown"."""
    counts = years.astype("object").where(years.notna(), "unknown").astype(str).value_counts()
    known = sorted(k for k in counts.index if k != "unknown")
    return counts.reindex(known + (["unknown"] if "unknown" in counts.index else []))
