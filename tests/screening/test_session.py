"""The notebook API and the CLI on a copy of the bundled project."""

import multiprocessing as mp
import os
import shutil
import signal
import subprocess
import sys
import time
import warnings

import pandas as pd
import pytest

from lit_review import screening
from lit_review.cli import main
from lit_review.errors import LitReviewError

from ..conftest import ROOT


@pytest.fixture
def screened(project):
    shutil.copy(ROOT / "references" / "decisions.csv", project / "references")
    return project


def test_session_decide_next_undo_progress(screened):
    s = screening.session(screened, "gradient-free", "ana")
    before = (screened / "references" / "decisions.csv").read_bytes()
    first = s.next(3)
    assert len(first) == 3 and set(first["source"]) == {"model"}
    assert first["probability"].is_monotonic_decreasing
    progress = s.progress()
    assert (progress["decided"], progress["included"]) == (218, 18)
    s.decide(first["title"].iloc[0], "include", "zeroth-order")
    assert first["id"].iloc[0] not in set(s.next(400)["id"])  # decided: no longer offered
    assert s.progress()["decided"] == 219
    assert s.undo().reason == "zeroth-order"
    assert (screened / "references" / "decisions.csv").read_bytes() == before
    assert s.progress()["decided"] == 218 and s.undo() is None
    with pytest.raises(LitReviewError, match="names no paper"):
        s.decide("Not a paper at all", "include")


def test_a_theme_without_decisions_is_screened_by_its_rules(screened):
    s = screening.session(screened, "diffusion-guidance", "ana")
    table = s.next(5, uncertain=True)
    assert set(table["source"]) == {"rules"}
    assert s.progress()["decided"] == 0


def test_cli_screen_csv_and_agreement(screened, capsys):
    assert main(["-C", str(screened), "screen", "efficient-fine-tuning", "--next", "4", "--csv"]) == 0
    out = capsys.readouterr().out
    assert (
        out.splitlines()[0] == "id,citekey,title,probability,predicted,source" and len(out.splitlines()) == 5
    )
    path = screened / "references" / "decisions.csv"
    decided = pd.read_csv(path).query("theme == 'efficient-fine-tuning'").head(4)
    with open(path, "a", encoding="utf-8") as fh:  # a second reviewer: agrees on 3, disagrees on 1
        for k, (title, decision) in enumerate(zip(decided["paper"], decided["decision"])):
            flip = {"include": "exclude", "exclude": "include"}[decision] if k == 0 else decision
            fh.write(f'"{title}",efficient-fine-tuning,{flip},second look,ben,2025-02-01,\n')
    assert main(["-C", str(screened), "agreement", "efficient-fine-tuning"]) == 0
    out = capsys.readouterr().out
    # the first 4 labelled papers are all excluded by labels-v1; ben includes one: p_o = 3/4,
    # p_e = 1 * 3/4 (both exclude) + 0 * 1/4 = 3/4, kappa = (3/4 - 3/4) / (1 - 3/4) = 0
    assert decided["decision"].tolist() == ["exclude"] * 4
    assert out.splitlines()[1].split() == ["efficient-fine-tuning", "ben", "labels-v1", "4", "0.750", "0.000"]
    assert "1 conflicts" in out and decided["paper"].iloc[0] in out


def test_cli_unresolved_rows_are_reported(screened, capsys):
    with open(screened / "references" / "decisions.csv", "a", encoding="utf-8") as fh:
        fh.write("nosuchkey,gradient-free,include,,ana,,\n")
    assert main(["-C", str(screened), "screen", "gradient-free", "--next", "1"]) == 0
    assert "decisions.csv:438: 'nosuchkey' names no paper of the corpus" in capsys.readouterr().err


@pytest.mark.parametrize(
    "command",
    [
        ["screen", "gradient-free", "--next", "1"],
        ["agreement"],
        ["evaluate", "--folds", "2", "--repeats", "1"],
    ],
)
def test_a_decision_naming_no_theme_is_warned_about_and_the_others_stand(screened, capsys, command):
    path = screened / "references" / "decisions.csv"
    assert main(["-C", str(screened), *command]) == 0
    clean = capsys.readouterr().out
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("loraga2024,gradient-fre,include,,ana,,\n")
    with warnings.catch_warnings(record=True) as caught:  # the CLI prints each as "warning: ..."
        warnings.simplefilter("always")
        assert main(["-C", str(screened), *command]) == 0
    captured = capsys.readouterr()
    warned = [str(w.message) for w in caught if "not a theme" in str(w.message)]
    assert warned == [
        f"{path}:438: theme 'gradient-fre' is not a theme of themes.toml (closest: 'gradient-free'); row ignored"
    ]
    assert captured.out == clean  # the row screens nothing; every other decision stands


def test_a_session_sees_what_another_session_decided_before_proposing(screened):
    ana = screening.session(screened, "gradient-free", "ana")
    ben = screening.session(screened, "gradient-free", "ben")  # its own load, as another notebook's
    offered = ben.next(2)
    assert ana.next(1)["id"].iloc[0] == offered["id"].iloc[0]  # both would be offered the same paper
    before = ben.progress()["decided"]
    mine = ana.decide(offered["id"].iloc[0], "include", "zeroth-order")
    assert offered["id"].iloc[0] not in set(ben.next(400)["id"])  # ben caught up: not offered again
    assert ben.progress()["decided"] == before + 1
    fresh = screening.session(screened, "gradient-free", "carl")
    assert ben.next(5).equals(fresh.next(5))  # and ranks with a model that has seen ana's decision
    theirs = ben.decide(offered["id"].iloc[1], "exclude", "uses gradients")
    assert ana.undo() == mine  # ana's row, though ben's came after it
    rows = pd.read_csv(screened / "references" / "decisions.csv", dtype=str, keep_default_na=False)
    assert rows.iloc[-1]["paper"] == theirs.paper and mine.paper not in set(rows["paper"])
    assert offered["id"].iloc[0] in set(ben.next(400)["id"])  # undone: to be screened again
    assert ben.next(5).equals(screening.session(screened, "gradient-free", "dora").next(5))


# --- several sessions at once: real processes (spawned), as two notebooks and a script would be

SPAWN = mp.get_context("spawn")
CLI = [sys.executable, "-m", "lit_review"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "LIT_REVIEW_LOCK_TIMEOUT": "120"}


def _papers(n: int, skip: int = 0) -> list[str]:
    """``n`` citation keys of the bundled corpus, from the ``skip``-th on (sorted: a fixed choice)."""
    keys = sorted(pd.read_csv(ROOT / "references" / "papers.csv", dtype=str)["citekey"])
    return keys[skip : skip + n]


def _api_writer(root: str, reviewer: str, papers: list[str], start, undo_last: bool) -> None:
    """A notebook session: asks for the next paper (the reload path), decides each of ``papers``."""
    from lit_review import screening as sc

    s = sc.session(root, "gradient-free", reviewer)
    start.wait(120)
    for k, paper in enumerate(papers):
        s.next(1)
        s.decide(paper, ("include", "exclude", "maybe")[k % 3], f"{reviewer} {k}")
    if undo_last:
        assert s.undo().paper == papers[-1]


def _cli_writer(root: str, reviewer: str, papers: list[str], start) -> None:
    start.wait(120)
    for k, paper in enumerate(papers):
        cmd = [*CLI, "-C", root, "decide", "gradient-free", paper, ("include", "exclude", "maybe")[k % 3]]
        done = subprocess.run([*cmd, "--reason", f"{reviewer} {k}", "--reviewer", reviewer], env=ENV,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(f"{('include', 'exclude', 'maybe')[k % 3]} of {paper!r}")


def _file_reader(path: str, stop, seen) -> None:
    """Reads the file again and again: it always parses, with the rows it had before the writers."""
    from lit_review.screening.decisions import read_decisions

    first = read_decisions(path)
    while not stop.is_set():
        table = read_decisions(path)
        assert table.iloc[: len(first)].equals(first)
        seen.value += 1
        time.sleep(0.005)  # leave the writers some of the two cores


def _rows(path) -> list[tuple]:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return list(
        table[["paper", "theme", "decision", "reason", "reviewer"]].itertuples(index=False, name=None)
    )


def test_four_writers_through_cli_and_api_with_readers_lose_no_row(screened):
    path = screened / "references" / "decisions.csv"
    before = path.read_bytes()
    start, stop = SPAWN.Event(), SPAWN.Event()
    seen = SPAWN.Value("i", 0)
    plan = {  # reviewer -> papers, api?, undoes its last?
        "api-a": (_papers(5, 0), True, True),
        "api-b": (_papers(5, 3), True, False),  # overlaps api-a: two reviewers, one paper, two rows
        "cli-c": (_papers(2, 40), False, False),
        "cli-d": (_papers(2, 60), False, True),
    }
    procs = {}
    for reviewer, (papers, api, undo) in plan.items():
        target, args = (_api_writer, (undo,)) if api else (_cli_writer, ())
        procs[reviewer] = SPAWN.Process(target=target, args=(str(screened), reviewer, papers, start, *args))
    procs["reader"] = SPAWN.Process(target=_file_reader, args=(str(path), stop, seen))
    for p in procs.values():
        p.start()
    start.set()
    readers, commands = [], (["screen", "gradient-free", "--next", "3"], ["status"])
    while any(procs[r].is_alive() for r in plan):  # the CLI readers, meanwhile, until the writers end
        command = commands[len(readers) % 2]  # status screens every theme, as a build does
        readers.append(subprocess.run([*CLI, "-C", str(screened), *command], env=ENV, capture_output=True,
                                      text=True, timeout=300))  # fmt: skip
    stop.set()
    for name, p in procs.items():
        p.join(300)
        assert p.exitcode == 0, name
    undo = subprocess.run([*CLI, "-C", str(screened), "decide", "--undo", "gradient-free", "--reviewer", "cli-d"],
                          env=ENV, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert undo.returncode == 0 and undo.stdout.startswith(f"undone: exclude of {plan['cli-d'][0][-1]!r}")

    assert path.read_bytes().startswith(before)  # earlier rows untouched, in place
    words = ("include", "exclude", "maybe")
    expected = [
        (paper, "gradient-free", words[k % 3], f"{reviewer} {k}", reviewer)
        for reviewer, (papers, _, undo) in plan.items()
        for k, paper in enumerate(papers[:-1] if undo else papers)
    ]
    new = _rows(path)[len(_rows(ROOT / "references" / "decisions.csv")) :]
    assert sorted(new) == sorted(expected) and len(new) == 12  # every row once, the undone ones gone
    assert readers and all(r.returncode == 0 and "error" not in r.stderr for r in readers), readers
    assert seen.value > 0


def _append_forever(path: str, ready) -> None:
    from lit_review.screening.decisions import Row, append_decisions

    for k in range(100_000):
        append_decisions(path, [Row(f"p{k}", "gradient-free", "include", "", "killed")])
        if k == 2:
            ready.set()


def _die_mid_write(path: str, ready) -> None:
    """Holds the lock, half-way through writing the new file: then is SIGKILLed."""
    from lit_review._infra.iorw import atomic_open
    from lit_review._infra.locks import locked

    with locked(path), atomic_open(path) as fh:
        text = open(path, encoding="utf-8").read()
        fh.write(text[: len(text) // 2])
        fh.flush()
        ready.set()
        time.sleep(600)


def _hold_lock(path: str, ready) -> None:
    from lit_review._infra.locks import locked

    with locked(path):
        ready.set()
        time.sleep(600)


def test_decide_waiting_too_long_for_the_lock_says_who_holds_it_and_writes_nothing(screened):
    path = screened / "references" / "decisions.csv"
    before = path.read_bytes()
    ready = SPAWN.Event()
    p = SPAWN.Process(target=_hold_lock, args=(str(path), ready))
    p.start()
    try:
        assert ready.wait(120)
        done = subprocess.run([*CLI, "-C", str(screened), "decide", "gradient-free", _papers(1)[0], "maybe"],
                              env={**ENV, "LIT_REVIEW_LOCK_TIMEOUT": "1"}, capture_output=True, text=True,
                              timeout=300)  # fmt: skip
    finally:
        p.kill()
        p.join(60)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(
        f"error: {path}: waited 1 s for the lock .decisions.csv.lock, held by process {p.pid} ("
    )
    assert path.read_bytes() == before


def test_a_writer_killed_while_holding_the_lock_leaves_the_file_whole_and_the_next_writer_goes_on(screened):
    path = screened / "references" / "decisions.csv"
    before = path.read_bytes()
    ready = SPAWN.Event()
    p = SPAWN.Process(target=_die_mid_write, args=(str(path), ready))
    p.start()
    assert ready.wait(120)
    os.kill(p.pid, signal.SIGKILL)
    p.join(60)
    assert path.read_bytes() == before
    done = subprocess.run([*CLI, "-C", str(screened), "decide", "gradient-free", _papers(1)[0], "maybe"],
                          env={**ENV, "LIT_REVIEW_LOCK_TIMEOUT": "20"}, capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert path.read_bytes().startswith(before) and _rows(path)[-1][:3] == (
        _papers(1)[0],
        "gradient-free",
        "maybe",
    )


@pytest.mark.parametrize("delay", [0.3, 0.9, 1.7])
def test_a_writer_killed_at_any_moment_leaves_its_rows_before_or_after(screened, delay):
    path = screened / "references" / "decisions.csv"
    before = _rows(path)
    ready = SPAWN.Event()
    p = SPAWN.Process(target=_append_forever, args=(str(path), ready))
    p.start()
    assert ready.wait(120)
    time.sleep(delay)
    os.kill(p.pid, signal.SIGKILL)
    p.join(60)
    rows = _rows(path)  # parses: no torn file
    written = rows[len(before) :]
    assert rows[: len(before)] == before and len(written) >= 3
    assert written == [(f"p{k}", "gradient-free", "include", "", "killed") for k in range(len(written))]
    from lit_review.screening.decisions import Row, append_decisions

    append_decisions(
        path, [Row("next", "gradient-free", "include", "", "ana")], timeout=10
    )  # the lock is free
    assert _rows(path)[-1][0] == "next"


@pytest.mark.slow
def test_a_build_running_while_reviewers_decide_reads_a_whole_file(screened):
    path = screened / "references" / "decisions.csv"
    start = SPAWN.Event()
    writers = [
        SPAWN.Process(target=_api_writer, args=(str(screened), "api-a", _papers(6, 0), start, False)),
        SPAWN.Process(target=_cli_writer, args=(str(screened), "cli-b", _papers(2, 40), start)),
    ]
    for p in writers:
        p.start()
    start.set()
    builds = []
    while any(p.is_alive() for p in writers) or not builds:  # builds (papermill) meanwhile
        builds.append(subprocess.run([*CLI, "-C", str(screened), "build"], env=ENV, capture_output=True,
                                     text=True, timeout=900))  # fmt: skip
    for p in writers:
        p.join(300)
        assert p.exitcode == 0
    assert all(b.returncode == 0 and "error" not in b.stderr for b in builds), [b.stderr for b in builds]
    assert len(_rows(path)) == len(_rows(ROOT / "references" / "decisions.csv")) + 8
