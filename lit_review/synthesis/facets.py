"""The systematic map of a theme (Petersen et al.): each included paper's value on each facet.

A facet (``[[theme.facet]]``) is a name and values, each value a set of terms. A paper takes, per
facet, the value whose terms score highest on its title and abstract (the theme score:
:func:`lit_review.themes.group_scores`; ties: the first value in the file), or :data:`UNCLASSIFIED`
when no value's terms are found. One value per paper and facet, so a facet's counts add up to the
number of papers, and a facet x facet table adds up to it too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..themes import Facet, Theme, group_scores

UNCLASSIFIED = "unclassified"


@dataclass
class FacetMap:
    """``table``: one row per paper (``id`` then one column per facet, holding its value's name or
    :data:`UNCLASSIFIED`); ``facets``: the theme's facets, in file order."""

    table: pd.DataFrame
    facets: tuple[Facet, ...]

    def values(self, facet: str) -> list[str]:
        """The facet's values in file order, then :data:`UNCLASSIFIED`."""
        f = next(f for f in self.facets if f.name == facet)
        return [v.name for v in f.values] + [UNCLASSIFIED]

    def counts(self, facet: str) -> pd.Series:
        """Papers per value of ``facet`` (every value, zero included; sums to the number of papers)."""
        return self.table[facet].value_counts().reindex(self.values(facet), fill_value=0).astype("int64")

    def crosstab(self, rows: str, columns: str) -> pd.DataFrame:
        """Papers per (value of ``rows``, value of ``columns``), every value with unclassified last."""
        t = pd.crosstab(self.table[rows], self.table[columns])
        return t.reindex(index=self.values(rows), columns=self.values(columns), fill_value=0).astype("int64")

    def unclassified(self) -> pd.Series:
        """Ids of the papers no value of any facet matched."""
        names = [f.name for f in self.facets]
        mask = (
            (self.table[names] == UNCLASSIFIED).all(axis=1) if names else pd.Series(False, self.table.index)
        )
        return self.table.loc[mask, "id"]


def classify(papers: pd.DataFrame, theme: Theme) -> FacetMap:
    """Each of ``papers`` (columns ``id, title, abstract``) on each of ``theme``'s facets."""
    table = pd.DataFrame({"id": papers["id"].to_numpy()})
    for f in theme.facets:
        score = group_scores(f.values, papers)
        names = np.array([v.name for v in f.values] + [UNCLASSIFIED], dtype=object)
        best = np.where(score.max(axis=1) > 0, score.argmax(axis=1), len(f.values)) if len(papers) else []
        table[f.name] = names[np.asarray(best, dtype=int)]
    return FacetMap(table, theme.facets)
