"""base_key_column equals base_key row by row for papers with a first author (column-wise family names)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from lit_review._fast.basekey import base_key_column
from lit_review.basekey import base_key

_WORDS = [
    "Attention",
    "is",
    "All",
    "You",
    "Need",
    "LoRA:",
    "the",
    "2024",
    "GPT-4",
    "a",
    "Øresund",
    "naïve",
    "",
]
_NAME_PARTS = [
    "Malladi",
    "van den Berg",
    "O'Neil",
    "Smith-Jones",
    "Łęcki",
    "王",
    "123",
    "",
    " ",
    "Jr.",
    "Ann",
    "{\\o}",
]
_AUTHOR = st.one_of(
    st.none(),
    st.builds("{}, {}".format, st.sampled_from(_NAME_PARTS), st.sampled_from(_NAME_PARTS)),
    st.sampled_from(_NAME_PARTS),
    st.builds("{}, {}, {}".format, *[st.sampled_from(_NAME_PARTS)] * 3),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6).map(" ".join),
            st.one_of(st.none(), st.integers(1990, 2030)),
            _AUTHOR,
        ),
        min_size=1,
        max_size=10,
    )
)
def test_base_key_column_with_authors_equals_base_key(rows):
    titles, years, authors = (list(c) for c in zip(*rows))
    assert base_key_column(titles, years, authors) == [base_key(t, y, a) for t, y, a in rows]


def test_base_key_column_on_generated_long_family_names():
    authors = ["Wolfeschlegelsteinhausenbergerdorff, Hubert", "Le, Quoc V.", "Vaswani, Ashish"]
    titles = ["Attention Is All You Need"] * 3
    assert base_key_column(titles, [2017, None, 2017], authors) == [
        base_key(t, y, a) for t, y, a in zip(titles, [2017, None, 2017], authors)
    ]
