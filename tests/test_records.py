"""Record commands on real repositories: add, get, list, update, remove, and their commits."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from tests.conftest import Run, commit_count, git, head_subject

NEW_MEMBER = ("member", "add", "--name", "王师傅", "--occupation", "truck", "--stage", "applicant")


def test_add_prints_the_new_id_alone_and_makes_one_commit(dp: Run, repo: Path) -> None:
    before = commit_count(repo)
    r = dp(*NEW_MEMBER)
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "M-0061\n"
    assert commit_count(repo) == before + 1
    assert head_subject(repo) == "member add M-0061"
    body = git(repo, "log", "-1", "--format=%B")
    assert "Driverparty-Action: add" in body
    assert "Driverparty-Record: members/M-0061" in body
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == [
        "records/members/M-0061.toml"
    ]
    assert git(repo, "status", "--porcelain") == ""


def test_the_new_file_is_canonical_toml(dp: Run, repo: Path) -> None:
    r = dp(
        "member",
        "add",
        "--name",
        " 王师傅 ",
        "--occupation",
        "truck",
        "--stage",
        "probationary",
        "--probationary-on",
        "2026-01-05",
        "--applied-on",
        "2024-03-01",
        "--tags",
        "volunteer,demo_vehicle",
        "--plate",
        "桂J12345",
        "--mobile",
    )
    assert r.exit_code == 0, r.stderr
    text = (repo / "records/members/M-0061.toml").read_text(encoding="utf-8")
    assert text == (
        'id = "M-0061"\nname = "王师傅"\noccupation = "truck"\nplate = "桂J12345"\n'
        'stage = "probationary"\napplied_on = 2024-03-01\nprobationary_on = 2026-01-05\n'
        'mobile = true\ntags = [\n    "volunteer",\n    "demo_vehicle",\n]\n'
    )


def test_petition_add_sets_due_from_the_county_limits_and_the_first_event(
    dp: Run, repo: Path
) -> None:
    r = dp(
        "petition",
        "add",
        "--received",
        "2026-06-28",
        "--channel",
        "hotline",
        "--category",
        "repair",
        "--summary",
        "维修点太远",
    )
    assert r.exit_code == 0, r.stderr
    data = tomllib.loads(
        (repo / f"records/petitions/{r.stdout.strip()}.toml").read_text(encoding="utf-8")
    )
    assert str(data["due"]) == "2026-06-29"  # repair = 1 day in the sample's driverparty.toml
    assert data["status"] == "received" and data["kind"] == "request"
    assert data["events"] == [{"on": data["received"], "status": "received", "by": "黄主任"}]
    assert "\n[[events]]\n" in (repo / f"records/petitions/{r.stdout.strip()}.toml").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("args", "field", "words"),
    [
        (("--phone", "1381234567"), "phone", "not a mainland mobile number"),
        (("--phone", "23812345678"), "phone", "not a mainland mobile number"),
        (("--id-number", "45110219900101123X"), "id_number", "check character"),
        (("--id-number", "451102199001011234x"), "id_number", "18-character"),
        (("--plate", "JJ12345"), "plate", "plate"),
        (("--plate", "桂J1234"), "plate", "plate"),
        (("--occupation", "pilot"), "occupation", "must be"),
        (("--birth-date", "2027-01-01"), "birth_date", "after today"),
        (("--birth-date", "01/02/1990"), "birth_date", "YYYY-MM-DD"),
        (("--birth-date", "1990-02-30"), "birth_date", "not a real date"),
        (("--name", "王\n师傅"), "name", "control characters"),
        (("--name", "王\u202e师傅"), "name", "direction-changing"),
        (("--name", "王" * 101), "name", "at most 100"),
        (("--notes", "x" * 2001), "notes", "at most 2000"),
        (("--tags", "a b"), "tags[1]", "without spaces"),
        (("--branch", "B-9999"), "branch", "no branch B-9999"),
        (("--station", "S-9999"), "station", "no station S-9999"),
        (("--verification", "confirmed"), "verified_on", "required"),
        (("--left-on", "2026-01-01"), "left_reason", "required"),
        (("--activist-on", "2026-01-01"), "activist_on", "only applicant"),
        (("--phone", "18313693569"), "phone", "also used by M-0001"),
    ],
)
def test_bad_values_are_refused_naming_the_field(
    dp: Run, repo: Path, args: tuple[str, ...], field: str, words: str
) -> None:
    before = commit_count(repo)
    r = dp(*NEW_MEMBER, *args)
    assert r.exit_code == 1, r.stdout
    assert r.stdout == ""
    assert f": {field}: " in r.stderr and words in r.stderr, r.stderr
    assert all(line.startswith("error: ") for line in r.stderr.splitlines())
    assert commit_count(repo) == before
    assert not (repo / "records/members/M-0061.toml").exists()
    assert git(repo, "status", "--porcelain") == ""


def test_personal_values_never_appear_in_error_messages(dp: Run) -> None:
    r = dp(*NEW_MEMBER, "--phone", "18313693569")  # M-0001's phone
    assert r.exit_code == 1
    assert "18313693569" not in r.stderr


@pytest.mark.parametrize(
    ("args", "field", "words"),
    [
        (
            (
                "--stage",
                "probationary",
                "--probationary-on",
                "2025-03-01",
                "--candidate-on",
                "2025-04-01",
            ),
            "probationary_on",
            "before candidate_on",
        ),
        (
            ("--stage", "full", "--probationary-on", "2025-09-01", "--full-on", "2026-06-01"),
            "full_on",
            "is not the end of probation: must be 2026-09-01",
        ),
        (
            ("--birth-date", "1990-01-02", "--id-number", "451102199001011232"),
            "id_number",
            "does not agree",
        ),
    ],
)
def test_rules_across_fields_of_a_member(
    dp: Run, args: tuple[str, ...], field: str, words: str
) -> None:
    r = dp(
        "member",
        "add",
        "--name",
        "王师傅",
        "--occupation",
        "truck",
        *args,
        *(() if "--stage" in args else ("--stage", "applicant")),
    )
    assert r.exit_code == 1
    assert f": {field}: " in r.stderr and words in r.stderr, r.stderr


def test_a_valid_id_number_with_its_birth_date_is_accepted(dp: Run) -> None:
    r = dp(*NEW_MEMBER, "--birth-date", "1990-01-01", "--id-number", "451102199001011232")
    assert r.exit_code == 0, r.stderr


def test_station_rules(dp: Run) -> None:
    base = ("station", "add", "--name", "新驿站", "--kind", "rest_stop", "--opened", "2025-01-01")
    r = dp(*base, "--lat", "24.4")
    assert r.exit_code == 1 and ": lon: lat and lon go together" in r.stderr
    r = dp(*base, "--lat", "95", "--lon", "111")
    assert r.exit_code == 1 and ": lat: " in r.stderr
    r = dp(*base, "--closed", "2024-01-01")
    assert r.exit_code == 1 and ": closed: " in r.stderr
    r = dp(*base, "--hours", "8-22")
    assert r.exit_code == 1 and ": hours: " in r.stderr
    r = dp(
        *base,
        "--hours",
        "08:00-22:00",
        "--lat",
        "24.4",
        "--lon",
        "111.5",
        "--amenities",
        "water",
        "--amenities",
        "charging,books",
    )
    assert r.exit_code == 0, r.stderr


def test_branch_rules_names_cycles_and_secretaries(dp: Run, repo: Path) -> None:
    r = dp(
        "branch",
        "add",
        "--name",
        "八步区交通运输行业党委",
        "--kind",
        "committee",
        "--founded",
        "2020-01-01",
    )
    assert r.exit_code == 1 and ": name: the same name is also used by B-0001" in r.stderr
    r = dp("branch", "update", "B-0001", "--parent", "B-0002")  # B-0002's parent is B-0001
    assert r.exit_code == 1 and ": parent: makes a cycle" in r.stderr
    applicant = dp(*NEW_MEMBER).stdout.strip()
    r = dp("branch", "update", "B-0002", "--secretary", applicant)
    assert r.exit_code == 1 and f"{applicant} is not a full member" in r.stderr
    r = dp("branch", "update", "B-0002", "--dissolved", "2020-01-01")
    assert r.exit_code == 1 and ": dissolved: " in r.stderr


def test_get_shows_the_file_as_stored_masked(dp: Run, repo: Path) -> None:
    r = dp("member", "get", "M-0001")
    assert r.exit_code == 0
    stored = (repo / "records/members/M-0001.toml").read_text(encoding="utf-8")
    assert r.stdout == stored.replace("18313693569", "183****3569")
    assert dp("member", "get", "M-0001", "--reveal").stdout == stored
    data = json.loads(dp("member", "get", "M-0001", "--format", "json").stdout)
    assert data["id"] == "M-0001" and data["phone"] == "183****3569"
    assert data["full_on"] == "2025-11-28"


def test_get_of_a_missing_record_is_exit_1_and_a_bad_id_exit_2(dp: Run) -> None:
    r = dp("member", "get", "M-9999")
    assert r.exit_code == 1 and r.stderr == "error: no member M-9999\n"
    r = dp("member", "get", "../../etc/passwd")
    assert r.exit_code == 2 and r.stderr.startswith("error: bad id")


def test_update_changes_fields_and_says_so_when_nothing_changes(dp: Run, repo: Path) -> None:
    r = dp("member", "update", "M-0001", "--employer", "贺州市顺达物流", "--unset", "tags")
    assert r.exit_code == 0, r.stderr
    assert head_subject(repo) == "member update M-0001"
    text = (repo / "records/members/M-0001.toml").read_text(encoding="utf-8")
    assert 'employer = "贺州市顺达物流"' in text and "tags" not in text
    before = commit_count(repo)
    r = dp("member", "update", "M-0001", "--employer", "贺州市顺达物流")
    assert r.exit_code == 0
    assert "nothing changed" in r.stderr
    assert commit_count(repo) == before
    r = dp("member", "update", "M-0001", "--unset", "name")
    assert r.exit_code == 1 and "name: required" in r.stderr
    r = dp("member", "update", "M-0001", "--unset", "colour")
    assert r.exit_code == 2


def test_add_and_update_read_toml_json_and_stdin(dp: Run, repo: Path, tmp_path: Path) -> None:
    src = tmp_path / "m.toml"
    src.write_text(
        'name = "黄丽萍"\noccupation = "ride_hailing"\nstage = "activist"\n'
        "activist_on = 2025-05-01\n",
        encoding="utf-8",
    )
    r = dp("member", "add", "--from", str(src), "--employer", "滴滴出行")
    assert r.exit_code == 0, r.stderr
    data = tomllib.loads(
        (repo / f"records/members/{r.stdout.strip()}.toml").read_text(encoding="utf-8")
    )
    assert data["name"] == "黄丽萍" and data["employer"] == "滴滴出行"
    r = dp(
        "member",
        "add",
        "--from",
        "-",
        "--name",
        "覆盖",
        input=json.dumps({"name": "x", "occupation": "taxi", "stage": "applicant"}),
    )
    assert r.exit_code == 0, r.stderr
    assert dp("member", "get", r.stdout.strip(), "--format", "json").stdout.count('"覆盖"') == 1
    r = dp("member", "update", "M-0002", "--from", "-", input='{"notes": "电话回访"}')
    assert r.exit_code == 0, r.stderr
    r = dp("member", "add", "--from", "-", input="{not json")
    assert r.exit_code == 1 and "not valid JSON" in r.stderr
    r = dp("member", "add", "--from", "-", input='{"phone": "138****5678", "name": "x"}')
    assert r.exit_code == 1 and "masked" in r.stderr


def test_explicit_ids_and_ids_are_never_reused(dpe: Run, empty_repo: Path) -> None:
    assert dpe(*NEW_MEMBER).stdout == "M-0001\n"
    assert dpe(*NEW_MEMBER).stdout == "M-0002\n"
    assert dpe(*NEW_MEMBER, "--id", "M-0100").stdout == "M-0100\n"
    assert dpe("member", "remove", "M-0100").exit_code == 0
    assert dpe(*NEW_MEMBER).stdout == "M-0101\n"
    r = dpe(*NEW_MEMBER, "--id", "M-0002")
    assert r.exit_code == 1 and "exists already" in r.stderr
    r = dpe(*NEW_MEMBER, "--id", "bad/id")
    assert r.exit_code == 2
    assert dpe(*NEW_MEMBER, "--id", "M-9999").exit_code == 0
    assert dpe(*NEW_MEMBER).stdout == "M-10000\n"


def test_remove_refuses_while_referred_to(dp: Run, repo: Path) -> None:
    before = commit_count(repo)
    r = dp("member", "remove", "M-0003")  # secretary of B-0002
    assert r.exit_code == 1
    assert "records/branches/B-0002.toml: secretary: refers to member M-0003" in r.stderr
    assert commit_count(repo) == before
    r = dp("member", "remove", "M-0003", "--force")
    assert r.exit_code == 0
    assert head_subject(repo) == "member remove M-0003"
    assert not (repo / "records/members/M-0003.toml").exists()
    assert dp("validate").exit_code == 1  # the dangling reference is now reported


def test_a_write_commits_only_its_own_file(dp: Run, repo: Path) -> None:
    other = repo / "records/members/M-0002.toml"
    other.write_text(
        other.read_text(encoding="utf-8").replace("stage", "# hand edit\nstage", 1),
        encoding="utf-8",
    )
    (repo / "notes.txt").write_text("scratch\n", encoding="utf-8")
    git(repo, "add", "notes.txt")
    r = dp(*NEW_MEMBER)
    assert r.exit_code == 0, r.stderr
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == [
        "records/members/M-0061.toml"
    ]
    status = git(repo, "status", "--porcelain").splitlines()
    assert " M records/members/M-0002.toml" in status and "A  notes.txt" in status


def test_commit_subjects_carry_no_personal_data(dp: Run, repo: Path) -> None:
    dp(
        *NEW_MEMBER,
        "--phone",
        "13900001111",
        "--birth-date",
        "1990-01-01",
        "--id-number",
        "451102199001011232",
    )
    dp("member", "update", "M-0061", "--phone", "13900002222")
    log = git(repo, "log", "--format=%B")
    for value in ("13900001111", "13900002222", "451102199001011232"):
        assert value not in log
