"""Benchmark the enrich step: papers known by their title only against a metadata folder of records
shaped like the arXiv metadata snapshot (JSON lines).

    python benchmarks/enrich.py --records 2600000 --papers 100000

writes (once, cached under ``--work``) ``metadata/arxiv-snapshot.jsonl``: records with the
snapshot's fields and shapes (``id``, ``submitter``, ``authors``, ``title`` with the snapshot's
line breaks, ``comments``, ``journal-ref`` for 15%, ``doi`` for 30%, ``report-no``,
``categories``, ``license``, an abstract of five seed sentences, ``versions`` with RFC 2822
dates, ``update_date``, ``authors_parsed``); titles recombine the bundled seed titles (every
title distinct), author names are those of the real fixture files. The papers: ``--papers``
titles, 90% taken from the records (a quarter of them with their case and punctuation changed,
as a listing might print them), 10% titles of no record.

Three phases, each in its own process (its peak memory is its own): ``cold`` builds the index
from the files (nothing cached), ``warm`` loads the saved index, matches and fills (what every
later build does), ``ingest-like`` is ``warm`` without the index saved (a dry run: built in
memory). Results: a Markdown table on stdout, ``enrich.json`` and ``enrich.png`` in ``--out``.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
FIXTURES = next(p for p in (ROOT.parent / "shared" / "fixtures", Path("/work/shared/fixtures")) if p.exists())
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def names() -> list[tuple[str, str]]:
    """(family, given) of the authors of the real Hugging Face fixture files."""
    out = set()
    for path in sorted((FIXTURES / "hf").glob("*.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            for a in item.get("paper", item).get("authors", []):
                name = a["name"] if isinstance(a, dict) else a
                words = name.split()
                if len(words) >= 2:
                    out.add((words[-1], " ".join(words[:-1])))
    return sorted(out)


def titles(n: int, rng: random.Random) -> list[str]:
    """``n`` distinct titles recombining the seed titles' heads, tails and word pairs."""
    from generate import seed_material

    heads, tails, _, pairs = seed_material()
    out, seen = [], set()
    while len(out) < n:
        t = f"{rng.choice(heads)}: {rng.choice(pairs)} {rng.choice(tails)}"
        key = "".join(c for c in t.casefold() if c.isalnum())
        if key not in seen:
            seen.add(key)
            out.append(t)
    return out


def generate(records: int, work: Path, seed: int = 0) -> Path:
    """The snapshot-shaped metadata file (cached) and ``titles.json`` (each record's title)."""
    from generate import seed_material

    path = work / f"metadata-{records}" / "metadata" / "arxiv-snapshot.jsonl"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    sentences = seed_material()[2]
    people = names()
    ts = titles(records, rng)
    with open(path, "w", encoding="utf-8") as fh:
        for k, title in enumerate(ts):
            yy, mm = 7 + k // 300_000, 1 + (k // 25_000) % 12
            authors = [people[rng.randrange(len(people))] for _ in range(rng.randint(1, 8))]
            words = title.split()
            cut = rng.randrange(1, len(words)) if len(words) > 6 else None
            shown = " ".join(words[:cut]) + "\n  " + " ".join(words[cut:]) if cut else title
            day = rng.randint(1, 28)
            rec = {
                "id": f"{k // 100_000 + 700:04d}.{k % 100_000:05d}",
                "submitter": f"{authors[0][1]} {authors[0][0]}",
                "authors": ", ".join(f"{g} {f}" for f, g in authors),
                "title": shown,
                "comments": f"{rng.randint(4, 40)} pages",
                "journal-ref": f"Journal {rng.randint(1, 500)} ({2000 + yy})"
                if rng.random() < 0.15
                else None,
                "doi": f"10.{rng.randint(1000, 9999)}/bench.{k}" if rng.random() < 0.3 else None,
                "report-no": None,
                "categories": rng.choice(("cs.LG", "cs.CL cs.LG", "cs.CV", "stat.ML cs.LG", "cs.AI")),
                "license": None,
                "abstract": "  " + " ".join(rng.choice(sentences) for _ in range(5)) + "\n",
                "versions": [
                    {
                        "version": "v1",
                        "created": f"{DAYS[day % 7]}, {day} {MONTHS[mm - 1]} {2000 + yy} 12:00:00 GMT",
                    }
                ],
                "update_date": f"{2000 + yy}-{mm:02d}-{day:02d}",
                "authors_parsed": [[f, g, ""] for f, g in authors],
            }
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    (path.parent.parent / "titles.json").write_text(json.dumps(ts), encoding="utf-8")
    return path


def papers_for(work: Path, records: int, n: int, seed: int = 1):
    """The corpus: ``n`` papers known by title only; 90% titles of records, 10% of none."""
    import pandas as pd

    from lit_review.corpus import build_corpus
    from lit_review.record import Batch, columns_of

    rng = random.Random(seed)
    ts = json.loads((work / f"metadata-{records}" / "titles.json").read_text(encoding="utf-8"))
    picked = sorted(rng.sample(range(len(ts)), int(n * 0.9)))
    truth = [f"{k // 100_000 + 700:04d}.{k % 100_000:05d}" for k in picked]  # the ids generate gives
    known = [ts[k] for k in picked]
    known = [
        t.upper() if rng.random() < 0.125 else t.replace(":", " -") if rng.random() < 0.14 else t
        for t in known
    ]
    have = {"".join(c for c in t.casefold() if c.isalnum()) for t in ts}
    fresh = titles(2 * (n - len(known)) + 1000, random.Random(seed + 7))  # a few collide with records
    absent = [t for t in fresh if "".join(c for c in t.casefold() if c.isalnum()) not in have]
    absent = absent[: n - len(known)]
    rows = [{"line": k, "title": t} for k, t in enumerate(known + absent, 1)]
    papers = build_corpus([Batch("listing.txt", "hf-listing", columns=columns_of(rows))]).papers
    assert isinstance(papers, pd.DataFrame)
    expected = dict(zip(known, truth))
    return papers, expected


def phase(name: str, records: int, n: int, work: Path) -> dict:
    """One phase, in this process."""
    from lit_review.enrich import enrich_papers
    from lit_review.enrich.index import load_index

    folder = work / f"metadata-{records}" / "metadata"
    cache = work / f"metadata-{records}" / "cache"
    out = {"phase": name, "records": records, "papers": n}
    if name == "cold":
        import shutil

        shutil.rmtree(cache, ignore_errors=True)
        t = time.perf_counter()
        index = load_index(folder, cache)
        out["index_s"] = round(time.perf_counter() - t, 1)
        out["index_mb"] = round(sum(p.stat().st_size for p in cache.iterdir()) / 2**20)
    else:
        papers, expected = papers_for(work, records, n)
        t = time.perf_counter()
        index = load_index(folder, cache if name == "warm" else None)
        out["index_s"] = round(time.perf_counter() - t, 1)
        out["reused"] = index.reused
        t = time.perf_counter()
        filled, e = enrich_papers(papers, index, {})
        out["match_fill_s"] = round(time.perf_counter() - t, 1)
        out["matched"] = len(e.matches)
        out["known"] = len(expected)
        got = dict(zip(filled["title"], filled["arxiv_id"]))
        out["right"] = sum(got.get(t) == i for t, i in expected.items())
        out["wrong"] = int(filled["arxiv_id"].notna().sum()) - out["right"]
        out["ambiguous"] = len(e.ambiguous)
        out["with_authors"] = int(filled["authors"].map(len).gt(0).sum())
    out["total_s"] = round(out["index_s"] + out.get("match_fill_s", 0), 1)
    out["peak_mb"] = round(peak_mb())
    out["worker_peak_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, nargs="+", default=[100_000])
    ap.add_argument("--papers", type=int, default=100_000)
    ap.add_argument("--work", type=Path, default=Path("/tmp/lit-review-bench-enrich"))
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    ap.add_argument("--phase", choices=["cold", "warm", "dry-run"])
    args = ap.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.records[0], args.papers, args.work)))
        return
    results = []
    for records in args.records:
        t = time.perf_counter()
        generate(records, args.work)
        print(f"generated {records:,} records in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        for name in ("cold", "warm", "dry-run"):
            cmd = [
                sys.executable,
                __file__,
                "--phase",
                name,
                "--records",
                str(records),
                "--papers",
                str(args.papers),
                "--work",
                str(args.work),
            ]
            done = subprocess.run(cmd, capture_output=True, text=True, check=True)
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(json.dumps(results[-1]), file=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "enrich.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(table(results))
    figure(results, args.out / "enrich.png")


def table(results: list[dict]) -> str:
    lines = ["| metadata records | papers | phase | index s | match + fill s | total s | peak MB (worker) | right / known | wrong | ambiguous |",
             "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for r in results:
        matched = f"{r['right']:,} / {r['known']:,}" if "right" in r else ""
        lines.append(f"| {r['records']:,} | {r['papers']:,} | {r['phase']} | {r['index_s']} | {r.get('match_fill_s', '')} | "
                     f"{r['total_s']} | {r['peak_mb']:,}{' (' + format(r['worker_peak_mb'], ',') + ')' if r.get('worker_peak_mb') else ''} | {matched} | {r.get('wrong', '')} | {r.get('ambiguous', '')} |")  # fmt: skip
    return "\n".join(lines)


def figure(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, bx) = plt.subplots(1, 2, figsize=(9, 3.6), layout="constrained")
    for name in ("cold", "warm", "dry-run"):
        rs = [r for r in results if r["phase"] == name]
        if not rs:
            continue
        ax.plot([r["records"] for r in rs], [r["total_s"] for r in rs], marker="o", label=name)
        bx.plot([r["records"] for r in rs], [r["peak_mb"] for r in rs], marker="o", label=name)
    for a, label in ((ax, "seconds"), (bx, "peak MB")):
        a.set_xscale("log")
        a.set_xlabel("metadata records")
        a.set_ylabel(label)
        a.legend()
    ax.set_title(f"enrich {results[0]['papers']:,} papers: time")
    bx.set_title("memory")
    fig.savefig(path, dpi=96, metadata={"Software": None})


if __name__ == "__main__":
    main()
