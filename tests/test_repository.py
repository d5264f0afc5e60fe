"""The repository as a whole: init, status, commit, install-hook, validate, exit codes, locks."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from driverparty.gitrepo import FEW_PATHS
from tests.conftest import Run, commit_count, git, head_subject, runner_for

DP = [sys.executable, "-m", "driverparty"]


def test_init_creates_commits_and_refuses_twice(tmp_path: Path) -> None:
    dp = runner_for(tmp_path / "unused")
    target = tmp_path / "babu"
    r = dp("init", str(target), "--county", "八步区", "--code", "451102")
    assert r.exit_code == 0, r.stderr
    config = (target / "driverparty.toml").read_text(encoding="utf-8")
    assert config.startswith('county = "八步区"\ncode = "451102"')
    assert head_subject(target) == "repository init 八步区"
    assert git(target, "status", "--porcelain") == ""
    assert runner_for(target)("validate").exit_code == 0
    r = dp("init", str(target), "--county", "八步区")
    assert r.exit_code == 1 and "already a records repository" in r.stderr
    r = dp("init", str(tmp_path / "x"), "--county", "x", "--code", "12")
    assert r.exit_code == 1 and "6-digit" in r.stderr


def test_not_a_repository_is_exit_3(tmp_path: Path) -> None:
    r = runner_for(tmp_path)("member", "list")
    assert (
        r.exit_code == 3
        and r.stderr.startswith("error: ")
        and "not a records repository" in r.stderr
    )


def test_repository_found_from_env_and_by_walking_up(repo: Path) -> None:
    env = {**os.environ, "DRIVERPARTY_REPO": str(repo)}
    out = subprocess.run(
        [*DP, "member", "list", "--limit", "1", "--format", "csv"],
        capture_output=True,
        text=True,
        env=env,
        cwd="/",
        encoding="utf-8",
    )
    assert out.returncode == 0 and "M-0001" in out.stdout
    env.pop("DRIVERPARTY_REPO")
    out = subprocess.run(
        [*DP, "member", "list", "--limit", "1", "--format", "csv"],
        capture_output=True,
        text=True,
        env=env,
        cwd=repo / "records/members",
        encoding="utf-8",
    )
    assert out.returncode == 0 and "M-0001" in out.stdout


def test_usage_errors_are_exit_2_without_traceback(dp: Run) -> None:
    for args in (
        ("member", "add", "--colour", "red"),
        ("member", "frobnicate"),
        ("member", "get"),
        ("nope",),
    ):
        r = dp(*args)
        assert r.exit_code == 2, args
        assert r.stderr.startswith("error: ") and "Traceback" not in r.stderr


def test_a_broken_driverparty_toml_is_a_clear_error(dp: Run, repo: Path) -> None:
    (repo / "driverparty.toml").write_text(
        'county = "x"\n[petitions]\ndue_dayz = 3\n', encoding="utf-8"
    )
    r = dp("member", "list")
    assert r.exit_code == 1
    assert r.stderr == "error: driverparty.toml: petitions.due_dayz: unknown key\n"


def test_validate_is_clean_on_the_sample_and_names_every_problem(dp: Run, repo: Path) -> None:
    r = dp("validate")
    assert r.exit_code == 0 and r.stdout == ""
    m3 = repo / "records/members/M-0003.toml"
    m3.write_text(
        m3.read_text(encoding="utf-8").replace('id = "M-0003"', 'id = "M-0004"'), encoding="utf-8"
    )
    m5 = repo / "records/members/M-0005.toml"
    text = m5.read_text(encoding="utf-8")
    m5.write_text(
        text.replace('occupation = "', 'phone = "12345"\noccupation = "', 1)
        if "phone" not in text
        else text.replace('phone = "', 'phone = "9', 1),
        encoding="utf-8",
    )
    (repo / "records/members/M-0006.toml").write_text("[[[", encoding="utf-8")
    (repo / "records/members/notes.txt").write_text("hi", encoding="utf-8")
    r = dp("validate")
    assert r.exit_code == 1
    lines = r.stdout.splitlines()
    assert "records/members/M-0003.toml: id: M-0004 does not match the file name M-0003" in lines
    assert "records/members/M-0005.toml: phone: not a mainland mobile number" in lines
    assert any(line.startswith("records/members/M-0006.toml: TOML syntax") for line in lines)
    assert "records/members/notes.txt: not a record file (*.toml)" in lines
    # references to the broken but present files are not reported as missing
    assert not any("no member M-0003" in line for line in lines)
    rows = dp("validate", "--format", "csv").stdout.splitlines()
    assert rows[0] == "file,id,field,message"


def test_status_and_commit_of_hand_edits(dp: Run, repo: Path) -> None:
    m2 = repo / "records/members/M-0002.toml"
    m2.write_text(m2.read_text(encoding="utf-8") + 'notes = "改了"\n', encoding="utf-8")
    (repo / "records/members/M-0100.toml").write_text(
        'id = "M-0100"\nname = "手工"\n', encoding="utf-8"
    )
    r = dp("status", "--format", "csv")
    assert r.exit_code == 1
    assert "records/members/M-0002.toml,modified,ok" in r.stdout
    assert "records/members/M-0100.toml,untracked,occupation: required; stage: required" in r.stdout
    before = commit_count(repo)
    r = dp("commit", "-m", "补录")
    assert r.exit_code == 1 and commit_count(repo) == before
    (repo / "records/members/M-0100.toml").write_text(
        'id = "M-0100"\nname = "手工"\noccupation = "taxi"\nstage = "applicant"\n', encoding="utf-8"
    )
    r = dp("commit", "-m", "补录")
    assert r.exit_code == 0, r.stderr
    assert head_subject(repo) == "补录" and commit_count(repo) == before + 1
    assert git(repo, "status", "--porcelain") == ""
    assert dp("status").exit_code == 0


def test_install_hook_makes_git_refuse_invalid_commits(dp: Run, repo: Path) -> None:
    r = dp("install-hook")
    assert r.exit_code == 0, r.stderr
    m2 = repo / "records/members/M-0002.toml"
    m2.write_text(
        m2.read_text(encoding="utf-8").replace('stage = "', 'stage = "x', 1), encoding="utf-8"
    )
    out = subprocess.run(
        ["git", "commit", "-qam", "oops"],
        cwd=repo,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert out.returncode != 0 and "M-0002.toml: stage" in out.stdout + out.stderr
    git(repo, "checkout", "--", ".")
    m2.write_text(m2.read_text(encoding="utf-8") + 'notes = "ok"\n', encoding="utf-8")
    out = subprocess.run(
        ["git", "commit", "-qam", "fine"],
        cwd=repo,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert out.returncode == 0, out.stderr


def test_eight_adds_at_once_all_succeed_with_distinct_ids(repo: Path) -> None:
    procs = [
        subprocess.Popen(
            [
                *DP,
                "--repo",
                str(repo),
                "member",
                "add",
                "--name",
                f"司机{i}",
                "--occupation",
                "truck",
                "--stage",
                "applicant",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        for i in range(8)
    ]
    results = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, [e for _, e in results]
    ids = sorted(out.strip() for out, _ in results)
    assert ids == [f"M-{n:04d}" for n in range(61, 69)]
    assert git(repo, "log", "-8", "--format=%s").splitlines() == [
        f"member add M-{n:04d}" for n in range(68, 60, -1)
    ]
    assert git(repo, "status", "--porcelain") == ""


HOLD = """
import sys, time
from pathlib import Path
from driverparty.gitrepo import write_lock
with write_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


def hold_lock(repo: Path) -> subprocess.Popen[str]:
    """Another process holding the write lock: the tool's own, whatever kind the platform has
    (flock here, LockFileEx on Windows, filelock's soft lock in the windows-sim run)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(repo / ".git")],
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_a_held_lock_times_out_with_exit_3_and_changes_nothing(dp: Run, repo: Path) -> None:
    holder = hold_lock(repo)
    try:
        before = commit_count(repo)
        r = dp(
            "member",
            "add",
            "--name",
            "x",
            "--occupation",
            "taxi",
            "--stage",
            "applicant",
            env={"DRIVERPARTY_LOCK_TIMEOUT": "0.3"},
        )
        assert r.exit_code == 3 and "lock" in r.stderr
        assert "gave up after 0.3 s" in r.stderr
        assert commit_count(repo) == before and git(repo, "status", "--porcelain") == ""
    finally:
        holder.kill()
        holder.wait()
    r = dp("member", "add", "--name", "x", "--occupation", "taxi", "--stage", "applicant")
    assert r.exit_code == 0


def test_a_killed_writer_does_not_block_later_writes(dp: Run, repo: Path) -> None:
    holder = hold_lock(repo)
    holder.kill()
    holder.wait()
    stale = repo / ".git/index.lock"  # as a git killed mid-commit leaves it
    stale.write_text("", encoding="utf-8")
    old = time.time() - 60
    os.utime(stale, (old, old))
    add = ("member", "add", "--name", "x", "--occupation", "taxi", "--stage", "applicant")
    # issue 16.4: never deleted (a live git may hold it): exit 3 saying how to clear it
    r = dp(*add, env={"DRIVERPARTY_LOCK_TIMEOUT": "0.5"})
    assert r.exit_code == 3 and "by hand" in r.stderr and stale.exists()
    stale.unlink()
    r = dp(*add)
    assert r.exit_code == 0, r.stderr


def test_a_failed_commit_leaves_nothing_behind(dp: Run, repo: Path) -> None:
    m2 = repo / "records/members/M-0002.toml"
    before_bytes = m2.read_bytes()
    before = commit_count(repo)
    # git adds the file, then refuses to commit without a name (a branch lock would not do:
    # driverparty waits for those before it starts, issue 16.4)
    nameless = {"GIT_AUTHOR_NAME": "", "GIT_COMMITTER_NAME": ""}
    r = dp("member", "update", "M-0002", "--notes", "x", env=nameless)
    assert r.exit_code == 3 and r.stderr.startswith("error: git commit failed"), r.stderr
    assert commit_count(repo) == before
    assert git(repo, "status", "--porcelain") == ""
    assert m2.read_bytes() == before_bytes


def test_a_write_commits_its_own_file_and_leaves_the_clerks_staged_work_staged(
    dp: Run, repo: Path
) -> None:
    mine = repo / "records/members/M-0003.toml"  # the clerk's own edit, staged by hand
    mine.write_text(mine.read_text(encoding="utf-8") + "# 待核实\n", encoding="utf-8")
    git(repo, "add", "records/members/M-0003.toml")
    theirs = repo / "records/members/M-0004.toml"  # and one not staged
    theirs.write_text(theirs.read_text(encoding="utf-8") + "# 电话待改\n", encoding="utf-8")
    r = dp("member", "update", "M-0002", "--notes", "已回访")
    assert r.exit_code == 0, r.stderr
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == [
        "records/members/M-0002.toml"
    ]
    # git status: the write is committed (nothing about M-0002), the clerk's work is as it was
    assert git(repo, "status", "--porcelain").splitlines() == [
        "M  records/members/M-0003.toml",
        " M records/members/M-0004.toml",
    ]
    assert git(repo, "reflog", "-1", "--format=%gs").startswith("commit: member update M-0002")


def test_a_write_during_a_git_merge_is_refused_and_changes_nothing(dp: Run, repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "side")
    side = repo / "records/members/M-0003.toml"
    side.write_text(side.read_text(encoding="utf-8").replace("\n", "\n", 1), encoding="utf-8")
    r = dp("member", "update", "M-0003", "--notes", "side")
    assert r.exit_code == 0, r.stderr
    git(repo, "checkout", "-q", "main")
    r = dp("member", "update", "M-0004", "--notes", "main")
    assert r.exit_code == 0, r.stderr
    git(repo, "merge", "-q", "--no-commit", "--no-ff", "side")
    assert (repo / ".git/MERGE_HEAD").exists()
    head, status = git(repo, "rev-parse", "HEAD"), git(repo, "status", "--porcelain")
    m2 = repo / "records/members/M-0002.toml"
    before = m2.read_bytes()
    r = dp("member", "update", "M-0002", "--notes", "x")
    assert r.exit_code == 3, r.stderr
    assert r.stderr == (
        "error: a git merge is in progress: finish it (git commit) or abort it "
        "(git merge --abort) first\n"
    )
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "status", "--porcelain") == status
    assert m2.read_bytes() == before


@pytest.mark.parametrize("files", [1, FEW_PATHS + 1])  # git commit --only, or the plumbing
def test_a_commit_is_of_exactly_its_files_and_its_message_cleaned_as_git_does(
    repo: Path, files: int
) -> None:
    from driverparty.gitrepo import Git

    staged = repo / "records/members/M-0002.toml"
    staged.write_text(staged.read_text(encoding="utf-8") + "# 待核实\n", encoding="utf-8")
    git(repo, "add", "records/members/M-0002.toml")
    paths = [f"notes/{n:03d}.txt" for n in range(files)]
    (repo / "notes").mkdir()
    for rel in paths:
        (repo / rel).write_text(rel + "\n", encoding="utf-8")
    sha = Git(repo).commit(paths, "\n\nsubject  \n\n\n\nbody\t\n\n")
    raw = git(repo, "cat-file", "commit", sha).split("\n\n", 1)[1]
    assert raw == "subject\n\nbody\n"
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == paths
    assert git(repo, "status", "--porcelain") == "M  records/members/M-0002.toml\n"
    assert git(repo, "reflog", "-1", "--format=%gs") == "commit: subject\n"


def test_version_and_help(dp: Run) -> None:
    assert dp("--version").stdout.startswith("driverparty, version")
    out = dp("--help").stdout
    for name in ("init", "validate", "member", "petition"):
        assert f"  {name} " in out
    assert "Example" in dp("member", "add", "--help").stdout
    assert "--birth-date" in dp("member", "add", "--help").stdout
