"""Human screening decisions: ``references/decisions.csv``, an append-only log.

One row per paper, theme and reviewer::

    paper,theme,decision,reason,reviewer,date,role
    loraga2024,efficient-fine-tuning,include,LoRA variant,ana,2025-01-31,
    2310.01234,efficient-fine-tuning,exclude,inference only,ben,,
    2310.01234,efficient-fine-tuning,exclude,settled at the meeting,carla,,resolver

* ``paper``: citation key, paper id, arXiv id, DOI or the exact title (compared as
  :func:`lit_review.text.match_key`), resolved to a corpus paper by :func:`resolve`;
* ``decision``: ``include``, ``exclude`` or ``maybe``; ``reason``: free text (an exclusion
  without one is a warning); ``date``: optional, ``YYYY-MM-DD``;
* ``role``: optional column; ``resolver`` marks a row that settles a conflict between reviewers.

A reviewer's later row on the same paper and theme replaces their earlier one (changing one's
mind is an append); rows are never edited, only appended (:func:`append_decisions`) or, for
an undo, taken back (:func:`take_back`).

Several sessions (notebooks, ``lit-review decide``) write the file at once: every change is a
read-modify-write under the file's inter-process lock (:func:`lit_review._infra.locks.locked`),
written to a temp file renamed over the old one, so no row is lost and a reader (which takes no
lock) sees the file before or after a change, never half of it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .._infra.iorw import atomic_open
from .._infra.locks import locked
from ..errors import LitReviewError
from ..text import match_key
from ..themes import SLUG

if TYPE_CHECKING:
    import pandas as pd

    from ..themes import Theme

COLUMNS = ("paper", "theme", "decision", "reason", "reviewer", "date", "role")
REQUIRED = ("paper", "theme", "decision", "reviewer")
WORDS = ("include", "exclude", "maybe")
ROLES = ("", "resolver")
MIGRATED_REVIEWER = "themes.toml"  # reviewer of the decisions moved out of the theme file


@dataclass(frozen=True)
class Row:
    """One decision as written in the file."""

    paper: str
    theme: str
    decision: str
    reason: str = ""
    reviewer: str = ""
    date: str = ""
    role: str = ""

    def fields(self) -> list[str]:
        return [getattr(self, c) for c in COLUMNS]


def _check(row: Row, path: Path, line: int) -> Row:
    """``row`` if valid, else a one-line error naming ``path:line``."""
    for col in REQUIRED:
        if not getattr(row, col):
            raise LitReviewError(f"empty {col!r}", path, line)
    if row.decision not in WORDS:
        raise LitReviewError(f"decision {row.decision!r} is not include, exclude or maybe", path, line)
    if not SLUG.match(row.theme):
        raise LitReviewError(f"theme {row.theme!r} is not a theme slug", path, line)
    if row.role not in ROLES:
        raise LitReviewError(f"role {row.role!r} is not empty or 'resolver'", path, line)
    if row.date:
        try:
            dt.date.fromisoformat(row.date)
        except ValueError:
            raise LitReviewError(f"date {row.date!r} is not YYYY-MM-DD", path, line) from None
    return row


def _parse(text: str, path: Path) -> list[tuple[int, int, Row]]:
    """(first line, last line, row) of every data row of a decisions file's text (a quoted reason
    may span lines); the first bad row raises."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = _check_header(text, path)
    next(reader, None)
    rows = []
    start = reader.line_num + 1
    try:
        for fields in reader:
            if fields and any(f.strip() for f in fields):
                if len(fields) != len(header):
                    raise LitReviewError(f"{len(fields)} fields, the header has {len(header)}", path, start)
                values = {h: f.strip() for h, f in zip(header, fields)}
                values["decision"] = values["decision"].lower()
                values["role"] = values.get("role", "").lower()
                rows.append((start, reader.line_num, _check(Row(**values), path, start)))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise LitReviewError(f"malformed CSV: {exc}", path, start) from None
    return rows


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")  # a BOM (spreadsheet export) is dropped
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as exc:
        raise LitReviewError(f"cannot read decisions: {exc}", path) from None


def read_decisions(path: str | Path) -> pd.DataFrame:
    """The decisions file as a table: the :data:`COLUMNS` plus ``line``; no file: no rows.

    CRLF line endings and a UTF-8 BOM are accepted. A malformed row raises an error naming
    its line. An exclusion without a reason is a warning naming its line.
    """
    import pandas as pd

    path = Path(path)
    text = _read_text(path)
    rows = _parse(text, path) if text.strip() else []
    for line, _, row in rows:
        if row.decision == "exclude" and not row.reason:
            warnings.warn(f"{path}:{line}: exclusion of {row.paper!r} without a reason", stacklevel=2)
    table = pd.DataFrame([r.fields() for _, _, r in rows], columns=list(COLUMNS), dtype=object)
    table["line"] = pd.Series([line for line, _, _ in rows], dtype="int64")
    return table


def append_decisions(path: str | Path, rows: list[Row], timeout: float | None = None) -> None:
    """Append ``rows`` to the decisions file (created with its header if absent).

    Under the file's lock (waiting at most ``timeout`` s) the file is read, the rows checked (an
    error names the line each would have had), and the file rewritten whole to a temp file renamed
    over the old one: a crash leaves the old file or the new one, never half a row, and a
    concurrent writer's rows are never lost. Only the header is parsed while the lock is held
    (the rows above are :func:`read_decisions`' business), so a hold costs about one file copy.
    (O_APPEND of one line would be cheaper but is only atomic for writes the OS does not split,
    and a batch is several lines.)
    """
    path = Path(path)
    with locked(path, timeout):
        text = _read_text(path)
        if not text.strip():
            text = ""
        header = _check_header(text, path) if text else list(COLUMNS)
        lines = len(io.StringIO(text, newline="").readlines()) if text else 1  # as csv.reader counts them
        for k, row in enumerate(rows):
            _check(row, path, lines + k + 1)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        if not text:
            writer.writerow(COLUMNS)
        elif not text.endswith(("\n", "\r")):
            out.write("\n")
        for row in rows:
            values = dict(zip(COLUMNS, row.fields()))
            writer.writerow([values.get(h, "") for h in header])
        with atomic_open(path) as fh:
            fh.write(text + out.getvalue())


def _check_header(text: str, path: Path) -> list[str]:
    """The columns of a decisions file's header line, checked (a one-line error naming line 1)."""
    header = [h.strip().lower() for h in next(csv.reader(io.StringIO(text, newline="")), [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise LitReviewError(f"decisions need the columns {', '.join(missing)} (header: {header})", path, 1)
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise LitReviewError(f"unknown column(s) {', '.join(unknown)}; known: {', '.join(COLUMNS)}", path, 1)
    if len(set(header)) < len(header):
        raise LitReviewError("a column is named twice in the header", path, 1)
    return header


def take_back(path: str | Path, match, timeout: float | None = None) -> Row | None:
    """Remove the last row of the file for which ``match(row)`` is true (an undo); that row, or None.

    Rows after it (other reviewers' decisions since) and every other byte of the file stay as they
    are. Done under the file's lock, like :func:`append_decisions`.
    """
    path = Path(path)
    with locked(path, timeout):
        text = _read_text(path)
        rows = _parse(text, path) if text.strip() else []
        found = next(((first, last, row) for first, last, row in reversed(rows) if match(row)), None)
        if found is None:
            return None
        first, last, row = found
        lines = io.StringIO(text, newline="").readlines()  # the lines csv.reader counted
        with atomic_open(path) as fh:
            fh.write("".join(lines[: first - 1] + lines[last:]))
        return row


def migrate_theme_decisions(themes: list[Theme], path: str | Path) -> int:
    """Copy the ``[[theme.decision]]`` tables of the theme file into the decisions file.

    Each becomes a row by reviewer ``themes.toml``; rows already there are not added again,
    so running it twice adds nothing. Returns the number of rows added. The tables can then
    be deleted from the theme file (they would otherwise keep overriding the automatic match).
    """
    with locked(path):  # read and append as one change: two migrations at once add each row once
        have = set(read_decisions(path)[["paper", "theme", "decision", "reviewer"]].itertuples(index=False))
        new = []
        for theme in themes:
            for d in theme.decisions:
                row = Row(
                    d.paper, theme.slug, "include" if d.include else "exclude", d.reason, MIGRATED_REVIEWER
                )
                if (row.paper, row.theme, row.decision, row.reviewer) not in have:
                    new.append(row)
        if new:
            append_decisions(path, new)
    return len(new)


LABEL_WORDS = {"yes": "include", "no": "exclude", "borderline": "maybe"}


def rows_from_labels(labels_path: str | Path, reviewer: str) -> list[Row]:
    """A labels file (:func:`lit_review.evaluate.read_labels`: title + one yes/no/borderline column
    per theme) as decision rows: paper = the title, theme = the column with ``-`` for ``_``."""
    from ..evaluate import read_labels, theme_columns

    labels = read_labels(labels_path)
    reasons = labels["reason"] if "reason" in labels else [""] * len(labels)
    return [
        Row(title, col.replace("_", "-"), LABEL_WORDS[label], reason or "", reviewer)
        for col in theme_columns(labels)
        for title, label, reason in zip(labels["title"], labels[col], reasons)
    ]


def theme_file_decisions(themes: list[Theme]) -> pd.DataFrame:
    """The ``[[theme.decision]]`` tables as decision rows (reviewer ``themes.toml``, no line)."""
    import pandas as pd

    rows = [
        Row(d.paper, t.slug, "include" if d.include else "exclude", d.reason, MIGRATED_REVIEWER).fields()
        for t in themes
        for d in t.decisions
    ]
    table = pd.DataFrame(rows, columns=list(COLUMNS), dtype=object)
    table["line"] = pd.Series([0] * len(rows), dtype="int64")
    return table


def unknown_themes(decisions: pd.DataFrame, slugs: list[str]) -> pd.DataFrame:
    """Rows of ``decisions`` whose theme is none of ``slugs`` (a typo, a theme renamed since), with
    ``closest``: the most similar slug, or ``""``. Such rows screen nothing; the others stand."""
    import difflib

    slugs = list(slugs)
    bad = decisions[~decisions["theme"].isin(slugs)]
    closest = [next(iter(difflib.get_close_matches(t, slugs, n=1, cutoff=0.6)), "") for t in bad["theme"]]
    return bad.assign(closest=closest).reset_index(drop=True)


def unknown_theme_lines(decisions: pd.DataFrame, slugs: list[str], path: str | Path) -> list[str]:
    """One line per row of :func:`unknown_themes`: ``FILE:LINE: theme 'x' is not a theme of the
    theme file (closest: 'y'); row ignored``."""
    out = []
    for row in unknown_themes(decisions, slugs).itertuples(index=False):
        near = f" (closest: {row.closest!r})" if row.closest else ""
        out.append(f"{path}:{row.line}: theme {row.theme!r} is not a theme of themes.toml{near}; row ignored")
    return out


def warn_unknown_themes(decisions: pd.DataFrame, slugs: list[str], path: str | Path) -> None:
    """A warning per row of ``decisions`` naming no theme of ``slugs`` (:func:`unknown_theme_lines`)."""
    for line in unknown_theme_lines(decisions, slugs, path):
        warnings.warn(line, stacklevel=2)


def resolve(decisions: pd.DataFrame, papers: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(resolved, unresolved): ``decisions`` with the corpus ``paper_id`` each names, and those naming none.

    A paper is named by its citation key, id, arXiv id, DOI (any case) or title (as
    :func:`match_key`). A name that fits two papers is unresolved too (``why`` says so).
    """
    index: dict[str, set[str]] = {}
    for col, norm in (
        ("id", str),
        ("citekey", str),
        ("arxiv_id", str),
        ("doi", str.lower),
        ("title", match_key),
    ):
        if col not in papers:
            continue
        for pid, value in zip(papers["id"], papers[col]):
            if isinstance(value, str) and value:
                index.setdefault(f"{col}:{norm(value)}", set()).add(pid)

    def lookup(name: str) -> tuple[str, str]:
        found: set[str] = set()
        bare = name.removeprefix("arXiv:").removeprefix("arxiv:")
        for key in (f"id:{name}", f"citekey:{name}", f"arxiv_id:{bare}", f"doi:{name.lower()}"):
            found |= index.get(key, set())
        if not found:
            found = index.get(f"title:{match_key(name)}", set())
        if len(found) == 1:
            return next(iter(found)), ""
        return "", ("names no paper of the corpus" if not found else f"names {len(found)} papers")

    looked = [lookup(p) for p in decisions["paper"]]
    out = decisions.assign(paper_id=[pid for pid, _ in looked], why=[why for _, why in looked])
    ok = out["paper_id"] != ""
    return out[ok].drop(columns="why").reset_index(drop=True), out[~ok].reset_index(drop=True)
