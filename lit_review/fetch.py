"""Fetch paper lists from the Hugging Face Papers API and the arXiv API into a project.

One request per call, through the network layer (:mod:`lit_review.net`: polite, paced,
retried). The raw response bytes are saved under ``references/sources/`` with a file name
derived from the request alone (so a repeated request names the same file, and is refused
rather than silently replacing a capture), and a ``[[source]]`` entry with the request URL and
the UTC fetch time is appended to ``references/sources.toml`` (:func:`lit_review.net.save_response`:
atomic, under the manifest's lock). The saved file is then an ordinary source: ``lit-review
ingest`` reads it like any other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .errors import LitReviewError
from .net import services
from .net.client import Client
from .net.save import FETCH_BASIS, is_saved, save_response
from .net.services import ARXIV_MAX, arxiv_search_query  # noqa: F401 - part of this module's API
from .project import Project
from .sources import detect_bytes

_FORMATS = {"hf": "hf-json", "arxiv": "arxiv-atom"}


@dataclass(frozen=True)
class Request:
    """One API request (:class:`~lit_review.net.services.Query`) and how its capture is described."""

    query: services.Query
    file: str
    origin: str
    listing: str
    page_date: str = "unknown"

    @property
    def url(self) -> str:
        """The request on the service's real address (the manifest records the address actually asked)."""
        return self.query.url

    @property
    def format(self) -> str:
        """The reader that must claim the response."""
        return _FORMATS[self.query.service]


def hf_daily(date: str) -> Request:
    """The Hugging Face Daily Papers of one day (``YYYY-MM-DD``)."""
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        raise LitReviewError(f"--date {date!r} is not a date (YYYY-MM-DD)") from None
    return Request(
        services.hf_daily(day.isoformat()),
        f"hf-daily-{day.isoformat()}.json",
        "Hugging Face Papers",
        "Daily Papers API (/api/daily_papers)",
        page_date=day.isoformat(),
    )


def hf_search(query: str) -> Request:
    """Hugging Face Papers search results for ``query``."""
    q = services.hf_search(query)
    return Request(
        q,
        f"hf-search-{services.slug(q.text)}-{q.digest}.json",
        "Hugging Face Papers",
        "paper search API (/api/papers/search)",
    )


def arxiv_query(text: str, max_results: int = 100) -> Request:
    """arXiv API search results (the first ``max_results``, most relevant first)."""
    q = services.arxiv_query(text, max_results)
    search = dict(q.params)["search_query"]
    return Request(
        q,
        f"arxiv-{services.slug(q.text)}-m{max_results}-{q.digest}.xml",
        "arXiv",
        f"arXiv API query (search_query={search}, first {max_results} results by relevance)",
    )


def fetch(
    request: Request,
    root: str | Path | None = None,
    now: dt.datetime | None = None,
    *,
    client: Client | None = None,
    api_base: str | None = None,
    mailto: str | None = None,
) -> Path:
    """Run ``request`` and save its response into the project at ``root``; return the saved file.

    ``client``: the service's :class:`~lit_review.net.client.Client` (else one is made with
    ``api_base`` and ``mailto``). Refuses a request already captured (before asking the
    service) and a response that the expected reader does not recognise (an HTML error page,
    say); then nothing is written. A service that fails raises a one-line ``ServiceError``.
    """
    project = Project.at(root)
    relpath = f"sources/{request.file}"
    if is_saved(project, relpath) or (project.references / relpath).exists():
        raise LitReviewError(
            "already fetched (delete the file and its [[source]] entry to fetch it again)",
            project.references / relpath,
        )
    own = client is None
    client = client or Client(request.query.service, api_base=api_base, mailto=mailto)
    try:
        response = client.fetch(request.query)
    finally:
        if own:
            client.close()
    if detect_bytes(response.content).FORMAT != request.format:
        excerpt = " ".join(response.content[:80].decode("utf-8", errors="replace").split())
        raise LitReviewError(
            f"the response is not {request.format} (starts {excerpt!r}); nothing saved", response.url
        )
    return save_response(
        project, relpath, response.content, origin=request.origin, listing=request.listing,
        query=request.query.text if request.query.kind != "daily" else "unknown",
        page_date=request.page_date, url=response.url,
        fetched=now or dt.datetime.now(dt.UTC), basis=FETCH_BASIS,
    )  # fmt: skip
