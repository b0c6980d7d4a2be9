"""Inter-process locks for the files people own or that pin history.

``references/decisions.csv``, ``citekeys.csv``, ``sources.toml`` and the pin files are
read, changed and rewritten by several processes at once (two screening notebooks, a
``decide`` from a script, a build). Each change is a read-modify-write *inside* :func:`locked`,
written atomically as every output is, so no row is lost and no reader sees a partial file.
Generated outputs are not locked: each is replaced whole and the last rename wins.

The lock is ``filelock``'s (``fcntl.flock`` on POSIX): the kernel releases it when its holder
dies, even by SIGKILL, so a stale lock file never blocks the next writer. The holder writes its
process id and command line beside the lock (``.<name>.lock.holder``) so that a writer that
gives up waiting can say who holds it.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from ..errors import LitReviewError
from .iorw import atomic_write_text, process_running

TIMEOUT = float(os.environ.get("LIT_REVIEW_LOCK_TIMEOUT", "60"))
POLL = 0.005  # seconds between a waiter's attempts


def lock_path(path: str | Path) -> Path:
    """The lock file of ``path``: a hidden ``.<name>.lock`` beside it."""
    path = Path(path)
    return path.parent / f".{path.name}.lock"


def holder_path(path: str | Path) -> Path:
    """Where the holder of ``path``'s lock writes who it is: ``.<name>.lock.holder``."""
    lock = lock_path(path)
    return lock.parent / f"{lock.name}.holder"


@dataclass
class _Held:
    """This process's hold on one lock file: threads queue on ``turn``; ``depth`` counts nesting."""

    file_lock: FileLock
    turn: threading.RLock = field(default_factory=threading.RLock)
    depth: int = 0


_held: dict[str, _Held] = {}
_registry = threading.Lock()


@contextmanager
def locked(path: str | Path, timeout: float | None = None) -> Iterator[Path]:
    """Hold the inter-process lock of ``path`` for a read-modify-write of it.

    Waits at most ``timeout`` seconds (``LIT_REVIEW_LOCK_TIMEOUT``, default 60), then raises a
    one-line :class:`LitReviewError` naming the file, its lock file and the process holding it.
    Re-entrant within a process (a nested ``locked`` of the same file is fine); threads of one
    process take turns.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wait = TIMEOUT if timeout is None else timeout
    lock = lock_path(path)
    key = str(lock.resolve())
    with _registry:
        held = _held.get(key) or _held.setdefault(key, _Held(FileLock(lock)))
    deadline = time.monotonic() + wait
    if not held.turn.acquire(timeout=max(wait, 0)):
        raise _timeout_error(path, wait)
    try:
        if held.depth == 0:
            try:
                # filelock polls a non-blocking flock; often, so that a waiter gets in between the
                # holds of a writer appending in a loop
                held.file_lock.acquire(timeout=max(deadline - time.monotonic(), 0), poll_interval=POLL)
            except Timeout:
                raise _timeout_error(path, wait) from None
            _write_holder(path)
        held.depth += 1
        try:
            yield path
        finally:
            held.depth -= 1
            if held.depth == 0:
                try:
                    holder_path(path).unlink(missing_ok=True)
                except OSError:
                    pass  # a stale holder file names a process that no longer holds it: harmless
                held.file_lock.release()
    finally:
        held.turn.release()


def _write_holder(path: Path) -> None:
    """Say who holds the lock; best effort (the lock is held whether or not this can be written)."""
    program = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path("python")
    name = program.parent.name if program.name == "__main__.py" else program.name  # python -m PACKAGE
    command = " ".join([name, *sys.argv[1:]])
    try:
        atomic_write_text(holder_path(path), f"{os.getpid()}\t{command[:200]}\n")
    except OSError:
        pass


def holder(path: str | Path) -> str:
    """Who holds ``path``'s lock, as its holder wrote it (``process 123 (lit-review decide ...)``),
    or ``an unknown process`` (a holder that has not yet said, or one that died)."""
    try:
        pid, _, command = holder_path(path).read_text(encoding="utf-8").rstrip("\n").partition("\t")
        if pid.isdigit() and process_running(int(pid)):
            return f"process {pid} ({command.strip() or 'no command line'})"
    except (OSError, UnicodeDecodeError):
        pass
    return "an unknown process"


def _timeout_error(path: Path, wait: float) -> LitReviewError:
    return LitReviewError(
        f"waited {wait:g} s for the lock {lock_path(path).name}, held by {holder(path)}: "
        f"try again when it has finished (or raise LIT_REVIEW_LOCK_TIMEOUT)",
        path,
    )
