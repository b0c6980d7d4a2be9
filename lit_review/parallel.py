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
import sys
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

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
