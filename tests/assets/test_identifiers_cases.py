"""ipmarket.assets.identifiers: the edges of the rules (years, formats, lengths) and what each refusal says.
Pure: no services."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from ipmarket.assets import identifiers as ids


def refusal(check, value) -> ValidationError:
    """The ValidationError `check(value)` raises, with its messages rendered in English."""
    with translation.override("en"), pytest.raises(ValidationError) as info:
        check(value)
    error = info.value
    with translation.override("en"):
        error.rendered = error.messages
    return error


def old(year2: int, type_digit: str = "1", serial: int = 1234) -> str:
    body = f"{year2:02d}{type_digit}{serial:05d}"
    return f"{body}.{ids.patent_check_char(body)}"


# --------------------------------------------------------------------------- check character


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("200310102344", "5"),  # the standard's example: Σ = 82, 82 mod 11 = 5
        ("000000000000", "0"),
        ("100000000000", "2"),  # the first weight is 2
        ("010000000000", "3"),
        ("000000010000", "9"),  # the eighth weight is 9
        ("000000001000", "2"),  # then the weights start again at 2
        ("500000000000", "X"),  # 5 × 2 = 10: written X
        ("600000000000", "1"),  # 12 mod 11
        ("98101234", "5"),  # an old 8-digit body: 9·2+8·3+1·4+0·5+1·6+2·7+3·8+4·9 = 126, 126 mod 11 = 5
    ],
)
def test_check_character(body, check):
    expected = sum(int(d) * (2 + i % 8) for i, d in enumerate(body)) % 11
    assert check == ("X" if expected == 10 else str(expected))
    assert ids.patent_check_char(body) == check


def test_make_application_number():
    assert ids.make_application_number(2003, "1", 102344) == "200310102344.5"
    assert ids.make_application_number(2019, "2", 7) == "201920000007." + ids.patent_check_char("201920000007")


# --------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("2003101023445", "200310102344.5"),  # 13 characters without a dot: the last one is the check
        ("981012345", "98101234.5"),  # 9 characters without a dot (before October 2003)
        ("cn 98101234.5", "98101234.5"),
        ("200310102344", "200310102344"),  # 12 characters: no dot is guessed
        ("9810123", "9810123"),
        ("2003101023.45", "2003101023.45"),  # 13 characters with a dot: left alone (and then refused)
        ("98101.234", "98101.234"),  # 9 with a dot
        ("CN", ""),
        ("20031010234x", "20031010234X"),
    ],
)
def test_normalise_application_number(typed, normalised):
    assert ids.normalise_application_number(typed) == normalised


def test_a_number_with_a_misplaced_dot_is_a_format_error():
    assert refusal(ids.parse_application_number, "2003101023.45").code == "application_number_format"


# --------------------------------------------------------------------------- parsing


def test_parse_gives_number_year_type_digit_and_patent_type():
    assert ids.parse_application_number("ZL 2003 1 0102344.5") == {
        "number": "200310102344.5",
        "year": 2003,
        "type_digit": "1",
        "patent_type": "invention",
    }
    number = ids.make_application_number(2021, "3", 99)
    assert ids.parse_application_number(number) == {
        "number": number,
        "year": 2021,
        "type_digit": "3",
        "patent_type": "design",
    }


@pytest.mark.parametrize(
    ("year2", "year"),
    [
        (85, 1985),  # the first year of the Chinese patent law
        (86, 1986),
        (99, 1999),
        (0, 2000),
        (1, 2001),
        (3, 2003),  # the old format ran until October 2003
    ],
)
def test_old_format_years(year2, year):
    assert ids.parse_application_number(old(year2))["year"] == year


@pytest.mark.parametrize("year2", [84, 4, 5, 50])
def test_old_format_years_that_cannot_be(year2):
    error = refusal(ids.parse_application_number, old(year2))
    assert error.code == "application_number_year"


def test_new_format_year_bounds():
    next_year = date.today().year + 1
    assert ids.parse_application_number(ids.make_application_number(1985, "1", 1))["year"] == 1985
    assert ids.parse_application_number(ids.make_application_number(next_year, "1", 1))["year"] == next_year
    for year in (1984, next_year + 1):
        error = refusal(ids.parse_application_number, ids.make_application_number(year, "1", 1))
        assert error.code == "application_number_year"
        assert error.params == {"year": year}
        assert error.rendered == [f"The year {year} in this application number is not possible."]


def test_format_refusal_names_what_was_typed():
    error = refusal(ids.parse_application_number, " 2019 101234.5")
    assert error.code == "application_number_format"
    assert error.params == {"value": " 2019 101234.5"}
    assert error.rendered == [
        "An application number looks like 2019 1 0123456.7 (since October 2003) "
        "or 98 1 01234.5 (before); got  2019 101234.5."
    ]


def test_year_refusal_of_an_old_number_gives_the_full_year():
    error = refusal(ids.parse_application_number, old(5))
    assert error.params == {"year": 2005}
    assert error.rendered == ["The year 2005 in this application number is not possible."]


@pytest.mark.parametrize("digit", ["0", "4", "5", "6", "7"])
def test_type_refusal(digit):
    body = f"2019{digit}0123456"
    error = refusal(ids.parse_application_number, f"{body}.{ids.patent_check_char(body)}")
    assert error.code == "application_number_type"
    assert error.params == {"digit": digit}
    assert error.rendered == [f"The type digit {digit} is not one of 1, 2, 3, 8 or 9."]


def test_check_refusal():
    error = refusal(ids.parse_application_number, "CN200310102344.6")
    assert error.code == "application_number_check"
    assert error.params == {"value": "CN200310102344.6"}
    assert error.rendered == [
        "The check character of application number CN200310102344.6 is wrong: please look for a mistyped digit."
    ]


def test_validate_application_number():
    assert ids.validate_application_number("200310102344.5") is None
    assert refusal(ids.validate_application_number, "200310102344.6").code == "application_number_check"


# --------------------------------------------------------------------------- IPC codes


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("h01l21/02", "H01L 21/02"),
        ("H01L 21 / 02", "H01L 21/02"),
        ("h01l", "H01L"),  # four characters: nothing to split
        ("h01l2", "H01L 2"),  # five: the first that is split
        ("h01", "H01"),
        ("", ""),
    ],
)
def test_normalise_ipc(typed, normalised):
    assert ids.normalise_ipc(typed) == normalised


def test_ipc_refusal():
    error = refusal(ids.validate_ipc, "H01L21")
    assert error.code == "ipc_format"
    assert error.params == {"value": "H01L21"}
    assert error.rendered == [
        "H01L21 is not an IPC code such as H01L 21/02 (section A–H, class, subclass, group/subgroup)."
    ]


def test_validate_ipc_accepts_a_code():
    assert ids.validate_ipc("h01l 21/02") is None


@pytest.mark.parametrize("codes", ["H01L 21/02", {"H01L 21/02"}, None, 5, {"a": "H01L 21/02"}])
def test_ipc_codes_must_be_a_list(codes):
    error = refusal(ids.clean_ipc_codes, codes)
    assert error.code == "ipc_list"
    assert error.rendered == ["Give IPC codes as a list."]


def test_ipc_codes_as_a_tuple_are_accepted():
    assert ids.clean_ipc_codes(("g06f17/30", "G06F 17/30")) == ["G06F 17/30"]
    assert ids.clean_ipc_codes([]) == []


def test_ipc_list_refusal_names_every_bad_code_in_order():
    error = refusal(ids.clean_ipc_codes, ["X01", "H01L 21/02", "Q9", "h01l 2"])
    assert error.code == "ipc_format"
    assert error.params == {"bad": "X01, Q9, h01l 2"}
    assert error.rendered == ["Not IPC codes (expected the form H01L 21/02): X01, Q9, h01l 2."]


# --------------------------------------------------------------------------- trademarks


@pytest.mark.parametrize("number", ["1", "123456789", "第 123456789 号", " 12 34 "])
def test_trademark_numbers(number):
    assert ids.validate_trademark_number(number) is None


@pytest.mark.parametrize("number", ["", "第号", "1234567890", "12A45", "12-45"])
def test_trademark_number_refusal(number):
    error = refusal(ids.validate_trademark_number, number)
    assert error.code == "trademark_number_format"
    assert error.params == {"value": number}
    assert error.rendered == [f"A trademark registration number has up to 9 digits; got {number}."]


def test_normalise_trademark_number_removes_only_spaces_and_the_characters_around_it():
    assert ids.normalise_trademark_number("第 1 2 号") == "12"
    assert ids.normalise_trademark_number("No. 12") == "No.12"


@pytest.mark.parametrize("classes", [[1], [45], [1, 45], (9, 35), range(1, 46)])
def test_nice_classes(classes):
    assert ids.validate_nice_classes(classes) is None


@pytest.mark.parametrize("classes", [[], (), None])
def test_no_nice_class(classes):
    error = refusal(ids.validate_nice_classes, classes)
    assert error.code == "nice_classes_empty"
    assert error.rendered == ["Give at least one Nice class."]


def test_nice_class_refusal_names_every_bad_class():
    error = refusal(ids.validate_nice_classes, [0, 9, 46, "9", True, 2.0, -1])
    assert error.code == "nice_classes_range"
    assert error.params == {"bad": "0, 46, 9, True, 2.0, -1"}
    assert error.rendered == ["Nice classes are whole numbers from 1 to 45; got 0, 46, 9, True, 2.0, -1."]


# --------------------------------------------------------------------------- terms


@pytest.mark.parametrize(
    ("kind", "filed", "years"),
    [
        ("invention", date(2022, 1, 1), 20),
        ("utility_model", date(2022, 1, 1), 10),
        ("design", date(2021, 5, 31), 10),  # the day before the 2021 amendment
        ("design", date(2021, 6, 1), 15),
    ],
)
def test_patent_term_years(kind, filed, years):
    assert ids.patent_term_years(kind, filed) == years
