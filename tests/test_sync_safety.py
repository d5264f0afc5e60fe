"""``sync`` facing a hostile remote or an unlucky kill (issue 16, items 5, 10 and 11).

5. A sync killed while it fast-forwards the files is finished by the next command, never left
   as thousands of uncommitted files that look like the clerk's own edits.
10. A bare repository on a USB drive cannot make ``sync`` run its hooks (or other programs its
   config names) as the clerk.
11. A folder named like a record breaks no command, and ``sync`` refuses a commit whose
   ``records/`` holds anything but record files (a tree that would check out 262,144 files).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import git, runner_for
from tests.test_sync import _counties, _snapshot

PY = sys.executable


# --- 10. the remote's hooks never run ------------------------------------------------------------

HOOKS = ["pre-receive", "update", "post-receive", "post-update", "reference-transaction"]


def _hostile(remote: Path, marker: Path) -> None:
    """Give a bare repository every receive hook, a hooks folder named in its config, and a
    program to list its alternates' refs; each writes to ``marker`` when run."""
    elsewhere = remote.parent / "their-hooks"
    elsewhere.mkdir(exist_ok=True)
    for folder in (remote / "hooks", elsewhere):
        for hook in HOOKS:
            (folder / hook).write_text(
                f'#!/bin/sh\necho "{folder.name}/{hook}" >> {marker}\n', encoding="utf-8"
            )
            (folder / hook).chmod(0o755)
    other = remote.parent / "other.git"
    if not other.exists():
        git(remote.parent, "init", "-q", "--bare", str(other))
    (remote / "objects" / "info" / "alternates").write_text(
        f"{other / 'objects'}\n", encoding="utf-8"
    )
    git(remote, "config", "core.alternateRefsCommand", f"echo alternate >> {marker}; :")


def test_sync_pushing_to_a_local_path_runs_none_of_the_remotes_hooks(
    tmp_path: Path, sample_template: Path
) -> None:
    remote, a, b = _counties(tmp_path, sample_template)
    marker = tmp_path / "ran-as-the-clerk"
    _hostile(remote, marker)
    # the hooks are live: a plain git push runs them
    copy = tmp_path / "copy.git"
    shutil.copytree(remote, copy)
    git(a, "commit", "-q", "--allow-empty", "-m", "probe")
    git(a, "push", "-q", str(copy), "HEAD:main")
    ran = marker.read_text(encoding="utf-8")
    assert all(hook in ran for hook in HOOKS) and "alternate" in ran, ran
    marker.unlink()
    git(copy, "config", "core.hooksPath", str(tmp_path / "usb" / "their-hooks"))
    # sync pushes (a new commit), merges (both sides changed) and pushes again: nothing runs
    assert runner_for(a)("member", "update", "M-0007", "--employer", "万顺叫车").exit_code == 0
    r = runner_for(a)("sync")
    assert r.exit_code == 0 and "pushed main to origin" in r.stderr, r.stderr
    git(remote, "config", "core.hooksPath", str(tmp_path / "usb" / "their-hooks"))
    assert runner_for(b)("member", "update", "M-0001", "--plate", "桂J12345").exit_code == 0
    r = runner_for(b)("sync")
    assert r.exit_code == 0 and "merged origin/main and pushed" in r.stderr, r.stderr
    assert not marker.exists(), marker.read_text(encoding="utf-8")
    # rollup clones a county from the drive (a bare repository) without running them either
    r = runner_for(a)("rollup", str(remote), "--format", "csv")
    assert r.exit_code == 0, r.stderr
    assert not marker.exists()


def test_a_remote_that_refuses_a_push_says_why_and_changes_nothing(
    tmp_path: Path, sample_template: Path
) -> None:
    """A non-bare remote with ``receive.denyCurrentBranch = updateInstead`` would check our
    push out into its work tree, running what its config names: refused."""
    remote, a, _ = _counties(tmp_path, sample_template)
    shared = tmp_path / "shared"
    git(tmp_path, "clone", "-q", str(remote), str(shared))
    git(shared, "config", "receive.denyCurrentBranch", "updateInstead")
    git(a, "remote", "set-url", "origin", str(shared))
    git(a, "config", "branch.main.remote", "origin")
    assert runner_for(a)("member", "update", "M-0007", "--employer", "万顺叫车").exit_code == 0
    before = _snapshot(a)
    r = runner_for(a)("sync")
    assert r.exit_code == 3, r.stderr
    assert "cannot push to remote origin: [remote rejected]" in r.stderr, r.stderr
    assert _snapshot(a) == before


# --- 11. a folder named like a record ------------------------------------------------------------


def test_a_folder_named_like_a_record_is_one_problem_and_everything_else_works(
    repo: Path, dp
) -> None:
    folder = repo / "records/members/M-0099.toml"
    folder.mkdir()
    (folder / "readme").write_text("hello\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "pulled from somewhere")
    r = dp("member", "list", "--format", "csv")
    assert r.exit_code == 1
    assert r.stderr == "error: records/members/M-0099.toml: a folder, not a record file\n"
    assert "M-0007" in r.stdout
    r = dp("validate")
    assert r.exit_code == 1
    assert r.stdout == "records/members/M-0099.toml: a folder, not a record file\n"
    r = dp("member", "get", "M-0099")
    assert r.exit_code == 1 and "unexpected" not in r.stderr, r.stderr
    assert dp("summary").exit_code == 1  # counted without it, and said so
    r = dp("member", "add", "--name", "蒙师傅", "--occupation", "truck", "--stage", "applicant")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.strip() == "M-0100"  # past the folder's id: it may be a record one day


def _push_tree(b: Path, remote: Path, entries: dict[str, str], message: str) -> str:
    """Commit ``entries`` ({path: "mode type sha"}, trees too) on top of b's HEAD with
    plumbing, as a hostile colleague's tool could, and push it to the remote."""
    tree = git(b, "rev-parse", "HEAD^{tree}").strip()
    for path, spec in entries.items():
        tree = _with_entry(b, tree, path.split("/"), spec)
    sha = git(b, "commit-tree", tree, "-p", "HEAD", "-m", message).strip()
    git(b, "push", "-q", str(remote), f"+{sha}:refs/heads/main")
    return sha


def _with_entry(b: Path, tree: str | None, parts: list[str], spec: str) -> str:
    """``tree`` with ``spec`` at the path ``parts`` (folders made as needed)."""
    lines = git(b, "ls-tree", tree).splitlines(keepends=True) if tree else []
    kept = [line for line in lines if line.split("\t", 1)[1].rstrip("\n") != parts[0]]
    if len(parts) == 1:
        return _mktree(b, [*kept, f"{spec}\t{parts[0]}\n"])
    old = next(
        (line.split()[2] for line in lines if line.split("\t", 1)[1].rstrip("\n") == parts[0]),
        None,
    )
    sub = _with_entry(b, old, parts[1:], spec)
    return _mktree(b, [*kept, f"040000 tree {sub}\t{parts[0]}\n"])


def _mktree(b: Path, entries: list[str]) -> str:
    return subprocess.run(
        ["git", "mktree"],
        cwd=b,
        input="".join(entries),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout.strip()


def test_sync_refuses_a_tree_under_records_that_is_not_record_files(
    tmp_path: Path, sample_template: Path
) -> None:
    remote, a, b = _counties(tmp_path, sample_template)
    blob = git(b, "hash-object", "-w", "--stdin").strip()  # an empty file
    link = subprocess.run(
        ["git", "hash-object", "-w", "--stdin"],
        cwd=b,
        input="/etc/passwd",
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout.strip()
    # 64 × 64 × 64 = 262,144 files in a push of a few kilobytes
    level = _mktree(b, [f"100644 blob {blob}\tf{n}\n" for n in range(64)])
    for _ in range(2):
        level = _mktree(b, [f"040000 tree {level}\td{n}\n" for n in range(64)])
    _push_tree(
        b,
        remote,
        {
            "records/members/M-0099.toml/readme": f"100644 blob {blob}",
            "records/stations/S-0099.toml": f"120000 blob {link}",
            "records/weapons/W-0001.toml": f"100644 blob {blob}",
            "records/branches/notes.txt": f"100644 blob {blob}",
        },
        "hostile",
    )
    before = _snapshot(a)
    r = runner_for(a)("sync")
    assert r.exit_code == 1, r.stderr
    lines = r.stderr.splitlines()
    assert any(
        "records/members/M-0099.toml: a folder where only record files belong" in x for x in lines
    )
    assert any("records/stations/S-0099.toml: a symbolic link" in x for x in lines)
    assert any("records/weapons: not a folder of a record kind" in x for x in lines)
    assert any("records/branches/notes.txt: not a record file" in x for x in lines)
    assert lines[-1].endswith("nothing was changed or pushed")
    assert _snapshot(a) == before
    # the tree bomb alone, as a record's folder: refused after reading a few trees
    _push_tree(b, remote, {"records/members/M-0098.toml": f"040000 tree {level}"}, "bomb")
    start = time.monotonic()
    r = runner_for(a)("sync")
    assert r.exit_code == 1, r.stderr
    assert "records/members/M-0098.toml: a folder where only record files belong" in r.stderr
    assert time.monotonic() - start < 20
    assert _snapshot(a) == before
    assert not (a / "records/members/M-0098.toml").exists()


# --- 5. a sync killed while it updates the files ----------------------------------------------


def test_a_sync_killed_during_its_fast_forward_is_finished_by_the_next_command(
    tmp_path: Path, sample_template: Path
) -> None:
    remote, a, b = _counties(tmp_path, sample_template)
    incoming = [f"records/members/M-{n}.toml" for n in range(10000, 14000)]
    for rel in incoming:
        (b / rel).write_text(
            f'id = "{Path(rel).stem}"\nname = "司机"\noccupation = "truck"\nstage = "applicant"\n',
            encoding="utf-8",
        )
    git(b, "add", "records")
    git(b, "commit", "-q", "-m", "the other county's roster")
    git(b, "push", "-q", "origin", "main")
    theirs = git(b, "rev-parse", "HEAD").strip()
    old = git(a, "rev-parse", "HEAD").strip()
    journal = a / ".git" / "driverparty" / "sync-pending"
    proc = subprocess.Popen(
        [PY, "-m", "driverparty", "--repo", str(a), "sync"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not (journal.exists() and (a / incoming[0]).exists()):
            assert proc.poll() is None, "sync ended before it was killed"
            assert time.monotonic() < deadline
            time.sleep(0.001)
        os.killpg(proc.pid, signal.SIGKILL)  # sync and its git, as a power cut would
    finally:
        proc.wait()
    # half done: the branch is old, and git shows the other county's files as changes here
    assert journal.exists()
    assert git(a, "rev-parse", "HEAD").strip() == old
    assert (a / incoming[0]).exists()
    assert git(a, "status", "--porcelain") != ""
    # any command finishes it first: nothing is left for the clerk to commit as their own
    r = runner_for(a)("status")
    assert r.exit_code == 0, r.stderr
    assert "note: finished the interrupted sync: main is now at" in r.stderr
    assert "nothing to commit" in r.stderr + r.stdout
    assert git(a, "rev-parse", "HEAD").strip() == theirs
    assert git(a, "status", "--porcelain", "--untracked-files=all") == ""
    assert all((a / rel).exists() for rel in incoming)
    assert not journal.exists()
    r = runner_for(a)("sync")
    assert r.exit_code == 0 and "already up to date" in r.stderr, r.stderr
