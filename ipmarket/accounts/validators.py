"""Unified social credit code (统一社会信用代码, GB 32100-2015)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 symbols: no I, O, Z, S, V
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}


def uscc_check_char(first17: str) -> str:
    """The 18th character for the first 17: 31 − (Σ value×weight mod 31), 31 → 0."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    check = 31 - total % 31
    return USCC_ALPHABET[0 if check == 31 else check]


def normalise_uscc(value: str) -> str:
    """Uppercase, without spaces or hyphens."""
    return "".join(str(value).split()).replace("-", "").upper()


def validate_uscc(value: str) -> None:
    code = normalise_uscc(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            code="uscc_length",
            params={"n": len(code)},
        )
    bad = sorted({ch for ch in code if ch not in _VALUE})
    if bad:
        raise ValidationError(
            _("A unified social credit code uses digits and capital letters except I, O, Z, S, V; found %(chars)s."),
            code="uscc_characters",
            params={"chars": " ".join(bad)},
        )
    if code[17] != uscc_check_char(code[:17]):
        raise ValidationError(
            _("This unified social credit code fails its check character: please look for a mistyped character."),
            code="uscc_check",
        )
