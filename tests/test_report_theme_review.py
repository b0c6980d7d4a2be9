"""lit_review.report.theme_review and overview read the snapshot: no ingest, no theme matched again."""

import pandas as pd
import pytest

import lit_review.ingest
from lit_review import snapshot as snap
from lit_review.project import Project
from lit_review.report import overview, theme_review
from lit_review.themes import Decision, Theme, load_themes

from .conftest import ROOT


@pytest.fixture
def saved(project, seed_corpus, monkeypatch):
    """A snapshot of the bundled corpus saved where a build puts it; ingesting again fails the test."""
    proj = Project.at(project)
    path = proj.reports / snap.SNAPSHOT
    path.parent.mkdir()
    snap.save_snapshot(snap.take_snapshot(proj, seed_corpus, load_themes(proj.themes)), path)
    monkeypatch.setattr(lit_review.ingest, "run_ingest", lambda *a: pytest.fail("ingested again"))
    return proj, path


def test_theme_review_uses_the_snapshot_matches(saved, monkeypatch):
    proj, path = saved
    monkeypatch.setattr(theme_review, "match_theme", lambda *a: pytest.fail("matched again"))
    r = theme_review.theme_review(proj.root, "gradient-free", snapshot=path)
    members = {k for k, ts in zip(r.papers["citekey"], r.papers["themes"]) if "gradient-free" in ts}
    assert set(r.included["citekey"]) == members and {"bbtv2gradientfree", "wpca2025"} <= members
    shared = theme_review.overlap_counts(r)
    for slug, n in shared.items():
        assert n == sum(slug in ts and "gradient-free" in ts for ts in r.papers["themes"])
    assert shared.is_monotonic_decreasing
    assert sorted(shared.index) == sorted(t.slug for t in r.themes if t.slug != "gradient-free")
    assert theme_review.year_counts(r).sum() == len(members)


def test_min_score_override_matches_that_theme_again(saved, monkeypatch):
    proj, path = saved
    calls = []
    real = theme_review.match_theme
    monkeypatch.setattr(theme_review, "match_theme", lambda t, p: calls.append(t.slug) or real(t, p))
    base = theme_review.theme_review(proj.root, "gradient-free", snapshot=path)
    strict = theme_review.theme_review(proj.root, "gradient-free", min_score=99, snapshot=path)
    assert calls == ["gradient-free"]
    assert strict.theme.min_score == 99 and len(strict.included) < len(base.included)
    assert set(strict.included["by"]) <= {"reviewer"}  # the term match includes nothing at 99


def test_overview_reads_the_snapshot_by_hand(saved):
    proj, _ = saved
    o = overview.corpus_overview(proj.root)  # no snapshot given: the one in reports/, inputs unchanged
    assert len(o.papers) == 544
    sizes = overview.theme_sizes(o)
    for t in o.themes:
        assert sizes[t.slug] == sum(t.slug in ts for ts in o.papers["themes"])
    assert overview.year_counts(o).sum() == 544


# what a reader sees of each paper: link, authors, status (real records from BibTeX fixtures)

FIXTURES = ROOT.parent / "shared" / "fixtures" / "bibtex"


@pytest.fixture(scope="module")
def bib_papers():
    from lit_review.corpus import read_corpus

    corpus, errors = read_corpus(
        [FIXTURES / "coslu__thesis_bibliography.bib", FIXTURES / "bbt__arxiv_identifiers_460.bibtex.bib"]
    )
    assert errors == []
    return corpus.papers


def _row(papers, **where):
    sel = papers
    for col, val in where.items():
        sel = sel[sel[col] == val]
    assert len(sel) == 1, where
    return next(sel.itertuples(index=False))


def test_title_links_arxiv_then_doi_then_url(bib_papers):
    both = _row(bib_papers, arxiv_id="1401.2910")  # has a DOI too: arXiv wins
    assert theme_review.paper_url(both) == "https://arxiv.org/abs/1401.2910"
    doi = _row(bib_papers, doi="10.1016/0041-5553(64)90137-5")
    assert theme_review.paper_url(doi) == "https://doi.org/10.1016/0041-5553(64)90137-5"
    book = _row(bib_papers, url="http://www.deeplearningbook.org")
    assert theme_review.title_html(book) == f'<a href="http://www.deeplearningbook.org">{book.title}</a>'


@pytest.mark.parametrize(
    "fields",
    [{"url": "javascript:alert(1)"}, {"url": "data:text/html,<script>x</script>"}, {"url": "https://a b"},
     {"doi": '10.1/x"><script>'}, {"arxiv_id": '2401.1"onmouseover="x'}],
)  # fmt: skip
def test_hostile_identifiers_never_make_active_links(fields):
    import pandas as pd

    p = next(
        pd.DataFrame(
            [{"title": "<b>T</b>", "arxiv_id": None, "doi": None, "url": None, **fields}]
        ).itertuples()
    )
    out = theme_review.title_html(p)
    assert "<b>" not in out and "javascript:" not in out and "data:" not in out and "<script" not in out
    assert '"on' not in out and "onmouseover=" not in out.replace("%22onmouseover=%22", "")


def test_short_authors_from_real_names(bib_papers):
    one = _row(bib_papers, arxiv_id="1508.05387")
    two = _row(bib_papers, arxiv_id="1305.4904")
    many = _row(bib_papers, url="http://www.deeplearningbook.org")
    assert one.authors == ("Sen, Ashoke",) and theme_review.short_authors(one.authors) == "Sen"
    assert theme_review.short_authors(two.authors) == "Smolin and Smith"
    assert theme_review.short_authors(many.authors) == "Goodfellow et al."
    assert theme_review.short_authors(()) == "" and theme_review.short_authors(float("nan")) == ""


def _said(papers, themes, slug, decisions_path):
    from lit_review.screening.verdicts import screen_themes
    from lit_review.themes import match_all

    th = next(t for t in themes if t.slug == slug)
    screened = screen_themes(papers, themes, decisions_path)[slug]
    m = theme_review.screened_matches(match_all([th], papers)[slug], screened)
    m = m.set_index(papers["citekey"].to_numpy())
    return m, {k: theme_review.status(p, th.min_score) for k, p in zip(m.index, m.itertuples(index=False))}


def test_status_says_who_decided_by_the_term_match(project, seed_corpus, tmp_path):
    themes = load_themes(Project.at(project).themes)
    th = next(t for t in themes if t.slug == "gradient-free")
    decided = Theme(th.slug, th.title, th.scope, th.include, th.exclude, th.min_score,
                    (Decision("wpca2025", False, "NAS proxy"), Decision("lst2022", True, "")))  # fmt: skip
    themes = [decided if t.slug == th.slug else t for t in themes]
    (tmp_path / "d.csv").write_text(
        "paper,theme,decision,reason,reviewer\n"
        "bbtv2gradientfree,gradient-free,include,black-box tuning,ana\n"
        "bbtv2gradientfree,gradient-free,exclude,not gradient-free,ben\n"
        "revisiting2024,gradient-free,maybe,,ana\n"
    )
    m, said = _said(seed_corpus.corpus.papers, themes, th.slug, tmp_path / "d.csv")
    assert said["wpca2025"] == "excluded by themes.toml: NAS proxy"  # a decision in the theme file
    assert said["lst2022"] == "included by themes.toml"
    assert said["bbtv2gradientfree"] == "conflict (ana=include; ben=exclude)"
    assert said["revisiting2024"] == "maybe, says ana"
    auto = m[(m["by"] == "rules") & m["included"]].iloc[0]
    assert said[auto.name] == f"included by term match (score {auto['score']:g})"
    low = m[(m["by"] == "rules") & ~m["included"] & (m["score"] > 0)].iloc[0]
    assert said[low.name] == f"below the minimum score (score {low['score']:g} < 4)"


def test_status_says_who_decided_with_a_model(seed_corpus):
    themes = load_themes(ROOT / "references" / "themes.toml")
    m, said = _said(seed_corpus.corpus.papers, themes, "gradient-free", ROOT / "references" / "decisions.csv")
    labels = pd.read_csv(ROOT / "references" / "decisions.csv").query("theme == 'gradient-free'")
    row = labels[labels["decision"] == "exclude"].iloc[0]  # named by its title in the file
    key = seed_corpus.corpus.papers.set_index("title").loc[row["paper"], "citekey"]
    assert said[key] == f"excluded by labels-v1: {row['reason']}"
    model = m[m["by"] == "model"]
    assert len(model) == len(m) - len(labels.drop_duplicates("paper"))  # every paper nobody decided on
    for key, p in model.head(20).iterrows():
        assert (
            said[key] == f"{'included' if p['included'] else 'excluded'} by model (p={p['probability']:.2f})"
        )


def test_ranked_table_links_the_full_list_and_bib(saved):
    proj, path = saved
    r = theme_review.theme_review(proj.root, "diffusion-guidance", snapshot=path)
    table = theme_review.ranked_table(r, 10)
    assert len(r.included) > 10 and f"{len(r.included) - 10} more are in the full ranked list" in table
    assert 'href="diffusion-guidance-all.html"' in table and 'href="diffusion-guidance.bib"' in table
    assert table.count("<tr>") == 11 and 'style="text-align:left' in table
    full = theme_review.full_list_html(r)
    assert full.count("<tr>") == len(r.included) + 1 and "<script" not in full
    for key in r.included["citekey"]:
        assert f"<code>{key}</code>" in full
    assert 'href="index.html"' in full and 'href="diffusion-guidance.html"' in full


@pytest.mark.parametrize(
    ("params", "message"),
    [({"theme": "nope"}, "parameter 'theme': got 'nope' (str); allowed: gradient-free, efficient-fine-tuning"),
     ({"theme": 3}, "parameter 'theme': got 3 (int); allowed: gradient-free"),
     ({"top_n": "5"}, "parameter 'top_n' must be a whole number >= 0, got '5' (str)"),
     ({"top_n": -1}, "parameter 'top_n' must be a whole number >= 0, got -1 (int)"),
     ({"top_n": True}, "parameter 'top_n' must be a whole number >= 0, got True (bool)"),
     ({"min_score": "high"}, "parameter 'min_score' must be a number or None, got 'high' (str)"),
     ({"snapshot": "no/such.pickle"}, "parameter 'snapshot': no such file or folder 'no/such.pickle'")],
)  # fmt: skip
def test_check_parameters_names_the_bad_one(project, params, message):
    from lit_review.errors import LitReviewError

    args = {"theme": "gradient-free", "project": str(project), **params}
    with pytest.raises(LitReviewError) as info:
        theme_review.check_parameters(**args)
    assert str(info.value).startswith(message) and "\n" not in str(info.value)
    assert info.value._render_traceback_() == [f"ParameterError: {info.value}"]  # what IPython shows


def test_topic_sample_is_fixed_by_id_hash_and_small_corpora_are_whole(seed_corpus):
    import hashlib

    papers = seed_corpus.corpus.papers
    assert overview.topic_sample(papers).equals(papers)
    sample = overview.topic_sample(papers, 100)
    smallest = sorted(papers["id"], key=lambda i: hashlib.sha1(i.encode()).hexdigest())[:100]
    assert sorted(sample["id"]) == sorted(smallest)
    shuffled = papers.sample(frac=1, random_state=1)
    assert sorted(overview.topic_sample(shuffled, 100)["id"]) == sorted(smallest)  # order does not matter


def test_topics_html_is_the_same_twice_and_notes_a_sample(saved):
    proj, path = saved
    o = overview.corpus_overview(proj.root, path)
    first = overview.topics_html(o)
    assert first == overview.topics_html(o) and "<table" in first and "<script" not in first
    assert "Fitted on a sample" not in first
    assert "Fitted on a sample of 200 of the 544 papers" in overview.topics_html(o, max_papers=200)
