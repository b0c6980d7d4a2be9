"""What the terminal shows of the rejects: a count per kind and reason, and the first places."""

import subprocess
import sys

from lit_review.record import Reject, reject_summary

from .conftest import ROOT

FIXTURES = ROOT.parent / "shared" / "fixtures"


def test_rejects_of_one_shape_are_one_line_with_their_first_places():
    rejects = [
        Reject("a.bib", n, f"crossref 'p{n}' is not in this file: nothing inherited", kind="field")
        for n in range(1, 701)
    ]
    rejects += [
        Reject("a.bib", 9, "month is not a month", "fall", "field"),
        Reject("b.ris", 3, "truncated record"),
    ]
    assert reject_summary(rejects) == [
        "1 records not read:",
        "  b.ris:3: truncated record",
        "701 fields not read (paper kept):",
        "  700 x crossref … is not in this file: nothing inherited (a.bib:1, a.bib:2, a.bib:3, ...)",
        "  a.bib:9: month is not a month",
    ]
    assert reject_summary([]) == []


def test_ingest_prints_a_summary_not_a_line_per_reject(tmp_path):
    from lit_review import cli

    cli.main(["init", str(tmp_path / "r")])
    src = tmp_path / "r" / "references" / "sources"
    src.joinpath("iridia__crossref.bib").write_bytes(
        (FIXTURES / "bibtex" / "iridia__crossref.bib").read_bytes()
    )
    r = subprocess.run([sys.executable, "-m", "lit_review", "ingest"], cwd=tmp_path / "r", capture_output=True, text=True,
                       env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})  # fmt: skip
    lines = r.stderr.splitlines()
    assert "rejected: 426 skipped (not papers):" in lines
    assert len(lines) <= 5, r.stderr  # 426 skipped volumes in two lines, not 426
    rejects_csv = (tmp_path / "r" / "references" / "rejects.csv").read_text(encoding="utf-8")
    assert rejects_csv.count("iridia__crossref.bib,") == 426  # every one is still listed there
