"""Petitions by the hotline's clock (SPEC sections 2 and 3, issue 21): limits in working days,
`petition extend` and `petition callback`, the rates a 12345/12328 hotline is judged on, report
periods, and `--where` on code fields — through the command line on real repositories."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run, git, make_repo, runner_for
from tests.test_reports import write
from tests.test_workflows import record, unchanged

WORKDAY = '[petitions]\nunit = "workday"\nrespond_days = 1\ndue_days = 7\n'


def county(tmp_path: Path, settings: str = WORKDAY) -> tuple[Path, Run]:
    repo = make_repo(tmp_path / "county")
    (repo / "driverparty.toml").write_text('county = "八步区"\n' + settings, encoding="utf-8")
    git(repo, "commit", "-qam", "settings")
    return repo, runner_for(repo)


def figures(run: Run, *args: str) -> dict[str, Any]:
    r = run("summary", "--format", "json", *args)
    assert r.exit_code == 0, r.stderr
    return {f"{x['section']}.{x['metric']}": x["value"] for x in json.loads(r.stdout)}


def rows(run: Run, *args: str) -> list[dict[str, Any]]:
    r = run(*args, "--format", "json")
    assert r.exit_code == 0, r.stderr
    data: list[dict[str, Any]] = json.loads(r.stdout)
    return data


def add(run: Run, received: str, *more: str) -> str:
    r = run(
        "petition", "add", "--received", received, "--channel", "hotline",
        "--category", "other", "--summary", "夜间停车难", *more,
    )  # fmt: skip
    assert r.exit_code == 0, r.stderr
    return r.stdout.strip()


# --- working days -----------------------------------------------------------------------------


def test_received_before_national_day_and_transferred_after_it_is_on_time(
    tmp_path: Path,
) -> None:
    repo, run = county(tmp_path)
    pid = add(run, "2025-09-30")  # a Tuesday; 1–8 October off, Saturday 11 October worked
    assert str(record(repo, "petitions", pid)["due"]) == "2025-10-16"  # 9, 10, 11, 13, 14, 15, 16
    r = run("petition", "assign", pid, "--to", "八步区交通运输局", "--on", "2025-10-09")
    assert r.exit_code == 0, r.stderr
    assert figures(run)["petitions.responded_on_time_rate"] == 100.0
    # counted in calendar days the same transfer is late
    settings = repo / "driverparty.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace('unit = "workday"', 'unit = "day"'),
        encoding="utf-8",
    )
    assert figures(run)["petitions.responded_on_time_rate"] == 0.0


def test_the_spring_festival_moves_a_due_date(tmp_path: Path) -> None:
    repo, run = county(tmp_path)
    pid = add(run, "2026-02-13")  # Friday; Saturday 14 worked, 15–23 off
    # 14, 24, 25, 26, 27, Saturday 28, Monday 2 March
    assert str(record(repo, "petitions", pid)["due"]) == "2026-03-02"


def test_the_county_calendar_corrects_the_national_tables(tmp_path: Path) -> None:
    repo, run = county(tmp_path, WORKDAY + "\n[calendar]\nholidays = [2025-10-09]\n")
    pid = add(run, "2025-09-30")
    assert str(record(repo, "petitions", pid)["due"]) == "2025-10-17"
    assert run("petition", "assign", pid, "--to", "x", "--on", "2025-10-10").exit_code == 0
    assert figures(run)["petitions.responded_on_time_rate"] == 100.0
    settings = repo / "driverparty.toml"
    settings.write_text(
        'county = "八步区"\n'
        + WORKDAY
        + "[calendar]\nholidays = [2025-10-09]\nworkdays = [2025-10-09]\n",
        encoding="utf-8",
    )
    r = run("summary")
    assert r.exit_code == 1
    assert (
        "driverparty.toml: calendar: 2025-10-09 is listed both as a holiday and as a working day"
        in r.stderr
    )
    settings.write_text('county = "八步区"\n[petitions]\nunit = "hour"\n', encoding="utf-8")
    r = run("summary")
    assert r.exit_code == 1 and "driverparty.toml: petitions.unit" in r.stderr


def test_a_year_with_no_holiday_table_is_counted_monday_to_friday_with_one_note(
    tmp_path: Path,
) -> None:
    repo, run = county(tmp_path)
    later = {"DRIVERPARTY_TODAY": "2027-03-01"}
    note = "note: no holiday table for 2027; counting Monday to Friday\n"
    r = run(
        "petition", "add", "--received", "2026-12-30", "--channel", "hotline",
        "--category", "other", "--summary", "x", env=later,
    )  # fmt: skip
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "P-0001\n" and r.stderr == note
    assert str(record(repo, "petitions", "P-0001")["due"]) == "2027-01-08"  # 31 Dec, then Mon–Fri
    for received in ("2027-01-04", "2027-02-01"):
        assert run(
            "petition", "add", "--received", received, "--channel", "hotline",
            "--category", "other", "--summary", "x", env=later,
        ).exit_code == 0  # fmt: skip
    r = run("petition", "assign", "P-0002", "--to", "x", "--on", "2027-01-05", env=later)
    assert r.exit_code == 0 and r.stderr == ""  # nothing counted in working days here
    for _ in range(2):  # on time? counted, then remembered: the note each time, once
        r = run("summary", env=later)
        assert r.exit_code == 0 and r.stderr == note
    r = run("summary", "--as-of", "2026-12-31", env=later)  # nothing of 2027 counted
    assert r.stderr == ""
    settings = repo / "driverparty.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace('unit = "workday"', 'unit = "day"'),
        encoding="utf-8",
    )
    assert run("summary", env=later).stderr == ""


# --- extend and callback -----------------------------------------------------------------------


def test_an_open_petition_is_extended_once_before_its_time_runs_out(dp: Run, repo: Path) -> None:
    # P-0038: assigned, due 2026-07-14
    r = dp("petition", "extend", "P-0038", "--to", "2026-08-14", "--note", "需等待交警事故认定书")
    assert r.exit_code == 0, r.stderr
    p = record(repo, "petitions", "P-0038")
    assert str(p["extended_on"]) == "2026-06-30" and str(p["due"]) == "2026-08-14"
    assert p["status"] == "assigned"
    assert p["events"][-1]["note"] == "延期至 2026-08-14：需等待交警事故认定书"
    err = unchanged(repo, dp, "petition", "extend", "P-0038", "--to", "2026-09-01", "--note", "x")
    assert "was extended on 2026-06-30 already: a petition is extended at most once" in err
    assert "allowed now: assign, resolve, reject, withdraw" in err
    err = unchanged(repo, dp, "petition", "extend", "P-0028", "--to", "2026-07-31", "--note", "x")
    assert "was due 2026-06-18 and is overdue on 2026-06-30" in err
    err = unchanged(repo, dp, "petition", "extend", "P-0039", "--to", "2026-07-01", "--note", "x")
    assert "is due 2026-07-14: an extension must move it later than that" in err
    err = unchanged(repo, dp, "petition", "extend", "P-0019", "--to", "2026-09-01", "--note", "x")
    assert "is resolved: cannot extend; allowed now: close, reopen, callback" in err
    assert dp("petition", "extend", "P-0039", "--to", "2026-09-01").exit_code == 2  # --note
    assert dp("petition", "extend", "P-0039", "--note", "x").exit_code == 2  # --to


def test_an_extended_petition_is_measured_against_its_extended_due(tmp_path: Path) -> None:
    repo, run = county(tmp_path)
    pid = add(run, "2026-06-01")  # due 2026-06-10
    assert run("petition", "assign", pid, "--to", "x", "--on", "2026-06-01").exit_code == 0
    assert figures(run)["petitions.overdue"] == 1
    r = run("petition", "extend", pid, "--to", "2026-07-10", "--note", "x", "--on", "2026-06-09")
    assert r.exit_code == 0, r.stderr
    f = figures(run)
    assert f["petitions.overdue"] == 0 and f["petitions.extended"] == 1
    assert run("petition", "resolve", pid, "--note", "done", "--on", "2026-06-29").exit_code == 0
    assert figures(run)["petitions.resolved_on_time_rate"] == 100.0  # late but for the extension


def test_a_callback_is_recorded_on_resolved_or_closed_petitions(dp: Run, repo: Path) -> None:
    # P-0027: resolved 2026-05-11, not called back yet
    r = dp("petition", "callback", "P-0027", "--result", "unreachable", "--on", "2026-05-12")
    assert r.exit_code == 0, r.stderr
    p = record(repo, "petitions", "P-0027")
    assert (str(p["callback_on"]), p["callback"]) == ("2026-05-12", "unreachable")
    assert p["status"] == "resolved" and p["events"][-1]["note"] == "回访未联系上"
    r = dp("petition", "callback", "P-0027", "--result", "basic", "--note", "司机基本满意")
    assert r.exit_code == 0, r.stderr
    p = record(repo, "petitions", "P-0027")
    assert (str(p["callback_on"]), p["callback"]) == ("2026-06-30", "basic")
    assert p["events"][-1]["note"] == "回访基本满意：司机基本满意"
    err = unchanged(
        repo, dp, "petition", "callback", "P-0027", "--result", "basic", "--on", "2026-06-01"
    )
    assert "had its last callback on 2026-06-30: a later one cannot come on 2026-06-01" in err
    err = unchanged(repo, dp, "petition", "callback", "P-0015", "--result", "satisfied")
    assert "is assigned: cannot callback; allowed now: assign, resolve, reject, withdraw" in err
    err = unchanged(
        repo, dp, "petition", "callback", "P-0029", "--result", "satisfied", "--on", "2026-05-01"
    )
    assert "callback_on: 2026-05-01 is before resolved_on (2026-05-18)" in err
    r = dp("petition", "callback", "P-0027", "--result", "delighted")
    assert r.exit_code == 2 and "satisfied" in r.stderr
    assert dp("petition", "reopen", "P-0027", "--note", "司机反映问题仍在").exit_code == 0
    p = record(repo, "petitions", "P-0027")
    assert "callback" not in p and "callback_on" not in p


def test_callback_fields_are_checked_in_hand_edits(dp: Run, repo: Path) -> None:
    p27 = repo / "records/petitions/P-0027.toml"
    text = p27.read_text(encoding="utf-8")
    p27.write_text(
        text.replace('status = "resolved"', 'status = "resolved"\ncallback = "basic"', 1),
        encoding="utf-8",
    )
    p15 = repo / "records/petitions/P-0015.toml"  # assigned
    text = p15.read_text(encoding="utf-8").replace(
        "[[events]]", 'callback_on = 2026-06-01\ncallback = "satisfied"\n\n[[events]]', 1
    )
    p15.write_text(text, encoding="utf-8")
    out = dp("validate").stdout
    assert "records/petitions/P-0027.toml: callback_on: required with callback" in out
    assert "records/petitions/P-0015.toml: callback_on: set, but the status is assigned" in out


def test_consultations_and_suggestions_are_kinds(dp: Run) -> None:
    for kind, word in (("consultation", "咨询"), ("suggestion", "建议")):
        r = dp(
            "petition", "add", "--received", "2026-06-29", "--channel", "hotline",
            "--kind", kind, "--category", "other", "--summary", "x",
        )  # fmt: skip
        assert r.exit_code == 0, r.stderr
        out = dp("--lang", "zh", "petition", "list", "--where", f"kind={kind}").stdout
        assert word in out
    counts = {r["kind"]: r["total"] for r in rows(dp, "report", "petitions", "--by", "kind")}
    assert counts["consultation"] == 3 and counts["suggestion"] == 2


# --- the rates a hotline is judged on ----------------------------------------------------------


@pytest.fixture
def hotline(tmp_path: Path) -> Run:
    """Ten petitions received in 2026: eight resolved or closed, of which six called back —
    three satisfied, one basic, one unsatisfied, and one that reached nobody; one extended."""
    repo = make_repo(tmp_path / "hotline")
    results = ["satisfied"] * 3 + ["basic", "unsatisfied", "unreachable", None, None]
    records: list[dict[str, Any]] = []
    for i in range(1, 11):
        p: dict[str, Any] = {
            "id": f"P-{i:04d}",
            "received": date(2026, 1 + i % 4, 10),
            "channel": "hotline",
            "kind": "request" if i % 2 else "complaint",
            "category": "other",
            "summary": "x",
            "status": "received",
            "due": date(2026, 1 + i % 4, 20),
        }
        if i <= 8:
            p.update(
                status="closed" if i <= 4 else "resolved",
                assignee="x",
                assigned_on=p["received"],
                resolved_on=date(2026, 1 + i % 4, 15),
                resolution="ok",
            )
            if i <= 4:
                p["closed_on"] = p["resolved_on"]
            if results[i - 1]:
                p.update(callback_on=date(2026, 1 + i % 4, 16), callback=results[i - 1])
        if i == 9:
            p.update(extended_on=date(2026, 2, 12), due=date(2026, 3, 31))
        records.append(p)
    write(repo, records)
    return runner_for(repo)


def test_summary_rates_of_callbacks_and_satisfaction(hotline: Run) -> None:
    f = figures(hotline)
    assert f["petitions.resolved"] == 8
    assert f["petitions.extended"] == 1
    assert f["petitions.callback_rate"] == 75.0  # 6 of 8 resolved or closed
    assert f["petitions.satisfaction_rate"] == 80.0  # satisfied or basic: 4 of 5 reached
    # on 15 January the two of January were resolved, and called back the next day
    assert figures(hotline, "--as-of", "2026-01-15")["petitions.callback_rate"] == 0.0
    assert figures(hotline, "--as-of", "2026-01-16")["petitions.callback_rate"] == 50.0
    zh = hotline("--lang", "zh", "summary").stdout
    for word in ("延期办理", "回访率", "满意率"):
        assert word in zh


def test_report_petitions_has_the_rates_per_row(hotline: Run) -> None:
    by_kind = rows(hotline, "report", "petitions", "--by", "kind")
    assert [(r["kind"], r["callback_rate"], r["satisfaction_rate"]) for r in by_kind] == [
        ("request", 75.0, 66.7),  # 1, 3, 5, 7 done; 1, 3, 5 called; 1 and 3 of them satisfied
        ("complaint", 75.0, 100.0),  # 2, 4, 6, 8 done; 2, 4, 6 called; 6 reached nobody
    ]
    header = hotline("report", "petitions", "--by", "kind").stdout.splitlines()[0].split()
    assert header[-2:] == ["callback_rate", "satisfaction_rate"]


# --- periods --------------------------------------------------------------------------------


def test_summary_for_a_period_counts_stocks_at_its_end_and_flows_inside_it(dp: Run) -> None:
    q1 = figures(dp, "--period", "2026Q1")
    whole = figures(dp, "--as-of", "2026-03-31")
    stocks = [k for k in whole if k.split(".")[0] in ("branches", "stations")]
    stocks += ["members.total", "members.party", "members.full", "members.unattached"]
    assert {k: q1[k] for k in stocks} == {k: whole[k] for k in stocks}
    # flows: 2026Q1's petitions by received, and its recruitment by the stage dates
    received = [
        r for r in rows(dp, "petition", "list") if "2026-01-01" <= r["received"] <= "2026-03-31"
    ]
    assert q1["petitions.total"] == len(received) == 6
    members = rows(dp, "member", "list", "--all")
    for metric, field in (
        ("recruited", "applied_on"),
        ("admitted", "probationary_on"),
        ("converted", "full_on"),
    ):
        inside = [m for m in members if m[field] and "2026-01-01" <= m[field] <= "2026-03-31"]
        assert q1[f"members.{metric}"] == len(inside), metric
    assert q1["members.admitted"] > 0
    same = figures(dp, "--since", "2026-01-01", "--until", "2026-03-31")
    assert same == q1
    # without a period flows count everything up to --as-of
    assert figures(dp)["members.recruited"] == sum(1 for m in members if m["applied_on"])


def test_period_options_are_checked(dp: Run) -> None:
    r = dp("summary", "--period", "2026Q5")
    assert r.exit_code == 2 and "--period '2026Q5'" in r.stderr
    r = dp("summary", "--period", "2026", "--since", "2026-01-01")
    assert r.exit_code == 2 and "cannot be combined" in r.stderr
    r = dp("report", "petitions", "--by", "kind", "--since", "2026-03-01", "--until", "2026-02-01")
    assert r.exit_code == 2 and "is after" in r.stderr


def test_report_petitions_for_a_period(dp: Run) -> None:
    q2 = rows(dp, "report", "petitions", "--by", "month", "--period", "2026Q2")
    assert [r["month"] for r in q2] == ["2026-04", "2026-05", "2026-06"]
    month = rows(dp, "report", "petitions", "--by", "status", "--period", "2026-05")
    same = rows(
        dp,
        "report",
        "petitions",
        "--by",
        "status",
        "--since",
        "2026-05-01",
        "--until",
        "2026-05-31",
    )
    assert month == same and sum(r["total"] for r in month) == 11


# --- --where on code fields ---------------------------------------------------------------------


def ids(run: Run, kind: str, *wheres: str) -> list[str]:
    args = [a for w in wheres for a in ("--where", w)]
    return [r["id"] for r in rows(run, kind, "list", "--all", "--fields", "id", *args)]


def test_a_code_field_takes_several_codes_or_their_chinese_words(dp: Run) -> None:
    received, assigned = (
        ids(dp, "petition", "status=received"),
        ids(dp, "petition", "status=assigned"),
    )
    both = ids(dp, "petition", "status=received,assigned")
    assert sorted(both) == sorted(received + assigned) and len(both) == 13
    assert ids(dp, "petition", "status=已收集,已转办") == both
    assert ids(dp, "petition", "status=received，已转办") == both  # a Chinese comma too
    every = ids(dp, "petition")
    assert sorted(ids(dp, "petition", "status!=received,assigned") + both) == sorted(every)
    assert ids(dp, "member", "stage=正式党员") == ids(dp, "member", "stage=full")
    full_or_prob = ids(dp, "member", "stage=full,probationary")
    assert sorted(full_or_prob) == sorted(
        ids(dp, "member", "stage=full") + ids(dp, "member", "stage=probationary")
    )
    mailbox_or_shower = ids(dp, "station", "amenities=mailbox,shower")
    assert set(ids(dp, "station", "amenities=shower")) <= set(mailbox_or_shower)
    assert "S-0002" in mailbox_or_shower


@pytest.mark.parametrize(
    ("kind", "where", "words"),
    [
        (
            "member",
            "stage=captain",
            "'captain' is no stage (codes: applicant (入党申请人), activist",
        ),
        ("petition", "status=open", "'open' is no status (codes: received (已收集)"),
        ("petition", "status=received,done", "'done' is no status"),
        ("station", "amenities=sauna", "'sauna' is no amenities"),
        ("member", "left_kind=fired", "'fired' is no left_kind"),
    ],
)
def test_a_value_that_is_no_code_is_a_usage_error_naming_the_codes(
    dp: Run, kind: str, where: str, words: str
) -> None:
    r = dp(kind, "list", "--where", where)
    assert r.exit_code == 2 and r.stdout == ""
    assert words in r.stderr, r.stderr
