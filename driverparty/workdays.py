"""Working days: how a petition's time limit is counted (SPEC section 2, "Working days"; issue 21).

With ``[petitions] unit = "workday"`` a limit of N days ends on the N-th working day after the
start date (counting starts the next day). A working day is Monday–Friday unless it is a
national holiday, plus the weekend days the State Council declares working days (调休). The
national tables come from the ``chinesecalendar`` package (import ``chinese_calendar``, covering
2004–2026 in version 1.11), imported on first use so that ``--help`` and every command that
counts no limit never load it; ``[calendar] holidays`` and ``workdays`` add to or correct them.
A day in a year no table covers counts as Monday–Friday, and :attr:`Clock.missing` says which
years those were, so the command can print one ``note:``.

Pure: no I/O, no clock. Imports nothing from driverparty (it sits just above ``errors``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta

from driverparty.i18n import _

UNITS = ("day", "workday")


def _national_table() -> Callable[[date], bool] | None:
    """The package's ``is_workday``, or None when it is not installed (then every year counts
    Monday to Friday, each one noted like a year the table does not cover)."""
    try:
        from chinese_calendar import is_workday
    except ImportError:
        return None
    result: Callable[[date], bool] = is_workday
    return result


class Clock:
    """Adds time limits to dates in one unit, ``day`` or ``workday``.

    Args:
        unit: ``"day"`` (calendar days) or ``"workday"``.
        holidays: extra days off, on top of the national tables.
        workdays: extra working days (a weekend day declared a working day).
    """

    def __init__(
        self, unit: str = "day", holidays: Iterable[date] = (), workdays: Iterable[date] = ()
    ) -> None:
        if unit not in UNITS:
            raise ValueError(
                _("unknown unit {unit!r} (known: {UNITS})").format(
                    unit=unit, UNITS=", ".join(UNITS)
                )
            )
        self.unit = unit
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)
        #: years a working day was asked of that no national table covers (counted Mon–Fri)
        self.missing: set[int] = set()
        self._table: Callable[[date], bool] | None = None
        self._loaded = False
        self._known: dict[date, bool] = {}

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is a working day: the overrides first, then the national table, then
        Monday–Friday for a year no table covers."""
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        known = self._known.get(day)
        if known is not None:
            return known
        if not self._loaded:
            self._table, self._loaded = _national_table(), True
        answer: bool
        if self._table is None:
            self.missing.add(day.year)
            answer = day.weekday() < 5
        else:
            try:
                answer = bool(self._table(day))
            except NotImplementedError:  # the package raises it for a year it has no data for
                self.missing.add(day.year)
                answer = day.weekday() < 5
        self._known[day] = answer
        return answer

    def add(self, start: date, n: int) -> date:
        """The day a limit of ``n`` units from ``start`` ends: ``start + n`` calendar days, or
        the ``n``-th working day after ``start`` (``n = 0``: ``start`` itself)."""
        if n < 0:
            raise ValueError(_("a time limit cannot be negative"))
        if self.unit == "day":
            return start + timedelta(days=n)
        day = start
        while n > 0:
            day += timedelta(days=1)
            if self.is_workday(day):
                n -= 1
        return day

    def note(self) -> str | None:
        """The one line a command prints on stderr when some year had no table, else None."""
        if not self.missing:
            return None
        years = ", ".join(str(y) for y in sorted(self.missing))
        return _("no holiday table for {years}; counting Monday to Friday").format(years=years)
