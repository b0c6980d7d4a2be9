"""What the scholarly-API JSON readers (OpenAlex, Semantic Scholar, Crossref) share.

A response is one work, or a page whose works sit in a list under one key (``results``,
``data``, ``message.items``), or a bare JSON list of works. Items have no useful lines (a
page is often one line): a record's ``line`` is the **1-based index of the item** in the file.
A file that breaks off inside its list keeps the items decoded before the break; the rest is
one rejected record saying where the JSON broke. JSON Lines (one work per line) are read too;
there ``line`` is the item's line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from ..errors import LitReviewError
from ..record import Batch, Reject, columns_of, excerpt
from .ids import arxiv_id, arxiv_id_in, doi_of
from .names import person_name

_WS = re.compile(r"\s*")


class Broken:
    """An item that could not be decoded: why, and an excerpt."""

    def __init__(self, reason: str, text: str = ""):
        self.reason, self.text = reason, text


def sniff(head: str, keys: re.Pattern) -> bool:
    """Whether ``head`` starts a JSON value (an object or a list) in which ``keys`` finds a service's own keys."""
    return head.lstrip()[:1] in ("[", "{") and bool(keys.search(head))


def load(path: Path, what: str) -> str:
    """The text of a JSON file (UTF-8, a BOM dropped); an unreadable or empty file is a :class:`LitReviewError`."""
    try:
        data = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    except OSError as exc:
        raise LitReviewError(f"cannot read file: {exc.strerror or exc}", path) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise LitReviewError(f"not UTF-8 JSON (byte 0x{data[exc.start]:02x})", path, line) from None
    if not text.strip():
        raise LitReviewError(f"empty file: no {what} JSON", path, 1)
    return text


class Parsed(NamedTuple):
    """A JSON file as decoded: its ``value``; or, when it has none (a list broken off, JSON Lines),
    its ``items`` and, for JSON Lines, each item's ``lines`` (else items are numbered from 1)."""

    value: object = None
    items: list | tuple = ()
    lines: list[int] | None = None


def parse(path: Path, text: str, list_key: re.Pattern) -> Parsed:
    """The decoded JSON value; else, for JSON Lines (one work per line, as OpenAlex and Crossref
    snapshots are), the works line by line; else, for a file that breaks off inside its list of
    works (a bare list, or the first match of ``list_key``, a pattern ending at the list's ``[``),
    the works decoded before the break, then a :class:`Broken` for the rest. Anything else is one
    error."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        error = exc
    else:
        if value is None:
            raise LitReviewError("JSON null: no works", path, 1)
        return Parsed(value)
    if error.msg == "Extra data" and text.lstrip().startswith("{") and "\n" in text.strip():
        return _json_lines(text)
    bare = _WS.match(text).end()  # a bare list of works starts at the file's first "["
    start = bare + 1 if text[bare] == "[" else (m.end() if (m := list_key.search(text)) else None)
    if start is None or error.pos < start:
        where = f"invalid JSON: {error.msg} (column {error.colno})"
        raise LitReviewError(where, path, error.lineno) from None
    decoder, items, pos = json.JSONDecoder(), [], _WS.match(text, start).end()
    while pos < len(text) and text[pos] != "]":
        try:
            item, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            reason = f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}; the rest of the file is unreadable"
            items.append(Broken(reason, excerpt(text[pos : pos + 200])))
            return Parsed(items=items)
        items.append(item)
        pos = _WS.match(text, end).end()
        if pos < len(text) and text[pos] == ",":
            pos = _WS.match(text, pos + 1).end()
    if pos >= len(text):
        items.append(Broken("the file ends inside the list of works (truncated?)"))
    else:  # the list closed, the JSON broke after it: its items stand
        items.append(Broken(f"invalid JSON after the list of works: {error.msg} (line {error.lineno})"))
    return Parsed(items=items)


def _json_lines(text: str) -> Parsed:
    items, lines = [], []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as exc:
            items.append(Broken(f"invalid JSON Lines line: {exc.msg} (column {exc.colno})", excerpt(line)))
        lines.append(number)
    return Parsed(items=items, lines=lines)


def read_items(
    batch: Batch, parsed: Parsed, items: list, record: Callable[[Batch, int, dict], dict | None]
) -> None:
    """Each item made a record row by ``record(batch, index, item)`` (``None``: it rejected the
    item; ``index`` is the item's line in JSON Lines, else its 1-based position), non-objects and
    :class:`Broken` items rejected; the rows become the batch's columns."""
    rows = []
    for index, item in zip(parsed.lines or range(1, len(items) + 1), items):
        if isinstance(item, Broken):
            batch.rejects.append(Reject(batch.source, index, item.reason, item.text))
        elif not isinstance(item, dict):
            what = "null" if item is None else f"a JSON {type(item).__name__}"
            batch.rejects.append(
                Reject(batch.source, index, f"item is {what}, not an object", excerpt(repr(item)))
            )
        else:
            row = record(batch, index, item)
            if row is not None:
                rows.append(row)
    batch.columns = columns_of(rows)


def text_of(value) -> str:
    """A string field as it is, anything else (null, a number, a list) as ``""``."""
    return value if isinstance(value, str) else ""


def names(batch: Batch, index: int, people, name_of: Callable[[object], str]) -> tuple[str, ...]:
    """The authors (``Family, Given``) of a list of people, ``name_of`` giving each one's name as
    written; a person without a name, or a list that is not one, is a field reject."""
    if people is None:
        return ()
    if not isinstance(people, list):
        reason = f"authors are a JSON {type(people).__name__}, not a list"
        batch.rejects.append(Reject(batch.source, index, reason, excerpt(repr(people)), "field"))
        return ()
    out = []
    for person in people:
        name = name_of(person)
        if name:
            out.append(name)
        else:
            batch.rejects.append(
                Reject(batch.source, index, "author without a name", excerpt(repr(person)), "field")
            )
    return tuple(out)


def plain_person(raw) -> str:
    """A name written ``Given Family`` (or ``Family, Given``) as ``Family, Given``; not a string: ``""``."""
    return person_name(raw) if isinstance(raw, str) else ""


def date_field(batch: Batch, index: int, value, what: str, parse_date) -> dict:
    """``{year, month, day}`` of a date field read by ``parse_date`` (a tuple or ``None``); an
    unreadable value that is not null is a field reject."""
    if value is None:
        return {}
    found = parse_date(value)
    if not found:
        batch.rejects.append(
            Reject(batch.source, index, f"unreadable date ({what})", excerpt(repr(value)), "field")
        )
        return {}
    return dict(zip(("year", "month", "day"), found))


def year_of(value) -> int | None:
    """A year given as a number (not a bool), or ``None``."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10000 else None


def reference_id(arxiv: str | None = None, doi: str | None = None, other: str | None = None) -> str | None:
    """A cited work's id in the forms of a paper's id: ``arXiv:<id>``, else ``doi:<doi>``, else ``other``.

    ``arxiv`` is a bare arXiv id, ``doi`` a DOI in any form (a ``10.48550/arXiv.`` DOI gives the
    arXiv id).
    """
    doi = doi_of(doi) if isinstance(doi, str) else None
    found = (arxiv_id(arxiv) if isinstance(arxiv, str) else None) or arxiv_id_in(doi=doi)
    if found:
        return f"arXiv:{found}"
    return f"doi:{doi}" if doi else other


def unidentified(batch: Batch, index: int, missing: int, total: int) -> None:
    """A field reject saying how many of a record's references name no id (they are not kept)."""
    if missing:
        reason = f"{missing} of {total} references name no DOI, arXiv id or service id: not kept"
        batch.rejects.append(Reject(batch.source, index, reason, "", "field"))
