"""``references/enrich-pins.csv``: a person's choice for a paper the metadata could not decide.

One row per paper: ``id`` (the paper id of ``papers.csv``), ``choice`` (``arXiv:<id>``,
``doi:<doi>`` or ``none``: no metadata record is this paper) and an optional ``note``. A pin wins
over every matching rule. Written under the file's lock (:func:`lit_review._infra.locks.locked`).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from .._infra.iorw import atomic_write_text
from .._infra.locks import locked
from ..errors import LitReviewError
from ..sources.ids import arxiv_id, doi_of
from .match import NONE

HEADER = ("id", "choice", "note")
_CHOICE = re.compile(r"^(arXiv:\S+|doi:\S+|none)$")


def normalized_choice(choice: str) -> str | None:
    """``arXiv:<versionless id>``, ``doi:<lower-case doi>`` or ``none``; ``None`` when it is neither."""
    choice = choice.strip()
    if choice.lower() == NONE:
        return NONE
    if choice.lower().startswith("arxiv:"):
        found = arxiv_id(choice[6:])
        return f"arXiv:{found}" if found else None
    if choice.lower().startswith("doi:"):
        found = doi_of(choice[4:])
        return f"doi:{found}" if found else None
    return None


def load_pins(path: str | Path) -> dict[str, str]:
    """paper id -> choice; a missing file means no pins. A bad row is a one-line error naming it."""
    path = Path(path)
    if not path.exists():
        return {}
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    if not rows or tuple(c.strip() for c in rows[0][:2]) != HEADER[:2]:
        raise LitReviewError("expected a header starting id,choice", path, 1)
    pins: dict[str, str] = {}
    for line, row in enumerate(rows[1:], 2):
        if not row or not any(c.strip() for c in row):
            continue
        if len(row) < 2:
            raise LitReviewError("expected id,choice", path, line)
        pid, choice = row[0].strip(), normalized_choice(row[1])
        if choice is None:
            raise LitReviewError(f"choice {row[1]!r} must be arXiv:<id>, doi:<doi> or none", path, line)
        if pid in pins:
            raise LitReviewError(f"paper {pid!r} is pinned twice", path, line)
        pins[pid] = choice
    return pins


def pin(path: str | Path, paper_id: str, choice: str, note: str = "") -> dict[str, str]:
    """Pin ``paper_id`` to ``choice`` (replacing an earlier pin of it); returns the pins."""
    found = normalized_choice(choice)
    if found is None:
        raise LitReviewError(f"choice {choice!r} must be arXiv:<id>, doi:<doi> or none", path)
    path = Path(path)
    with locked(path):
        notes = _notes(path)
        pins = load_pins(path)
        pins[paper_id] = found
        notes[paper_id] = note or notes.get(paper_id, "")
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(HEADER)
        for pid in sorted(pins):
            w.writerow([pid, pins[pid], notes.get(pid, "")])
        atomic_write_text(path, buf.getvalue())
    return pins


def _notes(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    return {r[0].strip(): r[2] for r in rows[1:] if len(r) > 2}
