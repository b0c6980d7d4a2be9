"""lit_review.report.counts: theme sizes, overlaps and year counts, each in one function."""

import pandas as pd

from lit_review.report.counts import overlaps, theme_counts, year_counts

# five papers; expected counts below worked out by hand from this table
THEMES = pd.Series([("a", "b"), ("a",), ("b", "c"), (), ("a", "b", "c")])


def test_theme_counts_counts_papers_per_theme_in_the_order_asked():
    assert theme_counts(THEMES, ["c", "a", "b", "zzz"]) == {"c": 2, "a": 3, "b": 3, "zzz": 0}
    assert list(theme_counts(THEMES, ["c", "a"])) == ["c", "a"]
    assert theme_counts(pd.Series([], dtype=object), ["a"]) == {"a": 0}


def test_overlaps_every_pair_both_ways():
    got = overlaps(pd.DataFrame({"themes": THEMES}), ["a", "b", "c"])
    assert got == {"a": {"b": 2, "c": 1}, "b": {"a": 2, "c": 2}, "c": {"a": 1, "b": 2}}


def test_overlaps_on_the_bundled_corpus_match_a_pairwise_count(seed_corpus):
    papers = seed_corpus.corpus.papers
    slugs = sorted({s for ts in papers["themes"] for s in ts})
    got = overlaps(papers, slugs)
    for a in slugs:
        for b in slugs:
            if a != b:
                both = sum(a in ts and b in ts for ts in papers["themes"])
                assert got[a][b] == both
    assert any(n for row in got.values() for n in row.values())  # the bundled themes do overlap


def test_year_counts_in_year_order_with_unknown_last():
    years = pd.Series([2024, None, 2019, 2024, None, 2023], dtype="Int64")
    got = year_counts(years)
    assert list(got.index) == ["2019", "2023", "2024", "unknown"]
    assert list(got) == [1, 1, 2, 2]
    assert list(year_counts(pd.Series([2020, 2021], dtype="Int64")).index) == ["2020", "2021"]
    assert year_counts(pd.Series([], dtype="Int64")).empty
