"""``enrich --online``: the plan from a real corpus, and the real client against local servers
serving recorded responses (nothing touches the internet)."""

import datetime as dt
import shutil
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from lit_review.cli import main
from lit_review.errors import LitReviewError
from lit_review.ingest import load_corpus, run_ingest
from lit_review.net import Client, ServiceError
from lit_review.net.lookup import enrich_online, plan_lookups, run_lookups
from lit_review.project import Project
from lit_review.sources.manifest import load_manifest

from ..http_server import RecordedServer, Reply

FIXTURES = Path("/work/shared/fixtures")
HF_DAY = FIXTURES / "hf" / "hfdaily-zh__2025-02-17.json"
ARXIV_TESTING = FIXTURES / "arxiv" / "arxivpy-2026__q_testing_s0_m10_bc5a6c384fe9.body.DERIVED.atom.xml"
CROSSREF = FIXTURES / "crossref" / "abbotsbury_test1_10.1021_acs.orglett.9b00971.json"
OPENALEX = FIXTURES / "openalex" / "openalex-python__W2741809807.json"
S2 = FIXTURES / "semanticscholar" / "Citation.json"
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV_NS = "{http://arxiv.org/schemas/atom}"


def quick(name):
    """The real client without the services' pace (tests never wait 3 s for arXiv)."""
    return Client(name, min_interval=0, backoff=0.01, retries=2)


@pytest.fixture
def servers(monkeypatch):
    """Local servers for the five services, named by their environment variables."""
    with RecordedServer() as main_srv, RecordedServer() as openalex, RecordedServer() as crossref:
        main_srv.route("/api/query", Reply.file(ARXIV_TESTING, content_type="application/atom+xml"))
        main_srv.route("/api/papers/search", Reply.file(HF_DAY))  # a recorded HF paper list for a search
        main_srv.route("/graph/v1/paper/search", Reply.file(S2))
        openalex.route("/works", Reply.file(OPENALEX))
        crossref.route("/works", Reply.file(CROSSREF))
        for env, srv in (("HF", main_srv), ("ARXIV", main_srv), ("S2", main_srv), ("OPENALEX", openalex),
                         ("CROSSREF", crossref)):  # fmt: skip
            monkeypatch.setenv(f"LIT_REVIEW_{env}_API", srv.url)
        yield {"main": main_srv, "openalex": openalex, "crossref": crossref}


def n_requests(servers):
    return sum(len(s.requests) for s in servers.values())


def test_plan_for_listing_papers_without_authors_or_ids(project):
    from lit_review.ingest import run_ingest
    from lit_review.project import Project

    papers = run_ingest(Project.at(project)).corpus.papers  # the listings alone: nothing complete
    first = papers.sort_values("id").head(2)
    plan = plan_lookups(papers, limit=2)
    got = [(lk.service, lk.query.kind, lk.query.text, lk.paper_ids) for lk in plan]
    want = []
    for pid, title in zip(first["id"], first["title"]):
        for service, kind in (("arxiv", "title"), ("hf", "search"), ("openalex", "title"), ("crossref", "title"),
                              ("s2", "title")):  # fmt: skip
            want.append((service, kind, title, (pid,)))
    assert got == want
    arxiv = plan[0].query
    assert arxiv.url.startswith("https://export.arxiv.org/api/query?search_query=ti%3A%22")
    assert plan[0].relpath.startswith("metadata/arxiv/title-") and plan[0].relpath.endswith(".xml")
    assert plan[1].query.url.startswith("https://huggingface.co/api/papers/search?q=")
    assert plan[2].query.url.startswith("https://api.openalex.org/works?filter=title.search%3A")
    assert plan[3].query.url.startswith("https://api.crossref.org/works?query.bibliographic=")
    assert plan[4].query.url.startswith("https://api.semanticscholar.org/graph/v1/paper/search?query=")
    assert len(plan_lookups(papers)) == 5 * len(papers)  # none of the bundled papers has authors or ids
    assert [lk.service for lk in plan_lookups(papers, ["s2"], limit=3)] == ["s2"] * 3


def test_plan_for_arxiv_papers_asks_for_the_published_version_only(tmp_path):
    root = tmp_path / "review"
    (root / "references" / "sources").mkdir(parents=True)
    shutil.copy(ARXIV_TESTING, root / "references" / "sources" / "arxiv-testing.xml")
    feed = ET.parse(ARXIV_TESTING).getroot()
    no_doi = sorted(
        e.findtext(f"{ATOM}id").rsplit("/", 1)[1].rsplit("v", 1)[0]
        for e in feed.iter(f"{ATOM}entry")
        if e.find(f"{ARXIV_NS}doi") is None
    )
    assert len(no_doi) == 4  # the fixture: 10 papers, all with authors, 6 with a DOI
    plan = plan_lookups(load_corpus(root))
    by_service = {}
    for lk in plan:
        by_service.setdefault((lk.service, lk.query.kind), []).append(lk)
    assert set(by_service) == {("openalex", "title"), ("crossref", "title"), ("s2", "arxiv")}
    assert sorted(lk.query.text for lk in by_service["s2", "arxiv"]) == no_doi
    assert by_service["s2", "arxiv"][0].query.path.startswith("/graph/v1/paper/arXiv:")
    assert all(lk.needs == ("doi",) for lk in plan) and len(plan) == 12


def test_online_through_the_cli_saves_verbatim_and_resumes(project, servers, capsys):
    before = (project / "references" / "sources.toml").read_text(encoding="utf-8")
    assert main(["-C", str(project), "enrich", "--online", "--limit", "1", "--mailto", "me@example.org"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "5 responses saved under references/metadata/ (arxiv 1, crossref 1, hf 1, openalex 1, s2 1)"
    )
    assert n_requests(servers) == 5
    assert servers["openalex"].requests[0].query["mailto"] == ["me@example.org"]
    assert servers["crossref"].requests[0].query["mailto"] == ["me@example.org"]
    text = (project / "references" / "sources.toml").read_text(encoding="utf-8")
    assert text.startswith(before)
    entries = [e for e in tomllib.loads(text)["source"] if e["file"].startswith("metadata/")]
    assert len(entries) == 5
    served = {"arxiv": ARXIV_TESTING, "hf": HF_DAY, "openalex": OPENALEX, "crossref": CROSSREF, "s2": S2}
    for e in entries:
        service = e["file"].split("/")[1]
        saved = project / "references" / e["file"]
        assert saved.read_bytes() == served[service].read_bytes()  # verbatim
        assert e["url"].startswith("http://127.0.0.1:") and "mailto" not in e["url"]
        assert e["captured_basis"].startswith("fetched by lit-review enrich --online")
    # run again: everything asked is saved, nothing is asked again
    assert main(["-C", str(project), "enrich", "--online", "--limit", "1"]) == 0
    assert n_requests(servers) == 5
    assert "0 responses saved" in capsys.readouterr().out
    # the project still builds, the metadata entries trip nothing
    assert main(["-C", str(project), "status"]) == 0
    assert "files not read: 0" in capsys.readouterr().out
    result = run_ingest(Project.at(project))
    assert not [r for r in result.corpus.rejects if r.source.startswith("metadata")]
    assert set(load_manifest(project / "references" / "sources.toml")) >= {e["file"] for e in entries}


def test_a_service_down_keeps_what_was_saved_and_the_next_run_resumes(project, servers):
    servers["crossref"].route("/works", Reply(503, b"<html>maintenance</html>"))
    with pytest.raises(ServiceError) as err:
        enrich_online(project, limit=2, client_factory=quick)
    msg = str(err.value)
    assert msg.startswith("Crossref failed 3 times for http://127.0.0.1:") and "\n" not in msg
    assert msg.endswith(
        "503 Service Unavailable; the 3 responses saved before it are kept (run again to resume)"
    )
    saved = sorted(
        p.relative_to(project / "references").as_posix()
        for p in (project / "references" / "metadata").rglob("*.*")
    )
    manifest = load_manifest(project / "references" / "sources.toml")
    assert len(saved) == 3 and all(s in manifest for s in saved)
    assert not list((project / "references" / "metadata").rglob(".*.tmp"))
    # the service is back: only what is missing is asked
    servers["crossref"].route("/works", Reply.file(CROSSREF))
    asked_before = n_requests(servers)
    lookups, summary = enrich_online(project, limit=2, client_factory=quick)
    assert summary.skipped == 3 and len(summary.saved) == 7 and len(lookups) == 10
    assert n_requests(servers) - asked_before == 7


def test_dry_run_sends_and_writes_nothing(project, servers, capsys):
    manifest = (project / "references" / "sources.toml").read_bytes()
    assert main(["-C", str(project), "enrich", "--online", "--limit", "2", "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "would send 10 of 10 look-ups (0 already saved)"
    assert out[1].split()[0] == "arxiv"  # the address asked: here LIT_REVIEW_ARXIV_API
    assert out[1].split()[1].startswith(servers["main"].url + "/api/query?search_query=ti%3A%22")
    assert out[3].split()[1].startswith(servers["openalex"].url + "/works?filter=title.search%3A")
    assert n_requests(servers) == 0 and not (project / "references" / "metadata").exists()
    assert (project / "references" / "sources.toml").read_bytes() == manifest


def test_id_lookup_not_found_is_counted_not_saved(tmp_path, servers):
    root = tmp_path / "review"
    (root / "references" / "sources").mkdir(parents=True)
    shutil.copy(ARXIV_TESTING, root / "references" / "sources" / "arxiv-testing.xml")
    servers["main"].route("/graph/v1/paper/arXiv:1202.4527", Reply(404, b'{"error":"Paper not found"}'))
    servers["main"].route("/graph/v1/paper/arXiv:2503.05378", Reply.file(S2))
    plan = [
        lk for lk in plan_lookups(load_corpus(root), ["s2"]) if lk.query.text in ("1202.4527", "2503.05378")
    ]
    summary = run_lookups(root, plan, quick)
    assert [lk.query.text for lk in summary.not_found] == ["1202.4527"]
    assert [p.name.split("-")[0] for p in summary.saved] == ["arxiv"]
    assert servers["main"].requests[-1].query["fields"][0].startswith("title,authors")


def test_an_html_page_with_200_is_not_saved(project, servers):
    servers["openalex"].route("/works", Reply(200, b"<html><body>Sign in</body></html>"))
    plan = [lk for lk in plan_lookups(load_corpus(project), ["openalex"], limit=1)]
    with pytest.raises(ServiceError, match=r"^OpenAlex answered .* with something not JSON"):
        run_lookups(project, plan, quick)
    assert not (project / "references" / "metadata").exists()


def test_bad_limit_and_service(project):
    with pytest.raises(LitReviewError, match="--limit"):
        enrich_online(project, limit=-1)
    with pytest.raises(LitReviewError, match="unknown service"):
        plan_lookups(load_corpus(project).head(1), ["scholar"])


def test_plan_over_every_fixture_follows_the_rules():
    import warnings

    from lit_review.corpus import read_corpus

    files = sorted(p for p in FIXTURES.glob("*/*") if p.suffix != ".md")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        papers = read_corpus(files)[0].papers
    plan = plan_lookups(papers)
    planned = {pid for lk in plan for pid in lk.paper_ids}

    def has(v):
        return isinstance(v, str) and bool(v)

    lacking = {
        r.id for r in papers.itertuples() if not len(r.authors) or not has(r.doi)
    }  # authors, any id, or a DOI
    assert planned == lacking and 300 < len(lacking) < len(papers)
    # the one paper with a DOI and no authors (a Springer volume of iridia__crossref.bib)
    (pid,) = [r.id for r in papers.itertuples() if not len(r.authors) and has(r.doi)]
    doi = papers.set_index("id").loc[pid, "doi"]
    got = sorted((lk.service, lk.query.kind, lk.query.text) for lk in plan if pid in lk.paper_ids)
    title = papers.set_index("id").loc[pid, "title"]
    assert got == [
        ("arxiv", "title", title), ("crossref", "doi", doi), ("hf", "search", title),
        ("openalex", "doi", doi), ("s2", "doi", doi),
    ]  # fmt: skip
    # an arXiv preprint with authors and no DOI: only its published version is looked for
    preprint = next(r for r in papers.itertuples() if len(r.authors) and has(r.arxiv_id) and not has(r.doi))
    kinds = sorted((lk.service, lk.query.kind) for lk in plan if preprint.id in lk.paper_ids)
    assert kinds == [("crossref", "title"), ("openalex", "title"), ("s2", "arxiv")]


def test_an_interrupted_run_resumes_and_cleans_what_a_kill_left(project, servers):
    calls = []

    class Interrupting(Client):
        def fetch(self, query, **kw):
            calls.append(query)
            if len(calls) == 4:
                raise KeyboardInterrupt  # Ctrl-C during the fourth request
            return super().fetch(query, **kw)

    with pytest.raises(KeyboardInterrupt):
        enrich_online(project, limit=1, client_factory=lambda s: Interrupting(s, min_interval=0))
    metadata = project / "references" / "metadata"
    assert len([p for p in metadata.rglob("*") if p.is_file()]) == 3
    stale = metadata / "crossref" / ".title-x.json.99999999.tmp"  # a writer killed mid-write
    stale.parent.mkdir(exist_ok=True)
    stale.write_bytes(b"half")
    lookups, summary = enrich_online(project, limit=1, client_factory=quick)
    assert (summary.skipped, len(summary.saved), len(lookups)) == (3, 2, 5)
    assert not stale.exists()
    manifest = load_manifest(project / "references" / "sources.toml")
    files = sorted(
        p.relative_to(project / "references").as_posix() for p in metadata.rglob("*") if p.is_file()
    )
    assert len(files) == 5 and all(f in manifest for f in files)


def test_a_request_saved_meanwhile_by_another_process_is_skipped(project, servers):
    from lit_review.net import save_response

    plan = plan_lookups(load_corpus(project), ["crossref"], limit=1)

    class Racing(Client):
        def fetch(self, query, **kw):
            got = super().fetch(query, **kw)
            when = dt.datetime.now(dt.UTC)
            save_response(
                project,
                plan[0].relpath,
                got.content,
                origin="Crossref",
                listing="other",
                url=got.url,
                fetched=when,
            )
            return got

    summary = run_lookups(project, plan, lambda s: Racing(s, min_interval=0))
    assert summary.skipped == 1 and summary.saved == []
