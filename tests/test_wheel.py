"""The built wheel, installed in a fresh virtual environment, is a working ``lit-review``.

Not editable, not from the checkout: the wheel is built from a copy of the sources, installed
(dependencies from the package index) into a venv without system site-packages, and run from
a folder outside the checkout with no ``PYTHONPATH``. Takes about two minutes (the install).
"""

import os
import shutil
import subprocess
import sys
import venv
import zipfile

import pytest

from .conftest import ROOT
from .test_tutorial import local_links

BIB = ROOT.parent / "shared" / "fixtures" / "bibtex" / "bvitamins__collections__dlm.bib"
SKIP = shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "reports", "__pycache__", ".*cache")


def run(*args, cwd, env, timeout=900):
    r = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"{args}: {r.stdout[-2000:]}\n{r.stderr[-3000:]}"
    return r


@pytest.mark.slow
def test_wheel_installs_and_builds_a_review(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=SKIP)  # no build/ left over from an earlier build
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "-q",
        "-w",
        str(tmp_path / "dist"),
        str(src),
        cwd=tmp_path,
        env=env,
    )
    [wheel] = (tmp_path / "dist").glob("lit_review-*.whl")
    with zipfile.ZipFile(wheel) as zf:  # the notebooks/ at the top of the repository, inside the package
        shipped = {n: zf.read(n) for n in zf.namelist() if n.startswith("lit_review/notebooks/")}
    assert shipped == {
        f"lit_review/notebooks/{p.name}": p.read_bytes() for p in (ROOT / "notebooks").glob("*.ipynb")
    }
    assert len(shipped) == 3

    venv.create(tmp_path / "env", with_pip=True, system_site_packages=False)
    bin_dir = tmp_path / "env" / "bin"
    run(str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel), cwd=tmp_path, env=env)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    shutil.rmtree(src)  # nothing may come from the sources now
    where = run("python", "-c", "import lit_review; print(lit_review.__file__)", cwd=tmp_path, env=env)
    assert where.stdout.startswith(str(tmp_path / "env" / "lib"))
    run("python", "-c", "import jupyterlab", cwd=tmp_path, env=env)  # a default dependency

    work = tmp_path / "work"
    work.mkdir()
    run("lit-review", "init", "review", cwd=work, env=env)
    review = work / "review"
    shutil.copy(BIB, review / "references" / "sources")
    out = run("lit-review", "ingest", cwd=review, env=env).stdout
    assert "bvitamins__collections__dlm.bib: 20 read (bibtex), 0 rejected" in out
    run("lit-review", "build", cwd=review, env=env)
    reports = review / "reports"
    links = local_links(reports / "index.html")
    assert {"efficient-fine-tuning.html", "efficient-fine-tuning.bib", "overview.html"} <= set(links)
    assert all((reports / link).is_file() for link in links)
    for page in reports.glob("*.html"):
        assert str(tmp_path) not in page.read_text(encoding="utf-8"), page.name

    # the package's own notebooks, for a project without a notebooks/ folder
    shutil.rmtree(review / "notebooks")
    run("lit-review", "build", "--force", cwd=review, env=env)
    for name in ("efficient-fine-tuning", "overview"):
        assert "site-packages" not in (reports / f"{name}.ipynb").read_text(encoding="utf-8")
    run("lit-review", "init", "demo", "--example", cwd=work, env=env)
    assert "unique papers: 544" in run("lit-review", "status", cwd=work / "demo", env=env).stdout
