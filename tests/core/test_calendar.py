import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from yakusho.core.japanese.calendar import (
    add_business_days,
    business_days_between,
    is_business_day,
    next_business_day,
)


def test_weekends_and_holidays_are_not_business_days():
    assert is_business_day(dt.date(2026, 11, 26))  # Thursday
    assert not is_business_day(dt.date(2026, 11, 28))  # Saturday
    assert not is_business_day(dt.date(2026, 11, 23))  # 勤労感謝の日
    assert not is_business_day(dt.date(2026, 5, 6))  # 振替休日


@pytest.mark.parametrize(
    "day", [dt.date(2026, 12, 29), dt.date(2026, 12, 31), dt.date(2027, 1, 2), dt.date(2027, 1, 3)]
)
def test_year_end_closure(day):
    assert not is_business_day(day)


def test_counting_starts_the_day_after_receipt():
    # Received Friday 2026-11-20: Mon 23rd is a holiday, so the 1st business day is Tue 24th.
    assert add_business_days(dt.date(2026, 11, 20), 1) == dt.date(2026, 11, 24)
    assert add_business_days(dt.date(2026, 11, 20), 0) == dt.date(2026, 11, 20)


def test_deadline_runs_over_the_new_year():
    # Received Fri 2026-12-25: 28th (Mon) is open, then closed 29th to 3rd; Mon 4th is open.
    assert add_business_days(dt.date(2026, 12, 25), 2) == dt.date(2027, 1, 4)


def test_business_days_between_agrees_with_add():
    start = dt.date(2026, 4, 24)
    for days in range(0, 40):
        assert business_days_between(start, add_business_days(start, days)) == days


def test_next_business_day():
    assert next_business_day(dt.date(2026, 12, 30)) == dt.date(2027, 1, 4)
    assert next_business_day(dt.date(2026, 11, 26)) == dt.date(2026, 11, 26)


def test_negative_days_refused():
    with pytest.raises(ValueError, match="negative"):
        add_business_days(dt.date(2026, 1, 5), -1)


def test_city_sets_its_own_closure(settings):
    received = dt.date(2026, 12, 25)
    assert add_business_days(received, 2) == dt.date(2027, 1, 4)  # 12-28, then 01-04
    settings.YEAR_END_CLOSURE = "12-28..01-04"
    assert not is_business_day(dt.date(2026, 12, 28))
    assert not is_business_day(dt.date(2027, 1, 4))
    assert add_business_days(received, 2) == dt.date(2027, 1, 6)
    settings.YEAR_END_CLOSURE = ""
    assert is_business_day(dt.date(2026, 12, 29))
    assert add_business_days(received, 2) == dt.date(2026, 12, 29)


@pytest.mark.parametrize("spec", ["12/29-1/3", "13-01..01-03", "12-29"])
def test_bad_closure_setting_is_named(settings, spec):
    settings.YEAR_END_CLOSURE = spec
    with pytest.raises(ImproperlyConfigured, match="YAKUSHO_YEAR_END_CLOSURE"):
        is_business_day(dt.date(2026, 12, 29))
