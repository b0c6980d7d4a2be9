"""Scopus CSV reader on real exports and on hostile input.

Expected values were read off the files by hand (line numbers with ``grep -n``; the document
types at the end of each row).
"""

from __future__ import annotations

import pytest

from lit_review.errors import LitReviewError
from lit_review.sources import detect, read_source, scopus

from ..conftest import ROOT
from . import FIXTURES, accounted, manifest_counts

LITSTUDY = FIXTURES / "scopus" / "litstudy__scopus.csv"
DINOSAURS = ROOT / "tests" / "data" / "scopus" / "cff__baseline_scopus.csv"
CONFERENCE_REVIEWS = [13, 31, 41, 42, 43, 44, 58, 60, 62]  # grep -n 'Conference Review'


def test_litstudy_every_record_accounted():
    batch = read_source(LITSTUDY)
    assert detect(LITSTUDY) is scopus and batch.format == "scopus-csv"
    assert accounted(batch) == manifest_counts()["scopus/litstudy__scopus.csv"] == 58
    assert [(r.line, r.kind) for r in batch.rejects] == [(n, "skipped") for n in CONFERENCE_REVIEWS]
    assert len(batch.records) == 49


def test_litstudy_records():
    records = {r.line: r for r in scopus.read(LITSTUDY).records}
    namd = records[2]
    assert namd.title == "Scalable molecular dynamics with NAMD"
    assert namd.authors[:2] == ("Phillips, J.C.", "Braun, R.") and namd.authors[8] == "Kalé, L."
    assert namd.n_authors == 10  # "Authors" separated by ", " in this older export
    assert (namd.year, namd.doi, namd.venue) == (
        2005,
        "10.1002/jcc.20289",
        "Journal of Computational Chemistry",
    )
    assert namd.keywords[:3] == ("Biomolecular simulation", "Molecular dynamics", "Parallel computing")
    assert namd.entry_type == "article"  # Review
    assert namd.url.startswith("https://www.scopus.com/inward/record.uri?eid=2-s2.0-27344436659")
    # the abstract without the publisher's line Scopus appends ("... www.ks.uiuc.edu. © 2005 Wiley ...")
    assert namd.abstract.startswith("NAMD is a parallel molecular dynamics code")
    assert namd.abstract.endswith("NAMD is distributed free of charge with source code at www.ks.uiuc.edu.")
    # a row with one cell more than the header (an unnamed funding-text cell): the columns after
    # the funding text are matched from the end, so its document type is still "Article"
    ode = records[4]
    assert ode.title.startswith("Petri nets and ODEs as complementary methods")
    assert (ode.entry_type, ode.venue, ode.year) == ("article", "Scientific Reports", 2022)
    assert records[7].entry_type == "incollection"  # Book Chapter
    assert records[18].entry_type == "inproceedings"  # Conference Paper
    assert records[25].entry_type == "book"  # Book


def test_recent_export_with_full_names():
    batch = read_source(DINOSAURS)
    assert detect(DINOSAURS) is scopus and accounted(batch) == 10 and batch.rejects == []
    first = batch.records[0]
    assert (first.line, first.title) == (
        2,
        "Global latitudinal gradients and the evolution of body size in dinosaurs and mammals",
    )
    assert first.authors[:2] == ("Wilson, Lauren N.", "Gardner, Jacob D.")  # ids in brackets dropped
    assert first.authors[-1] == "Organ, Chris L." and first.n_authors == 8
    assert (first.year, first.doi, first.venue) == (
        2024,
        "10.1038/s41467-024-46843-2",
        "Nature Communications",
    )


# Hostile inputs below are small hand-made files, not real exports.
_HEADER = "Authors,Author(s) ID,Title,Year,Source title,DOI,Abstract,Document Type,EID\n"


def _file(tmp_path, text=None, data=None):
    path = tmp_path / "scopus.csv"
    path.write_bytes(data if data is not None else text.encode("utf-8"))
    return path


def test_multiline_fields_give_the_line_where_the_row_starts(tmp_path):
    text = (
        _HEADER
        + 'Doe J.,1;,"A title\nover two lines",2020,Venue,10.1000/X,"Abstract\n\nwith a blank line",Article,e1\n'
        + "Roe R.,2;,,2021,Venue,,[No abstract available],Article,e2\n"
        + "Poe P.,3;,Third,20x1,Venue,,,Conference Paper,e3\n"
        + 'Loe L.,4;,"Cut off,2022\n'
    )
    batch = scopus.read(_file(tmp_path, text))
    assert [(r.line, r.title, r.entry_type) for r in batch.records] == [
        (2, "A title over two lines", "article"),
        (7, "Third", "inproceedings"),
    ]
    assert batch.records[0].abstract == "Abstract with a blank line" and batch.records[0].doi == "10.1000/x"
    assert [(r.line, r.kind) for r in batch.rejects] == [(6, "record"), (7, "field"), (8, "record")]
    assert "no title" in batch.rejects[0].reason and "Year" in batch.rejects[1].reason
    assert "cells" in batch.rejects[2].reason
    assert batch.n_read == 4


def test_markup_and_copyright_lines_are_dropped(tmp_path):
    text = (
        _HEADER
        + 'Doe J.,1;,YBa<inf>2</inf>Cu<sup>+</sup>,2020,V,,"Results. Copyright © 2020 Someone.",Article,e1\n'
    )
    (record,) = scopus.read(_file(tmp_path, text)).records
    assert (record.title, record.abstract) == ("YBa2Cu+", "Results.")


def test_without_bom_and_with_crlf_read_the_same(tmp_path):
    data = DINOSAURS.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" not in data
    variant = scopus.read(_file(tmp_path, data=data[3:].replace(b"\n", b"\r\n")), name=DINOSAURS.name)
    assert variant.records == scopus.read(DINOSAURS).records


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty file"),
        (b"Authors,EID,Source title\nDoe J.,e1,V\n", "no 'Title' column"),
        (_HEADER.encode() + b"Doe J.,1;,T\xff,2020,V,,,Article,e1\n", "not UTF-8"),
        (_HEADER.encode() + b"Doe J.,1;,T\x00,2020,V,,,Article,e1\n", "NUL byte"),
    ],
    ids=["empty", "no-title-column", "latin1", "binary"],
)
def test_broken_files_are_one_error(tmp_path, content, message):
    with pytest.raises(LitReviewError, match=message):
        scopus.read(_file(tmp_path, data=content))


def test_sniff():
    assert scopus.sniff(_HEADER)
    assert scopus.sniff('\ufeff"Authors","Author full names","Author(s) ID","Title","Year","Source title"\n')
    assert not scopus.sniff('"id","citekey","title","abstract"\n')  # lit-review's papers.csv
    assert not scopus.sniff("Title,Year\nA,2020\n")  # a CSV without Scopus's columns
    assert not scopus.sniff("")
