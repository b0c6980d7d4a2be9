"""The corpus overview report: sources, duplicates, years, themes and their overlaps."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import pandas as pd

from ..ingest import IngestResult
from ..project import Project
from ..snapshot import open_snapshot
from ..themes import Theme, load_themes
from . import counts
from .params import check_count, check_path
from .render import table_html
from .theme_review import esc, full_list_name, title_html


@dataclass
class Overview:
    project: Project
    result: IngestResult
    themes: list[Theme]

    @property
    def papers(self) -> pd.DataFrame:
        return self.result.corpus.papers


def check_parameters(project=None, top_n=30, snapshot=None, **_) -> None:
    """Check the overview notebook's parameters before any work (see :mod:`.params`)."""
    check_path("project", project)
    check_count("top_n", top_n)
    check_path("snapshot", snapshot)


def corpus_overview(project=None, snapshot=None) -> Overview:
    """The corpus of the build's ``snapshot`` (by hand, no ``snapshot``: see :func:`open_snapshot`)."""
    proj = Project.at(project)
    themes = load_themes(proj.themes) if proj.themes.exists() else []
    return Overview(proj, open_snapshot(proj, snapshot).result, themes)


def summary_html(o: Overview) -> str:
    c = o.result.corpus
    n_none = int((o.papers["themes"].map(len) == 0).sum())
    return (
        f"<p><strong>{len(o.papers)}</strong> unique papers from <strong>{c.n_read}</strong> records in "
        f"{len(c.listings)} sources; {c.n_duplicates} duplicates merged, {c.n_rejected} records rejected; "
        f"{len(o.themes)} themes, {n_none} papers in no theme.</p>"
    )


def sources_table(o: Overview) -> str:
    rows = []
    for lst in o.result.corpus.listings:
        info = o.result.corpus.sources.get(lst.source)
        rows.append([
            f"<code>{esc(lst.source)}</code>", esc(info.origin if info else ""), esc(info.listing if info else ""),
            esc(info.captured if info else "unknown"), esc(lst.layout), str(lst.n_read), str(lst.n_rejected),
        ])  # fmt: skip
    header = ["Source", "Origin", "Listing", "Captured", "Layout", "Records", "Rejected"]
    return table_html(header, rows, numeric={5, 6})


def year_counts(o: Overview) -> pd.Series:
    return counts.year_counts(o.papers["year"])


def theme_sizes(o: Overview) -> pd.Series:
    return pd.Series(counts.theme_counts(o.papers["themes"], [t.slug for t in o.themes]), dtype="int64")


def themes_table(o: Overview) -> str:
    sizes = theme_sizes(o)
    rows = [
        [f'<a href="{esc(t.slug)}.html">{esc(t.title)}</a>', f"<code>{esc(t.slug)}</code>",
         f'<a href="{esc(full_list_name(t.slug))}">{sizes[t.slug]}</a>']
        for t in o.themes
    ]  # fmt: skip
    return table_html(["Theme", "Slug", "Papers"], rows, numeric={2})


def overlap_table(o: Overview) -> str:
    """Papers shared by each pair of themes."""
    slugs = [t.slug for t in o.themes]
    shared = counts.overlaps(o.papers, slugs)
    rows = [
        [f"<code>{esc(a)}</code>", f"<code>{esc(b)}</code>", str(shared[a][b])]
        for a, b in combinations(slugs, 2)
    ]
    return "<h3>Overlaps</h3>" + table_html(["Theme", "Theme", "Shared papers"], rows, numeric={2})


def unthemed_table(o: Overview, top_n: int = 30) -> str:
    none = o.papers[o.papers["themes"].map(len) == 0].sort_values("citekey")
    rows = [
        [f"<code>{esc(p.citekey)}</code>", title_html(p)] for p in none.head(top_n).itertuples(index=False)
    ]
    more = (
        f"<p>{len(none) - top_n} more not shown: the rows of <code>references/papers.csv</code> "
        "with an empty <code>themes</code> column.</p>"
        if len(none) > top_n
        else ""
    )
    return f"<p>{len(none)} papers match no theme.</p>" + table_html(["Citation key", "Title"], rows) + more


TOPIC_SAMPLE = 20_000  # papers topic discovery is fitted on, at most


def topic_sample(papers: pd.DataFrame, max_papers: int = TOPIC_SAMPLE) -> pd.DataFrame:
    """At most ``max_papers`` papers, chosen by the SHA-1 of their id (the smallest hashes): the same
    corpus gives the same sample on every machine and build, and a paper added to a large corpus
    changes the sample by at most one paper in and one out."""
    if len(papers) <= max_papers:
        return papers
    import hashlib

    h = papers["id"].map(lambda i: hashlib.sha1(str(i).encode()).hexdigest())
    return papers.loc[h.sort_values(kind="stable").index[:max_papers]]


def topics_html(o: Overview, n_topics: int = 10, max_papers: int = TOPIC_SAMPLE) -> str:
    """Topics the corpus shows (:func:`lit_review.topics.discover`, NMF on TF-IDF), with how they fall
    into the defined themes: fitted on every paper, or on a :func:`topic_sample` of a large corpus."""
    from ..errors import LitReviewError
    from ..topics import discover, topics_table_html

    sample = topic_sample(o.papers, max_papers)
    try:
        topics = discover(sample, n_topics=n_topics, themes=[t.slug for t in o.themes])
    except LitReviewError as exc:  # too few papers with text: say so in the report
        return f"<p>No topics: {esc(str(exc))}.</p>"
    note = (
        f"<p>Fitted on a sample of {len(sample)} of the {len(o.papers)} papers (chosen by a hash of "
        "their ids: the same sample every build); sizes count papers of the sample.</p>"
        if len(sample) < len(o.papers)
        else ""
    )
    return note + topics_table_html(topics)


def subtopics_html(o: Overview) -> str:
    """Each theme's sub-topics (:func:`lit_review.synthesis.subtopics.subtopics` of its included papers),
    the corpus-level view beside the topics: name or terms, origin, papers."""
    from ..synthesis.subtopics import YOURS, subtopics
    from ..themes import theme_members

    rows = []
    for t in o.themes:
        members = o.papers[theme_members(o.papers, t.slug)]
        if members.empty:
            rows.append([f'<a href="{esc(t.slug)}.html">{esc(t.title)}</a>', "&ndash;", "", "0"])
            continue
        for g in subtopics(members, t).groups.itertuples(index=False):
            theme = f'<a href="{esc(t.slug)}.html">{esc(t.title)}</a>' if g.group == 1 else ""
            origin = "yours" if g.source == YOURS else "found"
            rows.append([theme, f"{g.group}. {esc(g.name)}", origin, str(g.size)])
    return (
        "<p>Each theme's included papers in sub-topics: named in the theme file (yours) or found by "
        "clustering the rest (NMF on TF-IDF, as in each theme's report).</p>"
        + table_html(["Theme", "Sub-topic", "Origin", "Papers"], rows, numeric={3})
    )
