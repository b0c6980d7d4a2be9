"""The decisions file: reading (hostile rows), atomic appends, undo, migration, resolving papers."""

import warnings

import pandas as pd
import pytest

from lit_review.errors import LitReviewError
from lit_review.screening.decisions import (
    COLUMNS,
    Row,
    append_decisions,
    migrate_theme_decisions,
    read_decisions,
    resolve,
    rows_from_labels,
    take_back,
    unknown_theme_lines,
)
from lit_review.themes import parse_themes

from ..processes import run_together
from ..test_evaluate import LABELS

HEADER = "paper,theme,decision,reason,reviewer,date,role\n"
GOOD = HEADER + "lora2024,efficient-fine-tuning,include,LoRA variant,ana,2025-01-31,\n"


def write(tmp_path, text, name="decisions.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def test_rows_read_as_written(tmp_path):
    path = write(tmp_path, GOOD + '"A title, with a comma",gradient-free,EXCLUDE," uses\nbackprop",ben,,\n')
    table = read_decisions(path)
    assert table.columns.tolist() == [*COLUMNS, "line"]
    assert table["paper"].tolist() == ["lora2024", "A title, with a comma"]
    assert table["decision"].tolist() == ["include", "exclude"]  # case folded
    assert table["reason"].iloc[1] == "uses\nbackprop"
    assert table["line"].tolist() == [2, 3]


def test_crlf_and_bom_read_like_lf(tmp_path):
    lf = read_decisions(write(tmp_path, GOOD))
    crlf = read_decisions(write(tmp_path, b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode(), "b.csv"))
    pd.testing.assert_frame_equal(lf, crlf)


def test_optional_columns_may_be_absent(tmp_path):
    table = read_decisions(write(tmp_path, "paper,theme,decision,reviewer\nx,gradient-free,maybe,ana\n"))
    assert (table["reason"].iloc[0], table["date"].iloc[0], table["role"].iloc[0]) == ("", "", "")


@pytest.mark.parametrize(
    "text, message, line",
    [
        (HEADER + "x,gradient-free,yes,,ana,,\n", "decision 'yes' is not include, exclude or maybe", 2),
        ("paper,theme,reason\nx,gradient-free,r\n", "need the columns decision, reviewer", 1),
        ("paper,theme,decision,reviewer,colour\n", "unknown column", 1),
        (GOOD + "\nx,gradient-free,include,,ana\n", "5 fields, the header has 7", 4),
        (GOOD + "x,gradient-free,include,,,,\n", "empty 'reviewer'", 3),
        (GOOD + "x,Gradient Free,include,,ana,,\n", "'Gradient Free' is not a theme slug", 3),
        (GOOD + "x,gradient-free,include,,ana,31/01/2025,\n", "date '31/01/2025' is not YYYY-MM-DD", 3),
        (GOOD + "x,gradient-free,include,,ana,,boss\n", "role 'boss' is not empty or 'resolver'", 3),
    ],
)
def test_a_malformed_row_is_one_error_naming_its_line(tmp_path, text, message, line):
    path = write(tmp_path, text)
    with pytest.raises(LitReviewError, match=message) as err:
        read_decisions(path)
    assert (err.value.path, err.value.line) == (str(path), line)
    assert "\n" not in str(err.value)


def test_not_utf8_is_an_error(tmp_path):
    with pytest.raises(LitReviewError, match="cannot read decisions"):
        read_decisions(write(tmp_path, HEADER.encode() + b"caf\xe9,gradient-free,include,,ana,,\n"))


def test_an_exclusion_without_reason_warns_with_its_line(tmp_path):
    path = write(tmp_path, GOOD + "x,gradient-free,exclude,,ana,,\n")
    with pytest.warns(UserWarning, match=r"decisions.csv:3: exclusion of 'x' without a reason"):
        read_decisions(path)


def test_no_file_is_no_decisions(tmp_path):
    assert read_decisions(tmp_path / "none.csv").empty


def test_append_creates_then_appends_and_keeps_existing_bytes(tmp_path):
    path = tmp_path / "decisions.csv"
    append_decisions(path, [Row("a", "gradient-free", "include", "r", "ana")])
    assert path.read_text() == HEADER + "a,gradient-free,include,r,ana,,\n"
    crlf = write(tmp_path, GOOD.replace("\n", "\r\n").rstrip("\r\n"), "crlf.csv")  # no final newline
    before = crlf.read_bytes()
    append_decisions(crlf, [Row("b, c", "gradient-free", "exclude", "why", "ben", "2025-02-01")])
    assert crlf.read_bytes().startswith(before)
    assert read_decisions(crlf)["paper"].tolist() == ["lora2024", "b, c"]


def test_append_follows_the_files_column_order(tmp_path):
    path = write(tmp_path, "reviewer,decision,theme,paper\nana,include,gradient-free,x\n")
    append_decisions(path, [Row("y", "gradient-free", "maybe", "", "ben")])
    assert path.read_text().splitlines()[-1] == "ben,maybe,gradient-free,y"


def test_a_bad_row_is_not_appended(tmp_path):
    path = write(tmp_path, GOOD)
    with pytest.raises(LitReviewError, match="decision 'yes'"):
        append_decisions(
            path, [Row("a", "gradient-free", "include", "", "x"), Row("b", "gradient-free", "yes", "", "x")]
        )
    assert path.read_text() == GOOD
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))  # no temp file left


def test_undo_drops_only_its_own_last_row(tmp_path):
    path = write(tmp_path, GOOD)
    row = Row("a", "gradient-free", "include", "", "ana")
    append_decisions(path, [row])
    assert take_back(path, lambda r: r == Row("a", "gradient-free", "exclude", "", "ana")) is None
    assert take_back(path, lambda r: r == row) == row
    assert path.read_text() == GOOD


def test_undo_takes_back_a_row_with_later_rows_and_multiline_reasons_around_it(tmp_path):
    # a hand-edited file: CRLF line ends, a quoted reason spanning two lines before and after
    before = GOOD.replace("\n", "\r\n") + 'x,gradient-free,exclude,"two\r\nlines",ben,,\r\n'
    path = write(tmp_path, before)
    mine = Row("y", "gradient-free", "exclude", 'says "no",\nthen more', "ana")
    append_decisions(path, [mine])
    append_decisions(path, [Row("z", "gradient-free", "include", "", "ben")])  # another session, after
    after_mine = path.read_bytes()[len(before.encode()) :].split(b"\n", 2)[2]  # ben's row
    assert take_back(path, lambda r: r == mine) == mine
    assert path.read_bytes() == before.encode() + after_mine
    assert read_decisions(path)["paper"].tolist() == ["lora2024", "x", "z"]


def test_rows_of_unknown_themes_are_named_with_the_closest_slug(tmp_path):
    path = write(tmp_path, GOOD + "b,gradient-fre,include,,ana,,\nc,no-such-thing-at-all,maybe,,ana,,\n")
    lines = unknown_theme_lines(read_decisions(path), ["gradient-free", "efficient-fine-tuning"], path)
    assert lines == [
        f"{path}:3: theme 'gradient-fre' is not a theme of themes.toml (closest: 'gradient-free'); row ignored",
        f"{path}:4: theme 'no-such-thing-at-all' is not a theme of themes.toml; row ignored",
    ]


THEMES_TOML = """
[[theme]]
slug = "efficient-fine-tuning"
title = "EFT"
scope = "s"
include = ["LoRA"]
[[theme.decision]]
paper = "lora2024"
decision = "include"
reason = "a LoRA variant"
[[theme.decision]]
paper = "other2023"
decision = "exclude"
reason = "inference only"
"""


def test_migration_moves_theme_file_decisions_once(tmp_path):
    import tomllib

    themes = parse_themes(tomllib.loads(THEMES_TOML), tmp_path / "themes.toml")
    path = write(tmp_path, GOOD)
    assert migrate_theme_decisions(themes, path) == 2
    table = read_decisions(path)
    assert table[["paper", "decision", "reason", "reviewer"]].values.tolist() == [
        ["lora2024", "include", "LoRA variant", "ana"],
        ["lora2024", "include", "a LoRA variant", "themes.toml"],
        ["other2023", "exclude", "inference only", "themes.toml"],
    ]
    assert migrate_theme_decisions(themes, path) == 0  # a second run adds nothing


def _migrate(path: str, start, added) -> None:
    import pathlib
    import tomllib

    themes = parse_themes(tomllib.loads(THEMES_TOML), pathlib.Path(path).parent / "themes.toml")
    start.wait(60)
    added.put(migrate_theme_decisions(themes, path))


def test_migrations_run_at_once_add_each_row_once(tmp_path):
    import multiprocessing as mp

    path = write(tmp_path, GOOD)
    spawn = mp.get_context("spawn")
    start, added = spawn.Event(), spawn.Queue()
    procs = [spawn.Process(target=_migrate, args=(str(path), start, added)) for _ in range(4)]
    for p in procs:
        p.start()
    start.set()
    counts = sorted(added.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    assert counts == [0, 0, 0, 2] and len(read_decisions(path)) == 3


def test_labels_become_decisions():
    rows = rows_from_labels(LABELS, "labels-v1")
    assert len(rows) == 2 * 218
    grades = [r for r in rows if r.paper.startswith("GradES:")]
    assert [(r.theme, r.decision) for r in grades] == [
        ("gradient-free", "exclude"),
        ("efficient-fine-tuning", "include"),
    ]
    assert {r.decision for r in rows if r.theme == "gradient-free"} == {"include", "exclude", "maybe"}


def test_bundled_decisions_are_the_dev_labels(root, seed_corpus):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every bundled exclusion has a reason
        table = read_decisions(root / "references" / "decisions.csv")
    assert len(table) == 436 and set(table["reviewer"]) == {"labels-v1"}
    counts = table[table["theme"] == "gradient-free"]["decision"].value_counts().to_dict()
    assert counts == {"exclude": 191, "include": 18, "maybe": 9}  # yes 18, no 191, borderline 9
    resolved, unresolved = resolve(table, seed_corpus.corpus.papers)
    assert unresolved.empty and resolved["paper_id"].nunique() == 218


def test_papers_are_named_by_key_id_arxiv_doi_or_title():
    papers = pd.DataFrame(
        {
            "id": ["p1", "p2", "p3"],
            "citekey": ["lora2024", "same1", "same2"],
            "arxiv_id": ["2106.09685", None, None],
            "doi": ["10.48550/ARXIV.2106.09685", None, None],
            "title": ["LoRA: Low-Rank Adaptation of Large Language Models", "Same Title", "Same title."],
        }
    )
    names = [
        "lora2024", "p1", "2106.09685", "arXiv:2106.09685", "10.48550/arxiv.2106.09685",
        "lora: low-rank adaptation of large language models", "Not a paper", "Same Title",
    ]  # fmt: skip
    table = pd.DataFrame(
        [Row(n, "gradient-free", "include", "", "ana").fields() for n in names], columns=COLUMNS
    )
    resolved, unresolved = resolve(table, papers)
    assert resolved["paper_id"].tolist() == ["p1"] * 6
    assert unresolved[["paper", "why"]].values.tolist() == [
        ["Not a paper", "names no paper of the corpus"],
        ["Same Title", "names 2 papers"],
    ]


def _append_many(path: str, reviewer: str, n: int, start) -> None:
    start.wait(60)
    for k in range(n):
        append_decisions(path, [Row(f"p{k}", "gradient-free", "include", f"row {k}", reviewer)])


def test_four_processes_appending_150_rows_each_lose_none(tmp_path):
    # the reported failure: two processes appending 150 rows each left 152 of 300 rows
    path = write(tmp_path, GOOD)
    run_together(_append_many, [(str(path), f"r{j}", 150) for j in range(4)])
    table = read_decisions(path)
    assert len(table) == 1 + 600 and path.read_text().startswith(GOOD)
    rows = list(zip(table["reviewer"], table["paper"], table["reason"]))[1:]
    assert sorted(rows) == sorted((f"r{j}", f"p{k}", f"row {k}") for j in range(4) for k in range(150))
    for j in range(4):  # each writer's rows in the order it wrote them
        assert [p for r, p, _ in rows if r == f"r{j}"] == [f"p{k}" for k in range(150)]
