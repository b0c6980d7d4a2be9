"""Person names as every reader gives them: BibTeX's ``Family, Given`` form.

``van den Berg, Rianne`` (the ``von`` part stays with the family), ``Smith, Jr., John``, a
one-part name such as an organization as it is. Names are split by bibtexparser's
implementation of BibTeX's own rules; a plain ``Given Family`` name (no comma, brace or
LaTeX, as the Hugging Face and arXiv APIs give them) by the same rule written for that case,
which is much faster and tested equal to bibtexparser on every name of the fixtures.
"""

from __future__ import annotations

import re

from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

from ..text import clean_text

# DBLP tells apart people of the same name with a 4-digit suffix: "Sourav Chakraborty 0001".
_DBLP_NUMBER = re.compile(r"\s+\d{4}$")
# "Liu R." / "Adler D.G." / "Smith JA": family name then initials, as PubMed and Embase write them.
_INITIALS = re.compile(r"^(?:[A-Z]\.?-?){1,4}$")


def bibtex_names(field: str) -> tuple[tuple[str, ...], bool]:
    """The names of a BibTeX name list (``A and B and others``) and whether it was complete.

    ``and others`` (et al.) is dropped from the names and makes the list incomplete.
    """
    names, complete = [], True
    for raw in split_multiple_persons_names(field):
        if raw.strip().lower() == "others":
            complete = False
            continue
        name = person_name(raw)
        if name:
            names.append(name)
    return tuple(names), complete


def person_name(raw: str) -> str:
    """One name (``First von Last``, ``von Last, First`` or ``von Last, Jr, First``) as ``Family, Given``.

    LaTeX in the name is decoded with :func:`~lit_review.text.clean_text` after splitting (braces
    group words while splitting: ``{World Health Organization}`` is one part).
    """
    raw = " ".join(_DBLP_NUMBER.sub("", raw.strip()).split())
    if not raw:
        return ""
    if "," not in raw:
        family, _, initials = raw.rpartition(" ")
        if family and _INITIALS.match(initials) and " " not in family.strip():
            return clean_text(f"{family}, {initials}")
        if _PLAIN.match(raw):
            return plain_name(raw)
    return clean_text(parse_single_name_into_parts(raw, strict=False).merge_last_name_first)


def family_initials(raw: str) -> str:
    """A name written family name first, initials last (``Van Labeke D.``, ``Smith JA``: Scopus and
    MEDLINE ``AU``) as ``Family, Initials``; any other name as :func:`person_name` reads it."""
    family, _, initials = " ".join(raw.split()).rpartition(" ")
    if family and "," not in family and _INITIALS.match(initials):
        return clean_text(f"{family}, {initials}")
    return person_name(raw)


_PLAIN = re.compile(r"^[^{}\\$,~]+$")
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def plain_name(name: str) -> str:
    """BibTeX's split of a ``Given von Family`` name without commas, braces or LaTeX.

    The family name is the last word with any lower-case particles before it (``Emile van
    Krieken`` -> ``van Krieken, Emile``); a suffix is BibTeX's third part (``King, Jr., Martin``).
    """
    words = name.split(" ")
    if len(words) < 2 or words[0][:1].islower():  # no given name before a lower-case ("von") word
        return name
    suffix = ""
    if words[-1].lower() in _SUFFIXES and len(words) > 2:
        suffix, words = f", {words[-1]}", words[:-1]
    start = len(words) - 1
    while start > 1 and words[start - 1][:1].islower():
        start -= 1
    return f"{' '.join(words[start:])}{suffix}, {' '.join(words[:start])}"


def family_given(family: str, given: str) -> str:
    """A name given as its parts (CSL-JSON ``family``/``given``) as ``Family, Given``."""
    family, given = clean_text(family or ""), clean_text(given or "")
    return f"{family}, {given}" if family and given else family or given
