"""Reader for the arXiv metadata snapshot: JSON lines, one paper a line (Kaggle's
``arxiv-metadata-oai-snapshot.json``, about 2.6 million lines).

Each line is ``{"id", "submitter", "authors", "title", "comments", "journal-ref", "doi",
"report-no", "categories", "license", "abstract", "versions": [{"version", "created"}],
"update_date", "authors_parsed": [[family, given, suffix], ...]}``. Read: the versionless id,
the title and abstract, the authors (``authors_parsed``, else the ``authors`` string), the DOI,
``journal-ref`` as the venue (as the arXiv API reader does), the primary category (the first of
``categories``) and the date of the first version (``versions[0].created``, an RFC 2822 date;
``update_date`` is when the metadata changed, not when the paper appeared). ``line`` is the line.

Large files are read in blocks of lines (:func:`read_blocks`): each block is parsed by Arrow's
JSON reader; a block it refuses (a malformed line, a field of another type) is read line by line
with :mod:`json`, so a bad line is one reject naming its line and the others are kept.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path

from ..errors import LitReviewError
from ..record import Batch, Reject, excerpt, full_columns
from .ids import abs_url, arxiv_id, doi_of

FORMAT = "arxiv-snapshot"
BLOCK_LINES = 100_000
# The first object of the file: an "id" and keys only the snapshot has.
_FIRST = re.compile(r'^\s*\{\s*"id"\s*:\s*"[^"]+"')
_SNAPSHOT_KEY = re.compile(r'"(?:authors_parsed|update_date|journal-ref|report-no)"\s*:')
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_CREATED = re.compile(r"^\s*(?:\w+,\s*)?(\d{1,2})\s+([A-Za-z]{3})\w*\s+(\d{4})")


def sniff(head: str) -> bool:
    """Whether ``head`` starts with a snapshot line."""
    first = head.lstrip().split("\n", 1)[0]
    return bool(_FIRST.match(first)) and bool(_SNAPSHOT_KEY.search(first))


def read(path: str | Path, name: str | None = None) -> Batch:
    """Read a whole snapshot file into one :class:`Batch` (for large files see :func:`read_blocks`)."""
    path = Path(path)
    name = name or path.name
    whole = Batch(name, FORMAT)
    for batch in read_blocks(path, name):
        whole.rejects.extend(batch.rejects)
        for column, values in batch.columns.items():
            whole.columns[column].extend(values)
    return whole


def read_blocks(path: str | Path, name: str | None = None, lines: int = BLOCK_LINES) -> Iterator[Batch]:
    """The file as batches of at most ``lines`` lines each (the memory of one block at a time)."""
    path = Path(path)
    name = name or path.name
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise LitReviewError(f"cannot read file: {exc.strerror or exc}", path) from None
    with fh:
        start = 1
        while True:
            block = list(itertools.islice(fh, lines))
            if not block:
                return
            if start == 1:
                block[0] = block[0].removeprefix(b"\xef\xbb\xbf")
            yield _block(name, start, block)
            start += len(block)


def _block(name: str, start: int, lines: list[bytes]) -> Batch:
    """One block of lines (the first is line ``start``) as a batch."""
    batch = Batch(name, FORMAT)
    items = _arrow_items(lines)
    if items is None:
        items = _python_items(batch, start, lines)
    else:
        items = [(start + k, item) for k, item in enumerate(items)]
    rows = [row for line, item in items if (row := _record(batch, line, item)) is not None]
    batch.columns = full_columns({k: [r.get(k) for r in rows] for k in (*_ROW_KEYS, "line")})
    return batch


_ROW_KEYS = (
    "title",
    "abstract",
    "authors",
    "arxiv_id",
    "url",
    "doi",
    "venue",
    "primary_class",
    "year",
    "month",
    "day",
)


def _arrow_items(lines: list[bytes]) -> list[dict] | None:
    """The block's objects parsed by Arrow (fast), or ``None`` when Arrow cannot take it whole."""
    import pyarrow as pa
    import pyarrow.json as pajson

    if any(not line.strip() for line in lines):
        return None  # Arrow skips blank lines: the line numbers would shift
    schema = pa.schema(
        [
            ("id", pa.string()),
            ("title", pa.string()),
            ("abstract", pa.string()),
            ("authors", pa.string()),
            ("authors_parsed", pa.list_(pa.list_(pa.string()))),
            ("doi", pa.string()),
            ("journal-ref", pa.string()),
            ("categories", pa.string()),
            ("versions", pa.list_(pa.struct([("created", pa.string())]))),
        ]
    )
    data = b"".join(line if line.endswith(b"\n") else line + b"\n" for line in lines)
    options = pajson.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore")
    try:
        table = pajson.read_json(
            pa.BufferReader(data),
            parse_options=options,
            read_options=pajson.ReadOptions(block_size=len(data) + 1),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if len(table) != len(lines):
        return None
    return table.to_pylist()


def _python_items(batch: Batch, start: int, lines: list[bytes]) -> list[tuple[int, dict]]:
    """The block's objects read line by line; a line that is no JSON object becomes a reject."""
    out = []
    for line, raw in enumerate(lines, start):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "msg", "not UTF-8")
            batch.rejects.append(
                Reject(
                    batch.source,
                    line,
                    f"invalid JSON line: {reason}",
                    excerpt(raw.decode("utf-8", "replace")),
                )
            )
            continue
        if not isinstance(item, dict):
            batch.rejects.append(
                Reject(
                    batch.source, line, f"a JSON {type(item).__name__}, not an object", excerpt(raw.decode())
                )
            )
            continue
        out.append((line, item))
    return out


def _record(batch: Batch, line: int, item: dict) -> dict | None:
    """The record row of one snapshot object, or ``None`` (a reject says why)."""
    title = item.get("title")
    if not isinstance(title, str) or not title.strip():
        batch.rejects.append(
            Reject(batch.source, line, "paper without a title", excerpt(repr(item.get("id"))))
        )
        return None
    row = {"line": line, "title": title}
    abstract = item.get("abstract")
    row["abstract"] = abstract.strip() if isinstance(abstract, str) else ""
    raw = item.get("id")
    found = arxiv_id(raw) if isinstance(raw, str) else None
    if found:
        row["arxiv_id"], row["url"] = found, abs_url(found)
    else:
        batch.rejects.append(Reject(batch.source, line, "id is not an arXiv id", repr(raw), "field"))
    row["authors"] = _authors(item)
    doi = item.get("doi")
    row["doi"] = doi_of(doi) if isinstance(doi, str) else None
    venue = item.get("journal-ref")
    row["venue"] = " ".join(venue.split()) or None if isinstance(venue, str) else None
    categories = item.get("categories")
    row["primary_class"] = (categories.split() or [None])[0] if isinstance(categories, str) else None
    versions = item.get("versions")
    created = (
        versions[0].get("created")
        if isinstance(versions, list) and versions and isinstance(versions[0], dict)
        else None
    )
    date = _created(created)
    if date:
        row["year"], row["month"], row["day"] = date
    elif created is not None:
        batch.rejects.append(
            Reject(batch.source, line, "unreadable first-version date", repr(created), "field")
        )
    return row


def _authors(item: dict) -> list[str]:
    """``Family, Given`` names: from ``authors_parsed`` ([family, given, suffix]), else the ``authors`` string."""
    from .names import bibtex_names, family_given

    parsed = item.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = []
        for parts in parsed:
            if not isinstance(parts, list) or not parts:
                continue
            family, given, suffix = ([*map(str, parts), "", ""])[:3]
            name = family_given(family, given)
            if suffix.strip() and family.strip() and given.strip():
                name = (
                    family_given(family, "").rstrip(", ") + f", {suffix.strip()}, " + name.split(", ", 1)[1]
                )
            if name:
                names.append(name)
        return names
    raw = item.get("authors")
    if isinstance(raw, str) and raw.strip():
        return list(bibtex_names(" and ".join(p.strip() for p in re.split(r",| and ", raw) if p.strip()))[0])
    return []


def _created(value) -> tuple[int, int, int] | None:
    """Year, month, day of an RFC 2822 date (``Mon, 2 Apr 2007 19:18:42 GMT``), or ``None``."""
    m = _CREATED.match(value) if isinstance(value, str) else None
    if not m or m.group(2).lower() not in _MONTHS:
        return None
    day, month, year = int(m.group(1)), _MONTHS[m.group(2).lower()], int(m.group(3))
    return (year, month, day) if 1 <= day <= 31 else None
