"""One pass of all theme terms over a column equals Python's ``re.search`` row by row; the
loosening of long counted repeats never loses a match."""

import re

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lit_review._fast import search
from lit_review._fast.search import prefilter_pattern, search_many

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
        got = search_many(compiled, column)
        for p, hits in zip(compiled, got):
            assert hits.tolist() == [p.search(t) is not None for t in texts], p.pattern


def test_matcher_on_sliced_and_null_texts():
    texts = pa.array(["x", "gradient-free", None, "no", "Gradient free methods"], pa.large_string())
    (hits,) = search_many([re.compile(r"\bgradient[- ]?free\b", re.IGNORECASE)], texts.slice(1, 4))
    assert hits.tolist() == [True, False, False, True]


@pytest.mark.parametrize("max_mem", [1, 256 << 20])
def test_terms_too_large_for_one_automaton_are_matched_one_by_one(monkeypatch, max_mem):
    monkeypatch.setattr(search, "SET_MAX_MEM", max_mem)
    passes = []  # patterns run over the column on their own (Arrow's RE2)
    match = search._match
    monkeypatch.setattr(
        search, "_match", lambda pattern, texts: passes.append(pattern) or match(pattern, texts)
    )
    patterns = [re.compile(p, re.IGNORECASE) for p in PATTERNS]
    texts = [" ".join(WORDS[k:] + WORDS[:k]) for k in range(len(WORDS))] + ["", "we are free", "LORA"]
    got = search_many(patterns, pa.array(texts, pa.large_string()))
    for p, hits in zip(patterns, got):
        assert hits.tolist() == [p.search(t) is not None for t in texts], p.pattern
    re2_patterns = [p for p in PATTERNS if "(?<" not in p]  # all but the look-behind
    one_by_one = {search.prefilter_pattern(p) for p in re2_patterns} <= set(passes)
    assert one_by_one == (max_mem == 1)  # the set did not compile: every pattern had its own pass


def test_prefilter_loosens_only_long_counted_repeats_and_only_when_provably_looser():
    assert prefilter_pattern(r"\bwe\b[^.]{0,100}\bfree\b") == r"\bwe\b[^.]*\bfree\b"
    assert prefilter_pattern(r"a{2,30}b") == r"a*b"
    assert prefilter_pattern(r"a{2,5}b") == r"a{2,5}b"  # short bounds cost RE2 little: kept
    assert prefilter_pattern(r"[x{1,20}]") == r"[x{1,20}]"  # braces inside a class are not a repeat
    assert prefilter_pattern(r"\{1,20}") == r"\{1,20}"  # an escaped brace is a literal


@pytest.mark.parametrize(
    "pattern",
    [
        r"(?!a{1,20})b",  # negative look-ahead: a looser body would match less
        r"(?<!a{1,20})b",
        r"(a{1,20})\1",  # back-reference
        r"(?P<x>a{1,20})(?P=x)",
        r"a{1,20}+",  # possessive
        r"(?>a{1,20})",  # atomic
        r"(?x) a{1,20}  # verbose: spaces and comments",
        r"(?#a{1,20})",
        r"[[:alpha:]]{1,20}",  # a nested class (RE2 reads POSIX classes, Python does not)
        r"{20,30}",  # a repeat of nothing
        r"x{,20}",  # Python repeats, RE2 reads braces
        r"\b{1,20}",
        r"a|{1,20}",
    ],
)
def test_prefilter_leaves_constructs_outside_its_grammar_alone(pattern):
    assert prefilter_pattern(pattern) == pattern


def test_prefilter_loosens_repeats_of_escapes_groups_and_lazy_repeats():
    assert prefilter_pattern(r"(?i:\w{1,20}?)") == r"(?i:\w*?)"
    assert prefilter_pattern(r"(?P<n>ab){3,}") == r"(?P<n>ab){3,}"  # bound 3: kept
    assert prefilter_pattern(r"(?P<n>ab){30,}") == r"(?P<n>ab)*"
    assert prefilter_pattern(r"\N{EM DASH}{1,20}") == r"\N{EM DASH}*"  # the name's braces are not a repeat
    assert prefilter_pattern(r"[]a{1,20}]{1,20}") == r"[]a{1,20}]*"  # "]" first in a class is a literal


PIECES = ["a", "b", " ", ".", "[ab]", "[^a ]", "[a{1,20}]", r"\b", r"\s", r"\{", "(", "(?:", "(?i:", ")",
          "|", "*", "+", "?", "{2}", "{0,12}", "{2,30}", "{11}", "{12,}", "{3,40}?", "^", "$", "(?!", r"\1"]  # fmt: skip
TEXTS = st.lists(st.sampled_from(["a", "a" * 25, "b", "ab" * 14, " ", "{", "}"]), max_size=8).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join), st.lists(TEXTS, max_size=12))
def test_the_loosened_pattern_matches_wherever_the_pattern_does(pattern, texts):
    try:
        strict = re.compile(pattern)
    except re.error:
        return  # not a pattern
    loose = re.compile(prefilter_pattern(pattern))
    for t in texts:
        if strict.search(t):
            assert loose.search(t), (pattern, loose.pattern, t)
