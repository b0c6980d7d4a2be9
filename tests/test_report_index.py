"""lit_review.report.index: the index links only reports that exist and says which failed."""

from lit_review.report.index import index_html
from lit_review.themes import parse_themes


def _themes(tmp_path):
    data = {"theme": [
        {"slug": "alpha", "title": "Alpha <b>bold</b>", "scope": "s", "include": ["x"]},
        {"slug": "beta", "title": "Beta", "scope": "s", "include": ["y"]},
        {"slug": "gamma", "title": "Gamma", "scope": "s", "include": ["z"]},
    ]}  # fmt: skip
    return parse_themes(data, tmp_path / "themes.toml")


def test_links_only_existing_reports(tmp_path):
    (tmp_path / "alpha.html").write_text("x")
    (tmp_path / "alpha.bib").write_text("x")
    (tmp_path / "overview.html").write_text("x")
    page = index_html(_themes(tmp_path), {"alpha": 7, "beta": 2}, {"beta": "boom"}, 12, tmp_path)
    assert '<a href="alpha.html">Alpha &lt;b&gt;bold&lt;/b&gt;</a>' in page
    assert '<a href="alpha.bib">alpha.bib</a>' in page
    assert 'href="beta.html"' not in page and 'href="gamma.html"' not in page
    assert (
        "<td>Beta</td><td><code>beta</code></td><td>2</td><td></td><td>build failed: see the build log</td>"
        in page
    )
    assert "<td>Gamma</td><td><code>gamma</code></td><td>0</td><td></td><td>not built</td>" in page
    assert "12 unique papers." in page and 'href="overview.html"' in page
    assert "<b>" not in page and "<script" not in page


def test_no_overview_link_without_overview(tmp_path):
    assert "overview.html" not in index_html(_themes(tmp_path), {}, {}, 0, tmp_path)
