"""The enrich step of every ingest, on the bundled review with a metadata folder of real files."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from lit_review.enrich import report
from lit_review.ingest import ingest
from lit_review.sources import read_source

FIXTURES = Path("/work/shared/fixtures")
DATA = Path(__file__).resolve().parents[1] / "data" / "enrich" / "hf"
THESIS = FIXTURES / "bibtex" / "coslu__thesis_bibliography.bib"  # 4 of its papers are in the bundled review


def outputs(refs: Path) -> dict[str, bytes]:
    return {
        p.name: p.read_bytes() for p in sorted(refs.iterdir()) if p.is_file() and p.suffix in (".csv", ".bib")
    }


@pytest.fixture
def enriched(project):
    """The bundled review ingested once without metadata, then with a metadata folder."""
    ingest(project)
    before = pd.read_csv(project / "references" / "papers.csv", keep_default_na=False)
    meta = project / "references" / "metadata"
    (meta / "hf").mkdir(parents=True)
    for f in [*sorted((FIXTURES / "hf").glob("*.json")), *sorted(DATA.glob("*.json"))]:
        shutil.copy(f, meta / "hf" / f.name)
    shutil.copy(THESIS, meta / THESIS.name)
    result = ingest(project)
    after = pd.read_csv(project / "references" / "papers.csv", keep_default_na=False)
    return project, before, after, result


def test_metadata_completes_papers_and_changes_nothing_else(enriched):
    project, before, after, result = enriched
    assert len(after) == len(before) == 544  # metadata never adds a paper
    b, a = before.set_index("id"), after.set_index("id")
    assert (a.loc[b.index, "citekey"] == b["citekey"]).all()  # pinned keys
    assert (a.loc[b.index, "title"] == b["title"]).all()  # titles a source gave
    done = a[a["enriched_from"] != ""]
    assert len(done) == 4
    thesis = {r.title.casefold(): r for r in read_source(THESIS).records}
    for pid, p in done.iterrows():
        r = thesis[p["title"].casefold()]
        assert p["authors"] == "; ".join(r.authors)
        assert p["enriched_from"].startswith(f"metadata/{THESIS.name}:{r.line} (authors")
        assert b.loc[pid, "authors"] == ""
    untouched = a.drop(index=done.index)
    assert untouched.drop(columns="enriched_from").equals(
        b.drop(index=done.index).drop(columns="enriched_from")
    )
    bib = (project / "references" / "library.bib").read_text(encoding="utf-8")
    for key in done["citekey"]:
        entry = bib.split(f"{{{key},", 1)[1].split("\n}", 1)[0]
        assert "author = {" in entry
    meta = sorted(p for p in (project / "references" / "metadata").rglob("*") if p.is_file())
    assert result.enrichment.index.n_rows == sum(len(read_source(p).records) for p in meta)


def test_rebuilds_are_byte_identical_and_reuse_the_index(enriched):
    project, _, _, first = enriched
    refs = project / "references"
    assert not first.enrichment.index.reused
    once = outputs(refs)
    again = ingest(project)
    assert again.enrichment.index.reused
    assert outputs(refs) == once
    shutil.rmtree(project / "reports" / ".cache")  # built again from the files: the same bytes
    assert not ingest(project).enrichment.index.reused
    assert outputs(refs) == once
    assert "enrich-ambiguous.csv" in once and once["enrich-ambiguous.csv"].startswith(b"id,title,how,")


def test_a_changed_metadata_file_rebuilds_the_index(enriched):
    project, *_ = enriched
    target = project / "references" / "metadata" / THESIS.name
    target.unlink()
    result = ingest(project)
    assert not result.enrichment.index.reused
    papers = result.corpus.papers
    assert (papers["enriched_from"] == "").all()  # the only file that completed papers is gone


def test_a_broken_metadata_file_is_reported_and_the_build_goes_on(enriched):
    project, _, after, _ = enriched
    broken = project / "references" / "metadata" / "broken.json"
    broken.write_text('[{"paper": {"id": "2406.04329", "title": "x"', encoding="utf-8")
    result = ingest(project)
    refs = project / "references"
    again = pd.read_csv(refs / "papers.csv", keep_default_na=False)
    assert again.equals(after)
    rejects = (refs / "rejects.csv").read_text(encoding="utf-8")
    assert "metadata/broken.json" in rejects
    assert len(result.corpus.papers) == 544


def test_report_dry_run_writes_nothing(enriched):
    project, *_ = enriched
    shutil.rmtree(project / "reports" / ".cache")
    (project / "references" / "enrich-ambiguous.csv").unlink()
    files = sorted(p for p in project.rglob("*"))
    from lit_review.ingest import run_ingest
    from lit_review.project import Project

    text = report(Project.at(project), run_ingest(Project.at(project), write_cache=False), dry_run=True)
    assert sorted(p for p in project.rglob("*")) == files
    assert "fields filled: authors 4, venue 4, year 4" in text
    assert "dry run: nothing written" in text
    assert "all" in text and "544" in text


def test_cli_enrich_reports_and_pins(enriched, capsys):
    from lit_review.cli import main

    project, _, after, _ = enriched
    assert main(["-C", str(project), "enrich", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "papers completed: 4" in out and "dry run: nothing written" in out
    done = after[after["enriched_from"] != ""]
    pid = done["id"].iloc[0]
    assert main(["-C", str(project), "enrich", "--pin", pid, "none"]) == 0
    pins = (project / "references" / "enrich-pins.csv").read_text(encoding="utf-8")
    assert pins == f"id,choice,note\n{pid},none,\n"
    ingest(project)
    again = pd.read_csv(project / "references" / "papers.csv", keep_default_na=False).set_index("id")
    assert again.loc[pid, "enriched_from"] == "" and again.loc[pid, "authors"] == ""
    assert main(["-C", str(project), "enrich", "--pin", pid, "arXiv:not-an-id"]) == 2
    assert "must be arXiv:<id>, doi:<doi> or none" in capsys.readouterr().err


def test_reports_are_stale_when_metadata_or_pins_change(project):
    from lit_review.enrich import pin
    from lit_review.project import Project
    from lit_review.report.plan import corpus_key

    p = Project.at(project)
    before = corpus_key(p)
    p.metadata.mkdir()
    shutil.copy(THESIS, p.metadata / THESIS.name)
    with_metadata = corpus_key(p)
    pin(p.enrich_pins, "t-0", "none")
    assert len({before, with_metadata, corpus_key(p)}) == 3


def test_a_published_version_in_the_metadata_makes_an_arxiv_paper_inproceedings(tmp_path):
    """Real pair: MDLM (arXiv 2406.04329) in a Hugging Face daily dump, and its NeurIPS 2024 entry
    in a hand-kept collection (.bib with eprint): the paper becomes @inproceedings, keeps its eprint."""
    from lit_review.bibtex import read_bibtex

    dump = FIXTURES / "hf" / "hfdaily-zh__2024-06-13.json"
    dlm = FIXTURES / "bibtex" / "bvitamins__collections__dlm.bib"
    (tmp_path / "references" / "sources").mkdir(parents=True)
    (tmp_path / "references" / "metadata").mkdir()
    shutil.copy(dump, tmp_path / "references" / "sources" / dump.name)
    shutil.copy(dlm, tmp_path / "references" / "metadata" / dlm.name)
    result = ingest(tmp_path)
    papers = result.corpus.papers.set_index("id")
    mdlm = papers.loc["arXiv:2406.04329"]
    hf_title = next(r.title for r in read_source(dump).records if r.arxiv_id == "2406.04329")
    bib = next(r for r in read_source(dlm).records if r.arxiv_id == "2406.04329")
    assert mdlm["title"] == " ".join(hf_title.split())
    assert (mdlm["venue"], mdlm["entry_type"]) == (bib.venue, "inproceedings")
    assert mdlm["enriched_from"] == f"metadata/{dlm.name}:{bib.line} (venue)"
    assert len(papers) == len({r.arxiv_id for r in read_source(dump).records})
    entry = read_bibtex(tmp_path / "references" / "library.bib").set_index("citekey").loc[mdlm["citekey"]]
    assert entry["entry_type"] == "inproceedings"
    assert entry["booktitle"] == "Advances in Neural Information Processing Systems"
    assert entry["eprint"] == "2406.04329" and entry["archivePrefix"] == "arXiv"
