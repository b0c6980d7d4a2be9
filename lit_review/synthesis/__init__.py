"""What helps write the review from a theme's included papers: sub-topics, each paper's gist, the
systematic map, the timeline and a related-work draft. Pure functions over the papers and the
theme's definition; deterministic (same papers, same output)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..themes import Theme
from .draft import Paragraph, paragraphs, to_latex, to_markdown
from .facets import FacetMap, classify
from .gist import gists
from .subtopics import Subtopics, subtopics
from .timeline import monthly


@dataclass
class Synthesis:
    """A theme's synthesis: ``gists`` (``id, gist, sentence, rule``), ``subtopics``, ``facets``
    (the systematic map), ``timeline`` (papers per month and sub-topic), ``paragraphs`` (the draft)."""

    theme: Theme
    papers: pd.DataFrame
    gists: pd.DataFrame
    subtopics: Subtopics
    facets: FacetMap
    timeline: pd.DataFrame
    paragraphs: list[Paragraph]

    def drafts(self) -> dict[str, str]:
        """The related-work drafts by file name: ``<slug>-related-work.tex`` and ``.md``, citing ``<slug>.bib``."""
        t = self.theme
        return {
            draft_name(t.slug, "tex"): to_latex(self.paragraphs, t.title, t.slug),
            draft_name(t.slug, "md"): to_markdown(self.paragraphs, t.title),
        }


def draft_name(slug: str, ext: str) -> str:
    """The file of a theme's related-work draft (``tex`` or ``md``), beside its report and ``.bib``."""
    return f"{slug}-related-work.{ext}"


def synthesize(papers: pd.DataFrame, theme: Theme, random_state: int = 0) -> Synthesis:
    """The synthesis of ``theme`` from its included ``papers`` (``id, citekey, title, abstract, year``
    and, where known, ``month, day``)."""
    papers = papers.sort_values("id", kind="stable").reset_index(drop=True)
    g = gists(papers)
    sub = subtopics(papers, theme, random_state)
    names = sub.papers["group"].map(dict(zip(sub.groups["group"], sub.groups["name"])))
    return Synthesis(
        theme,
        papers,
        g,
        sub,
        classify(papers, theme),
        monthly(papers, names, sub.groups["name"].tolist()),
        paragraphs(papers, sub, g),
    )


__all__ = ["Synthesis", "draft_name", "synthesize"]
