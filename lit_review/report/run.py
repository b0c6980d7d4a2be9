"""Run report notebooks with papermill, each in a worker process, and write their outputs.

Reproducibility: cell ids are renumbered, papermill's and nbclient's timing metadata dropped,
what the kernel wrote to stderr (warnings, "Matplotlib is building the font cache" on a fresh
machine) removed, the kernel runs with ``PYTHONHASHSEED=0`` and a fixed ``IPYKERNEL_CELL_NAME``. A report's
files are replaced atomically and only after its notebook ran to the end, so a failing or
killed run leaves the previous report intact.
"""

from __future__ import annotations

import keyword
import os
import re
from collections.abc import Iterator
from concurrent.futures import as_completed
from dataclasses import dataclass
from pathlib import Path

from .._infra.iorw import atomic_write_text
from .._infra.parallel import WorkerPool
from ..errors import LitReviewError
from .feed import feed_link
from .index import OVERVIEW
from .render import render_html

KERNEL_START_TRIES = 3
_KERNEL_START_FAILED = re.compile(r"Kernel died before replying to kernel_info|Kernel didn't respond")
KERNEL_ENV = {"PYTHONHASHSEED": "0", "IPYKERNEL_CELL_NAME": "<cell>"}


@dataclass(frozen=True)
class Report:
    """One report to build: ``notebook`` run with ``params`` gives ``<name>.html`` titled ``title``."""

    name: str
    title: str
    notebook: Path
    params: dict


def validate_parameters(params: dict) -> dict:
    """Reject parameter names that papermill would paste into code unchecked."""
    for name in params:
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise LitReviewError(f"invalid notebook parameter name {name!r}")
    return params


def normalize_notebook(nb) -> None:
    """Drop what differs between two runs of the same notebook: ids, timings, the kernel's stderr.

    Stderr carries the machine's state, not the report (font cache builds, cache folder warnings
    with temporary paths, library deprecation notices); a failing cell's error is an ``error``
    output and stays.
    """
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i:02d}"
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")]


def execute(notebook: Path, parameters: dict, cwd: Path):
    """Run ``notebook`` with papermill in ``cwd`` and return the executed, normalized notebook."""
    import papermill as pm

    from .kernel import ReportKernelManager

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
                kernel_manager_class=ReportKernelManager,
            )
            break
        except RuntimeError as exc:
            # Kernels started at once by concurrent processes can race for the same TCP port
            # (jupyter_client picks a free port, then the kernel binds it): start again.
            if not _KERNEL_START_FAILED.search(str(exc)) or attempt + 1 == KERNEL_START_TRIES:
                raise
    normalize_notebook(nb)
    return nb


def _failure(name: str, exc: Exception) -> str:
    """A few lines: which report, which cell (its number and first line of code), and why."""
    from papermill.exceptions import PapermillExecutionError

    what = "report" if name == OVERVIEW else "theme"
    if isinstance(exc, PapermillExecutionError):
        first = next((line.strip() for line in exc.source.splitlines() if line.strip()), "")
        code = f"\n  {first[:100]}" if first else ""
        return f"{what} {name!r} failed in cell {exc.exec_count}:{code}\n  {exc.ename}: {exc.evalue}"
    return f"{what} {name!r} failed: {type(exc).__name__}: {exc}"


def build_one(notebook: str, name: str, title: str, out: str, params: dict) -> tuple[str, str | None]:
    """Execute one report notebook and write ``<name>.html`` and ``<name>.ipynb`` (worker process).

    Returns ``(name, None)``, or ``(name, error message)`` when the notebook failed.
    """
    import nbformat

    out_dir = Path(out)
    nb_path = Path(notebook)
    try:
        nb = execute(nb_path, params, nb_path.parent)
        theme = params.get("theme")  # a theme's report announces its feed, written beside it by the build
        html_text = render_html(nb, title, feed_link(theme, f"{title} (Atom feed)") if theme else "")
    except Exception as exc:  # the notebook's own error, reported with its theme and cell
        return name, _failure(name, exc)
    atomic_write_text(out_dir / f"{name}.ipynb", nbformat.writes(nb) + "\n")
    atomic_write_text(out_dir / f"{name}.html", html_text)
    return name, None


def run_reports(
    reports: list[Report], out_dir: Path, jobs: int | None = None, progress: bool = False
) -> Iterator[tuple[str, str | None]]:
    """Build ``reports`` on up to ``jobs`` worker processes; yield ``(name, error or None)`` as each ends."""
    if not reports:
        return
    workers = max(1, min(jobs or os.cpu_count() or 1, len(reports)))
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(reports), desc="reports", unit="report")
    try:
        with WorkerPool(workers) as pool:
            futures = [
                pool.submit(build_one, str(r.notebook), r.name, r.title, str(out_dir), r.params)
                for r in reports
            ]
            for fut in as_completed(futures):
                yield fut.result()
                if bar:
                    bar.update(1)
    finally:
        if bar:
            bar.close()
