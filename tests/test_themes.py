"""Theme matching: the group-testing matcher against Python's re, row by row."""

import re

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from lit_review.themes import hits_many, prefilter_pattern

PATTERNS = [
    r"\bgradient[- ]?free\b",
    r"\b(we|our)\b[^.]{0,40}\bfree\b",  # a long counted repeat: loosened for the prefilter
    r"(?-i:\bLoRA\b)|\blow[- ]rank",
    r"(?<!non-)\bconvex\b",  # look-behind: RE2 refuses it, Python's re runs it
    r"^zero\b",
    r"a{2,30}",
    r"\bx{3}\b",
    r"[{]{0,20}b",
]
WORDS = ["gradient-free", "gradient free", "we", "our", "free", "LoRA", "lora", "low-rank", "convex",
         "non-convex", "zero", "aaa", "xxx", "{{b", ".", "Gradient", "b"]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join), min_size=1, max_size=30),
    st.lists(st.sampled_from(PATTERNS), min_size=1, max_size=len(PATTERNS), unique=True),
)
def test_group_testing_finds_exactly_what_re_finds(texts, patterns):
    compiled = [re.compile(p, re.IGNORECASE) for p in patterns]
    got = hits_many(compiled, pa.array(texts, pa.large_string()))
    for p, hits in zip(compiled, got):
        assert hits.tolist() == [p.search(t) is not None for t in texts], p.pattern


def test_prefilter_loosens_only_long_counted_repeats_and_only_when_provably_looser():
    assert prefilter_pattern(r"\bwe\b[^.]{0,100}\bfree\b") == r"\bwe\b[^.]*\bfree\b"
    assert prefilter_pattern(r"a{2,30}b") == r"a*b"
    assert prefilter_pattern(r"a{2,5}b") == r"a{2,5}b"  # short bounds cost RE2 little: kept
    assert prefilter_pattern(r"[x{1,20}]") == r"[x{1,20}]"  # braces inside a class are not a repeat
    assert prefilter_pattern(r"\{1,20}") == r"\{1,20}"  # an escaped brace is a literal
