"""Patent numbers, IPC codes, terms, trademark numbers (docs/market.md). Pure: no services."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from ipmarket.assets import identifiers as ids


def test_the_standards_own_example():
    # ZC 0006-2003: 200310102344.5 — 2·2+0·3+0·4+3·5+1·6+0·7+1·8+0·9+2·2+3·3+4·4+4·5 = 82, 82 mod 11 = 5
    assert ids.patent_check_char("200310102344") == "5"
    assert ids.parse_application_number("200310102344.5")["patent_type"] == "invention"


@pytest.mark.parametrize(
    "typed",
    [
        "CN200310102344.5",
        "ZL 2003 1 0102344.5",
        "zl200310102344.5",
        "2003101023445",
        " 200310102344 .5",
        "ZL200310102344．5",
    ],
)
def test_prefixes_spaces_and_dot_are_accepted_and_normalised(typed):
    assert ids.parse_application_number(typed)["number"] == "200310102344.5"


def test_ten_is_written_x():
    body = next(f"2019{t}{n:07d}" for t in "1" for n in range(1000) if ids.patent_check_char(f"2019{t}{n:07d}") == "X")
    assert ids.parse_application_number(f"{body}.x")["number"] == f"{body}.X"


@pytest.mark.parametrize(
    "digit, kind",
    [("1", "invention"), ("2", "utility_model"), ("3", "design"), ("8", "invention"), ("9", "utility_model")],
)
def test_type_digits(digit, kind):
    assert ids.parse_application_number(ids.make_application_number(2020, digit, 4321))["patent_type"] == kind


def test_old_format_before_october_2003():
    body = "98101234"
    parsed = ids.parse_application_number(f"{body}.{ids.patent_check_char(body)}")
    assert parsed["year"] == 1998 and parsed["patent_type"] == "invention"


@pytest.mark.parametrize(
    "value, code",
    [
        ("2019101234.5", "application_number_format"),
        ("201940123456.0", "application_number_type"),
        ("200310102344.6", "application_number_check"),
        ("209910102344.1", "application_number_year"),
        ("05101234.1", "application_number_year"),  # old format after 2003
    ],
)
def test_bad_numbers_say_why(value, code):
    with pytest.raises(ValidationError) as info:
        ids.parse_application_number(value)
    assert info.value.code == code


@given(st.integers(2004, 2025), st.sampled_from("12389"), st.integers(0, 9_999_999), st.integers(0, 12), st.data())
def test_any_single_digit_change_is_caught(year, digit, serial, position, data):
    number = ids.make_application_number(year, digit, serial)
    body, check = number.split(".")
    text = body + check
    replacement = data.draw(st.sampled_from([c for c in "0123456789X" if c != text[position]]))
    changed = text[:position] + replacement + text[position + 1 :]
    if "X" in changed[:-1]:
        return  # not a digit body at all: caught as a format error below
    with pytest.raises(ValidationError):
        ids.parse_application_number(f"{changed[:-1]}.{changed[-1]}")


@pytest.mark.parametrize("code", ["H01L 21/02", "h01l21/02", "A61K 31/4045", "G06F 17/30", "B65D 1/00"])
def test_valid_ipc(code):
    ids.validate_ipc(code)


@pytest.mark.parametrize("code", ["I01L 21/02", "H1L 21/02", "H01L21", "H01L 21/2", "H01l 21/02x", ""])
def test_invalid_ipc(code):
    with pytest.raises(ValidationError):
        ids.validate_ipc(code)


def test_ipc_list_is_normalised_deduplicated_and_errors_name_every_bad_code():
    assert ids.clean_ipc_codes(["h01l21/02", "H01L 21/02", "G06F 17/30"]) == ["H01L 21/02", "G06F 17/30"]
    with pytest.raises(ValidationError) as info:
        ids.clean_ipc_codes(["X01", "H01L 21/02", "Q9"])
    assert "X01" in info.value.messages[0] and "Q9" in info.value.messages[0]


@pytest.mark.parametrize(
    "kind, filed, expiry",
    [
        ("invention", date(2010, 5, 20), date(2030, 5, 20)),
        ("utility_model", date(2010, 5, 20), date(2020, 5, 20)),
        ("design", date(2021, 5, 31), date(2031, 5, 31)),
        ("design", date(2021, 6, 1), date(2036, 6, 1)),
        ("invention", date(2004, 2, 29), date(2024, 2, 29)),
        ("utility_model", date(2004, 2, 29), date(2014, 2, 28)),
    ],
)
def test_terms(kind, filed, expiry):
    assert ids.patent_expiry(kind, filed) == expiry


def test_trademark_numbers_and_nice_classes():
    assert ids.normalise_trademark_number("第 12345678 号") == "12345678"
    ids.validate_trademark_number("第12345678号")
    with pytest.raises(ValidationError):
        ids.validate_trademark_number("12A45")
    ids.validate_nice_classes([1, 34, 35, 45])
    for bad in ([], [0], [46], ["9"], [True]):
        with pytest.raises(ValidationError):
            ids.validate_nice_classes(bad)
