"""The real HTTP client against a local server serving recorded responses (no test touches the internet)."""

import email.utils
import json
import socket
import time
from pathlib import Path

import pytest

from lit_review.errors import LitReviewError
from lit_review.net import Client, ServiceError, services, user_agent
from lit_review.net.services import empty_page_due

from ..http_server import FakeTime, Reply

FIXTURES = Path("/work/shared/fixtures")
HF_DAY = FIXTURES / "hf" / "hfdaily-zh__2025-02-17.json"
ARXIV_TESTING = FIXTURES / "arxiv" / "arxivpy-2026__q_testing_s0_m10_bc5a6c384fe9.body.DERIVED.atom.xml"
ARXIV_ERROR = FIXTURES / "arxiv" / "arxivpy-2026__id_abc_s0_m100_b79c8dcf6bc3.body.DERIVED.atom.xml"
CROSSREF = FIXTURES / "crossref" / "abbotsbury_test1_10.1021_acs.orglett.9b00971.json"
OPENALEX = FIXTURES / "openalex" / "openalex-python__W2741809807.json"
S2 = FIXTURES / "semanticscholar" / "Citation.json"
EMPTY_FEED = json.loads(
    (Path(__file__).parent / "fixtures" / "arxivpy__id_0000.0000_s0_m100_8b51d9633a68.json").read_text()
)["body"].encode("utf-8")


def client(name, srv, t, **kw):
    return Client(name, api_base=srv.url, sleep=t.sleep, clock=t.clock, **kw)


def test_429_with_retry_after_then_200(srv, t):
    srv.route("/api/daily_papers", Reply(429, b"Too Many Requests", {"Retry-After": "7"}), Reply.file(HF_DAY))
    with client("hf", srv, t) as c:
        got = c.fetch(services.hf_daily("2025-02-17"))
    assert got.status == 200 and got.content == HF_DAY.read_bytes()
    assert got.url == f"{srv.url}/api/daily_papers?date=2025-02-17&limit=100"
    assert len(srv.requests) == 2 and t.sleeps == [7]


def test_retry_after_as_http_date(srv, t):
    soon = email.utils.formatdate(time.time() + 30, usegmt=True)
    srv.route("/works", Reply(503, b"", {"Retry-After": soon}), Reply.file(CROSSREF))
    with client("crossref", srv, t) as c:
        assert c.get("/works", {"query.bibliographic": "x"}).content == CROSSREF.read_bytes()
    (wait,) = t.sleeps
    assert 25 <= wait <= 31  # the date, less the time the request took


def test_retry_after_beyond_the_cap_fails_at_once(srv, t):
    srv.route("/works", Reply(429, b"", {"Retry-After": "3600"}), Reply.file(CROSSREF))
    with client("crossref", srv, t) as c, pytest.raises(ServiceError) as err:
        c.fetch(services.crossref_title("Attention is all you need"))
    assert str(err.value).startswith("Crossref asks to wait 3600 s before http://127.0.0.1:")
    assert len(srv.requests) == 1 and t.sleeps == []


def test_503_every_time_is_a_one_line_error_after_capped_backoff(srv, t):
    srv.route("/works", Reply(503, b"<html>busy</html>", {"Content-Type": "text/html"}))
    with client("openalex", srv, t, retries=3, backoff=0.5) as c, pytest.raises(ServiceError) as err:
        c.fetch(services.openalex_title("Large Language Diffusion Models"))
    msg = str(err.value)
    assert "\n" not in msg and isinstance(err.value, LitReviewError)
    assert msg == (
        f"OpenAlex failed 4 times for {srv.url}/works?filter=title.search%3ALarge%20Language%20Diffusion"
        "%20Models&per-page=5: HTTP 503 Service Unavailable"
    )
    assert len(srv.requests) == 4
    assert t.sleeps == [0.5, 1.0, 2.0]  # exponential; the pace (0.1 s) is covered by each wait


def test_dropped_connection_is_retried(srv, t):
    srv.route("/api/query", Reply.drop(), Reply.file(ARXIV_TESTING, content_type="application/atom+xml"))
    with client("arxiv", srv, t, backoff=1.0) as c:
        got = c.fetch(services.arxiv_query("testing", 10))
    assert got.content == ARXIV_TESTING.read_bytes() and len(srv.requests) == 2
    assert t.sleeps == [1.0, 2.0]  # the backoff, then the rest of arXiv's 3 s between requests


def test_timeout_is_retried_then_fails(srv, t):
    srv.route("/graph/v1/paper/search", Reply(200, S2.read_bytes(), delay=1.0))
    with client("s2", srv, t, timeout=0.2, retries=1) as c, pytest.raises(ServiceError) as err:
        c.fetch(services.s2_title("Construction of the Literature Graph in Semantic Scholar"))
    assert str(err.value).startswith("Semantic Scholar failed 2 times for http://127.0.0.1:")
    assert str(err.value).endswith(": no answer within 0.2 s")
    assert len(srv.requests) == 2


def test_timeout_then_answer(srv, t):
    srv.route("/graph/v1/paper/search", Reply(200, b"", delay=1.0), Reply.file(S2))
    with client("s2", srv, t, timeout=0.2) as c:
        assert c.fetch(services.s2_title("x")).content == S2.read_bytes()


def test_a_service_that_is_down(t):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c = Client("hf", api_base=f"http://127.0.0.1:{port}", sleep=t.sleep, clock=t.clock, retries=2)
    with pytest.raises(ServiceError, match=r"^Hugging Face Papers failed 3 times for .*: connection failed"):
        c.fetch(services.hf_search("diffusion"))


def test_other_4xx_refused_at_once_with_the_services_words(srv, t):
    srv.route("/api/query", Reply.file(ARXIV_ERROR, status=400, content_type="application/atom+xml"))
    with client("arxiv", srv, t) as c, pytest.raises(ServiceError) as err:
        c.fetch(services.arxiv_ids(["abc"]))
    msg = str(err.value)
    assert msg.startswith(f"arXiv refused {srv.url}/api/query?id_list=abc&start=0&max_results=1: HTTP 400")
    assert "\n" not in msg and len(srv.requests) == 1


def test_allowed_status_is_returned(srv, t):
    srv.route("/graph/v1/paper/arXiv:0000.0000", Reply(404, b'{"error":"Paper not found"}'))
    with client("s2", srv, t) as c:
        assert c.fetch(services.s2_paper("arxiv", "0000.0000"), allow=[404]).status == 404


def test_user_agent_and_polite_pool_mailto(srv, t):
    srv.route("/works", Reply.file(OPENALEX))
    with client("openalex", srv, t, mailto="reviewer@example.org") as c:
        got = c.fetch(services.openalex_title("Some title"))
    seen = srv.requests[0]
    assert seen.query["mailto"] == ["reviewer@example.org"]
    assert seen.headers["User-Agent"] == user_agent("reviewer@example.org")
    assert (
        seen.headers["User-Agent"].startswith("lit-review/0.1.0 (")
        and "mailto:reviewer@example.org" in (seen.headers["User-Agent"])
    )
    assert "mailto" not in got.url  # the email is not recorded with the capture


def test_mailto_from_the_environment_only_where_the_service_asks(srv, t, monkeypatch):
    monkeypatch.setenv("LIT_REVIEW_MAILTO", "env@example.org")
    srv.route("/api/papers/search", Reply.file(HF_DAY))
    with client("hf", srv, t) as c:
        c.fetch(services.hf_search("x"))
    assert "mailto" not in srv.requests[0].query
    assert "mailto:env@example.org" in srv.requests[0].headers["User-Agent"]


def test_api_keys_are_sent_but_not_recorded(srv, t, monkeypatch):
    monkeypatch.setenv("LIT_REVIEW_OPENALEX_KEY", "k-open")
    monkeypatch.setenv("LIT_REVIEW_S2_KEY", "k-s2")
    srv.route("/works", Reply.file(OPENALEX))
    srv.route("/graph/v1/paper/search", Reply.file(S2))
    with client("openalex", srv, t) as c:
        got = c.fetch(services.openalex_title("x"))
    with client("s2", srv, t) as c:
        c.fetch(services.s2_title("x"))
    assert srv.requests[0].query["api_key"] == ["k-open"] and "k-open" not in got.url
    assert srv.requests[1].headers["x-api-key"] == "k-s2"


def test_rate_limit_is_the_services_policy(srv, t):
    srv.route("/api/query", Reply.file(ARXIV_TESTING))
    with client("arxiv", srv, t) as c:
        for _ in range(3):
            c.fetch(services.arxiv_query("testing", 10))
        assert t.sleeps == [3.0, 3.0]  # arXiv: one request every 3 s
        t.now += 1.0  # time spent elsewhere counts
        c.fetch(services.arxiv_query("testing", 10))
    assert t.sleeps == [3.0, 3.0, 2.0]
    t2 = FakeTime()
    with Client("crossref", api_base=srv.url, sleep=t2.sleep, clock=t2.clock) as c:
        c.get("/api/query")
        c.get("/api/query")
    assert t2.sleeps == [pytest.approx(0.1)]


def test_api_base_from_argument_or_environment(srv, t, monkeypatch):
    assert Client("hf").base == "https://huggingface.co"
    assert Client("arxiv").base == "https://export.arxiv.org"
    monkeypatch.setenv("LIT_REVIEW_HF_API", srv.url + "/")
    srv.route("/api/daily_papers", Reply.file(HF_DAY))
    c = Client("hf", sleep=t.sleep, clock=t.clock)
    assert c.base == srv.url
    assert c.fetch(services.hf_daily("2025-02-17")).content == HF_DAY.read_bytes()
    assert Client("hf", api_base="http://127.0.0.1:9").base == "http://127.0.0.1:9"  # the argument wins
    with pytest.raises(LitReviewError, match=r"^--api-base 'ftp://x' is not an http\(s\) address"):
        Client("hf", api_base="ftp://x")
    monkeypatch.setenv("LIT_REVIEW_S2_API", "not a url")
    with pytest.raises(LitReviewError, match=r"^LIT_REVIEW_S2_API 'not a url' is not"):
        Client("s2")
    with pytest.raises(LitReviewError, match="unknown service 'scholar'"):
        Client("scholar")


def test_arxiv_empty_page_where_entries_were_due_is_retried(srv, t):
    srv.route("/api/query", Reply(200, EMPTY_FEED), Reply.file(ARXIV_TESTING))
    with client("arxiv", srv, t) as c:
        got = c.fetch(services.arxiv_query("testing", 10, start=10))
    assert got.content == ARXIV_TESTING.read_bytes() and len(srv.requests) == 2


def test_arxiv_empty_answer_to_an_id_lookup_is_an_answer(srv, t):
    srv.route("/api/query", Reply(200, EMPTY_FEED))
    with client("arxiv", srv, t) as c:
        got = c.fetch(services.arxiv_ids(["0000.0000"]))
    assert got.content == EMPTY_FEED and len(srv.requests) == 1 and t.sleeps == []


def test_arxiv_empty_pages_every_time_fail(srv, t):
    srv.route("/api/query", Reply(200, EMPTY_FEED))
    with client("arxiv", srv, t, retries=2) as c, pytest.raises(ServiceError, match="an empty page where"):
        c.fetch(services.arxiv_query("testing", 10, start=20))
    assert len(srv.requests) == 3


def test_empty_page_rule():
    assert not empty_page_due(EMPTY_FEED, (("id_list", "0000.0000"), ("start", "0")))
    assert not empty_page_due(EMPTY_FEED, (("search_query", "all:zzzz"), ("start", "0")))  # no hits
    assert empty_page_due(EMPTY_FEED, (("search_query", "all:testing"), ("start", "10")))
    assert not empty_page_due(ARXIV_TESTING.read_bytes(), (("search_query", "all:testing"), ("start", "10")))
    # totalResults says 214881 results exist: an empty first page is the pitfall
    due = EMPTY_FEED.replace(b"<opensearch:totalResults>0<", b"<opensearch:totalResults>214881<")
    assert empty_page_due(due, (("search_query", "all:testing"), ("start", "0")))
    assert not empty_page_due(b"<html>", ())


def test_own_backoff_is_capped(srv, t):
    srv.route("/api/papers/search", Reply(502, b"Bad Gateway"))
    with client("hf", srv, t, retries=6, backoff=1.0, max_wait=5.0) as c, pytest.raises(ServiceError):
        c.fetch(services.hf_search("x"))
    assert t.sleeps == [1.0, 2.0, 4.0, 5.0, 5.0, 5.0]


def test_gzip_content_coding_is_undone_the_body_is_kept_as_sent(srv, t):
    import gzip

    body = OPENALEX.read_bytes()
    srv.route("/works/doi:10.7717/peerj.4375", Reply(200, gzip.compress(body), {"Content-Encoding": "gzip"}))
    with client("openalex", srv, t) as c:
        assert c.fetch(services.openalex_doi("10.7717/peerj.4375")).content == body


def test_pace_follows_the_budget_a_service_announces(srv, t):
    headers = {"Content-Type": "application/json", "X-Rate-Limit-Limit": "5", "X-Rate-Limit-Interval": "1s"}
    srv.route("/works", Reply(200, CROSSREF.read_bytes(), headers))
    with client("crossref", srv, t) as c:
        c.fetch(services.crossref_title("x"))
        c.fetch(services.crossref_title("y"))
        assert t.sleeps == [pytest.approx(0.2)]  # 5 per second, slower than the 0.1 s policy
    srv.route("/works", Reply(200, CROSSREF.read_bytes(), {**headers, "X-Rate-Limit-Limit": "50"}))
    with client("crossref", srv, FakeTime()) as c:
        c.fetch(services.crossref_title("x"))
        assert c.min_interval == 0.1  # a larger budget never makes it faster than the policy
