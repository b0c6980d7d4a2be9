"""BibTeX output: our own LaTeX escaping and case protection, written and read with bibtexparser v2.

bibtexparser does not escape special characters on write, and its LaTeX encoding
middleware destroys ``{...}`` case protection, so this module owns that step:
:func:`encode_latex` turns clean Unicode text into BibTeX-safe LaTeX and
:func:`decode_latex` turns it back, exactly (``decode_latex(encode_latex(s)) == s``).
bibtexparser writes and parses the entries themselves (no middleware: values are
enclosed here, so nothing is deep-copied or re-escaped).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import bibtexparser
import pandas as pd
from bibtexparser.model import Entry, Field

from .errors import LitReviewError
from .iorw import atomic_open

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


_LEAD = "()[]:;,.!?\"'"
_PROTECT_ASCII = re.compile(r"^[()\[\]:;,.!?\"']*+(?:.\S*?[A-Z]|[A-Z]\S*?\d)")


def _needs_protection(word: str) -> bool:
    """Acronyms and mixed case words (``LoRA``, ``BBTv2``, ``GPT-4``, ``LLMs``) keep their case."""
    if word.isascii():
        return _PROTECT_ASCII.match(word) is not None
    core = word.lstrip(_LEAD)
    return any(c.isupper() for c in core[1:]) or bool(
        core and core[0].isupper() and any(c.isdigit() for c in core)
    )


_ESCAPE = re.compile(r"[\\{}%&#_$~^\x80-\U0010ffff]")


def _escape(text: str) -> str:
    forward, _, _ = _unicode_tables()
    return _ESCAPE.sub(lambda m: _SPECIALS.get(m.group(0)) or forward.get(m.group(0), m.group(0)), text)


def _protect(m: re.Match) -> str:
    word = m.group(0)
    return "{" + _escape(word) + "}" if _needs_protection(word) else _escape(word)


_WORD = re.compile(r"\S+")


# An ASCII word whose case matters, as _needs_protection decides, found in one pass over a title.
_PROTECT_WORD = re.compile(r"(?<!\S)[()\[\]:;,.!?\"']*+(?:\S\S*?[A-Z]|[A-Z]\S*?\d)\S*")
_OPEN, _CLOSE = "\x00", "\x01"  # placeholders for case braces: clean text has no control characters


def encode_latex(text: str, protect_case: bool = False) -> str:
    """Escape ``text`` for a BibTeX field; with ``protect_case``, brace words whose case matters."""
    if not protect_case:
        return _escape(text)
    if not text.isascii() or _OPEN in text or _CLOSE in text:
        return _WORD.sub(_protect, text)
    marked = _PROTECT_WORD.sub(lambda m: _OPEN + m.group(0) + _CLOSE, text)
    return _escape(marked).replace(_OPEN, "{").replace(_CLOSE, "}")


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


def _known(value) -> bool:
    return value is not None and value is not pd.NA and value == value  # NaN != NaN


def _fields(title, abstract, citekey, year, month, n_authors, organization, themes) -> list[Field]:
    fields = [Field("title", "{" + encode_latex(title, protect_case=True) + "}")]
    if _known(year):
        fields.append(Field("year", str(int(year))))
        if _known(month):
            fields.append(Field("month", MONTH_MACROS[int(month) - 1]))
    notes = []
    if _known(n_authors):
        n = int(n_authors)
        notes.append(f"{n} author{'s' if n != 1 else ''}; names not given in the source listing")
    if isinstance(organization, str) and organization:
        notes.append(f"Organization: {organization}")
    if notes:
        fields.append(Field("note", "{" + encode_latex(". ".join(notes)) + "}"))
    fields.append(Field("howpublished", "{Hugging Face Papers listing}"))
    fields.append(Field("key", "{" + citekey + "}"))  # sort key for styles, as no author is known
    if isinstance(themes, (list, tuple)) and themes:
        fields.append(Field("keywords", "{" + encode_latex(", ".join(themes)) + "}"))
    fields.append(Field("abstract", "{" + encode_latex(abstract) + "}"))
    return fields


_ENTRY_COLUMNS = ("title", "abstract", "citekey", "year", "month", "n_authors", "organization", "themes")


CHUNK = 5_000  # entries written per bibtexparser call: bounds memory for large libraries


def _chunks(papers: pd.DataFrame):
    """BibTeX text for ``papers`` sorted by key, in runs of :data:`CHUNK` entries."""
    df = papers.sort_values("citekey", kind="stable")
    fmt = bibtexparser.BibtexFormat()
    fmt.indent = "  "
    fmt.value_column = 0
    fmt.block_separator = "\n"
    for start in range(0, len(df), CHUNK):
        part = df.iloc[start : start + CHUNK]
        columns = [part[c].tolist() if c in part else [None] * len(part) for c in _ENTRY_COLUMNS]
        library = bibtexparser.Library()
        for values in zip(*columns):
            library.add(Entry("misc", values[2], _fields(*values)))
        text = bibtexparser.write_string(library, unparse_stack=[], bibtex_format=fmt).rstrip("\n") + "\n"
        yield text if start == 0 else "\n" + text


def to_bibtex(papers: pd.DataFrame) -> str:
    """BibTeX text for ``papers`` (which need a ``citekey``), one ``@misc`` entry each, sorted by key."""
    return "".join(_chunks(papers))


def write_bibtex(papers: pd.DataFrame, path: str | Path) -> None:
    """Atomically write ``papers`` as a BibTeX file, streamed in chunks (same text as :func:`to_bibtex`)."""
    with atomic_open(path) as fh:
        for text in _chunks(papers):
            fh.write(text)


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
