"""A related-work draft of a theme: one paragraph per sub-topic, each paper's gist quoted and cited.

A paragraph opens with the sub-topic's name (a user's) or "Work on" and its terms (a found one),
then quotes each paper's gist in chronological order (year, month, day, citation key; undated
last), each followed by its citation; papers without an abstract close the paragraph in one
"Other work" citation. Every paper is cited exactly once, under its key of ``<slug>.bib``.
The kit's own words are those few; everything quoted comes verbatim from the abstracts, and both
files say so (and that it must be rewritten before use).

:func:`to_latex`: a standalone document (natbib, plainnat) for pdflatex + bibtex;
:func:`to_markdown`: pandoc citations (``[@key]``) for ``pandoc --citeproc --bibliography <slug>.bib``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..bibtex import encode_latex, typeset
from .subtopics import FOUND, Subtopics

EMPTY = "No paper is included in this theme yet."
NOTE = (
    "Draft written by lit-review: the sentences in quotation marks are extracted verbatim from the "
    "cited papers' abstracts and must be rewritten before use."
)


@dataclass(frozen=True)
class Paragraph:
    """``opening``: the kit's opening phrase; ``quotes``: (citation key, gist) in chronological order;
    ``others``: keys of papers without a gist."""

    opening: str
    quotes: tuple[tuple[str, str], ...]
    others: tuple[str, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.quotes) + self.others


def _chronological(papers: pd.DataFrame) -> pd.DataFrame:
    order = papers.assign(
        _y=pd.to_numeric(papers.get("year"), errors="coerce"),
        _m=pd.to_numeric(papers["month"], errors="coerce") if "month" in papers else float("nan"),
        _d=pd.to_numeric(papers["day"], errors="coerce") if "day" in papers else float("nan"),
    )
    order = order.sort_values(["_y", "_m", "_d", "citekey"], na_position="last", kind="stable")
    return order.drop(columns=["_y", "_m", "_d"])


def paragraphs(papers: pd.DataFrame, subtopics: Subtopics, gists: pd.DataFrame) -> list[Paragraph]:
    """The draft's paragraphs: ``papers`` (``id, citekey, year[, month, day]``) grouped as in
    ``subtopics``, with their ``gists`` (:func:`~lit_review.synthesis.gist.gists`)."""
    table = papers.merge(subtopics.papers, on="id", how="left").merge(
        gists[["id", "gist"]], on="id", how="left"
    )
    out = []
    for g in subtopics.groups.itertuples(index=False):
        members = _chronological(table[table["group"] == g.group])
        quoted = members["gist"].fillna("").astype(str) != ""
        opening = f"Work on {_and(g.terms)}" if g.source == FOUND else g.name
        out.append(
            Paragraph(
                opening,
                tuple(zip(members.loc[quoted, "citekey"], members.loc[quoted, "gist"])),
                tuple(members.loc[~quoted, "citekey"]),
            )
        )
    return out


def _and(items) -> str:
    items = [str(i) for i in items]
    return " and ".join(items) if len(items) < 3 else ", ".join(items[:-1]) + " and " + items[-1]


def _tex(text: str) -> str:
    return encode_latex(typeset(text))


def to_latex(paras: list[Paragraph], title: str, bib: str) -> str:
    """A standalone LaTeX document of the draft, citing from ``bib`` (the ``.bib`` name without extension)."""
    body = []
    for p in paras:
        parts = [f"\\paragraph{{{_tex(p.opening)}.}}"]
        parts += [f"``{_tex(q)}'' \\citep{{{k}}}." for k, q in p.quotes]
        if p.others:
            parts.append(f"Other work: \\citep{{{','.join(p.others)}}}.")
        body.append("\n".join(parts))
    # no citation, no bibliography: bibtex fails on a document that cites nothing
    refs = f"\\bibliographystyle{{plainnat}}\n\\bibliography{{{bib}}}\n" if paras else ""
    return (
        f"% {NOTE}\n"
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n"
        "\\usepackage[round]{natbib}\n\\begin{document}\n"
        f"\\section*{{Related work: {_tex(title)}}}\n"
        f"\\noindent\\emph{{{_tex(NOTE)}}}\n\n" + ("\n\n".join(body) or EMPTY) + "\n\n"
        f"{refs}\\end{{document}}\n"
    )


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#@$~^|])")


def _md(text: str) -> str:
    """``text`` as literal Markdown (pandoc): every character that could start markup escaped."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def to_markdown(paras: list[Paragraph], title: str) -> str:
    """The draft in pandoc Markdown with ``[@key]`` citations (render with ``--citeproc --bibliography``)."""
    body = []
    for p in paras:
        parts = [f"**{_md(p.opening)}.**"]
        parts += [f'"{_md(q)}" [@{k}].' for k, q in p.quotes]
        if p.others:
            parts.append(f"Other work: [{'; '.join('@' + k for k in p.others)}].")
        body.append(" ".join(parts))
    yaml_title = ("Related work: " + title).replace("'", "''")
    return f"---\ntitle: '{_md(yaml_title)}'\n---\n\n<!-- {NOTE} -->\n\n> *{_md(NOTE)}*\n\n" + (
        "\n\n".join(body) + "\n\n# References\n" if body else EMPTY + "\n"
    )
