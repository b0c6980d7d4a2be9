"""Readers of paper records, one module per input format, chosen by a file's content.

Each reader module has ``FORMAT`` (its name), ``sniff(head: str) -> bool`` (whether the
first characters of a file are in its format) and ``read(path, name) -> Batch``. Files of one
project are read independently, except that BibTeX files share ``@string`` macros and
``crossref`` parents: :func:`project_contexts` gathers them first (``bibshared``). A new
format is a module, a line in :data:`READERS` and a test file. Readers are tried in order;
the listing reader comes last, as it takes any text with its header. A file no reader claims
is an error that names the formats tried; a file a reader claims gets that reader's errors. The
content decides; a file name ending only a reader's own format uses (``SUFFIXES``: ``.ris``,
``.nbib``, ``.isi``) is a hint for a file no reader claims, so that it gets that format's error.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import LitReviewError
from ..record import Batch
from . import (
    arxiv_atom,
    arxiv_snapshot,
    bibshared,
    bibtex,
    crossref,
    csljson,
    hf_json,
    listing,
    medline,
    openalex,
    papers_csv,
    ris,
    s2,
    scopus,
    wos,
)

READERS = [
    arxiv_atom,
    arxiv_snapshot,
    hf_json,
    openalex,  # the API JSON readers before CSL-JSON, which takes any list of objects with type and title
    s2,
    crossref,
    bibtex,
    ris,
    csljson,
    papers_csv,
    wos,
    medline,
    scopus,
    listing,
]
# How a user is told which formats were tried on a file no reader claims (others by FORMAT).
FORMAT_NAMES = {
    bibtex: "BibTeX",
    ris: "RIS",
    csljson: "CSL-JSON",
    wos: "Web of Science plain text",
    medline: "PubMed MEDLINE",
    scopus: "Scopus CSV",
    hf_json: "Hugging Face JSON",
    arxiv_atom: "arXiv Atom",
    openalex: "OpenAlex works JSON",
    s2: "Semantic Scholar JSON",
    crossref: "Crossref works JSON",
    papers_csv: "lit-review papers.csv",
}
SNIFF_BYTES = 64 << 10


def _head(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            data = fh.read(SNIFF_BYTES)
    except OSError as exc:
        raise LitReviewError(f"cannot read file: {exc.strerror or exc}", path) from None
    return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")


def _claim(head: str, path: Path | None):
    """The first reader that claims ``head``; else, as a hint only, the reader whose ``SUFFIXES``
    (file name endings no other format uses, such as ``.nbib``) name the file; else None."""
    reader = next((reader for reader in READERS if reader.sniff(head)), None)
    if reader is None and path is not None and head.strip():  # an empty file is empty, whatever its name
        suffix = path.suffix.lower()
        reader = next((r for r in READERS if suffix in getattr(r, "SUFFIXES", ())), None)
    return reader


def detect(path: str | Path):
    """The reader module for ``path``, chosen by its content (the listing reader when none claims it)."""
    return detect_head(_head(Path(path)), Path(path))


def detect_bytes(data: bytes):
    """The reader module that would read a file holding ``data`` (an API response before it is saved)."""
    return detect_head(data[:SNIFF_BYTES].removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace"))


def detect_head(head: str, path: Path | None = None):
    """The reader module that claims a file starting with ``head`` (the listing reader when none does)."""
    return _claim(head, path) or listing


def unrecognized(path: Path, head: str) -> LitReviewError:
    """The error for a file no reader claims: what was tried, at its first non-blank line."""
    if not head.strip():
        return LitReviewError("empty file: no records", path, 1)
    line = next(n for n, text in enumerate(head.splitlines(), 1) if text.strip())
    named = [name for reader, name in FORMAT_NAMES.items() if reader in READERS]
    tried = ", ".join(named + [r.FORMAT for r in READERS if r not in FORMAT_NAMES and r is not listing])
    return LitReviewError(f"not a recognized format ({tried}, or a Hugging Face listing)", path, line)


def read_source(path: str | Path, name: str | None = None, context: object | None = None) -> Batch:
    """Read one source file in whatever known format it is (``name``: its name in provenance;
    ``context``: what its reader takes from the project's other files, from :func:`project_contexts`).

    Raises :class:`LitReviewError` for a file in no known format, naming the formats tried.
    """
    path = Path(path)
    head = _head(path)
    reader = _claim(head, path)
    if reader is None:
        raise unrecognized(path, head)
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
    """Whether :func:`read_source` would choose the BibTeX reader (its own sniff first: cheap for others)."""
    try:
        head = _head(path)
    except LitReviewError:  # unreadable: its own read reports it
        return False
    return bibtex.sniff(head) and _claim(head, path) is bibtex
