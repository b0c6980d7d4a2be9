"""Exports for Zotero and pandoc: CSL-JSON, RIS (read back by rispy), CSV; theme selection; the CLI."""

import json
import subprocess
import sys

import pandas as pd
import pytest
import rispy
from hypothesis import given, settings
from hypothesis import strategies as st

from lit_review.export import export_text, papers_csv, to_csl_json, to_ris, write_export

from .conftest import ROOT


def _rich():
    """Two arXiv papers (one at a venue) and a listing-only paper, out of key order, with hostile text."""
    return pd.DataFrame(
        {
            "citekey": ["sahoo2024simple", "listing2023", "nie2025large"],
            "title": [
                "Simple and Effective Masked Diffusion Language Models",
                "Only a Title\nWrapped",
                "LLaDA",
            ],
            "abstract": ["We show 50% & more.", None, "香港 abstract"],
            "authors": [("Sahoo, Subham Sekhar", "de la Cruz, Juan", "OpenAI"), (), ("Nie, Shen", "王, 芳")],
            "year": pd.array([2024, 2023, 2025], dtype="Int64"),
            "month": pd.array([6, None, 2], dtype="Int64"),
            "day": pd.array([11, None, None], dtype="Int64"),
            "arxiv_id": ["2406.07524", None, "2502.09992"],
            "primary_class": ["cs.CL", None, "cs.CL"],
            "doi": [None, None, "10.48550/arxiv.2502.09992"],
            "url": [None, None, "https://ml-gsai.github.io/LLaDA-demo/"],
            "venue": ["Advances in Neural Information Processing Systems", None, None],
            "entry_type": ["inproceedings", None, None],
            "keywords": [(), (), ("diffusion",)],
            "n_authors": pd.array([3, 4, 2], dtype="Int64"),
            "organization": [None, "香港科技大学", None],
            "themes": [("diffusion-guidance",), ("gradient-free",), ("diffusion-guidance",)],
        }
    )


def test_csl_json_items():
    items = json.loads(to_csl_json(_rich()))
    assert [i["id"] for i in items] == ["listing2023", "nie2025large", "sahoo2024simple"]
    listing, nie, sahoo = items
    assert sahoo["type"] == "paper-conference" and sahoo["container-title"].startswith("Advances in Neural")
    assert sahoo["author"] == [
        {"family": "Sahoo", "given": "Subham Sekhar"},
        {"family": "de la Cruz", "given": "Juan"},
        {"literal": "OpenAI"},
    ]
    assert sahoo["issued"] == {"date-parts": [[2024, 6, 11]]}
    assert sahoo["number"] == "arXiv:2406.07524" and sahoo["URL"] == "https://arxiv.org/abs/2406.07524"
    assert nie["type"] == "article" and nie["DOI"] == "10.48550/arxiv.2502.09992"
    assert nie["URL"] == "https://ml-gsai.github.io/LLaDA-demo/" and nie["number"] == "arXiv:2502.09992"
    assert nie["author"][1] == {"family": "王", "given": "芳"} and nie["abstract"] == "香港 abstract"
    assert nie["keyword"] == "diffusion, diffusion-guidance" and nie["issued"] == {"date-parts": [[2025, 2]]}
    assert (
        listing["title"] == "Only a Title\nWrapped" and "author" not in listing and "abstract" not in listing
    )
    assert listing["note"] == "4 authors; names not given in the source listing. Organization: 香港科技大学"


def test_ris_read_back_by_rispy():
    records = rispy.loads(to_ris(_rich()))
    assert [r["id"] for r in records] == ["listing2023", "nie2025large", "sahoo2024simple"]
    listing, nie, sahoo = records
    assert sahoo["type_of_reference"] == "CPAPER" and sahoo["secondary_title"].startswith(
        "Advances in Neural"
    )
    assert sahoo["authors"] == ["Sahoo, Subham Sekhar", "de la Cruz, Juan", "OpenAI"]
    assert sahoo["urls"] == ["https://arxiv.org/abs/2406.07524"] and sahoo["year"] == "2024"
    assert sahoo["date"] == "2024/06/11/" and sahoo["abstract"] == "We show 50% & more."
    assert nie["type_of_reference"] == "GEN" and nie["doi"] == "10.48550/arxiv.2502.09992"
    assert nie["urls"] == ["https://arxiv.org/abs/2502.09992", "https://ml-gsai.github.io/LLaDA-demo/"]
    assert nie["authors"] == ["Nie, Shen", "王, 芳"] and nie["keywords"] == [
        "diffusion",
        "diffusion-guidance",
    ]
    assert listing["title"] == "Only a Title Wrapped"  # one line per value
    assert listing["date"] == "2023///" and "authors" not in listing


def test_theme_selection_and_empty_exports():
    ids = [i["id"] for i in json.loads(export_text(_rich(), "csl-json", theme="diffusion-guidance"))]
    assert ids == ["nie2025large", "sahoo2024simple"]
    assert json.loads(export_text(_rich(), "csl-json", theme="quantization-compression")) == []
    assert export_text(_rich(), "ris", theme="quantization-compression") == ""


def test_bundled_corpus_exports(seed_corpus, tmp_path):
    papers = seed_corpus.corpus.papers
    assert export_text(papers, "csv").encode() == (ROOT / "references" / "papers.csv").read_bytes()
    items = json.loads(to_csl_json(papers))
    assert len(items) == 544 and [i["id"] for i in items] == sorted(i["id"] for i in items)
    lora = next(i for i in items if i["id"] == "loraga2024")
    assert lora["title"] == "LoRA-GA: Low-Rank Adaptation with Gradient Approximation"
    assert lora["issued"]["date-parts"][0][:2] == [2024, 7]
    # the listing gave no authors; the NeurIPS 2024 volume in references/metadata/ does (line 18936)
    assert lora["author"] == [
        {"family": "Wang", "given": "Shaowen"}, {"family": "Yu", "given": "Linxi"}, {"family": "Li", "given": "Jian"}
    ]  # fmt: skip
    records = rispy.loads(to_ris(papers))
    assert [r["id"] for r in records] == [i["id"] for i in items]
    assert all(r["title"] == i["title"] for r, i in zip(records, items))
    write_export(papers, "ris", tmp_path / "a.ris")
    write_export(papers, "ris", tmp_path / "b.ris")
    assert (tmp_path / "a.ris").read_bytes() == (tmp_path / "b.ris").read_bytes()
    assert list(tmp_path.glob(".*.tmp")) == []


def test_papers_csv_of_a_frame_without_some_columns():
    text = papers_csv(pd.DataFrame({"citekey": ["b", "a"], "title": ["T2", "T1"]}))
    empty = "," * 21  # the 21 columns after the title, all absent
    assert text.splitlines()[1:] == [f',"a","T1"{empty}', f',"b","T2"{empty}']


def _run(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "lit_review", *args], cwd=cwd, capture_output=True, text=True, timeout=600
    )


def test_cli_export(project, tmp_path):
    out = tmp_path / "gf.json"
    r = _run("export", "--format", "csl-json", "--theme", "gradient-free", "--out", str(out), cwd=project)
    assert r.returncode == 0, r.stderr
    ids = [i["id"] for i in json.loads(out.read_text(encoding="utf-8"))]
    assert "bbtv2gradientfree" in ids and "loraga2024" not in ids
    r = _run("export", "--format", "ris", cwd=project)
    assert r.returncode == 0 and r.stdout.count("\nER  - ") == 544


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "ris", "--theme", "no-such-theme"], "error: unknown theme 'no-such-theme'"),
        (["--format", "bibtex2"], "invalid choice: 'bibtex2'"),
    ],
)
def test_cli_export_errors(project, args, message):
    r = _run("export", *args, cwd=project)
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("fmt", ["csl-json", "ris", "csv"])
def test_export_then_ingest_alone_gives_the_same_papers_ids_and_authors(tmp_path, fmt):
    """Real records of three formats (HF API JSON, a hand-kept .bib, arXiv Atom) round-trip."""
    from lit_review.corpus import read_corpus

    fixtures = ROOT.parent / "shared" / "fixtures"
    files = [
        fixtures / "hf" / "hfdaily-zh__2024-06-13.json",
        fixtures / "bibtex" / "bvitamins__collections__dlm.bib",
        fixtures / "arxiv" / "arxivpy-2026__q_testing_s0_m10_bc5a6c384fe9.body.DERIVED.atom.xml",
    ]
    corpus, errors = read_corpus(files)
    assert not errors and len(corpus.papers) == 50  # 21 + 20 + 10 records, MDLM read twice
    papers = corpus.papers.assign(citekey=[f"k{i}" for i in range(len(corpus.papers))], themes=[()] * 50)
    exported = tmp_path / f"export.{fmt}"
    write_export(papers, fmt, exported)
    again, errors = read_corpus([exported])
    assert not errors and not again.rejects
    before = papers.set_index("id").sort_index()
    after = again.papers.set_index("id").sort_index()
    assert list(after.index) == list(before.index)
    assert after["authors"].tolist() == before["authors"].tolist()
    assert after["title"].tolist() == before["title"].tolist()
    assert after["year"].tolist() == before["year"].tolist()
    assert after["doi"].fillna("").tolist() == before["doi"].fillna("").tolist()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.just(float("nan")),
            st.lists(st.text(max_size=5), max_size=3).map(tuple),
            st.lists(st.text(max_size=5), max_size=3),
        ),
        max_size=6,
    )
)
def test_list_cells_joined_as_str_join(cells):
    from lit_review.export import LIST_SEPARATOR, _joined

    expected = [LIST_SEPARATOR.join(v) if isinstance(v, (list, tuple)) else "" for v in cells]
    assert _joined(cells).to_pylist() == expected
