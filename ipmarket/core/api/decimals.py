"""Patterns for decimal strings that say what DRF's DecimalField (and our MoneyField) accept.

drf-spectacular documents a decimal as `^-?\\d{0,14}(?:\\.\\d{0,2})?$`: that admits "" and "-5" for an amount
that must be at least 0.01. Here the sign, the number of whole digits and a floor of 0 or of one unit in the
last place (0.01, 0.00001) become part of the pattern, so schema-valid means valid.
"""

from decimal import Decimal


def _fraction_with_a_non_zero_digit(places: int) -> str:
    """`.d…` with at most `places` digits, one of them not 0: `\\.(?:[1-9][0-9]{0,1}|0[1-9])` for two places."""
    options = [f"0{{{zeros}}}[1-9][0-9]{{0,{places - zeros - 1}}}" for zeros in range(places)]
    return rf"\.(?:{'|'.join(options)})"


def _whole_digits(maximum: Decimal | None, max_digits: int | None, places: int) -> tuple[int, str] | None:
    """How many whole digits, and an extra alternative for a maximum of exactly 10**m (e.g. 1)."""
    if maximum is None:
        return (max_digits - places if max_digits is not None else 30), ""
    unit = Decimal(1).scaleb(-places)
    for digits in range(0, 31):
        if maximum == Decimal(10) ** digits - unit:  # 0.99999, 999999999999.99: all nines
            return digits, ""
        if maximum == Decimal(10) ** digits:  # 1, 100: all nines, or exactly the maximum
            return digits, rf"|0*1{'0' * digits}(?:\.0{{0,{places}}})?"
    return None


def decimal_pattern(*, min_value, max_value, max_digits, decimal_places) -> str | None:
    """The pattern, or None when the bounds are not of a form written here (then keep drf-spectacular's)."""
    places = decimal_places or 0
    whole = _whole_digits(Decimal(max_value) if max_value is not None else None, max_digits, places)
    if whole is None or places == 0:
        return None
    digits, at_maximum = whole
    fraction = rf"(?:\.[0-9]{{0,{places}}})?"
    lower = Decimal(min_value) if min_value is not None else None
    if lower is None or lower < 0:
        if max_value is not None:
            return None  # a signed range with a maximum: not needed yet
        integer = rf"0*[0-9]{{1,{digits}}}" if digits else "0+"
        return rf"^-?(?:{integer}{fraction}|\.[0-9]{{1,{places}}})$"
    if lower == 0:
        integer = rf"0*[0-9]{{1,{digits}}}" if digits else "0+"
        negative_zero = rf"-(?:0+(?:\.0{{0,{places}}})?|\.0{{1,{places}}})"  # "-0" is 0, which is allowed
        return rf"^(?:{integer}{fraction}|\.[0-9]{{1,{places}}}|{negative_zero}{at_maximum})$"
    if lower == Decimal(1).scaleb(-places):  # at least one unit in the last place: not zero
        non_zero_whole = rf"0*[1-9][0-9]{{0,{digits - 1}}}{fraction}|" if digits else ""
        return rf"^(?:{non_zero_whole}0*{_fraction_with_a_non_zero_digit(places)}{at_maximum})$"
    return None
