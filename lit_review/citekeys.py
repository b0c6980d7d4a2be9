"""Readable, unique and stable citation keys, pinned in ``references/citekeys.csv``.

A key is the first author's family name, the year and a significant title word
(``malladi2023finetuning``); for a paper whose authors are not known, a significant title word
plus the year (``loraga2024``), or the first two significant words where the year is unknown
(``nupesnonuniform``); clashes get ``a``, ``b``, ...
Once assigned, a key is pinned to the paper id and never changes, and never passes to
another paper, even after its paper leaves the corpus (users cite these keys).
Builds running at once each write the pins under the file's lock (:func:`commit_pins`), keeping
the pins the others wrote since.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from ._infra.columns import apply_where, pandas_type, strings, text_bytes
from ._infra.iorw import atomic_open
from ._infra.locks import locked
from .basekey import base_key, first_author
from .errors import LitReviewError
from .merge import KnownAsMap

PIN_COLUMNS = ("citekey", "id", "title")
# What BibTeX and biber accept in a key and LaTeX's \cite takes as it is: keys users already have
# (``Malladi2023``, ``DBLP:conf/colt/Smith23``) as well as ours.
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_:.+/-]*$")


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
            raise LitReviewError(
                f"citation key {key!r} must be letters, digits and _:.+/- (no spaces, braces, commas)",
                path,
                line,
            )
        for value, seen, what in ((key, seen_keys, "citation key"), (pid, seen_ids, "paper id")):
            if value in seen:
                raise LitReviewError(
                    f"{what} {value!r} is pinned twice (also line {seen[value]})", path, line
                )
            seen[value] = line
        out.append((key, pid, row[2] if len(row) > 2 else ""))
    return pd.DataFrame(out, columns=list(PIN_COLUMNS))


def assign_keys(
    papers: pd.DataFrame, pins: pd.DataFrame, bases: list[str] | None = None, known_as=None
) -> tuple[pd.Series, pd.DataFrame]:
    """Keys for ``papers`` (by position) and the updated pins (old pins kept, new ones added).

    ``bases``: each paper's :func:`base_key`, when already known (``Corpus.base_keys``).
    ``known_as``: paper id -> (its other ids, the key a source gave it) (``Corpus.known_as``, or a
    dict): a
    paper takes its pinned key when any of its ids is pinned, else the key its source gave it
    (a ``.bib`` entry's key) when that key is free, else a new key from its base key.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    pinned = dict(zip(pins["id"].tolist(), pins["citekey"].tolist()))
    taken = set(pinned.values())
    ids = np.asarray(papers["id"].tolist(), dtype=object)
    keys = np.asarray([pinned.get(i) for i in ids.tolist()], dtype=object)
    kept_rows, kept_keys = _known_keys(keys, ids, pinned, taken, known_as)
    new = np.flatnonzero(keys == None)  # noqa: E711 - element-wise
    if bases is not None:  # computed while reading, in the worker processes
        bases = np.asarray(bases, dtype=object)[new]
    else:
        titles, years = papers["title"].tolist(), papers["year"].tolist()
        authors = (
            [first_author(a) for a in papers["authors"]] if "authors" in papers else [None] * len(papers)
        )
        bases = np.asarray([base_key(titles[k], years[k], authors[k]) for k in new], dtype=object)
    by = pa.table({"base": pa.array(bases, pa.large_string()), "id": pa.array(ids[new], pa.large_string())})
    order = pc.sort_indices(by, [("base", "ascending"), ("id", "ascending")]).to_numpy()
    ranked = _suffixed(bases[order].tolist(), taken)
    rows = new[order]
    keys[rows] = ranked
    ranked, rows = kept_keys + ranked, np.concatenate([np.asarray(kept_rows, dtype=np.int64), rows])
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


def _known_keys(keys, ids, pinned: dict, taken: set, known_as) -> tuple[list[int], list[str]]:
    """Fill ``keys`` (in place) of papers pinned under another of their ids; give papers whose source
    named them a free key that key. Returns the rows and keys that are new pins."""
    import numpy as np

    new_rows, new_keys = [], []
    if isinstance(known_as, KnownAsMap):
        if not (pinned or known_as.has_source_keys):
            return new_rows, new_keys  # nothing a paper could be known by: no need to build the map
        known_as = known_as.mapping()
    if not known_as:
        return new_rows, new_keys
    used = set(k for k in keys.tolist() if k is not None)
    for row in np.flatnonzero(keys == None).tolist():  # noqa: E711 - element-wise
        if ids[row] not in known_as:
            continue
        aliases, source_key = known_as[ids[row]]
        pinned_key = next((pinned[a] for a in aliases if a in pinned and pinned[a] not in used), None)
        if pinned_key is not None:
            keys[row] = pinned_key
            used.add(pinned_key)
        elif source_key and _KEY.match(source_key) and source_key not in taken:
            keys[row] = source_key
            taken.add(source_key)
            new_rows.append(row)
            new_keys.append(source_key)
    return new_rows, new_keys


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


def commit_pins(
    path: str | Path, papers: pd.DataFrame, pins: pd.DataFrame, bases=None, known_as=None, timeout=None
) -> tuple[pd.Series | None, pd.DataFrame]:
    """Write ``pins`` (:func:`assign_keys`'s, for ``papers``) to ``path``, under its lock.

    If another process pinned keys since ``pins`` were read (a build running at the same time), its
    pins are kept: ``papers`` get their keys again around them (:func:`assign_keys` on the file's
    pins; ``bases``, ``known_as`` as there). Returns (the new keys of ``papers``, or None when theirs
    stand; the pins written).
    """
    path = Path(path)
    with locked(path, timeout):
        now = load_pins(path)
        keys = None
        if len(now) and not set(zip(now["citekey"], now["id"])) <= set(zip(pins["citekey"], pins["id"])):
            keys, pins = assign_keys(papers, now, bases, known_as)
        save_pins(pins, path)
    return keys, pins


def _csv_line(row: dict) -> str:
    """One row as ``csv.writer`` writes it (quoting where needed), without the line end."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(row.values())
    return buf.getvalue()[:-1]
