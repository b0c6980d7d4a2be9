"""Saving a web service's answer verbatim, with its ``[[source]]`` entry in ``references/sources.toml``.

The one implementation for ``fetch`` (paper lists, under ``references/sources/``) and
``enrich --online`` (metadata, under ``references/metadata/<service>/``). The bytes are written
atomically and the entry appended under the manifest's inter-process lock (read, change and
rewrite inside it), so two processes saving at once lose nothing; a file is never left without
its entry (it is removed if the entry cannot be written), and a capture is never replaced.

Manifest ``file`` names: a file of ``references/sources/`` by its bare name (as always), any
other by its path relative to ``references/`` (``metadata/openalex/title-....json``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path, PurePosixPath

from .._infra.iorw import atomic_write_bytes, atomic_write_text
from .._infra.locks import locked
from ..errors import LitReviewError
from ..project import Project
from ..sources.manifest import UNKNOWN, load_manifest

FETCH_BASIS = "fetched by lit-review fetch (UTC date of the request)"
ENRICH_BASIS = "fetched by lit-review enrich --online (UTC date of the request)"


def manifest_name(relpath: str | PurePosixPath) -> str:
    """The manifest's ``file`` for ``relpath`` (relative to ``references/``): a bare name under
    ``sources/``, the relative path under ``metadata/``; nothing else is a capture."""
    path = PurePosixPath(relpath)
    if path.is_absolute() or not path.parts or ".." in path.parts or "\\" in str(path):
        raise ValueError(f"not a path inside references/: {relpath!r}")
    if len(path.parts) == 2 and path.parts[0] == "sources":
        return path.name
    if len(path.parts) > 1 and path.parts[0] == "metadata":
        return str(path)
    raise ValueError(f"not a file of references/sources/ or references/metadata/: {relpath!r}")


def is_saved(project: Project, relpath: str) -> bool:
    """Whether ``relpath`` was captured: its file exists and the manifest lists it."""
    return (project.references / relpath).is_file() and manifest_name(relpath) in manifest_files(
        project.manifest
    )


# The file names of manifests this process read or wrote, by path, with the stat they had: a
# look-up run appends thousands of entries, and parsing the whole manifest again for each (0.14 s
# at 2,000 entries) would cost more than the requests. Another process's write changes the
# stat (size, inode of the renamed file, mtime), and the manifest is then read again.
_NAMES: dict[Path, tuple[tuple[int, int, int], frozenset[str]]] = {}


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


def manifest_files(path: Path) -> frozenset[str]:
    """The ``file`` names a manifest lists (validated by :func:`load_manifest` when read)."""
    sig = _signature(path)
    if sig is None:
        return frozenset()
    known = _NAMES.get(path)
    if known is None or known[0] != sig:
        known = sig, frozenset(load_manifest(path))
        _NAMES[path] = known
    return known[1]


def manifest_entry(values: dict[str, str]) -> str:
    """The ``[[source]]`` TOML table of ``values`` (strings, written as JSON strings: valid TOML)."""
    body = "".join(f"{k} = {_toml_string(v)}\n" for k, v in values.items())
    return f"[[source]]\n{body}"


def entry_values(
    file: str, *, origin: str, listing: str, url: str, fetched: dt.datetime, sha256: str,
    query: str = UNKNOWN, page_date: str = UNKNOWN, basis: str = FETCH_BASIS,
) -> dict[str, str]:  # fmt: skip
    """The fields of one capture's entry, in the manifest's order (``fetched``: UTC, to the second)."""
    when = fetched.astimezone(dt.UTC)
    return {
        "file": file,
        "origin": origin,
        "listing": listing,
        "query": query,
        "page_date": page_date,
        "captured": when.date().isoformat(),
        "captured_basis": basis,
        "url": url,
        "fetched": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sha256": sha256,
    }


def _toml_string(value: str) -> str:
    # a JSON string is a TOML basic string, but for DEL, which TOML wants escaped
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def save_response(
    project: Project | str | Path, relpath: str, content: bytes, *, origin: str, listing: str, url: str,
    fetched: dt.datetime, query: str = UNKNOWN, page_date: str = UNKNOWN, basis: str = FETCH_BASIS,
) -> Path:  # fmt: skip
    """Save ``content`` verbatim at ``references/<relpath>`` and record it in ``sources.toml``; the file.

    Refuses (:class:`LitReviewError`, nothing written) a capture already made (the manifest lists
    it) or a file of that name already there.
    """
    project = project if isinstance(project, Project) else Project.at(project)
    name = manifest_name(relpath)
    target = project.references / relpath
    values = entry_values(
        name, origin=origin, listing=listing, url=url, fetched=fetched,
        sha256=hashlib.sha256(content).hexdigest(), query=query, page_date=page_date, basis=basis,
    )  # fmt: skip
    with locked(project.manifest):
        listed = manifest_files(project.manifest)  # also validates it before we append to it
        if name in listed:
            raise LitReviewError(
                "already fetched (delete the file and its [[source]] entry to fetch it again)", target
            )
        if target.exists():
            raise LitReviewError(
                "a file of this name is already there, not listed in references/sources.toml "
                "(left by an interrupted run?): delete it to fetch it again",
                target,
            )
        atomic_write_bytes(target, content)
        try:
            old = project.manifest.read_text(encoding="utf-8") if project.manifest.exists() else ""
            sep = "" if not old else ("\n" if old.endswith("\n") else "\n\n")
            atomic_write_text(project.manifest, old + sep + manifest_entry(values))
        except BaseException:
            target.unlink(missing_ok=True)  # no capture without its manifest entry
            raise
        sig = _signature(project.manifest)
        if sig is not None:  # what we appended is valid by construction: no need to read it again
            _NAMES[project.manifest] = sig, listed | {name}
    return target
