"""Nothing leaked (issue 16): errors never echo a phone or an ID number in clear, numbers
inside free text are masked like the fields themselves, and nothing bound for a terminal can
steer it. Each case is listed in SECURITY.md.
"""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from driverparty.models.types import id_number_check_char
from tests.conftest import Run, git

PHONE = "13812345678"
PHONE_MASKED = "138****5678"
ID17 = "45110219850317123"
ID_NUMBER = ID17 + id_number_check_char(ID17)
ID_MASKED = ID_NUMBER[:6] + "********" + ID_NUMBER[-4:]


def no_clear_numbers(text: str, where: object) -> None:
    for secret in (PHONE, ID_NUMBER, PHONE[:-1], ID_NUMBER[:-1]):
        assert secret not in text, (where, secret, text[-800:])


# --- 16.8: errors never echo a phone or an ID number in clear ------------------------------

PETITION = ("petition", "add", "--received", "2026-06-01", "--channel", "hotline")
PETITION += ("--category", "repair", "--summary", "x")


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        ((*PETITION, "--member", PHONE), f"no member {PHONE_MASKED}"),
        ((*PETITION, "--member", ID_NUMBER), f"no member {ID_MASKED}"),
        ((*PETITION, "--station", PHONE[:-1]), "no station 138*****67"),
        (("branch", "update", "B-0001", "--secretary", PHONE), f"no member {PHONE_MASKED}"),
        (("member", "transfer", "M-0001", "--to", PHONE), f"no branch {PHONE_MASKED}"),
        (("member", "get", PHONE), f"no member {PHONE_MASKED}"),
        (("member", "update", ID_NUMBER, "--notes", "x"), f"no member {ID_MASKED}"),
        (("petition", "close", "P-0001", "--satisfaction", PHONE), PHONE_MASKED),
        (("member", "promote", "M-0001", "--to", PHONE), PHONE_MASKED),
    ],
    ids=[
        "member-phone",
        "member-id-number",
        "station-short-phone",
        "secretary",
        "transfer-to",
        "get",
        "update",
        "click-range",
        "click-choice",
    ],
)
def test_errors_never_echo_a_phone_or_id_number(dp: Run, args: tuple[str, ...], shown: str) -> None:
    r = dp(*args)
    assert r.exit_code in (1, 2), r.output
    assert shown in r.stderr, r.stderr
    assert all(line.startswith("error: ") for line in r.stderr.splitlines()), r.stderr
    no_clear_numbers(r.output, args)


def test_import_rows_and_hand_edits_never_echo_numbers(dp: Run, repo: Path) -> None:
    rows = f"name,occupation,stage,branch\n甲,truck,applicant,{PHONE}\n"
    r = dp("import", "member", "-", input=rows)
    assert r.exit_code == 1
    assert f"row 1: branch: no branch {PHONE_MASKED}" in r.stderr
    no_clear_numbers(r.output, "import")
    m3 = repo / "records/members/M-0003.toml"
    m3.write_text(m3.read_text(encoding="utf-8") + f'station = "{ID_NUMBER}"\n', encoding="utf-8")
    (repo / f"records/members/{PHONE}.toml").write_text("name = 1\n", encoding="utf-8")
    for args in (("validate",), ("status",), ("commit",), ("member", "list")):
        for fmt in ((), ("--format", "csv"), ("--format", "json")):
            if args[0] == "commit" and fmt:
                continue
            r = dp(*args, *fmt)
            assert r.exit_code == 1, (args, r.output)
            no_clear_numbers(r.output, args)
    assert f"no station {ID_MASKED}" in dp("validate").stdout
    assert PHONE_MASKED in dp("status").stdout


# --- 16.17: phone and ID numbers inside free text are masked like the fields ---------------

SUMMARY = f"联系电话{PHONE},身份证{ID_NUMBER}"


@pytest.fixture
def texts(dp: Run, repo: Path) -> Run:
    """P-0001 whose summary, resolution and event notes hold a phone and an ID number."""
    assert dp("petition", "update", "P-0034", "--summary", SUMMARY).exit_code == 0
    assert dp("petition", "assign", "P-0034", "--to", "B-0001", "--note", SUMMARY).exit_code == 0
    assert dp("petition", "resolve", "P-0034", "--note", "已回电 +86 138-1234-5678").exit_code == 0
    assert dp("member", "update", "M-0001", "--notes", f"备用 {PHONE}").exit_code == 0
    assert dp("branch", "update", "B-0002", "--name", f"货运党支部 {PHONE}").exit_code == 0
    return dp


OUTPUTS = [
    ("petition", "list"),
    ("petition", "list", "--format", "json"),
    ("petition", "list", "--format", "jsonl"),
    ("petition", "list", "--format", "csv"),
    ("petition", "list", "--format", "tsv"),
    ("member", "list", "--format", "csv", "--fields", "id,notes"),
    ("petition", "get", "P-0034"),
    ("petition", "get", "P-0034", "--format", "json"),
    ("petition", "history", "P-0034"),
    ("petition", "history", "P-0034", "--format", "json"),
    ("member", "history", "M-0001", "--format", "csv"),
    ("diff", "HEAD~4"),
    ("diff", "HEAD~4", "--format", "json"),
    ("report", "html"),
]


@pytest.mark.parametrize("args", OUTPUTS, ids=[" ".join(a) for a in OUTPUTS])
def test_numbers_in_free_text_are_masked_in_every_output(texts: Run, args: tuple[str, ...]) -> None:
    r = texts(*args)
    assert r.exit_code == 0, r.stderr
    no_clear_numbers(r.stdout, args)
    assert PHONE_MASKED in r.stdout or "138-****-5678" in r.stdout, args
    if "json" in args:  # still json, with the masked text
        json.loads(r.stdout) if "jsonl" not in args else None
    r = texts(*args, "--reveal")
    assert r.exit_code == 0, r.stderr
    assert PHONE in r.stdout or "138-1234-5678" in r.stdout, args


def test_masking_in_text_leaves_numbers_alone(dp: Run) -> None:
    assert dp("station", "update", "S-0001", "--lat", "24.13812345678").exit_code == 0
    for args in (("get", "S-0001", "--format", "json"), ("list", "--format", "json")):
        r = dp("station", *args)
        data = json.loads(r.stdout)
        first = data if isinstance(data, dict) else data[0]
        assert first["lat"] == 24.13812345678, args  # decimals are not a phone


# --- 16.12: nothing bound for a terminal can steer it --------------------------------------

ESC = "\x1b[2J\x1b]0;pwned\x07"
BIDI = "\u202e"


@pytest.fixture
def hostile_history(dp: Run, repo: Path) -> Path:
    """A hand commit by an author whose name holds escape sequences, with a bidi override in
    its subject, changing a name to one holding an escape sequence."""
    m1 = repo / "records/members/M-0001.toml"
    m1.write_text(
        m1.read_text(encoding="utf-8").replace('name = "周志强"', 'name = "周\\u001b[31m志强"'),
        encoding="utf-8",
    )
    env = {**os.environ, "GIT_AUTHOR_NAME": f"黄{ESC}主任"}
    subprocess.run(["git", "commit", "-qam", f"fix {BIDI}gnp.exe"], cwd=repo, env=env, check=True)
    return repo


def raw_controls(text: str) -> list[str]:
    return [ch for ch in text if ch in "\x1b\x07\u202e\x9b"]


@pytest.mark.parametrize(
    "args",
    [("log", "--limit", "3"), ("member", "history", "M-0001"), ("diff", "HEAD~1")],
    ids=["log", "history", "diff"],
)
def test_tables_show_control_characters_escaped(
    hostile_history: Path, dp: Run, args: tuple[str, ...]
) -> None:
    r = dp(*args)
    assert r.exit_code == 0, r.stderr
    assert raw_controls(r.stdout) == []
    assert "\\x1b" in r.stdout


def test_json_escapes_them_and_keeps_the_data(hostile_history: Path, dp: Run) -> None:
    r = dp("log", "--limit", "1", "--format", "json")
    assert raw_controls(r.stdout) == []
    (row,) = json.loads(r.stdout)
    author = git(hostile_history, "log", "-1", "--format=%an").strip()
    assert row["author"] == author and row["subject"] == f"fix {BIDI}gnp.exe"


def test_csv_to_a_file_keeps_the_data(hostile_history: Path, dp: Run) -> None:
    r = dp("log", "--limit", "1", "--format", "csv")
    author = git(hostile_history, "log", "-1", "--format=%an").strip()
    assert "\x1b" in author and f",{author}," in r.stdout  # a file or a pipe: what git holds


def on_a_terminal(repo: Path, *args: str) -> str:
    """What driverparty writes to a terminal (a pseudo-terminal as its stdout)."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "DRIVERPARTY_DEBUG"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "driverparty", "--repo", str(repo), *args],
        stdout=slave,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(slave)
    out = b""
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=30)
    os.close(master)
    return out.decode("utf-8", "replace")


@pytest.mark.parametrize(
    "args",
    [
        ("log", "--limit", "1", "--format", "csv"),
        ("log", "--limit", "1", "--format", "tsv"),
        ("member", "get", "M-0001"),
    ],
    ids=["csv", "tsv", "get"],
)
def test_every_format_is_escaped_on_a_terminal(
    hostile_history: Path, args: tuple[str, ...]
) -> None:
    out = on_a_terminal(hostile_history, *args)
    assert "M-0001" in out or "主任" in out, out
    assert raw_controls(out) == [], out


def test_file_names_in_validate_and_status_are_escaped(dp: Run, repo: Path) -> None:
    text = (repo / "records/members/M-0060.toml").read_text(encoding="utf-8")
    (repo / f"records/members/M-0099{ESC}.toml").write_text(text, encoding="utf-8")
    (repo / f"records/members/{BIDI}lmth.toml").write_text(text, encoding="utf-8")
    for args in (("validate",), ("status",), ("member", "list")):
        r = dp(*args)
        assert r.exit_code == 1, (args, r.output)
        assert raw_controls(r.output) == [], (args, r.output)
        assert "\\x1b" in r.output or "\\u202e" in r.output, (args, r.output)


def test_error_lines_are_one_line_and_escaped(dp: Run, repo: Path) -> None:
    text = (
        (repo / "records/members/M-0060.toml")
        .read_text(encoding="utf-8")
        .replace("M-0060", "M-0099")
    )
    (repo / "records/members/M-0099\n.toml").write_text(text, encoding="utf-8")
    r = dp("member", "list")
    errors = r.stderr.splitlines()
    assert errors and all(line.startswith("error: ") for line in errors), r.stderr
    assert "M-0099\\x0a" in r.stderr
