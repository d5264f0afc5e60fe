"""Working days (SPEC section 2, "Working days"; issue 21): the pure clock, checked day by day
against the State Council's notices for the National Day week of 2025 and the Spring Festival
of 2026, with the county's own corrections and a year no table covers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from driverparty.workdays import Clock


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


# the State Council's holidays of 2025: 国庆节、中秋节 10月1日至8日放假调休，共8天；
# 9月28日（周日）、10月11日（周六）上班
NATIONAL_DAY_2025 = {
    date(2025, 9, 26): True,  # Friday
    date(2025, 9, 27): False,  # Saturday
    date(2025, 9, 28): True,  # Sunday, a make-up working day
    date(2025, 9, 29): True,
    date(2025, 9, 30): True,
    **{date(2025, 10, d): False for d in range(1, 9)},  # 1–8 October off
    date(2025, 10, 9): True,
    date(2025, 10, 10): True,
    date(2025, 10, 11): True,  # Saturday, a make-up working day
    date(2025, 10, 12): False,  # Sunday
    date(2025, 10, 13): True,
}
# the State Council's holidays of 2026: 春节 2月15日至23日放假调休，共9天；
# 2月14日（周六）、2月28日（周六）上班
SPRING_FESTIVAL_2026 = {
    date(2026, 2, 12): True,
    date(2026, 2, 13): True,
    date(2026, 2, 14): True,  # Saturday, a make-up working day
    **{date(2026, 2, d): False for d in range(15, 24)},  # 15–23 February off
    date(2026, 2, 24): True,
    date(2026, 2, 25): True,
    date(2026, 2, 26): True,
    date(2026, 2, 27): True,
    date(2026, 2, 28): True,  # Saturday, a make-up working day
    date(2026, 3, 1): False,  # Sunday
    date(2026, 3, 2): True,
}


@pytest.mark.parametrize("table", [NATIONAL_DAY_2025, SPRING_FESTIVAL_2026])
def test_the_holiday_weeks_day_by_day(table: dict[date, bool]) -> None:
    clock = Clock("workday")
    first, last = min(table), max(table)
    assert sorted(table) == days(first, last)  # every day of the span is checked
    assert {d: clock.is_workday(d) for d in table} == table
    assert clock.missing == set()


def test_a_limit_ends_on_the_nth_working_day_after_the_start() -> None:
    clock = Clock("workday")
    # received Tuesday 30 September 2025, one working day to respond: Thursday 9 October
    assert clock.add(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert clock.add(date(2025, 9, 30), 3) == date(2025, 10, 11)  # 9, 10, and Saturday 11
    assert clock.add(date(2025, 9, 26), 1) == date(2025, 9, 28)  # Sunday 28 is worked
    assert clock.add(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert clock.add(date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert clock.add(date(2026, 2, 14), 5) == date(2026, 2, 28)
    assert clock.add(date(2025, 10, 3), 0) == date(2025, 10, 3)  # no time at all: the day
    assert Clock("day").add(date(2025, 9, 30), 1) == date(2025, 10, 1)
    with pytest.raises(ValueError):
        clock.add(date(2025, 9, 30), -1)


def test_the_county_corrects_the_tables() -> None:
    clock = Clock(
        "workday",
        holidays=[date(2025, 10, 9)],  # a local day off
        workdays=[date(2025, 10, 12)],  # a Sunday worked
    )
    assert not clock.is_workday(date(2025, 10, 9))
    assert clock.is_workday(date(2025, 10, 12))
    assert clock.add(date(2025, 9, 30), 1) == date(2025, 10, 10)
    assert clock.add(date(2025, 10, 10), 2) == date(2025, 10, 12)


def test_a_year_no_table_covers_counts_monday_to_friday_and_says_so() -> None:
    clock = Clock("workday")
    assert clock.note() is None
    assert clock.add(date(2026, 12, 30), 3) == date(2027, 1, 4)  # 31 Dec, Fri 1 Jan, Mon 4 Jan
    assert clock.missing == {2027}
    assert clock.note() == "no holiday table for 2027; counting Monday to Friday"
    assert not clock.is_workday(date(2027, 1, 9))  # a Saturday
    assert Clock("day").note() is None


def test_an_unknown_unit_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown unit"):
        Clock("hour")
