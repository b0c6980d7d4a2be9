"""OpenAlex works reader on the real fixture work and on hostile input.

No real ``/works?...`` list page or arXiv-hosted work was found in a public repository (the
ones in client test suites are written by hand); those shapes are tested on the real work
wrapped in a page here, and on small hand-made works, labelled as such.
"""

from __future__ import annotations

import json

import pytest

from lit_review.errors import LitReviewError
from lit_review.sources import crossref, csljson, detect, hf_json, openalex, s2

from . import FIXTURES, accounted

WORK = FIXTURES / "openalex" / "openalex-python__W2741809807.json"


def _write(tmp_path, value, name="x.json"):
    path = tmp_path / name
    path.write_text(value if isinstance(value, str) else json.dumps(value), encoding="utf-8")
    return path


def _work() -> dict:
    return json.loads(WORK.read_text(encoding="utf-8"))


def test_real_work_values():
    assert detect(WORK) is openalex
    batch = openalex.read(WORK)
    (r,) = batch.records
    assert accounted(batch) == 1 and batch.rejects == []
    assert (
        r.title
        == "The state of OA: a large-scale analysis of the prevalence and impact of Open Access articles"
    )
    assert r.authors[:3] == ("Piwowar, Heather", "Priem, Jason", "Larivière, Vincent")
    assert r.authors[3] == "Alperín, Juan Pablo" and r.authors[7] == "West, Jevin D."
    assert len(r.authors) == r.n_authors == 9
    assert (r.year, r.month, r.day) == (2018, 2, 13)
    assert (r.doi, r.arxiv_id, r.venue, r.entry_type) == ("10.7717/peerj.4375", None, "PeerJ", "article")
    assert r.url == "https://doi.org/10.7717/peerj.4375" and r.line == 1
    # 258 words rebuilt in position order from the inverted index
    assert r.abstract.startswith(
        "Despite growing interest in Open Access (OA) to scholarly literature, there is"
    )
    assert r.abstract.endswith("a way to inform OA policy and practice.") and len(r.abstract.split()) == 258
    assert len(r.references) == 45 and r.references[0] == "openalex:W1560783210"
    assert r.references[-1] == "openalex:W4301734034"
    assert r.service_ids == ("openalex:W2741809807",)


def test_list_page_of_works_hand_made_envelope(tmp_path):
    """A ``/works`` page (hand-made envelope around the real work, a second work made from it)."""
    second = _work() | {"id": "https://openalex.org/W1", "title": None, "display_name": "Second"}
    page = {
        "meta": {"count": 2, "db_response_time_ms": 1, "page": 1, "per_page": 25},
        "results": [_work(), second],
    }
    batch = openalex.read(_write(tmp_path, page))
    assert detect(tmp_path / "x.json") is openalex and batch.layout == "page"
    assert [(r.line, r.title[:6]) for r in batch.records] == [(1, "The st"), (2, "Second")]
    bare = openalex.read(_write(tmp_path, [_work()], "list.json"))  # a saved JSON list of works
    assert [r.doi for r in bare.records] == ["10.7717/peerj.4375"]


def test_arxiv_id_from_a_location_or_an_arxiv_doi_hand_made(tmp_path):
    work = _work()
    work["locations"].append(
        {
            "landing_page_url": "https://arxiv.org/abs/1705.09521v2",
            "pdf_url": None,
            "source": {"type": "repository"},
        }
    )
    preprint = {
        "id": "https://openalex.org/W2",
        "title": "A preprint",
        "doi": "https://doi.org/10.48550/arxiv.1706.03762",
        "type": "preprint",
        "primary_location": {"source": {"display_name": "arXiv (Cornell University)", "type": "repository"}},
    }
    a, b = openalex.read(_write(tmp_path, [work, preprint])).records
    assert (a.arxiv_id, a.url, a.venue) == ("1705.09521", "https://arxiv.org/abs/1705.09521", "PeerJ")
    assert (b.arxiv_id, b.doi, b.venue, b.entry_type) == (
        "1706.03762",
        "10.48550/arxiv.1706.03762",
        None,
        "misc",
    )


def test_every_work_accounted_for_hostile_items(tmp_path):
    items = [
        {"id": "https://openalex.org/W3", "title": "Front matter", "is_paratext": True},
        {"id": "https://openalex.org/A5048491430", "display_name": "Heather Piwowar"},
        {"id": "https://openalex.org/W4", "title": None, "display_name": None},
        None,
        "W5",
        {
            "id": "https://openalex.org/W6",
            "title": "Bad fields",
            "authorships": "Heather Piwowar",
            "publication_date": "13 Feb 2018",
            "publication_year": 2018,
            "abstract_inverted_index": {"word": "0"},
            "referenced_works": ["https://openalex.org/W7", "W8", 9, "https://openalex.org/W7"],
        },
    ]
    batch = openalex.read(_write(tmp_path, items))
    assert accounted(batch) == 6 and len(batch.records) == 1
    kinds = {(r.line, r.kind) for r in batch.rejects}
    assert {(1, "skipped"), (2, "record"), (3, "record"), (4, "record"), (5, "record")} <= kinds
    assert "author" in next(r.reason for r in batch.rejects if r.line == 2)
    (r,) = batch.records
    assert (r.title, r.authors, r.year, r.month, r.abstract) == ("Bad fields", (), 2018, None, "")
    assert r.references == ("openalex:W7",)
    fields = sorted(x.reason for x in batch.rejects if x.kind == "field")
    assert len(fields) == 4 and any("2 of 4 references" in x for x in fields)  # W8 and 9 name no work


def test_truncated_page_keeps_complete_works(tmp_path):
    text = json.dumps({"meta": {"count": 2}, "results": [_work(), _work()]}, indent=1)
    batch = openalex.read(_write(tmp_path, text[: len(text) * 3 // 4]))
    assert len(batch.records) == 1 and accounted(batch) == 2
    (cut,) = batch.rejects
    assert cut.line == 2 and cut.kind == "record" and "unreadable" in cut.reason


@pytest.mark.parametrize(
    "text",
    [
        "",
        '{"id": "https://openalex.org/W1", "title": "x"',  # a single work cut short
        '{"meta": {}, "results": {"id": "https://openalex.org/W1"}}',
        '{"error": "Invalid query parameters error.", "message": "bad filter"}',
        "7",
        "null",
    ],
)
def test_hostile_files_are_one_line_errors(tmp_path, text):
    with pytest.raises(LitReviewError) as err:
        openalex.read(_write(tmp_path, text))
    assert "x.json" in str(err.value) and "\n" not in str(err.value)


def test_empty_page_is_no_records(tmp_path):
    batch = openalex.read(_write(tmp_path, {"meta": {"count": 0}, "results": []}))
    assert accounted(batch) == 0 and batch.rejects == []


def test_not_claimed_by_other_json_readers_and_claims_none_of_theirs():
    assert not any(r.sniff(WORK.read_text(encoding="utf-8")) for r in (hf_json, csljson, s2, crossref))
    for path in [
        *(FIXTURES / "hf").iterdir(),
        *(FIXTURES / "csl").iterdir(),
        *(FIXTURES / "crossref").iterdir(),
    ]:
        assert not openalex.sniff(path.read_text(encoding="utf-8")[: 64 << 10]), path.name
    for path in (FIXTURES / "semanticscholar").glob("*.json"):
        assert not openalex.sniff(path.read_text(encoding="utf-8")), path.name


def test_json_lines_of_works_line_is_the_line_hand_made(tmp_path):
    """JSON Lines, as OpenAlex snapshots hold works: the real work on lines 1 and 4, a broken line."""
    work = json.dumps(_work())
    path = _write(tmp_path, f'{work}\n{{"id": "https://openalex.org/W9", "title": \n\n{work}\n')
    batch = openalex.read(path)
    assert detect(path) is openalex and batch.layout == "json-lines"
    assert [r.line for r in batch.records] == [1, 4] and accounted(batch) == 3
    (broken,) = batch.rejects
    assert broken.line == 2 and broken.kind == "record" and "JSON Lines" in broken.reason


WRONG_VALUES = (None, 0, 1.5, True, "x", "", [], {}, [None], [1, "x"], {"a": None})


def test_any_field_of_any_type_never_crashes(tmp_path):
    """Every field of the real work given every wrong JSON type in turn: one work read, accounted for."""
    for key in _work():
        for wrong in WRONG_VALUES:
            batch = openalex.read(_write(tmp_path, _work() | {key: wrong}))
            assert accounted(batch) == 1, (key, wrong)
