"""A theme's Atom 1.0 feed (``<slug>.atom``): its included papers, newest first seen first.

Everything in it comes from the corpus (no clock): an entry's ``updated`` is the paper's first-seen
date, its ``id`` is derived from the paper id alone (the same paper has the same id in every feed and
every build), its link is the paper's arXiv or DOI page (else the theme's full ranked list, beside the
feed). Papers without a first-seen date (read only from undated captures) are left out and counted in
the feed's subtitle. Same corpus, same bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pandas as pd

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
EPOCH = "1970-01-01"  # a feed's updated when no paper of the corpus has a date
# characters XML 1.0 cannot hold (ElementTree writes them as they are: a broken feed)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def feed_name(slug: str) -> str:
    """The file of a theme's feed, beside its report."""
    return f"{slug}.atom"


def entry_id(paper_id: str) -> str:
    """The stable Atom id of a paper (a URN from its id)."""
    return "urn:lit-review:paper:" + quote(paper_id, safe=":/")


def _text(value) -> str:
    return _NOT_XML.sub("", str(value)) if isinstance(value, str) else ""


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        el.text = _text(text)
    return el


def _stamp(day: str) -> str:
    return f"{day}T00:00:00Z"


def _entry(feed: ET.Element, p, fallback_link: str) -> None:
    from .theme_review import paper_url

    entry = _sub(feed, "entry")
    _sub(entry, "id", entry_id(p.id))
    _sub(entry, "title", p.title, type="text")
    _sub(entry, "updated", _stamp(p.first_seen))
    authors = p.authors if isinstance(p.authors, (list, tuple)) else ()
    for name in authors:
        family, _, given = (part.strip() for part in str(name).partition(","))
        _sub(_sub(entry, "author"), "name", f"{given} {family}".strip())
    _sub(entry, "link", rel="alternate", href=paper_url(p) or fallback_link)
    if _text(p.abstract):
        _sub(entry, "summary", p.abstract, type="text")


def theme_feed(slug: str, title: str, included: pd.DataFrame, corpus_days: pd.Series) -> str:
    """The Atom feed of a theme's ``included`` papers (columns of the corpus, with ``first_seen``).

    ``corpus_days``: every paper's first-seen date, for the feed's ``updated`` when no included
    paper has one.
    """
    from .theme_review import full_list_name

    dated = included[included["first_seen"].notna() & (included["first_seen"].astype(str) != "")]
    dated = dated.sort_values(["first_seen", "id"], ascending=[False, True], kind="stable")
    undated = len(included) - len(dated)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", "urn:lit-review:theme:" + quote(slug, safe=""))
    _sub(feed, "title", f"{title}: included papers", type="text")
    note = f"; {undated} included papers without a first-seen date are in the report only" if undated else ""
    _sub(feed, "subtitle", f"Papers of the theme {slug}, newest first seen first{note}.", type="text")
    days = corpus_days.dropna().astype(str)
    newest = dated["first_seen"].iloc[0] if len(dated) else (days.max() if len(days) else EPOCH)
    _sub(feed, "updated", _stamp(newest))
    _sub(_sub(feed, "author"), "name", "lit-review")
    _sub(feed, "link", rel="self", type=MEDIA_TYPE, href=feed_name(slug))
    _sub(feed, "link", rel="alternate", type="text/html", href=f"{slug}.html")
    _sub(feed, "generator", "lit-review")
    for p in dated.itertuples(index=False):
        _entry(feed, p, full_list_name(slug))
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def feed_link(slug: str, title: str) -> str:
    """The ``<link rel="alternate">`` of a feed, for a page's head (feed readers find it there)."""
    import html

    return (
        f'<link rel="alternate" type="{MEDIA_TYPE}" href="{html.escape(feed_name(slug), quote=True)}" '
        f'title="{html.escape(title, quote=True)}">'
    )
