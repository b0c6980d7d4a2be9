"""Tagged-line record files (Web of Science plain text, PubMed MEDLINE): records as tag -> values.

Both formats write one field per line, a short tag at the start and the value after it, with
the value continued on indented lines. :func:`parse_fields` turns a record's lines into the
values of each tag (every occurrence, each as its list of lines), and names the lines that fit
neither form, so that a reader can say which line it could not use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import LitReviewError
from .listing import MONTHS

_SEASONS = frozenset({"spring", "summer", "fall", "autumn", "winter"})
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


@dataclass
class Fields:
    """One record's tags: ``values[tag]`` lists every occurrence of ``tag``, each as its lines."""

    values: dict[str, list[list[str]]] = field(default_factory=dict)
    # 1-based lines that are neither a tag nor a continuation (ignored, with their continuations)
    stray: list[int] = field(default_factory=list)

    def lines(self, tag: str) -> list[str]:
        """Every line of every occurrence of ``tag`` (one name per line in author lists)."""
        return [line for occurrence in self.values.get(tag, []) for line in occurrence]

    def joined(self, tag: str) -> list[str]:
        """Each occurrence of ``tag`` as one text, its continuation lines joined with a space."""
        return [text for occurrence in self.values.get(tag, []) if (text := " ".join(occurrence).strip())]

    def first(self, *tags: str) -> str:
        """The first non-empty value of the first of ``tags`` that has one."""
        for tag in tags:
            values = self.joined(tag)
            if values:
                return values[0]
        return ""


def parse_fields(lines: list[str], first: int, tag: re.Pattern, continuation: str) -> Fields:
    """The tags of one record's ``lines`` (``first``: the 1-based number of the first line).

    ``tag`` matches a tag line with groups (tag, value); a line starting with ``continuation``
    (indentation) continues the value before it. Blank lines are skipped.
    """
    fields = Fields()
    current: list[str] | None = None
    for number, line in enumerate(lines, first):
        match = tag.match(line)
        if match:
            current = [(match.group(2) or "").strip()]
            fields.values.setdefault(match.group(1), []).append(current)
        elif not line.strip():
            continue
        elif line.startswith(continuation):
            if current is not None:  # else it continues a stray line: ignored with it
                current.append(line.strip())
        else:
            fields.stray.append(number)
            current = None
    return fields


def month_day(text: str) -> tuple[int | None, int | None]:
    """The month and day of a date such as ``MAR 20``, ``2023 Mar 15``, ``JAN-FEB``, ``2021 Spring``.

    The first month name gives the month (a season gives none), a number of 1-31 right after it the day.
    """
    words = re.findall(r"[A-Za-z]+|\d+", text)
    for i, word in enumerate(words):
        if word.lower() in _SEASONS:
            return None, None
        name = word[:3].title()
        if len(word) >= 3 and name in MONTHS and word.isalpha():
            nxt = words[i + 1] if i + 1 < len(words) else ""
            day = int(nxt) if nxt.isdigit() and 1 <= int(nxt) <= 31 and len(nxt) <= 2 else None
            return MONTHS.index(name) + 1, day
    return None, None


def year_in(text: str) -> int | None:
    """The first plausible year (1500-2099) in ``text``."""
    match = _YEAR.search(text or "")
    return int(match.group(1)) if match else None


def split_list(texts: list[str], separator: str = ";") -> tuple[str, ...]:
    """Items of ``separator``-separated lists (keywords), in order, without repeats or empty items."""
    items = (item.strip() for text in texts for item in text.split(separator))
    return tuple(dict.fromkeys(item for item in items if item))


def no_records(path, lines: list[str], records: str, why: str) -> LitReviewError:
    """The error for a tag-line file (RIS, MEDLINE, Web of Science) with no record start: an empty
    file, else ``why`` at its first non-blank line."""
    first = next((n for n, line in enumerate(lines, 1) if line.strip()), None)
    if first is None:
        return LitReviewError(f"empty file: no {records} records", path, 1)
    return LitReviewError(why, path, first)
