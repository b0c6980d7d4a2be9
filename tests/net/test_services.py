"""The requests made of each service, written out as the services document them."""

import pytest

from lit_review.errors import LitReviewError
from lit_review.net import services as sv

FIELDS = "title%2Cauthors%2Cyear%2Cvenue%2CpublicationVenue%2CexternalIds%2CpublicationDate%2Cabstract"


@pytest.mark.parametrize(
    ("query", "url"),
    [
        (sv.hf_daily("2025-02-17"), "https://huggingface.co/api/daily_papers?date=2025-02-17&limit=100"),
        (sv.hf_search("masked diffusion"), "https://huggingface.co/api/papers/search?q=masked%20diffusion"),
        (sv.hf_paper("2502.09992"), "https://huggingface.co/api/papers/2502.09992"),
        (
            sv.arxiv_query("testing", 10),
            "https://export.arxiv.org/api/query?search_query=all%3Atesting&start=0&max_results=10",
        ),
        (
            sv.arxiv_title("Attention Is All You Need"),
            "https://export.arxiv.org/api/query?search_query=ti%3A%22Attention%20Is%20All%20You%20Need%22"
            "&start=0&max_results=5",
        ),
        (
            sv.arxiv_ids(["1605.08386"]),
            "https://export.arxiv.org/api/query?id_list=1605.08386&start=0&max_results=1",
        ),
        (
            sv.openalex_title("BERT: Pre-training, of Deep"),
            "https://api.openalex.org/works?filter=title.search%3ABERT%20Pre-training%20of%20Deep&per-page=5",
        ),
        (
            sv.openalex_doi("10.1145/3106237.3106277"),
            "https://api.openalex.org/works/doi:10.1145/3106237.3106277",
        ),
        (
            sv.crossref_title("Fairness Testing"),
            "https://api.crossref.org/works?query.bibliographic=Fairness%20Testing&rows=5",
        ),
        (
            sv.crossref_doi("10.1021/acs.orglett.9b00971"),
            "https://api.crossref.org/works/10.1021/acs.orglett.9b00971",
        ),
        (
            sv.s2_title("Self-Attention with Relative Position Representations"),
            "https://api.semanticscholar.org/graph/v1/paper/search?query=Self%20Attention%20with%20Relative"
            f"%20Position%20Representations&fields={FIELDS}&limit=5",
        ),
        (
            sv.s2_paper("arxiv", "2106.15928"),
            f"https://api.semanticscholar.org/graph/v1/paper/arXiv:2106.15928?fields={FIELDS}",
        ),
        (
            sv.s2_paper("doi", "10.18653/v1/N18-3011"),
            f"https://api.semanticscholar.org/graph/v1/paper/DOI:10.18653/v1/N18-3011?fields={FIELDS}",
        ),
    ],
)
def test_request_urls(query, url):
    assert query.url == url
    assert sv.SERVICES[query.service].base + query.target == url


def test_hostile_titles_stay_one_phrase():
    q = sv.arxiv_title('LLaDA: "Large" (Language) AND Diffusion OR x')
    assert dict(q.params)["search_query"] == 'ti:"LLaDA Large Language Diffusion x"'
    doi = sv.crossref_doi("10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O")
    assert (
        doi.path == "/works/10.1002/%28SICI%291097-4571%28199806%2949%3A8%3C693%3A%3AAID-ASI4%3E3.0.CO%3B2-O"
    )
    with pytest.raises(LitReviewError, match="empty title"):
        sv.s2_title("  ")


def test_same_request_same_identity_wherever_it_is_sent():
    a, b = sv.hf_search("diffusion language models"), sv.hf_search(" diffusion language models ")
    assert a == b and a.digest == b.digest and len(a.digest) == 10


def test_policies():
    assert {n: s.min_interval for n, s in sv.SERVICES.items()} == {
        "hf": 1.0, "arxiv": 3.0, "openalex": 0.1, "crossref": 0.1, "s2": 1.0,
    }  # fmt: skip
    assert [n for n, s in sv.SERVICES.items() if s.mailto_param] == ["openalex", "crossref"]
    assert {s.env for s in sv.SERVICES.values()} == {
        "LIT_REVIEW_HF_API", "LIT_REVIEW_ARXIV_API", "LIT_REVIEW_OPENALEX_API", "LIT_REVIEW_CROSSREF_API",
        "LIT_REVIEW_S2_API",
    }  # fmt: skip
