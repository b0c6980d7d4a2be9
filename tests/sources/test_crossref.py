"""Crossref works reader on real ``/works/{doi}`` responses and on hostile input.

No real ``work-list`` page was found in a public repository (client tests write them by hand):
the list shape is tested on real works wrapped in a hand-made envelope, labelled as such.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lit_review.errors import LitReviewError
from lit_review.sources import crossref, csljson, detect, hf_json, openalex, s2

from . import FIXTURES, accounted, cassette_bodies

CR = FIXTURES / "crossref"
DATA = Path(__file__).resolve().parents[1] / "data" / "crossref"
ORGLETT = CR / "abbotsbury_test1_10.1021_acs.orglett.9b00971.json"
NMR = CR / "abbotsbury_test2_10.1038_s43586-021-00024-3.json"
JMIR = DATA / "colrev__10.2196_22081.json"
JIT = DATA / "colrev__10.1177_02683962211048201.json"
CAIS = DATA / "colrev__10.17705_1cais.04607.json"
REAL = [ORGLETT, NMR, JMIR, JIT, CAIS]


def _write(tmp_path, value, name="x.json"):
    path = tmp_path / name
    path.write_text(value if isinstance(value, str) else json.dumps(value), encoding="utf-8")
    return path


def _message(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))["message"]


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_each_real_work_is_one_record(path):
    batch = crossref.read(path)
    assert detect(path) is crossref and batch.layout == "work"
    assert accounted(batch) == 1 and len(batch.records) == 1 and batch.records[0].line == 1


def test_work_values_and_references():
    (r,) = crossref.read(ORGLETT).records
    assert r.title == "A General Copper-Catalyzed Synthesis of Ynamides from 1,2-Dichloroenamides"
    assert r.authors == (
        "Mansfield, Steven J.", "Smith, Russell C.", "Yong, Jonathan R. J.", "Garry, Olivia L.", "Anderson, Edward A.",
    )  # fmt: skip
    assert (r.year, r.month, r.day) == (2019, 4, 3)  # issued, not published-print (2019-04-19)
    assert (r.doi, r.venue, r.entry_type, r.arxiv_id) == (
        "10.1021/acs.orglett.9b00971",
        "Organic Letters",
        "article",
        None,
    )
    assert r.url == "http://dx.doi.org/10.1021/acs.orglett.9b00971" and r.abstract == ""
    assert r.service_ids == ()  # the DOI is Crossref's id
    # 68 references, every one with a DOI
    assert len(r.references) == 68 and r.references[:2] == (
        "doi:10.1002/anie.201813143",
        "doi:10.1002/anie.201811947",
    )
    assert r.references[-1] == "doi:10.1021/jacs.7b06007"


def test_unicode_names_and_references_without_doi():
    batch = crossref.read(NMR)
    (r,) = batch.records
    assert r.authors[0] == "Kupče, Ēriks" and r.venue == "Nature Reviews Methods Primers"
    assert r.title == "Parallel nuclear magnetic resonance spectroscopy"
    # 161 references, 141 with a DOI; the other 20 only have text: counted, not kept
    assert (
        len(r.references) == 141
        and r.references[2] == "doi:10.1002/(sici)1522-2594(199911)42:5<952::aid-mrm16>3.0.co;2-s"
    )
    (field,) = batch.rejects
    assert field.kind == "field" and field.reason.startswith("20 of 161 references")


def test_jats_abstract_and_organization_authors():
    (r,) = crossref.read(JMIR).records
    assert r.abstract.startswith("Background The COVID-19 crisis has drastically changed care delivery")
    assert "P<.001" in r.abstract and "<jats" not in r.abstract and "β=.60" in r.abstract
    assert (
        r.title
        == "Investigating Patients’ Intention to Continue Using Teleconsultation to Anticipate Postcrisis Momentum: Survey Study"
    )
    assert r.authors[0] == "Grenier Ouimet, Antoine" and (r.year, r.month, r.day) == (2020, 11, 26)
    assert len(r.references) == 57
    (cais,) = crossref.read(CAIS).records  # Crossref lists affiliations as authors here: kept as given
    assert (
        cais.authors[:3] == ("Schryen, Guido", "Paderborn University", "Wagner, Gerit")
        and len(cais.authors) == 8
    )
    assert (cais.year, cais.month, cais.references) == (2021, None, ())
    (jit,) = crossref.read(JIT).records
    assert (
        jit.abstract.startswith("Artificial intelligence (AI) is beginning to transform")
        and len(jit.references) == 88
    )


def test_work_list_page_hand_made_envelope(tmp_path):
    page = {
        "status": "ok",
        "message-type": "work-list",
        "message-version": "1.0.0",
        "message": {
            "total-results": 3,
            "items-per-page": 20,
            "items": [_message(p) for p in (ORGLETT, NMR, JMIR)],
        },
    }
    path = _write(tmp_path, page)
    batch = crossref.read(path)
    assert detect(path) is crossref and batch.layout == "work-list"
    assert [(r.line, r.doi) for r in batch.records] == [
        (1, "10.1021/acs.orglett.9b00971"), (2, "10.1038/s43586-021-00024-3"), (3, "10.2196/22081"),
    ]  # fmt: skip
    text = json.dumps(page, indent=1)
    cut = crossref.read(_write(tmp_path, text[: text.index('"10.2196/22081"')], "cut.json"))
    assert len(cut.records) == 2 and accounted(cut) == 3 and cut.rejects[-1].line == 3


def test_arxiv_doi_relation_containers_and_hostile_items(tmp_path):
    items = [
        {"DOI": "10.48550/arXiv.2106.09685", "title": ["LoRA"], "type": "posted-content", "author": [{"name": "x"}]},
        {"DOI": "10.1/a", "title": "A string title", "type": "journal-article",
         "relation": {"has-preprint": [{"id-type": "arxiv", "id": "2005.14165"}]},
         "reference": [{"unstructured": "T. Brown et al. arXiv:2005.14165v4"}, {"DOI": "10.48550/ARXIV.1706.03762"}, "x"]},
        {"DOI": "10.1/issue", "title": ["Volume 3, Issue 2"], "type": "journal-issue"},
        {"DOI": "10.1/b", "title": [], "type": "journal-article"},
        [],
        {"DOI": "10.1/c", "title": ["Bad date"], "issued": {"date-parts": [[None]]}, "author": [{"given": ""}, 5]},
    ]  # fmt: skip
    batch = crossref.read(_write(tmp_path, items))
    assert accounted(batch) == 6 and [r.line for r in batch.records] == [1, 2, 6]
    lora, relation, bad = batch.records
    assert (lora.arxiv_id, lora.doi, lora.entry_type, lora.authors) == (
        "2106.09685",
        "10.48550/arxiv.2106.09685",
        "misc",
        ("x",),
    )
    assert (relation.arxiv_id, relation.title, relation.entry_type) == (
        "2005.14165",
        "A string title",
        "misc",
    )
    assert relation.references == ("arXiv:2005.14165", "arXiv:1706.03762")
    assert (bad.year, bad.authors) == (None, ())
    kinds = {(r.line, r.kind) for r in batch.rejects}
    assert {(3, "skipped"), (4, "record"), (5, "record"), (2, "field"), (6, "field")} <= kinds
    assert any("unreadable date" in r.reason for r in batch.rejects if r.line == 6)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "null",
        '{"status": "ok", "message-type": "work", "message": {"DOI": "10.1/a"',
        '{"status": "failed", "message-type": "validation-failure", "message": [{"type": "x"}]}',
        '{"status": "ok", "message-type": "member", "message": {}}',
        '{"status": "ok", "message-type": "work-list", "message": {"items": null}}',
    ],
)
def test_hostile_files_are_one_line_errors(tmp_path, text):
    with pytest.raises(LitReviewError) as err:
        crossref.read(_write(tmp_path, text))
    assert "x.json" in str(err.value) and "\n" not in str(err.value)


def test_empty_work_list(tmp_path):
    page = {"status": "ok", "message-type": "work-list", "message": {"total-results": 0, "items": []}}
    assert accounted(crossref.read(_write(tmp_path, page))) == 0


def test_not_claimed_by_other_json_readers_and_claims_none_of_theirs():
    for path in REAL:
        head = path.read_text(encoding="utf-8")[: 64 << 10]
        assert not any(r.sniff(head) for r in (hf_json, csljson, openalex, s2)), path.name
    for path in [
        *(FIXTURES / "hf").iterdir(),
        *(FIXTURES / "csl").iterdir(),
        *(FIXTURES / "openalex").iterdir(),
    ]:
        assert not crossref.sniff(path.read_text(encoding="utf-8")[: 64 << 10]), path.name
    for path in (FIXTURES / "semanticscholar").glob("*.json"):
        assert not crossref.sniff(path.read_text(encoding="utf-8")), path.name


def test_markup_dropped_but_not_comparisons(tmp_path):
    items = [
        {"DOI": "10.1/x", "title": ["Effects of <i>E. coli</i> at p<0.05 and n>100"], "type": "journal-article",
         "abstract": "<jats:p>Dose &lt; 5 mg<jats:sup>2</jats:sup></jats:p>", "content-domain": {}},
    ]  # fmt: skip
    path = _write(tmp_path, items)
    assert detect(path) is crossref  # a saved list of works: Crossref's own keys tell it from CSL-JSON
    (r,) = crossref.read(path).records
    assert r.title == "Effects of E. coli at p<0.05 and n>100" and r.abstract == "Dose < 5 mg2"


def test_real_work_list_pages(tmp_path):
    """``/works?filter=has-full-text:...&rows=3``: two real work-list pages of three works each."""
    first, second = cassette_bodies(DATA / "rcrossref__cr_works__parses_links.yml", tmp_path)
    assert detect(first) is crossref
    page = crossref.read(first)
    assert page.layout == "work-list" and accounted(page) == 3 and page.rejects == []
    ding, holm, survey = page.records
    assert ding.title == "Application of Image Fusion in Intelligent Transport System" and ding.line == 1
    # the publisher deposited whole names as given names with family "-"
    assert ding.authors == (
        "Ding, Xuewen",
        "Xu, Guangquan",
        "Wang, Zengmin",
        "JiapengWu",
        "Yang, Aiping",
        "Xue, Zhaojun",
    )
    assert (ding.year, ding.month, ding.day, ding.doi) == (2012, 1, 31, "10.4156/jdcta.vol6.issue1.50")
    assert ding.venue == "International Journal of Digital Content Technology and its Applications"
    assert (holm.authors, holm.year, holm.month, holm.day) == (("Holm, Paul Eric",), 1988, 5, None)
    assert (survey.title, survey.authors, survey.entry_type, survey.venue) == (
        "Fargey Creek, Manitoba", ("Geological Survey of Canada",), "techreport", None)  # fmt: skip
    rosen, calendar, career = crossref.read(second).records
    assert (
        rosen.title == "Nils Rosén von Rosenstein and His Textbook of Pædiatrics" and calendar.authors == ()
    )
    assert (career.year, career.month, career.venue) == (1985, 12, "Journal of Career Development")


def test_real_select_page_empty_page_failure_and_peer_review(tmp_path):
    (select,) = cassette_bodies(DATA / "rcrossref__cr_works_param_select.yml", tmp_path)
    page = crossref.read(select)  # select=DOI,title: works with nothing else
    assert detect(select) is crossref and accounted(page) == len(page.records) == 20
    assert (page.records[0].title, page.records[0].doi) == (
        "Citizen Science",
        "10.1093/obo/9780199363445-0133",
    )
    assert page.records[0].entry_type is None and page.records[0].authors == ()
    empty, failure = cassette_bodies(DATA / "rcrossref__cr_works_fails_well.yml", tmp_path)
    assert accounted(crossref.read(empty)) == 0
    with pytest.raises(LitReviewError, match="error response .validation-failure.: .*positive integer"):
        crossref.read(failure)
    (review,) = cassette_bodies(DATA / "rcrossref__cr_works_no_content_domain_fail.yml", tmp_path)
    batch = crossref.read(review)
    assert accounted(batch) == 1 and batch.records == [] and batch.n_skipped == 1
    assert "peer review" in batch.rejects[0].reason


def test_any_field_of_any_type_never_crashes(tmp_path):
    """Every field of a real work given every wrong JSON type in turn, in a /works/{doi} envelope."""
    from .test_openalex import WRONG_VALUES

    envelope = json.loads(JMIR.read_text(encoding="utf-8"))
    for key in envelope["message"]:
        for wrong in WRONG_VALUES:
            value = envelope | {"message": envelope["message"] | {key: wrong}}
            assert accounted(crossref.read(_write(tmp_path, value))) == 1, (key, wrong)
    for wrong in WRONG_VALUES:
        try:
            batch = crossref.read(_write(tmp_path, envelope | {"message": wrong}))
        except LitReviewError:
            continue
        assert accounted(batch) == 1, wrong


def test_bare_list_cut_short_keeps_its_complete_works(tmp_path):
    """Hand-made: a saved JSON list of real works, cut inside the third."""
    text = json.dumps([_message(p) for p in (ORGLETT, NMR, JMIR)], indent=1)
    batch = crossref.read(_write(tmp_path, text[: text.index('"10.2196/22081"')]))
    assert [r.doi for r in batch.records] == ["10.1021/acs.orglett.9b00971", "10.1038/s43586-021-00024-3"]
    assert accounted(batch) == 3 and batch.rejects[-1].line == 3 and batch.rejects[-1].kind == "record"
