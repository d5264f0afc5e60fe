"""The record kinds as every fast path needs them — fields, ids, folders, what "active" means —
without importing pydantic (issue 8: the models cost ~90 ms to import, a filtered ``list``
of 20,000 members has ~200 ms in all).

The models in ``driverparty/models`` stay the one source of truth. ``schema.json`` next to
this file is their description, written by ``make schema`` (``python -m driverparty.models``);
``tests/test_schema.py`` fails when it no longer matches them, so it cannot drift unnoticed.
Imports nothing from driverparty.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

SCHEMA_FILE = Path(__file__).with_name("schema.json")


@dataclass(frozen=True)
class FieldInfo:
    """What the CLI, queries and output need to know of one field, read from the model."""

    name: str
    zh: str
    type: str  # "str", "date", "bool", "int", "float", "list", "events"
    required: bool
    choices: tuple[str, ...]
    codes_zh: dict[str, str]
    personal: bool
    ref: str | None

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def scalar(self) -> bool:
        """One plain value (not a list): the cache keeps it in a column of its own."""
        return self.type in ("str", "date", "bool", "int", "float")


@dataclass(frozen=True)
class KindInfo:
    """One record kind: its name, id prefix, folder, Chinese name, table columns and fields."""

    name: str
    prefix: str
    zh: str
    table_columns: tuple[str, ...]
    fields: dict[str, FieldInfo]

    @property
    def plural(self) -> str:
        """The kind's folder name under records/ (``branches``, ``members`` …)."""
        return self.name + ("es" if self.name.endswith("ch") else "s")

    @property
    def folder(self) -> str:
        return f"records/{self.plural}"

    def path(self, record_id: str) -> str:
        return f"{self.folder}/{record_id}.toml"


def describe(kinds: dict[str, KindInfo]) -> dict[str, Any]:
    """The JSON form of ``schema.json``."""
    return {
        name: {
            "prefix": k.prefix,
            "zh": k.zh,
            "table_columns": list(k.table_columns),
            "fields": [{**f.__dict__, "choices": list(f.choices)} for f in k.fields.values()],
        }
        for name, k in kinds.items()
    }


def _load() -> dict[str, KindInfo]:
    data = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return {
        name: KindInfo(
            name=name,
            prefix=k["prefix"],
            zh=k["zh"],
            table_columns=tuple(k["table_columns"]),
            fields={
                f["name"]: FieldInfo(**{**f, "choices": tuple(f["choices"])}) for f in k["fields"]
            },
        )
        for name, k in data.items()
    }


def __getattr__(name: str) -> Any:
    """``KINDS`` is read on first use, so the models can import this module to write it."""
    if name == "KINDS":
        kinds = _load()
        globals()["KINDS"] = kinds
        return kinds
    raise AttributeError(name)


KINDS: dict[str, KindInfo]

#: the dates between which a record counts as of a day: (from, until); petitions always count
ACTIVE_SPAN: dict[str, tuple[str | None, str]] = {
    "member": (None, "left_on"),
    "station": ("opened", "closed"),
    "branch": ("founded", "dissolved"),
}


def is_active(kind: str, record: dict[str, Any], as_of: date) -> bool:
    """Counted in listings and reports as of a date: a member who has not left, a station
    opened and not closed, a branch founded and not dissolved (petitions always count)."""
    span = ACTIVE_SPAN.get(kind)
    if span is None:
        return True
    start = record.get(span[0]) if span[0] else None
    end = record.get(span[1])
    return (start is None or start <= as_of) and (end is None or end > as_of)


def active_sql(kind: str, as_of: date) -> tuple[str, list[Any]] | None:
    """:func:`is_active` as an SQL test over the cache's columns (``cache.py``)."""
    span = ACTIVE_SPAN.get(kind)
    if span is None:
        return None
    day = as_of.isoformat()
    end = f'("{span[1]}" IS NULL OR "{span[1]}" > ?)'
    if span[0] is None:
        return end, [day]
    return f'("{span[0]}" IS NULL OR "{span[0]}" <= ?) AND {end}', [day, day]


_DIGITS = re.compile(r"(\d+)")


def id_sort_key(record_id: str) -> tuple[Any, ...]:
    """Natural order: M-9999 before M-10000. The usual ``PREFIX-digits`` id takes a quick
    way to the same key (50,000 of them are sorted for a listing, issue 8)."""
    head, dash, tail = record_id.rpartition("-")
    if dash and head.isalpha() and tail.isdigit() and tail.isascii():
        return (head + "-", int(tail), "")
    return tuple(int(p) if p.isdigit() else p for p in _DIGITS.split(record_id))
