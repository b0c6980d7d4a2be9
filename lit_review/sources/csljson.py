"""Reader for CSL-JSON files (Zotero / Better BibTeX / pandoc exports): a JSON list of items.

Per item: ``title`` (CSL rich-text tags such as ``<i>`` dropped), ``author``
(``{family, given}`` or ``{literal}``), ``issued`` (``date-parts``, the start of a range;
seasons give no month; ``literal``/``raw`` dates give their year), ``DOI``, ``URL``,
``container-title`` as venue, ``abstract``, ``keyword``, ``type`` mapped to a BibTeX entry
type, ``citation-key`` (else ``id``) as the citekey. JSON has no useful lines for items:
a record's ``line`` is the **1-based index of the item** in the list.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..errors import LitReviewError
from ..record import Batch, Reject, columns_of, excerpt
from ..text import clean_text
from .ids import arxiv_id_in, doi_of
from .names import family_given

FORMAT = "csl-json"
ENTRY_TYPES = {
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
    "paper-conference": "inproceedings", "book": "book", "chapter": "incollection",
    "thesis": "phdthesis", "report": "techreport", "manuscript": "unpublished",
    "webpage": "online", "post-weblog": "online", "article": "misc",
}  # fmt: skip
# Hugging Face API items (another reader's format) carry these; CSL items never do.
_HF_KEYS = frozenset({"paper", "upvotes", "summary", "publishedAt"})
_CSL_MARKUP = re.compile(r"</?(?:i|b|sup|sub|span)(?:\s[^>]*)?>")
_YEAR = re.compile(r"(-?\d{4})")


def sniff(head: str) -> bool:
    """Whether ``head`` starts a JSON list whose first item is a CSL item (``type`` and ``title``/``id``)."""
    text = head.lstrip()
    if not text.startswith("["):
        return False
    try:
        first, _ = json.JSONDecoder().raw_decode(text[1:].lstrip())
    except ValueError:  # the first item is longer than the head: judge by its keys
        keys = set(re.findall(r'"([\w-]+)"\s*:', text[:4096]))
        return "type" in keys and bool(keys & {"title", "id"}) and not keys & _HF_KEYS
    return (
        isinstance(first, dict)
        and isinstance(first.get("type"), str)
        and ("title" in first or "id" in first)
        and not first.keys() & _HF_KEYS
    )


def read(path: str | Path, name: str | None = None) -> Batch:
    """Read one CSL-JSON file; raises :class:`LitReviewError` if it is not JSON or not a list."""
    path = Path(path)
    name = name or path.name
    try:
        items = json.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        raise LitReviewError(f"cannot read file: {exc.strerror or exc}", path) from None
    except UnicodeDecodeError as exc:
        raise LitReviewError(f"not UTF-8 text (byte at offset {exc.start})", path) from None
    except json.JSONDecodeError as exc:
        raise LitReviewError(f"not JSON: {exc.msg} (column {exc.colno})", path, exc.lineno) from None
    if not isinstance(items, list):
        raise LitReviewError(f"not CSL-JSON: a JSON {type(items).__name__}, not a list of items", path, 1)
    batch = Batch(name, FORMAT)
    rows = []
    for index, item in enumerate(items, 1):
        if not isinstance(item, dict):
            batch.rejects.append(Reject(name, index, "item is not a JSON object", excerpt(str(item))))
            continue
        row = _row(item, index)
        if row is None:
            reason = f"item '{item.get('id', index)}' has no title"
            batch.rejects.append(Reject(name, index, reason, excerpt(json.dumps(item))))
        else:
            rows.append(row)
    batch.columns = columns_of(rows)
    return batch


def _text(value) -> str:
    return clean_text(_CSL_MARKUP.sub("", value)) if isinstance(value, str) else ""


def _row(item: dict, index: int) -> dict | None:
    title = _text(item.get("title"))
    if not title:
        return None
    authors = tuple(filter(None, map(_name, item.get("author") or [])))
    doi = doi_of(item.get("DOI") if isinstance(item.get("DOI"), str) else None)
    url = item.get("URL") if isinstance(item.get("URL"), str) else None
    number = item.get("number") if isinstance(item.get("number"), str) else None  # "arXiv:2005.14165"
    key = item.get("citation-key") or item.get("id")
    row = {
        "line": index,
        "title": title,
        "entry_type": ENTRY_TYPES.get(str(item.get("type", "")).lower(), "misc"),
        "abstract": _text(item.get("abstract")),
        "authors": authors,
        "n_authors": len(authors) or None,
        "venue": _text(item.get("container-title")) or None,
        "doi": doi,
        "url": url,
        "arxiv_id": arxiv_id_in(url, doi, number),
        "keywords": tuple(k for k in map(clean_text, re.split(r"[,;]", _text(item.get("keyword")))) if k),
        "citekey": str(key) if key not in (None, "") else None,
    }
    row.update(_issued(item.get("issued")))
    return row


def _name(person) -> str:
    if not isinstance(person, dict):
        return ""
    if person.get("literal"):
        return _text(person["literal"])
    family = " ".join(filter(None, (person.get("non-dropping-particle"), person.get("family"))))
    given = " ".join(filter(None, (person.get("given"), person.get("dropping-particle"))))
    name = family_given(family, given)
    suffix = person.get("suffix")
    return f"{family}, {suffix}, {given}" if suffix and family and given else name


def _issued(issued) -> dict:
    """Year, month, day of a CSL date: the first ``date-parts`` (start of a range), else a literal's year."""
    year = month = day = None
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        first = parts[0] if isinstance(parts, list) and parts and isinstance(parts[0], list) else []
        numbers = [_int(p) for p in first[:3]]
        if numbers and numbers[0]:
            year = numbers[0]
            month = numbers[1] if len(numbers) > 1 and numbers[1] and 1 <= numbers[1] <= 12 else None
            day = numbers[2] if month and len(numbers) > 2 and numbers[2] and 1 <= numbers[2] <= 31 else None
        else:
            match = _YEAR.search(str(issued.get("literal") or issued.get("raw") or ""))
            year = int(match.group(1)) if match else None
    return {"year": year, "month": month, "day": day}


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
