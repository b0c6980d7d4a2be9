"""The listing reader on the real seed pages and on damaged variants of them."""

import pytest

from lit_review.errors import LitReviewError
from lit_review.sources.listing import read_listing

from ..conftest import SEEDS, SOURCES

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


# Hostile pages built from the real seed pages. Compact pages: paper k has its title on line 2k+1
# and its abstract on line 2k+2. The spaced page 001: paper 1 is title 13, abstract 15, "• 5 authors"
# 17, "·" 18, "Jun 5, 2024" 19; paper 2 ("Sequential Gradient Coding ...") starts on line 21.
DAILY = "hf-papers-001-daily-dec-10.txt"
COMPACT = "hf-papers-003-search-compact.txt"


def _edit_lines(tmp_path, name, edit, final_newline=True):
    lines = (SOURCES / name).read_text(encoding="utf-8").rstrip("\n").split("\n")
    edit(lines)
    path = tmp_path / name
    path.write_text("\n".join(lines) + ("\n" if final_newline else ""), encoding="utf-8")
    return read_listing(path)


def _rows(listing):
    return [(r.line, r.reason, r.kind) for r in listing.rejects]


def _prefix(lines, number, prefix):
    lines[number - 1] = prefix + lines[number - 1]


def test_titles_with_abbreviations_are_titles(tmp_path):
    def edit(lines):
        _prefix(lines, 5, "Base vs. Instruct: ")
        _prefix(lines, 7, "Dr. Zero: ")
        _prefix(lines, 9, "INT v.s. FP: ")

    listing = _edit_lines(tmp_path, COMPACT, edit)
    assert (len(listing.records), listing.rejects) == (246, [])
    titles = [r.title for r in listing.records[1:4]]
    assert titles == [
        "Base vs. Instruct: Gradient-based Planning with World Models",
        "Dr. Zero: ICon: In-Context Contribution for Automatic Data Selection",
        "INT v.s. FP: " + (SOURCES / COMPACT).read_text(encoding="utf-8").split("\n")[8],
    ]


def test_spaced_title_with_abbreviation_keeps_its_metadata(tmp_path):
    listing = _edit_lines(tmp_path, DAILY, lambda lines: _prefix(lines, 13, "Dr. Zero: "))
    assert (len(listing.records), listing.rejects) == (45, [])
    first = listing.records[0]
    assert first.title.startswith("Dr. Zero: Computational Limits")
    assert (first.n_authors, first.month, first.day, first.year) == (5, 6, 5, 2024)


@pytest.mark.parametrize(
    ("name", "last_line", "kept", "url"),
    [
        ("hf-papers-002-search-compact.txt", 38, 18, "https://github.com/juntang-zhuang/Adabelief-Optimizer"),
        ("hf-papers-003-search-compact.txt", 458, 228, "github.com/jeffwillette/umbc"),
    ],
)
def test_final_abstract_ending_in_url_without_newline_is_kept(tmp_path, name, last_line, kept, url):
    listing = _edit_lines(tmp_path, name, lambda lines: lines.__delitem__(slice(last_line, None)), False)
    assert (len(listing.records), listing.rejects) == (kept, [])
    assert listing.records[-1].abstract.endswith(url)


def test_compact_title_lost_gives_one_row(tmp_path):
    listing = _edit_lines(tmp_path, COMPACT, lambda lines: lines.__delitem__(4))  # title of paper 2
    assert len(listing.records) == 245 and listing.n_read == 246
    assert _rows(listing) == [(5, "abstract-like text with no title before it", "record")]


def test_spaced_title_lost_takes_its_metadata_along(tmp_path):
    listing = _edit_lines(tmp_path, DAILY, lambda lines: lines.__delitem__(12))
    assert len(listing.records) == 44 and listing.n_read == 45
    assert _rows(listing) == [(14, "abstract-like text with no title before it", "record")]
    assert listing.records[0].title == "Sequential Gradient Coding For Straggler Mitigation"
    assert listing.records[0].n_authors == 3


def test_spaced_abstract_lost_gives_one_row(tmp_path):
    listing = _edit_lines(tmp_path, DAILY, lambda lines: lines.__delitem__(14))
    assert len(listing.records) == 44 and listing.n_read == 45
    assert _rows(listing) == [(13, "title with no abstract (metadata follows the title)", "record")]


def test_abstract_lost_before_a_title_with_abbreviation(tmp_path):
    def edit(lines):
        _prefix(lines, 7, "Dr. Zero: ")
        del lines[5]  # the abstract of paper 2

    listing = _edit_lines(tmp_path, COMPACT, edit)
    assert _rows(listing) == [(5, "title with no abstract (another title follows)", "record")]
    assert len(listing.records) == 245
    assert listing.records[1].title == "Dr. Zero: ICon: In-Context Contribution for Automatic Data Selection"
    assert listing.records[1].abstract.startswith("Data selection for instruction tuning")


def test_metadata_without_who_line_keeps_paper(tmp_path):
    listing = _edit_lines(tmp_path, DAILY, lambda lines: lines.__delitem__(16))
    assert len(listing.records) == 45
    assert _rows(listing) == [(17, "metadata block with no authors or organization line", "field")]
    first = listing.records[0]
    assert (first.n_authors, first.month, first.day, first.year) == (None, 6, 5, 2024)


def test_metadata_without_date_keeps_paper_and_next_one(tmp_path):
    listing = _edit_lines(tmp_path, DAILY, lambda lines: lines.__delitem__(18))
    assert len(listing.records) == 45
    assert _rows(listing) == [(17, "metadata block ends before its date", "field")]
    first, second = listing.records[:2]
    assert (first.n_authors, first.month) == (5, None)
    assert second.title == "Sequential Gradient Coding For Straggler Mitigation"
    assert (second.n_authors, second.month, second.day, second.year) == (3, 11, 24, 2022)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_any_one_line_lost_loses_at_most_one_paper_with_one_row(tmp_path, name):
    """Delete each non-blank line in turn: every paper is kept or rejected once, never twice."""
    n = EXPECTED[name][0]
    original = (SOURCES / name).read_text(encoding="utf-8").split("\n")
    header = 3 if EXPECTED[name][1] == "compact" else 12  # the first abstract, the first title
    for k in range(header, len(original)):
        if not original[k].strip():
            continue
        listing = _edit_lines(tmp_path, name, lambda lines, k=k: lines.__delitem__(k))
        record_rows = [r for r in listing.rejects if r.kind == "record"]
        assert len(record_rows) <= 1, (k + 1, _rows(listing))
        assert listing.n_read == n and len(listing.records) >= n - 1, (k + 1, _rows(listing))
