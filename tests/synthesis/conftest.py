import pytest

from ..conftest import ROOT


@pytest.fixture(scope="session")
def bundled(seed_corpus):
    """The bundled review after screening: (papers, themes by slug); ``included(slug)`` gives a theme's papers."""
    from lit_review.project import Project
    from lit_review.snapshot import take_snapshot
    from lit_review.themes import load_themes, theme_members

    proj = Project.at(ROOT)
    themes = load_themes(proj.themes)
    papers = take_snapshot(proj, seed_corpus, themes).result.corpus.papers

    class Bundled:
        by_slug = {t.slug: t for t in themes}

        @staticmethod
        def included(slug):
            return papers[theme_members(papers, slug)]

    Bundled.papers = papers
    return Bundled
