"""Choosing a reader by content (sources/__init__): every format is claimed by its own reader,
whatever the file's name; a file no reader claims is an error naming the formats tried."""

from __future__ import annotations

import pytest

from lit_review.errors import LitReviewError
from lit_review.sources import detect, listing, medline, read_source, ris, scopus, wos

from ..conftest import ROOT, SOURCES
from . import FIXTURES

DATA = ROOT / "tests" / "data"


@pytest.mark.parametrize(
    "path, reader",
    [
        (FIXTURES / "wos" / "metaknowledge__savedrecs.txt", wos),
        (FIXTURES / "wos" / "metaknowledge__testFile.isi", wos),
        (DATA / "wos" / "rispy__example_wos.ris", wos),
        (FIXTURES / "medline" / "pybibx__mcda_pubmed.txt", medline),
        (DATA / "medline" / "cff__baseline_pubmed.ris", medline),
        (FIXTURES / "scopus" / "litstudy__scopus.csv", scopus),
        (DATA / "scopus" / "cff__baseline_scopus.csv", scopus),
        (DATA / "ris" / "cff__baseline_cochrane_endnote.ris", ris),
        (DATA / "ris" / "cff__baseline_webofscience.ris", ris),
        (SOURCES / "hf-papers-001-daily-dec-10.txt", listing),
    ],
    ids=lambda v: getattr(v, "name", getattr(v, "FORMAT", v)),
)
def test_each_format_is_claimed_by_its_reader(path, reader):
    assert detect(path) is reader


def _file(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "data",
    [b"title,abstract\nA,B\n", b"\n\nJust some notes about papers.\n", bytes(range(1, 256)) * 40],
    ids=["other-csv", "prose", "binary"],
)
def test_an_unknown_file_says_what_was_tried(tmp_path, data):
    path = _file(tmp_path, "x.csv", data)
    with pytest.raises(LitReviewError) as info:
        read_source(path)
    message = str(info.value)
    assert (
        "not a recognized format (BibTeX, RIS, CSL-JSON, Web of Science plain text, PubMed MEDLINE" in message
    )
    assert message.endswith("or a Hugging Face listing)") and "Subscribe" not in message
    assert info.value.line == (3 if data.startswith(b"\n\n") else 1)


def test_an_empty_file_is_empty(tmp_path):
    with pytest.raises(LitReviewError, match=r"e\.txt:1: empty file"):
        read_source(_file(tmp_path, "e.txt", b"\n  \n"))


@pytest.mark.parametrize(
    "name, data, message",
    [
        (
            "savedrecs.txt",
            b"FN Clarivate Analytics Web of Science\nVR 1.0\nEF\n",
            "not Web of Science plain text",
        ),
        ("scopus.csv", b"Title,EID,Source title\nA,\x00,B\n", "not a Scopus CSV"),
        ("x.ris", b"Record #1 of 2\nProvider: X\nTY  - JOUR\n" + b"\xff\xfe\n" * 50, "UTF-8"),
    ],
    ids=["wos-without-records", "scopus-binary", "ris-binary"],
)
def test_a_file_that_looks_like_a_format_gets_that_formats_error(tmp_path, name, data, message):
    with pytest.raises(LitReviewError, match=message):
        read_source(_file(tmp_path, name, data))


@pytest.mark.parametrize(
    "name, message",
    [
        ("export.nbib", r"export\.nbib:1: not MEDLINE"),
        ("savedrecs.isi", r"savedrecs\.isi:1: not Web of Science plain text"),
        ("zotero.ris", r"zotero\.ris:1: not RIS"),
        ("notes.txt", r"notes\.txt:1: not a recognized format"),
    ],
)
def test_a_format_only_extension_is_a_hint_for_unclaimed_content(tmp_path, name, message):
    """Hand-made: the same unclaimed text gets the error of the format its name says, if only one
    format uses that name ending; the content still decides (a MEDLINE file named .ris is MEDLINE)."""
    with pytest.raises(LitReviewError, match=message):
        read_source(_file(tmp_path, name, b"Some notes about papers.\n"))
    assert detect(DATA / "medline" / "cff__baseline_pubmed.ris") is medline
