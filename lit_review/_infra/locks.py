"""Inter-process locks for the files people own or that pin history.

``references/decisions.csv``, ``citekeys.csv``, ``sources.toml`` and the pin files are
read, changed and rewritten by several processes at once (two screening notebooks, a
``decide`` from a script, a build). Each change is a read-modify-write *inside* :func:`locked`,
written atomically as every output is, so no row is lost and no reader sees a partial file.
Generated outputs are not locked: each is replaced whole and the last rename wins.

The lock is ``filelock``'s (``fcntl.flock`` on POSIX): the kernel releases it when its holder
dies, even by SIGKILL, so a stale lock file never blocks the next writer.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ..errors import LitReviewError

TIMEOUT = float(os.environ.get("LIT_REVIEW_LOCK_TIMEOUT", "60"))


def lock_path(path: str | Path) -> Path:
    """The lock file of ``path``: a hidden ``.<name>.lock`` beside it."""
    path = Path(path)
    return path.parent / f".{path.name}.lock"


@contextmanager
def locked(path: str | Path, timeout: float | None = None) -> Iterator[Path]:
    """Hold the inter-process lock of ``path`` for a read-modify-write of it.

    Waits at most ``timeout`` seconds (``LIT_REVIEW_LOCK_TIMEOUT``, default 60), then raises a
    one-line :class:`LitReviewError` naming the file. Not re-entrant across processes, but
    re-entrant within one (a nested ``locked`` of the same file in the same process is fine).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_path(path), timeout=TIMEOUT if timeout is None else timeout)
    try:
        lock.acquire()
    except Timeout:
        raise LitReviewError(
            f"waited {lock.timeout:g} s for another lit-review process to finish writing it "
            f"(lock file {lock_path(path).name})",
            path,
        ) from None
    try:
        yield path
    finally:
        lock.release()
