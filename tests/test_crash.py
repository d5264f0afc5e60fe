"""Crash safety (issue 9, SPEC section 5): many writers at once, a third of them killed with
SIGKILL at random moments, and the repository is still whole — every committed record parses,
`validate` is clean, `status` shows what was written but not committed, leftover temporary
files break nothing, and the next write succeeds."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from tests.conftest import Run, git

WRITERS = 27
SEED = 20260630


def writer_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DRIVERPARTY_DEBUG"}
    env["DRIVERPARTY_LOCK_TIMEOUT"] = "120"
    return env


def lock_holder(lock: Path) -> int | None:
    """The pid holding driverparty's write lock (flock), from /proc/locks (None in the
    windows-sim run, whose lock is no flock)."""
    try:
        inode = lock.stat().st_ino
        for line in Path("/proc/locks").read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if "FLOCK" in parts and parts[-3].endswith(f":{inode}"):
                return int(parts[-4])
    except (OSError, ValueError, IndexError):
        pass
    return None


def clear_stale_index_lock(repo: Path, killed_at: float) -> None:
    """What the clerk does when driverparty says git's index (or HEAD) is locked and no git
    runs: a git killed mid-commit leaves its lock files, which the tool never deletes (issue
    16.4). The next writer waits for them meanwhile."""
    for lock in (".git/index.lock", ".git/HEAD.lock", ".git/refs/heads/main.lock"):
        try:
            if (repo / lock).stat().st_mtime <= killed_at:
                (repo / lock).unlink()
        except FileNotFoundError:
            pass


def test_killed_writers_leave_a_whole_repository(dp: Run, repo: Path) -> None:
    rng = random.Random(SEED)
    env = writer_env()
    procs = []
    for n in range(WRITERS):
        args = ["member", "add", "--name", f"司机{n:02d}", "--occupation", "truck"]
        args += ["--stage", "applicant", "--phone", f"1370000{n:04d}", "--notes", "崩溃测试"]
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "driverparty", "--repo", str(repo), *args],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                start_new_session=True,  # its own process group: a kill can take its git too
            )
        )
    started = time.monotonic()
    killed: set[int] = set()
    for at in sorted(rng.uniform(0.3, 6.0) for _ in range(WRITERS // 3)):
        time.sleep(max(0.0, started + at - time.monotonic()))
        running = [n for n, p in enumerate(procs) if p.poll() is None and n not in killed]
        if not running:
            break
        # Prefer the writer holding the lock (mid-check, mid-write or mid-commit): killing one
        # that waits for the lock proves little.
        lock = repo / ".git/driverparty/write.lock"
        holder = lock_holder(lock)
        if holder:
            time.sleep(rng.uniform(0.0, 0.2))  # somewhere in its check, write or commit
        busy = [n for n in running if procs[n].pid == holder]
        victim = rng.choice(busy or running)
        # with its git, only while it still holds the lock: once it let go, the next writer's
        # git may be committing, and its index.lock is no stale one to clear away
        if busy and rng.random() < 0.5 and lock_holder(lock) == holder:
            killed_at = time.time()
            os.killpg(procs[victim].pid, signal.SIGKILL)  # with the git it runs: index.lock
            procs[victim].wait()
            clear_stale_index_lock(repo, killed_at)
        else:
            procs[victim].send_signal(signal.SIGKILL)  # its git child, if any, runs on
        # Reaped at once, as a shell would: in the windows-sim run the lock is filelock's soft
        # lock, which sees an unreaped (zombie) holder as alive; flock and LockFileEx do not.
        procs[victim].wait()
        killed.add(victim)

    added = []
    for n, proc in enumerate(procs):
        out, err = proc.communicate(timeout=120)
        if n in killed and proc.returncode == -signal.SIGKILL:
            continue
        assert proc.returncode == 0, err.decode()
        assert b"Traceback" not in err
        added.append(out.decode().strip())
    assert len(set(added)) == len(added)  # no id given twice

    # every committed record parses and is intact
    committed = git(repo, "ls-tree", "-r", "--name-only", "HEAD", "records/members").split()
    for path in committed:
        text = git(repo, "show", f"HEAD:{path}")
        record = tomllib.loads(text)
        assert record["id"] == Path(path).stem
        if record.get("notes") == "崩溃测试":
            assert record["name"].startswith("司机") and record["stage"] == "applicant"
    heads = {Path(p).stem for p in committed}
    assert set(added) <= heads  # every writer that said "done" committed its record
    git(repo, "fsck", "--no-progress")

    # validate is clean; leftover temporary files (dot files) break nothing
    r = dp("validate")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert dp("member", "list", "--format", "csv").exit_code == 0

    # status names every record written but not committed (a writer killed after its rename)
    porcelain = git(repo, "status", "--porcelain", "--untracked-files=all", "records")
    uncommitted = [line[3:] for line in porcelain.splitlines() if "/." not in line]
    r = dp("status", "--format", "csv")
    assert r.exit_code == 0, r.stderr  # each of them is a valid record
    for path in uncommitted:
        assert f"{path}," in r.stdout

    # What a kill can leave that the race above may not hit every run: a half-written
    # temporary file, and git's index.lock from a git killed mid-commit.
    (repo / "records/members/.M-0999.toml.k1ll3d.tmp").write_bytes(b'id = "M-0999"\nna')
    index_lock = repo / ".git/index.lock"
    index_lock.write_bytes(b"")
    os.utime(index_lock, (time.time() - 60, time.time() - 60))
    assert dp("validate").exit_code == 0
    assert dp("status").exit_code == 0

    # a write waits for the index.lock, then says what to do; it never deletes it (16.4)
    survivor = ["member", "add", "--name", "幸存者", "--occupation", "taxi", "--stage", "applicant"]
    r = dp(*survivor, env={"DRIVERPARTY_LOCK_TIMEOUT": "1"})
    assert r.exit_code == 3 and "index.lock" in r.stderr and index_lock.exists()
    index_lock.unlink()  # the clerk, by hand: no git is running

    # the next write succeeds (no stale write lock), and so does a commit
    r = dp(*survivor)
    assert r.exit_code == 0, r.stderr
    r = dp("commit", "-m", "records left by killed writers")
    assert r.exit_code == 0, r.stderr
    assert dp("validate").exit_code == 0
