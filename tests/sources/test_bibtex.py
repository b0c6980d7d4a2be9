"""BibTeX / BibLaTeX reader on the real fixture files and on hostile input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lit_review.errors import LitReviewError
from lit_review.sources import bibtex, csljson, detect, ris

from . import FIXTURES, LISTING_SEEDS, OTHER_FORMATS, accounted, manifest_counts

BIB_FILES = sorted((FIXTURES / "bibtex").glob("*.bib"))
# Entries by a plain pattern (not bibtexparser): what a file holds, duplicates included.
_ENTRY = re.compile(r"^\s*@(?!string|comment|preamble)[a-z]+\s*\{", re.IGNORECASE | re.MULTILINE)


def _by_key(batch):
    return {r.citekey: r for r in batch.records}


@pytest.mark.parametrize("path", BIB_FILES, ids=lambda p: p.name)
def test_every_entry_is_kept_or_rejected(path):
    batch = bibtex.read(path)
    assert detect(path) is bibtex
    assert accounted(batch) == len(_ENTRY.findall(path.read_text(encoding="utf-8")))
    # The MANIFEST counted with bibtexparser, which sets a duplicate key aside: one more here.
    extra = sum("duplicate entry key" in r.reason for r in batch.rejects)
    assert accounted(batch) == manifest_counts()[f"bibtex/{path.name}"] + extra


def test_bbt_bibtex_export_values():
    batch = bibtex.read(FIXTURES / "bibtex" / "bbt__arxiv_identifiers_460.bibtex.bib")
    ronnow = _by_key(batch)["Ronnow.2014.Defining"]
    assert ronnow.line == 1 and ronnow.entry_type == "article"
    assert ronnow.title == "Defining and Detecting Quantum Speedup"
    assert ronnow.authors[0] == "Rønnow, Troels F."  # R{\o}nnow
    assert ronnow.authors[-1] == "Troyer, Matthias" and ronnow.n_authors == 9
    assert (ronnow.year, ronnow.month, ronnow.day) == (2014, 7, None)  # year = 2014, month = jul
    assert (ronnow.arxiv_id, ronnow.primary_class) == ("1401.2910", "quant-ph")
    assert (ronnow.doi, ronnow.venue) == ("10.1126/science.1252319", "Science")
    assert ronnow.keywords == ("Quantum Physics",)
    sen = _by_key(batch)["Sen.2016.BV"]
    assert sen.line == 21 and sen.doi == "10.1007/jhep02(2016)087" and sen.month == 2
    assert "superstring field theory" in sen.keywords and "futur: 3" in sen.keywords
    assert _by_key(batch)["Smolin.2013.Classical"].venue == "arXiv:1305.4904 [quant-ph]"


def test_bbt_biblatex_export_values():
    batch = bibtex.read(FIXTURES / "bibtex" / "bbt__arxiv_identifiers_460.biblatex.bib")
    ronnow = _by_key(batch)["Ronnow.2014.Defining"]
    assert ronnow.authors[0] == "Rønnow, Troels F."  # raw UTF-8 here
    assert (ronnow.year, ronnow.month, ronnow.day) == (2014, 7, 25)  # date = {2014-07-25}
    assert ronnow.venue == "Science"  # journaltitle
    assert (ronnow.arxiv_id, ronnow.primary_class) == ("1401.2910", "quant-ph")  # eprinttype, eprintclass
    assert ronnow.url == "http://arxiv.org/abs/1401.2910"
    smolin = _by_key(batch)["Smolin.2013.Classical"]
    assert (smolin.entry_type, smolin.arxiv_id, smolin.line) == ("unpublished", "1305.4904", 40)
    assert (smolin.year, smolin.month, smolin.day) == (2013, 5, 21)
    gpt3 = bibtex.read(FIXTURES / "bibtex" / "bbt__prepublished_pubstate_2911.biblatex.bib").records[0]
    assert (gpt3.arxiv_id, gpt3.primary_class, gpt3.entry_type) == ("2005.14165", "cs", "online")
    assert gpt3.n_authors == 31 and gpt3.authors[0] == "Brown, Tom B." and gpt3.authors[-1] == "Amodei, Dario"


def test_biblatex_date_variants():
    by_key = _by_key(bibtex.read(FIXTURES / "bibtex" / "bbt__date_export_csl_811.biblatex.bib"))
    assert (by_key["doe10_edtf_2011"].year, by_key["doe10_edtf_2011"].month) == (2011, 5)  # circa range start
    assert (by_key["doe13_season_2017"].year, by_key["doe13_season_2017"].month) == (2017, None)  # season 24
    assert (by_key["t3"].year, by_key["t3"].month, by_key["t3"].day) == (2014, 12, 31)  # open range
    assert by_key["t2"].year is None  # only an eventdate
    assert by_key["t5"].year == -333
    assert by_key["doe7_politics_1985"].venue == "Cinema Journal"
    assert by_key["doe7_politics_1985"].arxiv_id is None  # eprinttype = jstor


def test_dblp_disambiguators_dropped():
    batch = bibtex.read(FIXTURES / "bibtex" / "bvitamins__conferences__colt__2023.bib")
    first = batch.records[0]
    assert (first.line, first.citekey, first.venue, first.year) == (8, "p00012023testing", "COLT", 2023)
    assert first.authors[0] == "Chakraborty, Sourav"
    gupta = _by_key(batch)["p00022023finite"]
    assert gupta.authors == ("Gupta, Shivam", "Lee, Jasper C. H.", "Price, Eric")
    assert not any(re.search(r"\d{4}", a) for r in batch.records for a in r.authors)


def test_hand_kept_collection():
    batch = bibtex.read(FIXTURES / "bibtex" / "bvitamins__collections__dlm.bib")
    austin = _by_key(batch)["austin2021d3pm"]
    assert austin.line == 9 and austin.authors[-1] == "van den Berg, Rianne"  # von part with the family
    assert austin.arxiv_id == "2107.03006" and austin.primary_class is None
    assert {"2406.04329", "2502.09992"} <= {r.arxiv_id for r in batch.records}


def test_duplicate_key_and_numeric_months():
    batch = bibtex.read(FIXTURES / "bibtex" / "coslu__thesis_bibliography.bib")
    (duplicate,) = batch.rejects
    assert (duplicate.line, duplicate.kind) == (450, "record")
    assert "translation" in duplicate.reason and "line 415" in duplicate.reason
    by_key = _by_key(batch)
    assert by_key["translation"].line == 415
    assert by_key["jurafsky"].month == 2  # month = {2}
    assert by_key["jurafsky"].authors == ("Jurafsky, Daniel", "Martin, James H.")
    assert by_key["capacity"].doi == "10.1109/5.58323"
    assert by_key["capacity"].keywords[:2] == ("Adaptive systems", "Neural networks")  # split on ;
    assert {r.month for r in batch.records} >= {2, 6, 7, 10, 12}  # {07}, {6}, oct, ...


def test_crossref_parents_are_skipped_not_papers():
    batch = bibtex.read(FIXTURES / "bibtex" / "iridia__crossref.bib")
    skipped = [r for r in batch.rejects if r.kind == "skipped"]
    assert len(skipped) == 426 and batch.n_rejected == 0
    assert skipped[0].line == 37 and "AAAI1988" in skipped[0].reason and "not a paper" in skipped[0].reason
    # Edited books without a booktitle to hand down are kept.
    assert [r.citekey for r in batch.records] == ["DoeNeu2020theory", "Kallrath2004", "StaStu2009"]
    assert batch.records[0].doi == "10.1007/978-3-030-29414-4"


@pytest.mark.parametrize("name", ["iridia__abbrev.bib", "iridia__authors.bib", "iridia__journals.bib"])
def test_string_only_files_give_nothing_and_no_error(name):
    batch = bibtex.read(FIXTURES / "bibtex" / name)
    assert batch.records == [] and batch.rejects == []


def test_preamble_ignored():
    (knuth,) = bibtex.read(FIXTURES / "bibtex" / "pybtexris__Knuth1986.bib").records
    assert (knuth.line, knuth.year, knuth.authors, knuth.entry_type) == (
        2,
        1986,
        ("Knuth, Donald E.",),
        "book",
    )
    assert "TeX" in knuth.title and knuth.title.endswith("Book")


def test_case_protection_braces_decoded():
    sen = _by_key(bibtex.read(FIXTURES / "bibtex" / "bbt__arxiv_identifiers_460.bibtex.bib"))["Sen.2016.BV"]
    assert sen.title == "BV Master Action for Heterotic and Type II String Field Theories"
    doe14 = _by_key(bibtex.read(FIXTURES / "bibtex" / "bbt__date_export_csl_811.biblatex.bib"))[
        "doe14_date2010_2010"
    ]
    assert doe14.authors == ("Doe14",)  # author = {{Doe14}}


def _bib(tmp_path, text: str, name="x.bib"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_crossref_child_inherits_from_parent(tmp_path):
    path = _bib(
        tmp_path,
        "@string{pmlr = {PMLR}}\n"
        "@inproceedings{child, title = {A Paper}, author = {Doe, Jane}, crossref = {COLT23}}\n"
        "@inproceedings{orphan, title = {Another}, crossref = {nowhere}, year = 1999}\n"
        "@proceedings{COLT23, title = {Proceedings of COLT 2023}, year = 2023, month = jul,\n"
        "  publisher = pmlr}\n",
    )
    batch = bibtex.read(path)
    child, orphan = batch.records
    assert (child.venue, child.year, child.month, child.title) == (
        "Proceedings of COLT 2023",
        2023,
        7,
        "A Paper",
    )
    assert orphan.venue is None and orphan.year == 1999
    kinds = {(r.line, r.kind) for r in batch.rejects}
    assert kinds == {(3, "field"), (4, "skipped")}


def test_macros_arxiv_forms_and_untitled(tmp_path):
    path = _bib(
        tmp_path,
        "% a comment line\n@comment{ignored}\n"
        '@string{nips = "Neural Information Processing Systems"}\n'
        "@inproceedings{a, title = {T1}, booktitle = nips, year = {2017}, month = {12},\n"
        "  doi = {https://doi.org/10.48550/arXiv.1706.03762}, keywords = {x; y, z}}\n"
        "@misc{b, title = {T2}, url = {https://arxiv.org/abs/hep-th/9901001v2}, year = {in press}}\n"
        "@article{c, journal = {arXiv preprint arXiv:2106.09685}, title = {T3}, author = {A and others}}\n"
        "@article{d, author = {Nobody}, year = 2020}\n",
    )
    batch = bibtex.read(path)
    a, b, c = batch.records
    assert (a.venue, a.month, a.doi, a.arxiv_id) == (
        "Neural Information Processing Systems", 12, "10.48550/arxiv.1706.03762", "1706.03762")  # fmt: skip
    assert a.keywords == ("x", "y", "z") and a.line == 4
    assert (b.arxiv_id, b.year) == ("hep-th/9901001", None)
    assert (c.arxiv_id, c.authors, c.n_authors) == ("2106.09685", ("A",), None)  # "and others": count unknown
    reasons = {(r.line, r.kind): r.reason for r in batch.rejects}
    assert "year" in reasons[(6, "field")]
    assert "no title" in reasons[(8, "record")]


def test_truncated_and_unbalanced_entries_are_rejected_rest_read(tmp_path):
    path = _bib(
        tmp_path,
        "@article{ok1, title = {First}}\n"
        "@article{broken, title = {Unbalanced {brace}, year = 2020}\n"
        "@article{ok2, title = {Second}}\n"
        "@article{cut, title = {Trunc",
    )
    batch = bibtex.read(path)
    assert [r.title for r in batch.records] == ["First", "Second"]
    assert [(r.line, r.kind) for r in batch.rejects] == [(2, "record"), (4, "record")]
    assert all("unreadable BibTeX entry" in r.reason for r in batch.rejects)


def test_bad_bytes_reject_only_their_entry(tmp_path):
    path = tmp_path / "latin1.bib"
    path.write_bytes(b"@article{a, title = {Caf\xe9}}\n\n@article{b, title = {Fine}}\n")
    batch = bibtex.read(path)
    assert [r.title for r in batch.records] == ["Fine"]
    (bad,) = batch.rejects
    assert bad.line == 1 and "UTF-8" in bad.reason


@pytest.mark.parametrize(
    "content, message",
    [(b"", "empty file"), (b"\n  \n", "empty file"), (b"just some text\nno entries\n", "not BibTeX")],
)
def test_not_bibtex_at_all_is_an_error(tmp_path, content, message):
    path = tmp_path / "x.bib"
    path.write_bytes(content)
    with pytest.raises(LitReviewError, match=message) as info:
        bibtex.read(path)
    assert info.value.line == 1 and str(path) in str(info.value)


def test_binary_junk_is_an_error(tmp_path):
    path = tmp_path / "junk.bib"
    path.write_bytes(bytes(range(256)) * 40)
    assert not bibtex.sniff(path.read_bytes().decode("utf-8", errors="replace"))
    with pytest.raises(LitReviewError):
        bibtex.read(path)


@pytest.mark.parametrize("path", LISTING_SEEDS + OTHER_FORMATS, ids=lambda p: p.name)
def test_other_formats_not_claimed(path):
    head = path.read_bytes()[: 64 << 10].decode("utf-8", errors="replace")
    assert not bibtex.sniff(head) and not ris.sniff(head) and not csljson.sniff(head)


@pytest.mark.parametrize(
    ("month", "expected"),
    [("14--18 Dec", 12), ("2--5~June", 6), ("Sept.", 9), ("July 25", 7), ("dec", 12), ("11", 11)],
)
def test_month_texts_give_their_month(tmp_path, month, expected):
    # hand-made entry: conference-day months as real lab bibliographies write them
    path = tmp_path / "m.bib"
    path.write_text(
        f"@inproceedings{{k, title = {{T}}, year = 2020, month = {{{month}}}}}\n", encoding="utf-8"
    )
    batch = bibtex.read(path)
    assert batch.columns["month"] == [expected] and batch.rejects == []


@pytest.mark.parametrize("month", ["fall", "Spring", "Decimal", "13"])
def test_a_month_that_is_no_month_is_one_field_reject(tmp_path, month):
    path = tmp_path / "m.bib"
    path.write_text(f"@article{{k, title = {{T}}, year = 2020, month = {{{month}}}}}\n", encoding="utf-8")
    batch = bibtex.read(path)
    assert batch.columns["month"] == [None] and batch.columns["year"] == [2020]
    assert [(r.line, r.reason, r.kind) for r in batch.rejects] == [(1, "month is not a month", "field")]


def test_a_short_doi_gives_way_to_the_full_doi_of_the_url(tmp_path):
    # hand-made entries in the shape seen in a real lab bibliography (Zotero with shortDOIs)
    path = tmp_path / "d.bib"
    path.write_text(
        "@article{a, title = {A}, doi = {10/fqd6hj}, url = {https://doi.org/10.1177/0193723504268729}}\n"
        "@article{b, title = {B}, doi = {10/fqd6hj}}\n"
        "@article{c, title = {C}, doi = {10.1000/XYZ}, url = {https://doi.org/10.1177/0193723504268729}}\n",
        encoding="utf-8",
    )
    assert bibtex.read(path).columns["doi"] == ["10.1177/0193723504268729", "10/fqd6hj", "10.1000/xyz"]


def test_concatenation_and_macros_in_string_definitions(tmp_path):
    # hand-made: the shapes of a real lab bibliography (iridia-ulb/references abbrev.bib, biblio.bib)
    path = tmp_path / "c.bib"
    path.write_text(
        '@string{Proc_of = "Proceedings of "}\n'
        '@string{Proc_of_the = Proc_of # " the "}\n'
        '@string{and = " and "}\n@string{Doe_J = " Jane Doe "}\n'
        "@inproceedings{k, title = {The {C#} Way}, author = Doe_J #and# {Bo Bee},\n"
        '  booktitle = Proc_of_the # "2002" # { Congress}, year = 2002, month = jul # "~25"}\n',
        encoding="utf-8",
    )
    batch = bibtex.read(path)
    (k,) = batch.records
    assert (k.title, k.authors, k.month) == ("The C# Way", ("Doe, Jane", "Bee, Bo"), 7)
    assert k.venue == "Proceedings of the 2002 Congress" and batch.rejects == []


def test_a_macro_defined_nowhere_is_a_field_reject_not_its_name(tmp_path):
    path = tmp_path / "u.bib"
    path.write_text(
        "@incollection{k, author = Aarts #and# Korst_JHM, title = {T}, year = 2005,\n"
        "  publisher = springer, journal = ec}\n",
        encoding="utf-8",
    )
    batch = bibtex.read(path)
    (k,) = batch.records
    assert (k.authors, k.venue, k.year) == ((), None, 2005)  # not ("Korst_JHM, Aarts #and#",)
    assert [(r.line, r.kind, r.reason, r.text) for r in batch.rejects] == [
        (
            1,
            "field",
            "author: @string macro 'Aarts' is not defined in this file; field not read",
            "Aarts #and# Korst_JHM",
        ),
        (1, "field", "journal: @string macro 'ec' is not defined in this file; field not read", "ec"),
    ]  # publisher is not read: no reject for it


PYBIBX = Path(__file__).resolve().parents[1] / "data" / "bibtex"


def test_an_entry_with_a_field_given_twice_is_kept_with_the_first_value():
    """pyBibX's real Scopus BibTeX export: 36 of 263 entries repeat funding_details (counted with
    bibtexparser alone); they are papers, each with one field reject, not 36 lost records."""
    batch = bibtex.read(PYBIBX / "pybibx__scopus.bib")
    assert batch.n_read == len(batch.columns["line"]) == 263
    twice = [r for r in batch.rejects if r.reason.startswith("field given twice")]
    assert len(twice) == 36 and {r.kind for r in twice} == {"field"} and len(batch.rejects) == 36
    assert twice[0].line == 2 and twice[0].reason == "field given twice: funding_details (the first kept)"
    first = batch.columns["line"].index(2)
    assert batch.columns["title"][first].startswith("ELECTRE-SCORE: A first outranking based method")


def test_a_year_braced_twice_is_a_year():
    """pyBibX's real Web of Science BibTeX export writes its 233 years as ``{{2022}}`` (3 of its 236
    entries have none)."""
    batch = bibtex.read(PYBIBX / "pybibx__wos.bib")
    assert batch.n_read == 236 and batch.columns["year"].count(None) == 3
    assert not [r for r in batch.rejects if r.reason == "year is not a year"]
