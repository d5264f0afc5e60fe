"""Nothing lost (issue 16): ids that HEAD still holds are never handed out again, a killed or
interrupted import leaves nothing behind, a live git ``index.lock`` is never deleted, and a
full disk, a file-size limit or a read-only folder is a plain exit 3 that a failed rollback
does not hide. Each case is listed in SECURITY.md.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import Run, commit_count, git, head_subject

ADD = ("member", "add", "--occupation", "truck", "--stage", "applicant")


def env_without_debug(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DRIVERPARTY_DEBUG"}
    env.update(extra)
    return env


def one_line_errors(stderr: str) -> list[str]:
    lines = stderr.splitlines()
    assert lines and all(line.startswith(("error: ", "note: ")) for line in lines), stderr
    assert "Traceback" not in stderr and "unexpected" not in stderr, stderr
    return lines


# --- 16.1: an id that HEAD (or the index) still holds is never handed out again ---------------


def test_a_record_deleted_by_hand_keeps_its_id(dp: Run, repo: Path) -> None:
    (repo / "records/members/M-0060.toml").unlink()  # by hand, not committed
    r = dp(*ADD, "--name", "新人")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "M-0061\n"
    # the deletion is still the clerk's to commit; the new person did not take M-0060's life
    assert "M-0060" not in git(repo, "show", "--stat", "HEAD")


def test_a_record_removed_from_the_index_keeps_its_id(dp: Run, repo: Path) -> None:
    git(repo, "rm", "-q", "records/members/M-0060.toml")  # staged, not committed
    assert dp(*ADD, "--name", "新人").stdout == "M-0061\n"


def test_a_record_added_to_the_index_then_deleted_keeps_its_id(dp: Run, repo: Path) -> None:
    path = repo / "records/members/M-0070.toml"
    path.write_text(
        (repo / "records/members/M-0060.toml")
        .read_text(encoding="utf-8")
        .replace("M-0060", "M-0070"),
        encoding="utf-8",
    )
    git(repo, "add", str(path))
    path.unlink()
    assert dp(*ADD, "--name", "新人").stdout == "M-0071\n"


def test_import_counts_ids_deleted_by_hand(dp: Run, repo: Path) -> None:
    (repo / "records/petitions/P-0040.toml").unlink()
    rows = "received,channel,category,summary\n2026-06-01,hotline,repair,一\n"
    r = dp("import", "petition", "-", "--format", "csv", input=rows)
    assert r.exit_code == 0, r.stderr
    assert (repo / "records/petitions/P-0041.toml").exists()
    assert not (repo / "records/petitions/P-0040.toml").exists()


# --- 16.4: a git index.lock that a live process may hold is never deleted -------------------


def test_an_old_index_lock_is_waited_for_and_never_deleted(dp: Run, repo: Path) -> None:
    lock = repo / ".git/index.lock"
    lock.write_bytes(b"a slow git add is writing this")
    os.utime(lock, (time.time() - 600, time.time() - 600))  # untouched for ten minutes
    before = commit_count(repo)
    started = time.monotonic()
    r = dp(*ADD, "--name", "等待", env={"DRIVERPARTY_LOCK_TIMEOUT": "1"})
    assert r.exit_code == 3, r.output
    assert time.monotonic() - started >= 1
    (line,) = one_line_errors(r.stderr)
    assert "another git is running" in line and "index.lock" in line and "by hand" in line
    assert lock.read_bytes() == b"a slow git add is writing this"  # still there, untouched
    assert commit_count(repo) == before
    assert not (repo / "records/members/M-0061.toml").exists()  # the write was undone
    lock.unlink()  # what the message tells the clerk to do when no git runs
    assert dp(*ADD, "--name", "等待").stdout == "M-0061\n"


def test_a_write_goes_on_when_the_other_git_lets_go_of_the_index(dp: Run, repo: Path) -> None:
    lock = repo / ".git/index.lock"
    lock.write_bytes(b"")
    os.utime(lock, (time.time() - 600, time.time() - 600))
    threading.Timer(1.0, lock.unlink).start()  # the other git finishes after a second
    r = dp(*ADD, "--name", "等待")
    assert r.exit_code == 0, r.stderr
    assert head_subject(repo) == "member add M-0061"


# --- 16.2: a killed or interrupted import leaves nothing behind ------------------------------

BIG = 20_000


def rows_file(path: Path, kind: str, count: int) -> Path:
    if kind == "member":
        lines = ["name,occupation,stage", *(f"司机{n},truck,applicant" for n in range(count))]
    else:
        lines = ["received,channel,category,summary"]
        lines += [f"2026-06-01,hotline,repair,第{n}号诉求" for n in range(count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def start_import(repo: Path, kind: str, source: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "driverparty", "--repo", str(repo), "import", kind, str(source)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env_without_debug(DRIVERPARTY_LOCK_TIMEOUT="60"),
        start_new_session=True,  # its own process group, so a kill can take its git too
    )


def wait_for(what: str, test: object, proc: subprocess.Popen[bytes], limit: float = 600) -> None:
    deadline = time.monotonic() + limit
    while not test():  # type: ignore[operator]
        assert proc.poll() is None, f"the import ended before {what}: {proc.communicate()}"
        assert time.monotonic() < deadline, f"no {what} after {limit} s"
        time.sleep(0.01)


def files_under(repo: Path, folder: str) -> int:
    return len(os.listdir(repo / "records" / folder))


def snapshot(repo: Path) -> tuple[str, dict[str, list[str]], str]:
    """HEAD, every name in every records folder (dot files too), and git's status."""
    folders = {f: sorted(os.listdir(repo / "records" / f)) for f in os.listdir(repo / "records")}
    status = git(repo, "status", "--porcelain", "--untracked-files=all")
    return git(repo, "rev-parse", "HEAD").strip(), folders, status


def test_an_import_killed_mid_write_is_undone_by_the_next_command(
    dp: Run, repo: Path, tmp_path: Path
) -> None:
    source = rows_file(tmp_path / "members.csv", "member", BIG)
    before = snapshot(repo)
    figures = json.loads(dp("summary", "--format", "json").stdout)
    proc = start_import(repo, "member", source)
    wait_for("files written", lambda: files_under(repo, "members") > 60 + 500, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert files_under(repo, "members") > 60 + 500  # what the kill left, for now
    r = dp("summary", "--format", "json")  # any command, even one that only reads
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout) == figures  # the unfinished import counts nowhere
    assert "note: an import that did not finish was undone" in r.stderr
    assert snapshot(repo) == before  # no record file, no temporary file, no commit
    assert dp("validate").exit_code == 0


def test_an_import_stopped_with_sigterm_undoes_itself(repo: Path, tmp_path: Path) -> None:
    source = rows_file(tmp_path / "members.csv", "member", BIG)
    before = snapshot(repo)
    proc = start_import(repo, "member", source)
    wait_for("files written", lambda: files_under(repo, "members") > 60 + 500, proc)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 128 + signal.SIGTERM, err.decode()
    assert err.decode().splitlines()[0] == "error: stopped (SIGTERM)"
    assert b"Traceback" not in err
    assert snapshot(repo) == before  # undone before it exited: nothing for the next command
    assert not (repo / ".git/driverparty/journal.json").exists()


def test_an_import_killed_with_its_git_mid_commit_is_all_or_nothing(
    dp: Run, repo: Path, tmp_path: Path
) -> None:
    source = rows_file(tmp_path / "members.csv", "member", 3000)
    before = snapshot(repo)
    proc = start_import(repo, "member", source)
    wait_for("git at work", lambda: (repo / ".git/index.lock").exists(), proc)
    killed_at = time.time()
    os.killpg(proc.pid, signal.SIGKILL)  # python and the git it runs
    proc.wait()
    time.sleep(0.2)
    for lock in (".git/index.lock", ".git/HEAD.lock", ".git/refs/heads/main.lock"):
        path = repo / lock  # what driverparty tells the clerk to delete when no git runs
        if path.exists() and path.stat().st_mtime <= killed_at:
            path.unlink()
    r = dp("member", "list", "--all", "--format", "csv", "--fields", "id")
    assert r.exit_code == 0, r.stderr
    if snapshot(repo)[0] == before[0]:  # killed before git committed: all undone
        assert snapshot(repo) == before
        assert len(r.stdout.splitlines()) == 1 + 60
    else:  # git had committed: all there, in one commit
        assert head_subject(repo) == "member import 3000 records"
        assert git(repo, "status", "--porcelain") == ""
        assert len(r.stdout.splitlines()) == 1 + 60 + 3000
    assert dp("validate").exit_code == 0


def test_a_petition_import_run_again_after_a_kill_adds_each_row_once(
    dp: Run, repo: Path, tmp_path: Path
) -> None:
    source = rows_file(tmp_path / "petitions.csv", "petition", 2000)
    proc = start_import(repo, "petition", source)
    wait_for("files written", lambda: files_under(repo, "petitions") > 40 + 300, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    r = dp("import", "petition", str(source))  # the clerk runs it again
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "added 2000, updated 0\n"
    r = dp("petition", "list", "--format", "json", "--fields", "id,summary")
    petitions = json.loads(r.stdout)
    assert len(petitions) == 40 + 2000
    summaries = [p["summary"] for p in petitions if p["summary"].startswith("第")]
    assert len(summaries) == len(set(summaries)) == 2000
    assert git(repo, "status", "--porcelain") == ""


# --- 16.9: files come out as the umask says, like git's own checkout -------------------------


@pytest.mark.parametrize(("umask", "mode"), [(0o077, 0o600), (0o022, 0o644), (0o002, 0o664)])
def test_written_files_honour_the_umask(
    dp: Run, repo: Path, tmp_path: Path, umask: int, mode: int
) -> None:
    def mode_of(path: Path) -> int:
        return path.stat().st_mode & 0o777

    old = os.umask(umask)
    try:
        assert dp(*ADD, "--name", "新人").exit_code == 0
        assert dp("member", "update", "M-0001", "--notes", "改").exit_code == 0
        rows = "name,occupation,stage\n甲,truck,applicant\n乙,taxi,applicant\n"
        assert dp("import", "member", "-", input=rows).exit_code == 0
        assert dp("report", "html", "--output", str(tmp_path / "r.html")).exit_code == 0
        for fmt in ("csv", "xlsx"):  # a listing's --output file (issue 19) too
            out = str(tmp_path / f"members.{fmt}")
            assert dp("member", "list", "--format", fmt, "--output", out).exit_code == 0
        (repo / "records/members/M-0002.toml").unlink()
        git(repo, "checkout", "--", "records/members/M-0002.toml")  # git's own checkout
    finally:
        os.umask(old)
    members = repo / "records/members"
    assert mode_of(members / "M-0002.toml") == mode  # what git does
    for name in ("M-0061.toml", "M-0001.toml", "M-0062.toml", "M-0063.toml"):
        assert mode_of(members / name) == mode, name
    for name in ("r.html", "members.csv", "members.xlsx"):
        assert mode_of(tmp_path / name) == mode, name


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_output_into_something_not_a_plain_file_writes_into_it(
    dp: Run, repo: Path, tmp_path: Path
) -> None:
    """``--output /dev/null`` or a named pipe is written into, never replaced by a file (run as
    root, the command-line fuzz once turned the machine's /dev/null into a plain file)."""
    import stat
    import threading

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(pipe.read_bytes()), daemon=True)
    reader.start()
    r = dp("member", "list", "--format", "csv", "--output", str(pipe))
    reader.join(timeout=60)
    assert r.exit_code == 0, r.stderr
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
    assert got and b"M-0001" in got[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["county", "pipe"]  # no temporary file


# --- 16.15: a fault says what it is: exit 3, a plain message, the first error kept ------------


def run_limited(repo: Path, args: list[str], max_bytes: int) -> subprocess.CompletedProcess[str]:
    """driverparty with a file-size limit (``ulimit -f``): a write past it fails with EFBIG."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return subprocess.run(
        [sys.executable, "-m", "driverparty", "--repo", str(repo), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env_without_debug(),
        preexec_fn=limit,
        timeout=120,
    )


def test_a_file_size_limit_is_exit_3_and_a_plain_message(dp: Run, repo: Path) -> None:
    assert dp("validate").exit_code == 0  # the cache is built: it need not grow below
    before = snapshot(repo)
    r = run_limited(repo, [*ADD, "--name", "新人", "--notes", "长" * 1500], 2048)
    assert r.returncode == 3, r.stderr
    (line,) = one_line_errors(r.stderr)
    assert line == (
        "error: records/members/M-0061.toml: cannot write: "
        "the file-size limit is reached (ulimit -f)"
    )
    assert snapshot(repo) == before


def test_a_failed_rollback_does_not_hide_the_first_error(dp: Run, repo: Path) -> None:
    # M-0001 is already over the limit: writing its new version fails, and so would writing
    # its old one back — which must neither be tried for nothing nor hide the first error
    m1 = repo / "records/members/M-0001.toml"
    assert dp("member", "update", "M-0001", "--notes", "旧" * 1500).exit_code == 0
    assert dp("validate").exit_code == 0
    before = snapshot(repo), m1.read_bytes()
    r = run_limited(repo, ["member", "update", "M-0001", "--notes", "新" * 1500], 2048)
    assert r.returncode == 3, r.stderr
    lines = one_line_errors(r.stderr)
    assert lines[0].startswith("error: records/members/M-0001.toml: cannot write: the file-size")
    assert (snapshot(repo), m1.read_bytes()) == before


def test_git_stopped_by_the_file_size_limit_is_said_plainly(dp: Run, repo: Path) -> None:
    assert dp("validate").exit_code == 0
    before = snapshot(repo)
    # the record fits; git's index (several KiB) does not: git is stopped by SIGXFSZ
    r = run_limited(repo, [*ADD, "--name", "新人"], 1024)
    assert r.returncode == 3, r.stderr
    lines = one_line_errors(r.stderr)
    assert "file-size limit" in lines[0], lines
    assert snapshot(repo)[:2] == before[:2]
    assert not (repo / "records/members/M-0061.toml").exists()


UNSHARE = "unshare"


def in_namespace(script: str) -> subprocess.CompletedProcess[str]:
    """Run a shell script in a mount namespace of its own (root may mount there: a read-only
    bind mount or a tiny tmpfs, which chmod cannot give root)."""
    return subprocess.run(
        [UNSHARE, "-m", "sh", "-c", script],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env_without_debug(PYTHON=sys.executable),
        timeout=180,
    )


def namespaces_work() -> bool:
    try:
        return in_namespace("mount -t tmpfs tmpfs /mnt && true").returncode == 0
    except OSError:
        return False


needs_namespace = pytest.mark.skipif(
    not namespaces_work(), reason="needs `unshare -m` and mount (root in a Linux namespace)"
)


@needs_namespace
def test_a_read_only_folder_is_exit_3_and_a_plain_message(dp: Run, repo: Path) -> None:
    assert dp("validate").exit_code == 0
    before = snapshot(repo)
    members = repo / "records/members"
    r = in_namespace(
        f"mount --bind -o ro '{members}' '{members}' && "
        f"exec \"$PYTHON\" -m driverparty --repo '{repo}' member add --name 新人 "
        "--occupation truck --stage applicant"
    )
    assert r.returncode == 3, r.stderr
    (line,) = one_line_errors(r.stderr)
    assert line == (
        "error: records/members/M-0061.toml: cannot write: the disk or folder is read-only"
    )
    assert snapshot(repo) == before


@needs_namespace
def test_a_full_disk_is_exit_3_and_changes_nothing(repo: Path, tmp_path: Path) -> None:
    disk = tmp_path / "usb"
    disk.mkdir()
    r = in_namespace(
        f"""set -e
        mount -t tmpfs -o size=8m tmpfs '{disk}'
        cp -a '{repo}' '{disk}/county'
        git -C '{disk}/county' rev-parse HEAD > '{disk}/head-before'
        dd if=/dev/zero of='{disk}/fill' bs=4k 2>/dev/null || true
        set +e
        "$PYTHON" -m driverparty --repo '{disk}/county' import member - <<'ROWS'
name,occupation,stage,notes
甲,truck,applicant,{"长" * 1500}
乙,truck,applicant,{"长" * 1500}
ROWS
        echo "exit=$?"
        rm '{disk}/fill'
        git -C '{disk}/county' rev-parse HEAD | cmp -s - '{disk}/head-before' && echo same-head
        git -C '{disk}/county' status --porcelain --untracked-files=all | sed 's/^/status: /'
        """
    )
    out = r.stdout.splitlines()
    assert "exit=3" in out, (r.stdout, r.stderr)
    lines = one_line_errors(r.stderr)
    assert "no space left on the disk" in lines[0], lines
    assert "same-head" in out and not [s for s in out if s.startswith("status: ")], r.stdout
