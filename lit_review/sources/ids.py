"""Identifiers as every reader gives them: a DOI lower case without resolver prefix, an arXiv id
without its version (``1401.2910``, ``hep-th/9901001``)."""

from __future__ import annotations

import re

_DOI = re.compile(r"\b(10\.\d{4,9}/\S+)", re.IGNORECASE)
_DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/10\.", re.IGNORECASE)
_SHORT_DOI = re.compile(r"^(?:https?://doi\.org/|doi:)?(10/[a-z0-9]+)$", re.IGNORECASE)
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


def record_doi(doi_field: str | None, url: str | None) -> str | None:
    """A record's DOI: its DOI field; where that is missing or a shortDOI (``10/fqd6hj``), the full
    DOI of a ``doi.org`` URL (identity needs the full one); else the shortDOI as given."""
    full = doi_of(doi_field)
    if full is None and url and _DOI_URL.search(url):
        full = doi_of(url)
    short = _SHORT_DOI.match((doi_field or "").strip())
    return full or (short.group(1).lower() if short else None)


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


def abs_url(arxiv: str) -> str:
    """The arXiv abstract page of an id."""
    return f"https://arxiv.org/abs/{arxiv}"
