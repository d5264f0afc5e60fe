"""The base of every record model: config, the (field, message) rules hook, and dumping.

Imports driverparty.models.types only.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict


class RecordModel(BaseModel):
    """A record of one kind. Subclasses declare fields in SPEC order (that is the file's key
    order) and the class attributes below."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    record_kind: ClassVar[str]
    prefix: ClassVar[str]
    zh: ClassVar[str]
    #: the columns ``list`` shows as a table when ``--fields`` is not given
    table_columns: ClassVar[tuple[str, ...]]
    #: fields that are always written even when they hold their default
    always_written: ClassVar[tuple[str, ...]] = ()

    def rules(self) -> list[tuple[str, str]]:
        """Rules across fields of this one record: ``[(field, message), ...]``."""
        return []

    def canonical(self) -> dict[str, Any]:
        """The record as the tool holds it: SPEC order, unset (None) fields left out, defaults
        (``mobile = false``, empty lists) filled in."""
        return self.model_dump(exclude_none=True)

    @classmethod
    def file_dict(cls, record: dict[str, Any]) -> dict[str, Any]:
        """What the file holds of a canonical record: empty lists and false flags left out too,
        but for the fields always written."""
        return {k: v for k, v in record.items() if _is_set(v) or k in cls.always_written}


def _is_set(value: Any) -> bool:
    if value is False or value == [] or value is None:
        return False
    return True


def ordered(pairs: list[tuple[str, date | None]]) -> list[tuple[str, str]]:
    """Problems for dates that must be non-decreasing in the given order (unset ones skipped)."""
    problems = []
    last: tuple[str, date] | None = None
    for name, value in pairs:
        if value is None:
            continue
        if last is not None and value < last[1]:
            earlier = f"{last[0]} ({last[1].isoformat()})"
            problems.append((name, f"{value.isoformat()} is before {earlier}"))
        else:
            last = (name, value)
    return problems
