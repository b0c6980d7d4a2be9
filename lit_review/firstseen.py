"""When each paper was first seen, pinned in ``references/first-seen.csv``, and what is new since the
previous update (``references/updates.csv``).

A paper's first-seen date is the earliest date among the sources that list it: for a dated page
(a Daily Papers page, ``page_date`` in ``sources.toml``) the day the page is about, not the moment
it was downloaded; for any other source (a search, a file) its capture date. Sources with neither
date do not date a paper. Once found, the date is pinned to the paper id and never changes (like a
citation key), so rebuilding from scratch gives the same dates even if old captures are removed.

``lit-review update`` appends a row to ``updates.csv`` for each run that saved something: ``since``
(the last day covered before it; empty for the first), ``until``, how many responses it saved, and
whether it completed (``no``: a service failed; the next update resumes it, with the same ``since``).
"What is new" is what was first seen after the last row's ``since``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ._infra.iorw import atomic_write_text
from ._infra.locks import locked
from .errors import LitReviewError
from .sources.manifest import UNKNOWN, SourceInfo

PIN_COLUMNS = ("first_seen", "id")
UPDATE_COLUMNS = ("since", "until", "saved", "complete")
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
                                      "oct", "nov", "dec"), 1)}  # fmt: skip


def page_day(info: SourceInfo) -> dt.date | None:
    """The day a dated page is about: its ``page_date`` as an ISO date, or as ``Mon DD`` in the year
    of its capture (the year before, if that day would follow the capture); else ``None``."""
    text = info.page_date.strip()
    if not text or text == UNKNOWN:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    words = text.replace(",", " ").split()
    captured = info.capture_date
    if len(words) != 2 or captured is None or words[0][:3].lower() not in _MONTHS or not words[1].isdigit():
        return None
    try:
        day = dt.date(captured.year, _MONTHS[words[0][:3].lower()], int(words[1]))
    except ValueError:
        return None
    return day if day <= captured else day.replace(year=day.year - 1)


def source_day(info: SourceInfo | None) -> dt.date | None:
    """The date a source dates its papers by: its page's day, else its capture date, else ``None``."""
    if info is None:
        return None
    return page_day(info) or info.capture_date


def _date(text: str, path: Path, line: int, what: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise LitReviewError(f"{what} {text!r} is not a date (YYYY-MM-DD)", path, line) from None


def _rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, list[str]]]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    if not rows or tuple(c.strip() for c in rows[0]) != columns:
        raise LitReviewError(f"expected the header {','.join(columns)}", path, 1)
    out = []
    for line, row in enumerate(rows[1:], 2):
        if not row:
            continue
        if len(row) != len(columns):
            raise LitReviewError(f"expected {len(columns)} values ({','.join(columns)})", path, line)
        out.append((line, [c.strip() for c in row]))
    return out


def load_pins(path: str | Path) -> dict[str, str]:
    """Pinned first-seen dates, paper id -> ISO date; a missing file means none yet."""
    path = Path(path)
    if not path.exists():
        return {}
    pins: dict[str, str] = {}
    lines: dict[str, int] = {}
    for line, (day, pid) in _rows(path, PIN_COLUMNS):
        if not pid:
            raise LitReviewError("empty paper id", path, line)
        if pid in pins:
            raise LitReviewError(f"paper id {pid!r} is pinned twice (also line {lines[pid]})", path, line)
        pins[pid], lines[pid] = _date(day, path, line, "first_seen"), line
    return pins


def pins_text(pins: dict[str, str]) -> str:
    """The pin file: one row per paper, oldest first (ties by id)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(PIN_COLUMNS)
    w.writerows(sorted((day, pid) for pid, day in pins.items()))
    return buf.getvalue()


def save_pins(pins: dict[str, str], path: str | Path) -> None:
    """Add ``pins`` to the pin file, under its lock: a date pinned already (by another process too) wins."""
    path = Path(path)
    with locked(path):
        merged = {**pins, **load_pins(path)}
        text = pins_text(merged)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            atomic_write_text(path, text)


def first_seen(
    records: pd.DataFrame, ids: pd.Series, sources: dict[str, SourceInfo], pins: dict[str, str]
) -> tuple[pd.Series, dict[str, str]]:
    """Each paper's first-seen date (ISO text, ``None`` where no source dates it) and the pins, old and new.

    ``records``: one row per record kept, with its ``source`` (file name) and the ``id`` of its paper
    (``Corpus.records``); ``ids``: the papers' ids (the result is aligned on them). Column-wise: each
    record's source day as a day number, the minimum per paper by ``np.minimum.at``.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from ._infra.columns import strings

    ordinal = {name: day.toordinal() for name, info in sources.items() if (day := source_day(info))}
    if not ordinal and not pins:  # nothing dated (a corpus of plain files): no column to compute
        return pd.Series(None, index=ids.index, dtype=object), {}
    never = np.iinfo(np.int64).max
    earliest = np.full(len(ids), never, dtype=np.int64)
    if ordinal and len(records):
        source = strings(records["source"])
        where = pc.index_in(source, value_set=pa.array(list(ordinal), source.type)).fill_null(-1).to_numpy()
        paper_ids = strings(ids)
        row = pc.index_in(strings(records["id"]), value_set=paper_ids)
        row = row.fill_null(-1).to_numpy()
        dated = (where >= 0) & (row >= 0)
        np.minimum.at(earliest, row[dated], np.asarray(list(ordinal.values()), dtype=np.int64)[where[dated]])
    iso = {n: dt.date.fromordinal(int(n)).isoformat() for n in np.unique(earliest) if n != never}
    found = [iso.get(n) for n in earliest.tolist()]
    out, new = [], {}
    same = {
        d: d for d in iso.values()
    }  # one str object per day, however it was found: pickles (snapshots) stay byte-identical
    for pid, day in zip(ids.tolist(), found):
        pinned = pins.get(pid)
        if pinned is None and day is not None:
            new[pid] = day
        value = pinned or day
        out.append(None if value is None else same.setdefault(value, value))
    return pd.Series(out, index=ids.index, dtype=object), {**pins, **new}


# -- what is new -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Update:
    since: str  # the last day covered before the update ("" for the first)
    until: str
    saved: int
    complete: bool = True


def load_updates(path: str | Path) -> list[Update]:
    """The update log, oldest first; a missing file means no update yet."""
    path = Path(path)
    if not path.exists():
        return []
    out = []
    for line, (since, until, saved, complete) in _rows(path, UPDATE_COLUMNS):
        since = _date(since, path, line, "since") if since else ""
        if not saved.isdigit():
            raise LitReviewError(f"saved {saved!r} is not a count", path, line)
        if complete not in ("yes", "no"):
            raise LitReviewError(f"complete {complete!r} is neither yes nor no", path, line)
        out.append(Update(since, _date(until, path, line, "until"), int(saved), complete == "yes"))
    return out


def record_update(path: str | Path, update: Update) -> None:
    """Append ``update`` to the log, under its lock."""
    path = Path(path)
    with locked(path):
        old = path.read_text(encoding="utf-8") if path.exists() else ",".join(UPDATE_COLUMNS) + "\n"
        load_updates(path)  # a damaged log is reported before it is extended
        done = "yes" if update.complete else "no"
        atomic_write_text(path, old + f"{update.since},{update.until},{update.saved},{done}\n")


def next_since(updates: list[Update], covered: str) -> str:
    """The ``since`` of the next update: an interrupted update's own (it is resumed), else the last
    update's ``until``; without updates, ``covered`` (the last day the captures cover)."""
    if not updates:
        return covered
    return updates[-1].since if not updates[-1].complete else updates[-1].until


@dataclass(frozen=True)
class News:
    """What counts as new: first seen after ``since`` (ISO); ``None`` when nothing can be told."""

    since: str | None
    basis: str

    def mask(self, first_seen: pd.Series) -> pd.Series:
        """Which papers (by their first-seen dates) are new."""
        if self.since is None:
            return pd.Series(False, index=first_seen.index)
        days = first_seen.where(first_seen.notna(), "")
        return days.astype(str) > self.since  # ISO dates compare as text; "" (undated) never new

    @property
    def heading(self) -> str:
        return f"New since {self.since}" if self.since else "New in the first update"


def what_is_new(first_seen: pd.Series, updates: list[Update]) -> News:
    """Since when papers count as new: the last update's ``since``; without updates, the previous
    dated capture (the newest first-seen day's papers are new); ``None`` with fewer than two days."""
    if updates:
        last = updates[-1]
        return News(last.since, f"first seen by the last lit-review update, to {last.until}")
    days = sorted({d for d in first_seen.dropna().tolist() if d})
    if len(days) < 2:
        return News(None, "no update recorded yet (lit-review update), and fewer than two dated captures")
    return News(days[-2], f"first seen on the newest dated capture, {days[-1]}; no update recorded yet")
