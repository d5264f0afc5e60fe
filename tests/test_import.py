"""`import KIND FILE|-`: round trips, every kind of bad row, stdin, one commit or nothing."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from driverparty.schema import KINDS
from tests.conftest import ROOT, Run, commit_count, git, head_subject, make_repo, runner_for

ORDER = ("branch", "station", "member", "petition", "activity")
FOLDER = {kind: KINDS[kind].plural for kind in ORDER}


def files(repo: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(repo)): p.read_bytes() for p in sorted((repo / "records").rglob("*.toml"))
    }


def state(repo: Path) -> tuple[str, str, dict[str, bytes]]:
    """What a refused import must leave exactly as it was."""
    return git(repo, "rev-parse", "HEAD"), git(repo, "status", "--porcelain"), files(repo)


def export(dp: Run, kind: str, fmt: str = "csv") -> str:
    r = dp(kind, "list", "--format", fmt, "--reveal", "--all")
    assert r.exit_code == 0, r.output
    return r.stdout


def without_kind(repo: Path, kind: str) -> Path:
    """The county with every record of one kind deleted (by git, as a hand edit would)."""
    git(repo, "rm", "-q", f"records/{FOLDER[kind]}/*.toml")
    git(repo, "commit", "-q", "-m", f"drop {kind}")
    return repo


@pytest.mark.parametrize("kind", ORDER)
@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_what_list_writes_import_reads_back_byte_identically(
    dp: Run, repo: Path, tmp_path: Path, kind: str, fmt: str
) -> None:
    text = export(dp, kind, fmt)
    other = tmp_path / "other"
    shutil.copytree(repo, other, symlinks=True)
    without_kind(other, kind)
    before = commit_count(other)
    source = tmp_path / f"export.{fmt}"
    source.write_text(text, encoding="utf-8")

    r = runner_for(other)("import", kind, str(source))

    assert r.exit_code == 0, r.output
    count = len(list((repo / "records" / FOLDER[kind]).glob("*.toml")))
    assert r.stdout == f"added {count}, updated 0\n"
    assert files(other) == files(repo)
    assert commit_count(other) == before + 1
    assert head_subject(other) == f"{kind} import {count} records"
    assert git(other, "status", "--porcelain") == ""


def test_a_whole_county_moves_into_an_empty_repository(dp: Run, repo: Path, tmp_path: Path) -> None:
    """Branches name their secretary (a member) and members their branch, so the branches go
    in first without secretaries and are imported again at the end (README: Recipes)."""
    exports = {kind: export(dp, kind) for kind in ORDER}
    other = make_repo(tmp_path / "new")
    shutil.copy(repo / "driverparty.toml", other / "driverparty.toml")
    git(other, "commit", "-q", "-am", "the county's settings")
    rows = list(csv.DictReader(io.StringIO(exports["branch"])))
    fields = ",".join(f for f in rows[0] if f != "secretary")
    first = dp("branch", "list", "--all", "--reveal", "--format", "csv", "--fields", fields)
    imp = runner_for(other)

    steps = [("branch", first.stdout)] + [(k, exports[k]) for k in ORDER[1:]]
    steps.append(("branch", exports["branch"]))
    for kind, text in steps:
        r = imp("import", kind, "-", input=text)
        assert r.exit_code == 0, (kind, r.output)

    with_secretary = [row for row in rows if row["secretary"]]
    assert r.stdout == f"added 0, updated {len(with_secretary)}\n"
    assert files(other) == files(repo)
    assert imp("validate").exit_code == 0


def test_stdin_is_csv_unless_told_and_format_names_the_others(dpe: Run, empty_repo: Path) -> None:
    row = {
        "name": "覃海波",
        "gender": "male",
        "occupation": "truck",
        "stage": "applicant",
        "applied_on": "2026-05-01",
        "phone": "13907741234",
    }
    r = dpe(
        "import",
        "member",
        "-",
        input="name,gender,occupation,stage,applied_on,phone\n"
        "覃海波,male,truck,applicant,2026-05-01,13907741234\n",
    )
    assert (r.exit_code, r.stdout) == (0, "added 1, updated 0\n")
    jsonl = json.dumps({**row, "name": "韦国强", "phone": "13907741235"}, ensure_ascii=False)
    r = dpe("import", "member", "-", "--format", "jsonl", input=jsonl + "\n")
    assert (r.exit_code, r.stdout) == (0, "added 1, updated 0\n")
    got = json.loads(dpe("member", "list", "--format", "json", "--reveal").stdout)
    assert [(m["id"], m["name"], m["phone"]) for m in got] == [
        ("M-0001", "覃海波", "13907741234"),
        ("M-0002", "韦国强", "13907741235"),
    ]
    assert commit_count(empty_repo) == 3


def test_rows_update_by_id_and_an_empty_cell_unsets(dp: Run, repo: Path) -> None:
    text = "id,employer,plate,notes\nM-0003,广西顺丰速运,,\nM-0004,,桂J12345,夜班\n"
    before = dp("member", "get", "M-0003", "--format", "json").stdout
    assert json.loads(before)["plate"]

    r = dp("import", "member", "-", input=text)

    assert (r.exit_code, r.stdout) == (0, "added 0, updated 2\n")
    m2 = json.loads(dp("member", "get", "M-0003", "--format", "json").stdout)
    m4 = json.loads(dp("member", "get", "M-0004", "--format", "json").stdout)
    assert (m2["employer"], m2.get("plate")) == ("广西顺丰速运", None)
    assert (m4.get("employer"), m4["plate"], m4["notes"]) == (None, "桂J12345", "夜班")
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == [
        "records/members/M-0003.toml",
        "records/members/M-0004.toml",
    ]


def test_rows_without_id_take_the_next_ids_after_the_highest(dp: Run) -> None:
    text = (
        "name,gender,occupation,stage,applied_on,phone\n"
        "蒙小军,male,ride_hailing,applicant,2026-06-01,13977400001\n"
        "黎春燕,female,ride_hailing,applicant,2026-06-02,13977400002\n"
    )
    r = dp("import", "member", "-", input=text)
    assert r.exit_code == 0, r.output
    ids = dp(
        "member",
        "list",
        "--where",
        "applied_on>=2026-06-01",
        "--format",
        "tsv",
        "--fields",
        "id,name",
    ).stdout.splitlines()[1:]
    assert ids[-2:] == ["M-0061\t蒙小军", "M-0062\t黎春燕"]


def test_an_import_that_changes_nothing_makes_no_commit(dp: Run, repo: Path) -> None:
    before = commit_count(repo)
    r = dp("import", "station", "-", input=export(dp, "station"))
    assert (r.exit_code, r.stdout) == (0, "added 0, updated 0\n")
    assert commit_count(repo) == before


def test_other_uncommitted_edits_stay_uncommitted(dp: Run, repo: Path) -> None:
    hand = repo / "records/members/M-0005.toml"
    hand.write_text(hand.read_text(encoding="utf-8") + 'notes = "手改"\n', encoding="utf-8")
    r = dp("import", "member", "-", input="id,notes\nM-0006,核对过\n")
    assert r.exit_code == 0, r.output
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == [
        "records/members/M-0006.toml"
    ]
    assert git(repo, "status", "--porcelain") == " M records/members/M-0005.toml\n"


BAD_ROWS = [
    # (a row's cells, the problem it must report)
    ({"gender": "unknown"}, 'gender: must be one of 男 (male), 女 (female): "unknown"'),
    ({"stage": "member"}, "stage: must be"),
    ({"name": ""}, "name: "),
    ({"name": "周\u202etxt"}, "name: "),
    ({"applied_on": "2026-02-30"}, "applied_on: "),
    ({"applied_on": "2027-01-01"}, "applied_on: "),
    ({"phone": "1390774123"}, "phone: not a mainland mobile number"),
    ({"phone": "139****1234"}, "phone: a masked value is not a real one"),
    ({"id_number": "4511**********0011"}, "id_number: a masked value is not a real one"),
    ({"id_number": "451102199001010012"}, "id_number: "),
    ({"plate": "ABC"}, "plate: "),
    ({"mobile": "maybe"}, "mobile: "),
    ({"branch": "B-0099"}, "branch: no branch B-0099"),
    ({"station": "S-0099"}, "station: no station S-0099"),
    ({"id": "../M-0001"}, "id: bad id '../M-0001'"),
    ({"phone": "18313693569"}, "phone: "),  # M-0001's phone: must be unique
]


def member_csv(*changes: dict[str, str]) -> str:
    base = {
        "name": "黄志明",
        "gender": "male",
        "occupation": "truck",
        "stage": "applicant",
        "applied_on": "2026-03-01",
    }
    rows = [{**base, "phone": f"1397740{n:04d}", **change} for n, change in enumerate(changes)]
    fields = list(dict.fromkeys(k for row in rows for k in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize(("cells", "message"), BAD_ROWS, ids=[m for _, m in BAD_ROWS])
def test_every_kind_of_bad_row_is_named_and_nothing_is_written(
    dp: Run, repo: Path, cells: dict[str, str], message: str
) -> None:
    before = state(repo)
    # a good row first, so the bad one is row 2 and the good one is not written either
    r = dp("import", "member", "-", input=member_csv({}, cells))
    assert r.exit_code == 1, r.output
    lines = r.stderr.splitlines()
    assert lines and all(line.startswith("error: row 2: ") for line in lines), lines
    assert any(line.startswith(f"error: row 2: {message}") for line in lines), lines
    assert "Traceback" not in r.output
    assert state(repo) == before


def test_every_problem_of_every_row_is_reported_at_once(dp: Run, repo: Path) -> None:
    before = state(repo)
    r = dp(
        "import",
        "member",
        "-",
        input=member_csv({"gender": "x", "phone": "123"}, {}, {"stage": "y"}),
    )
    assert r.exit_code == 1
    assert [line.split(":")[0:2] for line in r.stderr.splitlines()] == [
        ["error", " row 1"],
        ["error", " row 1"],
        ["error", " row 3"],
    ]
    assert state(repo) == before


def test_duplicates_inside_the_file_are_caught(dp: Run, repo: Path) -> None:
    before = state(repo)
    same_phone = member_csv({}, {"phone": "13977400000"})
    r = dp("import", "member", "-", input=same_phone)
    assert r.exit_code == 1
    assert "row 2: phone: " in r.stderr or "row 1: phone: " in r.stderr
    same_id = "id,notes\nM-0003,一\nM-0003,二\n"
    r = dp("import", "member", "-", input=same_id)
    assert r.exit_code == 1
    assert "error: row 2: id: M-0003 is also in row 1" in r.stderr
    assert state(repo) == before


def test_masked_values_are_never_stored_even_when_unchanged(dp: Run, repo: Path) -> None:
    """What `list` writes without --reveal cannot be imported back: it would wipe the phones."""
    before = state(repo)
    masked = dp("member", "list", "--format", "csv", "--all").stdout
    r = dp("import", "member", "-", input=masked)
    assert r.exit_code == 1
    assert "a masked value is not a real one (export with --reveal)" in r.stderr
    assert "18313693569" not in r.output
    assert state(repo) == before


def test_unreadable_input_is_refused(dp: Run, repo: Path, tmp_path: Path) -> None:
    before = state(repo)
    r = dp("import", "member", str(tmp_path / "missing.csv"))
    assert (r.exit_code, r.stderr.count("\n")) == (1, 1)
    assert "missing.csv" in r.stderr
    r = dp("import", "member", "-", "--format", "json", input='[{"name": "x"')
    assert r.exit_code == 1 and r.stderr.startswith("error: not valid JSON")
    (tmp_path / "x.txt").write_text("name\n", encoding="utf-8")
    r = dp("import", "member", str(tmp_path / "x.txt"))
    assert r.exit_code == 2 and "--format" in r.stderr
    r = dp("import", "members", "-", input="")
    assert r.exit_code == 2
    assert state(repo) == before


def test_the_sample_exports_are_what_the_checkout_holds(dp: Run) -> None:
    """The export used by the round trips covers every record of the sample county."""
    for kind in ORDER:
        rows = list(csv.DictReader(io.StringIO(export(dp, kind))))
        assert len(rows) == len(list((ROOT / "records" / FOLDER[kind]).glob("*.toml")))


def test_thousands_of_rows_are_one_commit_with_a_trailer_each(dpe: Run, empty_repo: Path) -> None:
    """4,000 trailers make a message longer than one command-line argument may be."""
    rows = [f"司机{i:04d},male,truck,applicant,2026-05-01,139{i:08d}" for i in range(4000)]
    text = "name,gender,occupation,stage,applied_on,phone\n" + "\n".join(rows) + "\n"
    r = dpe("import", "member", "-", input=text)
    assert (r.exit_code, r.stdout) == (0, "added 4000, updated 0\n"), r.output
    assert commit_count(empty_repo) == 2
    body = git(empty_repo, "log", "-1", "--format=%B")
    assert body.startswith("member import 4000 records\n")
    assert body.count("Driverparty-Record: members/M-") == 4000
    assert "13900000001" not in body
    assert git(empty_repo, "status", "--porcelain") == ""
