"""Readable, unique and stable citation keys, pinned in ``references/citekeys.csv``.

A key is a significant title word plus the year (``loraga2024``), or the first two
significant words where the year is unknown (``nupesnonuniform``); clashes get ``a``, ``b``, ...
Once assigned, a key is pinned to the paper id and never changes, and never passes to
another paper, even after its paper leaves the corpus (users cite these keys).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

import pandas as pd

from ._infra.columns import apply_where, known, pandas_type, strings, text_bytes
from ._infra.iorw import atomic_open
from .errors import LitReviewError
from .text import STOPWORDS

PIN_COLUMNS = ("citekey", "id", "title")
_KEY = re.compile(r"^[a-z][a-z0-9]*$")
MAX_WORD = 20


_NOT_ASCII_ALNUM = re.compile(r"[^a-z0-9]+")


def _ascii_word(token: str) -> str:
    if token.isascii():
        folded = token.lower()
        return folded if folded.isalnum() else _NOT_ASCII_ALNUM.sub("", folded)
    return _NOT_ASCII_ALNUM.sub("", unicodedata.normalize("NFKD", token.casefold()))


def base_key(title: str, year) -> str:
    """The key before disambiguation: first significant title word + year."""
    has_year = known(year)
    significant: list[str] = []
    for token in title.split():  # only the first one or two significant words are needed
        word = _ascii_word(token)
        if word and word not in STOPWORDS and not word.isdigit():
            significant.append(word[:MAX_WORD])
            if len(significant) == (1 if has_year else 2):
                break
    if not significant:
        significant = ["paper"]
    if not significant[0][0].isalpha():
        significant[0] = "p" + significant[0]
    if has_year:
        return f"{significant[0]}{int(year)}"
    return "".join(significant[:2])[: MAX_WORD + 4]


def _suffixes():
    letters = "abcdefghijklmnopqrstuvwxyz"
    yield from letters
    for a in letters:
        for b in letters:
            yield a + b
    n = 0
    while True:
        n += 1
        yield f"x{n}"


def load_pins(path: str | Path) -> pd.DataFrame:
    """Read pinned keys; a missing file means no pins yet."""
    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=list(PIN_COLUMNS))
    text = path.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or tuple(rows[0][:2]) != PIN_COLUMNS[:2]:
        raise LitReviewError(f"expected a header starting {','.join(PIN_COLUMNS[:2])}", path, 1)
    seen_keys: dict[str, int] = {}
    seen_ids: dict[str, int] = {}
    out = []
    for line, row in enumerate(rows[1:], 2):
        if not row:
            continue
        if len(row) < 2:
            raise LitReviewError("expected citekey,id", path, line)
        key, pid = row[0].strip(), row[1].strip()
        if not _KEY.match(key):
            raise LitReviewError(f"citation key {key!r} must be lower-case letters and digits", path, line)
        for value, seen, what in ((key, seen_keys, "citation key"), (pid, seen_ids, "paper id")):
            if value in seen:
                raise LitReviewError(
                    f"{what} {value!r} is pinned twice (also line {seen[value]})", path, line
                )
            seen[value] = line
        out.append((key, pid, row[2] if len(row) > 2 else ""))
    return pd.DataFrame(out, columns=list(PIN_COLUMNS))


_PLAIN_TITLE = r"[^\x20-\x7e]|  |^ | $"  # titles that base_keys hands to base_key in Python


def base_keys(titles: list[str], years: list) -> list[str]:
    """:func:`base_key` of every title: Arrow for single-spaced printable ASCII titles, Python for the rest."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    t = titles if isinstance(titles, pa.Array) else pa.array(titles, pa.large_string())
    python = np.asarray(pc.match_substring_regex(t, _PLAIN_TITLE), dtype=bool)
    # removing what is not a letter, digit or space before splitting leaves the same words
    tokens = pc.split_pattern(pc.replace_substring_regex(pc.ascii_lower(t), "[^a-z0-9 ]+", ""), " ")
    parents = np.asarray(pc.list_parent_indices(tokens))
    words = pc.list_flatten(tokens)
    ignored = pc.or_(
        pc.or_(pc.equal(words, ""), pc.is_in(words, value_set=pa.array(sorted(STOPWORDS), words.type))),
        pc.ascii_is_decimal(words),
    )
    significant = np.flatnonzero(~np.asarray(ignored, dtype=bool))
    owner = parents[significant]
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]) if len(owner) else owner
    second = starts + 1
    has_second = second < len(owner)
    has_second[has_second] = owner[second[has_second]] == owner[starts[has_second]]
    short = pc.utf8_slice_codeunits(words, 0, MAX_WORD)
    first_word, second_word = [None] * len(titles), [None] * len(titles)
    for target, rows in ((first_word, starts), (second_word, second[has_second])):
        for who, word in zip(owner[rows].tolist(), short.take(pa.array(significant[rows])).to_pylist()):
            target[who] = word
    out = []
    for k, (year, a) in enumerate(zip(years, first_word)):
        if python[k]:
            out.append(base_key(t[k].as_py(), year))
            continue
        if a is None:
            a = "paper"
        elif not a[0].isalpha():
            a = "p" + a
        out.append(f"{a}{int(year)}" if known(year) else (a + (second_word[k] or ""))[: MAX_WORD + 4])
    return out


def assign_keys(
    papers: pd.DataFrame, pins: pd.DataFrame, bases: list[str] | None = None
) -> tuple[pd.Series, pd.DataFrame]:
    """Keys for ``papers`` (by position) and the updated pins (old pins kept, new ones added).

    ``bases``: each paper's :func:`base_key`, when already known (``Corpus.base_keys``).
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    pinned = dict(zip(pins["id"].tolist(), pins["citekey"].tolist()))
    taken = set(pinned.values())
    ids = np.asarray(papers["id"].tolist(), dtype=object)
    keys = np.asarray([pinned.get(i) for i in ids.tolist()], dtype=object)
    new = np.flatnonzero(keys == None)  # noqa: E711 - element-wise
    if bases is not None:  # computed while reading, in the worker processes
        bases = np.asarray(bases, dtype=object)[new]
    else:
        titles, years = papers["title"].tolist(), papers["year"].tolist()
        bases = np.asarray(base_keys([titles[k] for k in new], [years[k] for k in new]), dtype=object)
    by = pa.table({"base": pa.array(bases, pa.large_string()), "id": pa.array(ids[new], pa.large_string())})
    order = pc.sort_indices(by, [("base", "ascending"), ("id", "ascending")]).to_numpy()
    ranked = _suffixed(bases[order].tolist(), taken)
    rows = new[order]
    keys[rows] = ranked
    # the pins, old and new, sorted by key: each column gathered once from old pins + papers
    old = {c: strings(pins[c]) for c in PIN_COLUMNS}
    citekey = pa.concat_arrays([old["citekey"], pa.array(ranked, pa.large_string())])
    order = pc.sort_indices(citekey).to_numpy()
    source = np.concatenate([np.arange(len(old["id"])), len(old["id"]) + rows])
    gather = pa.array(source[order])
    all_pins = pa.table(
        {
            "citekey": citekey.take(pa.array(order)),
            **{c: pa.concat_arrays([old[c], strings(papers[c])]).take(gather) for c in ("id", "title")},
        }
    )
    return pd.Series(keys, index=papers.index, dtype=object), all_pins.to_pandas(types_mapper=pandas_type)


def _suffixed(sorted_bases: list[str], taken: set[str]) -> list[str]:
    """Unique keys for sorted base keys: the first paper of a base gets the base, the next ones
    the base plus ``a``, ``b``, ... skipping keys already taken (pinned, or given earlier).

    A run of equal bases that meets no taken key gets its keys in one step; only a run that
    meets one is walked key by key.
    """
    import itertools

    runs = [(base, len(list(group))) for base, group in itertools.groupby(sorted_bases)]
    suffix = list(itertools.islice(_suffixes(), max((m for _, m in runs), default=1) - 1))
    out: list[str] = []
    for base, m in runs:
        keys = [base, *(base + s for s in suffix[: m - 1])]
        if taken.isdisjoint(keys):
            taken.update(keys)
            out += keys
            continue
        seq = _suffixes()
        for _ in range(m):
            key = base
            while key in taken:
                key = base + next(seq)
            taken.add(key)
            out.append(key)
    return out


_CSV_PLAIN = r'^[^",\r\n]+$'  # a cell csv.writer writes as it is, whatever the Python version


def save_pins(pins: pd.DataFrame, path: str | Path) -> None:
    """Write pinned keys as CSV: the bytes ``csv.writer`` writes, built column-wise in Arrow."""
    import functools

    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = [strings(pins[c]) for c in PIN_COLUMNS]
    sep = {c: pa.scalar(c, pa.large_string()) for c in ",\n"}
    lines = pc.binary_join_element_wise(*cells, sep[","])
    plain = functools.reduce(pc.and_, [pc.match_substring_regex(c, _CSV_PLAIN) for c in cells])
    rows = pa.StructArray.from_arrays(cells, PIN_COLUMNS)
    lines = apply_where(lines, ~np.asarray(pc.fill_null(plain, False)), _csv_line, rows)
    header = _csv_line({c: c for c in PIN_COLUMNS})
    lines = pc.binary_join_element_wise(lines, pa.scalar("", pa.large_string()), sep["\n"])
    with atomic_open(path, "wb") as fh:
        fh.write(f"{header}\n".encode())
        fh.write(text_bytes(lines))


def _csv_line(row: dict) -> str:
    """One row as ``csv.writer`` writes it (quoting where needed), without the line end."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(row.values())
    return buf.getvalue()[:-1]
