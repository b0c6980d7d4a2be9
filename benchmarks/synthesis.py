"""Synthesis of a large theme: sub-topics, gists, systematic map and related-work draft.

    python benchmarks/synthesis.py 2000 10000      # time the synthesis of themes of that many papers
    python benchmarks/synthesis.py --compare       # NMF vs k-means vs agglomerative on the bundled themes

A theme of ``n`` included papers is made from the seed corpus's real texts: each paper is a seed paper
(title and abstract, each abstract sentence kept with probability 0.8) plus one sentence of another
seed paper, with a year and month; the theme is the bundled gradient-free theme (two user
sub-topics, two facets). The comparison clusters each bundled theme's included papers (after
screening, as the reports do) with each method for k = 2..8 on the same TF-IDF matrix and reports the
best mean cosine silhouette, the k it picks, the stability of that grouping when every 10th paper is
left out (adjusted Rand index on the papers kept) and the largest group's share.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lit_review.project import Project  # noqa: E402
from lit_review.synthesis import synthesize  # noqa: E402
from lit_review.synthesis.draft import to_latex, to_markdown  # noqa: E402
from lit_review.synthesis.sentences import split_sentences  # noqa: E402
from lit_review.themes import load_themes, theme_by_slug, theme_members  # noqa: E402


def bundled():
    from lit_review.ingest import run_ingest
    from lit_review.snapshot import take_snapshot

    proj = Project.at(ROOT)
    themes = load_themes(proj.themes)
    return take_snapshot(proj, run_ingest(proj), themes).result.corpus.papers, themes


def synthetic(seeds: pd.DataFrame, n: int, seed: int = 0) -> pd.DataFrame:
    rng = random.Random(seed)
    rows = []
    texts = [(t, split_sentences(a)) for t, a in zip(seeds["title"], seeds["abstract"])]
    for i in range(n):
        title, sentences = texts[rng.randrange(len(texts))]
        kept = [s for s in sentences if rng.random() < 0.8] or sentences[:1]
        kept.insert(rng.randrange(len(kept) + 1), rng.choice(texts[rng.randrange(len(texts))][1] or ["."]))
        rows.append(
            (
                f"s-{i:06d}",
                f"syn{i}",
                f"{title} ({i})",
                " ".join(kept),
                rng.randint(2019, 2025),
                rng.randint(1, 12),
            )
        )
    return pd.DataFrame(rows, columns=["id", "citekey", "title", "abstract", "year", "month"])


def run(seeds: pd.DataFrame, theme, n: int) -> dict:
    papers = synthetic(seeds, n)
    t, cpu = time.perf_counter(), time.process_time()
    syn = synthesize(papers, theme)
    total, cpu = time.perf_counter() - t, time.process_time() - cpu
    t = time.perf_counter()
    drafts = (to_latex(syn.paragraphs, theme.title, theme.slug), to_markdown(syn.paragraphs, theme.title))
    written = time.perf_counter() - t
    return {
        "papers": n,
        "sub-topics (yours + found)": len(syn.subtopics.groups),
        "found k": syn.subtopics.k,
        "synthesis (s)": round(total, 2),
        "synthesis CPU (s)": round(cpu, 2),
        "draft text (s)": round(written, 3),
        "draft KB": round(sum(len(d) for d in drafts) / 1024),
    }


def compare() -> pd.DataFrame:
    """Mean silhouette, chosen k, leave-10%-out stability and largest share of each method per bundled theme."""
    from sklearn.cluster import AgglomerativeClustering, KMeans
    from sklearn.decomposition import NMF, TruncatedSVD
    from sklearn.metrics import adjusted_rand_score, silhouette_score
    from sklearn.preprocessing import normalize

    from lit_review.synthesis.subtopics import _matrix
    from lit_review.topics import paper_texts

    def lsa(X):
        return normalize(
            TruncatedSVD(min(100, X.shape[1] - 1, X.shape[0] - 1), random_state=0).fit_transform(X)
        )

    methods = {
        "NMF": lambda X, k: NMF(k, init="nndsvda", solver="cd", max_iter=400, random_state=0).fit_transform(X).argmax(1),
        "k-means": lambda X, k: KMeans(k, n_init=10, random_state=0).fit_predict(X),
        "agglomerative (average, cosine)": lambda X, k: AgglomerativeClustering(k, metric="cosine", linkage="average").fit_predict(X.toarray()),
        "agglomerative (Ward, on LSA)": lambda X, k: AgglomerativeClustering(k, linkage="ward").fit_predict(lsa(X)),
    }  # fmt: skip
    papers, themes = bundled()
    rows = []
    for th in themes:
        P = papers[theme_members(papers, th.slug)].sort_values("id").reset_index(drop=True)
        X, _ = _matrix(paper_texts(P), th)
        X = X[np.asarray(X.sum(axis=1)).ravel() > 0]
        keep = np.arange(X.shape[0]) % 10 != 0
        for name, fit in methods.items():
            t = time.perf_counter()
            scores = {}
            for k in range(2, min(8, X.shape[0] // 4) + 1):
                labels = fit(X, k)
                if len(set(labels)) > 1:
                    scores[k] = (silhouette_score(X, labels, metric="cosine"), labels)
            k = max(scores, key=lambda j: (scores[j][0], -j))
            labels = scores[k][1]
            ari = adjusted_rand_score(labels[keep], fit(X[keep], k))
            rows.append({"theme": th.slug, "papers": X.shape[0], "method": name, "k": k,
                         "silhouette": round(scores[k][0], 3), "stability (ARI)": round(ari, 2),
                         "largest group": f"{np.bincount(labels).max() / len(labels):.0%}",
                         "time k=2..8 (s)": round(time.perf_counter() - t, 2)})  # fmt: skip
    table = pd.DataFrame(rows)
    means = table.groupby("method", sort=False)[["silhouette", "stability (ARI)"]].mean().round(3)
    return table, means


def main() -> None:
    if sys.argv[1:] == ["--compare"]:
        table, means = compare()
        print(table.to_string(index=False))
        print("\nmean over the themes:\n" + means.to_string())
        return
    seeds, themes = bundled()
    theme = theme_by_slug(themes, "gradient-free")
    sizes = [int(a) for a in sys.argv[1:]] or [2000]
    print(pd.DataFrame([run(seeds, theme, n) for n in sizes]).to_string(index=False))


if __name__ == "__main__":
    main()
