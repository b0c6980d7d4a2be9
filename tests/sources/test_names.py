"""Person names: the plain-name rule equals bibtexparser's BibTeX split on every real name we have."""

import json
import re

from bibtexparser.middlewares.names import parse_single_name_into_parts

from lit_review.sources.names import _PLAIN, family_initials, person_name, plain_name

from . import FIXTURES  # found from a worktree too


def _api_names() -> list[str]:
    names = []
    for path in sorted((FIXTURES / "hf").glob("hfdaily-*.json")):
        names += [a["name"] for item in json.loads(path.read_text("utf-8")) for a in item["paper"]["authors"]]
    for path in sorted((FIXTURES / "arxiv").glob("*.xml")):
        names += re.findall(r"<name>([^<]+)</name>", path.read_text("utf-8"))
    return names


def test_plain_names_split_as_bibtex_splits_them():
    names = [" ".join(n.split()) for n in _api_names()]
    plain = [n for n in names if _PLAIN.match(n)]
    assert len(plain) > 300  # the fixtures' authors
    for name in plain:
        assert plain_name(name) == parse_single_name_into_parts(name, strict=False).merge_last_name_first, (
            name
        )


def test_names_from_each_kind_of_source():
    assert person_name("Emile van Krieken") == "van Krieken, Emile"
    assert person_name("Sourav Chakraborty 0001") == "Chakraborty, Sourav"  # DBLP's disambiguator
    assert person_name("R{\\o}nnow, Troels F.") == "Rønnow, Troels F."
    assert person_name("Liu R.") == "Liu, R."  # PubMed / Embase
    assert person_name("OpenAI") == "OpenAI"


def test_family_initials():
    """Scopus / MEDLINE AU names, family name first (as written in the real exports; hand-listed)."""
    assert family_initials("Phillips J.C.") == "Phillips, J.C."
    assert family_initials("Van Labeke D.") == "Van Labeke, D."  # a family name of two words
    assert family_initials("Ben Amor S") == "Ben Amor, S"
    assert family_initials("Kalé L.") == "Kalé, L."
    assert family_initials("Smith, John") == "Smith, John"  # already Family, Given
    assert family_initials("ISPOR Task Force") == person_name(
        "ISPOR Task Force"
    )  # no initials: as person_name
