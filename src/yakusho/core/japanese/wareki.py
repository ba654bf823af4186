"""和暦 ⇄ 西暦.

Residents write dates the way official paper taught them: 「令和6年11月26日」, 「R6.11.26」,
「平成元年」, with full-width digits. This module reads all of those, refuses what does not exist
(令和0年, 平成32年, 2月30日) with a reason code a form can translate, and writes dates back in
the 和暦 the city's documents use.

Dates before 1873-01-01 are refused: Japan used the lunisolar calendar until 明治5年, so a
明治5年 date cannot be converted day for day, and no living resident was born then.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    start: dt.date
    end: dt.date | None  # inclusive; None for the current era


ERAS: tuple[Era, ...] = (
    Era("令和", "R", dt.date(2019, 5, 1), None),
    Era("平成", "H", dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    Era("昭和", "S", dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
    Era("大正", "T", dt.date(1912, 7, 30), dt.date(1926, 12, 24)),
    Era("明治", "M", dt.date(1868, 10, 23), dt.date(1912, 7, 29)),
)
GREGORIAN_ADOPTED = dt.date(1873, 1, 1)

_BY_NAME = {era.name: era for era in ERAS}
_BY_LETTER = {era.letter: era for era in ERAS}


class WarekiError(ValueError):
    """A date that cannot be read or does not exist.

    `code` says why for programs, `message` says it for people."""

    MESSAGES = {
        "unparseable": _("日付として読み取れません。例：令和6年4月1日、2024-04-01"),
        "unknown_era": _("元号が正しくありません。令和・平成・昭和・大正・明治のいずれかです。"),
        "year_zero": _("0年はありません。最初の年は「元年」（1年）です。"),
        "out_of_era": _("その元号の期間にない日付です。"),
        "invalid_date": _("存在しない日付です。"),
        "before_calendar": _("明治6年（1873年）より前の日付は扱えません。"),
    }

    def __init__(self, code: str):
        self.code = code
        self.message = self.MESSAGES[code]
        super().__init__(code)


@dataclass(frozen=True)
class WarekiDate:
    era: Era
    year: int
    month: int
    day: int

    def __str__(self) -> str:
        return f"{self.era.name}{year_label(self.year)}{self.month}月{self.day}日"


def year_label(year: int) -> str:
    """「元年」 for the first year of an era, else 「6年」."""
    return "元年" if year == 1 else f"{year}年"


def era_for(date: dt.date) -> Era:
    if date < GREGORIAN_ADOPTED:
        raise WarekiError("before_calendar")
    for era in ERAS:
        if date >= era.start:
            return era
    raise WarekiError("before_calendar")  # pragma: no cover - GREGORIAN_ADOPTED is in 明治


def to_wareki(date: dt.date) -> WarekiDate:
    era = era_for(date)
    return WarekiDate(era, date.year - era.start.year + 1, date.month, date.day)


def format_wareki(date: dt.date) -> str:
    """2019-05-01 → 「令和元年5月1日」."""
    return str(to_wareki(date))


def wareki_year_to_seireki(era_name: str, year: int) -> int:
    era = _BY_NAME.get(era_name) or _BY_LETTER.get(era_name.upper())
    if era is None:
        raise WarekiError("unknown_era")
    if year < 1:
        raise WarekiError("year_zero")
    seireki = era.start.year + year - 1
    if era.end is not None and seireki > era.end.year:
        raise WarekiError("out_of_era")
    return seireki


def wareki_to_date(era_name: str, year: int, month: int, day: int) -> dt.date:
    """(「平成」, 31, 4, 30) → 2019-04-30, refusing dates outside the era."""
    era = _BY_NAME.get(era_name) or _BY_LETTER.get(era_name.upper())
    if era is None:
        raise WarekiError("unknown_era")
    seireki = wareki_year_to_seireki(era.name, year)
    try:
        date = dt.date(seireki, month, day)
    except ValueError:
        raise WarekiError("invalid_date") from None
    if date < GREGORIAN_ADOPTED:
        raise WarekiError("before_calendar")
    if date < era.start or (era.end is not None and date > era.end):
        raise WarekiError("out_of_era")
    return date


_ERA_NAMES = "|".join(era.name for era in ERAS)
# 「令和6年11月26日」「令和 元年 5 月 1 日」「R6.11.26」「H31/4/30」「S64-1-7」
_WAREKI_KANJI = re.compile(
    rf"^(?P<era>{_ERA_NAMES})\s*(?P<year>元|\d{{1,3}})\s*年\s*(?P<month>\d{{1,2}})\s*月"
    rf"\s*(?P<day>\d{{1,2}})\s*日?$"
)
_WAREKI_LETTER = re.compile(
    r"^(?P<era>[RHSTM])\s*(?P<year>\d{1,2})[./\-年](?P<month>\d{1,2})[./\-月](?P<day>\d{1,2})日?$",
    re.IGNORECASE,
)
_SEIREKI = re.compile(
    r"^(?P<year>\d{4})\s*[./\-年]\s*(?P<month>\d{1,2})\s*[./\-月]\s*(?P<day>\d{1,2})\s*日?$"
)
_UNKNOWN_ERA = re.compile(r"^(?P<era>[^\d\s]{1,4})\s*(元|\d{1,3})\s*年")


def _clean(text: str) -> str:
    # NFKC turns full-width digits and letters half-width, and 「㍻」「㋿」 into 平成/令和.
    text = unicodedata.normalize("NFKC", text or "").strip()
    return text.replace("ー", "-").replace("−", "-").replace("‐", "-")


def parse_date(text: str) -> dt.date:
    """Read a 和暦 or 西暦 date typed by a person. Raises WarekiError with the reason."""
    cleaned = _clean(text)
    if not cleaned:
        raise WarekiError("unparseable")
    if match := _WAREKI_KANJI.match(cleaned) or _WAREKI_LETTER.match(cleaned):
        year = 1 if match["year"] == "元" else int(match["year"])
        return wareki_to_date(match["era"], year, int(match["month"]), int(match["day"]))
    if match := _SEIREKI.match(cleaned):
        try:
            date = dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
        except ValueError:
            raise WarekiError("invalid_date") from None
        if date < GREGORIAN_ADOPTED:
            raise WarekiError("before_calendar")
        return date
    if _UNKNOWN_ERA.match(cleaned):
        raise WarekiError("unknown_era")
    raise WarekiError("unparseable")


def fiscal_year_label(year: int, language: str = "ja") -> str:
    """The fiscal year starting in April of `year`: 「令和8年度」 in Japanese, "FY2026" in any
    other language."""
    if not language.startswith("ja"):
        return f"FY{year}"
    wareki = to_wareki(dt.date(year, 4, 1))
    return f"{wareki.era.name}{year_label(wareki.year)}度"
