"""What the BibTeX files of one project share: ``@string`` macros and ``crossref`` parents.

BibTeX and biber read all the ``.bib`` files of a document together: a macro defined in one
(``abbrev.bib``, ``authors.bib``) is used in another, and an entry of ``biblio.bib`` takes its
``crossref`` parent from ``crossref.bib``. :func:`shared` is the project-level pass that makes
this work while each file is still read on its own (in a worker process for large corpora):
a cheap scan of the project's BibTeX files (regular expressions over the text; only the
``@string`` blocks and the crossref targets are parsed) collects the macros and the parents,
and :func:`lit_review.sources.bibtex.read` takes them as context.

:func:`expand` evaluates a field as BibTeX does: quoted and braced parts, numbers and macros,
concatenated with ``#``; a macro defined nowhere is reported, never kept as its name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import bibtexparser
from bibtexparser.model import Entry

from .listing import MONTHS

# An entry start at the beginning of a line: "@article{", "@Proceedings {", "@comment(".
BLOCK_START = re.compile(r"^[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]", re.MULTILINE)
# The project pass scans bytes in lower case with patterns that start with a literal (scanned for
# in C). A block starts at any "@type{", as in BibTeX and bibtexparser ("%" is no comment there).
_STRING_AT = re.compile(rb"@[ \t]*string[ \t]*[{(]")
_HEAD_AT = re.compile(rb"@[ \t]*([a-z]+)[ \t]*[{(][ \t]*([^\s,{}()\"#%'=]+)[ \t]*,")
_NEXT_BLOCK = re.compile(rb"@[ \t]*[a-z]+[ \t]*[{(]")
_CROSSREF = re.compile(rb"crossref\s*=\s*[{\"]?\s*([^\s,{}\"#]+)")
_WORD = re.compile(r"[^\s\"#%'(),={}]+")
_BRACES = re.compile(r"(?<!\\)[{}]")  # bibtexparser's convention: a backslash escapes a brace
_QUOTE_OR_BRACE = re.compile(r"(?<!\\)[{}\"]")

Value = tuple[str, tuple[str, ...]]  # a macro's text, and the macros it uses that are defined nowhere
# The month macros every BibTeX style defines (plain.bst: jan = "January", ...).
MONTH_MACROS: dict[str, Value] = {m.lower(): (name, ()) for m, name in zip(MONTHS, (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"))}  # fmt: skip


@dataclass(frozen=True)
class Shared:
    """The project's ``@string`` macros (lower-case name -> text, undefined macros it uses), its
    crossref parents (lower-case key -> fields, macros expanded) and every crossref target key."""

    strings: dict[str, Value]
    parents: dict[str, dict[str, str]]
    targets: frozenset[str]


def expand(raw: str, lookup: Callable[[str], Value | None]) -> Value:
    """The text of a raw BibTeX value (``{a} # mac # "b" # 2005``) and the macros it uses that
    ``lookup`` does not know (they count as empty text, as in BibTeX). A value that is not a
    well-formed expression is returned as written."""
    raw = raw.strip()
    if raw[:1] == "{" and raw[-1:] == "}" and "#" not in raw:  # the common case: one braced value
        inner = raw[1:-1]
        plain = "{" not in inner and "}" not in inner and inner[-1:] != "\\"
        if plain or _closing_brace(raw, 0) == len(raw) - 1:
            return inner, ()
    if raw.isdigit():
        return raw, ()
    text: list[str] = []
    missing: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        part, i = _part(raw, i)
        if part is None:
            return raw, ()
        if isinstance(part, str):
            text.append(part)
        else:
            name = part[0]
            value = lookup(name.lower())
            if value is None:
                missing.append(name)
            else:
                text.append(value[0])
                missing.extend(value[1])
        while i < n and raw[i].isspace():
            i += 1
        if i < n:
            if raw[i] != "#":
                return raw, ()
            i += 1
            if i == n:
                return raw, ()
    return "".join(text), tuple({m.lower(): m for m in reversed(missing)}.values())[::-1]


def _part(raw: str, i: int) -> tuple[str | tuple[str] | None, int]:
    """The part of an expression at ``i`` (text, or ``(macro name,)``) and where it ends."""
    n = len(raw)
    while i < n and raw[i].isspace():
        i += 1
    if i == n:
        return None, i
    if raw[i] == "{":
        end = _closing_brace(raw, i)
        return (raw[i + 1 : end], end + 1) if end > 0 else (None, i)
    if raw[i] == '"':
        end = _closing_quote(raw, i)
        return (raw[i + 1 : end], end + 1) if end > 0 else (None, i)
    word = _WORD.match(raw, i)
    if word is None:
        return None, i
    name = word.group()
    return (name if name[0].isdigit() else (name,)), word.end()


def _closing_brace(raw: str, start: int) -> int:
    depth = 0
    for match in _BRACES.finditer(raw, start):
        depth += 1 if match.group() == "{" else -1
        if depth == 0:
            return match.start()
    return -1


def _closing_quote(raw: str, start: int) -> int:
    depth = 0
    for match in _QUOTE_OR_BRACE.finditer(raw, start + 1):
        char = match.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return -1
        elif depth == 0:
            return match.start()
    return -1


class Scope:
    """Macros as a file sees them: its own raw definitions (expanded on first use, in any order;
    a cycle counts as undefined) over ``outer`` (the project's, else the month macros)."""

    def __init__(self, definitions: Mapping[str, str], outer: Mapping[str, Value] = MONTH_MACROS):
        self.definitions = definitions
        self.outer = outer
        self._done: dict[str, Value] = {}
        self._active: set[str] = set()

    def get(self, name: str) -> Value | None:
        if name in self._done:
            return self._done[name]
        raw = self.definitions.get(name)
        if raw is None:
            return self.outer.get(name)
        if name in self._active:
            return None
        self._active.add(name)
        value = expand(raw, self.get)
        self._active.discard(name)
        self._done[name] = value
        return value

    def fields(self, entry: Entry) -> tuple[dict[str, str], dict[str, tuple[tuple[str, ...], str]]]:
        """An entry's fields (lower-case names, macros expanded) and, apart, the fields that use
        macros defined nowhere (name -> those macros, the raw value): they are not read."""
        fields, missing = {}, {}
        for f in entry.fields:
            raw = str(f.value)
            value, undefined = expand(raw, self.get)
            if undefined:
                missing[f.key.lower()] = (undefined, raw)
            else:
                fields[f.key.lower()] = value.strip()
        return fields, missing


def string_definitions(strings: Iterable) -> dict[str, str]:
    """Raw ``@string`` definitions by lower-case name (a later one replaces an earlier, as in BibTeX)."""
    return {s.key.lower(): str(s.value) for s in strings}


def shared(paths: Iterable[str | Path]) -> Shared | None:
    """What the project's BibTeX files ``paths`` share, for each file's read; ``None`` when there
    is nothing to share (fewer than two files, or no ``@string`` and no ``crossref`` in any).

    A macro or parent defined in several files is taken from the first in path order. Files that
    cannot be read are passed over here: their own read reports them.
    """
    files = sorted(Path(p) for p in paths)
    if len(files) < 2:
        return None
    definitions: dict[str, str] = {}
    per_file: dict[Path, dict[str, str]] = {}
    referrers: dict[str, set[Path]] = {}  # crossref target -> the files whose entries name it
    for path in files:
        data = _bytes(path)
        if data is None:
            continue
        low = data.lower()  # ASCII letters only: offsets are those of data
        own = string_definitions(_parse(_snippets(data, low, _STRING_AT.finditer(low))).strings)
        per_file[path] = own
        for name, raw in own.items():
            definitions.setdefault(name, raw)
        for match in _CROSSREF.finditer(low):
            referrers.setdefault(match.group(1).decode("utf-8", "replace"), set()).add(path)
    if not definitions and not referrers:
        return None
    project = Scope(definitions)
    strings = {name: project.get(name) for name in definitions}
    parents = _parents(files, referrers, per_file, strings) if referrers else {}
    return Shared(strings, parents, frozenset(referrers))


def _parents(files, referrers, per_file, strings) -> dict[str, dict[str, str]]:
    """The fields of every crossref target named in another file than its own (the first entry of
    its key in path order), expanded with the macros of its own file over the project's."""
    parents: dict[str, dict[str, str]] = {}
    for path in files:
        if path not in per_file:
            continue
        data = _bytes(path)
        low = data.lower()
        wanted = []
        for match in _HEAD_AT.finditer(low):
            key = match.group(2).decode("utf-8", "replace")
            if key not in parents and referrers.get(key, {path}) - {path} and match.group(1) != b"string":
                wanted.append(match)
        if not wanted:
            continue
        scope = Scope(per_file[path], strings)
        keys = {m.group(2).decode("utf-8", "replace") for m in wanted}
        for entry in _parse(_snippets(data, low, wanted)).entries:
            if entry.key.lower() in keys:
                parents.setdefault(entry.key.lower(), scope.fields(entry)[0])
    return parents


def _bytes(path: Path) -> bytes | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n") if b"\r" in data else data


def _snippets(data: bytes, low: bytes, starts) -> str:
    """The blocks that start at ``starts`` (matches in ``low``), each up to the next block's start, as text."""
    parts = []
    for match in starts:
        end = _NEXT_BLOCK.search(low, match.end())
        parts.append(data[match.start() : end.start() if end else len(data)])
    return b"\n".join(parts).decode("utf-8", "replace")


def _parse(text: str):
    return bibtexparser.parse_string(text, parse_stack=[])
