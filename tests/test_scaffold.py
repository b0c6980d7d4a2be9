"""``lit-review init``, the project it makes, ``lab``, and every command outside a project."""

import os
import shutil

import pytest

import lit_review as lr
from lit_review import cli
from lit_review.errors import LitReviewError
from lit_review.project import PACKAGE_NOTEBOOKS, Project
from lit_review.themes import load_themes

from .conftest import ROOT, SOURCES

BIB = ROOT.parent / "shared" / "fixtures" / "bibtex" / "bvitamins__collections__dlm.bib"


def test_init_makes_an_empty_review_project(tmp_path, capsys):
    assert cli.main(["init", str(tmp_path / "review")]) == 0
    root = tmp_path / "review"
    ref = root / "references"
    assert sorted(p.name for p in (ref / "sources").iterdir()) == [".gitkeep"]  # kept by git, not a source
    assert Project.at(root).source_files() == []
    assert (ref / "citekeys.csv").read_text() == "citekey,id,title\n"
    assert (ref / "decisions.csv").read_text() == "paper,theme,decision,reason,reviewer,date\n"
    assert (root / "reports").is_dir() and not any((root / "reports").iterdir())
    for nb in ("theme_review.ipynb", "corpus_overview.ipynb", "screen.ipynb"):  # the user's own copies
        assert (root / "notebooks" / nb).read_bytes() == (ROOT / "notebooks" / nb).read_bytes()
    [theme] = load_themes(ref / "themes.toml")
    assert theme.slug == "efficient-fine-tuning" and len(theme.scope) > 200 and len(theme.include) >= 8
    ignored = (root / ".gitignore").read_text().splitlines()
    for pattern in (".ipynb_checkpoints/", "reports/.build-state.json", "reports/.corpus.pickle"):
        assert pattern in ignored
    assert "lit-review build" in (root / "README.md").read_text()
    assert "created review project" in capsys.readouterr().out


def test_init_into_an_empty_folder(tmp_path):
    assert cli.main(["init", str(tmp_path)]) == 0
    assert Project.at(tmp_path).root == tmp_path.resolve()


@pytest.mark.parametrize("kind", ["file in folder", "a file"])
def test_init_refuses_anything_not_new(tmp_path, capsys, kind):
    target = tmp_path / "review"
    if kind == "a file":
        target.write_text("mine")
    else:
        target.mkdir()
        (target / "notes.txt").write_text("mine")
    assert cli.main(["init", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not an empty folder" in err and str(target) in err
    assert (target.read_text() if kind == "a file" else (target / "notes.txt").read_text()) == "mine"
    assert not (target / "references").exists()


def test_init_example_is_the_bundled_corpus(tmp_path):
    assert cli.main(["init", str(tmp_path / "demo"), "--example"]) == 0
    ref = tmp_path / "demo" / "references"
    names = sorted(p.name for p in SOURCES.iterdir())
    assert sorted(p.name for p in (ref / "sources").iterdir() if p.name != ".gitkeep") == names
    for name in names:
        assert (ref / "sources" / name).read_bytes() == (SOURCES / name).read_bytes()
    assert len(load_themes(ref / "themes.toml")) == 6
    assert len(lr.load_corpus(tmp_path / "demo")) == 544  # as the repo's own review (test_cli)


def test_package_example_is_a_copy_of_the_bundled_review():
    """The listings, their manifest entries and the themes; not the metadata files (30 MB, some
    GPL-3.0: the repository holds them with their licences, the wheel does not ship them)."""
    import tomllib

    example = ROOT / "lit_review" / "example"
    assert (example / "themes.toml").read_bytes() == (ROOT / "references" / "themes.toml").read_bytes()
    bundled = tomllib.loads((ROOT / "references" / "sources.toml").read_text(encoding="utf-8"))["source"]
    listings = [s for s in bundled if not s["file"].startswith("metadata/")]
    assert tomllib.loads((example / "sources.toml").read_text(encoding="utf-8"))["source"] == listings
    assert len(listings) == 5 and not (example / "metadata").exists()
    assert sorted(p.name for p in (example / "sources").iterdir()) == sorted(
        p.name for p in SOURCES.iterdir()
    )
    for p in SOURCES.iterdir():
        assert (example / "sources" / p.name).read_bytes() == p.read_bytes(), p.name


def test_the_repository_has_one_copy_of_each_notebook_at_its_top():
    assert not (ROOT / "lit_review" / "notebooks").exists()
    assert PACKAGE_NOTEBOOKS == ROOT / "notebooks"  # a checkout, or an editable install of it
    assert sorted(p.name for p in PACKAGE_NOTEBOOKS.glob("*.ipynb")) == [
        "corpus_overview.ipynb",
        "screen.ipynb",
        "theme_review.ipynb",
    ]


def test_project_without_notebooks_runs_working_copies_of_the_package_ones(tmp_path):
    cli.main(["init", str(tmp_path / "r")])
    shutil.rmtree(tmp_path / "r" / "notebooks")
    proj = Project.at(tmp_path / "r")
    nb = proj.notebook("theme_review.ipynb")
    assert nb == proj.reports / ".notebooks" / "theme_review.ipynb" and nb.parent == proj.notebooks
    assert nb.read_bytes() == (PACKAGE_NOTEBOOKS / "theme_review.ipynb").read_bytes()
    nb.write_text("stale")
    assert proj.notebook("theme_review.ipynb").read_bytes() == (PACKAGE_NOTEBOOKS / nb.name).read_bytes()


def test_project_with_its_own_notebooks_uses_them(tmp_path):
    cli.main(["init", str(tmp_path / "r")])
    proj = Project.at(tmp_path / "r")
    assert (
        proj.notebook("theme_review.ipynb") == tmp_path.resolve() / "r" / "notebooks" / "theme_review.ipynb"
    )
    assert not (proj.reports / ".notebooks").exists()


def test_project_found_from_a_subfolder(tmp_path, monkeypatch):
    cli.main(["init", str(tmp_path / "r")])
    monkeypatch.chdir(tmp_path / "r" / "notebooks")
    assert Project.at().root == (tmp_path / "r").resolve()


OUTSIDE = [
    ["status"],
    ["build"],
    ["ingest"],
    ["themes"],
    ["export", "--format", "csv"],
    ["evaluate", "labels.csv"],
    ["lab", "--dry-run"],
    ["fetch", "arxiv", "--query", "x"],  # refused before any network use
]


@pytest.mark.parametrize("argv", OUTSIDE, ids=lambda a: a[0])
def test_every_command_outside_a_project_says_so(tmp_path, monkeypatch, capsys, argv):
    monkeypatch.chdir(tmp_path)
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "not inside a review project" in err and "references/sources/" in err
    assert "lit-review init DIR" in err and str(tmp_path.resolve()) in err
    assert not any(tmp_path.iterdir())  # nothing written


def test_dash_c_on_a_folder_that_is_no_project(tmp_path, capsys):
    assert cli.main(["-C", str(tmp_path), "build"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {tmp_path}: not a review project") and "lit-review init DIR" in err


def test_load_corpus_outside_a_project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(LitReviewError, match="not inside a review project.*lit-review init DIR"):
        lr.load_corpus()
    with pytest.raises(LitReviewError, match="not a review project"):
        lr.load_corpus(tmp_path)


def test_load_corpus_takes_the_project_folder(tmp_path):
    cli.main(["init", str(tmp_path / "r")])
    shutil.copy(BIB, tmp_path / "r" / "references" / "sources")
    assert len(lr.load_corpus(tmp_path / "r")) == 20  # the fixture's 20 entries (fixtures/MANIFEST.md)


def test_lab_command(tmp_path, capsys, monkeypatch):
    cli.main(["init", str(tmp_path / "r")])
    capsys.readouterr()
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert cli.main(["lab", str(tmp_path / "r"), "--dry-run"]) == 0
    out = capsys.readouterr().out.split()
    assert out[1:3] == ["-m", "jupyterlab"] and out[3] == f"--notebook-dir={(tmp_path / 'r').resolve()}"
    assert "--allow-root" not in out
    ran = []
    monkeypatch.setattr(os, "execv", lambda *a: ran.append(a))  # never start a server
    monkeypatch.chdir(tmp_path / "r" / "references")
    cli.main(["lab"])
    assert ran and ran[0][1] == cli.lab_command(Project.at(tmp_path / "r"))


def test_lab_as_root_passes_allow_root_and_says_so(tmp_path, capsys, monkeypatch):
    cli.main(["init", str(tmp_path / "r")])
    capsys.readouterr()
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    assert cli.main(["lab", str(tmp_path / "r"), "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert out.split()[-1] == "--allow-root"
    assert err == "running as root: JupyterLab gets --allow-root\n"


@pytest.mark.slow
def test_lab_starts_a_server_for_whoever_runs_it(tmp_path):
    """The real command, as this user (root in CI and in containers): JupyterLab comes up and serves."""
    import re
    import select
    import signal
    import subprocess
    import sys
    import time

    cli.main(["init", str(tmp_path / "r")])
    env = {**os.environ, "BROWSER": "true", "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"), "PYTHONPATH": str(ROOT)}  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-m", "lit_review", "lab", str(tmp_path / "r")], env=env,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, start_new_session=True)  # fmt: skip
    seen, deadline = "", time.monotonic() + 90
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if select.select([proc.stderr], [], [], 1)[0]:
                seen += proc.stderr.readline()
                if re.search(r"http://(127\.0\.0\.1|localhost):\d+/lab", seen):
                    break
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    assert re.search(r"http://(127\.0\.0\.1|localhost):\d+/lab", seen), seen[-2000:]


def test_init_writes_the_scheduled_build_workflow(tmp_path):
    import yaml

    from lit_review import __version__
    from lit_review.scaffold import init_project

    project = init_project(tmp_path / "r")
    wf = yaml.safe_load((project.root / ".github" / "workflows" / "review.yml").read_text())
    triggers = wf[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["schedule"][0]["cron"].split()[4] == "1" and "workflow_dispatch" in triggers
    assert wf["env"]["LIT_REVIEW_PACKAGE"] == f"lit-review=={__version__}"
    assert wf["permissions"]["contents"] == "write" and wf["permissions"]["pages"] == "write"
    runs = [s.get("run", s.get("uses")) for s in wf["jobs"]["update"]["steps"]]
    assert runs[2] == 'python -m pip install "$LIT_REVIEW_PACKAGE"'
    assert runs[3:5] == ["lit-review update", "lit-review build"]
    assert "git add references/" in runs[5] and "git push" in runs[5]
    assert runs[-1] == "actions/upload-pages-artifact@v3"
    assert wf["jobs"]["publish"]["steps"][0]["uses"] == "actions/deploy-pages@v4"
