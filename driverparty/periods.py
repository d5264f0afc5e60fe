"""Report periods (SPEC section 4 "Reports", "Periods"): ``2025`` (a year), ``2025Q4`` (a
quarter), ``2025-11`` (a month), or ``--since DATE --until DATE``.

A period bounds the *flow* figures (what happened inside it: petitions by ``received``,
activities by ``date``, recruitment by the stage dates); *stock* figures (how many members,
branches, stations there are) are taken as of its end, or as of today when the period ends
later. Pure functions of their arguments. Imports driverparty.errors only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from driverparty.errors import UsageError
from driverparty.i18n import _

_YEAR = re.compile(r"(\d{4})")
_QUARTER = re.compile(r"(\d{4})[Qq]([1-4])")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
UNITS = ("month", "quarter", "year")


@dataclass(frozen=True)
class Period:
    """Days from ``start`` to ``end``, both inclusive; ``start`` None means "since the
    beginning" (no period given: flows count everything up to ``end``)."""

    start: date | None
    end: date
    label: str

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        return (self.start is None or day >= self.start) and day <= self.end

    def stock_day(self, today: date) -> date:
        """The day stock figures are counted: the period's end, or today if that is earlier."""
        return min(self.end, today)


@dataclass(frozen=True)
class Window:
    """What a report counts: stock figures as of ``stock``, flow figures from ``start`` (None:
    from the beginning) to ``end``, both inclusive."""

    stock: date
    start: date | None
    end: date
    label: str | None = None

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        return (self.start is None or day >= self.start) and day <= self.end


def window(period: Period | None, as_of: date) -> Window:
    """The window of a report asked for ``period`` (or none) as of ``as_of``: without a period,
    stocks as of ``as_of`` and flows up to it; with one, stocks as of its end (or ``as_of`` if
    earlier) and flows inside it, up to ``as_of`` at the latest."""
    if period is None:
        return Window(as_of, None, as_of)
    stock = period.stock_day(as_of)
    return Window(stock, period.start, stock, period.label)


def month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def parse_period(text: str) -> Period:
    """``2025``, ``2025Q4`` or ``2025-11`` as a :class:`Period`; a usage error otherwise."""
    value = text.strip()
    try:
        if m := _QUARTER.fullmatch(value):
            year, q = int(m[1]), int(m[2])
            return Period(date(year, 3 * q - 2, 1), month_end(year, 3 * q), f"{year}Q{q}")
        if m := _MONTH.fullmatch(value):
            year, month = int(m[1]), int(m[2])
            return Period(date(year, month, 1), month_end(year, month), f"{year}-{month:02d}")
        if m := _YEAR.fullmatch(value):
            year = int(m[1])
            return Period(date(year, 1, 1), date(year, 12, 31), f"{year}")
    except ValueError:
        pass
    raise UsageError(
        _(
            "--period {text!r}: must be a year (2025), a quarter (2025Q4) or a month (2025-11)"
        ).format(text=text)
    )


def quarter_of(day: date) -> Period:
    """The quarter a day falls in."""
    return parse_period(f"{day.year}Q{(day.month - 1) // 3 + 1}")


def resolve(
    period: str | None, since: date | None, until: date | None, as_of: date
) -> Period | None:
    """The period a report was asked for: ``--period``, or ``--since``/``--until`` (either may
    be left out: from the beginning, up to ``as_of``), or None when none was given. A
    ``--since`` after ``as_of`` with no ``--until`` is an empty period, not an error: nothing
    has happened there yet."""
    if period is not None:
        if since is not None or until is not None:
            raise UsageError(_("--period cannot be combined with --since or --until"))
        return parse_period(period)
    if since is None and until is None:
        return None
    end = until or as_of
    if since is not None and until is not None and since > until:
        raise UsageError(
            _("--since {isoformat} is after --until {isoformat2}").format(
                isoformat=since.isoformat(), isoformat2=until.isoformat()
            )
        )
    label = f"{since.isoformat() if since else ''}..{end.isoformat()}"
    return Period(since, end, label)


def units(start: date, end: date, unit: str) -> Iterator[tuple[date, date]]:
    """The calendar months, quarters or years that overlap ``start``..``end`` (inclusive), each
    as its (first day, last day): what "required per month" is counted over."""
    if unit not in UNITS:
        raise ValueError(_("unknown unit {unit!r}").format(unit=unit))
    step = {"month": 1, "quarter": 3, "year": 12}[unit]
    month = start.month - (start.month - 1) % step
    year = start.year
    while date(year, month, 1) <= end:
        last_month = month + step - 1
        yield date(year, month, 1), month_end(year, last_month)
        month += step
        if month > 12:
            year, month = year + 1, month - 12
