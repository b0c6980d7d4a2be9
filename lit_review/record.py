"""The one record model: a paper as read from one source, a reject, and what one file gave.

Every reader (:mod:`lit_review.sources`) returns a :class:`Batch`: the records it kept, held
column by column (one list per field of :class:`Record` but ``source``, which is what large
corpora need), and the :class:`Reject` rows for what it could not read. Nothing read is
dropped silently: ``n_read == n_kept + n_rejected``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace


@dataclass(frozen=True)
class Record:
    """One paper as read from one source, before normalization.

    ``line`` is the 1-based line of the record in its file (or, for formats without useful
    lines, the 1-based index of the item). ``authors`` are names in BibTeX's
    ``Family, Given`` form (a name with one part, such as an organization, as it is).
    ``arxiv_id`` is versionless (``2406.04329``, ``hep-th/9901001``); ``doi`` lower case
    without ``https://doi.org/``. ``citekey`` is the key the source gave the record (a
    ``.bib`` entry's key), kept as a pin. ``references`` are the works the record cites, as
    far as a source names them by an id: ``arXiv:<id>``, ``doi:<doi>`` (the forms of a paper's
    id), else ``openalex:W<n>`` or ``s2:<paperId>``; in the source's order, without repeats.
    ``service_ids`` are the record's own ids at the services that gave it, in the same forms
    (``openalex:W<n>``, ``s2:<paperId>``): what a reference of another record may name it by.
    """

    source: str
    line: int
    title: str
    abstract: str = ""
    n_authors: int | None = None
    organization: str | None = None
    month: int | None = None
    day: int | None = None
    year: int | None = None
    upvotes: int | None = None
    authors: tuple[str, ...] = ()
    arxiv_id: str | None = None
    primary_class: str | None = None
    doi: str | None = None
    url: str | None = None
    venue: str | None = None
    entry_type: str | None = None
    keywords: tuple[str, ...] = ()
    citekey: str | None = None
    references: tuple[str, ...] = ()
    service_ids: tuple[str, ...] = ()


RECORD_FIELDS = tuple(f.name for f in fields(Record))[1:]  # a batch's columns: every field but source
LIST_FIELDS = ("authors", "keywords", "references", "service_ids")
_DEFAULTS = {f.name: f.default for f in fields(Record)[1:] if f.name not in ("line", "title")}


@dataclass(frozen=True)
class Reject:
    """Something read that could not become (part of) a record, and why."""

    source: str
    line: int
    reason: str
    text: str = ""
    # "record": no paper kept; "field": paper kept, this field dropped; "skipped": read, and
    # deliberately not a paper (a proceedings volume that is only a crossref parent)
    kind: str = "record"

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.reason}"


def excerpt(text: str | None, limit: int = 120) -> str:
    """What a reject shows of the text it is about: white space collapsed, cut to ``limit`` characters."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _no_records() -> dict[str, list]:
    return {name: [] for name in RECORD_FIELDS}


def columns_of(rows: list[dict]) -> dict[str, list]:
    """Records given as dicts (any subset of :data:`RECORD_FIELDS`, ``line`` and ``title`` required)
    as batch columns, missing fields filled with their defaults."""
    return {name: [r.get(name, _DEFAULTS.get(name)) for r in rows] for name in RECORD_FIELDS}


def full_columns(partial: dict[str, list]) -> dict[str, list]:
    """Batch columns from some of them (``line`` required), the others filled with their defaults."""
    n = len(partial["line"])
    return {name: partial[name] if name in partial else [_DEFAULTS.get(name)] * n for name in RECORD_FIELDS}


@dataclass
class Batch:
    """What one source file gave: its records (as columns), its rejects and its format.

    ``format`` names the reader (``hf-listing``, ``bibtex``, ...), ``layout`` a variant of it
    where one matters (a listing page's ``compact`` or ``spaced`` layout).
    """

    source: str
    format: str
    layout: str = ""
    page_date: str | None = None
    rejects: list[Reject] = field(default_factory=list)
    columns: dict[str, list] = field(default_factory=_no_records)
    n_kept: int | None = None  # set when the columns were dropped (the corpus holds them)

    @property
    def records(self) -> list[Record]:
        """The records kept, in file order."""
        return [Record(self.source, *values) for values in zip(*(self.columns[f] for f in RECORD_FIELDS))]

    def drop_records(self) -> Batch:
        """This batch with counts and rejects only (its records are held elsewhere)."""
        return replace(self, columns=_no_records(), n_kept=self.n_read - self.n_rejected - self.n_skipped)

    @property
    def n_rejected(self) -> int:
        """Records rejected whole (field rejects keep their record)."""
        return sum(r.kind == "record" for r in self.rejects)

    @property
    def n_skipped(self) -> int:
        """Records read that are deliberately not papers."""
        return sum(r.kind == "skipped" for r in self.rejects)

    @property
    def n_read(self) -> int:
        """Records read: those kept, those rejected whole and those skipped."""
        kept = len(self.columns["line"]) if self.n_kept is None else self.n_kept
        return kept + self.n_rejected + self.n_skipped


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\b\d+\b")
_KIND_WORDS = {
    "record": "records not read",
    "field": "fields not read (paper kept)",
    "skipped": "skipped (not papers)",
}


def reject_summary(rejects: list[Reject], examples: int = 3) -> list[str]:
    """What the terminal shows of ``rejects``: per kind, then per reason (quoted values and numbers
    folded, so 700 'crossref X is not in this file' are one line), a count and the first few places.
    Every reject is in ``rejects.csv``; this is the summary of it."""
    lines = []
    for kind in ("record", "field", "skipped"):
        of_kind = [r for r in rejects if r.kind == kind]
        if not of_kind:
            continue
        lines.append(f"{len(of_kind)} {_KIND_WORDS[kind]}:")
        groups: dict[str, list[Reject]] = {}
        for r in of_kind:
            groups.setdefault(_QUOTED.sub("…", r.reason), []).append(r)
        for shape, group in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            if len(group) == 1:
                lines.append(f"  {group[0]}")
                continue
            where = ", ".join(f"{r.source}:{r.line}" for r in group[:examples])
            more = ", ..." if len(group) > examples else ""
            lines.append(f"  {len(group)} x {shape} ({where}{more})")
    return lines
