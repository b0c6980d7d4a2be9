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

from .errors import LitReviewError
from .iorw import atomic_write_text
from .text import STOPWORDS

PIN_COLUMNS = ("citekey", "id", "title")
_KEY = re.compile(r"^[a-z][a-z0-9]*$")
MAX_WORD = 20


_NOT_ASCII_ALNUM = re.compile(r"[^a-z0-9]+")


def _ascii_word(token: str) -> str:
    folded = token.casefold() if token.isascii() else unicodedata.normalize("NFKD", token.casefold())
    return _NOT_ASCII_ALNUM.sub("", folded)


def base_key(title: str, year) -> str:
    """The key before disambiguation: first significant title word + year."""
    significant = [w for w in map(_ascii_word, title.split()) if w and w not in STOPWORDS and not w.isdigit()]
    significant = [w[:MAX_WORD] for w in significant]
    if not significant:
        significant = ["paper"]
    if not significant[0][0].isalpha():
        significant[0] = "p" + significant[0]
    if year is not None and not pd.isna(year):
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


def assign_keys(papers: pd.DataFrame, pins: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """Keys for ``papers`` (by position) and the updated pins (old pins kept, new ones added)."""
    pinned = dict(zip(pins["id"], pins["citekey"]))
    taken = set(pins["citekey"])
    keys = papers["id"].map(pinned).astype(object)
    new = papers.loc[keys.isna(), ["id", "title", "year"]].copy()
    new["base"] = [base_key(t, y) for t, y in zip(new["title"], new["year"])]
    new = new.sort_values(["base", "id"], kind="stable")
    new_keys, new_pins = [], []
    suffixes: dict[str, object] = {}  # one suffix sequence per base keeps clashes linear
    for base, pid, title in zip(new["base"], new["id"], new["title"]):
        key = base
        if key in taken:
            seq = suffixes.setdefault(base, _suffixes())
            while key in taken:
                key = base + next(seq)
        taken.add(key)
        new_keys.append(key)
        new_pins.append((key, pid, title))
    keys.loc[new.index] = new_keys
    all_pins = pd.concat([pins, pd.DataFrame(new_pins, columns=list(PIN_COLUMNS))], ignore_index=True)
    all_pins = all_pins.sort_values("citekey", kind="stable").reset_index(drop=True)
    return keys.astype(object), all_pins


def save_pins(pins: pd.DataFrame, path: str | Path) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(PIN_COLUMNS)
    writer.writerows(pins[list(PIN_COLUMNS)].itertuples(index=False, name=None))
    atomic_write_text(path, buf.getvalue())
