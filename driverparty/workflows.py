"""What happens to a record as work moves it along: defaults of a new record, and the moves of
the member pipeline and the petition lifecycle. Pure functions of (record, arguments, today).
Imports driverparty.errors, driverparty.models, driverparty.config.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from driverparty.config import Config

Record = dict[str, Any]


def new_record_defaults(kind: str, record: Record, config: Config, author: str) -> Record:
    """Fill what a new record of ``kind`` gets by default: a petition's ``due`` from the
    county's time limits and its first event."""
    if kind != "petition":
        return record
    out = dict(record)
    received = _as_date(out.get("received"))
    if received is not None:
        if out.get("due") in (None, "") and isinstance(out.get("category"), str):
            out["due"] = received + timedelta(days=config.petitions.due_days_for(out["category"]))
        if not out.get("events"):
            out["events"] = [{"on": received, "status": "received", "by": author}]
    return out


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None
