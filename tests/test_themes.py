"""Theme matching: the vectorized theme scores against the per-paper reference; any number of themes."""

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lit_review._infra.columns import arrow
from lit_review.themes import (
    all_theme_hits,
    apply_themes,
    gather_hits,
    match_all,
    match_paper,
    match_theme,
    parse_themes,
)

from .conftest import ROOT


def _generated_themes(n: int, terms: dict[int, list[str]]) -> list:
    """``n`` themes ``theme-01``... (sorted as numbered); theme ``k`` has the phrases ``terms[k]``."""
    specs = [
        {
            "slug": f"theme-{k:02d}",
            "title": f"Theme {k}",
            "scope": "generated",
            "min_score": 1,
            "include": terms.get(k, [f"no such phrase {k}"]),
        }
        for k in range(1, n + 1)
    ]
    return parse_themes({"theme": specs}, Path("generated.toml"))


def test_a_paper_gets_its_themes_whatever_their_number(seed_corpus):
    papers = seed_corpus.corpus.papers
    free = "Gradient-Free Path Integral Control"  # in the title of one seed paper, free2guidegradientfree
    generated = _generated_themes(70, {65: ["GradES: Significantly Faster"], 1: [free], 70: [free]})
    got = apply_themes(papers, generated).set_index("citekey")["themes"]
    assert got["gradessignificantly"] == ("theme-65",)
    assert got["free2guidegradientfree"] == ("theme-01", "theme-70")
    assert got.drop(["gradessignificantly", "free2guidegradientfree"]).map(len).eq(0).all()


def test_no_themes_and_no_papers(seed_corpus):
    papers = seed_corpus.corpus.papers
    assert apply_themes(papers, [])["themes"].tolist() == [()] * len(papers)
    assert apply_themes(papers.iloc[:0], _generated_themes(3, {}))["themes"].tolist() == []


def _themes_with_decisions() -> list:
    """The bundled themes, with manual decisions on two seed papers (by citation key and by id)."""
    data = tomllib.loads((ROOT / "references" / "themes.toml").read_text(encoding="utf-8"))
    data["theme"][0]["decision"] = [
        {"paper": "gradessignificantly", "decision": "include", "reason": "by key"},
        {"paper": "t-7f8688859f79", "decision": "exclude", "reason": "by id, first"},
        {"paper": "t-7f8688859f79", "decision": "include", "reason": "by id, second: ignored"},
    ]
    return parse_themes(data, ROOT / "references" / "themes.toml")


def test_match_all_equals_the_per_paper_reference_on_every_seed_paper(seed_corpus):
    papers = seed_corpus.corpus.papers
    defined = _themes_with_decisions()
    assert sum(len(t.exclude) for t in defined) > 0  # exclude terms are exercised too
    matches = match_all(defined, papers)
    for theme in defined:
        m = matches[theme.slug]
        assert m["id"].tolist() == papers["id"].tolist()
        for row, got in zip(papers.itertuples(), m.itertuples()):
            ref = match_paper(theme, row.title, row.abstract, (row.id, row.citekey))
            assert (got.score, got.matched, got.excluded_by) == (ref.score, ref.matched, ref.excluded_by)
            assert (got.decision, got.reason, got.included) == (ref.decision, ref.reason, ref.included)
        pd.testing.assert_frame_equal(match_theme(theme, papers), m)
    first = matches[defined[0].slug].set_index("id")
    assert first.loc["t-7f8688859f79", "decision"] == "manual-exclude"
    assert first.loc["t-7f8688859f79", "reason"] == "by id, first"


def test_match_all_takes_hits_gathered_from_records_and_agrees_with_apply_themes(seed_corpus):
    papers = seed_corpus.corpus.papers
    defined = _themes_with_decisions()
    # records in another order, as the ingest has them: paper k is record where[k]
    order = np.random.default_rng(0).permutation(len(papers))
    where = np.argsort(order)
    on_records = all_theme_hits(
        defined, arrow(papers["title"].iloc[order]), arrow(papers["abstract"].iloc[order])
    )
    gathered = gather_hits(on_records, where, where)
    matches = match_all(defined, papers, gathered)
    for slug, m in match_all(defined, papers).items():
        pd.testing.assert_frame_equal(matches[slug], m)
    column = apply_themes(papers, defined, gathered)["themes"]
    slugs = sorted(matches)
    assert column.tolist() == [
        tuple(s for s in slugs if matches[s]["included"].iat[k]) for k in range(len(papers))
    ]
    with pytest.raises(ValueError, match="hits for 5 themes"):
        match_all(defined, papers, gathered[:5])
