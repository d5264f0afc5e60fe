"""Many counties through one remote (issue 7): the field-level merge, git's merge driver under a
plain `git pull`, and `driverparty sync` — all on real bare remotes and clones on local disk."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

from driverparty.merge import MISSING, merge_field, merge_files, merge_records
from tests.conftest import ROOT, commit_count, git, head_subject, make_repo, runner_for

# --- the pure merge ----------------------------------------------------------------------------


def test_different_fields_merge_field_by_field() -> None:
    base = {"id": "M-1", "name": "王", "phone": "13800000000", "stage": "full"}
    ours = {**base, "phone": "13900000000"}
    theirs = {**base, "employer": "货拉拉", "stage": "full"}
    merged, conflicts = merge_records(base, ours, theirs)
    assert conflicts == []
    assert merged == {**base, "phone": "13900000000", "employer": "货拉拉"}


def test_same_field_different_values_is_a_conflict_keeping_ours() -> None:
    base = {"id": "M-1", "phone": "13800000000", "plate": "桂J12345"}
    ours = {**base, "phone": "13900000000", "plate": "桂J54321"}
    theirs = {**base, "phone": "13700000000", "plate": "桂J54321"}
    merged, conflicts = merge_records(base, ours, theirs)
    assert conflicts == ["phone"]
    assert merged["phone"] == "13900000000"
    assert merged["plate"] == "桂J54321"  # the same change on both sides is no conflict


def test_unset_on_one_side_and_changed_on_the_other_is_a_conflict() -> None:
    base = {"id": "M-1", "notes": "a"}
    _, conflicts = merge_records(base, {"id": "M-1"}, {"id": "M-1", "notes": "b"})
    assert conflicts == ["notes"]
    merged, conflicts = merge_records(base, {"id": "M-1"}, base)
    assert (merged, conflicts) == ({"id": "M-1"}, [])


def test_lists_of_codes_merge_as_sets() -> None:
    value, ok = merge_field(["water", "books"], ["water", "books", "wifi"], ["books", "tv"])
    assert ok and value == ["books", "wifi", "tv"]
    value, ok = merge_field(["volunteer"], MISSING, ["volunteer", "demo_vehicle"])
    assert ok and value == ["demo_vehicle"]
    value, ok = merge_field(["a"], MISSING, MISSING)
    assert ok and value is MISSING


def test_events_appended_on_both_sides_are_kept_base_ours_theirs() -> None:
    e0 = {"on": date(2026, 6, 1), "status": "received"}
    e1 = {"on": date(2026, 6, 3), "status": "assigned", "note": "ours"}
    e2 = {"on": date(2026, 6, 2), "status": "assigned", "note": "theirs"}
    value, ok = merge_field([e0], [e0, e1], [e0, e2, e1])
    assert ok and value == [e0, e1, e2]
    _, ok = merge_field([e0], [e1], [e0, e2])  # ours rewrote the log: the audit trail conflicts
    assert not ok


def test_order_follows_the_model() -> None:
    merged, _ = merge_records(
        {"id": "x", "b": 1}, {"id": "x", "b": 1, "c": 3}, {"id": "x", "a": 0, "b": 1}, "abc"
    )
    assert list(merged) == ["a", "b", "c", "id"]


def _write(tmp: Path, name: str, text: str) -> str:
    (tmp / name).write_text(text, encoding="utf-8")
    return str(tmp / name)


M7 = "records/members/M-0007.toml"


def test_merge_files_conflict_marks_the_field(tmp_path: Path) -> None:
    o = _write(tmp_path, "o", 'id = "M-0007"\nname = "覃"\nphone = "13800000000"\n')
    a = _write(tmp_path, "a", 'id = "M-0007"\nname = "覃"\nphone = "13900000000"\n')
    b = _write(tmp_path, "b", 'id = "M-0007"\nname = "覃"\nphone = "13700000000"\n')
    code, lines = merge_files(o, a, b, M7)
    assert code == 1
    assert lines == [f"conflict: {M7}: phone"]
    text = Path(a).read_text(encoding="utf-8")
    assert '<<<<<<< ours\nphone = "13900000000"\n=======\nphone = "13700000000"\n>>>>>>>' in text


def test_merge_files_unreadable_is_a_conflict_and_leaves_ours(tmp_path: Path) -> None:
    o = _write(tmp_path, "o", 'id = "M-0007"\n')
    a = _write(tmp_path, "a", 'id = "M-0007"\nname = \n')
    b = _write(tmp_path, "b", 'id = "M-0007"\nname = "x"\n')
    code, lines = merge_files(o, a, b, M7)
    assert code == 1 and "TOML syntax" in lines[0]
    assert Path(a).read_text(encoding="utf-8") == 'id = "M-0007"\nname = \n'


def test_merge_files_a_merged_record_the_model_refuses_is_a_conflict(
    tmp_path: Path, sample_template: Path
) -> None:
    full = (sample_template / M7).read_text(encoding="utf-8")
    id_line = 'id_number = "451121199303170502"\n'
    base = full.replace(id_line, "")
    o = _write(tmp_path, "o", base)
    # ours corrects the birth date, theirs adds the ID number: each is valid alone, together
    # the ID number's birth date disagrees with birth_date.
    a = _write(tmp_path, "a", base.replace("birth_date = 1993-03-17", "birth_date = 1976-01-01"))
    b = _write(tmp_path, "b", full)
    code, lines = merge_files(o, a, b, M7)
    assert code == 1
    assert len(lines) == 1 and "invalid" in lines[0] and "id_number" in lines[0], lines
    assert "451121199303170502" not in lines[0]
    # with a birth date that agrees, the same merge is clean and canonical
    a = _write(tmp_path, "a", base.replace('plate = "桂JQ3540"', 'plate = "桂JD88888"'))
    code, lines = merge_files(o, a, b, M7)
    assert (code, lines) == (0, [])
    assert Path(a).read_text(encoding="utf-8") == full.replace(
        'plate = "桂JQ3540"', 'plate = "桂JD88888"'
    )


# --- git's merge driver under a plain git pull --------------------------------------------------


def _counties(tmp_path: Path, sample_template: Path) -> tuple[Path, Path, Path]:
    """A bare remote on "the USB drive", county A pushed to it, county B cloned from it."""
    remote = tmp_path / "usb" / "county.git"
    remote.parent.mkdir()
    git(remote.parent, "init", "-q", "--bare", "-b", "main", str(remote))
    a = tmp_path / "a"
    shutil.copytree(sample_template, a, symlinks=True)
    git(a, "remote", "add", "origin", str(remote))
    git(a, "push", "-q", "origin", "main")
    b = tmp_path / "b"
    git(tmp_path, "clone", "-q", str(remote), str(b))
    return remote, a, b


def _edit(path: Path, rel: str, old: str, new: str) -> None:
    f = path / rel
    text = f.read_text(encoding="utf-8")
    assert old in text, (old, text)
    f.write_text(text.replace(old, new), encoding="utf-8")


def _commit(path: Path, message: str = "hand edit") -> None:
    git(path, "commit", "-q", "-am", message)


def _pull(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "pull", "--no-rebase", "--no-edit", "-q", "origin", "main"],
        cwd=path,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )


def test_git_pull_with_the_driver_merges_different_fields_of_one_record(
    tmp_path: Path, sample_template: Path
) -> None:
    _, a, b = _counties(tmp_path, sample_template)
    assert runner_for(b)("install-hook").exit_code == 0
    _edit(a, M7, 'employer = "滴滴出行贺州办事处"', 'employer = "万顺叫车"')
    _commit(a)
    git(a, "push", "-q", "origin", "main")
    _edit(b, M7, 'plate = "桂JQ3540"', 'plate = "桂JD88888"')
    _commit(b)
    r = _pull(b)
    assert r.returncode == 0, r.stderr
    rec = tomllib.loads((b / M7).read_text(encoding="utf-8"))
    assert rec["employer"] == "万顺叫车" and rec["plate"] == "桂JD88888"
    assert git(b, "status", "--porcelain") == ""
    assert len(git(b, "log", "-1", "--format=%P").split()) == 2  # a merge commit
    assert runner_for(b)("validate").exit_code == 0


def test_git_pull_without_the_driver_would_conflict(tmp_path: Path, sample_template: Path) -> None:
    """The same edits as above are a line conflict for git's own text merge (adjacent lines),
    which shows the driver test above can fail."""
    _, a, b = _counties(tmp_path, sample_template)
    _edit(a, M7, 'employer = "滴滴出行贺州办事处"', 'employer = "万顺叫车"')
    _commit(a)
    git(a, "push", "-q", "origin", "main")
    _edit(b, M7, 'plate = "桂JQ3540"', 'plate = "桂JD88888"')
    _commit(b)
    assert _pull(b).returncode != 0


def test_git_pull_with_the_driver_leaves_a_same_field_conflict_to_git(
    tmp_path: Path, sample_template: Path
) -> None:
    _, a, b = _counties(tmp_path, sample_template)
    assert runner_for(b)("install-hook").exit_code == 0
    _edit(a, M7, 'phone = "18094455087"', 'phone = "13912345678"')
    _commit(a)
    git(a, "push", "-q", "origin", "main")
    _edit(b, M7, 'phone = "18094455087"', 'phone = "13887654321"')
    _edit(b, M7, 'plate = "桂JQ3540"', 'plate = "桂JD88888"')
    _commit(b)
    r = _pull(b)
    assert r.returncode != 0
    assert f"error: conflict: {M7}: phone" in r.stderr
    assert "13912345678" not in r.stderr and "13887654321" not in r.stderr  # no personal data
    assert (b / ".git" / "MERGE_HEAD").exists()
    assert "UU " + M7 in git(b, "status", "--porcelain")
    text = (b / M7).read_text(encoding="utf-8")
    assert 'phone = "13887654321"\n=======\nphone = "13912345678"' in text
    assert 'plate = "桂JD88888"' in text  # the other field still merged


def test_merge_driver_never_prints_a_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "driverparty", "merge-driver", "/nonexistent/o", "x", "y", M7],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        encoding="utf-8",
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: ")


# --- driverparty sync ---------------------------------------------------------------------------


def _snapshot(path: Path) -> dict[str, object]:
    """Everything `sync` must leave as it was on failure: HEAD, the branch, the index, the
    status, every file's bytes, and no merge in progress."""
    files = {
        str(p.relative_to(path)): p.read_bytes()
        for p in sorted(path.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(path).parts
    }
    return {
        "head": git(path, "rev-parse", "HEAD"),
        "branch": git(path, "symbolic-ref", "HEAD"),
        "index": git(path, "ls-files", "-s"),
        "status": git(path, "status", "--porcelain", "--untracked-files=all"),
        "files": files,
        "merging": (path / ".git" / "MERGE_HEAD").exists(),
    }


def _remote_head(remote: Path) -> str:
    return git(remote, "rev-parse", "refs/heads/main").strip()


def _head(path: Path) -> str:
    return git(path, "rev-parse", "HEAD").strip()


def _member(run: object, name: str, *extra: str) -> str:
    r = run(
        "member", "add", "--name", name, "--occupation", "truck", "--stage", "applicant", *extra
    )  # type: ignore[operator]
    assert r.exit_code == 0, r.stderr
    return str(r.stdout.strip())


def test_sync_without_a_remote_is_exit_3(dp) -> None:
    r = dp("sync")
    assert r.exit_code == 3
    assert r.stderr.startswith("error: no remote to sync with")
    assert len(r.stderr.strip().splitlines()) == 1


def test_sync_with_an_unreachable_remote_is_exit_3_and_changes_nothing(repo: Path, dp) -> None:
    git(repo, "remote", "add", "origin", str(repo.parent / "no-such-drive" / "county.git"))
    before = _snapshot(repo)
    r = dp("sync")
    assert r.exit_code == 3, r.stderr
    assert r.stderr.startswith("error: cannot fetch from remote origin: ")
    assert len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.stderr
    assert _snapshot(repo) == before


def test_sync_with_an_unknown_remote_name_is_exit_3(tmp_path: Path, sample_template: Path) -> None:
    _, a, _ = _counties(tmp_path, sample_template)
    r = runner_for(a)("sync", "--remote", "city")
    assert r.exit_code == 3
    assert "no remote named city" in r.stderr


def test_first_sync_pushes_to_an_empty_bare_remote(repo: Path, tmp_path: Path) -> None:
    remote = tmp_path / "usb.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    git(repo, "remote", "add", "origin", str(remote))
    r = runner_for(repo)("sync")
    assert r.exit_code == 0, r.stderr
    assert "first push" in r.stderr
    assert _remote_head(remote) == _head(repo)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(remote), str(clone))
    assert (clone / M7).read_bytes() == (repo / M7).read_bytes()
    r = runner_for(repo)("sync")  # and again: nothing to do
    assert r.exit_code == 0, r.stderr
    assert "already up to date" in r.stderr


def test_sync_fast_forwards_to_the_other_countys_changes(
    tmp_path: Path, sample_template: Path
) -> None:
    remote, a, b = _counties(tmp_path, sample_template)
    da, db = runner_for(a), runner_for(b)
    assert da("member", "update", "M-0007", "--employer", "万顺叫车").exit_code == 0
    new = _member(da, "蒙师傅")
    r = da("sync")
    assert r.exit_code == 0, r.stderr
    assert "pushed main to origin" in r.stderr
    assert _remote_head(remote) == _head(a)
    r = db("sync")
    assert r.exit_code == 0, r.stderr
    assert "fast-forwarded to origin/main" in r.stderr
    assert r.stdout == ""
    assert _head(b) == _head(a)
    assert (b / f"records/members/{new}.toml").read_bytes() == (
        a / f"records/members/{new}.toml"
    ).read_bytes()
    assert git(b, "status", "--porcelain") == ""


def test_sync_merges_different_fields_of_one_record(tmp_path: Path, sample_template: Path) -> None:
    remote, a, b = _counties(tmp_path, sample_template)
    da, db = runner_for(a), runner_for(b)
    assert da("member", "update", "M-0007", "--employer", "万顺叫车").exit_code == 0
    assert da("sync").exit_code == 0
    assert db("member", "update", "M-0007", "--plate", "桂JD88888").exit_code == 0
    assert db("station", "update", "S-0010", "--hours", "24h").exit_code == 0
    count = commit_count(b)
    r = db("sync")
    assert r.exit_code == 0, r.stderr
    assert "merged origin/main and pushed" in r.stderr
    assert f"merged {M7} field by field" in r.stderr
    rec = tomllib.loads((b / M7).read_text(encoding="utf-8"))
    assert rec["employer"] == "万顺叫车" and rec["plate"] == "桂JD88888"
    assert head_subject(b) == "sync merge origin/main"
    body = git(b, "log", "-1", "--format=%B")
    assert "Driverparty-Action: sync" in body and "Driverparty-Record: members/M-0007" in body
    assert len(git(b, "log", "-1", "--format=%P").split()) == 2
    assert commit_count(b) == count + 2  # a's commit and the merge
    assert _remote_head(remote) == _head(b)
    assert git(b, "status", "--porcelain") == ""
    assert db("validate").exit_code == 0
    # the merged file is canonical: writing it again changes no byte
    expected = (b / M7).read_bytes()
    assert db("member", "update", "M-0007", "--plate", "桂JD88888").exit_code == 0
    assert (b / M7).read_bytes() == expected
    # and county A gets it all by fast-forward
    assert da("sync").exit_code == 0
    assert (a / M7).read_bytes() == expected


def test_sync_conflict_leaves_everything_exactly_as_before(
    tmp_path: Path, sample_template: Path
) -> None:
    remote, a, b = _counties(tmp_path, sample_template)
    da, db = runner_for(a), runner_for(b)
    assert da("member", "update", "M-0007", "--phone", "13912345678").exit_code == 0
    assert da("member", "update", "M-0012", "--employer", "货拉拉").exit_code == 0
    assert da("sync").exit_code == 0
    pushed = _remote_head(remote)
    assert db("member", "update", "M-0007", "--phone", "13887654321").exit_code == 0
    assert db("member", "update", "M-0007", "--plate", "桂JD88888").exit_code == 0
    before = _snapshot(b)
    r = db("sync")
    assert r.exit_code == 1
    lines = r.stderr.strip().splitlines()
    assert lines[0] == f"error: conflict: {M7}: phone"
    assert all(line.startswith("error: ") for line in lines)
    assert "13912345678" not in r.stderr and "13887654321" not in r.stderr
    assert "138****" not in r.stderr
    assert r.stdout == ""
    assert _snapshot(b) == before
    assert _remote_head(remote) == pushed  # nothing pushed


def _full_member(run: object, name: str) -> str:
    return _member(
        run, name, "--stage", "full", "--probationary-on", "2020-01-02", "--full-on", "2021-01-02"
    )


def test_both_sides_add_m_0061_local_is_renumbered_and_references_follow(
    tmp_path: Path, sample_template: Path
) -> None:
    remote, a, b = _counties(tmp_path, sample_template)
    da, db = runner_for(a), runner_for(b)
    assert _member(da, "蒙师傅") == "M-0061"
    assert _member(da, "韦师傅") == "M-0062"
    assert da("member", "remove", "M-0062").exit_code == 0  # A used M-0062: never reused
    assert da("sync").exit_code == 0
    assert _full_member(db, "黄师傅") == "M-0061"
    assert db("member", "update", "M-0061", "--station", "S-0010").exit_code == 0
    assert db("branch", "update", "B-0007", "--secretary", "M-0061").exit_code == 0
    # a list reference follows too: M-0061 mentors the activist M-0009 (issue 21)
    assert db("member", "update", "M-0009", "--contacts", "M-0005,M-0061").exit_code == 0
    r = db(
        "petition", "add", "--received", "2026-06-01", "--channel", "hotline",
        "--category", "repair", "--summary", "刹车维修", "--member", "M-0061",
    )  # fmt: skip
    assert r.exit_code == 0, r.stderr
    petition = r.stdout.strip()
    local_head = _head(b)
    r = db("sync")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "renumbered member M-0061 → M-0063\n"
    # the renumbering is its own commit, before the merge
    parents = git(b, "log", "-1", "--format=%P").split()
    assert len(parents) == 2
    assert git(b, "log", "-1", "--format=%s", parents[0]).strip() == (
        "member renumber M-0061 → M-0063"
    )
    assert git(b, "log", "-1", "--format=%P", parents[0]).strip() == local_head
    body = git(b, "log", "-1", "--format=%B", parents[0])
    assert "Driverparty-Action: renumber" in body
    assert "Driverparty-Renumbered: members/M-0061 members/M-0063" in body
    for rec_line in (
        "members/M-0063",
        f"petitions/{petition}",
        "branches/B-0007",
        "members/M-0009",
    ):
        assert f"Driverparty-Record: {rec_line}" in body
    # both records are there, each under its own id, and the references follow ours
    ours = tomllib.loads((b / "records/members/M-0063.toml").read_text(encoding="utf-8"))
    theirs = tomllib.loads((b / "records/members/M-0061.toml").read_text(encoding="utf-8"))
    assert (ours["name"], ours["id"], ours["station"]) == ("黄师傅", "M-0063", "S-0010")
    assert theirs["name"] == "蒙师傅"
    assert not (b / "records/members/M-0062.toml").exists()
    pet = tomllib.loads((b / f"records/petitions/{petition}.toml").read_text(encoding="utf-8"))
    assert pet["member"] == "M-0063"
    branch = tomllib.loads((b / "records/branches/B-0007.toml").read_text(encoding="utf-8"))
    assert branch["secretary"] == "M-0063"
    mentee = tomllib.loads((b / "records/members/M-0009.toml").read_text(encoding="utf-8"))
    assert mentee["contacts"] == ["M-0005", "M-0063"]
    assert db("validate").exit_code == 0
    assert _remote_head(remote) == _head(b)
    assert git(b, "status", "--porcelain") == ""
    # the next id here goes on past every id either side used
    assert _member(db, "李师傅") == "M-0064"
    # and the history of the renumbered member reaches back to its first id
    hist = db("member", "history", "M-0063", "--format", "json")
    assert hist.exit_code == 0, hist.stderr
    assert '"renumber"' in hist.stdout


def test_same_phone_under_two_ids_is_refused_and_nothing_changes(
    tmp_path: Path, sample_template: Path
) -> None:
    remote, a, b = _counties(tmp_path, sample_template)
    da, db = runner_for(a), runner_for(b)
    assert _member(da, "蒙师傅", "--phone", "13912345678") == "M-0061"
    assert da("sync").exit_code == 0
    pushed = _remote_head(remote)
    assert _member(db, "蒙大勇", "--phone", "13912345678") == "M-0061"
    before = _snapshot(b)
    r = db("sync")
    assert r.exit_code == 1
    assert (
        "error: records/members/M-0061.toml: phone: the same phone number is also used by "
        "M-0062" in r.stderr
    )
    assert "error: records/members/M-0062.toml: phone" in r.stderr
    assert "13912345678" not in r.stderr
    assert r.stdout == ""  # the renumbering was not kept either
    assert _snapshot(b) == before
    assert _remote_head(remote) == pushed


def test_a_reference_to_a_branch_the_other_side_removed_is_refused(
    tmp_path: Path, sample_template: Path
) -> None:
    remote, a, b = _counties(tmp_path, sample_template)
    da, db = runner_for(a), runner_for(b)
    assert da("branch", "remove", "B-0007").exit_code == 0
    assert da("sync").exit_code == 0
    pushed = _remote_head(remote)
    assert db("member", "update", "M-0007", "--branch", "B-0007").exit_code == 0
    before = _snapshot(b)
    r = db("sync")
    assert r.exit_code == 1
    assert f"error: {M7}: branch: no branch B-0007" in r.stderr
    assert _snapshot(b) == before
    assert _remote_head(remote) == pushed


def test_uncommitted_record_edits_refuse_sync_before_anything(
    tmp_path: Path, sample_template: Path
) -> None:
    remote, a, b = _counties(tmp_path, sample_template)
    assert runner_for(a)("member", "update", "M-0012", "--employer", "货拉拉").exit_code == 0
    assert runner_for(a)("sync").exit_code == 0
    _edit(b, M7, 'plate = "桂JQ3540"', 'plate = "桂JD88888"')
    before = _snapshot(b)
    tracking = git(b, "rev-parse", "refs/remotes/origin/main")
    r = runner_for(b)("sync")
    assert r.exit_code == 1
    assert "uncommitted changes under records/" in r.stderr and M7 in r.stderr
    assert _snapshot(b) == before
    assert git(b, "rev-parse", "refs/remotes/origin/main") == tracking  # not even fetched


def test_unrelated_histories_are_exit_3(tmp_path: Path, sample_template: Path) -> None:
    _, a, _ = _counties(tmp_path, sample_template)
    other = make_repo(tmp_path / "other", county="平桂区")
    git(other, "remote", "add", "origin", str(a))
    before = _snapshot(other)
    r = runner_for(other)("sync")
    assert r.exit_code == 3
    assert "shares no history" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert _snapshot(other) == before


def test_a_record_added_identically_on_both_sides_is_not_renumbered(
    tmp_path: Path, sample_template: Path
) -> None:
    _, a, b = _counties(tmp_path, sample_template)
    da, db = runner_for(a), runner_for(b)
    assert _member(da, "蒙师傅") == "M-0061"
    assert da("sync").exit_code == 0
    assert _member(db, "蒙师傅") == "M-0061"  # the same bytes: one record, not two
    assert db("member", "update", "M-0007", "--plate", "桂JD88888").exit_code == 0
    r = db("sync")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    assert not (b / "records/members/M-0062.toml").exists()


def test_events_appended_on_both_sides_are_merged_by_sync(
    tmp_path: Path, sample_template: Path
) -> None:
    """Hand commits each append a follow-up note to one petition's log (status unchanged):
    sync keeps the base's events, then ours', then theirs'."""
    _, a, b = _counties(tmp_path, sample_template)
    p1 = "records/petitions/P-0001.toml"
    note = '\n[[events]]\non = 2026-06-{day}\nstatus = "closed"\nnote = "{text}"\nby = "{by}"\n'
    with open(a / p1, "a", encoding="utf-8") as fh:
        fh.write(note.format(day="20", text="再次回访", by="莫干事"))
    _commit(a)
    assert runner_for(a)("sync").exit_code == 0
    with open(b / p1, "a", encoding="utf-8") as fh:
        fh.write(note.format(day="21", text="电话回访", by="钟干事"))
    _commit(b)
    r = runner_for(b)("sync")
    assert r.exit_code == 0, r.stderr
    events = tomllib.loads((b / p1).read_text(encoding="utf-8"))["events"]
    assert [e.get("note") for e in events[-2:]] == ["电话回访", "再次回访"]  # ours, then theirs
    assert len(events) == 7  # received, assigned, resolved, callback, closed, and the two


def test_merge_driver_refuses_a_version_over_1_mib_as_a_conflict(tmp_path: Path) -> None:
    record = (ROOT / M7).read_bytes()
    for name in ("o", "a"):
        (tmp_path / name).write_bytes(record)
    (tmp_path / "b").write_bytes(record + b'notes = "' + b"x" * (1 << 20) + b'"\n')
    proc = subprocess.run(
        [sys.executable, "-m", "driverparty", "merge-driver", "o", "a", "b", M7],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        encoding="utf-8",
    )
    assert proc.returncode == 1
    assert "too large" in proc.stderr and "Traceback" not in proc.stderr
    assert (tmp_path / "a").read_bytes() == record
