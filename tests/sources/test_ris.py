"""RIS reader on the real fixture files and on hostile input."""

from __future__ import annotations

import re

import pytest

from lit_review.errors import LitReviewError
from lit_review.sources import detect, read_source, ris

from ..conftest import ROOT
from . import FIXTURES, accounted, manifest_counts

RIS_FILES = sorted((FIXTURES / "ris").glob("*.ris"))


def _read(name):
    return ris.read(FIXTURES / "ris" / name)


@pytest.mark.parametrize("path", RIS_FILES, ids=lambda p: p.name)
def test_every_record_is_kept_or_rejected(path):
    batch = ris.read(path)
    assert detect(path) is ris
    assert accounted(batch) == manifest_counts()[f"ris/{path.name}"]
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    starts = [r.line for r in batch.records] + [r.line for r in batch.rejects if r.kind == "record"]
    assert all(lines[n - 1].startswith("TY  -") for n in starts)


def test_shannon_minimal_record():
    (shannon,) = _read("pybtexris__Shannon1948.ris").records
    assert shannon.title == "A Mathematical Theory of Communication"
    assert shannon.authors == ("Shannon, Claude E.",) and shannon.n_authors == 1
    assert (shannon.year, shannon.month) == (1948, 7)  # PY 1948, DA July
    assert (shannon.venue, shannon.entry_type, shannon.line) == (
        "Bell System Technical Journal",
        "article",
        1,
    )


def test_tag_variants_and_numbering():
    first, second = _read("rispy__example_full.ris").records
    assert (first.line, second.line) == (2, 27)  # "1." / "2." precede each TY line
    assert first.title == "Title of reference"  # T1
    assert first.authors == ("Marx, Karl", "Lindgren, Astrid")  # A1
    assert first.year == 2014 and second.year == 2006  # Y1 2014//
    assert first.abstract.startswith("BACKGROUND: Lorem ipsum dolor sit amet")  # N2
    assert first.keywords == ("Pippi", "Nordwind", "Piraten")
    assert (first.venue, first.url) == ("Lorem", "http://example_url.com")
    assert second.keywords[0] == "Pippi Langstrumpf"


def test_dates_urls_and_crlf_bom():
    records = _read("rispy__example_urls.ris").records
    assert {(r.year, r.month) for r in records} == {(1948, 7)}  # PY 1948/07//
    assert records[0].authors == ("Shannon, Claude E.",)  # "Shannon,Claude E."
    assert [r.url for r in records][:3] == ["http://example.com"] * 3
    zotero = _read("asreview__baseline_tag-notes_zotero.ris")  # BOM + CRLF
    assert [r.line for r in zotero.records] == [1, 6, 11, 16]
    assert zotero.records[0].title == "Zotero: notes in records come with XHTML tags around them."
    assert zotero.records[0].entry_type == "misc"  # TY GEN


def test_embase_and_pubmed_exports():
    embase = _read("asreview__embase.ris").records[0]
    assert embase.title.startswith("Duplication cysts: Diagnosis, management")
    assert embase.authors == ("Liu, R.", "Adler, D.G.")  # "Liu R." family then initials
    assert (embase.year, embase.doi, embase.venue) == (
        2014,
        "10.4103/2303-9027.138783",
        "Endoscopic Ultrasound",
    )
    pubmed = _read("asreview__pubmed_zotero.ris").records[0]
    assert pubmed.authors[:2] == ("Rudnik, Agata", "Piotrowicz, Grazyna")
    assert (pubmed.venue, pubmed.doi, pubmed.year) == (
        "Przeglad gastroenterologiczny",
        "10.5114/pg.2018.81081",
        2019,
    )


def test_untitled_records_are_rejects():
    (bom,) = _read("rispy__example_bom.ris").rejects
    assert (bom.line, bom.kind) == (1, "record") and "no title" in bom.reason
    multiline = _read("rispy__example_multiline.ris")
    assert multiline.records == [] and [r.line for r in multiline.rejects] == [1, 8, 17]


def test_non_ascii_record():
    (record,) = _read("rispy__example_utf_chars.ris").records
    assert record.title.startswith("Состояние рецепторного аппарата")  # ST: no TI/T1 in this record
    assert record.authors[0] == "Dobrokhotova, Yu E." and record.n_authors == 5
    assert record.venue == "Gynecology, Obstetrics and Perinatology" and record.year == 2009


def _ris(tmp_path, text):
    path = tmp_path / "x.ris"
    path.write_text(text, encoding="utf-8")
    return path


def test_truncated_records_are_rejected(tmp_path):
    path = _ris(
        tmp_path,
        "TY  - JOUR\nTI  - Kept\nUR  - https://arxiv.org/abs/2406.04329v2\nER  - \n\n"
        "TY  - CPAPER\nTI  - No end tag\n"
        "TY  - CONF\nTI  - Also kept\nDO  - https://doi.org/10.1000/ABC\nER  - \n\n"
        "TY  - JOUR\nTI  - Cut off",
    )
    batch = ris.read(path)
    assert [(r.title, r.line) for r in batch.records] == [("Kept", 1), ("Also kept", 8)]
    assert batch.records[0].arxiv_id == "2406.04329"
    assert (batch.records[1].entry_type, batch.records[1].doi) == ("inproceedings", "10.1000/abc")
    assert [(r.line, r.kind) for r in batch.rejects] == [(6, "record"), (13, "record")]
    assert all("ER" in r.reason for r in batch.rejects)


@pytest.mark.parametrize(
    "content, message, line",
    [(b"", "empty file", 1), (b"\n\nhello world\n", "not RIS", 3), (bytes(range(256)) * 40, "UTF-8", None)],
)
def test_not_ris_at_all_is_an_error(tmp_path, content, message, line):
    path = tmp_path / "x.ris"
    path.write_bytes(content)
    with pytest.raises(LitReviewError, match=message) as info:
        ris.read(path)
    if line:
        assert info.value.line == line


def test_sniff_needs_ty_first():
    assert ris.sniff("\ufeffTY  - JOUR\nTI  - x\nER  - \n")
    assert ris.sniff("1.\nTY  - JOUR\n")
    assert not ris.sniff("Some text\n" * 20 + "TY  - JOUR\n")  # TY after more than a preamble
    assert not ris.sniff("")


# Real RIS as other tools write it (tests/data/MANIFEST.md); expected values read off the files.
DATA_RIS = sorted((ROOT / "tests" / "data" / "ris").glob("*.ris"))
DATA_COUNTS = {
    "cff__baseline_cochrane_endnote.ris": 3,
    "cff__baseline_webofscience.ris": 10,
    "rispy__example_extraneous_data.ris": 2,
}


@pytest.mark.parametrize("path", DATA_RIS, ids=lambda p: p.name)
def test_real_variants_every_record_accounted(path):
    batch = read_source(path)
    assert detect(path) is ris and batch.rejects == []
    assert accounted(batch) == DATA_COUNTS[path.name]
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert all(re.match(r"TY {1,2}- ", lines[r.line - 1]) for r in batch.records)


def test_cochrane_preamble_and_wide_dash():
    records = read_source(ROOT / "tests" / "data" / "ris" / "cff__baseline_cochrane_endnote.ris").records
    assert [r.line for r in records] == [
        5,
        79,
        131,
    ]  # after "Record #3 of 18", "Provider: ...", "Content: ..."
    first = records[0]
    assert first.title.startswith("The Incredible Years Therapeutic Dinosaur Programme to build social")
    assert first.authors == ("Bywater, T", "Hutchings, J", "Whitaker, C", "Evans, C", "Parry, L")
    assert (first.venue, first.year, first.doi) == (
        "Trials",
        2011,
        "10.1186/1745-6215-12-39",
    )  # "JA  -  Trials"
    assert first.entry_type == "article" and first.keywords[0] == "*school health service"


def test_web_of_science_ris():
    records = read_source(ROOT / "tests" / "data" / "ris" / "cff__baseline_webofscience.ris").records
    first = records[0]
    assert first.line == 1 and first.title.startswith("New Horned Dinosaurs from Utah")
    assert first.authors[:2] == ("Sampson, SD", "Loewen, MA") and first.n_authors == 7
    assert (first.year, first.month) == (2010, 9)  # PY 2010, DA SEP 22
    assert (first.venue, first.doi) == ("PLOS ONE", "10.1371/journal.pone.0012292")
    assert records[1].line == 56 and records[1].year == 1904


def test_extraneous_provider_lines():
    records = read_source(ROOT / "tests" / "data" / "ris" / "rispy__example_extraneous_data.ris").records
    assert [(r.line, r.title) for r in records] == [
        (5, "Title of reference"),
        (33, "The title of the reference"),
    ]


def test_single_space_before_the_dash(tmp_path):
    """Hand-made: tags written "TY - JOUR" (one space), as some tools do, and "ER -" without a value."""
    path = _ris(
        tmp_path,
        "TY - JOUR\nTI - One space\nAU - Doe, Jane\nPY - 2020\nDO - 10.1000/XYZ\nER -\n\n"
        "TY - CONF\nTI - Cut off\n",
    )
    batch = read_source(path)
    (record,) = batch.records
    assert (record.title, record.authors, record.year, record.doi) == (
        "One space",
        ("Doe, Jane",),
        2020,
        "10.1000/xyz",
    )
    assert [(r.line, r.kind) for r in batch.rejects] == [(8, "record")]


def test_sniff_accepts_preambles_and_one_space():
    assert ris.sniff("TY - JOUR\nTI - x\nER -\n")
    assert ris.sniff(
        'Record #1 of 2\nProvider: Provider\nContent: text/plain; charset="UTF-8"\n1.\nTY  - JOUR\n'
    )
    assert ris.sniff("FN Clarivate Analytics Web of Science\nVR 1.0\nTY  - JOUR\n")
    assert not ris.sniff("@article{key,\n  title = {TY  - JOUR}\n}\n")
    assert not ris.sniff("PMID- 1\nTI  - x\n")
