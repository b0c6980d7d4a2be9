"""Identity and merging: one paper, one record, across sources and formats.

The MDLM paper's title, authors, arXiv id and venue are those of its entry in the real
``dlm.bib`` fixture; the other records around it (a listing line, a published version with a
DOI) are made up to show one rule each. Merges of real files: ``test_corpus.py``.
"""

import pandas as pd

from lit_review.corpus import build_corpus
from lit_review.merge import near_duplicates
from lit_review.record import Batch, columns_of

from .conftest import ROOT

MDLM = "Simple and Effective Masked Diffusion Language Models"
SAHOO = ("Sahoo, Subham Sekhar", "Arriola, Marianne", "Schiff, Yair")


def corpus(*batches):
    return build_corpus([Batch(name, fmt, columns=columns_of(rows)) for name, fmt, rows in batches])


def test_the_same_paper_from_four_kinds_of_record_is_one_paper():
    c = corpus(
        ("hf.json", "hf-json", [{"line": 3, "title": MDLM, "abstract": "While diffusion models excel.",
                                  "authors": SAHOO, "arxiv_id": "2406.07524", "year": 2024, "upvotes": 11}]),
        ("dlm.bib", "bibtex", [{"line": 59, "title": MDLM, "authors": SAHOO, "year": 2024,
                                 "venue": "Advances in Neural Information Processing Systems",
                                 "entry_type": "inproceedings", "arxiv_id": "2406.07524", "citekey": "sahoo2024mdlm"}]),
        ("listing.txt", "hf-listing", [{"line": 7, "title": MDLM + " ", "abstract": "While diffusion models excel."}]),
        ("published.bib", "bibtex", [{"line": 1, "title": MDLM, "authors": SAHOO, "year": 2024,
                                       "doi": "10.52202/079017-4135", "venue": "NeurIPS", "entry_type": "inproceedings"}]),
    )  # fmt: skip
    assert len(c.papers) == 1
    p = c.papers.iloc[0]
    assert p["id"] == "arXiv:2406.07524"
    assert p["arxiv_id"] == "2406.07524" and p["doi"] == "10.52202/079017-4135"
    assert (
        p["entry_type"] == "inproceedings"
        and p["venue"] == "Advances in Neural Information Processing Systems"
    )
    assert list(p["authors"]) == list(SAHOO) and p["upvotes"] == 11 and p["n_sources"] == 4
    assert set(p["sources"]) == {"hf.json:3", "dlm.bib:59", "listing.txt:7", "published.bib:1"}
    assert c.known_as["arXiv:2406.07524"][1] == "sahoo2024mdlm"  # the user's own key, kept as a pin


def test_different_papers_that_share_a_title_stay_apart():
    intro = "Introduction"
    c = corpus(
        ("a.bib", "bibtex", [
            {"line": 1, "title": intro, "authors": ("Smith, Jane",), "year": 2001},
            {"line": 5, "title": intro, "authors": ("Doe, John",), "year": 2001},
            {"line": 9, "title": intro, "authors": ("Smith, Jane",), "year": 2015},
            {"line": 13, "title": intro, "authors": ("Smith, J.",), "year": 2002},
            {"line": 17, "title": intro, "authors": ("Smith, Jane",), "year": 2016},
        ]),
    )  # fmt: skip
    # Smith 2001 + 2002 are one paper, Smith 2015 + 2016 another (a year apart); Doe a third
    assert len(c.papers) == 3
    assert c.papers["id"].is_unique
    assert sorted(c.papers["n_sources"]) == [1, 2, 2]


def test_different_arxiv_ids_never_merge_even_with_one_title():
    c = corpus(
        ("a.json", "hf-json", [
            {"line": 1, "title": "Scaling Laws", "arxiv_id": "2001.08361"},
            {"line": 2, "title": "Scaling Laws", "arxiv_id": "2203.15556"},
            {"line": 3, "title": "Scaling Laws", "arxiv_id": "2001.08361", "doi": "10.48550/arXiv.2001.08361"},
        ]),
    )  # fmt: skip
    assert sorted(c.papers["id"]) == ["arXiv:2001.08361", "arXiv:2203.15556"]


def test_a_shared_doi_merges_records_with_different_titles():
    c = corpus(
        ("a.ris", "ris", [{"line": 1, "title": "A Mathematical Theory of Communication", "doi": "10.1002/j.1538-7305.1948.tb01338.x"}]),
        ("b.bib", "bibtex", [{"line": 4, "title": "A mathematical theory of communication, part I", "doi": "10.1002/j.1538-7305.1948.tb01338.x"}]),
    )  # fmt: skip
    assert len(c.papers) == 1 and c.papers["id"].iloc[0] == "doi:10.1002/j.1538-7305.1948.tb01338.x"


def test_listing_records_merge_by_title_as_before(seed_corpus):
    # the bundled listings have no ids or authors: ids are title hashes, as the pins record
    pins = pd.read_csv(ROOT / "references" / "citekeys.csv")
    assert set(seed_corpus.corpus.papers["id"]) == set(pins["id"])
    assert seed_corpus.corpus.known_as is None


def test_exact_duplicates_by_normalized_title_give_545(seed_corpus):
    # Independent of match_key: exact title strings, whitespace-collapsed and lower-cased.
    titles = {" ".join(t.split()).lower() for t in seed_corpus.corpus.records["title_as_read"]}
    assert len(titles) == 545


def test_latex_variant_pair_is_merged(seed_corpus):
    p = seed_corpus.corpus.papers
    free = p[p["title"].str.contains("Guide: Gradient-Free Path Integral")]
    assert len(free) == 1
    assert free.iloc[0]["n_sources"] == 2
    records = seed_corpus.corpus.records
    pair = records[records["title_as_read"].str.contains("Path Integral")]
    assert {t.split(":")[0] for t in pair["title_as_read"]} == {"Free$^2$Guide", "Free^2Guide"}
    assert set(pair["id"]) == {free.iloc[0]["id"]}  # both records point to the merged paper


def test_similar_distinct_titles_stay_apart(seed_corpus):
    titles = set(seed_corpus.corpus.papers["title"])
    for t in [
        "Large Language Models as Optimizers",
        "Language Models as Black-Box Optimizers for Vision-Language Models",
        "Sparse Backpropagation for MoE Training",
        "SparseProp: Efficient Sparse Backpropagation for Faster Training of Neural Networks",
    ]:
        assert t in titles


def test_every_provenance_kept(seed_corpus):
    p = seed_corpus.corpus.papers
    assert p["sources"].map(len).sum() == 647
    lora = p[p["title"].str.startswith("Computational Limits of Low-Rank")].iloc[0]
    assert set(lora["sources"]) >= {"hf-papers-001-daily-dec-10.txt:13"}
    assert lora["n_authors"] == 5 and lora["year"] == 2024 and lora["month"] == 6
    assert lora["n_sources"] >= 2  # also on a compact page, which has no metadata: the richer record wins


def test_ids_unique_and_from_title(seed_corpus):
    p = seed_corpus.corpus.papers
    assert p["id"].is_unique
    assert p["id"].str.fullmatch(r"t-[0-9a-f]{12}").all()


def test_near_duplicates_lists_but_does_not_merge():
    papers = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "title": [
                "Llama 2: Open Foundation Models",
                "Llama 3: Open Foundation Models",
                "Unrelated Paper",
            ],
        }
    )
    pairs = near_duplicates(papers, threshold=90)
    assert list(zip(pairs["id_a"], pairs["id_b"])) == [("a", "b")]


def test_merged_papers_take_the_author_list_of_their_richest_record():
    c = corpus(
        ("a.json", "hf-json", [
            {"line": 1, "title": MDLM, "arxiv_id": "2406.07524", "authors": SAHOO[:1]},
            {"line": 2, "title": "Other", "arxiv_id": "2406.00001", "authors": ("Doe, John",), "keywords": ("x",)},
        ]),
        ("b.json", "hf-json", [
            {"line": 1, "title": MDLM, "arxiv_id": "2406.07524", "authors": SAHOO, "keywords": ("diffusion",)},
            {"line": 2, "title": "Other", "arxiv_id": "2406.00001", "authors": ("Doe, John",), "keywords": ("y",)},
        ]),
    )  # fmt: skip
    by_id = c.papers.set_index("id")
    assert by_id.at["arXiv:2406.07524", "authors"] == SAHOO
    assert by_id.at["arXiv:2406.07524", "keywords"] == ("diffusion",)
    assert by_id.at["arXiv:2406.00001", "keywords"] == ("x", "y")


def test_references_and_service_ids_are_united_over_a_papers_records_in_read_order():
    c = corpus(
        ("openalex.json", "openalex-json", [
            {"line": 1, "title": MDLM, "arxiv_id": "2406.07524", "references": ("openalex:W1", "doi:10.1/a"),
             "service_ids": ("openalex:W9",)},
            {"line": 2, "title": "Other", "doi": "10.1/b"},
        ]),
        ("s2.json", "s2-json", [
            {"line": 1, "title": MDLM, "arxiv_id": "2406.07524", "references": ("doi:10.1/a", "arXiv:2106.09685"),
             "service_ids": ("s2:ff", "openalex:W9")},
            {"line": 2, "title": "Cited once", "references": ("s2:abc",)},
        ]),
    )  # fmt: skip
    by_id = c.papers.set_index("id")
    assert by_id.at["arXiv:2406.07524", "references"] == ("openalex:W1", "doi:10.1/a", "arXiv:2106.09685")
    assert by_id.at["arXiv:2406.07524", "service_ids"] == ("openalex:W9", "s2:ff")
    assert by_id.at["doi:10.1/b", "references"] == () and by_id.at["doi:10.1/b", "service_ids"] == ()
    assert by_id.loc[by_id["title"] == "Cited once", "references"].iloc[0] == ("s2:abc",)
    from lit_review.export import papers_csv

    assert (
        "references" not in papers_csv(c.papers).splitlines()[0]
    )  # the corpus holds them, papers.csv does not
