"""CSL-JSON reader on the real fixture files and on hostile input."""

from __future__ import annotations

import json

import pytest

from lit_review.errors import LitReviewError
from lit_review.sources import csljson, detect

from . import FIXTURES, accounted, manifest_counts

CSL_FILES = sorted((FIXTURES / "csl").glob("*.json"))


def _read(name):
    return csljson.read(FIXTURES / "csl" / name)


@pytest.mark.parametrize("path", CSL_FILES, ids=lambda p: p.name)
def test_every_item_is_kept_or_rejected(path):
    batch = csljson.read(path)
    assert detect(path) is csljson
    assert accounted(batch) == manifest_counts()[f"csl/{path.name}"]
    lines = sorted([r.line for r in batch.records] + [r.line for r in batch.rejects])
    assert lines == list(range(1, len(json.loads(path.read_text(encoding="utf-8"))) + 1))  # item index


def test_journal_article_values():
    (item,) = _read("bbt__range_sign_3327.csl.json").records
    assert item.title.startswith("Coexistence or competition for resources? Transboundary")
    assert item.authors == ("Alff, Henryk", "Spies, Michael")
    assert (item.year, item.month, item.day) == (2023, 11, 17)
    assert (item.doi, item.venue) == ("10.1080/15387216.2023.2258150", "Eurasian Geography and Economics")
    assert (item.entry_type, item.citekey, item.line) == ("article", "alff2023", 1)


def test_date_parts_variants():
    by_key = {r.citekey: r for r in _read("bbt__date_export_811.csl.json").records}
    assert (by_key["doe10_edtf_2011"].year, by_key["doe10_edtf_2011"].month, by_key["doe10_edtf_2011"].day) == (
        2011, 5, 25)  # fmt: skip
    assert (by_key["doe13_season_2017"].year, by_key["doe13_season_2017"].month) == (2017, None)  # season
    assert by_key["t2"].year is None
    assert by_key["t3"].year == 2014  # open range [[2014,12,31],[0]]
    assert by_key["doe14_date2010_2010"].authors == ("Doe14",)  # literal
    assert by_key["doe7_politics_1985"].venue == "Cinema Journal"


def test_markup_uppercase_doi_and_untitled():
    batch = _read("bbt__creator_fields_825.csl.json")
    by_key = {r.citekey: r for r in batch.records}
    assert by_key["Blair2004"].title == "Frithuswith (d. 727)"  # <i>d.</i>
    assert by_key["Blair2004"].doi == "10.1093/ref:odnb/10183"
    assert by_key["Author2015"].entry_type == "techreport" and by_key["Author2015"].year == 2015
    (empty,) = batch.rejects
    assert (empty.line, empty.kind) == (4, "record") and "emptybook" in empty.reason
    berndt = _read("bbt__pandoc_schomd.csl.json").records[1]
    assert (berndt.doi, berndt.authors) == (
        "10.1484/j.se.2.303788",
        ("Berndt, Rainer",),
    )  # DOI given upper case


def _csl(tmp_path, text):
    path = tmp_path / "x.json"
    path.write_text(text, encoding="utf-8")
    return path


def test_literal_dates_particles_and_bad_items(tmp_path):
    items = [
        {"type": "article", "title": "Preprint", "number": "arXiv:2005.14165", "issued": {"literal": "c. 2020"},
         "author": [{"family": "Berg", "non-dropping-particle": "van den", "given": "Rianne"}]},
        "not an object",
        {"type": "book", "id": 7},
    ]  # fmt: skip
    batch = csljson.read(_csl(tmp_path, json.dumps(items)))
    (record,) = batch.records
    assert (record.arxiv_id, record.year, record.authors) == ("2005.14165", 2020, ("van den Berg, Rianne",))
    assert [(r.line, r.kind) for r in batch.rejects] == [(2, "record"), (3, "record")]


@pytest.mark.parametrize(
    "text, message, line",
    [
        ('[{"type": "book", "title": "x"},\n  {"type": ', "not JSON", 2),
        ('{"type": "book", "title": "x"}', "not a list", 1),
        ("", "not JSON", 1),
    ],
)
def test_not_csl_at_all_is_an_error(tmp_path, text, message, line):
    with pytest.raises(LitReviewError, match=message) as info:
        csljson.read(_csl(tmp_path, text))
    assert info.value.line == line


def test_binary_is_an_error(tmp_path):
    path = tmp_path / "x.json"
    path.write_bytes(b"[\xff\xfe\x00junk")
    with pytest.raises(LitReviewError):
        csljson.read(path)


def test_sniff_leaves_hugging_face_json_alone():
    assert not csljson.sniff('[{"paper": {"id": "2406.04329"}, "title": "x", "type": "paper"}]')
    assert not csljson.sniff('[{"type": "x", "title": "y", "upvotes": 3}]')
    assert csljson.sniff('[{"type": "book", "title": "y"}]')
    assert csljson.sniff(
        '[{"type": "book", "id": "k", "abstract": "' + "a" * 70000
    )  # first item past the head
