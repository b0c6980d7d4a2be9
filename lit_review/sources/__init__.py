"""Readers of paper records, one module per input format, chosen by a file's content.

Each reader module has ``FORMAT`` (its name), ``sniff(head: str) -> bool`` (whether the
first characters of a file are in its format) and ``read(path, name) -> Batch``. Files of one
project are read independently, except that BibTeX files share ``@string`` macros and
``crossref`` parents: :func:`project_contexts` gathers them first (``bibshared``). A new
format is a module, a line in :data:`READERS` and a test file. Readers are tried in order;
the listing reader comes last, as it takes any text with its header.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import LitReviewError
from ..record import Batch
from . import arxiv_atom, bibshared, bibtex, csljson, hf_json, listing, papers_csv, ris

READERS = [
    arxiv_atom,
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
    return _reader(_head(Path(path)))


def _reader(head: str):
    for reader in READERS:
        if reader.sniff(head):
            return reader
    return listing


def read_source(path: str | Path, name: str | None = None, context: object | None = None) -> Batch:
    """Read one source file in whatever known format it is (``name``: its name in provenance;
    ``context``: what its reader takes from the project's other files, from :func:`project_contexts`)."""
    path = Path(path)
    reader = detect(path)
    if context is not None and reader is bibtex:
        return reader.read(path, name or path.name, context)
    return reader.read(path, name or path.name)


def project_contexts(paths: list[Path]) -> list[object | None]:
    """For each of a project's files, what its reader needs from the others: the macros and
    crossref parents of the project's BibTeX files for each of them when there are several;
    otherwise ``None`` (a file read on its own, as always)."""
    bib = [_is_bibtex(p) for p in paths]
    shared = bibshared.shared([p for p, b in zip(paths, bib) if b]) if sum(bib) > 1 else None
    return [shared if b else None for b in bib]


def _is_bibtex(path: Path) -> bool:
    """Whether :func:`detect` would choose the BibTeX reader (its own sniff first: cheap for others)."""
    try:
        head = _head(path)
    except LitReviewError:  # unreadable: its own read reports it
        return False
    return bibtex.sniff(head) and _reader(head) is bibtex
