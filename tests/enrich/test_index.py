"""The metadata index: every file read once, reused while unchanged, hostile files reported."""

import os
import shutil
from pathlib import Path

from lit_review.enrich.index import cache_key, load_index, metadata_files

FIXTURES = Path("/work/shared/fixtures")


def folder_with(tmp_path, *files) -> Path:
    meta = tmp_path / "references" / "metadata"
    (meta / "sub").mkdir(parents=True)
    for f in files:
        shutil.copy(f, meta / "sub" / f.name)
    (meta / ".hidden.json").write_text("[]", encoding="utf-8")
    return meta


def test_index_is_saved_reused_and_rebuilt_when_a_file_changes(tmp_path):
    hf = sorted((FIXTURES / "hf").glob("hfdaily-zh__*.json"))
    meta = folder_with(tmp_path, *hf)
    assert [p.name for p in metadata_files(meta)] == sorted(p.name for p in hf)  # hidden skipped
    cache = tmp_path / "cache"
    first = load_index(meta, cache)
    assert not first.reused and first.files == [f"metadata/sub/{p.name}" for p in sorted(hf)]
    again = load_index(meta, cache)
    assert again.reused and again.path == first.path and again.n_rows == first.n_rows == 66
    touched = meta / "sub" / hf[0].name
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    third = load_index(meta, cache)
    assert not third.reused and third.path != first.path
    assert sorted(p.name for p in cache.iterdir()) == sorted(
        [third.path.name, third.path.with_suffix(".json").name]
    )


def test_in_memory_index_writes_nothing(tmp_path):
    meta = folder_with(tmp_path, FIXTURES / "bibtex" / "bvitamins__collections__dlm.bib")
    before = sorted(tmp_path.rglob("*"))
    index = load_index(meta, None)
    assert index.path is None and index.n_rows == 20 and sorted(tmp_path.rglob("*")) == before


def test_unreadable_files_are_errors_and_records_rejected_are_kept(tmp_path):
    meta = folder_with(tmp_path, FIXTURES / "hf" / "hfdaily-zh__2025-02-17.json")
    (meta / "junk.bin").write_bytes(b"\x00\xff\xfe binary \x00")
    (meta / "cut.json").write_text(
        '[{"paper": {"id": "2406.04329", "title": "x"}}, {"paper": ', encoding="utf-8"
    )
    index = load_index(meta, tmp_path / "cache")
    reused = load_index(meta, tmp_path / "cache")
    for idx in (index, reused):
        assert [str(e.path).rsplit("/", 1)[-1] for e in idx.errors] == ["junk.bin"]
        assert [(r.source, r.line) for r in idx.rejects if r.kind == "record"] == [("metadata/cut.json", 1)]
        assert idx.n_rows == 11 + 1


def test_cache_key_depends_on_names_sizes_and_times(tmp_path):
    a = tmp_path / "a.json"
    a.write_text("[]", encoding="utf-8")
    k1 = cache_key([a], tmp_path)
    a.write_text("[ ]", encoding="utf-8")
    assert cache_key([a], tmp_path) != k1


def test_a_snapshot_indexed_in_workers_equals_one_read_in_this_process(tmp_path, monkeypatch):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sources"))
    from test_arxiv_snapshot import real_items, snapshot_line

    from lit_review.enrich import index
    from lit_review.sources import arxiv_snapshot

    path = tmp_path / "snapshot.jsonl"
    lines = [snapshot_line(i) for i in real_items()]
    lines[5] = lines[5][:30]  # a bad line: its reject comes back from the worker
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    here = index.build_index([path], ["metadata/snapshot.jsonl"], workers=1)
    monkeypatch.setattr(index, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(arxiv_snapshot, "BLOCK_LINES", 9)
    there = index.build_index([path], ["metadata/snapshot.jsonl"], workers=2)
    assert there[0].equals(here[0]) and there[1] == here[1] and len(here[0]) == len(lines) - 1
    assert [(r.line, r.kind) for r in here[1]] == [(6, "record")]
