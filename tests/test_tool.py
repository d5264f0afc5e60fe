"""The command line as a tool: shell completion in a real bash, progress only on a terminal."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Run, commit_count

BIN = Path(sys.executable).parent
DRIVERPARTY = str(BIN / "driverparty")


def complete_in_bash(repo: Path, dp: Run, line: str) -> list[str]:
    """What bash offers for ``line`` (the cursor at its end) with the script `completion bash`
    prints loaded, as a user who installed it as the README says would see it."""
    script = dp("completion", "bash").stdout
    words = line.split(" ")
    program = f"""
{script}
COMP_WORDS=({" ".join(f"'{w}'" for w in words)})
COMP_CWORD={len(words) - 1}
_driverparty_completion driverparty
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}
    out = subprocess.run(
        ["bash", "--norc", "-c", program],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert out.returncode == 0, out.stderr
    return [w for w in out.stdout.splitlines() if w]


@pytest.mark.parametrize(
    ("line", "offered"),
    [
        ("driverparty mem", ["member"]),
        ("driverparty report sc", ["screening"]),
        ("driverparty member list --lim", ["--limit"]),
        (
            "driverparty member add --stage ",
            ["applicant", "activist", "candidate", "probationary", "full"],
        ),
        ("driverparty petition list --format j", ["json", "jsonl"]),
        ("driverparty member get M-000", [f"M-000{n}" for n in range(1, 10)]),
        ("driverparty member update M-006", ["M-0060"]),
        ("driverparty branch history B-", [f"B-000{n}" for n in range(1, 8)]),
        ("driverparty petition resolve P-004", ["P-0040"]),
    ],
)
def test_bash_completes_commands_options_enum_values_and_record_ids(
    repo: Path, dp: Run, line: str, offered: list[str]
) -> None:
    assert complete_in_bash(repo, dp, line) == offered


def test_completion_offers_nothing_outside_a_repository_rather_than_failing(
    tmp_path: Path, dp: Run
) -> None:
    assert complete_in_bash(tmp_path, dp, "driverparty member get M-") == []


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("zsh", "#compdef driverparty"),
        ("fish", "complete --no-files --command driverparty"),
    ],
)
def test_zsh_and_fish_scripts_call_back_into_driverparty(dp: Run, shell: str, marker: str) -> None:
    r = dp("completion", shell)
    assert r.exit_code == 0
    assert marker in r.stdout
    assert f"_DRIVERPARTY_COMPLETE={shell}_complete" in r.stdout


def test_an_unknown_shell_is_a_usage_error(dp: Run) -> None:
    assert dp("completion", "tcsh").exit_code == 2


def many_members(n: int) -> str:
    rows = [f"覃{i},male,truck,applicant,2026-05-01,139{i:08d}" for i in range(n)]
    return "name,gender,occupation,stage,applied_on,phone\n" + "\n".join(rows) + "\n"


def run_with_stderr_on_a_terminal(
    args: list[str], repo: Path, stdin: bytes
) -> tuple[int, bytes, bytes]:
    """Run with stderr on a pseudo-terminal and stdout on a pipe; (exit, stdout, terminal)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [DRIVERPARTY, "--repo", str(repo), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    out, _ = proc.communicate(stdin)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed: everything is read
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    return proc.returncode, out, seen


def test_progress_shows_on_a_terminal_and_never_in_a_pipe(repo: Path, tmp_path: Path) -> None:
    rows = many_members(1200).encode()
    code, out, terminal = run_with_stderr_on_a_terminal(["import", "member", "-"], repo, rows)
    assert code == 0
    assert out == b"added 1200, updated 0\n"  # stdout stays clean for pipelines
    assert b"checking members " in terminal and b"/1200" in terminal
    assert terminal.endswith(b"\r\x1b[K")  # the line is cleared when done

    other = tmp_path / "piped"
    shutil.copytree(repo, other, symlinks=True)
    (other / ".git/driverparty/cache.sqlite").unlink()  # validate must parse every file
    piped = subprocess.run([DRIVERPARTY, "--repo", str(other), "validate"], capture_output=True)
    assert (piped.returncode, piped.stderr) == (0, b"ok: every record is valid\n")
    code, _, terminal = run_with_stderr_on_a_terminal(["validate"], repo, b"")
    assert code == 0
    assert b"reading members " in terminal
    assert commit_count(repo) == commit_count(other)
