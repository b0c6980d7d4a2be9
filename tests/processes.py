"""Real processes started together, for the tests of concurrent writers (not threads: locks and
atomic renames must hold between processes)."""

from __future__ import annotations

import multiprocessing as mp


def run_together(target, arg_lists, timeout: float = 300) -> None:
    """Run ``target(*args, start)`` in one spawned process per ``args`` of ``arg_lists``; ``start`` is
    an event every process waits on, set once all are started. Asserts each exited with 0."""
    spawn = mp.get_context("spawn")
    start = spawn.Event()
    procs = [spawn.Process(target=target, args=(*args, start)) for args in arg_lists]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(timeout)
        assert p.exitcode == 0
