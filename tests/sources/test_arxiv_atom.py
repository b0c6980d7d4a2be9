"""The arXiv Atom reader on every real arXiv fixture (both API generations) and on hostile input."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from lit_review.errors import LitReviewError
from lit_review.sources import arxiv_atom, detect, hf_json, listing, read_source
from lit_review.sources.names import person_name

from ..conftest import SOURCES

FIXTURES = Path("/work/shared/fixtures")
ARXIV = FIXTURES / "arxiv"
COUNTS = {  # the "records" column of fixtures/MANIFEST.md (Atom entries minus error entries)
    "arxivpy-2016__id_list=1111.2011v2.xml": 1,
    "arxivpy-2016__search_query=au_del_maestro+AND+ti_checkerboard.xml": 1,
    "arxivpy-2026__id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.body.DERIVED.atom.xml": 1,
    "arxivpy-2026__id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.json": 1,
    "arxivpy-2026__id_1605.08386_s0_m100_199195aa31ad.body.DERIVED.atom.xml": 1,
    "arxivpy-2026__id_1605.08386_s0_m100_199195aa31ad.json": 1,
    "arxivpy-2026__id_abc_s0_m100_b79c8dcf6bc3.body.DERIVED.atom.xml": 0,
    "arxivpy-2026__id_abc_s0_m100_b79c8dcf6bc3.json": 0,
    "arxivpy-2026__q_testing_s0_m10_bc5a6c384fe9.body.DERIVED.atom.xml": 10,
    "arxivpy-2026__q_testing_s0_m10_bc5a6c384fe9.json": 10,
}
ATOM = "{http://www.w3.org/2005/Atom}"
TESTING = ARXIV / "arxivpy-2026__q_testing_s0_m10_bc5a6c384fe9.body.DERIVED.atom.xml"


def _entries(name: str) -> int:
    """<entry> elements counted with plain ElementTree (the recorded JSON: in its body)."""
    data = (ARXIV / name).read_text(encoding="utf-8")
    if name.endswith(".json"):
        data = json.loads(data)["body"]
    return len(ET.fromstring(data.encode()).findall(f"{ATOM}entry"))


def test_every_arxiv_fixture_is_listed():
    assert sorted(p.name for p in ARXIV.iterdir()) == sorted(COUNTS)


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_counts_on_every_fixture(name):
    batch = read_source(ARXIV / name)
    assert batch.format == "arxiv-atom"
    assert batch.layout == ("recorded-response" if name.endswith(".json") else "atom")
    assert len(batch.records) == COUNTS[name]
    # every entry is kept or rejected; the only rejects are API error entries
    assert batch.n_read == _entries(name)
    assert all("arXiv API error" in r.reason for r in batch.rejects)
    if not name.endswith(".json"):  # line = the line of the <entry> tag
        lines = (ARXIV / name).read_text(encoding="utf-8").splitlines()
        assert all(lines[r.line - 1].strip() == "<entry>" for r in batch.records)


def test_2016_response_values():
    (r,) = read_source(ARXIV / "arxivpy-2016__id_list=1111.2011v2.xml").records
    assert (r.arxiv_id, r.url) == ("1111.2011", "https://arxiv.org/abs/1111.2011")  # no version
    assert (
        r.title
        == "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large\n  Connectivity Limit"
    )
    assert r.authors == ("Murray, James M.", "Maestro, Adrian Del", "Tesanovic, Zlatko")
    assert (r.year, r.month, r.day) == (2011, 11, 8)  # <published>, not <updated> (2012)
    assert (r.doi, r.venue, r.primary_class) == (
        "10.1103/physrevb.85.115117",
        "Phys. Rev. B 85, 115117 (2012)",
        "cond-mat.str-el",
    )
    assert r.abstract.lstrip().startswith("Theoretical description of anisotropic systems")
    assert r.line == 10


def test_old_style_id():
    (r,) = read_source(ARXIV / "arxivpy-2016__search_query=au_del_maestro+AND+ti_checkerboard.xml").records
    assert (r.arxiv_id, r.year, r.doi) == ("cond-mat/0603029", 2006, "10.1103/physrevb.74.024520")


def test_2026_response_values():
    recs = read_source(TESTING).records
    r = recs[0]
    assert r.arxiv_id == "2202.12139" and r.primary_class == "cs.SE"
    assert r.title == "Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques"
    assert r.authors == ("Ahuja, Mohit Kumar", "Gotlieb, Arnaud", "Spieker, Helge")
    assert (r.year, r.month, r.day, r.doi) == (2022, 2, 24, "10.1109/icstw55395.2022.00035")
    assert r.venue.startswith("Artificial Intelligence in Software Testing @ 2022 IEEE")
    (r,) = read_source(
        ARXIV / "arxivpy-2026__id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.body.DERIVED.atom.xml"
    ).records
    assert (r.arxiv_id, r.year, r.primary_class, r.doi, r.venue) == ("1707.08567", 2017, "cs.IT", None, None)


def test_recorded_response_reads_its_body_with_entry_index_lines():
    raw = read_source(TESTING)
    recorded = read_source(ARXIV / "arxivpy-2026__q_testing_s0_m10_bc5a6c384fe9.json")
    assert [r.arxiv_id for r in recorded.records] == [r.arxiv_id for r in raw.records]
    assert [r.line for r in recorded.records] == list(range(1, 11))


def test_error_feed_is_a_reject_not_a_paper():
    batch = read_source(ARXIV / "arxivpy-2026__id_abc_s0_m100_b79c8dcf6bc3.body.DERIVED.atom.xml")
    assert batch.records == []
    (rej,) = batch.rejects
    assert (rej.line, rej.kind) == (9, "record")
    assert rej.reason == "arXiv API error, not a paper: incorrect id format for abc"


def _write(tmp_path, text, name="feed.xml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_doctype_refused(tmp_path):
    text = TESTING.read_text(encoding="utf-8")
    evil = text.replace("<feed ", '<!DOCTYPE feed [<!ENTITY x "boom">]>\n<feed ', 1).replace(
        "Testing Deep", "&x; Deep"
    )
    p = _write(tmp_path, evil)
    assert detect(p) is arxiv_atom  # claimed, so that the user gets this error, not "unknown layout"
    with pytest.raises(LitReviewError, match="DOCTYPE") as exc:
        read_source(p)
    assert exc.value.line == 2 and "\n" not in str(exc.value)


def test_truncated_feed_keeps_complete_entries(tmp_path):
    text = TESTING.read_text(encoding="utf-8")
    cut = text[: text.index("<entry>", text.index("<entry>", text.index("<entry>") + 1) + 1) + 200]
    batch = read_source(_write(tmp_path, cut))
    assert len(batch.records) == 2
    (rej,) = batch.rejects
    assert rej.kind == "record" and "unreadable XML" in rej.reason
    assert cut.splitlines()[rej.line - 1].strip() == "<entry>"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("<html><body>503</body></html>", "not an Atom feed: root element is <html>"),
        ("<feed", "not an Atom feed: unclosed token"),
        ('{"url": "https://export.arxiv.org/api/query?x", "status_code": 503, "body": "busy"}', "HTTP 503"),
        ('{"url": "https://export.arxiv.org/api/query?x", "status_code": ', "invalid JSON"),
    ],
)
def test_hostile_files(tmp_path, text, message):
    with pytest.raises(LitReviewError, match=message) as exc:
        arxiv_atom.read(_write(tmp_path, text))
    assert "\n" not in str(exc.value)


def test_feed_cut_before_any_entry_is_rejected(tmp_path):
    batch = arxiv_atom.read(
        _write(tmp_path, '<feed xmlns="http://www.w3.org/2005/Atom">\n<title>x</title>\n')
    )
    assert batch.records == []
    assert [(r.line, r.reason) for r in batch.rejects] == [
        (3, "unreadable XML (truncated file?): no element found")
    ]


def test_entry_without_title_or_id(tmp_path):
    text = TESTING.read_text(encoding="utf-8")
    text = text.replace(
        "<title>Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques</title>",
        "",
        1,
    )
    text = text.replace("http://arxiv.org/abs/2405.13786v1", "urn:x", 1)
    batch = read_source(_write(tmp_path, text))
    assert len(batch.records) == 9 and batch.records[0].arxiv_id is None
    assert sorted((r.kind, r.reason) for r in batch.rejects) == [
        ("field", "entry id is not an arXiv id"),
        ("record", "entry without a title"),
    ]


@pytest.mark.parametrize("path", sorted(SOURCES.iterdir()), ids=lambda p: p.name)
def test_seed_listings_not_claimed(path):
    assert not arxiv_atom.sniff(path.read_text(encoding="utf-8")[: 64 << 10])
    assert detect(path) is listing


@pytest.mark.parametrize("path", sorted(ARXIV.iterdir()), ids=lambda p: p.name)
def test_arxiv_files_not_claimed_by_hf(path):
    head = path.read_text(encoding="utf-8")[: 64 << 10]
    assert (arxiv_atom.sniff(head), hf_json.sniff(head)) == (True, False)


@pytest.mark.parametrize(
    ("full", "bibtex"),
    [
        ("Mohit Kumar Ahuja", "Ahuja, Mohit Kumar"),
        ("Emile van Krieken", "van Krieken, Emile"),
        ("Martin Luther King Jr.", "King, Jr., Martin Luther"),
        ("Scale", "Scale"),
        ("Smith, John", "Smith, John"),
        ("  Xiaoxi \n Li ", "Li, Xiaoxi"),
    ],
)
def test_api_names_in_bibtex_form(full, bibtex):
    assert person_name(full) == bibtex
