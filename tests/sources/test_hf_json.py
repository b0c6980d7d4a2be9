"""The Hugging Face Papers JSON reader on every real HF fixture and on hostile variants."""

import json
from pathlib import Path

import pytest

from lit_review.errors import LitReviewError
from lit_review.sources import detect, hf_json, listing, read_source
from lit_review.text import clean_text

from ..conftest import SOURCES

FIXTURES = Path("/work/shared/fixtures")
HF = FIXTURES / "hf"
COUNTS = {  # the "records" column of fixtures/MANIFEST.md (counted there by an independent parser)
    "allnewsai__hf_daily_papers_2026-07-31.json": (5, "api"),
    "hfdaily-zh__2024-06-13.json": (21, "api"),
    "hfdaily-zh__2025-02-17.json": (11, "api"),
    "hfdaily-zh__2026-07-31.json": (34, "api"),
    "lianghsun__2026-02-27.papers.json": (9, "flat"),
}


def test_every_hf_fixture_is_listed():
    assert sorted(p.name for p in HF.iterdir()) == sorted(COUNTS)


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_counts_on_every_fixture(name):
    batch = read_source(HF / name)
    n, layout = COUNTS[name]
    assert (batch.format, batch.layout) == ("hf-json", layout)
    assert (len(batch.records), batch.rejects) == (n, [])
    assert batch.n_read == len(json.loads((HF / name).read_text(encoding="utf-8")))
    # line = the line where the item's "{" stands
    lines = (HF / name).read_text(encoding="utf-8").splitlines()
    assert all(lines[r.line - 1].strip() == "{" for r in batch.records)


def test_daily_2024_values():
    recs = read_source(HF / "hfdaily-zh__2024-06-13.json").records
    r = recs[0]
    assert r.arxiv_id == "2406.06523" and r.url == "https://arxiv.org/abs/2406.06523"
    assert (r.year, r.month, r.day) == (2024, 6, 10)  # paper.publishedAt, not the HF date (2024-06-13)
    assert r.upvotes == 32 and r.line == 2
    assert r.authors == (
        "Chen, Ting-Hsuan",
        "Chan, Jiewen",
        "Shiu, Hau-Shiang",
        "Yen, Shih-Han",
        "Yeh, Chang-Han",
        "Liu, Yu-Lun",
    )
    # the paper title keeps arXiv's hard line break; clean_text makes it the unwrapped top-level title
    assert (
        r.title
        == "NaRCan: Natural Refined Canonical Image with Integration of Diffusion\n  Prior for Video Editing"
    )
    assert (
        clean_text(r.title)
        == "NaRCan: Natural Refined Canonical Image with Integration of Diffusion Prior for Video Editing"
    )
    assert r.abstract.startswith("We propose a video editing framework, NaRCan")
    simplified = next(r for r in recs if r.arxiv_id == "2406.04329")
    assert simplified.title == "Simplified and Generalized Masked Diffusion for Discrete Data"
    assert simplified.authors[:2] == ("Shi, Jiaxin", "Han, Kehang")
    mihaela = next(r for r in recs if r.arxiv_id == "2406.08414")
    assert "van der Schaar, Mihaela" in mihaela.authors  # BibTeX's von part stays with the family name


def test_daily_2026_non_ascii_and_line():
    recs = read_source(HF / "allnewsai__hf_daily_papers_2026-07-31.json").records
    sigma = recs[1]
    assert sigma.title.startswith("Σ-Mem: An Online Reliability Memory")
    assert (sigma.arxiv_id, sigma.upvotes, sigma.line, sigma.year, sigma.month, sigma.day) == (
        "2607.27958",
        11,
        86,
        2026,
        7,
        30,
    )
    assert recs[2].title.startswith("β-OPSD")


def test_flat_list_values():
    r = read_source(HF / "lianghsun__2026-02-27.papers.json").records[0]
    assert (r.arxiv_id, r.title, r.upvotes) == (
        "2602.22897",
        "OmniGAIA: Towards Native Omni-Modal AI Agents",
        1,
    )
    assert r.authors[:2] == ("Li, Xiaoxi", "Jiao, Wenxiang") and (r.year, r.month, r.day) == (2026, 2, 26)


def _first_items(n=2):
    return json.loads((HF / "hfdaily-zh__2025-02-17.json").read_text(encoding="utf-8"))[:n]


def _write(tmp_path, obj_or_text, name="x.json"):
    p = tmp_path / name
    p.write_text(
        obj_or_text if isinstance(obj_or_text, str) else json.dumps(obj_or_text, indent=2), encoding="utf-8"
    )
    return p


def test_single_paper_object_and_hidden_author(tmp_path):
    paper = _first_items(1)[0]["paper"]
    paper["authors"][1]["hidden"] = True
    paper["id"] = "2502.10389v2"  # a version never reaches arxiv_id
    batch = read_source(_write(tmp_path, paper))
    (r,) = batch.records
    assert (r.arxiv_id, r.line, r.title) == (
        "2502.10389",
        1,
        "Region-Adaptive Sampling for Diffusion Transformers",
    )
    assert r.authors[:2] == ("Liu, Ziming", "Yang, Yifan")  # the hidden author is still an author
    assert len(r.authors) == 7 and r.authors[-1] == "Yang, Yuqing"


def test_repr_strings_read_safely_or_rejected(tmp_path):
    items = _first_items(3)
    items[0]["paper"]["authors"] = repr([a["name"] for a in items[0]["paper"]["authors"]])
    items[1]["paper"] = repr(items[1]["paper"])
    items[2]["paper"] = "{'id': '2502.1', 'title': __import__('os').getcwd()}"  # not a literal
    batch = read_source(_write(tmp_path, items))
    assert [r.arxiv_id for r in batch.records] == ["2502.10389", "2502.10248"]
    assert batch.records[0].authors[0] == "Liu, Ziming"
    assert batch.records[1].authors[0] == "Ma, Guoqing"
    (rej,) = batch.rejects
    assert rej.kind == "record" and "not a Python literal" in rej.reason and rej.line > 1


def test_whole_file_python_repr(tmp_path):
    items = _first_items(2)
    batch = read_source(_write(tmp_path, repr(items)))
    assert [(r.line, r.arxiv_id) for r in batch.records] == [(1, "2502.10389"), (2, "2502.10248")]


def test_truncated_json_keeps_complete_items(tmp_path):
    text = json.dumps(_first_items(3), indent=2)
    cut = text[: text.rindex('"summary"')]
    batch = read_source(_write(tmp_path, cut))
    assert len(batch.records) == 2
    (rej,) = batch.rejects
    assert rej.kind == "record" and "invalid JSON" in rej.reason and "rest of the file" in rej.reason
    assert cut.splitlines()[rej.line - 1].strip() == "{"
    assert batch.n_read == 3


def test_list_cut_between_items(tmp_path):
    text = json.dumps(_first_items(2), indent=2)
    batch = read_source(_write(tmp_path, text[: text.rindex("]")]))
    assert len(batch.records) == 2 and "truncated" in batch.rejects[0].reason


def test_bad_fields_are_field_rejects(tmp_path):
    items = _first_items(2)
    items[0]["paper"].update(id="not-an-id", upvotes="many", publishedAt="yesterday")
    del items[1]["paper"]["title"]
    del items[1]["title"]
    batch = read_source(_write(tmp_path, items))
    (r,) = batch.records
    assert (r.arxiv_id, r.upvotes, r.year) == (None, None, None)
    kinds = sorted((x.kind, x.reason) for x in batch.rejects)
    assert kinds == [
        ("field", "paper id is not an arXiv id"),
        ("field", "unreadable arXiv date (publishedAt)"),
        ("field", "upvotes is not a count"),
        ("record", "paper without a title"),
    ]


@pytest.mark.parametrize("text", ["", "   \n", "[", '{"paper": ', "[1, 2"])
def test_hostile_files(tmp_path, text):
    p = _write(tmp_path, text)
    if not text.strip():
        with pytest.raises(LitReviewError, match="empty file"):
            hf_json.read(p)
    elif text.startswith("{"):
        with pytest.raises(LitReviewError, match="invalid JSON"):
            hf_json.read(p)
    else:
        batch = hf_json.read(p)
        assert batch.records == [] and batch.rejects  # what was read is rejected, nothing dropped
        assert batch.n_read == len(batch.rejects)


def test_bad_repr_file_is_one_line_error(tmp_path):
    p = _write(tmp_path, "[{'paper': {'id': '2502.10389', 'title': open('x')}}]")
    with pytest.raises(LitReviewError, match="neither JSON nor a Python literal") as exc:
        hf_json.read(p)
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize("path", sorted((FIXTURES / "csl").glob("*.json")), ids=lambda p: p.name)
def test_csl_json_not_claimed(path):
    assert not hf_json.sniff(path.read_text(encoding="utf-8")[: 64 << 10])


@pytest.mark.parametrize("path", sorted(SOURCES.iterdir()), ids=lambda p: p.name)
def test_seed_listings_not_claimed(path):
    assert not hf_json.sniff(path.read_text(encoding="utf-8")[: 64 << 10])
    assert detect(path) is listing


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_detected_by_content_not_name(tmp_path, name):
    p = tmp_path / "capture.txt"
    p.write_bytes((HF / name).read_bytes())
    assert detect(p) is hf_json


@pytest.mark.parametrize("text", ["[]", "[]\n", " [ \n ] ", "\ufeff[]"])
def test_empty_daily_page_is_a_source_without_papers(tmp_path, text):
    # /api/daily_papers answers [] for a day without papers (a weekend): a valid, empty capture
    p = tmp_path / "hf-daily-2025-02-15.json"
    p.write_text(text, encoding="utf-8")
    assert detect(p) is hf_json
    batch = read_source(p)
    assert batch.format == "hf-json" and batch.n_read == 0 and batch.rejects == []


@pytest.mark.parametrize("text", ["[1]", "[[]]", "[] x", "{}"])
def test_other_bare_json_not_claimed(text):
    assert not hf_json.sniff(text)
