"""Reports built for real: papermill executes the notebooks on the bundled corpus, nbconvert renders them."""

import re
import subprocess
import sys

import bibtexparser
import pytest

from lit_review.report import build

from .conftest import LABELS


def cli(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "lit_review.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=900
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The bundled project copied and built once with the CLI, then built again into a second folder."""
    import shutil

    from .conftest import ROOT, copy_project

    dst = copy_project(tmp_path_factory.mktemp("b") / "review")
    shutil.copy(ROOT / "references" / "decisions.csv", dst / "references")  # models for two themes
    first = cli("build", cwd=dst)
    assert first.returncode == 0, first.stderr
    snapshot = {p.name: p.read_bytes() for p in (dst / "reports").iterdir()}
    snapshot.update({p.name: p.read_bytes() for p in (dst / "references").glob("*.*")})
    second = cli("build", "--force", cwd=dst)  # rebuild every report from scratch, bypassing the cache
    assert second.returncode == 0, second.stderr
    assert second.stdout.count("built ") == 7
    return dst, first, snapshot


def _text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.slow
def test_index_links_every_report_with_counts(built):
    dst, _, _ = built
    index = (dst / "reports" / "index.html").read_text()
    for slug in ["gradient-free", "efficient-fine-tuning", "quantization-compression", "distributed-training",
                 "rl-llm-reasoning", "diffusion-guidance"]:  # fmt: skip
        assert f'href="{slug}.html"' in index
        assert (dst / "reports" / f"{slug}.html").exists()
        n = len(bibtexparser.parse_file(str(dst / "reports" / f"{slug}.bib")).entries)
        assert re.search(
            rf"<code>{slug}</code></td><td[^>]*>[^<]+</td><td[^>]*>{n}</td>", index
        )  # after the scope
    assert 'href="overview.html"' in index and (dst / "reports" / "overview.html").exists()


@pytest.mark.slow
def test_theme_report_contents(built):
    dst, _, _ = built
    html = (dst / "reports" / "gradient-free.html").read_text()
    text = _text(html)
    assert "Gradient-free methods" in text
    assert "Records identified: 647" in text
    for src, n in [("hf-papers-000-search-compact.txt", 119), ("hf-papers-001-daily-dec-10.txt", 45),
                   ("hf-papers-003-search-compact.txt", 246), ("hf-papers-004-daily-mar-13.txt", 118)]:  # fmt: skip
        assert f"{src}: {n} records" in text
    assert "Duplicates removed: 103" in text
    assert "Papers screened: 544" in text
    bib = bibtexparser.parse_file(str(dst / "reports" / "gradient-free.bib"))
    keys = {e.key for e in bib.entries}
    assert re.search(rf"Included: {len(keys)} \(", text)
    library = {e.key for e in bibtexparser.parse_file(str(dst / "references" / "library.bib")).entries}
    assert keys <= library
    assert {"bbtv2gradientfree", "wpca2025"} <= keys
    shown = set(re.findall(r'<section class="paper" id="([a-z0-9]+)"', html))
    assert shown and shown <= keys
    assert "<script" not in html.lower()
    for href in re.findall(r'href="([^"]*)"', html):  # in-page anchors, files beside it, or a paper's page
        if href.startswith("#"):
            assert f'id="{href[1:]}"' in html, href
        elif not href.startswith(("https://arxiv.org/abs/", "https://doi.org/")):
            assert (dst / "reports" / href).is_file(), href
    assert '<nav class="contents">' in html and '<a href="index.html">' in html
    assert 'href="gradient-free-all.html"' in html and 'href="gradient-free.bib"' in html
    assert "included by labels-v1: " in text and "included by model (p=0." in text
    assert "excluded by labels-v1: " not in text  # only included papers are listed
    assert "Why reviewers excluded papers" in text and "Reason for exclusion" in text
    assert "included by term match (score " in _text(
        (dst / "reports" / "diffusion-guidance.html").read_text()
    )
    assert html.count('src="data:image/png;base64,') == 6  # PRISMA, years, terms, overlap, map, timeline
    assert "Provenance" in text and "sha256" in text and "pandas" in text
    assert "print(" not in html and "import " not in text  # inputs are hidden


def _progress_only(stderr: str) -> list[str]:
    """What a build wrote to stderr besides its progress bar (tqdm rewrites its line with \\r)."""
    return [part for part in re.split(r"[\r\n]+", stderr) if part.strip() and not part.startswith("reports:")]


@pytest.mark.slow
def test_a_good_build_prints_progress_and_a_summary_only(built):
    _, first, _ = built
    assert _progress_only(first.stderr) == []  # no kernel log lines (ERROR | KeyboardInterrupt, TCP warning)
    lines = first.stdout.splitlines()
    assert lines[0] == "ingested 647 records: 544 unique papers, 0 rejected"
    assert [line.split("/")[-1] for line in lines[1:]] == [
        f"{n}.html" for n in sorted(["diffusion-guidance", "distributed-training", "efficient-fine-tuning",
                                     "gradient-free", "overview", "quantization-compression", "rl-llm-reasoning"])
    ]  # fmt: skip


@pytest.mark.slow
def test_full_ranked_list_is_built_and_recorded(built):
    import json

    dst, _, _ = built
    bib = {e.key for e in bibtexparser.parse_file(str(dst / "reports" / "diffusion-guidance.bib")).entries}
    full = (dst / "reports" / "diffusion-guidance-all.html").read_text()
    listed = re.findall(r"<td[^>]*><code>([a-z0-9]+)</code></td>", full)
    assert len(listed) == len(bib) > 50 and set(listed) == bib  # every included paper, each once
    report = (dst / "reports" / "diffusion-guidance.html").read_text()
    assert f"{len(bib) - 50} more are in the full ranked list" in _text(report)
    state = json.loads((dst / "reports" / ".build-state.json").read_text())
    assert "diffusion-guidance-all.html" in state["reports"]["diffusion-guidance"]["outputs"]
    index = (dst / "reports" / "index.html").read_text()
    assert 'href="diffusion-guidance-all.html"' in index and "2025-12-10" in index


@pytest.mark.slow
def test_related_work_drafts_are_built_recorded_linked_and_cite_the_bib(built):
    import json

    dst, _, _ = built
    reports = dst / "reports"
    state = json.loads((reports / ".build-state.json").read_text())
    index = (reports / "index.html").read_text()
    for slug in ("gradient-free", "efficient-fine-tuning", "diffusion-guidance"):
        bib = sorted(e.key for e in bibtexparser.parse_file(str(reports / f"{slug}.bib")).entries)
        tex = (reports / f"{slug}-related-work.tex").read_text()
        md = (reports / f"{slug}-related-work.md").read_text()
        assert sorted(re.findall(r"\\citep\{([^}]*)\}", tex)) == bib  # each paper of the .bib, once
        assert sorted(re.findall(r"\[@([^\]]*)\]", md)) == bib
        outputs = state["reports"][slug]["outputs"]
        assert f"{slug}-related-work.tex" in outputs and f"{slug}-related-work.md" in outputs
        assert f'href="{slug}-related-work.tex"' in index and f'href="{slug}-related-work.md"' in index
        report = (reports / f"{slug}.html").read_text()
        assert f'href="{slug}-related-work.md"' in report
        for section in ("Sub-topics", "Systematic map", "Timeline", "Related-work draft"):
            assert f">{section}<" in report
    gf = _text((reports / "gradient-free.html").read_text())
    assert "Zeroth-order fine-tuning of language models" in gf and "yours (themes.toml)" in gf
    assert "Unclassified" in gf and "Gist (quoted from the abstract)" in gf
    overview = _text((reports / "overview.html").read_text())
    assert "Sub-topics of the themes" in overview and "Black-box prompt tuning" in overview


@pytest.mark.slow
def test_first_build_on_a_fresh_machine_is_byte_identical_to_the_next(tmp_path):
    """Empty matplotlib and Jupyter caches (the font cache is built, kernels start cold): same bytes."""
    import os

    from .conftest import copy_project

    dst = copy_project(tmp_path / "review")
    env = dict(os.environ)
    for var in (
        "MPLCONFIGDIR",
        "JUPYTER_CONFIG_DIR",
        "JUPYTER_DATA_DIR",
        "JUPYTER_RUNTIME_DIR",
        "IPYTHONDIR",
    ):
        (tmp_path / var).mkdir()
        env[var] = str(tmp_path / var)
    runs = []
    for args in (["build"], ["build", "--force"]):
        r = subprocess.run([sys.executable, "-m", "lit_review.cli", *args], cwd=dst, env=env,
                           capture_output=True, text=True, timeout=900)  # fmt: skip
        assert r.returncode == 0, r.stderr
        assert _progress_only(r.stderr) == []
        runs.append({p.name: p.read_bytes() for p in sorted((dst / "reports").glob("*.*"))})
    assert any((tmp_path / "MPLCONFIGDIR").iterdir())  # the first build did fill the empty cache
    assert runs[0].keys() == runs[1].keys() and len([n for n in runs[0] if n.endswith(".html")]) == 14
    assert [n for n in runs[0] if runs[0][n] != runs[1][n]] == []


@pytest.mark.slow
def test_rebuild_is_byte_identical(built):
    dst, _, snapshot = built
    now = {p.name: p.read_bytes() for p in (dst / "reports").iterdir()}
    now.update({p.name: p.read_bytes() for p in (dst / "references").glob("*.*")})
    assert now.keys() == snapshot.keys()
    assert [n for n in now if now[n] != snapshot[n]] == []


@pytest.mark.slow
def test_papers_csv_has_themes(built):
    import pandas as pd

    dst, _, _ = built
    df = pd.read_csv(dst / "references" / "papers.csv")
    row = df[df["citekey"] == "bbtv2gradientfree"].iloc[0]
    assert set(row["themes"].split("; ")) >= {"gradient-free", "efficient-fine-tuning"}


def test_unknown_theme_lists_available(project):
    r = cli("build", "--theme", "nope", cwd=project)
    assert r.returncode == 2
    assert r.stderr.strip().startswith(
        "error: unknown theme 'nope'; available: gradient-free, efficient-fine-tuning"
    )


@pytest.mark.parametrize("slug", ["../../x", "a}{b", "UPPER", ""])
def test_hostile_slug_rejected(project, slug):
    r = cli("build", "--theme", slug, cwd=project)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "invalid theme slug" in r.stderr


def test_braces_in_output_path_rejected(project, tmp_path):
    r = cli("build", "--out", str(tmp_path / "a{x}b"), cwd=project)
    assert r.returncode == 2 and "must not contain" in r.stderr
    assert not (tmp_path / "a{x}b").exists() and not (project / "references" / "library.bib").exists()


@pytest.mark.slow
def test_failing_theme_keeps_previous_report_and_others_build(built):
    import nbformat

    dst, _, _ = built
    nb_path = dst / "notebooks" / "theme_review.ipynb"
    original = nb_path.read_text()
    nb = nbformat.reads(original, as_version=4)
    nb.cells.insert(
        3, nbformat.v4.new_code_cell('if theme == "gradient-free":\n    raise RuntimeError("boom")')
    )
    nbformat.write(nb, nb_path)
    before = (dst / "reports" / "gradient-free.html").read_bytes()
    other = dst / "reports" / "efficient-fine-tuning.html"
    other.unlink()
    try:
        r = cli("build", "--theme", "gradient-free", "--theme", "efficient-fine-tuning", cwd=dst)
    finally:
        nb_path.write_text(original)
    assert r.returncode == 1
    assert "theme 'gradient-free' failed in cell" in r.stderr and "RuntimeError: boom" in r.stderr
    assert 'if theme == "gradient-free":' in r.stderr and "Traceback" not in r.stderr
    assert len(_progress_only(r.stderr)) <= 4  # theme, cell, its code, the error
    assert (dst / "reports" / "gradient-free.html").read_bytes() == before
    assert other.exists()
    assert not list((dst / "reports").glob(".*.tmp"))


def test_theme_quality_on_labels(seed_corpus):
    from lit_review.evaluate import evaluate_themes

    # The term lists are written from the rubric, not fitted to these labels: a floor, not a fit.
    table = evaluate_themes(seed_corpus.corpus.papers, LABELS).set_index("theme")
    for slug in ("gradient-free", "efficient-fine-tuning"):
        p, r = table.loc[slug, "precision"], table.loc[slug, "recall"]
        assert 2 * p * r / (p + r) >= 0.75, table
        assert table.loc[slug, "unmatched"] == 0


def test_manual_decision_overrides(project):
    from lit_review.ingest import run_ingest
    from lit_review.project import Project

    themes = project / "references" / "themes.toml"
    text = themes.read_text()
    text = text.replace(
        '\n[[theme]]\nslug = "efficient-fine-tuning"',  # after gradient-free's last table
        '\n[[theme.decision]]\npaper = "wpca2025"\ndecision = "exclude"\nreason = "NAS proxy, out of scope here"\n\n'
        '[[theme.decision]]\npaper = "lst2022"\ndecision = "include"\nreason = "reviewer call"\n\n'
        '[[theme]]\nslug = "efficient-fine-tuning"',
        1,
    )
    themes.write_text(text)
    papers = run_ingest(Project.at(project)).corpus.papers.set_index("citekey")
    assert "gradient-free" not in papers.loc["wpca2025", "themes"]
    assert "gradient-free" in papers.loc["lst2022", "themes"]


@pytest.mark.slow
def test_build_function_api(project):
    outcome = build(project, themes=["distributed-training"], jobs=1)
    assert outcome.exit_code == 0
    assert "distributed-training" in outcome.built


@pytest.mark.slow
def test_sigkill_mid_build_leaves_previous_outputs_intact(built):
    import os
    import signal
    import time

    dst, _, _ = built
    assert (
        cli("build", cwd=dst).returncode == 0
    )  # settle: earlier tests left reports of other notebook versions
    watched = [dst / "references" / "library.bib", *sorted((dst / "reports").glob("*.html"))]
    before = {p: p.read_bytes() for p in watched}
    proc = subprocess.Popen(
        [sys.executable, "-m", "lit_review.cli", "build", "--force"], cwd=dst, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    # kill once the ingest is done and a first report is rewritten: the other notebooks are running
    was = {p: p.stat().st_mtime_ns for p in sorted((dst / "reports").glob("*.ipynb"))}
    deadline = time.monotonic() + 300
    while all(p.stat().st_mtime_ns == t for p, t in was.items()) and proc.poll() is None:
        assert time.monotonic() < deadline, "no report was rewritten in 300 s"
        time.sleep(0.02)
    assert proc.poll() is None, "the build ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    for p, data in before.items():
        assert p.read_bytes() == data, (
            p
        )  # every file is the old one or a complete new one (same inputs: same bytes)
    again = cli("build", cwd=dst)
    assert again.returncode == 0, again.stderr
    left = [*(dst / "reports").glob(".*.tmp"), *(dst / "references").glob(".*.tmp")]
    assert not left, left
    assert {p: p.read_bytes() for p in watched} == before


@pytest.mark.slow
def test_concurrent_builds_do_not_corrupt(built):
    dst, _, snapshot = built
    procs = [
        subprocess.Popen([sys.executable, "-m", "lit_review.cli", "build", "--jobs", "1", "--force"], cwd=dst,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]  # fmt: skip
    for p in procs:
        _, err = p.communicate(timeout=900)
        assert p.returncode == 0, err
    now = {p.name: p.read_bytes() for p in (dst / "reports").iterdir()}
    now.update({p.name: p.read_bytes() for p in (dst / "references").glob("*.*")})
    assert [n for n in snapshot if now.get(n) != snapshot[n]] == []


def test_stale_temp_files_of_dead_writers_only_are_removed(tmp_path):
    import os
    import time

    from lit_review._infra.iorw import remove_stale_temp_files

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    stale = tmp_path / f".a.html.{dead.stdout.strip()}.x1.tmp"
    live = tmp_path / f".b.html.{os.getppid()}.x2.tmp"
    stale.write_text("half")
    live.write_text("in progress")
    assert remove_stale_temp_files(tmp_path) == [stale]
    assert live.exists() and not stale.exists()

    # a killed writer whose parent has not reaped it yet (a zombie) is dead too
    zombie = subprocess.Popen([sys.executable, "-c", "pass"])
    for _ in range(100):
        if open(f"/proc/{zombie.pid}/stat").read().rsplit(")", 1)[-1].split()[0] == "Z":
            break
        time.sleep(0.05)
    left = tmp_path / f".c.html.{zombie.pid}.x3.tmp"
    left.write_text("half")
    try:
        assert remove_stale_temp_files(tmp_path) == [left]
    finally:
        zombie.wait()


def _recount(dst, slug):
    """The PRISMA numbers of theme ``slug`` recomputed from the listings' records, the corpus papers and
    decisions.csv read with the csv module (one reviewer here: their latest row is the verdict)."""
    import csv
    from collections import Counter

    from lit_review.ingest import run_ingest
    from lit_review.project import Project
    from lit_review.text import match_key

    corpus = run_ingest(Project.at(dst)).corpus
    read = Counter(corpus.records["source"]) + Counter(r.source for r in corpus.rejects if r.kind == "record")
    by_title = {match_key(t): i for i, t in zip(corpus.papers["id"], corpus.papers["title"])}
    latest = {}
    with open(dst / "references" / "decisions.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["theme"] == slug:
                latest[(by_title[match_key(row["paper"])], row["reviewer"])] = row
    verdicts = Counter(r["decision"] for r in latest.values())
    reasons = Counter(r["reason"] for r in latest.values() if r["decision"] == "exclude")
    return corpus, read, verdicts, reasons


@pytest.mark.slow
def test_prisma_numbers_match_the_corpus_and_the_decisions(built):
    dst, _, _ = built
    corpus, read, verdicts, reasons = _recount(dst, "gradient-free")
    text = _text((dst / "reports" / "gradient-free.html").read_text())
    assert f"Records identified: {sum(read.values())} " in text
    for src, n in read.items():
        assert f"{src}: {n} records" in text
    assert f"Duplicates removed: {len(corpus.records) - len(corpus.papers)} " in text
    assert f"Papers screened: {len(corpus.papers)} " in text
    n_bib = len(bibtexparser.parse_file(str(dst / "reports" / "gradient-free.bib")).entries)
    by_model_in = n_bib - verdicts["include"]
    assert f"Included: {n_bib} ({verdicts['include']} by reviewers, {by_model_in} by model)" in text
    undecided = len(corpus.papers) - sum(verdicts.values())
    excluded = len(corpus.papers) - n_bib - verdicts["maybe"]
    assert (
        f"Excluded: {excluded} ({verdicts['exclude']} by reviewers, {undecided - by_model_in} by model)"
        in text
    )
    assert f"Undecided: {verdicts['maybe']} maybe, 0 in conflict" in text
    trained = verdicts["include"] + verdicts["exclude"]
    assert re.search(
        rf"Papers nobody decided on: by the model trained on the {trained} papers reviewers included or "
        r"excluded \(text weight 0\.\d+, threshold 0\.\d{3}, C \(text [\d.]+, terms [\d.]+\);",
        text,
    )
    (reason, n), *_ = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    assert f"{reason} {n}" in text  # the reasons table, most frequent first
    index = (dst / "reports" / "index.html").read_text()
    assert re.search(rf"<code>gradient-free</code></td><td[^>]*>[^<]+</td><td[^>]*>{n_bib}</td>", index)


@pytest.mark.slow
def test_overview_shows_topics(built):
    dst, _, _ = built
    text = _text((dst / "reports" / "overview.html").read_text())
    assert "Topics found in the corpus" in text and "Defined themes" in text and "Example papers" in text
