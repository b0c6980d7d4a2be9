"""The text of :func:`lit_review.bibtex.library_text`, rendered column by column for large corpora.

The reference builds one bibtexparser entry per paper and lets bibtexparser write them. Here
the text around each entry's title and abstract is a template made by the reference's
:func:`~lit_review.bibtex.fields` (joined with the pieces bibtexparser writes around each value)
for a stand-in paper; papers that differ only in their citation key, authors and identifiers
share it, and Arrow fills those slots (:func:`author_column`, :func:`verbatim_column`) group by
group. The two large texts (title and abstract, most of the bytes) are escaped in Arrow for
printable ASCII rows (the other rows go through :func:`~lit_review.bibtex.encode_latex`), in
chunks on two threads.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING

import bibtexparser
from bibtexparser.model import Entry, Field

from .. import bibtex as ref
from .._infra.columns import apply_where, arrow, sort_order, strings, take, text_bytes

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

CHUNK = 20_000  # entries rendered per step: bounds memory for large libraries

# The reference's case protection (ref.needs_protection, word by word) as one RE2 pattern, on printable
# ASCII: a word starts after a space (RE2 has no look-behind), and what follows its leading punctuation
# is not punctuation (RE2 has no possessive repeat). Tests hold it equal to ref.encode_latex.
_P = r"()\[\]:;,.!?\"'"
_PROTECT_WORD_RE2 = rf"(^|\s)([{_P}]*(?:[^\s{_P}]\S*?[A-Z]|[A-Z]\S*?\d)\S*)"
_NOT_PLAIN = r"[^\x20-\x7e]|[\\{}%&#_$~^]"  # a row with one of these is not escaped by RE2 alone
# ref._escape on printable ASCII at C speed: the specials whose escapes hold backslashes or braces
# pass through placeholders first (only in rows that have one), then the five escaped by a backslash
# in one RE2 pass, then ~ and ^.
_HELD = {"\\": "\x03", "{": "\x04", "}": "\x05"}
assert all(ref._SPECIALS[c] == "\\" + c for c in "%&#_$")
_BACKSLASHED = (r"([%&#_$])", r"\\\1")
_ASCII_STEPS = tuple((c, ref._SPECIALS[c]) for c in "~^")


def _escape_ascii(values: pa.Array) -> pa.Array:
    """``ref._escape`` of printable ASCII values."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    held = pa.array(np.asarray(pc.match_substring_regex(values, r"[\\{}]"), dtype=bool))
    if pc.any(held).as_py():
        part = values.filter(held)
        for special, placeholder in _HELD.items():
            part = pc.replace_substring(part, special, placeholder)
        values = pc.replace_with_mask(values, held, part)
    values = pc.replace_substring_regex(values, *_BACKSLASHED)
    for special, replacement in _ASCII_STEPS:
        values = pc.replace_substring(values, special, replacement)
    if pc.any(held).as_py():
        part = values.filter(held)
        for special, placeholder in _HELD.items():
            part = pc.replace_substring(part, placeholder, ref._SPECIALS[special])
        values = pc.replace_with_mask(values, held, part)
    return values


def encode_column(values, protect_case: bool = False) -> pa.Array:
    """``ref.encode_latex`` of every value (after ``ref.typeset`` for case-protected text, as titles are).

    Printable ASCII rows are escaped in Arrow (``typeset`` keeps them as they are); the others in Python.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    values = strings(values)
    mask = np.asarray(pc.match_substring_regex(values, _NOT_PLAIN), dtype=bool)
    out = pc.replace_substring_regex(values, _PROTECT_WORD_RE2, r"\1{\2}") if protect_case else values
    if not mask.any():
        return out
    python = mask.copy()
    if not protect_case:  # printable ASCII with specials: the same replacements as ref._escape, column-wise
        python[mask] = np.asarray(pc.match_substring_regex(values.filter(pa.array(mask)), r"[^\x20-\x7e]"))
        arrow_rows = mask & ~python
        if arrow_rows.any():
            out = pc.replace_with_mask(
                out, pa.array(arrow_rows), _escape_ascii(values.filter(pa.array(arrow_rows)))
            )
        return apply_where(out, python, ref.encode_latex, values)
    return apply_where(out, python, lambda v: ref.encode_latex(ref.typeset(v), True), values)


@lru_cache(maxsize=1)
def _pieces() -> tuple[str, str, dict[str, str], str]:
    """What bibtexparser writes around an entry's parts: before its type, before its key, before each value, after.

    Rendered once by bibtexparser from an entry of placeholders. Fields are written independently
    of each other (no value alignment), so the piece before a field does not depend on which
    fields precede it.
    """
    fields = [Field(name, "\x00") for name in ref.FIELD_ORDER]
    text = bibtexparser.write_string(
        bibtexparser.Library([Entry("\x00", "\x00", fields)]),
        unparse_stack=[],
        bibtex_format=ref.bibtex_format(),
    )
    before_type, before_key, *pieces, tail = text.split("\x00")
    return before_type, before_key, dict(zip(ref.FIELD_ORDER, pieces)), tail


_LARGE = object()  # stands in for the title's and the abstract's value, filled in by Arrow
# Fields whose values are rendered column by column (author_column, verbatim_column) and filled into
# an entry's template per row, with the citation key: entries differing only in these share a template.
_SLOTS = ("key", "author", "eprint", "primaryClass", "doi", "url")
_ID_COLUMNS = {"eprint": "arxiv_id", "primaryClass": "primary_class", "doi": "doi", "url": "url"}


def _merged(parts: list) -> tuple:
    """Pieces of text and slot numbers with adjacent texts joined."""
    out: list = []
    for x in parts:
        if isinstance(x, str) and out and isinstance(out[-1], str):
            out[-1] += x
        else:
            out.append(x)
    return tuple(x for x in out if x != "")


def _template(p: ref.Paper, has_abstract: bool) -> tuple[tuple, tuple, tuple]:
    """An entry's text around its title and abstract (before the title, between them, after the abstract),
    each as pieces of text and numbers of :data:`_SLOTS` (where a value of that slot goes). ``p``
    stands in for the papers sharing the template: any author, id or key present in it is a slot."""
    before_type, before_key, piece, tail = _pieces()
    out: list[tuple] = []
    text: list = [before_type + ref.entry_type(p) + before_key, 0]
    for name, value in ref.fields(p, _LARGE, _LARGE if has_abstract else None):
        if value is _LARGE:
            out.append(_merged([*text, piece[name] + "{"]))
            text = ["}"]
        elif name == "key":
            text += [piece[name] + "{", 0, "}"]
        else:
            text += [piece[name], _SLOTS.index(name)] if name in _SLOTS else [piece[name] + value]
    out.append(_merged([*text, tail]))
    return (*out, ()) if len(out) == 2 else tuple(out)  # no abstract: nothing after its place


_TEMPLATE_COLUMNS = (
    "year",
    "month",
    "venue",
    "entry_type",
    "keywords",
    "n_authors",
    "organization",
    "themes",
)


def _read(part: pd.DataFrame, column: str) -> list:
    """``ref.read_column``; integer columns through Arrow (the same Python ints, ``None`` where missing)."""
    import pyarrow as pa

    if column in ("year", "month", "n_authors") and column in part and str(part[column].dtype) == "Int64":
        return pa.array(part[column]).to_pylist()
    if column in ("authors", "keywords", "themes") and column in part:
        return _items(part[column].tolist())
    return ref.read_column(part, column)


def _items(cells: list) -> list[tuple]:
    """``ref._items`` of every cell: cells that are all tuples of strings are that already."""
    if set(map(type, cells)) <= {tuple} and set(map(type, chain.from_iterable(cells))) <= {str}:
        return cells
    return [ref._items(c) for c in cells]


def _segments(part: pd.DataFrame, has_abstract: list[bool]) -> tuple[pa.Array, pa.Array, pa.Array]:
    """:func:`_template` of each paper (``part``'s rows) with its slots filled in, as three columns of text.

    Rows are grouped by template; Arrow fills each group's slots."""
    import numpy as np
    import pyarrow as pa

    cols = [_read(part, c) for c in _TEMPLATE_COLUMNS]
    authors = author_column(part["authors"] if "authors" in part else [None] * len(part))
    ids = [verbatim_column(_id_values(part, c)) for c in _ID_COLUMNS.values()]
    untypeset = [i for i, a in enumerate(authors) if a is None]  # rows without an author field
    real_authors = dict(zip(untypeset, ref.read_column(part.iloc[untypeset], "authors")))
    templates: dict = {}  # entries share few templates (year, month, note, keywords; present fields)
    template_of = []
    rows = zip(range(len(part)), authors, *ids, *cols, has_abstract)
    for (
        i,
        author,
        eprint,
        pclass,
        doi,
        url,
        year,
        month,
        venue,
        kind,
        words,
        n,
        org,
        themes,
        abstract,
    ) in rows:
        named = ("x",) if author is not None else real_authors[i]  # any typeset name stands for the authors
        stand_in = ref.Paper(
            "", None, None, named, year, month, eprint and "x", pclass and "x", doi and "x", url and "x",
            venue, kind, words, n if not named else None, org, themes,
        )  # fmt: skip
        args = (stand_in, abstract)
        k = templates.get(args)
        if k is None:
            k = templates[args] = len(templates)
        template_of.append(k)
    slots = [
        pa.array(values, pa.large_string()) for values in (ref.read_column(part, "citekey"), authors, *ids)
    ]
    order = np.argsort(np.asarray(template_of, dtype=np.int64), kind="stable")
    counts = np.bincount(np.asarray(template_of, dtype=np.int64), minlength=len(templates))
    groups: tuple[list, list, list] = ([], [], [])
    start = 0
    for args, count in zip(templates, counts.tolist()):
        rows_of = pa.array(order[start : start + count])
        start += count
        for column, parts in zip(groups, _template(*args)):
            column.append(_fill(parts, slots, rows_of))
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    back = pa.array(inverse)
    return tuple(pa.concat_arrays(c).take(back) if c else pa.array([], pa.large_string()) for c in groups)


def _fill(parts: tuple, slots: list, rows: pa.Array) -> pa.Array:
    """The text of ``parts`` for each of ``rows``: pieces of text as they are, slot numbers by that row's value."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not any(isinstance(x, int) for x in parts):
        return pa.repeat(_s("".join(parts)), len(rows)).cast(pa.large_string())
    values = [_s(x) if isinstance(x, str) else slots[x].take(rows) for x in parts]
    return pc.binary_join_element_wise(*values, _s(""))


def author_column(authors) -> list[str | None]:
    """``ref._authors`` of every row (a tuple of ``Family, Given`` names): Arrow joins the rows whose
    names are all plain (``ref._person`` leaves them as they are), Python renders the rest."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    lists = _items(authors.tolist() if hasattr(authors, "tolist") else list(authors))
    array = pa.array(lists, pa.list_(pa.large_string()))
    names = pc.list_flatten(array)
    plain = np.asarray(pc.match_substring_regex(names, _PLAIN_PERSON), dtype=bool) & ~np.asarray(
        pc.match_substring_regex(names, _NOT_PLAIN_PERSON), dtype=bool
    )
    rows = np.asarray(pc.list_parent_indices(array))
    python = np.zeros(len(lists), dtype=bool)
    python[rows[~plain]] = True
    joined = pc.binary_join_element_wise(_s("{"), pc.binary_join(array, _s(" and ")), _s("}"), _s(""))
    out = joined.to_pylist()
    for i in np.flatnonzero(python).tolist():
        out[i] = ref._authors(lists[i])
    for i in np.flatnonzero(pc.equal(pc.list_value_length(array), 0)).tolist():
        out[i] = None
    return out


# A name ref._person writes as it is: "Family, Given", single-spaced around one comma, printable ASCII
# without LaTeX specials, no " and " (which would need braces).
_PLAIN_PERSON = r"^[^ ,]([^,]*[^ ,])?, [^ ,]([^,]*[^ ,])?$"
_NOT_PLAIN_PERSON = r"[^\x20-\x7e]|[\\{}%&#_$~^]|(?i)\sand\s"
_NOT_VERBATIM = r"[^\x21-\x7e]|[{}\\]"  # rows ref._verbatim may change (white space, braces, backslash)


def _s(text: str):
    import pyarrow as pa

    return pa.scalar(text, pa.large_string())


def _id_values(part: pd.DataFrame, column: str) -> list:
    if column == "url":  # the reference's rule (the arXiv page where no URL is given), row by row
        return list(map(ref.link, ref.read_column(part, "url"), ref.read_column(part, "arxiv_id")))
    return part[column].tolist() if column in part else [None] * len(part)


def verbatim_column(values) -> list[str | None]:
    """``ref._verbatim`` of every identifier read as ``ref.Paper`` reads it (missing or empty: ``None``)."""
    import numpy as np
    import pyarrow.compute as pc

    values = strings(
        [
            v if isinstance(v, str) and v else None
            for v in (values.tolist() if hasattr(values, "tolist") else values)
        ]
    )
    python = np.asarray(pc.fill_null(pc.match_substring_regex(values, _NOT_VERBATIM), False), dtype=bool)
    out = apply_where(
        pc.binary_join_element_wise(_s("{"), values, _s("}"), _s("")), python, ref._verbatim, values
    )
    return out.to_pylist()


def _render(part: pd.DataFrame, titles: pa.Array, abstracts: pa.Array, first: bool) -> pa.Array:
    """One entry of text per row of ``part`` (rows in output order), each preceded by the separator."""
    import pyarrow as pa
    import pyarrow.compute as pc

    before, between, after = _segments(part, abstracts.is_valid().to_pylist())  # title, abstract in Arrow
    separator = pa.array(["\n"] * len(part), pa.large_string())
    if first and len(part):
        separator = pa.array([""] + ["\n"] * (len(part) - 1), pa.large_string())
    return pc.binary_join_element_wise(
        separator,
        before,
        encode_column(pc.fill_null(titles, ""), protect_case=True),
        between,
        encode_column(pc.fill_null(abstracts, "")),
        after,
        _s(""),
    )


def _large_text(papers: pd.DataFrame, column: str) -> pa.Array | pa.ChunkedArray:
    import pyarrow as pa

    return arrow(papers[column]) if column in papers else pa.nulls(len(papers), pa.large_string())


def library_chunks(papers: pd.DataFrame):
    """The UTF-8 bytes of ``ref.library_text(papers)``, in runs of :data:`CHUNK` entries."""
    order = sort_order(papers["citekey"])
    small = papers[[c for c in ref.ENTRY_COLUMNS if c in papers and c not in ("title", "abstract")]]
    text = {c: _large_text(papers, c) for c in ("title", "abstract")}

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
