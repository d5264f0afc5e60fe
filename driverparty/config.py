"""``driverparty.toml``: the county's settings, validated (SPEC section 2).

Imports driverparty.errors, driverparty.tomlio and pydantic.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from driverparty.errors import DataError
from driverparty.i18n import _
from driverparty.tomlio import Unreadable, loads, read_bytes

if TYPE_CHECKING:
    from driverparty.workdays import Clock

CONFIG_FILE = "driverparty.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PetitionSettings(_Section):
    #: "day": calendar days; "workday": working days (``[calendar]``, ``driverparty.workdays``)
    unit: Literal["day", "workday"] = "day"
    respond_days: Annotated[int, Field(ge=0, le=3650, strict=True)] = 1
    due_days: Annotated[int, Field(ge=0, le=3650, strict=True)] = 7
    due_days_by_category: dict[str, Annotated[int, Field(ge=0, le=3650, strict=True)]] = {}

    @field_validator("due_days_by_category")
    @classmethod
    def _known_categories(cls, value: dict[str, int]) -> dict[str, int]:
        from driverparty.models.petition import CATEGORIES

        for name in value:
            if name not in CATEGORIES:
                raise ValueError(_("unknown category {name!r}").format(name=name))
        return value

    def due_days_for(self, category: str) -> int:
        return self.due_days_by_category.get(category, self.due_days)


class ScreeningSettings(_Section):
    interval_days: Annotated[int, Field(ge=1, le=3650, strict=True)] = 90


class CalendarSettings(_Section):
    """Corrections to the national holiday tables (SPEC section 2, ``[calendar]``)."""

    holidays: list[date] = []  # extra days off
    workdays: list[date] = []  # extra working days (调休 make-up days on a weekend)

    @model_validator(mode="after")
    def _not_both(self) -> CalendarSettings:
        both = sorted(set(self.holidays) & set(self.workdays))
        if both:
            raise ValueError(
                _("{isoformat} is listed both as a holiday and as a working day").format(
                    isoformat=both[0].isoformat()
                )
            )
        return self


class ActivitySettings(_Section):
    """``[activities]``: the study hours (学时) each party member should reach in a year."""

    study_hours: Annotated[float, Field(ge=0, le=8784, strict=True)] = 32


#: how often a branch holds a kind of organisational life: a calendar unit, or "none" (not
#: required here, e.g. party group meetings in branches too small to have groups)
Frequency = Literal["month", "quarter", "year", "none"]


class Config(_Section):
    """The whole ``driverparty.toml``."""

    county: Annotated[str, Field(min_length=1, max_length=100)]
    code: str | None = None
    petitions: PetitionSettings = PetitionSettings()
    screening: ScreeningSettings = ScreeningSettings()
    calendar: CalendarSettings = CalendarSettings()
    standards: dict[str, list[str] | str] = {
        "five": ["water", "microwave", "charging", "first_aid", "books"],
        "default": "five",
    }
    activities: ActivitySettings = ActivitySettings()
    #: kind of organisational life → how often each branch holds it (the model's defaults
    #: for the kinds not named: ``models.activity.LIFE_EVERY``)
    organisational_life: dict[str, Frequency] = {}

    @field_validator("code")
    @classmethod
    def _code(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[0-9]{6}", value):
            raise ValueError(_("must be a 6-digit administrative division code"))
        return value

    @field_validator("county")
    @classmethod
    def _county(cls, value: str) -> str:
        from driverparty.models.types import check_line  # control, bidi and zero-width chars

        return check_line(value).strip()

    @field_validator("organisational_life")
    @classmethod
    def _organisational_life(cls, value: dict[str, Frequency]) -> dict[str, Frequency]:
        from driverparty.models.activity import LIFE_EVERY

        for kind in value:
            if kind not in LIFE_EVERY:
                known = ", ".join(LIFE_EVERY)
                raise ValueError(
                    _("{kind!r} is no kind of organisational life (known: {known})").format(
                        kind=kind, known=known
                    )
                )
        return value

    @model_validator(mode="after")
    def _standards(self) -> Config:
        from driverparty.models.station import AMENITIES

        default = self.standards.get("default", "five")
        if not isinstance(default, str):
            raise ValueError(_("standards.default must be the name of a standard"))
        for name, items in self.standards.items():
            if name == "default":
                continue
            if not isinstance(items, list):
                raise ValueError(
                    _("standards.{name} must be a list of amenities").format(name=name)
                )
            for item in items:
                if item not in AMENITIES:
                    raise ValueError(
                        _("standards.{name}: unknown amenity {item!r}").format(name=name, item=item)
                    )
        if default not in self.standards or default == "default":
            raise ValueError(
                _("standards.default names no standard: {default!r}").format(default=default)
            )
        return self

    def standard(self, name: str | None = None) -> list[str]:
        """The amenities of a standard (the default one when name is None)."""
        name = name or str(self.standards.get("default", "five"))
        items = self.standards.get(name)
        if name == "default" or not isinstance(items, list):
            known = ", ".join(k for k in self.standards if k != "default")
            raise DataError(
                _("unknown standard {name!r} (known: {known})").format(name=name, known=known)
            )
        return items

    @property
    def default_standard(self) -> str:
        return str(self.standards.get("default", "five"))

    @cached_property
    def clock(self) -> Clock:
        """How petition time limits are counted here: ``[petitions] unit`` with the
        ``[calendar]`` corrections. One per loaded config, so the years it found no holiday
        table for are noted once per command (``Clock.missing``)."""
        from driverparty.workdays import Clock

        return Clock(self.petitions.unit, self.calendar.holidays, self.calendar.workdays)

    def life_every(self) -> dict[str, str]:
        """Each kind of organisational life a branch must hold and how often (``month``,
        ``quarter`` or ``year``), in the model's order; kinds set to ``none`` left out."""
        from driverparty.models.activity import LIFE_EVERY, ORGANISATIONAL_LIFE

        every = {**LIFE_EVERY, **self.organisational_life}
        return {k: every[k] for k in ORGANISATIONAL_LIFE if every[k] != "none"}


def load_config(root: Path) -> Config:
    """Read and validate ``driverparty.toml``; errors name the file and the key."""
    return read_config(root)[0]


def read_config(root: Path) -> tuple[Config, bytes]:
    """:func:`load_config`, with the bytes it validated (the cache vouches for them)."""
    path = root / CONFIG_FILE
    try:
        raw = read_bytes(path)
        data = loads(raw)
    except Unreadable as err:
        raise DataError(f"{CONFIG_FILE}: {err}") from None
    except OSError as err:
        raise DataError(
            _("{CONFIG_FILE}: cannot read: {strerror}").format(
                CONFIG_FILE=CONFIG_FILE, strerror=err.strerror
            )
        ) from None
    try:
        return Config.model_validate(data), raw
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        loc = ".".join(str(p) for p in first["loc"]) or "(top)"
        msg = str(first["msg"]).removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            msg = _("unknown key")
        raise DataError(f"{CONFIG_FILE}: {loc}: {msg}") from None


def check_new(county: str, code: str | None) -> None:
    """``init``'s ``--county`` and ``--code``, held to driverparty.toml's rules."""
    try:
        Config.model_validate({"county": county, "code": code})
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        option = "--" + str(first["loc"][0]) if first["loc"] else "--county"
        raise DataError(f"{option}: {str(first['msg']).removeprefix('Value error, ')}") from None


def dump_config(county: str, code: str | None) -> bytes:
    lines = [f"county = {_quote(county)}"]
    if code:
        lines.append(f"code = {_quote(code)}")
    lines += [
        "",
        "[petitions]",
        'unit = "day"             # or "workday": working days, holidays and 调休 counted',
        "respond_days = 1",
        "due_days = 7",
        "",
        "[petitions.due_days_by_category]",
        "repair = 1",
        "",
        "[screening]",
        "interval_days = 90",
        "",
        "[standards]",
        'five = ["water", "microwave", "charging", "first_aid", "books"]',
        'default = "five"',
        "",
        "[calendar]               # corrections to the national holiday tables",
        "holidays = []            # extra days off",
        "workdays = []            # extra working days",
        *_activity_lines(),
    ]
    return ("\n".join(lines) + "\n").encode()


def _activity_lines() -> list[str]:
    """``[activities]`` and ``[organisational_life]`` as ``init`` writes them: the defaults,
    each kind of organisational life with its Chinese name, so the clerk sees what to change."""
    from driverparty.models.activity import KIND, LIFE_EVERY

    lines = [
        "[activities]",
        "study_hours = 32            # 学时 each party member should reach in a year",
        "",
        "[organisational_life]       # how often each branch holds it: month, quarter, year, none",
    ]
    for kind, every in LIFE_EVERY.items():
        lines.append(f"{f'{kind} = {_quote(every)}':<28}# {KIND.zh[kind]}")
    return lines


def _quote(value: str) -> str:
    import tomli_w

    return tomli_w.dumps({"v": value}).split(" = ", 1)[1].strip()
