"""Complete the corpus's papers from the metadata files in ``references/metadata/`` (offline).

Every ingest applies them (:func:`apply`, one step between the merge and the citation keys):
the metadata index (:mod:`.index`) is matched against the papers (:mod:`.match`), and what a
paper lacks is filled (:mod:`.fill`). Metadata records never add a paper, never change a title a
source gave, a paper id or a pinned citation key. Papers the metadata cannot decide are listed in
``references/enrich-ambiguous.csv`` for a person to pin (:mod:`.pins`). ``lit-review enrich``
reports coverage and what the metadata fills (:func:`report`). Rules and numbers: ``docs/enrich.md``.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .fill import FILLED_COLUMN, _missing, fill_papers, records_by_position
from .index import MetadataIndex, load_index
from .match import Ambiguous, Match, find_matches
from .pins import load_pins, pin

if TYPE_CHECKING:
    import pandas as pd

    from ..corpus import Corpus
    from ..project import Project

__all__ = ["Enrichment", "apply", "enrich_papers", "report", "pin", "ambiguous_csv", "FILLED_COLUMN"]
CACHE = Path(".cache") / "metadata-index"  # under reports/: rebuilt when the metadata files change


@dataclass
class Enrichment:
    """What the metadata folder did to a corpus: its index, the matches, the fills, the ambiguous papers."""

    index: MetadataIndex
    matches: list[Match] = field(default_factory=list)
    ambiguous: list[Ambiguous] = field(default_factory=list)
    fills: list[tuple[int, str, str]] = field(default_factory=list)  # (paper position, field, file:line)
    before: pd.DataFrame | None = None  # the papers as merged, before filling
    candidates: dict[int, dict] = field(default_factory=dict)  # index position -> record (ambiguous ones)


def enrich_papers(
    papers: pd.DataFrame, index: MetadataIndex, pins: dict[str, str]
) -> tuple[pd.DataFrame, Enrichment]:
    """``papers`` completed from ``index`` (a copy with an ``enriched_from`` column) and what was done."""
    table = index.match_columns()
    matches, ambiguous = find_matches(
        papers, table, pins, details=lambda rows: index.rows(rows, ["source", "line", "key", "title"])
    )
    used = sorted({r for m in matches for r in m.rows})
    records = records_by_position(index.rows(used), used)
    filled, fills = fill_papers(papers, matches, records)
    shown = sorted({r for a in ambiguous for r in a.rows})
    candidates = records_by_position(index.rows(shown), shown)
    return filled, Enrichment(index, matches, ambiguous, fills, papers, candidates)


def apply(project: Project, corpus: Corpus, write: bool = True) -> Enrichment | None:
    """Complete ``corpus.papers`` (in place) from the project's metadata folder; ``None`` without one.

    Papers that gain authors or a year get new base keys (a pinned key never changes). With
    ``write=False`` the index is built in memory when no saved one fits (a dry run writes nothing).
    """
    from ..basekey import base_key, first_author

    folder = project.metadata
    if not folder.is_dir():
        return None
    index = load_index(folder, project.reports / CACHE if write else None)
    pins = load_pins(project.enrich_pins)
    papers, enrichment = enrich_papers(corpus.papers, index, pins)
    changed = sorted({p for p, f, _ in enrichment.fills if f in ("authors", "year")})
    if corpus.base_keys is not None and changed:
        titles, years, authors = papers["title"].tolist(), papers["year"].tolist(), papers["authors"].tolist()
        for p in changed:
            year = None if _missing(years[p]) else int(years[p])
            corpus.base_keys[p] = base_key(titles[p], year, first_author(authors[p]))
    corpus.papers = papers
    corpus.rejects = corpus.rejects + index.rejects
    return enrichment


AMBIGUOUS_HEADER = ["id", "title", "how", "candidate", "record", "candidate_title", "first_author", "year"]


def ambiguous_csv(enrichment: Enrichment, papers: pd.DataFrame) -> str:
    """``references/enrich-ambiguous.csv``: one row per candidate record of each ambiguous paper."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(AMBIGUOUS_HEADER)
    ids, titles = papers["id"].tolist(), papers["title"].tolist()
    for a in sorted(enrichment.ambiguous, key=lambda a: ids[a.paper]):
        for r in a.rows:
            rec = enrichment.candidates[r]
            ident = (
                f"arXiv:{rec['arxiv_id']}" if rec["arxiv_id"] else f"doi:{rec['doi']}" if rec["doi"] else ""
            )
            first = rec["authors"][0] if rec["authors"] else ""
            year = rec["year"] if rec["year"] is not None else ""
            w.writerow(
                [
                    ids[a.paper],
                    titles[a.paper],
                    a.how,
                    ident,
                    f"{rec['source']}:{rec['line']}",
                    rec["title"],
                    first,
                    year,
                ]
            )
    return buf.getvalue()


def coverage(papers: pd.DataFrame) -> pd.DataFrame:
    """Per source file: papers, and those lacking authors, a year, an id (arXiv id or DOI).

    A paper counts for the file of its first record."""
    import pandas as pd

    first = [s[0].rsplit(":", 1)[0] if len(s) else "" for s in papers["sources"]]
    lacks = pd.DataFrame(
        {
            "file": first,
            "papers": 1,
            "no authors": [not a for a in papers["authors"]],
            "no year": papers["year"].isna().to_numpy(),
            "no id": (papers["arxiv_id"].isna() & papers["doi"].isna()).to_numpy(),
        }
    )
    table = lacks.groupby("file", sort=True).sum()
    table.loc["all"] = table.sum()
    return table


def report(project: Project, result, dry_run: bool = False) -> str:
    """What ``lit-review enrich`` prints of an ingest ``result`` (``ingest.run_ingest``): coverage per
    source file before and after the metadata folder, what it fills (per field and per metadata
    file), and the papers it could not decide.

    Without ``dry_run`` it writes ``references/enrich-ambiguous.csv``; with it, nothing."""
    from .._infra.iorw import atomic_write_text

    e = result.enrichment
    lines = ["coverage before the metadata folder (papers lacking):"]
    papers = result.corpus.papers
    before = e.before if e is not None else papers
    lines += _table(coverage(before))
    if e is None:
        lines.append(f"no metadata folder ({project.metadata}): nothing to fill")
        return "\n".join(lines)
    idx = e.index
    lines.append(
        f"metadata: {len(idx.files)} files, {idx.n_rows} records"
        f" ({'index reused' if idx.reused else 'index built'}); records rejected: "
        f"{sum(r.kind == 'record' for r in idx.rejects)}; files not read: {len(idx.errors)}"
    )
    for err in idx.errors:
        lines.append(f"  not read: {err}")
    hows = Counter(m.how for m in e.matches)
    lines.append(
        f"papers matched: {len(e.matches)} ({', '.join(f'{n} by {h}' for h, n in sorted(hows.items())) or 'none'}); "
        f"papers completed: {len({p for p, _, _ in e.fills})}; ambiguous: {len(e.ambiguous)}"
    )
    per_field = Counter(f for _, f, _ in e.fills)
    lines.append("fields filled: " + (", ".join(f"{f} {n}" for f, n in sorted(per_field.items())) or "none"))
    per_file = Counter(where.rsplit(":", 1)[0] for _, _, where in e.fills)
    for name, n in sorted(per_file.items()):
        lines.append(f"  {name}: {n} fields")
    lines.append("coverage after (papers lacking):")
    lines += _table(coverage(papers))
    if e.ambiguous:
        lines.append("ambiguous (pin one in references/enrich-pins.csv: id,choice):")
        ids, titles = papers["id"].tolist(), papers["title"].tolist()
        for a in e.ambiguous:
            lines.append(f"  {ids[a.paper]}  {titles[a.paper]!r} ({a.how}): {', '.join(a.identities)}")
    if not dry_run:
        target = project.references / "enrich-ambiguous.csv"
        atomic_write_text(target, ambiguous_csv(e, papers))
        lines.append(f"wrote {target}")
    else:
        lines.append("dry run: nothing written")
    return "\n".join(lines)


def _table(table) -> list[str]:
    return ["  " + line for line in table.to_string().splitlines()]
