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
    for start, block in raw_blocks(path, lines):
        yield read_block(name, start, block)


def raw_blocks(path: str | Path, lines: int | None = None) -> Iterator[tuple[int, list[bytes]]]:
    """``(first line number, lines as bytes)`` of each block of the file (:data:`BLOCK_LINES`), unparsed."""
    lines = lines or BLOCK_LINES
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
            yield start, block
            start += len(block)


def read_block(name: str, start: int, lines: list[bytes]) -> Batch:
    """One block of lines (the first is line ``start``) as a batch."""
    batch = Batch(name, FORMAT)
    table = _arrow_table(lines)
    if table is not None:
        batch.columns = full_columns(_columns(batch, start, table))
        return batch
    items = _python_items(batch, start, lines)
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
_SCHEMA_FIELDS = (
    ("id", "string"),
    ("title", "string"),
    ("abstract", "string"),
    ("authors", "string"),
    ("authors_parsed", "names"),
    ("doi", "string"),
    ("journal-ref", "string"),
    ("categories", "string"),
    ("versions", "versions"),
)


def _arrow_table(lines: list[bytes]):
    """The block parsed by Arrow's JSON reader (fast), or ``None`` when Arrow cannot take it whole."""
    import pyarrow as pa
    import pyarrow.json as pajson

    if any(not line.strip() for line in lines):
        return None  # Arrow skips blank lines: the line numbers would shift
    types = {
        "string": pa.string(),
        "names": pa.list_(pa.list_(pa.string())),
        "versions": pa.list_(pa.struct([("created", pa.string())])),
    }
    schema = pa.schema([(n, types[t]) for n, t in _SCHEMA_FIELDS])
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
    return table if len(table) == len(lines) else None


_ID = r"^(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$"
_DOI_RE = r"(?i)(10\.\d{4,9}/\S*[^\s.,;])"


def _columns(batch: Batch, start: int, table) -> dict[str, list]:
    """Record columns of a block parsed by Arrow, column by column (rows Arrow cannot decide: Python)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    titled = pc.fill_null(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(table["title"])), 0), False)
    lines = np.arange(start, start + len(table))
    for line in lines[~np.asarray(titled, bool)].tolist():
        ident = table["id"][int(line - start)].as_py()
        batch.rejects.append(Reject(batch.source, line, "paper without a title", excerpt(repr(ident))))
    table = table.filter(titled)
    lines = lines[np.asarray(titled, bool)]
    ids = pc.struct_field(pc.extract_regex(table["id"], _ID.replace("^(", "^(?P<id>")), [0])
    for k in np.flatnonzero(np.asarray(pc.is_null(ids), bool)).tolist():
        batch.rejects.append(
            Reject(
                batch.source, int(lines[k]), "id is not an arXiv id", repr(table["id"][k].as_py()), "field"
            )
        )
    created = pc.struct_field(
        pc.list_element(
            pc.fill_null(table["versions"], pa.scalar([{"created": None}], table["versions"].type)), 0
        ),
        [0],
    )
    parts = pc.extract_regex(
        created, r"^\s*(?:\w+,\s*)?(?P<d>\d{1,2})\s+(?P<m>[A-Za-z]{3})\w*\s+(?P<y>\d{4})"
    )
    month = pc.index_in(pc.utf8_lower(pc.struct_field(parts, [1])), value_set=pa.array(list(_MONTHS)))
    day = pc.cast(pc.struct_field(parts, [0]), pa.int64())
    dated = pc.and_(pc.is_valid(month), pc.less_equal(day, 31))
    for k in np.flatnonzero(
        ~np.asarray(pc.fill_null(dated, False), bool) & np.asarray(pc.is_valid(created), bool)
    ).tolist():
        batch.rejects.append(
            Reject(
                batch.source,
                int(lines[k]),
                "unreadable first-version date",
                repr(created[k].as_py()),
                "field",
            )
        )
    journal = pc.utf8_trim_whitespace(pc.replace_substring_regex(table["journal-ref"], r"\s+", " "))
    doi = pc.utf8_lower(
        pc.struct_field(pc.extract_regex(table["doi"], _DOI_RE.replace("(10", "(?P<doi>10")), [0])
    )
    return {
        "line": lines.tolist(),
        "title": table["title"].to_pylist(),
        "abstract": pc.utf8_trim_whitespace(pc.fill_null(table["abstract"], "")).to_pylist(),
        "authors": _author_column(table),
        "arxiv_id": ids.to_pylist(),
        "url": pc.binary_join_element_wise("https://arxiv.org/abs/", ids, "").to_pylist(),
        "doi": doi.to_pylist(),
        "venue": pc.if_else(pc.equal(journal, ""), None, journal).to_pylist(),
        "primary_class": pc.struct_field(
            pc.extract_regex(table["categories"], r"^\s*(?P<c>\S+)"), [0]
        ).to_pylist(),
        "year": pc.if_else(dated, pc.cast(pc.struct_field(parts, [2]), pa.int64()), None).to_pylist(),
        "month": pc.if_else(dated, pc.add(month, 1), None).to_pylist(),
        "day": pc.if_else(dated, day, None).to_pylist(),
    }


def _author_column(table) -> list[list[str]]:
    """Each record's ``Family, Given`` names: ``authors_parsed`` joined column-wise (LaTeX decoded
    where a name has any), the ``authors`` string where there is no ``authors_parsed``."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from .._fast.text import clean_text_column

    parsed = table["authors_parsed"].combine_chunks()
    people = pc.list_flatten(parsed)
    family, given, suffix = (
        clean_text_column(pc.cast(pc.fill_null(_part(people, i), ""), pa.large_string())) for i in range(3)
    )
    both = pc.and_(pc.not_equal(family, ""), pc.not_equal(given, ""))
    comma, nothing = pa.scalar(", ", pa.large_string()), pa.scalar("", pa.large_string())
    name = pc.if_else(
        pc.and_(both, pc.not_equal(suffix, "")),
        pc.binary_join_element_wise(family, suffix, given, comma),
        pc.if_else(
            both,
            pc.binary_join_element_wise(family, given, comma),
            pc.binary_join_element_wise(family, given, nothing),
        ),
    )
    nested = pa.ListArray.from_arrays(parsed.offsets, name)
    if pc.all(pc.not_equal(name, "")).as_py() is False:  # a part-less name: dropped
        names = [[n for n in row if n] for row in nested.to_pylist()]
    else:
        names = nested.to_pylist()
    missing = np.flatnonzero(np.asarray(pc.fill_null(pc.equal(pc.list_value_length(parsed), 0), True), bool))
    for k in missing.tolist():
        names[k] = _authors({"authors": table["authors"][k].as_py()})
    return names


def _part(people, i: int):
    """Part ``i`` of each [family, given, suffix] (empty where missing)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    long_enough = pc.greater(pc.list_value_length(people), i)
    padded = pc.if_else(long_enough, people, pa.scalar(["", "", ""], people.type))
    return pc.utf8_trim_whitespace(pc.list_element(padded, i))


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
