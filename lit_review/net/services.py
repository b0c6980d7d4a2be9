"""The scholarly web services lit-review asks, their policies, and the requests it makes of each.

A :class:`Query` is one request described without a server: a service, a path and its
parameters in order. The same query always has the same :attr:`Query.url` (on the service's
real base address) and so the same saved file name, wherever it is actually sent (a mirror or
test server given by ``--api-base`` or the service's environment variable, which must have the
real service's path layout). Policies, with their sources: ``docs/enrich.md (Online look-ups)``.
"""

from __future__ import annotations

import hashlib
import os
import re
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ..errors import LitReviewError

MAILTO_ENV = "LIT_REVIEW_MAILTO"
ARXIV_MAX = 2000  # the arXiv API's largest page
HF_DAILY_LIMIT = 100
S2_FIELDS = "title,authors,year,venue,publicationVenue,externalIds,publicationDate,abstract"
LOOKUP_ROWS = 5  # results asked of a title search: the paper is nearly always first
_ARXIV_FIELD = re.compile(r"\b(?:ti|au|abs|co|jr|cat|rn|id|all):")


@dataclass(frozen=True)
class Service:
    """One web service: where it is, how it wants to be called, how often.

    ``min_interval``: seconds between two requests (the service's documented policy, or a
    modest pace where it documents none). ``mailto_param``: the query parameter of its
    "polite pool" (the user's email), if it has one. ``key_env`` / ``key_param`` /
    ``key_header``: an optional API key, read from that environment variable and sent as
    that parameter or header (never saved in a manifest). ``empty_page_retry``: whether a
    200 answer that is an empty page where entries were due is retried (arXiv's pitfall).
    """

    name: str
    title: str
    base: str
    env: str
    min_interval: float
    mailto_param: str | None = None
    key_env: str | None = None
    key_param: str | None = None
    key_header: str | None = None
    empty_page_retry: bool = False

    def base_url(self, api_base: str | None = None) -> str:
        """The base address used: ``api_base``, else the environment variable, else the real one."""
        base = api_base or os.environ.get(self.env) or self.base
        split = urllib.parse.urlsplit(base)
        if split.scheme not in ("http", "https") or not split.netloc or split.query or split.fragment:
            where = "--api-base" if api_base else (self.env if os.environ.get(self.env) else "base")
            raise LitReviewError(f"{where} {base!r} is not an http(s) address like {self.base}")
        return base.rstrip("/")


SERVICES: dict[str, Service] = {
    s.name: s
    for s in (
        Service("hf", "Hugging Face Papers", "https://huggingface.co", "LIT_REVIEW_HF_API", 1.0),
        Service(
            "arxiv", "arXiv", "https://export.arxiv.org", "LIT_REVIEW_ARXIV_API", 3.0, empty_page_retry=True
        ),
        Service(
            "openalex",
            "OpenAlex",
            "https://api.openalex.org",
            "LIT_REVIEW_OPENALEX_API",
            0.1,
            mailto_param="mailto",
            key_env="LIT_REVIEW_OPENALEX_KEY",
            key_param="api_key",
        ),
        Service(
            "crossref",
            "Crossref",
            "https://api.crossref.org",
            "LIT_REVIEW_CROSSREF_API",
            0.1,
            mailto_param="mailto",
        ),
        Service(
            "s2",
            "Semantic Scholar",
            "https://api.semanticscholar.org",
            "LIT_REVIEW_S2_API",
            1.0,
            key_env="LIT_REVIEW_S2_KEY",
            key_header="x-api-key",
        ),
    )
}


def service(name: str | Service) -> Service:
    """The service called ``name`` (one of :data:`SERVICES`), or ``name`` itself if it is one."""
    if isinstance(name, Service):
        return name
    try:
        return SERVICES[name]
    except KeyError:
        raise LitReviewError(f"unknown service {name!r} (known: {', '.join(SERVICES)})") from None


def encode(params: tuple[tuple[str, str], ...]) -> str:
    """A query string, spaces as ``%20`` and every reserved character escaped (stable: order kept)."""
    return urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


@dataclass(frozen=True)
class Query:
    """One GET request of a service: ``path`` and ``params`` (in order), and what it asks (``kind``,
    ``text``: for the manifest and the file name)."""

    service: str
    path: str
    params: tuple[tuple[str, str], ...] = ()
    kind: str = "query"
    text: str = ""

    @property
    def target(self) -> str:
        """Path and query string, as sent."""
        return f"{self.path}?{encode(self.params)}" if self.params else self.path

    @property
    def url(self) -> str:
        """The request on the service's real address: its identity, whatever server answers it."""
        return SERVICES[self.service].base + self.target

    @property
    def digest(self) -> str:
        """Ten hex digits of the SHA-256 of :attr:`url`."""
        return hashlib.sha256(self.url.encode("utf-8")).hexdigest()[:10]


def slug(text: str, limit: int = 40) -> str:
    """Lower-case ASCII words of ``text`` joined by ``-`` (at most ``limit`` characters)."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))[:limit].strip("-") or "query"


def non_empty(text: str, what: str = "query") -> str:
    if not text or not text.strip():
        raise LitReviewError(f"empty {what}")
    return text.strip()


# -- Hugging Face Papers ------------------------------------------------------------------------


def hf_daily(date: str) -> Query:
    """``/api/daily_papers?date=D&limit=100``: the Daily Papers of one day."""
    return Query("hf", "/api/daily_papers", (("date", date), ("limit", str(HF_DAILY_LIMIT))), "daily", date)


def hf_search(text: str) -> Query:
    """``/api/papers/search?q=TEXT``: Hugging Face Papers search."""
    text = non_empty(text)
    return Query("hf", "/api/papers/search", (("q", text),), "search", text)


def hf_paper(arxiv: str) -> Query:
    """``/api/papers/ID``: one paper of Hugging Face Papers by its arXiv id."""
    return Query("hf", f"/api/papers/{urllib.parse.quote(arxiv, safe='')}", (), "arxiv", arxiv)


# -- arXiv ---------------------------------------------------------------------------------------


def arxiv_search_query(text: str) -> str:
    """arXiv's ``search_query`` for ``text``: as given if it uses field prefixes (``ti:``, ``au:``, ...),
    else every word searched in all fields (``all:w1 AND all:w2``)."""
    text = non_empty(text)
    if _ARXIV_FIELD.search(text):
        return text
    return " AND ".join(f"all:{w}" for w in text.split())


def arxiv_query(text: str, max_results: int = 100, start: int = 0) -> Query:
    """``/api/query?search_query=...&start=S&max_results=M``: an arXiv API search."""
    if not 1 <= max_results <= ARXIV_MAX:
        raise LitReviewError(f"--max must be between 1 and {ARXIV_MAX}, not {max_results}")
    search = arxiv_search_query(text)
    params = (("search_query", search), ("start", str(start)), ("max_results", str(max_results)))
    return Query("arxiv", "/api/query", params, "search", text.strip())


def arxiv_title(title: str, max_results: int = LOOKUP_ROWS) -> Query:
    """An arXiv search for a title as a phrase: ``ti:"..."`` (quotes and field syntax removed from it)."""
    words = re.sub(r"[\"():]", " ", non_empty(title, "title")).split()
    phrase = " ".join(w for w in words if w not in ("AND", "OR", "ANDNOT"))
    params = (("search_query", f'ti:"{phrase}"'), ("start", "0"), ("max_results", str(max_results)))
    return Query("arxiv", "/api/query", params, "title", title.strip())


def arxiv_ids(ids: list[str] | tuple[str, ...]) -> Query:
    """``/api/query?id_list=A,B``: arXiv records by id."""
    params = (("id_list", ",".join(ids)), ("start", "0"), ("max_results", str(max(len(ids), 1))))
    return Query("arxiv", "/api/query", params, "arxiv", ",".join(ids))


# -- OpenAlex, Crossref, Semantic Scholar ---------------------------------------------------------


def openalex_title(title: str, rows: int = LOOKUP_ROWS) -> Query:
    """``/works?filter=title.search:...``: OpenAlex works whose title matches (commas, which separate
    OpenAlex filters, and colons, which separate a filter's name from its value, become spaces)."""
    text = " ".join(re.sub(r"[,:]", " ", non_empty(title, "title")).split())
    return Query(
        "openalex",
        "/works",
        (("filter", f"title.search:{text}"), ("per-page", str(rows))),
        "title",
        title.strip(),
    )


def openalex_doi(doi: str) -> Query:
    """``/works/doi:DOI``: one OpenAlex work by DOI."""
    return Query("openalex", f"/works/doi:{urllib.parse.quote(doi, safe='/')}", (), "doi", doi)


def crossref_title(title: str, rows: int = LOOKUP_ROWS) -> Query:
    """``/works?query.bibliographic=...&rows=N``: Crossref works matching a citation string."""
    text = non_empty(title, "title")
    return Query("crossref", "/works", (("query.bibliographic", text), ("rows", str(rows))), "title", text)


def crossref_doi(doi: str) -> Query:
    """``/works/DOI``: one Crossref work."""
    return Query("crossref", f"/works/{urllib.parse.quote(doi, safe='/')}", (), "doi", doi)


def s2_title(title: str, rows: int = LOOKUP_ROWS) -> Query:
    """``/graph/v1/paper/search?query=...&fields=...&limit=N``: Semantic Scholar relevance search.

    Hyphens between words become spaces: the API documents that "hyphenated query terms yield
    no matches"."""
    text = non_empty(title, "title")
    words = " ".join(re.sub(r"(?<=\w)[-\u2010\u2011](?=\w)", " ", text).split())
    params = (("query", words), ("fields", S2_FIELDS), ("limit", str(rows)))
    return Query("s2", "/graph/v1/paper/search", params, "title", text)


def s2_paper(kind: str, ident: str) -> Query:
    """``/graph/v1/paper/arXiv:ID`` or ``/graph/v1/paper/DOI:DOI``, with :data:`S2_FIELDS`."""
    prefix = {"arxiv": "arXiv", "doi": "DOI"}[kind]
    path = f"/graph/v1/paper/{prefix}:{urllib.parse.quote(ident, safe='/')}"
    return Query("s2", path, (("fields", S2_FIELDS),), kind, ident)


# -- arXiv's empty-page pitfall ------------------------------------------------------------------

_OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
_ATOM = "{http://www.w3.org/2005/Atom}"


def empty_page_due(content: bytes, params: tuple[tuple[str, str], ...]) -> bool:
    """Whether an arXiv Atom answer is an empty page where entries were due: no ``<entry>`` while
    the feed's ``totalResults`` says there are more than ``start``, or a later page (``start`` > 0)
    came back empty. arXiv sometimes answers so under load (arxiv.py issue #43); it is retried.
    An id lookup of unknown ids, or a search with no hits, is legitimately empty and is not."""
    try:
        root = ET.fromstring(content)
    except ET.ParseError:
        return False
    if root.tag != f"{_ATOM}feed" or root.find(f"{_ATOM}entry") is not None:
        return False
    start = int(dict(params).get("start", "0") or 0)
    total = root.find(f"{_OPENSEARCH}totalResults")
    try:
        due = int(total.text) > start if total is not None and total.text else False
    except ValueError:
        due = False
    return due or (start > 0 and "id_list" not in dict(params))
