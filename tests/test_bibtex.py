"""library.bib: escaping, case protection, round trip, keys and determinism."""

import re

import bibtexparser
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lit_review.bibtex import decode_latex, encode_latex, read_bibtex, typeset
from lit_review.export import to_bibtex
from lit_review.ingest import ingest

from .conftest import ROOT


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    from .conftest import copy_project

    dst = copy_project(tmp_path_factory.mktemp("p") / "review")
    result = ingest(dst)
    return dst, result


def test_library_round_trip(ingested):
    dst, result = ingested
    bib = dst / "references" / "library.bib"
    lib = bibtexparser.parse_file(str(bib))
    assert lib.failed_blocks == []
    assert len(lib.entries) == 544
    back = read_bibtex(bib)
    assert back["citekey"].is_unique
    merged = result.corpus.papers.merge(back, on="citekey", suffixes=("", "_bib"))
    assert len(merged) == 544
    assert (merged["title"] == merged["title_bib"]).all()
    assert (merged["abstract"] == merged["abstract_bib"]).all()


def test_every_special_character_of_the_seeds_is_escaped(ingested):
    dst, _ = ingested
    text = (dst / "references" / "library.bib").read_text(encoding="utf-8")
    body = re.sub(
        r"\\(textbackslash|textasciitilde|textasciicircum|textbraceleft|textbraceright)\{\}", "", text
    )
    body = re.sub(r"\\[%&#_$]", "", body)
    for ch in "%&#_$~^":
        assert ch not in body, ch
    assert "\\ours" not in text and "\\textbackslash{}ours" in text
    for line in (
        ln for ln in text.splitlines() if ln.startswith("  ")
    ):  # every field balances, as BibTeX counts
        depth = 0
        for c in line:
            depth += {"{": 1, "}": -1}.get(c, 0)
            assert depth >= 0, line
        assert depth == 0, line


def test_fields_and_no_invented_authors(ingested):
    dst, _ = ingested
    lib = bibtexparser.parse_file(str(dst / "references" / "library.bib"), parse_stack=[])
    e = lib.entries_dict["loraga2024"]
    assert e.fields_dict["title"].value == "{{LoRA-GA:} {Low-Rank} Adaptation with Gradient Approximation}"
    assert e.fields_dict["year"].value == "2024"
    assert e.fields_dict["month"].value == "jul"
    assert "3 authors" in e.fields_dict["note"].value
    assert all("author" not in en.fields_dict for en in lib.entries)
    assert all("url" not in en.fields_dict for en in lib.entries)


def test_keywords_are_theme_slugs(ingested):
    dst, _ = ingested
    lib = bibtexparser.parse_file(str(dst / "references" / "library.bib"), parse_stack=[])
    kw = lib.entries_dict["bbtv2gradientfree"].fields_dict["keywords"].value
    assert "gradient-free" in kw and "efficient-fine-tuning" in kw


@pytest.mark.parametrize("text", ["LoRA", "BBTv2", "GPT-4", "LLMs", "(LoRA)"], ids=lambda t: t)
def test_case_protection(text):
    assert encode_latex(f"Using {text} here", protect_case=True) == f"Using {{{encode_latex(text)}}} here"


def test_plain_words_not_protected():
    assert encode_latex("A Survey of Methods", protect_case=True) == "A Survey of Methods"


def test_escapes():
    assert encode_latex("50% & #1 a_b $x$ ~ ^ \\ours {x") == (
        r"50\% \& \#1 a\_b \$x\$ \textasciitilde{} \textasciicircum{} \textbackslash{}ours \textbraceleft{}x"
    )
    assert encode_latex("Über α") == r"{\"U}ber {\ensuremath{\alpha}}"


text_strategy = st.lists(
    st.one_of(
        st.sampled_from(
            list('%&#_$~^\\{}@",=() ') + ["\\textbf{", "$^2$", "LoRA", "GPT-4", "\\ours", "{\\em"]
        ),
        st.characters(codec="utf-8"),
    ),
    max_size=200,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.text(max_size=400))
def test_any_text_round_trips_through_bibtex(title, abstract):
    _round_trip(title, abstract)


@settings(max_examples=300, deadline=None)
@given(text_strategy, text_strategy)
def test_hostile_latex_round_trips_through_bibtex(title, abstract):
    _round_trip(title, abstract)


def _round_trip(title, abstract):
    from lit_review.text import clean_text

    title, abstract = clean_text(title) or "x", clean_text(abstract)
    papers = pd.DataFrame(
        {
            "citekey": ["k1"],
            "title": [title],
            "abstract": [abstract],
            "year": [pd.NA],
            "month": [pd.NA],
            "n_authors": [pd.NA],
            "organization": [None],
        }
    )
    text = to_bibtex(papers)
    lib = bibtexparser.parse_string(text, parse_stack=[])
    assert lib.failed_blocks == [] and len(lib.entries) == 1
    fields = lib.entries[0].fields_dict
    assert decode_latex(fields["title"].value[1:-1]) == typeset(title)  # printed: what pdflatex can typeset
    assert decode_latex(fields["abstract"].value[1:-1]) == abstract  # not printed: whole


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("香港科技大学 (HKUST)", "(HKUST)"),
        ("Łęcki, Ærø – Über α≤β", "Łęcki, Ærø – Über α≤β"),
        ("Иван Петров", ""),
        ("Deep 🤗 Learning", "Deep Learning"),
        ("  two  spaces ", "  two  spaces "),  # nothing left out: untouched
    ],
)
def test_typeset_leaves_out_what_pdflatex_cannot_typeset(text, kept):
    assert typeset(text) == kept


def test_long_string_round_trip():
    s = "x{y" * 100_000
    assert decode_latex(encode_latex(s, protect_case=True)) == s


def test_streamed_write_equals_text_and_chunks_join_cleanly(ingested, tmp_path, monkeypatch):
    import lit_review._fast.bibtex as fast
    import lit_review.export as bt

    _, result = ingested
    papers = result.corpus.papers
    whole = bt.to_bibtex(papers)
    monkeypatch.setattr(fast, "CHUNK", 7)  # many chunks: their joins must look like any other entry boundary
    bt.write_bibtex(papers, tmp_path / "x.bib")
    assert (tmp_path / "x.bib").read_text(encoding="utf-8") == whole
    assert "}\n\n@misc" in whole and "}\n\n\n" not in whole


def _writer_reference(papers):
    from lit_review.bibtex import bibtex_format, to_library

    return bibtexparser.write_string(to_library(papers), unparse_stack=[], bibtex_format=bibtex_format())


def test_bundled_library_is_what_bibtexparser_writes_from_entries(seed_corpus):
    from .conftest import ROOT

    papers = seed_corpus.corpus.papers
    assert _writer_reference(papers).encode("utf-8") == (ROOT / "references" / "library.bib").read_bytes()


def test_column_writer_equals_bibtexparser_writing_each_entry(ingested):
    _, result = ingested
    papers = result.corpus.papers
    assert to_bibtex(papers) == _writer_reference(papers)


_maybe = st.one_of(st.none(), st.integers(1, 12))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(min_size=1, max_size=40),
            st.text(max_size=200),
            st.one_of(st.none(), st.integers(1990, 2030)),
            _maybe,
            _maybe,
            st.one_of(st.none(), st.text(max_size=20)),
            st.lists(st.sampled_from(["a-b", "gradient-free", "x"]), max_size=2, unique=True),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_column_writer_equals_bibtexparser_on_hostile_entries(rows):
    from lit_review.text import clean_text

    papers = pd.DataFrame(
        {
            "citekey": [f"k{i}" for i in range(len(rows))],
            "title": [clean_text(r[0]) or "x" for r in rows],
            "abstract": [clean_text(r[1]) for r in rows],
            "year": pd.array([r[2] for r in rows], dtype="Int64"),
            "month": pd.array([r[3] for r in rows], dtype="Int64"),
            "n_authors": pd.array([r[4] for r in rows], dtype="Int64"),
            "organization": [clean_text(r[5]) if r[5] is not None else None for r in rows],
            "themes": [tuple(r[6]) for r in rows],
        }
    )
    assert to_bibtex(papers) == _writer_reference(papers)


_PIECES = [*"aZ09 ()[]:;,.!?\"'-/{}\\%&#_$~^", "LoRA", "GPT-4", "é", "\t", "Llama 2"]
_ASCII_TITLE = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ASCII_TITLE, min_size=1, max_size=20))
def test_column_encoding_equals_encode_latex_row_by_row(values):
    """The Arrow (RE2) path for plain ASCII and the Python path must agree on every row."""
    from lit_review._fast.bibtex import encode_column
    from lit_review.bibtex import typeset

    assert encode_column(values).to_pylist() == [encode_latex(v) for v in values]
    got = encode_column(values, protect_case=True).to_pylist()
    assert got == [encode_latex(typeset(v), protect_case=True) for v in values]


def test_arxiv_paper_is_an_arxiv_style_misc_entry():
    papers = pd.DataFrame(
        {
            "citekey": ["sahoo2024simple"],
            "title": ["Simple and Effective Masked Diffusion Language Models"],
            "abstract": ["We show that simple masked discrete diffusion is more performant."],
            "authors": [("Sahoo, Subham Sekhar", "Arriola, Marianne", "de la Cruz, Juan", "OpenAI")],
            "year": pd.array([2024], dtype="Int64"),
            "month": pd.array([6], dtype="Int64"),
            "arxiv_id": ["2406.07524"],
            "primary_class": ["cs.CL"],
            "doi": ["10.48550/arxiv.2406.07524"],
            "url": ["https://arxiv.org/abs/2406.07524"],
            "themes": [("diffusion",)],
        }
    )
    assert to_bibtex(papers) == (
        "@misc{sahoo2024simple,\n"
        "  author = {Sahoo, Subham Sekhar and Arriola, Marianne and de la Cruz, Juan and {OpenAI}},\n"
        "  title = {Simple and Effective Masked Diffusion Language Models},\n"
        "  year = 2024,\n"
        "  month = jun,\n"
        "  eprint = {2406.07524},\n"
        "  archivePrefix = {arXiv},\n"
        "  primaryClass = {cs.CL},\n"
        "  doi = {10.48550/arxiv.2406.07524},\n"
        "  url = {https://arxiv.org/abs/2406.07524},\n"
        "  keywords = {diffusion},\n"
        "  abstract = {We show that simple masked discrete diffusion is more performant.}\n"
        "}\n"
    )


def test_venue_gives_article_or_inproceedings_and_unprintable_names_are_counted():
    from lit_review.bibtex import entry

    e = entry({"citekey": "a", "title": "T", "venue": "Journal of X & Y", "authors": ("Wang, 王", "李, 雷")})
    assert (e.entry_type, e.fields_dict["journal"].value) == ("article", r"{Journal of X \& Y}")
    assert e.fields_dict["author"].value == "{Wang and others}"
    e = entry({"citekey": "b", "title": "T", "venue": "NeurIPS", "entry_type": "inproceedings"})
    assert (e.entry_type, e.fields_dict["booktitle"].value, e.fields_dict["key"].value) == (
        "inproceedings", "{NeurIPS}", "{b}")  # fmt: skip
    e = entry({"citekey": "c", "title": "T", "authors": ("王, 芳",), "organization": "香港科技大学"})
    assert e.entry_type == "misc" and "author" not in e.fields_dict
    assert e.fields_dict["note"].value == "{1 author; names left out: not in a script pdflatex typesets}"
    e = entry(
        {"citekey": "d", "title": "T", "authors": ("Research and Development, Team",), "doi": "10.1/a{b} c"}
    )
    assert e.fields_dict["author"].value == "{{Research and Development}, Team}"
    assert e.fields_dict["doi"].value == "{10.1/a%7Bb%7D%20c}"


def test_every_arxiv_misc_entry_has_the_arxiv_url(tmp_path):
    """As arXiv's own BibTeX export: an @misc preprint links its abstract page when the source gave no URL."""
    src = tmp_path / "r" / "references" / "sources"
    src.mkdir(parents=True)
    fixture = ROOT.parent / "shared" / "fixtures" / "hf" / "hfdaily-zh__2024-06-13.json"
    (src / fixture.name).write_bytes(fixture.read_bytes())
    ingest(tmp_path / "r")
    library = bibtexparser.parse_string(
        (tmp_path / "r" / "references" / "library.bib").read_text(encoding="utf-8")
    )
    preprints = [e for e in library.entries if e.entry_type == "misc" and "eprint" in e.fields_dict]
    assert len(preprints) == 21  # the day's 21 papers (fixtures/MANIFEST.md), all arXiv preprints
    for e in preprints:
        assert e["url"] == f"https://arxiv.org/abs/{e['eprint']}", e.key
