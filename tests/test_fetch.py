"""``lit-review fetch``: the real client against a local server serving stored real responses."""

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from lit_review import fetch
from lit_review.cli import main
from lit_review.errors import LitReviewError
from lit_review.ingest import run_ingest
from lit_review.net import Client, ServiceError
from lit_review.project import Project
from lit_review.sources import read_source
from lit_review.sources.manifest import load_manifest

from .http_server import RecordedServer, Reply
from .processes import run_together

FIXTURES = Path("/work/shared/fixtures")
HF_DAY = FIXTURES / "hf" / "hfdaily-zh__2025-02-17.json"
ARXIV_TESTING = FIXTURES / "arxiv" / "arxivpy-2026__q_testing_s0_m10_bc5a6c384fe9.body.DERIVED.atom.xml"
NOW = dt.datetime(2026, 11, 27, 14, 15, 16, 999, tzinfo=dt.UTC)


@pytest.fixture
def srv(monkeypatch):
    """A local server standing in for both services (through their environment variables)."""
    with RecordedServer() as server:
        monkeypatch.setenv("LIT_REVIEW_HF_API", server.url)
        monkeypatch.setenv("LIT_REVIEW_ARXIV_API", server.url)
        yield server


def quick(service):
    return Client(service, min_interval=0, backoff=0.01)


def test_fetch_hf_daily_saves_raw_bytes_and_manifest_entry(project, srv):
    srv.route("/api/daily_papers", Reply.file(HF_DAY))
    before = (project / "references" / "sources.toml").read_text(encoding="utf-8")
    saved = fetch.fetch(fetch.hf_daily("2025-02-17"), project, now=NOW)
    url = f"{srv.url}/api/daily_papers?date=2025-02-17&limit=100"  # the server actually asked
    assert (
        fetch.hf_daily("2025-02-17").url
        == "https://huggingface.co/api/daily_papers?date=2025-02-17&limit=100"
    )
    assert [(r.path, r.query) for r in srv.requests] == [
        ("/api/daily_papers", {"date": ["2025-02-17"], "limit": ["100"]})
    ]
    assert saved == project / "references" / "sources" / "hf-daily-2025-02-17.json"
    assert saved.read_bytes() == HF_DAY.read_bytes()
    after = (project / "references" / "sources.toml").read_text(encoding="utf-8")
    assert after.startswith(before)  # the existing entries and comments are kept as they were
    entry = tomllib.loads(after)["source"][-1]
    assert entry["file"] == "hf-daily-2025-02-17.json"
    assert (entry["url"], entry["fetched"], entry["captured"]) == (url, "2026-11-27T14:15:16Z", "2026-11-27")
    assert entry["page_date"] == "2025-02-17" and len(entry["sha256"]) == 64
    assert load_manifest(project / "references" / "sources.toml")["hf-daily-2025-02-17.json"].origin == (
        "Hugging Face Papers"
    )
    # the saved file ingests with the project's other sources
    corpus = run_ingest(Project.at(project)).corpus
    got = {lst.source: lst for lst in corpus.listings}
    assert got["hf-daily-2025-02-17.json"].n_read == 11
    assert not [r for r in corpus.rejects if r.source == "hf-daily-2025-02-17.json"]


def test_fetch_arxiv_through_the_cli(project, capsys, monkeypatch):
    monkeypatch.delenv("LIT_REVIEW_ARXIV_API", raising=False)
    with RecordedServer() as srv:
        srv.route("/api/query", Reply.file(ARXIV_TESTING, content_type="application/atom+xml"))
        argv = ["-C", str(project), "fetch", "arxiv", "--query", "testing", "--max", "10"]
        assert main([*argv, "--api-base", srv.url, "--mailto", "me@example.org"]) == 0
    (seen,) = srv.requests
    assert seen.path == "/api/query"
    assert seen.query == {"search_query": ["all:testing"], "start": ["0"], "max_results": ["10"]}
    assert "mailto:me@example.org" in seen.headers["User-Agent"]
    (saved,) = (project / "references" / "sources").glob("arxiv-*.xml")
    assert saved.name.startswith("arxiv-testing-m10-") and saved.read_bytes() == ARXIV_TESTING.read_bytes()
    info = load_manifest(project / "references" / "sources.toml")[saved.name]
    assert (info.origin, info.query) == ("arXiv", "testing")
    batch = read_source(saved)
    assert len(batch.records) == 10 and batch.records[0].arxiv_id == "2202.12139"
    assert saved.name in capsys.readouterr().out


def test_same_request_same_name_and_refetch_refused(project, srv):
    srv.route("/api/papers/search", Reply.file(HF_DAY))  # a recorded HF list standing in for a search
    a, b = fetch.hf_search("diffusion language models"), fetch.hf_search("diffusion language models")
    assert a == b and a.file.startswith("hf-search-diffusion-language-models-")
    assert a.url == "https://huggingface.co/api/papers/search?q=diffusion%20language%20models"
    fetch.fetch(a, project, now=NOW)
    manifest = (project / "references" / "sources.toml").read_bytes()
    with pytest.raises(LitReviewError, match="already fetched"):
        fetch.fetch(a, project, now=NOW)
    assert (project / "references" / "sources.toml").read_bytes() == manifest
    assert len(srv.requests) == 1  # refused before asking the service again


def test_response_in_the_wrong_format_saves_nothing(project, srv):
    srv.route("/api/query", Reply(200, b"<html><body>Service unavailable</body></html>"))
    manifest = (project / "references" / "sources.toml").read_bytes()
    files = sorted((project / "references" / "sources").iterdir())
    with pytest.raises(LitReviewError, match="not arxiv-atom"):
        fetch.fetch(fetch.arxiv_query("testing", 5), project, now=NOW, client=quick("arxiv"))
    assert sorted((project / "references" / "sources").iterdir()) == files
    assert (project / "references" / "sources.toml").read_bytes() == manifest


def test_service_down_is_one_line_and_saves_nothing(project, srv, capsys):
    srv.route("/api/daily_papers", Reply(503, b"<html>down</html>"))
    manifest = (project / "references" / "sources.toml").read_bytes()
    with pytest.raises(
        ServiceError, match=r"^Hugging Face Papers failed 3 times for http://127\.0\.0\.1:\d+/api/daily"
    ):
        fetch.fetch(
            fetch.hf_daily("2025-02-17"), project, now=NOW, client=Client("hf", retries=2, backoff=0.01)
        )
    assert not (project / "references" / "sources" / "hf-daily-2025-02-17.json").exists()
    assert (project / "references" / "sources.toml").read_bytes() == manifest


def test_http_error_through_the_cli_is_one_line(project, srv, capsys):
    srv.route("/api/query", Reply(400, b"bad query"))
    assert main(["-C", str(project), "fetch", "arxiv", "--query", "x"]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith(f"error: arXiv refused {srv.url}/api/query?search_query=all%3Ax")
        and err.count("\n") == 1
    )
    assert "HTTP 400" in err and "(bad query)" in err


def test_arxiv_query_forms():
    assert fetch.arxiv_search_query("masked diffusion") == "all:masked AND all:diffusion"
    assert fetch.arxiv_search_query("ti:diffusion AND au:shi") == "ti:diffusion AND au:shi"
    with pytest.raises(LitReviewError, match="--max"):
        fetch.arxiv_query("x", 0)
    with pytest.raises(LitReviewError, match="empty query"):
        fetch.hf_search("  ")


def test_cli_bad_date_is_one_line_error(project, capsys):
    assert main(["-C", str(project), "fetch", "hf", "--date", "2025-02-30"]) == 2
    err = capsys.readouterr().err
    assert err == "error: --date '2025-02-30' is not a date (YYYY-MM-DD)\n"


def _append_entries(manifest: str, tag: str, n: int, start) -> None:
    from lit_review.net.save import save_response

    start.wait(60)
    root = Path(manifest).parent.parent
    for k in range(n):
        save_response(root, f"sources/{tag}-{k}.json", b"[]", origin="test", listing=tag,
                      url=f"http://127.0.0.1/{tag}/{k}", fetched=NOW)  # fmt: skip


def test_fetches_at_the_same_time_each_keep_their_manifest_entry(project):
    manifest = Project.at(project).manifest
    before = load_manifest(manifest)
    run_together(_append_entries, [(str(manifest), t, 25) for t in "abcd"])
    after = load_manifest(manifest)
    assert set(after) == set(before) | {f"{t}-{k}.json" for t in "abcd" for k in range(25)}
    assert len(tomllib.loads(manifest.read_text())["source"]) == len(before) + 100  # none twice
