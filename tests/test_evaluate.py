"""Theme quality against the real labels (themes_dev.csv, 218 labelled seed papers), and hostile label files."""

from pathlib import Path

import pytest

from lit_review.errors import LitReviewError
from lit_review.evaluate import disagreements, evaluate_themes, read_labels

from .conftest import LABELS as _LABELS

# the labels live in /work/shared; conftest's path assumes the checkout sits next to it
LABELS = _LABELS if _LABELS.exists() else Path("/work/shared/labels/themes_dev.csv")
GRADES = "GradES: Significantly Faster Training in Transformers with Gradient-Based Early Stopping"


def test_real_labels_are_read_as_written():
    labels = read_labels(LABELS)
    assert labels.columns.tolist() == ["title", "gradient_free", "efficient_fine_tuning", "reason"]
    assert len(labels) == 218  # 219 lines, one of them the header
    first = labels.iloc[0]
    assert first["title"].startswith("1-bit Adam: Communication Efficient")
    assert (first["gradient_free"], first["efficient_fine_tuning"]) == ("no", "no")
    grades = labels.set_index("title").loc[GRADES]  # line 102
    assert (grades["gradient_free"], grades["efficient_fine_tuning"]) == ("no", "yes")
    assert labels["gradient_free"].value_counts().to_dict() == {"no": 191, "yes": 18, "borderline": 9}


def test_figures_on_the_seed_corpus_add_up_to_the_labels(seed_corpus):
    table = evaluate_themes(seed_corpus.corpus.papers, LABELS).set_index("theme")
    assert table.index.tolist() == ["gradient-free", "efficient-fine-tuning"]
    gf = table.loc["gradient-free"]
    assert gf["unmatched"] == 0  # every labelled title is a seed paper
    assert gf["borderline"] == 9
    assert gf[["tp", "fp", "fn", "tn"]].sum() == 191 + 18  # the yes and no labels
    assert gf["tp"] + gf["fn"] == 18


def test_a_yes_label_the_theme_misses_is_a_disagreement(seed_corpus):
    papers = seed_corpus.corpus.papers
    assert papers.loc[papers["title"] == GRADES, "themes"].tolist() == [()]  # in no theme
    wrong = disagreements(papers, LABELS, "efficient-fine-tuning")
    row = wrong.set_index("title").loc[GRADES]
    assert (row["efficient_fine_tuning"], row["predicted"]) == ("yes", False)
    with pytest.raises(LitReviewError, match="no column 'no_such'"):
        disagreements(papers, LABELS, "no-such")


def test_labels_are_normalized_once_for_figures_and_disagreements(tmp_path, seed_corpus):
    papers = seed_corpus.corpus.papers
    path = tmp_path / "labels.csv"
    path.write_text(
        f"title,efficient_fine_tuning\n{GRADES}, YES \nNot a seed paper,Borderline\n", encoding="utf-8"
    )
    assert read_labels(path)["efficient_fine_tuning"].tolist() == ["yes", "borderline"]
    row = evaluate_themes(papers, path).iloc[0]
    assert (row["fn"], row["tp"], row["borderline"], row["unmatched"]) == (1, 0, 0, 1)
    assert disagreements(papers, path, "efficient-fine-tuning")["title"].tolist() == [GRADES]


@pytest.mark.parametrize(
    "text, message, line",
    [
        ('title,gradient_free\n"A title\nover two lines",yes\nB,maybe\n', "label 'maybe' is not yes", 4),
        ("title,gradient_free\nA,\n", "label '' is not yes", 2),
        ("name,gradient_free\nA,yes\n", "need a 'title' column", 1),
        ("", "need a 'title' column", 1),
        ("title,gradient_free\nA,yes\n\nB,no,extra\n", "3 fields, the header has 2", 4),
    ],
)
def test_bad_label_files_name_the_line(tmp_path, text, message, line):
    path = tmp_path / "labels.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LitReviewError, match=message) as err:
        read_labels(path)
    assert (err.value.path, err.value.line) == (str(path), line)


def test_unreadable_label_files(tmp_path):
    with pytest.raises(LitReviewError, match="cannot read labels"):
        read_labels(tmp_path / "absent.csv")
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("title,gradient_free\nCaf\xe9,yes\n".encode("latin-1"))
    with pytest.raises(LitReviewError, match="cannot read labels"):
        read_labels(latin1)
