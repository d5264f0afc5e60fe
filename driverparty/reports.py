"""The figures committees report upward (SPEC section 4 "Reports", issue 4).

Pure functions of the loaded records, the county's config and an as-of date, returning rows of
English keys and codes (``output`` translates and renders them). "As of" a date: branches
founded and not dissolved by then, stations opened and not closed, members who had entered the
pipeline and not left, each at the stage its dates show for that day, petitions received by
then, at the status their dates show. Imports driverparty.models, checks, config.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from driverparty.checks import Records
from driverparty.config import Config
from driverparty.models import KINDS, is_active
from driverparty.models.member import PARTY_STAGES, STAGE_DATES, STAGES, probation_ends
from driverparty.models.petition import DONE_STATUSES, OPEN_STATUSES

Row = dict[str, Any]
Record = dict[str, Any]
DUE_WINDOW = timedelta(days=30)  # "the probation year has ended or ends within 30 days"


def percent(part: int, whole: int) -> float | None:
    """A percent with one decimal, rounded half away from zero; None when whole is 0."""
    if whole == 0:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP))


# --- records as of a date ----------------------------------------------------------------------


def stage_as_of(member: Record, as_of: date) -> str | None:
    """The member's stage on ``as_of`` from the stage dates; None if not yet in the pipeline.
    A member without any stage date is taken at their recorded stage."""
    dates = [(i, member.get(name)) for i, name in enumerate(STAGE_DATES)]
    known = [(i, d) for i, d in dates if d is not None]
    if not known:
        return str(member["stage"])
    reached = [i for i, d in known if d <= as_of]
    if not reached:
        return None
    return STAGES[max(reached)]


def members_as_of(records: Records, as_of: date) -> list[Record]:
    """Active members on ``as_of``, each with ``stage`` (and verification) as of that day."""
    out = []
    for m in records.by_kind["member"].values():
        if not is_active("member", m, as_of):
            continue
        stage = stage_as_of(m, as_of)
        if stage is None:
            continue
        view = dict(m, stage=stage)
        if m.get("verified_on") and m["verified_on"] > as_of:
            view.pop("verification", None)
            view.pop("verified_on", None)
        out.append(view)
    return out


def party_members(members: Iterable[Record]) -> list[Record]:
    return [m for m in members if m["stage"] in PARTY_STAGES]


def active(records: Records, kind: str, as_of: date) -> list[Record]:
    return [r for r in records.by_kind[kind].values() if is_active(kind, r, as_of)]


def petition_due(p: Record, config: Config) -> date:
    due = p.get("due")
    if isinstance(due, date):
        return due
    received: date = p["received"]
    return received + timedelta(days=config.petitions.due_days_for(p["category"]))


def petitions_as_of(records: Records, config: Config, as_of: date) -> list[Record]:
    """Petitions received by ``as_of``, with status and workflow dates as of that day."""
    out = []
    for p in records.by_kind["petition"].values():
        if p["received"] > as_of:
            continue
        view = dict(p, due=petition_due(p, config))
        for name in ("assigned_on", "resolved_on", "closed_on"):
            if view.get(name) and view[name] > as_of:
                view.pop(name)
        status = p.get("status", "received")
        if status in ("rejected", "withdrawn"):
            ended = [e["on"] for e in p.get("events", []) if e.get("status") == status]
            if ended and min(ended) > as_of:
                status = "assigned" if view.get("assigned_on") else "received"
        else:
            status = (
                "closed"
                if view.get("closed_on")
                else "resolved"
                if view.get("resolved_on")
                else "assigned"
                if view.get("assigned_on")
                else "received"
            )
        view["status"] = status
        out.append(view)
    return out


def is_open(p: Record) -> bool:
    return p["status"] in OPEN_STATUSES


def is_done(p: Record) -> bool:
    return p["status"] in DONE_STATUSES


def is_overdue(p: Record, as_of: date) -> bool:
    return is_open(p) and as_of > p["due"]


def responded_on_time(p: Record, config: Config) -> bool:
    return bool(p["assigned_on"] <= p["received"] + timedelta(days=config.petitions.respond_days))


def resolved_on_time(p: Record) -> bool:
    return bool(p["resolved_on"] <= p["due"])


# --- summary -----------------------------------------------------------------------------------


def rate_parts(records: Records, config: Config, as_of: date) -> dict[str, tuple[int, int]]:
    """Numerators and denominators of the summary's rates (rollup sums these)."""
    petitions = petitions_as_of(records, config, as_of)
    assigned = [p for p in petitions if p.get("assigned_on")]
    resolved = [p for p in petitions if p.get("resolved_on")]
    return {
        "petitions.responded_on_time_rate": (
            sum(responded_on_time(p, config) for p in assigned),
            len(assigned),
        ),
        "petitions.resolved_on_time_rate": (
            sum(resolved_on_time(p) for p in resolved),
            len(resolved),
        ),
    }


def summary(records: Records, config: Config, as_of: date) -> list[Row]:
    """Rows of ``section``, ``metric``, ``value`` (SPEC section 4, ``summary``)."""
    rows: list[Row] = []

    def add(section: str, metric: str, value: Any) -> None:
        rows.append({"section": section, "metric": metric, "value": value})

    branches = active(records, "branch", as_of)
    add("branches", "total", len(branches))
    kinds = Counter(b["kind"] for b in branches)
    for code in KINDS["branch"].fields["kind"].choices:
        add("branches", code, kinds[code])

    members = members_as_of(records, as_of)
    party = party_members(members)
    add("members", "total", len(members))
    add("members", "party", len(party))
    stages = Counter(m["stage"] for m in members)
    for stage in STAGES:
        add("members", stage, stages[stage])
    add("members", "mobile", sum(1 for m in party if m.get("mobile")))
    add("members", "unattached", sum(1 for m in party if not m.get("branch")))
    add("members", "due_for_full", len(pipeline_due(records, as_of)))
    add("members", "screening_due", len(screening(records, config, as_of)))

    stations = active(records, "station", as_of)
    add("stations", "total", len(stations))
    skinds = Counter(s["kind"] for s in stations)
    for code in KINDS["station"].fields["kind"].choices:
        add("stations", code, skinds[code])
    standard = set(config.standard())
    add(
        "stations",
        "meeting_standard",
        sum(1 for s in stations if standard <= set(s.get("amenities", []))),
    )

    petitions = petitions_as_of(records, config, as_of)
    add("petitions", "total", len(petitions))
    add("petitions", "open", sum(1 for p in petitions if is_open(p)))
    add("petitions", "resolved", sum(1 for p in petitions if is_done(p)))
    add("petitions", "overdue", sum(1 for p in petitions if is_overdue(p, as_of)))
    for metric, (part, whole) in rate_parts(records, config, as_of).items():
        add("petitions", metric.split(".", 1)[1], percent(part, whole))
    add(
        "petitions",
        "wishes_fulfilled",
        sum(1 for p in petitions if p.get("kind") == "wish" and is_done(p)),
    )
    return rows


# --- report members / petitions ----------------------------------------------------------------

MEMBER_BY = ("stage", "occupation", "branch", "employer", "county", "verification", "tags")
PETITION_BY = ("category", "status", "channel", "kind", "station", "assignee", "month")


def _ordered(counts: dict[Any, Any], order: Iterable[str] = ()) -> list[Any]:
    """Keys in the field's code order when it has one, else by name; unset last."""
    rank = {code: i for i, code in enumerate(order)}
    return sorted(counts, key=lambda k: (k is None, rank.get(k, len(rank)), str(k)))


def report_members(records: Records, config: Config, as_of: date, by: str) -> list[Row]:
    """Active members (party and pipeline) counted by one field."""
    members = members_as_of(records, as_of)
    branches = records.by_kind["branch"]
    counts: Counter[Any] = Counter()
    for m in members:
        if by == "tags":
            for tag in m.get("tags") or [None]:
                counts[tag] += 1
        elif by == "county":
            branch = branches.get(m.get("branch") or "")
            counts[(branch or {}).get("county") or config.county] += 1
        else:
            counts[m.get(by)] += 1
    field = KINDS["member"].fields.get(by)
    return [
        {by: key, "count": counts[key]} for key in _ordered(counts, field.choices if field else ())
    ]


def report_petitions(
    records: Records,
    config: Config,
    as_of: date,
    by: str,
    since: date | None = None,
    until: date | None = None,
) -> list[Row]:
    petitions = [
        p
        for p in petitions_as_of(records, config, as_of)
        if (since is None or p["received"] >= since) and (until is None or p["received"] <= until)
    ]
    groups: dict[Any, list[Record]] = {}
    for p in petitions:
        key = p["received"].strftime("%Y-%m") if by == "month" else p.get(by)
        groups.setdefault(key, []).append(p)
    field = KINDS["petition"].fields.get(by)
    rows = []
    for key in _ordered(groups, field.choices if field else ()):
        group = groups[key]
        resolved = [p for p in group if p.get("resolved_on")]
        days = [(p["resolved_on"] - p["received"]).days for p in resolved]
        median = statistics.median(days) if days else None
        rows.append(
            {
                by: key,
                "total": len(group),
                "resolved": sum(1 for p in group if is_done(p)),
                "overdue": sum(1 for p in group if is_overdue(p, as_of)),
                "resolved_on_time_rate": percent(
                    sum(resolved_on_time(p) for p in resolved), len(resolved)
                ),
                "median_days_to_resolve": (
                    int(median) if median is not None and median == int(median) else median
                ),
            }
        )
    return rows


# --- coverage, screening, pipeline, stations ---------------------------------------------------


def coverage(records: Records, as_of: date) -> list[Row]:
    """Where party organisation is missing (SPEC: report coverage)."""
    party = party_members(members_as_of(records, as_of))
    attached = [m for m in party if m.get("branch")]
    rows: list[Row] = [
        {"finding": "coverage_rate", "subject": None, "value": percent(len(attached), len(party))}
    ]
    hosts = {b.get("host") for b in active(records, "branch", as_of) if b.get("host")}
    by_employer: dict[str, list[Record]] = {}
    for m in party:
        if m.get("employer"):
            by_employer.setdefault(m["employer"], []).append(m)
    for employer in sorted(by_employer):
        group = by_employer[employer]
        if len(group) >= 3 and employer not in hosts:
            rows.append({"finding": "should_form_branch", "subject": employer, "value": len(group)})
    for employer in sorted(by_employer):
        group = by_employer[employer]
        if len(group) <= 2 and any(not m.get("branch") for m in group):
            rows.append(
                {"finding": "should_join_joint_branch", "subject": employer, "value": len(group)}
            )
    for m in _by_id(party):
        if not m.get("branch"):
            rows.append({"finding": "unattached_member", "subject": m["id"], "value": None})
    for s in _by_id(active(records, "station", as_of)):
        if not s.get("branch"):
            rows.append({"finding": "station_without_branch", "subject": s["id"], "value": None})
    return rows


def _by_id(items: Iterable[Record]) -> list[Record]:
    from driverparty.schema import id_sort_key

    return sorted(items, key=lambda r: id_sort_key(r["id"]))


def screening(records: Records, config: Config, as_of: date) -> list[Row]:
    """Party members due for re-verification, most overdue first, never-verified first."""
    interval = config.screening.interval_days
    rows = []
    for m in party_members(members_as_of(records, as_of)):
        verified = m.get("verified_on")
        if verified is None:
            overdue = None
        elif (as_of - verified).days > interval:
            overdue = (as_of - (verified + timedelta(days=interval))).days
        else:
            continue
        rows.append(
            {
                "id": m["id"],
                "name": m["name"],
                "branch": m.get("branch"),
                "verified_on": verified,
                "days_overdue": overdue,
            }
        )
    never = _by_id(r for r in rows if r["days_overdue"] is None)
    late = sorted(
        (r for r in rows if r["days_overdue"] is not None),
        key=lambda r: (-r["days_overdue"], r["id"]),
    )
    return never + late


def pipeline(records: Records, as_of: date) -> list[Row]:
    counts = Counter(m["stage"] for m in members_as_of(records, as_of))
    return [{"stage": stage, "count": counts[stage]} for stage in STAGES]


def pipeline_due(records: Records, as_of: date) -> list[Row]:
    """Probationary members whose probation year has ended or ends within 30 days."""
    rows = []
    for m in _by_id(members_as_of(records, as_of)):
        if m["stage"] != "probationary" or not m.get("probationary_on"):
            continue
        ends = probation_ends(m["probationary_on"])
        if ends <= as_of + DUE_WINDOW:
            rows.append(
                {
                    "id": m["id"],
                    "name": m["name"],
                    "branch": m.get("branch"),
                    "probationary_on": m["probationary_on"],
                    "full_due": ends,
                }
            )
    return rows


def stations_standard(
    records: Records, config: Config, as_of: date, standard: str | None = None
) -> list[Row]:
    needed = config.standard(standard)
    rows = []
    for s in _by_id(active(records, "station", as_of)):
        have = set(s.get("amenities", []))
        missing = [a for a in needed if a not in have]
        rows.append(
            {
                "id": s["id"],
                "name": s["name"],
                "kind": s["kind"],
                "meets": not missing,
                "missing": missing,
            }
        )
    return rows


REPORTS: dict[str, Callable[..., list[Row]]] = {
    "members": report_members,
    "petitions": report_petitions,
    "coverage": coverage,
    "screening": screening,
    "pipeline": pipeline,
    "stations": stations_standard,
}
