"""Normalization, merging, dates and the accounting invariant on the seed corpus."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lit_review.merge import near_duplicates
from lit_review.text import clean_text, match_key


def test_seed_counts(seed_corpus):
    c = seed_corpus.corpus
    assert c.n_read == 647
    assert len(c.papers) == 544
    assert c.n_duplicates == 103
    assert c.rejects == []


def test_exact_duplicates_by_normalized_title_give_545(seed_corpus):
    # Independent of match_key: exact title strings, whitespace-collapsed and lower-cased.
    titles = {" ".join(t.split()).lower() for t in seed_corpus.corpus.records["title_as_read"]}
    assert len(titles) == 545


def test_latex_variant_pair_is_merged(seed_corpus):
    p = seed_corpus.corpus.papers
    free = p[p["title"].str.contains("Guide: Gradient-Free Path Integral")]
    assert len(free) == 1
    assert free.iloc[0]["n_sources"] == 2
    records = seed_corpus.corpus.records
    pair = records[records["title_as_read"].str.contains("Path Integral")]
    assert {t.split(":")[0] for t in pair["title_as_read"]} == {"Free$^2$Guide", "Free^2Guide"}
    assert set(pair["id"]) == {free.iloc[0]["id"]}  # both records point to the merged paper


def test_similar_distinct_titles_stay_apart(seed_corpus):
    titles = set(seed_corpus.corpus.papers["title"])
    for t in [
        "Large Language Models as Optimizers",
        "Language Models as Black-Box Optimizers for Vision-Language Models",
        "Sparse Backpropagation for MoE Training",
        "SparseProp: Efficient Sparse Backpropagation for Faster Training of Neural Networks",
    ]:
        assert t in titles


def test_every_provenance_kept(seed_corpus):
    p = seed_corpus.corpus.papers
    assert p["sources"].map(len).sum() == 647
    lora = p[p["title"].str.startswith("Computational Limits of Low-Rank")].iloc[0]
    assert set(lora["sources"]) >= {"hf-papers-001-daily-dec-10.txt:13"}
    assert lora["n_authors"] == 5 and lora["year"] == 2024 and lora["month"] == 6
    assert lora["n_sources"] >= 2  # also on a compact page, which has no metadata: the richer record wins


def test_yearless_date_resolves_against_capture_date(seed_corpus):
    p = seed_corpus.corpus.papers
    mech = p[p["title"].str.startswith("Using Mechanistic Interpretability")].iloc[0]
    assert (mech["year"], mech["month"], mech["date_basis"]) == (2025, 3, "inferred from capture date")
    # The Mar 13 page has no known capture year: its papers keep an unknown year.
    nupes = p[p["title"].str.startswith("NUPES")].iloc[0]
    assert pd.isna(nupes["year"])


def test_columns(seed_corpus):
    cols = set(seed_corpus.corpus.papers.columns)
    assert {
        "id",
        "citekey",
        "title",
        "abstract",
        "year",
        "month",
        "n_authors",
        "organization",
        "upvotes",
        "sources",
    } <= cols


def test_ids_unique_and_from_title(seed_corpus):
    p = seed_corpus.corpus.papers
    assert p["id"].is_unique
    assert p["id"].str.fullmatch(r"t-[0-9a-f]{12}").all()


def test_clean_text_latex_fragments():
    assert clean_text("Free$^2$Guide") == "Free^2Guide"
    assert clean_text("accuracy of 98.9\\% (11.9\\%~uparrow)") == "accuracy of 98.9% (11.9%~uparrow)"
    assert clean_text("Lion (Evo\\textbf{Lved Sign Momentum})") == "Lion (EvoLved Sign Momentum)"
    assert clean_text("its forward passes solve {\\em deterministic} problems") == (
        "its forward passes solve deterministic problems"
    )
    assert clean_text('alpha-H{\\"o}lder and Polyak-{\\L}ojasiewicz') == "alpha-Hölder and Polyak-Łojasiewicz"
    assert clean_text("experiments, \\eg, GPT2") == "experiments, e.g., GPT2"
    assert clean_text("framework named {\\name}, which") == "framework named \\name, which"
    assert clean_text("we propose \\ours, a") == "we propose \\ours, a"  # unknown macro kept verbatim
    assert clean_text("Q\\&A  and\n\t tabs") == "Q&A and tabs"
    assert clean_text("e\u0301") == "\u00e9"  # NFC


def test_match_key_keeps_digits_and_words():
    assert match_key("Free$^2$Guide: X") == match_key("free^2guide -- x")
    assert match_key("Llama 2: Open Foundation") != match_key("Llama 3: Open Foundation")
    assert match_key("GPT-3 is great") != match_key("GPT-4 is great")
    assert match_key("Über  Models") == match_key("uber models")


def test_near_duplicates_lists_but_does_not_merge():
    papers = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "title": [
                "Llama 2: Open Foundation Models",
                "Llama 3: Open Foundation Models",
                "Unrelated Paper",
            ],
        }
    )
    pairs = near_duplicates(papers, threshold=90)
    assert list(zip(pairs["id_a"], pairs["id_b"])) == [("a", "b")]


def test_duplicates_report_shows_every_merged_record(seed_corpus):
    import csv
    import io

    from lit_review.export import duplicates_csv

    rows = list(csv.DictReader(io.StringIO(duplicates_csv(seed_corpus.corpus))))
    merged = seed_corpus.corpus.papers.query("n_sources > 1")
    assert len(rows) == int(merged["n_sources"].sum())
    assert len(rows) - len(merged) == 103  # records removed as duplicates
    free = [r["title_as_read"] for r in rows if "Path Integral Control" in r["title"]]
    assert sorted(t.split(":")[0] for t in free) == ["Free$^2$Guide", "Free^2Guide"]


def test_vectorized_theme_matching_equals_the_per_paper_reference(seed_corpus):
    from lit_review.themes import load_themes, match_paper, match_theme

    from .conftest import ROOT

    papers = seed_corpus.corpus.papers
    for theme in load_themes(ROOT / "references" / "themes.toml"):
        m = match_theme(theme, papers)
        for row, score, matched, decision in zip(
            papers.itertuples(), m["score"], m["matched"], m["decision"]
        ):
            ref = match_paper(theme, row.title, row.abstract, (row.id, row.citekey))
            assert (ref.score, ref.matched, ref.decision) == (score, matched, decision), (
                theme.slug,
                row.title,
            )


@pytest.mark.parametrize("handoff", ["shared memory", "no shared memory"])
def test_reading_in_worker_processes_gives_the_same_corpus(tmp_path, monkeypatch, handoff):
    from lit_review._infra import parallel
    from lit_review.corpus import read_corpus

    from .conftest import ROOT

    files = sorted((ROOT / "references" / "sources").iterdir())
    files.append(tmp_path / "unreadable.txt")
    files[-1].write_bytes(b"\x00\x01 binary")
    one, errors_one = read_corpus(files, workers=1)
    shared = tmp_path / "shm"
    shared.mkdir()
    monkeypatch.setattr(
        parallel, "_SHARED", str(shared if handoff == "shared memory" else tmp_path / "absent")
    )
    two, errors_two = read_corpus(files, workers=2)
    pd.testing.assert_frame_equal(one.papers, two.papers)
    pd.testing.assert_frame_equal(one.records, two.records)
    assert (one.n_read, one.rejects) == (two.n_read, two.rejects)
    assert [str(e) for e in errors_one] == [str(e) for e in errors_two] and len(errors_two) == 1
    assert list(shared.iterdir()) == []  # nothing left in shared memory


def test_a_table_that_cannot_be_handed_off_through_a_file_comes_back_as_it_is(tmp_path):
    import pyarrow as pa

    from lit_review._infra.parallel import receive_table, send_table

    table = pa.table({"x": ["a", None, "ü"]})
    sent = send_table(table, str(tmp_path / "full"), "t")  # cannot write there (as with full shared memory)
    assert sent is table and receive_table(sent) is table and not (tmp_path / "full").exists()
    sent = send_table(table, str(tmp_path), "t")
    assert isinstance(sent, str) and receive_table(sent).equals(table) and list(tmp_path.iterdir()) == []


def test_handoff_folders_of_killed_runs_are_removed(tmp_path, monkeypatch):
    import subprocess
    import sys

    from lit_review._infra import parallel

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    stale = tmp_path / f"lit-review-{int(dead.stdout)}-abc"
    live = tmp_path / "lit-review-1-def"  # pid 1 runs
    someone_elses = tmp_path / f"lit-review-{int(dead.stdout)}-notes"
    for folder in (stale, live, someone_elses):
        folder.mkdir()
        (folder / "x.arrow").write_bytes(b"x" * 10)
    (someone_elses / "notes.md").write_text("not ours")
    monkeypatch.setattr(parallel, "_SHARED", str(tmp_path))
    with parallel.handoff_folder() as folder:
        assert Path(folder).parent == tmp_path
        assert not stale.exists() and live.exists() and (someone_elses / "notes.md").exists()
    assert not Path(folder).exists()


def test_workers_do_not_rerun_a_script_without_a_main_guard(tmp_path):
    import subprocess
    import sys

    from .conftest import ROOT

    script = tmp_path / "review.py"
    script.write_text(
        "import glob\n"
        "from lit_review.corpus import read_corpus\n"
        f"corpus, _ = read_corpus(sorted(glob.glob({str(ROOT / 'references' / 'sources')!r} + '/*')), workers=2)\n"
        "print('ran', len(corpus.papers), corpus.n_read)\n"
    )
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["ran", "544", "647"]  # once: the workers did not run the script again


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=1, max_size=6), st.data())
def test_gathering_rows_from_chunks_equals_arrow_take_on_the_joined_array(sizes, data):
    import pyarrow as pa

    from lit_review._infra.columns import take, take_sorted

    chunks = [pa.array([f"r{k}-{i}" for i in range(n)], pa.large_string()) for k, n in enumerate(sizes)]
    values = pa.chunked_array(chunks, pa.large_string())
    n = len(values)
    if n == 0:
        return
    rows = data.draw(st.lists(st.integers(0, n - 1), max_size=20))
    joined = pa.concat_arrays(chunks)
    assert take(values, rows).to_pylist() == joined.take(pa.array(rows, pa.int64())).to_pylist()
    for ordered in (sorted(rows), sorted(set(rows))):  # repeated rows (a take), or not (a filter)
        assert take_sorted(values, np.array(ordered, dtype=np.int64)).to_pylist() == [
            joined[i].as_py() for i in ordered
        ]


def test_base_keys_from_the_readers_equal_those_computed_from_the_papers(tmp_path):
    from lit_review.citekeys import assign_keys, load_pins
    from lit_review.corpus import read_corpus

    from .conftest import ROOT

    corpus, _ = read_corpus(sorted((ROOT / "references" / "sources").iterdir()))
    assert "base_key" not in corpus.papers  # the documented columns only
    pins = load_pins(tmp_path / "none.csv")
    given, _ = assign_keys(corpus.papers, pins, corpus.base_keys)
    computed, _ = assign_keys(corpus.papers, pins)
    assert given.tolist() == computed.tolist()


def test_themes_matched_on_records_equal_themes_matched_on_the_merged_papers(project):
    """The ingest matches themes on records while merging; a paper whose title and abstract come
    from different records must get the themes of its own title and abstract."""
    from lit_review.ingest import run_ingest
    from lit_review.project import Project
    from lit_review.themes import apply_themes, load_themes

    title = "Robust Collaborative Learning with Linear Gradient Overhead"
    abstract = (
        "We propose a gradient-free, zeroth-order method for black-box optimization of robust "
        "collaborative learning, with no backpropagation at all, and study it at length. " * 12
    )
    extra = project / "references" / "sources" / "zz-extra.txt"
    extra.write_text(f"Subscribe{title.lower()}\n{abstract.strip()}\n", encoding="utf-8")
    with pytest.warns(UserWarning, match="not in the source manifest"):
        result = run_ingest(Project.at(project))
    papers = result.corpus.papers
    row = papers.index[papers["title"] == title][0]
    assert papers.at[row, "abstract"] == abstract.strip()  # title from a seed record, abstract from ours
    assert "gradient-free" in papers.at[row, "themes"]  # from the abstract of the other record
    themes = load_themes(project / "references" / "themes.toml")
    again = apply_themes(papers.drop(columns="themes"), themes)
    assert again["themes"].tolist() == papers["themes"].tolist()
