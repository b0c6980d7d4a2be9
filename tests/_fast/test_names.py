"""person_name_column equals person_name name by name: on every author name of the fixtures and on generated names."""

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from lit_review._fast.names import person_name_column
from lit_review.sources.names import person_name

FIXTURES = Path("/work/shared/fixtures")


def _fixture_names() -> list[str]:
    names = []
    for path in sorted((FIXTURES / "hf").glob("*.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            for a in item.get("paper", item).get("authors", []):
                names.append(a["name"] if isinstance(a, dict) else a)
    return names


def test_fixture_names_equal_person_name():
    names = _fixture_names()
    assert len(names) > 700
    assert person_name_column(names) == [person_name(n) for n in names]


_WORDS = ["Ann", "Le", "V.", "J.R.", "JA", "van", "de", "Jr.", "III", "iv", "O'Neil", "Jean-Pierre", "Ángel",
          "ŞAHİN", "ǅemal", "é", "ſr", "d'Orsi", "der", "Bach", "Ab", "bai", "ii", "II", "王芳", "0001", "{\\o}", "$x$", ",", "", "\u00a0", "\t", "ª"]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=5).map(" ".join), min_size=1, max_size=8)
)
def test_generated_names_equal_person_name(names):
    names = [n for n in names if n.strip()]  # the reader hands over only names with text
    assert person_name_column(names) == [person_name(n) for n in names]
