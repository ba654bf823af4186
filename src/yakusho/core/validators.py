"""Validators for identifiers the city uses."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def local_government_code_check_digit(first_five: str) -> int:
    """The check digit of a 全国地方公共団体コード (総務省): weights 6,5,4,3,2, modulus 11."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_five, (6, 5, 4, 3, 2), strict=True)
    )
    return (11 - total % 11) % 10


def validate_local_government_code(value: str) -> None:
    """A six-digit 全国地方公共団体コード whose last digit checks (秦野市: 142115)."""
    if not re.fullmatch(r"[0-9]{6}", value or ""):
        raise ValidationError(
            _("全国地方公共団体コードは6桁の数字です（例：142115）。"), code="format"
        )
    if local_government_code_check_digit(value[:5]) != int(value[5]):
        raise ValidationError(
            _("全国地方公共団体コードの検査数字が合いません。番号を確かめてください。"),
            code="check_digit",
        )


_NUMBER_IN_TEXT = re.compile(r"(?<![0-9])([0-9]{4})[ \-]?([0-9]{4})[ \-]?([0-9]{4})(?![0-9])")


def individual_number_check_digit(first_eleven: str) -> int:
    """The check digit of a 個人番号 (マイナンバー), per the 行政手続番号法 施行令 formula."""
    digits = [int(d) for d in reversed(first_eleven)]  # P1 is the rightmost of the eleven
    total = sum(p * (n + 1 if n <= 6 else n - 5) for n, p in enumerate(digits, start=1))
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def contains_individual_number(text: str) -> bool:
    """True when `text` holds a 12-digit number whose last digit checks as a マイナンバー's,
    written with full-width digits, spaces or hyphens or not."""
    cleaned = unicodedata.normalize("NFKC", text or "").replace("‐", "-").replace("−", "-")
    for match in _NUMBER_IN_TEXT.finditer(cleaned):
        number = "".join(match.groups())
        if individual_number_check_digit(number[:11]) == int(number[11]):
            return True
    return False


def validate_no_individual_number(value: str) -> None:
    """yakusho never stores a マイナンバー; free text that contains one is refused."""
    if contains_individual_number(value):
        raise ValidationError(
            _(
                "マイナンバー（個人番号）と思われる12桁の番号が含まれています。"
                "この窓口ではマイナンバーを受け付けていません。番号を消してから送ってください。"
            ),
            code="individual_number",
        )
