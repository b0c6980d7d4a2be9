"""The command line as a user runs it: exit codes, one-line errors, no tracebacks."""

import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lit_review.corpus import build_corpus
from lit_review.errors import LitReviewError
from lit_review.sources.listing import read_listing

from .conftest import SOURCES


def run(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "lit_review", *args], cwd=cwd, capture_output=True, text=True, timeout=600
    )


def test_ingest_bundled_corpus(project):
    r = run("ingest", cwd=project)
    assert r.returncode == 0, r.stderr
    assert "unique papers: 544" in r.stdout
    assert "duplicates merged: 103" in r.stdout
    assert "hf-papers-003-search-compact.txt: 246 read (hf-listing, compact), 0 rejected" in r.stdout
    for name in ("library.bib", "papers.csv", "citekeys.csv", "duplicates.csv", "rejects.csv"):
        assert (project / "references" / name).exists()


def test_ingest_out_dir(project, tmp_path):
    r = run("ingest", "--out", str(tmp_path / "out"), cwd=project)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / "library.bib").exists()


def test_bad_file_among_good_ones(project):
    src = project / "references" / "sources"
    (src / "empty.txt").write_text("")
    (src / "garbage.bin").write_bytes(bytes(range(256)) * 8)
    r = run("ingest", cwd=project)
    assert r.returncode == 3
    assert "Traceback" not in r.stderr
    assert "empty.txt:1: empty file" in r.stderr
    assert "garbage.bin:1: not a recognized format (BibTeX, RIS, CSL-JSON, " in r.stderr
    assert "unique papers: 544" in r.stdout  # the good files were still ingested
    assert "not in the source manifest" in r.stderr
    rejects = (project / "references" / "rejects.csv").read_text()
    assert "empty.txt" in rejects and "garbage.bin" in rejects


def test_rejected_record_exit_code_and_report(project):
    f = project / "references" / "sources" / "hf-papers-000-search-compact.txt"
    f.write_text(f.read_text(encoding="utf-8").rstrip("\n")[:-30], encoding="utf-8")
    r = run("ingest", cwd=project)
    assert r.returncode == 3
    assert "hf-papers-000-search-compact.txt:240: truncated record" in r.stderr
    assert (
        "hf-papers-000-search-compact.txt,240,record,truncated record"
        in (project / "references" / "rejects.csv").read_text()
    )


def test_missing_path_is_one_line_error(project):
    r = run("ingest", "nope.txt", cwd=project)
    assert r.returncode == 2
    assert r.stderr.strip() == "error: nope.txt: no such file or folder"


def test_bad_manifest(project):
    (project / "references" / "sources.toml").write_text('[[source]]\nfile = "a"\ncaptured = "Dec 10"\n')
    r = run("ingest", cwd=project)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "sources.toml: [[source]] 'a': captured = 'Dec 10' is neither an ISO date" in r.stderr


header = (
    "Get trending papers in your email inbox once a day!\nGet trending papers in your email inbox!\nSubscribe"
)


def assert_accounted(path):
    """No crash: a located error, or every record read is kept or rejected."""
    try:
        listing = read_listing(path)
    except LitReviewError as exc:
        assert str(exc).startswith(str(path))
        return
    corpus = build_corpus([listing])
    assert listing.n_read == corpus.n_records + corpus.n_rejected


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.text(max_size=2000), spaced=st.booleans())
def test_any_text_no_crash_and_every_record_accounted_for(tmp_path, body, spaced):
    path = tmp_path / "x.txt"
    path.write_text((header.replace("\n", "\n\n") + "\n\n" if spaced else header) + body, encoding="utf-8")
    assert_accounted(path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_seed_no_crash_and_accounted_for(tmp_path, data):
    name = data.draw(st.sampled_from(sorted(p.name for p in SOURCES.iterdir())))
    raw = bytearray((SOURCES / name).read_bytes())
    for _ in range(data.draw(st.integers(1, 6))):
        op = data.draw(st.sampled_from(["delete", "insert", "truncate", "dupline"]))
        pos = data.draw(st.integers(0, max(0, len(raw) - 1)))
        if op == "delete":
            del raw[pos : pos + data.draw(st.integers(1, 400))]
        elif op == "insert":
            raw[pos:pos] = data.draw(
                st.binary(max_size=20) | st.sampled_from([b"\n\n", b"\x00", b"\xe9", b"\xc2\xb7\n"])
            )
        elif op == "truncate":
            del raw[pos:]
        else:
            raw[pos:pos] = b"\n" + bytes(raw[pos : pos + 200]).split(b"\n")[0] + b"\n"
    path = tmp_path / name
    path.write_bytes(bytes(raw))
    assert_accounted(path)


def test_ten_megabyte_line(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(header + "A title\n" + "word " * 2_000_000 + ".\n", encoding="utf-8")
    listing = read_listing(path)
    assert len(listing.records) == 1 and len(listing.records[0].abstract) > 9_000_000


@pytest.mark.parametrize("argv", [["--help"], ["ingest", "--help"], ["build", "--help"]])
def test_help(argv, project):
    assert run(*argv, cwd=project).returncode == 0


def test_evaluate_command(project):
    from .conftest import LABELS

    r = run("evaluate", str(LABELS), "--disagreements", cwd=project)
    assert r.returncode == 0, r.stderr
    rows = {line.split()[0]: line.split() for line in r.stdout.splitlines()[1:3]}
    assert set(rows) == {"gradient-free", "efficient-fine-tuning"}
    assert "label yes, theme says no: GradES" in r.stdout


def test_evaluate_cross_validates_the_decisions(project):
    import shutil

    from .conftest import ROOT

    shutil.copy(ROOT / "references" / "decisions.csv", project / "references")
    r = run("evaluate", "--repeats", "1", cwd=project)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert (
        lines[0]
        == "5-fold cross-validation on the human decisions, repeated 1 times; [95% bootstrap interval]"
    )
    rows = [
        re.match(r"\s*(\S+)\s+(model, text only|model|rules)\s+(\d+)\s+(\d+)\s", line) for line in lines[2:8]
    ]
    assert [m.groups() for m in rows] == [
        (slug, method, n, relevant)
        for slug, n, relevant in (("gradient-free", "209", "18"), ("efficient-fine-tuning", "212", "14"))
        for method in ("model", "model, text only", "rules")
    ]
    at = lines.index("the models that screen the undecided papers, fitted on all the decisions:")
    chosen = [line.strip() for line in lines[at + 1 : at + 3]]
    assert [c.split(":")[0] for c in chosen] == ["gradient-free", "efficient-fine-tuning"]
    assert all("text weight 0." in c and "threshold 0." in c for c in chosen)
    assert lines[-1] == (
        "too few decisions to evaluate (screened by their rules): "
        "quantization-compression, distributed-training, rl-llm-reasoning, diffusion-guidance"
    )


@pytest.mark.parametrize(
    "argv, message",
    [
        (["evaluate", "--repeats", "0"], "--repeats: must be at least 1, got 0"),
        (["evaluate", "--folds", "1"], "--folds: must be at least 2, got 1"),
        (["screen", "gradient-free", "--next", "x"], "--next: not a whole number: 'x'"),
    ],
)
def test_counts_out_of_range_are_one_line_errors(argv, message, capsys):
    from lit_review.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and message in err and "Traceback" not in err


@pytest.fixture
def decided(project):
    import shutil

    from .conftest import ROOT

    shutil.copy(ROOT / "references" / "decisions.csv", project / "references")
    return project


def test_decide_appends_one_checked_row_and_prints_the_progress(decided, capsys):
    from lit_review.cli import main

    path = decided / "references" / "decisions.csv"
    before = path.read_bytes()
    argv = ["-C", str(decided), "decide", "gradient-free", "acceleratedparameterfree", "include"]
    assert main([*argv, "--reason", "zeroth-order, with a comma", "--reviewer", "ben"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert (
        out[0] == "include of 'acceleratedparameterfree' in gradient-free by ben (zeroth-order, with a comma)"
    )
    # the bundled file decides 218 papers in gradient-free (test_session), not this one: 219, 18 included + 1
    assert re.fullmatch(r"gradient-free, reviewer ben: 219 decided \(19 included, 0 in conflict\), "
                        r"\d+ to go; estimated relevant remaining \d+\.\d \(by the model\)", out[1])  # fmt: skip
    added = path.read_bytes()[len(before) :].decode()
    assert path.read_bytes().startswith(before)
    assert re.fullmatch(r'acceleratedparameterfree,gradient-free,include,"zeroth-order, with a comma",ben,\d{4}-\d\d-\d\d,\n',
                        added)  # fmt: skip
    assert main(["-C", str(decided), "decide", "--undo", "gradient-free", "--reviewer", "ben"]) == 0
    assert capsys.readouterr().out.startswith(
        "undone: include of 'acceleratedparameterfree' in gradient-free by ben\n"
    )
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["no-such-theme", "loraga2024", "include"],
            "unknown theme 'no-such-theme'; available: gradient-free",
        ),
        (["gradient-free", "Not a paper at all", "include"], "paper 'Not a paper at all' names no paper"),
        (["gradient-free", "loraga2024"], "decide needs THEME PAPER include|exclude|maybe"),
        (["--undo", "gradient-free", "loraga2024"], "decide --undo takes only THEME"),
    ],
)
def test_decide_refuses_in_one_line_and_leaves_the_file(decided, capsys, argv, message):
    from lit_review.cli import main

    path = decided / "references" / "decisions.csv"
    before = path.read_bytes()
    assert main(["-C", str(decided), "decide", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert path.read_bytes() == before


def test_decide_rejects_a_word_that_is_not_a_decision(decided, capsys):
    from lit_review.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["-C", str(decided), "decide", "gradient-free", "loraga2024", "yes"])
    assert exit_.value.code == 2 and "invalid choice: 'yes'" in capsys.readouterr().err
