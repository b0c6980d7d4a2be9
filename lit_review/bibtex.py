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
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import bibtexparser
import pandas as pd
from bibtexparser.model import Entry, Field

from ._infra.columns import apply_where, arrow, known, sort_order, strings, take, text_bytes
from ._infra.iorw import atomic_open
from .errors import LitReviewError

if TYPE_CHECKING:
    import pyarrow as pa

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
# Printable ASCII (most text) is escaped by one str.replace per special, at C speed; the
# specials whose escapes hold backslashes or braces pass through placeholders first.
_HELD = {"\\": "\x03", "{": "\x04", "}": "\x05"}
_ASCII_STEPS = (
    *_HELD.items(),
    *((c, _SPECIALS[c]) for c in "%&#_$~^"),
    *((held, _SPECIALS[c]) for c, held in _HELD.items()),
)


def _escape(text: str) -> str:
    if text.isascii() and text.isprintable():
        for special, escaped in _ASCII_STEPS:
            text = text.replace(special, escaped)
        return text
    forward, _, _ = _unicode_tables()
    return _ESCAPE.sub(lambda m: _SPECIALS.get(m.group(0)) or forward.get(m.group(0), m.group(0)), text)


def _protect(m: re.Match) -> str:
    word = m.group(0)
    return "{" + _escape(word) + "}" if _needs_protection(word) else _escape(word)


_WORD = re.compile(r"\S+")


# An ASCII word whose case matters, as _needs_protection decides, found in one pass over a title.
_PROTECT_WORD = re.compile(r"(?<!\S)[()\[\]:;,.!?\"']*+(?:\S\S*?[A-Z]|[A-Z]\S*?\d)\S*")


def encode_latex(text: str, protect_case: bool = False) -> str:
    """Escape ``text`` for a BibTeX field; with ``protect_case``, brace words whose case matters."""
    if not protect_case:
        return _escape(text)
    if not (text.isascii() and text.isprintable()):
        return _WORD.sub(_protect, text)
    # case braces as placeholders (printable text has no control characters), then escaped text
    marked = _PROTECT_WORD.sub("\x00\\g<0>\x01", text)
    for special, escaped in _ASCII_STEPS:
        marked = marked.replace(special, escaped)
    return marked.replace("\x00", "{").replace("\x01", "}")


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


def _fields(title, abstract, citekey, year, month, n_authors, organization, themes) -> list[Field]:
    fields = [Field("title", "{" + encode_latex(title, protect_case=True) + "}")]
    if known(year):
        fields.append(Field("year", str(int(year))))
        if known(month):
            fields.append(Field("month", MONTH_MACROS[int(month) - 1]))
    note = _note(n_authors, organization)
    if note:
        fields.append(Field("note", note))
    fields.append(Field("howpublished", "{Hugging Face Papers listing}"))
    fields.append(Field("key", "{" + citekey + "}"))  # sort key for styles, as no author is known
    keywords = _keywords(themes)
    if keywords:
        fields.append(Field("keywords", keywords))
    fields.append(Field("abstract", "{" + encode_latex(abstract) + "}"))
    return fields


_ENTRY_COLUMNS = ("title", "abstract", "citekey", "year", "month", "n_authors", "organization", "themes")
FIELD_ORDER = ("title", "year", "month", "note", "howpublished", "key", "keywords", "abstract")
CHUNK = 20_000  # entries rendered per step: bounds memory for large libraries


def bibtex_format() -> bibtexparser.BibtexFormat:
    """The layout of our files: two-space indent, no value alignment, one blank line between entries."""
    fmt = bibtexparser.BibtexFormat()
    fmt.indent = "  "
    fmt.value_column = 0
    fmt.block_separator = "\n"
    return fmt


def to_library(papers: pd.DataFrame) -> bibtexparser.Library:
    """``papers`` as a bibtexparser :class:`~bibtexparser.Library` of ``@misc`` entries, sorted by key."""
    df = papers.sort_values("citekey", kind="stable")
    columns = [df[c].tolist() if c in df else [None] * len(df) for c in _ENTRY_COLUMNS]
    library = bibtexparser.Library()
    for values in zip(*columns):
        library.add(Entry("misc", values[2], _fields(*values)))
    return library


@lru_cache(maxsize=1)
def _field_pieces() -> tuple[str, dict[str, str], str]:
    """What bibtexparser writes around each value: entry head, text before each field's value, tail.

    Rendered once by bibtexparser from an entry of placeholders; every entry is then these
    pieces around its values. Fields are written independently of each other (no value
    alignment), so the piece before a field does not depend on which fields precede it.
    """
    entry = Entry("misc", "\x00", [Field(name, "\x00") for name in FIELD_ORDER])
    text = bibtexparser.write_string(
        bibtexparser.Library([entry]), unparse_stack=[], bibtex_format=bibtex_format()
    )
    head, *pieces, tail = text.split("\x00")
    return head, dict(zip(FIELD_ORDER, pieces)), tail


# _PROTECT_WORD for RE2, on printable ASCII: a word starts after a space (RE2 has no look-behind),
# and what follows its leading punctuation is not punctuation (RE2 has no possessive repeat).
_P = r"()\[\]:;,.!?\"'"
_PROTECT_WORD_RE2 = rf"(^|\s)([{_P}]*(?:[^\s{_P}]\S*?[A-Z]|[A-Z]\S*?\d)\S*)"
_PLAIN = r"[^\x20-\x7e]|[\\{}%&#_$~^]"  # a row with one of these goes through encode_latex in Python


def encode_column(values, protect_case: bool = False) -> pa.Array:
    """:func:`encode_latex` of every value: Arrow for printable ASCII text, Python for the other rows."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    values = strings(values)
    mask = np.asarray(pc.match_substring_regex(values, _PLAIN), dtype=bool)
    out = pc.replace_substring_regex(values, _PROTECT_WORD_RE2, r"\1{\2}") if protect_case else values
    if not mask.any():
        return out
    python = mask.copy()
    if not protect_case:  # printable ASCII with specials: the same replacements as _escape, column-wise
        python[mask] = np.asarray(pc.match_substring_regex(values.filter(pa.array(mask)), r"[^\x20-\x7e]"))
        arrow_rows = mask & ~python
        if arrow_rows.any():
            escaped = values.filter(pa.array(arrow_rows))
            for special, replacement in _ASCII_STEPS:
                escaped = pc.replace_substring(escaped, special, replacement)
            out = pc.replace_with_mask(out, pa.array(arrow_rows), escaped)
    return apply_where(out, python, lambda v: encode_latex(v, protect_case), values)


def _optional(piece: str, values: list) -> pa.Array:
    """A field's text where it has a value (``piece`` + value), else nothing."""
    import pyarrow as pa

    return pa.array(["" if v is None else piece + v for v in values], pa.large_string())


def _note(n_authors, organization) -> str | None:
    notes = []
    if known(n_authors):
        n = int(n_authors)
        notes.append(f"{n} author{'s' if n != 1 else ''}; names not given in the source listing")
    if isinstance(organization, str) and organization:
        notes.append(f"Organization: {organization}")
    return "{" + encode_latex(". ".join(notes)) + "}" if notes else None


def _keywords(themes) -> str | None:
    return (
        "{" + encode_latex(", ".join(themes)) + "}" if isinstance(themes, (list, tuple)) and themes else None
    )


def _cached(fn, args) -> list:
    """``[fn(*a) for a in args]``, computing each distinct argument tuple once."""
    seen: dict = {}
    out = []
    for a in args:
        try:
            value = seen[a]
        except KeyError:
            value = seen[a] = fn(*a)
        except TypeError:  # unhashable (a list of themes)
            value = fn(*a)
        out.append(value)
    return out


def _render(part: pd.DataFrame, titles: pa.Array, abstracts: pa.Array, first: bool) -> pa.Array:
    """One entry of text per row of ``part`` (rows in output order), each preceded by the separator."""
    import pyarrow as pa
    import pyarrow.compute as pc

    head, piece, tail = _field_pieces()
    n = len(part)
    keys = pa.array(part["citekey"].tolist(), pa.large_string())
    cols = {c: part[c].tolist() if c in part else [None] * n for c in _ENTRY_COLUMNS[3:]}  # not the text
    years = [str(int(y)) if known(y) else None for y in cols["year"]]
    months = [MONTH_MACROS[int(m) - 1] if y and known(m) else None for y, m in zip(years, cols["month"])]
    notes = _cached(_note, zip(cols["n_authors"], cols["organization"]))  # few distinct notes
    keywords = _cached(_keywords, ((t,) for t in cols["themes"]))
    separator = ["\n"] * n
    if first and n:
        separator[0] = ""
    lit = lambda text: pa.scalar(text, pa.large_string())  # noqa: E731
    return pc.binary_join_element_wise(
        pa.array(separator, pa.large_string()),
        lit(head),
        keys,
        lit(piece["title"] + "{"),
        encode_column(titles, protect_case=True),
        lit("}"),
        _optional(piece["year"], years),
        _optional(piece["month"], months),
        _optional(piece["note"], notes),
        lit(piece["howpublished"] + "{Hugging Face Papers listing}" + piece["key"] + "{"),
        keys,
        lit("}"),
        _optional(piece["keywords"], keywords),
        lit(piece["abstract"] + "{"),
        encode_column(abstracts),
        lit("}" + tail),
        lit(""),
    )


def _chunks(papers: pd.DataFrame):
    """BibTeX bytes for ``papers`` sorted by key, in runs of :data:`CHUNK` entries.

    The text is what bibtexparser writes for :func:`to_library` (tests hold the two equal);
    it is assembled column by column in Arrow rather than entry by entry.
    """
    order = sort_order(papers["citekey"])
    small = papers[[c for c in _ENTRY_COLUMNS[2:] if c in papers]]
    text = {c: arrow(papers[c]) for c in _ENTRY_COLUMNS[:2]}

    def render(start: int) -> memoryview:
        rows = order[start : start + CHUNK]
        part = {c: take(values, rows) for c, values in text.items()}
        return text_bytes(_render(small.iloc[rows], part["title"], part["abstract"], start == 0))

    # two chunks at a time (rendering is mostly Arrow, which runs outside the GIL), at most three ahead
    with ThreadPoolExecutor(2) as pool:
        pending: deque = deque()
        for start in range(0, len(papers), CHUNK):
            pending.append(pool.submit(render, start))
            if len(pending) > 2:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def to_bibtex(papers: pd.DataFrame) -> str:
    """BibTeX text for ``papers`` (which need a ``citekey``), one ``@misc`` entry each, sorted by key."""
    return b"".join(_chunks(papers)).decode("utf-8")


def write_bibtex(papers: pd.DataFrame, path: str | Path) -> None:
    """Atomically write ``papers`` as a BibTeX file, streamed in chunks (same text as :func:`to_bibtex`)."""
    with atomic_open(path, "wb") as fh:
        for data in _chunks(papers):
            fh.write(data)


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
