"""lit-review: reproducible, themed literature reviews from the paper records researchers have.

The Python API mirrors the ``lit-review`` command line (see ``docs/api.md``)::

    import lit_review as lr
    papers = lr.load_corpus()            # one row per unique paper, with citation keys and themes
    lr.ingest()                          # write references/library.bib, papers.csv, citekeys.csv
    lr.build()                           # the themed reports, into reports/

Names are imported on first use, so that ``lit-review build`` with nothing to do starts fast.
"""

from importlib import import_module

__version__ = "0.1.0"

_API = {
    "LitReviewError": "errors",
    "Project": "project",
    "build": "report",
    "ingest": "ingest",
    "load_corpus": "ingest",
    "load_themes": "themes",
    "match_theme": "themes",
    "near_duplicates": "merge",
    "read_bibtex": "bibtex",
    "read_corpus": "corpus",
    "to_bibtex": "export",
}
__all__ = sorted(_API)


def __getattr__(name: str):
    if name in _API:
        return getattr(import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module 'lit_review' has no attribute {name!r}")


def __dir__():
    return __all__
