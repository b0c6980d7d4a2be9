"""``lit-review enrich --online``: look up the papers still lacking authors or ids, save every answer.

:func:`plan_lookups` decides, from the corpus alone, which papers to look up and the request
for each service: by id where the paper has one (arXiv id, DOI), else a title search. arXiv
and Hugging Face are asked for papers lacking authors or any id; OpenAlex, Crossref and
Semantic Scholar for papers lacking authors or a DOI (the published version of an arXiv
preprint: its DOI and venue). :func:`run_lookups` sends them and saves each answer verbatim
under ``references/metadata/<service>/`` with a file name derived from the request alone,
recorded in ``references/sources.toml``: a request already saved is never sent again, so an
interrupted run resumes where it stopped. Reading those files into the corpus is the offline
half of ``enrich`` (it needs no network).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from .._infra.iorw import remove_stale_temp_files
from ..errors import LitReviewError
from ..project import Project
from ..sources import detect_bytes
from . import services as sv
from .client import Client, ServiceError
from .save import ENRICH_BASIS, is_saved, manifest_files, manifest_name, save_response

DEFAULT_SERVICES = ("arxiv", "hf", "openalex", "crossref", "s2")
_LISTING = {
    ("hf", "search"): "paper search API (/api/papers/search?q=)",
    ("hf", "arxiv"): "paper API by arXiv id (/api/papers/ID)",
    ("arxiv", "title"): 'arXiv API title search (/api/query?search_query=ti:"...")',
    ("arxiv", "arxiv"): "arXiv API by id (/api/query?id_list=)",
    ("openalex", "title"): "works title search (/works?filter=title.search:)",
    ("openalex", "doi"): "work by DOI (/works/doi:DOI)",
    ("crossref", "title"): "works bibliographic search (/works?query.bibliographic=)",
    ("crossref", "doi"): "work by DOI (/works/DOI)",
    ("s2", "title"): "Academic Graph paper search (/graph/v1/paper/search?query=)",
    ("s2", "arxiv"): "Academic Graph paper by arXiv id (/graph/v1/paper/arXiv:ID)",
    ("s2", "doi"): "Academic Graph paper by DOI (/graph/v1/paper/DOI:DOI)",
}


@dataclass(frozen=True)
class Lookup:
    """One request to send for ``paper_ids`` (papers sharing a title share a title search)."""

    query: sv.Query
    paper_ids: tuple[str, ...]
    needs: tuple[str, ...]  # what the papers lack: authors, ids, doi

    @property
    def service(self) -> str:
        return self.query.service

    @property
    def relpath(self) -> str:
        """``metadata/<service>/<kind>-<slug>-<digest>.<ext>``: from the request alone."""
        ext = "xml" if self.service == "arxiv" else "json"
        name = f"{self.query.kind}-{sv.slug(self.query.text)}-{self.query.digest}.{ext}"
        return f"metadata/{self.service}/{name}"

    @property
    def by_id(self) -> bool:
        return self.query.kind in ("arxiv", "doi")


@dataclass
class LookupSummary:
    """What a run did: requests planned, already saved (skipped), sent and saved, found nothing."""

    planned: int = 0
    skipped: int = 0
    saved: list[Path] = field(default_factory=list)
    not_found: list[Lookup] = field(default_factory=list)
    to_fetch: list[Lookup] = field(default_factory=list)  # --dry-run: what would be sent
    by_service: Counter = field(default_factory=Counter)
    bases: dict[str, str] = field(default_factory=dict)  # service -> the address asked, when not the real one

    def _address(self, lk: Lookup) -> str:
        base = self.bases.get(lk.service)
        return base + lk.query.target if base else lk.query.url

    def lines(self, dry_run: bool = False) -> list[str]:
        if dry_run:
            head = (
                f"would send {len(self.to_fetch)} of {self.planned} look-ups ({self.skipped} already saved)"
            )
            return [head, *(f"  {lk.service:9} {self._address(lk)}" for lk in self.to_fetch)]
        per = ", ".join(f"{s} {n}" for s, n in sorted(self.by_service.items())) or "none"
        return [
            f"{len(self.saved)} responses saved under references/metadata/ ({per}); "
            f"{self.skipped} already saved; {len(self.not_found)} not found by id"
        ]


def _str(value) -> str:
    """A text cell as a string (``""`` for a missing value: NaN, None, NA)."""
    return value if isinstance(value, str) else ""


def _has_authors(authors) -> bool:
    """Whether an ``authors`` cell names anyone (a tuple in a corpus, text in a ``papers.csv``)."""
    if isinstance(authors, str):
        return bool(authors.strip())
    try:
        return len(authors) > 0
    except TypeError:  # NaN, None
        return False


def _needs(authors, arxiv: str, doi: str) -> set[str]:
    """What a paper lacks: ``authors``, ``ids`` (neither arXiv id nor DOI), ``doi``."""
    needs = set() if _has_authors(authors) else {"authors"}
    if not arxiv and not doi:
        needs.add("ids")
    if not doi:
        needs.add("doi")
    return needs


def _queries(service: str, title: str, arxiv: str, doi: str, needs: set[str]) -> sv.Query | None:
    """The request of ``service`` for one paper, or ``None`` if it has nothing to find there."""
    if service in ("arxiv", "hf"):
        if not needs & {"authors", "ids"}:
            return None
        if arxiv:
            return sv.arxiv_ids([arxiv]) if service == "arxiv" else sv.hf_paper(arxiv)
        if not title:
            return None
        return sv.arxiv_title(title) if service == "arxiv" else sv.hf_search(title)
    if not needs & {"authors", "doi"}:
        return None
    if doi:
        by_doi = {
            "openalex": sv.openalex_doi,
            "crossref": sv.crossref_doi,
            "s2": lambda d: sv.s2_paper("doi", d),
        }
        return by_doi[service](doi)
    if arxiv and service == "s2":
        return sv.s2_paper("arxiv", arxiv)
    if not title:
        return None
    return {"openalex": sv.openalex_title, "crossref": sv.crossref_title, "s2": sv.s2_title}[service](title)


def plan_lookups(
    papers: pd.DataFrame, services: Iterable[str] = DEFAULT_SERVICES, limit: int | None = None
) -> list[Lookup]:
    """The look-ups for the papers of ``papers`` (a corpus table) that lack authors, any id or a DOI.

    Papers in id order, at most ``limit`` of them; for each, one request per service of
    ``services`` that can help (in that order, so that requests to different services
    alternate and each service's pace overlaps the others'). The same request for several
    papers is planned once.
    """
    names = [sv.service(s).name for s in dict.fromkeys(services)]
    by_key: dict[str, tuple[sv.Query, list[str], set[str]]] = {}
    n_papers = 0
    for row in papers.sort_values("id", kind="stable").itertuples(index=False):
        arxiv, doi = _str(getattr(row, "arxiv_id", "")), _str(getattr(row, "doi", ""))
        needs = _needs(getattr(row, "authors", ()), arxiv, doi)
        if not needs:
            continue
        if limit is not None and n_papers >= limit:
            break
        planned = False
        for service in names:
            query = _queries(service, _str(row.title).strip(), arxiv, doi, needs)
            if query is None:
                continue
            planned = True
            entry = by_key.setdefault(query.url, (query, [], set()))
            entry[1].append(_str(row.id))
            entry[2].update(needs)
        n_papers += planned
    return [Lookup(q, tuple(ids), tuple(sorted(needs))) for q, ids, needs in by_key.values()]


ClientFactory = Callable[[str], Client]


def run_lookups(
    project: Project | str | Path | None,
    lookups: list[Lookup],
    client_factory: ClientFactory | None = None,
    dry_run: bool = False,
    *,
    now: Callable[[], dt.datetime] | None = None,
    progress: bool | None = None,
) -> LookupSummary:
    """Send the look-ups not saved yet and save each answer (see the module docstring).

    ``client_factory(service) -> Client`` (default: ``Client(service)``); one client per
    service, closed at the end. ``dry_run``: nothing is sent or written; the summary lists what
    would be. A service that fails raises a one-line :class:`ServiceError` naming it; what was
    saved before stays saved, and the next run resumes after it.
    """
    project = project if isinstance(project, Project) else Project.at(project)
    factory = client_factory or Client
    clock = now or (lambda: dt.datetime.now(dt.UTC))
    summary = LookupSummary(planned=len(lookups))
    saved_names = manifest_files(project.manifest)
    todo = []
    for lk in lookups:
        done = manifest_name(lk.relpath) in saved_names and (project.references / lk.relpath).is_file()
        summary.skipped += done
        if not done:
            todo.append(lk)
    if dry_run:
        summary.to_fetch = todo
        return summary
    for folder in {(project.references / lk.relpath).parent for lk in todo}:
        if folder.is_dir():
            remove_stale_temp_files(folder)  # left by a run that was killed mid-write
    clients: dict[str, Client] = {}
    show = sys.stderr.isatty() if progress is None else progress
    try:
        for lk in tqdm(todo, desc="look-ups", unit="request", disable=not show, file=sys.stderr):
            client = clients.get(lk.service) or clients.setdefault(lk.service, factory(lk.service))
            try:
                path = _one(project, lk, client, clock)
            except ServiceError as exc:
                raise ServiceError(
                    f"{exc}; the {len(summary.saved)} responses saved before it are kept (run again to resume)"
                ) from None
            except LitReviewError:
                if not is_saved(project, lk.relpath):
                    raise
                summary.skipped += 1  # saved meanwhile by another lit-review process
                continue
            if path is None:
                summary.not_found.append(lk)
            else:
                summary.saved.append(path)
                summary.by_service[lk.service] += 1
    finally:
        for c in clients.values():
            c.close()
    return summary


def _one(project: Project, lk: Lookup, client: Client, clock) -> Path | None:
    """Send one look-up and save its answer; ``None`` when an id lookup finds nothing (404)."""
    response = client.fetch(lk.query, allow=(404,) if lk.by_id else ())
    if response.status == 404:
        return None
    _check_body(lk, response.content, response.url)
    title = sv.SERVICES[lk.service].title
    return save_response(
        project, lk.relpath, response.content, origin=title, listing=_LISTING[lk.service, lk.query.kind],
        url=response.url, fetched=clock(), query=lk.query.text, basis=ENRICH_BASIS,
    )  # fmt: skip


def _check_body(lk: Lookup, content: bytes, url: str) -> None:
    """Refuse an answer that is not what the service sends (an HTML error page with a 200, say)."""
    if lk.service == "arxiv":
        ok = detect_bytes(content).FORMAT == "arxiv-atom"
    else:
        try:
            json.loads(content)
            ok = True
        except ValueError:
            ok = False
    if not ok:
        excerpt = " ".join(content[:80].decode("utf-8", errors="replace").split())
        what = "an Atom feed" if lk.service == "arxiv" else "JSON"
        raise ServiceError(f"{sv.SERVICES[lk.service].title} answered {url} with something not {what} "
                           f"(starts {excerpt!r}); nothing saved")  # fmt: skip


def enrich_online(
    root=None,
    services: Iterable[str] | None = None,
    *,
    api_base: str | None = None,
    mailto: str | None = None,
    limit: int | None = None,
    dry_run: bool = False,
    client_factory: ClientFactory | None = None,
    progress: bool | None = None,
) -> tuple[list[Lookup], LookupSummary]:
    """The online half of ``lit-review enrich``: plan the look-ups of the project's corpus and run them."""
    from ..ingest import load_corpus  # the corpus as a build makes it, offline

    if limit is not None and limit < 0:
        raise LitReviewError(f"--limit must be 0 or more, not {limit}")
    project = Project.at(root)
    lookups = plan_lookups(load_corpus(project.root), services or DEFAULT_SERVICES, limit)

    def factory(name: str) -> Client:
        return Client(name, api_base=api_base, mailto=mailto)

    summary = run_lookups(project, lookups, client_factory or factory, dry_run, progress=progress)
    summary.bases = {lk.service: sv.service(lk.service).base_url(api_base) for lk in lookups}
    return lookups, summary
