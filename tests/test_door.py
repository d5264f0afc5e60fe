"""The store is the one door to records (issue 17): ``get`` reads through it, validated, and
masks from the parsed record on every path (issue 16.6, 16.7); an invalid record is shown,
masked, with its problems (exit 1), never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Run, git

M2 = "records/members/M-0006.toml"
PHONE = "15243237932"  # M-0006's, in the sample county
ID_NUMBER = "451103198801096811"
MASKED = "152****7932"


def rewrite(repo: Path, old: str, new: str) -> None:
    path = repo / M2
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


# how a hand edit can write the same phone so that a regex over the text misses it (16.6)
BYPASSES = {
    "quoted key": f'"phone" = "{PHONE}"',
    "single-quoted key": f"'phone' = '{PHONE}'",
    "indented key": f'   phone   =   "{PHONE}"',
    "triple-quoted value": f'phone = """{PHONE}"""',
    "literal triple-quoted value": f"phone = '''{PHONE}'''",
    "a comment holding the number": f'phone = "{PHONE}" # call {PHONE}',
}


@pytest.mark.parametrize("form", list(BYPASSES), ids=list(BYPASSES))
def test_get_masks_the_parsed_phone_however_it_is_written(dp: Run, repo: Path, form: str) -> None:
    rewrite(repo, f'phone = "{PHONE}"', BYPASSES[form])
    for fmt in ("toml", "json"):
        r = dp("member", "get", "M-0006", "--format", fmt)
        assert r.exit_code == 0, r.stderr
        assert PHONE not in r.stdout and PHONE[-8:] not in r.stdout, r.stdout
        assert MASKED in r.stdout
    assert PHONE in dp("member", "get", "M-0006", "--reveal").stdout


def test_get_of_a_canonical_file_is_the_file_as_stored_masked(dp: Run, repo: Path) -> None:
    stored = (repo / M2).read_text(encoding="utf-8")
    r = dp("member", "get", "M-0006")
    assert r.exit_code == 0
    assert r.stdout == stored.replace(PHONE, MASKED).replace(ID_NUMBER, "451103********6811")


def test_a_phone_or_id_number_written_as_a_number_is_masked_and_refused(
    dp: Run, repo: Path
) -> None:
    """16.7: ``phone = 15243237932`` (a TOML integer) is masked everywhere and invalid."""
    rewrite(repo, f'phone = "{PHONE}"', f"phone = {PHONE}")
    for fmt in ("toml", "json"):
        r = dp("member", "get", "M-0006", "--format", fmt)
        assert r.exit_code == 1
        assert PHONE not in r.stdout and MASKED in r.stdout
        assert "error: records/members/M-0006.toml: phone: must be text" in r.stderr
        assert PHONE not in r.stderr
    r = dp("validate")
    assert r.exit_code == 1 and "records/members/M-0006.toml: phone: must be text" in r.stdout
    assert PHONE not in r.stdout
    r = dp("diff", "--format", "json")
    assert PHONE not in r.stdout and MASKED in r.stdout
    git(repo, "commit", "-qam", "a number by hand")
    for args in (["member", "history", "M-0006"], ["diff", "HEAD~1"]):
        for fmt in ("table", "json", "csv"):
            out = dp(*args, "--format", fmt).stdout
            assert PHONE not in out and MASKED in out, (args, fmt, out)
    rewrite(repo, f'id_number = "{ID_NUMBER}"', "id_number = 451103198801096")
    r = dp("member", "get", "M-0006", "--format", "json")
    assert "451103198801096" not in r.stdout and "id_number: must be text" in r.stderr


def test_history_and_diff_mask_a_quoted_key(dp: Run, repo: Path) -> None:
    rewrite(repo, f'phone = "{PHONE}"', '"phone" = "13912345678"')
    for fmt in ("table", "json"):
        out = dp("diff", "--format", fmt).stdout
        assert "13912345678" not in out and PHONE not in out and "139****5678" in out
    git(repo, "commit", "-qam", "a quoted key by hand")
    out = dp("member", "history", "M-0006", "--format", "json").stdout
    assert "13912345678" not in out and PHONE not in out and "139****5678" in out


def test_get_shows_an_invalid_record_masked_with_its_problems(dp: Run, repo: Path) -> None:
    """A TOML time where a date belongs: no crash (was `unexpected TypeError: Object of type
    time is not JSON serializable`); the record is shown masked, the problem on stderr, exit 1."""
    rewrite(repo, "birth_date = 1988-01-09", "birth_date = 07:32:00")
    r = dp("member", "get", "M-0006", "--format", "json")
    assert r.exit_code == 1
    assert "unexpected" not in r.stderr and "Traceback" not in r.output
    data = json.loads(r.stdout)
    assert data["birth_date"] == "07:32:00" and data["phone"] == MASKED
    assert r.stderr.startswith("error: records/members/M-0006.toml: birth_date: ")
    r = dp("member", "get", "M-0006")
    assert r.exit_code == 1 and "birth_date = 07:32:00" in r.stdout and MASKED in r.stdout
    assert PHONE not in r.stdout


def test_get_of_a_file_that_is_not_toml_says_so_and_shows_nothing_unmasked(
    dp: Run, repo: Path
) -> None:
    rewrite(repo, 'name = "蒋文斌"', 'name = "蒋文斌')  # an unclosed string
    r = dp("member", "get", "M-0006")
    assert r.exit_code == 1 and r.stdout == ""
    assert "records/members/M-0006.toml: TOML syntax" in r.stderr
    assert "--reveal shows it as stored" in r.stderr
    r = dp("member", "get", "M-0006", "--reveal")
    assert r.exit_code == 1 and PHONE in r.stdout


def _imports_pydantic(repo: Path, *args: str) -> tuple[str, bool]:
    code = (
        "import sys\nfrom driverparty.cli.main import main\n"
        f"sys.argv = ['driverparty', '--repo', {str(repo)!r}, *{list(args)!r}]\n"
        "try:\n    main()\nfinally:\n    sys.stderr.write(str('pydantic' in sys.modules))\n"
    )
    p = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", check=False
    )
    assert p.returncode == 0, p.stderr
    return p.stdout, p.stderr.endswith("True")


def test_get_validates_once_then_answers_from_the_cache_without_the_models(repo: Path) -> None:
    first, parsed = _imports_pydantic(repo, "member", "get", "M-0006", "--format", "json")
    again, parsed_again = _imports_pydantic(repo, "member", "get", "M-0006", "--format", "json")
    assert parsed and not parsed_again
    assert first == again and MASKED in again
    rewrite(repo, "verified_on = 2026-05-19", "verified_on = 2026-05-18")  # changed: validated
    out, parsed = _imports_pydantic(repo, "member", "get", "M-0006")
    assert parsed and "2026-05-18" in out


def test_root_help_imports_no_pydantic_and_lists_every_kind(repo: Path) -> None:
    from driverparty.schema import KINDS

    out, parsed = _imports_pydantic(repo, "--help")
    assert not parsed
    for name, kind in KINDS.items():
        assert f"  {name} " in out and kind.title in out


# --- references that hold a list of ids (issue 17): no per-kind code ------------------------


def test_a_list_of_ids_is_a_reference_like_any_other(monkeypatch: pytest.MonkeyPatch) -> None:
    """A kind whose field holds a list of member ids (as ``activity.participants`` will):
    checked, found as a referrer (so ``remove`` refuses), renumbered by sync item by item, and
    loaded before a member is removed — read from the registry alone."""
    from driverparty import checks, schema
    from driverparty.schema import FieldInfo, KindInfo
    from driverparty.store import Store

    def field(name: str, ftype: str, ref: str | None = None) -> FieldInfo:
        return FieldInfo(name, name, ftype, name == "id", (), {}, False, ref)

    team = KindInfo(
        name="team",
        plural="teams",
        prefix="T",
        zh="小组",
        title="Teams.",
        help="Teams.",
        table_columns=("id",),
        add_example="",
        where_example="",
        fields={"id": field("id", "str"), "members": field("members", "list", "member")},
    )
    monkeypatch.setitem(schema.KINDS, "team", team)
    records = checks.Records()
    records.by_kind["member"]["M-0001"] = {"id": "M-0001"}
    records.by_kind["team"]["T-0001"] = {"id": "T-0001", "members": ["M-0001", "M-0006"]}
    assert [str(p) for p in checks.check_references(records)] == [
        "records/teams/T-0001.toml: members: no member M-0006"
    ]
    assert checks.referrers(records, "member", "M-0001") == [("team", "T-0001", "members")]
    assert checks.referrers(records, "member", "M-0003") == []
    renames = {("member", "M-0001"): "M-0061"}
    assert checks.renamed_references("team", records.by_kind["team"]["T-0001"], renames) == {
        "members": ["M-0061", "M-0006"]
    }
    assert "team" in Store._kinds_to_check([("member", "M-0001", None)])
    assert "team" not in Store._kinds_to_check([("station", "S-0001", None)])
