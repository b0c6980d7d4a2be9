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
from .theme_review import esc


@dataclass
class Overview:
    project: Project
    result: IngestResult
    themes: list[Theme]

    @property
    def papers(self) -> pd.DataFrame:
        return self.result.corpus.papers


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
        rows.append(
            f"<tr><td><code>{esc(lst.source)}</code></td><td>{esc(info.origin if info else '')}</td>"
            f"<td>{esc(info.listing if info else '')}</td><td>{esc(info.captured if info else 'unknown')}</td>"
            f"<td>{esc(lst.layout)}</td><td>{lst.n_read}</td><td>{lst.n_rejected}</td></tr>"
        )
    return (
        "<table><thead><tr><th>Source</th><th>Origin</th><th>Listing</th><th>Captured</th><th>Layout</th>"
        f"<th>Records</th><th>Rejected</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def year_counts(o: Overview) -> pd.Series:
    return counts.year_counts(o.papers["year"])


def theme_sizes(o: Overview) -> pd.Series:
    return pd.Series(counts.theme_counts(o.papers["themes"], [t.slug for t in o.themes]), dtype="int64")


def themes_table(o: Overview) -> str:
    sizes = theme_sizes(o)
    rows = "".join(
        f'<tr><td><a href="{esc(t.slug)}.html">{esc(t.title)}</a></td><td><code>{esc(t.slug)}</code></td>'
        f"<td>{sizes[t.slug]}</td></tr>"
        for t in o.themes
    )
    return f"<table><thead><tr><th>Theme</th><th>Slug</th><th>Papers</th></tr></thead><tbody>{rows}</tbody></table>"


def overlap_table(o: Overview) -> str:
    """Papers shared by each pair of themes."""
    slugs = [t.slug for t in o.themes]
    shared = counts.overlaps(o.papers, slugs)
    rows = [
        f"<tr><td><code>{esc(a)}</code></td><td><code>{esc(b)}</code></td><td>{shared[a][b]}</td></tr>"
        for a, b in combinations(slugs, 2)
    ]
    return (
        "<h3>Overlaps</h3><table><thead><tr><th>Theme</th><th>Theme</th><th>Shared papers</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def unthemed_table(o: Overview, top_n: int = 30) -> str:
    none = o.papers[o.papers["themes"].map(len) == 0].sort_values("citekey")
    rows = "".join(
        f"<tr><td><code>{esc(p.citekey)}</code></td><td>{esc(p.title)}</td></tr>"
        for p in none.head(top_n).itertuples(index=False)
    )
    more = (
        f"<p>{len(none) - top_n} more not shown (see <code>papers.csv</code>).</p>"
        if len(none) > top_n
        else ""
    )
    return (
        f"<p>{len(none)} papers match no theme.</p><table><thead><tr><th>Citation key</th><th>Title</th></tr>"
        f"</thead><tbody>{rows}</tbody></table>{more}"
    )
