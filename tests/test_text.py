"""clean_text and match_key: LaTeX and BibTeX markup to Unicode, on real fragments and hostile input."""

import re
from pathlib import Path

import bibtexparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lit_review.sources.listing import read_listing
from lit_review.text import clean_text, match_key

from .conftest import SOURCES

FIXTURES = Path("/work/shared/fixtures/bibtex")

# Fragments as they occur in the seed listings and the BibTeX fixtures (or the issue), and the
# display form a reader expects, written by hand.
CASES = [
    (r"GPT-4o\'s", "GPT-4o's"),  # an escaped apostrophe, not \'s (ś)
    (r"aggregates an object\'s potential", "aggregates an object's potential"),  # seed 004
    (r"don\'t", "don't"),
    (r"users\' data", "users' data"),
    (r"caf\'e au lait", "café au lait"),  # a word-final accented letter stays accented
    (r"Bolet\'{\i}n", "Boletín"),  # dotless i under an accent
    (r"Na{\"\i}ve", "Naïve"),
    (r"B\'ezier", "Bézier"),  # seed 000
    (r"T\"ULU 3", "TÜLU 3"),  # seed 004
    (r"alpha-H{\"o}lder", "alpha-Hölder"),  # seed 002
    (r"Polyak-{\L}ojasiewicz", "Polyak-Łojasiewicz"),
    (r"Kaiser, \L ukasz", "Kaiser, Łukasz"),  # coslu fixture: a control word eats its space
    (r"Stockholmsm{\"{a}}ssan", "Stockholmsmässan"),  # iridia fixture
    (r"{\'E}volution Artificielle", "Évolution Artificielle"),
    (r"\c{c}a \c c", "ça ç"),
    (r"\ss{}e", "ße"),
    (r"R{\o}nnow", "Rønnow"),  # bbt fixture
    (r"({\Delta}{\Delta}G)", "(ΔΔG)"),
    (r"$\alpha$Depth", "αDepth"),
    (r"$\Delta$-{\TeX}", "Δ-TeX"),
    (r"{\TeX}", "TeX"),
    (r"$O(\epsilon^{-2})$ rate", "O(ϵ^{-2}) rate"),
    (r"\mathcal{O}(n)", "O(n)"),
    (r"rate {O(\frac{1}{k^2})}", "rate {O(1/k^2)}"),
    (r"L\(_\ell\) norm", "L_ℓ norm"),
    (r"Free$^2$Guide", "Free^2Guide"),  # seed 000
    (r"$5 and \$6", "$5 and $6"),  # money, not math
    (r"and so on \etc.", "and so on etc."),
    (r"\eg, GPT2 and \ie ChatGPT", "e.g., GPT2 and i.e. ChatGPT"),
    (r"Q\&A", "Q&A"),
    (r"98.2\% and 86.7{\%}", "98.2% and 86.7%"),
    (r"Marc\textquotesingle Aurelio", "Marc'Aurelio"),  # coslu fixture
    (r"{\em deterministic} optimization", "deterministic optimization"),
    (r"Evo\textbf{Lved Sign Momentum}", "EvoLved Sign Momentum"),
    (r"{{LoRA}}: Low-Rank", "LoRA: Low-Rank"),  # BibTeX case protection
    (r"Language {{Models}} Are {{Few-Shot Learners}}", "Language Models Are Few-Shot Learners"),
    (r"at the {IBM} {T}homas {J}. {W}atson", "at the IBM Thomas J. Watson"),
    (r"as LLMs grow {in size}, the", "as LLMs grow in size, the"),  # seed 000
    # braces that hold the math of an arXiv abstract whose backslashes were stripped stay
    (r"rewards to binary {0,1} during", "rewards to binary {0,1} during"),
    (r"against the canonical 1{3} due", "against the canonical 1{3} due"),
    (r"an O(log n{mu}) upper bound", "an O(log n{mu}) upper bound"),
    (r"more than 10^{160} candidates", "more than 10^{160} candidates"),
    # unknown macros are kept verbatim, nothing is lost
    (r"We propose \ours, a training-free", r"We propose \ours, a training-free"),
    (r"framework named {\name}, which", r"framework named \name, which"),
    ("  tabs\tand\nnewlines  ", "tabs and newlines"),
]


@pytest.mark.parametrize(("raw", "expected"), CASES, ids=[c[0] for c in CASES])
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected
    assert clean_text(expected) == expected


def test_match_key_ignores_math_markup():
    assert match_key(r"$\alpha$Depth: a study") == match_key("αDepth: A Study") == "αdepthastudy"
    assert match_key(r"{{LoRA}}: Low-Rank") == match_key("LoRA: Low-Rank")
    assert match_key(r"R{\o}nnow") == match_key("Rønnow")


def test_seed_abstract_keeps_its_apostrophe():
    listing = read_listing(SOURCES / "hf-papers-004-daily-mar-13.txt")
    raw = next(r.abstract for r in listing.records if r"object\'s" in r.abstract)
    cleaned = clean_text(raw)
    assert "object's potential" in cleaned and "ś" not in cleaned


def _bib_values(name, field):
    lib = bibtexparser.parse_file(str(FIXTURES / name), append_middleware=[])
    return [e.fields_dict[field].value for e in lib.entries if field in e.fields_dict]


def test_bibtex_fixture_fields():
    authors = _bib_values("bbt__arxiv_identifiers_460.bibtex.bib", "author")
    assert clean_text(authors[0]).startswith("Rønnow, Troels F. and Wang")
    assert clean_text(_bib_values("pybtexris__Knuth1986.bib", "title")[0]) == "The TeX Book"
    titles = [clean_text(t) for t in _bib_values("coslu__thesis_bibliography.bib", "title")]
    assert "RoBERTa: A Robustly Optimized BERT Pretraining Approach" in titles


def _all_texts():
    texts = []
    for path in sorted(SOURCES.iterdir()):
        texts += [t for r in read_listing(path).records for t in (r.title, r.abstract)]
    for path in sorted(FIXTURES.glob("*.bib")):
        lib = bibtexparser.parse_file(str(path), append_middleware=[])
        texts += [f.value for e in lib.entries for f in e.fields if isinstance(f.value, str)]
    return texts


def test_real_texts_idempotent_and_accents_resolved():
    texts = _all_texts()
    assert len(texts) > 3000
    for text in texts:
        once = clean_text(text)
        assert clean_text(once) == once, text
        # every accent macro on a letter was resolved
        assert not re.search(r"\\[\"'`^~=.][A-Za-z]|\{\\[\"'`^~=.]", once), once


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [*"\\{}$^_'\"`~.%&#()ceioLsTX aA1,-\t\u0301", r"\alpha", r"\i", r"\'", r"\emph{", r"\("]
        )
    ).map("".join)
    | st.text()
)
def test_clean_text_idempotent(text):
    once = clean_text(text)
    assert clean_text(once) == once


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
