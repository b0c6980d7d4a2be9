"""Person names for a whole list (reference: :func:`lit_review.sources.names.person_name`)."""

from __future__ import annotations

from .._infra.columns import apply_where, strings

# "Given Middle [particles] Family" as plain_name splits it: single-spaced words of letters, marks,
# '.', "'" and '-'; the given names start with an upper-case letter, the lower-case (ASCII) words before
# the last go with it into the family name. Not when the last word is initials or a suffix, which
# person_name treats apart. Other names go to person_name in Python.
_W = r"[\p{L}\p{M}.'\-]*"
_SPLIT = rf"^(\p{{Lu}}{_W}(?: \p{{Lu}}{_W})*) ((?:[a-z]{_W} )*[\p{{Lu}}a-z]{_W})$"
# On a name _SPLIT matches, the given names end before the first lower-case word or the last word
# (cheaper for RE2 than _SPLIT's own groups)
_GIVEN_FAMILY = r"^(.*?) ((?:[a-z][^ ]* )*[^ ]+)$"
_LAST_WORD_SPECIAL = r" (?:(?:[A-Z]\.?-?){1,4}|(?i:jr\.?|sr\.?|ii|iii|iv))$"


def person_name_column(names: list[str]) -> list[str]:
    """:func:`~lit_review.sources.names.person_name` of every name: RE2 splits the plain ones (:data:`_SPLIT`)."""
    import numpy as np
    import pyarrow.compute as pc

    from ..sources.names import person_name  # here: the readers import this module

    values = strings(names)
    plain = np.asarray(pc.match_substring_regex(values, _SPLIT), dtype=bool) & ~np.asarray(
        pc.match_substring_regex(values, _LAST_WORD_SPECIAL), dtype=bool
    )
    swapped = pc.replace_substring_regex(values, _GIVEN_FAMILY, r"\2, \1")
    return apply_where(swapped, ~plain, person_name, values).to_pylist()
