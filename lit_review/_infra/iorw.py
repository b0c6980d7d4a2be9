"""File I/O at the edges: atomic writes, checked text reads, hashes."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import LitReviewError


@contextmanager
def atomic_open(path: str | Path, mode: str = "w"):
    """Open a temp file beside ``path`` for writing; on success it atomically replaces ``path``.

    A crash or an exception at any moment leaves either the old file or the new one, never
    a mix, so large outputs can be streamed. Text mode writes UTF-8 with ``\\n`` line endings.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        kwargs = {} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder and an atomic rename."""
    with atomic_open(path, "wb") as fh:
        fh.write(data)


def remove_stale_temp_files(folder: str | Path) -> list[Path]:
    """Delete temp files left in ``folder`` by writers that were killed (their process is gone).

    Temp files of live processes (a concurrent build) are left alone.
    """
    removed = []
    for tmp in Path(folder).glob(".*.tmp"):
        parts = tmp.name.split(".")
        pid = int(parts[-3]) if len(parts) >= 4 and parts[-3].isdigit() else None
        if pid is not None and pid != os.getpid() and process_running(pid):
            continue
        tmp.unlink(missing_ok=True)
        removed.append(tmp)
    return removed


def process_running(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie (a killed worker nobody reaped yet)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc: trust kill()
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def atomic_write_text(path: str | Path, text: str) -> None:
    """Atomically write UTF-8 text with ``\\n`` line endings."""
    atomic_write_bytes(path, text.encode("utf-8"))


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class ListingText:
    """The lines of a listing file, with its damaged lines (1-based number -> reason)."""

    lines: list[str]
    bad: dict[int, str]
    ends_with_newline: bool

    def damage(self, first: int, last: int) -> str:
        """Why a record on lines ``first``..``last`` (1-based) cannot be trusted: ``line N: reason``
        of its first damaged line, or ``""``."""
        return next((f"line {n}: {self.bad[n]}" for n in range(first, last + 1) if n in self.bad), "")


def read_listing_lines(path: str | Path) -> ListingText:
    """Read a listing file as lines, with the 1-based numbers of damaged lines and why.

    A UTF-8 byte-order mark is dropped and CRLF / CR line endings become LF, so that a
    file saved by another editor reads the same as the original. A line holding a NUL
    byte or bytes that are not UTF-8 is decoded with replacement characters and
    reported in the second value, so the reader can reject just the record it belongs
    to. A file that is mostly binary raises :class:`LitReviewError`.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LitReviewError(f"cannot read file: {exc.strerror or exc}", path) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    ends_with_newline = data.endswith(b"\n")
    if b"\x00" not in data:
        try:  # the common case: one decode for the whole file
            lines = data.decode("utf-8").split("\n")
        except UnicodeDecodeError:
            pass
        else:
            if ends_with_newline:
                lines.pop()
            return ListingText(lines, {}, ends_with_newline)
    raw_lines = data.split(b"\n")
    if ends_with_newline:
        raw_lines.pop()
    lines = []
    bad: dict[int, str] = {}
    for number, raw in enumerate(raw_lines, 1):
        if b"\x00" in raw:
            bad[number] = "binary content (NUL byte)"
            raw = raw.replace(b"\x00", b"")
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            bad.setdefault(number, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})")
            lines.append(raw.decode("utf-8", errors="replace"))
    if raw_lines and len(bad) * 2 > len(raw_lines):
        first = min(bad)
        raise LitReviewError(f"not a UTF-8 text listing: {bad[first]}", path, first)
    return ListingText(lines, bad, ends_with_newline)


_PACKAGE = Path(__file__).resolve().parents[1]


def digest(*parts) -> str:
    """A sha256 over ``parts`` (bytes as they are, anything else as sorted JSON), each part delimited."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else json.dumps(part, sort_keys=True, default=str).encode())
        h.update(b"\0")
    return h.hexdigest()


def package_digest() -> str:
    """Hash of lit-review's own code: a new version or a local edit invalidates what it computed."""
    return digest(
        *[(p.relative_to(_PACKAGE).as_posix(), p.read_bytes()) for p in sorted(_PACKAGE.rglob("*.py"))]
    )
