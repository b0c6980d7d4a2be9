"""``lit-review status``: what is in a project and which reports a build would redo, without building."""

import shutil

import pytest

from lit_review import cli

from .conftest import ROOT

BIB = ROOT.parent / "shared" / "fixtures" / "bibtex" / "bvitamins__collections__dlm.bib"


@pytest.fixture
def review(tmp_path):
    cli.main(["init", str(tmp_path / "r")])
    shutil.copy(BIB, tmp_path / "r" / "references" / "sources")
    return tmp_path / "r"


def _status(root, capsys) -> str:
    capsys.readouterr()
    assert cli.main(["-C", str(root), "status"]) == 0
    return capsys.readouterr().out


def _stale(out: str) -> set[str]:
    line = next((x for x in out.splitlines() if x.startswith(("  stale:", "  not built:"))), "")
    return set(line.split(":", 1)[1].replace(",", " ").split()) if line else set()


def test_status_before_any_build(review, capsys):
    out = _status(review, capsys)
    assert "bvitamins__collections__dlm.bib: 20 read (bibtex), 0 rejected" in out  # MANIFEST.md: 20 records
    assert "unique papers: 20" in out
    [counts] = [x for x in out.splitlines() if x.strip().startswith("efficient-fine-tuning")]
    included, _, excluded, _, maybe, conflicts, unscreened = (
        int(w) for w in counts.replace(",", " ").replace("(", " ").split() if w.isdigit()
    )
    assert included + excluded + maybe + conflicts == 20 and unscreened == 20  # no decision yet
    assert counts.endswith("20 unscreened (decided by term match)")
    assert "  not built: efficient-fine-tuning, overview, index" in out
    assert not any((review / "reports").iterdir())  # status writes nothing
    assert (review / "references" / "citekeys.csv").read_text() == "citekey,id,title\n"


def test_status_of_an_empty_project(tmp_path, capsys):
    cli.main(["init", str(tmp_path / "r")])
    out = _status(tmp_path / "r", capsys)
    assert (
        "unique papers: 0" in out and "efficient-fine-tuning  0 included (0 by reviewers), 0 excluded" in out
    )


@pytest.mark.slow
def test_status_says_what_the_next_build_rebuilds(review, capsys):
    assert cli.main(["-C", str(review), "build"]) == 0
    out = _status(review, capsys)
    assert "  up to date: efficient-fine-tuning, overview, index" in out and not _stale(out)
    bib = (review / "reports" / "efficient-fine-tuning.bib").read_text()
    included = int(next(x for x in out.splitlines() if "included (" in x).split()[1])
    assert bib.count("\n@") + bib.startswith("@") == included  # the counts are the report's

    themes = review / "references" / "themes.toml"
    themes.write_text(themes.read_text().replace("min_score = 3", "min_score = 2"))
    assert _stale(_status(review, capsys)) == {"efficient-fine-tuning", "overview", "index"}
    capsys.readouterr()
    assert cli.main(["-C", str(review), "build"]) == 0
    built = {
        x.rsplit("/", 1)[1].removesuffix(".html")
        for x in capsys.readouterr().out.split("\n")
        if x.startswith("built ")
    }
    assert built == {"efficient-fine-tuning", "overview"}  # what status said, the index aside

    (review / "reports" / "overview.html").write_text("edited by hand")
    out = _status(review, capsys)
    assert _stale(out) == {"overview", "index"} and "up to date: efficient-fine-tuning" in out

    import bibtexparser

    included = int(next(x for x in out.splitlines() if "included (" in x).split()[1])
    library = bibtexparser.parse_file(str(review / "references" / "library.bib")).entries
    theme = {
        e.key for e in bibtexparser.parse_file(str(review / "reports" / "efficient-fine-tuning.bib")).entries
    }
    key = next(e.key for e in library if e.key not in theme)  # a paper the theme leaves out: ana includes it
    with open(review / "references" / "decisions.csv", "a", encoding="utf-8") as fh:
        fh.write(f"{key},efficient-fine-tuning,include,on topic,ana,2025-01-31\n")
    out = _status(review, capsys)
    assert f"{included + 1} included (1 by reviewers), " in out
    assert _stale(out) == {"efficient-fine-tuning", "overview", "index"}


def test_status_lists_decisions_naming_no_theme(project, capsys):
    decisions = project / "references" / "decisions.csv"
    shutil.copy(ROOT / "references" / "decisions.csv", decisions)
    with open(decisions, "a", encoding="utf-8") as fh:
        fh.write("loraga2024,gradient-fre,include,typo in the theme,ana,,\n")  # line 438
        fh.write("loraga2024,renamed-theme,exclude,theme renamed since,ana,,\n")
    out = _status(project, capsys)
    err = capsys.readouterr().err
    assert "decisions naming no theme (2; they screen nothing, the others stand):" in out
    assert (
        f"  {decisions}:438: theme 'gradient-fre' is not a theme of themes.toml (closest: 'gradient-free'); "
        "row ignored" in out.splitlines()
    )
    assert f"  {decisions}:439: theme 'renamed-theme' is not a theme of themes.toml; row ignored" in out
    assert "not a theme" not in err  # listed once, not also warned
    [counts] = [x for x in out.splitlines() if x.strip().startswith("gradient-free ")]
    assert "(18 by reviewers)" in counts  # the other decisions stand
