"""BibTeX accepted by real engines: pdflatex + bibtex (Debian texlive-latex-base) and pybtex."""

import re
import shutil
import subprocess

import pytest
from pybtex.database import parse_file as pybtex_parse

from lit_review.bibtex import decode_latex, read_bibtex
from lit_review.export import to_bibtex, write_bibtex
from lit_review.ingest import run_ingest, write_outputs
from lit_review.project import Project
from lit_review.themes import theme_members

pytestmark = pytest.mark.slow  # real BibTeX engines: pdflatex + bibtex, and pybtex (~30 s on the library)

DOC = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\begin{document}
\nocite{*}
\bibliographystyle{plain}
\bibliography{%s}
\end{document}
"""


@pytest.fixture(scope="module")
def libraries(tmp_path_factory):
    from .conftest import ROOT

    out = tmp_path_factory.mktemp("bib")
    result = run_ingest(Project.at(ROOT))
    write_outputs(result, out)
    papers = result.corpus.papers
    files = [out / "library.bib"]
    for slug in sorted({s for ts in papers["themes"] for s in ts}):
        path = out / f"{slug}.bib"
        path.write_text(to_bibtex(papers[theme_members(papers, slug)]))
        files.append(path)
    return result, files


def compile_bib(bib, workdir):
    shutil.copy(bib, workdir / "refs.bib")
    (workdir / "doc.tex").write_text(DOC % "refs")
    run = lambda *cmd: subprocess.run(  # noqa: E731
        cmd, cwd=workdir, capture_output=True, encoding="utf-8", errors="replace", timeout=300
    )
    first = run("pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex")
    bib = run("bibtex", "doc")
    second = run("pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex")
    return first, bib, second


def test_pdflatex_and_bibtex_accept_every_library(libraries, tmp_path):
    _, files = libraries
    for n, bib in enumerate(files):
        work = tmp_path / str(n)
        work.mkdir()
        first, bibtex_run, second = compile_bib(bib, work)
        assert first.returncode == 0, first.stdout[-2000:]
        blg = (work / "doc.blg").read_text()
        errors = re.search(r"\(There (?:was|were) (\d+) error", blg)
        assert bibtex_run.returncode == 0 and errors is None, f"{bib.name}: {blg[-3000:]}"
        warnings = re.findall(r"^Warning--.*$", blg, re.M)
        print(f"{bib.name}: {len(warnings)} bibtex warnings", *warnings[:5], sep="\n  ")
        assert second.returncode == 0, second.stdout[-2000:]
        log = (work / "doc.log").read_text(errors="replace")
        assert not re.search(r"^! ", log, re.M), log[-2000:]
        bbl = (work / "doc.bbl").read_text()
        assert bbl.count(r"\bibitem") == len(read_bibtex(bib))


def test_case_protection_survives_plain_style(libraries, tmp_path):
    _, files = libraries
    compile_bib(files[0], tmp_path)
    bbl = " ".join((tmp_path / "doc.bbl").read_text().split())
    # plain.bst lower-cases titles except braced words
    assert "{LoRA-GA:} {Low-Rank} adaptation with gradient approximation" in bbl
    assert "{BBTv2:}" in bbl
    assert "{LLMs}" in bbl


def test_pybtex_parses_and_agrees(libraries):
    result, files = libraries
    for bib in files:
        db = pybtex_parse(str(bib), bib_format="bibtex")
        ours = read_bibtex(bib).set_index("citekey")
        assert set(db.entries) == set(ours.index)
    db = pybtex_parse(str(files[0]), bib_format="bibtex")
    papers = result.corpus.papers.set_index("citekey")
    for key, entry in db.entries.items():
        assert decode_latex(entry.fields["title"]) == papers.loc[key, "title"]
        assert decode_latex(entry.fields["abstract"]) == papers.loc[key, "abstract"]


HOSTILE_ALPHABET = (
    list("%&#_$~^\\{}@\",=()[]<>|!?:;'`*+-/.0123456789") + list("abcXYZ   ")
    + ["\\ours", "\\textbf{", "{\\em ", "$^2$", "}{", "LoRA", "GPT-4", "LLMs", "Ü", "é", "ß", "Ł", "ø", "α", "≤", "–", "—", "“", "”", "…", "½"]
)  # fmt: skip


def test_pdflatex_accepts_hostile_generated_entries(tmp_path):
    import random

    import pandas as pd

    from lit_review.text import clean_text

    rng = random.Random(20261122)

    def text(n):
        return clean_text("".join(rng.choice(HOSTILE_ALPHABET) for _ in range(n))) or "x"

    n = 150
    papers = pd.DataFrame(
        {
            "citekey": [f"k{i}" for i in range(n)],
            "title": [text(rng.randint(1, 60)) for _ in range(n)],
            "abstract": [text(rng.randint(0, 600)) for _ in range(n)],
            "year": [2024] * n,
            "month": [rng.randint(1, 12) for _ in range(n)],
            "n_authors": [rng.randint(1, 9) for _ in range(n)],
            "organization": [text(10) for _ in range(n)],
        }
    )
    bib = tmp_path / "hostile.bib"
    bib.write_text(to_bibtex(papers), encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    first, bibtex_run, second = compile_bib(bib, work)
    blg = (work / "doc.blg").read_text()
    assert bibtex_run.returncode == 0 and "error" not in blg.lower(), blg[-3000:]
    assert second.returncode == 0, second.stdout[-3000:]
    assert (work / "doc.bbl").read_text().count(r"\bibitem") == n
    back = read_bibtex(bib).set_index("citekey")
    for row in papers.itertuples():
        assert back.loc[row.citekey, "title"] == row.title
        assert back.loc[row.citekey, "abstract"] == row.abstract
    db = pybtex_parse(str(bib), bib_format="bibtex")
    assert len(db.entries) == n


def _hf_papers():
    """The papers of two real Hugging Face daily listings (authors, arXiv ids, organisations), as corpus rows."""
    import json
    from pathlib import Path

    import pandas as pd

    from .conftest import ROOT

    shared = next(
        p for p in (ROOT.parent / "shared", Path("/work/shared")) if p.exists()
    )  # main or a worktree
    rows = []
    for name in ("hfdaily-zh__2024-06-13.json", "hfdaily-zh__2026-07-31.json"):
        for item in json.loads((shared / "fixtures" / "hf" / name).read_text(encoding="utf-8")):
            p = item["paper"]
            org = item.get("organization") or p.get("organization") or {}
            rows.append(
                {
                    "citekey": "hf" + p["id"].replace(".", ""),
                    "title": " ".join(p["title"].split()),
                    "abstract": " ".join(p["summary"].split()),
                    # "Given Family" as listed -> "Family, Given" (the corpus's form)
                    "authors": tuple(", ".join(reversed(a["name"].rsplit(" ", 1))) for a in p["authors"]),
                    "year": int(p["publishedAt"][:4]),
                    "month": int(p["publishedAt"][5:7]),
                    "arxiv_id": p["id"],
                    "primary_class": "cs.LG",
                    "url": f"https://arxiv.org/abs/{p['id']}",
                    "organization": org.get("fullname") if isinstance(org, dict) else None,
                    "upvotes": p.get("upvotes"),
                }
            )
    papers = pd.DataFrame(rows)
    # venues, and names and affiliations pdflatex cannot typeset (CJK, Cyrillic) next to ones it can
    papers.loc[0, ["venue", "entry_type", "doi"]] = [
        "Advances in Neural Information Processing Systems",
        "inproceedings",
        "10.52202/079017-0001",
    ]
    papers.loc[1, ["venue", "organization"]] = ["Trans. Mach. Learn. Res. & Co_", "香港科技大学 (HKUST)"]
    papers.at[2, "authors"] = ("王, 芳", "Łęcki, Paweł", "Müller, Jürgen", "Иванов, Иван")
    papers.at[3, "authors"] = ("王, 芳", "李, 雷")
    papers.loc[3, "title"] = "大模型 Survey: GPT-4 and LoRA — 50% of $x_i$ {braces}"
    papers.loc[4, "organization"] = "香港科技大学"
    return papers


def test_pdflatex_and_bibtex_accept_a_library_with_authors_ids_venues_and_cjk(tmp_path):
    papers = _hf_papers()
    bib = tmp_path / "rich.bib"
    write_bibtex(papers, bib)
    text = bib.read_text(encoding="utf-8")
    assert "@inproceedings{" in text and "@article{" in text and "archivePrefix = {arXiv}" in text
    work = tmp_path / "work"
    work.mkdir()
    first, bibtex_run, second = compile_bib(bib, work)
    assert first.returncode == 0, first.stdout[-2000:]
    blg = (work / "doc.blg").read_text()
    assert bibtex_run.returncode == 0 and not re.search(r"\(There (?:was|were) \d+ error", blg), blg[-3000:]
    assert second.returncode == 0, second.stdout[-3000:]
    log = (work / "doc.log").read_text(errors="replace")
    assert not re.search(r"^! ", log, re.M) and "Missing character" not in log, log[-2000:]
    bbl = (work / "doc.bbl").read_text()
    assert bbl.count(r"\bibitem") == len(papers)
    assert "香" not in bbl and "Иван" not in bbl and "HKUST" in bbl and r"{\L}{\k{e}}cki" in bbl
    assert "others" in text or "et~al." in bbl  # the dropped names are counted, not silently lost
    back = read_bibtex(bib).set_index("citekey")
    assert (
        back.loc["hf" + papers.loc[3, "arxiv_id"].replace(".", ""), "abstract"] == papers.loc[3, "abstract"]
    )
    assert len(pybtex_parse(str(bib), bib_format="bibtex").entries) == len(papers)


def test_the_library_of_every_fixture_compiles_and_parses(tmp_path):
    """Every real fixture (HF JSON, arXiv Atom, BibTeX, RIS, CSL-JSON, Web of Science, MEDLINE,
    Scopus) ingested into one library:
    pdflatex + bibtex (plain) with zero errors, bibtexparser and pybtex read every entry."""
    from lit_review.citekeys import assign_keys, load_pins
    from lit_review.corpus import read_corpus

    from .sources import FIXTURES as fixtures

    formats = ("hf", "arxiv", "bibtex", "ris", "csl", "wos", "medline", "scopus")
    files = sorted(p for d in formats for p in (fixtures / d).iterdir())
    corpus, _ = read_corpus(files)
    keys, _ = assign_keys(corpus.papers, load_pins(tmp_path / "none.csv"), corpus.base_keys, corpus.known_as)
    papers = corpus.papers.assign(citekey=keys, themes=[()] * len(keys))
    bib = tmp_path / "fixtures.bib"
    write_bibtex(papers, bib)
    work = tmp_path / "tex"
    work.mkdir()
    first, bibtex_run, second = compile_bib(bib, work)
    blg = (work / "doc.blg").read_text()
    assert first.returncode == 0 and bibtex_run.returncode == 0, blg[-3000:]
    assert re.search(r"\(There (?:was|were) (\d+) error", blg) is None, blg[-3000:]
    assert second.returncode == 0, second.stdout[-2000:]
    log = (work / "doc.log").read_text(errors="replace")
    assert not re.search(r"^! ", log, re.M), log[-2000:]
    assert (work / "doc.bbl").read_text().count(r"\bibitem") == len(papers) == len(read_bibtex(bib))
    assert len(pybtex_parse(str(bib)).entries) == len(papers)
