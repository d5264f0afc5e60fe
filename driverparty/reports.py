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
from driverparty.models.activity import ACTIVITY_KINDS
from driverparty.models.member import PARTY_STAGES, STAGE_DATES, STAGES, full_day
from driverparty.models.petition import DONE_STATUSES, OPEN_STATUSES, REACHED, SATISFIED
from driverparty.periods import Period, Window, quarter_of, units, window

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
    A member without any stage date is taken at their recorded stage. A recorded stage whose
    own date is missing (an office's roster gives 入党日期 but no 转正日期) was reached at the
    latest from the dates there are: a full member at the end of their probation, another
    stage on the latest date known."""
    dates = [(i, member.get(name)) for i, name in enumerate(STAGE_DATES)]
    known = [(i, d) for i, d in dates if d is not None]
    if not known:
        return str(member["stage"])
    now = STAGES.index(str(member["stage"]))
    if now < len(STAGE_DATES) and dates[now][1] is None and now > max(i for i, _d in known):
        on = max(d for _i, d in known)
        if STAGES[now] == "full" and member.get("probationary_on"):
            on = full_day(member["probationary_on"], member.get("probation_extended_to"))
        known.append((now, on))
    reached = [i for i, d in known if d <= as_of]
    if not reached:
        return None
    return STAGES[max(reached)]


def members_as_of(records: Records, as_of: date, with_left: bool = False) -> list[Record]:
    """Active members on ``as_of`` (and, ``with_left``, those who had left by then), each with
    ``stage`` (and verification) as of that day."""
    out = []
    for m in records.by_kind["member"].values():
        if not is_active("member", m, as_of):
            if not (with_left and m.get("left_on") and m["left_on"] <= as_of):
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
    """The petition's ``due`` (an extended one's new due), else received + the category's
    limit in the county's unit."""
    due = p.get("due")
    if isinstance(due, date):
        return due
    received: date = p["received"]
    return config.clock.add(received, config.petitions.due_days_for(p["category"]))


def petitions_as_of(records: Records, config: Config, as_of: date) -> list[Record]:
    """Petitions received by ``as_of``, with status and workflow dates as of that day."""
    out = []
    for p in records.by_kind["petition"].values():
        if p["received"] > as_of:
            continue
        view = dict(p, due=petition_due(p, config))
        for name in ("assigned_on", "resolved_on", "closed_on", "extended_on", "callback_on"):
            if view.get(name) and view[name] > as_of:
                view.pop(name)
        if not view.get("callback_on"):
            view.pop("callback", None)
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
    """Assigned within ``respond_days`` of receipt, in the county's unit."""
    limit = config.clock.add(p["received"], config.petitions.respond_days)
    return bool(p["assigned_on"] <= limit)


def resolved_on_time(p: Record) -> bool:
    """Resolved by its ``due`` (an extended petition by its extended due)."""
    return bool(p["resolved_on"] <= p["due"])


def petitions_in(records: Records, config: Config, win: Window) -> list[Record]:
    """The petitions a window counts: received inside it, as they stood on its stock day."""
    return [p for p in petitions_as_of(records, config, win.stock) if p["received"] in win]


def petition_rates(petitions: list[Record], config: Config) -> dict[str, tuple[int, int]]:
    """Numerators and denominators of the petition rates (SPEC section 4 ``summary``):
    responded and resolved on time, callbacks over resolved or closed petitions, and
    satisfied-or-basic over the callbacks that reached the driver."""
    assigned = [p for p in petitions if p.get("assigned_on")]
    resolved = [p for p in petitions if p.get("resolved_on")]
    done = [p for p in petitions if is_done(p)]
    reached = [p for p in done if p.get("callback") in REACHED]
    return {
        "responded_on_time_rate": (
            sum(responded_on_time(p, config) for p in assigned),
            len(assigned),
        ),
        "resolved_on_time_rate": (sum(resolved_on_time(p) for p in resolved), len(resolved)),
        "callback_rate": (sum(1 for p in done if p.get("callback")), len(done)),
        "satisfaction_rate": (
            sum(1 for p in reached if p["callback"] in SATISFIED),
            len(reached),
        ),
    }


# --- summary -----------------------------------------------------------------------------------


def summary(
    records: Records, config: Config, as_of: date, period: Period | None = None
) -> list[Row]:
    """Rows of ``section``, ``metric``, ``value`` (SPEC section 4, ``summary``): stock figures
    as of ``as_of`` — or, with a ``period``, as of its end (``as_of`` if earlier) — and flow
    figures (recruitment by the stage dates, petitions by ``received``) inside the period, or
    up to ``as_of`` without one. The report page calls it the same way."""
    return summary_rows(summary_counts(records, config, as_of, period))


def summary_counts(
    records: Records, config: Config, as_of: date, period: Period | None = None
) -> dict[str, int]:
    """The summary (:func:`summary`) as counts, ``section.metric`` each in row order, and each
    rate as its ``….part`` and ``….whole``. Every count is a sum over records of what one
    record adds, so the counts of a set of records are the sums of its parts' (``rollup`` adds
    counties; a write carries a remembered summary on by the changed records alone, issue 22)."""
    win = window(period, as_of)
    day = win.stock
    counts: dict[str, int] = {}

    def add(section: str, metric: str, value: int) -> None:
        counts[f"{section}.{metric}"] = value

    def add_rate(metric: str) -> None:
        part, whole = rates[metric]
        counts[f"petitions.{metric}.part"] = part
        counts[f"petitions.{metric}.whole"] = whole

    branches = active(records, "branch", day)
    add("branches", "total", len(branches))
    kinds = Counter(b["kind"] for b in branches)
    for code in KINDS["branch"].fields["kind"].choices:
        add("branches", code, kinds[code])

    members = members_as_of(records, day)
    party = party_members(members)
    add("members", "total", len(members))
    add("members", "party", len(party))
    stages = Counter(m["stage"] for m in members)
    for stage in STAGES:
        add("members", stage, stages[stage])
    add("members", "mobile", sum(1 for m in party if m.get("mobile")))
    add("members", "unattached", sum(1 for m in party if not m.get("branch")))
    add("members", "due_for_full", len(pipeline_due(records, day)))
    add("members", "screening_due", len(screening(records, config, day)))
    everyone = records.by_kind["member"].values()  # flows count members who left since, too
    for metric, stage_date in (
        ("recruited", "applied_on"),
        ("admitted", "probationary_on"),
        ("converted", "full_on"),
    ):
        add("members", metric, sum(1 for m in everyone if m.get(stage_date) in win))

    stations = active(records, "station", day)
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

    petitions = petitions_in(records, config, win)
    rates = petition_rates(petitions, config)
    add("petitions", "total", len(petitions))
    add("petitions", "open", sum(1 for p in petitions if is_open(p)))
    add("petitions", "resolved", sum(1 for p in petitions if is_done(p)))
    add("petitions", "overdue", sum(1 for p in petitions if is_overdue(p, day)))
    for metric in ("responded_on_time_rate", "resolved_on_time_rate"):
        add_rate(metric)
    add(
        "petitions",
        "wishes_fulfilled",
        sum(1 for p in petitions if p.get("kind") == "wish" and is_done(p)),
    )
    add("petitions", "extended", sum(1 for p in petitions if p.get("extended_on")))
    for metric in ("callback_rate", "satisfaction_rate"):
        add_rate(metric)
    acts = activities_in(records, win.start, win.end)
    add("activities", "total", len(acts))
    akinds = Counter(a["kind"] for a in acts)
    for code in ACTIVITY_KINDS:
        add("activities", code, akinds[code])
    add("activities", "person_times", sum(person_times(a) for a in acts))
    add("activities", "served", sum(int(a.get("served") or 0) for a in acts))
    add("activities", "trips", sum(int(a.get("trips") or 0) for a in acts))
    # yuan as whole fen, so that the sum stays exact when a write carries it on (issue 22)
    add("activities", "amount.fen", sum(round(float(a.get("amount") or 0) * 100) for a in acts))
    return counts


def summary_rows(counts: dict[str, int]) -> list[Row]:
    """:func:`summary_counts` as the summary's rows: a rate is its part over its whole, as a
    percent (None when nothing was counted); yuan counted in fen are shown in yuan."""
    rows: list[Row] = []
    for key, value in counts.items():
        if key.endswith(".whole"):
            continue
        metric = key.removesuffix(".part").removesuffix(".fen")
        section, name = metric.split(".", 1)
        shown: int | float | None = value
        if key.endswith(".part"):
            shown = percent(value, counts[f"{metric}.whole"])
        elif key.endswith(".fen"):
            shown = number(value / 100)
        rows.append({"section": section, "metric": name, "value": shown})
    return rows


# --- report members / petitions ----------------------------------------------------------------

#: the fields ``report members`` and ``report petitions`` count by (SPEC section 4); the CLI's
#: ``--by`` choices are read from here (``cli.reports.ReportChoice``)
MEMBER_BY = (
    "stage",
    "occupation",
    "branch",
    "employer",
    "county",
    "verification",
    "tags",
    "gender",
    "mobile",
    "left_kind",
    "year_joined",
)
PETITION_BY = ("category", "status", "channel", "kind", "station", "assignee", "month")
PETITION_COLUMNS = (
    "total",
    "resolved",
    "overdue",
    "resolved_on_time_rate",
    "median_days_to_resolve",
    "callback_rate",
    "satisfaction_rate",
)


def _ordered(counts: dict[Any, Any], order: Iterable[str] = ()) -> list[Any]:
    """Keys in the field's code order when it has one, else by name; unset last."""
    rank = {code: i for i, code in enumerate(order)}
    return sorted(counts, key=lambda k: (k is None, rank.get(k, len(rank)), str(k)))


def member_columns(by: str) -> list[str]:
    """The columns of ``report members --by``: the field, its name for a branch, the count."""
    return [by, "name", "count"] if by == "branch" else [by, "count"]


def report_members(
    records: Records, config: Config, as_of: date, by: str, with_left: bool = False
) -> list[Row]:
    """Members (party and pipeline) who have not left — ``with_left``, those who left too —
    counted by one field. Every code of a code field appears, 0 where none; ``branch`` lists
    every branch standing on ``as_of`` and adds its name."""
    members = members_as_of(records, as_of, with_left)
    branches = records.by_kind["branch"]
    counts: Counter[Any] = Counter()
    for m in members:
        if by == "tags":
            for tag in m.get("tags") or [None]:
                counts[tag] += 1
        elif by == "county":
            branch = branches.get(m.get("branch") or "")
            counts[(branch or {}).get("county") or config.county] += 1
        elif by == "mobile":
            counts[bool(m.get("mobile"))] += 1
        elif by == "year_joined":
            joined = m.get("probationary_on")
            counts[joined.year if isinstance(joined, date) else None] += 1
        else:
            counts[m.get(by)] += 1
    field = KINDS["member"].fields.get(by)
    order: Iterable[Any] = field.choices if field else ()
    if by == "mobile":
        order = (False, True)
    elif by == "branch":
        order = [b["id"] for b in _by_id(active(records, "branch", as_of))]
    for code in order:
        counts.setdefault(code, 0)
    if by in ("mobile", "year_joined"):
        keys = sorted(counts, key=lambda k: (k is None, k or 0))
    elif by == "branch":
        from driverparty.schema import id_sort_key

        keys = sorted(counts, key=lambda k: (k is None, id_sort_key(k or "")))
    else:
        keys = _ordered(counts, order)
    rows: list[Row] = []
    for key in keys:
        row: Row = {by: key}
        if by == "branch":
            row["name"] = branches.get(key, {}).get("name") if key else None
        row["count"] = counts[key]
        rows.append(row)
    return rows


def report_petitions(
    records: Records,
    config: Config,
    as_of: date,
    by: str,
    since: date | None = None,
    until: date | None = None,
    period: Period | None = None,
) -> list[Row]:
    """Petitions received in the window (``period``, or ``since``..``until``) grouped by one
    field: total, resolved, overdue and the rates, as they stood on the window's end."""
    if period is None and (since is not None or until is not None):
        period = Period(since, until or as_of, "")
    petitions = petitions_in(records, config, window(period, as_of))
    day = window(period, as_of).stock
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
        rates = petition_rates(group, config)
        rows.append(
            {
                by: key,
                "total": len(group),
                "resolved": sum(1 for p in group if is_done(p)),
                "overdue": sum(1 for p in group if is_overdue(p, day)),
                "resolved_on_time_rate": percent(*rates["resolved_on_time_rate"]),
                "median_days_to_resolve": (
                    int(median) if median is not None and median == int(median) else median
                ),
                "callback_rate": percent(*rates["callback_rate"]),
                "satisfaction_rate": percent(*rates["satisfaction_rate"]),
            }
        )
    return rows


# --- coverage, screening, pipeline, stations ---------------------------------------------------


def coverage(records: Records, as_of: date) -> list[Row]:
    """Where party organisation is missing (SPEC: report coverage). Every row has a ``name``:
    the member's or station's for those findings, None otherwise. An employer's need for a
    branch counts its full members: three form a branch of their own, one or two join a joint
    branch (probationary members have no vote, issue 21)."""
    party = party_members(members_as_of(records, as_of))
    attached = [m for m in party if m.get("branch")]
    rows: list[Row] = [
        _finding("coverage_rate", None, percent(len(attached), len(party))),
    ]
    hosts = {b.get("host") for b in active(records, "branch", as_of) if b.get("host")}
    by_employer: dict[str, list[Record]] = {}
    for m in party:
        if m.get("employer") and m["stage"] == "full":
            by_employer.setdefault(m["employer"], []).append(m)
    for employer in sorted(by_employer):
        group = by_employer[employer]
        if len(group) >= 3 and employer not in hosts:
            rows.append(_finding("should_form_branch", employer, len(group)))
    for employer in sorted(by_employer):
        group = by_employer[employer]
        if len(group) <= 2 and any(not m.get("branch") for m in group):
            rows.append(_finding("should_join_joint_branch", employer, len(group)))
    for m in _by_id(party):
        if not m.get("branch"):
            rows.append(_finding("unattached_member", m["id"], None, m["name"]))
    for s in _by_id(active(records, "station", as_of)):
        if not s.get("branch"):
            rows.append(_finding("station_without_branch", s["id"], None, s["name"]))
    return rows


def _finding(finding: str, subject: str | None, value: Any, name: str | None = None) -> Row:
    return {"finding": finding, "subject": subject, "value": value, "name": name}


def party_by_branch(records: Records, as_of: date) -> list[Row]:
    """Party members per branch standing on ``as_of`` (0 where none), then those with no
    branch: the page's chart beside the coverage gauge, counting what the gauge counts."""
    counts = Counter(m.get("branch") for m in party_members(members_as_of(records, as_of)))
    rows: list[Row] = [
        {"branch": b["id"], "name": b["name"], "count": counts.pop(b["id"], 0)}
        for b in _by_id(active(records, "branch", as_of))
    ]
    unattached = counts.pop(None, 0)
    names = records.by_kind["branch"]
    for branch in sorted(counts, key=str):  # a branch dissolved, or one no file holds
        rows.append(
            {
                "branch": branch,
                "name": names.get(str(branch), {}).get("name"),
                "count": counts[branch],
            }
        )
    rows.append({"branch": None, "name": None, "count": unattached})
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
    """Probationary members whose probation (an extended one: its extended end) has ended or
    ends within 30 days."""
    rows = []
    for m in _by_id(members_as_of(records, as_of)):
        if m["stage"] != "probationary" or not m.get("probationary_on"):
            continue
        ends = full_day(m["probationary_on"], m.get("probation_extended_to"))
        if ends - DUE_WINDOW <= as_of:  # (as_of + 30 days could pass 9999-12-31)
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


# --- activities (issue 20) --------------------------------------------------------------------

#: what ``report activities --by`` groups by (SPEC section 4)
ACTIVITY_BY = ("kind", "month", "quarter", "branch", "station")
#: its figures, after the value (and the name of a branch or station)
ACTIVITY_COLUMNS = (
    "sessions",
    "participants",
    "person_times",
    "served",
    "vehicles",
    "trips",
    "amount",
    "hours",
)
STUDY_COLUMNS = ("id", "name", "branch", "hours", "short")
MEETING_COLUMNS = ("branch", "name", "kind", "required", "held", "missing", "attendance_rate")


def number(value: float) -> int | float:
    """A sum of yuan or hours as reported: a whole number as an int (``22000``, not
    ``22000.0``), else rounded to two decimals."""
    rounded = round(value, 2)
    return int(rounded) if rounded == int(rounded) else rounded


def activities_in(records: Records, start: date | None, end: date) -> list[Record]:
    """The activities dated from ``start`` (None: from the beginning) to ``end``, inclusive."""
    return [
        a
        for a in records.by_kind["activity"].values()
        if (start is None or a["date"] >= start) and a["date"] <= end
    ]


def person_times(activity: Record) -> int:
    """Person-times (人次) of an activity: the members who took part and the others."""
    return len(activity.get("participants", [])) + int(activity.get("others") or 0)


def activity_figures(activities: Iterable[Record]) -> Row:
    """The figures of a group of activities (SPEC: ``report activities``): ``hours`` are
    participant-hours, each activity's study hours times the members who took part."""
    acts = list(activities)
    return {
        "sessions": len(acts),
        "participants": sum(len(a.get("participants", [])) for a in acts),
        "person_times": sum(person_times(a) for a in acts),
        "served": sum(int(a.get("served") or 0) for a in acts),
        "vehicles": sum(int(a.get("vehicles") or 0) for a in acts),
        "trips": sum(int(a.get("trips") or 0) for a in acts),
        "amount": number(sum(float(a.get("amount") or 0) for a in acts)),
        "hours": number(
            sum(float(a.get("hours") or 0) * len(a.get("participants", [])) for a in acts)
        ),
    }


def _span(period: Period | None, as_of: date) -> tuple[date | None, date]:
    """The days a report counts flows over: the period's (up to ``as_of`` at the latest), or
    everything up to ``as_of`` without one."""
    if period is None:
        return None, as_of
    return period.start, period.stock_day(as_of)


def _quarter(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def report_activities(
    records: Records, as_of: date, by: str, period: Period | None = None
) -> list[Row]:
    """Activities dated inside the period (without one: up to ``as_of``) grouped by one of
    :data:`ACTIVITY_BY`: every kind; every month or quarter from the period's start (or the
    first activity) to its end; every branch standing at the end, and any other branch or
    station that organised or hosted one; activities naming none last."""
    start, end = _span(period, as_of)
    acts = activities_in(records, start, end)
    groups: dict[Any, list[Record]] = {}
    keys: list[Any] = []
    if by in ("month", "quarter"):
        label = (lambda d: d.strftime("%Y-%m")) if by == "month" else _quarter
        first = start or min((a["date"] for a in acts), default=None)
        if first is not None:
            keys = [label(lo) for lo, _ in units(first, end, by)]
        for a in acts:
            groups.setdefault(label(a["date"]), []).append(a)
    else:
        for a in acts:
            groups.setdefault(a.get(by), []).append(a)
        if by == "kind":
            keys = list(ACTIVITY_KINDS)
        elif by == "branch":
            keys = [b["id"] for b in _by_id(active(records, "branch", end))]
        named = _by_id({"id": k} for k in groups if k is not None and k not in keys)
        keys += [r["id"] for r in named]
        if None in groups:
            keys.append(None)
    rows = []
    for key in keys:
        row: Row = {by: key}
        if by in ("branch", "station"):
            row["name"] = records.by_kind[by].get(key or "", {}).get("name")
        row.update(activity_figures(groups.get(key, [])))
        rows.append(row)
    return rows


def activity_columns(by: str) -> list[str]:
    """The columns of ``report activities --by``: the value, a branch's or station's name,
    then the figures."""
    return [by, *(["name"] if by in ("branch", "station") else []), *ACTIVITY_COLUMNS]


def study(records: Records, config: Config, as_of: date, year: int | None = None) -> list[Row]:
    """Each party member (as of the year's end, or ``as_of`` if earlier) with the study hours
    of the activities they took part in that year and how many are still ``short`` of
    ``[activities] study_hours``: those short first, most short first, then by id."""
    year = year or as_of.year
    start, end = date(year, 1, 1), min(date(year, 12, 31), as_of)
    hours: dict[str, float] = {}
    for a in activities_in(records, start, end):
        for member in a.get("participants", []):
            hours[member] = hours.get(member, 0.0) + float(a.get("hours") or 0)
    need = config.activities.study_hours
    rows = []
    for m in _by_id(party_members(members_as_of(records, end))):
        got = number(hours.get(m["id"], 0.0))
        rows.append(
            {
                "id": m["id"],
                "name": m["name"],
                "branch": m.get("branch"),
                "hours": got,
                "short": number(max(0.0, need - got)),
            }
        )
    return sorted(rows, key=lambda r: -r["short"])  # stable: by id among equals


def meetings(
    records: Records, config: Config, as_of: date, period: Period | None = None
) -> list[Row]:
    """Organisational life per branch standing at the period's end (default: the quarter of
    ``as_of``) and per kind that ``[organisational_life]`` requires: ``required`` is the
    months (quarters, years) of the period from the branch's founding month that have begun
    by its end; ``missing`` those in which none was held, so three theme days in one month
    do not make up for two months without; ``held`` counts the sessions in those months;
    ``attendance_rate`` is participants over ``expected``, of the sessions that say it."""
    period = period or quarter_of(as_of)
    end = period.stock_day(as_of)
    held: dict[tuple[str, str], list[Record]] = {}
    for a in activities_in(records, None, end):
        if a.get("branch"):
            held.setdefault((a["branch"], a["kind"]), []).append(a)
    rows = []
    for b in _by_id(active(records, "branch", end)):
        founded: date = b["founded"]
        first = date(founded.year, founded.month, 1)
        start = max(period.start, first) if period.start else first
        for kind, every in config.life_every().items():
            spans = list(units(start, end, every)) if start <= end else []
            sessions = [
                a
                for a in held.get((b["id"], kind), [])
                if any(lo <= a["date"] <= hi for lo, hi in spans)
            ]
            missing = sum(1 for lo, hi in spans if not any(lo <= a["date"] <= hi for a in sessions))
            counted = [a for a in sessions if a.get("expected") is not None]
            rows.append(
                {
                    "branch": b["id"],
                    "name": b["name"],
                    "kind": kind,
                    "required": len(spans),
                    "held": len(sessions),
                    "missing": missing,
                    "attendance_rate": percent(
                        sum(len(a.get("participants", [])) for a in counted),
                        sum(int(a["expected"]) for a in counted),
                    ),
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
    "activities": report_activities,
    "study": study,
    "meetings": meetings,
}
