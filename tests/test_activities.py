"""The activity kind (SPEC section 3 "activity", issue 20): its field rules, its commands and
``activity attend``, its reports, and what the rest of the tool does with it (references,
history, diff, import and export, completion, masking, the cache, sync).

A small county is built with the tool's own commands: two branches (the second founded on
2026-05-10), five party members and an applicant, a station; today is 2026-06-30.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from driverparty.schema import KINDS
from tests.conftest import Run, commit_count, git, head_subject, runner_for
from tests.test_cache import imports_of
from tests.test_tool import complete_in_bash

LIFE = ("meeting", "committee_meeting", "group_meeting", "lecture", "theme_day")


def ok(run: Run, *args: str) -> str:
    r = run(*args)
    assert r.exit_code == 0, r.stderr
    return str(r.stdout.strip())


def rows(run: Run, *args: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(ok(run, *args, "--format", "json"))
    return data


def summary(run: Run, *args: str) -> dict[str, Any]:
    return {f"{r['section']}.{r['metric']}": r["value"] for r in rows(run, "summary", *args)}


def full_member(run: Run, name: str, branch: str, joined: str = "2020-01-02") -> str:
    year = int(joined[:4]) + 1
    return ok(
        run, "member", "add", "--name", name, "--occupation", "truck", "--stage", "full",
        "--probationary-on", joined, "--full-on", f"{year}{joined[4:]}", "--branch", branch,
    )  # fmt: skip


@pytest.fixture
def county(empty_repo: Path) -> Run:
    run = runner_for(empty_repo)
    assert ok(run, "branch", "add", "--name", "一支部", "--kind", "branch",
              "--founded", "2025-01-01") == "B-0001"  # fmt: skip
    assert ok(run, "branch", "add", "--name", "二支部", "--kind", "joint_branch",
              "--founded", "2026-05-10") == "B-0002"  # fmt: skip
    for name in ("王一", "王二", "王三", "王四"):
        full_member(run, name, "B-0001")
    ok(run, "member", "add", "--name", "申请人", "--occupation", "taxi", "--stage", "applicant")
    assert full_member(run, "李六", "B-0002", "2019-01-02") == "M-0006"
    assert ok(run, "station", "add", "--name", "爱莲驿站", "--kind", "rest_stop",
              "--opened", "2025-01-01") == "S-0001"  # fmt: skip
    return run


def activity(run: Run, *args: str) -> str:
    return ok(run, "activity", "add", *args)


@pytest.fixture
def held(county: Run) -> Run:
    """Eight activities whose figures the report tests below know in advance."""
    theme = ("--kind", "theme_day", "--branch", "B-0001", "--expected", "4", "--hours", "2")
    activity(county, "--date", "2026-04-10", "--title", "四月主题党日", *theme,
             "--participant", "M-0001,M-0002", "--participant", "M-0003", "--on-leave", "1",
             "--station", "S-0001")  # fmt: skip
    activity(county, "--date", "2026-05-08", "--title", "五月主题党日", *theme,
             "--participant", "M-0001,M-0002")  # fmt: skip
    activity(county, "--date", "2026-05-20", "--title", "五月主题党日(补)", *theme,
             "--participant", "M-0004")  # fmt: skip
    activity(county, "--date", "2026-04-15", "--kind", "meeting", "--title", "二季度党员大会",
             "--branch", "B-0001", "--participant", "M-0001,M-0002,M-0003,M-0004",
             "--expected", "4", "--hours", "1")  # fmt: skip
    activity(county, "--date", "2026-01-12", "--kind", "lecture", "--title", "一季度党课",
             "--branch", "B-0001", "--participant", "M-0001,M-0002", "--hours", "2.5")  # fmt: skip
    activity(county, "--date", "2026-06-01", "--kind", "send_exam", "--title", "高考爱心送考",
             "--branch", "B-0002", "--participant", "M-0006", "--others", "9",
             "--vehicles", "10", "--trips", "31", "--served", "88",
             "--station", "S-0001")  # fmt: skip
    activity(county, "--date", "2025-12-20", "--kind", "care_visit", "--title", "走访慰问",
             "--served", "12", "--amount", "3000.5")  # fmt: skip
    assert activity(county, "--date", "2026-05-15", "--kind", "training", "--title", "安全培训",
                    "--branch", "B-0002", "--participant", "M-0006,M-0001", "--others", "40",
                    "--hours", "4") == "A-0008"  # fmt: skip
    return county


# --- field rules ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", LIFE)
def test_organisational_life_names_the_branch_that_held_it(
    county: Run, empty_repo: Path, kind: str
) -> None:
    before = commit_count(empty_repo)
    r = county("activity", "add", "--date", "2026-06-01", "--kind", kind, "--title", "会议")
    assert r.exit_code == 1
    assert r.stderr.startswith("error: records/activities/A-0001.toml: branch: required")
    assert commit_count(empty_repo) == before
    assert not (empty_repo / "records/activities/A-0001.toml").exists()
    activity(
        county, "--date", "2026-06-01", "--kind", kind, "--title", "会议", "--branch", "B-0001"
    )


@pytest.mark.parametrize("kind", sorted(set(KINDS["activity"].fields["kind"].choices) - set(LIFE)))
def test_other_activities_need_no_branch(county: Run, kind: str) -> None:
    assert activity(county, "--date", "2026-06-01", "--kind", kind, "--title", "活动") == "A-0001"


BAD = [
    (["--participant", "M-0099"], "participants", "no member M-0099"),
    (["--participant", "M-0001,M-0002,M-0001"], "participants", "lists M-0001 more than once"),
    (
        ["--participant", "M-0001,M-0002", "--on-leave", "1", "--expected", "2"],
        "expected",
        "2 is fewer than the participants and those on leave (2 + 1)",
    ),
    *[
        ([f"--{name.replace('_', '-')}", "-1"], name, "must be greater than or equal to 0")
        for name in ("expected", "on_leave", "others", "served", "vehicles", "trips")
    ],
    (["--others", "1.5"], "others", "must be a valid integer"),
    (["--hours", "24.5"], "hours", "must be less than or equal to 24"),
    (["--hours", "-0.5"], "hours", "must be greater than or equal to 0"),
    (["--amount", "-5"], "amount", "must be greater than or equal to 0"),
    (["--amount", "两千"], "amount", "must be a valid number"),
    (["--title", "题" * 101], "title", "must have at most 100 characters"),
    (["--title", "  "], "title", "must not be empty"),
    (["--date", "2026-07-01"], "date", "2026-07-01 is after today (2026-06-30)"),
    (["--kind", "party"], "kind", "must be 'meeting', 'committee_meeting'"),
    (["--branch", "B-0099"], "branch", "no branch B-0099"),
    (["--station", "S-0099"], "station", "no station S-0099"),
]


@pytest.mark.parametrize(("args", "field", "message"), BAD, ids=[f"{b[1]}-{b[0][-1]}" for b in BAD])
def test_a_bad_value_is_refused_naming_its_field(
    county: Run, empty_repo: Path, args: list[str], field: str, message: str
) -> None:
    before = commit_count(empty_repo)
    base = {"--date": "2026-06-01", "--kind": "training", "--title": "培训"}
    for option in args[::2]:
        base.pop(option, None)
    r = county(
        "activity", "add", *[x for pair in base.items() for x in pair], *args
    )  # fmt: skip
    assert r.exit_code == 1, r.stdout
    assert r.stderr.startswith(f"error: records/activities/A-0001.toml: {field}: {message}")
    assert "Traceback" not in r.stderr
    assert commit_count(empty_repo) == before
    assert not (empty_repo / "records/activities/A-0001.toml").exists()


@pytest.mark.parametrize("missing", ["date", "kind", "title"])
def test_date_kind_and_title_are_required(county: Run, missing: str) -> None:
    given = {"date": "2026-06-01", "kind": "training", "title": "培训"}
    del given[missing]
    r = county("activity", "add", *[x for k, v in given.items() for x in (f"--{k}", v)])
    assert r.exit_code == 1
    assert f"{missing}: required" in r.stderr


def test_the_limits_themselves_are_allowed(county: Run, empty_repo: Path) -> None:
    rid = activity(
        county, "--date", "2026-06-30", "--kind", "theme_day", "--title", "题" * 100,
        "--branch", "B-0001", "--participant", "M-0001,M-0002", "--on-leave", "2",
        "--expected", "4", "--hours", "24", "--amount", "0", "--others", "0",
    )  # fmt: skip
    record = tomllib.loads((empty_repo / f"records/activities/{rid}.toml").read_text("utf-8"))
    assert record["expected"] == 4 and record["hours"] == 24.0 and record["amount"] == 0.0
    assert activity(county, "--date", "2026-06-01", "--kind", "lecture", "--title", "党课",
                    "--branch", "B-0001", "--hours", "0") == "A-0002"  # fmt: skip


def test_a_hand_edited_file_is_held_to_the_same_rules(county: Run, empty_repo: Path) -> None:
    folder = empty_repo / "records/activities"
    folder.mkdir(exist_ok=True)
    (folder / "A-0001.toml").write_text(
        'id = "A-0001"\ndate = 2026-06-01\nkind = "meeting"\ntitle = "大会"\n'
        'participants = ["M-0001", "M-0001", "M-0077"]\nexpected = 1\n',
        encoding="utf-8",
    )
    r = county("validate")
    assert r.exit_code == 1
    for line in (
        "records/activities/A-0001.toml: branch: required",
        "records/activities/A-0001.toml: participants: lists M-0001 more than once",
        "records/activities/A-0001.toml: expected: 1 is fewer than",
    ):
        assert line in r.stdout + r.stderr, line


# --- the record commands --------------------------------------------------------------------


def test_add_get_list_update_history_and_remove(county: Run, empty_repo: Path) -> None:
    rid = activity(
        county, "--date", "2026-06-12", "--kind", "theme_day", "--title", "六月主题党日",
        "--branch", "B-0001", "--participant", "M-0002", "--participant", "M-0001,M-0003",
        "--expected", "4", "--hours", "2", "--notes", "重温入党誓词",
    )  # fmt: skip
    assert rid == "A-0001"
    assert head_subject(empty_repo) == "activity add A-0001"
    stored = (empty_repo / "records/activities/A-0001.toml").read_text("utf-8")
    assert stored == (
        'id = "A-0001"\ndate = 2026-06-12\nkind = "theme_day"\ntitle = "六月主题党日"\n'
        'branch = "B-0001"\nparticipants = [\n    "M-0002",\n    "M-0001",\n    "M-0003",\n]\n'
        'expected = 4\nhours = 2.0\nnotes = "重温入党誓词"\n'
    )
    assert ok(county, "activity", "get", rid) + "\n" == stored
    got = json.loads(ok(county, "activity", "get", rid, "--format", "json"))
    assert got["participants"] == ["M-0002", "M-0001", "M-0003"] and got["date"] == "2026-06-12"
    activity(county, "--date", "2026-05-03", "--kind", "volunteer", "--title", "爱心车队",
             "--participant", "M-0004", "--vehicles", "5")  # fmt: skip
    listed = rows(county, "activity", "list", "--where", "participants=M-0001")
    assert [r["id"] for r in listed] == ["A-0001"]
    assert [r["id"] for r in rows(county, "activity", "list", "--where", "kind=volunteer")] == [
        "A-0002"
    ]
    table = ok(county, "--lang", "zh", "activity", "list", "--sort", "date")
    assert table.splitlines()[0].split() == [
        "编号", "日期", "类型", "主题", "组织支部", "活动地点", "服务人次", "学时",
    ]  # fmt: skip
    assert "主题党日" in table and table.index("A-0002") < table.index("A-0001")

    assert county("activity", "update", rid, "--served", "30", "--unset", "notes").exit_code == 0
    assert head_subject(empty_repo) == "activity update A-0001"
    r = county("activity", "update", rid, "--served", "30")
    assert r.exit_code == 0 and "nothing changed" in r.stderr
    r = county("activity", "update", rid, "--unset", "title")
    assert r.exit_code == 1 and "title: required" in r.stderr

    history = rows(county, "activity", "history", rid)
    assert [h["action"] for h in history] == ["add", "update"]
    assert {"field": "served", "old": None, "new": 30} in history[1]["changes"]
    assert ok(county, "activity", "remove", rid) == ""
    assert head_subject(empty_repo) == "activity remove A-0001"
    assert not (empty_repo / "records/activities/A-0001.toml").exists()
    assert rows(county, "activity", "history", rid)[-1]["action"] == "remove"
    # an id is never given out again
    assert activity(county, "--date", "2026-06-01", "--kind", "other", "--title", "x") == "A-0003"


def test_the_group_help_names_every_subcommand_and_an_example(county: Run) -> None:
    text = ok(county, "activity", "--help")
    for sub in ("add", "attend", "get", "history", "list", "remove", "update"):
        assert f"  {sub} " in text
    add = ok(county, "activity", "add", "--help")
    assert "--participants, --participant" in add and "driverparty activity add --date" in add


# --- activity attend --------------------------------------------------------------------------


def test_attend_adds_the_members_in_one_commit(county: Run, empty_repo: Path) -> None:
    rid = activity(county, "--date", "2026-06-10", "--kind", "meeting", "--title", "党员大会",
                   "--branch", "B-0001", "--participant", "M-0001", "--expected", "5")  # fmt: skip
    before = commit_count(empty_repo)
    r = county("activity", "attend", rid, "--member", "M-0003,M-0002", "--member", "M-0006")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    assert commit_count(empty_repo) == before + 1
    assert head_subject(empty_repo) == "activity attend A-0001"
    body = git(empty_repo, "log", "-1", "--format=%B")
    assert "Driverparty-Action: attend" in body and "Driverparty-Record: activities/A-0001" in body
    got = json.loads(ok(county, "activity", "get", rid, "--format", "json"))
    assert got["participants"] == ["M-0001", "M-0003", "M-0002", "M-0006"]
    assert rows(county, "activity", "history", rid)[-1]["action"] == "attend"
    zh = ok(county, "--lang", "zh", "log", "--kind", "activity")
    assert "参加" in zh.splitlines()[2]


@pytest.mark.parametrize(
    ("members", "message"),
    [
        (["M-0001,M-0004"], "activity A-0001: M-0001 took part already; nothing added"),
        (["M-0099"], "participants: no member M-0099"),
        (["M-0002,M-0003,M-0004"], "expected: 3 is fewer than the participants"),
        (["M-0002", "M-0002"], "participants: lists M-0002 more than once"),
    ],
)
def test_attend_refuses_and_changes_nothing(
    county: Run, empty_repo: Path, members: list[str], message: str
) -> None:
    rid = activity(county, "--date", "2026-06-10", "--kind", "lecture", "--title", "党课",
                   "--branch", "B-0001", "--participant", "M-0001", "--expected", "3")  # fmt: skip
    path = empty_repo / f"records/activities/{rid}.toml"
    before, head = path.read_bytes(), git(empty_repo, "rev-parse", "HEAD")
    r = county("activity", "attend", rid, *[x for m in members for x in ("--member", m)])
    assert r.exit_code == 1
    assert message in r.stderr
    assert path.read_bytes() == before and git(empty_repo, "rev-parse", "HEAD") == head
    assert git(empty_repo, "status", "--porcelain") == ""


def test_attend_needs_a_member_and_an_activity(county: Run) -> None:
    rid = activity(county, "--date", "2026-06-10", "--kind", "other", "--title", "x")
    r = county("activity", "attend", rid)
    assert r.exit_code == 2 and "--member" in r.stderr
    r = county("activity", "attend", "A-0099", "--member", "M-0001")
    assert r.exit_code == 1 and "A-0099" in r.stderr
    assert county("member", "attend", "M-0001", "--member", "M-0002").exit_code == 2


# --- references, history, import and export, completion, masking, the cache, sync -----------


def test_a_member_an_activity_lists_is_not_removed_unless_forced(
    county: Run, empty_repo: Path
) -> None:
    rid = activity(county, "--date", "2026-06-10", "--kind", "training", "--title", "培训",
                   "--participant", "M-0005,M-0002", "--station", "S-0001")  # fmt: skip
    r = county("member", "remove", "M-0005")
    assert r.exit_code == 1
    assert f"records/activities/{rid}.toml: participants: refers to member M-0005" in r.stderr
    assert (empty_repo / "records/members/M-0005.toml").exists()
    r = county("station", "remove", "S-0001")
    assert r.exit_code == 1 and f"activities/{rid}.toml: station: refers to" in r.stderr
    # leaving is no removal: the activity is history, and who took part then stays listed
    r = county("member", "leave", "M-0002", "--reason", "迁出", "--kind", "moved")
    assert r.exit_code == 0, r.stderr
    assert county("validate").exit_code == 0
    assert county("member", "remove", "M-0005", "--force").exit_code == 0
    assert county("validate").exit_code == 1  # the activity now names a member no more there


def test_log_and_diff_show_activities(county: Run, empty_repo: Path) -> None:
    rid = activity(county, "--date", "2026-06-10", "--kind", "training", "--title", "培训",
                   "--participant", "M-0001")  # fmt: skip
    ok(county, "activity", "attend", rid, "--member", "M-0002")
    log = rows(county, "log", "--kind", "activity")
    assert [(r["action"], r["kind"], r["id"]) for r in log] == [
        ("attend", "activity", rid),
        ("add", "activity", rid),
    ]
    diff = rows(county, "diff", "HEAD~1")
    assert diff == [
        {
            "kind": "activity",
            "id": rid,
            "change": "changed",
            "fields": [{"field": "participants", "old": ["M-0001"], "new": ["M-0001", "M-0002"]}],
        }
    ]


def test_csv_export_imports_back_with_participants_semicolon_joined(
    held: Run, empty_repo: Path, tmp_path: Path
) -> None:
    exported = ok(held, "activity", "list", "--format", "csv") + "\n"
    header, first = exported.splitlines()[:2]
    assert header.split(",") == list(KINDS["activity"].fields)
    assert "M-0001;M-0002;M-0003" in first
    # a second county with the same roster takes the file whole
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(empty_repo), str(other))
    run = runner_for(other)
    for path in sorted((other / "records/activities").glob("*.toml")):
        path.unlink()
    git(other, "commit", "-qam", "no activities yet")
    (tmp_path / "activities.csv").write_text(exported, encoding="utf-8")
    r = run("import", "activity", str(tmp_path / "activities.csv"))
    assert r.exit_code == 0, r.stderr
    assert head_subject(other) == "activity import 8 records"
    for path in sorted((empty_repo / "records/activities").glob("*.toml")):
        assert (other / "records/activities" / path.name).read_bytes() == path.read_bytes()


def test_a_sheet_of_activities_imports_with_participants_semicolon_joined(
    county: Run, tmp_path: Path
) -> None:
    sheet = tmp_path / "activities.csv"
    sheet.write_bytes(
        "\ufeffdate,kind,title,branch,participants,expected,hours\r\n"
        "2026-06-03,theme_day,六月主题党日,B-0001,M-0001;M-0002,4,2\r\n"
        "2026-05-28,send_exam,中考送考,,M-0003,,\r\n".encode()
    )
    r = county("import", "activity", str(sheet))
    assert r.exit_code == 0, r.stderr
    got = rows(county, "activity", "list")
    assert [(a["id"], a["kind"], a["participants"], a["hours"]) for a in got] == [
        ("A-0001", "theme_day", ["M-0001", "M-0002"], 2.0),
        ("A-0002", "send_exam", ["M-0003"], None),
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "date,kind,title,participants,expected\n"
        "2026-06-03,meeting,x,M-0001;M-0002;M-0001,1\n"
        "2026-06-04,training,y,M-0001;M-0099,\n",
        encoding="utf-8",
    )
    r = county("import", "activity", str(bad))
    assert r.exit_code == 1
    for line in (
        "error: row 1: branch: required",
        "error: row 1: participants: lists M-0001 more than once",
        "error: row 1: expected: 1 is fewer than the participants and those on leave (3 + 0)",
        "error: row 2: participants: no member M-0099",
    ):
        assert line in r.stderr, r.stderr
    assert len(rows(county, "activity", "list")) == 2


def test_an_office_ledger_workbook_imports_by_its_chinese_headers_and_names(
    county: Run, empty_repo: Path, tmp_path: Path
) -> None:
    """The 活动台账 a county office keeps in Excel (issue 19): Chinese headers as offices word
    them, kinds in Chinese, dates as date cells, numbers as numbers, the branch and the
    participants by name (a sign-in sheet has names, not ids), ``;``-joined."""
    from datetime import datetime

    from tests.test_sheets import sheet_rows, workbook

    book = workbook(
        tmp_path / "活动台账.xlsx",
        {
            "台账": [
                ["序号", "活动日期", "活动类型", "活动主题", "党支部", "参加人员", "应到",
                 "群众人数", "服务人数", "车辆数", "车次", "金额(元)", "学时数", "说明"],
                [1, datetime(2026, 6, 7, 0, 0, 0, 0), "爱心送考", "高考爱心送考", "二支部",
                 "李六", "", 20, 156, 20, 62, "", "", "益民公司车队"],
                [2, datetime(2026, 6, 12, 0, 0, 0, 2), "主题党日", "六月主题党日", "一支部",
                 "王一;王二;M-0003", 4, "", "", "", "", "", 2, ""],
                [3, datetime(2026, 6, 20, 0, 0, 0, 1), "走访慰问", "走访困难党员司机", "",
                 "", "", "", 6, "", "", 3000, "", ""],
            ]
        },
    )  # fmt: skip
    r = county("import", "activity", str(book), "--ignore", "序号")
    assert (r.exit_code, r.stdout) == (0, "added 3, updated 0\n"), r.output
    got = {a["id"]: a for a in rows(county, "activity", "list", "--format", "json")}
    assert got["A-0001"] | {"notes": None} == {
        "id": "A-0001", "date": "2026-06-07", "kind": "send_exam", "title": "高考爱心送考",
        "branch": "B-0002", "station": None, "participants": ["M-0006"], "expected": None,
        "on_leave": None, "others": 20, "served": 156, "vehicles": 20, "trips": 62,
        "amount": None, "hours": None, "notes": None,
    }  # fmt: skip
    assert got["A-0001"]["notes"] == "益民公司车队"
    assert got["A-0002"]["participants"] == ["M-0001", "M-0002", "M-0003"]
    assert (got["A-0002"]["branch"], got["A-0002"]["hours"]) == ("B-0001", 2.0)
    assert (got["A-0003"]["kind"], got["A-0003"]["amount"]) == ("care_visit", 3000.0)
    # out again as a Chinese workbook, and back: nothing changes
    out = tmp_path / "out.xlsx"
    r = county("--lang", "zh", "activity", "list", "--format", "xlsx", "--output", str(out))
    assert r.exit_code == 0, r.output
    header = sheet_rows(out)[0]
    assert header[:6] == ["编号", "日期", "类型", "主题", "组织支部", "活动地点"]
    assert "参加党员" in header and "金额（元）" in header
    r = county("import", "activity", str(out))
    assert (r.exit_code, r.stdout) == (0, "added 0, updated 0\n"), r.output
    # a name two members share, or nobody's, is named; nothing is written
    ok(county, "member", "add", "--name", "王一", "--occupation", "taxi", "--stage", "applicant")
    again = workbook(
        tmp_path / "again.xlsx",
        {"台账": [["活动日期", "活动类型", "活动主题", "党支部", "参加人员"],
                  ["2026-06-25", "党课", "党课", "一支部", "王一;王五"]]},
    )  # fmt: skip
    r = county("import", "activity", str(again))
    assert r.exit_code == 1
    assert "participants: 王一: 2 members have this name: give the id" in r.stderr, r.stderr
    assert "participants: 王五: no member has this id or name" in r.stderr, r.stderr
    assert len(rows(county, "activity", "list")) == 3


@pytest.mark.parametrize(
    ("line", "offered"),
    [
        ("driverparty act", ["activity"]),
        ("driverparty activity att", ["attend"]),
        ("driverparty activity get A-000", [f"A-000{n}" for n in range(1, 10)]),
        ("driverparty activity attend A-030", ["A-0300", "A-0301", "A-0302", "A-0303"]),
        ("driverparty activity attend A-0001 --member M-006", ["M-0060"]),
        ("driverparty activity add --kind t", ["theme_day", "training"]),
        ("driverparty report act", ["activities"]),
        ("driverparty report activities --by ", ["kind", "month", "quarter", "branch", "station"]),
    ],
)
def test_bash_completes_activity_ids_members_and_kinds(
    repo: Path, dp: Run, line: str, offered: list[str]
) -> None:
    assert complete_in_bash(repo, dp, line) == offered


def test_members_personal_data_never_shows_through_activities(
    county: Run, empty_repo: Path
) -> None:
    """An activity holds member ids, never their phones; what shows members (report study,
    the page) masks them as every output does, and --reveal is refused nowhere."""
    phone = "13912345678"
    ok(county, "member", "update", "M-0001", "--phone", phone)
    rid = activity(county, "--date", "2026-06-10", "--kind", "lecture", "--title", "党课",
                   "--branch", "B-0001", "--participant", "M-0001", "--hours", "2")  # fmt: skip
    ok(county, "activity", "attend", rid, "--member", "M-0002")
    for args in (
        ("activity", "get", rid),
        ("activity", "get", rid, "--format", "json", "--reveal"),
        ("activity", "list", "--format", "csv"),
        ("activity", "history", rid),
        ("diff", "HEAD~2"),
        ("report", "study", "--format", "csv"),
        ("report", "html"),
    ):
        assert phone not in ok(county, *args), args
    assert "139****5678" in ok(county, "member", "list", "--fields", "id,phone")
    assert "139" not in git(empty_repo, "log", "--format=%B")


def test_numbers_typed_into_an_activity_s_text_are_masked(county: Run, empty_repo: Path) -> None:
    """A phone or an ID number a clerk types into a title or the notes is masked in every
    output unless --reveal, as in the other kinds' text (issue 16.17), and never reaches a
    commit message."""
    phone, id_number = "13912345678", "451123197911125370"
    rid = activity(county, "--date", "2026-06-01", "--kind", "care_visit",
                   "--title", f"走访司机{phone}家", "--notes", f"身份证{id_number}")  # fmt: skip
    for args in (
        ("activity", "get", rid),
        ("activity", "list", "--format", "csv"),
        ("activity", "history", rid),
        ("report", "html"),
    ):
        out = ok(county, *args)
        assert phone not in out and id_number not in out, args
    got = ok(county, "activity", "get", rid)
    assert "139****5678" in got and "451123********5370" in got
    assert phone in ok(county, "activity", "get", rid, "--reveal")
    assert phone not in git(empty_repo, "log", "--format=%B")


def test_the_cache_alone_answers_an_activity_listing(repo: Path) -> None:
    args = ["activity", "list", "--where", "kind=theme_day", "--where", "date>=2026-01-01",
            "--sort", "-date", "--format", "csv"]  # fmt: skip
    from_files, parsed = imports_of(repo, *args)
    from_cache, parsed_again = imports_of(repo, *args)
    assert parsed and not parsed_again
    assert from_cache == from_files and from_files.count("\n") > 5


def test_sync_renumbering_follows_participants(tmp_path: Path, sample_template: Path) -> None:
    from tests.test_sync import _counties

    remote, a, b = _counties(tmp_path, sample_template)
    da, db = runner_for(a), runner_for(b)
    assert full_member(da, "蒙师傅", "B-0002") == "M-0061"
    assert da("sync").exit_code == 0
    assert full_member(db, "黄师傅", "B-0002") == "M-0061"
    rid = ok(db, "activity", "add", "--date", "2026-06-01", "--kind", "theme_day", "--title",
             "六月主题党日", "--branch", "B-0002", "--participant", "M-0003,M-0061")  # fmt: skip
    r = db("sync")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "renumbered member M-0061 → M-0062\n"
    record = tomllib.loads((b / f"records/activities/{rid}.toml").read_text("utf-8"))
    assert record["participants"] == ["M-0003", "M-0062"]
    assert "Driverparty-Record: activities/" + rid in git(b, "log", "-1", "--format=%B", "HEAD^1")
    assert db("validate").exit_code == 0


# --- report activities -------------------------------------------------------------------------


def test_report_activities_by_kind(held: Run) -> None:
    got = {r["kind"]: r for r in rows(held, "report", "activities", "--by", "kind")}
    assert list(got) == list(KINDS["activity"].fields["kind"].choices)  # every kind, in order
    assert got["theme_day"] == {
        "kind": "theme_day", "sessions": 3, "participants": 6, "person_times": 6, "served": 0,
        "vehicles": 0, "trips": 0, "amount": 0, "hours": 12,
    }  # fmt: skip
    assert got["lecture"]["hours"] == 5  # 2.5 hours, two members: participant-hours
    assert got["send_exam"] == {
        "kind": "send_exam", "sessions": 1, "participants": 1, "person_times": 10, "served": 88,
        "vehicles": 10, "trips": 31, "amount": 0, "hours": 0,
    }  # fmt: skip
    assert got["care_visit"]["amount"] == 3000.5 and got["care_visit"]["served"] == 12
    assert (got["training"]["person_times"], got["training"]["hours"]) == (42, 8)
    assert got["safety"]["sessions"] == 0


def test_report_activities_by_month_quarter_branch_and_station(held: Run) -> None:
    months = rows(held, "report", "activities", "--by", "month")
    assert [(r["month"], r["sessions"]) for r in months] == [
        ("2025-12", 1), ("2026-01", 1), ("2026-02", 0), ("2026-03", 0),
        ("2026-04", 2), ("2026-05", 3), ("2026-06", 1),
    ]  # fmt: skip
    quarters = rows(held, "report", "activities", "--by", "quarter")
    assert [(r["quarter"], r["sessions"], r["person_times"]) for r in quarters] == [
        ("2025Q4", 1, 0), ("2026Q1", 1, 2), ("2026Q2", 6, 62),
    ]  # fmt: skip
    branches = rows(held, "report", "activities", "--by", "branch")
    assert [(r["branch"], r["name"], r["sessions"]) for r in branches] == [
        ("B-0001", "一支部", 5), ("B-0002", "二支部", 2), (None, None, 1),
    ]  # fmt: skip
    assert list(branches[0])[:3] == ["branch", "name", "sessions"]
    stations = rows(held, "report", "activities", "--by", "station")
    assert [(r["station"], r["name"], r["sessions"], r["served"]) for r in stations] == [
        ("S-0001", "爱莲驿站", 2, 88), (None, None, 6, 12),
    ]  # fmt: skip
    zh = ok(held, "--lang", "zh", "report", "activities", "--by", "station")
    assert zh.splitlines()[0].split() == [
        "站点", "名称", "场次", "参加党员人次", "参与人次", "服务人次", "车辆", "台次",
        "金额（元）", "学时",
    ]  # fmt: skip


def test_report_activities_counts_inside_a_period(held: Run) -> None:
    def kinds(*args: str) -> dict[str, int]:
        got = rows(held, "report", "activities", "--by", "kind", *args)
        return {r["kind"]: r["sessions"] for r in got if r["sessions"]}

    assert kinds("--period", "2026Q2") == {
        "meeting": 1, "theme_day": 3, "training": 1, "send_exam": 1,
    }  # fmt: skip
    assert kinds("--period", "2026-05") == {"theme_day": 2, "training": 1}
    assert kinds("--since", "2026-05-10", "--until", "2026-06-01") == {
        "theme_day": 1, "training": 1, "send_exam": 1,
    }  # fmt: skip
    assert kinds("--period", "2025") == {"care_visit": 1}
    assert kinds("--as-of", "2026-01-31") == {"care_visit": 1, "lecture": 1}
    months = rows(held, "report", "activities", "--by", "month", "--period", "2026Q1")
    assert [(r["month"], r["sessions"]) for r in months] == [
        ("2026-01", 1), ("2026-02", 0), ("2026-03", 0),
    ]  # fmt: skip
    for bad in (["--period", "2026Q5"], ["--period", "2026", "--since", "2026-01-01"]):
        r = held("report", "activities", "--by", "kind", *bad)
        assert r.exit_code == 2 and r.stderr.startswith("error: --period")


# --- report study ------------------------------------------------------------------------------


def test_report_study_hours_short_first(held: Run, empty_repo: Path) -> None:
    got = rows(held, "report", "study")
    assert [(r["id"], r["hours"], r["short"]) for r in got] == [
        ("M-0003", 3, 29), ("M-0004", 3, 29), ("M-0006", 4, 28), ("M-0002", 7.5, 24.5),
        ("M-0001", 11.5, 20.5),
    ]  # fmt: skip
    assert got[0] == {"id": "M-0003", "name": "王三", "branch": "B-0001", "hours": 3, "short": 29}
    last_year = rows(held, "report", "study", "--year", "2025")
    assert [(r["id"], r["hours"], r["short"]) for r in last_year] == [
        (m, 0, 32) for m in ("M-0001", "M-0002", "M-0003", "M-0004", "M-0006")
    ]
    config = empty_repo / "driverparty.toml"
    config.write_text(
        config.read_text("utf-8") + "\n[activities]\nstudy_hours = 10\n", encoding="utf-8"
    )
    got = rows(held, "report", "study")
    assert [(r["id"], r["short"]) for r in got][-2:] == [("M-0002", 2.5), ("M-0001", 0)]
    zh = ok(held, "--lang", "zh", "report", "study")
    assert zh.splitlines()[0].split() == ["编号", "名称", "所属支部", "学时", "尚缺学时"]


# --- report meetings ---------------------------------------------------------------------------


def meetings(run: Run, *args: str) -> dict[tuple[str, str], tuple[Any, ...]]:
    return {
        (r["branch"], r["kind"]): (r["required"], r["held"], r["missing"], r["attendance_rate"])
        for r in rows(run, "report", "meetings", *args)
    }


def test_report_meetings_this_quarter_by_default(held: Run) -> None:
    got = rows(held, "report", "meetings")
    assert list(got[0]) == [
        "branch", "name", "kind", "required", "held", "missing", "attendance_rate",
    ]  # fmt: skip
    assert [(r["branch"], r["name"], r["kind"]) for r in got[:5]] == [
        ("B-0001", "一支部", kind) for kind in LIFE
    ]
    assert meetings(held) == {
        ("B-0001", "meeting"): (1, 1, 0, 100.0),
        ("B-0001", "committee_meeting"): (3, 0, 3, None),
        ("B-0001", "group_meeting"): (3, 0, 3, None),
        ("B-0001", "lecture"): (1, 0, 1, None),  # held in January: last quarter's
        # two in May do not make up for June: 6 of 12 expected came
        ("B-0001", "theme_day"): (3, 3, 1, 50.0),
        # founded on 10 May: counted from May
        ("B-0002", "meeting"): (1, 0, 1, None),
        ("B-0002", "committee_meeting"): (2, 0, 2, None),
        ("B-0002", "group_meeting"): (2, 0, 2, None),
        ("B-0002", "lecture"): (1, 0, 1, None),
        ("B-0002", "theme_day"): (2, 0, 2, None),
    }
    assert meetings(held, "--period", "2026Q2") == meetings(held)
    assert meetings(held, "--as-of", "2026-04-30")[("B-0001", "theme_day")] == (1, 1, 0, 75.0)


def test_report_meetings_over_other_periods(held: Run) -> None:
    q1 = meetings(held, "--period", "2026Q1")
    assert {b for b, _ in q1} == {"B-0001"}  # B-0002 was founded later
    assert q1[("B-0001", "lecture")] == (1, 1, 0, None)  # nobody said how many were expected
    assert q1[("B-0001", "theme_day")] == (3, 0, 3, None)
    may = meetings(held, "--period", "2026-05")
    assert may[("B-0001", "theme_day")] == (1, 2, 0, 37.5)
    assert may[("B-0001", "meeting")] == (1, 1, 0, 100.0)  # May's quarter held its meeting
    year = meetings(held, "--period", "2025")
    assert year[("B-0001", "committee_meeting")] == (12, 0, 12, None)
    assert meetings(held, "--since", "2026-06-01", "--until", "2026-06-30")[
        ("B-0001", "theme_day")
    ] == (1, 0, 1, None)


def test_organisational_life_settings_change_what_is_required(held: Run, empty_repo: Path) -> None:
    config = empty_repo / "driverparty.toml"
    config.write_text(
        config.read_text("utf-8") + '\n[organisational_life]\ngroup_meeting = "none"\n'
        'theme_day = "quarter"\nmeeting = "year"\n',
        encoding="utf-8",
    )
    got = meetings(held)
    assert {k for b, k in got if b == "B-0001"} == {
        "meeting", "committee_meeting", "lecture", "theme_day",
    }  # fmt: skip
    assert got[("B-0001", "theme_day")] == (1, 3, 0, 50.0)
    assert got[("B-0001", "meeting")] == (1, 1, 0, 100.0)  # held in April: this year's
    assert got[("B-0001", "committee_meeting")] == (3, 0, 3, None)


# --- summary -----------------------------------------------------------------------------------


def test_summary_counts_activities(held: Run) -> None:
    figures = summary(held)
    activities = {k: v for k, v in figures.items() if k.startswith("activities.")}
    assert list(activities) == [
        "activities.total",
        *[f"activities.{k}" for k in KINDS["activity"].fields["kind"].choices],
        "activities.person_times",
        "activities.served",
        "activities.trips",
        "activities.amount",
    ]
    assert activities["activities.total"] == 8
    assert activities["activities.theme_day"] == 3 and activities["activities.safety"] == 0
    assert activities["activities.person_times"] == 64
    assert activities["activities.served"] == 100
    assert activities["activities.trips"] == 31
    assert activities["activities.amount"] == 3000.5
    assert summary(held, "--as-of", "2026-01-31")["activities.total"] == 2
    zh = ok(held, "--lang", "zh", "summary")
    for words in ("活动", "主题党日", "爱心送考", "参与人次", "服务人次", "台次", "金额（元）"):
        assert words in zh, words


def test_summary_counts_the_activities_inside_a_period(held: Run) -> None:
    """With --period (or --since/--until) the activities rows count what was held inside it,
    as the other flow rows do (issue 21's ``summary --period``)."""
    q2 = summary(held, "--period", "2026Q2")
    assert q2["activities.total"] == 6  # April to June: not the lecture of January, not 2025
    assert (q2["activities.lecture"], q2["activities.care_visit"]) == (0, 0)
    assert q2["activities.theme_day"] == 3 and q2["activities.send_exam"] == 1
    assert q2["activities.person_times"] == 3 + 2 + 1 + 4 + 10 + 42
    assert (q2["activities.served"], q2["activities.trips"]) == (88, 31)
    assert q2["activities.amount"] == 0
    may = summary(held, "--period", "2026-05")
    assert (may["activities.total"], may["activities.theme_day"]) == (3, 2)
    assert summary(held, "--period", "2025")["activities.amount"] == 3000.5
    span = summary(held, "--since", "2026-01-01", "--until", "2026-04-12")
    assert (span["activities.total"], span["activities.lecture"]) == (2, 1)


# --- 攀枝花 (seed 004): 爱心送考 and six trainings, entered and counted with the CLI -------------


def test_panzhihua_send_exam_and_trainings_are_reproduced(empty_repo: Path) -> None:
    """攀枝花: "爱心送考 … 110辆 … 370余台次 … 1000余人次" and "培训6场次共计1000余人次": one
    送考 run of 110 vehicles, 370 trips and 1,000 people served; six trainings with 1,000
    person-times between them (drivers of the company and others who came)."""
    run = runner_for(empty_repo)
    ok(run, "branch", "add", "--name", "万顺叫车攀枝花分公司党支部", "--kind", "branch",
       "--founded", "2023-04-01")  # fmt: skip
    drivers = [full_member(run, f"司机{n}", "B-0001") for n in range(1, 11)]
    activity(run, "--date", "2025-06-07", "--kind", "send_exam", "--title", "高考爱心送考",
             "--branch", "B-0001", "--participant", ",".join(drivers), "--vehicles", "110",
             "--trips", "370", "--served", "1000")  # fmt: skip
    others = (150, 160, 170, 160, 150, 150)  # and the ten party drivers at each: 60
    for n, extra in enumerate(others, 1):
        activity(run, "--date", f"2025-{n + 2:02d}-15", "--kind", "training",
                 "--title", f"网约车司机培训第{n}期", "--branch", "B-0001",
                 "--participant", ",".join(drivers), "--others", str(extra),
                 "--hours", "2")  # fmt: skip
    by_kind = {r["kind"]: r for r in rows(run, "report", "activities", "--by", "kind",
                                          "--period", "2025")}  # fmt: skip
    send = by_kind["send_exam"]
    assert (send["sessions"], send["vehicles"], send["trips"], send["served"]) == (
        1,
        110,
        370,
        1000,
    )
    training = by_kind["training"]
    assert (training["sessions"], training["person_times"]) == (6, 1000)
    assert training["hours"] == 6 * 10 * 2  # participant study hours
    figures = summary(run, "--period", "2025")
    assert figures["activities.send_exam"] == 1 and figures["activities.training"] == 6
    assert (figures["activities.trips"], figures["activities.served"]) == (370, 1000)
    assert figures["activities.person_times"] == 10 + 1000  # the drivers of the run, too
    zh = ok(run, "--lang", "zh", "report", "activities", "--by", "kind", "--period", "2025")
    assert "爱心送考" in zh and "370" in zh and "1000" in zh


def test_a_new_county_s_settings_show_the_defaults(tmp_path: Path) -> None:
    run = runner_for(tmp_path)
    r = run("init", str(tmp_path / "c"), "--county", "八步区")
    assert r.exit_code == 0, r.stderr
    text = (tmp_path / "c" / "driverparty.toml").read_text("utf-8")
    settings = tomllib.loads(text)
    assert settings["activities"] == {"study_hours": 32}
    assert settings["organisational_life"] == {
        "meeting": "quarter", "committee_meeting": "month", "group_meeting": "month",
        "lecture": "quarter", "theme_day": "month",
    }  # fmt: skip
    assert "# 主题党日" in text and (tmp_path / "c/records/activities").is_dir()


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ("[activities]\nstudy_hours = -1\n", "activities.study_hours: "),
        ('[activities]\nstudy_hours = "32"\n', "activities.study_hours: "),
        ("[activities]\nstudy_hours = true\n", "activities.study_hours: "),
        ("[activities]\nhours = 32\n", "activities.hours: unknown key"),
        ('[organisational_life]\nmeeting = "week"\n', "organisational_life.meeting: "),
        ('[organisational_life]\ntraining = "month"\n', "'training' is no kind of organisational"),
        ("[organisational_life]\ntheme_day = 1\n", "organisational_life.theme_day: "),
    ],
)
def test_bad_activity_settings_are_one_clear_error(
    county: Run, empty_repo: Path, settings: str, message: str
) -> None:
    (empty_repo / "driverparty.toml").write_text(f'county = "x"\n{settings}', encoding="utf-8")
    r = county("report", "meetings")
    assert r.exit_code == 1
    assert r.stderr.startswith("error: driverparty.toml: ") and r.stderr.count("\n") == 1
    assert message in r.stderr, r.stderr


def test_rollup_adds_the_counties_activities(held: Run, empty_repo: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(empty_repo), str(other))
    got = {
        f"{r['section']}.{r['metric']}": r
        for r in rows(held, "rollup", str(empty_repo), str(other))
    }
    assert got["activities.total"]["total"] == 16
    assert got["activities.amount"]["total"] == 6001  # yuan are added up too
    assert got["activities.person_times"]["total"] == 128
