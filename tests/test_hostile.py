"""Hostile input, round 2 (issue 16): ids that end in a newline, look-alike names, the tool's
own files planted as symbolic links, escape sequences bound for the terminal, a forged
``Driverparty-Action`` trailer, and ``status`` agreeing with ``commit``. Each case is listed
in SECURITY.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Run, commit_count

ADD = ("member", "add", "--occupation", "truck", "--stage", "applicant")


def one_line_errors(stderr: str) -> list[str]:
    lines = stderr.splitlines()
    assert lines and all(line.startswith(("error: ", "note: ")) for line in lines), stderr
    assert "Traceback" not in stderr and "unexpected" not in stderr, stderr
    return lines


# --- 16.13: an id is matched whole: a trailing newline is not part of a valid id ------------


@pytest.mark.parametrize(
    "args",
    [
        ("member", "get", "M-0001\n"),
        ("member", "update", "M-0001\n", "--notes", "x"),
        ("member", "remove", "M-0001\n", "--force"),
        ("member", "history", "M-0001\n"),
        ("member", "promote", "M-0001\n", "--to", "full"),
        ("petition", "assign", "P-0034\n", "--to", "B-0001"),
        (*ADD, "--id", "M-0099\n", "--name", "x"),
    ],
)
def test_an_id_ending_in_a_newline_is_a_bad_id(dp: Run, repo: Path, args: tuple[str, ...]) -> None:
    before = commit_count(repo)
    r = dp(*args)
    assert r.exit_code == 2, r.output
    assert "bad id" in r.stderr
    assert commit_count(repo) == before
    assert not [p for p in (repo / "records/members").iterdir() if "\n" in p.name]


def test_an_id_ending_in_a_newline_from_a_file_or_an_import_row_is_refused(
    dp: Run, repo: Path, tmp_path: Path
) -> None:
    before = commit_count(repo)
    source = tmp_path / "one.json"
    record = {"id": "M-0099\n", "name": "x", "occupation": "truck", "stage": "applicant"}
    source.write_text(json.dumps(record))
    r = dp("member", "add", "--from", str(source))
    assert r.exit_code in (1, 2) and "bad id" in r.stderr, r.output
    r = dp("import", "member", "-", "--format", "json", input=json.dumps([record]))
    assert r.exit_code == 1, r.output
    assert "row 1: id: bad id" in r.stderr
    assert commit_count(repo) == before
    assert not [p for p in (repo / "records/members").iterdir() if "\n" in p.name]


def test_a_file_whose_name_ends_in_a_newline_is_not_a_record(dp: Run, repo: Path) -> None:
    text = (repo / "records/members/M-0060.toml").read_text().replace("M-0060", "M-0099")
    (repo / "records/members/M-0099\n.toml").write_text(text)
    r = dp("validate")
    assert r.exit_code == 1
    assert "file name is not a valid id" in r.stdout
