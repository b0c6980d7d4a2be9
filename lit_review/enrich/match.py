"""Which metadata records complete which paper (pure functions: papers x index columns -> matches).

A paper is matched to index records, in this order:

1. its own arXiv id or DOI (and records with its title key that agree with it: a published
   version's ``.bib`` entry, say);
2. else its title key, exactly (:func:`lit_review.text.match_key`);
3. else, only when no record has its title key, a near title (:func:`near_title`): the same words
   but for one, which differs by a small misspelling, never by a number.

Records found by title must agree with the paper where both are known: the year within
:data:`~lit_review.merge.YEAR_SLACK`, the first author's family name. The records of a paper are
then grouped by what they are (arXiv id, else DOI); a paper whose records are of more than one
paper is *ambiguous*: nothing is applied, a person pins the right one
(``references/enrich-pins.csv``). Wrong enrichment is worse than none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..merge import YEAR_SLACK
from .fill import _missing

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

NONE = "none"  # a pin that says: no metadata record is this paper


@dataclass
class Match:
    """The index rows that complete one paper (by position in the corpus), and how they were found."""

    paper: int
    identity: str  # arXiv:<id>, doi:<doi>, or the first record (file:line) when it has no id
    how: str  # "id", "title", "near title" or "pinned"
    rows: list[int] = field(default_factory=list)


@dataclass
class Ambiguous:
    """A paper whose title finds records of different papers: nothing applied."""

    paper: int
    how: str
    identities: list[str]
    rows: list[int]


def find_matches(
    papers: pd.DataFrame, index: pa.Table, pins: dict[str, str] | None = None, details=None
) -> tuple[list[Match], list[Ambiguous]]:
    """Matches and ambiguous papers of ``papers`` (``id, key, title, authors, year, date_basis,
    arxiv_id, doi``) in ``index`` (:data:`~lit_review.enrich.index.MATCH_COLUMNS`; a row's number is
    its position). ``pins``: paper id -> the identity chosen (``arXiv:X``, ``doi:Y``) or ``none``.
    ``details(rows)``: the full index rows at those positions (``source, line, title``); default:
    taken from ``index`` itself."""
    pins = pins or {}
    details = details or (lambda rows: index.take(__import__("pyarrow").array(rows, "int64")))
    facts: dict[int, dict] = {}

    def learn(rows) -> None:
        facts.update(_row_facts(index, details, set(rows) - set(facts)))

    known = _paper_facts(papers)
    by_arxiv = _positions(index, "arxiv_id", [k["arxiv_id"] for k in known])
    by_doi = _positions(index, "doi", [k["doi"] for k in known])
    by_key = _positions(index, "key", [k["key"] for k in known])
    learn({p for d in (by_arxiv, by_doi, by_key) for ps in d.values() for p in ps})
    pinned_ids = [pins[k["id"]] for k in known if pins.get(k["id"], NONE) != NONE]
    pinned = _pinned_rows(index, pinned_ids)
    learn({p for ps in pinned.values() for p in ps})
    matches, ambiguous, unmatched = [], [], []
    for pos, paper in enumerate(known):
        own = [*by_arxiv.get(paper["arxiv_id"], ()), *by_doi.get(paper["doi"], ())]
        titled = [r for r in by_key.get(paper["key"], ()) if _agrees(paper, facts[r])]
        choice = pins.get(paper["id"])
        if choice is not None:
            if choice != NONE:
                rows = [*pinned.get(choice, ()), *(r for r in own + titled if _identity(facts[r]) == choice)]
                if rows:
                    matches.append(Match(pos, choice, "pinned", sorted(set(rows))))
            continue
        if own:
            own = [r for r in own if not _conflicts(paper, facts[r])]
            rows = own + [r for r in titled if r not in own and not _conflicts(paper, facts[r])]
            if rows:
                matches.append(Match(pos, _identity(facts[own[0]]) if own else "", "id", rows))
                continue
        if paper["arxiv_id"] or paper["doi"]:
            titled = [r for r in titled if not _conflicts(paper, facts[r])]
        if titled:
            _decide(pos, "title", titled, facts, matches, ambiguous)
        else:
            unmatched.append(pos)
    near = _near_candidates(index, details, [known[p] for p in unmatched])
    learn({r for rows in near.values() for r in rows})
    for pos in unmatched:
        paper = known[pos]
        rows = [
            r
            for r in near.get(paper["key"], ())
            if _agrees(paper, facts[r]) and not _conflicts(paper, facts[r])
        ]
        if rows:
            _decide(pos, "near title", rows, facts, matches, ambiguous)
    for m in matches:
        m.rows = sorted(set(m.rows))
        if not m.identity:
            m.identity = _identity(facts[m.rows[0]])
    matches.sort(key=lambda m: m.paper)
    ambiguous.sort(key=lambda a: a.paper)
    return matches, ambiguous


def _decide(pos: int, how: str, rows: list[int], facts: dict, matches: list, ambiguous: list) -> None:
    """One match when ``rows`` are one paper, else an ambiguous entry."""
    groups = _group(rows, facts)
    if len(groups) == 1:
        identity, members = next(iter(groups.items()))
        matches.append(Match(pos, identity, how, members))
    else:
        ambiguous.append(Ambiguous(pos, how, sorted(groups), sorted(rows)))


def _group(rows: list[int], facts: dict) -> dict[str, list[int]]:
    """Rows grouped by the paper they are: arXiv id; DOI (with the arXiv id of a row that has both);
    rows without either join the one group they agree with (first author, year), else stand alone."""
    groups: dict[str, list[int]] = {}
    doi_to = {}
    for r in sorted(rows, key=lambda r: (facts[r]["arxiv_id"] is None, r)):
        f = facts[r]
        if f["arxiv_id"]:
            ident = "arXiv:" + f["arxiv_id"]
            if f["doi"]:
                doi_to.setdefault(f["doi"], ident)
        elif f["doi"]:
            ident = doi_to.get(f["doi"], "doi:" + f["doi"])
        else:
            continue
        groups.setdefault(ident, []).append(r)
    for r in sorted(r for r in rows if not facts[r]["arxiv_id"] and not facts[r]["doi"]):
        fits = [g for g, members in groups.items() if all(_agrees(facts[r], facts[m]) for m in members)]
        if len(fits) == 1 and len(groups) == 1:
            groups[fits[0]].append(r)
        else:
            groups.setdefault(f"{facts[r]['source']}:{facts[r]['line']}", []).append(r)
    return {g: sorted(members) for g, members in groups.items()}


def _identity(f: dict) -> str:
    return (
        "arXiv:" + f["arxiv_id"]
        if f["arxiv_id"]
        else "doi:" + f["doi"]
        if f["doi"]
        else f"{f['source']}:{f['line']}"
    )


def _agrees(a: dict, b: dict) -> bool:
    """First authors (family names) and years agree where both are known."""
    if a["family"] and b["family"] and a["family"] != b["family"]:
        return False
    return not (a["year"] is not None and b["year"] is not None and abs(a["year"] - b["year"]) > YEAR_SLACK)


def _conflicts(paper: dict, f: dict) -> bool:
    """A record with another arXiv id or DOI than the paper's."""
    if paper["arxiv_id"] and f["arxiv_id"] and paper["arxiv_id"] != f["arxiv_id"]:
        return True
    return bool(
        paper["doi"] and f["doi"] and paper["doi"] != f["doi"] and not f["doi"].startswith("10.48550/")
    )


def _paper_facts(papers: pd.DataFrame) -> list[dict]:
    """What matching compares, for each paper: ids, title key, first author, a year a source gave."""
    from ..basekey import author_word, first_author

    out = []
    authors = papers["authors"].tolist() if "authors" in papers else [()] * len(papers)
    basis = papers["date_basis"].tolist() if "date_basis" in papers else [""] * len(papers)
    for pid, key, title, names, year, how, ax, doi in zip(
        papers["id"],
        papers["key"],
        papers["title"],
        authors,
        papers["year"],
        basis,
        papers["arxiv_id"],
        papers["doi"],
    ):
        listed = how == "listed" and not _missing(year)  # a year inferred is no evidence
        out.append(
            {
                "id": pid,
                "key": key,
                "title": title,
                "family": author_word(first_author(names)) or None if names else None,
                "year": int(year) if listed else None,
                "arxiv_id": _text(ax),
                "doi": _text(doi),
            }
        )
    return out


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None  # NaN (a missing string) is no str


def _positions(index: pa.Table, column: str, values: Iterable) -> dict[str, list[int]]:
    """value -> the index rows (positions) holding it, for the ``values`` asked."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    wanted = pa.array(sorted({v for v in values if v}), pa.large_string())
    if not len(wanted) or not len(index):
        return {}
    mask = pc.fill_null(pc.is_in(index[column], value_set=wanted), False)
    rows = np.flatnonzero(np.asarray(mask, dtype=bool))
    out: dict[str, list[int]] = {}
    for r, v in zip(rows.tolist(), index[column].take(pa.array(rows)).to_pylist()):
        out.setdefault(v, []).append(r)
    return out


def _pinned_rows(index: pa.Table, identities: list[str]) -> dict[str, list[int]]:
    """identity pinned -> the index rows of that arXiv id or DOI."""
    arxiv = _positions(index, "arxiv_id", [i[6:] for i in identities if i.startswith("arXiv:")])
    doi = _positions(index, "doi", [i[4:] for i in identities if i.startswith("doi:")])
    return {**{"arXiv:" + k: v for k, v in arxiv.items()}, **{"doi:" + k: v for k, v in doi.items()}}


def _row_facts(index: pa.Table, details, rows: set[int]) -> dict[int, dict]:
    """What matching compares of index rows (by position), with the file and line they come from."""
    import pyarrow as pa

    rows = sorted(rows)
    if not rows:
        return {}
    cols = ["arxiv_id", "doi", "family", "year", "key"]
    sub = index.select(cols).take(pa.array(rows, pa.int64())).to_pylist()
    where = details(rows).select(["source", "line"]).to_pylist()
    return {r: {**f, **w} for r, f, w in zip(rows, sub, where)}


def _near_candidates(index: pa.Table, details, papers: list[dict]) -> dict[str, list[int]]:
    """paper title key -> index rows whose title is near it (:func:`near_title`), looked for among
    the rows sharing the first or last characters of its key. Titles one misspelt word apart have
    keys at most two edits apart: rapidfuzz keeps those (in C) before the word-level rule runs."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    from .index import key_blocks

    if not papers:
        return {}
    keys = pa.array([p["key"] for p in papers], pa.large_string())
    blocks = key_blocks(keys)
    heads = _positions(index, "key_head", blocks["key_head"].to_pylist())
    tails = _positions(index, "key_tail", blocks["key_tail"].to_pylist())
    rows = sorted({r for d in (heads, tails) for rs in d.values() for r in rs})
    if not rows:
        return {}
    row_array = np.asarray(rows, dtype=np.int64)
    row_keys = index["key"].take(pa.array(row_array))
    at = {r: k for k, r in enumerate(rows)}  # row -> its place in row_array
    lengths = np.asarray(pc.utf8_length(row_keys), dtype=np.int64)
    row_keys = row_keys.to_pylist()
    close: dict[str, set[int]] = {}
    for which, found in (("key_head", heads), ("key_tail", tails)):
        askers: dict[str, list[str]] = {}
        for p, block in zip(papers, blocks[which].to_pylist()):
            if block in found:
                askers.setdefault(block, []).append(p["key"])
        for block, asking in askers.items():
            members = np.asarray([at[r] for r in found[block]], dtype=np.int64)
            for n in sorted({len(k) for k in asking}):  # keys two edits apart: lengths two apart at most
                sel = members[np.abs(lengths[members] - n) <= 2]
                ask = [k for k in asking if len(k) == n]
                if not len(sel):
                    continue
                dist = process.cdist(
                    ask,
                    [row_keys[m] for m in sel.tolist()],
                    scorer=Levenshtein.distance,
                    score_cutoff=2,
                    workers=1,
                )
                for i, j in zip(*np.nonzero((dist > 0) & (dist <= 2))):
                    close.setdefault(ask[i], set()).add(rows[sel[j]])
    wanted = sorted({r for rs in close.values() for r in rs})
    if not wanted:
        return {}
    titles = dict(zip(wanted, details(wanted).column("title").to_pylist()))
    out: dict[str, list[int]] = {}
    for p in papers:
        near = [r for r in sorted(close.get(p["key"], ())) if near_title(p["title"], titles[r])]
        if near:
            out[p["key"]] = near
    return out


def near_title(a: str, b: str) -> bool:
    """Whether two titles are one title spelled differently: the same words in the same order but
    for one, which is a small misspelling of the other: same first letter, one edit (a swap of two
    neighbouring letters counts as one), two in a word of 8 letters or more (``Modeling`` /
    ``Modelling``, ``Netwrok`` / ``Network``). Refused: a word with a digit (``Llama 2`` /
    ``Llama 3``, ``Qwen2`` / ``Qwen2.5``), a plural (``Model`` / ``Models``: titles of different
    papers often differ so), a word added or removed (``Trust Region On-Policy Distillation`` is
    another paper than ``Trust Region Policy Distillation``)."""
    from rapidfuzz.distance import OSA

    from ..text import words

    wa, wb = words(a), words(b)
    if len(wa) != len(wb) or len(wa) < 3:
        return False
    diff = [(x, y) for x, y in zip(wa, wb) if x != y]
    if len(diff) != 1:
        return False
    x, y = diff[0]
    if any(c.isdigit() for c in x + y) or x[0] != y[0] or min(len(x), len(y)) < 4:
        return False
    short, long = sorted((x, y), key=len)
    if long in (short + "s", short + "es"):  # a plural: ``Generative Model`` / ``Generative Models``
        return False
    return OSA.distance(x, y) <= (2 if min(len(x), len(y)) >= 8 else 1)
