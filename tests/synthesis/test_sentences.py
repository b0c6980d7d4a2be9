"""The sentence splitter the gist, its hand marks and the drafts share."""

from lit_review.synthesis.sentences import split_sentences


def test_splits_at_sentence_ends_and_keeps_text_verbatim():
    text = "Deep models are big.  We propose X!  Does it work? Yes: 3.5 points better."
    assert split_sentences(text) == [
        "Deep models are big.",
        "We propose X!",
        "Does it work?",
        "Yes: 3.5 points better.",
    ]


def test_abbreviations_initials_and_decimals_do_not_end_a_sentence():
    text = "We follow Smith et al. and J. Doe (see Fig. 2, e.g. ResNet vs. ViT) with 0.5 rate. Next."
    assert split_sentences(text) == [
        "We follow Smith et al. and J. Doe (see Fig. 2, e.g. ResNet vs. ViT) with 0.5 rate.",
        "Next.",
    ]


def test_quotes_and_brackets_after_the_full_stop_stay_with_their_sentence():
    assert split_sentences('He said "stop." (Then) we left.') == ['He said "stop."', "(Then) we left."]


def test_lower_case_after_a_full_stop_is_no_new_sentence_and_urls_survive():
    text = "Code: https://github.com/a/b.git is public. the end"
    assert split_sentences(text) == [text]


def test_nothing_gives_no_sentence():
    assert split_sentences(None) == [] and split_sentences("  \n ") == []
    assert split_sentences("no final stop") == ["no final stop"]
