"""Sub-topics: the user's groups first, then NMF clusters of the rest; deterministic, non-trivial."""

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from lit_review.synthesis.subtopics import FOUND, YOURS, subtopics
from lit_review.themes import parse_themes


def _theme(subtopics=()):
    spec = {
        "slug": "t",
        "title": "T",
        "scope": "s",
        "include": ["gradient-free"],
        "subtopic": list(subtopics),
    }
    return parse_themes({"theme": [spec]}, Path("t.toml"))[0]


def test_bundled_gradient_free_has_yours_and_found_groups_covering_every_paper(bundled):
    papers, theme = bundled.included("gradient-free"), bundled.by_slug["gradient-free"]
    s = subtopics(papers, theme)
    g = s.groups
    assert g["source"].tolist()[:2] == [YOURS, YOURS] and (g["source"] == FOUND).sum() >= 2  # non-trivial
    assert g["name"].tolist()[:2] == [t.name for t in theme.subtopics]
    assert sorted(s.papers["id"]) == sorted(papers["id"]) and g["size"].sum() == len(papers)
    assert s.papers["group"].value_counts().sort_index().tolist() == g["size"].tolist()
    assert g["size"].max() < len(papers) / 2  # no group swallows the theme
    assert 2 <= s.k <= 8 and s.k == max(s.silhouette, key=lambda k: (s.silhouette[k], -k))
    mezo = papers[papers["abstract"].str.contains("MeZO", na=False) | papers["title"].str.contains("MeZO")]
    assert set(s.papers.set_index("id").loc[mezo["id"], "group"]) <= {
        1
    }  # seeded papers land in the seed group


def test_labels_leave_out_the_themes_own_terms(bundled):
    theme = bundled.by_slug["gradient-free"]
    s = subtopics(bundled.included("gradient-free"), theme)
    words = {
        w for terms in s.groups.loc[s.groups["source"] == FOUND, "terms"] for t in terms for w in t.split()
    }
    assert not words & {"gradient", "free", "zeroth", "order", "derivative", "backpropagation"}


def test_deterministic_whatever_the_row_order(bundled):
    papers, theme = bundled.included("efficient-fine-tuning"), bundled.by_slug["efficient-fine-tuning"]
    a = subtopics(papers, theme)
    b = subtopics(papers.iloc[::-1], theme)
    pd.testing.assert_frame_equal(a.groups, b.groups)
    pd.testing.assert_frame_equal(a.papers, b.papers)
    assert a.silhouette == b.silhouette


def test_every_theme_of_the_bundled_review_gets_two_to_eight_found_groups(bundled):
    for slug, theme in bundled.by_slug.items():
        s = subtopics(bundled.included(slug), dataclasses.replace(theme, subtopics=()))
        assert 2 <= s.k <= 8, slug


def test_small_themes_get_one_group_and_tiny_ones_still_work():
    papers = pd.DataFrame(
        {
            "id": [f"p{i}" for i in range(5)],
            "title": ["Sparse attention", "Sparse experts", "Graph nets", "Graph kernels", "Sparse graphs"],
            "abstract": ["about sparse things"] * 5,
        }
    )
    s = subtopics(papers, _theme())
    assert s.k == 1 and s.groups["size"].tolist() == [5]
    assert subtopics(papers.head(1), _theme()).groups["size"].tolist() == [1]
    assert subtopics(papers.head(0), _theme()).groups.empty


@pytest.mark.parametrize("abstract", [None, "", "the of and"])
def test_papers_without_usable_text_are_kept_in_a_group(bundled, abstract):
    papers = bundled.included("gradient-free").copy()
    extra = pd.DataFrame({"id": ["zz-empty"], "title": ["The"], "abstract": [abstract]})
    s = subtopics(pd.concat([papers, extra], ignore_index=True), _theme())
    assert s.groups["size"].sum() == len(papers) + 1 and "zz-empty" in set(s.papers["id"])


def test_a_user_group_no_paper_matches_is_not_shown():
    papers = pd.DataFrame({"id": ["a", "b"], "title": ["Alpha", "Beta"], "abstract": ["one", "two"]})
    s = subtopics(papers, _theme([{"name": "Nothing", "terms": ["no such words"]}]))
    assert "Nothing" not in s.groups["name"].tolist() and s.groups["size"].sum() == 2


def test_no_warning_reaches_the_report(bundled, recwarn):
    import warnings

    warnings.simplefilter("always")
    for slug, theme in bundled.by_slug.items():
        subtopics(bundled.included(slug), theme)
    assert [str(w.message) for w in recwarn] == []
