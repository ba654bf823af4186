import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yakusho.core.japanese.wareki import (
    GREGORIAN_ADOPTED,
    WarekiError,
    format_wareki,
    parse_date,
    to_wareki,
    wareki_to_date,
)


@pytest.mark.parametrize(
    ("date", "text"),
    [
        (dt.date(2019, 4, 30), "平成31年4月30日"),
        (dt.date(2019, 5, 1), "令和元年5月1日"),
        (dt.date(2020, 1, 1), "令和2年1月1日"),
        (dt.date(1989, 1, 7), "昭和64年1月7日"),
        (dt.date(1989, 1, 8), "平成元年1月8日"),
        (dt.date(1926, 12, 24), "大正15年12月24日"),
        (dt.date(1926, 12, 25), "昭和元年12月25日"),
        (dt.date(1912, 7, 29), "明治45年7月29日"),
        (dt.date(1912, 7, 30), "大正元年7月30日"),
        (dt.date(1873, 1, 1), "明治6年1月1日"),
    ],
)
def test_era_boundaries_format_and_parse_back(date, text):
    assert format_wareki(date) == text
    assert parse_date(text) == date


@pytest.mark.parametrize(
    "text",
    [
        "令和6年11月26日",
        "令和６年１１月２６日",
        "令和 6 年 11 月 26 日",
        "R6.11.26",
        "r06/11/26",
        "Ｒ６．１１．２６",
        "R6-11-26",
        "2024-11-26",
        "2024/11/26",
        "２０２４年１１月２６日",
        " 2024年11月26日 ",
    ],
)
def test_the_ways_residents_write_a_date(text):
    assert parse_date(text) == dt.date(2024, 11, 26)


def test_gannen_and_year_one_are_the_same():
    assert parse_date("令和元年5月1日") == parse_date("令和1年5月1日") == dt.date(2019, 5, 1)


def test_ligature_era_sign_is_read():
    assert parse_date("㍻31年4月30日") == dt.date(2019, 4, 30)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "unparseable"),
        ("きのう", "unparseable"),
        ("令和0年4月1日", "year_zero"),
        ("平成32年1月1日", "out_of_era"),
        ("平成31年5月1日", "out_of_era"),
        ("令和元年4月30日", "out_of_era"),
        ("昭和64年1月8日", "out_of_era"),
        ("令和6年2月30日", "invalid_date"),
        ("令和5年2月29日", "invalid_date"),
        ("2023-02-29", "invalid_date"),
        ("2024-13-01", "invalid_date"),
        ("明治5年12月2日", "before_calendar"),
        ("1800-01-01", "before_calendar"),
        ("天平3年1月1日", "unknown_era"),
    ],
)
def test_dates_that_do_not_exist_are_refused_with_a_reason(text, code):
    with pytest.raises(WarekiError) as info:
        parse_date(text)
    assert info.value.code == code
    assert str(info.value.message)


def test_leap_day_in_reiwa():
    assert wareki_to_date("令和", 6, 2, 29) == dt.date(2024, 2, 29)


def test_letter_era_names():
    assert wareki_to_date("H", 31, 4, 30) == dt.date(2019, 4, 30)
    with pytest.raises(WarekiError):
        wareki_to_date("X", 1, 1, 1)


@given(st.dates(min_value=GREGORIAN_ADOPTED, max_value=dt.date(2200, 12, 31)))
def test_every_date_round_trips(date):
    assert parse_date(format_wareki(date)) == date
    wareki = to_wareki(date)
    assert wareki_to_date(wareki.era.name, wareki.year, wareki.month, wareki.day) == date


@given(st.text(max_size=40))
def test_arbitrary_text_never_crashes(text):
    with contextlib.suppress(WarekiError):
        parse_date(text)
