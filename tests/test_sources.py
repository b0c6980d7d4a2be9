"""The listing reader on the real seed pages and on damaged variants of them."""

import pytest

from lit_review.errors import LitReviewError
from lit_review.sources.listing import read_listing

from .conftest import SEEDS, SOURCES

EXPECTED = {  # papers per seed file, counted by hand from the pages (issue 2)
    "hf-papers-000-search-compact.txt": (119, "compact"),
    "hf-papers-001-daily-dec-10.txt": (45, "spaced"),
    "hf-papers-002-search-compact.txt": (119, "compact"),
    "hf-papers-003-search-compact.txt": (246, "compact"),
    "hf-papers-004-daily-mar-13.txt": (118, "spaced"),
}


def test_bundled_sources_are_the_seed_pages():
    bundled = sorted(p.read_bytes() for p in SOURCES.iterdir())
    seeds = sorted(p.read_bytes() for p in SEEDS.iterdir())
    assert bundled == seeds


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_counts_and_layout(name):
    listing = read_listing(SOURCES / name)
    n, layout = EXPECTED[name]
    assert (len(listing.records), listing.layout, listing.rejects) == (n, layout, [])


def test_compact_first_title_is_unglued_from_subscribe():
    rec = read_listing(SOURCES / "hf-papers-003-search-compact.txt").records[0]
    assert rec.title == "BBTv2: Towards a Gradient-Free Future with Large Language Models"
    assert rec.line == 3
    assert rec.abstract.startswith("Most downstream adaptation methods")


def test_spaced_metadata():
    recs = {r.title: r for r in read_listing(SOURCES / "hf-papers-001-daily-dec-10.txt").records}
    lora = recs["Computational Limits of Low-Rank Adaptation (LoRA) for Transformer-Based Models"]
    assert (lora.n_authors, lora.month, lora.day, lora.year, lora.upvotes) == (5, 6, 5, 2024, None)
    assert lora.line == 13
    mech = recs[
        "Using Mechanistic Interpretability to Craft Adversarial Attacks against Large Language Models"
    ]
    assert (mech.month, mech.day, mech.year, mech.upvotes) == (3, 8, None, 2)
    z = [r for r in recs.values() if r.organization]
    assert [(r.organization, r.month, r.day, r.upvotes) for r in z] == [("zai-org Z.ai", 10, 13, 2)]
    assert recs[next(t for t in recs if t.startswith("Target-based Surrogates"))].year == 2023


def test_page_date_detected():
    assert read_listing(SOURCES / "hf-papers-004-daily-mar-13.txt").page_date == "Mar 13"


def _variant(tmp_path, name, transform, binary=False):
    src = (SOURCES / name).read_bytes() if binary else (SOURCES / name).read_text(encoding="utf-8")
    out = tmp_path / name
    data = transform(src)
    (out.write_bytes if isinstance(data, bytes) else out.write_text)(data)
    return out


def _titles(listing):
    return [(r.title, r.abstract, r.n_authors, r.month, r.year, r.upvotes) for r in listing.records]


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize(
    "transform",
    [
        lambda s: s.replace("\n", "\r\n"),
        lambda s: "\ufeff" + s,
        lambda s: s.replace("\n", "  \n"),
        lambda s: s.replace("\n", "\t\n"),
        lambda s: s.replace("\n\n", "\n\n\n"),
        lambda s: s.rstrip("\n"),
    ],
    ids=["crlf", "bom", "trailing-spaces", "tabs", "double-blank", "no-final-newline"],
)
def test_layout_variants_read_the_same(tmp_path, name, transform):
    original = read_listing(SOURCES / name)
    variant = read_listing(_variant(tmp_path, name, transform), name=name)
    assert _titles(variant) == _titles(original)
    assert variant.rejects == []


def test_empty_file(tmp_path):
    (tmp_path / "e.txt").write_text("")
    with pytest.raises(LitReviewError, match=r"e\.txt:1: empty file"):
        read_listing(tmp_path / "e.txt")


def test_unknown_layout(tmp_path):
    (tmp_path / "x.csv").write_text("title,abstract\nA,B\n")
    with pytest.raises(LitReviewError, match=r"x\.csv:1: unknown layout"):
        read_listing(tmp_path / "x.csv")


def test_binary_file(tmp_path):
    (tmp_path / "b.txt").write_bytes(bytes(range(256)) * 10)
    with pytest.raises(LitReviewError, match=r"b\.txt:\d+: not a UTF-8 text listing"):
        read_listing(tmp_path / "b.txt")


def test_latin1_line_rejects_only_its_record(tmp_path):
    name = "hf-papers-000-search-compact.txt"
    lines = (SOURCES / name).read_bytes().split(b"\n")
    lines[7] = lines[7].replace(b"the", "thé".encode("latin-1"), 1)  # abstract of the 3rd paper
    path = tmp_path / name
    path.write_bytes(b"\n".join(lines))
    listing = read_listing(path)
    assert len(listing.records) == 118
    assert [(r.line, r.reason.split(" (")[0]) for r in listing.rejects] == [
        (8, "damaged record: not valid UTF-8")
    ]
    assert listing.n_read == 119


def test_nul_byte_rejects_only_its_record(tmp_path):
    name = "hf-papers-001-daily-dec-10.txt"
    text = (
        (SOURCES / name)
        .read_bytes()
        .replace(b"Sequential Gradient Coding", b"Sequential\x00 Gradient Coding")
    )
    (tmp_path / name).write_bytes(text)
    listing = read_listing(tmp_path / name)
    assert len(listing.records) == 44 and listing.n_read == 45
    assert str(listing.rejects[0]) == f"{name}:21: damaged record: binary content (NUL byte)"


def test_title_with_no_abstract(tmp_path):
    name = "hf-papers-003-search-compact.txt"
    lines = (SOURCES / name).read_text(encoding="utf-8").split("\n")
    del lines[5]  # the abstract of the 3rd paper (title on line 5)
    (tmp_path / name).write_text("\n".join(lines))
    listing = read_listing(tmp_path / name)
    assert len(listing.records) == 245
    assert [(r.line, r.reason) for r in listing.rejects] == [
        (5, "title with no abstract (another title follows)")
    ]


def test_truncated_file(tmp_path):
    name = "hf-papers-000-search-compact.txt"
    text = (SOURCES / name).read_text(encoding="utf-8")
    cut = text.rstrip("\n")[:-40]  # the last abstract loses its end and the final newline
    (tmp_path / name).write_text(cut)
    listing = read_listing(tmp_path / name)
    assert len(listing.records) == 118
    assert listing.rejects[0].reason == "truncated record: the file ends inside this abstract"
    assert listing.rejects[0].line == 240


def test_truncated_after_title(tmp_path):
    name = "hf-papers-004-daily-mar-13.txt"
    lines = (SOURCES / name).read_text(encoding="utf-8").rstrip("\n").split("\n")
    (tmp_path / name).write_text("\n".join(lines[:-1]) + "\n")  # drop the last abstract
    listing = read_listing(tmp_path / name)
    assert len(listing.records) == 117
    assert "title with no abstract" in listing.rejects[0].reason


def test_bad_date_keeps_paper_and_reports_field(tmp_path):
    name = "hf-papers-001-daily-dec-10.txt"
    text = (SOURCES / name).read_text(encoding="utf-8").replace("Jun 5, 2024", "Junk 5, 2024")
    (tmp_path / name).write_text(text)
    listing = read_listing(tmp_path / name)
    assert len(listing.records) == 45
    assert [(r.kind, r.line) for r in listing.rejects] == [("field", 19)]
