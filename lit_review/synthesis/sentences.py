"""Sentences of an abstract: the one splitter the gist rule, its hand marks and the drafts share.

A sentence ends at ``.``, ``!`` or ``?`` (closing quotes or brackets may follow) when white space
and then an upper-case letter, a digit or an opening quote or bracket come next; not after an
abbreviation of :data:`ABBREVIATIONS` ("e.g.", "et al.", "Fig.") or a single capital (an initial,
as in "J. Smith"). White space inside a sentence is collapsed to single spaces. Deterministic,
no model, no network.
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    "e.g i.e et al vs cf fig figs eq eqs sec secs no approx resp ref refs dr prof mr ms st".split()
)
_END = re.compile(r"""(?<=[.!?])["'”’)\]]*\s+(?=["'“‘(\[]?[A-Z0-9])""")


def _abbreviation(piece: str) -> bool:
    """``piece`` (ending in ".") ends with an abbreviation or an initial, not a sentence."""
    word = piece.rsplit(None, 1)[-1].lstrip("([\"'").rstrip(".")
    return word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isupper())


def split_sentences(text: str | None) -> list[str]:
    """The sentences of ``text`` (``[]`` for none or a missing value), in order, white space collapsed."""
    text = " ".join(text.split()) if isinstance(text, str) else ""
    if not text:
        return []
    out, start = [], 0
    for m in _END.finditer(text):
        piece = text[start : m.start()]
        if piece.endswith(".") and _abbreviation(piece):
            continue
        out.append(text[start : m.end()].strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s]
