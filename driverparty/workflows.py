"""What happens to a record as work moves it along: defaults of a new record, and the moves of
the member pipeline and the petition lifecycle (SPEC section 4, issue 3).

Each move is a pure function of (record, arguments) returning the new record, or raising
``MoveRefused`` with a message that names the current state and the moves allowed from it.
Dates are checked by the model when the store validates the result.
Imports driverparty.errors, driverparty.models, driverparty.config.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from driverparty.config import Config
from driverparty.errors import MoveRefused
from driverparty.models.member import STAGE_DATES, STAGES, probation_ends

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


# --- the member pipeline -----------------------------------------------------------------------


def _member_moves(record: Record) -> str:
    if record.get("left_on"):
        return "none (the member has left)"
    stage = record["stage"]
    later = STAGES[STAGES.index(stage) + 1 :]
    moves = [f"promote --to {s}" for s in later] + ["verify", "transfer", "leave"]
    return ", ".join(moves)


def _active(record: Record, what: str) -> None:
    if record.get("left_on"):
        raise MoveRefused(
            f"member {record['id']} left on {record['left_on'].isoformat()}: "
            f"cannot {what}; allowed now: none"
        )


def promote(record: Record, to: str, on: date) -> Record:
    """Move forward one or more stages, setting the new stage's date."""
    _active(record, "promote")
    if to not in STAGES:
        raise MoveRefused(f"unknown stage {to!r}")
    current = record["stage"]
    if STAGES.index(to) <= STAGES.index(current):
        raise MoveRefused(
            f"member {record['id']} is already {current}: promotion goes forward "
            f"only; allowed now: {_member_moves(record)}"
        )
    if to == "full":
        start = record.get("probationary_on")
        if start is None:
            raise MoveRefused(
                f"member {record['id']} has no probationary_on: the probation "
                "year must be served before full membership; allowed now: "
                f"{_member_moves(record)}"
            )
        ends = probation_ends(start)
        if on < ends:
            raise MoveRefused(
                f"member {record['id']}: the probation year ends on "
                f"{ends.isoformat()}; cannot become full on {on.isoformat()}"
            )
    out = dict(record)
    out["stage"] = to
    out[STAGE_DATES[STAGES.index(to)]] = on
    return out


def verify(record: Record, status: str, on: date) -> Record:
    """Record a verification (初筛 → 核实 → 建档)."""
    _active(record, "verify")
    return {**record, "verification": status, "verified_on": on}


def transfer(record: Record, to: str) -> Record:
    """Move a member to another branch (the writer checks that the branch exists)."""
    _active(record, "transfer")
    if record.get("branch") == to:
        raise MoveRefused(f"member {record['id']} is in {to} already")
    return {**record, "branch": to}


def leave(record: Record, reason: str, on: date) -> Record:
    _active(record, "leave")
    return {**record, "left_on": on, "left_reason": reason}


# --- the petition lifecycle --------------------------------------------------------------------

#: action → (statuses it may start from, the status it leads to)
PETITION_MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "assign": (("received", "assigned"), "assigned"),
    "resolve": (("assigned",), "resolved"),
    "close": (("resolved",), "closed"),
    "reopen": (("resolved", "closed"), "assigned"),
    "reject": (("received", "assigned"), "rejected"),
    "withdraw": (("received", "assigned"), "withdrawn"),
}


def allowed_moves(status: str) -> list[str]:
    return [action for action, (starts, _) in PETITION_MOVES.items() if status in starts]


def move_petition(
    record: Record,
    action: str,
    on: date,
    by: str,
    note: str | None = None,
    assignee: str | None = None,
    satisfaction: int | None = None,
) -> Record:
    """Apply one workflow move to a petition: check it is allowed from the current status,
    set the dates, append ``{on, status, note, by}`` to ``events``."""
    starts, target = PETITION_MOVES[action]
    status = record.get("status", "received")
    if status not in starts:
        allowed = ", ".join(allowed_moves(status)) or "none (it is finished)"
        raise MoveRefused(
            f"petition {record['id']} is {status}: cannot {action}; allowed now: {allowed}"
        )
    out = dict(record)
    out["status"] = target
    if action == "assign":
        out["assignee"] = assignee
        out.setdefault("assigned_on", on)  # a re-assignment keeps the first transfer date
    elif action == "resolve":
        out["resolved_on"] = on
        out["resolution"] = note
    elif action == "close":
        out["closed_on"] = on
        if satisfaction is not None:
            out["satisfaction"] = satisfaction
    elif action == "reopen":
        for name in ("resolved_on", "closed_on", "resolution", "satisfaction"):
            out.pop(name, None)  # the events keep what they held
    event: Record = {"on": on, "status": target}
    if note:
        event["note"] = note
    if action == "assign" and not note:
        event["note"] = f"→ {assignee}"
    event["by"] = by
    out["events"] = [*record.get("events", []), event]
    return out
