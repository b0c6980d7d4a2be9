"""Reader for Semantic Scholar Graph API JSON: paper objects (``/paper/{id}``, a ``/paper/batch``
list), ``/paper/{id}/references`` and ``/citations`` pages (``{offset, next, data: [{contexts,
intents, citedPaper | citingPaper}]}``) and ``/paper/search`` pages (``{total, offset, next,
data: [paper, ...]}``; ``/recommendations`` answers ``{recommendedPapers: [...]}``), a single
item of them, or JSON Lines of papers.

Per paper (the ``citedPaper`` / ``citingPaper`` of a reference or citation item): ``title``,
``abstract``, ``authors[].name``, ``publicationDate`` (else ``year``), ``externalIds.DOI`` and
``externalIds.ArXiv`` (else the arXiv id of a ``10.48550/arXiv.`` DOI), the venue (``venue``, else ``publicationVenue.name``, else
``journal.name``), the entry type (``publicationVenue.type``, else ``publicationTypes``), the
``url``, a paper object's own ``references`` as references (``arXiv:``, else ``doi:``, else
``s2:<paperId>``) and its ``paperId`` as its service id. A page's items are the cited (or
citing) papers themselves; the paper the page was asked about is not in it. An item without a title (Semantic Scholar gives ``null`` for a
reference it could not resolve, and for fields not asked for) is rejected with its index, and
so is an unresolved reference that has a title (``paperId`` null, no ``externalIds``): that
title is the citation text S2 parsed from a reference list, often not a title at all.
``line`` is the 1-based index of the item in the file (:mod:`.apijson`).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import LitReviewError
from ..record import Batch, Reject, excerpt
from . import apijson
from .arxiv_atom import iso_date
from .ids import abs_url, arxiv_id, arxiv_id_in, doi_of

FORMAT = "s2-json"
# paperId is in every paper object S2 returns; externalIds alone would claim /authors pages too
_SNIFF = re.compile(r'"(?:paperId|citedPaper|citingPaper)"\s*:')
_DATA = re.compile(r'"(?:data|recommendedPapers)"\s*:\s*\[')
_LIST_KEYS = {"data", "recommendedPapers"}  # pages; /recommendations answers {recommendedPapers: [...]}
_WRAPPED = ("citedPaper", "citingPaper")
_VENUE_TYPES = {"conference": "inproceedings", "journal": "article"}
_PUBLICATION_TYPES = (
    ("Conference", "inproceedings"), ("JournalArticle", "article"), ("Review", "article"),
    ("BookSection", "incollection"), ("Book", "book"),
)  # fmt: skip


def sniff(head: str) -> bool:
    """Whether ``head`` is JSON with Semantic Scholar paper keys (``paperId``, ``citedPaper``, ``citingPaper``)."""
    return apijson.sniff(head, _SNIFF)


def read(path: str | Path, name: str | None = None) -> Batch:
    """Read one Semantic Scholar Graph API JSON file into a :class:`Batch` (see the module docstring)."""
    path = Path(path)
    name = name or path.name
    parsed = apijson.parse(path, apijson.load(path, "Semantic Scholar"), _DATA)
    items = parsed.items if parsed.value is None else _items(path, parsed.value)
    page = isinstance(parsed.value, dict) and bool(_LIST_KEYS & parsed.value.keys())
    layout = "json-lines" if parsed.lines else "page" if page else ""
    batch = Batch(name, FORMAT, layout)
    apijson.read_items(batch, parsed, items, _record)
    return batch


def _items(path: Path, value) -> list:
    if isinstance(value, list):
        return value
    if not isinstance(value, dict):
        raise LitReviewError(f"not Semantic Scholar papers: a JSON {type(value).__name__}", path, 1)
    key = next((k for k in ("data", "recommendedPapers") if k in value), None)
    if key:
        if not isinstance(value[key], list):
            raise LitReviewError(f"not a Semantic Scholar page: '{key}' is not a list", path, 1)
        return value[key]
    if "error" in value or ("message" in value and "paperId" not in value):
        message = value.get("error") or value.get("message")
        raise LitReviewError(f"a Semantic Scholar error response: {excerpt(str(message))}", path, 1)
    return [value]


def _record(batch: Batch, index: int, item: dict) -> dict | None:
    src = batch.source
    wrapper = next((k for k in _WRAPPED if k in item), None)
    paper = item[wrapper] if wrapper else item
    if not isinstance(paper, dict):
        what = "null" if paper is None else f"a JSON {type(paper).__name__}"
        batch.rejects.append(Reject(src, index, f"{wrapper} is {what}, not a paper", excerpt(repr(paper))))
        return None
    title = apijson.text_of(paper.get("title")).strip()
    if not title:
        unresolved = " (Semantic Scholar could not resolve it)" if paper.get("paperId") is None else ""
        reason = f"{'reference' if wrapper == 'citedPaper' else 'paper'} without a title{unresolved}"
        batch.rejects.append(Reject(src, index, reason, excerpt(repr(paper))))
        return None
    ext = paper.get("externalIds") if isinstance(paper.get("externalIds"), dict) else {}
    if paper.get("paperId") is None and not ext:
        reason = "unresolved reference: Semantic Scholar has only its citation text, no paper (paperId null)"
        batch.rejects.append(Reject(src, index, reason, excerpt(title)))
        return None
    doi = doi_of(apijson.text_of(ext.get("DOI")))
    arxiv = (arxiv_id(ext["ArXiv"]) if isinstance(ext.get("ArXiv"), str) else None) or arxiv_id_in(doi=doi)
    row = {
        "line": index,
        "title": title,
        "abstract": apijson.text_of(paper.get("abstract")),
        "authors": apijson.names(batch, index, paper.get("authors"), _author),
        "arxiv_id": arxiv,
        "doi": doi,
        "url": abs_url(arxiv) if arxiv else apijson.text_of(paper.get("url")) or None,
        "references": _references(batch, index, paper.get("references")),
        "service_ids": (f"s2:{paper['paperId']}",) if isinstance(paper.get("paperId"), str) else (),
        **_venue(paper),
    }
    row["n_authors"] = len(row["authors"]) or None
    row |= apijson.date_field(batch, index, paper.get("publicationDate"), "publicationDate", iso_date)
    if "year" not in row:
        row["year"] = apijson.year_of(paper.get("year"))
    return row


def _author(person) -> str:
    return apijson.plain_person(person.get("name")) if isinstance(person, dict) else ""


def _venue(paper: dict) -> dict:
    where = paper.get("publicationVenue") if isinstance(paper.get("publicationVenue"), dict) else {}
    journal = paper.get("journal") if isinstance(paper.get("journal"), dict) else {}
    names = (paper.get("venue"), where.get("name"), journal.get("name"))
    venue = next((n.strip() for n in names if isinstance(n, str) and n.strip()), None)
    entry_type = _VENUE_TYPES.get(where.get("type")) if isinstance(where.get("type"), str) else None
    types = paper.get("publicationTypes") if isinstance(paper.get("publicationTypes"), list) else []
    entry_type = entry_type or next((t for name, t in _PUBLICATION_TYPES if name in types), None)
    if entry_type in ("article", "inproceedings") and not venue:
        entry_type = "misc"
    return {"venue": venue, "entry_type": entry_type}


def _references(batch: Batch, index: int, papers) -> tuple[str, ...]:
    """A paper object's own ``references`` (papers with ``paperId`` and ``externalIds``) as ids."""
    if not isinstance(papers, list):
        return ()
    ids = []
    for ref in papers:
        ref = ref if isinstance(ref, dict) else {}
        ext = ref.get("externalIds") if isinstance(ref.get("externalIds"), dict) else {}
        pid = ref.get("paperId")
        other = f"s2:{pid}" if isinstance(pid, str) and pid.strip() else None
        found = apijson.reference_id(ext.get("ArXiv"), ext.get("DOI"), other)
        if found:
            ids.append(found)
    apijson.unidentified(batch, index, len(papers) - len(ids), len(papers))
    return tuple(dict.fromkeys(ids))
