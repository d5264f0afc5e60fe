"""The member pipeline by 《中国共产党发展党员工作细则》 (SPEC section 3 "member", section 4
`promote`, issue 21): one step at a time, a year as activist, 18 at application, the branch
meeting's vote and the concentrated training before probation, full membership on the day
probation ends, probation extended once or cancelled, contacts, why members left — on real
repositories through the command line."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from driverparty.models.types import id_number_check_char
from tests.conftest import Run, git, head_subject
from tests.test_workflows import unchanged

NEW = ("member", "add", "--name", "王师傅", "--occupation", "truck")


def member(repo: Path, rid: str) -> dict[str, Any]:
    return tomllib.loads((repo / f"records/members/{rid}.toml").read_text(encoding="utf-8"))


def rows(run: Run, *args: str) -> list[dict[str, Any]]:
    r = run(*args, "--format", "json")
    assert r.exit_code == 0, r.stderr
    data: list[dict[str, Any]] = json.loads(r.stdout)
    return data


def id_number(born: str) -> str:
    first17 = "451102" + born.replace("-", "") + "123"
    return first17 + id_number_check_char(first17)


# --- every refused promote says which step is next and why ----------------------------------

REFUSED = [
    # (member, extra arguments, words of the refusal)
    ("M-0009", ("--to", "applicant"), "is already activist: promotion goes forward only"),
    ("M-0009", ("--to", "activist"), "the next step is candidate"),
    ("M-0010", ("--to", "candidate"), "cannot skip to candidate; the next step is activist"),
    ("M-0001", ("--to", "full"), "is a full member already: the pipeline has no further step"),
    (
        "M-0009",  # activist since 2025-09-17
        ("--to", "candidate"),
        "became an activist on 2025-09-17: an activist is trained at least a year, so the next "
        "step, candidate, can come on or after 2026-09-17",
    ),
    (
        "M-0009",
        ("--to", "candidate", "--on", "2025-09-01"),
        "the next step, candidate, cannot come on 2025-09-01, before activist_on (2025-09-17)",
    ),
    (
        "M-0022",  # a candidate not yet trained
        ("--to", "probationary", "--vote", "9,8,8"),
        "has no trained_on: the next step, probationary, needs the concentrated training "
        "(集中培训) first; record it with `member update M-0022 --trained-on DATE`",
    ),
    (
        "M-0008",  # trained on 2025-09-09
        ("--to", "probationary", "--vote", "9,8,8", "--on", "2025-09-01"),
        "was trained on 2025-09-09, after 2025-09-01: the next step, probationary, comes after "
        "the concentrated training",
    ),
    (
        "M-0008",
        ("--to", "probationary"),
        "the next step, probationary, needs the branch meeting's vote: --vote ELIGIBLE,PRESENT,FOR",
    ),
    ("M-0008", ("--to", "probationary", "--vote", "9,4,4"), "4 of 9 eligible present"),
    ("M-0008", ("--to", "probationary", "--vote", "9,8,4"), "4 of 9 eligible for"),
    ("M-0008", ("--to", "probationary", "--vote", "10,6,5"), "5 of 10 eligible for"),
    ("M-0008", ("--to", "probationary", "--vote", "9,5,6"), "6 for, but only 5 present"),
    ("M-0008", ("--to", "probationary", "--vote", "9,10,8"), "10 present, but only 9 eligible"),
    (
        "M-0021",  # probationary since 2025-12-26
        ("--to", "full"),
        "the probation ends on 2026-12-26: the next step, full, cannot come on 2026-06-30",
    ),
    (
        "M-0056",  # probation extended to 2026-11-01
        ("--to", "full"),
        "the probation (extended) ends on 2026-11-01: the next step, full, cannot come on "
        "2026-06-30",
    ),
    ("M-0014", ("--to", "candidate"), "left on 2025-11-20: cannot promote; allowed now: none"),
]


@pytest.mark.parametrize(("rid", "args", "words"), REFUSED)
def test_every_refused_promote_says_which_step_is_next_and_why(
    dp: Run, repo: Path, rid: str, args: tuple[str, ...], words: str
) -> None:
    err = unchanged(repo, dp, "member", "promote", rid, *args)
    assert words in err
    if "left on" not in words:
        assert "allowed now: " in err


def test_under_18_cannot_be_promoted(dpe: Run, empty_repo: Path) -> None:
    r = dpe(*NEW, "--stage", "applicant", "--birth-date", "2009-01-02")  # no applied_on known
    assert r.exit_code == 0, r.stderr
    err = unchanged(empty_repo, dpe, "member", "promote", "M-0001", "--to", "activist")
    assert (
        "is under 18 on 2026-06-30 (born 2009-01-02): the next step, activist, can come on or "
        "after the 18th birthday, 2027-01-02" in err
    )


def test_a_legacy_probationary_member_without_a_date_cannot_become_full(
    dpe: Run, empty_repo: Path
) -> None:
    assert dpe(*NEW, "--stage", "probationary").exit_code == 0
    err = unchanged(empty_repo, dpe, "member", "promote", "M-0001", "--to", "full")
    assert "has no probationary_on: the next step, full, comes when the probation year ends" in err


def test_vote_syntax_is_a_usage_error(dp: Run) -> None:
    for vote in ("9,8", "9,8,x", "-1,0,0", "9;8;8"):
        r = dp("member", "promote", "M-0008", "--to", "probationary", "--vote", vote)
        assert r.exit_code == 2 and "ELIGIBLE,PRESENT,FOR" in r.stderr, vote
    r = dp("member", "promote", "M-0010", "--to", "activist", "--vote", "9,8,8")
    assert r.exit_code == 2 and "--vote is only for --to probationary" in r.stderr


def test_the_branch_meeting_admits_a_trained_candidate(dp: Run, repo: Path) -> None:
    r = dp(
        "member",
        "promote",
        "M-0008",
        "--to",
        "probationary",
        "--vote",
        "9,5,5",
        "--on",
        "2026-06-01",
    )
    assert r.exit_code == 0, r.stderr
    m = member(repo, "M-0008")
    assert m["stage"] == "probationary" and str(m["probationary_on"]) == "2026-06-01"
    assert (m["vote_eligible"], m["vote_present"], m["vote_for"]) == (9, 5, 5)
    assert head_subject(repo) == "member promote M-0008"


def test_a_whole_pipeline_by_the_rules(dpe: Run, empty_repo: Path) -> None:
    born = "1990-05-01"
    steps = [
        (
            *NEW,
            "--stage",
            "applicant",
            "--id-number",
            id_number(born),
            "--applied-on",
            "2023-03-01",
        ),
        ("member", "promote", "M-0001", "--to", "activist", "--on", "2023-09-01"),
        ("member", "promote", "M-0001", "--to", "candidate", "--on", "2024-09-01"),
        ("member", "update", "M-0001", "--trained-on", "2024-10-20"),
        (
            "member",
            "promote",
            "M-0001",
            "--to",
            "probationary",
            "--vote",
            "7,6,6",
            "--on",
            "2024-11-05",
        ),
        ("member", "promote", "M-0001", "--to", "full", "--on", "2025-11-20"),
    ]
    for args in steps:
        r = dpe(*args)
        assert r.exit_code == 0, (args, r.stderr)
    m = member(empty_repo, "M-0001")
    assert m["stage"] == "full" and str(m["full_on"]) == "2025-11-05"  # when probation ended
    assert dpe("validate").exit_code == 0


# --- probation extended or cancelled ---------------------------------------------------------


def test_probation_is_extended_once_by_six_to_twelve_months(dp: Run, repo: Path) -> None:
    # M-0006: probationary since 2025-07-10, the year ends 2026-07-10
    for to in ("2026-12-01", "2027-08-01"):
        err = unchanged(repo, dp, "member", "extend-probation", "M-0006", "--to", to, "--note", "x")
        assert "to a day from 2027-01-10 to 2027-07-10, not " + to in err
    r = dp(
        "member",
        "extend-probation",
        "M-0006",
        "--to",
        "2027-01-10",
        "--note",
        "支部大会决定延长预备期半年",
        "--on",
        "2026-06-28",
    )
    assert r.exit_code == 0, r.stderr
    assert head_subject(repo) == "member extend-probation M-0006"
    m = member(repo, "M-0006")
    assert str(m["probation_extended_to"]) == "2027-01-10"
    assert m["notes"].endswith("2026-06-28 延长预备期至 2027-01-10：支部大会决定延长预备期半年")
    err = unchanged(
        repo, dp, "member", "extend-probation", "M-0006", "--to", "2027-02-10", "--note", "x"
    )
    assert "probation was extended already, to 2027-01-10: it can be extended only once" in err
    assert "allowed now: promote --to full, cancel-probation, verify" in err
    err = unchanged(repo, dp, "member", "promote", "M-0006", "--to", "full")
    assert "the probation (extended) ends on 2027-01-10" in err
    assert "M-0006" not in [r["id"] for r in rows(dp, "report", "pipeline", "--due")]
    err = unchanged(
        repo, dp, "member", "extend-probation", "M-0001", "--to", "2027-01-10", "--note", "x"
    )
    assert "is full: only a probationary member's probation can be extended" in err
    assert dp("member", "extend-probation", "M-0006", "--to", "2027-01-10").exit_code == 2


def test_an_extended_member_becomes_full_on_the_extended_day(dp: Run, repo: Path) -> None:
    later = {"DRIVERPARTY_TODAY": "2026-11-05"}
    r = dp("member", "promote", "M-0056", "--to", "full", env=later)
    assert r.exit_code == 0, r.stderr
    assert str(member(repo, "M-0056")["full_on"]) == "2026-11-01"


def test_probation_is_cancelled_and_the_member_leaves(dp: Run, repo: Path) -> None:
    party = rows(dp, "summary")
    r = dp(
        "member",
        "cancel-probation",
        "M-0021",
        "--note",
        "预备期内不履行党员义务",
        "--on",
        "2026-06-15",
    )
    assert r.exit_code == 0, r.stderr
    assert head_subject(repo) == "member cancel-probation M-0021"
    m = member(repo, "M-0021")
    assert m["left_kind"] == "probation_cancelled" and str(m["left_on"]) == "2026-06-15"
    assert m["left_reason"] == "预备期内不履行党员义务" and m["stage"] == "probationary"
    after = rows(dp, "summary")
    value = {f"{x['section']}.{x['metric']}": x["value"] for x in after}
    before = {f"{x['section']}.{x['metric']}": x["value"] for x in party}
    assert value["members.party"] == before["members.party"] - 1
    err = unchanged(repo, dp, "member", "cancel-probation", "M-0001", "--note", "x")
    assert "is full: only a probationary member's probation can be cancelled" in err
    err = unchanged(repo, dp, "member", "cancel-probation", "M-0021", "--note", "x")
    assert "left on 2026-06-15" in err
    by_kind = {
        r["left_kind"]: r["count"]
        for r in rows(dp, "report", "members", "--by", "left_kind", "--all")
    }
    assert by_kind["probation_cancelled"] == 2  # M-0037 in the sample, and M-0021


# --- the rules on one record: add, update, and hand edits for validate -----------------------

RULES = [
    (
        ("--stage", "applicant", "--birth-date", "2010-03-01", "--applied-on", "2026-01-05"),
        "applied_on",
        "2026-01-05 is before the 18th birthday (2028-03-01): an applicant must be at least 18",
    ),
    (
        (
            "--stage",
            "applicant",
            "--id-number",
            id_number("2010-03-01"),
            "--applied-on",
            "2026-01-05",
        ),
        "applied_on",
        "before the 18th birthday (2028-03-01)",
    ),
    (
        ("--stage", "activist", "--birth-date", "2010-03-01", "--activist-on", "2026-01-05"),
        "activist_on",  # no applied_on: the first date known is held to it
        "before the 18th birthday",
    ),
    (
        ("--stage", "candidate", "--activist-on", "2025-03-01", "--candidate-on", "2026-02-28"),
        "candidate_on",
        "2026-02-28 is less than a year after activist_on (2025-03-01): not before 2026-03-01",
    ),
    (
        (
            "--stage",
            "probationary",
            "--probationary-on",
            "2026-01-01",
            "--trained-on",
            "2026-02-01",
        ),
        "trained_on",
        "2026-02-01 is after probationary_on (2026-01-01): training comes first",
    ),
    (
        ("--stage", "candidate", "--candidate-on", "2026-01-01", "--trained-on", "2025-12-01"),
        "trained_on",
        "2025-12-01 is before candidate_on (2026-01-01)",
    ),
    (("--stage", "activist", "--trained-on", "2026-01-01"), "trained_on", "only activist"),
    (
        ("--stage", "probationary", "--vote-eligible", "9", "--vote-present", "8"),
        "vote_for",
        "the vote needs all three",
    ),
    (
        (
            "--stage",
            "probationary",
            "--vote-eligible",
            "9",
            "--vote-present",
            "8",
            "--vote-for",
            "4",
        ),
        "vote_present",
        "4 of 9 eligible for; more than half (at least 5) must vote for",
    ),
    (
        ("--stage", "candidate", "--vote-eligible", "9", "--vote-present", "8", "--vote-for", "8"),
        "vote_eligible",
        "set, but the stage is only candidate",
    ),
    (
        ("--stage", "probationary", "--vote-eligible", "-1"),
        "vote_eligible",
        "greater than or equal to 0",
    ),
    (
        (
            "--stage",
            "probationary",
            "--probationary-on",
            "2025-07-01",
            "--probation-extended-to",
            "2026-12-31",
        ),
        "probation_extended_to",
        "must be 6 to 12 months after the probation year ends: from 2027-01-01 to 2027-07-01",
    ),
    (
        (
            "--stage",
            "full",
            "--probationary-on",
            "2024-07-01",
            "--probation-extended-to",
            "2026-01-01",
            "--full-on",
            "2025-07-01",
        ),
        "full_on",
        "2025-07-01 is not the end of probation (extended): must be 2026-01-01",
    ),
    (
        ("--stage", "full", "--probationary-on", "2024-07-01", "--full-on", "2025-07-02"),
        "full_on",
        "2025-07-02 is not the end of probation: must be 2025-07-01",  # never a later day
    ),
    (("--stage", "activist", "--contacts", "M-0001,M-0002,M-0003"), "contacts", "at most 2"),
    (("--stage", "activist", "--contacts", "M-0010"), "contacts", "M-0010 is not a full member"),
    (("--stage", "activist", "--contacts", "M-9999"), "contacts", "no member M-9999"),
    (("--stage", "activist", "--contacts", "M-0001,M-0001"), "contacts", "names the same member"),
    (("--stage", "applicant", "--contacts", "M-0001"), "contacts", "only applicant"),
    (("--stage", "full", "--left-kind", "moved"), "left_on", "required with left_kind"),
    (
        (
            "--stage",
            "full",
            "--left-on",
            "2026-01-01",
            "--left-reason",
            "x",
            "--left-kind",
            "probation_cancelled",
        ),
        "left_kind",
        "probation_cancelled, but the stage is full",
    ),
    (("--stage", "full", "--left-kind", "retired"), "left_kind", "must be 'moved'"),
]


@pytest.mark.parametrize(("args", "field", "words"), RULES)
def test_each_rule_is_refused_naming_the_field(
    dp: Run, repo: Path, args: tuple[str, ...], field: str, words: str
) -> None:
    head = git(repo, "rev-parse", "HEAD")
    r = dp(*NEW, *args)
    assert r.exit_code == 1, r.stdout
    assert f"records/members/M-0061.toml: {field}: " in r.stderr and words in r.stderr, r.stderr
    assert git(repo, "rev-parse", "HEAD") == head


def test_a_legacy_roster_with_stages_only_stays_valid(dpe: Run) -> None:
    for stage in ("applicant", "activist", "candidate", "probationary", "full"):
        assert dpe(*NEW, "--stage", stage).exit_code == 0
    assert dpe(*NEW, "--stage", "full", "--full-on", "2001-07-01").exit_code == 0
    assert dpe(*NEW, "--stage", "candidate", "--candidate-on", "2026-01-01").exit_code == 0
    r = dpe("validate")
    assert r.exit_code == 0, r.stdout


def test_validate_reports_broken_rules_in_hand_edits(dp: Run, repo: Path) -> None:
    m7 = repo / "records/members/M-0007.toml"  # probationary 2024-08-18, full 2025-08-18
    m8 = repo / "records/members/M-0008.toml"
    for path, old, new in (
        (m7, "full_on = 2025-08-18", "full_on = 2025-09-01"),
        (repo / "records/members/M-0009.toml", '"M-0005",', '"M-0010",'),
        (m8, "candidate_on = 2025-08-11", "candidate_on = 2025-06-01"),  # activist 2024-06-29
    ):
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    r = dp("validate")
    assert r.exit_code == 1
    assert (
        "records/members/M-0007.toml: full_on: 2025-09-01 is not the end of probation: "
        "must be 2025-08-18" in r.stdout
    )
    assert "records/members/M-0009.toml: contacts: M-0010 is not a full member" in r.stdout
    assert "records/members/M-0008.toml: candidate_on: 2025-06-01 is less than a year" in r.stdout


# --- contacts are a list of references --------------------------------------------------------


def test_contacts_are_references_that_removal_and_leaving_respect(dp: Run, repo: Path) -> None:
    assert member(repo, "M-0009")["contacts"] == ["M-0005"]
    err = unchanged(repo, dp, "member", "remove", "M-0005")
    assert "records/members/M-0009.toml: contacts: refers to member M-0005" in err
    err = unchanged(repo, dp, "member", "leave", "M-0005", "--reason", "x")
    assert "records/members/M-0009.toml: contacts: M-0005 has left the roster" in err
    r = dp("member", "update", "M-0009", "--contacts", "M-0004,M-0007")
    assert r.exit_code == 0, r.stderr
    assert member(repo, "M-0009")["contacts"] == ["M-0004", "M-0007"]
    # the contacts no longer hold M-0005; the sample's activities still list it (issue 20)
    r = dp("member", "remove", "M-0005")
    assert r.exit_code == 1 and "M-0009.toml" not in r.stderr
    assert "participants: refers to member M-0005" in r.stderr, r.stderr
    assert dp("member", "remove", "M-0005", "--force").exit_code == 0
    got = rows(dp, "member", "list", "--where", "contacts=M-0007", "--fields", "id")
    assert [x["id"] for x in got] == ["M-0008", "M-0009"]


# --- why members left, and the member reports --------------------------------------------------


def test_report_members_by_left_kind_counts_every_code(dp: Run) -> None:
    active = rows(dp, "report", "members", "--by", "left_kind")
    assert [r["left_kind"] for r in active] == [
        "moved",
        "transferred_out",
        "left_trade",
        "not_member",
        "probation_cancelled",
        "lapsed",
        "expelled",
        "deceased",
        "other",
        None,
    ]
    assert sum(r["count"] for r in active) == 55 and active[-1]["count"] == 55
    every = {
        r["left_kind"]: r["count"]
        for r in rows(dp, "report", "members", "--by", "left_kind", "--all")
    }
    assert every == {
        "moved": 1,
        "transferred_out": 1,
        "left_trade": 1,
        "not_member": 1,  # a screening found 卢志明 is no party member
        "probation_cancelled": 1,
        "lapsed": 0,
        "expelled": 0,
        "deceased": 0,
        "other": 0,
        None: 55,
    }
    zh = dp("--lang", "zh", "report", "members", "--by", "left_kind", "--all").stdout
    for word in ("离开类别", "核实非党员", "取消预备党员资格", "开除党籍"):
        assert word in zh


def test_report_members_by_gender_mobile_year_and_branch(dp: Run) -> None:
    assert rows(dp, "report", "members", "--by", "gender") == [
        {"gender": "male", "count": 39},
        {"gender": "female", "count": 16},
    ]
    assert rows(dp, "report", "members", "--by", "mobile") == [
        {"mobile": False, "count": 49},
        {"mobile": True, "count": 6},
    ]
    years = rows(dp, "report", "members", "--by", "year_joined")
    assert years[0] == {"year_joined": 2009, "count": 1}
    assert {"year_joined": 2025, "count": 7} in years
    assert years[-1] == {"year_joined": None, "count": 15}  # not yet admitted
    assert sum(r["count"] for r in years) == 55
    stages = rows(dp, "report", "members", "--by", "verification")
    assert [r["verification"] for r in stages] == ["screened", "confirmed", "archived", None]
    branches = rows(dp, "report", "members", "--by", "branch")
    assert branches[0] == {"branch": "B-0001", "name": "八步区交通运输行业党委", "count": 2}
    assert [r["branch"] for r in branches][-1] is None
    assert "B-0007" not in [r["branch"] for r in branches]  # dissolved in 2024
    table = dp("report", "members", "--by", "branch").stdout.splitlines()
    assert table[0].split() == ["branch", "name", "count"]


def test_report_members_shows_every_code_even_with_none(dpe: Run) -> None:
    assert dpe(*NEW, "--stage", "full").exit_code == 0
    assert rows(dpe, "report", "members", "--by", "occupation") == [
        {"occupation": "truck", "count": 1},
        {"occupation": "ride_hailing", "count": 0},
        {"occupation": "taxi", "count": 0},
        {"occupation": "delivery", "count": 0},
        {"occupation": "other", "count": 0},
    ]
    assert rows(dpe, "report", "members", "--by", "gender") == [
        {"gender": "male", "count": 0},
        {"gender": "female", "count": 0},
        {"gender": None, "count": 1},
    ]


def test_coverage_counts_full_members(dpe: Run) -> None:
    for stage in ("full", "full", "probationary", "probationary"):
        assert dpe(*NEW, "--stage", stage, "--employer", "货运公司").exit_code == 0
    for stage in ("full", "full", "full"):
        assert dpe(*NEW, "--stage", stage, "--employer", "网约车平台").exit_code == 0
    found = {(r["finding"], r["subject"]): r["value"] for r in rows(dpe, "report", "coverage")}
    # four party members at 货运公司, but only two full ones: a joint branch, not their own
    assert found[("should_join_joint_branch", "货运公司")] == 2
    assert ("should_form_branch", "货运公司") not in found
    assert found[("should_form_branch", "网约车平台")] == 3
    unattached = [r for r in rows(dpe, "report", "coverage") if r["finding"] == "unattached_member"]
    assert unattached[0] == {
        "finding": "unattached_member",
        "subject": "M-0001",
        "value": None,
        "name": "王师傅",
    }


def test_a_roster_with_joining_dates_but_no_full_dates_counts_full_members_as_full(
    dpe: Run, empty_repo: Path
) -> None:
    # offices' rosters give 入党日期 and the member's category, rarely 转正日期
    roster = empty_repo.parent / "花名册.csv"
    roster.write_bytes(
        "姓名,性别,职业,党员类别,入党日期,确定发展对象日期\r\n"
        "王一,男,货车司机,正式党员,2010-01-01,\r\n"
        "李二,男,货车司机,预备党员,2026-01-01,\r\n"
        "赵三,男,货车司机,发展对象,,\r\n"
        "钱四,男,货车司机,发展对象,,2026-03-01\r\n".encode("gb18030")
    )
    r = dpe("import", "member", str(roster))
    assert r.exit_code == 0, r.stderr
    value = {f"{x['section']}.{x['metric']}": x["value"] for x in rows(dpe, "summary")}
    assert (value["members.full"], value["members.probationary"]) == (1, 1)
    assert value["members.candidate"] == 2 and value["members.due_for_full"] == 0
    # in the past: full from the end of probation (a year after joining), not before
    for period, full, probationary in (("2010Q4", 0, 1), ("2011Q1", 1, 0)):
        value = {
            f"{x['section']}.{x['metric']}": x["value"]
            for x in rows(dpe, "summary", "--period", period)
        }
        assert (value["members.full"], value["members.probationary"]) == (full, probationary)
