"""The base of a citation key: a pure function of a paper's title, year and first author.

Computed where records are normalized (in the reader processes, column-wise:
:func:`lit_review._fast.basekey.base_key_column`) and for merged papers;
:mod:`lit_review.citekeys` disambiguates the bases and pins the keys.
"""

from __future__ import annotations

import re
import unicodedata

from ._infra.columns import known
from .text import STOPWORDS

MAX_WORD = 20


_NOT_ASCII_ALNUM = re.compile(r"[^a-z0-9]+")


# Letters that do not decompose into an ASCII letter and an accent (NFKD leaves them whole).
_LETTERS = str.maketrans(
    {"ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)


def _ascii_word(token: str) -> str:
    if token.isascii():
        folded = token.lower()
        return folded if folded.isalnum() else _NOT_ASCII_ALNUM.sub("", folded)
    return _NOT_ASCII_ALNUM.sub("", unicodedata.normalize("NFKD", token.casefold().translate(_LETTERS)))


def author_word(name: str | None) -> str:
    """The family name of an author (``"Malladi, Sadhika"`` -> ``malladi``) as key letters."""
    if not name:
        return ""
    family = name.split(",", 1)[0] if "," in name else name.split()[-1] if name.split() else ""
    return "".join(c for c in _ascii_word(family) if c.isalpha())[:MAX_WORD]


def base_key(title: str, year, author: str | None = None) -> str:
    """The key before disambiguation.

    With an author: family name + year + first significant title word (``malladi2023finetuning``);
    without: first significant title word + year (``loraga2024``), or the first two significant
    words where the year is unknown (``nupesnonuniform``).
    """
    has_year = known(year)
    family = author_word(author)
    significant: list[str] = []
    for token in title.split():  # only the first one or two significant words are needed
        word = _ascii_word(token)
        if word and word not in STOPWORDS and not word.isdigit():
            significant.append(word[:MAX_WORD])
            if len(significant) == (1 if has_year or family else 2):
                break
    if not significant:
        significant = ["paper"]
    if family:
        return f"{family}{int(year) if has_year else ''}{significant[0]}"
    if not significant[0][0].isalpha():
        significant[0] = "p" + significant[0]
    if has_year:
        return f"{significant[0]}{int(year)}"
    return "".join(significant[:2])[: MAX_WORD + 4]


def first_author(authors) -> str | None:
    """The first of a paper's authors (a list or tuple of names), if any."""
    return authors[0] if isinstance(authors, (list, tuple)) and len(authors) else None
