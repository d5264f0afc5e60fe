"""A county office's Windows laptop (issue 18, SPEC section 8): one test or more for each of
the nine things that kept the tool from running there.

What Windows lacks is simulated on Linux by ``tests/windows_sim/sitecustomize.py``; the tests
below that need it run driverparty in a subprocess with it (``SIM``), so they fail in the
normal suite too when the tool leans on something Windows does not have. ``make
test-windows-sim`` runs the whole suite that way.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BIN, ROOT, Run, commit_count, git, runner_for

SIM_DIR = ROOT / "tests" / "windows_sim"
DP = [sys.executable, "-m", "driverparty"]
ADD = ["member", "add", "--occupation", "truck", "--stage", "applicant"]
#: the folder of the real git: a PATH with git but without driverparty
GIT_FOLDER = str(Path(shutil.which("git") or "/usr/bin/git").parent)


def sim_env(**extra: str) -> dict[str, str]:
    """The environment of a driverparty run as on Windows: what it lacks taken away."""
    env = {k: v for k, v in os.environ.items() if k != "DRIVERPARTY_DEBUG"}
    env["PYTHONPATH"] = str(SIM_DIR)
    env["PYTHONWARNINGS"] = "error::EncodingWarning"
    env["PYTHONWARNDEFAULTENCODING"] = "1"
    env.update(extra)
    return env


def run(
    args: list[str],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    input: bytes | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """The real driverparty in a fresh interpreter; stdout and stderr as bytes."""
    return subprocess.run(
        [*DP, *args], env=env or dict(os.environ), cwd=cwd, input=input, capture_output=True
    )


def text(proc: subprocess.CompletedProcess[bytes]) -> str:
    return proc.stdout.decode("utf-8") + proc.stderr.decode("utf-8")


def test_the_simulation_takes_away_what_windows_lacks() -> None:
    code = (
        "import os, ctypes\n"
        "try:\n    import fcntl\nexcept ImportError:\n    print('no fcntl')\n"
        "print([n for n in ('sync', 'O_NOFOLLOW', 'O_NONBLOCK', 'mkfifo') if hasattr(os, n)])\n"
        "print(hex(ctypes.windll.kernel32.GetUserDefaultUILanguage()))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=sim_env(), capture_output=True)
    assert out.stdout.decode().split("\n")[:3] == ["no fcntl", "[]", "0x804"], out.stderr


# --- 1. the write lock --------------------------------------------------------------------------

HOLD = """
import sys, time
from pathlib import Path
from driverparty.gitrepo import write_lock
with write_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


def test_writes_take_a_lock_without_fcntl_that_times_out_and_dies_with_its_holder(
    repo: Path,
) -> None:
    env = sim_env()
    r = run(["--repo", str(repo), *ADD, "--name", "司机甲"], env)
    assert r.returncode == 0, r.stderr.decode()
    assert r.stdout == b"M-0061\n"

    holder = subprocess.Popen(
        [*DP[:1], "-c", HOLD, str(repo / ".git")], env=env, stdout=subprocess.PIPE
    )
    assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
    try:
        before = commit_count(repo)
        busy = {**env, "DRIVERPARTY_LOCK_TIMEOUT": "0.5"}
        r = run(["--repo", str(repo), *ADD, "--name", "司机乙"], busy)
        assert r.returncode == 3
        assert r.stderr.decode() == (
            "error: another driverparty is writing; gave up after 0.5 s waiting for the lock\n"
        )
        assert commit_count(repo) == before
    finally:
        holder.kill()  # as the task manager ends it: a dead holder holds nothing
        holder.wait()
    r = run(
        ["--repo", str(repo), *ADD, "--name", "司机乙"], {**env, "DRIVERPARTY_LOCK_TIMEOUT": "5"}
    )
    assert r.returncode == 0, r.stderr.decode()


def test_help_does_not_import_the_lock() -> None:
    code = (
        "import sys\nfrom driverparty.cli.main import main\nsys.argv = ['driverparty', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('filelock', 'git', 'pydantic')\n"
        "sys.stderr.write(str(sorted(m for m in heavy if m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True)
    assert out.stderr.decode().endswith("[]"), out.stderr


# --- 2. flushing an import ----------------------------------------------------------------------


def test_an_import_of_several_rows_works_without_os_sync(repo: Path, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_bytes(
        "name,occupation,stage\n李师傅,truck,applicant\n张师傅,taxi,applicant\n".encode()
    )
    r = run(["--repo", str(repo), "import", "member", str(roster)], sim_env())
    assert r.returncode == 0, r.stderr.decode()
    assert git(repo, "show", "--stat", "--format=%s", "HEAD").startswith("member import 2 records")
    assert git(repo, "status", "--porcelain") == ""


# --- 3. stopping git early ----------------------------------------------------------------------


def slow_git(folder: Path) -> Path:
    """A `git` whose `log --raw` exits 1 before its output has been read — what Windows reports
    for a git.exe that driverparty stopped (a killed process exits 1 there, -9 here). The log
    itself comes from the real git, started in the background with the same output pipe."""
    folder.mkdir()
    real = os.path.join(GIT_FOLDER, "git")
    wrapper = folder / "git"
    wrapper.write_bytes(
        (
            "#!/bin/sh\n"
            'case " $* " in\n'
            f'  *" --raw "*) ( sleep 0.2; exec "{real}" "$@" ) & exit 1 ;;\n'
            "esac\n"
            f'exec "{real}" "$@"\n'
        ).encode()
    )
    wrapper.chmod(0o755)
    return folder


def test_log_limit_stops_git_and_takes_its_exit_status_as_fine(
    dp: Run, repo: Path, tmp_path: Path
) -> None:
    assert dp(*ADD, "--name", "一").exit_code == 0
    assert dp(*ADD, "--name", "二").exit_code == 0
    path = f"{slow_git(tmp_path / 'bin')}{os.pathsep}{os.environ['PATH']}"
    env = {**os.environ, "PATH": path}
    env.pop("DRIVERPARTY_DEBUG")
    r = run(["--repo", str(repo), "log", "--limit", "1", "--format", "csv"], env)
    assert (r.returncode, r.stderr) == (0, b"")  # no "Exception ignored in: <generator …>"
    assert r.stdout.decode().splitlines()[1].split(",")[4:6] == ["member", "M-0062"]


def test_a_git_log_that_fails_after_all_its_output_is_still_a_failure(
    dp: Run, tmp_path: Path
) -> None:
    path = f"{slow_git(tmp_path / 'bin')}{os.pathsep}{os.environ['PATH']}"
    r = dp("log", "--format", "csv", env={"PATH": path})
    assert r.exit_code == 3 and r.stderr == "error: git log failed: exit 1\n"


# --- 4. output in any code page -----------------------------------------------------------------

NAME = "吉𠮷😀"  # 𠮷 (U+20BB7) and the emoji are in no Windows code page but UTF-8 and GB18030


@pytest.mark.parametrize("encoding", ["cp936", "latin-1", "ascii"])
def test_output_to_a_pipe_or_file_is_utf8_whatever_the_code_page(
    dp: Run, repo: Path, tmp_path: Path, encoding: str
) -> None:
    assert dp(*ADD, "--name", NAME).exit_code == 0
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    r = run(["--repo", str(repo), "member", "list", "--format", "csv"], env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode("utf-8").splitlines()[-1].startswith(f"M-0061,{NAME},")
    out = tmp_path / "out.csv"
    with out.open("wb") as f:  # `> out.csv`
        subprocess.run([*DP, "--repo", str(repo), "member", "list"], env=env, stdout=f, check=True)
    assert NAME in out.read_bytes().decode("utf-8")
    r = run(["--repo", str(tmp_path / NAME), "member", "list"], env)  # stderr too
    assert r.returncode == 3
    assert r.stderr.decode("utf-8").startswith(f"error: {tmp_path / NAME}: not a records")


def test_a_record_piped_in_is_read_as_utf8_whatever_the_code_page(repo: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "cp936"}
    record = json.dumps({"name": NAME, "occupation": "truck", "stage": "applicant"})
    for data in (record.encode(), b"\xef\xbb\xbf" + record.encode()):  # with a BOM too
        r = run(["--repo", str(repo), "member", "add", "--from", "-"], env, input=data)
        assert r.returncode == 0, r.stderr.decode("utf-8")
        added = r.stdout.decode().strip()
        assert f'name = "{NAME}"' in (repo / f"records/members/{added}.toml").read_text("utf-8")


def on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, bytes]:
    """Run driverparty with stdout and stderr on a pseudo-terminal: its exit code and what the
    terminal received."""
    import pty

    parent, child = pty.openpty()
    proc = subprocess.Popen([*DP, *args], env=env, stdout=child, stderr=child)
    os.close(child)
    seen = b""
    while True:
        try:
            chunk = os.read(parent, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(parent)
    return proc.wait(), seen


@pytest.mark.parametrize(("encoding", "shown"), [("cp936", "吉??"), ("latin-1", "???")])
def test_a_terminal_that_cannot_show_a_character_gets_a_replacement_not_a_crash(
    dp: Run, repo: Path, encoding: str, shown: str
) -> None:
    assert dp(*ADD, "--name", NAME).exit_code == 0
    env = {**os.environ, "PYTHONIOENCODING": encoding, "COLUMNS": "200"}
    code, seen = on_a_terminal(["--repo", str(repo), "member", "list", "--format", "csv"], env)
    assert code == 0, seen
    assert f"\nM-0061,{shown},".encode(encoding) in seen
    assert b"M-0060," in seen  # the whole listing, not what came before the first odd name


# --- 5. line ends under core.autocrlf=true ------------------------------------------------------


def autocrlf(tmp_path: Path) -> dict[str, str]:
    """The environment of a machine whose git says core.autocrlf=true (Git for Windows)."""
    config = tmp_path / "gitconfig"
    config.write_bytes(b"[core]\n\tautocrlf = true\n")
    return {"GIT_CONFIG_GLOBAL": str(config)}


def cached_members(repo: Path) -> int:
    db = sqlite3.connect(repo / ".git/driverparty/cache.sqlite")
    try:
        return int(db.execute("SELECT count(*) FROM records_member").fetchone()[0])
    finally:
        db.close()


def test_init_commits_gitattributes_so_a_clone_under_autocrlf_keeps_lf_and_fills_the_cache(
    tmp_path: Path,
) -> None:
    env = autocrlf(tmp_path)
    dp = runner_for(tmp_path / "babu")
    assert runner_for(tmp_path)("init", str(tmp_path / "babu"), "--county", "八步区").exit_code == 0
    committed = git(tmp_path / "babu", "show", "HEAD:.gitattributes")
    assert "driverparty.toml text eol=lf\n" in committed
    assert "records/**/*.toml text eol=lf merge=driverparty\n" in committed
    for name in ("王师傅", "李师傅"):
        assert dp(*ADD, "--name", name, "--notes", "第一行\n第二行", env=env).exit_code == 0
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", str(tmp_path / "babu"), str(clone)],
        env={**os.environ, **env},
        check=True,
    )
    files = sorted((clone / "records/members").glob("*.toml"))
    assert len(files) == 2 and all(b"\r" not in f.read_bytes() for f in files)
    assert b"\r" not in (clone / "driverparty.toml").read_bytes()
    listing = runner_for(clone)("member", "list", "--format", "csv", env=env)
    assert listing.exit_code == 0 and "王师傅" in listing.stdout
    assert cached_members(clone) == 2  # the files are the blobs: the cache took them


def test_init_adds_its_lines_to_a_gitattributes_already_there(tmp_path: Path) -> None:
    folder = tmp_path / "babu"
    folder.mkdir()
    (folder / ".gitattributes").write_bytes(b"*.xlsx binary")  # no newline at the end
    r = runner_for(tmp_path)("init", str(folder), "--county", "八步区")
    assert r.exit_code == 0, r.stderr
    assert git(folder, "show", "HEAD:.gitattributes") == (
        "*.xlsx binary\n# driverparty: LF line ends on every platform; records merge field by"
        " field\ndriverparty.toml text eol=lf\nrecords/**/*.toml text eol=lf merge=driverparty\n"
    )


def test_a_repository_without_gitattributes_fills_the_cache_under_autocrlf(
    repo: Path, tmp_path: Path
) -> None:
    """A repository made before `init` wrote .gitattributes, cloned by Git for Windows: its
    files are CRLF, the blobs LF, and the cache still takes them (tomllib reads both alike)."""
    env = autocrlf(tmp_path)
    (repo / ".gitattributes").unlink()
    git(repo, "commit", "-qam", "as made before init wrote .gitattributes")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], env={**os.environ, **env})
    assert b"\r\n" in (clone / "records/members/M-0001.toml").read_bytes()
    dp = runner_for(clone)
    first = dp("member", "list", "--format", "csv", "--all", env=env)
    assert first.exit_code == 0
    assert cached_members(clone) == 60
    assert dp("member", "list", "--format", "csv", "--all", env=env).stdout == first.stdout
    assert dp("validate", env=env).exit_code == 0


# --- 6. the hook and the merge driver -----------------------------------------------------------


def test_the_hook_and_the_merge_driver_call_driverparty_on_path_in_utf8_and_lf(
    dp: Run, repo: Path
) -> None:
    info = repo / ".git/info/attributes"
    info.parent.mkdir(exist_ok=True)
    info.write_bytes("# 县里的设置\n*.xlsx binary".encode())  # no newline at the end
    assert dp("install-hook").exit_code == 0
    hook = (repo / ".git/hooks/pre-commit").read_bytes()
    assert b"\r" not in hook and sys.executable.encode() not in hook
    assert b"\nexec driverparty " in hook
    driver = git(repo, "config", "merge.driverparty.driver").strip()
    assert driver == "driverparty merge-driver %O %A %B %P"
    assert info.read_bytes() == (
        "# 县里的设置\n*.xlsx binary\nrecords/**/*.toml merge=driverparty\n".encode()
    )
    assert dp("install-hook").exit_code == 0  # again: nothing doubled
    assert info.read_bytes().count(b"merge=driverparty") == 1


def commit_with(repo: Path, path: str, message: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["git", "commit", "-qam", message],
        cwd=repo,
        env={**os.environ, "PATH": path},
        capture_output=True,
    )


def test_the_hook_keeps_working_when_the_tool_is_reinstalled_elsewhere(
    dp: Run, repo: Path, tmp_path: Path
) -> None:
    assert dp("install-hook").exit_code == 0
    elsewhere = tmp_path / "pipx-bin"  # another installation's `driverparty`
    elsewhere.mkdir()
    (elsewhere / "driverparty").write_bytes(
        f'#!/bin/sh\nexec "{sys.executable}" -m driverparty "$@"\n'.encode()
    )
    (elsewhere / "driverparty").chmod(0o755)
    m2 = repo / "records/members/M-0002.toml"
    good = m2.read_bytes()
    m2.write_bytes(good.replace(b'stage = "', b'stage = "x', 1))
    r = commit_with(repo, f"{elsewhere}{os.pathsep}{GIT_FOLDER}", "oops")
    assert r.returncode != 0 and b"M-0002.toml: stage" in r.stdout + r.stderr
    m2.write_bytes(good + 'notes = "好"\n'.encode())
    r = commit_with(repo, f"{elsewhere}{os.pathsep}{GIT_FOLDER}", "fine")
    assert r.returncode == 0, r.stderr
    m2.write_bytes(good)
    r = commit_with(repo, GIT_FOLDER, "without the tool")  # not on PATH: said, not skipped
    assert r.returncode != 0
    assert b"driverparty is not on PATH" in r.stderr


def test_sync_registers_the_merge_driver_in_a_fresh_clone(tmp_path: Path, repo: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(remote))
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(remote), str(clone))
    assert subprocess.run(["git", "config", "merge.driverparty.driver"], cwd=clone).returncode
    r = runner_for(clone)("sync")
    assert r.exit_code == 0, r.stderr
    driver = git(clone, "config", "merge.driverparty.driver").strip()
    assert driver == "driverparty merge-driver %O %A %B %P"


# --- 7. git from PATH only ----------------------------------------------------------------------


def planted(folder: Path) -> Path:
    """A folder holding a `git` that leaves a mark when run: a USB drive's planted git."""
    folder.mkdir()
    for name in ("git", "git.exe"):
        (folder / name).write_bytes(f"#!/bin/sh\necho ran >> '{folder}/MARK'\nexit 0\n".encode())
        (folder / name).chmod(0o755)
    return folder


def test_a_git_in_the_current_folder_never_runs(repo: Path, tmp_path: Path) -> None:
    usb = planted(tmp_path / "usb")
    env = {**os.environ, "PATH": f".{os.pathsep}{os.pathsep}usb{os.pathsep}{os.environ['PATH']}"}
    r = run(["--repo", str(repo), *ADD, "--name", "王师傅"], env, cwd=usb)
    assert r.returncode == 0, r.stderr
    assert run(["--repo", str(repo), "log", "--limit", "1"], env, cwd=usb).returncode == 0
    assert run(["init", "babu", "--county", "八步区"], env, cwd=usb).returncode == 0
    assert (usb / "babu/.git").is_dir() and not (usb / "MARK").exists()
    r = run(["rollup", str(repo), str(tmp_path / "no-such.git")], env, cwd=usb)
    assert r.returncode == 3 and not (usb / "MARK").exists()


def test_on_windows_git_exe_is_taken_from_absolute_path_folders_only(tmp_path: Path) -> None:
    from driverparty.portable import find_program

    cmd_only, with_exe = tmp_path / "cmd", tmp_path / "Git" / "cmd"
    cmd_only.mkdir()
    (cmd_only / "git.cmd").write_bytes(b"@echo off\r\n")  # runs through cmd.exe: not taken
    with_exe.mkdir(parents=True)
    (with_exe / "git.exe").write_bytes(b"MZ")
    (with_exe / "git").write_bytes(b"")  # no .exe: not what Windows runs
    path = f'.;;usb;"{cmd_only}";"{with_exe}"'
    assert find_program("git", path, windows=True) == str(with_exe / "git.exe")
    assert find_program("git", ".;usb", windows=True) is None


def test_no_git_on_path_is_exit_3(repo: Path, tmp_path: Path) -> None:
    usb = planted(tmp_path / "usb")
    env = {**os.environ, "PATH": f".{os.pathsep}{BIN}"}
    r = run(["--repo", str(repo), "member", "list"], env, cwd=usb)
    assert r.returncode == 3 and r.stderr == b"error: git is not installed (no `git` on PATH)\n"
    assert not (usb / "MARK").exists()


# --- 8. the language ----------------------------------------------------------------------------


def header(dp: Run, env: dict[str, str | None]) -> str:
    r = dp("member", "list", "--limit", "1", env=env)  # type: ignore[arg-type]
    assert r.exit_code == 0, r.stderr
    return "zh" if "姓名" in r.stdout else "en"


@pytest.mark.parametrize(
    ("lc_all", "lc_messages", "lang", "expected"),
    [
        (None, None, "zh_CN.UTF-8", "zh"),
        (None, None, "zh_TW.UTF-8", "zh"),
        (None, None, "en_US.UTF-8", "en"),
        ("zh_CN.UTF-8", None, "en_US.UTF-8", "zh"),  # LC_ALL first
        ("C", None, "zh_CN.UTF-8", "en"),
        (None, "zh_CN.GB18030", "en_US.UTF-8", "zh"),  # then LC_MESSAGES
        ("", "", "zh_CN.UTF-8", "zh"),  # set but empty counts as unset
    ],
)
def test_the_language_follows_the_posix_locale(
    dp: Run, lc_all: str | None, lc_messages: str | None, lang: str, expected: str
) -> None:
    env = {"LC_ALL": lc_all, "LC_MESSAGES": lc_messages, "LANG": lang}
    assert header(dp, env) == expected
    assert header(dp, {**env, "DRIVERPARTY_LANG": "en"}) == "en"
    r = dp("--lang", "en", "member", "list", "--limit", "1", env=env)  # type: ignore[arg-type]
    assert "姓名" not in r.stdout


@pytest.mark.parametrize(
    ("langid", "lang", "expected"),
    [
        ("0x0804", None, "zh"),
        ("0x0404", None, "zh"),
        ("0x0409", None, "en"),
        ("0x0804", "en_US.UTF-8", "en"),
    ],
)
def test_without_a_locale_the_windows_display_language_decides(
    repo: Path, langid: str, lang: str | None, expected: str
) -> None:
    """PowerShell and cmd have no $LANG; Git Bash sets one, which then decides."""
    env = sim_env(WINDOWS_SIM_UI_LANGUAGE=langid)
    for var in ("LANG", "LC_ALL", "LC_MESSAGES", "DRIVERPARTY_LANG"):
        env.pop(var, None)
    if lang:
        env["LANG"] = lang
    r = run(["--repo", str(repo), "member", "list", "--limit", "1"], env)
    assert r.returncode == 0, r.stderr
    assert ("姓名" in r.stdout.decode("utf-8")) == (expected == "zh")


def test_without_any_locale_on_linux_the_language_is_english(repo: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES")}
    env.pop("PYTHONPATH", None)  # outside the simulation, whatever the run
    r = run(["--repo", str(repo), "member", "list", "--limit", "1"], env)
    assert r.returncode == 0 and "姓名" not in r.stdout.decode("utf-8")


# --- 9. init: an identity first, branch main ----------------------------------------------------


def no_identity(tmp_path: Path) -> dict[str, str | None]:
    config = tmp_path / "gitconfig"
    config.write_bytes(b"[user]\n\tuseConfigOnly = true\n")  # never guess one from the host
    env: dict[str, str | None] = {"GIT_CONFIG_GLOBAL": str(config), "EMAIL": None}
    for who in ("AUTHOR", "COMMITTER"):
        env[f"GIT_{who}_NAME"] = None
        env[f"GIT_{who}_EMAIL"] = None
    return env


def test_init_without_a_git_identity_creates_nothing_and_says_how(tmp_path: Path) -> None:
    dp = runner_for(tmp_path)
    env = no_identity(tmp_path)
    for target in (tmp_path / "new", tmp_path / "empty"):
        if target.name == "empty":
            target.mkdir()
        r = dp("init", str(target), "--county", "八步区", env=env)  # type: ignore[arg-type]
        assert r.exit_code == 3
        assert "git config --global user.name" in r.stderr and "--author" in r.stderr
        assert len(r.stderr.splitlines()) == 1
        assert not target.exists() if target.name == "new" else list(target.iterdir()) == []
    r = dp(
        "--author",
        "黄主任 <huang@example.org>",
        "init",
        str(tmp_path / "new"),
        "--county",
        "八步区",
        env=env,
    )  # type: ignore[arg-type]  # noqa: E501
    assert r.exit_code == 0, r.stderr
    assert git(tmp_path / "new", "log", "-1", "--format=%an").strip() == "黄主任"


def test_init_makes_main_so_the_readme_remote_takes_the_first_sync(tmp_path: Path) -> None:
    dp = runner_for(tmp_path / "babu")
    assert runner_for(tmp_path)("init", str(tmp_path / "babu"), "--county", "八步区").exit_code == 0
    assert git(tmp_path / "babu", "symbolic-ref", "--short", "HEAD").strip() == "main"
    assert dp(*ADD, "--name", "王师傅").exit_code == 0
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(tmp_path / "babu.git"))
    git(tmp_path / "babu", "remote", "add", "origin", str(tmp_path / "babu.git"))
    r = dp("sync")
    assert r.exit_code == 0, r.stderr
    git(tmp_path, "clone", "-q", str(tmp_path / "babu.git"), str(tmp_path / "other"))
    assert (tmp_path / "other/records/members/M-0001.toml").is_file()


# --- the README's Windows section, walked in a simulated run ------------------------------------


def readme_windows_commands() -> list[str]:
    """The commands of the README's "Windows" section that run driverparty or git, in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n### Windows\n", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in section.split("```powershell\n")[1:]:
        for line in block.split("```", 1)[0].splitlines():
            line = line.removeprefix("PS> ").strip()
            if line.startswith(("driverparty ", "git ", "cd ")):
                commands.append(line)
    return commands


def test_the_readme_windows_section_runs_as_shown_in_a_simulated_windows(tmp_path: Path) -> None:
    commands = readme_windows_commands()
    assert any(c.startswith("driverparty init") for c in commands)
    home = tmp_path / "Documents"
    home.mkdir()
    config = tmp_path / "gitconfig"
    config.write_bytes(b"[core]\n\tautocrlf = true\n")
    env = sim_env(PYTHONIOENCODING="cp936", GIT_CONFIG_GLOBAL=str(config))
    for var in ("LANG", "LC_ALL", "LC_MESSAGES", "DRIVERPARTY_LANG", "DRIVERPARTY_REPO"):
        env.pop(var, None)
    for var in ("NAME", "EMAIL"):  # the README sets the identity itself
        env.pop(f"GIT_AUTHOR_{var}", None)
        env.pop(f"GIT_COMMITTER_{var}", None)
    cwd = home
    outputs = []
    for command in commands:
        if command.startswith("cd "):
            cwd = cwd / command[3:].strip()
            continue
        proc = subprocess.run(
            ["sh", "-c", command.replace("E:\\", f"{tmp_path}/usb/").replace("\\", "/")],
            cwd=cwd,
            env={**env, "HOME": str(tmp_path)},
            capture_output=True,
        )
        assert proc.returncode == 0, (command, proc.stderr.decode("utf-8", "replace"))
        outputs.append(proc.stdout.decode("utf-8"))
    assert any("王建国" in out for out in outputs)  # a listing shown, in Chinese, unbroken
    assert any("姓名" in out for out in outputs)
    assert json.loads(next(o for o in outputs if o.startswith("[")))[0]["name"] == "王建国"
