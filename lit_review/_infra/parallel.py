"""Worker processes for the parts of a job that run on every core.

Workers are spawned (not forked: the caller may hold threads, from Arrow or a notebook
kernel, and a forked child can inherit a lock held by one of them). A spawned worker
normally re-runs the caller's main script first, which breaks a plain script that calls
the library at top level without an ``if __name__ == "__main__":`` guard (each worker
would start the job again). The work functions here live in ``lit_review``, so the pool
starts its workers without the caller's main module.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .iorw import process_running

if TYPE_CHECKING:
    import pyarrow as pa

_MISSING = object()


@contextmanager
def _main_module_hidden():
    """Start processes as if the caller were an interactive session (no main script to re-run)."""
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved = {name: main.__dict__.get(name, _MISSING) for name in ("__file__", "__spec__")}
    main.__dict__.pop("__file__", None)
    main.__spec__ = None
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is _MISSING:
                main.__dict__.pop(name, None)
            else:
                main.__dict__[name] = value


class WorkerPool(ProcessPoolExecutor):
    """A spawn-based process pool whose workers import only what the submitted work needs."""

    def __init__(self, workers: int):
        super().__init__(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))

    def submit(self, fn, /, *args, **kwargs):
        with _main_module_hidden():  # workers start on demand, inside submit
            return super().submit(fn, *args, **kwargs)


# Tables come back from workers through files in shared memory, mapped by the caller: a
# pickled table would be copied three times on the way (serialized, piped, read back).
_SHARED = "/dev/shm"
_PREFIX = "lit-review-"


@contextmanager
def handoff_folder():
    """A folder (in shared memory where there is some) for :func:`send_table`; removed on exit.

    Folders left by runs that were killed are removed first: in shared memory they hold RAM.
    """
    parent = _SHARED if os.path.isdir(_SHARED) and os.access(_SHARED, os.W_OK) else None
    base = Path(parent or tempfile.gettempdir())
    for old in base.glob(f"{_PREFIX}*-*"):
        pid = old.name[len(_PREFIX) :].split("-", 1)[0]
        if not (pid.isdigit() and int(pid) != os.getpid() and not process_running(int(pid))):
            continue
        if old.is_dir() and all(f.suffix == ".arrow" for f in old.iterdir()):  # only what we leave
            shutil.rmtree(old, ignore_errors=True)
    folder = tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-", dir=base)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def send_table(table: pa.Table, folder: str, name: str) -> pa.Table | str:
    """In a worker: write ``table`` to an Arrow file in ``folder`` and return its path (the table
    itself when the file cannot be written, e.g. shared memory is full)."""
    import pyarrow as pa

    target = os.path.join(folder, f"{os.getpid()}-{name}.arrow")
    try:
        with pa.OSFile(target, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
    except OSError:
        Path(target).unlink(missing_ok=True)
        return table
    return target


def receive_table(sent: pa.Table | str | None) -> pa.Table | None:
    """In the caller: the table a worker sent with :func:`send_table` (mapped, not copied)."""
    import pyarrow as pa

    if not isinstance(sent, str):
        return sent
    table = pa.ipc.open_file(pa.memory_map(sent)).read_all()
    try:
        os.unlink(sent)  # the mapping keeps the data for as long as the table lives
    except OSError:  # a system that cannot remove a mapped file: the folder goes at the end
        pass
    return table
