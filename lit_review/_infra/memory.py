"""Memory for jobs that hold millions of small objects: no cyclic GC walks, freed memory given back."""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def gc_paused():
    """No cyclic garbage collection inside: the ingest allocates millions of objects and frees
    them by reference counting; each full collection would walk all of them again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def release_free_memory() -> None:
    """Give memory freed by Python back to the system (glibc keeps large freed blocks otherwise)."""
    import ctypes
    import ctypes.util

    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


@contextmanager
def bulk_work():
    """For a job that allocates and frees millions of objects: GC paused inside, freed memory
    given back to the system at the end (so the next step's peak does not stack on this one's)."""
    with gc_paused():
        yield
    release_free_memory()
