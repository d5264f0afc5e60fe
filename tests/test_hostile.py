"""Hostile input, round 2 (issue 16): ids that end in a newline, look-alike names, the tool's
own files planted as symbolic links, escape sequences bound for the terminal, a forged
``Driverparty-Action`` trailer, and ``status`` agreeing with ``commit``. Each case is listed
in SECURITY.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Run, commit_count, git

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
    source.write_text(json.dumps(record), encoding="utf-8")
    r = dp("member", "add", "--from", str(source))
    assert r.exit_code in (1, 2) and "bad id" in r.stderr, r.output
    r = dp("import", "member", "-", "--format", "json", input=json.dumps([record]))
    assert r.exit_code == 1, r.output
    assert "row 1: id: bad id" in r.stderr
    assert commit_count(repo) == before
    assert not [p for p in (repo / "records/members").iterdir() if "\n" in p.name]


def test_a_file_whose_name_ends_in_a_newline_is_not_a_record(dp: Run, repo: Path) -> None:
    text = (
        (repo / "records/members/M-0060.toml")
        .read_text(encoding="utf-8")
        .replace("M-0060", "M-0099")
    )
    (repo / "records/members/M-0099\n.toml").write_text(text, encoding="utf-8")
    r = dp("validate")
    assert r.exit_code == 1
    assert "file name is not a valid id" in r.stdout


# --- 16.3: the tool's own files are never written through a symbolic link -----------------

PRECIOUS = b"someone else's file\n"


@pytest.fixture
def precious(tmp_path: Path) -> Path:
    """A file outside the repository that a planted link points at."""
    target = tmp_path / "precious"
    target.write_bytes(PRECIOUS)
    target.chmod(0o644)
    return target


def untouched(target: Path) -> bool:
    return target.read_bytes() == PRECIOUS and target.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize(
    "name", ["cache.sqlite", "cache.sqlite-wal", "cache.sqlite-shm", "removed-ids.json"]
)
def test_a_linked_cache_or_id_mark_is_not_used_and_not_written(
    dp: Run, repo: Path, precious: Path, name: str
) -> None:
    folder = repo / ".git/driverparty"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("cache.sqlite*"):
        old.unlink()
    (folder / name).symlink_to(precious)
    for args in (("member", "list"), ("validate",), (*ADD, "--name", "新人"), ("summary",)):
        r = dp(*args)
        assert r.exit_code == 0, (args, r.stderr)
        assert untouched(precious), args
    assert (folder / name).is_symlink()  # left as it is, for the clerk to look at


def test_a_linked_write_lock_or_journal_refuses_every_write(
    dp: Run, repo: Path, precious: Path, tmp_path: Path
) -> None:
    folder = repo / ".git/driverparty"
    folder.mkdir(exist_ok=True)
    (folder / "write.lock").symlink_to(precious)
    before = commit_count(repo)
    r = dp(*ADD, "--name", "新人")
    assert r.exit_code == 3, r.output
    (line,) = one_line_errors(r.stderr)
    assert "write.lock" in line and "symbolic link" in line
    (folder / "write.lock").unlink()
    (folder / "write.lock").symlink_to(tmp_path / "nowhere")  # a dangling link: not created
    assert dp(*ADD, "--name", "新人").exit_code == 3
    assert not (tmp_path / "nowhere").exists()
    (folder / "write.lock").unlink()
    (folder / "journal.json").symlink_to(tmp_path / "nowhere")
    r = dp("import", "member", "-", input="name,occupation,stage\n甲,truck,full\n")
    assert r.exit_code == 3, r.output
    assert "journal.json" in r.stderr and "symbolic link" in r.stderr
    assert not (tmp_path / "nowhere").exists()
    assert untouched(precious) and commit_count(repo) == before
    assert git(repo, "status", "--porcelain") == ""


def test_a_linked_tool_folder_is_not_written_into(dp: Run, repo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    folder = repo / ".git/driverparty"
    if folder.exists():
        for f in folder.iterdir():
            f.unlink()
        folder.rmdir()
    folder.symlink_to(elsewhere, target_is_directory=True)
    assert dp("member", "list").exit_code == 0  # reads need no cache
    r = dp(*ADD, "--name", "新人")
    assert r.exit_code == 3 and "symbolic link" in r.stderr
    assert list(elsewhere.iterdir()) == []


def test_install_hook_never_writes_through_a_link(dp: Run, repo: Path, precious: Path) -> None:
    hook = repo / ".git/hooks/pre-commit"
    hook.parent.mkdir(exist_ok=True)
    hook.symlink_to(precious)
    r = dp("install-hook", "--force")
    assert r.exit_code == 3, r.output
    assert "pre-commit" in r.stderr and "symbolic link" in r.stderr
    assert untouched(precious)  # not overwritten, not made executable
    hook.unlink()
    attributes = repo / ".git/info/attributes"
    attributes.parent.mkdir(exist_ok=True)
    attributes.unlink(missing_ok=True)
    attributes.symlink_to(precious)
    r = dp("install-hook")
    assert r.exit_code == 3, r.output
    assert "attributes" in r.stderr and "symbolic link" in r.stderr
    assert untouched(precious)


def test_init_never_writes_through_a_link(dpe: Run, tmp_path: Path, precious: Path) -> None:
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / ".gitignore").symlink_to(tmp_path / "planted")  # dangling: would be created
    r = dpe("init", str(folder), "--county", "八步区")
    assert r.exit_code == 3, r.output
    assert ".gitignore" in r.stderr and "symbolic link" in r.stderr
    assert not (tmp_path / "planted").exists()
    assert not (folder / "driverparty.toml").exists()  # refused before anything was made
    (folder / ".gitignore").unlink()
    (folder / "driverparty.toml").symlink_to(tmp_path / "planted")
    assert dpe("init", str(folder), "--county", "八步区").exit_code == 3
    assert not (tmp_path / "planted").exists()
    (folder / "driverparty.toml").unlink()
    (folder / "driverparty.toml").symlink_to(precious)  # an existing file: already one
    assert dpe("init", str(folder), "--county", "八步区").exit_code == 1
    assert untouched(precious)


def test_report_html_never_writes_through_a_link(dp: Run, tmp_path: Path, precious: Path) -> None:
    out = tmp_path / "report.html"
    out.symlink_to(precious)
    r = dp("report", "html", "--output", str(out))
    assert r.exit_code == 3, r.output
    (line,) = one_line_errors(r.stderr)
    assert "report.html" in line and "symbolic link" in line
    assert untouched(precious) and out.is_symlink()


def test_sync_never_writes_its_index_through_a_link(
    tmp_path: Path, sample_template: Path, precious: Path
) -> None:
    import shutil

    from tests.conftest import runner_for

    remote = tmp_path / "usb.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(sample_template, a, symlinks=True)
    git(a, "remote", "add", "origin", str(remote))
    git(a, "push", "-q", "origin", "main")
    git(tmp_path, "clone", "-q", str(remote), str(b))
    da, db = runner_for(a), runner_for(b)
    assert da("member", "update", "M-0007", "--employer", "万顺叫车").exit_code == 0
    assert da("sync").exit_code == 0
    assert db("station", "update", "S-0010", "--hours", "24h").exit_code == 0  # a merge
    (b / ".git/driverparty/plumbing-index").symlink_to(precious)
    head = git(b, "rev-parse", "HEAD")
    r = db("sync")
    assert r.exit_code == 3, r.output
    assert "plumbing-index" in r.stderr and "symbolic link" in r.stderr
    assert untouched(precious)
    assert git(b, "rev-parse", "HEAD") == head


# --- 16.14: look-alike names: text is NFC, names hold no invisible joiners ----------------

BRANCH = ("branch", "add", "--kind", "branch", "--founded", "2024-01-01")


def test_a_decomposed_name_is_the_same_name(dp: Run, repo: Path) -> None:
    composed, decomposed = "Café党支部", "Cafe\u0301党支部"
    assert composed != decomposed
    r = dp(*BRANCH, "--name", composed)
    assert r.exit_code == 0, r.stderr
    before = commit_count(repo)
    r = dp(*BRANCH, "--name", decomposed)
    assert r.exit_code == 1, r.output
    assert "name: the same name is also used by B-0008" in r.stderr
    assert commit_count(repo) == before
    # stored composed, whatever was typed
    r = dp(*ADD, "--name", "Jose\u0301")
    assert r.exit_code == 0, r.stderr
    assert 'name = "José"' in (repo / f"records/members/{r.stdout.strip()}.toml").read_text(
        encoding="utf-8"
    )


def test_a_hand_edited_decomposed_duplicate_fails_validate(dp: Run, repo: Path) -> None:
    assert dp(*BRANCH, "--name", "Café党支部").exit_code == 0
    text = (repo / "records/branches/B-0008.toml").read_text(encoding="utf-8")
    (repo / "records/branches/B-0009.toml").write_text(
        text.replace("B-0008", "B-0009").replace("Café", "Cafe\u0301"), encoding="utf-8"
    )
    r = dp("validate")
    assert r.exit_code == 1
    assert "records/branches/B-0009.toml: name: the same name is also used by B-0008" in r.stdout


@pytest.mark.parametrize("char", ["\u200d", "\u3164", "\u115f", "\uffa0", "\u034f"])
def test_names_refuse_invisible_joiners_and_fillers(dp: Run, repo: Path, char: str) -> None:
    name = dp("branch", "get", "B-0002").stdout.split('name = "')[1].split('"')[0]
    before = commit_count(repo)
    for args in ((*BRANCH, "--name", name + char), (*ADD, "--name", "王" + char + "师傅")):
        r = dp(*args)
        assert r.exit_code == 1, (args, r.output)
        (line,) = one_line_errors(r.stderr)
        assert ": name: must not contain" in line and f"U+{ord(char):04X}" in line
    assert commit_count(repo) == before
    # an emoji sequence stays welcome where a name is not asked for
    r = dp("member", "update", "M-0001", "--notes", "👨\u200d👩\u200d👧 一家")
    assert r.exit_code == 0, r.stderr


# --- 16.16: log shows what git saw when a hand commit's trailer says otherwise ------------


def test_log_does_not_believe_a_forged_action_trailer(dp: Run, repo: Path) -> None:
    (repo / "records/members/M-0060.toml").unlink()
    forged = (
        "member promote M-0060\n\nDriverparty-Action: promote\nDriverparty-Record: members/M-0060\n"
    )
    git(repo, "commit", "-qam", forged)
    r = dp("log", "--limit", "1", "--format", "json")
    (row,) = json.loads(r.stdout)
    assert row["id"] == "M-0060" and row["action"] == "remove"  # what git saw
    r = dp("member", "history", "M-0060", "--format", "json")
    assert json.loads(r.stdout)[-1]["action"] == "remove"
    # a real promote, and a trailer that agrees with git, are shown as they say
    assert dp("member", "promote", "M-0059", "--to", "full", "--on", "2026-06-30").exit_code in (
        0,
        1,
    )
    text = (repo / "records/members/M-0001.toml").read_text(encoding="utf-8")
    (repo / "records/members/M-0001.toml").write_text(
        text.replace("周志强", "周志刚"), encoding="utf-8"
    )
    git(repo, "commit", "-qam", "member update M-0001\n\nDriverparty-Action: update\n")
    (row,) = json.loads(dp("log", "--limit", "1", "--format", "json").stdout)
    assert row["action"] == "update"
    (repo / "records/members/M-0099.toml").write_text(
        text.replace("M-0001", "M-0099"), encoding="utf-8"
    )
    git(repo, "add", "records/members/M-0099.toml")
    git(repo, "commit", "-qm", "member verify M-0099\n\nDriverparty-Action: verify\n")
    (row,) = json.loads(dp("log", "--limit", "1", "--format", "json").stdout)
    assert row["action"] == "add"


# --- 16.18: status runs the checks commit runs, so the two never disagree ------------------


def test_status_finds_what_commit_refuses(dp: Run, repo: Path) -> None:
    m3 = repo / "records/members/M-0003.toml"
    original = m3.read_text(encoding="utf-8")
    phone = '\nphone = "18313693569"\n'  # M-0001's
    assert phone in (repo / "records/members/M-0001.toml").read_text(encoding="utf-8")
    m3.write_text(original.replace('\noccupation = "', phone + 'occupation = "'), encoding="utf-8")
    r = dp("status", "--format", "csv")
    assert r.exit_code == 1, r.output
    rows = r.stdout.splitlines()
    assert (
        "records/members/M-0003.toml,modified,"
        "phone: the same phone number is also used by M-0001" in rows
    )
    assert (
        "records/members/M-0001.toml,unchanged,"
        "phone: the same phone number is also used by M-0003" in rows
    )
    assert dp("commit").exit_code == 1
    # a removal that leaves references dangling: both say so
    m3.write_text(original, encoding="utf-8")
    assert dp("status").exit_code == 0 and dp("commit", "-m", "x").exit_code == 0
    (repo / "records/branches/B-0001.toml").unlink()
    r = dp("status")
    assert r.exit_code == 1 and "no branch B-0001" in r.stdout
    assert dp("commit").exit_code == 1


def test_a_sync_fast_forward_never_writes_through_a_link(
    tmp_path: Path, sample_template: Path, precious: Path
) -> None:
    import shutil

    from tests.conftest import runner_for

    remote = tmp_path / "usb.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(sample_template, a, symlinks=True)
    git(a, "remote", "add", "origin", str(remote))
    git(a, "push", "-q", "origin", "main")
    git(tmp_path, "clone", "-q", str(remote), str(b))
    da, db = runner_for(a), runner_for(b)
    assert da("member", "update", "M-0007", "--employer", "万顺叫车").exit_code == 0
    assert da("sync").exit_code == 0
    for name in ("sync-update-index", "sync-pending.tmp"):  # b fast-forwards through them
        (b / ".git/driverparty").mkdir(exist_ok=True)
        (b / ".git/driverparty" / name).symlink_to(precious)
        head = git(b, "rev-parse", "HEAD")
        r = db("sync")
        assert r.exit_code == 3, r.output
        assert name in r.stderr and "symbolic link" in r.stderr
        assert untouched(precious) and git(b, "rev-parse", "HEAD") == head
        (b / ".git/driverparty" / name).unlink()
    assert db("sync").exit_code == 0
