"""Themed reports: plan (what is stale) -> run (papermill, in workers) -> render (HTML) -> index.

``build`` ingests once, saves the snapshot the notebooks read (:mod:`lit_review.snapshot`),
asks :mod:`.plan` which reports are stale, runs their notebooks (:mod:`.run`, rendered by
:mod:`.render`), writes each theme's BibTeX, then the index (:mod:`.index`) and the cache state.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .._infra.iorw import atomic_write_text, remove_stale_temp_files
from ..errors import LitReviewError
from ..project import Project
from ..snapshot import SNAPSHOT
from ..themes import Theme, load_themes, theme_by_slug, validate_slug
from . import plan
from .index import OVERVIEW, index_html
from .run import Report, run_reports

THEME_NOTEBOOK = "theme_review.ipynb"
OVERVIEW_NOTEBOOK = "corpus_overview.ipynb"


@dataclass
class BuildOutcome:
    built: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def validate_output_dir(path: Path) -> Path:
    """Reject output paths that papermill would ``str.format`` (braces) or that are not folders."""
    if re.search(r"[{}]", str(path)):
        raise LitReviewError("output path must not contain '{' or '}'", path)
    if path.exists() and not path.is_dir():
        raise LitReviewError("output path exists and is not a folder", path)
    return path


def build(
    root=None, themes=None, out=None, jobs: int | None = None, progress: bool = False, force: bool = False
) -> BuildOutcome:
    """Ingest, write ``library.bib``, build every (or the named) theme report, the overview and the index.

    Reports whose inputs did not change since the last build are kept (see :mod:`.plan`);
    ``force=True`` rebuilds everything.
    """
    project = Project.at(root)
    out_dir = validate_output_dir(Path(out).resolve() if out else project.reports)
    all_themes = load_themes(project.themes)
    selected = [theme_by_slug(all_themes, validate_slug(s)) for s in themes] if themes else all_themes
    request = [t.slug for t in selected]
    out_dir.mkdir(parents=True, exist_ok=True)
    for folder in (out_dir, project.references):  # temp files left by a killed build
        remove_stale_temp_files(folder)

    outcome = BuildOutcome()
    state = {} if force else plan.load_state(out_dir)
    reports = planned_reports(project, selected, out_dir)  # checks the notebooks exist before the ingest
    if plan.up_to_date(state, out_dir, plan.global_key(project, request, out_dir)):
        outcome.messages.append(f"up to date: nothing changed since the last build ({out_dir})")
        return outcome

    snap = _ingest(project, all_themes, out_dir, outcome)
    papers = snap.result.corpus.papers
    keys = plan.report_keys(reports, plan.corpus_key(project), all_themes, papers, snap.screening)
    todo = plan.stale(state, out_dir, keys)
    outcome.kept = sorted(set(keys) - set(todo))
    done = dict(state.get("reports", {}))
    for name, error in run_reports([r for r in reports if r.name in todo], out_dir, jobs, progress):
        if error:
            outcome.failed[name] = error
            done.pop(name, None)
            continue
        outcome.built.append(name)
        outputs = [f"{name}.html", f"{name}.ipynb"]
        if name != OVERVIEW:
            outputs += _write_theme_files(project, snap, name, out_dir)
        done[name] = {"key": keys[name], "outputs": plan.record_outputs(out_dir, outputs)}

    _write_index(project, all_themes, snap.result.corpus, outcome.failed, out_dir)
    new_state = {"reports": done, "index": plan.record_outputs(out_dir, ["index.html"])}
    if not outcome.failed:  # the inputs as they are now (ingest may have pinned new keys)
        new_state["global"] = plan.global_key(project, request, out_dir)
    plan.save_state(out_dir, new_state)
    _summarize(outcome, out_dir)
    return outcome


def planned_reports(project: Project, selected: list[Theme], out_dir: Path) -> list[Report]:
    """The selected themes' reports and the overview, with the parameters their notebooks get."""
    notebook = project.notebook(THEME_NOTEBOOK)
    if not notebook.exists():
        raise LitReviewError("theme notebook not found", notebook)
    # paths relative to the notebooks folder (the kernel's working folder): no absolute path in a report
    common = {
        "project": os.path.relpath(project.root, project.notebooks),
        "snapshot": os.path.relpath(out_dir / SNAPSHOT, project.notebooks),
    }
    reports = [Report(t.slug, t.title, notebook, {"theme": t.slug, **common}) for t in selected]
    overview = project.notebook(OVERVIEW_NOTEBOOK)
    if overview.exists():
        reports.append(Report(OVERVIEW, "Corpus overview", overview, common))
    return reports


def _ingest(project: Project, themes: list[Theme], out_dir: Path, outcome: BuildOutcome):
    """Ingest, write ``references/``, save the snapshot the notebooks read, and return it."""
    from ..ingest import run_ingest, write_outputs
    from ..snapshot import save_snapshot, take_snapshot

    result = run_ingest(project)
    write_outputs(result, project.references)
    snap = take_snapshot(project, result, themes)
    save_snapshot(snap, out_dir / SNAPSHOT)
    c = result.corpus
    outcome.messages.append(
        f"ingested {c.n_read} records: {len(c.papers)} unique papers, {c.n_rejected} rejected"
    )
    return snap


def _write_theme_files(project: Project, snap, slug: str, out_dir: Path) -> list[str]:
    """Beside a theme's report: its BibTeX, its full ranked list, its Atom feed and its related-work
    drafts (citing that BibTeX's keys); return their names."""
    from ..export import write_bibtex
    from ..themes import theme_members
    from .feed import feed_name, theme_feed
    from .theme_review import full_list_html, full_list_name, theme_review

    papers = snap.result.corpus.papers
    write_bibtex(papers[theme_members(papers, slug)], out_dir / f"{slug}.bib")
    review = theme_review(project.root, slug, snapshot=snap)
    full = full_list_name(slug)
    atomic_write_text(out_dir / full, full_list_html(review))
    feed = theme_feed(slug, review.theme.title, review.included, papers["first_seen"])
    atomic_write_text(out_dir / feed_name(slug), feed)
    drafts = review.synthesis.drafts()
    for name, text in drafts.items():
        atomic_write_text(out_dir / name, text)
    return [f"{slug}.bib", full, feed_name(slug), *drafts]


def _write_index(
    project: Project, themes: list[Theme], corpus, failed: dict[str, str], out_dir: Path
) -> None:
    from ..firstseen import load_updates, what_is_new
    from .counts import theme_counts
    from .index import sources_html

    papers = corpus.papers
    slugs = [t.slug for t in themes]
    sizes = theme_counts(papers["themes"], slugs)
    seen = what_is_new(papers["first_seen"], load_updates(project.updates))
    new = theme_counts(papers.loc[seen.mask(papers["first_seen"]), "themes"], slugs)
    sources = sources_html(corpus.listings, corpus.sources)
    atomic_write_text(
        out_dir / "index.html", index_html(themes, sizes, failed, len(papers), out_dir, sources, (seen, new))
    )


def _summarize(outcome: BuildOutcome, out_dir: Path) -> None:
    outcome.built.sort()
    for name in outcome.built:
        outcome.messages.append(f"built {out_dir / name}.html")
    if outcome.kept:
        outcome.messages.append(f"unchanged, kept: {', '.join(outcome.kept)}")
    for _name, err in sorted(outcome.failed.items()):
        outcome.messages.append(f"error: {err}")
