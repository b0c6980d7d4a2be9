"""PubMed MEDLINE reader on real exports and on hostile input.

Expected values were read off the files by hand (the line numbers with ``grep -n``).
"""

from __future__ import annotations

import pytest

from lit_review.errors import LitReviewError
from lit_review.sources import detect, medline, read_source

from ..conftest import ROOT
from . import FIXTURES, accounted, manifest_counts

PYBIBX = FIXTURES / "medline" / "pybibx__mcda_pubmed.txt"  # CRLF
DINOSAURS = ROOT / "tests" / "data" / "medline" / "cff__baseline_pubmed.ris"  # MEDLINE under a .ris name


@pytest.mark.parametrize(
    "path, expected", [(PYBIBX, None), (DINOSAURS, 50)], ids=lambda p: getattr(p, "name", p)
)
def test_every_record_is_kept_or_rejected(path, expected):
    batch = read_source(path)
    assert detect(path) is medline and batch.format == "medline"
    assert accounted(batch) == (expected or manifest_counts()[f"medline/{path.name}"])
    lines = path.read_text(encoding="utf-8").splitlines()
    starts = [r.line for r in batch.records] + [r.line for r in batch.rejects if r.kind == "record"]
    assert all(lines[n - 1].startswith("PMID- ") for n in starts)
    assert batch.rejects == []


def test_pybibx_records():
    records = medline.read(PYBIBX).records
    first = records[0]
    assert first.line == 1
    assert (
        first.title == "On the Monte Carlo weights in multiple criteria decision analysis"
    )  # final "." dropped
    assert first.authors == ("Mazurek, Jiří", "Strzałka, Dominik")  # FAU
    assert (first.year, first.month, first.doi) == (2022, None, "10.1371/journal.pone.0268950")
    assert (first.venue, first.entry_type) == ("PloS one", "article")
    assert first.url == "https://pubmed.ncbi.nlm.nih.gov/36206242/"
    assert first.abstract.startswith(
        "In multiple-criteria decision making/aiding/analysis (MCDM/MCDA) weights of criteria"
    )
    formulary = records[1]
    assert formulary.line == 74 and (formulary.year, formulary.month) == (2020, 5)  # DP 2020 May
    assert formulary.venue == (
        "Medical decision making : an international journal of the Society for Medical Decision Making"
    )  # JT continued on the next line
    assert formulary.keywords[:3] == (
        "decision support",
        "formulary design",
        "multiple-criteria decision analysis",
    )
    assert formulary.doi == "10.1177/0272989x20915241"
    hta = records[2]
    assert hta.title == (
        "Multiple Criteria Decision Analysis for HTA across four EU Member States: Piloting the Advance Value Framework"
    )
    assert hta.doi == "10.1016/j.socscimed.2019.112595"  # the [doi] LID, not the [pii] one before it
    marsh = next(r for r in records if r.line == 734)
    assert (marsh.year, marsh.month) == (2016, 3)  # DP 2016 Mar-Apr
    assert marsh.authors[0] == "Marsh, Kevin" and marsh.authors[-1] == "ISPOR Task Force"  # CN last
    assert marsh.n_authors == 12


def test_dinosaur_export_under_a_ris_name():
    records = read_source(DINOSAURS).records
    first = records[0]
    assert (first.line, first.title) == (1, "Time lapse: A glimpse into prehistoric genomics")
    assert first.authors == ("Griffin, Darren K", "Larkin, Denis M", "O'Connor, Rebecca E")
    assert (first.year, first.month, first.doi) == (2020, 2, "10.1016/j.ejmg.2019.03.004")  # LID [pii] first
    # OT terms, then MeSH headings without their "*" and "/qualifier"
    assert first.keywords[:3] == ("Chromosome", "Comparative", "Dinosaur")
    assert "Genomics" in first.keywords and "Birds" in first.keywords
    assert (
        records[-1].line == 4718
        and records[-1].title == "Eggshell Porosity Provides Insight on Evolution of Nesting in Dinosaurs"
    )


# Hostile inputs below are small hand-made files, not real exports.
_RECORD = "PMID- {pmid}\nDP  - 2021 Spring\nTI  - A title\n      continued.\nFAU - Doe, Jane\nAU  - Doe J\n"


def _file(tmp_path, text=None, data=None, name="pubmed.nbib"):
    path = tmp_path / name
    path.write_bytes(data if data is not None else text.encode("utf-8"))
    return path


def test_seasons_titles_and_untitled_records(tmp_path):
    text = _RECORD.format(pmid=1) + "\nPMID- 2\nDP  - 2020 Jan\nAU  - Roe R\n\n" + _RECORD.format(pmid=3)
    batch = medline.read(_file(tmp_path, text))
    assert [(r.line, r.title, r.month, r.year) for r in batch.records] == [
        (1, "A title continued", None, 2021),
        (12, "A title continued", None, 2021),
    ]
    assert batch.records[0].authors == ("Doe, Jane",)
    (reject,) = batch.rejects
    assert (reject.line, reject.kind, reject.text) == (8, "record", "PMID- 2") and "no title" in reject.reason


def test_au_when_no_fau_and_translated_titles(tmp_path):
    text = "PMID- 1\nDP  - 2019 Dec 12\nTI  - [Title in English].\nAU  - van der Berg A\nAU  - Smith JA\n"
    (record,) = medline.read(_file(tmp_path, text)).records
    assert record.title == "Title in English"
    assert record.authors == ("van der Berg, A", "Smith, JA")
    assert (record.year, record.month, record.day) == (2019, 12, 12)


def test_bom_crlf_read_the_same(tmp_path):
    data = b"\xef\xbb\xbf" + PYBIBX.read_bytes()
    assert b"\r\n" in data
    variant = read_source(_file(tmp_path, data=data, name="x.txt"), name=PYBIBX.name)
    assert variant.records == medline.read(PYBIBX).records


def test_truncated_file_keeps_what_it_has_and_says_so(tmp_path):
    data = PYBIBX.read_bytes()
    cut = data[: data.index(b"drawn randomly")]  # inside the first abstract, no final newline
    batch = medline.read(_file(tmp_path, data=cut))
    (record,) = batch.records
    assert record.title == "On the Monte Carlo weights in multiple criteria decision analysis"
    (warning,) = batch.rejects
    assert warning.kind == "field" and "cut off" in warning.reason


def test_stray_line_and_damaged_record(tmp_path):
    text = _RECORD.format(pmid=1) + "garbage line\n      indented\n\n" + _RECORD.format(pmid=2)
    data = text.encode().replace(b"PMID- 2\nDP  - 2021 Spring", b"PMID- 2\nDP  - 2021 Spr\xffng")
    batch = medline.read(_file(tmp_path, data=data))
    assert [r.line for r in batch.records] == [1]
    assert [(r.line, r.kind) for r in batch.rejects] == [(7, "field"), (10, "record")]
    assert "UTF-8" in batch.rejects[1].reason


@pytest.mark.parametrize(
    "content, message",
    [(b"", "empty file"), (b"hello\nworld\n", "not MEDLINE"), (bytes(range(256)) * 40, "UTF-8")],
    ids=["empty", "prose", "binary"],
)
def test_not_medline_at_all_is_an_error(tmp_path, content, message):
    with pytest.raises(LitReviewError, match=message):
        medline.read(_file(tmp_path, data=content))


def test_sniff():
    assert medline.sniff("PMID- 36206242\nOWN - NLM\n")
    assert medline.sniff("\ufeff\nPMID- 1\n")
    assert medline.sniff("TI  - A title\nFAU - Doe, Jane\nDP  - 2020\n")  # no PMID, MEDLINE tags
    assert not medline.sniff("TY  - JOUR\nTI  - A title\nPY  - 2020\nER  - \n")
    assert not medline.sniff("TI  - A title\nDP  - EBSCOhost\nER  - \n")  # RIS without its TY
    assert not medline.sniff("FN Clarivate Analytics Web of Science\nPT J\n")
    assert not medline.sniff("")
