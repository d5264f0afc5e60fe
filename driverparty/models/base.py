"""The base of every record model: config, the (field, message) rules hook, and dumping.

Imports driverparty.schema (the pydantic-free ``Registration``) only.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from driverparty.i18n import _
from driverparty.schema import Registration


class RecordModel(BaseModel):
    """A record of one kind. Subclasses declare fields in SPEC order (that is the file's key
    order) and the class attributes below."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    #: the kind's name, folder, prefix, help, examples, active span … (``schema.Registration``)
    registration: ClassVar[Registration]

    def rules(self) -> list[tuple[str, str]]:
        """Rules across fields of this one record: ``[(field, message), ...]``."""
        return []

    def canonical(self) -> dict[str, Any]:
        """The record as the tool holds it: SPEC order, unset (None) fields left out, defaults
        (``mobile = false``, empty lists) filled in."""
        return self.model_dump(exclude_none=True)


def ordered(pairs: list[tuple[str, date | None]]) -> list[tuple[str, str]]:
    """Problems for dates that must be non-decreasing in the given order (unset ones skipped)."""
    problems = []
    last: tuple[str, date] | None = None
    for name, value in pairs:
        if value is None:
            continue
        if last is not None and value < last[1]:
            earlier = f"{last[0]} ({last[1].isoformat()})"
            problems.append(
                (
                    name,
                    _("{isoformat} is before {earlier}").format(
                        isoformat=value.isoformat(), earlier=earlier
                    ),
                )
            )
        else:
            last = (name, value)
    return problems
