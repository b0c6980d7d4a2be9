"""Reader for Crossref REST API works JSON: a ``/works/{doi}`` response (``{"message-type":
"work", "message": {...}}``), a ``/works?...`` page (``"message-type": "work-list"``, the works
in ``message.items``) or a JSON list of work objects.

Per work: ``DOI``, ``title`` (the first; ``subtitle`` is not read), ``author`` (``family`` /
``given``, or ``name`` for an organization), ``issued`` (``date-parts``), ``container-title``
(the first) as venue, ``type`` as the entry type, the JATS ``abstract`` as plain text, ``URL``,
the arXiv id of a ``10.48550/arXiv.`` DOI or of a ``relation`` of id-type ``arxiv``, and the
``reference`` list as references (``doi:`` / ``arXiv:`` ids; a reference with neither, only
``unstructured`` text or a journal title, is counted in a field reject, not kept). Works that
are not papers (a journal, an issue, a proceedings volume; a peer review, a grant) are read and
skipped.
``line`` is the 1-based index of the work in the file (:mod:`.apijson`).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from ..errors import LitReviewError
from ..record import Batch, Reject, excerpt
from ..text import clean_text
from . import apijson
from .csljson import _issued, _name
from .ids import arxiv_id, arxiv_id_in, doi_of

FORMAT = "crossref-json"
_SNIFF = re.compile(
    r'"message-type"\s*:\s*"work(?:-list)?"|"(?:is-referenced-by-count|reference-count|content-domain)"\s*:'
)
_ITEMS = re.compile(r'"items"\s*:\s*\[')
_BLOCKS = re.compile(r"</?(?:jats:)?(?:p|sec|title|list|list-item|label|br)\b[^<>]*>")  # a word break
_MARKUP = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")  # JATS (<jats:p>) and HTML (<i>, <sub>) tags
ENTRY_TYPES = {
    "journal-article": "article", "proceedings-article": "inproceedings", "book-chapter": "incollection",
    "book-section": "incollection", "book-part": "incollection", "reference-entry": "incollection",
    "book": "book", "monograph": "book", "edited-book": "book", "reference-book": "book",
    "dissertation": "phdthesis", "report": "techreport", "posted-content": "misc", "dataset": "misc",
    "standard": "misc", "other": "misc",
}  # fmt: skip
# records of works that are not papers, and why (read, and skipped)
NOT_PAPERS = {
    **dict.fromkeys(
        ("journal", "journal-volume", "journal-issue", "proceedings", "proceedings-series", "book-series",
         "book-set", "report-series", "component"),
        "a container of papers",
    ),
    "peer-review": "a peer review of another work",
    "grant": "a grant",
}  # fmt: skip


def sniff(head: str) -> bool:
    """Whether ``head`` is JSON from Crossref: ``"message-type": "work"`` / ``"work-list"``, or keys only Crossref works have."""
    return apijson.sniff(head, _SNIFF)


def read(path: str | Path, name: str | None = None) -> Batch:
    """Read one Crossref works JSON file into a :class:`Batch` (see the module docstring)."""
    path = Path(path)
    name = name or path.name
    parsed = apijson.parse(path, apijson.load(path, "Crossref works"), _ITEMS)
    items, layout = (parsed.items, "work-list") if parsed.value is None else _works(path, parsed.value)
    batch = Batch(name, FORMAT, "json-lines" if parsed.lines else layout)
    apijson.read_items(batch, parsed, items, _record)
    return batch


def _works(path: Path, value) -> tuple[list, str]:
    if isinstance(value, list):
        return value, ""
    if not isinstance(value, dict):
        raise LitReviewError(f"not Crossref works: a JSON {type(value).__name__}", path, 1)
    if "message-type" not in value:
        return [value], ""  # a bare work object
    kind, message = value.get("message-type"), value.get("message")
    if value.get("status") not in (None, "ok"):
        raise LitReviewError(f"a Crossref error response ({kind}): {excerpt(str(message))}", path, 1)
    if kind == "work":
        return [message], "work"
    if kind == "work-list":
        items = message.get("items") if isinstance(message, dict) else None
        if not isinstance(items, list):
            raise LitReviewError("a Crossref work-list without a list of items", path, 1)
        return items, "work-list"
    raise LitReviewError(f"a Crossref {kind} response, not works", path, 1)


def _first(value) -> str:
    """The first string of a Crossref list field (``title``, ``container-title``), or the string itself."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), "")
    return clean_text(html.unescape(_MARKUP.sub("", value))) if isinstance(value, str) else ""


def _record(batch: Batch, index: int, work: dict) -> dict | None:
    src = batch.source
    title = _first(work.get("title"))
    kind = apijson.text_of(work.get("type"))
    if kind in NOT_PAPERS:
        reason = f"a Crossref {kind} record: {NOT_PAPERS[kind]}, not a paper"
        batch.rejects.append(Reject(src, index, reason, excerpt(title or str(work.get("DOI"))), "skipped"))
        return None
    if not title:
        batch.rejects.append(Reject(src, index, "work without a title", excerpt(str(work.get("DOI")))))
        return None
    doi = doi_of(apijson.text_of(work.get("DOI")))
    venue = _first(work.get("container-title")) or None
    entry_type = ENTRY_TYPES.get(kind, "misc" if kind else None)
    if entry_type in ("article", "inproceedings") and not venue:
        entry_type = "misc"
    row = {
        "line": index,
        "title": title,
        "abstract": _abstract(work.get("abstract")),
        "authors": apijson.names(batch, index, work.get("author"), _person),
        "doi": doi,
        "arxiv_id": arxiv_id_in(doi=doi) or _related_arxiv(work.get("relation")),
        "url": apijson.text_of(work.get("URL")) or None,
        "venue": venue,
        "entry_type": entry_type,
        "references": _references(batch, index, work.get("reference")),
    }
    row["n_authors"] = len(row["authors"]) or None
    issued = work.get("issued") if work.get("issued") is not None else work.get("published")
    row |= {k: v for k, v in _issued(issued).items() if v is not None}
    if issued is not None and "year" not in row:
        batch.rejects.append(Reject(src, index, "unreadable date (issued)", excerpt(repr(issued)), "field"))
    return row


def _person(person) -> str:
    if not isinstance(person, dict):
        return ""
    family = person.get("family")
    if isinstance(person.get("name"), str) and not family:
        return clean_text(person["name"])  # an organization (a consortium, a group)
    if isinstance(family, str) and not any(
        c.isalnum() for c in family
    ):  # {"given": "Xuewen Ding", "family": "-"}
        return apijson.plain_person(person.get("given"))
    return _name(person)


def _abstract(value) -> str:
    """A JATS abstract as plain text: tags dropped (paragraphs and section titles apart), entities decoded."""
    if not isinstance(value, str):
        return ""
    return clean_text(html.unescape(_MARKUP.sub("", _BLOCKS.sub(" ", value))))


def _related_arxiv(relation) -> str | None:
    """The arXiv id of a preprint (or published version) Crossref relates the work to."""
    if not isinstance(relation, dict):
        return None
    for kind in ("has-preprint", "is-identical-to"):
        for rel in relation.get(kind) or () if isinstance(relation.get(kind), list) else ():
            if isinstance(rel, dict) and str(rel.get("id-type", "")).lower() == "arxiv":
                found = arxiv_id(str(rel.get("id", ""))) or arxiv_id_in(url=str(rel.get("id", "")))
                if found:
                    return found
    return None


def _references(batch: Batch, index: int, refs) -> tuple[str, ...]:
    if not isinstance(refs, list):
        return ()
    ids = []
    for ref in refs:
        ref = ref if isinstance(ref, dict) else {}
        cited = arxiv_id_in(cited=apijson.text_of(ref.get("unstructured")))
        found = apijson.reference_id(cited, apijson.text_of(ref.get("DOI")))
        if found:
            ids.append(found)
    apijson.unidentified(batch, index, len(refs) - len(ids), len(refs))
    return tuple(dict.fromkeys(ids))
