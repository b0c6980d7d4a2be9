"""Screening one theme: the order to read papers in, decisions, undo, progress.

:func:`load` gathers what screening a project reads (corpus, themes, decisions, features);
:class:`Session` is the notebook API::

    s = screening.session(".", "gradient-free", reviewer="ana")
    s.next(5)                      # the 5 unscreened papers most likely relevant
    s.decide("loraga2024", "exclude", "uses gradients")   # appends to decisions.csv, retrains
    s.undo()                       # takes that row back
    s.progress()                   # decided, included, estimated relevant remaining

The TF-IDF features are computed once per session; a decision refits only the classifier.
Other sessions (another notebook, ``lit-review decide``) may write the decisions file at the
same time: before proposing papers or counting progress, a session reloads the file if it
changed since it last read it, so it never offers a paper someone has just decided with a
model that has not seen that decision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import LitReviewError
from ..project import Project
from .decisions import (
    COLUMNS,
    Row,
    append_decisions,
    read_decisions,
    resolve,
    take_back,
    theme_file_decisions,
    warn_unknown_themes,
)
from .model import MIN_PER_CLASS, Features, ScreeningModel
from .status import paper_status

DECISIONS_FILE = "decisions.csv"  # in the project's references/


def decisions_path(project: Project) -> Path:
    return project.references / DECISIONS_FILE


@dataclass
class Screening:
    """A project's screening inputs: the corpus features, and every human decision, resolved."""

    project: Project
    features: Features
    decisions: pd.DataFrame  # resolved rows (paper_id), theme-file decisions first
    unresolved: pd.DataFrame  # rows naming no paper (``why``)
    seen: tuple | None = None  # the decisions file's stamp when last read (:func:`file_stamp`)

    @property
    def papers(self) -> pd.DataFrame:
        return self.features.papers

    def reload_decisions(self) -> None:
        self.seen = file_stamp(decisions_path(self.project))  # before reading: a later change is seen
        self.decisions, self.unresolved = read_project_decisions(self.project, self.features)

    def reload_if_changed(self) -> bool:
        """Reload the decisions if the file changed since they were read; whether it did."""
        if self.project is None or file_stamp(decisions_path(self.project)) == self.seen:
            return False
        self.reload_decisions()
        return True

    def labels(self, slug: str) -> pd.Series:
        """True (include) / False (exclude) per settled paper of theme ``slug``, indexed by corpus row."""
        status = paper_status(self.decisions)
        status = status[(status["theme"] == slug) & status["status"].isin(["include", "exclude"])]
        row = pd.Series(np.arange(len(self.papers)), index=self.papers["id"])
        return pd.Series(
            (status["status"] == "include").to_numpy(), index=row[status["paper_id"]].to_numpy()
        ).sort_index()

    def fitted(self, slug: str, model: ScreeningModel | None = None) -> ScreeningModel | None:
        """Theme ``slug``'s model fitted on all its decisions (``model``: an unfitted one to use), or
        None when the theme is screened by its rules (too few decisions, or features without text)."""
        labels = self.labels(slug)
        if self.features.text is None or min(labels.sum(), (~labels).sum()) < MIN_PER_CLASS:
            return None
        X = self.features.matrix(slug)
        return (model or self.features.model()).fit(X[labels.index.to_numpy()], labels.to_numpy())

    def screen(
        self, slug: str, model: ScreeningModel | None = None
    ) -> tuple[np.ndarray, np.ndarray, str, ScreeningModel | None]:
        """(probability, included, source, fitted model) of every corpus paper in theme ``slug``:
        from the model trained on its decisions (:meth:`fitted`), or from the rules (source
        ``rules``, no model) when it has too few (or the features have no text:
        :func:`lit_review.screening.verdicts.screen_themes` on a large corpus)."""
        fitted = self.fitted(slug, model)
        if fitted is None:
            rules = self.features.rules[slug]
            return rules.proba, rules.included, "rules", None
        p = fitted.predict_proba(self.features.matrix(slug))[:, 1]
        return p, fitted.include(p), "model", fitted

    def scores(self, slug: str, model: ScreeningModel | None = None) -> tuple[np.ndarray, np.ndarray, str]:
        """:meth:`screen` without the fitted model: (probability, included, source)."""
        return self.screen(slug, model)[:3]


def file_stamp(path: Path) -> tuple | None:
    """What changes whenever the file is rewritten (an atomic rename gives it a new inode)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def read_project_decisions(project: Project, features: Features) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Theme-file decisions, then ``decisions.csv``, resolved to the corpus (rows naming no paper apart).
    Rows naming no theme of the theme file are kept (they screen nothing) and warned about."""
    path = decisions_path(project)
    rows = pd.concat([theme_file_decisions(features.themes), read_decisions(path)], ignore_index=True)
    warn_unknown_themes(rows, [t.slug for t in features.themes], path)
    return resolve(rows, features.papers)


def load(root=None) -> Screening:
    """The screening inputs of the project at ``root`` (ingested in memory, nothing written)."""
    from ..ingest import run_ingest
    from ..themes import load_themes

    project = Project.at(root)
    themes = load_themes(project.themes)
    papers = run_ingest(project).corpus.papers
    features = Features.build(papers, themes)
    screening = Screening(project, features, pd.DataFrame(), pd.DataFrame())
    screening.reload_decisions()
    return screening


def next_papers(
    screening: Screening, slug: str, n: int = 10, uncertain: bool = False, scores=None
) -> pd.DataFrame:
    """The next ``n`` papers of theme ``slug`` nobody has decided on: most likely relevant first, or
    (``uncertain``) closest to the inclusion threshold first. Columns: ``id, citekey, title,
    probability, predicted, source``. ``scores``: :meth:`Screening.scores` of ``slug``, if known."""
    p, included, source = scores or screening.scores(slug)
    done = set(screening.decisions.loc[screening.decisions["theme"] == slug, "paper_id"])
    papers = screening.papers
    table = pd.DataFrame(
        {
            "id": papers["id"],
            "citekey": papers.get("citekey", pd.Series([""] * len(papers))),
            "title": papers["title"],
            "probability": p,
            "predicted": np.where(included, "include", "exclude"),
            "source": source,
        }
    )
    table = table[~table["id"].isin(done)]
    if uncertain:
        threshold = _threshold(p, included)
        key = np.abs(table["probability"].to_numpy() - threshold)
    else:
        key = -table["probability"].to_numpy()
    order = np.lexsort((table["id"].to_numpy(), key))  # ties: by id, so the order is stable
    return table.iloc[order[:n]].reset_index(drop=True)


def _threshold(p: np.ndarray, included: np.ndarray) -> float:
    """The probability between the included and the excluded papers."""
    if included.any() and (~included).any():
        return float((p[included].min() + p[~included].max()) / 2)
    return 0.5


class Session:
    """One reviewer screening one theme (see the module docstring)."""

    def __init__(self, screening: Screening, theme: str, reviewer: str):
        from ..themes import theme_by_slug

        theme_by_slug(screening.features.themes, theme)
        reviewer = reviewer.strip() if isinstance(reviewer, str) else ""
        if not reviewer or any(c in reviewer for c in ",\r\n"):
            raise LitReviewError(
                f"a screening session needs a reviewer name without commas, got {reviewer!r}"
            )
        self.screening, self.theme, self.reviewer = screening, theme, reviewer
        self._appended: list[Row] = []
        self._seen: tuple | None = None  # the screening's file stamp when _scores were computed
        self._catch_up()

    @property
    def path(self) -> Path:
        return decisions_path(self.screening.project)

    def next(self, n: int = 1, uncertain: bool = False) -> pd.DataFrame:
        """The next ``n`` papers to screen (:func:`next_papers`), after taking in other sessions' decisions."""
        self._catch_up()
        return next_papers(self.screening, self.theme, n, uncertain, self._scores)

    def decide(self, paper: str, decision: str, reason: str = "") -> Row:
        """Append this reviewer's decision on ``paper`` (key, id, arXiv id, DOI or title) and retrain."""
        row = self.row(paper, decision, reason)
        append_decisions(self.path, [row])
        self._appended.append(row)
        self._refresh()
        return row

    def row(self, paper: str, decision: str, reason: str = "") -> Row:
        """The row :meth:`decide` would append, checked (a paper the corpus does not know: an error)."""
        row = Row(str(paper), self.theme, decision, reason, self.reviewer, dt.date.today().isoformat())
        _, missing = resolve(pd.DataFrame([row.fields()], columns=list(COLUMNS)), self.screening.papers)
        if len(missing):
            raise LitReviewError(f"paper {paper!r} {missing['why'].iloc[0]}", self.path)
        return row

    def undo(self) -> Row | None:
        """Take back this session's last decision, wherever it is in the file (other sessions' rows
        after it stay); None if there is nothing to undo."""
        if not self._appended:
            return None
        row = self._appended[-1]
        if take_back(self.path, lambda r: r == row) is None:
            raise LitReviewError(
                f"cannot undo: this session's last decision ({row.decision} of {row.paper!r}) is no longer "
                "in the file (edited by hand?)",
                self.path,
            )
        self._appended.pop()
        self._refresh()
        return row

    def undo_latest(self) -> Row | None:
        """Take back this reviewer's latest decision in this theme, whichever session wrote it
        (``lit-review decide --undo``); None if they have none in the file."""
        row = take_back(self.path, lambda r: r.theme == self.theme and r.reviewer == self.reviewer)
        if row is not None:
            mine = [k for k, r in enumerate(self._appended) if r == row]
            if mine:
                del self._appended[mine[-1]]
            self._refresh()
        return row

    def progress(self) -> dict:
        """decided, included, remaining (undecided papers) and estimated relevant remaining (sum of
        the model's probabilities over undecided papers; with the rules, the rule-included ones)."""
        self._catch_up()
        status = paper_status(self.screening.decisions)
        status = status[status["theme"] == self.theme]
        p, included, source = self._scores
        undecided = ~self.screening.papers["id"].isin(status["paper_id"]).to_numpy()
        estimate = p[undecided].sum() if source == "model" else included[undecided].sum()
        return {
            "decided": int(len(status)),
            "included": int((status["status"] == "include").sum()),
            "conflicts": int((status["status"] == "conflict").sum()),
            "remaining": int(undecided.sum()),
            "estimated_relevant_remaining": float(estimate),
            "source": source,
        }

    def _refresh(self) -> None:
        self.screening.reload_decisions()
        self._rescore()

    def _catch_up(self) -> None:
        """Reload the decisions if the file changed; rescore if they are not those last scored on
        (another session sharing this :class:`Screening` may have reloaded them)."""
        self.screening.reload_if_changed()
        if self._seen is None or self._seen != self.screening.seen:
            self._rescore()

    def _rescore(self) -> None:
        self._seen = self.screening.seen
        self._scores = self.screening.scores(self.theme)


def progress_text(session: Session) -> str:
    """The session's progress in one line: decided, included, conflicts, to go, estimated remaining."""
    g = session.progress()
    estimate = "by the model" if g["source"] == "model" else "by the term match"
    return (
        f"{session.theme}, reviewer {session.reviewer}: {g['decided']} decided ({g['included']} included, "
        f"{g['conflicts']} in conflict), {g['remaining']} to go; estimated relevant remaining "
        f"{g['estimated_relevant_remaining']:.1f} ({estimate})"
    )


def decide(
    project, theme: str, paper: str | None, decision: str | None, reason: str = "", reviewer: str = "",
    undo: bool = False,
) -> tuple[Row | None, Session]:  # fmt: skip
    """One decision from outside a notebook (``lit-review decide``): appended, checked as a session
    checks it; or (``undo``) the reviewer's latest decision in ``theme`` taken back. ``reviewer``:
    default the login name. Returns the row (None: nothing to undo) and the session, for its progress."""
    import getpass

    from ..themes import load_themes, theme_by_slug

    theme_by_slug(load_themes(Project.at(project).themes), theme)  # before the ingest: a typo fails fast
    if not undo and not (paper and decision):
        raise LitReviewError("decide needs THEME PAPER include|exclude|maybe (or --undo THEME)")
    s = session(project, theme, reviewer.strip() or getpass.getuser())
    return (s.undo_latest() if undo else s.decide(paper, decision, reason)), s


def session(project=None, theme: str = "", reviewer: str = "") -> Session:
    """A screening session of ``theme`` by ``reviewer`` on the project at ``project`` (a path or :func:`load`'s result)."""
    screening = project if isinstance(project, Screening) else load(project)
    return Session(screening, theme, reviewer)
