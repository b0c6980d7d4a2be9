"""The corpus overview report: sources, duplicates, years, themes and their overlaps."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import pandas as pd

from ..ingest import IngestResult, load_snapshot, run_ingest
from ..project import Project
from ..themes import Theme, load_themes, theme_members
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
    """The project's corpus (or the build's ``snapshot`` of it) with its themes."""
    proj = Project.at(project)
    themes = load_themes(proj.themes) if proj.themes.exists() else []
    return Overview(proj, load_snapshot(snapshot) if snapshot else run_ingest(proj), themes)


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
        rejected = sum(r.kind == "record" for r in lst.rejects)
        rows.append(
            f"<tr><td><code>{esc(lst.source)}</code></td><td>{esc(info.origin if info else '')}</td>"
            f"<td>{esc(info.listing if info else '')}</td><td>{esc(info.captured if info else 'unknown')}</td>"
            f"<td>{esc(lst.layout)}</td><td>{lst.n_read}</td><td>{rejected}</td></tr>"
        )
    return (
        "<table><thead><tr><th>Source</th><th>Origin</th><th>Listing</th><th>Captured</th><th>Layout</th>"
        f"<th>Records</th><th>Rejected</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def year_counts(o: Overview) -> pd.Series:
    years = o.papers["year"].astype("object").where(o.papers["year"].notna(), "unknown").astype(str)
    counts = years.value_counts()
    known = sorted(k for k in counts.index if k != "unknown")
    return counts.reindex(known + (["unknown"] if "unknown" in counts.index else []))


def theme_sizes(o: Overview) -> pd.Series:
    return pd.Series(
        {t.slug: int(theme_members(o.papers, t.slug).sum()) for t in o.themes},
        dtype="int64",
    )


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
    rows = []
    for a, b in combinations([t.slug for t in o.themes], 2):
        n = int((theme_members(o.papers, a) & theme_members(o.papers, b)).sum())
        rows.append(f"<tr><td><code>{esc(a)}</code></td><td><code>{esc(b)}</code></td><td>{n}</td></tr>")
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
