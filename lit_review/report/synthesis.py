"""What the synthesis sections of a theme report show: sub-topics, the systematic map, the
timeline and the start of the related-work draft (:mod:`lit_review.synthesis`). Every string from
the corpus or the theme file is HTML-escaped."""

from __future__ import annotations

import pandas as pd

from ..synthesis import draft_name
from ..synthesis.subtopics import MAX_GROUPS, YOURS
from ..synthesis.timeline import UNDATED
from . import plots
from .render import table_html
from .theme_review import ThemeReview, esc


def _years(years: pd.Series) -> str:
    known = pd.to_numeric(years, errors="coerce").dropna().astype(int)
    if known.empty:
        return "unknown"
    span = f"{known.min()}" if known.min() == known.max() else f"{known.min()}–{known.max()}"
    return span + (f" ({len(years) - len(known)} unknown)" if len(known) < len(years) else "")


def _paper_list(papers: pd.DataFrame) -> str:
    return "<br>".join(
        f"<code>{esc(p.citekey)}</code> {esc(p.title)}" for p in papers.itertuples(index=False)
    )


def subtopics_html(r: ThemeReview) -> str:
    """The sub-topics: how they were found, then each one's name or terms, origin, size, years, papers."""
    syn = r.synthesis
    sub = syn.subtopics
    papers = syn.papers.merge(sub.papers, on="id")
    yours = int((sub.groups["source"] == YOURS).sum())
    scores = ", ".join(f"{k}: {v:.3f}" for k, v in sorted(sub.silhouette.items()))
    how = (
        f"<p>{len(sub.groups)} sub-topics of the {len(papers)} included papers: {yours} named in the theme file "
        f"(<code>[[theme.subtopic]]</code>, papers matching their terms), {sub.k} found by clustering the rest "
        "(NMF on the TF-IDF of title and abstract, without the theme's own terms; "
        + (
            f"the number of groups, between 2 and {MAX_GROUPS}, has the best mean silhouette: {esc(scores)})."
            if scores
            else "too few papers to split: one group)."
        )
        + " A found group is named by its most distinctive terms.</p>"
    )
    rows = []
    for g in sub.groups.itertuples(index=False):
        members = papers[papers["group"] == g.group].sort_values("citekey", kind="stable")
        origin = "yours (themes.toml)" if g.source == YOURS else "found"
        rows.append([str(g.group), f"<strong>{esc(g.name)}</strong>", origin, str(g.size),
                     esc(_years(members["year"])), _paper_list(members)])  # fmt: skip
    return how + table_html(
        ["#", "Sub-topic", "Origin", "Papers", "Years", "Its papers"], rows, numeric={0, 3}
    )


def facet_map_html(r: ThemeReview) -> str:
    """The systematic map: a bubble chart of the first two facets, each facet's counts, every paper's
    values and the papers no value matched; every count adds up to the included papers."""
    m = r.synthesis.facets
    n = len(m.table)
    if not m.facets:
        return (
            "<p>No facets defined for this theme: add <code>[[theme.facet]]</code> tables (a name and values, "
            "each with terms) to the theme file to map its papers.</p>"
        )
    names = [f.name for f in m.facets]
    out = []
    if len(names) >= 2:
        table = m.crosstab(names[0], names[1])
        table.index.name, table.columns.name = names[0], names[1]
        alt = f"Bubble chart of papers per {names[0]} and {names[1]}"
        out.append(plots.figure_html(plots.bubble_chart(table, f"{names[0]} x {names[1]} ({n} papers)"), alt))
    for f in names:
        counts = m.counts(f)
        rows = [[esc(v), str(k)] for v, k in counts.items()] + [
            ["<strong>total</strong>", str(int(counts.sum()))]
        ]
        out.append(f"<h3>{esc(f)}</h3>" + table_html([esc(f), "Papers"], rows, numeric={1}))
    keyed = m.table.merge(r.synthesis.papers[["id", "citekey", "title"]], on="id").sort_values("citekey")
    rows = [[f"<code>{esc(p['citekey'])}</code>", esc(p["title"]), *[esc(p[f]) for f in names]]
            for _, p in keyed.iterrows()]  # fmt: skip
    none = keyed[keyed["id"].isin(set(m.unclassified()))]
    out.append("<h3>Each paper's values</h3>" + table_html(["Citation key", "Title", *map(esc, names)], rows))
    out.append(
        f"<h3>Unclassified</h3><p>{len(none)} of {n} papers match no value of any facet"
        + (":</p><p>" + _paper_list(none) + "</p>" if len(none) else ".</p>")
    )
    return "".join(out)


def timeline_html(r: ThemeReview) -> str:
    """Papers per month and sub-topic, for the papers whose month is known."""
    t = r.synthesis.timeline
    undated = int(t.loc[UNDATED].sum()) if UNDATED in t.index else 0
    dated = t.drop(index=UNDATED, errors="ignore")
    n = int(t.to_numpy().sum())
    if dated.empty or not int(dated.to_numpy().sum()):
        return f"<p>No included paper has a known month yet ({n} papers; months come with dated sources).</p>"
    chart = plots.figure_html(
        plots.stacked_bars(dated, "Included papers per month, by sub-topic"),
        "Stacked bar chart of included papers per month and sub-topic",
    )
    return chart + f"<p>{n - undated} papers have a month; {undated} have none and are not shown.</p>"


def draft_html(r: ThemeReview, n_paragraphs: int = 2) -> str:
    """Links to the related-work drafts and their first ``n_paragraphs`` paragraphs."""
    slug = r.theme.slug
    tex, md = (esc(draft_name(slug, ext)) for ext in ("tex", "md"))
    paras = r.synthesis.paragraphs
    shown = []
    for p in paras[:n_paragraphs]:
        quotes = " ".join(f"“{esc(q)}” [<code>{esc(k)}</code>]" for k, q in p.quotes)
        others = (
            f" Other work: [{', '.join(f'<code>{esc(k)}</code>' for k in p.others)}]." if p.others else ""
        )
        shown.append(f"<p><strong>{esc(p.opening)}.</strong> {quotes}{others}</p>")
    return (
        '<p class="downloads">The whole draft, one paragraph per sub-topic, every included paper cited once: '
        f'<a href="{tex}">LaTeX ({tex})</a> (pdflatex and bibtex, with <code>{esc(slug)}.bib</code>) · '
        f'<a href="{md}">Markdown ({md})</a> (<code>pandoc --citeproc --bibliography {esc(slug)}.bib</code>).</p>'
        "<p><em>The sentences in quotation marks are extracted verbatim from the papers' abstracts (each "
        "paper's gist) and must be rewritten before use.</em></p>"
        + '<div class="draft">'
        + "".join(shown)
        + "</div>"
        + (
            f"<p>{len(paras) - len(shown)} more paragraphs in the draft.</p>"
            if len(paras) > len(shown)
            else ""
        )
    )


__all__ = ["draft_html", "facet_map_html", "subtopics_html", "timeline_html"]
