"""Text normalization for a whole column (references: :func:`lit_review.text.clean_text`,
:func:`lit_review.text.match_key`): Arrow decides the rows that need no Python."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._infra.columns import apply_where
from ..text import clean_text, match_key

if TYPE_CHECKING:
    import pyarrow as pa


# A row that clean_text leaves alone: printable ASCII, single spaces, no LaTeX hint (\, $, {).
_NEEDS_CLEANING = r"[^\x20-\x7e]|  |^ | $|[\\${]"


def clean_text_column(values: pa.Array) -> pa.Array:
    """:func:`~lit_review.text.clean_text` of every value: RE2 finds the rows it would change."""
    import pyarrow.compute as pc

    return apply_where(values, pc.match_substring_regex(values, _NEEDS_CLEANING), clean_text)


def match_key_column(titles: pa.Array) -> pa.Array:
    """:func:`~lit_review.text.match_key` of every (clean) title: Arrow for ASCII titles, Python for the rest."""
    import pyarrow.compute as pc

    ascii_keys = pc.replace_substring_regex(pc.ascii_lower(titles), "[^a-z0-9]+", "")
    return apply_where(
        ascii_keys, pc.invert(pc.string_is_ascii(titles)), lambda t: match_key(t, cleaned=True), titles
    )
