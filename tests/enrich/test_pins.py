"""references/enrich-pins.csv: read, checked, written under its lock."""

import pytest

from lit_review.enrich.pins import load_pins, pin
from lit_review.errors import LitReviewError


def test_pins_round_trip_and_normalize(tmp_path):
    path = tmp_path / "enrich-pins.csv"
    assert load_pins(path) == {}
    pin(path, "t-1", "arXiv:2407.10671v2", "Qwen2, not Qwen2.5")
    pin(path, "t-0", "DOI:https://doi.org/10.1145/3292500.3330701")
    pin(path, "t-1", "none")  # a second pin of a paper replaces the first, its note kept
    assert load_pins(path) == {"t-0": "doi:10.1145/3292500.3330701", "t-1": "none"}
    assert path.read_text(encoding="utf-8") == (
        'id,choice,note\nt-0,doi:10.1145/3292500.3330701,\nt-1,none,"Qwen2, not Qwen2.5"\n'
    )


@pytest.mark.parametrize(
    "text, line, what",
    [
        ("paper,choice\nt-1,none\n", 1, "expected a header starting id,choice"),
        ("id,choice\nt-1,arXiv:Qwen2\n", 2, "must be arXiv:<id>, doi:<doi> or none"),
        ("id,choice\nt-1,none\n\nt-1,arXiv:2407.10671\n", 4, "pinned twice"),
        ("id,choice\nt-1\n", 2, "expected id,choice"),
    ],
)
def test_a_bad_pin_file_is_one_line_naming_the_line(tmp_path, text, line, what):
    path = tmp_path / "enrich-pins.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LitReviewError) as err:
        load_pins(path)
    assert what in str(err.value) and f"enrich-pins.csv:{line}:" in str(err.value)
    assert "\n" not in str(err.value)
