"""Citation base keys for a whole column (reference: :func:`lit_review.basekey.base_key`)."""

from __future__ import annotations

from .._infra.columns import known
from ..basekey import MAX_WORD, base_key
from ..text import STOPWORDS

_PLAIN_TITLE = r"[^\x20-\x7e]|  |^ | $"  # titles that base_key_column hands to base_key in Python
_PLAIN_AUTHOR = r"^[\x20-\x7e]*,"  # "Family, Given" in ASCII: author_word is the family's letters


def base_key_column(titles, years: list, authors: list | None = None) -> list[str]:
    """:func:`~lit_review.citekeys.base_key` of every title (and first author): Arrow for single-spaced
    printable ASCII titles of papers with no author, Python for the rest."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    t = titles if isinstance(titles, pa.Array) else pa.array(titles, pa.large_string())
    python = np.asarray(pc.match_substring_regex(t, _PLAIN_TITLE), dtype=bool)
    # removing what is not a letter, digit or space before splitting leaves the same words
    tokens = pc.split_pattern(pc.replace_substring_regex(pc.ascii_lower(t), "[^a-z0-9 ]+", ""), " ")
    parents = np.asarray(pc.list_parent_indices(tokens))
    words = pc.list_flatten(tokens)
    ignored = pc.or_(
        pc.or_(pc.equal(words, ""), pc.is_in(words, value_set=pa.array(sorted(STOPWORDS), words.type))),
        pc.ascii_is_decimal(words),
    )
    significant = np.flatnonzero(~np.asarray(ignored, dtype=bool))
    owner = parents[significant]
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]) if len(owner) else owner
    second = starts + 1
    has_second = second < len(owner)
    has_second[has_second] = owner[second[has_second]] == owner[starts[has_second]]
    short = pc.utf8_slice_codeunits(words, 0, MAX_WORD)
    first_word, second_word = [None] * len(titles), [None] * len(titles)
    for target, rows in ((first_word, starts), (second_word, second[has_second])):
        for who, word in zip(owner[rows].tolist(), short.take(pa.array(significant[rows])).to_pylist()):
            target[who] = word
    families = [None] * len(titles)
    if authors is not None:
        families, python_author = _author_words(authors)
        python |= python_author
    out = []
    for k, (year, a, family) in enumerate(zip(years, first_word, families)):
        if python[k]:
            out.append(base_key(t[k].as_py(), year, authors[k] if authors is not None else None))
            continue
        if family:  # base_key's rule with an author
            out.append(f"{family}{int(year) if known(year) else ''}{a or 'paper'}")
            continue
        if a is None:
            a = "paper"
        elif not a[0].isalpha():
            a = "p" + a
        out.append(f"{a}{int(year)}" if known(year) else (a + (second_word[k] or ""))[: MAX_WORD + 4])
    return out


def _author_words(authors: list) -> tuple[list, object]:
    """:func:`~lit_review.basekey.author_word` of each first author for ASCII ``Family, Given`` names
    (else ``None``), and the rows with an author that needs Python."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    names = pa.array(authors, pa.large_string())
    plain = np.asarray(pc.fill_null(pc.match_substring_regex(names, _PLAIN_AUTHOR), False), dtype=bool)
    family = pc.list_element(pc.split_pattern(names, ",", max_splits=1), 0)
    letters = pc.replace_substring_regex(pc.ascii_lower(family), "[^a-z]+", "")
    words = pc.if_else(pa.array(plain), pc.utf8_slice_codeunits(letters, 0, MAX_WORD), None)
    return words.to_pylist(), np.asarray([a is not None for a in authors], dtype=bool) & ~plain
