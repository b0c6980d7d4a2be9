"""The committed report notebooks are the only copy: clean, valid, and taking what the build passes."""

import ast

import nbformat
import pytest

from lit_review import report
from lit_review.project import Project
from lit_review.themes import load_themes

from .conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_report_notebooks_and_the_screen_are_committed():
    assert [p.name for p in NOTEBOOKS] == [report.OVERVIEW_NOTEBOOK, "screen.ipynb", report.THEME_NOTEBOOK]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebook_is_clean(path):
    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code)
    assert all("execution" not in c.metadata and "papermill" not in c.metadata for c in nb.cells)
    assert [c.id for c in nb.cells] == [f"cell-{i:02d}" for i in range(len(nb.cells))]  # stable diffs
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0].cell_type == "code"
    assert nb.metadata.kernelspec.name == "python3"


def _parameters(path) -> set[str]:
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    return {t.id for node in ast.parse(cell.source).body for t in node.targets}


def test_build_passes_only_parameters_the_notebooks_define():
    proj = Project.at(ROOT)
    reports = report.planned_reports(proj, load_themes(proj.themes), proj.reports)
    for r in reports:
        assert set(r.params) <= _parameters(r.notebook), r.name
    assert "output_dir" not in _parameters(ROOT / "notebooks" / report.THEME_NOTEBOOK)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("notebook", "params", "reason"),
    [(report.THEME_NOTEBOOK, {"theme": "nope"},
      "ParameterError: parameter 'theme': got 'nope' (str); allowed: gradient-free, efficient-fine-tuning, "
      "quantization-compression, distributed-training, rl-llm-reasoning, diffusion-guidance"),
     (report.THEME_NOTEBOOK, {"top_n": "ten"},
      "ParameterError: parameter 'top_n' must be a whole number >= 0, got 'ten' (str)"),
     (report.THEME_NOTEBOOK, {"min_score": [1]},
      "ParameterError: parameter 'min_score' must be a number or None, got [1] (list)"),
     (report.OVERVIEW_NOTEBOOK, {"top_n": 2.5},
      "ParameterError: parameter 'top_n' must be a whole number >= 0, got 2.5 (float)")],
)  # fmt: skip
def test_papermill_with_a_bad_parameter_fails_first_in_one_line(project, notebook, params, reason):
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as info:
        pm.execute_notebook(str(project / "notebooks" / notebook), None, parameters=params,
                            cwd=str(project / "notebooks"), progress_bar=False, kernel_name="python3")  # fmt: skip
    err = info.value
    assert err.traceback == [reason]  # the whole message the reader sees: one line
    assert str(err).rstrip().endswith(reason)
    assert "check_parameters(" in err.source  # the first cell after the parameters
    assert not (project / "reports").exists()  # before any work: no ingest, no snapshot saved


@pytest.mark.slow
def test_screen_notebook_runs_top_to_bottom_with_its_defaults(project):
    """papermill, default parameters: the widget is made (a widget view in the output), nothing is written."""
    import papermill as pm

    nb = pm.execute_notebook(str(project / "notebooks" / "screen.ipynb"), None, cwd=str(project / "notebooks"),
                             progress_bar=False, kernel_name="python3")  # fmt: skip
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    [cell] = [c for c in nb.cells if c.source.startswith("session.next(")]
    table = cell.outputs[0]["data"]["text/plain"]
    assert "rules" in table  # the copy has no decisions.csv: gradient-free is screened by its rules
    assert not (project / "references" / "decisions.csv").exists()
    assert not (project / "reports").exists()  # no build, no snapshot


@pytest.mark.slow
@pytest.mark.parametrize("where", ["notebooks", "."])
def test_report_notebooks_run_by_hand_with_their_defaults(project, where):
    """As in JupyterLab, before any build: default parameters, run from notebooks/ or from the project
    root; each finds the project, makes one snapshot and shows its report without an error."""
    import papermill as pm

    for name in (report.THEME_NOTEBOOK, report.OVERVIEW_NOTEBOOK):
        nb = pm.execute_notebook(str(project / "notebooks" / name), None, cwd=str(project / where),
                                 progress_bar=False, kernel_name="python3")  # fmt: skip
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
        assert not [o for o in outputs if o.output_type == "error"], name
        html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
        assert "<table" in html, name
    assert (project / "reports" / ".corpus.pickle").is_file()  # made once, by the first notebook


@pytest.mark.slow
def test_the_readme_papermill_command_runs_in_a_fresh_clone(tmp_path):
    """The README's own ``papermill notebooks/...`` line, as written, in a copy of the tracked files."""
    import os
    import re
    import shlex
    import shutil
    import subprocess
    import sys

    [command] = re.findall(r"`(papermill notebooks/[^`]+)`", (ROOT / "README.md").read_text(encoding="utf-8"))
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    clone = tmp_path / "clone"
    for rel in filter(None, tracked.decode().split("\0")):
        if (ROOT / rel).is_file():
            (clone / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / rel, clone / rel)
    args = shlex.split(command)
    env = {**os.environ, "PYTHONPATH": str(clone)}
    r = subprocess.run([sys.executable, "-m", *args], cwd=clone, env=env, capture_output=True, text=True,
                       timeout=600)  # fmt: skip
    assert r.returncode == 0, r.stderr[-3000:]
    out = nbformat.read(clone / args[2], as_version=4)
    errors = [o for c in out.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors and any(c.outputs for c in out.cells if c.cell_type == "code")
