"""``pattern.search(text)`` of many patterns over a whole column of texts (reference: Python's
``re``, row by row; tests hold the two equal, and :func:`lit_review.themes.match_theme` equal to
the per-paper :func:`lit_review.themes.match_paper`).

All patterns are searched in one pass over each text with an RE2 ``Set`` (one automaton that
reports every pattern found), so the cost hardly grows with the number of theme terms.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .._infra.columns import offsets, take

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa


def _re2_supports(pattern: str) -> bool:
    """Whether RE2 (Arrow's regex engine) compiles ``pattern`` (no look-around, no back-references)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        pc.match_substring_regex(pa.array([""]), pattern, ignore_case=True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True


_SLOW_REPEAT = 10  # RE2 copies a counted repeat's body once per count: longer bounds grow its automaton

# One piece of a pattern, in the small grammar that prefilter_pattern loosens (a VERBOSE pattern).
_PIECE = re.compile(
    r"""(?P<counted>\{(?P<low>\d+)(?:,(?P<high>\d*))?\}\??)             # {m} {m,} {m,n}, maybe lazy
      | (?P<quantifier>[*+?]\??)
      | (?P<zero>\\[bBAZz]|[\^$]|\(\?[aimsuL-]+\))                     # anchors; whole-pattern flags
      | (?P<open>\((?!\?)|\(\?(?::|P<\w+>|<\w+>|[aimsuL-]+:))         # groups that group or set flags
      | (?P<close>\))
      | (?P<alt>\|)
      | (?P<atom>\[\^?\]?(?:\\.|[^\\\[\]])*\]                         # a class (no nested "[")
          |\\(?:[xNpP]\{[^}]*\}|[^1-9])                                 # an escape (\1-\9: back-references)
          |[^\\\[\](){}*+?|^$])
    """,
    re.VERBOSE,
)


def _pieces(pattern: str) -> list[re.Match] | None:
    """``pattern`` cut into :data:`_PIECE` matches; None when it holds anything else: look-around,
    back-references, possessive or atomic repeats, conditionals, comments, verbose mode, nested
    classes, a brace that is not a counted repeat, or a repeat of nothing."""
    pieces: list[re.Match] = []
    i = 0
    while i < len(pattern):
        m = _PIECE.match(pattern, i)
        if not m:
            return None
        repeats = m.lastgroup in ("counted", "quantifier")
        if repeats and (not pieces or pieces[-1].lastgroup not in ("atom", "close")):
            return None
        pieces.append(m)
        i = m.end()
    return pieces


def _loosened(piece: re.Match) -> str:
    if piece.lastgroup != "counted":
        return piece.group()
    bound = int(piece.group("high") or piece.group("low"))
    if bound <= _SLOW_REPEAT:
        return piece.group()
    return "*?" if piece.group().endswith("?") else "*"


def prefilter_pattern(pattern: str) -> str:
    """A pattern that matches wherever ``pattern`` does, cheap for RE2: long counted repeats made unbounded.

    RE2 unrolls ``X{0,100}`` into a hundred copies of ``X``, while ``X*`` is one loop. The
    loosened pattern only picks the rows that the exact pattern then confirms, so it must never
    miss one. It does not: ``X*`` matches every text ``X{m,n}`` matches, and every construct
    :func:`_pieces` accepts (literals, classes, escapes, groups, alternation, repeats, anchors,
    flags) matches a superset when one of its parts does. A pattern with anything else is
    returned unchanged.
    """
    pieces = _pieces(pattern)
    return pattern if pieces is None else "".join(map(_loosened, pieces))


def _match(pattern: str, texts: pa.Array) -> np.ndarray:
    import numpy as np
    import pyarrow.compute as pc

    return np.asarray(pc.match_substring_regex(texts, pattern, ignore_case=True), dtype=bool)


def search_many(patterns: list[re.Pattern], texts: pa.Array | pa.ChunkedArray) -> list[np.ndarray]:
    """For each pattern, which of ``texts`` contain it (case-insensitive).

    All patterns are searched in one pass over each text (RE2's ``Set``: one automaton that
    reports every pattern found), so the cost hardly grows with the number of terms. Long
    counted repeats are loosened for that pass (:func:`prefilter_pattern`) and the rows it
    finds are confirmed with the exact pattern. Patterns RE2 does not support run with
    Python's ``re``, row by row.
    """
    import numpy as np

    n = len(texts)
    out: list[np.ndarray] = [np.zeros(n, dtype=bool) for _ in patterns]
    fast = [i for i, p in enumerate(patterns) if _re2_supports(p.pattern)]
    if len(fast) < len(patterns):
        values = texts.to_pylist()
        for i in sorted(set(range(len(patterns))) - set(fast)):
            out[i] = np.fromiter((patterns[i].search(t) is not None for t in values), dtype=bool, count=n)
    if not fast or not n:
        return out
    loose = [prefilter_pattern(patterns[i].pattern) for i in fast]
    found = _set_search(loose, texts)
    for k, i in enumerate(fast):
        rows = np.flatnonzero(found[k])
        if loose[k] != patterns[i].pattern and len(rows):  # the loosened pattern matched: confirm
            rows = rows[_match(patterns[i].pattern, take(texts, rows))]
        out[i][rows] = True
    return out


SET_MAX_MEM = 256 << 20  # bytes for the automaton of all terms (RE2's default is 8 MB)


def _set_search(patterns: list[str], texts: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """``found[k, row]``: pattern ``k`` occurs in ``texts[row]`` (RE2, case-insensitive; nulls: none)."""
    import numpy as np
    import pyarrow as pa
    import re2

    options = re2.Options()
    options.case_sensitive = False
    options.max_mem = SET_MAX_MEM
    matcher = re2.Set.SearchSet(options)
    for p in patterns:
        matcher.Add(p)
    try:
        # A set that compiles cannot fail while matching: RE2 checks at compile time that its
        # automaton fits the memory budget, and set matching never gives up on a slow automaton.
        matcher.Compile()
    except re2.error:  # too large for one automaton: one pass per pattern
        return np.array([_match(p, texts) for p in patterns], dtype=bool).reshape(len(patterns), -1)
    match = matcher.Match  # the UTF-8 bytes of each text, given as a slice of Arrow's buffer (no copy)
    found = np.zeros((len(patterns), len(texts)), dtype=bool)
    chunks = texts.chunks if isinstance(texts, pa.ChunkedArray) else [texts]
    start = 0
    for chunk in chunks:
        chunk = chunk.cast(pa.large_string())
        bounds = offsets(chunk).tolist()
        view = memoryview(chunk.buffers()[2] or b"")
        hits = [match(view[a:b]) or () for a, b in zip(bounds, bounds[1:])]
        if chunk.null_count:
            hits = [h if valid else () for h, valid in zip(hits, chunk.is_valid().to_pylist())]
        sizes = np.fromiter(map(len, hits), np.int64, count=len(hits))
        which = np.fromiter((k for h in hits for k in h), np.int64, count=int(sizes.sum()))
        found[which, np.repeat(np.arange(start, start + len(chunk)), sizes)] = True
        start += len(chunk)
    return found
