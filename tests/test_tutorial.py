"""The README's tutorial, run as written: the commands of its marked blocks, in a fresh folder, on a real .bib."""

import html.parser
import os
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from .conftest import ROOT

MARK = "<!-- tutorial"
FIXTURE = ROOT.parent / "shared" / "fixtures" / "bibtex" / "coslu__thesis_bibliography.bib"
OPTIONAL = ("lit-review fetch",)  # needs the network: the README says it is optional


def tutorial_commands(readme: str) -> list[str]:
    """The lines of every ```bash block that follows a ``<!-- tutorial`` marker, in order."""
    commands, lines = [], readme.splitlines()
    for i, line in enumerate(lines):
        if not line.startswith(MARK):
            continue
        assert lines[i + 1] == "```bash", f"README line {i + 2}: a tutorial marker must precede a bash block"
        end = lines.index("```", i + 2)
        commands += [c for c in lines[i + 2 : end] if c.strip()]
    return commands


def local_links(page: Path) -> list[str]:
    """Every href of ``page`` that is not a URL with a scheme or a fragment only."""

    class Links(html.parser.HTMLParser):
        def __init__(self):
            super().__init__()
            self.found = []

        def handle_starttag(self, tag, attrs):
            href = dict(attrs).get("href")
            if tag == "a" and href and not urlparse(href).scheme and not href.startswith("#"):
                self.found.append(unquote(urlparse(href).path))

    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.found


def lit_review_on_path(bin_dir: Path) -> dict:
    """An environment whose ``lit-review`` is this checkout's (whatever else is installed)."""
    bin_dir.mkdir()
    shim = bin_dir / "lit-review"
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m lit_review "$@"\n')
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return env


def test_readme_tutorial_is_marked_and_complete():
    commands = tutorial_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    words = [shlex.split(c, comments=True)[:2] for c in commands]
    assert words[0] == ["lit-review", "init"] and ["lit-review", "build"] in words
    assert ["lit-review", "status"] in words
    assert sum(c.startswith(OPTIONAL) for c in commands) == 1  # the one line the test skips
    assert not any(c.startswith("lit-review lab") for c in commands)  # would start a server


def test_marker_without_a_bash_block_is_caught():
    with pytest.raises(AssertionError, match="README line 3"):
        tutorial_commands("x\n<!-- tutorial -->\nlit-review build\n")


@pytest.mark.slow
def test_readme_tutorial_runs_as_written(tmp_path):
    commands = tutorial_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    script = "\n".join(c for c in commands if not c.startswith(OPTIONAL))
    home = tmp_path / "home"
    (home / "Downloads").mkdir(parents=True)
    (home / "Downloads" / "zotero-export.bib").write_bytes(FIXTURE.read_bytes())  # "your" export
    env = {**lit_review_on_path(tmp_path / "bin"), "HOME": str(home)}
    r = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=home,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert "zotero-export.bib: 51 read (bibtex), 1 rejected" in r.stdout  # 50 entries and a duplicate key
    reports = home / "myreview" / "reports"
    links = local_links(reports / "index.html")
    assert {"efficient-fine-tuning.html", "efficient-fine-tuning.bib", "overview.html"} <= set(links)
    assert all((reports / link).is_file() for link in links)
    bib = (reports / "efficient-fine-tuning.bib").read_text(encoding="utf-8")
    # the example theme takes in zeroth-order fine-tuning (MeZO), not zeroth-order attacks
    assert "Language Models with Just Forward Passes" in bib
    assert "Scaling Down to Scale Up" in bib
    assert "Black-box Attacks" not in bib and "A Method for Stochastic Optimization" not in bib
    assert str(home) not in (reports / "efficient-fine-tuning.html").read_text(encoding="utf-8")
