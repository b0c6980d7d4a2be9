"""lit_review.report.index: the index links only reports that exist, says which failed, and what it was built from."""

from lit_review.report.index import index_html, sources_html
from lit_review.themes import parse_themes


def _themes(tmp_path):
    data = {"theme": [
        {"slug": "alpha", "title": "Alpha <b>bold</b>", "scope": "Alpha's\n  <i>scope</i>", "include": ["x"]},
        {"slug": "beta", "title": "Beta", "scope": "s", "include": ["y"]},
        {"slug": "gamma", "title": "Gamma", "scope": "s", "include": ["z"]},
    ]}  # fmt: skip
    return parse_themes(data, tmp_path / "themes.toml")


def test_links_only_existing_reports(tmp_path):
    for name in ("alpha.html", "alpha.bib", "alpha-all.html", "overview.html"):
        (tmp_path / name).write_text("x")
    page = index_html(_themes(tmp_path), {"alpha": 7, "beta": 2}, {"beta": "boom"}, 12, tmp_path)
    assert '<a href="alpha.html">Alpha &lt;b&gt;bold&lt;/b&gt;</a>' in page
    assert '<a href="alpha-all.html">full ranked list</a> · <a href="alpha.bib">BibTeX</a>' in page
    assert "Alpha&#x27;s &lt;i&gt;scope&lt;/i&gt;" in page  # the scope, on one line, as text
    assert 'href="beta.html"' not in page and 'href="gamma.html"' not in page
    assert ">2</td>" in page and "build failed: see the build log" in page and "not built" in page
    assert "12 unique papers, 3 themes." in page and 'href="overview.html"' in page
    assert "<b>" not in page and "<i>" not in page and "<script" not in page


def test_no_overview_link_without_overview(tmp_path):
    assert "overview.html" not in index_html(_themes(tmp_path), {}, {}, 0, tmp_path)


def test_sources_show_capture_dates_from_the_manifest(seed_corpus):
    c = seed_corpus.corpus
    html = sources_html(c.listings, c.sources)
    # references/sources.toml: one listing captured 2025-12-10, four unknown (one page headed "Mar 13")
    assert "capture dates (listings): 2025-12-10 (1), unknown (4)." in html
    assert "unknown (page dated Mar 13)" in html
    for lst in c.listings:
        assert f"<code>{lst.source}</code>" in html and f">{lst.n_read}</td>" in html
    assert sources_html(c.listings, c.sources) == html  # no clock: same inputs, same bytes


def test_new_papers_column_and_feed_links(tmp_path):
    from lit_review.firstseen import News

    for name in ("alpha.html", "alpha.atom", "beta.html"):
        (tmp_path / name).write_text("x")
    news = (
        News("2025-02-12", "first seen by the last lit-review update, to 2025-02-19"),
        {"alpha": 3, "beta": 0},
    )
    page = index_html(_themes(tmp_path), {"alpha": 7, "beta": 2}, {}, 12, tmp_path, news=news)
    assert "<th" in page and ">New since 2025-02-12</th>" in page
    assert '>7</td><td style="text-align:right;vertical-align:top">3</td>' in page  # papers, then new
    assert "<p>New since 2025-02-12: first seen by the last lit-review update, to 2025-02-19.</p>" in page
    assert '<a href="alpha.atom">Atom feed</a>' in page and 'href="beta.atom"' not in page
    head = page.split("</head>")[0]
    assert '<link rel="alternate" type="application/atom+xml" href="alpha.atom"' in head
    assert "beta.atom" not in head
    nothing = index_html(_themes(tmp_path), {}, {}, 0, tmp_path, news=(News(None, "no update"), {}))
    assert "New since" not in nothing
