"""The corpus as files: ``papers.csv``, ``duplicates.csv``, ``rejects.csv``, every output of an ingest,
and exports of the corpus (or one theme's papers) for Zotero and pandoc: CSL-JSON, RIS, CSV.

What a reader of our exports must map back (so that export-then-ingest gives the same papers):

- CSL-JSON: ``id`` / ``citation-key`` = citekey; ``author`` items ``{family, given}`` -> ``"Family, Given"``
  (``{literal}`` -> the name as is); ``issued.date-parts[0]`` = [year, month, day] (as far as known);
  ``DOI``; ``URL``; ``number`` = ``"arXiv:<id>"`` (versionless) for arXiv papers; ``container-title``
  = venue; ``type`` article-journal / paper-conference / chapter (venue) or article (a preprint);
  ``keyword`` = keywords and theme slugs joined with ``", "``; ``note`` = organisation and author count.
- RIS (rispy's tag names): ``ID`` = citekey; ``AU`` one per author, ``Family, Given``; ``TI``; ``PY``;
  ``DA`` = ``YYYY/MM/DD/``; ``DO``; ``UR`` = ``https://arxiv.org/abs/<id>`` first for arXiv papers, then
  the paper's own URL; ``JO`` (journal) or ``T2`` (proceedings, book) = venue; ``TY`` JOUR / CPAPER /
  CHAP / GEN (no venue); ``KW`` one per keyword and theme slug; ``N1`` notes; ``AB``. RIS values are
  single lines: line breaks in a value are written as spaces.
- CSV: the columns of ``papers.csv`` (:data:`CSV_COLUMNS`).
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ._fast.bibtex import library_chunks
from ._infra.columns import arrow, sort_order, take
from ._infra.iorw import atomic_open, atomic_write_text
from .bibtex import Paper, link, papers_of
from .corpus import Corpus
from .errors import LitReviewError
from .sources.ids import abs_url
from .themes import theme_members

if TYPE_CHECKING:
    import pyarrow as pa


OUTPUT_FILES = (
    "library.bib",
    "papers.csv",
    "citekeys.csv",
    "first-seen.csv",
    "duplicates.csv",
    "rejects.csv",
)
CSV_COLUMNS = [
    "id", "citekey", "title", "abstract", "authors", "year", "month", "day", "date_basis", "arxiv_id",
    "primary_class", "doi", "url", "venue", "entry_type", "keywords", "n_authors", "organization",
    "upvotes", "themes", "n_sources", "sources", "first_seen", "enriched_from",
]  # fmt: skip
LIST_SEPARATOR = "; "  # how papers.csv joins a paper's authors, keywords, themes and sources


def _papers_table(papers: pd.DataFrame, rows) -> pa.Table:
    import pyarrow as pa

    columns = {}
    for col in CSV_COLUMNS:
        if col in ("title", "abstract") and col in papers:
            columns[col] = take(arrow(papers[col]), rows)
            continue
        if col not in papers:  # an absent column reads as missing
            columns[col] = pa.nulls(len(rows), pa.string())
            continue
        values = papers[col].iloc[rows]
        if col in ("authors", "keywords", "sources", "themes"):
            values = _joined(values.tolist(), cache=col == "themes")
        columns[col] = values if isinstance(values, pa.Array) else pa.array(values)
    return pa.table(columns)


def _joined(cells: list, cache: bool = False) -> pa.Array:
    """Each list cell joined with :data:`LIST_SEPARATOR` (a cell that is no list or tuple: ``""``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if set(map(type, cells)) <= {tuple, list}:  # as the corpus holds them: Arrow joins them
        try:
            lists = pa.array(cells, pa.list_(pa.string()))
        except (pa.ArrowException, TypeError, ValueError):
            lists = None  # not all strings: as str.join would have it, below
        if lists is not None and not pc.list_flatten(lists).null_count:
            return pc.fill_null(pc.binary_join(lists, pa.scalar(LIST_SEPARATOR)), "")
    join = lru_cache(maxsize=None)(LIST_SEPARATOR.join) if cache else LIST_SEPARATOR.join  # theme sets repeat
    return pa.array([join(v) if isinstance(v, (list, tuple)) else "" for v in cells], pa.string())


CSV_BATCH = 50_000


def write_papers_csv(papers: pd.DataFrame, fh) -> None:
    """Write the corpus as CSV to a binary file: one row per paper, sorted by citation key (streamed)."""
    import pyarrow.csv as pacsv

    order = sort_order(papers["citekey"])
    options = pacsv.WriteOptions(quoting_style="needed")
    writer = None
    for start in range(0, max(len(papers), 1), CSV_BATCH):
        table = _papers_table(papers, order[start : start + CSV_BATCH])
        writer = writer or pacsv.CSVWriter(fh, table.schema, write_options=options)
        writer.write_table(table)
    writer.close()


def papers_csv(papers: pd.DataFrame) -> str:
    """The corpus as CSV text: one row per paper, sorted by citation key, lists joined with ``"; "``."""
    buf = io.BytesIO()
    write_papers_csv(papers, buf)
    return buf.getvalue().decode("utf-8")


def rejects_csv(corpus: Corpus, errors: list[LitReviewError]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["source", "line", "kind", "reason", "text"])
    for e in errors:
        w.writerow([Path(e.path).name if e.path else "", e.line or "", "file", e.message, ""])
    for r in sorted(corpus.rejects, key=lambda r: (r.source, r.line)):
        w.writerow([r.source, r.line, r.kind, r.reason, r.text])
    return buf.getvalue()


def duplicates_csv(corpus: Corpus) -> str:
    """Every record merged into a paper read more than once, with its title as read: what dedupe did."""
    papers = corpus.papers[["citekey", "id", "title", "sources", "n_sources"]]  # not the abstracts
    merged = papers[papers["n_sources"] > 1].sort_values("citekey", kind="stable")
    recs = corpus.records[corpus.records["id"].isin(merged["id"])]
    raw = dict(
        zip((recs["source"] + ":" + recs["line"].astype(str)).tolist(), recs["title_as_read"].tolist())
    )
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["citekey", "id", "title", "record", "title_as_read"])
    for key, pid, title, sources in zip(merged["citekey"], merged["id"], merged["title"], merged["sources"]):
        for src in sources:
            w.writerow([key, pid, title, src, raw.get(src, "")])
    return buf.getvalue()


def to_bibtex(papers: pd.DataFrame) -> str:
    """BibTeX text for ``papers`` (which need a ``citekey``), one entry each, sorted by key.

    The text of :func:`library_text`, rendered column by column (``lit_review._fast.bibtex``).
    """
    return b"".join(library_chunks(papers)).decode("utf-8")


def write_bibtex(papers: pd.DataFrame, path: str | Path) -> None:
    """Atomically write ``papers`` as a BibTeX file, streamed in chunks (same text as :func:`to_bibtex`)."""
    with atomic_open(path, "wb") as fh:
        for data in library_chunks(papers):
            fh.write(data)


# Export for Zotero and pandoc: one item per paper, sorted by citation key.

_CSL_TYPE = {"article": "article-journal", "inproceedings": "paper-conference", "incollection": "chapter"}
_RIS_TYPE = {"article": "JOUR", "inproceedings": "CPAPER", "incollection": "CHAP"}


def _sorted_papers(papers: pd.DataFrame) -> list[Paper]:
    return papers_of(papers.sort_values("citekey", kind="stable"))


def _kind(p: Paper) -> str | None:
    """The venue's kind (a key of :data:`_CSL_TYPE`), or ``None`` for a paper without a venue."""
    return (p.entry_type if p.entry_type in _CSL_TYPE else "article") if p.venue else None


def _csl_name(name: str) -> dict[str, str]:
    """``"Family, Given"`` as a CSL name; a name without a comma (a group, a mononym) as a literal."""
    family, comma, given = (part.strip() for part in name.partition(","))
    if not comma:
        return {"literal": family}
    return {"family": family, "given": given} if given else {"family": family}


def _date(papers: pd.DataFrame, citekeys: list[str]) -> dict[str, list[int]]:
    """[year, month, day] of each paper, as far as known (the day only with the month)."""
    cols = {c: papers.set_index("citekey")[c] if c in papers else None for c in ("year", "month", "day")}
    out = {}
    for key in citekeys:
        parts = []
        for c in ("year", "month", "day"):
            value = cols[c].get(key) if cols[c] is not None else None
            if value is None or value is pd.NA or value != value:
                break
            parts.append(int(value))
        out[key] = parts
    return out


def _notes(p: Paper) -> list[str]:
    notes = []
    if not p.authors and p.n_authors is not None:
        notes.append(
            f"{p.n_authors} author{'s' if p.n_authors != 1 else ''}; names not given in the source listing"
        )
    if p.organization:
        notes.append(f"Organization: {p.organization}")
    return notes


def csl_items(papers: pd.DataFrame) -> list[dict]:
    """The papers as CSL-JSON items (standard CSL 1.0.2 variables), sorted by citation key."""
    items = []
    ps = _sorted_papers(papers)
    dates = _date(papers, [p.citekey for p in ps])
    for p in ps:
        item = {"id": p.citekey, "citation-key": p.citekey, "type": _CSL_TYPE.get(_kind(p), "article")}
        item["title"] = p.title or ""
        if p.authors:
            item["author"] = [_csl_name(a) for a in p.authors]
        if dates[p.citekey]:
            item["issued"] = {"date-parts": [dates[p.citekey]]}
        if p.venue:
            item["container-title"] = p.venue
        elif p.arxiv_id:
            item["publisher"] = "arXiv"  # Zotero's preprint repository
        if p.arxiv_id:
            item["number"] = f"arXiv:{p.arxiv_id}"
        if p.doi:
            item["DOI"] = p.doi
        url = link(p.url, p.arxiv_id)
        if url:
            item["URL"] = url
        keywords = list(dict.fromkeys(p.keywords + p.themes))
        if keywords:
            item["keyword"] = ", ".join(keywords)
        if _notes(p):
            item["note"] = ". ".join(_notes(p))
        if p.abstract:
            item["abstract"] = p.abstract
        items.append(item)
    return items


def to_csl_json(papers: pd.DataFrame) -> str:
    import json

    return json.dumps(csl_items(papers), ensure_ascii=False, indent=2) + "\n"


def _line(text: str) -> str:
    return " ".join(text.splitlines())  # a RIS value is one line


def ris_records(papers: pd.DataFrame) -> list[dict]:
    """The papers as rispy records (keys are rispy's tag names), sorted by citation key."""
    records = []
    ps = _sorted_papers(papers)
    dates = _date(papers, [p.citekey for p in ps])
    for p in ps:
        kind = _kind(p)
        rec: dict = {"type_of_reference": _RIS_TYPE.get(kind, "GEN"), "id": p.citekey}
        rec["title"] = _line(p.title or "")
        if p.authors:
            rec["authors"] = [_line(a) for a in p.authors]
        date = dates[p.citekey]
        if date:
            rec["year"] = str(date[0])
            rec["date"] = "/".join(f"{d:02d}" if i else str(d) for i, d in enumerate(date)) + "/" * (
                4 - len(date)
            )
        if p.venue:
            rec["journal_name" if kind == "article" else "secondary_title"] = _line(p.venue)
        if p.doi:
            rec["doi"] = p.doi
        urls = [abs_url(p.arxiv_id)] if p.arxiv_id else []
        urls += [p.url] if p.url and p.url not in urls else []
        if urls:
            rec["urls"] = [_line(u) for u in urls]
        keywords = list(dict.fromkeys(p.keywords + p.themes))
        if keywords:
            rec["keywords"] = [_line(k) for k in keywords]
        if _notes(p):
            rec["notes"] = [_line(n) for n in _notes(p)]
        if p.abstract:
            rec["abstract"] = _line(p.abstract)
        records.append(rec)
    return records


def to_ris(papers: pd.DataFrame) -> str:
    import rispy

    return rispy.dumps(ris_records(papers)) if len(papers) else ""


EXPORT_FORMATS = {"csl-json": to_csl_json, "ris": to_ris, "csv": papers_csv}


def export_text(papers: pd.DataFrame, fmt: str, theme: str | None = None) -> str:
    """The corpus (or, with ``theme``, the papers whose ``themes`` hold that slug) in ``fmt``."""
    if fmt not in EXPORT_FORMATS:
        raise LitReviewError(f"unknown export format {fmt!r} (one of: {', '.join(EXPORT_FORMATS)})")
    if theme is not None:
        papers = papers[theme_members(papers, theme)] if len(papers) else papers
    return EXPORT_FORMATS[fmt](papers)


def write_export(papers: pd.DataFrame, fmt: str, path: str | Path, theme: str | None = None) -> None:
    """Atomically write :func:`export_text` to ``path`` (UTF-8)."""
    atomic_write_text(path, export_text(papers, fmt, theme))
