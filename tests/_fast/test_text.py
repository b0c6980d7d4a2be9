"""The column-wise text steps equal their references row by row, on the seed listings and on hostile text."""

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from lit_review._fast.basekey import base_key_column
from lit_review._fast.text import clean_text_column, match_key_column
from lit_review.basekey import base_key
from lit_review.sources.listing import read_listing
from lit_review.text import clean_text, match_key

from ..conftest import SOURCES


def _seed_texts() -> tuple[list[str], list[str], list]:
    titles, abstracts, years = [], [], []
    for path in sorted(SOURCES.iterdir()):
        batch = read_listing(path)
        titles += batch.columns["title"]
        abstracts += batch.columns["abstract"]
        years += batch.columns["year"]
    return titles, abstracts, years


def test_seed_text_cleaned_and_keyed_column_wise_equals_row_by_row():
    titles, abstracts, years = _seed_texts()
    assert len(titles) == 647
    for values in (titles, abstracts):
        column = clean_text_column(pa.array(values, pa.large_string())).to_pylist()
        assert column == [clean_text(v) for v in values]
    clean = [clean_text(t) for t in titles]
    assert match_key_column(pa.array(clean, pa.large_string())).to_pylist() == [
        match_key(t, cleaned=True) for t in clean
    ]
    assert base_key_column(clean, years) == [base_key(t, y) for t, y in zip(clean, years)]


_PIECES = [*"ab Z9-.$\\{}_^é\u00a0\u200b\t\n", "\\'e", "$\\alpha$", "{\\o}", "GPT-4o\\'s"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=25).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=20))
def test_hostile_text_cleaned_column_wise_equals_row_by_row(values):
    assert clean_text_column(pa.array(values, pa.large_string())).to_pylist() == [
        clean_text(v) for v in values
    ]
    clean = [clean_text(v) for v in values]
    assert match_key_column(pa.array(clean, pa.large_string())).to_pylist() == [
        match_key(v, cleaned=True) for v in clean
    ]
