"""Reader for lit-review's own ``papers.csv`` (and ``lit-review export --format csv``).

A corpus exported as CSV reads back as the same papers: one record per row, the paper's
citation key kept as the key its source gave it, lists split on ``"; "``. ``line`` is the line
where the row starts (a quoted abstract may span lines).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import LitReviewError
from ..record import Batch, Reject, columns_of

FORMAT = "papers-csv"
HEADER = '"id","citekey","title","abstract"'
_INTS = ("year", "month", "day", "n_authors", "upvotes")
_STRINGS = (
    "title",
    "abstract",
    "arxiv_id",
    "primary_class",
    "doi",
    "url",
    "venue",
    "entry_type",
    "organization",
)
_LISTS = ("authors", "keywords")


def sniff(head: str) -> bool:
    """Whether ``head`` starts with the header lit-review writes."""
    return head.startswith(HEADER)


def read(path: str | Path, name: str | None = None) -> Batch:
    """Read a ``papers.csv``: every row a record, or a reject naming its line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise LitReviewError(f"cannot read as UTF-8 CSV: {exc}", path) from None
    batch = Batch(name or path.name, FORMAT)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "title" not in reader.fieldnames:
        raise LitReviewError("a papers.csv needs a header with a 'title' column", path, 1)
    rows, start = [], 2
    for row in reader:
        record = _record(batch, start, row)
        if record is not None:
            rows.append(record)
        start = reader.line_num + 1
    batch.columns = columns_of(rows)
    return batch


def _record(batch: Batch, line: int, row: dict) -> dict | None:
    if None in row or any(v is None for v in row.values()):
        batch.rejects.append(
            Reject(batch.source, line, "row has a different number of cells than the header")
        )
        return None
    record = {"line": line, "citekey": row.get("citekey") or None}
    for name in _STRINGS:
        record[name] = row.get(name) or (None if name not in ("title", "abstract") else "")
    for name in _LISTS:
        record[name] = tuple(v for v in (row.get(name) or "").split("; ") if v)
    for name in _INTS:
        value = (row.get(name) or "").strip()
        if value.isdigit():
            record[name] = int(value)
        elif value:
            batch.rejects.append(Reject(batch.source, line, f"{name} is not a whole number", value, "field"))
    if not record["title"].strip():
        batch.rejects.append(Reject(batch.source, line, "row without a title", row.get("id", "")))
        return None
    return record
