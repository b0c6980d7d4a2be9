"""RIS reader on the real fixture files and on hostile input."""

from __future__ import annotations

import pytest

from lit_review.errors import LitReviewError
from lit_review.sources import detect, ris

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
    assert not ris.sniff("Some text\nTY  - JOUR\n")
    assert not ris.sniff("")
