"""Citation keys: base keys, disambiguation, pins that never change, keys a source gave."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lit_review._fast.basekey import base_key_column
from lit_review.basekey import base_key
from lit_review.citekeys import PIN_COLUMNS, assign_keys, commit_pins, load_pins, save_pins
from lit_review.errors import LitReviewError
from lit_review.ingest import ingest

from .processes import run_together


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    from .conftest import copy_project

    dst = copy_project(tmp_path_factory.mktemp("p") / "review")
    result = ingest(dst)
    return dst, result


def test_deterministic_and_stable_keys(ingested, tmp_path):
    dst, _ = ingested
    before = {n: (dst / "references" / n).read_bytes() for n in ("library.bib", "papers.csv", "citekeys.csv")}
    ingest(dst)
    after = {n: (dst / "references" / n).read_bytes() for n in before}
    assert before == after


def test_keys_survive_removal_and_addition(ingested):
    dst, result = ingested
    pins = load_pins(dst / "references" / "citekeys.csv")
    papers = result.corpus.papers
    old = dict(zip(papers["id"], papers["citekey"]))
    # Drop half the papers, add one whose natural key clashes with a pinned key.
    fewer = papers.iloc[::2].copy()
    extra = pd.DataFrame({"id": ["t-new"], "title": ["LoRA-GA: Something Else"], "year": [2024]})
    keys, new_pins = assign_keys(pd.concat([fewer, extra], ignore_index=True), pins)
    assert list(keys[: len(fewer)]) == [old[i] for i in fewer["id"]]
    assert keys.iloc[-1] == "loraga2024a"
    assert set(pins["citekey"]) <= set(new_pins["citekey"])  # removed papers keep their pins


def test_base_key():
    assert base_key("LoRA-GA: Low-Rank Adaptation with Gradient Approximation", 2024) == "loraga2024"
    assert base_key("The 1-bit Adam", None) == "p1bitadam"
    assert base_key("On the of", 2020) == "paper2020"


def test_pins_file_errors(tmp_path):
    p = tmp_path / "citekeys.csv"
    p.write_text("citekey,id,title\nabc,t-1,x\nabc,t-2,y\n")
    with pytest.raises(LitReviewError, match=r"citekeys\.csv:3: citation key 'abc' is pinned twice"):
        load_pins(p)


CELLS = st.one_of(
    st.none(),
    st.text(st.sampled_from(list("ab ,\"\r\n'é€") + ["\u2028"]), max_size=6),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(CELLS, CELLS, CELLS), max_size=12))
def test_pins_file_is_what_csv_writer_writes(tmp_path_factory, rows):
    import csv
    import io

    path = tmp_path_factory.mktemp("pins") / "citekeys.csv"
    save_pins(pd.DataFrame(rows, columns=list(PIN_COLUMNS)), path)
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\n").writerows([PIN_COLUMNS, *rows])
    assert path.read_bytes() == expected.getvalue().encode("utf-8")


_TITLE_WORDS = [
    "The",
    "of",
    "LoRA",
    "GPT-4",
    "2024",
    "-",
    "é",
    "x" * 25,
    "(A)",
    "1st",
    "on",
    "Über",
    "a.b",
    "",
]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(_TITLE_WORDS), max_size=6).map(" ".join)
            | st.lists(st.sampled_from(_TITLE_WORDS), max_size=4).map("  ".join),
            st.one_of(st.none(), st.integers(1990, 2030)),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_base_keys_of_a_column_equal_base_key_row_by_row(rows):
    titles, years = [t for t, _ in rows], [y for _, y in rows]
    assert base_key_column(titles, years) == [base_key(t, y) for t, y in rows]
    authors = [None if k % 3 else "Malladi, Sadhika" for k in range(len(rows))]
    assert base_key_column(titles, years, authors) == [base_key(t, y, a) for (t, y), a in zip(rows, authors)]


def test_new_keys_step_around_a_pinned_suffix():
    papers = pd.DataFrame(
        {"id": ["t-1", "t-2", "t-3"], "title": ["Foo bar"] * 3, "year": pd.array([2024] * 3, dtype="Int64")}
    )
    pins = pd.DataFrame({"citekey": ["foo2024a"], "id": ["t-old"], "title": ["Foo"]})
    keys, all_pins = assign_keys(papers, pins)
    assert keys.tolist() == ["foo2024", "foo2024b", "foo2024c"]  # "a" belongs to the old paper
    assert all_pins["citekey"].tolist() == ["foo2024", "foo2024a", "foo2024b", "foo2024c"]
    keys, _ = assign_keys(papers, pins.iloc[0:0])
    assert keys.tolist() == ["foo2024", "foo2024a", "foo2024b"]


def _one_at_a_time(sorted_bases, taken):
    from lit_review.citekeys import _suffixes

    out, seqs = [], {}
    for base in sorted_bases:
        key = base
        while key in taken:
            key = base + next(seqs.setdefault(base, _suffixes()))
        taken.add(key)
        out.append(key)
    return out


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "ab", "abb", "b", "ba", "x2024", "x2024a"]), max_size=60),
    st.sets(st.sampled_from(["a", "aa", "ab", "abb", "ac", "b", "bab", "x2024b", "x2024aa"]), max_size=5),
)
def test_suffixing_runs_equals_assigning_one_key_at_a_time(bases, taken):
    from lit_review.citekeys import _suffixed

    bases = sorted(bases)
    assert _suffixed(bases, set(taken)) == _one_at_a_time(bases, set(taken))


def test_author_year_word_keys():
    # the form researchers expect (the example), computed by hand
    title = "Fine-Tuning Language Models with Just Forward Passes"
    assert base_key(title, 2023, "Malladi, Sadhika") == "malladi2023finetuning"
    assert base_key(title, None, "Malladi, Sadhika") == "malladifinetuning"
    assert base_key("On the Convergence of Adam", 2019, "Rønnow, Troels F.") == "ronnow2019convergence"
    assert base_key("LoRA", 2021, "OpenAI") == "openai2021lora"  # a one-part name is the family name


def test_a_paper_keeps_its_pin_when_it_gains_an_arxiv_id():
    # pinned by its title hash (read from a listing), later merged with an arXiv record: same key
    papers = pd.DataFrame(
        {"id": ["arXiv:2305.17333"], "title": ["Fine-Tuning Language Models with Just Forward Passes"],
         "year": [2023], "authors": [("Malladi, Sadhika",)]}
    )  # fmt: skip
    pins = pd.DataFrame({"citekey": ["finetuning2023"], "id": ["t-abc"], "title": ["Fine-Tuning ..."]})
    keys, all_pins = assign_keys(papers, pins, known_as={"arXiv:2305.17333": (("t-abc",), None)})
    assert keys.tolist() == ["finetuning2023"]
    assert all_pins["citekey"].tolist() == ["finetuning2023"]  # no second pin


def test_a_key_the_source_gave_is_kept_unless_taken():
    papers = pd.DataFrame(
        {"id": ["doi:10.1/a", "doi:10.1/b"], "title": ["Alpha Beta", "Gamma Delta"], "year": [2020, 2021],
         "authors": [("Smith, J.",), ("Smith, J.",)]}
    )  # fmt: skip
    pins = pd.DataFrame({"citekey": ["Smith2021"], "id": ["t-other"], "title": ["x"]})
    known = {"doi:10.1/a": ((), "Smith2020Alpha"), "doi:10.1/b": ((), "Smith2021")}
    keys, all_pins = assign_keys(papers, pins, known_as=known)
    assert keys.tolist() == ["Smith2020Alpha", "smith2021gamma"]  # Smith2021 belongs to another paper
    assert sorted(all_pins["citekey"]) == ["Smith2020Alpha", "Smith2021", "smith2021gamma"]


@pytest.mark.parametrize("bad", ["has space", "a{b}", "a,b", "", "%x"])
def test_pins_file_rejects_keys_bibtex_cannot_take(tmp_path, bad):
    p = tmp_path / "citekeys.csv"
    p.write_text(f'citekey,id,title\n"{bad}",t-1,x\n')
    with pytest.raises(LitReviewError, match=r"citekeys\.csv:2: citation key"):
        load_pins(p)


def _clashing_papers(tag: str) -> pd.DataFrame:
    """Three papers whose base keys are those of every other tag's papers (same titles and years)."""
    titles = ["LoRA-GA: Low-Rank Adaptation", "Sparse Mixtures at Scale", "Sparse Mixtures at Scale"]
    return pd.DataFrame({"id": [f"{tag}-{k}" for k in range(3)], "title": titles, "year": [2024] * 3})


def test_commit_pins_keeps_the_pins_another_build_wrote_meanwhile(tmp_path):
    path = tmp_path / "citekeys.csv"
    save_pins(pd.DataFrame(columns=list(PIN_COLUMNS)), path)
    papers = _clashing_papers("a")
    keys, pins = assign_keys(papers, load_pins(path))  # read before the other build wrote
    assert keys.tolist() == ["loraga2024", "sparse2024", "sparse2024a"]
    other_keys, other = assign_keys(_clashing_papers("b"), load_pins(path))
    assert commit_pins(path, _clashing_papers("b"), other)[0] is None  # nothing new on disk: kept
    new_keys, written = commit_pins(path, papers, pins)
    assert other_keys.tolist() == keys.tolist()  # both builds chose the same keys
    assert new_keys.tolist() == ["loraga2024a", "sparse2024b", "sparse2024c"]  # ours moved around theirs
    assert load_pins(path).equals(written) and len(written) == 6 and written["citekey"].is_unique
    assert dict(zip(written["id"], written["citekey"])) == {
        **dict(zip(["b-0", "b-1", "b-2"], other_keys)),
        **dict(zip(["a-0", "a-1", "a-2"], new_keys)),
    }


def _commit(path: str, tag: str, start) -> None:
    papers = _clashing_papers(tag)
    keys, pins = assign_keys(papers, load_pins(path))  # all read the same (empty) pins: same keys
    start.wait(60)
    new_keys, _ = commit_pins(path, papers, pins)
    mine = keys if new_keys is None else new_keys
    on_disk = load_pins(path)
    pinned = dict(zip(on_disk["id"], on_disk["citekey"]))
    assert [pinned[i] for i in papers["id"]] == mine.tolist()  # the keys it uses are the ones pinned


def test_four_builds_pinning_at_once_keep_every_pin_and_no_key_twice(tmp_path):
    path = tmp_path / "citekeys.csv"
    save_pins(pd.DataFrame(columns=list(PIN_COLUMNS)), path)
    run_together(_commit, [(str(path), tag) for tag in "abcd"])
    pins = load_pins(path)  # which also checks no key and no id is pinned twice
    assert sorted(pins["id"]) == sorted(f"{t}-{k}" for t in "abcd" for k in range(3))
