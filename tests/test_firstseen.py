"""First-seen dates: from the dated pages and captures of sources.toml, pinned, and what is new."""

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from lit_review import firstseen
from lit_review.errors import LitReviewError
from lit_review.sources.manifest import SourceInfo

from .conftest import ROOT

HF = Path("/work/shared/fixtures/hf")
DAILY = ROOT / "tests" / "data" / "hf-daily"


def info(page_date="unknown", captured="unknown"):
    return SourceInfo("x.json", page_date=page_date, captured=captured)


@pytest.mark.parametrize(
    ("page_date", "captured", "day"),
    [
        ("2025-02-14", "2025-03-01", dt.date(2025, 2, 14)),  # the day the page is about, not its download
        ("Dec 10", "2025-12-10", dt.date(2025, 12, 10)),
        ("Dec 31", "2026-01-02", dt.date(2025, 12, 31)),  # a day after the capture: the year before
        ("Mar 13", "unknown", None),  # no year to be had
        ("unknown", "2025-05-05", dt.date(2025, 5, 5)),  # a search: its capture date
        ("unknown", "unknown", None),
        ("Foo 3", "2025-05-05", dt.date(2025, 5, 5)),
    ],
)
def test_source_day(page_date, captured, day):
    assert firstseen.source_day(info(page_date, captured)) == day


def _records(rows):
    return pd.DataFrame(rows, columns=["source", "id"])


def test_earliest_dated_source_wins_and_pins_win_over_it():
    sources = {
        "a.json": info("2025-02-13", "2025-02-20"),
        "b.json": info("2025-02-12", "2025-02-21"),  # captured later, about an earlier day
        "s.json": info("unknown", "2025-02-25"),
        "u.txt": info(),
    }
    records = _records([("a.json", "p1"), ("b.json", "p1"), ("s.json", "p2"), ("a.json", "p3"),
                        ("u.txt", "p4"), ("s.json", "p5"), ("u.txt", "p5")])  # fmt: skip
    ids = pd.Series(["p1", "p2", "p3", "p4", "p5"])
    got, pins = firstseen.first_seen(records, ids, sources, {"p3": "2024-01-01"})
    assert got.tolist() == ["2025-02-12", "2025-02-25", "2024-01-01", None, "2025-02-25"]
    assert pins == {"p1": "2025-02-12", "p2": "2025-02-25", "p3": "2024-01-01", "p5": "2025-02-25"}


def test_pin_file_round_trip_and_existing_pins_win(tmp_path):
    path = tmp_path / "first-seen.csv"
    firstseen.save_pins({"b": "2025-02-13", "a": "2025-02-13", "c": "2025-02-12"}, path)
    assert path.read_text() == "first_seen,id\n2025-02-12,c\n2025-02-13,a\n2025-02-13,b\n"
    firstseen.save_pins({"a": "2030-01-01", "d": "2025-03-01"}, path)  # a is pinned: it keeps its date
    assert firstseen.load_pins(path) == {
        "a": "2025-02-13",
        "b": "2025-02-13",
        "c": "2025-02-12",
        "d": "2025-03-01",
    }


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("id,first_seen\n", ":1: expected the header first_seen,id"),
        ("first_seen,id\n2025-02-30,a\n", ":2: first_seen '2025-02-30' is not a date"),
        ("first_seen,id\n2025-02-03,a\n\n2025-02-04,a\n", ":4: paper id 'a' is pinned twice (also line 2)"),
        ("first_seen,id\n2025-02-03\n", ":2: expected 2 values"),
        ("first_seen,id\n2025-02-03,\n", ":2: empty paper id"),
    ],
)
def test_bad_pin_file_is_a_one_line_error(tmp_path, text, error):
    path = tmp_path / "first-seen.csv"
    path.write_text(text)
    with pytest.raises(LitReviewError) as exc:
        firstseen.load_pins(path)
    assert f"first-seen.csv{error}" in str(exc.value) and "\n" not in str(exc.value)


def _entry(file, page_date, captured):
    return (
        f'[[source]]\nfile = "{file}"\norigin = "Hugging Face Papers"\nlisting = "test"\n'
        f'page_date = "{page_date}"\ncaptured = "{captured}"\n\n'
    )


def _arxiv_ids(path):
    return {"arXiv:" + item["paper"]["id"] for item in json.loads(path.read_text())}


def test_ingest_dates_every_paper_and_a_rebuild_from_scratch_keeps_them(tmp_path):
    from lit_review.ingest import ingest

    root = tmp_path / "review"
    src = root / "references" / "sources"
    src.mkdir(parents=True)
    shutil.copy(HF / "hfdaily-zh__2026-07-31.json", src / "hf-daily-2026-07-31.json")
    shutil.copy(HF / "allnewsai__hf_daily_papers_2026-07-31.json", src / "snapshot.json")
    shutil.copy(DAILY / "2025-02-17.json", src / "hf-daily-2025-02-17.json")
    (root / "references" / "sources.toml").write_text(
        _entry("hf-daily-2026-07-31.json", "2026-07-31", "2026-08-05")
        + _entry("snapshot.json", "unknown", "2026-08-02")  # a capture that names no page date
        + _entry("hf-daily-2025-02-17.json", "2025-02-17", "2026-08-05")
    )
    result = ingest(root)
    seen = dict(zip(result.corpus.papers["id"], result.corpus.papers["first_seen"]))
    day = _arxiv_ids(src / "hf-daily-2026-07-31.json")
    snap = _arxiv_ids(src / "snapshot.json")
    feb = _arxiv_ids(src / "hf-daily-2025-02-17.json")
    assert len(day & snap) == 2  # the two captures share two papers (MANIFEST.md)
    want = {
        **{p: "2026-08-02" for p in snap},
        **{p: "2026-07-31" for p in day},
        **{p: "2025-02-17" for p in feb},
    }
    assert seen == want
    with open(root / "references" / "papers.csv", newline="") as fh:
        assert {r["id"]: r["first_seen"] for r in csv.DictReader(fh)} == want
    pinned = (root / "references" / "first-seen.csv").read_bytes()
    assert firstseen.load_pins(root / "references" / "first-seen.csv") == want

    # the daily page goes (or its entry changes): the pinned dates stay, the papers.csv too
    (src / "hf-daily-2026-07-31.json").unlink()
    for name in ("papers.csv", "library.bib", "duplicates.csv", "rejects.csv"):
        (root / "references" / name).unlink()
    again = ingest(root)
    kept = dict(zip(again.corpus.papers["id"], again.corpus.papers["first_seen"]))
    assert kept == {p: want[p] for p in snap | feb}
    assert (root / "references" / "first-seen.csv").read_bytes() == pinned


def test_bundled_first_seen_pins_are_what_an_ingest_writes(project):
    """Only the Dec 10 daily page of the bundled listings is dated (sources.toml): its 45 papers."""
    from lit_review.ingest import ingest

    result = ingest(project)
    written = project / "references" / "first-seen.csv"
    assert written.read_bytes() == (ROOT / "references" / "first-seen.csv").read_bytes()
    papers = result.corpus.papers
    from_dec10 = papers["sources"].map(
        lambda s: any(x.startswith("hf-papers-001-daily-dec-10.txt:") for x in s)
    )
    assert set(papers.loc[papers["first_seen"].notna(), "id"]) == set(papers.loc[from_dec10, "id"])
    assert set(papers["first_seen"].dropna()) == {"2025-12-10"} and from_dec10.sum() == 45
    # the bundled papers.csv (completed from references/metadata/, which this copy lacks) dates the same
    bundled = pd.read_csv(ROOT / "references" / "papers.csv", dtype=str, keep_default_na=False)
    assert dict(zip(bundled["id"], bundled["first_seen"])) == {
        i: d or ""
        for i, d in zip(papers["id"], papers["first_seen"].where(papers["first_seen"].notna(), None))
    }


def test_update_log_and_what_is_new(tmp_path):
    log = tmp_path / "updates.csv"
    days = pd.Series(["2025-02-12", "2025-02-13", None, "2025-02-17", "2025-02-13"])
    news = firstseen.what_is_new(days, firstseen.load_updates(log))  # no update: the newest day is new
    assert news.since == "2025-02-13" and news.mask(days).tolist() == [False, False, False, True, False]
    assert firstseen.what_is_new(days[:2], []).since == "2025-02-12"
    assert firstseen.what_is_new(pd.Series(["2025-02-12", None]), []).since is None
    assert not firstseen.what_is_new(pd.Series([None]), []).mask(pd.Series([None])).any()

    firstseen.record_update(log, firstseen.Update("", "2025-02-12", 1))
    news = firstseen.what_is_new(days, firstseen.load_updates(log))
    assert news.heading == "New in the first update" and news.mask(days).sum() == 4  # every dated paper
    firstseen.record_update(log, firstseen.Update("2025-02-12", "2025-02-19", 7))
    assert log.read_text() == "since,until,saved,complete\n,2025-02-12,1,yes\n2025-02-12,2025-02-19,7,yes\n"
    news = firstseen.what_is_new(days, firstseen.load_updates(log))
    assert news.heading == "New since 2025-02-12" and news.mask(days).tolist() == [
        False,
        True,
        False,
        True,
        True,
    ]
    assert firstseen.next_since(firstseen.load_updates(log), "x") == "2025-02-19"
    firstseen.record_update(log, firstseen.Update("2025-02-19", "2025-02-26", 2, complete=False))
    assert firstseen.next_since(firstseen.load_updates(log), "x") == "2025-02-19"  # resumed: same since
    assert firstseen.next_since([], "2025-02-12") == "2025-02-12"
    log.write_text("since,until,saved,complete\n2025-02-12,2025-02-13,3,maybe\n")
    with pytest.raises(LitReviewError, match=r"updates.csv:2: complete 'maybe' is neither yes nor no"):
        firstseen.load_updates(log)
    log.write_text("since,until,saved,complete\n2025-02-12,2025-13-01,3,yes\n")
    with pytest.raises(LitReviewError, match=r"updates.csv:2: until '2025-13-01' is not a date"):
        firstseen.load_updates(log)


def test_dates_pickle_the_same_found_or_pinned(tmp_path):
    """A build's snapshot pickles the papers: dates read back from the pins must pickle as the dates
    found (one object per day), or a second build's snapshot is not byte-identical to the first."""
    import pickle

    sources = {"a.json": info("2025-02-13"), "b.json": info("2025-02-12")}
    records = _records([("a.json", "p1"), ("a.json", "p2"), ("b.json", "p3"), ("a.json", "p4")])
    ids = pd.Series(["p1", "p2", "p3", "p4"])
    found, pins = firstseen.first_seen(records, ids, sources, {})
    firstseen.save_pins(pins, tmp_path / "first-seen.csv")
    again, _ = firstseen.first_seen(records, ids, sources, firstseen.load_pins(tmp_path / "first-seen.csv"))
    assert again.tolist() == found.tolist() and pickle.dumps(again) == pickle.dumps(found)
