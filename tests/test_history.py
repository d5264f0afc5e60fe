"""log, per-record history and the semantic diff, read from real git history (issue 5)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import Run, git

ADD = ("member", "add", "--name", "王师傅", "--occupation", "truck", "--stage", "applicant")


def as_json(run: Run, *args: str) -> Any:
    r = run(*args, "--format", "json")
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def test_log_one_row_per_record_per_commit_newest_first(dpe: Run, empty_repo: Path) -> None:
    mid = dpe(*ADD, "--phone", "13900001111").stdout.strip()
    dpe("member", "update", mid, "--phone", "13900002222")
    dpe("branch", "add", "--name", "支部", "--kind", "branch", "--founded", "2020-01-01")
    (empty_repo / f"records/members/{mid}.toml").write_text(
        (empty_repo / f"records/members/{mid}.toml").read_text(encoding="utf-8")
        + 'notes = "手工"\n',
        encoding="utf-8",
    )
    (empty_repo / "records/members/M-0100.toml").write_text(
        'id = "M-0100"\nname = "手工"\noccupation = "taxi"\nstage = "applicant"\n', encoding="utf-8"
    )
    git(empty_repo, "add", "-A")
    git(empty_repo, "commit", "-qm", "hand edit of two members")
    rows = as_json(dpe, "log")
    assert [(r["action"], r["kind"], r["id"]) for r in rows] == [
        ("update", "member", "M-0001"),
        ("add", "member", "M-0100"),
        ("add", "branch", "B-0001"),
        ("update", "member", "M-0001"),
        ("add", "member", "M-0001"),
    ]
    assert rows[0]["subject"] == "hand edit of two members"
    assert rows[2]["subject"] == "branch add B-0001" and rows[2]["author"] == "黄主任"
    assert rows[0]["date"] == "2026-06-30" and len(rows[0]["commit"]) == 7
    assert [r["id"] for r in as_json(dpe, "log", "--kind", "branch")] == ["B-0001"]
    assert len(as_json(dpe, "log", "--limit", "2")) == 2
    assert as_json(dpe, "log", "--author", "nobody") == []
    assert len(as_json(dpe, "log", "--author", "HUANG@")) == 5
    assert as_json(dpe, "log", "--since", "2026-07-01") == []
    assert len(as_json(dpe, "log", "--until", "2026-06-30")) == 5
    git(empty_repo, "rm", "-q", "records/members/M-0100.toml")
    git(empty_repo, "commit", "-qm", "gone")
    assert as_json(dpe, "log", "--limit", "1")[0]["action"] == "remove"


def test_history_with_field_changes_oldest_first_masked(dpe: Run, empty_repo: Path) -> None:
    mid = dpe(*ADD, "--phone", "13900001111").stdout.strip()
    dpe("branch", "add", "--name", "支部一", "--kind", "branch", "--founded", "2020-01-01")
    dpe("branch", "add", "--name", "支部二", "--kind", "branch", "--founded", "2020-01-01")
    dpe("member", "update", mid, "--phone", "13900002222", "--branch", "B-0001")
    dpe("member", "promote", mid, "--to", "activist")
    dpe("member", "transfer", mid, "--to", "B-0002")
    rows = as_json(dpe, "member", "history", mid)
    assert [r["action"] for r in rows] == ["add", "update", "promote", "transfer"]
    assert {"field": "phone", "old": None, "new": "139****1111"} in rows[0]["changes"]
    assert rows[1]["changes"] == [
        {"field": "phone", "old": "139****1111", "new": "139****2222"},
        {"field": "branch", "old": None, "new": "B-0001"},
    ]
    assert rows[3]["changes"] == [{"field": "branch", "old": "B-0001", "new": "B-0002"}]
    revealed = json.dumps(as_json(dpe, "member", "history", mid, "--reveal"))
    assert "13900001111" in revealed and "13900002222" in revealed
    table = dpe("member", "history", mid).stdout
    assert "13900001111" not in table and "139****2222" in table
    assert "transfer  branch       B-0001" in table
    csv = dpe("member", "history", mid, "--format", "csv").stdout
    assert "13900001111" not in csv


def test_history_of_a_removed_and_re_added_record(dpe: Run, empty_repo: Path) -> None:
    dpe("station", "add", "--name", "驿站", "--kind", "rest_stop", "--opened", "2024-01-01")
    dpe("station", "remove", "S-0001")
    (empty_repo / "records/stations/S-0001.toml").write_text(
        'id = "S-0001"\nname = "新驿站"\nkind = "drivers_home"\nopened = 2025-01-01\n',
        encoding="utf-8",
    )
    git(empty_repo, "add", "-A")
    git(empty_repo, "commit", "-qm", "re-added by hand")
    rows = as_json(dpe, "station", "history", "S-0001")
    assert [r["action"] for r in rows] == ["add", "remove", "add"]
    assert {"field": "name", "old": "驿站", "new": None} in rows[1]["changes"]
    assert {"field": "name", "old": None, "new": "新驿站"} in rows[2]["changes"]
    r = dpe("station", "history", "S-0099")
    assert r.exit_code == 1 and "no such record" in r.stderr


def test_history_follows_a_rename(dpe: Run, empty_repo: Path) -> None:
    dpe(*ADD)
    dpe("member", "update", "M-0001", "--employer", "滴滴出行")
    git(empty_repo, "mv", "records/members/M-0001.toml", "records/members/M-0007.toml")
    path = empty_repo / "records/members/M-0007.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('id = "M-0001"', 'id = "M-0007"'), encoding="utf-8"
    )
    git(empty_repo, "commit", "-qam", "renumber")
    rows = as_json(dpe, "member", "history", "M-0007")
    assert [r["action"] for r in rows] == ["add", "update", "rename"]
    assert rows[-1]["changes"] == [{"field": "id", "old": "M-0001", "new": "M-0007"}]


def test_history_of_a_commit_that_changed_many_records_and_a_broken_one(
    dpe: Run, empty_repo: Path
) -> None:
    dpe(*ADD)
    dpe(*ADD)
    for rid in ("M-0001", "M-0002"):
        p = empty_repo / f"records/members/{rid}.toml"
        p.write_text(p.read_text(encoding="utf-8") + 'notes = "批量"\n', encoding="utf-8")
    git(empty_repo, "commit", "-qam", "bulk notes")
    (empty_repo / "records/members/M-0002.toml").write_text("oops = \n", encoding="utf-8")
    git(empty_repo, "commit", "-qam", "broken")
    rows = as_json(dpe, "member", "history", "M-0002")
    assert rows[1]["changes"] == [{"field": "notes", "old": None, "new": "批量"}]
    assert rows[2]["changes"][0]["field"] == "(file)"
    assert rows[2]["changes"][0]["new"].startswith("unreadable: TOML syntax")


def test_diff_of_the_work_tree_and_of_revisions(dp: Run, repo: Path) -> None:
    assert as_json(dp, "diff") == []
    m1 = repo / "records/members/M-0001.toml"
    m1.write_text(
        m1.read_text(encoding="utf-8").replace("18313693569", "18313690000"), encoding="utf-8"
    )
    (repo / "records/members/M-0002.toml").unlink()
    (repo / "records/members/M-0099.toml").write_text(
        'id = "M-0099"\nname = "新人"\noccupation = "taxi"\nstage = "applicant"\n', encoding="utf-8"
    )
    rows = as_json(dp, "diff")
    assert rows == [
        {
            "kind": "member",
            "id": "M-0001",
            "change": "changed",
            "fields": [{"field": "phone", "old": "183****3569", "new": "183****0000"}],
        },
        {"kind": "member", "id": "M-0002", "change": "removed", "fields": rows[1]["fields"]},
        {"kind": "member", "id": "M-0099", "change": "added", "fields": rows[2]["fields"]},
    ]
    assert {"field": "name", "old": "陈秀兰", "new": None} in rows[1]["fields"]
    git(repo, "checkout", "--", ".")
    (repo / "records/members/M-0099.toml").unlink()
    dp("member", "update", "M-0003", "--notes", "x")
    dp("member", "promote", "M-0010", "--to", "activist")
    rows = as_json(dp, "diff", "HEAD~2")
    assert [(r["id"], r["change"]) for r in rows] == [("M-0003", "changed"), ("M-0010", "changed")]
    rows = as_json(dp, "diff", "HEAD~2", "HEAD~1")
    assert [r["id"] for r in rows] == ["M-0003"]
    table = dp("diff", "HEAD~1").stdout
    assert "M-0010  changed   stage" in table
    r = dp("diff", "nonsense-rev")
    assert r.exit_code == 2


def test_reformatting_a_file_is_no_change_and_a_broken_file_is_exit_1(dp: Run, repo: Path) -> None:
    m1 = repo / "records/members/M-0001.toml"
    m1.write_text("# a comment\n" + m1.read_text(encoding="utf-8"), encoding="utf-8")
    assert as_json(dp, "diff") == []
    m1.write_text("name = \n", encoding="utf-8")
    r = dp("diff")
    assert r.exit_code == 1 and "records/members/M-0001.toml: TOML syntax" in r.stderr
