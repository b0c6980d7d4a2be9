"""The ingest job: read, merge, key and theme in one pass."""

import pytest


def test_themes_matched_on_records_equal_themes_matched_on_the_merged_papers(project):
    """The ingest matches themes on records while merging; a paper whose title and abstract come
    from different records must get the themes of its own title and abstract."""
    from lit_review.ingest import run_ingest
    from lit_review.project import Project
    from lit_review.themes import apply_themes, load_themes

    title = "Robust Collaborative Learning with Linear Gradient Overhead"
    abstract = (
        "We propose a gradient-free, zeroth-order method for black-box optimization of robust "
        "collaborative learning, with no backpropagation at all, and study it at length. " * 12
    )
    extra = project / "references" / "sources" / "zz-extra.txt"
    extra.write_text(f"Subscribe{title.lower()}\n{abstract.strip()}\n", encoding="utf-8")
    with pytest.warns(UserWarning, match="not in the source manifest"):
        result = run_ingest(Project.at(project))
    papers = result.corpus.papers
    row = papers.index[papers["title"] == title][0]
    assert papers.at[row, "abstract"] == abstract.strip()  # title from a seed record, abstract from ours
    assert "gradient-free" in papers.at[row, "themes"]  # from the abstract of the other record
    themes = load_themes(project / "references" / "themes.toml")
    again = apply_themes(papers.drop(columns="themes"), themes)
    assert again["themes"].tolist() == papers["themes"].tolist()
