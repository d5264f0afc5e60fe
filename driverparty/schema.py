"""The registry of record kinds as every fast path needs it — fields, ids, folders, help texts,
examples, what "active" means — without importing pydantic (issue 8: the models cost ~90 ms to
import, a filtered ``list`` of 20,000 members has ~200 ms in all).

The models in ``driverparty/models`` stay the one source of truth: each declares its
:class:`Registration` and its fields. ``schema.json`` next to this file is their description,
written by ``make schema`` (``python -m driverparty.models``); ``tests/test_schema.py`` fails
when it no longer matches them, so it cannot drift unnoticed. The CLI, output, the cache and
the reports read the kinds from here (issue 17).
Imports nothing from driverparty.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

SCHEMA_FILE = Path(__file__).with_name("schema.json")


# Plain (not frozen) dataclasses without a repr: every command, `--help` too, builds these
# classes on start, and each frozen one costs a millisecond more (issue 17).
@dataclass(repr=False)
class FieldInfo:
    """What the CLI, queries and output need to know of one field, read from the model."""

    name: str
    zh: str
    type: str  # "str", "date", "bool", "int", "float", "list", "events"
    required: bool
    choices: tuple[str, ...]
    codes_zh: dict[str, str]
    personal: bool
    ref: str | None  #: the kind of record it names (a list field: each item names one)
    #: other column headers ``import`` takes for this field (SPEC section 7), besides its name
    #: and its Chinese label
    aliases: tuple[str, ...] = ()

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def scalar(self) -> bool:
        """One plain value (not a list): the cache keeps it in a column of its own."""
        return self.type in ("str", "date", "bool", "int", "float")


@dataclass(repr=False)
class Registration:
    """Everything the tool knows of a kind besides its fields, declared once on its model
    (``registration: ClassVar[Registration]``) and read by the CLI, reports, fast paths and
    tests through ``KINDS`` (issue 17: adding a kind touches its model and its reports)."""

    name: str  #: singular: the CLI group, the ``kind`` in commit subjects (``member``)
    plural: str  #: the folder under ``records/`` and the ``Driverparty-Record`` trailers
    prefix: str  #: ids the tool assigns: ``M-0001``
    zh: str  #: the kind's Chinese name
    title: str  #: one line in ``driverparty --help``
    help: str  #: the kind's group help (``driverparty member --help``)
    table_columns: tuple[str, ...]  #: ``list`` as a table, when ``--fields`` is not given
    add_example: str  #: options after ``driverparty <kind> add`` in its ``--help``
    where_example: str  #: ``--where`` expression(s) in ``list --help``
    update_example: str = "--notes 已核实"  #: options after ``update <PREFIX>-0001``
    #: the dates between which a record counts as of a day (``from``, ``until``; either may
    #: be None): a member who has not left, a station open. None: every record always counts.
    active: tuple[str | None, str | None] | None = None
    #: what ``list --all`` brings back (``Members who left``); empty when active is None
    inactive: str = ""
    #: fields written to the file even when they hold their default
    always_written: tuple[str, ...] = ()

    @property
    def folder(self) -> str:
        return f"records/{self.plural}"

    def path(self, record_id: str) -> str:
        return f"{self.folder}/{record_id}.toml"

    def file_dict(self, record: dict[str, Any]) -> dict[str, Any]:
        """What the file holds of a canonical record: empty lists, false flags and unset
        fields left out, but for the fields always written (SPEC section 3)."""
        return {
            k: v
            for k, v in record.items()
            if (v is not False and v != [] and v is not None) or k in self.always_written
        }


REGISTRATION_FIELDS = tuple(f.name for f in dataclasses.fields(Registration))


@dataclass(repr=False)
class KindInfo(Registration):
    """One record kind: its registration and the description of its fields."""

    fields: dict[str, FieldInfo] = field(kw_only=True)

    @property
    def references(self) -> list[tuple[str, str]]:
        """Its reference fields, each (field, the kind it names). A list field's items each
        name one (``contacts``, ``participants``): read them with :meth:`ids_named`."""
        return [(f.name, f.ref) for f in self.fields.values() if f.ref]

    @staticmethod
    def ids_named(record: dict[str, Any], name: str) -> list[str]:
        """The ids a reference field of ``record`` names: one, several (a list) or none."""
        value = record.get(name)
        if value is None:
            return []
        if isinstance(value, list):
            return [v for v in value if isinstance(v, str)]
        return [value] if isinstance(value, str) else []


def describe(kinds: dict[str, KindInfo]) -> dict[str, Any]:
    """The JSON form of ``schema.json``."""
    out: dict[str, Any] = {}
    for name, k in kinds.items():
        entry: dict[str, Any] = {}
        for key in REGISTRATION_FIELDS:
            value = getattr(k, key)
            entry[key] = list(value) if isinstance(value, tuple) else value
        entry["fields"] = [
            {**f.__dict__, "choices": list(f.choices), "aliases": list(f.aliases)}
            for f in k.fields.values()
        ]
        out[name] = entry
    return out


def _load() -> dict[str, KindInfo]:
    data = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    kinds = {}
    for name, k in data.items():
        reg = {key: k[key] for key in REGISTRATION_FIELDS}
        for key in ("table_columns", "always_written"):
            reg[key] = tuple(reg[key])
        if reg["active"] is not None:
            reg["active"] = tuple(reg["active"])
        kinds[name] = KindInfo(
            **reg,
            fields={
                f["name"]: FieldInfo(
                    **{**f, "choices": tuple(f["choices"]), "aliases": tuple(f["aliases"])}
                )
                for f in k["fields"]
            },
        )
    return kinds


def __getattr__(name: str) -> Any:
    """``KINDS`` is read on first use, so the models can import this module to write it."""
    if name == "KINDS":
        kinds = _load()
        globals()["KINDS"] = kinds
        return kinds
    raise AttributeError(name)


KINDS: dict[str, KindInfo]


def kinds() -> dict[str, KindInfo]:
    """``KINDS``, for this module's own functions (a module's ``__getattr__`` serves only
    lookups from outside it)."""
    found: dict[str, KindInfo] = globals().get("KINDS") or __getattr__("KINDS")
    return found


def is_active(kind: str, record: dict[str, Any], as_of: date) -> bool:
    """Counted in listings and reports as of a date: between the dates of the kind's
    ``active`` span (a member who has not left, a station opened and not closed …); a kind
    without one always counts."""
    span = kinds()[kind].active
    if span is None:
        return True
    start = record.get(span[0]) if span[0] else None
    end = record.get(span[1]) if span[1] else None
    return (start is None or start <= as_of) and (end is None or end > as_of)


def active_sql(kind: str, as_of: date) -> tuple[str, list[Any]] | None:
    """:func:`is_active` as an SQL test over the cache's columns (``cache.py``)."""
    span = kinds()[kind].active
    if span is None:
        return None
    day = as_of.isoformat()
    tests = []
    if span[0] is not None:
        tests.append(f'("{span[0]}" IS NULL OR "{span[0]}" <= ?)')
    if span[1] is not None:
        tests.append(f'("{span[1]}" IS NULL OR "{span[1]}" > ?)')
    return " AND ".join(tests) or "1", [day] * len(tests)


#: SPEC section 3: what every id looks like. The one copy (models, store, import, record
#: paths use it); matched whole with ``\Z``, never ``$``, which lets an id ending in
#: a newline through (issue 16.13).
ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}"
ID_RE = re.compile(ID_PATTERN + r"\Z")


def is_id(text: str) -> bool:
    """True when ``text`` is a whole valid id."""
    return ID_RE.match(text) is not None


_RECORD_PATH = re.compile(rf"records/([a-z_]+)/({ID_PATTERN})\.toml")


def kind_and_id(path: str) -> tuple[str, str] | None:
    """(kind, id) of a record file's path ``records/<plural>/<id>.toml``, else None: the one
    reading of paths for history, diff, sync, status and the merge driver."""
    m = _RECORD_PATH.fullmatch(path)
    if m is None:
        return None
    kind = next((k.name for k in kinds().values() if k.plural == m.group(1)), None)
    return (kind, m.group(2)) if kind else None


_DIGITS = re.compile(r"(\d+)")


def id_sort_key(record_id: str) -> tuple[Any, ...]:
    """Natural order: M-9999 before M-10000. The usual ``PREFIX-digits`` id takes a quick
    way to the same key (50,000 of them are sorted for a listing, issue 8)."""
    head, dash, tail = record_id.rpartition("-")
    if dash and head.isalpha() and tail.isdigit() and tail.isascii():
        return (head + "-", int(tail), "")
    return tuple(int(p) if p.isdigit() else p for p in _DIGITS.split(record_id))
