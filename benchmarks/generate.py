"""Synthetic listing corpora for benchmarks, built from the real seed texts.

    python benchmarks/generate.py 100000 /tmp/corpus-100k
    python benchmarks/generate.py 200000 /tmp/corpus-200k-json hf-json

writes listing files of at most 10,000 papers each into ``sources/``, alternating the compact and spaced
layouts of Hugging Face Papers pages (or, with ``hf-json``, Hugging Face API responses with
arXiv ids and author names), plus ``truth.csv`` (listings only) mapping every record (file, line)
to the synthetic paper it belongs to and how it was planted:

* ``unique``: a distinct paper; titles recombine seed title parts, abstracts recombine
  seed sentences, and no two distinct papers share a title key or an abstract;
* ``dup-exact``, ``dup-case``, ``dup-punct``, ``dup-latex``, ``dup-space``: planted duplicates
  of a paper, on another page, that must be merged;
* ``near-miss``: a distinct paper whose title differs from another's by a version number
  (``Llama 2`` / ``Llama 3``, ``GPT-3`` / ``GPT-4``) or one significant word: must stay apart.
"""

from __future__ import annotations

import csv
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lit_review.ingest import run_ingest  # noqa: E402
from lit_review.project import Project  # noqa: E402
from lit_review.text import match_key  # noqa: E402

PAGE_SIZE = 10_000
DUP_RATE = 0.02
NEAR_RATE = 0.01
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
VERSIONED = [("Llama 2", "Llama 3"), ("GPT-3", "GPT-4"), ("Qwen2", "Qwen3"), ("BERT", "RoBERTa")]
SWAPS = [("Training", "Inference"), ("Efficient", "Robust"), ("Language", "Vision"), ("Sparse", "Dense")]


def seed_material():
    papers = run_ingest(Project.at(ROOT)).corpus.papers
    heads, tails = [], []
    for t in papers["title"]:
        if ":" in t:
            h, _, tail = t.partition(":")
            heads.append(h.strip())
            tails.append(tail.strip())
        else:
            words = t.split()
            heads.append(" ".join(words[:2]))
            tails.append(" ".join(words[2:]) or t)
    sentences = sorted(
        {s.strip() for a in papers["abstract"] for s in re.split(r"(?<=\.)\s+", a) if len(s) > 40}
    )
    # word pairs from seed titles qualify titles: 544 heads x 544 tails alone are too few for 1M papers
    pairs = sorted(
        {
            f"{a} {b}"
            for t in papers["title"]
            for a, b in zip(t.split(), t.split()[1:])
            if a.isalpha() and b.isalpha()
        }
    )
    return heads, tails, sentences, pairs


def variants(title: str, rng: random.Random) -> list[tuple[str, str]]:
    words = title.split()
    k = rng.randrange(len(words))
    latex = words.copy()
    latex[k] = "\\textbf{" + latex[k] + "}"
    return [
        ("dup-exact", title),
        ("dup-case", title.upper() if rng.random() < 0.5 else title.lower()),
        ("dup-punct", title.replace(":", " -") + "." if ":" in title else title + "."),
        ("dup-latex", " ".join(latex)),
        ("dup-space", "  ".join(words) + " "),
    ]


def generate(n: int, out: Path, seed: int = 0, fmt: str = "listing") -> dict:
    rng = random.Random(seed)
    heads, tails, sentences, pairs = seed_material()
    (out / "sources").mkdir(parents=True, exist_ok=True)
    seen_keys: set[str] = set()
    seen_abstracts: set[int] = set()
    papers: list[tuple[str, str, str, str]] = []  # (uid, title, abstract, kind)

    def new_abstract() -> str:
        while True:
            a = " ".join(rng.sample(sentences, 5))
            h = hash(a)
            if h not in seen_abstracts:
                seen_abstracts.add(h)
                return a

    def add(title: str, kind: str) -> bool:
        key = match_key(title)
        if not key or key in seen_keys:
            return False
        seen_keys.add(key)
        papers.append((f"p{len(papers)}", title, new_abstract(), kind))
        return True

    n_unique = int(n / (1 + DUP_RATE))
    while len(papers) < n_unique:
        base = f"{rng.choice(heads)}: {rng.choice(tails)}"
        if rng.random() < 0.8:
            base += f" via {rng.choice(pairs)}"
        if rng.random() < NEAR_RATE:
            a, b = rng.choice(VERSIONED + SWAPS)
            t1 = f"{a}: {rng.choice(tails)}" if (a, b) in VERSIONED else f"{a} {base}"
            t2 = t1.replace(a, b, 1)
            if add(t1, "near-miss"):
                add(t2, "near-miss")
            continue
        add(base, "unique")

    records = list(papers)
    dups = []
    for uid, title, abstract, _ in rng.sample(papers, n - len(papers)):
        kind, t = rng.choice(variants(title, rng))
        dups.append((uid, t, abstract, kind))
    records += dups
    rng.shuffle(records)

    truth = []
    if fmt == "hf-json":
        write_hf_json(out / "sources", records, rng)
        return {"records": len(records), "papers": len(papers), "duplicates": len(dups)}
    for page_no, start in enumerate(range(0, len(records), PAGE_SIZE)):
        chunk = records[start : start + PAGE_SIZE]
        spaced = page_no % 2 == 1
        name = f"synthetic-{page_no:04d}-{'spaced' if spaced else 'compact'}.txt"
        lines = write_page(out / "sources" / name, chunk, spaced, rng)
        truth += [(name, line, uid, kind) for line, (uid, _, _, kind) in zip(lines, chunk)]
    with open(out / "truth.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["source", "line", "uid", "kind"])
        w.writerows(truth)
    return {"records": len(records), "papers": len(papers), "duplicates": len(dups)}


def write_page(path: Path, chunk, spaced: bool, rng: random.Random) -> list[int]:
    """Write one listing page; return the line number of each record's title."""
    out, lines = [], []
    if spaced:
        out += ["new", "", "Get trending papers in your email inbox!", "", "Subscribe", "", "Daily Papers", "",
                "byAK and the research community", "", "Mar 13", ""]  # fmt: skip
        for _, title, abstract, _ in chunk:
            lines.append(len(out) + 1)
            out += [title, "", abstract, ""]
            if rng.random() < 0.5:
                year = f", {rng.randint(2015, 2024)}" if rng.random() < 0.7 else ""
                votes = f" {rng.randint(1, 99)}" if rng.random() < 0.3 else ""
                out += [
                    f"  • {rng.randint(1, 12)} authors",
                    "·",
                    f"{rng.choice(MONTHS)} {rng.randint(1, 28)}{year}{votes}",
                    "",
                ]
    else:
        out += [
            "Get trending papers in your email inbox once a day!",
            "Get trending papers in your email inbox!",
        ]
        for i, (_, title, abstract, _) in enumerate(chunk):
            lines.append(len(out) + 1)
            out += [("Subscribe" if i == 0 else "") + title, abstract]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return lines


def author_names() -> list[str]:
    """Author names as the real fixture files give them (Hugging Face and arXiv APIs, a DBLP export)."""
    import json
    import xml.etree.ElementTree as ET

    fixtures = ROOT.parent / "shared" / "fixtures"
    names = set()
    for path in sorted((fixtures / "hf").glob("*.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            for a in item.get("paper", item).get("authors", []):
                names.add(a["name"] if isinstance(a, dict) else a)
    for path in sorted((fixtures / "arxiv").glob("*.xml")):
        names.update(n.text for n in ET.parse(path).getroot().iter("{http://www.w3.org/2005/Atom}name"))
    dblp = (fixtures / "bibtex" / "bvitamins__conferences__colt__2023.bib").read_text(encoding="utf-8")
    for field in re.findall(r"\n  author = \{(.*?)\},\n", dblp, re.S):
        names.update(re.sub(r"\s+\d{4}$", "", " ".join(n.split())) for n in field.split(" and "))
    return sorted(n for n in names if n and not set(n) & set("{}\\$"))


def name_parts() -> tuple[list[str], list[str]]:
    """The given names and the family names (with their lower-case particles) of :func:`author_names`."""
    given, family = set(), set()
    for name in author_names():
        words = name.split()
        if len(words) < 2 or not words[0][:1].isupper():
            continue
        start = len(words) - 1
        while start > 1 and words[start - 1][:1].islower():
            start -= 1
        given.add(" ".join(words[:start]))
        family.add(" ".join(words[start:]))
    return sorted(given), sorted(family)


def write_hf_json(folder: Path, records, rng: random.Random) -> None:
    """The records as Hugging Face ``daily_papers`` API responses, PAGE_SIZE items a file: each
    synthetic paper gets an arXiv id (its duplicates share it) and one to eight authors, each a
    given name and a family name of the fixtures' authors paired at random."""
    import json

    given, family = name_parts()  # paired at random: about a million distinct names, as in a real corpus
    ids: dict[str, str] = {}
    for page_no, start in enumerate(range(0, len(records), PAGE_SIZE)):
        items = []
        for uid, title, abstract, _ in records[start : start + PAGE_SIZE]:
            number = int(uid[1:])
            arxiv = ids.setdefault(uid, f"{2300 + number // 90000:04d}.{number % 90000 + 10000:05d}")
            authors = [
                {"name": f"{rng.choice(given)} {rng.choice(family)}", "hidden": False}
                for _ in range(rng.randint(1, 8))
            ]
            date = f"20{arxiv[:2]}-{int(arxiv[2:4]) % 12 + 1:02d}-{rng.randint(1, 28):02d}T12:00:00.000Z"
            paper = {"id": arxiv, "authors": authors, "publishedAt": date, "title": title,
                     "summary": abstract, "upvotes": rng.randint(0, 99)}  # fmt: skip
            items.append({"paper": paper, "publishedAt": date, "title": title, "numComments": 0})
        path = folder / f"synthetic-{page_no:04d}-daily.json"
        path.write_text(json.dumps(items, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    n = int(sys.argv[1])
    target = Path(sys.argv[2])
    print(generate(n, target, fmt=sys.argv[3] if len(sys.argv) > 3 else "listing"))
