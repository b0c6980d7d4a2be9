"""save_response: verbatim bytes, atomic, one manifest entry each, under the manifest's lock."""

import datetime as dt
import multiprocessing
import tomllib
from pathlib import Path

import pytest

from lit_review.errors import LitReviewError
from lit_review.net import is_saved, manifest_name, save_response
from lit_review.net.save import manifest_entry
from lit_review.project import Project
from lit_review.sources.manifest import load_manifest

FIXTURES = Path("/work/shared/fixtures")
CROSSREF = FIXTURES / "crossref" / "abbotsbury_test1_10.1021_acs.orglett.9b00971.json"
OPENALEX = FIXTURES / "openalex" / "openalex-python__W2741809807.json"
NOW = dt.datetime(2026, 11, 27, 14, 15, 16, 999, tzinfo=dt.UTC)


def _save(root, rel, data, url="http://127.0.0.1/x"):
    return save_response(
        root, rel, data, origin="Crossref", listing="works by DOI", url=url, fetched=NOW, query="10.1/x"
    )


def test_metadata_response_saved_verbatim_with_its_entry(project):
    before = (project / "references" / "sources.toml").read_text(encoding="utf-8")
    rel = "metadata/crossref/doi-10-1021-acs-orglett-9b00971-abc.json"
    path = _save(
        project, rel, CROSSREF.read_bytes(), "https://api.crossref.org/works/10.1021/acs.orglett.9b00971"
    )
    assert path == project / "references" / rel and path.read_bytes() == CROSSREF.read_bytes()
    text = (project / "references" / "sources.toml").read_text(encoding="utf-8")
    assert text.startswith(before)
    entry = tomllib.loads(text)["source"][-1]
    assert (
        entry["file"] == rel
        and entry["fetched"] == "2026-11-27T14:15:16Z"
        and entry["captured"] == "2026-11-27"
    )
    assert entry["query"] == "10.1/x" and len(entry["sha256"]) == 64
    info = load_manifest(project / "references" / "sources.toml")[rel]
    assert info.origin == "Crossref" and is_saved(Project.at(project), rel)


def test_a_capture_is_never_replaced(project):
    rel = "metadata/crossref/a.json"
    _save(project, rel, CROSSREF.read_bytes())
    manifest = (project / "references" / "sources.toml").read_bytes()
    with pytest.raises(LitReviewError, match="already fetched"):
        _save(project, rel, OPENALEX.read_bytes())
    assert (project / "references" / rel).read_bytes() == CROSSREF.read_bytes()
    assert (project / "references" / "sources.toml").read_bytes() == manifest


def test_a_stray_file_is_not_overwritten(project):
    stray = project / "references" / "metadata" / "crossref" / "b.json"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"left by a killed run")
    with pytest.raises(LitReviewError, match="not listed in references/sources.toml"):
        _save(project, "metadata/crossref/b.json", CROSSREF.read_bytes())
    assert stray.read_bytes() == b"left by a killed run"


def test_no_file_without_its_entry(project, monkeypatch):
    from lit_review.net import save

    def broken(path, text):
        raise OSError("disk full")

    monkeypatch.setattr(save, "atomic_write_text", broken)
    with pytest.raises(OSError):
        _save(project, "metadata/crossref/c.json", CROSSREF.read_bytes())
    assert not (project / "references" / "metadata" / "crossref" / "c.json").exists()


def _save_many(root, worker, n):
    for i in range(n):
        _save(root, f"metadata/crossref/w{worker}-{i}.json", f"{worker}-{i}".encode())


def test_concurrent_savers_lose_no_entry(project):
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_save_many, args=(str(project), w, 15)) for w in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    manifest = load_manifest(project / "references" / "sources.toml")
    assert sum(1 for f in manifest if f.startswith("metadata/crossref/w")) == 45


def test_manifest_names():
    assert manifest_name("sources/hf-daily-2025-02-17.json") == "hf-daily-2025-02-17.json"
    assert manifest_name("metadata/s2/x.json") == "metadata/s2/x.json"
    for bad in (
        "../x.json",
        "/etc/passwd",
        "metadata/../../x",
        "reports/x.html",
        "sources/a/b.json",
        "x.json",
    ):
        with pytest.raises(ValueError):
            manifest_name(bad)


def test_manifest_accepts_metadata_paths_only(tmp_path):
    good = tmp_path / "good.toml"
    good.write_text(
        '[[source]]\nfile = "metadata/openalex/t.json"\n[[source]]\nfile = "a.txt"\n', encoding="utf-8"
    )
    assert set(load_manifest(good)) == {"metadata/openalex/t.json", "a.txt"}
    for name in ("other/x.json", "metadata/../x.json", "metadata//x", "../a.txt"):
        bad = tmp_path / "bad.toml"
        bad.write_text(f'[[source]]\nfile = "{name}"\n', encoding="utf-8")
        with pytest.raises(LitReviewError, match="neither a file name"):
            load_manifest(bad)


def test_manifest_entry_escapes_hostile_values():
    hostile = 'a "quoted" \\ back\nslash\x7f'
    entry = tomllib.loads(manifest_entry({"file": "x", "query": hostile}))["source"][0]
    assert entry["query"] == hostile


def test_an_entry_written_by_someone_else_is_seen(project):
    _save(project, "metadata/crossref/d.json", CROSSREF.read_bytes())  # this process now knows the manifest
    manifest = project / "references" / "sources.toml"
    with open(manifest, "a", encoding="utf-8") as fh:  # another process, or a person, adds an entry
        fh.write('\n[[source]]\nfile = "metadata/crossref/e.json"\n')
    with pytest.raises(LitReviewError, match="already fetched"):
        _save(project, "metadata/crossref/e.json", CROSSREF.read_bytes())
    manifest.write_text(
        manifest.read_text(encoding="utf-8") + "[[source]]\nfile = 'broken\n", encoding="utf-8"
    )
    with pytest.raises(LitReviewError, match="invalid TOML"):  # and validated again before appending
        _save(project, "metadata/crossref/f.json", CROSSREF.read_bytes())
