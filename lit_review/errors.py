"""Errors a user can act on: each renders as one ``FILE:LINE: what is wrong`` line."""

from __future__ import annotations

from pathlib import Path


class LitReviewError(Exception):
    """A user-facing error, printed by the CLI as one line without a traceback."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        return f"{where}{self.message}"
