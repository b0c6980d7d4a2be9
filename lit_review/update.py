"""``lit-review update``: fetch what is new for every query the project recorded, then ingest and screen it.

The recorded queries are the captures in ``references/sources.toml`` that have a request ``url``
(``lit-review fetch`` and earlier updates write it), read from the request alone, whatever server
answered it:

* a Hugging Face Daily Papers day (``/api/daily_papers?date=D``): every later day up to
  ``--until`` is fetched, one request per day, but not the current UTC day, whose page still
  fills (the next update fetches it, once complete); a day without papers (a weekend) is saved as
  the ``[]`` the API answers, so it is recorded as fetched and never asked again;
* a Hugging Face Papers search (``/api/papers/search?q=``): asked again if its last capture is
  older than ``--until``, saved under a name with the capture day;
* an arXiv query (``/api/query?search_query=``): asked again for the submissions since its last
  capture (``AND submittedDate:[FROM TO UNTIL]``), the first ``max_results`` as recorded.

Each answer is saved verbatim with its ``[[source]]`` entry (:func:`lit_review.fetch.fetch`: atomic,
under the manifest's lock). A service that still fails after the client's retries stops the update
with one line naming it and the day; what was saved stays, and the next update resumes from there
(a capture is never asked twice). When all is fetched, the update is logged
(``references/updates.csv``), the project ingested and every theme screened.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tomllib
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import fetch
from .errors import LitReviewError
from .firstseen import Update, load_updates, next_since, record_update, what_is_new
from .net import services as sv
from .net.client import Client
from .net.save import is_saved
from .project import Project
from .sources.manifest import load_manifest

ClientFactory = Callable[[str], Client]
_WINDOW = re.compile(r"^\((?P<base>.*)\) AND submittedDate:\[(?P<start>\d{8})\d{4} TO (?P<end>\d{8})\d{4}\]$")


@dataclass(frozen=True)
class Recorded:
    """One recorded query: its kind (``hf-daily``, ``hf-search``, ``arxiv``), what it asks, and the
    last day its captures cover (a daily page's day, a window's end, else the capture date)."""

    kind: str
    text: str = ""
    max_results: int = 0
    last: dt.date | None = None


def _entries(path: Path) -> list[dict]:
    load_manifest(path)  # validated, with its one-line errors
    if not path.exists():
        return []
    return tomllib.loads(path.read_text(encoding="utf-8")).get("source", [])


def _recorded(entry: dict) -> tuple[tuple, dt.date | None] | None:
    """``(key, last day covered)`` of one capture, or ``None`` if it is no recorded query."""
    url = entry.get("url")
    if not isinstance(url, str) or "/" in entry["file"]:  # metadata/... captures are enrich's
        return None
    split = urllib.parse.urlsplit(url)
    params = dict(urllib.parse.parse_qsl(split.query))
    captured = entry.get("captured")
    captured = dt.date.fromisoformat(captured) if captured and captured != "unknown" else None
    if split.path.endswith("/api/daily_papers") and "date" in params:
        try:
            return ("hf-daily", "", 0), dt.date.fromisoformat(params["date"])
        except ValueError:
            return None
    if split.path.endswith("/api/papers/search") and params.get("q"):
        return ("hf-search", params["q"], 0), captured
    if split.path.endswith("/api/query") and params.get("search_query"):
        search, last = params["search_query"], captured
        window = _WINDOW.match(search)
        if window:
            search, last = window["base"], dt.datetime.strptime(window["end"], "%Y%m%d").date()
        return ("arxiv", search, int(params.get("max_results", "100") or 100)), last
    return None


def recorded_queries(project: Project) -> list[Recorded]:
    """The project's recorded queries, each with the last day its captures cover (in manifest order)."""
    last: dict[tuple, dt.date | None] = {}
    for entry in _entries(project.manifest):
        found = _recorded(entry)
        if found is None:
            continue
        key, day = found
        known = last.get(key)
        last[key] = day if known is None else max(known, day or known)
    return [Recorded(kind, text, m, day) for (kind, text, m), day in last.items()]


def _days(after: dt.date, until: dt.date) -> list[dt.date]:
    return [after + dt.timedelta(days=n) for n in range(1, (until - after).days + 1)]


def _arxiv_window(r: Recorded, until: dt.date) -> fetch.Request:
    start = r.last + dt.timedelta(days=1)
    search = f"({r.text}) AND submittedDate:[{start:%Y%m%d}0000 TO {until:%Y%m%d}2359]"
    params = (("search_query", search), ("start", "0"), ("max_results", str(r.max_results)))
    q = sv.Query("arxiv", "/api/query", params, "search", search)
    return fetch.Request(
        q,
        f"arxiv-{sv.slug(r.text)}-m{r.max_results}-{q.digest}.xml",
        "arXiv",
        f"arXiv API query (search_query={r.text}, submitted {start} to {until}, first {r.max_results} by relevance)",
    )


def plan_update(project: Project, until: dt.date, today: dt.date) -> list[tuple[fetch.Request, str]]:
    """The requests an update to ``until`` makes, each with what it covers (a day, a query), in order:
    requests already saved are left out (an interrupted update resumes)."""
    plan = []
    for r in recorded_queries(project):
        if r.last is not None and r.last >= until:
            continue
        if r.kind == "hf-daily":  # a day's page fills while the day lasts: fetched once it is over (UTC)
            last_day = min(until, today - dt.timedelta(days=1))
            plan += [(fetch.hf_daily(d.isoformat()), d.isoformat()) for d in _days(r.last, last_day)]
        elif r.kind == "hf-search":
            request = fetch.hf_search(r.text)
            stem = request.file.removesuffix(".json")
            plan.append((dataclasses.replace(request, file=f"{stem}-{today}.json"), f"search {r.text!r}"))
        elif r.last is not None:
            plan.append((_arxiv_window(r, until), f"query {r.text!r} to {until}"))
    return [(req, what) for req, what in plan if not is_saved(project, f"sources/{req.file}")]


@dataclass
class UpdateOutcome:
    until: dt.date
    planned: list[tuple[fetch.Request, str]] = field(default_factory=list)
    saved: list[Path] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def parse_until(text: str | None, today: dt.date) -> dt.date:
    """``--until``: an ISO day no later than ``today`` (UTC), default ``today``."""
    if text is None:
        return today
    try:
        until = dt.date.fromisoformat(text)
    except ValueError:
        raise LitReviewError(f"--until {text!r} is not a date (YYYY-MM-DD)") from None
    if until > today:
        raise LitReviewError(f"--until {until} is after today ({today}, UTC): its pages do not exist yet")
    return until


def update(
    root=None,
    until: str | None = None,
    *,
    api_base: str | None = None,
    mailto: str | None = None,
    dry_run: bool = False,
    client_factory: ClientFactory | None = None,
    today: dt.date | None = None,
) -> UpdateOutcome:
    """Fetch what is new for every recorded query up to ``until``, then log, ingest and screen it.

    ``client_factory``: service name -> its :class:`~lit_review.net.client.Client` (default: made
    with ``api_base`` and ``mailto``). Raises a one-line :class:`LitReviewError` when a service
    fails; everything saved before stays.
    """
    project = Project.at(root)
    today = today or dt.datetime.now(dt.UTC).date()
    out = UpdateOutcome(parse_until(until, today))
    recorded = recorded_queries(project)
    if not recorded:
        out.lines.append(
            "no recorded queries in references/sources.toml: start with `lit-review fetch hf --date YYYY-MM-DD` "
            "(or fetch hf --query, fetch arxiv --query)"
        )
        return out
    out.planned = plan_update(project, out.until, today)
    if dry_run or not out.planned:
        today_note = " (today's Daily Papers once the day is over, UTC)" if out.until >= today else ""
        what = (
            "would fetch"
            if out.planned
            else f"up to date: every recorded query is fetched to {out.until}{today_note}"
        )
        out.lines.append(f"{what}{':' if out.planned else ''}")
        out.lines += [f"  {req.url}" for req, _ in out.planned]
        return out
    covered = [r.last for r in recorded if r.last is not None]
    since = next_since(load_updates(project.updates), max(covered).isoformat() if covered else "")
    try:
        _fetch_all(
            project, out, client_factory or (lambda name: Client(name, api_base=api_base, mailto=mailto))
        )
    except LitReviewError:
        if out.saved:  # logged as interrupted: the next update resumes it, new since the same day
            record_update(
                project.updates, Update(since, out.until.isoformat(), len(out.saved), complete=False)
            )
        raise
    record_update(project.updates, Update(since, out.until.isoformat(), len(out.saved)))
    out.lines += screen_new(project)
    return out


def _fetch_all(project: Project, out: UpdateOutcome, factory: ClientFactory) -> None:
    clients: dict[str, Client] = {}
    try:
        for request, what in out.planned:
            service = request.query.service
            client = clients.get(service) or clients.setdefault(service, factory(service))
            try:
                out.saved.append(fetch.fetch(request, project.root, client=client))
            except LitReviewError as exc:
                kept = f"{len(out.saved)} response{'s' * (len(out.saved) != 1)} saved before it kept"
                raise LitReviewError(
                    f"update stopped at {sv.SERVICES[service].title} {what}: {exc.message}; {kept}, "
                    "the next update resumes there"
                ) from None
    finally:
        for client in clients.values():
            client.close()


def screen_new(project: Project) -> list[str]:
    """Ingest the project (writes ``references/``), screen every theme, and say per theme how many
    papers are new since the last update and how many of them it includes."""
    from .ingest import ingest
    from .snapshot import take_snapshot
    from .themes import load_themes

    result = ingest(project.root)
    papers = result.corpus.papers
    news = what_is_new(papers["first_seen"], load_updates(project.updates))
    new = news.mask(papers["first_seen"]).to_numpy()
    lines = [f"{news.heading}: {int(new.sum())} new papers in the corpus ({len(papers)} in all)"]
    themes = load_themes(project.themes) if project.themes.exists() else []
    screening = take_snapshot(project, result, themes).screening if themes and len(papers) else {}
    for theme in themes:
        screened = screening.get(theme.slug)
        if screened is None:
            continue
        table = screened.table[new]
        included = int((table["verdict"] == "include").sum())
        by = "its model" if screened.source == "model" else "its term match"
        lines.append(
            f"{theme.slug}: {len(table)} new papers, {included} included ({by}, and reviewers' decisions)"
        )
    return lines
