"""What a theme report shows, computed from the corpus: counts, ranked tables, sections.

Notebooks call these functions and display their results; all text taken from the corpus is
HTML-escaped here, so titles or abstracts holding markup are shown as text, never run.
"""

from __future__ import annotations

import html
import importlib.metadata as md
import platform
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cached_property
from urllib.parse import quote

import pandas as pd

from ..errors import LitReviewError
from ..ingest import IngestResult
from ..project import Project
from ..snapshot import input_hashes, open_snapshot
from ..themes import Theme, load_themes, match_theme, theme_by_slug
from . import counts
from .params import check_choice, check_count, check_number, check_path
from .render import INDEX_LINK, page, table_html

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

    @cached_property
    def synthesis(self):
        """Sub-topics, gists, map, timeline and draft of the included papers (:func:`lit_review.synthesis.synthesize`)."""
        from ..synthesis import synthesize

        return synthesize(self.included, self.theme)


def check_parameters(theme, project=None, min_score=None, top_n=50, snapshot=None, **_) -> None:
    """Check the theme notebook's parameters before any work: one line naming a bad one and what it takes."""
    check_path("project", project)
    check_choice("theme", theme, [t.slug for t in load_themes(Project.at(project).themes)])
    check_number("min_score", min_score)
    check_count("top_n", top_n)
    check_path("snapshot", snapshot)


def theme_review(
    project=None, theme: str = "gradient-free", min_score: float | None = None, snapshot=None, **params
) -> ThemeReview:
    """One theme of the build's ``snapshot`` (by hand, no ``snapshot``: see :func:`open_snapshot`).

    Each paper's match is joined with its screening verdict (the snapshot's; ``verdict``, ``by``,
    ``reviewers``, ``why``, ``probability``, ``votes``); ``included`` is the screening's. ``min_score``
    overrides the theme's own (the theme is then matched and screened again); other keyword
    arguments are shown as parameters.
    """
    proj = Project.at(project)
    snap = open_snapshot(proj, snapshot)
    themes = load_themes(proj.themes)
    th = theme_by_slug(themes, theme)
    papers = snap.result.corpus.papers.reset_index(drop=True)
    matches, screened = snap.matches[th.slug], snap.screening[th.slug]
    if min_score is not None and float(min_score) != th.min_score:
        from ..screening.verdicts import screen_themes

        th = replace(th, min_score=float(min_score))
        matches = match_theme(th, papers)
        screened = screen_themes(papers, [th], proj.decisions)[th.slug]
    matches = screened_matches(matches, screened)
    inc = papers.join(matches.drop(columns=["id"]))
    inc = inc[inc["included"]].sort_values(
        ["probability", "score", "citekey"], ascending=[False, False, True], kind="stable"
    )
    params = {"theme": theme, "min_score": th.min_score, **params}
    return ThemeReview(proj, th, themes, snap.result, matches, inc.reset_index(drop=True), params)


def screened_matches(matches: pd.DataFrame, screened) -> pd.DataFrame:
    """A theme's term matches (corpus order) with its screening verdicts; ``included``: the verdict's."""
    table = screened.table
    if not matches["id"].reset_index(drop=True).equals(table["id"]):
        raise LitReviewError(f"theme {screened.slug!r}: the snapshot's matches and screening disagree")
    out = matches.drop(columns=["decision", "reason", "included"]).reset_index(drop=True)
    out = out.join(table.drop(columns=["id"]))
    out["included"] = out["verdict"] == "include"
    out.attrs["source"] = screened.source
    out.attrs["model"] = screened.model
    return out


AUTO = {"model": "model", "rules": "term match"}  # what screened the papers nobody decided on, in words


def prisma_counts(r: ThemeReview) -> dict:
    """PRISMA 2020 flow: records identified per source -> unreadable and duplicates removed -> papers
    screened -> excluded (by reviewers, with reasons; by the model or the term match) -> still
    undecided (maybe, conflict) -> included (by reviewers; by the model or the term match)."""
    c = r.result.corpus
    per_source = {lst.source: lst.n_read for lst in c.listings}
    m = r.matches
    human = m["by"] == "reviewer"
    n = lambda mask: int(mask.sum())  # noqa: E731
    return {
        "identified": per_source,
        "identified_total": sum(per_source.values()),
        "rejected_unreadable": c.n_rejected,
        "duplicates_removed": c.n_duplicates,
        "screened": len(m),
        "auto": AUTO[m.attrs.get("source", "rules")],
        "model": m.attrs.get("model", ""),
        "trained_on": n(human & m["verdict"].isin(["include", "exclude"])),
        "excluded_reviewers": n(human & (m["verdict"] == "exclude")),
        "excluded_auto": n(~human & (m["verdict"] == "exclude")),
        "maybe": n(m["verdict"] == "maybe"),
        "conflicts": n(m["verdict"] == "conflict"),
        "included_reviewers": n(human & m["included"]),
        "included_auto": n(~human & m["included"]),
        "included": n(m["included"]),
        "exclusion_reasons": exclusion_reasons(r).to_dict(),
    }


NO_REASON = "(no reason given)"


def exclusion_reasons(r: ThemeReview) -> pd.Series:
    """How many papers the reviewers excluded for each reason, most frequent first (ties: by reason)."""
    m = r.matches
    why = m.loc[(m["by"] == "reviewer") & (m["verdict"] == "exclude"), "why"]
    counted = Counter(w or NO_REASON for w in why)
    items = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))
    return pd.Series(dict(items), dtype="int64")


def reasons_table(r: ThemeReview, top_n: int = 15) -> str:
    """The reviewers' exclusion reasons as a small table (the ``top_n`` most frequent)."""
    reasons = exclusion_reasons(r)
    if reasons.empty:
        return "<p>No paper was excluded by a reviewer.</p>"
    shown = reasons.head(top_n)
    rows = [[esc(reason), str(k)] for reason, k in shown.items()]
    more = len(reasons) - len(shown)
    note = f"<p>{more} more reasons, each given for fewer papers, not shown.</p>" if more else ""
    return table_html(["Reason for exclusion", "Papers"], rows, numeric={1}, cls="reasons") + note


def prisma_text(counts: dict) -> str:
    """The PRISMA counts as an HTML list (searchable, read by screen readers)."""
    items = [f"<li>{esc(src)}: {n} records</li>" for src, n in counts["identified"].items()]
    auto = esc(counts["auto"])
    excluded = counts["excluded_reviewers"] + counts["excluded_auto"]
    return (
        '<div class="prisma-text"><p><strong>Records identified: '
        f"{counts['identified_total']}</strong></p><ul>{''.join(items)}</ul>"
        f"<p>Records rejected as unreadable: {counts['rejected_unreadable']}</p>"
        f"<p>Duplicates removed: {counts['duplicates_removed']}</p>"
        f"<p>Papers screened: {counts['screened']}</p>"
        f"<p>Excluded: {excluded} ({counts['excluded_reviewers']} by reviewers, "
        f"{counts['excluded_auto']} by {auto})</p>"
        f"<p>Undecided: {counts['maybe']} maybe, {counts['conflicts']} in conflict</p>"
        f"<p><strong>Included: {counts['included']}</strong> "
        f"({counts['included_reviewers']} by reviewers, {counts['included_auto']} by {auto})</p>"
        f"{model_text(counts)}</div>"
    )


def model_text(counts: dict) -> str:
    """How the papers nobody decided on were screened, and what the model's cross-validation chose."""
    if not counts["model"]:
        return "<p>Papers nobody decided on: by the term match (score at least the theme's minimum).</p>"
    return (
        f"<p>Papers nobody decided on: by the model trained on the {counts['trained_on']} papers "
        f"reviewers included or excluded ({esc(counts['model'])}; chosen by cross-validation on "
        "those decisions; <code>lit-review evaluate</code> measures the model).</p>"
    )


def header_html(r: ThemeReview) -> str:
    """Title, slug, scope, and how many papers the theme holds."""
    c = prisma_counts(r)
    return (
        f'<h1 class="theme-title">{esc(r.theme.title)}</h1>'
        f'<p class="theme-slug">Theme <code>{esc(r.theme.slug)}</code> · minimum score {r.theme.min_score:g}</p>'
        f'<p class="scope"><strong>Scope.</strong> {esc(r.theme.scope)}</p>'
        f'<p class="theme-counts"><strong>{c["included"]}</strong> of {c["screened"]} papers included '
        f"({c['included_reviewers']} by reviewers, {c['included_auto']} by {esc(c['auto'])}).</p>"
    )


def news(r: ThemeReview):
    """Since when papers count as new (:func:`lit_review.firstseen.what_is_new`) and the new papers
    of the theme: those it includes or whose terms match, with their verdicts, included first."""
    from ..firstseen import load_updates, what_is_new

    papers = r.papers.reset_index(drop=True)  # aligned with the matches
    days = (
        papers["first_seen"] if "first_seen" in papers else pd.Series(None, index=papers.index, dtype=object)
    )
    seen = what_is_new(days, load_updates(r.project.updates))
    new = seen.mask(days)
    table = papers[new].join(r.matches[new].drop(columns=["id"]))
    table = table[table["included"] | (table["score"] > 0)]
    table = table.sort_values(
        ["included", "probability", "score", "citekey"], ascending=[False, False, False, True], kind="stable"
    )
    return seen, int(new.sum()), table.reset_index(drop=True)


def news_html(r: ThemeReview) -> str:
    """The 'New since' section: the theme's papers first seen since the previous update, each with
    its verdict and a link, and how many new papers the corpus gained in all."""
    seen, n_new, table = news(r)
    head = f'<h2 id="new">{esc(seen.heading if seen.since is not None else "What is new")}</h2>'
    if seen.since is None:
        return f'{head}<p class="news">Nothing to compare with: {esc(seen.basis)}.</p>'
    n_in = int(table["included"].sum())
    summary = (
        f'<p class="news">{n_new} new paper{"s" * (n_new != 1)} in the corpus ({esc(seen.basis)}); '
        f"{len(table)} of them match this theme's terms or are included; <strong>{n_in} included</strong>.</p>"
    )
    if table.empty:
        return head + summary
    rows = [
        [title_html(p), esc(short_authors(p.authors)), esc(p.first_seen), f"{p.score:g}",
         esc(status(p, r.theme.min_score))]
        for p in table.itertuples(index=False)
    ]  # fmt: skip
    header = ["Title", "Authors", "First seen", "Score", "Verdict"]
    return head + summary + table_html(header, rows, numeric={3}, cls="news")


def full_list_name(slug: str) -> str:
    """The file of a theme's full ranked list, beside its report."""
    return f"{slug}-all.html"


def paper_url(p) -> str | None:
    """The paper's page: its arXiv abstract, else its DOI, else its (http/https) URL; None if unknown."""
    arxiv, doi, url = (getattr(p, c, None) for c in ("arxiv_id", "doi", "url"))
    if isinstance(arxiv, str) and arxiv.strip():
        return "https://arxiv.org/abs/" + quote(arxiv.strip(), safe="/.")
    if isinstance(doi, str) and doi.strip():
        return "https://doi.org/" + quote(doi.strip(), safe="/.;:()-_")
    if (
        isinstance(url, str)
        and url.lower().startswith(("https://", "http://"))
        and not any(c.isspace() or ord(c) < 32 for c in url)
    ):  # never a javascript: or data: link from a listing
        return url
    return None


def title_html(p) -> str:
    """The paper's title, linking to its page where known."""
    url = paper_url(p)
    return f'<a href="{esc(url)}">{esc(p.title)}</a>' if url else esc(p.title)


def short_authors(authors) -> str:
    """ "Family" / "First and Second" / "First et al." from ``Family, Given`` names ("" if none)."""
    if not isinstance(authors, (list, tuple)) or not authors:
        return ""
    family = [str(a).split(",", 1)[0].strip() for a in authors[:2]]
    if len(authors) == 1:
        return family[0]
    return f"{family[0]} and {family[1]}" if len(authors) == 2 else f"{family[0]} et al."


def year_text(p) -> str:
    return "" if pd.isna(p.year) else str(int(p.year))


def status(p, min_score: float | None = None) -> str:
    """Who decided a paper is in (or out of) the theme, in words (the one place a verdict is phrased):
    a reviewer ("included by ana", "excluded by ana: reason"), a conflict between reviewers, the
    model ("included by model (p=0.87)"), or the term match of a theme without a trained model."""
    why = f": {p.why}" if isinstance(p.why, str) and p.why else ""
    if p.by == "reviewer":
        if p.verdict == "conflict":
            return f"conflict ({p.votes})"
        if p.verdict == "maybe":
            return f"maybe, says {p.reviewers}{why}"
        return f"{p.verdict}d by {p.reviewers}{why}"
    if p.by == "model":
        return f"{p.verdict}d by model (p={p.probability:.2f})"
    if p.verdict == "include":
        return f"included by term match (score {p.score:g})"
    if len(p.excluded_by):
        return f"excluded by term: {'; '.join(p.excluded_by)}"
    floor = f" < {min_score:g}" if min_score is not None else ""
    return f"below the minimum score (score {p.score:g}{floor})"


def _rows(r: ThemeReview, papers: pd.DataFrame, key_links: bool) -> list[list[str]]:
    rows = []
    gist = dict(zip(r.synthesis.gists["id"], r.synthesis.gists["gist"]))
    for i, p in enumerate(papers.itertuples(index=False), 1):
        key = f"<code>{esc(p.citekey)}</code>"
        rows.append([
            str(i), title_html(p), f'<span class="gist">{esc(gist.get(p.id, ""))}</span>',
            esc(short_authors(p.authors)), year_text(p),
            f'<a href="#{esc(p.citekey)}">{key}</a>' if key_links else key,
            f"{p.score:g}", esc("; ".join(p.matched)), esc(status(p, r.theme.min_score)),
        ])  # fmt: skip
    return rows


RANKED_HEADER = ["#", "Title", "Gist (quoted from the abstract)", "Authors", "Year", "Citation key", "Score",
                 "Matched terms", "Status"]  # fmt: skip
RANKED_NUMERIC = {0, 4, 6}


def downloads_html(r: ThemeReview) -> str:
    """Links to the theme's full ranked list, its BibTeX and its related-work drafts, written beside
    the report by the build."""
    from ..synthesis import draft_name

    slug = esc(r.theme.slug)
    tex, md = (esc(draft_name(r.theme.slug, ext)) for ext in ("tex", "md"))
    return (
        f'<p class="downloads">All {len(r.included)} included papers: '
        f'<a href="{esc(full_list_name(r.theme.slug))}">full ranked list</a> · '
        f'<a href="{slug}.bib">BibTeX ({slug}.bib)</a> · '
        f'related-work draft: <a href="{tex}">LaTeX ({tex})</a>, <a href="{md}">Markdown ({md})</a></p>'
    )


def ranked_table(r: ThemeReview, top_n: int = 50) -> str:
    """The top ``top_n`` included papers as a table, then links to the full list and the BibTeX."""
    shown = r.included.head(top_n)
    more = len(r.included) - len(shown)
    note = (
        f"<p>The {len(shown)} highest-scored papers; {more} more are in the full ranked list.</p>"
        if more
        else ""
    )
    table = table_html(RANKED_HEADER, _rows(r, shown, key_links=True), numeric=RANKED_NUMERIC, cls="ranked")
    return note + table + downloads_html(r)


def full_list_html(r: ThemeReview) -> str:
    """A page with every included paper of the theme, ranked as in its report (``<slug>-all.html``)."""
    t = r.theme
    title = f"{t.title}: all {len(r.included)} included papers"
    body = (
        f'<h1>{esc(title)}</h1><p>Ranked by relevance as in <a href="{esc(t.slug)}.html">the report</a> '
        f"(theme <code>{esc(t.slug)}</code>, minimum score {t.min_score:g}); "
        f'<a href="{esc(t.slug)}.bib">BibTeX ({esc(t.slug)}.bib)</a>.</p>'
        + table_html(
            RANKED_HEADER, _rows(r, r.included, key_links=False), numeric=RANKED_NUMERIC, cls="ranked"
        )
    )
    return page(title, body, nav=INDEX_LINK)


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
    """A section per included paper (the top ``top_n``): title, authors, why it is in, abstract, provenance."""
    parts = []
    for p in r.included.head(top_n).itertuples(index=False):
        meta = [f"<code>{esc(p.citekey)}</code>"]
        if short_authors(p.authors):
            meta.append(esc(short_authors(p.authors)))
        if not pd.isna(p.year):
            meta.append(year_text(p) + (f" ({esc(p.date_basis)})" if p.date_basis != "listed" else ""))
        if isinstance(getattr(p, "venue", None), str) and p.venue:
            meta.append(esc(p.venue))
        if not pd.isna(p.n_authors) and not short_authors(p.authors):
            meta.append(f"{int(p.n_authors)} authors")
        if isinstance(p.organization, str):
            meta.append(esc(p.organization))
        why = esc("; ".join(p.matched)) or "no term"
        parts.append(
            f'<section class="paper" id="{esc(p.citekey)}"><h3>{title_html(p)}</h3>'
            f'<p class="meta">{" · ".join(meta)}</p>'
            f'<p class="why">{esc(status(p, r.theme.min_score))}; matched: {why}</p>'
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
        '<footer class="provenance"><h2 id="provenance">Provenance</h2>'
        f"<h3>Inputs</h3><ul>{hashes}</ul><h3>Parameters</h3><ul>{params}</ul>"
        f"<h3>Software</h3><p>{versions}</p></footer>"
    )
