"""The one HTTP client of lit-review: a polite, paced, retrying GET per web service.

One :class:`Client` per service holds one ``requests.Session`` (kept-alive connections, the
User-Agent), waits the service's minimum interval between requests, and retries 429, 5xx,
dropped connections, timeouts and arXiv's "empty page where entries were due" with
exponential backoff, honouring ``Retry-After`` (seconds or an HTTP date). The retry loop is
ours rather than urllib3's ``Retry`` because its waits must be injectable (``sleep`` and
``clock``: tests never really wait) and a 200 can be a failure (the empty arXiv page); the
``Retry-After`` parsing is urllib3's. A service that still fails raises :class:`ServiceError`,
one line naming the service and the request.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import requests
from urllib3.exceptions import InvalidHeader
from urllib3.util.retry import Retry

from .. import __version__
from ..errors import LitReviewError
from .services import MAILTO_ENV, Query, Service, empty_page_due, encode, service

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
PROJECT_URL: str | None = None  # the project's home page, for the User-Agent, once it has a public one


class ServiceError(LitReviewError):
    """A web service that is down, refuses, or answers nonsense (after the retries): one line."""


@dataclass(frozen=True)
class Response:
    """A successful (or explicitly allowed) answer: ``url`` is the request as sent, without the email
    and API key; ``content`` the body's bytes as the service sent them (an HTTP content coding such
    as gzip undone, nothing else: no decoding, no reformatting)."""

    url: str
    status: int
    content: bytes
    headers: Mapping[str, str]


def user_agent(mailto: str | None = None) -> str:
    """``lit-review/<version> (+<project url>; mailto:<email>)``, the parts known."""
    parts = [f"+{PROJECT_URL}"] if PROJECT_URL else ["reproducible literature reviews"]
    if mailto:
        parts.append(f"mailto:{mailto}")
    return f"lit-review/{__version__} ({'; '.join(parts)})"


class Client:
    """GET requests to one service (a name of :data:`~.services.SERVICES` or a :class:`Service`).

    ``api_base``: another server with the same path layout (else the service's environment
    variable, else the real address). ``mailto``: the user's email for polite pools (else
    ``LIT_REVIEW_MAILTO``). ``retries``: further attempts after the first; ``backoff``: the first
    wait (doubling each time); no single wait exceeds ``max_wait`` (a longer ``Retry-After`` is a
    failure). ``min_interval``: seconds between requests (default: the service's policy).
    """

    def __init__(
        self,
        which: str | Service,
        *,
        api_base: str | None = None,
        mailto: str | None = None,
        timeout: float = 30,
        retries: int = 4,
        backoff: float = 2.0,
        max_wait: float = 120.0,
        min_interval: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.service = service(which)
        self.base = self.service.base_url(api_base)
        self.mailto = (mailto if mailto is not None else os.environ.get(MAILTO_ENV, "")).strip() or None
        self.api_key = os.environ.get(self.service.key_env or "", "").strip() or None
        self.timeout, self.retries, self.backoff, self.max_wait = timeout, retries, backoff, max_wait
        self.min_interval = self.service.min_interval if min_interval is None else min_interval
        self._sleep, self._clock = sleep, clock
        self._last: float | None = None
        self.session = requests.Session()
        self.session.headers["User-Agent"] = user_agent(self.mailto)
        if self.api_key and self.service.key_header:
            self.session.headers[self.service.key_header] = self.api_key

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    def fetch(self, query: Query, *, allow: Iterable[int] = ()) -> Response:
        """:meth:`get` of a :class:`~.services.Query` of this service."""
        if query.service != self.service.name:
            raise ValueError(f"a {query.service} query sent to the {self.service.name} client")
        return self.get(query.path, query.params, allow=allow)

    def get(
        self, path: str, params: Mapping[str, str] | Iterable[tuple[str, str]] | None = None, *,
        allow: Iterable[int] = (),
    ) -> Response:  # fmt: skip
        """GET ``path`` (with ``params``, in order) from the service; the answer, or :class:`ServiceError`.

        ``allow``: statuses returned rather than raised (404 for a lookup that may find nothing).
        """
        pairs = tuple(
            (k, str(v)) for k, v in (params.items() if isinstance(params, Mapping) else params or ())
        )
        public = self.base + (f"{path}?{encode(pairs)}" if pairs else path)
        url = self._with_credentials(path, pairs)
        allowed = set(allow)
        for attempt in range(self.retries + 1):
            self._pace()
            answer, problem, retry_after = self._attempt(url, public, pairs, allowed)
            if answer is not None:
                return answer
            if attempt == self.retries:
                break
            if retry_after is not None and retry_after > self.max_wait:
                raise ServiceError(f"{self.service.title} asks to wait {retry_after:.0f} s before {public} "
                                   f"({problem}); try again later")  # fmt: skip
            self._sleep(min(self.backoff * 2**attempt, self.max_wait) if retry_after is None else retry_after)
        tries = self.retries + 1
        raise ServiceError(
            f"{self.service.title} failed {tries} time{'s' * (tries > 1)} for {public}: {problem}"
        )

    def _attempt(
        self, url: str, public: str, pairs: tuple[tuple[str, str], ...], allowed: set[int]
    ) -> tuple[Response | None, str, float | None]:
        """One request: the answer, or ``None``, what went wrong and the ``Retry-After`` asked (retryable).

        A refusal that retrying cannot mend (another 4xx) raises :class:`ServiceError`.
        """
        try:
            answer = self.session.get(url, timeout=self.timeout)
        except requests.Timeout:
            return None, f"no answer within {self.timeout:g} s", None
        except requests.ConnectionError as exc:
            return None, f"connection failed ({_reason(exc)})", None
        status, content = answer.status_code, answer.content
        if status in RETRY_STATUSES:
            return (
                None,
                f"HTTP {status} {answer.reason}".rstrip(),
                _retry_after(answer.headers.get("Retry-After")),
            )
        if not (200 <= status < 300 or status in allowed):
            raise ServiceError(
                f"{self.service.title} refused {public}: HTTP {status} {answer.reason}{_excerpt(content)}"
            )
        if self.service.empty_page_retry and status == 200 and empty_page_due(content, pairs):
            return None, "an empty page where entries were due", None
        self._adapt_pace(answer.headers)
        return Response(public, status, content, dict(answer.headers)), "", None

    def _adapt_pace(self, headers: Mapping[str, str]) -> None:
        """Slow down to the budget a service announces (Crossref: ``X-Rate-Limit-Limit: 50`` per
        ``X-Rate-Limit-Interval: 1s``); never faster than the service's documented pace."""
        limit, interval = headers.get("X-Rate-Limit-Limit"), headers.get("X-Rate-Limit-Interval")
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*", interval or "")
        if not (limit and limit.strip().isdigit() and int(limit) > 0 and m):
            return
        seconds = float(m.group(1)) * {"ms": 0.001, "s": 1.0, "m": 60.0, None: 1.0}[m.group(2)]
        self.min_interval = max(self.min_interval, seconds / int(limit))

    def _with_credentials(self, path: str, pairs: tuple[tuple[str, str], ...]) -> str:
        extra = []
        if self.mailto and self.service.mailto_param:
            extra.append((self.service.mailto_param, self.mailto))
        if self.api_key and self.service.key_param:
            extra.append((self.service.key_param, self.api_key))
        sent = pairs + tuple(extra)
        return self.base + (f"{path}?{encode(sent)}" if sent else path)

    def _pace(self) -> None:
        """Wait until ``min_interval`` has passed since the previous request started."""
        if self._last is not None:
            wait = self._last + self.min_interval - self._clock()
            if wait > 0:
                self._sleep(wait)
        self._last = self._clock()


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return Retry().parse_retry_after(value)
    except InvalidHeader:
        return None  # unparseable: our own backoff


def _reason(exc: Exception) -> str:
    text = str(exc.args[0] if exc.args else exc)
    for known in (
        "RemoteDisconnected",
        "Connection refused",
        "Connection reset",
        "Name or service not known",
    ):
        if known in text:
            return known
    return " ".join(text.split())[:120]


def _excerpt(content: bytes) -> str:
    text = " ".join(content[:200].decode("utf-8", errors="replace").split())
    return f" ({text[:120]})" if text else ""
