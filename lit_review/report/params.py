"""Checks of report notebook parameters, run in each notebook's first cell before any work.

papermill passes any value under any name (``-p top_n five``); a wrong one would fail deep
inside pandas or matplotlib. Each check raises :class:`ParameterError`, one line naming the
parameter and what it accepts.
"""

from __future__ import annotations

from numbers import Real
from pathlib import Path

from ..errors import LitReviewError


class ParameterError(LitReviewError):
    """A bad notebook parameter: shown by IPython (and so by papermill) as one line, no traceback."""

    def _render_traceback_(self) -> list[str]:  # IPython's hook for the traceback it shows
        return [f"{type(self).__name__}: {self}"]


def _got(value) -> str:
    return f"got {value!r} ({type(value).__name__})"


def check_choice(name: str, value, allowed: list[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ParameterError(f"parameter {name!r}: {_got(value)}; allowed: {', '.join(allowed) or '(none)'}")
    return value


def check_count(name: str, value) -> int:
    """A whole number >= 0 (``True``/``False`` are not counts)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ParameterError(f"parameter {name!r} must be a whole number >= 0, {_got(value)}")
    return value


def check_number(name: str, value, optional: bool = True) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ParameterError(f"parameter {name!r} must be a number{' or None' * optional}, {_got(value)}")
    return float(value)


def check_path(name: str, value, must_exist: bool = True) -> str | None:
    """None, or a path (relative to the notebook's folder) that exists."""
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ParameterError(f"parameter {name!r} must be a path or None, {_got(value)}")
    if must_exist and not Path(value).exists():
        raise ParameterError(f"parameter {name!r}: no such file or folder {value!r}")
    return value
