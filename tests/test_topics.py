"""Topic discovery on the bundled corpus: deterministic, consistent, escaped, and usable from the CLI."""

import subprocess
import sys
from html.parser import HTMLParser

import pandas as pd
import pytest

from lit_review.errors import LitReviewError
from lit_review.topics import MIN_WEIGHT, NO_THEME, discover, topics_table_html, topics_text

HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def papers(seed_corpus):
    return seed_corpus.corpus.papers


@pytest.fixture(scope="module")
def found(papers):
    return discover(papers, n_topics=10, random_state=0)


def _topic_with(found, term):
    rows = found.topics[found.topics["terms"].map(lambda ts: term in ts)]
    assert len(rows) >= 1, f"no topic has the term {term!r}"
    return int(rows["topic"].iloc[0])


def test_same_corpus_same_topics(papers, found):
    again = discover(papers, n_topics=10, random_state=0)
    for a, b in zip(
        (found.topics, found.papers, found.examples, found.overlap),
        (again.topics, again.papers, again.examples, again.overlap),
    ):
        pd.testing.assert_frame_equal(a, b)
    assert topics_text(again) == topics_text(found)
    assert topics_table_html(again) == topics_table_html(found)


def test_row_order_does_not_matter(papers, found):
    shuffled = papers.sample(frac=1.0, random_state=7)
    assert topics_text(discover(shuffled, n_topics=10)) == topics_text(found)


def test_sizes_sum_to_papers_above_minimum_weight(papers, found):
    assert len(found.topics) == 10 and found.note == ""
    assert len(found.papers) == len(papers) == 544
    above = found.papers["weight"] >= MIN_WEIGHT
    assert found.topics["size"].sum() == above.sum() == found.papers["topic"].notna().sum()
    assert found.papers.loc[~above, "topic"].isna().all()
    counted = found.papers["topic"].dropna().astype(int).value_counts()
    assert dict(zip(found.topics["topic"], found.topics["size"])) == {
        t: counted.get(t, 0) for t in range(1, 11)
    }


def test_every_example_paper_is_in_its_topic(papers, found):
    ex = found.examples.merge(found.papers[["id", "topic"]], on="id", suffixes=("", "_paper"))
    assert len(ex) == len(found.examples) > 0
    assert (ex["topic"] == ex["topic_paper"]).all()
    assert found.examples.groupby("topic").size().max() <= 3
    # the examples are the topic's strongest papers and carry the corpus' own key and title
    for t, group in found.examples.groupby("topic"):
        members = found.papers[found.papers["topic"] == t]
        assert group["weight"].tolist() == sorted(members["weight"], reverse=True)[: len(group)]
    by_id = papers.set_index("id")
    assert (by_id.loc[found.examples["id"], "title"].to_numpy() == found.examples["title"].to_numpy()).all()
    assert (
        by_id.loc[found.examples["id"], "citekey"].to_numpy() == found.examples["citekey"].to_numpy()
    ).all()


def test_overlap_shares_are_shares_of_the_topics_papers(papers, found):
    ov = found.overlap
    assert ((ov >= 0) & (ov <= 1)).all().all()
    assert set(ov.columns) == {s for ts in papers["themes"] for s in ts} | {NO_THEME}
    themes_of = dict(zip(papers["id"], papers["themes"]))
    for t in found.topics["topic"]:
        ids = found.papers.loc[found.papers["topic"] == t, "id"]
        for slug in ov.columns:
            inside = sum((slug in themes_of[i]) if slug != NO_THEME else not themes_of[i] for i in ids)
            assert ov.loc[t, slug] == pytest.approx(inside / len(ids))


def test_topics_on_the_seed_corpus_make_sense(found):
    # the bundled corpus was gathered for the diffusion-guidance and RL/preference themes among others
    assert found.overlap.loc[_topic_with(found, "diffusion"), "diffusion-guidance"] > 0.8
    assert found.overlap.loc[_topic_with(found, "dpo"), "rl-llm-reasoning"] > 0.6
    # optimization theory (convergence, stochastic descent) is in the corpus but no theme defines it
    uncovered = found.topics.set_index("topic").loc[_topic_with(found, "convergence")]
    assert not uncovered["covered"] and uncovered["no_theme_share"] > 0.5
    text = topics_text(found)
    assert text.count("[not covered by a theme]") == (~found.topics["covered"]).sum() >= 1


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs = set(), set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)


def test_html_escapes_hostile_titles_and_keys(papers):
    hostile = papers.assign(
        title=papers["title"] + " " + HOSTILE,
        citekey=papers["citekey"] + '"><script>x</script>',
        themes=papers["themes"].map(lambda ts: tuple(ts) + ("<b>bold</b>",) if ts else ts),
    )
    found = discover(hostile, n_topics=5)
    out = topics_table_html(found)
    parser = _Tags()
    parser.feed(out)
    assert parser.tags <= {"p", "table", "thead", "tbody", "tr", "th", "td", "br", "strong", "code"}
    assert parser.attrs == {"style"}
    assert "<script" not in out and "<img" not in out and "<b>" not in out
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;" in out
    assert "&lt;b&gt;bold&lt;/b&gt;" in out
    assert 'style="text-align:left;vertical-align:top"' in out


def test_empty_abstracts(papers):
    blank = papers.assign(abstract="")
    blank.loc[blank.index[:3], "abstract"] = None
    blank.loc[blank.index[3], "title"] = ""  # no title, no abstract: no words, no topic
    found = discover(blank, n_topics=6)
    assert len(found.topics) == 6
    assert pd.isna(found.papers.set_index("id").loc[blank["id"].iloc[3], "topic"])
    assert found.topics["size"].sum() == found.n_assigned


def test_fewer_papers_than_topics_gives_fewer_topics(papers):
    few = papers.head(4)
    found = discover(few, n_topics=10)
    assert len(found.topics) == 4
    assert found.note.startswith("asked for 10 topics; found 4")
    assert "Note: asked for 10 topics; found 4" in topics_text(found).splitlines()[0]


@pytest.mark.parametrize("n_papers", [0, 1])
def test_too_few_papers_is_a_clear_error(papers, n_papers):
    with pytest.raises(LitReviewError, match="at least 2 papers with a title or abstract; found"):
        discover(papers.head(n_papers), n_topics=3)


def test_only_stop_words_is_a_clear_error(papers):
    words = papers.head(5).assign(title="The paper", abstract="We propose a novel method.")
    with pytest.raises(LitReviewError, match="no usable terms"):
        discover(words, n_topics=2)


def run(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "lit_review", *args], cwd=cwd, capture_output=True, text=True, timeout=600
    )


def test_cli_topics(project, papers):
    r = run("topics", "--n", "4", cwd=project)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("4 topics from 544 papers (TF-IDF + NMF over title and abstract);")
    assert [line.split(" (")[0] for line in lines if line.startswith("topic ")] == [
        f"topic {t}" for t in range(1, 5)
    ]
    assert sum(line.startswith("  themes: ") for line in lines) == 4
    titles = set(papers["title"])
    examples = [line for line in lines if line.startswith("  0.")]
    assert 4 <= len(examples) <= 12
    assert all(line.split("  ", 3)[3] in titles for line in examples)


def test_cli_topics_bad_count(project):
    r = run("topics", "--n", "0", cwd=project)
    assert r.returncode == 2
    assert r.stderr == "error: topic discovery: the number of topics must be at least 1, not 0\n"
