"""Hostile and careless repositories (issue 9): links out of the repository, ids with `..`,
huge and binary files, invisible characters, a hostile driverparty.toml, repository hooks and
a merge that smuggles an invalid record. Each case is listed in SECURITY.md.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import Run, commit_count, git

OUTSIDE_MEMBER = """id = "M-0999"
name = "外部机密"
occupation = "truck"
stage = "applicant"
"""
ADD = ("member", "add", "--occupation", "truck", "--stage", "applicant")


def one_line_errors(stderr: str) -> list[str]:
    lines = stderr.splitlines()
    assert lines and all(line.startswith("error: ") for line in lines), stderr
    assert "Traceback" not in stderr
    return lines


# --- symbolic links ------------------------------------------------------------------------


@pytest.fixture
def linked_member(repo: Path, tmp_path: Path) -> Path:
    """records/members/M-0999.toml is a link to a valid record outside the repository."""
    outside = tmp_path / "outside.toml"
    outside.write_text(OUTSIDE_MEMBER, encoding="utf-8")
    (repo / "records/members/M-0999.toml").symlink_to(outside)
    return outside


def test_a_symlinked_record_file_is_reported_and_not_read(
    dp: Run, linked_member: Path, repo: Path
) -> None:
    r = dp("member", "list", "--format", "csv")
    assert r.exit_code == 1
    assert "外部机密" not in r.stdout  # not read through the link
    assert "M-0001" in r.stdout  # the others are still listed
    (line,) = one_line_errors(r.stderr)
    assert "records/members/M-0999.toml" in line and "symbolic link" in line
    r = dp("member", "get", "M-0999")
    assert r.exit_code == 1 and "外部机密" not in r.stdout
    assert "symbolic link" in r.stderr
    r = dp("validate")
    assert r.exit_code == 1 and "records/members/M-0999.toml" in r.stdout


def test_a_symlinked_record_file_is_never_written_or_removed(
    dp: Run, linked_member: Path, repo: Path
) -> None:
    before = commit_count(repo)
    r = dp("member", "update", "M-0999", "--notes", "x")
    assert r.exit_code == 1, r.stderr
    r = dp("member", "remove", "M-0999", "--force")
    assert r.exit_code == 1, r.stderr
    one_line_errors(r.stderr)
    assert "symbolic link" in r.stderr
    r = dp(*ADD, "--id", "M-0999", "--name", "覆盖")
    assert r.exit_code == 1, r.stderr
    assert linked_member.read_text(encoding="utf-8") == OUTSIDE_MEMBER
    assert (repo / "records/members/M-0999.toml").is_symlink()
    assert commit_count(repo) == before


def test_a_symlinked_kind_folder_is_neither_read_nor_written(
    dp: Run, repo: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    shutil.move(repo / "records/stations", outside)
    (repo / "records/stations").symlink_to(outside, target_is_directory=True)
    files_before = sorted(os.listdir(outside))
    r = dp("station", "list", "--format", "csv")
    assert r.exit_code == 1
    assert "S-0001" not in r.stdout
    assert "records/stations" in r.stderr and "symbolic link" in r.stderr
    r = dp("station", "get", "S-0001")
    assert r.exit_code == 1 and "symbolic link" in r.stderr
    r = dp("station", "update", "S-0001", "--notes", "x")
    assert r.exit_code == 1
    r = dp("station", "add", "--name", "外面", "--kind", "rest_stop", "--opened", "2026-01-01")
    assert r.exit_code == 1, r.stdout
    assert "symbolic link" in r.stderr
    assert sorted(os.listdir(outside)) == files_before  # nothing written through the link
    assert dp("validate").exit_code == 1


# --- ids and paths with `..` ---------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("member", "get", "../../driverparty"),
        ("member", "get", "../members/M-0001"),
        ("member", "update", "../../x", "--notes", "x"),
        ("member", "remove", "..", "--force"),
        ("member", "history", "../M-0001"),
        ("member", "promote", "/etc/passwd", "--to", "activist"),
        (*ADD, "--id", "../../evil", "--name", "x"),
        (*ADD, "--id", "M-0001/../../x", "--name", "x"),
    ],
)
def test_ids_with_dot_dot_are_usage_errors(dp: Run, repo: Path, args: tuple[str, ...]) -> None:
    before = commit_count(repo)
    r = dp(*args)
    assert r.exit_code == 2, r.output
    assert "bad id" in r.stderr
    assert commit_count(repo) == before


def test_an_id_with_dot_dot_from_the_from_file_or_an_import_row_is_refused(
    dp: Run, repo: Path, tmp_path: Path
) -> None:
    before = commit_count(repo)
    source = tmp_path / "one.json"
    source.write_text(
        '{"id": "../../evil", "name": "x", "occupation": "truck", "stage": "full"}',
        encoding="utf-8",
    )
    r = dp("member", "add", "--from", str(source))
    assert r.exit_code in (1, 2) and "bad id" in r.stderr
    r = dp("import", "member", "-", "--format", "csv", input="id,name\n../../evil,x\n")
    assert r.exit_code == 1
    assert "row 1: id: bad id" in r.stderr
    assert not list(tmp_path.glob("**/evil*")) and not (repo.parent / "evil.toml").exists()
    assert commit_count(repo) == before


# --- huge and binary files -----------------------------------------------------------------


def test_a_file_over_1_mib_is_refused_by_size_without_being_read(dp: Run, repo: Path) -> None:
    big = repo / "records/members/M-0002.toml"
    with big.open("r+b") as fh:  # sparse: 200 MiB that would take a while to read whole
        fh.truncate(200 * 1024 * 1024)
    started = time.monotonic()
    r = dp("member", "get", "M-0002")
    assert r.exit_code == 1
    (line,) = one_line_errors(r.stderr)
    assert "records/members/M-0002.toml" in line and "too large" in line
    r = dp("member", "list", "--format", "csv")
    assert r.exit_code == 1 and "M-0001" in r.stdout
    (line,) = one_line_errors(r.stderr)
    assert "records/members/M-0002.toml" in line and "too large" in line
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 4097, 65536, 100_000])
def test_a_record_file_is_read_whole_up_to_the_limit_and_refused_past_it(
    tmp_path: Path, size: int
) -> None:
    """A record file is read straight from its descriptor (issue 22), every byte of it,
    whatever its size up to the limit; one byte more is refused."""
    from driverparty.tomlio import Unreadable, read_bytes

    data = bytes(range(256)) * (size // 256) + bytes(range(size % 256))
    path = tmp_path / "M-0001.toml"
    path.write_bytes(data)
    assert read_bytes(path) == read_bytes(str(path)) == data
    assert read_bytes(path, limit=size) == data
    with pytest.raises(Unreadable, match="too large"):
        read_bytes(path, limit=size - 1)


def test_a_huge_file_in_history_is_refused_by_size(dp: Run, repo: Path) -> None:
    path = repo / "records/members/M-0002.toml"
    path.write_text(
        path.read_text(encoding="utf-8") + 'notes = "' + "x" * (2 * 1024 * 1024) + '"\n',
        encoding="utf-8",
    )
    git(repo, "commit", "-qam", "a huge hand edit")
    for args in (("member", "history", "M-0002"), ("diff", "HEAD~1"), ("log", "--limit", "3")):
        r = dp(*args)
        assert r.exit_code in (0, 1), r.output[:300]
        assert "x" * 1000 not in r.output, args  # the value was never read, so never shown
        if args[0] != "log":
            assert "too large" in r.stdout


def test_a_from_file_over_1_mib_is_refused(dp: Run, tmp_path: Path) -> None:
    source = tmp_path / "big.toml"
    source.write_text('name = "' + "x" * (2 * 1024 * 1024) + '"\n', encoding="utf-8")
    r = dp(*ADD, "--from", str(source))
    assert r.exit_code == 1
    (line,) = one_line_errors(r.stderr)
    assert "too large" in line


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (("import", "member", "-", "--format", "json"), "[" * 5000 + "]" * 5000),
        (("import", "member", "-", "--format", "jsonl"), "[" * 5000 + "\n"),
        (("import", "member", "-", "--format", "csv"), "name,notes\n王," + "x" * 200_000 + "\n"),
        (("member", "add", "--from", "-"), '{"a":' * 5000 + "1" + "}" * 5000),
    ],
    ids=["deep-json", "deep-jsonl", "huge-csv-cell", "deep-from"],
)
def test_pathological_import_and_from_input_is_one_error_line(
    dp: Run, repo: Path, args: tuple[str, ...], stdin: str
) -> None:
    """What the tool guarantees on every Python: exit 1, `error:` lines only (never a
    traceback or "unexpected"), nothing committed. What refuses 5,000 levels of JSON depends
    on the version (issue 23): up to 3.12 the json module gives up at its recursion limit, and
    that is one line, "nested too deeply"; from 3.13 json parses them, and the value is refused
    as no record — one line when it is no object (`json input must hold objects`, a JSONL line
    cut short), else one line per problem of the record it would make (its required fields
    missing, the unknown key `a`)."""
    before = commit_count(repo)
    r = dp(*args, input=stdin, env={"DRIVERPARTY_DEBUG": None})
    assert r.exit_code == 1
    lines = one_line_errors(r.stderr)
    assert commit_count(repo) == before
    deep = stdin.startswith(("[[", '{"a":{'))
    if not deep or sys.version_info < (3, 13):
        (line,) = lines
        if deep:
            assert "nested too deeply" in line
        return
    if args[0] == "import":
        (line,) = lines
        assert "must hold objects" in line or "not valid JSONL" in line
    else:
        assert lines[-1].endswith("a: unknown field")
        assert {line.rsplit(": ", 2)[-2] for line in lines[:-1]} == {"name", "occupation", "stage"}


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x01\x02binary\xff\xfe",
        b'id = "M-0003"\nname = "\xe7\x8e\x8b\x00"\n',
        b"a = " + b"[" * 5000 + b"]" * 5000 + b"\n",
        b"a = " + b"{b=" * 3000 + b"1" + b"}" * 3000 + b"\n",
    ],
    ids=["binary", "nul", "deep-array", "deep-table"],
)
def test_binary_and_deeply_nested_files_are_problems_not_crashes(
    dp: Run, repo: Path, content: bytes
) -> None:
    (repo / "records/members/M-0003.toml").write_bytes(content)
    r = dp("member", "list", "--format", "csv")
    assert r.exit_code == 1 and "M-0001" in r.stdout
    (line,) = one_line_errors(r.stderr)
    assert line.startswith("error: records/members/M-0003.toml: ")
    assert dp("validate").exit_code == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="Windows has no named pipes in folders")
def test_a_named_pipe_as_a_record_file_does_not_hang(repo: Path) -> None:
    os.mkfifo(repo / "records/members/M-0004.toml.fifo")
    os.unlink(repo / "records/members/M-0004.toml")
    os.rename(repo / "records/members/M-0004.toml.fifo", repo / "records/members/M-0004.toml")
    env = {k: v for k, v in os.environ.items() if k != "DRIVERPARTY_DEBUG"}
    proc = subprocess.run(
        [sys.executable, "-m", "driverparty", "--repo", str(repo), "member", "list"],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        encoding="utf-8",
    )
    assert proc.returncode == 1
    assert "records/members/M-0004.toml: not a regular file" in proc.stderr


# --- invisible and direction-changing characters ------------------------------------------

INVISIBLE = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200b",
    "\u200c",
    "\u200e",
    "\u200f",
    "\ufeff",
    "\u2028",
    "\u00ad",
    "\u0007",
    "\x1b",
]


@pytest.mark.parametrize("char", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_invisible_characters_are_refused_in_a_name(dp: Run, repo: Path, char: str) -> None:
    before = commit_count(repo)
    r = dp(*ADD, "--name", f"王{char}师傅")
    assert r.exit_code == 1
    (line,) = one_line_errors(r.stderr)
    assert ": name: must not contain" in line
    assert commit_count(repo) == before


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((*ADD, "--name", "王", "--employer", "滴\u202e滴"), "employer"),
        ((*ADD, "--name", "王", "--notes", "第一行\n第二\u2066行"), "notes"),
        ((*ADD, "--name", "王", "--home-org", "\u200b"), "home_org"),
        (("branch", "update", "B-0001", "--brand", "红\u202d心"), "brand"),
        (("station", "update", "S-0001", "--address", "路\ufeff口"), "address"),
        (("petition", "update", "P-0001", "--summary", "修\u200f车"), "summary"),
        (("petition", "update", "P-0001", "--submitter", "李\u2067"), "submitter"),
        (("petition", "assign", "P-0034", "--to", "B-0001", "--note", "a\u202eb"), "note"),
    ],
)
def test_invisible_characters_are_refused_in_every_text_field(
    dp: Run, args: tuple[str, ...], field: str
) -> None:
    r = dp(*args)
    assert r.exit_code == 1, r.output
    assert f"{field}: must not contain" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def test_an_invisible_character_in_a_hand_edit_fails_validate_naming_the_field(
    dp: Run, repo: Path
) -> None:
    path = repo / "records/members/M-0001.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('name = "周志强"', 'name = "周\u202e志强"'),
        encoding="utf-8",
    )
    r = dp("validate")
    assert r.exit_code == 1
    assert "records/members/M-0001.toml: name: must not contain" in r.stdout
    assert dp("commit").exit_code == 1


# --- a hostile driverparty.toml ------------------------------------------------------------

HOSTILE_CONFIGS = {
    "huge-county": 'county = "' + "县" * 100_000 + '"\n',
    "county-number": "county = 5\n",
    "county-bidi": 'county = "八\u202e步区"\n',
    "county-table": "[county]\nx = 1\n",
    "code-number": 'county = "x"\ncode = 451102\n',
    "absurd-days": 'county = "x"\n[petitions]\ndue_days = 99999999999999999999\n',
    "float-days": 'county = "x"\n[petitions]\nrespond_days = 1e308\n',
    "nan-days": 'county = "x"\n[screening]\ninterval_days = nan\n',
    "negative": 'county = "x"\n[screening]\ninterval_days = -5\n',
    "bool-days": 'county = "x"\n[petitions]\ndue_days = true\n',
    "standards-string": 'county = "x"\n[standards]\nfive = "water"\n',
    "standards-default-list": 'county = "x"\n[standards]\ndefault = ["five"]\n',
    "standards-path": 'county = "x"\n[standards]\ndefault = "../../etc/passwd"\n',
    "deep": "county = " + "[" * 5000 + "]" * 5000 + "\n",
    "binary": "county = \x00\n",
    "huge-file": 'county = "x"\n# ' + "x" * (2 * 1024 * 1024) + "\n",
}


@pytest.mark.parametrize("text", HOSTILE_CONFIGS.values(), ids=HOSTILE_CONFIGS.keys())
def test_a_hostile_config_is_one_clear_error(dp: Run, repo: Path, text: str) -> None:
    (repo / "driverparty.toml").write_text(text, encoding="utf-8")
    for args in (("summary",), ("member", "list"), (*ADD, "--name", "王")):
        r = dp(*args)
        assert r.exit_code == 1, (args, r.output[:300])
        (line,) = one_line_errors(r.stderr)
        assert line.startswith("error: driverparty.toml: ")
        assert len(line) < 300  # a huge value is not echoed back


def test_a_symlinked_config_is_refused(dp: Run, repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "other.toml"
    outside.write_text('county = "别处"\n', encoding="utf-8")
    (repo / "driverparty.toml").unlink()
    (repo / "driverparty.toml").symlink_to(outside)
    r = dp("summary")
    assert r.exit_code == 1
    assert "driverparty.toml" in r.stderr and "symbolic link" in r.stderr


# --- repository hooks ---------------------------------------------------------------------


def test_the_repositorys_own_hooks_never_run_for_the_tools_commits(
    dp: Run, repo: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "hook-ran"
    hooks = repo / ".git/hooks"
    for name in ("pre-commit", "commit-msg", "prepare-commit-msg", "post-commit"):
        hook = hooks / name
        hook.write_text(f"#!/bin/sh\necho {name} >> '{marker}'\nexit 1\n", encoding="utf-8")
        hook.chmod(0o755)
    git(repo, "config", "core.hooksPath", str(hooks))  # even when the config points at them
    fsmonitor = tmp_path / "fsmonitor"  # git runs core.fsmonitor as a program on status
    fsmonitor.write_text(f"#!/bin/sh\necho fsmonitor >> '{marker}'\nexit 1\n", encoding="utf-8")
    fsmonitor.chmod(0o755)
    git(repo, "config", "core.fsmonitor", str(fsmonitor))
    r = dp(*ADD, "--name", "王")
    assert r.exit_code == 0, r.stderr
    r = dp("member", "promote", r.stdout.strip(), "--to", "activist")
    assert r.exit_code == 0, r.stderr
    assert dp("status").exit_code == 0 and dp("validate").exit_code == 0
    assert not marker.exists(), marker.read_text(encoding="utf-8")


# --- a merge that smuggles an invalid record ----------------------------------------------


def test_a_merged_invalid_record_is_caught_by_validate_commit_and_the_hook(
    dp: Run, repo: Path
) -> None:
    git(repo, "checkout", "-q", "-b", "side")
    path = repo / "records/members/M-0001.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('phone = "18313693569"', 'phone = "12345"'),
        encoding="utf-8",
    )
    git(repo, "commit", "-q", "--no-verify", "-am", "sneaky")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-edit", "side")
    r = dp("member", "list")
    assert r.exit_code == 1
    assert "records/members/M-0001.toml: phone: not a mainland mobile number" in r.stderr
    r = dp("validate")
    assert r.exit_code == 1
    assert "records/members/M-0001.toml: phone: not a mainland mobile number" in r.stdout
    # a hand fix that is still wrong is refused by `commit` and by the installed hook
    path.write_text(
        path.read_text(encoding="utf-8").replace('phone = "12345"', 'phone = "1234"'),
        encoding="utf-8",
    )
    assert dp("commit").exit_code == 1
    assert dp("install-hook").exit_code == 0
    git(repo, "add", "records/members/M-0001.toml")
    proc = subprocess.run(["git", "commit", "-qm", "fix?"], cwd=repo, capture_output=True)
    assert proc.returncode != 0
    assert b"phone: not a mainland mobile number" in proc.stdout + proc.stderr


# --- a cache planted in a copied .git ------------------------------------------------------


def test_a_cache_copied_in_from_elsewhere_cannot_hide_an_invalid_record(
    dp: Run, repo: Path, tmp_path: Path
) -> None:
    import sqlite3

    assert dp("validate").exit_code == 0  # the cache now vouches for every record
    path = repo / "records/members/M-0001.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('phone = "18313693569"', 'phone = "12345"'),
        encoding="utf-8",
    )
    git(repo, "commit", "-qam", "hand edit, invalid")
    blob = git(repo, "rev-parse", "HEAD:records/members/M-0001.toml").strip()
    cache = repo / ".git/driverparty/cache.sqlite"
    db = sqlite3.connect(cache)
    db.execute(
        "UPDATE records_member SET _blob = ? WHERE _path = 'records/members/M-0001.toml'", (blob,)
    )
    db.execute(  # and vouch that the table holds the listing git has now
        "UPDATE synced SET listing = ? WHERE kind = 'member'",
        (
            hashlib.sha1(
                git(repo, "ls-files", "-s", "-z", "--", "records/members/").encode()
            ).hexdigest(),
        ),
    )
    db.commit()
    db.close()
    # the doctored cache arrives with a copied repository: a new file, not the one built here
    shutil.copy(cache, tmp_path / "planted")  # (made before the old file is freed: a freed
    os.replace(tmp_path / "planted", cache)  # inode number is often handed out again at once)
    r = dp("member", "list")
    assert r.exit_code == 1
    assert "records/members/M-0001.toml: phone: not a mainland mobile number" in r.stderr
    r = dp("validate")
    assert r.exit_code == 1
    assert "records/members/M-0001.toml: phone: not a mainland mobile number" in r.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="Windows has no named pipes in folders")
def test_output_to_a_device_or_named_pipe_writes_into_it_not_over_it(
    dp: Run, repo: Path, tmp_path: Path
) -> None:
    """`--output /dev/null` renamed a file over /dev/null: run as root (CI), the device became
    a plain file, and every later `2>/dev/null` and GIT_CONFIG_GLOBAL=/dev/null read junk
    (issue 23). A named pipe stands for the device here: it is written into and stays one."""
    import stat
    import threading

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(pipe.read_bytes()))
    reader.start()
    r = dp("report", "html", "--output", str(pipe))
    reader.join(timeout=60)
    assert r.exit_code == 0, r.output
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    assert got and got[0].lstrip().lower().startswith(b"<!doctype html")
