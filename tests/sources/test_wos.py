"""Web of Science plain-text reader on the real exports and on hostile input.

Expected values were read off the files by hand (the line numbers with ``grep -n``).
"""

from __future__ import annotations

import pytest

from lit_review.errors import LitReviewError
from lit_review.sources import detect, read_source, wos

from ..conftest import ROOT
from . import FIXTURES, accounted, manifest_counts

DATA = ROOT / "tests" / "data"
SAVEDRECS = FIXTURES / "wos" / "metaknowledge__savedrecs.txt"
TESTFILE = FIXTURES / "wos" / "metaknowledge__testFile.isi"
CLARIVATE = DATA / "wos" / "rispy__example_wos.ris"  # WoS plain text under a .ris name


@pytest.mark.parametrize("path", sorted((FIXTURES / "wos").iterdir()), ids=lambda p: p.name)
def test_every_record_is_kept_or_rejected(path):
    batch = read_source(path)
    assert detect(path) is wos and batch.format == "wos"
    assert accounted(batch) == manifest_counts()[f"wos/{path.name}"]
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    starts = [r.line for r in batch.records] + [r.line for r in batch.rejects if r.kind == "record"]
    assert all(lines[n - 1].startswith("PT ") for n in starts)


def test_savedrecs_first_record_and_continuations():
    records = wos.read(SAVEDRECS).records
    first = records[0]
    assert first.line == 3  # after the FN / VR header (and a BOM)
    assert first.title == (
        "EXPERIMENTS IN PHENOMENOLOGICAL ELECTRODYNAMICS AND THE ELECTROMAGNETIC ENERGY-MOMENTUM TENSOR"
    )
    assert first.authors == ("BREVIK, I",)
    assert (first.year, first.month, first.doi) == (1979, None, "10.1016/0370-1573(79)90074-7")
    assert (first.venue, first.entry_type) == ("PHYSICS REPORTS-REVIEW SECTION OF PHYSICS LETTERS", "article")
    pillon = next(r for r in records if r.line == 306)
    assert pillon.title == (
        "Experimental observation of the Imbert-Fedorov transverse displacement after a single total reflection"
    )
    assert pillon.authors == ("Pillon, F", "Gilles, H", "Girard, S")  # AF, one name per line
    assert (pillon.year, pillon.month, pillon.day) == (2004, 3, 20)  # PD MAR 20
    assert pillon.doi == "10.1364/ao.43.001863" and pillon.keywords == ("BEAM",)
    assert pillon.abstract.startswith("We describe a simple experimental setup")
    flory = next(r for r in records if r.line == 478)
    # DE then ID, continuation lines joined: "water\n   adsorption"
    assert flory.keywords[:6] == (
        "optical properties",
        "thin films",
        "nanostructure",
        "dielectric",
        "water adsorption",
        "ION-ASSISTED DEPOSITION",
    )
    assert flory.keywords[-1] == "LAYERS"


def test_testfile_damage_is_reported_and_records_kept():
    batch = wos.read(TESTFILE)
    # line 416 "AUGilles, H" has no space after its tag: reported, the record keeps its AF names
    (field,) = batch.rejects
    assert (field.line, field.kind) == (416, "field") and "tag line" in field.reason
    gilles = next(r for r in batch.records if r.line == 415)
    assert gilles.authors == ("Gilles, H", "Girard, S", "Hamel, J")
    cowan = next(r for r in batch.records if r.line == 140)
    assert cowan.entry_type == "incollection"  # PT B (book), DT Article


def test_clarivate_header_under_a_ris_name():
    first, second = read_source(CLARIVATE).records
    assert (first.line, second.line) == (3, 112)
    assert first.authors == ("Parkes-Loach, PS", "Majeed, AP", "Law, CJ", "Loach, PA")
    assert (first.year, first.month, first.day, first.doi) == (2004, 6, 8, "10.1021/bi049798f")
    assert first.title.endswith("(LHl) of photosynthetic bacteria and its subunit (B820)")
    assert second.authors[-1] == "Champion, PM" and second.n_authors == 9


# Hostile inputs below are small hand-made files, not real exports.
_RECORD = (
    "PT J\nAU Doe, J\nAF Doe, Jane\nTI A title\n   continued\nSO A JOURNAL\nDT Proceedings Paper\nPY 2020\n"
)


def _file(tmp_path, text, data=None):
    path = tmp_path / "savedrecs.txt"
    path.write_bytes(data if data is not None else text.encode("utf-8"))
    return path


def test_missing_er_and_truncation_are_rejects(tmp_path):
    text = "FN Clarivate Analytics Web of Science\nVR 1.0\n" + _RECORD + _RECORD + "ER\n\n" + _RECORD
    batch = wos.read(_file(tmp_path, text))
    assert [r.line for r in batch.records] == [11]
    assert batch.records[0].title == "A title continued"
    assert batch.records[0].authors == ("Doe, Jane",) and batch.records[0].entry_type == "inproceedings"
    assert [(r.line, r.kind) for r in batch.rejects] == [(3, "record"), (21, "record")]
    assert all("ER" in r.reason for r in batch.rejects)
    assert batch.n_read == 3


def test_group_authors_and_early_access(tmp_path):
    text = "PT J\nAU Doe, J\nCA ATLAS Collaboration\nTI Early\nEA NOV 2020\nER\n"
    (record,) = wos.read(_file(tmp_path, text)).records
    assert record.authors == ("Doe, J", "ATLAS Collaboration")
    assert (record.year, record.month, record.day) == (2020, 11, None)


def test_record_without_title_is_a_reject_with_its_line(tmp_path):
    text = (
        "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Doe, J\nPY 2020\nER\n" + _RECORD + "ER\nEF\n"
    )
    batch = wos.read(_file(tmp_path, text))
    assert [r.line for r in batch.records] == [7]
    (reject,) = batch.rejects
    assert (reject.line, reject.kind, reject.text) == (3, "record", "PT J") and "TI" in reject.reason


def test_bom_and_crlf_read_the_same(tmp_path):
    plain = wos.read(SAVEDRECS)
    data = SAVEDRECS.read_bytes().replace(b"\n", b"\r\n")
    assert data.startswith(b"\xef\xbb\xbf")
    variant = read_source(_file(tmp_path, "", data), name=SAVEDRECS.name)
    assert variant.records == plain.records and variant.rejects == []


def test_damaged_bytes_reject_only_their_record(tmp_path):
    text = "FN Thomson Reuters Web of Science\nVR 1.0\n" + _RECORD + "ER\n" + _RECORD + "ER\nEF\n"
    data = text.encode().replace(b"A title", b"A t\xe9tle", 1)
    batch = wos.read(_file(tmp_path, "", data))
    assert [r.line for r in batch.records] == [12]  # 2 header lines, 8 record lines, ER
    assert [(r.line, r.kind) for r in batch.rejects] == [(3, "record")] and "UTF-8" in batch.rejects[0].reason


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty file"),
        (b"FN Clarivate Analytics Web of Science\nVR 1.0\nEF\n", "no 'PT' record"),
        (bytes(range(256)) * 40, "UTF-8"),
    ],
    ids=["empty", "header-only", "binary"],
)
def test_not_wos_at_all_is_an_error(tmp_path, content, message):
    with pytest.raises(LitReviewError, match=message):
        wos.read(_file(tmp_path, "", content))


def test_sniff():
    assert wos.sniff("\ufeffFN Clarivate Analytics Web of Science\nVR 1.0\nPT J\n")
    assert wos.sniff("FN Thomson Reuters Web of Science™\nVR 1.0\n")
    assert wos.sniff("PT J\nAU Doe, J\nTI A title\n")  # no header (cut from a larger file)
    assert not wos.sniff("TY  - JOUR\nTI  - x\nER  - \n")
    assert not wos.sniff("PMID- 123\nTI  - x\n")
    assert not wos.sniff("")


def test_concatenated_exports(tmp_path):
    """Hand-made from real files: Web of Science exports at most 1,000 records at a time, so users
    join several savedrecs files (each with its BOM, FN/VR header and EF) into one."""
    data = SAVEDRECS.read_bytes() + b"\n" + TESTFILE.read_bytes()
    batch = wos.read(_file(tmp_path, "", data))
    assert batch.n_read == 32 + 34 and len(batch.records) == 66
    lines = SAVEDRECS.read_bytes().count(b"\n")  # it ends with "EF\n"
    assert batch.records[32].line == lines + 4  # a blank line, then the second file's FN, VR, PT
