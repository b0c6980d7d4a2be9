"""Reader for OpenAlex works JSON: a ``/works/{id}`` object, a ``/works?...`` page
(``{"meta": ..., "results": [work, ...]}``) or a JSON list of works.

Per work: ``title`` (else ``display_name``), ``authorships[].author.display_name`` (else
``raw_author_name``), ``publication_date`` (else ``publication_year``), ``doi``, the arXiv id
of an arxiv.org location (``landing_page_url`` / ``pdf_url`` of ``primary_location``,
``locations``, ``best_oa_location``) or of a ``10.48550/arXiv.`` DOI, the venue (the primary
location's source unless it is a repository; the older ``host_venue``), ``type_crossref`` (else
``type``) as the entry type, the abstract rebuilt from ``abstract_inverted_index``,
``referenced_works`` as ``openalex:W<n>`` references and the work's own ``id`` as its service
id. A work marked ``is_paratext`` (front matter, a table of contents) is read and skipped as
not a paper. ``line`` is the 1-based index of the work in the file (:mod:`.apijson`).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import LitReviewError
from ..record import Batch, Reject, excerpt
from . import apijson
from .arxiv_atom import iso_date
from .ids import abs_url, arxiv_id_in, doi_of

FORMAT = "openalex-json"
_SNIFF = re.compile(
    r'"(?:abstract_inverted_index|authorships)"\s*:|"id"\s*:\s*"https://openalex\.org/W\d', re.I
)
_RESULTS = re.compile(r'"results"\s*:\s*\[')
_WORK_ID = re.compile(r"^https://openalex\.org/(W\d+)$", re.I)
_ENTITY = re.compile(r"^https://openalex\.org/(?:([A-Z])\d+|(\w+)/)", re.I)
_ENTITIES = {
    "A": "author",
    "S": "source",
    "I": "institution",
    "P": "publisher",
    "F": "funder",
    "C": "concept",
    "T": "topic",
}
# OpenAlex ``type_crossref`` (Crossref's types) and ``type`` (OpenAlex's own) -> BibTeX entry type
ENTRY_TYPES = {
    "journal-article": "article", "proceedings-article": "inproceedings", "book-chapter": "incollection",
    "book": "book", "monograph": "book", "edited-book": "book", "reference-book": "book",
    "dissertation": "phdthesis", "report": "techreport", "posted-content": "misc", "dataset": "misc",
    "article": "article", "preprint": "misc", "review": "article", "letter": "article",
    "editorial": "article", "erratum": "article",
}  # fmt: skip


def sniff(head: str) -> bool:
    """Whether ``head`` is JSON with OpenAlex work keys (``authorships``, ``abstract_inverted_index``, a ``W`` id)."""
    return apijson.sniff(head, _SNIFF)


def read(path: str | Path, name: str | None = None) -> Batch:
    """Read one OpenAlex works JSON file into a :class:`Batch` (see the module docstring)."""
    path = Path(path)
    name = name or path.name
    parsed = apijson.parse(path, apijson.load(path, "OpenAlex works"), _RESULTS)
    items = parsed.items if parsed.value is None else _works(path, parsed.value)
    page = isinstance(parsed.value, dict) and "results" in parsed.value
    layout = "json-lines" if parsed.lines else "page" if page else ""
    batch = Batch(name, FORMAT, layout)
    apijson.read_items(batch, parsed, items, _record)
    return batch


def _works(path: Path, value) -> list:
    if isinstance(value, list):
        return value
    if not isinstance(value, dict):
        raise LitReviewError(f"not OpenAlex works: a JSON {type(value).__name__}", path, 1)
    if "results" in value:
        if not isinstance(value["results"], list):
            raise LitReviewError("not an OpenAlex page: 'results' is not a list", path, 1)
        return value["results"]
    if "error" in value and "id" not in value:
        raise LitReviewError(
            f"an OpenAlex error response: {excerpt(str(value.get('message') or value['error']))}", path, 1
        )
    return [value]


def _record(batch: Batch, index: int, work: dict) -> dict | None:
    src = batch.source
    kind = _not_a_work(work.get("id"))
    if kind:
        batch.rejects.append(
            Reject(src, index, f"not a work: an OpenAlex {kind}", excerpt(str(work.get("id"))))
        )
        return None
    title = apijson.text_of(work.get("title")).strip() or apijson.text_of(work.get("display_name")).strip()
    if not title:
        batch.rejects.append(Reject(src, index, "work without a title", excerpt(str(work.get("id")))))
        return None
    if work.get("is_paratext") is True or work.get("type") == "paratext":
        reason = "paratext (front matter, table of contents, ...): not a paper"
        batch.rejects.append(Reject(src, index, reason, excerpt(title), "skipped"))
        return None
    doi = doi_of(apijson.text_of(work.get("doi")) or apijson.text_of(_dict(work.get("ids")).get("doi")))
    arxiv = _arxiv(work, doi)
    venue, entry_type = _venue(work)
    row = {
        "line": index,
        "title": title,
        "abstract": _abstract(batch, index, work.get("abstract_inverted_index")),
        "authors": apijson.names(batch, index, work.get("authorships"), _author),
        "doi": doi,
        "arxiv_id": arxiv,
        "url": abs_url(arxiv) if arxiv else _landing(work),
        "venue": venue,
        "entry_type": entry_type,
        "references": _references(batch, index, work.get("referenced_works")),
        "service_ids": _own_id(work.get("id")),
    }
    row["n_authors"] = len(row["authors"]) or None
    row |= apijson.date_field(batch, index, work.get("publication_date"), "publication_date", iso_date)
    if "year" not in row:
        row["year"] = apijson.year_of(work.get("publication_year"))
    return row


def _not_a_work(oa_id) -> str | None:
    """What an OpenAlex id names when it is not a work (``author``, ``keywords``, ...), else None."""
    m = _ENTITY.match(oa_id) if isinstance(oa_id, str) else None
    if not m or (m.group(1) or "").upper() == "W":
        return None
    return _ENTITIES.get((m.group(1) or "").upper()) or m.group(2) or "entity"


def _own_id(oa_id) -> tuple[str, ...]:
    m = _WORK_ID.match(oa_id) if isinstance(oa_id, str) else None
    return (f"openalex:{m.group(1).upper()}",) if m else ()


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _author(authorship) -> str:
    a = _dict(authorship)
    return apijson.plain_person(_dict(a.get("author")).get("display_name") or a.get("raw_author_name"))


def _locations(work: dict) -> list[dict]:
    places = [work.get("primary_location"), work.get("best_oa_location")]
    if isinstance(work.get("locations"), list):
        places += work["locations"]
    return [p for p in places if isinstance(p, dict)]


def _arxiv(work: dict, doi: str | None) -> str | None:
    for place in _locations(work):
        for key in ("landing_page_url", "pdf_url"):
            found = arxiv_id_in(url=apijson.text_of(place.get(key)))
            if found:
                return found
    return arxiv_id_in(doi=doi)


def _landing(work: dict) -> str | None:
    url = apijson.text_of(_dict(work.get("primary_location")).get("landing_page_url"))
    return url or None


def _venue(work: dict) -> tuple[str | None, str | None]:
    source = _dict(_dict(work.get("primary_location")).get("source"))
    name = apijson.text_of(source.get("display_name")).strip()
    if not source:  # the older shape: host_venue
        name = apijson.text_of(_dict(work.get("host_venue")).get("display_name")).strip()
    if source.get("type") == "repository":  # arXiv, PubMed Central, Zenodo: where it is kept, not published
        name = ""
    kind = apijson.text_of(work.get("type_crossref")) or apijson.text_of(work.get("type"))
    entry_type = ENTRY_TYPES.get(kind.lower())
    if entry_type == "article" and not name:
        entry_type = "misc"
    return name or None, entry_type


def _abstract(batch: Batch, index: int, inverted) -> str:
    """The abstract from OpenAlex's inverted index (word -> positions): words in position order."""
    if inverted is None:
        return ""
    placed = {}
    ok = isinstance(inverted, dict)
    for word, positions in inverted.items() if ok else ():
        if not isinstance(positions, list) or not all(isinstance(p, int) and p >= 0 for p in positions):
            ok = False
            break
        placed.update(dict.fromkeys(positions, word))
    if not ok:
        reason = "unreadable abstract_inverted_index (not word -> list of positions)"
        batch.rejects.append(Reject(batch.source, index, reason, excerpt(repr(inverted)), "field"))
        return ""
    return " ".join(placed[p] for p in sorted(placed))


def _references(batch: Batch, index: int, works) -> tuple[str, ...]:
    if not isinstance(works, list):
        return ()
    ids = [
        m.group(1).upper() for m in (_WORK_ID.match(w) if isinstance(w, str) else None for w in works) if m
    ]
    apijson.unidentified(batch, index, len(works) - len(ids), len(works))
    return tuple(dict.fromkeys(f"openalex:{w}" for w in ids))
