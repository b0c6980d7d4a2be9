"""``lit-review fetch``: offline, with the HTTP call replaced by stored real responses."""

import datetime as dt
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from lit_review import fetch
from lit_review.cli import main
from lit_review.errors import LitReviewError
from lit_review.ingest import run_ingest
from lit_review.project import Project
from lit_review.sources import read_source
from lit_review.sources.manifest import load_manifest

FIXTURES = Path("/work/shared/fixtures")
HF_DAY = FIXTURES / "hf" / "hfdaily-zh__2025-02-17.json"
ARXIV_TESTING = FIXTURES / "arxiv" / "arxivpy-2026__q_testing_s0_m10_bc5a6c384fe9.body.DERIVED.atom.xml"
NOW = dt.datetime(2026, 11, 27, 14, 15, 16, 999, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any real HTTP attempt fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to use the network")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


def serve(monkeypatch, path: Path, seen: list):
    def fake_get(url):
        seen.append(url)
        return path.read_bytes()

    monkeypatch.setattr(fetch, "http_get", fake_get)


def test_fetch_hf_daily_saves_raw_bytes_and_manifest_entry(project, monkeypatch):
    seen = []
    serve(monkeypatch, HF_DAY, seen)
    before = (project / "references" / "sources.toml").read_text(encoding="utf-8")
    saved = fetch.fetch(fetch.hf_daily("2025-02-17"), project, now=NOW)
    url = "https://huggingface.co/api/daily_papers?date=2025-02-17&limit=100"
    assert seen == [url]
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


def test_fetch_arxiv_through_the_cli(project, monkeypatch, capsys):
    seen = []
    serve(monkeypatch, ARXIV_TESTING, seen)
    assert main(["-C", str(project), "fetch", "arxiv", "--query", "testing", "--max", "10"]) == 0
    assert seen == ["https://export.arxiv.org/api/query?search_query=all%3Atesting&start=0&max_results=10"]
    (saved,) = (project / "references" / "sources").glob("arxiv-*.xml")
    assert saved.name.startswith("arxiv-testing-m10-") and saved.read_bytes() == ARXIV_TESTING.read_bytes()
    info = load_manifest(project / "references" / "sources.toml")[saved.name]
    assert (info.origin, info.query) == ("arXiv", "testing")
    batch = read_source(saved)
    assert len(batch.records) == 10 and batch.records[0].arxiv_id == "2202.12139"
    assert saved.name in capsys.readouterr().out


def test_same_request_same_name_and_refetch_refused(project, monkeypatch):
    serve(monkeypatch, HF_DAY, [])
    a, b = fetch.hf_search("diffusion language models"), fetch.hf_search("diffusion language models")
    assert a == b and a.file.startswith("hf-search-diffusion-language-models-")
    assert a.url == "https://huggingface.co/api/papers/search?q=diffusion%20language%20models"
    fetch.fetch(a, project, now=NOW)
    manifest = (project / "references" / "sources.toml").read_bytes()
    with pytest.raises(LitReviewError, match="already fetched"):
        fetch.fetch(a, project, now=NOW)
    assert (project / "references" / "sources.toml").read_bytes() == manifest


def test_response_in_the_wrong_format_saves_nothing(project, monkeypatch):
    monkeypatch.setattr(fetch, "http_get", lambda url: b"<html><body>Service unavailable</body></html>")
    manifest = (project / "references" / "sources.toml").read_bytes()
    files = sorted((project / "references" / "sources").iterdir())
    with pytest.raises(LitReviewError, match="not arxiv-atom"):
        fetch.fetch(fetch.arxiv_query("testing", 5), project, now=NOW)
    assert sorted((project / "references" / "sources").iterdir()) == files
    assert (project / "references" / "sources.toml").read_bytes() == manifest


def test_http_error_is_one_line(monkeypatch):
    def http_400(req, timeout):
        raise urllib.error.HTTPError(req.full_url, 400, "Bad Request", {}, None)

    monkeypatch.setattr(urllib.request, "urlopen", http_400)
    with pytest.raises(
        LitReviewError, match=r"^HTTP 400 Bad Request from https://export\.arxiv\.org/api/query"
    ):
        fetch.http_get("https://export.arxiv.org/api/query?id_list=abc")


def test_arxiv_query_forms():
    assert fetch.arxiv_search_query("masked diffusion") == "all:masked AND all:diffusion"
    assert fetch.arxiv_search_query("ti:diffusion AND au:shi") == "ti:diffusion AND au:shi"
    with pytest.raises(LitReviewError, match="--max"):
        fetch.arxiv_query("x", 0)
    with pytest.raises(LitReviewError, match="empty query"):
        fetch.hf_search("  ")


def test_manifest_entry_escapes_hostile_query():
    req = fetch.hf_search('a "quoted" \\ back\nslash\x7f')
    entry = tomllib.loads(fetch.manifest_entry(req, NOW, "0" * 64))["source"][0]
    assert entry["query"] == 'a "quoted" \\ back\nslash\x7f'


def test_cli_bad_date_is_one_line_error(project, capsys):
    assert main(["-C", str(project), "fetch", "hf", "--date", "2025-02-30"]) == 2
    err = capsys.readouterr().err
    assert err == "error: --date '2025-02-30' is not a date (YYYY-MM-DD)\n"


def _append_entries(manifest: str, tag: str, n: int, start) -> None:
    start.wait(60)
    for k in range(n):
        req = fetch.Request(f"http://127.0.0.1/{tag}/{k}", f"{tag}-{k}.json", "test", "hf-api-json", tag)
        fetch._append_entry(Path(manifest), req, NOW, "0" * 64)


def test_fetches_at_the_same_time_each_keep_their_manifest_entry(project):
    import multiprocessing as mp

    manifest = Project.at(project).manifest
    before = load_manifest(manifest)
    spawn = mp.get_context("spawn")
    start = spawn.Event()
    procs = [spawn.Process(target=_append_entries, args=(str(manifest), t, 25, start)) for t in "abcd"]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(300)
        assert p.exitcode == 0
    after = load_manifest(manifest)
    assert set(after) == set(before) | {f"{t}-{k}.json" for t in "abcd" for k in range(25)}
    assert len(tomllib.loads(manifest.read_text())["source"]) == len(before) + 100  # none twice
