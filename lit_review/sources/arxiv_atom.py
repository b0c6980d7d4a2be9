"""Reader for arXiv API responses: the Atom XML of ``export.arxiv.org/api/query``.

Both generations of the API are read: 2016 responses (namespaces declared on each
``arxiv:`` element, ``<title type="html">``) and 2026 ones (namespaces on ``<feed>``).
Each ``<entry>`` is one paper; an entry whose id is ``.../api/errors#...`` is the API's
error message (a bad query), never a paper: it becomes a reject row with that message.
``line`` is the line of the entry's ``<entry`` tag.

A file declaring a DOCTYPE (and so possibly entities) is refused: arXiv never sends one.
The recorded responses of the ``arxiv`` Python package's tests, JSON objects
``{url, status_code, body}`` with the Atom XML in ``body``, are read too (layout
``recorded-response``); their lines are then the 1-based entry index in the body.

Names and ids follow :mod:`.names` and :mod:`.ids`; :func:`iso_date` is shared with the
Hugging Face reader.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ..errors import LitReviewError
from ..record import Batch, Reject, columns_of
from .ids import abs_url, arxiv_id, arxiv_id_in
from .names import person_name

FORMAT = "arxiv-atom"
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"

# New-style ids (0704.0001, 2406.04329) and old-style ones (hep-th/9901001, math.GT/0309136).
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_DOCTYPE = re.compile(r"<!DOCTYPE|<!ENTITY")
_ENTRY_TAG = re.compile(r"<(?:[\w.-]+:)?entry[\s>/]")
_SNIFF_FEED = re.compile(r"<(?:[\w.-]+:)?feed\b[^>]*http://www\.w3\.org/2005/Atom")
_SNIFF_RECORDED = re.compile(r'^\s*\{\s*"url"\s*:\s*"https?://(?:export\.)?arxiv\.org/api/')


def iso_date(value: str) -> tuple[int, int, int] | None:
    """Year, month and day of an ISO date or timestamp (``2024-06-10T17:59:46.000Z``), or ``None``."""
    m = _DATE.match(value.strip()) if isinstance(value, str) else None
    if not m:
        return None
    y, mo, d = map(int, m.groups())
    return (y, mo, d) if 1 <= mo <= 12 and 1 <= d <= 31 else None


def sniff(head: str) -> bool:
    """Whether ``head`` is an Atom feed (arXiv's, or one to refuse) or a recorded arXiv response."""
    if head.lstrip()[:1] == "<":  # XML (a JSON file may quote a feed in a string: not claimed)
        return bool(_SNIFF_FEED.search(head))
    return bool(_SNIFF_RECORDED.match(head))


def read(path: str | Path, name: str | None = None) -> Batch:
    """Read one arXiv API response file (Atom XML, or a recorded ``{url, status_code, body}``)."""
    path = Path(path)
    name = name or path.name
    try:
        data = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    except OSError as exc:
        raise LitReviewError(f"cannot read file: {exc.strerror or exc}", path) from None
    if not data.strip():
        raise LitReviewError("empty file: no arXiv API response", path, 1)
    text = data.decode("utf-8", errors="replace")
    if data.lstrip()[:1] == b"{":
        return _read_recorded(path, name, text)
    return _read_feed(path, name, text, lines=None)


def _read_recorded(path: Path, name: str, text: str) -> Batch:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LitReviewError(
            f"invalid JSON in recorded arXiv response: {exc.msg}", path, exc.lineno
        ) from None
    body = obj.get("body") if isinstance(obj, dict) else None
    if not isinstance(body, str) or not _SNIFF_FEED.search(body[:4096]):
        status = obj.get("status_code") if isinstance(obj, dict) else None
        raise LitReviewError(f"recorded arXiv response (HTTP {status}) holds no Atom feed in 'body'", path, 1)
    batch = _read_feed(path, name, body, lines="index")
    batch.layout = "recorded-response"
    return batch


def _read_feed(path: Path, name: str, text: str, lines: str | None) -> Batch:
    doctype = _DOCTYPE.search(text)
    if doctype:
        line = text.count("\n", 0, doctype.start()) + 1
        raise LitReviewError("XML with a DOCTYPE/entity declaration: not an arXiv API response", path, line)
    entries, error = _parse_entries(text)
    if entries is None:
        raise LitReviewError(f"not an Atom feed: {error[1]}", path, error[0])
    starts = [text.count("\n", 0, m.start()) + 1 for m in _ENTRY_TAG.finditer(text)]
    batch = Batch(name, FORMAT, "atom")
    rows = []
    for k, entry in enumerate(entries):
        line = k + 1 if lines == "index" else (starts[k] if k < len(starts) else 1)
        row = _entry(batch, entry, line)
        if row is not None:
            rows.append(row)
    if error is not None:  # the file breaks off after the complete entries read above
        k = len(entries)
        line = k + 1 if lines == "index" else (starts[k] if k < len(starts) else error[0])
        batch.rejects.append(Reject(name, line, f"unreadable XML (truncated file?): {error[1]}"))
    batch.columns = columns_of(rows)
    return batch


def _parse_entries(text: str) -> tuple[list[ET.Element] | None, tuple[int, str] | None]:
    """The complete ``<entry>`` elements of a feed and the parse error that stopped it, if any.

    ``None`` entries when the document is not an Atom ``<feed>`` at all.
    """
    parser = ET.XMLPullParser(events=("start", "end"))
    entries: list[ET.Element] = []
    root, error = None, None
    try:  # a parse error is raised by feed/close or from read_events, after the events before it
        parser.feed(text)
        parser.close()
    except ET.ParseError as exc:
        error = (exc.position[0], str(exc).split(":")[0])
    try:
        for event, elem in parser.read_events():
            if root is None:
                root = elem
                if elem.tag != f"{ATOM}feed":
                    return None, (1, f"root element is <{elem.tag}>, not an Atom <feed>")
            if event == "end" and elem.tag == f"{ATOM}entry":
                entries.append(elem)
    except ET.ParseError as exc:
        error = error or (exc.position[0], str(exc).split(":")[0])
    if root is None:
        return None, error or (1, "no XML element")
    return entries, error


def _text(entry: ET.Element, tag: str) -> str:
    return (entry.findtext(tag) or "").strip()


def _entry(batch: Batch, entry: ET.Element, line: int) -> dict | None:
    reject = batch.rejects.append
    entry_id = _text(entry, f"{ATOM}id")
    title = _text(entry, f"{ATOM}title")
    summary = entry.findtext(f"{ATOM}summary") or ""
    if "/api/errors" in entry_id:
        reject(
            Reject(batch.source, line, f"arXiv API error, not a paper: {' '.join(summary.split())}", entry_id)
        )
        return None
    if not title:
        reject(Reject(batch.source, line, "entry without a title", entry_id))
        return None
    row = {"line": line, "title": title, "abstract": summary, "entry_type": None}
    row["arxiv_id"] = arxiv_id(entry_id) or arxiv_id_in(url=entry_id)
    if row["arxiv_id"]:
        row["url"] = abs_url(row["arxiv_id"])
    else:
        reject(Reject(batch.source, line, "entry id is not an arXiv id", entry_id, "field"))
    names = [_text(a, f"{ATOM}name") for a in entry.findall(f"{ATOM}author")]
    row["authors"] = tuple(person_name(n) for n in names if n)
    published = _text(entry, f"{ATOM}published")
    date = iso_date(published)
    if date:
        row["year"], row["month"], row["day"] = date
    else:
        reject(Reject(batch.source, line, "no readable <published> date", published, "field"))
    primary = entry.find(f"{ARXIV}primary_category")
    row["primary_class"] = primary.get("term") if primary is not None else None
    doi = _text(entry, f"{ARXIV}doi").lower().removeprefix("https://doi.org/")
    row["doi"] = doi or None
    row["venue"] = _text(entry, f"{ARXIV}journal_ref") or None
    return row
