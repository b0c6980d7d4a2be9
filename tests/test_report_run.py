"""lit_review.report.run: papermill execution of one report, kernel retries, parameter names."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from lit_review.errors import LitReviewError
from lit_review.report import run


@pytest.mark.parametrize("name", ["x\nimport os", "class", "1abc", "a-b", ""])
def test_crafted_parameter_names_rejected(name):
    with pytest.raises(LitReviewError, match="invalid notebook parameter name"):
        run.validate_parameters({name: 1})


def test_kernel_start_race_is_retried_but_other_errors_are_not(monkeypatch, tmp_path):
    import papermill

    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return nbformat.v4.new_notebook()

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    run.execute(tmp_path / "x.ipynb", {"theme": "x"}, tmp_path)
    assert len(calls) == 2

    def broken(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("something else")

    calls.clear()
    monkeypatch.setattr(papermill, "execute_notebook", broken)
    with pytest.raises(RuntimeError, match="something else"):
        run.execute(tmp_path / "x.ipynb", {"theme": "x"}, tmp_path)
    assert len(calls) == 1


def test_normalize_drops_what_differs_between_runs():
    nb = new_notebook(cells=[new_code_cell("1"), new_markdown_cell("m")])
    nb.metadata["papermill"] = {"start_time": "now"}
    nb.cells[0].metadata["execution"] = {"iopub.status.busy": "now"}
    nb.cells[0].metadata["papermill"] = {"duration": 1.0}
    run.normalize_notebook(nb)
    assert "papermill" not in nb.metadata
    assert [c.id for c in nb.cells] == ["cell-00", "cell-01"]
    assert nb.cells[0].metadata == {}


def _notebook(path, body):
    nb = new_notebook(cells=[
        new_code_cell("word = 'default'", metadata={"tags": ["parameters"]}),
        new_code_cell(body),
    ])  # fmt: skip
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


@pytest.mark.slow
def test_build_one_writes_html_and_notebook(tmp_path):
    nb = _notebook(tmp_path / "n.ipynb", "print('the word is', word)")
    out = tmp_path / "out"
    out.mkdir()
    assert run.build_one(str(nb), "r", "Title", str(out), {"word": "hello"}) == ("r", None)
    html = (out / "r.html").read_text()
    assert "the word is hello" in html and "print(" not in html
    executed = nbformat.read(out / "r.ipynb", as_version=4)
    assert [c.id for c in executed.cells] == ["cell-00", "cell-01", "cell-02"]  # with the injected cell
    assert "papermill" not in executed.metadata


@pytest.mark.slow
def test_build_one_reports_the_failing_cell_and_writes_nothing(tmp_path):
    nb = _notebook(tmp_path / "n.ipynb", "raise ValueError('bad ' + word)")
    out = tmp_path / "out"
    out.mkdir()
    name, error = run.build_one(str(nb), "r", "Title", str(out), {"word": "input"})
    assert name == "r" and "failed in cell" in error and "ValueError: bad input" in error
    assert list(out.iterdir()) == []


def test_normalize_drops_the_kernels_stderr_but_keeps_errors():
    from nbformat.v4 import new_output

    nb = new_notebook(cells=[new_code_cell("1", outputs=[
        new_output("stream", name="stderr", text="Matplotlib is building the font cache; this may take a moment.\n"),
        new_output("stream", name="stdout", text="shown\n"),
        new_output("error", ename="ValueError", evalue="bad", traceback=[]),
    ])])  # fmt: skip
    run.normalize_notebook(nb)
    assert [o.output_type for o in nb.cells[0].outputs] == ["stream", "error"]
    assert nb.cells[0].outputs[0].name == "stdout"


def test_failure_names_theme_cell_and_reason():
    from papermill.exceptions import PapermillExecutionError

    exc = PapermillExecutionError(4, 3, "\n\nr = review.theme_review(project)\nmore()", "KeyError", "'x'", [])
    msg = run._failure("gradient-free", exc)
    assert msg.splitlines() == [
        "theme 'gradient-free' failed in cell 3:",
        "  r = review.theme_review(project)",
        "  KeyError: 'x'",
    ]
    assert run._failure("overview", RuntimeError("gone")) == "report 'overview' failed: RuntimeError: gone"


def test_kernel_is_not_interrupted_when_shut_down(monkeypatch):
    import asyncio

    from jupyter_client.manager import AsyncKernelManager

    from lit_review.report.kernel import ReportKernelManager

    sent = []

    async def interrupt(self):
        sent.append(self.shutting_down)

    monkeypatch.setattr(AsyncKernelManager, "_async_interrupt_kernel", interrupt)
    km = ReportKernelManager(kernel_name="python3")
    km.shutting_down = True
    asyncio.run(km._async_interrupt_kernel())
    km.shutting_down = False  # a user's interrupt still goes through
    asyncio.run(km._async_interrupt_kernel())
    assert sent == [False]
