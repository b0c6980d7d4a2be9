"""The arXiv metadata snapshot reader (JSON lines).

The snapshot lines are written by the test from real records (the Hugging Face fixture dumps:
their arXiv ids, titles, abstracts, authors, dates), in the snapshot's shape: ``authors`` as one
string, ``authors_parsed`` as [family, given, suffix], ``versions[0].created`` an RFC 2822 date,
the title broken over lines as the snapshot breaks long titles.
"""

import datetime as dt
import json
from pathlib import Path

import pytest

from lit_review.sources import arxiv_snapshot, detect, read_source

HF = sorted((Path("/work/shared/fixtures") / "hf").glob("hfdaily-zh__*.json"))


def real_items() -> list[dict]:
    items = []
    for path in HF:
        for item in json.loads(path.read_text(encoding="utf-8")):
            p = item["paper"]
            people = [a["name"].split() for a in p["authors"]]
            items.append(
                {
                    "id": p["id"],
                    "title": p["title"],
                    "abstract": p["summary"],
                    "published": p["publishedAt"],
                    "parsed": [[w[-1], " ".join(w[:-1]), ""] for w in people if len(w) >= 2],
                }
            )
    return items


def snapshot_line(item: dict, with_parsed: bool = True) -> str:
    when = dt.datetime.fromisoformat(item["published"].replace("Z", "+00:00"))
    words = item["title"].split()
    rec = {
        "id": item["id"],
        "submitter": None,
        "authors": ", ".join(f"{g} {f}" for f, g, _ in item["parsed"]),
        "title": " ".join(words[:4]) + "\n  " + " ".join(words[4:]),
        "comments": None,
        "journal-ref": None,
        "doi": None,
        "report-no": None,
        "categories": "cs.CL cs.LG",
        "license": None,
        "abstract": "  " + item["abstract"],
        "versions": [{"version": "v1", "created": when.strftime("%a, %-d %b %Y %H:%M:%S GMT")}],
        "update_date": when.strftime("%Y-%m-%d"),
    }
    if with_parsed:
        rec["authors_parsed"] = item["parsed"]
    return json.dumps(rec, ensure_ascii=False)


@pytest.fixture
def items():
    found = real_items()
    assert len(found) > 50
    return found


def test_snapshot_lines_are_read_as_the_records_they_hold(tmp_path, items):
    path = tmp_path / "arxiv-metadata-oai-snapshot.json"
    path.write_text("\n".join(snapshot_line(i) for i in items) + "\n", encoding="utf-8")
    assert detect(path) is arxiv_snapshot
    batch = read_source(path)
    assert batch.n_read == len(items) and not batch.rejects
    for line, (item, rec) in enumerate(zip(items, batch.records), 1):
        when = dt.date.fromisoformat(item["published"][:10])
        assert rec.line == line
        assert rec.arxiv_id == item["id"] and rec.url == f"https://arxiv.org/abs/{item['id']}"
        assert " ".join(rec.title.split()) == " ".join(item["title"].split())
        assert (rec.year, rec.month, rec.day) == (when.year, when.month, when.day)
        assert list(rec.authors) == [f"{f}, {g}" for f, g, _ in item["parsed"]]
        assert rec.primary_class == "cs.CL"


def test_blocks_give_the_same_records_as_one_read(tmp_path, items):
    path = tmp_path / "snap.jsonl"
    path.write_text("\n".join(snapshot_line(i) for i in items) + "\n", encoding="utf-8")
    whole = read_source(path).records
    blocks = [r for b in arxiv_snapshot.read_blocks(path, lines=7) for r in b.records]
    assert blocks == whole


def test_a_bad_line_is_one_reject_and_the_others_are_kept(tmp_path, items):
    lines = [snapshot_line(i) for i in items[:6]]
    lines[2] = lines[2][:40]  # a line cut short
    lines.insert(4, "")  # a blank line: later lines keep their numbers
    path = tmp_path / "snap.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    batch = read_source(path)
    assert [r.line for r in batch.rejects] == [3] and "invalid JSON line" in batch.rejects[0].reason
    assert [r.line for r in batch.records] == [1, 2, 4, 6, 7]
    assert [r.arxiv_id for r in batch.records] == [i["id"] for i in items[:6] if i is not items[2]]


def test_authors_string_when_there_is_no_authors_parsed(tmp_path, items):
    item = next(i for i in items if len(i["parsed"]) >= 3)
    path = tmp_path / "snap.jsonl"
    path.write_text(snapshot_line(item, with_parsed=False) + "\n", encoding="utf-8")
    (rec,) = read_source(path).records
    assert list(rec.authors) == [f"{f}, {g}" for f, g, _ in item["parsed"]]


def test_other_json_is_not_taken_for_a_snapshot():
    for path in sorted(Path("/work/shared/fixtures").glob("*/*.json")):
        assert detect(path) is not arxiv_snapshot, path


def test_arrow_and_line_by_line_reading_agree(tmp_path, items):
    """A block Arrow reads whole and the same block read line by line (a blank line forces it)."""
    text = "\n".join(snapshot_line(i) for i in items) + "\n"
    fast, slow = tmp_path / "fast.jsonl", tmp_path / "slow.jsonl"
    fast.write_text(text, encoding="utf-8")
    slow.write_text(text + "\n", encoding="utf-8")
    assert read_source(fast).records == [
        r.__class__(**{**r.__dict__, "source": "fast.jsonl"}) for r in read_source(slow).records
    ]
