"""The unified social credit code validator (GB 32100-2015). Pure: no services."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from ipmarket.accounts.validators import USCC_ALPHABET, normalise_uscc, uscc_check_char, validate_uscc

REAL_CODES = [
    "91330100799655058B",  # 阿里巴巴（中国）有限公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "914403001922038216",  # 华为技术有限公司
]

first17s = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17)
# Anything a person might type instead: the alphabet, the five excluded letters, and a few others.
replacements = st.sampled_from(USCC_ALPHABET + "IOZSV" + "#-._")


def valid(first17: str) -> str:
    return first17 + uscc_check_char(first17)


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass(code):
    validate_uscc(code)


@given(first17s)
def test_every_generated_valid_code_passes(first17):
    validate_uscc(valid(first17))


@given(first17s, st.integers(min_value=0, max_value=17), replacements)
def test_every_single_character_change_fails(first17, position, replacement):
    code = valid(first17)
    if replacement == code[position]:
        replacement = USCC_ALPHABET[(USCC_ALPHABET.index(replacement) + 1) % len(USCC_ALPHABET)]
    changed = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(ValidationError):
        validate_uscc(changed)


def test_check_of_31_is_written_zero():
    # Σ ≡ 0 (mod 31) gives 31 − 0 = 31, written "0".
    assert uscc_check_char("0" * 17) == "0"


@pytest.mark.parametrize(
    "value, code",
    [
        ("1" * 17, "uscc_length"),
        ("91330100799655058B1", "uscc_length"),
        ("91330100799655O58B", "uscc_characters"),
        ("91330100799655058C", "uscc_check"),
    ],
)
def test_errors_say_what_is_wrong(value, code):
    with pytest.raises(ValidationError) as info:
        validate_uscc(value)
    assert info.value.code == code
    assert str(info.value.messages[0])


def test_input_is_normalised():
    assert normalise_uscc(" 91330100-7996 55058b ") == "91330100799655058B"
    validate_uscc("91330100799655058b")
