"""The source manifest, ``references/sources.toml``: where and when each listing was captured.

A systematic review must report its searches: which database (``origin``), which listing
or query, and when. Each ``[[source]]`` table describes one file under ``references/sources/``::

    [[source]]
    file = "hf-papers-001-daily-dec-10.txt"
    origin = "Hugging Face Papers"
    listing = "Daily Papers page"
    query = "unknown"
    page_date = "Dec 10"
    captured = "2025-12-10"          # ISO date, or "unknown"
    captured_basis = "why that date"

``lit-review fetch`` also writes ``url`` (the request), ``fetched`` (the UTC fetch time) and
``sha256``. ``lit-review enrich --online`` records its saved responses the same way, with
``file`` a path relative to ``references/`` (``metadata/<service>/<name>``); a bare name is a
file of ``references/sources/``.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..errors import LitReviewError

UNKNOWN = "unknown"


@dataclass(frozen=True)
class SourceInfo:
    """What the manifest says about one listing file."""

    file: str
    origin: str = UNKNOWN
    listing: str = UNKNOWN
    query: str = UNKNOWN
    page_date: str = UNKNOWN
    captured: str = UNKNOWN
    captured_basis: str = ""
    in_manifest: bool = True

    @property
    def capture_date(self) -> dt.date | None:
        """The capture date, or ``None`` where it is unknown."""
        return None if self.captured == UNKNOWN else dt.date.fromisoformat(self.captured)


_FIELDS = ("origin", "listing", "query", "page_date", "captured", "captured_basis")


def load_manifest(path: str | Path) -> dict[str, SourceInfo]:
    """Read a manifest into ``{file name: SourceInfo}``; a missing manifest is empty."""
    path = Path(path)
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise LitReviewError(f"invalid TOML: {exc}", path, getattr(exc, "lineno", None)) from None
    except UnicodeDecodeError:
        raise LitReviewError("not valid UTF-8", path) from None
    out: dict[str, SourceInfo] = {}
    for n, entry in enumerate(data.get("source", []), 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            raise LitReviewError(f"[[source]] number {n} has no 'file' name", path)
        unknown = set(entry) - set(_FIELDS) - {"file", "seed", "sha256", "url", "fetched"}
        if unknown:
            raise LitReviewError(f"[[source]] {entry['file']!r}: unknown key(s) {sorted(unknown)}", path)
        _check_file_name(entry["file"], path)
        values = {k: str(entry[k]) for k in _FIELDS if k in entry}
        info = SourceInfo(file=entry["file"], **values)
        try:
            info.capture_date  # noqa: B018 - validate early, with the file named
        except ValueError:
            raise LitReviewError(
                f"[[source]] {info.file!r}: captured = {info.captured!r} is neither an ISO date "
                f"(YYYY-MM-DD) nor {UNKNOWN!r}",
                path,
            ) from None
        if info.file in out:
            raise LitReviewError(f"[[source]] {info.file!r} is listed twice", path)
        out[info.file] = info
    return out


def _check_file_name(name: str, path: Path) -> None:
    """A bare file name (in ``sources/``), or ``metadata/...`` relative to ``references/``."""
    parts = name.split("/")
    bad = not name or "\\" in name or any(p in ("", ".", "..") for p in parts)
    if bad or (len(parts) > 1 and parts[0] != "metadata"):
        raise LitReviewError(
            f"[[source]] file = {name!r} is neither a file name (in references/sources/) nor a path "
            "under metadata/ (relative to references/)",
            path,
        )
