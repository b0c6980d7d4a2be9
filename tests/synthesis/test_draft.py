"""The related-work draft: every included paper cited once; the .tex compiles, the .md renders."""

import re
import shutil
import subprocess

import pandas as pd
import pytest

from lit_review.export import write_bibtex
from lit_review.synthesis import synthesize
from lit_review.synthesis.draft import NOTE, Paragraph, to_latex, to_markdown

FLAGSHIPS = ("gradient-free", "efficient-fine-tuning")


def _cited(text: str, pattern: str) -> list[str]:
    return [k.strip().lstrip("@") for group in re.findall(pattern, text) for k in re.split(r"[,;]", group)]


@pytest.mark.parametrize("slug", FLAGSHIPS)
def test_every_included_paper_is_cited_exactly_once_in_both_drafts(bundled, slug):
    papers = bundled.included(slug)
    s = synthesize(papers, bundled.by_slug[slug])
    drafts = s.drafts()
    tex, md = drafts[f"{slug}-related-work.tex"], drafts[f"{slug}-related-work.md"]
    expected = sorted(papers["citekey"])
    assert sorted(_cited(tex, r"\\citep\{([^}]*)\}")) == expected
    assert sorted(_cited(md, r"\[(@[^\]]*)\]")) == expected
    assert len(s.paragraphs) == len(s.subtopics.groups)  # one paragraph per sub-topic, in order
    assert (
        s.paragraphs[0].opening == bundled.by_slug[slug].subtopics[0].name
        if bundled.by_slug[slug].subtopics
        else True
    )
    assert NOTE in md and "% " + NOTE in tex  # both say the sentences are quoted and must be rewritten


def test_quotes_are_the_gists_verbatim_in_chronological_order(bundled):
    papers = bundled.included("gradient-free")
    s = synthesize(papers, bundled.by_slug["gradient-free"])
    gist = dict(zip(s.gists["id"], s.gists["gist"]))
    by_key = papers.set_index("citekey")
    for p in s.paragraphs:
        years = [by_key.loc[k, "year"] for k, _ in p.quotes]
        known = [y for y in years if pd.notna(y)]
        assert known == sorted(known) and years[: len(known)] == known  # dated first, in order
        for k, q in p.quotes:
            assert q == gist[by_key.loc[k, "id"]] and q in " ".join(by_key.loc[k, "abstract"].split())


def test_byte_identical_on_a_second_run(bundled):
    papers = bundled.included("efficient-fine-tuning")
    theme = bundled.by_slug["efficient-fine-tuning"]
    assert (
        synthesize(papers, theme).drafts()
        == synthesize(papers.sample(frac=1, random_state=3), theme).drafts()
    )


HOSTILE = 'We propose "X" with 100% & $y_1$ {braces} #1 ~tilde^ back\\slash <b>bold</b> *star* _u_ [@notakey] ünï 中文.'


def test_hostile_gists_are_escaped_in_both_formats():
    paras = [Paragraph("A & B_{c}", (("k1", HOSTILE),), ("k2",))]
    tex = to_latex(paras, "Title & more", "refs")
    body = tex.split("\\begin{document}")[1]
    assert not re.search(r"(?<!\\)[%&$#_]", body.replace("\\%", "")), body  # every special escaped
    assert "\\textbraceleft{}braces\\textbraceright{}" in body
    md = to_markdown(paras, "T: it's")
    assert "[@notakey]" not in md and "\\[\\@notakey\\]" in md and "\\<b\\>" in md and "\\*star\\*" in md
    assert _cited(md, r"\[(@[^\]]*)\]") == ["k1", "k2"]


# the real tools: pdflatex + bibtex (natbib, plainnat) and pandoc --citeproc


def _run(*cmd, cwd):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, encoding="utf-8", errors="replace", timeout=300)


@pytest.fixture(scope="module")
def written(bundled, tmp_path_factory):
    out = tmp_path_factory.mktemp("drafts")
    for slug in FLAGSHIPS:
        papers = bundled.included(slug)
        write_bibtex(papers, out / f"{slug}.bib")
        for name, text in synthesize(papers, bundled.by_slug[slug]).drafts().items():
            (out / name).write_text(text, encoding="utf-8")
    return out


@pytest.mark.slow
@pytest.mark.parametrize("slug", FLAGSHIPS)
def test_the_tex_draft_compiles_with_no_error_and_no_undefined_citation(written, slug):
    doc = f"{slug}-related-work"
    first = _run("pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{doc}.tex", cwd=written)
    bib = _run("bibtex", doc, cwd=written)
    _run("pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{doc}.tex", cwd=written)
    last = _run("pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{doc}.tex", cwd=written)
    assert first.returncode == 0 and last.returncode == 0, last.stdout[-2000:]
    assert bib.returncode == 0 and "error message" not in bib.stdout, bib.stdout[-2000:]
    log = (written / f"{doc}.log").read_text(encoding="utf-8", errors="replace")
    assert "undefined" not in log.lower() and "\n!" not in log
    bbl = (written / f"{doc}.bbl").read_text(encoding="utf-8")
    assert bbl.count("\\bibitem") == len(bundled_keys(written, slug))


def bundled_keys(folder, slug):
    return re.findall(r"^@\w+\{([^,]+),", (folder / f"{slug}.bib").read_text(encoding="utf-8"), re.M)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc not installed (scripts/test installs it)")
@pytest.mark.parametrize("slug", FLAGSHIPS)
def test_the_markdown_draft_renders_with_every_citation_found(written, slug):
    run = _run(
        "pandoc", "--citeproc", "--bibliography", f"{slug}.bib", f"{slug}-related-work.md", "-t", "html",
        cwd=written,
    )  # fmt: skip
    assert run.returncode == 0 and "WARNING" not in run.stderr, run.stderr
    html = run.stdout
    keys = bundled_keys(written, slug)
    cited = [k for group in re.findall(r'data-cites="([^"]*)"', html) for k in group.split()]
    assert sorted(cited) == sorted(keys)  # every paper cited, once
    assert html.count('class="csl-entry"') == len(keys)  # each in the references


@pytest.mark.slow
def test_a_theme_with_no_paper_gets_a_draft_that_still_compiles(bundled, tmp_path):
    papers = bundled.included("gradient-free").head(0)
    drafts = synthesize(papers, bundled.by_slug["gradient-free"]).drafts()
    tex = drafts["gradient-free-related-work.tex"]
    assert "No paper is included" in tex and "\\bibliography" not in tex
    assert "No paper is included" in drafts["gradient-free-related-work.md"]
    (tmp_path / "d.tex").write_text(tex, encoding="utf-8")
    assert (
        _run("pdflatex", "-interaction=nonstopmode", "-halt-on-error", "d.tex", cwd=tmp_path).returncode == 0
    )
