"""Theme matching: the one-pass matcher of all terms against Python's re, row by row."""

import re

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lit_review import themes
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
def test_matcher_finds_exactly_what_re_finds(texts, patterns):
    compiled = [re.compile(p, re.IGNORECASE) for p in patterns]
    half = len(texts) // 2
    for column in (
        pa.array(texts, pa.large_string()),
        pa.chunked_array([pa.array(texts[:half], pa.string()), pa.array(texts[half:], pa.string())]),
        pa.array(["gradient-free LoRA", *texts], pa.large_string()).slice(1),  # an offset into the buffers
    ):
        got = hits_many(compiled, column)
        for p, hits in zip(compiled, got):
            assert hits.tolist() == [p.search(t) is not None for t in texts], p.pattern


def test_matcher_on_sliced_and_null_texts():
    texts = pa.array(["x", "gradient-free", None, "no", "Gradient free methods"], pa.large_string())
    (hits,) = hits_many([re.compile(r"\bgradient[- ]?free\b", re.IGNORECASE)], texts.slice(1, 4))
    assert hits.tolist() == [True, False, False, True]


@pytest.mark.parametrize("max_mem", [1, 256 << 20])
def test_terms_too_large_for_one_automaton_are_matched_one_by_one(monkeypatch, max_mem):
    monkeypatch.setattr(themes, "SET_MAX_MEM", max_mem)
    passes = []  # patterns run over the column on their own (Arrow's RE2)
    match = themes._match
    monkeypatch.setattr(
        themes, "_match", lambda pattern, texts: passes.append(pattern) or match(pattern, texts)
    )
    patterns = [re.compile(p, re.IGNORECASE) for p in PATTERNS]
    texts = [" ".join(WORDS[k:] + WORDS[:k]) for k in range(len(WORDS))] + ["", "we are free", "LORA"]
    got = hits_many(patterns, pa.array(texts, pa.large_string()))
    for p, hits in zip(patterns, got):
        assert hits.tolist() == [p.search(t) is not None for t in texts], p.pattern
    re2_patterns = [p for p in PATTERNS if "(?<" not in p]  # all but the look-behind
    one_by_one = {themes.prefilter_pattern(p) for p in re2_patterns} <= set(passes)
    assert one_by_one == (max_mem == 1)  # the set did not compile: every pattern had its own pass


def test_prefilter_loosens_only_long_counted_repeats_and_only_when_provably_looser():
    assert prefilter_pattern(r"\bwe\b[^.]{0,100}\bfree\b") == r"\bwe\b[^.]*\bfree\b"
    assert prefilter_pattern(r"a{2,30}b") == r"a*b"
    assert prefilter_pattern(r"a{2,5}b") == r"a{2,5}b"  # short bounds cost RE2 little: kept
    assert prefilter_pattern(r"[x{1,20}]") == r"[x{1,20}]"  # braces inside a class are not a repeat
    assert prefilter_pattern(r"\{1,20}") == r"\{1,20}"  # an escaped brace is a literal
