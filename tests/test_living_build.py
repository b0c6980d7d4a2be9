"""A living review end to end: a week of updates, then a build (feeds, 'New since', index), and the
scheduled workflow's own commands run against a local server. Real builds: slow."""

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import feedparser
import pytest
import yaml

from lit_review import fetch
from lit_review.update import update

from .conftest import ROOT
from .http_server import FakeTime, Reply
from .test_update import THEMES, TODAY, WEEK, body, factory, ids, serve_days

pytestmark = pytest.mark.slow


def _project(path, srv, t, day="2025-02-12"):
    from lit_review.scaffold import init_project

    project = init_project(path)
    project.themes.write_text(THEMES, encoding="utf-8")
    fetch.fetch(fetch.hf_daily(day), project.root, client=factory(srv, t)("hf"))
    return project


def test_a_week_then_a_build_feeds_new_since_and_index(tmp_path, srv):
    from lit_review.report import build

    t = FakeTime()
    serve_days(srv, ["2025-02-12", *WEEK])
    project = _project(tmp_path / "review", srv, t)
    update(project.root, "2025-02-19", client_factory=factory(srv, t), today=TODAY)
    assert build(project.root).exit_code == 0
    out = project.reports
    day_of = {i: d for d in WEEK for i in ids(d)}
    for slug in ("llm-reasoning", "video"):
        feed = feedparser.parse((out / f"{slug}.atom").read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        entries = [e.id.removeprefix("urn:lit-review:paper:") for e in feed.entries]
        n_bib = sum(line.startswith("@") for line in (out / f"{slug}.bib").read_text().splitlines())
        assert len(entries) == n_bib > 0  # every included paper is dated here: all are in the feed
        days = [e.updated[:10] for e in feed.entries]
        assert days == sorted(days, reverse=True)  # newest first seen first
        assert all(day_of.get(i, "2025-02-12") == d for i, d in zip(entries, days))
        page = (out / f"{slug}.html").read_text()
        assert (
            f'<link rel="alternate" type="application/atom+xml" href="{slug}.atom"'
            in page.split("</head>")[0]
        )
        section = page.split('<h2 id="new"')[1].split("<h2")[0]
        assert section.startswith(">New since 2025-02-12</h2>")
        assert "77 new papers in the corpus" in section
        listed = set(re.findall(r'href="https://arxiv.org/abs/([0-9.]+)"', section))
        assert listed and {"arXiv:" + i for i in listed} <= set(day_of)  # only the week's papers
        assert set(re.findall(r">(2025-02-\d\d)</td>", section)) <= set(WEEK)
        assert page.index('<h2 id="new"') < page.index('<h2 id="Selection-of-papers"')  # at the top
    index = (out / "index.html").read_text()
    assert ">New since 2025-02-12</th>" in index and '<a href="video.atom">Atom feed</a>' in index

    first = {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in (".atom", ".html")}
    again = tmp_path / "again"
    assert build(project.root, out=again, force=True).exit_code == 0
    assert {p.name: p.read_bytes() for p in again.iterdir() if p.suffix in (".atom", ".html")} == first


def _git(*args, cwd):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def test_the_workflow_commands_keep_a_review_current(tmp_path, srv):
    """The steps of the workflow init writes, run as written (but the install: the kit is on
    PYTHONPATH, no network) against a local server, in a clone that pushes to a local remote."""
    t = FakeTime()
    today = dt.datetime.now(dt.UTC).date()
    days = [today - dt.timedelta(days=n) for n in (3, 2, 1)]  # today's page is left until the day is over
    # recorded answers, served in turn whatever the date asked (the workflow asks for today's)
    srv.route("/api/daily_papers", *(Reply(200, body(d)) for d in ("2025-02-12", "2025-02-13", "2025-02-14")))
    project = _project(tmp_path / "review", srv, t, day=days[0].isoformat())
    remote = tmp_path / "remote.git"
    _git("init", "-q", "--bare", str(remote), cwd=tmp_path)
    for args in (("init", "-q", "-b", "main"), ("add", "-A"), ("-c", "user.name=t", "-c", "user.email=t@t",
                 "commit", "-q", "-m", "start"), ("remote", "add", "origin", str(remote)), ("push", "-q", "-u", "origin", "main")):  # fmt: skip
        _git(*args, cwd=project.root)

    workflow = yaml.safe_load((project.root / ".github" / "workflows" / "review.yml").read_text())
    steps = [s for s in workflow["jobs"]["update"]["steps"] if "run" in s]
    assert steps[0]["run"] == 'python -m pip install "$LIT_REVIEW_PACKAGE"'  # not run: no network in tests
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LIT_REVIEW_HF_API": srv.url, "LIT_REVIEW_ARXIV_API": "",
           "PATH": f"{Path(shutil.which('lit-review') or '/work/main/.venv/bin/lit-review').parent}:{os.environ['PATH']}"}  # fmt: skip
    for step in steps[1:]:
        r = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=project.root, env=env, capture_output=True,
                           text=True, timeout=900)  # fmt: skip
        assert r.returncode == 0, (step["name"], r.stdout, r.stderr)
    asked = [s.query["date"][0] for s in srv.requests]
    assert asked == [d.isoformat() for d in days]
    pushed = _git("--git-dir", str(remote), "show", "--stat", "--format=%s", "main", cwd=tmp_path)
    assert pushed.startswith("lit-review update: new sources and pins")
    for name in (
        f"hf-daily-{days[1]}.json",
        f"hf-daily-{days[2]}.json",
        "first-seen.csv",
        "updates.csv",
        "sources.toml",
    ):
        assert name in pushed
    assert ".lock" not in pushed
    site = sorted(p.name for p in (project.root / "_site").iterdir())
    assert {"index.html", "llm-reasoning.atom", "video.atom", "llm-reasoning.html"} <= set(site)
    assert not [n for n in site if n.startswith(".")]  # no build state or snapshot published
    assert json.loads((project.sources_dir / f"hf-daily-{days[2]}.json").read_bytes()) == json.loads(
        body("2025-02-14")
    )
