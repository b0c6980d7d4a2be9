"""lit_review.snapshot: what the notebooks read; by hand, ingest once and reuse while inputs are unchanged."""

import pytest

from lit_review import snapshot as snap
from lit_review.errors import LitReviewError
from lit_review.project import Project
from lit_review.themes import load_themes, match_theme


def test_save_and_load_keep_corpus_and_matches(seed_corpus, root, tmp_path):
    proj = Project.at(root)
    themes = load_themes(proj.themes)
    taken = snap.take_snapshot(proj, seed_corpus, themes)
    assert list(taken.matches) == [t.slug for t in themes]
    snap.save_snapshot(taken, tmp_path / "s.pickle")
    back = snap.load_snapshot(tmp_path / "s.pickle")
    papers = seed_corpus.corpus.papers
    assert back.result.corpus.papers.drop(columns="themes").equals(papers.drop(columns="themes"))
    # the snapshot's themes are the screening's: the bundled decisions train gradient-free's model
    for slug, screened in back.screening.items():
        assert list(screened.table["id"]) == list(papers["id"])
        got = [slug in ts for ts in back.result.corpus.papers["themes"]]
        assert got == list(screened.table["verdict"] == "include"), slug
    assert back.screening["gradient-free"].source == "model"
    assert back.screening["diffusion-guidance"].source == "rules"
    assert back.result.corpus.papers["themes"].ne(papers["themes"]).any()  # not the bare term match
    assert "references/decisions.csv" in back.inputs
    assert back.result.corpus.base_keys is None
    assert [lst.n_read for lst in back.result.corpus.listings] == [
        lst.n_read for lst in seed_corpus.corpus.listings
    ]
    assert back.inputs == taken.inputs and "references/themes.toml" in back.inputs
    gf = next(t for t in themes if t.slug == "gradient-free")
    assert back.matches["gradient-free"].equals(match_theme(gf, seed_corpus.corpus.papers))


@pytest.mark.parametrize("content", [b"", b"not a pickle", b"\x80\x05N."])  # the last: pickled None
def test_load_rejects_what_is_not_a_snapshot(tmp_path, content):
    path = tmp_path / "s.pickle"
    path.write_bytes(content)
    with pytest.raises(LitReviewError) as err:
        snap.load_snapshot(path)
    assert err.value.path == str(path)


def test_by_hand_ingests_once_then_reuses_until_an_input_changes(project, monkeypatch):
    import lit_review.ingest

    proj = Project.at(project)
    real = lit_review.ingest.run_ingest
    calls = []
    monkeypatch.setattr(lit_review.ingest, "run_ingest", lambda p: calls.append(p) or real(p))
    first = snap.open_snapshot(proj)
    assert len(calls) == 1 and (proj.reports / snap.SNAPSHOT).is_file()
    again = snap.open_snapshot(proj)
    assert len(calls) == 1 and again.result.corpus.papers.equals(first.result.corpus.papers)
    text = proj.themes.read_text()
    proj.themes.write_text(text.replace("min_score = 3", "min_score = 4", 1))
    snap.open_snapshot(proj)
    assert len(calls) == 2
    (proj.reports / snap.SNAPSHOT).write_bytes(b"garbage")  # unreadable: made again, no error
    snap.open_snapshot(proj)
    assert len(calls) == 3


def test_a_given_path_is_loaded_never_ingested(project, tmp_path, monkeypatch):
    import lit_review.ingest

    monkeypatch.setattr(lit_review.ingest, "run_ingest", lambda p: pytest.fail("ingested"))
    with pytest.raises(LitReviewError, match="cannot read the corpus snapshot"):
        snap.open_snapshot(Project.at(project), tmp_path / "missing.pickle")
