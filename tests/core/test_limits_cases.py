"""ipmarket.core.limits: text_limit and as_id (what an id in a JSON body or a URL may be). Pure: no services."""

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from ipmarket.core.limits import ID_DIGITS, MAX_ID, NOTE, as_id, text_limit


def test_text_limit_gives_the_forms_their_length_and_full_clean_its_validator():
    kwargs = text_limit(NOTE)
    assert set(kwargs) == {"max_length", "validators"}
    assert kwargs["max_length"] == 2_000
    [validator] = kwargs["validators"]
    assert isinstance(validator, MaxLengthValidator)
    validator("x" * 2_000)
    with pytest.raises(ValidationError):
        validator("x" * 2_001)


def test_the_id_bounds():
    assert MAX_ID == 9_223_372_036_854_775_807
    assert ID_DIGITS == 18


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, 1),
        (42, 42),
        (MAX_ID, MAX_ID),
        ("1", 1),
        ("007", 7),
        ("9" * 18, int("9" * 18)),  # any 18 digits fit a bigint
    ],
)
def test_ids(value, expected):
    result = as_id(value)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize(
    "value",
    [
        0,
        -1,
        MAX_ID + 1,
        True,  # Python reads it as 1
        False,
        1.0,
        1.5,
        None,
        "",
        "0",
        "-1",
        "1.5",
        " 1",
        "1e3",
        "1" * 19,  # 19 digits: may not fit, refused without converting
        str(MAX_ID),
        "²",  # a digit to str.isdigit, not to int()
        "١٢",  # Arabic-Indic digits: int() would read them, the database must not get them
        [1],
    ],
)
def test_not_ids(value):
    assert as_id(value) is None
