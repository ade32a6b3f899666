"""ipmarket.accounts.validators: what each USCC refusal says, and the check character's own input rule.
Pure: no services."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from ipmarket.accounts.validators import USCC_ALPHABET, normalise_uscc, uscc_check_char, validate_uscc

ALIBABA = "91330100799655058B"


def refusal(value) -> tuple[ValidationError, list[str]]:
    with translation.override("en"), pytest.raises(ValidationError) as info:
        validate_uscc(value)
    with translation.override("en"):
        return info.value, info.value.messages


@pytest.mark.parametrize("first", ["9133010079965505", ALIBABA, "", "0" * 16, "0" * 18])
def test_the_check_character_is_computed_from_exactly_17_characters(first):
    with pytest.raises(ValueError):
        uscc_check_char(first)


@pytest.mark.parametrize(
    ("first17", "check"),
    [
        ("91330100799655058", "B"),
        ("91440300708461136", "T"),
        ("91440300192203821", "6"),
        ("10000000000000000", "Y"),  # 1 × 1 = 1: 31 − 1 = 30, the last symbol
        ("00000000000000001", "3"),  # weight 28: 31 − 28 = 3
        ("Y0000000000000000", "1"),  # Y is 30: 31 − 30 = 1
    ],
)
def test_check_characters(first17, check):
    assert uscc_check_char(first17) == check
    # GB 32100-2015: the weight of position i is 3^i mod 31, and the check value is 31 − (Σ mod 31), 31 → 0.
    total = sum(USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    assert USCC_ALPHABET.index(check) == (31 - total % 31) % 31


@pytest.mark.parametrize(("value", "n"), [("9133010079965505", 16), (ALIBABA + "1", 19), ("", 0)])
def test_length_refusal_says_how_long_it_is(value, n):
    error, messages = refusal(value)
    assert error.code == "uscc_length"
    assert error.params == {"n": n}
    assert messages == [f"A unified social credit code has 18 characters; this one has {n}."]


def test_character_refusal_names_each_bad_character_once_in_order():
    error, messages = refusal("91330100799655O5IB")
    assert error.code == "uscc_characters"
    assert error.params == {"chars": "I O"}
    assert messages == ["A unified social credit code uses digits and capital letters except I, O, Z, S, V; found I O."]
    error, messages = refusal("9133010079965505OO")
    assert error.params == {"chars": "O"}


def test_check_refusal():
    error, messages = refusal("91330100799655058C")
    assert error.code == "uscc_check"
    assert messages == [
        "This unified social credit code fails its check character: please look for a mistyped character."
    ]


def test_normalise_uscc():
    assert normalise_uscc("9133 0100-7996\t55058b\n") == ALIBABA
    assert validate_uscc(" 9133-0100-7996-5505-8b ") is None
