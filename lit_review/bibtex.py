"""BibTeX output: entries a LaTeX user would paste from arXiv or DBLP, written by bibtexparser v2.

:func:`entry` is the rule for one paper (its fields, in :data:`FIELD_ORDER`) and
:func:`to_library` the library bibtexparser writes from those entries; ``lit_review._fast.bibtex``
renders the same bytes column by column for large corpora (tests hold the two equal).

Entry types. A paper with a venue is ``@article`` (``journal``) or, when its ``entry_type``
says so, ``@inproceedings`` / ``@incollection`` (``booktitle``) or ``@misc`` (``howpublished``).
A paper without a venue but with authors or an id (arXiv id, DOI, URL) is an arXiv-style
``@misc`` (``author``, ``title``, ``year``, ``eprint``, ``archivePrefix = {arXiv}``,
``primaryClass``, ``doi``, ``url``). A paper with none of these (a Hugging Face listing line)
is the listing entry: ``title``, ``year``, ``month``, a ``note`` with the author count,
``howpublished = {Hugging Face Papers listing}``, ``key``, ``keywords``, ``abstract``.
Entries without authors carry ``key`` (the citation key), which styles sort by.

Text. bibtexparser does not escape special characters on write, and its LaTeX encoding
middleware destroys ``{...}`` case protection, so this module owns that step:
:func:`encode_latex` turns clean Unicode text into BibTeX-safe LaTeX (pylatexenc's macros for
accents and symbols) and :func:`decode_latex` turns it back, exactly
(``decode_latex(encode_latex(s)) == s``). Identifiers (``eprint``, ``doi``, ``url``,
``primaryClass``) are written verbatim, except ``{``, ``}``, ``\\`` and white space,
which are percent-encoded (they would unbalance the entry or break the value).

What pdflatex can typeset. The fields a style prints (``title``, ``author``, ``journal``,
``booktitle``, ``note``, ``howpublished``) hold only characters pdflatex typesets with
``\\usepackage[T1]{fontenc}`` (the usual preamble) in the form :func:`encode_latex` writes
them: ASCII and the characters of :data:`_TYPESET_RANGES` (Latin, Greek, common symbols;
found by compiling every character pylatexenc or LaTeX's UTF-8 input encoding knows).
Other characters (CJK, Cyrillic, emoji, ...) are left out of those fields by :func:`typeset`;
an author whose name is left empty is dropped and the list ends in ``and others`` (or, when no
name remains, the note gives the count). ``abstract`` and ``keywords``, which styles do not
print, keep the text whole.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

import bibtexparser
import pandas as pd
from bibtexparser.model import Entry, Field

from ._infra.columns import known
from .errors import LitReviewError
from .sources.ids import abs_url

MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_SPECIALS = {
    "\\": r"\textbackslash{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    # Real BibTeX counts every brace, escaped or not: "\{" would unbalance the entry.
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
}
_TEXT_MACROS = {v: k for k, v in _SPECIALS.items() if v.startswith("\\text")}


@lru_cache(maxsize=1)
def _unicode_tables() -> tuple[dict[str, str], dict[str, str], re.Pattern]:
    """Non-ASCII character -> ``{LaTeX}`` (from pylatexenc), its exact inverse, and a decoder regex."""
    from pylatexenc.latexencode import get_builtin_uni2latex_dict

    forward: dict[str, str] = {}
    inverse: dict[str, str] = {}
    for code, latex in sorted(get_builtin_uni2latex_dict().items()):
        if code < 0x80 or not latex.startswith("\\") or latex.count("{") != latex.count("}"):
            continue
        if "{" + latex + "}" in inverse or any(c in latex for c in "%#&$_~^"):
            continue
        forward[chr(code)] = "{" + latex + "}"
        inverse["{" + latex + "}"] = chr(code)
    alternatives = sorted(map(re.escape, inverse), key=len, reverse=True)
    pattern = re.compile(
        r"\\text(?:backslash|asciitilde|asciicircum|braceleft|braceright)\{\}|\\[%&#_$]|"
        + "|".join(alternatives)
        + r"|[{}]"
    )
    return forward, inverse, pattern


_TYPESET_RANGES = (
    "\u00a0-\u0148\u014a-\u017e\u0192\u01c4-\u01d4\u01e2\u01e3\u01e6-\u01eb\u01f0\u01f4\u01f5"
    "\u0218-\u021b\u0228\u0229\u0232\u0233\u0237\u02b7\u02c6\u02c7\u02d8-\u02dd\u0307\u0308\u0386"
    "\u0388-\u038a\u038c\u038e\u038f\u0393\u0394\u0398\u039b\u039e\u03a0\u03a3\u03a5\u03a6"
    "\u03a8-\u03be\u03c0-\u03ce\u03d1\u03d5\u03d6\u03f1\u03f5\u0e3f\u1e02\u1e03\u1e0d\u1e1e-\u1e21"
    "\u1e25\u1e30\u1e31\u1e37\u1e43\u1e45\u1e47\u1e5b\u1e63\u1e6d\u1e8e-\u1e91\u1e9e\u1ef2\u1ef3"
    "\u2000\u2001\u2004-\u2006\u2008-\u200a\u200c\u2010\u2012-\u2016\u2018-\u201a\u201c-\u201e"
    "\u2020-\u2022\u2026\u2030\u2031\u2039-\u203b\u203d\u2044\u204e\u2052\u205f\u2060\u20a1\u20a4"
    "\u20a6\u20a9\u20ab\u20ac\u20b1\u2103\u210a\u210e\u210f\u2113\u2116-\u2118\u211e\u2120\u2122"
    "\u2126\u2127\u212e\u212f\u2134\u2135\u2190-\u2199\u21a6\u21a9\u21aa\u21bc\u21bd\u21c0\u21c1"
    "\u21cc\u21d0-\u21d5\u2200\u2202\u2203\u2207-\u2209\u220b\u220c\u220f-\u2213\u2215\u2217-\u221e"
    "\u2220\u2223\u2225\u2227-\u222b\u222e\u2236\u2237\u223a\u223c\u2240\u2241\u2243-\u2245"
    "\u2247-\u2249\u224d\u2250\u2254\u2255\u2260-\u2262\u2264\u2265\u226a\u226b\u226d\u227a-\u227d"
    "\u2282-\u2287\u228e\u2291-\u2299\u22a2-\u22a5\u22c0-\u22c6\u22c8\u22e2\u22e3\u22ee\u22ef\u22f1"
    "\u2308-\u230b\u2316\u2322\u2323\u2329\u232a\u23b0\u23b1\u2422\u2423\u25b3\u25b9\u25bd\u25c3"
    "\u25cb\u25e6\u25ef\u266a\u27e8\u27e9\u27f5-\u27fa\u27fc\u2993\u2a3f\u2a6e\u2afd"
    "\U0001d400-\U0001d454\U0001d456-\U0001d467\U0001d5a0-\U0001d5d3\U0001d670-\U0001d6a3"
    "\U0001d7ce-\U0001d7d7\U0001d7e2-\U0001d7eb\U0001d7f6-\U0001d7ff"
)
_UNTYPESETTABLE = re.compile("[^\\x00-\\x7f" + "".join(_TYPESET_RANGES) + "]+")


def typeset(text: str) -> str:
    """``text`` without the characters pdflatex cannot typeset (see the module docstring)."""
    kept = _UNTYPESETTABLE.sub(" ", text)
    return kept if kept == text else " ".join(kept.split())


_LEAD = "()[]:;,.!?\"'"


def needs_protection(word: str) -> bool:
    """Acronyms and mixed case words (``LoRA``, ``BBTv2``, ``GPT-4``, ``LLMs``) keep their case.

    A word (after leading punctuation) with a capital after its first character, or that starts
    with a capital and holds a digit.
    """
    core = word.lstrip(_LEAD)
    return any(c.isupper() for c in core[1:]) or bool(
        core and core[0].isupper() and any(c.isdigit() for c in core)
    )


_ESCAPE = re.compile(r"[\\{}%&#_$~^\x80-\U0010ffff]")
_WORD = re.compile(r"\S+")


def _escape(text: str) -> str:
    forward, _, _ = _unicode_tables()
    return _ESCAPE.sub(lambda m: _SPECIALS.get(m.group(0)) or forward.get(m.group(0), m.group(0)), text)


def _protect(m: re.Match) -> str:
    word = m.group(0)
    return "{" + _escape(word) + "}" if needs_protection(word) else _escape(word)


def encode_latex(text: str, protect_case: bool = False) -> str:
    """Escape ``text`` for a BibTeX field; with ``protect_case``, brace words whose case matters."""
    return _WORD.sub(_protect, text) if protect_case else _escape(text)


def decode_latex(value: str) -> str:
    """Exact inverse of :func:`encode_latex`: case braces dropped, escapes resolved."""
    _, inverse, pattern = _unicode_tables()

    def repl(m: re.Match) -> str:
        tok = m.group(0)
        if tok in ("{", "}"):
            return ""
        if tok.startswith("\\text"):
            return _TEXT_MACROS[tok]
        if len(tok) == 2 and tok[0] == "\\":
            return tok[1]
        return inverse[tok]

    return pattern.sub(repl, value)


ENTRY_COLUMNS = (
    "citekey", "title", "abstract", "authors", "year", "month", "arxiv_id", "primary_class", "doi",
    "url", "venue", "entry_type", "keywords", "n_authors", "organization", "themes",
)  # fmt: skip
FIELD_ORDER = (
    "author", "title", "journal", "booktitle", "year", "month", "note", "howpublished", "eprint",
    "archivePrefix", "primaryClass", "doi", "url", "key", "keywords", "abstract",
)  # fmt: skip
VENUE_FIELD = {
    "article": "journal",
    "inproceedings": "booktitle",
    "incollection": "booktitle",
    "misc": "howpublished",
}
LISTING = "{Hugging Face Papers listing}"


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


def _name(value) -> str | None:
    """A name or identifier: a non-empty string, else missing."""
    return value if isinstance(value, str) and value else None


def _int(value) -> int | None:
    return int(value) if known(value) else None


def _items(value) -> tuple:
    """A list cell (tuple, list or numpy array from Arrow) as a tuple of strings; missing: ``()``."""
    if type(value) is tuple and (not value or set(map(type, value)) <= {str}):  # as the corpus holds them
        return value
    if isinstance(value, str) or value is None or not hasattr(value, "__len__"):
        return ()
    return tuple(v for v in value if isinstance(v, str))


# how each column's cells are read: absent columns and missing cells read as missing
_READ = {"citekey": str, "title": _text, "abstract": _text, "authors": _items, "keywords": _items, "themes": _items,
         "year": _int, "month": _int, "n_authors": _int}  # fmt: skip


class Paper(NamedTuple):
    """The cells of one paper that its entry is made of (:data:`ENTRY_COLUMNS`), read as Python values."""

    citekey: str
    title: str | None
    abstract: str | None
    authors: tuple
    year: int | None
    month: int | None
    arxiv_id: str | None
    primary_class: str | None
    doi: str | None
    url: str | None
    venue: str | None
    entry_type: str | None
    keywords: tuple
    n_authors: int | None
    organization: str | None
    themes: tuple

    @classmethod
    def of(cls, paper: Mapping) -> Paper:
        """A paper from a mapping (a dict, a DataFrame row): absent keys read as missing."""
        return cls(*(_READ.get(c, _name)(paper.get(c)) for c in ENTRY_COLUMNS))


def read_column(papers: pd.DataFrame, column: str) -> list:
    """Every cell of ``column`` read as :class:`Paper` reads it (an absent column: all missing)."""
    read = _READ.get(column, _name)
    return [read(v) for v in papers[column].tolist()] if column in papers else [read(None)] * len(papers)


def papers_of(papers: pd.DataFrame) -> list[Paper]:
    """The rows of ``papers`` (in their order) as :class:`Paper` values."""
    return [Paper(*row) for row in zip(*(read_column(papers, c) for c in ENTRY_COLUMNS))]


_NOT_VERBATIM = re.compile(r"[{}\\\s]")


def _verbatim(value: str) -> str:
    """An identifier as written: braces, backslashes and white space percent-encoded."""
    return "{" + _NOT_VERBATIM.sub(lambda m: quote(m.group(0)), value) + "}"


@lru_cache(maxsize=1 << 16)  # authors recur across a corpus
def _person(name: str) -> str | None:
    """``Family, Given`` as BibTeX reads a name (``None`` when nothing of it can be typeset)."""
    family, comma, given = (typeset(part).strip() for part in name.partition(","))
    if not family:
        family, given = given, ""
    if not family:
        return None
    # a top-level " and " would split the name, a comma in the given name would be read as "Jr"
    family = "{" + encode_latex(family) + "}" if not comma or _AND.search(family) else encode_latex(family)
    if not given:
        return family
    return (
        family
        + ", "
        + ("{" + encode_latex(given) + "}" if _AND.search(given) or "," in given else encode_latex(given))
    )


_AND = re.compile(r"\sand\s", re.IGNORECASE)


def _authors(authors: tuple) -> str | None:
    names = [_person(a) for a in authors]
    kept = [n for n in names if n]
    if kept and len(kept) < len(names):
        kept.append("others")
    return "{" + " and ".join(kept) + "}" if kept else None


_UNNAMED = "names not given in the source listing"
_UNTYPESET = "names left out: not in a script pdflatex typesets"


def _note(unnamed: int | None, organization: str | None, why: str = _UNNAMED) -> str | None:
    notes = []
    if unnamed is not None:
        notes.append(f"{unnamed} author{'s' if unnamed != 1 else ''}; {why}")
    if organization and typeset(organization):
        notes.append(f"Organization: {typeset(organization)}")
    return "{" + encode_latex(". ".join(notes)) + "}" if notes else None


def _keywords(keywords: tuple, themes: tuple) -> str | None:
    words = list(dict.fromkeys(keywords + themes))  # the source's keywords, then theme slugs
    return "{" + encode_latex(", ".join(words)) + "}" if words else None


def link(url: str | None, arxiv_id: str | None) -> str | None:
    """A paper's link: the source's URL, else its arXiv abstract page (as arXiv's own export gives)."""
    return url or (abs_url(arxiv_id) if arxiv_id else None)


def is_listing(p: Paper) -> bool:
    """Whether all we know of ``p`` is a listing line: no authors, ids or venue."""
    return not (p.authors or p.arxiv_id or p.doi or p.url or p.venue)


def entry_type(p: Paper) -> str:
    """``@article`` / ``@inproceedings`` ... where a venue is known (``entry_type`` when it names one), else ``@misc``."""
    if p.venue is None:
        return "misc"
    return p.entry_type if p.entry_type in VENUE_FIELD else "article"


def title_value(title: str | None) -> str:
    return "{" + encode_latex(typeset(title or ""), protect_case=True) + "}"


def abstract_value(abstract: str) -> str:
    return "{" + encode_latex(abstract) + "}"


def fields(p: Paper, title, abstract) -> list[tuple[str, object]]:
    """``(name, value)`` of each field of ``p``'s entry, in :data:`FIELD_ORDER`.

    ``title`` and ``abstract`` are passed in (their values, or any stand-in for a renderer that
    fills them later); ``abstract`` is ``None`` when the paper has none.
    """
    author = _authors(p.authors)
    note = _note(p.n_authors if not p.authors else None, p.organization)
    if p.authors and author is None:  # no name could be typeset: say how many there are
        note = _note(len(p.authors), p.organization, _UNTYPESET)
    values = {"author": author, "title": title, "note": note, "abstract": abstract}
    if p.venue is not None:
        values[VENUE_FIELD[entry_type(p)]] = "{" + encode_latex(typeset(p.venue)) + "}"
    elif is_listing(p):
        values["howpublished"] = LISTING
    if p.year is not None:
        values["year"] = str(p.year) if p.year >= 0 else f"{{{p.year}}}"  # BibTeX takes only digits bare
        values["month"] = MONTH_MACROS[p.month - 1] if p.month in range(1, 13) else None
    if p.arxiv_id:
        values.update(eprint=_verbatim(p.arxiv_id), archivePrefix="{arXiv}")
        values["primaryClass"] = p.primary_class and _verbatim(p.primary_class)
    values["doi"] = p.doi and _verbatim(p.doi)
    url = link(p.url, p.arxiv_id)
    values["url"] = url and _verbatim(url)
    if author is None:
        values["key"] = "{" + p.citekey + "}"  # the sort key for styles, as no author is given
    values["keywords"] = _keywords(p.keywords, p.themes)
    return [(name, values[name]) for name in FIELD_ORDER if values.get(name) is not None]


def entry(paper: Paper | Mapping) -> Entry:
    """The BibTeX entry of one paper (a :class:`Paper`, or a mapping of its columns)."""
    p = paper if isinstance(paper, Paper) else Paper.of(paper)
    abstract = abstract_value(p.abstract) if p.abstract is not None else None
    return Entry(
        entry_type(p), p.citekey, [Field(k, v) for k, v in fields(p, title_value(p.title), abstract)]
    )


def bibtex_format() -> bibtexparser.BibtexFormat:
    """The layout of our files: two-space indent, no value alignment, one blank line between entries."""
    fmt = bibtexparser.BibtexFormat()
    fmt.indent = "  "
    fmt.value_column = 0
    fmt.block_separator = "\n"
    return fmt


def to_library(papers: pd.DataFrame) -> bibtexparser.Library:
    """``papers`` (which need a ``citekey``) as a bibtexparser :class:`~bibtexparser.Library`, sorted by key."""
    return bibtexparser.Library([entry(p) for p in papers_of(papers.sort_values("citekey", kind="stable"))])


def library_text(papers: pd.DataFrame) -> str:
    """What bibtexparser writes for :func:`to_library`: the reference for every BibTeX writer here."""
    return bibtexparser.write_string(to_library(papers), unparse_stack=[], bibtex_format=bibtex_format())


def _unbrace(value: str) -> str:
    return value[1:-1] if value.startswith("{") and value.endswith("}") else value


def read_bibtex(path: str | Path) -> pd.DataFrame:
    """Read a BibTeX file written by :func:`write_bibtex` back into decoded fields.

    Raises :class:`LitReviewError` naming the first block bibtexparser could not parse.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    library = bibtexparser.parse_string(text, parse_stack=[])
    if library.failed_blocks:
        block = library.failed_blocks[0]
        raise LitReviewError(
            f"BibTeX block could not be parsed ({type(block).__name__}); "
            f"{len(library.failed_blocks)} failed block(s) in all",
            path,
            block.start_line + 1,
        )
    rows = []
    for entry in library.entries:
        row = {"citekey": entry.key, "entry_type": entry.entry_type}
        for f in entry.fields:
            row[f.key] = decode_latex(_unbrace(f.value))
        rows.append(row)
    return pd.DataFrame(rows)
