"""Validators for identifiers the city uses."""

from __future__ import annotations

import re

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
