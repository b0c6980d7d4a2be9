"""The ``lit-review`` command line: ``init``, ``status``, ``ingest``, ``build``, ``lab``, ``fetch``, ``enrich``,
``update``, ``export``, ``themes``, ``topics``, ``evaluate``, ``screen``, ``decide``, ``agreement``,
``migrate-decisions``."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from .errors import LitReviewError

EXIT_REJECTS = 3  # something was rejected, the rest was written


def _at_least(low: int):
    """An argparse type: an integer no smaller than ``low``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
        return value

    return parse


def _summary(result) -> str:
    c = result.corpus
    lines = ["records read per source:"]
    for lst in c.listings:
        skipped = f", {lst.n_skipped} skipped (not papers)" if lst.n_skipped else ""
        lines.append(
            f"  {lst.source}: {lst.n_read} read ({lst.format}{', ' + lst.layout if lst.layout else ''}), "
            f"{lst.n_rejected} rejected{skipped}"
        )
    for e in result.errors:
        lines.append(f"  {Path(e.path).name if e.path else '?'}: not read ({e.message})")
    lines.append(
        f"records kept: {c.n_records}; duplicates merged: {c.n_duplicates}; unique papers: {len(c.papers)}"
    )
    lines.append(f"records rejected: {c.n_rejected}; files not read: {len(result.errors)}")
    return "\n".join(lines)


def cmd_ingest(args) -> int:
    from .export import OUTPUT_FILES
    from .ingest import ingest
    from .project import Project
    from .record import reject_summary

    out = Path(args.out) if args.out else None
    result = ingest(args.project, args.paths or None, out)
    for e in result.errors:
        print(f"error: {e}", file=sys.stderr)
    for line in reject_summary(result.corpus.rejects):
        print(f"rejected: {line}" if not line.startswith(" ") else line, file=sys.stderr)
    print(_summary(result))
    where = out or Project.at(args.project).references
    written = [*OUTPUT_FILES, *(["enrich-ambiguous.csv"] if result.enrichment is not None else [])]
    print(f"wrote {', '.join(written)} to {where}")
    return 0 if result.ok else EXIT_REJECTS


def cmd_themes(args) -> int:
    from .project import Project
    from .themes import load_themes

    for t in load_themes(Project.at(args.project).themes):
        print(f"{t.slug}\t{t.title}")
    return 0


def _report_unresolved(screening) -> None:
    for row in screening.unresolved.itertuples(index=False):
        print(
            f"warning: {screening.project.references / 'decisions.csv'}:{row.line}: {row.paper!r} {row.why}",
            file=sys.stderr,
        )


def cmd_evaluate(args) -> int:
    if args.labels is None:
        return _evaluate_decisions(args)
    from .evaluate import disagreements, evaluate_themes
    from .ingest import load_corpus

    papers = load_corpus(args.project)
    table = evaluate_themes(papers, args.labels)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if args.disagreements:
        for slug in table["theme"]:
            wrong = disagreements(papers, args.labels, slug)
            print(f"\n{slug}: {len(wrong)} labelled papers the theme disagrees with")
            for title, label, predicted in wrong.itertuples(index=False):
                print(f"  label {label}, theme says {'yes' if predicted else 'no'}: {title}")
    return 0


def cmd_topics(args) -> int:
    from .ingest import load_corpus
    from .project import Project
    from .themes import load_themes
    from .topics import discover, topics_text

    project = Project.at(args.project)
    slugs = [t.slug for t in load_themes(project.themes)] if project.themes.exists() else None
    print(topics_text(discover(load_corpus(args.project), n_topics=args.n, themes=slugs)), end="")
    return 0


def _evaluate_decisions(args) -> int:
    import pandas as pd

    from . import screening
    from .screening.evaluate import evaluate_theme, format_table
    from .screening.model import MIN_PER_CLASS, describe

    sc = screening.load(args.project)
    _report_unresolved(sc)
    rows, skipped, settings = [], [], []
    for theme in sc.features.themes:
        labels = sc.labels(theme.slug)
        if min(labels.sum(), (~labels).sum()) < max(MIN_PER_CLASS, args.folds):
            skipped.append(theme.slug)
            continue
        rows += evaluate_theme(sc.features, theme.slug, labels, folds=args.folds, repeats=args.repeats)
        settings.append(f"{theme.slug}: {describe(sc.fitted(theme.slug))}")
    if rows:
        print(
            f"{args.folds}-fold cross-validation on the human decisions, repeated {args.repeats} times; "
            "[95% bootstrap interval]"
        )
        print(format_table(pd.DataFrame(rows)))
        print(
            "rules, and 'model' which uses them: fair only if the terms were not written from these "
            "decisions; 'model, text only' uses no term."
        )
    if settings:
        print("the models that screen the undecided papers, fitted on all the decisions:")
        print("\n".join(f"  {line}" for line in settings))
    if skipped:
        print(f"too few decisions to evaluate (screened by their rules): {', '.join(skipped)}")
    return 0


def cmd_screen(args) -> int:
    from . import screening
    from .themes import theme_by_slug

    sc = screening.load(args.project)
    theme_by_slug(sc.features.themes, args.theme)
    _report_unresolved(sc)
    table = screening.next_papers(sc, args.theme, args.next, args.uncertain)
    if args.csv:
        sys.stdout.write(table.to_csv(index=False, float_format="%.4f", lineterminator="\n"))
    else:
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}", max_colwidth=80))
    return 0


def cmd_decide(args) -> int:
    from .screening.session import decide, progress_text

    if args.undo and (args.paper or args.decision):
        raise LitReviewError("decide --undo takes only THEME (and --reviewer)")
    row, session = decide(
        args.project, args.theme, args.paper, args.decision, args.reason, args.reviewer, undo=args.undo
    )
    if row is None:
        print(f"nothing to undo: {session.reviewer} has no decision in {args.theme}")
    else:
        what = f"{row.decision} of {row.paper!r} in {row.theme} by {row.reviewer}"
        print(f"undone: {what}" if args.undo else f"{what}" + (f" ({row.reason})" if row.reason else ""))
    print(progress_text(session))
    return 0


def cmd_agreement(args) -> int:
    from . import screening
    from .screening.agreement import agreement, conflicts

    sc = screening.load(args.project)
    _report_unresolved(sc)
    table = agreement(sc.decisions, args.theme)
    if table.empty:
        print("no papers screened by two or more reviewers")
    else:
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    found = conflicts(sc.decisions, args.theme)
    titles = dict(zip(sc.papers["id"], sc.papers["title"]))
    print(f"\n{len(found)} conflicts (settled by a majority or a row with role = resolver)")
    for row in found.itertuples(index=False):
        print(f"  {row.theme}: {titles[row.paper_id]} ({row.decisions})")
    return 0


def cmd_migrate_decisions(args) -> int:
    from .project import Project
    from .screening.decisions import migrate_theme_decisions
    from .themes import load_themes

    project = Project.at(args.project)
    n = migrate_theme_decisions(load_themes(project.themes), project.references / "decisions.csv")
    print(f"{n} decisions copied from themes.toml to decisions.csv; delete the [[theme.decision]] tables")
    return 0


def cmd_export(args) -> int:
    from .export import export_text, write_export
    from .ingest import load_corpus
    from .project import Project
    from .themes import load_themes, theme_by_slug

    if args.theme:
        theme_by_slug(load_themes(Project.at(args.project).themes), args.theme)  # an unknown slug: an error
    papers = load_corpus(args.project)
    if args.out:
        write_export(papers, args.format, args.out, args.theme)
    else:
        sys.stdout.write(export_text(papers, args.format, args.theme))
    return 0


def cmd_build(args) -> int:
    from .report import build

    outcome = build(
        args.project, themes=args.theme or None, out=args.out, jobs=args.jobs, progress=True, force=args.force
    )
    for line in outcome.messages:
        print(line, file=sys.stderr if line.startswith("error:") else sys.stdout)
    return outcome.exit_code


def cmd_fetch(args) -> int:
    from . import fetch

    if args.site == "arxiv":
        request = fetch.arxiv_query(args.query, args.max)
    elif args.date:
        request = fetch.hf_daily(args.date)
    else:
        request = fetch.hf_search(args.query)
    saved = fetch.fetch(request, args.project, api_base=args.api_base, mailto=args.mailto)
    print(f"saved {request.url}\n  -> {saved} (listed in references/sources.toml)")
    return 0


def cmd_update(args) -> int:
    from .update import update

    outcome = update(
        args.project, args.until, api_base=args.api_base, mailto=args.mailto, dry_run=args.dry_run
    )
    for saved in outcome.saved:
        print(f"saved {saved.name}")
    print("\n".join(outcome.lines))
    return 0


def cmd_init(args) -> int:
    from .scaffold import init_project

    project = init_project(args.folder, example=args.example)
    what = "the bundled example corpus" if args.example else "no sources yet"
    print(f"created review project {args.folder} ({what})")
    print(
        f"next: cd {args.folder}; put BibTeX/RIS/CSL-JSON files into references/sources/ (or `lit-review fetch`),"
    )
    print(f"      edit {project.themes.relative_to(project.root)}, then `lit-review build`")
    return 0


def lab_command(project, as_root: bool = False) -> list[str]:
    """The command that opens JupyterLab on ``project`` (in this Python environment).

    As root (a container, a CI runner) JupyterLab refuses to start without ``--allow-root``.
    """
    return [sys.executable, "-m", "jupyterlab", f"--notebook-dir={project.root}"] + (
        ["--allow-root"] * as_root
    )


def cmd_lab(args) -> int:
    import importlib.util
    import os

    from .project import Project

    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    command = lab_command(Project.at(args.folder or args.project), as_root)
    if as_root:
        print("running as root: JupyterLab gets --allow-root", file=sys.stderr)
    if args.dry_run:
        print(" ".join(command))
        return 0
    if importlib.util.find_spec("jupyterlab") is None:
        raise LitReviewError("JupyterLab is not installed in this environment: pip install jupyterlab")
    os.execv(command[0], command)  # replaces this process: JupyterLab owns the terminal from here


def cmd_enrich(args) -> int:
    from . import enrich
    from .ingest import run_ingest
    from .project import Project

    if args.pin:
        enrich.pin(Project.at(args.project).enrich_pins, *args.pin)
        print(f"pinned {args.pin[0]} -> {args.pin[1]} (applied by the next ingest)")
    if args.online:  # look up first (saved under references/metadata/), then report what they fill
        from .net.lookup import enrich_online

        _, summary = enrich_online(
            args.project, args.service, api_base=args.api_base, mailto=args.mailto, limit=args.limit,
            dry_run=args.dry_run,
        )  # fmt: skip
        print("\n".join(summary.lines(dry_run=args.dry_run)))
    project = Project.at(args.project)
    print(enrich.report(project, run_ingest(project, write_cache=not args.dry_run), dry_run=args.dry_run))
    return 0


def cmd_status(args) -> int:
    from .ingest import run_ingest
    from .project import Project
    from .status import status_text
    from .themes import load_themes

    project = Project.at(args.project)
    result = run_ingest(project)
    themes = load_themes(project.themes) if project.themes.exists() else []
    print(f"review project {project.root}")
    print(_summary(result))
    print(status_text(project, themes, result.corpus.papers))
    return 0


def _network_options(p: argparse.ArgumentParser, env: str | None = None) -> None:
    """``--api-base`` and ``--mailto``, shared by the commands that use the network."""
    where = f"(else ${env}; " if env else "(else each service's LIT_REVIEW_<SERVICE>_API; "
    p.add_argument(
        "--api-base",
        metavar="URL",
        help=f"ask this server instead, a mirror with the service's path layout {where}default: the service)",
    )
    p.add_argument(
        "--mailto",
        metavar="EMAIL",
        help="your email, sent in the User-Agent and to the polite pools of OpenAlex and Crossref "
        "(else $LIT_REVIEW_MAILTO)",
    )


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="lit-review", description="Reproducible themed literature reviews.")
    p.add_argument(
        "-C",
        "--project",
        default=None,
        help="review project folder (default: found from the current folder upward)",
    )
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("init", help="create a new review project in a new or empty folder")
    s.add_argument("folder", metavar="DIR", help="the project folder to create")
    s.add_argument(
        "--example", action="store_true", help="fill it with the bundled example corpus and themes"
    )
    s.set_defaults(func=cmd_init)

    s = sub.add_parser("status", help="sources, papers, themes, and which reports are out of date")
    s.set_defaults(func=cmd_status)

    s = sub.add_parser("ingest", help="read the sources, merge duplicates, write library.bib and papers.csv")
    s.add_argument("paths", nargs="*", help="listing files or folders (default: references/sources/)")
    s.add_argument("--out", help="output folder (default: references/)")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("build", help="ingest, then build every themed report into reports/")
    s.add_argument("--theme", action="append", help="build only this theme (repeatable)")
    s.add_argument("--out", help="reports folder (default: reports/)")
    s.add_argument("--jobs", type=int, default=None, help="themes built in parallel (default: cores)")
    s.add_argument("--force", action="store_true", help="rebuild every report, ignoring the build cache")
    s.set_defaults(func=cmd_build)

    s = sub.add_parser("lab", help="open JupyterLab on the review project")
    s.add_argument("folder", metavar="DIR", nargs="?", help="project folder (default: -C or the current one)")
    s.add_argument("--dry-run", action="store_true", help="print the command instead of running it")
    s.set_defaults(func=cmd_lab)

    s = sub.add_parser(
        "fetch",
        help="download a paper list into references/sources/ (uses the network; saves the raw answer)",
    )
    site = s.add_subparsers(dest="site", required=True)
    hf = site.add_parser("hf", help="Hugging Face Papers API: a day's Daily Papers or a search")
    which = hf.add_mutually_exclusive_group(required=True)
    which.add_argument("--date", help="Daily Papers of this day (YYYY-MM-DD)")
    which.add_argument("--query", help="search Hugging Face Papers for this text")
    ax = site.add_parser("arxiv", help="arXiv API search")
    ax.add_argument(
        "--query", required=True, help="words (searched in all fields) or an arXiv query (ti:, au:, ...)"
    )
    ax.add_argument("--max", type=int, default=100, help="number of results (default: 100)")
    for site_parser, env in ((hf, "LIT_REVIEW_HF_API"), (ax, "LIT_REVIEW_ARXIV_API")):
        _network_options(site_parser, env)
    s.set_defaults(func=cmd_fetch)

    s = sub.add_parser(
        "enrich",
        help="complete papers from references/metadata/: coverage, what it fills, what to pin "
        "(--online: look the incomplete ones up first)",
    )
    s.add_argument(
        "--online",
        action="store_true",
        help="look up the papers lacking authors, ids or a DOI, saving every answer under references/metadata/",
    )
    s.add_argument(
        "--service",
        action="append",
        choices=["arxiv", "hf", "openalex", "crossref", "s2"],
        help="ask only this service (repeatable; default: all five)",
    )
    s.add_argument("--limit", metavar="N", type=_at_least(0), default=None, help="look up at most N papers")
    s.add_argument(
        "--dry-run",
        action="store_true",
        help="print what would be asked and would change; send and write nothing",
    )
    s.add_argument(
        "--pin",
        nargs=2,
        metavar=("PAPER_ID", "CHOICE"),
        help="pin an ambiguous paper to arXiv:<id>, doi:<doi> or none (references/enrich-pins.csv)",
    )
    _network_options(s)
    s.set_defaults(func=cmd_enrich)

    s = sub.add_parser(
        "update",
        help="fetch what is new for every query recorded in sources.toml (daily pages, searches), "
        "then ingest and screen it",
    )
    s.add_argument("--until", metavar="YYYY-MM-DD", help="fetch up to this day (default: today, UTC)")
    s.add_argument("--dry-run", action="store_true", help="print the requests it would make; write nothing")
    _network_options(s)
    s.set_defaults(func=cmd_update)

    s = sub.add_parser("themes", help="list the defined themes")
    s.set_defaults(func=cmd_themes)

    s = sub.add_parser(
        "evaluate",
        help="cross-validated precision, recall, F1 and work saved of the screening model on the human "
        "decisions (or, given a labels file, the themes' rules against it)",
    )
    s.add_argument(
        "labels", nargs="?", help="CSV with a title column and one yes/no/borderline column per theme"
    )
    s.add_argument("--folds", type=_at_least(2), default=5, help="cross-validation folds (default: 5)")
    s.add_argument(
        "--repeats",
        type=_at_least(1),
        default=5,
        help="repetitions of the cross-validation, averaged (default: 5)",
    )
    s.add_argument("--disagreements", action="store_true", help="also list the papers the themes get wrong")
    s.set_defaults(func=cmd_evaluate)

    s = sub.add_parser(
        "topics", help="topics found in titles and abstracts (TF-IDF + NMF), against the themes"
    )
    s.add_argument("--n", type=int, default=10, help="number of topics (default: 10)")
    s.set_defaults(func=cmd_topics)

    s = sub.add_parser("screen", help="the next papers to screen in a theme, most likely relevant first")
    s.add_argument("theme", help="theme slug")
    s.add_argument("--next", type=_at_least(1), default=10, help="how many papers (default: 10)")
    s.add_argument("--uncertain", action="store_true", help="most uncertain first (closest to the threshold)")
    s.add_argument("--csv", action="store_true", help="CSV instead of a table")
    s.set_defaults(func=cmd_screen)

    s = sub.add_parser(
        "decide",
        help="record one screening decision in references/decisions.csv (or take back your latest: --undo)",
        description="Record one screening decision, as the screening notebook does: the paper is checked "
        "against the corpus, the row appended under the file's lock (other sessions may be writing it); "
        "then the theme's progress is printed. `decide --undo THEME` takes back the reviewer's latest "
        "decision in the theme, even if others decided since.",
    )
    s.add_argument("theme", metavar="THEME", help="theme slug")
    s.add_argument("paper", metavar="PAPER", nargs="?", help="citation key, paper id, arXiv id, DOI or title")
    s.add_argument(
        "decision", metavar="include|exclude|maybe", nargs="?", choices=["include", "exclude", "maybe"]
    )
    s.add_argument("--reason", metavar="TEXT", default="", help="why (above all for an exclusion)")
    s.add_argument("--reviewer", metavar="NAME", default="", help="reviewer name (default: your login name)")
    s.add_argument("--undo", action="store_true", help="take back the reviewer's latest decision in THEME")
    s.set_defaults(func=cmd_decide)

    s = sub.add_parser(
        "agreement", help="agreement (percent, Cohen's kappa) between reviewers, and conflicts"
    )
    s.add_argument("theme", nargs="?", help="only this theme")
    s.set_defaults(func=cmd_agreement)

    s = sub.add_parser(
        "migrate-decisions", help="copy themes.toml's [[theme.decision]] tables to decisions.csv"
    )
    s.set_defaults(func=cmd_migrate_decisions)

    s = sub.add_parser("export", help="the corpus (or one theme's papers) as CSL-JSON, RIS or CSV")
    s.add_argument("--format", required=True, choices=["csl-json", "ris", "csv"], help="output format")
    s.add_argument("--theme", help="only the papers of this theme (its slug)")
    s.add_argument("--out", help="output file (default: standard output)")
    s.set_defaults(func=cmd_export)

    p.commands = sub.choices  # command name -> its parser, for help_markdown and the docs test
    return p


def help_markdown() -> str:
    """Every command's ``--help``, as ``docs/cli.md`` holds it (a test keeps the page current)."""
    import os
    from unittest import mock

    with mock.patch.dict(os.environ, {"COLUMNS": "100"}):
        top = parser()
        parts = ["# Command line reference", "", "Generated from `lit_review.cli.parser()`; regenerate with",
                 "`python -c 'from lit_review.cli import help_markdown; print(help_markdown(), end=\"\")' > docs/cli.md`.",
                 "", "```text", top.format_help().rstrip(), "```"]  # fmt: skip
        for name, sub in top.commands.items():
            parts += ["", f"## lit-review {name}", "", "```text", sub.format_help().rstrip(), "```"]
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    warnings.formatwarning = lambda msg, *a, **k: f"warning: {msg}\n"
    try:
        return args.func(args)
    except LitReviewError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
