"""The screening screen of ``notebooks/screen.ipynb``: one paper at a time, include / exclude / maybe.

:func:`screen_widget` returns a :class:`ScreenWidget`; ``.box`` is what the notebook displays.
Each button calls the :class:`~lit_review.screening.session.Session` (which appends to
``references/decisions.csv`` and retrains), then shows the next paper: the most likely relevant
first, or with the ``most uncertain`` toggle the one closest to the inclusion threshold. Handlers
are plain methods, so tests press the buttons (``w.include.click()``) without a browser.

Corpus text is HTML-escaped; the theme's include terms are highlighted by ``<mark>`` around the
escaped text of each match (matches are found in the raw text, never in markup).
"""

from __future__ import annotations

import re
import warnings
from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..errors import LitReviewError

if TYPE_CHECKING:
    import pandas as pd

    from ..screening.session import Session


def highlight(text: str, patterns: list[re.Pattern]) -> str:
    """``text`` HTML-escaped, with every match of ``patterns`` wrapped in ``<mark>`` (overlaps merged)."""
    import html

    spans = sorted((m.start(), m.end()) for p in patterns for m in p.finditer(text) if m.end() > m.start())
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, pos = [], 0
    for start, end in merged:
        out.append(html.escape(text[pos:start]) + f"<mark>{html.escape(text[start:end])}</mark>")
        pos = end
    return "".join(out) + html.escape(text[pos:])


class ScreenWidget:
    """Buttons, reason box, toggle and the paper card of one screening session (see the module doc)."""

    def __init__(self, session: Session, uncertain: bool = False):
        from ..themes import theme_by_slug

        self.session = session
        theme = theme_by_slug(session.screening.features.themes, session.theme)
        self.patterns = [t.pattern for t in theme.include if t.weight > 0]  # counter-evidence is not shown
        self.card, self.status, self.message = widgets.HTML(), widgets.HTML(), widgets.HTML()
        self.reason = widgets.Text(
            placeholder="reason (say why, above all for an exclusion)", description="Reason"
        )
        self.include = widgets.Button(description="include", button_style="success")
        self.exclude = widgets.Button(description="exclude", button_style="danger")
        self.maybe = widgets.Button(description="maybe", button_style="warning")
        self.undo_button = widgets.Button(description="undo", icon="undo")
        self.uncertain = widgets.ToggleButton(value=uncertain, description="most uncertain first")
        for word in ("include", "exclude", "maybe"):
            getattr(self, word).on_click(lambda _b, word=word: self.decide(word))
        self.undo_button.on_click(lambda _b: self.undo())
        self.uncertain.observe(lambda _change: self.show(), names="value")
        buttons = widgets.HBox([self.include, self.exclude, self.maybe, self.undo_button, self.uncertain])
        self.box = widgets.VBox([self.status, self.card, self.reason, buttons, self.message])
        self.current: pd.Series | None = None
        self.show()

    def show(self) -> None:
        """Show the next paper and the progress."""
        nxt = self.session.next(1, uncertain=self.uncertain.value)
        self.current = nxt.iloc[0] if len(nxt) else None
        self.card.value = self.card_html()
        self.status.value = self.progress_html()

    def decide(self, word: str) -> None:
        if self.current is None:
            self.message.value = "Nothing left to screen in this theme."
            return
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                row = self.session.decide(self.current["id"], word, self.reason.value.strip())
            except LitReviewError as exc:
                self.message.value = _escape(str(exc))
                return
        notes = [str(w.message) for w in caught if row.paper in str(w.message)]
        self.message.value = _escape(f"{word}: {self.current['title']}" + "".join(f" ({n})" for n in notes))
        self.reason.value = ""
        self.show()

    def undo(self) -> None:
        try:
            row = self.session.undo()
        except LitReviewError as exc:
            self.message.value = _escape(str(exc))
            return
        self.message.value = _escape(f"undone: {row.decision} of {row.paper}" if row else "nothing to undo")
        self.show()

    def card_html(self) -> str:
        """The current paper: linked title, authors, year, abstract with the theme's terms marked."""
        if self.current is None:
            return "<p><strong>Every paper of this theme has a decision.</strong></p>"
        from .theme_review import esc, short_authors, year_text

        papers = self.session.screening.papers
        p = next(papers[papers["id"] == self.current["id"]].itertuples(index=False))
        source = (
            "model probability"
            if self.current["source"] == "model"
            else "term-match rank (not a probability)"
        )
        meta = " · ".join(
            x for x in (esc(short_authors(p.authors)), year_text(p), f"<code>{esc(p.citekey)}</code>") if x
        )
        abstract = p.abstract if isinstance(p.abstract, str) else ""
        return (
            f"<h3>{title_html(p, self.patterns)}</h3><p>{meta}</p>"
            f"<p>{esc(source)} {self.current['probability']:.2f}; "
            f"predicted: {esc(self.current['predicted'])}</p>"
            f'<p class="abstract">{highlight(abstract, self.patterns)}</p>'
        )

    def progress_html(self) -> str:
        from ..screening.session import progress_text

        return f"<p>{_escape(progress_text(self.session))}</p>"


def title_html(p, patterns: list[re.Pattern]) -> str:
    """The title with the theme's terms marked, linking to the paper's page (as in the reports) where known."""
    from .theme_review import esc, paper_url

    url = paper_url(p)
    marked = highlight(p.title if isinstance(p.title, str) else "", patterns)
    return f'<a href="{esc(url)}" target="_blank">{marked}</a>' if url else marked


def _escape(text: str) -> str:
    import html

    return html.escape(text)


def check_parameters(theme, reviewer="", project=None, uncertain=False, **_) -> str:
    """Check the screen notebook's parameters before any work; return the reviewer name to use
    (``""``: the login name)."""
    import getpass

    from ..project import Project
    from ..themes import load_themes
    from .params import ParameterError, check_choice, check_path

    check_path("project", project)
    check_choice("theme", theme, [t.slug for t in load_themes(Project.at(project).themes)])
    if not isinstance(reviewer, str) or "," in reviewer or "\n" in reviewer:
        raise ParameterError(
            f"parameter 'reviewer' must be a name without commas or line breaks, got {reviewer!r}"
        )
    if not isinstance(uncertain, bool):
        raise ParameterError(f"parameter 'uncertain' must be True or False, got {uncertain!r}")
    return reviewer.strip() or getpass.getuser()


def screen_widget(session: Session, uncertain: bool = False) -> ScreenWidget:
    """The screen of ``session`` (``.box`` to display)."""
    return ScreenWidget(session, uncertain)
