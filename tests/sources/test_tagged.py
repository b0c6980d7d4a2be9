"""Tagged-line fields, dates and lists shared by the Web of Science and MEDLINE readers (hand-made inputs)."""

from __future__ import annotations

import re

import pytest

from lit_review.sources.tagged import month_day, parse_fields, split_list, year_in

_WOS_TAG = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")


def test_fields_continuations_and_stray_lines():
    lines = [
        "AU Doe, J",
        "   Roe, R",
        "TI A title",
        "   continued",
        "",
        "junk",
        "   its continuation",
        "PY 2020",
    ]
    fields = parse_fields(lines, 10, _WOS_TAG, "   ")
    assert fields.lines("AU") == ["Doe, J", "Roe, R"]
    assert fields.joined("TI") == ["A title continued"]
    assert fields.first("XX", "PY") == "2020" and fields.first("XX") == ""
    assert fields.stray == [15]  # "junk" (line 10 + 5); its continuation is ignored with it


@pytest.mark.parametrize(
    "text, expected",
    [
        ("MAR 20", (3, 20)),
        ("2023 Mar 15", (3, 15)),
        ("2016 Mar-Apr", (3, None)),
        ("JAN-FEB", (1, None)),
        ("2021 Spring", (None, None)),
        ("WIN", (None, None)),
        ("2019", (None, None)),
        ("", (None, None)),
        ("September 2019", (9, None)),  # a year is no day
        ("JUN 8", (6, 8)),
    ],
)
def test_month_day(text, expected):
    assert month_day(text) == expected


def test_year_and_lists():
    assert year_in("2016 Mar-Apr") == 2016 and year_in("MAR 20") is None and year_in("1450") is None
    assert split_list(["a; b;", " b ;c"]) == ("a", "b", "c")
    assert split_list([""]) == ()
