"""Readers of paper records, one module per input format, chosen by a file's content.

Each reader module has ``FORMAT`` (its name), ``sniff(head: str) -> bool`` (whether the
first characters of a file are in its format) and ``read(path, name) -> Batch``. A new
format is a module, a line in :data:`READERS` and a test file. Readers are tried in order;
the listing reader comes last, as it takes any text with its header.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import LitReviewError
from ..record import Batch
from . import arxiv_atom, arxiv_snapshot, bibtex, csljson, hf_json, listing, papers_csv, ris

READERS = [
    arxiv_atom,
    arxiv_snapshot,
    hf_json,
    bibtex,
    ris,
    csljson,
    papers_csv,
    listing,
]
SNIFF_BYTES = 64 << 10


def _head(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            data = fh.read(SNIFF_BYTES)
    except OSError as exc:
        raise LitReviewError(f"cannot read file: {exc.strerror or exc}", path) from None
    return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")


def detect(path: str | Path):
    """The reader module for ``path``, chosen by its content (the listing reader when none claims it)."""
    head = _head(Path(path))
    for reader in READERS:
        if reader.sniff(head):
            return reader
    return listing


def read_source(path: str | Path, name: str | None = None) -> Batch:
    """Read one source file in whatever known format it is (``name``: its name in provenance)."""
    path = Path(path)
    return detect(path).read(path, name or path.name)
