"""A theme's Atom feed: valid (feedparser, no bozo), stable, newest first seen first."""

import feedparser
import pandas as pd

from lit_review.report.feed import entry_id, feed_link, theme_feed


def _papers():
    return pd.DataFrame(
        {
            "id": ["arXiv:2502.09992", "doi:10.1000/x(1)", "t-abc", "arXiv:2502.10389", "t-undated"],
            "title": ["Large Language Diffusion Models", "A <b>bold</b> & \x0bodd title", "Listing only",
                      "Older one", "Undated"],
            "authors": [("Nie, Shen", "Zhu, Fengqi"), (), None, ("Liu, Ziming",), ()],
            "abstract": ["We introduce LLaDA.", "Ctrl \x01 chars \ufffe gone", None, "An abstract.", "x"],
            "first_seen": ["2025-02-17", "2025-02-18", "2025-02-18", "2025-02-12", None],
            "arxiv_id": ["2502.09992", None, None, "2502.10389", None],
            "doi": [None, "10.1000/x(1)", None, None, None],
            "url": [None, None, "javascript:alert(1)", None, None],
        }
    )  # fmt: skip


def test_feed_parses_without_bozo_newest_first_and_stable():
    papers = _papers()
    text = theme_feed("dlm", "Diffusion language models", papers, papers["first_seen"])
    assert text == theme_feed("dlm", "Diffusion language models", papers.iloc[::-1], papers["first_seen"])
    f = feedparser.parse(text.encode("utf-8"))
    assert not f.bozo, f.get("bozo_exception")
    assert f.version == "atom10" and f.feed.updated == "2025-02-18T00:00:00Z"
    assert [e.id for e in f.entries] == [
        "urn:lit-review:paper:doi:10.1000/x%281%29", "urn:lit-review:paper:t-abc",
        "urn:lit-review:paper:arXiv:2502.09992", "urn:lit-review:paper:arXiv:2502.10389",
    ]  # fmt: skip
    first, listing, llada = f.entries[:3]
    assert first.title == "A <b>bold</b> & odd title" and first.title_detail.type == "text/plain"
    assert first.link == "https://doi.org/10.1000/x(1)" and first.summary == "Ctrl  chars  gone"
    assert listing.link == "dlm-all.html"  # no page of its own (and never a javascript: link)
    assert llada.link == "https://arxiv.org/abs/2502.09992" and llada.updated == "2025-02-17T00:00:00Z"
    assert [a.name for a in llada.authors] == [
        "Shen Nie",
        "Fengqi Zhu",
    ] and llada.summary == "We introduce LLaDA."
    assert "1 included papers without a first-seen date" in f.feed.subtitle
    assert entry_id("arXiv:2502.09992") == "urn:lit-review:paper:arXiv:2502.09992"


def test_a_feed_without_dated_papers_is_still_valid():
    papers = _papers()
    f = feedparser.parse(theme_feed("x", "X", papers.iloc[[4]], papers["first_seen"]).encode())
    assert not f.bozo and f.entries == [] and f.feed.updated == "2025-02-18T00:00:00Z"
    f = feedparser.parse(theme_feed("x", "X", papers.iloc[[4]], papers["first_seen"].iloc[[4]]).encode())
    assert not f.bozo and f.feed.updated == "1970-01-01T00:00:00Z"


def test_feed_link_for_a_page_head():
    assert feed_link("dlm", 'A "t" & b') == (
        '<link rel="alternate" type="application/atom+xml" href="dlm.atom" title="A &quot;t&quot; &amp; b">'
    )
