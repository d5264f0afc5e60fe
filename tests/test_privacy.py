"""Personal data stays in the record files (issue 9, SPEC "Personal data"): never in commit
messages, error messages, the tool's own files under .git/driverparty, or the cache beyond what
the record files hold."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from driverparty.models.types import id_number_check_char
from tests.conftest import Run, git

NAME = "隐私测试员"
PHONE = "13912345678"
PHONE2 = "13987654321"
ID17 = "45110219850317123"
ID_NUMBER = ID17 + id_number_check_char(ID17)
M1_PHONE = "18313693569"  # M-0001's, in the sample county
M2_ID_NUMBER = "451102199109248733"  # M-0003's
SECRETS = [NAME, PHONE, PHONE2, ID_NUMBER, PHONE[-8:], ID_NUMBER[6:14]]


def add_secret_member(dp: Run) -> str:
    r = dp(
        "member",
        "add",
        "--name",
        NAME,
        "--occupation",
        "truck",
        "--stage",
        "applicant",
        "--phone",
        PHONE,
        "--id-number",
        ID_NUMBER,
        "--birth-date",
        "1985-03-17",
    )
    assert r.exit_code == 0, r.stderr
    return r.stdout.strip()


def assert_no_secret(data: bytes | str, where: str, secrets: list[str] = SECRETS) -> None:
    raw = data.encode() if isinstance(data, str) else data
    for secret in secrets:
        assert secret.encode() not in raw, f"{secret} found in {where}"


def test_commit_messages_carry_no_personal_data(dp: Run, repo: Path) -> None:
    rid = add_secret_member(dp)
    assert dp("member", "update", rid, "--phone", PHONE2).exit_code == 0
    assert dp("member", "promote", rid, "--to", "activist").exit_code == 0
    assert dp("member", "verify", rid, "--status", "screened").exit_code == 0
    assert dp("member", "leave", rid, "--reason", "回乡").exit_code == 0
    assert dp("member", "remove", rid, "--force").exit_code == 0
    messages = git(repo, "log", "--all", "--format=%B%n%an%n%ae%n%cn%n%ce")
    assert rid in messages
    assert_no_secret(messages, "git log")


@pytest.mark.parametrize(
    "args",
    [
        ("--phone", M1_PHONE),  # a duplicate phone
        ("--id-number", M2_ID_NUMBER, "--birth-date", "1991-09-24"),  # a duplicate ID number
        ("--phone", M1_PHONE[:-1]),  # one digit short: still someone's number
        ("--id-number", M2_ID_NUMBER[:-1] + "0"),  # a wrong check character
        ("--id-number", M2_ID_NUMBER, "--birth-date", "1990-01-01"),  # birth date disagrees
    ],
    ids=["dup-phone", "dup-id", "short-phone", "bad-check", "birth-mismatch"],
)
def test_error_messages_do_not_print_phone_or_id_numbers(dp: Run, args: tuple[str, ...]) -> None:
    r = dp("member", "add", "--name", "王", "--occupation", "truck", "--stage", "full", *args)
    assert r.exit_code == 1
    assert r.stderr.startswith("error: ")
    assert_no_secret(r.output, "the error", [M1_PHONE, M1_PHONE[:-1], M2_ID_NUMBER[:-1]])


def test_import_and_validate_errors_do_not_print_personal_data(dp: Run, repo: Path) -> None:
    rows = f"name,occupation,stage,phone\n甲,truck,full,{PHONE}\n乙,truck,full,{PHONE}\n"
    r = dp("import", "member", "-", "--format", "csv", input=rows)
    assert r.exit_code == 1 and "row 2: phone:" in r.stderr
    assert_no_secret(r.output, "import errors")
    m3 = repo / "records/members/M-0003.toml"
    m3.write_text(
        m3.read_text(encoding="utf-8").replace('"18819208789"', f'"{M1_PHONE}"'), encoding="utf-8"
    )
    for args in (("validate",), ("status",), ("commit",), ("member", "list")):
        r = dp(*args)
        assert_no_secret(
            r.stderr + (r.stdout if args[0] != "member" else ""), str(args), [M1_PHONE]
        )


def test_the_tools_own_files_hold_no_personal_data(dp: Run, repo: Path) -> None:
    rid = add_secret_member(dp)
    dp("member", "list", "--format", "csv")
    assert dp("member", "remove", rid, "--force").exit_code == 0
    dp("member", "list", "--format", "csv")  # prunes the cache
    folder = repo / ".git/driverparty"
    names = sorted(p.name for p in folder.iterdir())
    assert set(names) <= {
        "cache.sqlite",
        "cache.sqlite-wal",
        "cache.sqlite-shm",
        "removed-ids.json",
        "write.lock",
    }, names
    for path in folder.iterdir():
        assert_no_secret(path.read_bytes(), path.name)  # the cache too, deleted pages included
        if path.name.startswith("cache"):
            assert path.stat().st_mode & 0o077 == 0, f"{path.name} readable by others"


def test_the_cache_holds_exactly_what_the_record_files_hold(dp: Run, repo: Path) -> None:
    """The decision in SECURITY.md: the cache is kept in clear because each row is the parsed
    record file it is keyed by, nothing more."""
    from datetime import date

    from driverparty.cache import RecordCache
    from driverparty.gitrepo import blob_id
    from driverparty.models import KINDS
    from driverparty.output import json_rows
    from driverparty.store import parse_record

    add_secret_member(dp)
    assert dp("validate").exit_code == 0
    for kind in KINDS:  # each record's listing text is kept too (issue 22): masked
        assert dp(kind, "list", "--all", "--format", "json").exit_code == 0
        assert dp(kind, "list", "--all", "--format", "json").exit_code == 0
    path = repo / ".git/driverparty/cache.sqlite"
    db = sqlite3.connect(path)
    cache = RecordCache(path)
    total = texts = 0
    for kind, spec in KINDS.items():
        columns = [c[1] for c in db.execute(f"PRAGMA table_info(records_{kind})")]
        assert columns == ["_path", "_blob", "_latest", *spec.fields, "_json"]  # nothing else
        kept = dict(db.execute(f"SELECT _path, _json FROM records_{kind}").fetchall())
        for rel, hit in cache.entries(kind).items():
            total += 1
            data = (repo / rel).read_bytes()
            assert hit.blob == blob_id(data)
            record, problems = parse_record(kind, rel, data, date(2026, 6, 30))
            assert record is not None and not problems
            assert hit.record == json.loads(json.dumps(record, default=str)), rel
            row = {name: hit.record.get(name) for name in spec.fields}
            assert kept[rel] == json_rows([row], kind)[0], rel  # the record, as list shows it
            texts += 1
    cache.close()
    assert texts == total
    assert total == len(list(repo.glob("records/*/*.toml")))
