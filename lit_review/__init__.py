"""lit-review: reproducible, themed literature reviews from paper listings.

The Python API mirrors the ``lit-review`` command line::

    import lit_review as lr
    papers = lr.load_corpus()            # one row per unique paper, with citation keys and themes
    lr.ingest()                          # write references/library.bib, papers.csv, citekeys.csv

Names are imported on first use, so that ``lit-review build`` with nothing to do starts fast.
"""

from importlib import import_module

__version__ = "0.1.0"

_API = {
    "LitReviewError": "errors",
    "Project": "paths",
    "build": "report",
    "build_corpus": "corpus",
    "clean_text": "text",
    "decode_latex": "bibtex",
    "encode_latex": "bibtex",
    "ingest": "project",
    "load_corpus": "project",
    "load_manifest": "manifest",
    "load_themes": "themes",
    "match_key": "text",
    "match_theme": "themes",
    "near_duplicates": "corpus",
    "read_bibtex": "bibtex",
    "read_listing": "sources",
    "read_sources": "corpus",
    "run_ingest": "project",
    "theme_by_slug": "themes",
    "to_bibtex": "bibtex",
    "write_bibtex": "bibtex",
}
__all__ = sorted(_API)


def __getattr__(name: str):
    if name in _API:
        return getattr(import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module 'lit_review' has no attribute {name!r}")


def __dir__():
    return __all__
