"""Business days of a Japanese city office: no weekends, no national holidays, and the year-end
closure (年末年始, 12/29–1/3 unless the city sets another range).

標準処理期間 are counted in business days from the day after receipt (初日不算入), so
`add_business_days(received, 5)` is the fifth business day after the day of receipt.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import jpholiday
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_RANGE = re.compile(r"^(\d{2})-(\d{2})\.\.(\d{2})-(\d{2})$")


@lru_cache(maxsize=8)
def _closure_days(spec: str) -> frozenset[tuple[int, int]]:
    """「12-29..01-03」 → {(12,29),(12,30),(12,31),(1,1),(1,2),(1,3)}; "" → no closure."""
    if not spec:
        return frozenset()
    match = _RANGE.match(spec.strip())
    if not match:
        raise ImproperlyConfigured(
            f"YAKUSHO_YEAR_END_CLOSURE must look like 12-29..01-03, not {spec!r}."
        )
    sm, sd, em, ed = (int(part) for part in match.groups())
    try:
        # A leap year, so 02-29 is a valid bound.
        start, end = dt.date(2000, sm, sd), dt.date(2000, em, ed)
    except ValueError:
        raise ImproperlyConfigured(
            f"YAKUSHO_YEAR_END_CLOSURE has an invalid date: {spec!r}."
        ) from None
    if end < start:  # wraps over the new year
        end = dt.date(2001, em, ed)
    days = set()
    day = start
    while day <= end:
        days.add((day.month, day.day))
        day += dt.timedelta(days=1)
    return frozenset(days)


def is_closed_for_year_end(day: dt.date) -> bool:
    return (day.month, day.day) in _closure_days(settings.YEAR_END_CLOSURE)


def is_business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and not jpholiday.is_holiday(day) and not is_closed_for_year_end(day)


def add_business_days(start: dt.date, days: int) -> dt.date:
    """The `days`-th business day after `start` (start itself not counted). 0 → start."""
    if days < 0:
        raise ValueError("days must not be negative")
    return _business_day_after(start, days, settings.YEAR_END_CLOSURE)


@lru_cache(maxsize=4096)
def _business_day_after(start: dt.date, days: int, closure: str) -> dt.date:
    """Kept: every send counts its deadline, mostly from the same few days (`closure` is in
    the key so that a changed setting counts afresh)."""
    day = start
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if is_business_day(day):
            remaining -= 1
    return day


def business_days_between(start: dt.date, end: dt.date) -> int:
    """Business days after `start` up to and including `end` (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_business_day(day):
            count += 1
    return count


def next_business_day(day: dt.date) -> dt.date:
    """`day` itself if the office is open, else the next day it is."""
    while not is_business_day(day):
        day += dt.timedelta(days=1)
    return day
