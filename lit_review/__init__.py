"""lit-review: reproducible, themed literature reviews from paper listings.

The Python API mirrors the ``lit-review`` command line::

    import lit_review as lr
    papers = lr.load_corpus()            # one row per unique paper, with citation keys and themes
    lr.ingest()                          # write references/library.bib, papers.csv, citekeys.csv
"""

from .bibtex import decode_latex, encode_latex, read_bibtex, to_bibtex, write_bibtex
from .corpus import build_corpus, near_duplicates, read_sources
from .errors import LitReviewError
from .manifest import load_manifest
from .project import Project, ingest, load_corpus, run_ingest
from .sources import read_listing
from .text import clean_text, match_key
from .themes import load_themes, match_theme, theme_by_slug

__version__ = "0.1.0"

__all__ = [
    "LitReviewError",
    "Project",
    "build_corpus",
    "clean_text",
    "decode_latex",
    "encode_latex",
    "ingest",
    "load_corpus",
    "load_manifest",
    "load_themes",
    "match_key",
    "match_theme",
    "near_duplicates",
    "read_bibtex",
    "read_listing",
    "read_sources",
    "run_ingest",
    "theme_by_slug",
    "to_bibtex",
    "write_bibtex",
]
