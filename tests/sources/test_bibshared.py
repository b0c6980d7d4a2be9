"""Macros and crossref parents shared by a project's BibTeX files, on a real lab bibliography
(IRIDIA: biblio.bib + crossref.bib + three @string files) and on hostile input.

Expected values come from pybtex (an independent BibTeX implementation, given the files in the
order a document lists them), from bibtexparser without lit-review code, or from reading the files.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter

import pytest
from pybtex.database.input.bibtex import Parser

from lit_review.corpus import read_parts
from lit_review.record import reject_summary
from lit_review.sources import bibshared, bibtex, project_contexts, read_source
from lit_review.text import clean_text

from ..conftest import ROOT
from . import FIXTURES

DATA = ROOT / "tests" / "data" / "bibtex"
STRING_FILES = [FIXTURES / "bibtex" / f"iridia__{n}.bib" for n in ("abbrev", "journals", "authors")]
CROSSREF = FIXTURES / "bibtex" / "iridia__crossref.bib"
BIBLIO = DATA / "iridia__biblio.bib"
LAB = [*STRING_FILES, CROSSREF, BIBLIO]
# What bibtexparser 2.1.0 counts in biblio.bib without lit-review code (parse_file, parse_stack=[]):
# 1367 entries, 847 with a crossref (845 to crossref.bib, 2 to a @book of biblio.bib itself),
# 846 of them without a booktitle of their own (tests/data/MANIFEST.md).
ENTRIES, CHILDREN, INHERITING = 1367, 847, 846
_CROSSREF_FIELD = re.compile(r"^\s*crossref\s*=", re.IGNORECASE | re.MULTILINE)


@pytest.fixture(scope="module")
def lab():
    """The lab's five files read as one project: each file's batch, by file name."""
    contexts = project_contexts(LAB)
    return {p.name: read_source(p, context=c) for p, c in zip(LAB, contexts)}


@pytest.fixture(scope="module")
def pybtex_lab():
    parser = Parser()  # keeps macros from one file to the next, as BibTeX does
    for path in LAB:
        data = parser.parse_file(str(path))
    return data


def test_the_file_is_the_one_counted():
    text = BIBLIO.read_text(encoding="utf-8")
    assert len(_CROSSREF_FIELD.findall(text)) == CHILDREN
    assert "Creative Commons CC0" in text[:1000] and not re.search(
        r"^@string", text, re.IGNORECASE | re.MULTILINE
    )


def test_children_inherit_their_booktitle_from_the_other_file(lab, pybtex_lab):
    batch = lab["iridia__biblio.bib"]
    assert batch.n_read == ENTRIES
    assert not [r for r in batch.rejects if r.kind == "field"]  # 845 "crossref not in this file" before
    children = [r for r in batch.records if "crossref" in pybtex_lab.entries[r.citekey].fields]
    assert len(children) == CHILDREN
    inheriting = 0
    for record in children:
        fields = pybtex_lab.entries[record.citekey].fields
        parent = pybtex_lab.entries[fields["crossref"]].fields
        inheriting += "booktitle" not in fields
        expected = fields.get("booktitle") or parent.get("booktitle") or parent["title"]
        assert record.venue == clean_text(expected), record.citekey
        if "year" not in fields:
            assert record.year == int(parent["year"]), record.citekey
    assert inheriting == INHERITING


def test_macros_from_the_string_files_resolve(lab):
    by_key = {r.citekey: r for r in lab["iridia__biblio.bib"].records}
    # biblio.bib: author = Aarts #and# Korst_JHM #and# Michiels_W, crossref = {SearchMethod2005};
    # authors.bib: Aarts = " Emile H. L. Aarts ", Korst_JHM, Michiels_W; abbrev.bib: and = " and ";
    # crossref.bib: @Book{SearchMethod2005, year = 2005, booktitle = {Search Methodologies}, ...}
    aarts = by_key["AarKorMic2005"]
    assert aarts.authors == ("Aarts, Emile H. L.", "Korst, Jan H. M.", "Michiels, Wil")
    assert (aarts.venue, aarts.year, aarts.n_authors) == ("Search Methodologies", 2005, 3)
    # crossref.bib: @Proceedings{CEC2002, booktitle = cec02, year = 2002}; abbrev.bib:
    # cec02 = Proc_of_the # "2002" # cec # "'02)", Proc_of_the = Proc_of # " the ", ...
    abbass = by_key["Abb2002selfpde"]
    assert abbass.authors == ("Abbass, Hussein A.",)
    assert abbass.venue == "Proceedings of the 2002 Congress on Evolutionary Computation (CEC'02)"
    assert abbass.year == 2002
    # no macro name is left in a name (authors.bib names them Family_XY)
    assert not [a for r in lab["iridia__biblio.bib"].records for a in r.authors if "_" in a or "#" in a]
    assert not [r for b in lab.values() for r in b.rejects if r.kind == "field"]


def test_authors_are_those_pybtex_reads(lab, pybtex_lab):
    compared = 0
    for record in lab["iridia__biblio.bib"].records:
        persons = [str(p) for p in pybtex_lab.entries[record.citekey].persons.get("author", [])]
        if not persons or any("\\" in p or p == "others" for p in persons):
            continue  # accents and "and others": the names module's business, not the macros'
        assert record.authors == tuple(clean_text(p) for p in persons), record.citekey
        compared += 1
    assert compared > 850  # of 1366; the others have accents or "others"


def test_parents_in_the_other_file_are_volumes_skipped(lab, pybtex_lab):
    def skipped(name):
        return {r.reason.split("'")[1] for r in lab[name].rejects if r.kind == "skipped"}

    targets = {e.fields["crossref"] for e in pybtex_lab.entries.values() if "crossref" in e.fields}
    keys = set(re.findall(r"^@\w+\{([^,\s]+),", CROSSREF.read_text(encoding="utf-8"), re.MULTILINE))
    in_crossref = targets & keys
    assert len(in_crossref) == 422  # bibtexparser, without lit-review code, finds the same
    assert in_crossref <= skipped("iridia__crossref.bib")
    assert all(pybtex_lab.entries[k].type.lower() in ("proceedings", "book") for k in in_crossref)
    assert (
        skipped("iridia__biblio.bib") == targets - in_crossref == {"WIS:MOA_vol2"}
    )  # its 2 children in the file
    batch = lab["iridia__crossref.bib"]
    assert len(skipped("iridia__crossref.bib")) == 426 and [r.citekey for r in batch.records] == [
        "DoeNeu2020theory",
        "Kallrath2004",
        "StaStu2009",
    ]


def test_project_read_in_worker_processes_is_the_same(tmp_path):
    for path in LAB:
        shutil.copy(path, tmp_path / path.name)
    files = sorted(tmp_path.iterdir())
    one, two = read_parts(files, workers=1), read_parts(files, workers=2)
    assert [p.listing.rejects for p in one] == [p.listing.rejects for p in two]
    assert [p.table.to_pylist() for p in one] == [p.table.to_pylist() for p in two]
    biblio = next(p for p in one if p.listing.source == "iridia__biblio.bib")
    assert biblio.table.num_rows == ENTRIES - 1 and biblio.listing.n_read == ENTRIES


def test_one_bib_file_is_read_on_its_own(tmp_path):
    """A project with one .bib (and other formats): no shared context, the file's own macros only."""
    shutil.copy(BIBLIO, tmp_path / "biblio.bib")
    shutil.copy(ROOT / "references" / "sources" / "hf-papers-000-search-compact.txt", tmp_path / "a.txt")
    files = sorted(tmp_path.iterdir())
    assert project_contexts(files) == [None, None]
    (_, part) = sorted(read_parts(files), key=lambda p: p.listing.source)
    summary = reject_summary(part.listing.rejects)
    # every child warns that its parent is not in the file, every author macro is undefined
    assert (
        "  845 x crossref … is not in this file: nothing inherited (biblio.bib:74, biblio.bib:82, biblio.bib:89, ...)"
        in summary
    )
    fields = Counter(r.reason.split(":")[0] for r in part.listing.rejects if "@string" in r.reason)
    assert fields["author"] == 1042 and part.listing.n_read == ENTRIES
    # what bibtexparser's middleware kept before: the macro names as text ("Aarts #and# ...")
    assert not [a for a in part.table.column("authors").to_pylist() for a in a if "#" in a]


def test_nothing_to_share_is_no_context(tmp_path):
    a = _bib(tmp_path, "a.bib", "@article{a, title = {A}}\n")
    b = _bib(tmp_path, "b.bib", "@article{b, title = {B}, month = jul}\n")
    assert bibshared.shared([a, b]) is None and bibshared.shared([a]) is None
    assert project_contexts([a, b]) == [None, None]


def _bib(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_first_file_in_path_order_wins_and_a_file_keeps_its_own(tmp_path):
    files = [
        _bib(tmp_path, "a.bib", '@string{venue = "From A"}\n@string{who = "Ann Able"}\n'),
        _bib(tmp_path, "b.bib", '@string{venue = "From B"}\n@article{x, title = {X}, journal = venue}\n'),
        _bib(tmp_path, "c.bib", "@article{y, title = {Y}, journal = venue, author = who # { and Bo Bee}}\n"),
    ]
    x, y = (read_source(f, context=c).records[0] for f, c in list(zip(files, project_contexts(files)))[1:])
    assert x.venue == "From B"  # its own definition
    assert (y.venue, y.authors) == ("From A", ("Able, Ann", "Bee, Bo"))


def test_missing_parent_and_unreadable_file(tmp_path):
    files = [
        _bib(tmp_path, "a.bib", "@inproceedings{c, title = {C}, crossref = {nowhere}, year = 2001}\n"),
        _bib(tmp_path, "b.bib", "@proceedings{P1, title = {Proc. One}, year = 1999}\n"),
        tmp_path / "broken.bib",
    ]
    files[2].write_bytes(b"\x00\x01\x02 not text at all" * 200)
    contexts = project_contexts(files)
    (child,) = read_source(files[0], context=contexts[0]).records
    assert (child.venue, child.year) == (None, 2001)
    (reject,) = read_source(files[0], context=contexts[0]).rejects
    assert reject.reason == "crossref 'nowhere' is not in any BibTeX file of the project: nothing inherited"
    assert (reject.kind, reject.line) == ("field", 1)
    # a volume nobody cites and without a booktitle stays a record, as in one file
    assert [r.title for r in read_source(files[1], context=contexts[1]).records] == ["Proc. One"]


def test_a_macro_defined_nowhere_is_a_field_reject(tmp_path):
    files = [
        _bib(tmp_path, "a.bib", '@string{ok = "Fine"}\n'),
        _bib(tmp_path, "b.bib", "@article{k, title = {T}, author = ok # { and } # Ghost_X, journal = ok}\n"),
    ]
    batch = read_source(files[1], context=project_contexts(files)[1])
    (record,) = batch.records
    assert (record.authors, record.venue) == ((), "Fine")
    (reject,) = batch.rejects
    assert reject.reason == (
        "author: @string macro 'Ghost_X' is not defined in any BibTeX file of the project; field not read"
    )
    assert (reject.kind, reject.text) == ("field", "ok # { and } # Ghost_X")


def _lookup(macros):
    return lambda name: (macros[name], ()) if name in macros else None


@pytest.mark.parametrize(
    ("raw", "text", "missing"),
    [
        ("{Plain}", "Plain", ()),
        ("{The {ACO} Book}", "The {ACO} Book", ()),
        ('"quoted {"} inside"', 'quoted {"} inside', ()),
        ("2005", "2005", ()),
        ("a # { and } # b", "Ann and Bo", ()),
        ('a#"x"#  b', "AnnxBo", ()),
        ("{C#}", "C#", ()),
        ("{C#} # a", "C#Ann", ()),
        ("ghost # { x}", " x", ("ghost",)),
        ("A # Ghost # ghost", "Ann", ("Ghost",)),
        ("{unbalanced", "{unbalanced", ()),
        ("a #", "a #", ()),
        ("a b", "a b", ()),
        ("", "", ()),
    ],
)
def test_expand(raw, text, missing):
    assert bibshared.expand(raw, _lookup({"a": "Ann", "b": "Bo"})) == (text, missing)


def test_cycles_and_chains_of_definitions():
    scope = bibshared.Scope({"x": 'y # "!"', "y": '"Hi"', "loop": "loop", "m": "jul"})
    assert scope.get("x") == ("Hi!", ())
    assert scope.get("loop") == ("", ("loop",))
    assert scope.get("m") == ("July", ())  # the month macros of every style
    assert scope.get("undefined") is None


def test_reader_only_takes_context_for_bibtex(tmp_path):
    listing = ROOT / "references" / "sources" / "hf-papers-000-search-compact.txt"
    shared = bibshared.Shared({"x": ("X", ())}, {}, frozenset())
    assert read_source(listing, context=shared).records == read_source(listing).records
    assert (
        bibtex.read(_bib(tmp_path, "a.bib", "@misc{m, title = x}\n"), shared=shared).records[0].title == "X"
    )


def test_a_parent_in_several_files_own_first_then_the_first_by_path(tmp_path):
    files = [
        _bib(tmp_path, "a.bib", "@inproceedings{x, title = {X}, crossref = {P}}\n"),
        _bib(tmp_path, "b.bib", "@proceedings{p, title = {From B}, year = 2001}\n"),
        _bib(
            tmp_path,
            "c.bib",
            "@proceedings{P, title = {From C}, year = 2002}\n@inproceedings{y, title = {Y}, crossref = {p}}\n",
        ),
    ]
    batches = [read_source(f, context=c) for f, c in zip(files, project_contexts(files))]
    assert [(r.venue, r.year) for b in batches for r in b.records] == [("From B", 2001), ("From C", 2002)]
    assert [r.kind for b in batches for r in b.rejects] == ["skipped", "skipped"]  # both volumes are parents


def test_the_scan_takes_any_case_line_ending_and_a_bom(tmp_path):
    defs = tmp_path / "a.bib"
    defs.write_bytes(
        b'\xef\xbb\xbf@STRING{Pub = "Real Press"}\r\n% an email: press@example.org\r\n'
        b"@Proceedings{P9, title = {Proc. Nine}, year = 1999, publisher = pub}\r\n"
    )
    child = _bib(tmp_path, "b.bib", "@InProceedings{c, title = {C}, CROSSREF = {p9}, author = {X, Y}}\n")
    shared = bibshared.shared([defs, child])
    assert shared.strings == {"pub": ("Real Press", ())}
    assert shared.parents == {"p9": {"title": "Proc. Nine", "year": "1999", "publisher": "Real Press"}}
    (c,) = read_source(child, context=shared).records
    assert (c.venue, c.year) == ("Proc. Nine", 1999)
    assert [r.kind for r in read_source(defs, context=shared).rejects] == ["skipped"]
