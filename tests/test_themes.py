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


# sub-topics and facets: parsed, validated with one-line errors naming the file and line


def _parse_text(tmp_path, text):
    from lit_review.themes import load_themes

    path = tmp_path / "themes.toml"
    path.write_text(text, encoding="utf-8")
    return load_themes(path)


HEAD = '[[theme]]\nslug = "t"\ntitle = "T"\nscope = "s"\ninclude = ["x"]\n'


def test_subtopics_and_facets_are_read_in_file_order(tmp_path):
    (t,) = _parse_text(
        tmp_path,
        HEAD
        + '[[theme.subtopic]]\nname = "B first"\nterms = ["beta", { term = "g", pattern = "gam+a" }]\n'
        + '[[theme.subtopic]]\nname = "A second"\nterms = ["alpha"]\n'
        + '[[theme.facet]]\nname = "kind"\nvalues = [ { name = "v1", terms = ["one"] }, { name = "v2", terms = ["two"] } ]\n',
    )
    assert [g.name for g in t.subtopics] == ["B first", "A second"]
    assert [x.term for x in t.subtopics[0].terms] == ["beta", "g"] and t.subtopics[0].terms[1].pattern.search(
        "GAMMMA"
    )
    assert [(f.name, [v.name for v in f.values]) for f in t.facets] == [("kind", ["v1", "v2"])]


def test_a_theme_without_subtopics_or_facets_keeps_its_digest(tmp_path):
    import hashlib
    import json

    (plain,) = _parse_text(tmp_path, HEAD)
    (more,) = _parse_text(tmp_path, HEAD + '[[theme.subtopic]]\nname = "S"\nterms = ["s"]\n')
    before = {  # the definition's digest as it was before sub-topics and facets existed
        "slug": "t", "title": "T", "scope": "s", "min_score": 2.0, "decisions": [], "exclude": [],
        "include": [("x", r"\bx\b", 1.0)],
    }  # fmt: skip
    assert plain.digest == hashlib.sha256(json.dumps(before, sort_keys=True).encode()).hexdigest()
    assert more.digest != plain.digest  # a report shows its sub-topics: editing them rebuilds it


@pytest.mark.parametrize(
    "tail, message, line",
    [
        ('[[theme.subtopic]]\nterms = ["a"]\n', "a subtopic needs name", 6),
        ('[[theme.subtopic]]\nname = "S"\nterms = []\n', "subtopic 'S' needs terms", 7),
        ('[[theme.subtopic]]\nname = "S"\nterms = ["a"]\n[[theme.subtopic]]\nname = "s"\nterms = ["b"]\n',
         "subtopic 's' is defined twice", 10),
        ('[[theme.facet]]\nname = "F"\n', "facet 'F' needs values", 7),
        ('[[theme.facet]]\nname = "F"\nvalues = [ { name = "v" } ]\n', "value of facet 'F' 'v' needs terms", 8),
        ('[[theme.subtopic]]\nname = "S"\nterms = [{ term = "bad", pattern = "(" }]\n', "invalid pattern", None),
    ],
)  # fmt: skip
def test_bad_subtopics_and_facets_give_one_line_errors_with_the_line(tmp_path, tail, message, line):
    from lit_review.errors import LitReviewError

    with pytest.raises(LitReviewError) as err:
        _parse_text(tmp_path, HEAD + tail)
    text = str(err.value)
    assert message in text and "\n" not in text and text.startswith(str(tmp_path / "themes.toml"))
    if line is not None:
        assert err.value.line == line, text


def test_the_bundled_theme_files_are_identical_and_define_the_flagship_maps():
    from lit_review.themes import load_themes

    assert (ROOT / "references" / "themes.toml").read_bytes() == (
        ROOT / "lit_review" / "example" / "themes.toml"
    ).read_bytes()
    by_slug = {t.slug: t for t in load_themes(ROOT / "references" / "themes.toml")}
    for slug in ("gradient-free", "efficient-fine-tuning"):
        assert len(by_slug[slug].facets) == 2 and all(len(f.values) >= 3 for f in by_slug[slug].facets)
