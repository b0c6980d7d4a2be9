"""Fetch paper lists from the Hugging Face Papers API and the arXiv API into a project.

The only network use of lit-review. One request per call; the raw response bytes are saved
under ``references/sources/`` with a file name derived from the request alone (so a repeated
request names the same file, and is refused rather than silently replacing a capture), and a
``[[source]]`` entry with the request URL and the UTC fetch time is appended to
``references/sources.toml``. Both writes are atomic. The saved file is then an ordinary
source: ``lit-review ingest`` reads it like any other.

Plain :mod:`urllib` is used (no extra dependency); :func:`http_get` is the one function that
touches the network, and tests replace it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ._infra.iorw import atomic_write_bytes, atomic_write_text
from ._infra.locks import locked
from .errors import LitReviewError
from .project import Project
from .sources import detect
from .sources.manifest import load_manifest

HF_API = "https://huggingface.co/api"
ARXIV_API = "https://export.arxiv.org/api/query"
ARXIV_MAX = 2000  # the API's largest page
HF_DAILY_LIMIT = 100
USER_AGENT = "lit-review/0.1 (reproducible literature reviews)"
TIMEOUT = 60
_ARXIV_FIELD = re.compile(r"\b(?:ti|au|abs|co|jr|cat|rn|id|all):")


@dataclass(frozen=True)
class Request:
    """One API request and how its capture is described in the manifest."""

    url: str
    file: str
    origin: str
    listing: str
    query: str = "unknown"
    page_date: str = "unknown"
    format: str = ""  # the reader that must claim the response


def _slug(text: str, limit: int = 40) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))[:limit].strip("-") or "query"


def _digest(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:10]


def hf_daily(date: str) -> Request:
    """The Hugging Face Daily Papers of one day (``YYYY-MM-DD``)."""
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        raise LitReviewError(f"--date {date!r} is not a date (YYYY-MM-DD)") from None
    params = urllib.parse.urlencode({"date": day.isoformat(), "limit": HF_DAILY_LIMIT})
    return Request(
        f"{HF_API}/daily_papers?{params}",
        f"hf-daily-{day.isoformat()}.json",
        "Hugging Face Papers",
        "Daily Papers API (/api/daily_papers)",
        page_date=day.isoformat(),
        format="hf-json",
    )


def hf_search(query: str) -> Request:
    """Hugging Face Papers search results for ``query``."""
    query = _non_empty(query)
    url = f"{HF_API}/papers/search?{urllib.parse.urlencode({'q': query}, quote_via=urllib.parse.quote)}"
    return Request(
        url,
        f"hf-search-{_slug(query)}-{_digest(url)}.json",
        "Hugging Face Papers",
        "paper search API (/api/papers/search)",
        query=query,
        format="hf-json",
    )


def arxiv_search_query(text: str) -> str:
    """arXiv's ``search_query`` for ``text``: as given if it uses field prefixes (``ti:``, ``au:``, ...),
    else every word searched in all fields (``all:w1 AND all:w2``)."""
    text = _non_empty(text)
    if _ARXIV_FIELD.search(text):
        return text
    return " AND ".join(f"all:{w}" for w in text.split())


def arxiv_query(text: str, max_results: int = 100) -> Request:
    """arXiv API search results (the first ``max_results``, most relevant first)."""
    if not 1 <= max_results <= ARXIV_MAX:
        raise LitReviewError(f"--max must be between 1 and {ARXIV_MAX}, not {max_results}")
    search = arxiv_search_query(text)
    params = {"search_query": search, "start": 0, "max_results": max_results}
    url = f"{ARXIV_API}?{urllib.parse.urlencode(params, quote_via=urllib.parse.quote)}"
    return Request(
        url,
        f"arxiv-{_slug(text)}-m{max_results}-{_digest(url)}.xml",
        "arXiv",
        f"arXiv API query (search_query={search}, first {max_results} results by relevance)",
        query=text.strip(),
        format="arxiv-atom",
    )


def _non_empty(query: str) -> str:
    if not query or not query.strip():
        raise LitReviewError("empty query")
    return query.strip()


def http_get(url: str) -> bytes:
    """The response body of a GET request (the one network call); HTTP errors raise :class:`LitReviewError`."""
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
            return resp.read()
    except urllib.error.HTTPError as exc:
        raise LitReviewError(f"HTTP {exc.code} {exc.reason} from {url}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise LitReviewError(f"cannot fetch {url}: {reason}") from None


def fetch(request: Request, root: str | Path | None = None, now: dt.datetime | None = None) -> Path:
    """Run ``request`` and save its response into the project at ``root``; return the saved file.

    Refuses a request already captured (the file or its manifest entry exists) and a response
    that the expected reader does not recognise (an HTML error page, say); then nothing is written.
    """
    project = Project.at(root)
    target = project.sources_dir / request.file
    manifest = load_manifest(project.manifest)  # also validates it before we append to it
    if target.exists() or request.file in manifest:
        raise LitReviewError(
            "already fetched (delete the file and its [[source]] entry to fetch it again)", target
        )
    data = http_get(request.url)
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    atomic_write_bytes(target, data)
    reader = detect(target)
    if reader.FORMAT != request.format:
        target.unlink()
        excerpt = " ".join(data[:80].decode("utf-8", errors="replace").split())
        raise LitReviewError(
            f"the response is not {request.format} (starts {excerpt!r}); nothing saved", request.url
        )
    try:
        _append_entry(project.manifest, request, when, hashlib.sha256(data).hexdigest())
    except BaseException:
        target.unlink(missing_ok=True)  # no capture without its manifest entry
        raise
    return target


def manifest_entry(request: Request, when: dt.datetime, sha256: str) -> str:
    """The ``[[source]]`` TOML table for one capture (strings written as JSON strings: valid TOML)."""
    values = {
        "file": request.file,
        "origin": request.origin,
        "listing": request.listing,
        "query": request.query,
        "page_date": request.page_date,
        "captured": when.date().isoformat(),
        "captured_basis": "fetched by lit-review fetch (UTC date of the request)",
        "url": request.url,
        "fetched": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sha256": sha256,
    }
    body = "".join(f"{k} = {_toml_string(v)}\n" for k, v in values.items())
    return f"[[source]]\n{body}"


def _toml_string(value: str) -> str:
    # a JSON string is a TOML basic string, but for DEL, which TOML wants escaped
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _append_entry(manifest: Path, request: Request, when: dt.datetime, sha256: str) -> None:
    with locked(manifest):  # another fetch may be appending its entry at the same time
        old = manifest.read_text(encoding="utf-8") if manifest.exists() else ""
        sep = "" if not old else ("\n" if old.endswith("\n") else "\n\n")
        atomic_write_text(manifest, old + sep + manifest_entry(request, when, sha256))
