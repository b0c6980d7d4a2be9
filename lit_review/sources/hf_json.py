"""Reader for Hugging Face Papers API JSON.

Shapes read, per item of a JSON list (or a single JSON object):

* ``/api/daily_papers`` and ``/api/papers/search`` items: ``{paper: {id, authors: [{name,
  hidden, ...}], publishedAt, title, summary, upvotes, ...}, publishedAt, title, ...}``;
* a single ``/api/papers/{id}`` object: the ``paper`` object itself;
* a flattened list some projects save: ``{arxiv_id, title, abstract, authors: [str], ...}``.

The HF paper id is the arXiv id; ``paper.publishedAt`` is the arXiv date (the top-level
``publishedAt`` is the HF submission date, not used). Hidden authors are still authors.
``line`` is the line where the item starts (found while decoding the list item by item),
so a file that breaks off keeps its complete items and rejects the rest.

Real dumps sometimes hold Python-repr strings where JSON values belong (``"paper":
"{'id': ...}"``, ``"authors": "['A B']"``) or are a Python repr as a whole; these are read
with :func:`ast.literal_eval` (never ``eval``), else the record is rejected. A whole-file
repr has no usable lines: ``line`` is then the 1-based item index.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path

from .._fast.names import person_name_column
from ..errors import LitReviewError
from ..record import Batch, Reject, excerpt, full_columns
from . import apijson
from .arxiv_atom import iso_date
from .ids import abs_url, arxiv_id, arxiv_id_in

FORMAT = "hf-json"
# Keys only HF paper JSON has (in either quote style: a whole-file Python repr uses '...').
_HF_KEY = re.compile(r"""(?<!\\)["'](?:paper|arxiv_id|publishedAt|upvotes)["']\s*:""")
_CSL_KEY = re.compile(r'(?<!\\)"(?:issued|container-title|date-parts|citation-key)"\s*:')
_WS = re.compile(r"\s*")
_REPR_START = re.compile(r"^\s*[\[{]\s*[\[{]?\s*'")
_EMPTY_LIST = re.compile(r"\s*\[\s*\]\s*")  # the Daily Papers API's answer for a day without papers


def sniff(head: str) -> bool:
    """Whether ``head`` is JSON (or a Python repr) with HF paper keys and no CSL-JSON keys, or the
    empty list ``[]`` (what ``/api/daily_papers`` answers for a day without papers, a weekend)."""
    if _EMPTY_LIST.fullmatch(head):
        return True
    start = head.lstrip()[:1]
    return start in ("[", "{") and bool(_HF_KEY.search(head)) and not _CSL_KEY.search(head)


def read(path: str | Path, name: str | None = None) -> Batch:
    """Read one Hugging Face Papers JSON file into a :class:`Batch` (see the module docstring)."""
    path = Path(path)
    name = name or path.name
    text = apijson.load(path, "Hugging Face papers")
    batch = Batch(name, FORMAT, "api")
    rows = []
    for line, item in _items(path, text):
        if isinstance(item, _Broken):
            batch.rejects.append(Reject(name, line, item.reason, item.text))
            continue
        row = _record(batch, line, item)
        if row is not None:
            rows.append(row)
    if rows and all(r.pop("_flat") for r in rows):
        batch.layout = "flat"
    names = person_name_column([name for r in rows for name in r["authors"]])  # the names as read
    start = 0
    for r in rows:
        r.pop("_flat", None)
        end = start + len(r["authors"])
        r["authors"] = tuple(names[start:end])
        start = end
    batch.columns = full_columns(
        {k: [r.get(k) for r in rows] for k in _ROW_KEYS} | {"line": [r["line"] for r in rows]}
    )
    return batch


# what _record sets (the others are missing in every row; a key a row lacks reads as None, its default)
_ROW_KEYS = ("title", "abstract", "authors", "arxiv_id", "url", "upvotes", "year", "month", "day")


class _Broken:
    """An item that could not be decoded (the reason and an excerpt)."""

    def __init__(self, reason: str, text: str):
        self.reason, self.text = reason, text


def _items(path: Path, text: str) -> Iterator[tuple[int, object]]:
    """``(line, item)`` for each item of the top-level list (or the one top-level object)."""
    pos = _WS.match(text).end()
    if _REPR_START.match(text):
        yield from _repr_items(path, text)
        return
    decoder = json.JSONDecoder()
    if text[pos] == "{":
        try:
            item, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise LitReviewError(f"invalid JSON: {exc.msg} (column {exc.colno})", path, exc.lineno) from None
        _expect_end(path, text, end)
        yield text.count("\n", 0, pos) + 1, item
        return
    if text[pos] != "[":
        raise LitReviewError("not a JSON list or object", path, text.count("\n", 0, pos) + 1)
    pos = _WS.match(text, pos + 1).end()
    line, seen = 1, 0  # line counted incrementally: linear in the file size
    while pos < len(text) and text[pos] != "]":
        line += text.count("\n", seen, pos)
        seen = pos
        try:
            item, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            reason = f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}; the rest of the file is unreadable"
            yield line, _Broken(reason, excerpt(text[pos : pos + 200]))
            return
        yield line, item
        pos = _WS.match(text, end).end()
        if pos < len(text) and text[pos] == ",":
            pos = _WS.match(text, pos + 1).end()
        elif pos < len(text) and text[pos] != "]":
            line += text.count("\n", seen, pos)
            yield line, _Broken("invalid JSON: expected ',' or ']' after an item; the rest is unreadable", "")
            return
    if pos >= len(text):
        line += text.count("\n", seen, pos)
        yield line, _Broken("the file ends inside the JSON list (truncated?)", "")
        return
    _expect_end(path, text, pos + 1)


def _expect_end(path: Path, text: str, end: int) -> None:
    rest = _WS.match(text, end).end()
    if rest < len(text):
        raise LitReviewError("extra data after the JSON value", path, text.count("\n", 0, rest) + 1)


def _repr_items(path: Path, text: str) -> Iterator[tuple[int, object]]:
    value = _literal(text)
    if isinstance(value, _Broken):
        raise LitReviewError(f"neither JSON nor a Python literal: {value.reason}", path, 1)
    yield from enumerate(value if isinstance(value, list) else [value], 1)


def _literal(text: str) -> object:
    """A Python-repr string read with :func:`ast.literal_eval`, or :class:`_Broken` saying why not."""
    try:
        return ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as exc:
        return _Broken(f"not a Python literal ({type(exc).__name__})", excerpt(text))


def _as(value: object, kind: type, what: str) -> object:
    """``value`` as a ``kind`` (a repr string of one is decoded), else :class:`_Broken`."""
    if isinstance(value, str) and kind is not str:
        value = _literal(value)
        if isinstance(value, _Broken):
            return _Broken(f"{what} is a string that is {value.reason}", value.text)
    if not isinstance(value, kind):
        return _Broken(f"{what} is a {type(value).__name__}, not a {kind.__name__}", excerpt(repr(value)))
    return value


def _record(batch: Batch, line: int, item: object) -> dict | None:
    """The record row for one item, or ``None`` (then a reject row says why)."""
    src, reject = batch.source, batch.rejects.append
    item = _as(item, dict, "item")
    if isinstance(item, _Broken):
        reject(Reject(src, line, item.reason, item.text))
        return None
    if "paper" in item:
        paper = _as(item["paper"], dict, "'paper'")
        if isinstance(paper, _Broken):
            reject(Reject(src, line, paper.reason, paper.text))
            return None
        # the paper's own title and summary win over the item's (a paper with both is read as it is)
        fields = (
            paper
            if "title" in paper and "summary" in paper
            else {**{k: item[k] for k in ("title", "summary") if k in item}, **paper}
        )
    elif "arxiv_id" in item or "id" in item:
        fields = item
    else:
        keys = ", ".join(sorted(map(str, item))[:6])
        reject(Reject(src, line, f"not a Hugging Face paper (keys: {keys})", excerpt(repr(item))))
        return None
    title = fields.get("title")
    if not isinstance(title, str) or not title.strip():
        reject(Reject(src, line, "paper without a title", excerpt(repr(fields.get("id", item)))))
        return None
    row = {"line": line, "title": title, "_flat": "arxiv_id" in fields}
    abstract = fields.get("summary", fields.get("abstract"))
    row["abstract"] = abstract if isinstance(abstract, str) else ""
    _identity(batch, line, fields, row)
    _people_and_date(batch, line, fields, row)
    return row


def _identity(batch: Batch, line: int, fields: dict, row: dict) -> None:
    raw = fields.get("arxiv_id", fields.get("id"))
    found = (arxiv_id(raw) or arxiv_id_in(url=raw)) if isinstance(raw, str) else None
    if found:
        row["arxiv_id"], row["url"] = found, abs_url(found)
    else:
        batch.rejects.append(Reject(batch.source, line, "paper id is not an arXiv id", repr(raw), "field"))
    upvotes = fields.get("upvotes")
    if isinstance(upvotes, int) and not isinstance(upvotes, bool) and upvotes >= 0:
        row["upvotes"] = upvotes
    elif upvotes is not None:
        batch.rejects.append(Reject(batch.source, line, "upvotes is not a count", repr(upvotes), "field"))


def _people_and_date(batch: Batch, line: int, fields: dict, row: dict) -> None:
    src, reject = batch.source, batch.rejects.append
    authors = _as(fields.get("authors", []), list, "'authors'")
    if isinstance(authors, _Broken):
        reject(Reject(src, line, authors.reason, authors.text, "field"))
        authors = []
    names = []
    for a in authors:
        name = a.get("name") if isinstance(a, dict) else a  # API: {name, hidden, ...}; flat: a string
        if isinstance(name, str) and name.strip():
            names.append(name)  # person_name of every name of the file at once, in read()
        else:
            reject(Reject(src, line, "author without a name", excerpt(repr(a)), "field"))
    row["authors"] = names
    published = fields.get("publishedAt", fields.get("published_at"))
    date = iso_date(published) if isinstance(published, str) else None
    if date:
        row["year"], row["month"], row["day"] = date
    elif published is not None:
        reject(Reject(src, line, "unreadable arXiv date (publishedAt)", repr(published), "field"))
