"""lit-review update: the real client against recorded Daily Papers served on 127.0.0.1.

The responses are real (tests/data/hf-daily, MANIFEST.md); weekends are served as ``[]``, the
API's answer for a day without papers. Expected papers are read from the served files with
``json`` here, never from the code under test.
"""

import csv
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lit_review import fetch
from lit_review.errors import LitReviewError
from lit_review.net import Client
from lit_review.sources.manifest import load_manifest
from lit_review.update import plan_update, recorded_queries, update

from .conftest import ROOT
from .http_server import Reply

DAILY = ROOT / "tests" / "data" / "hf-daily"
WEEK = ["2025-02-13", "2025-02-14", "2025-02-15", "2025-02-16", "2025-02-17", "2025-02-18", "2025-02-19"]
WEEKEND = {"2025-02-15", "2025-02-16"}
TODAY = dt.date(2025, 2, 20)
THEMES = """
[[theme]]
slug = "llm-reasoning"
title = "Reasoning in language models"
scope = "How large language models reason: chain of thought, reinforcement learning for reasoning."
include = ["reasoning", "chain-of-thought", "reinforcement learning"]
min_score = 2

[[theme]]
slug = "video"
title = "Video generation and understanding"
scope = "Models that generate or understand video."
include = ["video"]
min_score = 1
"""


def body(day: str) -> bytes:
    return b"[]" if day in WEEKEND else (DAILY / f"{day}.json").read_bytes()


def ids(day: str) -> set[str]:
    return set() if day in WEEKEND else {"arXiv:" + i["paper"]["id"] for i in json.loads(body(day))}


def serve_days(srv, days, **override):
    for day in days:
        reply = override.get(day) or (Reply(200, body(day), {"Content-Type": "application/json"}),)
        srv.route("/api/daily_papers", *reply, query=f"date={day}&limit=100")


def factory(srv, t, **kw):
    return lambda name: Client(name, api_base=srv.url, sleep=t.sleep, clock=t.clock, **kw)


@pytest.fixture
def review(tmp_path, srv, t):
    """A new project whose one recorded query is the Daily Papers page of 2025-02-12."""
    from lit_review.scaffold import init_project

    project = init_project(tmp_path / "review")
    project.themes.write_text(THEMES, encoding="utf-8")
    serve_days(srv, ["2025-02-12"])
    fetch.fetch(fetch.hf_daily("2025-02-12"), project.root, client=factory(srv, t)("hf"))
    return project


def files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".lock" not in p.name
    }


def papers_csv(project):
    with open(project.references / "papers.csv", newline="", encoding="utf-8") as fh:
        return {r["id"]: r for r in csv.DictReader(fh)}


def test_a_week_of_daily_updates_gives_each_day_its_papers(review, srv, t):
    serve_days(srv, WEEK)
    every = ids("2025-02-12")
    for day in WEEK:
        before = set(papers_csv(review)) if (review.references / "papers.csv").exists() else every
        out = update(review.root, day, client_factory=factory(srv, t), today=TODAY)
        assert [p.name for p in out.saved] == [f"hf-daily-{day}.json"]
        assert (review.sources_dir / f"hf-daily-{day}.json").read_bytes() == body(day)  # verbatim
        papers = papers_csv(review)
        assert set(papers) - before == ids(day)  # exactly the new day's papers
        assert {i for i, r in papers.items() if r["first_seen"] == day} == ids(day)
        every |= ids(day)
        assert set(papers) == every
        assert out.lines[0].endswith(f": {len(ids(day))} new papers in the corpus ({len(every)} in all)")
    log = (review.updates).read_text()
    assert log.splitlines()[1:3] == ["2025-02-12,2025-02-13,1,yes", "2025-02-13,2025-02-14,1,yes"]
    assert log.splitlines()[-1] == "2025-02-18,2025-02-19,1,yes"


def test_one_update_for_the_week_then_idempotent(review, srv, t):
    serve_days(srv, WEEK)
    out = update(review.root, "2025-02-19", client_factory=factory(srv, t), today=TODAY)
    assert [p.name for p in out.saved] == [f"hf-daily-{d}.json" for d in WEEK]
    asked = [s.query["date"][0] for s in srv.requests if s.path == "/api/daily_papers"]
    assert asked == ["2025-02-12", *WEEK]
    papers = papers_csv(review)
    union = set().union(*(ids(d) for d in WEEK))
    new = {i for i, r in papers.items() if r["first_seen"] > "2025-02-12"}
    assert new == union and len(union) == 77  # 15 + 14 + 0 + 0 + 11 + 17 + 20
    assert all(papers[i]["first_seen"] == d for d in WEEK for i in ids(d))
    assert review.updates.read_text() == "since,until,saved,complete\n2025-02-12,2025-02-19,7,yes\n"
    manifest = review.manifest.read_text()
    for day in WEEK:  # weekends recorded as fetched
        assert f'file = "hf-daily-{day}.json"' in manifest and f'page_date = "{day}"' in manifest
    assert out.lines[0] == "New since 2025-02-12: 77 new papers in the corpus (91 in all)"
    assert [line.split(":")[0] for line in out.lines[1:]] == ["llm-reasoning", "video"]
    assert out.lines[1].startswith("llm-reasoning: 77 new papers, ")

    before, n = files(review.root), len(srv.requests)
    again = update(review.root, "2025-02-19", client_factory=factory(srv, t), today=TODAY)
    assert again.saved == [] and len(srv.requests) == n  # nothing asked
    assert again.lines == ["up to date: every recorded query is fetched to 2025-02-19"]
    assert files(review.root) == before  # no file changed


def test_a_failing_service_stops_with_one_line_and_keeps_what_was_saved(review, srv, t):
    serve_days(srv, WEEK, **{"2025-02-15": (Reply(503, b"Service Unavailable"),)})
    papers_before = (
        (review.references / "papers.csv").read_bytes()
        if (review.references / "papers.csv").exists()
        else None
    )
    with pytest.raises(LitReviewError) as exc:
        update(review.root, "2025-02-19", client_factory=factory(srv, t, retries=2, backoff=1.5), today=TODAY)
    msg = str(exc.value)
    assert "\n" not in msg and "Hugging Face Papers" in msg and "2025-02-15" in msg and "HTTP 503" in msg
    assert "2 responses saved before it kept" in msg
    assert t.sleeps.count(1.5) == 1 and 3.0 in t.sleeps  # backoff between the 3 attempts
    saved = sorted(p.name for p in review.sources_dir.iterdir() if not p.name.startswith("."))
    assert saved == ["hf-daily-2025-02-12.json", "hf-daily-2025-02-13.json", "hf-daily-2025-02-14.json"]
    assert not list(review.sources_dir.glob(".*.tmp")) and not list(review.references.glob(".*.tmp"))
    assert sorted(load_manifest(review.manifest)) == saved  # the manifest lists exactly what was saved
    # logged as interrupted (to be resumed), nothing ingested
    assert review.updates.read_text() == "since,until,saved,complete\n2025-02-12,2025-02-19,2,no\n"
    assert ((review.references / "papers.csv").read_bytes() if papers_before else None) == papers_before

    srv.requests.clear()
    serve_days(srv, ["2025-02-15"])  # the service is back: the next update resumes there
    out = update(review.root, "2025-02-19", client_factory=factory(srv, t), today=TODAY)
    assert [s.query["date"][0] for s in srv.requests] == WEEK[2:]
    assert [p.name for p in out.saved] == [f"hf-daily-{d}.json" for d in WEEK[2:]]
    assert {i for i, r in papers_csv(review).items() if r["first_seen"] > "2025-02-12"} == set().union(
        *(ids(d) for d in WEEK)
    )
    assert review.updates.read_text().splitlines()[-1] == "2025-02-12,2025-02-19,5,yes"  # resumed: same since
    assert out.lines[0] == "New since 2025-02-12: 77 new papers in the corpus (91 in all)"


def test_retry_after_is_honoured_and_a_dropped_connection_retried(review, srv, t):
    serve_days(
        srv,
        ["2025-02-13", "2025-02-14"],
        **{
            "2025-02-13": (Reply(429, b"slow down", {"Retry-After": "7"}), Reply(200, body("2025-02-13"))),
            "2025-02-14": (Reply.drop(), Reply(200, body("2025-02-14"))),
        },
    )
    out = update(review.root, "2025-02-14", client_factory=factory(srv, t), today=TODAY)
    assert [p.name for p in out.saved] == ["hf-daily-2025-02-13.json", "hf-daily-2025-02-14.json"]
    assert 7 in t.sleeps


def test_refused_connection_and_a_non_json_answer(review, srv, t):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def closed(name):
        return Client(name, api_base=f"http://127.0.0.1:{port}", retries=1, sleep=t.sleep, clock=t.clock)

    with pytest.raises(
        LitReviewError, match=r"update stopped at Hugging Face Papers 2025-02-13: .*Connection refused"
    ):
        update(review.root, "2025-02-14", client_factory=closed, today=TODAY)
    serve_days(srv, ["2025-02-13"], **{"2025-02-13": (Reply(200, b"<html>maintenance</html>"),)})
    with pytest.raises(LitReviewError, match=r"2025-02-13: the response is not hf-json .*nothing saved"):
        update(review.root, "2025-02-14", client_factory=factory(srv, t), today=TODAY)
    assert not (review.sources_dir / "hf-daily-2025-02-13.json").exists()


def test_until_checked_and_dry_run_writes_nothing(review, srv, t):
    with pytest.raises(LitReviewError, match="--until 2025-02-21 is after today"):
        update(review.root, "2025-02-21", client_factory=factory(srv, t), today=TODAY)
    with pytest.raises(LitReviewError, match="not a date"):
        update(review.root, "Feb 19", today=TODAY)
    before, n = files(review.root), len(srv.requests)
    out = update(review.root, "2025-02-14", dry_run=True, client_factory=factory(srv, t), today=TODAY)
    assert out.lines == [
        "would fetch:",
        "  https://huggingface.co/api/daily_papers?date=2025-02-13&limit=100",
        "  https://huggingface.co/api/daily_papers?date=2025-02-14&limit=100",
    ]
    assert files(review.root) == before and len(srv.requests) == n


def test_recorded_searches_and_arxiv_queries_are_asked_again(review, srv, t):
    review.manifest.write_text(
        review.manifest.read_text()
        + '\n[[source]]\nfile = "hf-search-diffusion-x.json"\norigin = "Hugging Face Papers"\nlisting = "search"\n'
        'query = "diffusion"\ncaptured = "2025-02-12"\nurl = "https://huggingface.co/api/papers/search?q=diffusion"\n'
        '\n[[source]]\nfile = "arxiv-x.xml"\norigin = "arXiv"\nlisting = "query"\nquery = "llada"\n'
        'captured = "2025-02-12"\n'
        'url = "https://export.arxiv.org/api/query?search_query=all%3Allada&start=0&max_results=50"\n'
    )
    got = {r.kind: r for r in recorded_queries(review)}
    assert got["hf-daily"].last == dt.date(2025, 2, 12) and got["hf-search"].text == "diffusion"
    assert (got["arxiv"].text, got["arxiv"].max_results) == ("all:llada", 50)
    plan = [req.url for req, _ in plan_update(review, dt.date(2025, 2, 13), TODAY)]
    assert plan == [
        "https://huggingface.co/api/daily_papers?date=2025-02-13&limit=100",
        "https://huggingface.co/api/papers/search?q=diffusion",
        "https://export.arxiv.org/api/query?search_query=%28all%3Allada%29%20AND%20submittedDate%3A"
        "%5B202502130000%20TO%20202502132359%5D&start=0&max_results=50",
    ]
    req = plan_update(review, dt.date(2025, 2, 13), TODAY)[2][0]  # the window's end is what it covers next
    review.manifest.write_text(
        review.manifest.read_text()
        + f'\n[[source]]\nfile = "{req.file}"\ncaptured = "2025-02-20"\nurl = "{req.url}"\n'
    )
    assert {r.kind: r for r in recorded_queries(review)}["arxiv"].last == dt.date(2025, 2, 13)


def run_cli(*args, cwd, env=None):
    return subprocess.run(
        [sys.executable, "-m", "lit_review", *args], cwd=cwd, capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )  # fmt: skip


def test_cli_update_with_api_base_and_the_environment_variable(review, srv):
    serve_days(srv, ["2025-02-13", "2025-02-14"])
    r = run_cli("update", "--until", "2025-02-13", "--api-base", srv.url, cwd=review.root)
    assert r.returncode == 0, r.stderr
    assert "saved hf-daily-2025-02-13.json" in r.stdout and "llm-reasoning: 15 new papers" in r.stdout
    r = run_cli("update", "--until", "2025-02-14", cwd=review.root, env={"LIT_REVIEW_HF_API": srv.url})
    assert r.returncode == 0, r.stderr
    assert "New since 2025-02-13: 14 new papers" in r.stdout
    r = run_cli("update", "--until", "2025-02-14", cwd=review.root, env={"LIT_REVIEW_HF_API": srv.url})
    assert r.returncode == 0 and "up to date" in r.stdout
    # a 5xx costs real waits through the CLI (the client's backoff, 2 + 4 + 8 + 16 s; tested above with
    # an injected clock): a refused connection stands for the CLI's one-line error
    r = run_cli("update", "--until", "2025-02-15", "--api-base", "http://127.0.0.1:9", cwd=review.root)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.startswith("error: update stopped at Hugging Face Papers 2025-02-15: ")
    assert len(r.stderr.strip().splitlines()) == 1


def test_the_current_day_is_left_for_the_next_update(review, srv, t):
    """A day's page fills while the day lasts: with --until today it is not saved half-full."""
    serve_days(srv, ["2025-02-13", "2025-02-14"])
    today = dt.date(2025, 2, 14)
    out = update(review.root, "2025-02-14", client_factory=factory(srv, t), today=today)
    assert [p.name for p in out.saved] == ["hf-daily-2025-02-13.json"]
    again = update(review.root, None, client_factory=factory(srv, t), today=today)  # default: today
    assert again.saved == [] and again.lines[0].startswith("up to date")
    later = update(review.root, None, client_factory=factory(srv, t), today=today + dt.timedelta(days=1))
    assert [p.name for p in later.saved] == ["hf-daily-2025-02-14.json"]
