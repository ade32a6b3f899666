"""Identifiers of Chinese IP: patent application numbers, IPC codes, trademark numbers (docs/market.md).

Pure functions: normalise, then validate. Each raises django's ValidationError
with a code and a readable message.
"""

import re
from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INVENTION = "invention"
UTILITY_MODEL = "utility_model"
DESIGN = "design"

# Type digit → patent type (8 and 9: PCT applications entering China).
TYPE_DIGITS = {"1": INVENTION, "2": UTILITY_MODEL, "3": DESIGN, "8": INVENTION, "9": UTILITY_MODEL}
WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9)  # cycled over the digits
NEW_FORMAT_FROM = date(2003, 10, 1)
DESIGN_15_YEARS_FROM = date(2021, 6, 1)


def patent_check_char(digits: str) -> str:
    """Σ digit × weight (2..9 cycling) mod 11, with 10 written X."""
    total = sum(int(d) * WEIGHTS[i % len(WEIGHTS)] for i, d in enumerate(digits))
    check = total % 11
    return "X" if check == 10 else str(check)


def normalise_application_number(value: str) -> str:
    """`CN 2019 1 0123456.7` / `ZL201910123456.7` → `201910123456.7` (upper-case X, no prefix or spaces)."""
    text = re.sub(r"\s+", "", str(value)).upper()
    for prefix in ("CN", "ZL"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    text = text.replace("．", ".")
    if "." not in text and len(text) in (9, 13):
        text = f"{text[:-1]}.{text[-1]}"
    return text


_NEW = re.compile(r"^(?P<body>(?P<year>\d{4})(?P<type>\d)\d{7})\.(?P<check>[\dX])$")
_OLD = re.compile(r"^(?P<body>(?P<year>\d{2})(?P<type>\d)\d{5})\.(?P<check>[\dX])$")


def parse_application_number(value: str) -> dict:
    """Validate and split a normalised number: {"number", "year", "type_digit", "patent_type"}."""
    number = normalise_application_number(value)
    match = _NEW.match(number) or _OLD.match(number)
    if not match:
        raise ValidationError(
            _(
                "An application number looks like 2019 1 0123456.7 (since October 2003) "
                "or 98 1 01234.5 (before); got %(value)s."
            ),
            code="application_number_format",
            params={"value": value},
        )
    year = int(match["year"])
    old_format = len(match["year"]) == 2
    if old_format:
        year += 1900 if year >= 85 else 2000
    if year < 1985 or year > date.today().year + 1 or (old_format and year > NEW_FORMAT_FROM.year):
        raise ValidationError(
            _("The year %(year)s in this application number is not possible."),
            code="application_number_year",
            params={"year": year},
        )
    if match["type"] not in TYPE_DIGITS:
        raise ValidationError(
            _("The type digit %(digit)s is not one of 1, 2, 3, 8 or 9."),
            code="application_number_type",
            params={"digit": match["type"]},
        )
    if patent_check_char(match["body"]) != match["check"]:
        raise ValidationError(
            _("The check character of application number %(value)s is wrong: please look for a mistyped digit."),
            code="application_number_check",
            params={"value": value},
        )
    return {
        "number": number,
        "year": year,
        "type_digit": match["type"],
        "patent_type": TYPE_DIGITS[match["type"]],
    }


def validate_application_number(value: str) -> None:
    parse_application_number(value)


def make_application_number(year: int, type_digit: str, serial: int) -> str:
    """A valid post-2003 number (demo data and tests)."""
    body = f"{year:04d}{type_digit}{serial:07d}"
    return f"{body}.{patent_check_char(body)}"


IPC_RE = re.compile(r"^[A-H]\d{2}[A-Z]\s?\d{1,4}/\d{2,}$")


def normalise_ipc(value: str) -> str:
    """`h01l21/02` → `H01L 21/02`."""
    text = re.sub(r"\s+", "", str(value)).upper()
    return f"{text[:4]} {text[4:]}" if len(text) > 4 else text


def validate_ipc(value: str) -> None:
    if not IPC_RE.match(normalise_ipc(value)):
        raise ValidationError(
            _("%(value)s is not an IPC code such as H01L 21/02 (section A–H, class, subclass, group/subgroup)."),
            code="ipc_format",
            params={"value": value},
        )


def clean_ipc_codes(codes) -> list[str]:
    """Normalised, de-duplicated codes in the order given; one error listing every bad code."""
    if isinstance(codes, str) or not isinstance(codes, list | tuple):
        raise ValidationError(_("Give IPC codes as a list."), code="ipc_list")
    result, bad = [], []
    for code in codes:
        normalised = normalise_ipc(code)
        if not IPC_RE.match(normalised):
            bad.append(str(code))
        elif normalised not in result:
            result.append(normalised)
    if bad:
        raise ValidationError(
            _("Not IPC codes (expected the form H01L 21/02): %(bad)s."),
            code="ipc_format",
            params={"bad": ", ".join(bad)},
        )
    return result


def patent_term_years(patent_type: str, filing_date: date) -> int:
    if patent_type == INVENTION:
        return 20
    if patent_type == UTILITY_MODEL:
        return 10
    return 15 if filing_date >= DESIGN_15_YEARS_FROM else 10


def patent_expiry(patent_type: str, filing_date: date) -> date:
    """Estimated end of term: the filing date plus the term (term extensions are not counted)."""
    return filing_date + relativedelta(years=patent_term_years(patent_type, filing_date))


def normalise_trademark_number(value: str) -> str:
    """`第 12345678 号` → `12345678`."""
    return re.sub(r"[\s第号]", "", str(value))


def validate_trademark_number(value: str) -> None:
    if not re.fullmatch(r"\d{1,9}", normalise_trademark_number(value)):
        raise ValidationError(
            _("A trademark registration number has up to 9 digits; got %(value)s."),
            code="trademark_number_format",
            params={"value": value},
        )


def validate_nice_classes(classes) -> None:
    if not classes:
        raise ValidationError(_("Give at least one Nice class."), code="nice_classes_empty")
    bad = [c for c in classes if not isinstance(c, int) or isinstance(c, bool) or not 1 <= c <= 45]
    if bad:
        raise ValidationError(
            _("Nice classes are whole numbers from 1 to 45; got %(bad)s."),
            code="nice_classes_range",
            params={"bad": ", ".join(map(str, bad))},
        )
