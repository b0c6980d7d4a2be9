"""The column-wise BibTeX renderer (lit_review._fast.bibtex) writes what bibtexparser writes from entry()."""

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from lit_review import bibtex as ref
from lit_review._fast.bibtex import author_column, verbatim_column
from lit_review.bibtex import library_text
from lit_review.export import to_bibtex

_PIECES = ["Smith", "de la Cruz", "García", "Łęcki", "王芳", "Иван", " and ", "Jr.", ",", "{", "}", "\\", "%",
           "&", "_", "~", "LoRA", "GPT-4", "é", "香港", "🤗", " ", "Team", "Ann", "and", "AND", "van", "\t", "\xa0", "-", "."]  # fmt: skip
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=8).map("".join)
_NAME = st.builds(lambda f, g: f"{f}, {g}" if g else f, _TEXT, _TEXT)
_ID = st.one_of(st.none(), st.sampled_from(["2406.04329", "hep-th/9901001", "10.1002/x{y}_(z)", "a b"]))
_ROW = st.fixed_dictionaries(
    {
        "title": st.one_of(st.none(), _TEXT),
        "abstract": st.one_of(st.none(), _TEXT),
        "authors": st.lists(_NAME, max_size=4).map(tuple),
        "year": st.one_of(st.none(), st.integers(1990, 2030), st.integers(-400, -1)),
        "month": st.one_of(st.none(), st.integers(0, 13)),
        "arxiv_id": _ID,
        "primary_class": st.one_of(st.none(), st.just("cs.LG")),
        "doi": _ID,
        "url": st.one_of(st.none(), st.just("https://arxiv.org/abs/2406.04329")),
        "venue": st.one_of(st.none(), _TEXT),
        "entry_type": st.one_of(st.none(), st.sampled_from(["article", "inproceedings", "misc", "book"])),
        "keywords": st.lists(_TEXT, max_size=2).map(tuple),
        "n_authors": st.one_of(st.none(), st.integers(0, 40)),
        "organization": st.one_of(st.none(), _TEXT),
        "themes": st.lists(st.sampled_from(["gradient-free", "x"]), max_size=2, unique=True).map(tuple),
    }
)


def _frame(rows):
    df = pd.DataFrame(rows)
    df.insert(0, "citekey", [f"k{len(rows) - i}" for i in range(len(rows))])  # not in key order
    for col in ("year", "month", "n_authors"):
        df[col] = pd.array(df[col].tolist(), dtype="Int64")
    return df


@settings(max_examples=150, deadline=None)
@given(st.lists(_ROW, min_size=1, max_size=8))
def test_fast_path_equals_bibtexparser_on_rich_entries(rows):
    papers = _frame(rows)
    assert to_bibtex(papers) == library_text(papers)


def test_fast_path_equals_bibtexparser_with_absent_columns():
    papers = pd.DataFrame({"citekey": ["b", "a"], "title": ["Ω and LoRA", "x"]})
    assert to_bibtex(papers) == library_text(papers)
    assert to_bibtex(papers.iloc[0:0]) == library_text(papers.iloc[0:0]) == ""


def test_bundled_corpus_equal(seed_corpus):
    papers = seed_corpus.corpus.papers
    assert to_bibtex(papers) == library_text(papers)


_PERSON = st.one_of(
    _NAME, st.builds("{}, {}".format, _TEXT, _TEXT), st.sampled_from(["Vaswani, Ashish", "Le, Quoc V."])
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.lists(_PERSON, max_size=5).map(tuple)), min_size=1, max_size=6))
def test_author_column_equals_reference(rows):
    assert author_column(rows) == [ref._authors(ref._items(r)) for r in rows]


def test_author_column_on_seed_names(seed_corpus):
    authors = seed_corpus.corpus.papers["authors"].tolist()
    assert author_column(authors) == [ref._authors(ref._items(a)) for a in authors]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.just(""), _ID, _TEXT, st.just(float("nan"))), min_size=1, max_size=6))
def test_verbatim_column_equals_reference(values):
    expected = [ref._verbatim(v) if isinstance(v, str) and v else None for v in values]
    assert verbatim_column(values) == expected
