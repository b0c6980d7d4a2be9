"""The systematic map: one value per paper and facet; counts add up."""

from pathlib import Path

import pandas as pd

from lit_review.synthesis.facets import UNCLASSIFIED, classify
from lit_review.themes import parse_themes


def test_bundled_flagship_maps_add_up(bundled):
    for slug in ("gradient-free", "efficient-fine-tuning"):
        papers, theme = bundled.included(slug), bundled.by_slug[slug]
        assert len(theme.facets) == 2
        m = classify(papers, theme)
        a, b = (f.name for f in theme.facets)
        for f in (a, b):
            counts = m.counts(f)
            assert counts.sum() == len(papers) and list(counts.index)[-1] == UNCLASSIFIED
            assert (
                counts.iloc[:-1] > 0
            ).sum() >= 2  # the scheme classifies, it does not just say "unclassified"
        table = m.crosstab(a, b)
        assert table.to_numpy().sum() == len(papers)
        assert (table.sum(axis=1) == m.counts(a)).all() and (table.sum(axis=0) == m.counts(b)).all()
        assert table.loc[UNCLASSIFIED, UNCLASSIFIED] == len(m.unclassified())


def test_highest_score_wins_ties_go_to_the_first_value_and_title_counts_double():
    spec = {
        "slug": "t", "title": "T", "scope": "s", "include": ["x"],
        "facet": [{"name": "kind", "values": [
            {"name": "alpha", "terms": ["alpha"]},
            {"name": "beta", "terms": ["beta", "gamma"]},
        ]}],
    }  # fmt: skip
    theme = parse_themes({"theme": [spec]}, Path("t.toml"))[0]
    papers = pd.DataFrame(
        {
            "id": ["tie", "two", "title", "none"],
            "title": ["A", "B", "Alpha", "D"],
            "abstract": ["alpha beta", "alpha beta gamma", "beta gamma", None],
        }
    )
    m = classify(papers, theme)
    assert m.table["kind"].tolist() == ["alpha", "beta", "alpha", UNCLASSIFIED]
    assert m.counts("kind").tolist() == [2, 1, 1] and m.unclassified().tolist() == ["none"]
