"""Normalization, merging, dates and the accounting invariant on the seed corpus."""

import pandas as pd
import pytest


def test_seed_counts(seed_corpus):
    c = seed_corpus.corpus
    assert c.n_read == 647
    assert len(c.papers) == 544
    assert c.n_duplicates == 103
    assert c.rejects == []


def test_yearless_date_resolves_against_capture_date(seed_corpus):
    p = seed_corpus.corpus.papers
    mech = p[p["title"].str.startswith("Using Mechanistic Interpretability")].iloc[0]
    assert (mech["year"], mech["month"], mech["date_basis"]) == (2025, 3, "inferred from capture date")
    # The Mar 13 page has no known capture year: its papers keep an unknown year.
    nupes = p[p["title"].str.startswith("NUPES")].iloc[0]
    assert pd.isna(nupes["year"])


def test_columns(seed_corpus):
    cols = set(seed_corpus.corpus.papers.columns)
    assert {
        "id",
        "citekey",
        "title",
        "abstract",
        "year",
        "month",
        "n_authors",
        "organization",
        "upvotes",
        "sources",
    } <= cols


def test_duplicates_report_shows_every_merged_record(seed_corpus):
    import csv
    import io

    from lit_review.export import duplicates_csv

    rows = list(csv.DictReader(io.StringIO(duplicates_csv(seed_corpus.corpus))))
    merged = seed_corpus.corpus.papers.query("n_sources > 1")
    assert len(rows) == int(merged["n_sources"].sum())
    assert len(rows) - len(merged) == 103  # records removed as duplicates
    free = [r["title_as_read"] for r in rows if "Path Integral Control" in r["title"]]
    assert sorted(t.split(":")[0] for t in free) == ["Free$^2$Guide", "Free^2Guide"]


def test_vectorized_theme_matching_equals_the_per_paper_reference(seed_corpus):
    from lit_review.themes import load_themes, match_paper, match_theme

    from .conftest import ROOT

    papers = seed_corpus.corpus.papers
    for theme in load_themes(ROOT / "references" / "themes.toml"):
        m = match_theme(theme, papers)
        for row, score, matched, decision in zip(
            papers.itertuples(), m["score"], m["matched"], m["decision"]
        ):
            ref = match_paper(theme, row.title, row.abstract, (row.id, row.citekey))
            assert (ref.score, ref.matched, ref.decision) == (score, matched, decision), (
                theme.slug,
                row.title,
            )


@pytest.mark.parametrize("handoff", ["shared memory", "no shared memory"])
def test_reading_in_worker_processes_gives_the_same_corpus(tmp_path, monkeypatch, handoff):
    from lit_review._infra import parallel
    from lit_review.corpus import read_corpus

    from .conftest import ROOT

    files = sorted((ROOT / "references" / "sources").iterdir())
    files.append(tmp_path / "unreadable.txt")
    files[-1].write_bytes(b"\x00\x01 binary")
    one, errors_one = read_corpus(files, workers=1)
    shared = tmp_path / "shm"
    shared.mkdir()
    monkeypatch.setattr(
        parallel, "_SHARED", str(shared if handoff == "shared memory" else tmp_path / "absent")
    )
    two, errors_two = read_corpus(files, workers=2)
    pd.testing.assert_frame_equal(one.papers, two.papers)
    pd.testing.assert_frame_equal(one.records, two.records)
    assert (one.n_read, one.rejects) == (two.n_read, two.rejects)
    assert [str(e) for e in errors_one] == [str(e) for e in errors_two] and len(errors_two) == 1
    assert list(shared.iterdir()) == []  # nothing left in shared memory


def test_workers_do_not_rerun_a_script_without_a_main_guard(tmp_path):
    import subprocess
    import sys

    from .conftest import ROOT

    script = tmp_path / "review.py"
    script.write_text(
        "import glob\n"
        "from lit_review.corpus import read_corpus\n"
        f"corpus, _ = read_corpus(sorted(glob.glob({str(ROOT / 'references' / 'sources')!r} + '/*')), workers=2)\n"
        "print('ran', len(corpus.papers), corpus.n_read)\n"
    )
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["ran", "544", "647"]  # once: the workers did not run the script again


def test_base_keys_from_the_readers_equal_those_computed_from_the_papers(tmp_path):
    from lit_review.citekeys import assign_keys, load_pins
    from lit_review.corpus import read_corpus

    from .conftest import ROOT

    corpus, _ = read_corpus(sorted((ROOT / "references" / "sources").iterdir()))
    assert "base_key" not in corpus.papers  # the documented columns only
    pins = load_pins(tmp_path / "none.csv")
    given, _ = assign_keys(corpus.papers, pins, corpus.base_keys)
    computed, _ = assign_keys(corpus.papers, pins)
    assert given.tolist() == computed.tolist()


def test_every_fixture_together_every_record_accounted_and_the_same_papers_merged(tmp_path):
    """All real fixture files of all formats in one corpus (../shared/fixtures, MANIFEST.md; tests/data)."""
    from lit_review.corpus import read_corpus

    from .conftest import ROOT
    from .sources import FIXTURES as fixtures
    from .sources import cassette_bodies, manifest_counts

    formats = ("hf", "arxiv", "bibtex", "ris", "csl", "wos", "medline", "scopus")
    files = sorted(p for d in formats for p in (fixtures / d).iterdir())
    api = [*(fixtures / "openalex").iterdir(), *(fixtures / "semanticscholar").glob("*.json")]
    data = ROOT / "tests" / "data" / "crossref"
    api += [*(fixtures / "crossref").iterdir(), *data.glob("*.json")]
    api += cassette_bodies(fixtures / "semanticscholar" / "test_get_paper_references.yaml", tmp_path)
    for cassette in ("cr_works__parses_links", "cr_works_param_select", "cr_works_no_content_domain_fail"):
        api += cassette_bodies(data / f"rcrossref__{cassette}.yml", tmp_path)
    corpus, errors = read_corpus(files + api)
    assert errors == []
    rejected_or_skipped = sum(r.kind in ("record", "skipped") for r in corpus.rejects)
    assert corpus.n_read == corpus.n_records + rejected_or_skipped  # nothing dropped silently
    # the database exports: every record the MANIFEST counts (WoS 32 + 34, MEDLINE 10, Scopus 58)
    # is read, and Scopus's 9 Conference Reviews are skipped, not papers
    counts = manifest_counts()
    by_format: dict[str, int] = {}
    for batch in corpus.listings:
        by_format[batch.format] = by_format.get(batch.format, 0) + batch.n_read
    for fmt, folder in (("wos", "wos"), ("medline", "medline"), ("scopus-csv", "scopus")):
        expected = sum(n for path, n in counts.items() if path.startswith(folder + "/"))
        assert by_format[fmt] == expected, fmt
    assert (by_format["wos"], by_format["medline"], by_format["scopus-csv"]) == (66, 10, 58)
    skipped = [r for r in corpus.rejects if r.kind == "skipped" and r.source == "litstudy__scopus.csv"]
    assert len(skipped) == 9
    # the API responses: 1 OpenAlex work, 2 S2 items, 2 + 3 Crossref works, 50 + 17 S2 references
    # of which 10 + 13 are unresolved (paperId null, rejected), Crossref pages of 3 + 3 + 20 works
    # and a peer review (skipped): 102 read, 78 kept, 23 rejected, 1 skipped
    api_names = {p.name for p in api}
    api_listings = [lst for lst in corpus.listings if lst.source in api_names]
    counts = [sum(getattr(b, n) for b in api_listings) for n in ("n_read", "n_rejected", "n_skipped")]
    assert counts == [102, 23, 1]
    by_doi = corpus.papers.dropna(subset=["doi"]).set_index("doi")
    assert len(by_doi.at["10.7717/peerj.4375", "references"]) == 45  # OpenAlex referenced_works
    assert by_doi.at["10.7717/peerj.4375", "service_ids"] == ("openalex:W2741809807",)
    assert len(by_doi.at["10.1038/s43586-021-00024-3", "references"]) == 141  # Crossref references with a DOI
    by_arxiv = corpus.papers.dropna(subset=["arxiv_id"]).set_index("arxiv_id")
    # the same paper in two files or formats (MANIFEST.md, "Same paper in several files"): one paper
    for arxiv in (
        "2406.04329",
        "2502.09992",
        "2607.27958",
        "2607.16922",
        "1401.2910",
        "1508.05387",
        "1305.4904",
    ):
        assert by_arxiv.at[arxiv, "n_sources"] == 2, arxiv
    # a published version wins the entry type and venue, the arXiv id is kept
    assert by_arxiv.at["2502.09992", "entry_type"] == "inproceedings"
    assert (
        by_arxiv.at["1401.2910", "venue"] == "Science"
        and by_arxiv.at["1401.2910", "doi"] == "10.1126/science.1252319"
    )
    # a preprint server named as a journal is no venue
    assert pd.isna(by_arxiv.at["1305.4904", "venue"])
    assert by_arxiv.at["2406.04329", "authors"][0] == "Shi, Jiaxin"
    assert corpus.papers["id"].is_unique
