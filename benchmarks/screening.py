"""Screening cost at 10k and 100k papers: features once, a retrain, and every theme trained and scored.

    python benchmarks/screening.py 10000 100000

Synthetic papers recombine the bundled corpus: a title from parts of two seed titles, an
abstract of five seed sentences (seeded, deterministic). Each theme gets ``DECISIONS``
decisions on random papers, labelled by its rules (a worst case for the model: every theme
trained, none falling back to the rules). Prints a table (numbers copied into docs/screening.md).
"""

from __future__ import annotations

import random
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lit_review.ingest import load_corpus  # noqa: E402
from lit_review.screening.model import Features  # noqa: E402
from lit_review.themes import load_themes  # noqa: E402

DECISIONS = 1000


def synthetic(n: int, seed: int = 0) -> pd.DataFrame:
    papers = load_corpus(ROOT)
    rng = random.Random(seed)
    titles = papers["title"].tolist()
    sentences = [s for a in papers["abstract"].dropna() for s in re.split(r"(?<=\.) ", a) if len(s) > 20]
    rows = []
    for i in range(n):
        a, b = rng.choice(titles).split(" ")[:4], rng.choice(titles).split(" ")[-4:]
        rows.append((f"s-{i}", " ".join(a + b), " ".join(rng.choice(sentences) for _ in range(5))))
    return pd.DataFrame(rows, columns=["id", "title", "abstract"])


def run(n: int) -> dict:
    papers = synthetic(n)
    themes = load_themes(ROOT / "references" / "themes.toml")
    t = time.perf_counter()
    features = Features.build(papers, themes)
    built = time.perf_counter() - t
    rng = np.random.default_rng(0)
    rows = rng.choice(n, DECISIONS, replace=False)
    fits = []
    t = time.perf_counter()
    for theme in themes:
        X = features.matrix(theme.slug)
        y = features.rules[theme.slug].included[rows]
        if min(y.sum(), (~y).sum()) < 2:  # a theme its rules never include here: nothing to learn
            y = y.copy()
            y[:5] = True
        s = time.perf_counter()
        model = features.model().fit(X[rows], y)
        model.predict_proba(X)
        fits.append(time.perf_counter() - s)
    every = time.perf_counter() - t
    return {
        "papers": n,
        "TF-IDF terms": features.text.shape[1],
        "features once (s)": round(built, 2),
        "retrain one theme (s, median)": round(float(np.median(fits)), 2),
        "slowest theme (s)": round(float(np.max(fits)), 2),
        "train + score all 6 themes (s)": round(every, 2),
        "features + all themes (s)": round(built + every, 2),
    }


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000]
    table = pd.DataFrame([run(n) for n in sizes])
    print(
        f"{DECISIONS} decisions per theme; a retrain = inner-CV choice of C and threshold + fit + score all papers"
    )
    print(table.to_markdown(index=False) if _has_tabulate() else table.to_string(index=False))


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()
