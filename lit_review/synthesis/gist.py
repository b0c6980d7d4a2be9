"""The gist: the sentence of an abstract that states the paper's contribution, quoted verbatim.

The rule (extractive: no language model, no network), over the sentences of
:func:`~lit_review.synthesis.sentences.split_sentences`:

1. the first sentence where the authors say they propose something: "we (...) propose / introduce /
   present / develop / design / devise / describe", "this paper / work / study proposes ..." (:data:`PROPOSE`);
2. else the first where they say what they study or find: "we show / study / analyse / investigate /
   identify / prove ...", "in this paper", "this work ..." (:data:`STUDY`);
3. else the first naming the method: "our method / approach / framework", "the proposed", "dubbed",
   "called", "termed" (:data:`NAMED`);
4. else the first sentence after the problem statement: after the last of the leading sentences
   that open with a contrast ("However", "Yet", "Despite", ...) or name a gap ("challenge",
   "limitation", "remains", "lack"); with no problem statement, the first sentence.

Rules 2 and 3 skip sentences that report results or point to code (:data:`RESULTS`). The hit rate
of this rule on 60 hand-marked abstracts is in ``docs/synthesis.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .sentences import split_sentences

_WE = r"\b(?:we|here we|this (?:paper|work|study|article|note|report)|our (?:paper|work|study))\b"
PROPOSE = re.compile(
    _WE
    + r"(?:\s+[\w-]+){0,3}?\s+(?:propos|introduc|present|develop|design|devis|describ|creat|build|construct)\w*",
    re.IGNORECASE,
)
STUDY = re.compile(
    _WE + r"(?:\s+[\w-]+){0,3}?\s+(?:show|demonstrat|stud|analy[sz]|investigat|identif|argu|prove|deriv|"
    r"establish|find|explor|examin|reveal|consider|formulat|provid|offer|revisit|focus|tackl|address|seek|aim)\w*"
    r"|\bin this (?:paper|work|study|article)\b",
    re.IGNORECASE,
)
NAMED = re.compile(
    r"\bour (?:method|approach|framework|model|algorithm|technique|system|proposal)\b|\bthe proposed\b"
    r"|\b(?:dubbed|called|termed|named)\b",
    re.IGNORECASE,
)
RESULTS = re.compile(
    r"\b(?:experiments?|results?|evaluations?|empirically|experimentally)\b[^.]*\b(?:show|demonstrat|indicat|"
    r"confirm|verif|validat|reveal|suggest)\w*|\bcode\b|https?://|\bgithub\b",
    re.IGNORECASE,
)
PROBLEM = re.compile(
    r"^(?:however|but|yet|despite|nevertheless|unfortunately|although|though|while)\b"
    r"|\b(?:challeng\w*|limitation\w*|remains?|lacks?|lacking|struggl\w*|bottleneck\w*|suffer\w*)\b",
    re.IGNORECASE,
)
RULES = ("we propose", "we study", "names the method", "after the problem statement", "first sentence")


@dataclass(frozen=True)
class Gist:
    """The chosen sentence, its index among the abstract's sentences, and the rule that chose it."""

    sentence: str
    index: int
    rule: str


def _after_problem(sentences: list[str]) -> int:
    lead = sentences[: max(1, (len(sentences) + 1) // 2)]
    last = max((i for i, s in enumerate(lead) if PROBLEM.search(s)), default=-1)
    return min(last + 1, len(sentences) - 1)


def gist(abstract: str | None) -> Gist | None:
    """The gist of ``abstract`` by the rule above; None for an abstract with no sentence."""
    sentences = split_sentences(abstract)
    if not sentences:
        return None
    for rule, pattern, skip_results in (
        (RULES[0], PROPOSE, False),
        (RULES[1], STUDY, True),
        (RULES[2], NAMED, True),
    ):
        for i, s in enumerate(sentences):
            if pattern.search(s) and not (skip_results and RESULTS.search(s)):
                return Gist(s, i, rule)
    i = _after_problem(sentences)
    return Gist(sentences[i], i, RULES[3] if i else RULES[4])


def gists(papers: pd.DataFrame) -> pd.DataFrame:
    """Every paper's gist: ``id, gist`` ("" without an abstract), ``sentence`` (-1 then), ``rule``."""
    rows = [gist(a) for a in papers["abstract"].tolist()]
    return pd.DataFrame(
        {
            "id": papers["id"].to_numpy(),
            "gist": [g.sentence if g else "" for g in rows],
            "sentence": [g.index if g else -1 for g in rows],
            "rule": [g.rule if g else "" for g in rows],
        }
    )
