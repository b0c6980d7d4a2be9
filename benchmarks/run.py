"""Benchmark each pipeline stage at several corpus sizes; print a table and save a figure.

    python benchmarks/run.py                 # 10k and 100k papers
    python benchmarks/run.py 10000 100000 1000000 --report-max 100000
    python benchmarks/run.py 10000 --api 200000   # + 200k API records (authors, ids) vs bibtexparser

Each size runs in its own process (so peak memory is that size's own), on a corpus made by
``benchmarks/generate.py`` (cached under ``--work``). Stages: read, normalize, merge, keys,
themes, write (library.bib + papers.csv), and one theme report (papermill + nbconvert) up to
``--report-max`` papers. Side by side: bibtexparser v2's default write and parse of the same
library, a naive BibTeX writer (string concatenation, no escaping) and a naive all-pairs
fuzzy dedupe (timed on a sample, extrapolated quadratically). Dedupe quality comes from the
generator's ground truth. Results: a Markdown table on stdout, ``results.json`` and
``benchmarks.png`` in ``--out``.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
STAGES = ["read + normalize", "merge", "keys", "themes", "write", "report"]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dedupe_quality(papers, truth_path: Path) -> dict:
    import pandas as pd

    truth = pd.read_csv(truth_path)
    uid = dict(zip(truth["source"] + ":" + truth["line"].astype(str), truth["uid"]))
    planted = truth[truth["kind"].str.startswith("dup-")]
    paper_of = {}
    wrong = 0
    for pid, sources in zip(papers["id"], papers["sources"]):
        uids = {uid[s] for s in sources}
        wrong += len(uids) > 1
        for s in sources:
            paper_of[s] = pid
    by_uid: dict[str, set] = {}
    for s, u in uid.items():
        by_uid.setdefault(u, set()).add(paper_of.get(s))
    found = sum(len(by_uid[u]) == 1 for u in planted["uid"])
    return {"planted_duplicates": len(planted), "found": found, "wrongly_merged_papers": wrong}


def run_size(n: int, work: Path, report: bool, baselines: bool = True) -> dict:
    """One size, in this process: the real ``lit-review ingest`` end to end, then every stage on its own."""
    import gc

    from lit_review import citekeys
    from lit_review.corpus import assemble, read_parts
    from lit_review.ingest import IngestResult, write_outputs
    from lit_review.themes import apply_themes, load_themes

    corpus_dir = work / f"corpus-{n}"
    files = sorted((corpus_dir / "sources").iterdir())
    out = work / f"out-{n}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    res: dict = {"papers_in": n, "stages": {}, "ingest": run_cli_ingest(n, work, files)}
    gc.disable()  # as the ingest does

    def stage(name, fn):
        t0 = time.perf_counter()
        value = fn()
        res["stages"][name] = {"seconds": round(time.perf_counter() - t0, 3), "peak_mb": round(peak_mb())}
        return value

    parts = [stage("read + normalize", lambda: read_parts(files))]
    corpus, errors = stage("merge", lambda: assemble(parts.pop()))
    pins = citekeys.load_pins(out / "citekeys.csv")
    keys, pins = stage("keys", lambda: citekeys.assign_keys(corpus.papers, pins, corpus.base_keys))
    corpus.papers = corpus.papers.assign(citekey=keys)
    themes = load_themes(ROOT / "references" / "themes.toml")
    corpus.papers = stage("themes", lambda: apply_themes(corpus.papers, themes))
    stage("write", lambda: write_outputs(IngestResult(corpus, errors, pins), out))
    papers = corpus.papers
    res["unique_papers"] = len(papers)
    res["records"] = corpus.n_records
    res["dedupe"] = dedupe_quality(papers, corpus_dir / "truth.csv")
    res["bib_mb"] = round((out / "library.bib").stat().st_size / 1e6, 1)

    if baselines:
        res["baselines"] = run_baselines(papers)
    if report:
        res.update(run_report(n, work, files, out, stage))
    return res


def run_cli_ingest(n: int, work: Path, files, name: str | None = None) -> dict:
    """``lit-review ingest`` on a project holding the corpus: wall time and peak memory of the command.

    Peak memory is the largest resident size of the command's processes (the main process;
    the two reader processes are far smaller and gone before the merge).
    """
    project = work / (name or f"cli-{n}")
    shutil.rmtree(project, ignore_errors=True)
    (project / "references" / "sources").mkdir(parents=True)
    for f in files:
        (project / "references" / "sources" / f.name).symlink_to(f)
    shutil.copy(ROOT / "references" / "themes.toml", project / "references")
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "lit_review", "-C", str(project), "ingest"], capture_output=True, text=True
    )
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"lit-review ingest failed: {proc.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": round(seconds, 2), "peak_mb": round(peak)}


def run_api(n: int, work: Path) -> dict:
    """``lit-review ingest`` of ``n`` Hugging Face API records (authors, arXiv ids), against
    bibtexparser's default parse of the library.bib it writes (the same papers as BibTeX)."""
    import bibtexparser

    files = sorted((work / f"json-{n}" / "sources").iterdir())
    ingest = run_cli_ingest(n, work, files, name=f"cli-json-{n}")
    text = (work / f"cli-json-{n}" / "references" / "library.bib").read_text(encoding="utf-8")
    t0 = time.perf_counter()
    library = bibtexparser.parse_string(text)  # the default parse stack
    parse = time.perf_counter() - t0
    return {"records": n, "entries": len(library.entries), "ingest": ingest,
            "bibtexparser_default_parse_s": round(parse, 2), "ratio": round(ingest["seconds"] / parse, 2)}  # fmt: skip


def run_baselines(papers) -> dict:
    """bibtexparser's defaults and naive baselines on the same entries."""
    import bibtexparser

    from lit_review.export import to_bibtex

    t0 = time.perf_counter()
    text = to_bibtex(papers)
    ours = time.perf_counter() - t0
    lib = bibtexparser.parse_string(text, parse_stack=[])
    t0 = time.perf_counter()
    bibtexparser.write_string(lib)  # the default unparse stack
    default_write = time.perf_counter() - t0
    t0 = time.perf_counter()
    naive = "".join(
        f"@misc{{{k},\n  title = {{{t}}},\n  abstract = {{{a}}}\n}}\n\n"
        for k, t, a in zip(papers["citekey"], papers["title"], papers["abstract"])
    )
    naive_write = time.perf_counter() - t0
    del naive, lib
    t0 = time.perf_counter()
    bibtexparser.parse_string(text)  # the default parse stack
    default_parse = time.perf_counter() - t0
    res = {
        "ours_bibtex_write_s": round(ours, 3),
        "bibtexparser_default_write_s": round(default_write, 3),
        "naive_write_no_escaping_s": round(naive_write, 3),
        "bibtexparser_default_parse_s": round(default_parse, 3),
        "write_speedup_vs_bibtexparser": round(default_write / ours, 2),
    }
    res.update(naive_dedupe(papers["title"].tolist()))
    return res


def run_report(n: int, work: Path, files, out: Path, stage) -> dict:
    """Build one theme report (papermill + nbconvert) over the whole corpus."""
    from lit_review.ingest import run_ingest
    from lit_review.project import Project
    from lit_review.report.run import build_one
    from lit_review.snapshot import save_snapshot, take_snapshot
    from lit_review.themes import load_themes

    project = out / "project"
    (project / "references" / "sources").mkdir(parents=True)
    for f in files:
        (project / "references" / "sources" / f.name).symlink_to(f)
    shutil.copy(ROOT / "references" / "themes.toml", project / "references")
    shutil.copytree(ROOT / "lit_review" / "notebooks", project / "notebooks")

    # as `lit-review build` does: ingest once (timed above), save the snapshot, run the notebook on it
    proj = Project.at(project)
    themes = load_themes(proj.themes)
    save_snapshot(take_snapshot(proj, run_ingest(proj), themes), out / "corpus.pickle")

    def one_report():
        _, err = build_one(
            str(project / "notebooks" / "theme_review.ipynb"), "gradient-free",
            "Gradient-free methods", str(out), {"theme": "gradient-free", "project": "..",
                                                "snapshot": str(out / "corpus.pickle")},
        )  # fmt: skip
        assert err is None, err

    stage("report", one_report)
    return {"report_html_mb": round((out / "gradient-free.html").stat().st_size / 1e6, 2)}


def naive_dedupe(titles: list[str], sample: int = 1500) -> dict:
    """All-pairs fuzzy title comparison (what a quadratic tool does), timed on a sample."""
    from rapidfuzz import fuzz

    part = titles[:sample]
    t0 = time.perf_counter()
    for i, a in enumerate(part):
        for b in part[i + 1 :]:
            fuzz.ratio(a, b)
    spent = time.perf_counter() - t0
    pairs = len(part) * (len(part) - 1) / 2
    total_pairs = len(titles) * (len(titles) - 1) / 2
    return {"naive_all_pairs_dedupe_s_extrapolated": round(spent * total_pairs / pairs, 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    ap.add_argument("--work", type=Path, default=Path("/tmp/lit-review-bench"))
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    ap.add_argument("--report-max", type=int, default=100_000)
    ap.add_argument("--baseline-max", type=int, default=100_000, help="largest size run with the baselines")
    ap.add_argument("--api", type=int, nargs="*", default=[], help="also ingest N Hugging Face API records")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--one-api", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one_api:
        print(json.dumps(run_api(args.one_api, args.work)))
        return
    if args.one:
        print(
            json.dumps(
                run_size(args.one, args.work, args.one <= args.report_max, args.one <= args.baseline_max)
            )
        )
        return
    results = []
    for n in args.sizes:
        if not (args.work / f"corpus-{n}" / "truth.csv").exists():
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(n),
                            str(args.work / f"corpus-{n}")], check=True)  # fmt: skip
        proc = subprocess.run(
            [sys.executable, __file__, "--one", str(n), "--work", str(args.work), "--report-max", str(args.report_max),
             "--baseline-max", str(args.baseline_max)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(f"done: {n}", file=sys.stderr)
    api = []
    for n in args.api:
        if not (args.work / f"json-{n}" / "sources").is_dir():
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(n),
                            str(args.work / f"json-{n}"), "hf-json"], check=True)  # fmt: skip
        proc = subprocess.run([sys.executable, __file__, "--one-api", str(n), "--work", str(args.work)],
                              check=True, capture_output=True, text=True)  # fmt: skip
        api.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps({"listings": results, "api": api}, indent=1) + "\n")
    print(table(results))
    if api:
        print(
            "\n| API records | `lit-review ingest` s | peak MB | bibtexparser default parse of its library.bib s | ingest / parse |"
        )
        print("|---:|---:|---:|---:|---:|")
        for a in api:
            print(f"| {a['records']:,} | {a['ingest']['seconds']} | {a['ingest']['peak_mb']:,} | "
                  f"{a['bibtexparser_default_parse_s']} | {a['ratio']} |")  # fmt: skip
    figure(results, args.out / "benchmarks.png")


def table(results: list[dict]) -> str:
    lines = ["| papers in | stage | seconds | peak MB | papers/s |", "|---:|---|---:|---:|---:|"]
    for r in results:
        total = 0.0
        for name in STAGES:
            st = r["stages"].get(name)
            if st:
                total += st["seconds"] if name != "report" else 0
                rate = r["papers_in"] / st["seconds"] if st["seconds"] else float("inf")
                lines.append(
                    f"| {r['papers_in']:,} | {name} | {st['seconds']:.2f} | {st['peak_mb']:,} | {rate:,.0f} |"
                )
        lines.append(f"| {r['papers_in']:,} | stages in sequence (sum) | {total:.2f} | "
                     f"{max(s['peak_mb'] for s in r['stages'].values()):,} | {r['papers_in'] / total:,.0f} |")  # fmt: skip
        e = r["ingest"]
        lines.append(f"| {r['papers_in']:,} | **`lit-review ingest`, end to end** | **{e['seconds']:.2f}** | "
                     f"**{e['peak_mb']:,}** | {r['papers_in'] / e['seconds']:,.0f} |")  # fmt: skip
    lines += ["", "| papers in | unique | planted dups | found | wrongly merged | bib MB | report HTML MB |",
              "|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for r in results:
        d = r["dedupe"]
        lines.append(f"| {r['papers_in']:,} | {r['unique_papers']:,} | {d['planted_duplicates']:,} | {d['found']:,} | "
                     f"{d['wrongly_merged_papers']} | {r['bib_mb']} | {r.get('report_html_mb', '-')} |")  # fmt: skip
    lines += ["", "| papers in | ours: write .bib s | bibtexparser default write s | ratio | naive write s | "
              "bibtexparser default parse s | naive all-pairs dedupe s (extrapolated) |",
              "|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for r in (r for r in results if "baselines" in r):
        b = r["baselines"]
        lines.append(f"| {r['papers_in']:,} | {b['ours_bibtex_write_s']} | {b['bibtexparser_default_write_s']} | "
                     f"{b['write_speedup_vs_bibtexparser']}x | {b['naive_write_no_escaping_s']} | "
                     f"{b['bibtexparser_default_parse_s']} | {b['naive_all_pairs_dedupe_s_extrapolated']:,} |")  # fmt: skip
    return "\n".join(lines)


def figure(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    sizes = [r["papers_in"] for r in results]
    for name in STAGES:
        ys = [r["stages"].get(name, {}).get("seconds") for r in results]
        pts = [(x, y) for x, y in zip(sizes, ys) if y]
        if pts:
            ax.plot(*zip(*pts), marker="o", label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("papers")
    ax.set_ylabel("seconds")
    ax.set_title("lit-review stage times")
    ax.legend()
    fig.savefig(path, dpi=96, metadata={"Software": None})


if __name__ == "__main__":
    main()
