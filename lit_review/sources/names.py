"""Person names and identifiers as the bibliographic readers (BibTeX, RIS, CSL-JSON) share them.

Names come out in BibTeX's ``Family, Given`` form (``van den Berg, Rianne``: the ``von`` part
stays with the family; ``Smith, Jr., John``; a one-part name such as an organization as it is),
split by bibtexparser's implementation of BibTeX's own rules. Identifiers: a DOI lower case
without resolver prefix, an arXiv id without its version.
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
    raw = _DBLP_NUMBER.sub("", raw.strip())
    if not raw:
        return ""
    if "," not in raw:
        family, _, initials = raw.rpartition(" ")
        if family and _INITIALS.match(initials) and " " not in family.strip():
            return clean_text(f"{family}, {initials}")
    return clean_text(parse_single_name_into_parts(raw, strict=False).merge_last_name_first)


def family_given(family: str, given: str) -> str:
    """A name given as its parts (CSL-JSON ``family``/``given``) as ``Family, Given``."""
    family, given = clean_text(family or ""), clean_text(given or "")
    return f"{family}, {given}" if family and given else family or given


_DOI = re.compile(r"\b(10\.\d{4,9}/\S+)", re.IGNORECASE)
# New-style ids (1401.2910, 2406.04329) and old-style ones (hep-th/9901001, math.GT/0309136).
_ARXIV_ID = r"(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?"
_ARXIV_BARE = re.compile(rf"^(?:arxiv:)?{_ARXIV_ID}$", re.IGNORECASE)
_ARXIV_URL = re.compile(rf"arxiv\.org/(?:abs|pdf|html)/{_ARXIV_ID}", re.IGNORECASE)
_ARXIV_DOI = re.compile(rf"^10\.48550/arxiv\.{_ARXIV_ID}$", re.IGNORECASE)
_ARXIV_CITED = re.compile(rf"\barxiv:\s*{_ARXIV_ID}", re.IGNORECASE)  # "arXiv preprint arXiv:2106.09685"


def doi_of(text: str | None) -> str | None:
    """The DOI in ``text`` (bare, ``doi:``, ``https://doi.org/...``), lower case, or None."""
    match = _DOI.search(text or "")
    return match.group(1).rstrip(".,;").lower() if match else None


def arxiv_id(eprint: str) -> str | None:
    """A bare arXiv id (``1401.2910v2``, ``arXiv:1401.2910``, ``hep-th/9901001``) without version, or None."""
    match = _ARXIV_BARE.match(eprint.strip())
    return match.group(1) if match else None


def arxiv_id_in(url: str | None = None, doi: str | None = None, cited: str | None = None) -> str | None:
    """The arXiv id of an arxiv.org URL, a ``10.48550/arXiv.X`` DOI or an ``arXiv:X`` citation text."""
    for pattern, text in ((_ARXIV_URL, url), (_ARXIV_DOI, doi), (_ARXIV_CITED, cited)):
        match = pattern.search(text) if text else None
        if match:
            return match.group(1)
    return None
