"""What a theme report shows, computed from the corpus: counts, ranked tables, sections.

Notebooks call these functions and display their results; all text taken from the corpus is
HTML-escaped here, so titles or abstracts holding markup are shown as text, never run.
"""

from __future__ import annotations

import html
import importlib.metadata as md
import platform
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from ..ingest import IngestResult
from ..project import Project
from ..snapshot import input_hashes, open_snapshot
from ..themes import Theme, load_themes, match_theme, theme_by_slug
from . import counts

PACKAGES = ("lit-review", "pandas", "matplotlib", "bibtexparser", "papermill", "nbconvert", "nbformat")


def esc(value) -> str:
    """HTML-escape any value for display ("" for missing)."""
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True)


@dataclass
class ThemeReview:
    """Everything a theme report needs, computed once."""

    project: Project
    theme: Theme
    themes: list[Theme]
    result: IngestResult
    matches: pd.DataFrame  # one row per paper: score, matched, decision, ...
    included: pd.DataFrame  # included papers ranked by relevance, with their matches
    parameters: dict = field(default_factory=dict)

    @property
    def papers(self) -> pd.DataFrame:
        return self.result.corpus.papers


def theme_review(
    project=None, theme: str = "gradient-free", min_score: float | None = None, snapshot=None, **params
) -> ThemeReview:
    """One theme of the build's ``snapshot`` (by hand, no ``snapshot``: see :func:`open_snapshot`).

    ``min_score`` overrides the theme's own (the theme is then matched again); other keyword
    arguments are shown as parameters.
    """
    proj = Project.at(project)
    snap = open_snapshot(proj, snapshot)
    themes = load_themes(proj.themes)
    th = theme_by_slug(themes, theme)
    matches = snap.matches[th.slug]
    if min_score is not None and float(min_score) != th.min_score:
        th = Theme(th.slug, th.title, th.scope, th.include, th.exclude, float(min_score), th.decisions)
        matches = match_theme(th, snap.result.corpus.papers)
    papers = snap.result.corpus.papers.reset_index(drop=True)
    inc = papers.join(matches.drop(columns=["id"]))
    inc = inc[inc["included"]].sort_values(["score", "citekey"], ascending=[False, True], kind="stable")
    params = {"theme": theme, "min_score": th.min_score, **params}
    return ThemeReview(proj, th, themes, snap.result, matches, inc.reset_index(drop=True), params)


def prisma_counts(r: ThemeReview) -> dict:
    """PRISMA-style flow: identified per source -> duplicates removed -> screened -> included."""
    c = r.result.corpus
    per_source = {lst.source: lst.n_read for lst in c.listings}
    d = r.matches["decision"].value_counts()
    return {
        "identified": per_source,
        "identified_total": sum(per_source.values()),
        "rejected_unreadable": c.n_rejected,
        "duplicates_removed": c.n_duplicates,
        "screened": len(r.matches),
        "excluded_auto": int(d.get("auto-exclude", 0)),
        "excluded_manual": int(d.get("manual-exclude", 0)),
        "included_auto": int(d.get("auto-include", 0)),
        "included_manual": int(d.get("manual-include", 0)),
        "included": int(r.matches["included"].sum()),
    }


def prisma_text(counts: dict) -> str:
    """The PRISMA counts as an HTML list (searchable, read by screen readers)."""
    items = [f"<li>{esc(src)}: {n} records</li>" for src, n in counts["identified"].items()]
    return (
        '<div class="prisma-text"><p><strong>Records identified: '
        f"{counts['identified_total']}</strong></p><ul>{''.join(items)}</ul>"
        f"<p>Records rejected as unreadable: {counts['rejected_unreadable']}</p>"
        f"<p>Duplicates removed: {counts['duplicates_removed']}</p>"
        f"<p>Papers screened: {counts['screened']}</p>"
        f"<p>Excluded: {counts['excluded_auto'] + counts['excluded_manual']} "
        f"({counts['excluded_auto']} automatic, {counts['excluded_manual']} manual)</p>"
        f"<p><strong>Included: {counts['included']}</strong> "
        f"({counts['included_auto']} automatic, {counts['included_manual']} manual)</p></div>"
    )


def header_html(r: ThemeReview) -> str:
    return (
        f'<h1 class="theme-title">{esc(r.theme.title)}</h1>'
        f'<p class="theme-slug">Theme <code>{esc(r.theme.slug)}</code> · minimum score {r.theme.min_score:g}</p>'
        f'<p class="scope"><strong>Scope.</strong> {esc(r.theme.scope)}</p>'
    )


def ranked_table(r: ThemeReview, top_n: int = 50) -> str:
    """The top ``top_n`` included papers as an HTML table, with a line saying how many are not shown."""
    rows = []
    for i, p in enumerate(r.included.head(top_n).itertuples(index=False), 1):
        rows.append(
            "<tr>"
            f"<td>{i}</td><td>{esc(p.title)}</td><td>{esc(p.year)}</td>"
            f'<td><a href="#{esc(p.citekey)}"><code>{esc(p.citekey)}</code></a></td>'
            f"<td>{p.score:g}</td><td>{esc('; '.join(p.matched))}</td><td>{esc(p.upvotes)}</td>"
            f"<td>{esc(p.decision)}</td></tr>"
        )
    more = len(r.included) - min(top_n, len(r.included))
    note = (
        f"<p>{more} more included papers are listed in <code>{esc(r.theme.slug)}.bib</code>.</p>"
        if more
        else ""
    )
    return (
        '<table class="ranked"><thead><tr><th>#</th><th>Title</th><th>Year</th><th>Citation key</th>'
        "<th>Score</th><th>Matched terms</th><th>Upvotes</th><th>Decision</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>{note}"
    )


def term_counts(r: ThemeReview, top_n: int = 15) -> pd.Series:
    """How many included papers each term matched (title or abstract), most frequent first."""
    counts = Counter(m.rsplit(" (", 1)[0] for ms in r.included["matched"] for m in ms)
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top_n]
    return pd.Series(dict(items), dtype="int64")


def year_counts(r: ThemeReview) -> pd.Series:
    """Included papers per publication year, with unknown years counted under "unknown"."""
    return counts.year_counts(r.included["year"])


def overlap_counts(r: ThemeReview) -> pd.Series:
    """How many of this theme's papers each other theme also includes."""
    others = [t.slug for t in r.themes if t.slug != r.theme.slug]
    shared = counts.theme_counts(r.included["themes"], others)
    return pd.Series(shared, dtype="int64").sort_values(ascending=False, kind="stable")


def paper_sections(r: ThemeReview, top_n: int = 50) -> str:
    """A section per included paper (the top ``top_n``): title, key, why it matched, abstract, provenance."""
    parts = []
    for p in r.included.head(top_n).itertuples(index=False):
        meta = [f"<code>{esc(p.citekey)}</code>"]
        if not pd.isna(p.year):
            meta.append(f"{int(p.year)}" + (f" ({esc(p.date_basis)})" if p.date_basis != "listed" else ""))
        if not pd.isna(p.n_authors):
            meta.append(f"{int(p.n_authors)} authors")
        if isinstance(p.organization, str):
            meta.append(esc(p.organization))
        why = esc("; ".join(p.matched)) or "no term"
        decision = esc(p.decision) + (f": {esc(p.reason)}" if p.reason else "")
        parts.append(
            f'<section class="paper" id="{esc(p.citekey)}"><h3>{esc(p.title)}</h3>'
            f'<p class="meta">{" · ".join(meta)}</p>'
            f'<p class="why">Score {p.score:g} ({decision}); matched: {why}</p>'
            f'<p class="abstract">{esc(p.abstract)}</p>'
            f'<p class="provenance">Sources: {esc(", ".join(p.sources))}</p></section>'
        )
    return "".join(parts)


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = "not installed"
    return out


def provenance_html(r: ThemeReview) -> str:
    """Footer: input file hashes, parameters and package versions."""
    inputs = {**input_hashes(r.result, r.project), f"theme definition '{r.theme.slug}'": r.theme.digest}
    hashes = "".join(f"<li><code>{esc(n)}</code> sha256 <code>{h}</code></li>" for n, h in inputs.items())
    params = "".join(
        f"<li><code>{esc(k)}</code> = <code>{esc(v)}</code></li>" for k, v in sorted(r.parameters.items())
    )
    versions = ", ".join(f"{esc(k)} {esc(v)}" for k, v in package_versions().items())
    return (
        '<footer class="provenance"><h2>Provenance</h2>'
        f"<h3>Inputs</h3><ul>{hashes}</ul><h3>Parameters</h3><ul>{params}</ul>"
        f"<h3>Software</h3><p>{versions}</p></footer>"
    )
