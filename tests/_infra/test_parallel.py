"""Worker processes and the Arrow tables they hand back."""

from pathlib import Path


def test_a_table_that_cannot_be_handed_off_through_a_file_comes_back_as_it_is(tmp_path):
    import pyarrow as pa

    from lit_review._infra.parallel import receive_table, send_table

    table = pa.table({"x": ["a", None, "ü"]})
    sent = send_table(table, str(tmp_path / "full"), "t")  # cannot write there (as with full shared memory)
    assert sent is table and receive_table(sent) is table and not (tmp_path / "full").exists()
    sent = send_table(table, str(tmp_path), "t")
    assert isinstance(sent, str) and receive_table(sent).equals(table) and list(tmp_path.iterdir()) == []


def test_handoff_folders_of_killed_runs_are_removed(tmp_path, monkeypatch):
    import subprocess
    import sys

    from lit_review._infra import parallel

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    stale = tmp_path / f"lit-review-{int(dead.stdout)}-abc"
    live = tmp_path / "lit-review-1-def"  # pid 1 runs
    someone_elses = tmp_path / f"lit-review-{int(dead.stdout)}-notes"
    for folder in (stale, live, someone_elses):
        folder.mkdir()
        (folder / "x.arrow").write_bytes(b"x" * 10)
    (someone_elses / "notes.md").write_text("not ours")
    monkeypatch.setattr(parallel, "_SHARED", str(tmp_path))
    with parallel.handoff_folder() as folder:
        assert Path(folder).parent == tmp_path
        assert not stale.exists() and live.exists() and (someone_elses / "notes.md").exists()
    assert not Path(folder).exists()
