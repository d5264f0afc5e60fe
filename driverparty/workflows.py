"""What happens to a record as work moves it along: defaults of a new record, and the moves of
the member pipeline and the petition lifecycle (SPEC section 4, issue 3).

Each move is a pure function of (record, arguments) returning the new record, or raising
``MoveRefused`` with a message that names the current state and the moves allowed from it.
Dates are checked by the model when the store validates the result.
Imports driverparty.errors, driverparty.models, driverparty.config.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from driverparty.config import Config
from driverparty.errors import MoveRefused
from driverparty.i18n import _
from driverparty.models.member import (
    ACTIVIST_YEARS,
    ADULT_YEARS,
    STAGE_DATES,
    STAGES,
    add_years,
    extension_bounds,
    full_day,
    vote_problem,
)
from driverparty.models.types import id_number_birth_date

Record = dict[str, Any]


def new_record_defaults(kind: str, record: Record, config: Config, author: str) -> Record:
    """Fill what a new record of ``kind`` gets by default: a petition's ``due`` from the
    county's time limits (in its unit: days or working days) and its first event."""
    if kind != "petition":
        return record
    out = dict(record)
    received = _as_date(out.get("received"))
    if received is not None:
        if out.get("due") in (None, "") and isinstance(out.get("category"), str):
            limit = config.petitions.due_days_for(out["category"])
            out["due"] = config.clock.add(received, limit)
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
# 《中国共产党发展党员工作细则》: one step at a time; an activist is trained a year before
# becoming a candidate; the branch meeting admits a candidate by a vote of more than half of
# the eligible full members, after the concentrated training; probation is a year, extended
# once by six months to a year, or cancelled; party age counts from the end of probation
# (issue 21).


def _member_moves(record: Record) -> str:
    if record.get("left_on"):
        return _("none (the member has left)")
    moves = []
    nxt = next_stage(record)
    if nxt:
        moves.append(f"promote --to {nxt}")
    if record["stage"] == "probationary":
        if not record.get("probation_extended_to"):
            moves.append("extend-probation")
        moves.append("cancel-probation")
    moves += ["verify", "transfer", "leave"]
    return ", ".join(moves)


def next_stage(record: Record) -> str | None:
    """The one stage a member may be promoted to next, or None for a full member."""
    i = STAGES.index(record["stage"])
    return STAGES[i + 1] if i + 1 < len(STAGES) else None


def _active(record: Record, what: str) -> None:
    if record.get("left_on"):
        raise MoveRefused(
            _("member {id} left on {isoformat}: cannot {what}; allowed now: none").format(
                id=record["id"], isoformat=record["left_on"].isoformat(), what=what
            )
        )


def _refuse(record: Record, why: str) -> MoveRefused:
    return MoveRefused(
        _("member {id}: {why}; allowed now: {record}").format(
            id=record["id"], why=why, record=_member_moves(record)
        )
    )


def _born(record: Record) -> date | None:
    born = record.get("birth_date")
    if isinstance(born, date):
        return born
    number = record.get("id_number")
    return id_number_birth_date(number) if isinstance(number, str) else None


def promote(record: Record, to: str, on: date, vote: tuple[int, int, int] | None = None) -> Record:
    """Move one step along the pipeline, setting the new stage's date; every refusal says
    which step is next and why. ``vote`` (eligible, present, for) is the branch meeting's,
    needed for ``probationary``; ``full`` takes the end of probation as its date."""
    _active(record, _("promote"))
    if to not in STAGES:
        raise MoveRefused(_("unknown stage {to!r}").format(to=to))
    rid, current = record["id"], record["stage"]
    nxt = next_stage(record)
    if nxt is None:
        raise _refuse(record, _("is a full member already: the pipeline has no further step"))
    if STAGES.index(to) <= STAGES.index(current):
        raise _refuse(
            record,
            _(
                "is already {current}: promotion goes forward only, one step at a time; the next "
                "step is {nxt}"
            ).format(current=current, nxt=nxt),
        )
    if to != nxt:
        raise _refuse(
            record,
            _(
                "is {current}: cannot skip to {to}; the next step is {nxt}, one step at a time"
            ).format(current=current, to=to, nxt=nxt),
        )
    previous = record.get(STAGE_DATES[STAGES.index(current)])
    if isinstance(previous, date) and on < previous:
        raise _refuse(
            record,
            _(
                "the next step, {nxt}, cannot come on {isoformat}, before {STAGE_DATES} "
                "({isoformat2})"
            ).format(
                nxt=nxt,
                isoformat=on.isoformat(),
                STAGE_DATES=STAGE_DATES[STAGES.index(current)],
                isoformat2=previous.isoformat(),
            ),
        )
    born = _born(record)
    if born is not None and on < add_years(born, ADULT_YEARS):
        raise _refuse(
            record,
            _(
                "is under 18 on {isoformat} (born {isoformat2}): the next step, {nxt}, can come "
                "on or after the 18th birthday, {isoformat3}"
            ).format(
                isoformat=on.isoformat(),
                isoformat2=born.isoformat(),
                nxt=nxt,
                isoformat3=add_years(born, ADULT_YEARS).isoformat(),
            ),
        )
    out = dict(record)
    if to == "candidate":
        start = record.get("activist_on")
        if isinstance(start, date) and on < add_years(start, ACTIVIST_YEARS):
            raise _refuse(
                record,
                _(
                    "became an activist on {isoformat}: an activist is trained at least a year, "
                    "so the next step, candidate, can come on or after {isoformat2}"
                ).format(
                    isoformat=start.isoformat(),
                    isoformat2=add_years(start, ACTIVIST_YEARS).isoformat(),
                ),
            )
    elif to == "probationary":
        trained = record.get("trained_on")
        if not isinstance(trained, date):
            raise _refuse(
                record,
                _(
                    "has no trained_on: the next step, probationary, needs the concentrated "
                    "training (集中培训) first; record it with `member update {rid} "
                    "--trained-on DATE`"
                ).format(rid=rid),
            )
        if trained > on:
            raise _refuse(
                record,
                _(
                    "was trained on {isoformat}, after {isoformat2}: the next step, probationary, "
                    "comes after the concentrated training"
                ).format(isoformat=trained.isoformat(), isoformat2=on.isoformat()),
            )
        if vote is None:
            raise _refuse(
                record,
                _(
                    "the next step, probationary, needs the branch meeting's vote: "
                    "--vote ELIGIBLE,PRESENT,FOR"
                ),
            )
        problem = vote_problem(*vote)
        if problem:
            raise _refuse(
                record,
                _(
                    "the branch meeting's vote does not admit the member to the next step, "
                    "probationary: {problem}"
                ).format(problem=problem),
            )
        out["vote_eligible"], out["vote_present"], out["vote_for"] = vote
    elif to == "full":
        start = record.get("probationary_on")
        if not isinstance(start, date):
            raise _refuse(
                record,
                _(
                    "has no probationary_on: the next step, full, comes when the probation year "
                    "ends, and the day it began is not recorded"
                ),
            )
        ends = full_day(start, record.get("probation_extended_to"))
        if on < ends:
            extended = _(" (extended)") if record.get("probation_extended_to") else ""
            raise _refuse(
                record,
                _(
                    "the probation{extended} ends on {isoformat}: the next step, full, cannot "
                    "come on {isoformat2}"
                ).format(extended=extended, isoformat=ends.isoformat(), isoformat2=on.isoformat()),
            )
        on = ends  # party age counts from the end of probation, never a later day
    out["stage"] = to
    out[STAGE_DATES[STAGES.index(to)]] = on
    return out


def extend_probation(record: Record, to: date, on: date, note: str) -> Record:
    """Extend a probationary member's probation once, to a day six months to a year after the
    probation year ends; the reason is added to ``notes``."""
    _active(record, _("extend probation"))
    if record["stage"] != "probationary":
        raise _refuse(
            record,
            _("is {stage}: only a probationary member's probation can be extended").format(
                stage=record["stage"]
            ),
        )
    if record.get("probation_extended_to"):
        raise _refuse(
            record,
            _(
                "probation was extended already, to {isoformat}: it can be extended only once"
            ).format(isoformat=record["probation_extended_to"].isoformat()),
        )
    start = record.get("probationary_on")
    if not isinstance(start, date):
        raise _refuse(record, _("has no probationary_on: the probation year is not known"))
    low, high = extension_bounds(start)
    if not low <= to <= high:
        raise _refuse(
            record,
            _(
                "probation may be extended by 6 to 12 months: to a day from {isoformat} to "
                "{isoformat2}, not {isoformat3}"
            ).format(
                isoformat=low.isoformat(), isoformat2=high.isoformat(), isoformat3=to.isoformat()
            ),
        )
    line = f"{on.isoformat()} 延长预备期至 {to.isoformat()}：{note}"
    notes = record.get("notes")
    return {
        **record,
        "probation_extended_to": to,
        "notes": f"{notes}\n{line}" if notes else line,
    }


def cancel_probation(record: Record, on: date, note: str) -> Record:
    """End a probationary member's probation (取消预备党员资格): they leave the roster with
    ``left_kind = probation_cancelled`` and the note as the reason."""
    _active(record, _("cancel probation"))
    if record["stage"] != "probationary":
        raise _refuse(
            record,
            _("is {stage}: only a probationary member's probation can be cancelled").format(
                stage=record["stage"]
            ),
        )
    return {
        **record,
        "left_on": on,
        "left_reason": note,
        "left_kind": "probation_cancelled",
    }


def verify(record: Record, status: str, on: date) -> Record:
    """Record a verification (初筛 → 核实 → 建档)."""
    _active(record, _("verify"))
    return {**record, "verification": status, "verified_on": on}


def transfer(record: Record, to: str) -> Record:
    """Move a member to another branch (the writer checks that the branch exists)."""
    _active(record, _("transfer"))
    if record.get("branch") == to:
        raise MoveRefused(_("member {id} is in {to} already").format(id=record["id"], to=to))
    return {**record, "branch": to}


def leave(record: Record, reason: str, on: date, kind: str | None = None) -> Record:
    """Record that a member left the roster, and why (``left_kind``)."""
    _active(record, _("leave"))
    out = {**record, "left_on": on, "left_reason": reason}
    if kind is not None:
        out["left_kind"] = kind
    return out


# --- the petition lifecycle --------------------------------------------------------------------

#: action → (statuses it may start from, the status it leads to; None: it stays)
PETITION_MOVES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "assign": (("received", "assigned"), "assigned"),
    "resolve": (("assigned",), "resolved"),
    "close": (("resolved",), "closed"),
    "reopen": (("resolved", "closed"), "assigned"),
    "reject": (("received", "assigned"), "rejected"),
    "withdraw": (("received", "assigned"), "withdrawn"),
    "extend": (("received", "assigned"), None),
    "callback": (("resolved", "closed"), None),
}
#: the follow-up call's results as the events log writes them (回访结果)
CALLBACK_WORDS = {
    "satisfied": "满意",
    "basic": "基本满意",
    "unsatisfied": "不满意",
    "unreachable": "未联系上",
}


def allowed_moves(status: str, extended: bool = False) -> list[str]:
    """The moves a petition in ``status`` allows (``extend`` only once)."""
    return [
        action
        for action, (starts, _) in PETITION_MOVES.items()
        if status in starts and not (action == "extend" and extended)
    ]


def move_petition(
    record: Record,
    action: str,
    on: date,
    by: str,
    note: str | None = None,
    assignee: str | None = None,
    satisfaction: int | None = None,
    to: date | None = None,
    result: str | None = None,
) -> Record:
    """Apply one workflow move to a petition: check it is allowed from the current status,
    set the dates, append ``{on, status, note, by}`` to ``events``."""
    starts, target = PETITION_MOVES[action]
    status = record.get("status", "received")
    rid = record["id"]
    extended = record.get("extended_on")
    if status not in starts:
        allowed = ", ".join(allowed_moves(status, bool(extended))) or _("none (it is finished)")
        raise MoveRefused(
            _("petition {rid} is {status}: cannot {action}; allowed now: {allowed}").format(
                rid=rid, status=status, action=action, allowed=allowed
            )
        )
    target = target or status
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
        for name in (
            "resolved_on",
            "closed_on",
            "resolution",
            "satisfaction",
            "callback_on",
            "callback",
        ):
            out.pop(name, None)  # the events keep what they held
    elif action == "extend":
        assert to is not None
        _check_extension(record, to, on)
        out["extended_on"], out["due"] = on, to
        note = f"延期至 {to.isoformat()}：{note}" if note else f"延期至 {to.isoformat()}"
    elif action == "callback":
        assert result is not None
        last = record.get("callback_on")
        if isinstance(last, date) and on < last:
            allowed = ", ".join(allowed_moves(status, bool(extended)))
            raise MoveRefused(
                _(
                    "petition {rid} had its last callback on {isoformat}: a later one cannot come "
                    "on {isoformat2}; allowed now: {allowed}"
                ).format(
                    rid=rid, isoformat=last.isoformat(), isoformat2=on.isoformat(), allowed=allowed
                )
            )
        out["callback_on"], out["callback"] = on, result
        word = CALLBACK_WORDS[result]
        note = f"回访{word}：{note}" if note else f"回访{word}"
    event: Record = {"on": on, "status": target}
    if note:
        event["note"] = note
    if action == "assign" and not note:
        event["note"] = f"→ {assignee}"
    event["by"] = by
    out["events"] = [*record.get("events", []), event]
    return out


def _check_extension(record: Record, to: date, on: date) -> None:
    """A petition is extended once, before its time runs out, to a later ``due``."""
    rid = record["id"]
    allowed = ", ".join(allowed_moves(record.get("status", "received"), True))
    extended = record.get("extended_on")
    if isinstance(extended, date):
        raise MoveRefused(
            _(
                "petition {rid} was extended on {isoformat} already: a petition is extended at "
                "most once; allowed now: {allowed}"
            ).format(rid=rid, isoformat=extended.isoformat(), allowed=allowed)
        )
    due = record.get("due")
    if isinstance(due, date):
        if to <= due:
            raise MoveRefused(
                _(
                    "petition {rid} is due {isoformat}: an extension must move it later than "
                    "that, not to {isoformat2}"
                ).format(rid=rid, isoformat=due.isoformat(), isoformat2=to.isoformat())
            )
        if on > due:
            raise MoveRefused(
                _(
                    "petition {rid} was due {isoformat} and is overdue on {isoformat2}: an "
                    "extension is asked for before the time runs out; allowed now: {allowed}"
                ).format(
                    rid=rid, isoformat=due.isoformat(), isoformat2=on.isoformat(), allowed=allowed
                )
            )
    received = record.get("received")
    if isinstance(received, date) and on < received:
        raise MoveRefused(
            _(
                "petition {rid} was received on {isoformat}: it cannot be extended on {isoformat2}"
            ).format(rid=rid, isoformat=received.isoformat(), isoformat2=on.isoformat())
        )


# --- activities --------------------------------------------------------------------------------


def attend(record: Record, members: list[str]) -> Record:
    """Add members to an activity's participants (``activity attend``), in the order given.
    A member already listed is refused, as a transfer to the branch one is in: nothing is
    added twice, and the clerk learns the list held them already. The writer checks that each
    member exists, and the model that ``expected`` still covers the participants."""
    if not members:
        raise MoveRefused(_("activity {id}: no member given (--member ID)").format(id=record["id"]))
    listed = record.get("participants", [])
    already = [m for m in dict.fromkeys(members) if m in listed]
    if already:
        raise MoveRefused(
            _("activity {id}: {ids} took part already; nothing added").format(
                id=record["id"], ids=", ".join(already)
            )
        )
    return {**record, "participants": [*listed, *members]}
