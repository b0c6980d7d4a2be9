"""Inter-process locks, with real processes (spawned): exclusion, timeout naming the holder, SIGKILL."""

import multiprocessing as mp
import os
import signal
import threading
import time

import pytest

from lit_review._infra.locks import holder, holder_path, lock_path, locked
from lit_review.errors import LitReviewError

SPAWN = mp.get_context("spawn")


def _count_up(path: str, times: int, start) -> None:
    """Read a number, wait a little, write it plus one: lost updates show without a lock."""
    start.wait(30)
    for _ in range(times):
        with locked(path, timeout=60):
            with open(path) as fh:
                n = int(fh.read() or 0)
            time.sleep(0.002)
            with open(path + ".tmp", "w") as fh:
                fh.write(str(n + 1))
            os.replace(path + ".tmp", path)


def _hold(path: str, ready, seconds: float) -> None:
    with locked(path, timeout=10):
        ready.set()
        time.sleep(seconds)


def _run(target, *args) -> SPAWN.Process:
    p = SPAWN.Process(target=target, args=args)
    p.start()
    return p


def test_read_modify_writes_of_four_processes_lose_nothing(tmp_path):
    path = tmp_path / "count.txt"
    path.write_text("0")
    start = SPAWN.Event()
    workers = [_run(_count_up, str(path), 25, start) for _ in range(4)]
    start.set()
    for p in workers:
        p.join(120)
        assert p.exitcode == 0
    assert path.read_text() == "100"


def test_a_writer_that_waits_too_long_says_who_holds_the_lock(tmp_path):
    path = tmp_path / "decisions.csv"
    ready = SPAWN.Event()
    p = _run(_hold, str(path), ready, 30)
    try:
        assert ready.wait(60)
        t = time.monotonic()
        with pytest.raises(LitReviewError) as caught:
            with locked(path, timeout=0.5):
                pass
        assert time.monotonic() - t < 10
        message = str(caught.value)
        assert "\n" not in message and message.startswith(
            f"{path}: waited 0.5 s for the lock .decisions.csv.lock"
        )
        assert f"held by process {p.pid} (" in message
    finally:
        p.kill()
        p.join(30)
    assert holder(path) == "an unknown process"  # a dead holder is not named


def test_a_holder_killed_by_sigkill_does_not_block_the_next_writer(tmp_path):
    path = tmp_path / "decisions.csv"
    ready = SPAWN.Event()
    p = _run(_hold, str(path), ready, 600)
    assert ready.wait(60)
    os.kill(p.pid, signal.SIGKILL)
    p.join(30)
    assert p.exitcode == -signal.SIGKILL
    assert lock_path(path).exists() and holder_path(path).exists()  # left behind, stale
    t = time.monotonic()
    with locked(path, timeout=10):
        assert "process" in holder(path) and str(os.getpid()) in holder(path)  # now ours
    assert time.monotonic() - t < 5
    assert not holder_path(path).exists()  # a clean release removes it


def test_nested_in_one_process_and_threads_take_turns(tmp_path):
    path = tmp_path / "pins.csv"
    with locked(path, timeout=1):
        with locked(path, timeout=1):  # re-entrant: a helper that locks, called under the lock
            pass
        inside = []

        def other():
            with locked(path, timeout=30):
                inside.append(time.monotonic())

        t = threading.Thread(target=other)
        t.start()
        time.sleep(0.3)
        assert inside == []  # another thread waits while this one holds the lock
        released = time.monotonic()
    t.join(30)
    assert inside and inside[0] >= released


def test_a_thread_that_waits_too_long_gets_the_one_line_error(tmp_path):
    path = tmp_path / "pins.csv"
    errors = []

    def other():
        try:
            with locked(path, timeout=0.2):
                pass
        except LitReviewError as exc:
            errors.append(str(exc))

    with locked(path, timeout=1):
        t = threading.Thread(target=other)
        t.start()
        t.join(30)
    assert len(errors) == 1 and f"held by process {os.getpid()}" in errors[0]
