"""Matching precision on real records: real Hugging Face daily dumps as the metadata, papers known
by their title only (as a listing gives them), and real look-alike titles of different papers."""

from pathlib import Path

import pyarrow as pa
import pytest
from rapidfuzz import fuzz

from lit_review.corpus import build_corpus
from lit_review.enrich import enrich_papers
from lit_review.enrich.index import MetadataIndex, build_index
from lit_review.enrich.match import near_title
from lit_review.record import Batch, columns_of
from lit_review.sources import read_source
from lit_review.text import match_key, words

DATA = Path(__file__).resolve().parents[1] / "data" / "enrich" / "hf"
FILES = sorted(DATA.glob("*.json"))


@pytest.fixture(scope="module")
def real():
    """Every record of the dumps as the reader gives it, and their index."""
    names = [f"metadata/hf/{f.name}" for f in FILES]
    records = [r for f, n in zip(FILES, names) for r in read_source(f, n).records]
    table, rejects, errors = build_index(FILES, names)
    assert not errors and len(table) == len(records)
    return records, table


def listing_papers(titles: list[str]):
    """Papers as a listing gives them: a title, nothing else."""
    rows = [{"line": k, "title": t} for k, t in enumerate(titles, 1)]
    return build_corpus([Batch("listing.txt", "hf-listing", columns=columns_of(rows))]).papers


def by_title(papers, titles):
    return {t: papers.iloc[k] for k, t in enumerate(papers["title"])}


def test_every_paper_known_by_its_title_gets_its_own_record(real):
    records, table = real
    titles = sorted({r.title for r in records})
    assert len(titles) > 140  # the dumps: 11 days of papers
    papers = listing_papers(titles)
    filled, e = enrich_papers(papers, MetadataIndex(None, table), {})
    truth = {}
    for r in records:  # the reader's values, the first record of each paper
        truth.setdefault(match_key(r.title), r)
    assert not e.ambiguous
    assert len(filled) == len(papers)
    for _, p in filled.iterrows():
        r = truth[match_key(p["title"])]
        assert p["arxiv_id"] == r.arxiv_id, p["title"]
        assert p["authors"] == r.authors, p["title"]
        assert p["year"] == r.year and p["date_basis"] == "metadata"
        assert p["enriched_from"].startswith(f"{r.source}:{r.line} (authors, year, arxiv_id")
    assert (filled["title"] == papers["title"]).all() and (filled["id"] == papers["id"]).all()


def look_alikes(records):
    """Real pairs of different papers whose titles look alike: a token-sort ratio of 85 or more
    (``Qwen2 Technical Report`` / ``Qwen2.5 Technical Report``), found by rapidfuzz alone."""
    firsts = {}
    for r in records:
        firsts.setdefault(r.arxiv_id, r)
    rs = sorted(firsts.values(), key=lambda r: r.arxiv_id)
    pairs = []
    for k, a in enumerate(rs):
        for b in rs[k + 1 :]:
            if match_key(a.title) != match_key(b.title) and fuzz.token_sort_ratio(a.title, b.title) >= 85:
                pairs.append((a, b))
    return pairs


def test_look_alike_titles_never_complete_another_paper(real):
    """Leave one out: a paper whose own record is not in the metadata must stay as it is, even
    when a look-alike title (another version, another model size, one word more) is there."""
    records, table = real
    pairs = look_alikes(records)
    assert len(pairs) >= 10, [(a.title, b.title) for a, b in pairs]
    cases = [(a, b) for a, b in pairs] + [(b, a) for a, b in pairs]
    papers = listing_papers(sorted({a.title for a, _ in cases}))
    wrong = []
    for a, _ in cases:
        keep = pa.array([x != a.arxiv_id for x in table["arxiv_id"].to_pylist()])
        index = MetadataIndex(None, table.filter(keep))
        one = papers[papers["title"] == a.title]
        filled, e = enrich_papers(one, index, {})
        if filled["arxiv_id"].notna().any() or e.matches:
            wrong.append((a.title, filled["arxiv_id"].tolist()))
    assert not wrong


def test_a_look_alike_present_beside_the_paper_does_not_disturb_it(real):
    records, table = real
    pairs = look_alikes(records)
    titles = sorted({t for a, b in pairs for t in (a.title, b.title)})
    filled, e = enrich_papers(listing_papers(titles), MetadataIndex(None, table), {})
    ids = {}
    for r in records:
        ids.setdefault(r.title, r.arxiv_id)
    assert dict(zip(filled["title"], filled["arxiv_id"])) == {t: ids[t] for t in titles}
    assert {m.how for m in e.matches} == {"title"}


@pytest.mark.parametrize(
    "a, b",
    [
        ("Qwen2 Technical Report", "Qwen2.5 Technical Report"),
        ("Baichuan-Omni Technical Report", "Baichuan-Omni-1.5 Technical Report"),
        ("Trust Region On-Policy Distillation", "Trust Region Policy Distillation"),
        ("Randomized Autoregressive Visual Generation", "Parallelized Autoregressive Visual Generation"),
        (
            "Llama 2: Open Foundation and Fine-Tuned Chat Models",
            "Llama 3: Open Foundation and Fine-Tuned Chat Models",
        ),
        ("Attention Is All You Need", "Retention Is All You Need"),
        ("Part I: Sparse Models", "Part II: Sparse Models"),
        ("Graph Attention Network for Molecules", "Graph Attention Networks for Molecules"),
        ("Low-Variance Gradient: Generative Model", "Low-Variance Gradient: Generative Models"),
    ],
)
def test_near_title_refuses_other_papers(a, b):
    assert not near_title(a, b) and not near_title(b, a)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Statistical Modeling of Neural Networks", "Statistical Modelling of Neural Networks"),
        ("A Primer on Neural Netwrok Models", "A Primer on Neural Network Models"),
        ("Colour Constancy in the Wild", "Color Constancy in the Wild"),
    ],
)
def test_near_title_accepts_spellings_of_one_title(a, b):
    assert near_title(a, b) and near_title(b, a)


def test_near_title_completes_a_misspelt_title_only_when_nothing_competes(real):
    """A real title with one word misspelt (a letter dropped) finds its record; when two records
    of different papers are equally near, nothing is applied and the paper is ambiguous."""
    records, table = real
    r = next(r for r in records if r.title == "Parallelized Autoregressive Visual Generation")
    typo = r.title.replace("Visual", "Visal")
    filled, e = enrich_papers(listing_papers([typo]), MetadataIndex(None, table), {})
    assert filled["arxiv_id"].tolist() == [r.arxiv_id] and e.matches[0].how == "near title"
    # another paper with the same title but another id (a copy of the record under another id)
    clash = table.slice(table["arxiv_id"].to_pylist().index(r.arxiv_id), 1)
    clash = clash.set_column(
        clash.column_names.index("arxiv_id"), "arxiv_id", pa.array(["2501.00001"], pa.large_string())
    )
    both = MetadataIndex(None, pa.concat_tables([table, clash]))
    filled, e = enrich_papers(listing_papers([typo]), both, {})
    assert filled["arxiv_id"].isna().all() and not e.matches
    assert e.ambiguous[0].identities == sorted(["arXiv:2501.00001", f"arXiv:{r.arxiv_id}"])


def test_first_author_and_year_must_agree_where_known(real):
    """A paper whose source gave authors and a year is completed only by a record that agrees."""
    records, table = real
    r = next(r for r in records if r.title == "Qwen2 Technical Report")
    rows = [
        {"line": 1, "title": r.title, "authors": ("Someone, Else",), "year": r.year, "venue": "Workshop"},
        {"line": 2, "title": r.title, "authors": r.authors[:1], "year": r.year + 3, "venue": "Workshop"},
        {"line": 3, "title": r.title, "authors": r.authors[:1], "year": r.year + 1, "venue": "Workshop"},
    ]
    for row, expected in zip(rows, [None, None, r.arxiv_id]):
        papers = build_corpus([Batch("own.bib", "bibtex", columns=columns_of([row]))]).papers
        filled, _ = enrich_papers(papers, MetadataIndex(None, table), {})
        assert filled["arxiv_id"].iloc[0] == expected if expected else filled["arxiv_id"].isna().all()


def test_pins_decide_and_none_refuses(real):
    records, table = real
    r = next(r for r in records if r.title == "Qwen2 Technical Report")
    other = next(x for x in records if x.title == "Qwen2.5 Technical Report")
    papers = listing_papers([r.title])
    pid = papers["id"].iloc[0]
    filled, e = enrich_papers(papers, MetadataIndex(None, table), {pid: "none"})
    assert filled["arxiv_id"].isna().all() and not e.matches
    filled, e = enrich_papers(papers, MetadataIndex(None, table), {pid: f"arXiv:{other.arxiv_id}"})
    assert filled["arxiv_id"].tolist() == [other.arxiv_id] and e.matches[0].how == "pinned"
    assert filled["title"].tolist() == [r.title]  # a pin never changes the title


def test_words_of_look_alikes_differ_as_the_rule_says():
    assert words("Qwen2.5-VL Technical Report") == ["qwen2", "5", "vl", "technical", "report"]
