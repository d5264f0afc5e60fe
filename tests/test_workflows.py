"""The member pipeline and the petition lifecycle, run on real repositories (issue 3)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run, commit_count, git, head_subject


def record(repo: Path, folder: str, rid: str) -> dict[str, Any]:
    return tomllib.loads((repo / f"records/{folder}/{rid}.toml").read_text(encoding="utf-8"))


def unchanged(repo: Path, run: Run, *args: str) -> str:
    """Run a move that must be refused: exit 1, error lines only, nothing changed."""
    head = git(repo, "rev-parse", "HEAD")
    r = run(*args)
    assert r.exit_code == 1, r.stdout
    assert r.stderr and all(line.startswith("error: ") for line in r.stderr.splitlines())
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "status", "--porcelain") == ""
    return r.stderr


# --- members -----------------------------------------------------------------------------------


def test_promote_moves_one_step_setting_the_stage_date(dp: Run, repo: Path) -> None:
    r = dp("member", "promote", "M-0010", "--to", "activist", "--on", "2026-03-01")
    assert r.exit_code == 0, r.stderr
    assert head_subject(repo) == "member promote M-0010"
    assert "Driverparty-On: 2026-03-01" in git(repo, "log", "-1", "--format=%B")
    m = record(repo, "members", "M-0010")
    assert m["stage"] == "activist" and str(m["activist_on"]) == "2026-03-01"
    err = unchanged(repo, dp, "member", "promote", "M-0010", "--to", "probationary")
    assert "cannot skip to probationary; the next step is candidate" in err
    assert "candidate_on" not in record(repo, "members", "M-0010")


def test_promote_backwards_or_sideways_is_refused_saying_what_is_next(dp: Run, repo: Path) -> None:
    err = unchanged(repo, dp, "member", "promote", "M-0009", "--to", "applicant")
    assert "M-0009: is already activist: promotion goes forward only" in err
    assert "the next step is candidate" in err
    assert "allowed now: promote --to candidate, verify, transfer, leave" in err
    err = unchanged(repo, dp, "member", "promote", "M-0009", "--to", "activist")
    assert "forward only, one step at a time" in err
    err = unchanged(repo, dp, "member", "promote", "M-0001", "--to", "full")
    assert "is a full member already: the pipeline has no further step" in err


def test_full_only_when_probation_ends_and_on_that_day(dp: Run, repo: Path) -> None:
    err = unchanged(repo, dp, "member", "promote", "M-0021", "--to", "full")  # since 2025-12-26
    assert "the probation ends on 2026-12-26: the next step, full, cannot come on 2026-06-30" in err
    err = unchanged(repo, dp, "member", "promote", "M-0010", "--to", "full")  # an applicant
    assert "cannot skip to full; the next step is activist" in err
    # probationary since 2025-06-20: recorded on 06-25, full_on is the day probation ended
    r = dp("member", "promote", "M-0013", "--to", "full", "--on", "2026-06-25")
    assert r.exit_code == 0, r.stderr
    m = record(repo, "members", "M-0013")
    assert m["stage"] == "full" and str(m["full_on"]) == "2026-06-20"


def test_move_dates_may_not_lie_in_the_future_or_be_malformed(dp: Run, repo: Path) -> None:
    err = unchanged(
        repo, dp, "member", "promote", "M-0010", "--to", "activist", "--on", "2026-07-01"
    )
    assert "activist_on: 2026-07-01 is after today" in err
    r = dp("member", "promote", "M-0010", "--to", "activist", "--on", "tomorrow")
    assert r.exit_code == 2
    err = unchanged(
        repo, dp, "member", "promote", "M-0009", "--to", "candidate", "--on", "2000-01-01"
    )
    assert "cannot come on 2000-01-01, before activist_on (2025-09-17)" in err


def test_verify_transfer_and_leave(dp: Run, repo: Path) -> None:
    assert dp("member", "verify", "M-0007").exit_code == 0
    m = record(repo, "members", "M-0007")
    assert m["verification"] == "confirmed" and str(m["verified_on"]) == "2026-06-30"
    assert (
        dp("member", "verify", "M-0007", "--status", "archived", "--on", "2026-06-01").exit_code
        == 0
    )
    assert record(repo, "members", "M-0007")["verification"] == "archived"
    assert head_subject(repo) == "member verify M-0007"

    assert dp("member", "transfer", "M-0007", "--to", "B-0003").exit_code == 0
    assert record(repo, "members", "M-0007")["branch"] == "B-0003"
    assert head_subject(repo) == "member transfer M-0007"
    assert "in B-0003 already" in unchanged(
        repo, dp, "member", "transfer", "M-0007", "--to", "B-0003"
    )
    assert "branch: no branch B-0999" in unchanged(
        repo, dp, "member", "transfer", "M-0007", "--to", "B-0999"
    )

    # M-0007 mentors the candidate M-0008: another contact first, then M-0007 may leave
    err = unchanged(repo, dp, "member", "leave", "M-0007", "--reason", "迁往广州")
    assert "records/members/M-0008.toml: contacts: M-0007 has left the roster" in err
    assert dp("member", "update", "M-0008", "--contacts", "M-0004").exit_code == 0
    assert dp("member", "leave", "M-0007", "--reason", "迁往广州", "--kind", "moved").exit_code == 0
    m = record(repo, "members", "M-0007")
    assert m["left_reason"] == "迁往广州" and str(m["left_on"]) == "2026-06-30"
    assert m["left_kind"] == "moved"
    assert head_subject(repo) == "member leave M-0007"
    err = unchanged(repo, dp, "member", "verify", "M-0007")
    assert "left on 2026-06-30" in err and "allowed now: none" in err
    r = dp("member", "leave", "M-0008")
    assert r.exit_code == 2  # --reason is required
    r = dp("member", "leave", "M-0020", "--reason", "x", "--kind", "retired")
    assert r.exit_code == 2 and "retired" in r.stderr


def test_a_secretary_cannot_leave_while_secretary(dp: Run, repo: Path) -> None:
    err = unchanged(repo, dp, "member", "leave", "M-0003", "--reason", "x")  # B-0002's
    assert "records/branches/B-0002.toml: secretary: M-0003 has left the roster" in err


# --- petitions ---------------------------------------------------------------------------------


def test_a_petitions_whole_life(dp: Run, repo: Path) -> None:
    r = dp(
        "petition",
        "add",
        "--received",
        "2026-06-01",
        "--channel",
        "mailbox",
        "--kind",
        "wish",
        "--category",
        "hardship",
        "--summary",
        "孩子入学需要帮助",
        "--member",
        "M-0012",
    )
    pid = r.stdout.strip()
    steps = [
        ("assign", "--to", "B-0002", "--on", "2026-06-02"),
        ("assign", "--to", "八步区教育局", "--on", "2026-06-03", "--note", "改由教育局办理"),
        ("resolve", "--note", "已协调入学", "--on", "2026-06-10"),
        ("close", "--satisfaction", "4", "--on", "2026-06-12"),
        ("reopen", "--note", "回访发现仍有困难", "--on", "2026-06-15"),
        ("resolve", "--note", "已落实学位", "--on", "2026-06-20"),
        ("close", "--satisfaction", "5", "--note", "家长满意", "--on", "2026-06-21"),
    ]
    for action, *args in steps:
        before = commit_count(repo)
        r = dp("petition", action, pid, *args)
        assert r.exit_code == 0, (action, r.stderr)
        assert commit_count(repo) == before + 1
        assert head_subject(repo) == f"petition {action} {pid}"
    p = record(repo, "petitions", pid)
    assert p["status"] == "closed" and p["assignee"] == "八步区教育局"
    assert str(p["assigned_on"]) == "2026-06-02"  # the first transfer date is kept
    assert str(p["resolved_on"]) == "2026-06-20" and str(p["closed_on"]) == "2026-06-21"
    assert p["resolution"] == "已落实学位" and p["satisfaction"] == 5
    assert [(str(e["on"]), e["status"], e.get("note")) for e in p["events"]] == [
        ("2026-06-01", "received", None),
        ("2026-06-02", "assigned", "→ B-0002"),
        ("2026-06-03", "assigned", "改由教育局办理"),
        ("2026-06-10", "resolved", "已协调入学"),
        ("2026-06-12", "closed", None),
        ("2026-06-15", "assigned", "回访发现仍有困难"),
        ("2026-06-20", "resolved", "已落实学位"),
        ("2026-06-21", "closed", "家长满意"),
    ]
    assert all(e["by"] == "黄主任" for e in p["events"])
    assert dp("validate").exit_code == 0


def test_reopen_clears_the_resolution_and_dates(dp: Run, repo: Path) -> None:
    assert dp("petition", "reopen", "P-0001", "--note", "问题反复").exit_code == 0
    p = record(repo, "petitions", "P-0001")
    assert p["status"] == "assigned"
    for name in ("resolved_on", "closed_on", "resolution", "satisfaction"):
        assert name not in p
    assert p["events"][-1]["status"] == "assigned" and p["events"][-1]["note"] == "问题反复"


@pytest.mark.parametrize(("pid", "status"), [("P-0034", "received"), ("P-0015", "assigned")])
@pytest.mark.parametrize("action", ["reject", "withdraw"])
def test_reject_and_withdraw_end_an_open_petition(
    dp: Run, repo: Path, pid: str, status: str, action: str
) -> None:
    r = dp("petition", action, pid, "--note", "司机已自行解决")
    assert r.exit_code == 0, r.stderr
    p = record(repo, "petitions", pid)
    assert p["status"] == {"reject": "rejected", "withdraw": "withdrawn"}[action]
    assert p["events"][-1]["note"] == "司机已自行解决"
    err = unchanged(repo, dp, "petition", "assign", pid, "--to", "x")
    assert f"is {p['status']}: cannot assign; allowed now: none" in err


@pytest.mark.parametrize(
    ("pid", "action", "args", "allowed"),
    [
        ("P-0034", "resolve", ("--note", "x"), "assign, reject, withdraw"),
        ("P-0034", "close", (), "assign, reject, withdraw"),
        ("P-0034", "reopen", ("--note", "x"), "assign, reject, withdraw"),
        ("P-0015", "close", (), "assign, resolve, reject, withdraw"),
        ("P-0019", "assign", ("--to", "x"), "close, reopen"),
        ("P-0019", "resolve", ("--note", "x"), "close, reopen"),
        ("P-0019", "reject", ("--note", "x"), "close, reopen"),
        ("P-0001", "close", (), "reopen"),
        ("P-0001", "withdraw", ("--note", "x"), "reopen"),
        ("P-0006", "reopen", ("--note", "x"), "none"),
        ("P-0009", "resolve", ("--note", "x"), "none"),
    ],
)
def test_refused_moves_say_which_moves_are_allowed_now(
    dp: Run, repo: Path, pid: str, action: str, args: tuple[str, ...], allowed: str
) -> None:
    err = unchanged(repo, dp, "petition", action, pid, *args)
    assert f"cannot {action}; allowed now: {allowed}" in err


def test_required_notes_and_satisfaction_range(dp: Run, repo: Path) -> None:
    for action in ("resolve", "reopen", "reject", "withdraw"):
        assert dp("petition", action, "P-0015").exit_code == 2
    assert dp("petition", "close", "P-0019", "--satisfaction", "6").exit_code == 2
    err = unchanged(repo, dp, "petition", "resolve", "P-0015", "--note", "x", "--on", "2020-01-01")
    assert "before" in err


def test_workflow_help_shows_an_example(dp: Run) -> None:
    for kind, action in [
        ("member", "promote"),
        ("member", "verify"),
        ("member", "transfer"),
        ("member", "leave"),
        ("petition", "assign"),
        ("petition", "resolve"),
        ("petition", "close"),
        ("petition", "reopen"),
        ("petition", "reject"),
        ("petition", "withdraw"),
        ("member", "extend-probation"),
        ("member", "cancel-probation"),
        ("petition", "extend"),
        ("petition", "callback"),
    ]:
        out = dp(kind, action, "--help").stdout
        assert "Example:" in out and f"driverparty {kind} {action} " in out


def test_validate_checks_status_consistency_of_hand_edits(dp: Run, repo: Path) -> None:
    p19 = repo / "records/petitions/P-0019.toml"  # resolved
    text = p19.read_text(encoding="utf-8")
    p19.write_text(
        "\n".join(
            line for line in text.splitlines() if not line.startswith(("resolution", "resolved_on"))
        )
        + "\n",
        encoding="utf-8",
    )
    p15 = repo / "records/petitions/P-0015.toml"  # assigned
    p15.write_text(
        "\n".join(
            line
            for line in p15.read_text(encoding="utf-8").splitlines()
            if not line.startswith("assignee")
        )
        + "\n",
        encoding="utf-8",
    )
    m7 = repo / "records/members/M-0024.toml"
    m7.write_text(
        m7.read_text(encoding="utf-8").replace(
            'stage = "full"', 'stage = "full"\nverification = "confirmed"'
        ),
        encoding="utf-8",
    )
    out = dp("validate").stdout
    assert "records/petitions/P-0019.toml: resolution: required when the status is resolved" in out
    assert "records/petitions/P-0019.toml: resolved_on: required when the status is resolved" in out
    assert "records/petitions/P-0015.toml: assignee: required when the status is assigned" in out
    assert "records/members/M-0024.toml: verified_on: required when verification is set" in out


def test_a_move_that_changes_nothing_commits_nothing_and_succeeds(dp: Run, repo: Path) -> None:
    # found by bench/soak.py: the same verification twice a day was "git commit failed" (exit 3)
    assert dp("member", "verify", "M-0001", "--status", "confirmed").exit_code == 0
    before = commit_count(repo)
    r = dp("member", "verify", "M-0001", "--status", "confirmed")
    assert r.exit_code == 0, r.stderr
    assert commit_count(repo) == before
