"""Semantic Scholar Graph API reader on real responses (fixtures, and the bodies of recorded
VCR cassettes written out as files) and on hostile input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lit_review.errors import LitReviewError
from lit_review.sources import crossref, csljson, detect, hf_json, openalex, s2

from . import FIXTURES, accounted, cassette_bodies

S2 = FIXTURES / "semanticscholar"
DATA = Path(__file__).resolve().parents[1] / "data" / "semanticscholar"


def _write(tmp_path, value, name="x.json"):
    path = tmp_path / name
    path.write_text(value if isinstance(value, str) else json.dumps(value), encoding="utf-8")
    return path


def test_reference_item_values():
    path = S2 / "Reference.json"
    assert detect(path) is s2
    (r,) = s2.read(path).records
    assert r.title == "Neural Variational Inference and Learning in Belief Networks"
    assert r.authors == ("Mnih, A.", "Gregor, Karol") and r.n_authors == 2
    assert (r.arxiv_id, r.doi, r.url) == ("1402.0030", None, "https://arxiv.org/abs/1402.0030")
    assert (r.year, r.month, r.day) == (2014, 1, 31)
    assert (r.venue, r.entry_type) == ("International Conference on Machine Learning", "inproceedings")
    assert r.abstract.startswith("Highly expressive directed latent variable models, such as sigmoid belief")
    assert r.service_ids == ("s2:331f0fb3b6176c6e463e0401025b04f6ace9ccd3",)


def test_citation_item_values():
    (r,) = s2.read(S2 / "Citation.json").records
    assert r.title == "Learning to Throw With a Handful of Samples Using Decision Transformers"
    assert r.authors == ("Monastirsky, M.", "Azulay, Osher", "Sintov, A.")
    assert (r.doi, r.arxiv_id, r.year, r.month, r.day) == ("10.1109/lra.2022.3229266", None, 2023, 2, 1)
    assert (r.venue, r.entry_type) == ("IEEE Robotics and Automation Letters", "article")
    assert r.url == "https://www.semanticscholar.org/paper/bdcbc589c8d1e4dd0c6572630f8511557406ad2f"


def test_references_pages_unresolved_items_rejected_with_their_index(tmp_path):
    first, second = cassette_bodies(S2 / "test_get_paper_references.yaml", tmp_path)
    a, b = s2.read(first), s2.read(second)
    assert detect(first) is s2 and a.layout == "page"
    # 50 + 17 items; 10 and 13 of them have paperId null (S2 could not resolve the reference)
    assert (accounted(a), len(a.records), a.n_rejected) == (50, 40, 10)
    assert (accounted(b), len(b.records), b.n_rejected) == (17, 4, 13)
    assert (
        a.records[0].title
        == "Group lending or individual lending? Evidence from a randomised field experiment in Mongolia"
    )
    assert a.records[0].line == 1 and a.records[0].authors == ()
    lines = sorted([r.line for r in a.records] + [r.line for r in a.rejects])
    assert lines == list(range(1, 51))
    assert all("unresolved reference" in r.reason for r in a.rejects + b.rejects)
    assert any("Progress of the World" in r.text for r in a.rejects)


def test_search_page_and_batch_without_titles(tmp_path):
    (search,) = cassette_bodies(DATA / "danielnsilva__test_search_paper.yaml", tmp_path)
    page = s2.read(search)
    assert (accounted(page), len(page.records), page.layout) == (100, 100, "page")
    assert page.records[0].title.startswith("Using DeepSpeed and Megatron to Train Megatron-Turing NLG 530B")
    assert page.records[-1].title == "Turing patterns in multiplex networks." and page.records[-1].line == 100
    (batch_file,) = cassette_bodies(DATA / "danielnsilva__test_get_papers.yaml", tmp_path)
    batch = s2.read(batch_file)  # /paper/batch?fields=authors: papers without titles
    assert (accounted(batch), len(batch.records), batch.n_rejected) == (3, 0, 3)
    assert [r.line for r in batch.rejects] == [1, 2, 3] and "without a title" in batch.rejects[0].reason


def test_paper_object_with_its_references():
    path = DATA / "danielnsilva__Paper.json"
    batch = s2.read(path)
    (r,) = batch.records
    assert (r.title, r.authors, r.doi) == (
        "Computing Machinery and Intelligence",
        ("Turing, A.",),
        "10.1093/mind/lix.236.433",
    )
    assert (r.year, r.month, r.day, r.venue) == (1950, 10, 1, "The Philosophy of Artificial Intelligence")
    # 14 references: 8 with a paperId and a DOI, 6 unresolved (no paperId, no ids)
    assert r.references[:2] == ("doi:10.2307/3610576", "doi:10.1136/bmj.1.4616.1105")
    assert len(r.references) == 8 and r.references[-1] == "doi:10.26686/wgtn.25018733"
    (field,) = batch.rejects
    assert field.kind == "field" and "6 of 14 references" in field.reason


def test_paper_with_null_values_is_rejected():
    batch = s2.read(DATA / "danielnsilva__PaperWithNullValues.json")
    assert accounted(batch) == 1 and batch.n_rejected == 1 and batch.records == []


def test_hostile_items_and_fields(tmp_path):
    items = {
        "offset": 0,
        "data": [
            {"citedPaper": None},
            {"citingPaper": "abc"},
            {"citedPaper": {"paperId": "p1", "title": None}},
            {
                "paperId": "p2",
                "title": "Bad fields",
                "authors": [{"name": None}, {"name": "Ada Lovelace"}, "x"],
                "year": "2020",
                "publicationDate": "yesterday",
                "externalIds": {"ArXiv": "not an id", "DOI": 10},
                "references": [
                    {"paperId": None},
                    {"paperId": "r1", "externalIds": {"ArXiv": "2106.09685v2"}},
                    5,
                ],
            },
            {"paperId": "p3", "title": "Zero", "year": True, "externalIds": None, "authors": {"name": "x"}},
            {"paperId": "p4", "title": "Arxiv DOI", "externalIds": {"DOI": "10.48550/arXiv.2106.09685"}},
        ],
    }
    batch = s2.read(_write(tmp_path, items))
    assert accounted(batch) == 6 and [r.line for r in batch.records] == [4, 5, 6]
    assert {r.line for r in batch.rejects if r.kind == "record"} == {1, 2, 3}
    bad, zero, arxiv_doi = batch.records
    assert (arxiv_doi.arxiv_id, arxiv_doi.doi) == ("2106.09685", "10.48550/arxiv.2106.09685")
    assert (bad.authors, bad.year, bad.arxiv_id, bad.doi, bad.references) == (
        ("Lovelace, Ada",),
        None,
        None,
        None,
        ("arXiv:2106.09685",),
    )
    assert (zero.year, zero.authors) == (None, ())
    fields = [r.reason for r in batch.rejects if r.kind == "field"]
    assert sum("author without a name" in f for f in fields) == 2 and any(
        "2 of 3 references" in f for f in fields
    )
    assert any("not a list" in f for f in fields) and any("publicationDate" in f for f in fields)


def test_truncated_page_keeps_complete_items(tmp_path):
    body = (S2 / "Reference.json").read_text(encoding="utf-8")
    text = '{"offset": 0, "next": 3, "data": [' + ", ".join([body] * 3) + "]}"
    batch = s2.read(_write(tmp_path, text[: len(text) - len(body) // 2]))  # cut inside the third item
    assert len(batch.records) == 2 and accounted(batch) == 3 and batch.rejects[0].line == 3


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        '{"paperId": "x", "title": "T"',
        '{"message": "Too Many Requests"}',
        '{"data": null, "total": 0}',
        "null",
    ],
)
def test_hostile_files_are_one_line_errors(tmp_path, text):
    with pytest.raises(LitReviewError) as err:
        s2.read(_write(tmp_path, text))
    assert "x.json" in str(err.value) and "\n" not in str(err.value)


def test_empty_page(tmp_path):
    batch = s2.read(_write(tmp_path, {"total": 0, "offset": 0, "data": []}))
    assert accounted(batch) == 0


def test_not_claimed_by_other_json_readers_and_claims_none_of_theirs(tmp_path):
    mine = [
        *S2.glob("*.json"),
        *DATA.glob("*.json"),
        *cassette_bodies(S2 / "test_get_paper_references.yaml", tmp_path),
    ]
    for path in mine:
        head = path.read_text(encoding="utf-8")[: 64 << 10]
        assert detect(path) is s2 and not any(
            r.sniff(head) for r in (hf_json, csljson, openalex, crossref)
        ), path
    for path in [
        *(FIXTURES / "hf").iterdir(),
        *(FIXTURES / "csl").iterdir(),
        *(FIXTURES / "crossref").iterdir(),
    ]:
        assert not s2.sniff(path.read_text(encoding="utf-8")[: 64 << 10]), path.name
    assert not s2.sniff(
        (FIXTURES / "openalex" / "openalex-python__W2741809807.json").read_text(encoding="utf-8")
    )


def test_real_recommendations_batch_with_nulls_and_authors_page_not_claimed(tmp_path):
    (recommended,) = cassette_bodies(DATA / "danielnsilva__test_get_recommended_papers.yaml", tmp_path)
    page = s2.read(recommended)  # /recommendations/v1/papers/forpaper/...?fields=title
    assert detect(recommended) is s2 and page.layout == "page" and accounted(page) == len(page.records) == 100
    assert (
        page.records[-1].title
        == "The Multiracial Complication: The 2020 Census and the Fictitious Multiracial Boom"
    )
    (batch_file,) = cassette_bodies(DATA / "danielnsilva__test_get_papers_not_found_warning.yaml", tmp_path)
    batch = s2.read(batch_file)  # /paper/batch of 4 ids, the first not found: null
    assert accounted(batch) == 4 and [r.line for r in batch.records] == [2, 3, 4]
    (missing,) = batch.rejects
    assert (missing.line, missing.kind) == (1, "record") and "null" in missing.reason
    audits = batch.records[-1]
    assert (audits.title, audits.authors) == (
        "Improving Third-Party Audits and Regulatory Compliance in India", ("Duflo, E.", "Greenstone, M.", "Ryan, Nick"))  # fmt: skip
    assert (audits.doi, audits.year, audits.month, audits.venue, audits.entry_type) == (
        "10.1257/rct.1355",
        2023,
        None,
        None,
        None,
    )
    assert batch.records[0].title.startswith("How Much Should We Trust Differences-in-")
    assert batch.records[0].authors[:2] == ("Bertrand, Marianne", "Duflo, E.")
    (authors,) = cassette_bodies(DATA / "danielnsilva__test_get_paper_authors.yaml", tmp_path)
    assert detect(authors) is not s2  # /paper/{id}/authors: people, not papers


def test_json_lines_hand_made(tmp_path):
    reference = json.loads((S2 / "Reference.json").read_text(encoding="utf-8"))["citedPaper"]
    lines = s2.read(_write(tmp_path, json.dumps(reference) + "\n" + json.dumps(reference) + "\n", "x.jsonl"))
    assert lines.layout == "json-lines" and [r.line for r in lines.records] == [1, 2]


def test_any_field_of_any_type_never_crashes(tmp_path):
    """Every field of a real paper object (and of its wrapper item) given every wrong JSON type in turn."""
    from .test_openalex import WRONG_VALUES

    item = json.loads((S2 / "Reference.json").read_text(encoding="utf-8"))
    paper = item["citedPaper"]
    for key in [*paper, "references"]:
        for wrong in WRONG_VALUES:
            batch = s2.read(_write(tmp_path, paper | {key: wrong}))
            assert accounted(batch) == 1, (key, wrong)
    for wrong in WRONG_VALUES:
        assert accounted(s2.read(_write(tmp_path, item | {"citedPaper": wrong}))) == 1
