"""Screening: human decisions (``references/decisions.csv``) and a learned relevance model per theme.

Modules: :mod:`.decisions` (the decisions log), :mod:`.status` (a paper's status from its
decisions), :mod:`.model` (features and :class:`~.model.ScreeningModel`), :mod:`.evaluate`
(cross-validation), :mod:`.agreement` (kappa), :mod:`.session` (screening order, the notebook API).
"""

from .session import Screening, Session, load, next_papers, session

__all__ = ["Screening", "Session", "load", "next_papers", "session"]
