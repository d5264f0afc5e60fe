"""The moves of ``driverparty/workflows.py`` at their boundaries (SPEC section 4, issue 25).

Each move is a function of (record, arguments): checked here on small records, with the whole
message of every refusal — the clerk reads it after `error:`, and its "allowed now" list is
what they try next — and the exact record a move makes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from driverparty.config import Config
from driverparty.errors import MoveRefused
from driverparty.workflows import (
    CALLBACK_WORDS,
    PETITION_MOVES,
    allowed_moves,
    cancel_probation,
    extend_probation,
    leave,
    move_petition,
    new_record_defaults,
    next_stage,
    promote,
    transfer,
    verify,
)

D = date.fromisoformat
BY = "黄主任"
ALWAYS = "verify, transfer, leave"


def refused(move: Callable[..., Any], *args: Any, **kwargs: Any) -> str:
    with pytest.raises(MoveRefused) as err:
        move(*args, **kwargs)
    return str(err.value)


def member(stage: str, **fields: Any) -> dict[str, Any]:
    return {"id": "M-1", "name": "张三", "stage": stage, **fields}


# --- a new petition's defaults --------------------------------------------------------------------

CONFIG = Config(
    county="八步区",
    petitions={"unit": "day", "due_days": 7, "due_days_by_category": {"repair": 1}},
)


@pytest.mark.parametrize(
    ("category", "due"), [("repair", "2026-06-02"), ("hardship", "2026-06-08")]
)
@pytest.mark.parametrize("received", [D("2026-06-01"), "2026-06-01", " 2026-06-01 "])
@pytest.mark.parametrize("empty", [None, ""])
def test_a_new_petition_is_due_by_its_categorys_limit(
    category: str, due: str, received: Any, empty: str | None
) -> None:
    record = {"id": "P-1", "received": received, "category": category, "due": empty}
    out = new_record_defaults("petition", record, CONFIG, BY)
    assert out["due"] == D(due)
    assert out["events"] == [{"on": D("2026-06-01"), "status": "received", "by": BY}]
    assert record["due"] == empty and "events" not in record  # the record given is kept


def test_a_due_and_events_given_are_kept() -> None:
    events = [{"on": D("2026-05-30"), "status": "received", "by": "王"}]
    record = {"received": D("2026-06-01"), "category": "repair", "due": D("2026-07-01")}
    out = new_record_defaults("petition", {**record, "events": events}, CONFIG, BY)
    assert out["due"] == D("2026-07-01") and out["events"] == events


@pytest.mark.parametrize("received", [None, "", "2026-13-01", "昨天", 20260601])
def test_without_a_received_date_nothing_is_filled(received: Any) -> None:
    record = {"received": received, "category": "repair"}
    assert new_record_defaults("petition", record, CONFIG, BY) == record


def test_without_a_category_no_due_is_filled() -> None:
    out = new_record_defaults("petition", {"received": D("2026-06-01"), "category": 3}, CONFIG, BY)
    assert "due" not in out and len(out["events"]) == 1


def test_other_kinds_get_no_defaults() -> None:
    record = {"received": D("2026-06-01"), "category": "repair"}
    assert new_record_defaults("member", record, CONFIG, BY) is record


# --- the member pipeline --------------------------------------------------------------------------


def test_each_stage_has_one_next() -> None:
    assert [next_stage(member(s)) for s in ("applicant", "activist", "candidate")] == [
        "activist",
        "candidate",
        "probationary",
    ]
    assert next_stage(member("probationary")) == "full"
    assert next_stage(member("full")) is None


def test_a_promotion_sets_the_stage_and_its_date_only() -> None:
    record = member("applicant", applied_on=D("2025-01-01"))
    out = promote(record, "activist", D("2025-01-01"))  # the same day as the last step: allowed
    assert out == {**record, "stage": "activist", "activist_on": D("2025-01-01")}
    assert record["stage"] == "applicant" and "activist_on" not in record


@pytest.mark.parametrize(
    ("stage", "to", "why", "allowed"),
    [
        (
            "full",
            "full",
            "is a full member already: the pipeline has no further step",
            ALWAYS,
        ),
        (
            "candidate",
            "candidate",
            "is already candidate: promotion goes forward only, one step at a time; "
            "the next step is probationary",
            f"promote --to probationary, {ALWAYS}",
        ),
        (
            "candidate",
            "applicant",
            "is already candidate: promotion goes forward only, one step at a time; "
            "the next step is probationary",
            f"promote --to probationary, {ALWAYS}",
        ),
        (
            "applicant",
            "candidate",
            "is applicant: cannot skip to candidate; the next step is activist, one step at a time",
            f"promote --to activist, {ALWAYS}",
        ),
        (
            "probationary",
            "applicant",
            "is already probationary: promotion goes forward only, one step at a time; "
            "the next step is full",
            f"promote --to full, extend-probation, cancel-probation, {ALWAYS}",
        ),
    ],
)
def test_promotion_goes_one_step_forward(stage: str, to: str, why: str, allowed: str) -> None:
    message = refused(promote, member(stage), to, D("2026-01-01"))
    assert message == f"member M-1: {why}; allowed now: {allowed}"


def test_an_unknown_stage_is_refused() -> None:
    assert refused(promote, member("applicant"), "leader", D("2026-01-01")) == (
        "unknown stage 'leader'"
    )


def test_the_allowed_moves_of_an_extended_probation() -> None:
    record = member("probationary", probation_extended_to=D("2027-01-01"))
    message = refused(promote, record, "applicant", D("2026-01-01"))
    assert message.endswith(f"; allowed now: promote --to full, cancel-probation, {ALWAYS}")


def test_a_step_cannot_come_before_the_last_one() -> None:
    record = member("applicant", applied_on=D("2025-02-01"))
    assert refused(promote, record, "activist", D("2025-01-31")) == (
        "member M-1: the next step, activist, cannot come on 2025-01-31, before applied_on "
        f"(2025-02-01); allowed now: promote --to activist, {ALWAYS}"
    )
    assert promote(member("applicant"), "activist", D("2025-01-31"))["activist_on"] == D(
        "2025-01-31"
    )  # no date of the last step: nothing to compare


@pytest.mark.parametrize(
    "born",
    [
        {"birth_date": D("2008-03-05")},
        {"id_number": "451102200803051234"},
        {"birth_date": "2008-03-05", "id_number": "451102200803051234"},
    ],
)
def test_no_step_before_the_18th_birthday(born: dict[str, Any]) -> None:
    record = member("applicant", **born)
    assert refused(promote, record, "activist", D("2026-03-04")) == (
        "member M-1: is under 18 on 2026-03-04 (born 2008-03-05): the next step, activist, "
        f"can come on or after the 18th birthday, 2026-03-05; allowed now: promote --to activist, "
        f"{ALWAYS}"
    )
    assert promote(record, "activist", D("2026-03-05"))["activist_on"] == D("2026-03-05")


def test_an_unknown_birth_date_holds_no_step_back() -> None:
    for fields in ({"id_number": 451102200803051234}, {"id_number": "4511022008130"}, {}):
        out = promote(member("applicant", **fields), "activist", D("2010-01-01"))
        assert out["stage"] == "activist"


def test_an_activist_is_trained_a_year() -> None:
    record = member("activist", activist_on=D("2025-03-05"))
    assert refused(promote, record, "candidate", D("2026-03-04")) == (
        "member M-1: became an activist on 2025-03-05: an activist is trained at least a year, "
        "so the next step, candidate, can come on or after 2026-03-05; allowed now: "
        f"promote --to candidate, {ALWAYS}"
    )
    assert promote(record, "candidate", D("2026-03-05"))["candidate_on"] == D("2026-03-05")


CANDIDATE = member("candidate", candidate_on=D("2025-01-01"), trained_on=D("2025-06-01"))
TO_PROBATIONARY = f"allowed now: promote --to probationary, {ALWAYS}"


def test_a_candidate_needs_training_then_a_vote() -> None:
    untrained = {k: v for k, v in CANDIDATE.items() if k != "trained_on"}
    assert refused(promote, untrained, "probationary", D("2025-07-01"), (10, 9, 8)) == (
        "member M-1: has no trained_on: the next step, probationary, needs the concentrated "
        "training (集中培训) first; record it with `member update M-1 --trained-on DATE`; "
        + TO_PROBATIONARY
    )
    assert refused(promote, CANDIDATE, "probationary", D("2025-05-31"), (10, 9, 8)) == (
        "member M-1: was trained on 2025-06-01, after 2025-05-31: the next step, probationary, "
        "comes after the concentrated training; " + TO_PROBATIONARY
    )
    assert refused(promote, CANDIDATE, "probationary", D("2025-07-01")) == (
        "member M-1: the next step, probationary, needs the branch meeting's vote: "
        "--vote ELIGIBLE,PRESENT,FOR; " + TO_PROBATIONARY
    )
    assert refused(promote, CANDIDATE, "probationary", D("2025-07-01"), (10, 5, 5)) == (
        "member M-1: the branch meeting's vote does not admit the member to the next step, "
        "probationary: 5 of 10 eligible present; more than half (at least 6) must be present; "
        + TO_PROBATIONARY
    )
    out = promote(CANDIDATE, "probationary", D("2025-06-01"), (10, 6, 6))  # trained that day
    assert out == {
        **CANDIDATE,
        "stage": "probationary",
        "probationary_on": D("2025-06-01"),
        "vote_eligible": 10,
        "vote_present": 6,
        "vote_for": 6,
    }


FULL_MOVES = f"allowed now: promote --to full, extend-probation, cancel-probation, {ALWAYS}"


def test_a_probationary_member_is_full_when_probation_ends_and_from_that_day() -> None:
    record = member("probationary", probationary_on=D("2025-03-05"))
    assert refused(promote, record, "full", D("2026-03-04")) == (
        "member M-1: the probation ends on 2026-03-05: the next step, full, cannot come on "
        "2026-03-04; " + FULL_MOVES
    )
    assert promote(record, "full", D("2026-03-05"))["full_on"] == D("2026-03-05")
    late = promote(record, "full", D("2026-05-01"))
    assert late == {**record, "stage": "full", "full_on": D("2026-03-05")}


def test_an_extended_probation_ends_on_its_extended_day() -> None:
    record = member(
        "probationary", probationary_on=D("2025-03-05"), probation_extended_to=D("2026-09-05")
    )
    assert refused(promote, record, "full", D("2026-09-04")) == (
        "member M-1: the probation (extended) ends on 2026-09-05: the next step, full, cannot "
        "come on 2026-09-04; allowed now: promote --to full, cancel-probation, " + ALWAYS
    )
    assert promote(record, "full", D("2026-09-30"))["full_on"] == D("2026-09-05")


def test_no_full_member_without_the_day_probation_began() -> None:
    assert refused(promote, member("probationary"), "full", D("2026-01-01")) == (
        "member M-1: has no probationary_on: the next step, full, comes when the probation year "
        "ends, and the day it began is not recorded; " + FULL_MOVES
    )


# --- extending and cancelling probation -----------------------------------------------------------

PROBATIONARY = member("probationary", probationary_on=D("2025-03-05"))


def test_probation_is_extended_6_to_12_months_after_the_year_ends() -> None:
    for to in (D("2026-09-05"), D("2027-03-05")):
        out = extend_probation(PROBATIONARY, to, D("2026-03-01"), "表现欠佳")
        assert out == {
            **PROBATIONARY,
            "probation_extended_to": to,
            "notes": f"2026-03-01 延长预备期至 {to.isoformat()}：表现欠佳",
        }
    for to in (D("2026-09-04"), D("2027-03-06")):
        assert refused(extend_probation, PROBATIONARY, to, D("2026-03-01"), "x") == (
            "member M-1: probation may be extended by 6 to 12 months: to a day from 2026-09-05 "
            f"to 2027-03-05, not {to.isoformat()}; " + FULL_MOVES
        )


def test_the_extension_note_is_added_to_the_notes() -> None:
    out = extend_probation({**PROBATIONARY, "notes": "旧"}, D("2026-10-01"), D("2026-03-01"), "因")
    assert out["notes"] == "旧\n2026-03-01 延长预备期至 2026-10-01：因"


def test_probation_is_extended_once_and_only_probation() -> None:
    extended = {**PROBATIONARY, "probation_extended_to": D("2026-10-01")}
    assert refused(extend_probation, extended, D("2026-12-01"), D("2026-03-01"), "x") == (
        "member M-1: probation was extended already, to 2026-10-01: it can be extended only "
        f"once; allowed now: promote --to full, cancel-probation, {ALWAYS}"
    )
    assert refused(
        extend_probation, member("candidate"), D("2026-12-01"), D("2026-03-01"), "x"
    ) == (
        "member M-1: is candidate: only a probationary member's probation can be extended; "
        + TO_PROBATIONARY
    )
    assert refused(
        extend_probation, member("probationary"), D("2026-12-01"), D("2026-03-01"), "x"
    ) == ("member M-1: has no probationary_on: the probation year is not known; " + FULL_MOVES)


def test_cancelling_probation_is_leaving_the_roster() -> None:
    out = cancel_probation(PROBATIONARY, D("2026-03-01"), "不合格")
    assert out == {
        **PROBATIONARY,
        "left_on": D("2026-03-01"),
        "left_reason": "不合格",
        "left_kind": "probation_cancelled",
    }
    assert refused(cancel_probation, member("full"), D("2026-03-01"), "x") == (
        "member M-1: is full: only a probationary member's probation can be cancelled; "
        f"allowed now: {ALWAYS}"
    )


# --- verify, transfer, leave, and a member who left -----------------------------------------------


def test_verify_transfer_and_leave() -> None:
    record = member("full", branch="B-1")
    assert verify(record, "verified", D("2026-01-02")) == {
        **record,
        "verification": "verified",
        "verified_on": D("2026-01-02"),
    }
    assert transfer(record, "B-2") == {**record, "branch": "B-2"}
    assert refused(transfer, record, "B-1") == "member M-1 is in B-1 already"
    assert leave(record, "迁出", D("2026-01-03")) == {
        **record,
        "left_on": D("2026-01-03"),
        "left_reason": "迁出",
    }
    assert leave(record, "迁出", D("2026-01-03"), "moved")["left_kind"] == "moved"


LEFT = member("probationary", left_on=D("2026-01-01"), probationary_on=D("2025-03-05"))


@pytest.mark.parametrize(
    ("what", "move", "args"),
    [
        ("promote", promote, ("full", D("2026-06-01"))),
        ("extend probation", extend_probation, (D("2026-10-01"), D("2026-03-01"), "x")),
        ("cancel probation", cancel_probation, (D("2026-03-01"), "x")),
        ("verify", verify, ("verified", D("2026-03-01"))),
        ("transfer", transfer, ("B-2",)),
        ("leave", leave, ("x", D("2026-03-01"))),
    ],
)
def test_a_member_who_left_cannot_move(what: str, move: Callable[..., Any], args: tuple) -> None:
    assert refused(move, LEFT, *args) == (
        f"member M-1 left on 2026-01-01: cannot {what}; allowed now: none"
    )


# --- the petition lifecycle -----------------------------------------------------------------------


def test_the_moves_allowed_from_each_status() -> None:
    assert {s: allowed_moves(s) for s in ("received", "assigned", "resolved", "closed")} == {
        "received": ["assign", "reject", "withdraw", "extend"],
        "assigned": ["assign", "resolve", "reject", "withdraw", "extend"],
        "resolved": ["close", "reopen", "callback"],
        "closed": ["reopen", "callback"],
    }
    assert allowed_moves("assigned", extended=True) == ["assign", "resolve", "reject", "withdraw"]
    assert allowed_moves("resolved", extended=True) == ["close", "reopen", "callback"]
    assert allowed_moves("rejected") == [] and allowed_moves("withdrawn") == []
    assert set(CALLBACK_WORDS) == {"satisfied", "basic", "unsatisfied", "unreachable"}
    assert set(PETITION_MOVES) == {
        "assign", "resolve", "close", "reopen", "reject", "withdraw", "extend", "callback"
    }  # fmt: skip


PETITION = {
    "id": "P-1",
    "status": "received",
    "received": D("2026-06-01"),
    "due": D("2026-06-10"),
    "events": [{"on": D("2026-06-01"), "status": "received", "by": "王"}],
}


def event(on: str, status: str, note: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"on": D(on), "status": status}
    if note is not None:
        out["note"] = note
    return {**out, "by": BY}


@pytest.mark.parametrize(
    ("status", "action", "extended", "allowed"),
    [
        ("received", "resolve", False, "assign, reject, withdraw, extend"),
        ("received", "close", True, "assign, reject, withdraw"),
        ("closed", "resolve", False, "reopen, callback"),
        ("resolved", "assign", False, "close, reopen, callback"),
        ("rejected", "reopen", False, "none (it is finished)"),
        ("withdrawn", "callback", False, "none (it is finished)"),
    ],
)
def test_a_refused_move_says_every_move_allowed_now(
    status: str, action: str, extended: bool, allowed: str
) -> None:
    record = {**PETITION, "status": status}
    if extended:
        record["extended_on"] = D("2026-06-02")
    assert refused(move_petition, record, action, D("2026-06-05"), BY) == (
        f"petition P-1 is {status}: cannot {action}; allowed now: {allowed}"
    )


def test_a_petition_without_a_status_is_received() -> None:
    record = {k: v for k, v in PETITION.items() if k != "status"}
    assert refused(move_petition, record, "close", D("2026-06-05"), BY) == (
        "petition P-1 is received: cannot close; allowed now: assign, reject, withdraw, extend"
    )
    assert move_petition(record, "reject", D("2026-06-05"), BY)["status"] == "rejected"


def test_assign_keeps_the_first_transfer_date() -> None:
    first = move_petition(PETITION, "assign", D("2026-06-02"), BY, assignee="B-1")
    assert first == {
        **PETITION,
        "status": "assigned",
        "assignee": "B-1",
        "assigned_on": D("2026-06-02"),
        "events": [*PETITION["events"], event("2026-06-02", "assigned", "→ B-1")],
    }
    again = move_petition(first, "assign", D("2026-06-03"), BY, note="改派", assignee="B-2")
    assert again["assignee"] == "B-2" and again["assigned_on"] == D("2026-06-02")
    assert again["events"][-1] == event("2026-06-03", "assigned", "改派")
    assert PETITION["events"] == [{"on": D("2026-06-01"), "status": "received", "by": "王"}]


def test_resolve_close_and_reopen() -> None:
    assigned = {**PETITION, "status": "assigned", "assignee": "B-1"}
    resolved = move_petition(assigned, "resolve", D("2026-06-04"), BY, note="已修")
    assert resolved == {
        **assigned,
        "status": "resolved",
        "resolved_on": D("2026-06-04"),
        "resolution": "已修",
        "events": [*PETITION["events"], event("2026-06-04", "resolved", "已修")],
    }
    closed = move_petition(resolved, "close", D("2026-06-05"), BY, satisfaction=4)
    assert closed["status"] == "closed" and closed["closed_on"] == D("2026-06-05")
    assert closed["satisfaction"] == 4
    assert closed["events"][-1] == event("2026-06-05", "closed")
    assert "satisfaction" not in move_petition(resolved, "close", D("2026-06-05"), BY)
    called = move_petition(closed, "callback", D("2026-06-06"), BY, result="basic")
    reopened = move_petition(called, "reopen", D("2026-06-07"), BY, note="又坏了")
    for name in (
        "resolved_on",
        "closed_on",
        "resolution",
        "satisfaction",
        "callback_on",
        "callback",
    ):
        assert name not in reopened
    assert reopened["status"] == "assigned" and reopened["assignee"] == "B-1"
    assert reopened["events"][-1] == event("2026-06-07", "assigned", "又坏了")
    assert len(reopened["events"]) == 5


def test_reopen_of_a_petition_resolved_but_not_closed() -> None:
    resolved = {
        **PETITION,
        "status": "resolved",
        "resolved_on": D("2026-06-04"),
        "resolution": "修",
    }
    out = move_petition(resolved, "reopen", D("2026-06-05"), BY)
    assert out == {
        **PETITION,
        "status": "assigned",
        "events": [*PETITION["events"], event("2026-06-05", "assigned")],
    }


@pytest.mark.parametrize(("action", "status"), [("reject", "rejected"), ("withdraw", "withdrawn")])
def test_reject_and_withdraw_end_it(action: str, status: str) -> None:
    out = move_petition(PETITION, action, D("2026-06-02"), BY, note="不属受理范围")
    assert out == {
        **PETITION,
        "status": status,
        "events": [*PETITION["events"], event("2026-06-02", status, "不属受理范围")],
    }


def test_callbacks_are_in_date_order_and_written_in_chinese() -> None:
    resolved = {**PETITION, "status": "resolved"}
    first = move_petition(resolved, "callback", D("2026-06-06"), BY, result="satisfied")
    assert first == {
        **resolved,
        "callback_on": D("2026-06-06"),
        "callback": "satisfied",
        "events": [*PETITION["events"], event("2026-06-06", "resolved", "回访满意")],
    }
    same_day = move_petition(
        first, "callback", D("2026-06-06"), BY, note="补充", result="unreachable"
    )
    assert same_day["events"][-1] == event("2026-06-06", "resolved", "回访未联系上：补充")
    assert refused(move_petition, first, "callback", D("2026-06-05"), BY, result="basic") == (
        "petition P-1 had its last callback on 2026-06-06: a later one cannot come on "
        "2026-06-05; allowed now: close, reopen, callback"
    )


def test_an_extension_moves_due_later_once_before_time_runs_out() -> None:
    out = move_petition(PETITION, "extend", D("2026-06-10"), BY, to=D("2026-06-20"))
    assert out == {
        **PETITION,
        "extended_on": D("2026-06-10"),
        "due": D("2026-06-20"),
        "events": [*PETITION["events"], event("2026-06-10", "received", "延期至 2026-06-20")],
    }
    noted = move_petition(
        PETITION, "extend", D("2026-06-01"), BY, note="材料多", to=D("2026-06-11")
    )
    assert noted["events"][-1] == event("2026-06-01", "received", "延期至 2026-06-11：材料多")
    assert refused(move_petition, out, "extend", D("2026-06-11"), BY, to=D("2026-06-30")) == (
        "petition P-1 was extended on 2026-06-10 already: a petition is extended at most once; "
        "allowed now: assign, reject, withdraw"
    )
    assert refused(move_petition, PETITION, "extend", D("2026-06-05"), BY, to=D("2026-06-10")) == (
        "petition P-1 is due 2026-06-10: an extension must move it later than that, "
        "not to 2026-06-10"
    )
    assert refused(move_petition, PETITION, "extend", D("2026-06-11"), BY, to=D("2026-06-30")) == (
        "petition P-1 was due 2026-06-10 and is overdue on 2026-06-11: an extension is asked for "
        "before the time runs out; allowed now: assign, reject, withdraw"
    )
    assert refused(move_petition, PETITION, "extend", D("2026-05-31"), BY, to=D("2026-06-30")) == (
        "petition P-1 was received on 2026-06-01: it cannot be extended on 2026-05-31"
    )
    no_status = {k: v for k, v in out.items() if k != "status"}
    assert refused(move_petition, no_status, "extend", D("2026-06-11"), BY, to=D("2026-06-30")) == (
        "petition P-1 was extended on 2026-06-10 already: a petition is extended at most once; "
        "allowed now: assign, reject, withdraw"
    )
    assigned = {**out, "status": "assigned"}
    assert refused(move_petition, assigned, "extend", D("2026-06-11"), BY, to=D("2026-06-30")) == (
        "petition P-1 was extended on 2026-06-10 already: a petition is extended at most once; "
        "allowed now: assign, resolve, reject, withdraw"
    )
    undated = {"id": "P-2", "status": "assigned"}  # no due, no received: nothing to compare
    assert move_petition(undated, "extend", D("2026-06-05"), BY, to=D("2026-06-06"))["due"] == D(
        "2026-06-06"
    )
