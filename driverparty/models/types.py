"""Shared field types, validators and metadata markers for the record models.

A field's rules live in its type (``Phone``, ``PastDate`` …); its Chinese label, personal-data
flag and reference target live in its ``Annotated`` metadata (``Label``, ``Personal``, ``Ref``),
which the CLI, checks and output read from ``Model.model_fields[name].metadata``.
Imports only driverparty.personal and driverparty.schema (the id pattern).
"""

from __future__ import annotations

import operator
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import starmap
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, GetCoreSchemaHandler, ValidationInfo
from pydantic_core import core_schema

from driverparty.i18n import _
from driverparty.schema import is_id

# --- metadata markers -------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    """The field's Chinese name, shown in tables under ``--lang zh``, and the other column
    headers an office's spreadsheet names it by (``import``, SPEC section 7: 手机号码 …)."""

    zh: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Codes:
    """An enumerated field, written once: its codes in order, each with its Chinese word.
    ``Annotated[str, Codes({...})]`` validates as the ``Literal`` of the codes (pydantic asks
    this marker for the schema); ``codes`` is the tuple other modules derive from it.
    (A Literal built at run time would be invisible to mypy, so the marker builds it.)"""

    zh: dict[str, str] = field(default_factory=dict)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.zh)

    def subset(self, *codes: str) -> frozenset[str]:
        """Some of the codes (``OPEN_STATUSES``): each must be one of them."""
        unknown = [c for c in codes if c not in self.zh]
        if unknown:
            raise ValueError(_("not codes of this field: {unknown}").format(unknown=unknown))
        return frozenset(codes)

    def __hash__(self) -> int:
        return hash(tuple(self.zh.items()))

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return core_schema.literal_schema(list(self.zh))


@dataclass(frozen=True)
class Personal:
    """Personal data: masked in every output unless ``--reveal``."""


@dataclass(frozen=True)
class Ref:
    """The field names a record of another kind, which must exist."""

    kind: str


# --- validators ------------------------------------------------------------------------------

PHONE_RE = re.compile(r"^1[3-9][0-9]{9}$")
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_RE = re.compile(rf"^[{PROVINCES}][A-Z][A-Z0-9]{{5,6}}$")
TOKEN_RE = re.compile(r"^[^\s,;]{1,40}$")
#: an end of 24:00 is the day's end; 24:01 to 24:59 are no time of day (issue 25)
HOURS_RE = re.compile(
    r"^(?:24h|([01][0-9]|2[0-3]):([0-5][0-9])-(?:([01][0-9]|2[0-3]):([0-5][0-9])|24:00))$"
)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# Bidirectional overrides and isolates, marks and zero-width characters (issue 9): they make a
# name read differently from what it holds. ZWJ (U+200D) is kept for emoji sequences.
_INVISIBLE_OK = {"\u200d"}


def _bad_char(text: str, multiline: bool) -> str | None:
    if text.isprintable():  # no control, format, private, surrogate or separator character
        return None
    for ch in text:
        if multiline and ch in "\n\t":
            continue
        cat = unicodedata.category(ch)
        if cat == "Cc":
            return _("must not contain control characters or line breaks")
        if cat in ("Cf", "Co", "Cs", "Zl", "Zp") and ch not in _INVISIBLE_OK:
            return _(
                "must not contain invisible or direction-changing characters (U+{ch:04X})"
            ).format(ch=ord(ch))
    return None


#: blank or joining characters that Unicode counts as letters or marks, not "invisible" — yet
#: a name holding one prints the same as a name without (issue 16.14): ZWJ, the Hangul
#: fillers, the combining grapheme joiner. Refused in names, where uniqueness matters.
NOT_IN_NAMES = frozenset("\u200d\u115f\u1160\u3164\uffa0\u034f")


def nfc(value: str) -> str:
    """Text in Unicode's composed form (NFC): ``é`` typed as e + ◌́ is stored, compared
    and found as the one character (issue 16.14)."""
    return value if value.isascii() else unicodedata.normalize("NFC", value)


def _line(value: str) -> str:
    value = nfc(value)
    problem = _bad_char(value, multiline=False)
    if problem:
        raise ValueError(problem)
    return value


def _name(value: str) -> str:
    value = _line(value)
    for ch in value:
        if ch in NOT_IN_NAMES:
            raise ValueError(
                _(
                    "must not contain invisible or direction-changing characters (U+{ch:04X})"
                ).format(ch=ord(ch))
            )
    return value


check_line = _line  # public: driverparty.toml's county is held to the same rule (issue 9)


def _text(value: str) -> str:
    value = nfc(value.replace("\r\n", "\n").strip())
    problem = _bad_char(value, multiline=True)
    if problem:
        raise ValueError(problem)
    return value


def today_of(info: ValidationInfo) -> date:
    """The validation's "today": ``context={"today": ...}``, else the real date."""
    ctx = info.context if isinstance(info.context, dict) else {}
    today = ctx.get("today")
    return today if isinstance(today, date) else date.today()


def parse_date(value: Any) -> date:
    """Accept a date, or an ISO ``YYYY-MM-DD`` string; refuse datetimes and numbers."""
    if isinstance(value, datetime):
        raise ValueError(_("must be a date (YYYY-MM-DD), not a date and time"))
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(_("not a real date: {strip}").format(strip=value.strip())) from None
    raise ValueError(_("must be a date written YYYY-MM-DD"))


def _not_future(value: date, info: ValidationInfo) -> date:
    if value > today_of(info):
        raise ValueError(
            _("{isoformat} is after today ({isoformat2})").format(
                isoformat=value.isoformat(), isoformat2=today_of(info).isoformat()
            )
        )
    return value


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError(_("must be true or false"))


def _int_only(value: Any) -> Any:
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError(_("must be a whole number"))
    return value


def _number_only(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(_("must be a number"))
    return value


def _text_only(value: Any) -> Any:
    """Personal data is text: a phone written as a TOML number (``phone = 13812345678``) is
    refused, never taken (issue 16.7; output masks it all the same)."""
    if not isinstance(value, str):
        raise ValueError(_("must be text (in quotes)"))
    return value


def check_phone(value: str) -> str:
    if not PHONE_RE.fullmatch(value):
        raise ValueError(_("not a mainland mobile number"))
    return value


def id_number_check_char(first17: str) -> str:
    # starmap, not a generator: one ID number a member, 20,000 in a fresh clone's first read
    products = starmap(operator.mul, zip(map(int, first17), ID_WEIGHTS, strict=True))
    return ID_CHECK[sum(products) % 11]


def id_number_birth_date(value: str) -> date | None:
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def check_id_number(value: str) -> str:
    if not re.fullmatch(r"[0-9]{17}[0-9X]", value):
        raise ValueError(_("not an 18-character resident ID number (17 digits, then a digit or X)"))
    if id_number_birth_date(value) is None:
        raise ValueError(_("not a resident ID number: characters 7-14 are not a real birth date"))
    if id_number_check_char(value[:17]) != value[17]:
        raise ValueError(_("not a resident ID number: wrong check character"))
    return value


def check_plate(value: str) -> str:
    if not PLATE_RE.fullmatch(value):
        raise ValueError(_("not a mainland plate (e.g. 桂J12345 or 桂JD12345)"))
    return value


def check_token(value: str) -> str:
    value = nfc(value)
    if not TOKEN_RE.fullmatch(value):
        raise ValueError(_("must be a word without spaces, commas or semicolons (≤ 40 characters)"))
    return value


def check_id(value: str) -> str:
    if not is_id(value):
        raise ValueError(_("not a valid id (letters, digits, - and _; at most 40)"))
    return value


def check_hours(value: str) -> str:
    if not HOURS_RE.fullmatch(value):
        raise ValueError(_("must be 24h or HH:MM-HH:MM"))
    return value


# --- the types ---------------------------------------------------------------------------------

Line = Annotated[str, AfterValidator(_line), Field(min_length=1, max_length=200)]
Name = Annotated[str, AfterValidator(_name), Field(min_length=1, max_length=100)]
Text = Annotated[str, AfterValidator(_text), Field(min_length=1, max_length=2000)]
RecordId = Annotated[str, AfterValidator(check_id)]
PastDate = Annotated[date, BeforeValidator(parse_date), AfterValidator(_not_future)]
AnyDate = Annotated[date, BeforeValidator(parse_date)]
Bool = Annotated[bool, BeforeValidator(parse_bool)]
Int = Annotated[int, BeforeValidator(_int_only)]
Float = Annotated[float, BeforeValidator(_number_only)]
Phone = Annotated[str, BeforeValidator(_text_only), AfterValidator(check_phone), Personal()]
IdNumber = Annotated[str, BeforeValidator(_text_only), AfterValidator(check_id_number), Personal()]
Plate = Annotated[str, AfterValidator(check_plate)]
Token = Annotated[str, AfterValidator(check_token)]
Hours = Annotated[str, AfterValidator(check_hours)]
