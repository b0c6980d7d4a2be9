"""Concurrent appends to references/decisions.csv: rows kept and time, by writers and file size.

    python benchmarks/decisions.py            # 1, 2, 4 and 8 writers x 150 decisions, on 0 and 10,000 rows

Each writer is a spawned process appending its decisions one at a time
(``append_decisions``: under the file's lock, read, check, rewrite, rename), all released at
once. Prints a table (numbers copied into docs/screening.md); every row must be there once.
"""

from __future__ import annotations

import multiprocessing as mp
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lit_review.screening.decisions import COLUMNS, Row, append_decisions, read_decisions  # noqa: E402


def _writer(path: str, reviewer: str, n: int, start) -> None:
    start.wait(120)
    for k in range(n):
        append_decisions(path, [Row(f"p{k}", "gradient-free", "include", f"row {k}", reviewer)])


def run(writers: int, per_writer: int, existing: int) -> dict:
    path = Path(tempfile.mkdtemp()) / "decisions.csv"
    lines = [",".join(COLUMNS)] + [f"old{k},gradient-free,exclude,seed,x,," for k in range(existing)]
    path.write_text("\n".join(lines) + "\n")
    ctx = mp.get_context("spawn")
    start = ctx.Event()
    procs = [
        ctx.Process(target=_writer, args=(str(path), f"w{j}", per_writer, start)) for j in range(writers)
    ]
    for p in procs:
        p.start()
    time.sleep(5)  # every writer imported and waiting
    t = time.perf_counter()
    start.set()
    for p in procs:
        p.join()
    wall = time.perf_counter() - t
    table = read_decisions(path)
    new = table[table["reviewer"] != "x"]
    expected = writers * per_writer
    return {
        "writers": writers,
        "rows before": existing,
        "decisions": expected,
        "kept": len(new),
        "each once": len(set(zip(new["reviewer"], new["paper"]))) == expected,
        "wall (s)": round(wall, 1),
        "per decision (ms)": round(1000 * wall / expected, 1),
    }


def main() -> None:
    import pandas as pd

    rows = [run(w, 150, existing) for existing in (0, 10_000) for w in (1, 2, 4, 8)]
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
