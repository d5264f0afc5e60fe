"""Reports reproduce the figures of the news reports in shared/seeds (issue 4).

Record sets are built by hand — files written and committed once — so every figure below is
known in advance.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from driverparty.schema import KINDS
from tests.conftest import Run, git, make_repo, runner_for

FOLDERS = {"B": "branches", "M": "members", "S": "stations", "P": "petitions"}
#: the activities.* rows of summary, in order (SPEC section 4)
ACTIVITY_METRICS = (
    "total",
    *KINDS["activity"].fields["kind"].choices,
    "person_times",
    "served",
    "trips",
    "amount",
)


def write(repo: Path, records: list[dict[str, Any]]) -> None:
    for r in records:
        folder = repo / "records" / FOLDERS[r["id"][0]]
        (folder / f"{r['id']}.toml").write_text(tomli_w.dumps(r), encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "records by hand")


def summary(run: Run, *args: str) -> dict[str, Any]:
    r = run("summary", "--format", "json", *args)
    assert r.exit_code == 0, r.stderr
    return {f"{row['section']}.{row['metric']}": row["value"] for row in json.loads(r.stdout)}


def rows(run: Run, *args: str) -> list[dict[str, Any]]:
    r = run(*args, "--format", "json")
    assert r.exit_code == 0, r.stderr
    data: list[dict[str, Any]] = json.loads(r.stdout)
    return data


def phone(n: int) -> str:
    return f"139{n:08d}"


# --- 攀枝花 (seed 004): the 万顺叫车 branch of 29 party drivers ----------------------------------


@pytest.fixture
def panzhihua(tmp_path: Path) -> Run:
    repo = make_repo(tmp_path / "panzhihua", county="东区")
    records: list[dict[str, Any]] = [
        {
            "id": "B-0001",
            "name": "攀枝花市交通运输行业党委",
            "kind": "committee",
            "founded": date(2020, 7, 1),
        },
        {
            "id": "B-0002",
            "name": "万顺叫车党支部",
            "kind": "branch",
            "parent": "B-0001",
            "host": "万顺叫车",
            "sectors": ["ride_hailing"],
            "founded": date(2025, 3, 1),
            "secretary": "M-0001",
        },
        {
            "id": "B-0003",
            "name": "仁和区司机党员流动党支部",
            "kind": "mobile_branch",
            "parent": "B-0001",
            "county": "仁和区",
            "founded": date(2024, 5, 1),
        },
    ]
    for i in range(1, 30):  # 29 party drivers in the 万顺叫车 branch
        records.append(
            {
                "id": f"M-{i:04d}",
                "name": f"网约车司机{i}",
                "phone": phone(i),
                "occupation": "ride_hailing",
                "employer": "万顺叫车",
                "stage": "full",
                "probationary_on": date(2015, 1, 1),
                "full_on": date(2016, 1, 1),
                "branch": "B-0002",
                "verification": "confirmed",
                "verified_on": date(2026, 5, 1) if i > 2 else date(2025, 1, 1),
            }
        )
    records.append(
        {
            "id": "M-0030",
            "name": "流动党员",
            "occupation": "ride_hailing",
            "employer": "万顺叫车",
            "stage": "full",
            "branch": "B-0003",
            "mobile": True,
            "home_org": "攀枝花市东区",
            "full_on": date(2010, 1, 1),
        }
    )
    for i in range(31, 39):  # 8 applications this year, 3 of them now activists
        member = {
            "id": f"M-{i:04d}",
            "name": f"申请人{i}",
            "occupation": "ride_hailing",
            "employer": "万顺叫车",
            "stage": "applicant",
            "applied_on": date(2026, 2, 1),
        }
        if i >= 36:
            member.update(stage="activist", activist_on=date(2026, 5, 1))
        records.append(member)
    for i in range(1, 13):  # 12 花城货车司机驿站
        records.append(
            {
                "id": f"S-{i:04d}",
                "name": f"花城货车司机驿站{i}",
                "kind": "rest_stop",
                "branch": "B-0001",
                "opened": date(2024, 1, 1),
                "amenities": ["water", "microwave", "charging", "first_aid", "books"]
                if i <= 9
                else ["water"],
            }
        )
    for i in range(13, 43):  # 30 余个 万顺叫车 service stores
        records.append(
            {
                "id": f"S-{i:04d}",
                "name": f"万顺叫车服务门店{i}",
                "kind": "partner_store",
                "host": "万顺叫车",
                "branch": "B-0002",
                "opened": date(2025, 1, 1),
                "amenities": ["water", "charging"],
            }
        )
    write(repo, records)
    return runner_for(repo)


def test_panzhihua_summary(panzhihua: Run) -> None:
    assert summary(panzhihua) == {
        "branches.total": 3,
        "branches.committee": 1,
        "branches.general_branch": 0,
        "branches.branch": 1,
        "branches.joint_branch": 0,
        "branches.mobile_branch": 1,
        "members.total": 38,
        "members.party": 30,
        "members.applicant": 5,
        "members.activist": 3,
        "members.candidate": 0,
        "members.probationary": 0,
        "members.full": 30,
        "members.mobile": 1,
        "members.unattached": 0,
        "members.due_for_full": 0,
        "members.screening_due": 3,
        "members.recruited": 8,  # the applications of 2026
        "members.admitted": 29,  # probationary_on 2015-01-01
        "members.converted": 30,  # full_on 2016-01-01, and the mobile member's of 2010
        "stations.total": 42,
        "stations.rest_stop": 12,
        "stations.drivers_home": 0,
        "stations.service_center": 0,
        "stations.partner_store": 30,
        "stations.meeting_standard": 9,
        "petitions.total": 0,
        "petitions.open": 0,
        "petitions.resolved": 0,
        "petitions.overdue": 0,
        "petitions.responded_on_time_rate": None,
        "petitions.resolved_on_time_rate": None,
        "petitions.wishes_fulfilled": 0,
        "petitions.extended": 0,
        "petitions.callback_rate": None,
        "petitions.satisfaction_rate": None,
        **{f"activities.{m}": 0 for m in ACTIVITY_METRICS},
    }


def test_panzhihua_as_of_last_year(panzhihua: Run) -> None:
    figures = summary(panzhihua, "--as-of", "2025-12-31")
    # the applications came in 2026; the stores opened in 2025; the branch in March 2025
    assert figures["members.applicant"] == 0 and figures["members.activist"] == 0
    assert figures["members.total"] == 30 and figures["stations.total"] == 42
    assert summary(panzhihua, "--as-of", "2024-12-31")["branches.branch"] == 0
    assert summary(panzhihua, "--as-of", "2024-12-31")["stations.total"] == 12


def test_panzhihua_members_pipeline_coverage_and_screening(panzhihua: Run) -> None:
    assert rows(panzhihua, "report", "members", "--by", "branch") == [
        {"branch": "B-0001", "name": "攀枝花市交通运输行业党委", "count": 0},
        {"branch": "B-0002", "name": "万顺叫车党支部", "count": 29},
        {"branch": "B-0003", "name": "仁和区司机党员流动党支部", "count": 1},
        {"branch": None, "name": None, "count": 8},
    ]
    assert rows(panzhihua, "report", "members", "--by", "stage") == [
        {"stage": "applicant", "count": 5},
        {"stage": "activist", "count": 3},
        {"stage": "candidate", "count": 0},
        {"stage": "probationary", "count": 0},
        {"stage": "full", "count": 30},
    ]
    assert rows(panzhihua, "report", "members", "--by", "county") == [
        {"county": "东区", "count": 37},
        {"county": "仁和区", "count": 1},
    ]
    assert rows(panzhihua, "report", "pipeline") == [
        {"stage": "applicant", "count": 5},
        {"stage": "activist", "count": 3},
        {"stage": "candidate", "count": 0},
        {"stage": "probationary", "count": 0},
        {"stage": "full", "count": 30},
    ]
    assert rows(panzhihua, "report", "coverage") == [
        {"finding": "coverage_rate", "subject": None, "value": 100.0, "name": None}
    ]
    assert rows(panzhihua, "report", "screening") == [
        {
            "id": "M-0030",
            "name": "流动党员",
            "branch": "B-0003",
            "verified_on": None,
            "days_overdue": None,
        },
        {
            "id": "M-0001",
            "name": "网约车司机1",
            "branch": "B-0002",
            "verified_on": "2025-01-01",
            "days_overdue": 455,
        },
        {
            "id": "M-0002",
            "name": "网约车司机2",
            "branch": "B-0002",
            "verified_on": "2025-01-01",
            "days_overdue": 455,
        },
    ]
    stations = rows(panzhihua, "report", "stations")
    assert sum(s["meets"] for s in stations) == 9
    assert stations[9] == {
        "id": "S-0010",
        "name": "花城货车司机驿站10",
        "kind": "rest_stop",
        "meets": False,
        "missing": ["microwave", "charging", "first_aid", "books"],
    }
    r = panzhihua("report", "stations", "--standard", "ten")
    assert r.exit_code == 1 and "unknown standard 'ten'" in r.stderr


def test_panzhihua_tables_in_both_languages(panzhihua: Run) -> None:
    en = panzhihua("summary").stdout.splitlines()
    assert en[0].split() == ["section", "metric", "value"]
    assert "members     party                        30" in en
    zh = panzhihua("--lang", "zh", "summary").stdout
    assert zh.splitlines()[0].split() == ["类别", "指标", "数值"]
    words_expected = (
        "成员",
        "党员",
        "入党申请人",
        "积极分子",
        "驿站",
        "诉求",
        "按时办结率",
        "暖新商家",
    )
    for words in words_expected:
        assert words in zh
    line = next(x for x in zh.splitlines() if "积极分子" in x)
    assert line.rstrip().endswith(" 3")  # numbers right-aligned
    cov = panzhihua("--lang", "zh", "report", "coverage").stdout
    assert "组织覆盖率" in cov and "100.0" in cov


def test_panzhihua_activities_from_the_command_line(panzhihua: Run) -> None:
    """攀枝花 (seed 004): "爱心送考 … 110辆 … 370余台次 … 1000余人次", "培训6场次共计1000余人次",
    "向100余名网约车司机发放价值2.2万余元爱心大礼包", built with the tool's own commands."""
    drivers = ",".join(f"M-{i:04d}" for i in range(1, 30))  # the branch's 29 party drivers

    def add(*args: str) -> None:
        r = panzhihua("activity", "add", *args)
        assert r.exit_code == 0, r.stderr

    add("--date", "2026-06-07", "--kind", "send_exam", "--title", "高考爱心送考", "--branch",
        "B-0002", "--participant", drivers, "--others", "81", "--vehicles", "110",
        "--trips", "370", "--served", "1000")  # fmt: skip
    for n, others in enumerate((138, 138, 138, 138, 137, 137), 1):  # 6 × 29 members + 826 = 1000
        add("--date", f"2026-0{n}-15", "--kind", "training", "--title", f"网约车司机培训第{n}期",
            "--branch", "B-0002", "--participant", drivers, "--others", str(others),
            "--hours", "2")  # fmt: skip
    add("--date", "2026-01-20", "--kind", "care_visit", "--title", "冬送温暖爱心大礼包",
        "--branch", "B-0001", "--served", "100", "--amount", "22000")  # fmt: skip

    by_kind = {r["kind"]: r for r in rows(panzhihua, "report", "activities", "--by", "kind")}
    assert by_kind["send_exam"] == {
        "kind": "send_exam", "sessions": 1, "participants": 29, "person_times": 110,
        "served": 1000, "vehicles": 110, "trips": 370, "amount": 0, "hours": 0,
    }  # fmt: skip
    assert by_kind["training"] == {
        "kind": "training", "sessions": 6, "participants": 174, "person_times": 1000,
        "served": 0, "vehicles": 0, "trips": 0, "amount": 0, "hours": 348,
    }  # fmt: skip
    assert (by_kind["care_visit"]["served"], by_kind["care_visit"]["amount"]) == (100, 22000)
    figures = summary(panzhihua)
    assert {k: v for k, v in figures.items() if k.startswith("activities.") and v} == {
        "activities.total": 8,
        "activities.training": 6,
        "activities.send_exam": 1,
        "activities.care_visit": 1,
        "activities.person_times": 1110,
        "activities.served": 1100,
        "activities.trips": 370,
        "activities.amount": 22000,
    }
    by_branch = rows(panzhihua, "report", "activities", "--by", "branch")
    assert [(r["branch"], r["name"], r["sessions"]) for r in by_branch] == [
        ("B-0001", "攀枝花市交通运输行业党委", 1),
        ("B-0002", "万顺叫车党支部", 7),
        ("B-0003", "仁和区司机党员流动党支部", 0),
    ]
    zh = panzhihua("--lang", "zh", "report", "activities", "--by", "kind").stdout
    line = next(x for x in zh.splitlines() if x.startswith("爱心送考"))
    assert line.split() == ["爱心送考", "1", "29", "110", "1000", "110", "370", "0", "0"]


# --- 贺州 (seed 000), scaled down by ten: 157 petitions, 110 resolved, 75 wishes fulfilled ------


@pytest.fixture
def hezhou(tmp_path: Path) -> Run:
    repo = make_repo(tmp_path / "hezhou", county="八步区")
    records: list[dict[str, Any]] = []
    start = date(2026, 1, 1)
    for i in range(1, 158):
        received = start + timedelta(days=i % 150)
        wish = i <= 75 or 141 <= i <= 145  # 80 wishes, 75 of them fulfilled
        p: dict[str, Any] = {
            "id": f"P-{i:04d}",
            "received": received,
            "channel": "mailbox",
            "kind": "wish" if wish else "request",
            "category": "hardship" if wish else "repair",
            "summary": "微心愿" if wish else "维修",
            "status": "received",
            "due": received + timedelta(days=7),
        }
        if i <= 140:  # transferred: the first 120 the next day, 20 late
            p.update(
                status="assigned",
                assignee="八步区交通运输局",
                assigned_on=received + timedelta(days=1 if i <= 120 else 3),
            )
        if i <= 110:  # resolved: 100 within 7 days (5 days), 10 late (10 days)
            p.update(
                status="resolved",
                resolved_on=received + timedelta(days=5 if i <= 100 else 10),
                resolution="已办结",
            )
        if p.get("resolved_on", date.min) > date(2026, 6, 30) or p.get(
            "assigned_on", date.min
        ) > date(2026, 6, 30):
            raise AssertionError("test data must lie before today")
        records.append(p)
    write(repo, records)
    return runner_for(repo)


def test_hezhou_petition_figures(hezhou: Run) -> None:
    figures = summary(hezhou)
    assert figures["petitions.total"] == 157
    assert figures["petitions.resolved"] == 110
    assert figures["petitions.open"] == 47
    assert figures["petitions.wishes_fulfilled"] == 75  # 完成“微心愿”750多个, scaled
    assert figures["petitions.responded_on_time_rate"] == 85.7  # 120 of 140
    assert figures["petitions.resolved_on_time_rate"] == 90.9  # 100 of 110
    # open ones past their 7 days on 2026-06-30: every open one received before 2026-06-23
    assert figures["petitions.overdue"] == 47


def test_hezhou_petitions_by_kind_month_and_window(hezhou: Run) -> None:
    by_kind = rows(hezhou, "report", "petitions", "--by", "kind")
    assert by_kind == [
        {
            "kind": "request",
            "total": 77,
            "resolved": 35,
            "overdue": 42,
            "resolved_on_time_rate": 71.4,
            "median_days_to_resolve": 5,
            "callback_rate": 0.0,  # 35 resolved, none called back
            "satisfaction_rate": None,
        },
        {
            "kind": "wish",
            "total": 80,
            "resolved": 75,
            "overdue": 5,
            "resolved_on_time_rate": 100.0,
            "median_days_to_resolve": 5,
            "callback_rate": 0.0,
            "satisfaction_rate": None,
        },
    ]
    by_month = rows(hezhou, "report", "petitions", "--by", "month")
    assert [r["month"] for r in by_month] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
    assert sum(r["total"] for r in by_month) == 157
    window = rows(
        hezhou,
        "report",
        "petitions",
        "--by",
        "status",
        "--since",
        "2026-05-01",
        "--until",
        "2026-05-31",
    )
    assert sum(r["total"] for r in window) == 31 - 1  # received 2026-05-01 .. 05-30
    none = rows(hezhou, "report", "petitions", "--by", "category", "--since", "2027-01-01")
    assert none == []


def test_rates_are_null_when_nothing_to_divide(hezhou: Run) -> None:
    early = summary(hezhou, "--as-of", "2026-01-01")
    assert early["petitions.total"] == 1 and early["petitions.resolved_on_time_rate"] is None
    assert early["petitions.responded_on_time_rate"] is None
    assert early["petitions.open"] == 1


# --- the sample county -------------------------------------------------------------------------


def test_sample_summary_and_due_for_full(dp: Run) -> None:
    figures = summary(dp)
    assert figures["members.party"] == 40 and figures["members.unattached"] == 3
    assert figures["petitions.overdue"] == 8 and figures["stations.meeting_standard"] == 7
    due = rows(dp, "report", "pipeline", "--due")
    # M-0056's probation was extended to 2026-11-01: not due yet
    assert [r["id"] for r in due] == ["M-0006", "M-0013", "M-0043"]
    assert due[0]["full_due"] == "2026-07-10"
    assert figures["members.due_for_full"] == 3
    coverage = rows(dp, "report", "coverage")
    assert coverage[1] == {  # its full members; the probationary M-0029 does not count yet
        "finding": "should_form_branch",
        "subject": "贺州市八步区顺达物流有限公司",
        "value": 4,
        "name": None,
    }
    # 曹操出行's one party member is probationary: it counts no full member
    assert {r["subject"] for r in coverage if r["finding"] == "should_join_joint_branch"} == {
        "贺州市八步区安顺出租车有限公司",
    }


def test_a_broken_file_is_reported_and_skipped(dp: Run, repo: Path) -> None:
    (repo / "records/members/M-0001.toml").write_text("broken = \n", encoding="utf-8")
    r = dp("summary", "--format", "json")
    assert r.exit_code == 1 and "records/members/M-0001.toml" in r.stderr
    assert any(row["metric"] == "party" and row["value"] == 39 for row in json.loads(r.stdout))


def test_rollup_side_by_side_with_a_total(
    panzhihua: Run, hezhou: Run, tmp_path: Path, dp: Run, repo: Path
) -> None:
    pz, hz = tmp_path / "panzhihua", tmp_path / "hezhou"
    bare = tmp_path / "hezhou.git"
    git(tmp_path, "clone", "-q", "--bare", str(hz), str(bare))
    r = dp("rollup", str(pz), f"file://{bare}", "--format", "json")
    assert r.exit_code == 0, r.stderr
    data = {f"{x['section']}.{x['metric']}": x for x in json.loads(r.stdout)}
    assert data["members.party"] == {
        "section": "members",
        "metric": "party",
        "东区": 30,
        "八步区": 0,
        "total": 30,
    }
    assert data["petitions.total"]["total"] == 157
    assert data["petitions.resolved_on_time_rate"]["total"] == 90.9
    # two counties of the same name stay apart
    r = dp("rollup", str(hz), str(repo), "--format", "csv")
    assert r.stdout.splitlines()[0] == "section,metric,八步区,八步区',total"
    r = dp("rollup", str(tmp_path / "nowhere"))
    assert r.exit_code == 3 and "cannot clone" in r.stderr
