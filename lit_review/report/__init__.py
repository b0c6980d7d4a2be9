"""The report runner: execute the notebooks with papermill, render self-contained HTML, build an index.

Reproducibility: every source of run-to-run difference is removed before anything is
written: cell ids are renumbered, papermill's and nbclient's timing metadata dropped, the
kernel runs with ``PYTHONHASHSEED=0`` and a fixed ``IPYKERNEL_CELL_NAME``, figures are PNGs
with no date, and paths given to notebooks are relative. Each output file is replaced
atomically, and only after its theme's notebook ran to the end, so a failing or killed
build leaves the previous report intact.
"""

from __future__ import annotations

import html
import keyword
import os
import re
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .._infra.iorw import atomic_write_text, remove_stale_temp_files
from .._infra.parallel import WorkerPool
from ..errors import LitReviewError
from ..project import Project
from ..themes import load_themes, theme_by_slug, theme_members, validate_slug
from . import plan as cache

THEME_NOTEBOOK = "theme_review.ipynb"
OVERVIEW_NOTEBOOK = "corpus_overview.ipynb"
OVERVIEW = "overview"
SNAPSHOT = ".corpus.pickle"
KERNEL_START_TRIES = 3
_KERNEL_START_FAILED = re.compile(r"Kernel died before replying to kernel_info|Kernel didn't respond")
KERNEL_ENV = {"PYTHONHASHSEED": "0", "IPYKERNEL_CELL_NAME": "<cell>"}

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:62rem;margin:2rem auto;
padding:0 1rem;line-height:1.5;color:#222}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;
text-align:left;vertical-align:top}th{background:#eef2f8}figure{margin:1rem 0}img{max-width:100%;height:auto}
code{font-size:.85em}.paper{border-top:1px solid #ddd;padding-top:.5rem}.meta,.why,.provenance{color:#555;
font-size:.9rem}.prisma-text{font-size:.9rem}footer{border-top:2px solid #ccc;margin-top:2rem;font-size:.85rem}
"""


@dataclass
class BuildOutcome:
    built: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def validate_parameters(params: dict) -> dict:
    """Reject parameter names that papermill would paste into code unchecked."""
    for name in params:
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise LitReviewError(f"invalid notebook parameter name {name!r}")
    return params


def validate_output_dir(path: Path) -> Path:
    """Reject output paths that papermill would ``str.format`` (braces) or that are not folders."""
    if re.search(r"[{}]", str(path)):
        raise LitReviewError("output path must not contain '{' or '}'", path)
    if path.exists() and not path.is_dir():
        raise LitReviewError("output path exists and is not a folder", path)
    return path


def page(title: str, body: str) -> str:
    """A self-contained HTML page: inline CSS, no script, nothing fetched from the network."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def normalize_notebook(nb) -> None:
    """Drop what differs between two runs of the same notebook: ids, timings, paths."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i:02d}"
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)


def render_html(nb, title: str) -> str:
    """Render an executed notebook as a page: inputs and prompts hidden, outputs as they are."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        anchor_link_text="",
    )
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"notebook-only"}), enabled=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return page(title, body)


def execute(notebook: Path, parameters: dict, cwd: Path):
    """Run ``notebook`` with papermill in ``cwd`` and return the executed, normalized notebook."""
    import papermill as pm

    os.environ.update(KERNEL_ENV)
    os.environ.pop("MPLBACKEND", None)  # papermill + Agg drops figures silently
    for attempt in range(KERNEL_START_TRIES):
        try:
            nb = pm.execute_notebook(
                str(notebook),
                None,
                parameters=validate_parameters(parameters),
                cwd=str(cwd),
                kernel_name="python3",
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                start_timeout=180,
                record_timing=False,
            )
            break
        except RuntimeError as exc:
            # Kernels started at once by concurrent processes can race for the same TCP port
            # (jupyter_client picks a free port, then the kernel binds it): start again.
            if not _KERNEL_START_FAILED.search(str(exc)) or attempt + 1 == KERNEL_START_TRIES:
                raise
    normalize_notebook(nb)
    return nb


def _failure(slug: str, exc: Exception) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return f"theme {slug!r} failed in cell {exc.exec_count} (cell index {exc.cell_index}): {exc.ename}: {exc.evalue}"
    return f"theme {slug!r} failed: {type(exc).__name__}: {exc}"


def build_one(
    root: str, notebook: str, name: str, title: str, out: str, params: dict
) -> tuple[str, str | None]:
    """Execute one report notebook and write ``<name>.html`` and ``<name>.ipynb`` (worker process)."""
    import nbformat

    out_dir = Path(out)
    nb_path = Path(notebook)
    try:
        nb = execute(nb_path, params, nb_path.parent)
        html_text = render_html(nb, title)
    except Exception as exc:  # the notebook's own error, reported with its theme and cell
        return name, _failure(name, exc)
    atomic_write_text(out_dir / f"{name}.ipynb", nbformat.writes(nb) + "\n")
    atomic_write_text(out_dir / f"{name}.html", html_text)
    return name, None


def index_html(themes, sizes: dict[str, int], failed: dict[str, str], n_papers: int, out_dir: Path) -> str:
    """The index page: every theme with its paper count, linking only reports that exist."""
    rows = []
    for t in themes:
        slug = html.escape(t.slug)
        built = (out_dir / f"{t.slug}.html").exists()
        title = f'<a href="{slug}.html">{html.escape(t.title)}</a>' if built else html.escape(t.title)
        bib = f'<a href="{slug}.bib">{slug}.bib</a>' if (out_dir / f"{t.slug}.bib").exists() else ""
        status = "build failed: see the build log" if t.slug in failed else ("" if built else "not built")
        rows.append(
            f"<tr><td>{title}</td><td><code>{slug}</code></td><td>{sizes.get(t.slug, 0)}</td>"
            f"<td>{bib}</td><td>{status}</td></tr>"
        )
    overview = (
        f'<a href="{OVERVIEW}.html">Corpus overview</a>.' if (out_dir / f"{OVERVIEW}.html").exists() else ""
    )
    body = (
        "<h1>Literature review reports</h1>"
        f"<p>{n_papers} unique papers. {overview}</p>"
        "<table><thead><tr><th>Theme</th><th>Slug</th><th>Papers</th><th>BibTeX</th><th>Status</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return page("Literature review reports", body)


def _global_key(project: Project, package: str, request: list[str], out_dir: Path) -> str:
    """Key over every input file of a build, the package code, the requested themes and the output folder."""
    files = list(project.source_files()) + [project.manifest, project.themes, project.pins]
    files += sorted(project.notebooks.glob("*.ipynb"))
    return cache.digest(package, cache.files_digest(files), request, str(out_dir))


def build(
    root=".", themes=None, out=None, jobs: int | None = None, progress: bool = False, force: bool = False
) -> BuildOutcome:
    """Ingest, write ``library.bib``, build every (or the named) theme report, the overview and the index.

    Reports whose inputs did not change since the last build are kept (see :mod:`lit_review.cache`);
    ``force=True`` rebuilds everything.
    """
    project = Project.at(root)
    out_dir = validate_output_dir(Path(out).resolve() if out else project.reports)
    all_themes = load_themes(project.themes)
    selected = [theme_by_slug(all_themes, validate_slug(s)) for s in themes] if themes else all_themes
    notebook = project.notebooks / THEME_NOTEBOOK
    if not notebook.exists():
        raise LitReviewError("theme notebook not found", notebook)
    out_dir.mkdir(parents=True, exist_ok=True)
    for folder in (out_dir, project.references):  # temp files left by a killed build
        remove_stale_temp_files(folder)

    outcome = BuildOutcome()
    state = {} if force else cache.load_state(out_dir)
    package = cache.package_digest()
    request = [t.slug for t in selected]
    global_key = _global_key(project, package, request, out_dir)
    if cache.up_to_date(state, out_dir, global_key):
        outcome.messages.append(f"up to date: nothing changed since the last build ({out_dir})")
        return outcome

    from ..bibtex import write_bibtex
    from ..export import papers_csv, write_outputs
    from ..ingest import input_hashes, run_ingest, save_snapshot

    result = run_ingest(project)
    write_outputs(result, project.references)
    save_snapshot(result, out_dir / SNAPSHOT)  # the notebooks load it instead of reading the listings again
    papers = result.corpus.papers
    members = {t.slug: theme_members(papers, t.slug) for t in all_themes}
    sizes = {slug: int(m.sum()) for slug, m in members.items()}
    outcome.messages.append(
        f"ingested {result.corpus.n_read} records: {len(papers)} unique papers, "
        f"{result.corpus.n_rejected} rejected"
    )
    corpus_key = cache.digest(
        papers_csv(papers.assign(themes=[()] * len(papers))),
        [(lst.source, lst.n_read, len(lst.rejects)) for lst in result.corpus.listings],
        result.corpus.n_rejected, input_hashes(result, project),
    )  # fmt: skip

    rel_project = os.path.relpath(project.root, project.notebooks)
    rel_out = os.path.relpath(out_dir, project.notebooks)
    rel_snapshot = os.path.relpath(out_dir / SNAPSHOT, project.notebooks)
    nb_hash = cache.files_digest([notebook])
    tasks: dict[str, tuple] = {}
    keys: dict[str, str] = {}
    for t in selected:
        params = {"theme": t.slug, "project": rel_project, "output_dir": rel_out, "snapshot": rel_snapshot}
        ids = sorted(papers.loc[members[t.slug], "id"])
        overlaps = {o: int((members[t.slug] & members[o]).sum()) for o in sorted(members) if o != t.slug}
        keys[t.slug] = cache.digest(package, nb_hash, params, corpus_key, t.digest, ids, overlaps)
        tasks[t.slug] = (str(project.root), str(notebook), t.slug, t.title, str(out_dir), params)
    overview_nb = project.notebooks / OVERVIEW_NOTEBOOK
    if overview_nb.exists():
        params = {"project": rel_project, "snapshot": rel_snapshot}
        keys[OVERVIEW] = cache.digest(
            package, cache.files_digest([overview_nb]), params, corpus_key,
            [t.digest for t in all_themes], papers_csv(papers),
        )  # fmt: skip
        tasks[OVERVIEW] = (
            str(project.root),
            str(overview_nb),
            OVERVIEW,
            "Corpus overview",
            str(out_dir),
            params,
        )

    reports = dict(state.get("reports", {}))
    todo = [
        name
        for name in tasks
        if force
        or reports.get(name, {}).get("key") != keys[name]
        or not cache.outputs_intact(out_dir, reports.get(name, {}).get("outputs", {}))
    ]
    outcome.kept = sorted(set(tasks) - set(todo))
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    bar = None
    if progress and todo:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), desc="reports", unit="report")
    with WorkerPool(workers) as pool:
        futures = [pool.submit(build_one, *tasks[name]) for name in todo]
        for fut in as_completed(futures):
            name, error = fut.result()
            if error:
                outcome.failed[name] = error
                reports.pop(name, None)
            else:
                outcome.built.append(name)
                if name != OVERVIEW:
                    bib = papers[members[name]]
                    write_bibtex(bib, out_dir / f"{name}.bib")
                names = [f"{name}.html", f"{name}.ipynb"] + ([f"{name}.bib"] if name != OVERVIEW else [])
                reports[name] = {"key": keys[name], "outputs": cache.record_outputs(out_dir, names)}
            if bar:
                bar.update(1)
    if bar:
        bar.close()

    atomic_write_text(
        out_dir / "index.html", index_html(all_themes, sizes, outcome.failed, len(papers), out_dir)
    )
    new_state = {"reports": reports, "index": cache.record_outputs(out_dir, ["index.html"])}
    if not outcome.failed:  # the inputs as they are now (ingest may have pinned new keys)
        new_state["global"] = _global_key(project, package, request, out_dir)
    cache.save_state(out_dir, new_state)

    outcome.built.sort()
    for name in outcome.built:
        outcome.messages.append(f"built {out_dir / name}.html")
    if outcome.kept:
        outcome.messages.append(f"unchanged, kept: {', '.join(outcome.kept)}")
    for _name, err in sorted(outcome.failed.items()):
        outcome.messages.append(f"error: {err}")
    return outcome
