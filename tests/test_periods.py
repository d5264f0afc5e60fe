"""Report periods (SPEC section 4 "Periods"): the pure parsing and counting under ``--period``.
The reports that take ``--period`` test it through the command line."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from driverparty.errors import UsageError
from driverparty.periods import Period, parse_period, quarter_of, resolve, units


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2025", date(2025, 1, 1), date(2025, 12, 31), "2025"),
        ("2025Q1", date(2025, 1, 1), date(2025, 3, 31), "2025Q1"),
        ("2025q4", date(2025, 10, 1), date(2025, 12, 31), "2025Q4"),
        ("2024Q1", date(2024, 1, 1), date(2024, 3, 31), "2024Q1"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "2024-02"),
        ("2025-2", date(2025, 2, 1), date(2025, 2, 28), "2025-02"),
        ("2025-12", date(2025, 12, 1), date(2025, 12, 31), "2025-12"),
        (" 2025-11 ", date(2025, 11, 1), date(2025, 11, 30), "2025-11"),
    ],
)
def test_periods_parse_to_their_first_and_last_day(
    text: str, start: date, end: date, label: str
) -> None:
    assert parse_period(text) == Period(start, end, label)


@pytest.mark.parametrize("text", ["", "25", "2025Q5", "2025Q0", "2025-13", "2025-00", "Q4", "x"])
def test_a_period_that_is_no_period_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="must be a year"):
        parse_period(text)


def test_period_membership_and_stock_day() -> None:
    q = parse_period("2025Q4")
    assert date(2025, 10, 1) in q and date(2025, 12, 31) in q
    assert date(2025, 9, 30) not in q and date(2026, 1, 1) not in q
    assert "2025-10-01" not in q  # only dates belong to a period
    assert q.stock_day(date(2026, 6, 30)) == date(2025, 12, 31)
    assert q.stock_day(date(2025, 11, 15)) == date(2025, 11, 15)


def test_resolve_since_until_and_refusals() -> None:
    as_of = date(2026, 6, 30)
    assert resolve(None, None, None, as_of) is None
    p = resolve(None, date(2026, 1, 1), None, as_of)
    assert p == Period(date(2026, 1, 1), as_of, "2026-01-01..2026-06-30")
    p = resolve(None, None, date(2025, 12, 31), as_of)
    assert p is not None and p.start is None and date(1990, 1, 1) in p
    with pytest.raises(UsageError, match="cannot be combined"):
        resolve("2025", date(2025, 1, 1), None, as_of)
    with pytest.raises(UsageError, match="is after"):
        resolve(None, date(2026, 2, 1), date(2026, 1, 1), as_of)
    empty = resolve(None, date(2027, 1, 1), None, as_of)  # nothing happened there yet
    assert empty is not None and as_of not in empty and date(2027, 1, 1) not in empty


def test_units_cover_the_span_with_whole_calendar_units() -> None:
    assert list(units(date(2025, 11, 15), date(2026, 2, 1), "month")) == [
        (date(2025, 11, 1), date(2025, 11, 30)),
        (date(2025, 12, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2026, 2, 28)),
    ]
    assert list(units(date(2025, 5, 20), date(2025, 12, 31), "quarter")) == [
        (date(2025, 4, 1), date(2025, 6, 30)),
        (date(2025, 7, 1), date(2025, 9, 30)),
        (date(2025, 10, 1), date(2025, 12, 31)),
    ]
    assert list(units(date(2025, 3, 1), date(2026, 1, 1), "year")) == [
        (date(2025, 1, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2026, 12, 31)),
    ]
    assert list(units(date(2025, 3, 1), date(2025, 2, 1), "month")) == []
    with pytest.raises(ValueError):
        list(units(date(2025, 1, 1), date(2025, 2, 1), "week"))


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_every_day_is_in_exactly_its_quarter_and_month(day: date) -> None:
    q = quarter_of(day)
    assert day in q
    assert q.start is not None and (q.end - q.start).days in range(89, 92)
    assert q.end + timedelta(days=1) not in q
    months = list(units(day, day, "month"))
    assert len(months) == 1 and months[0][0] <= day <= months[0][1]
