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
from tests.conftest import git, runner_for

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
    (tmp / name).write_text(text)
    return str(tmp / name)


M7 = "records/members/M-0007.toml"


def test_merge_files_conflict_marks_the_field(tmp_path: Path) -> None:
    o = _write(tmp_path, "o", 'id = "M-0007"\nname = "覃"\nphone = "13800000000"\n')
    a = _write(tmp_path, "a", 'id = "M-0007"\nname = "覃"\nphone = "13900000000"\n')
    b = _write(tmp_path, "b", 'id = "M-0007"\nname = "覃"\nphone = "13700000000"\n')
    code, lines = merge_files(o, a, b, M7)
    assert code == 1
    assert lines == [f"conflict: {M7}: phone"]
    text = Path(a).read_text()
    assert '<<<<<<< ours\nphone = "13900000000"\n=======\nphone = "13700000000"\n>>>>>>>' in text


def test_merge_files_unreadable_is_a_conflict_and_leaves_ours(tmp_path: Path) -> None:
    o = _write(tmp_path, "o", 'id = "M-0007"\n')
    a = _write(tmp_path, "a", 'id = "M-0007"\nname = \n')
    b = _write(tmp_path, "b", 'id = "M-0007"\nname = "x"\n')
    code, lines = merge_files(o, a, b, M7)
    assert code == 1 and "TOML syntax" in lines[0]
    assert Path(a).read_text() == 'id = "M-0007"\nname = \n'


def test_merge_files_a_merged_record_the_model_refuses_is_a_conflict(
    tmp_path: Path, sample_template: Path
) -> None:
    full = (sample_template / M7).read_text()
    id_line = 'id_number = "451102197502190786"\n'
    base = full.replace(id_line, "")
    o = _write(tmp_path, "o", base)
    # ours corrects the birth date, theirs adds the ID number: each is valid alone, together
    # the ID number's birth date disagrees with birth_date.
    a = _write(tmp_path, "a", base.replace("birth_date = 1975-02-19", "birth_date = 1976-01-01"))
    b = _write(tmp_path, "b", full)
    code, lines = merge_files(o, a, b, M7)
    assert code == 1
    assert len(lines) == 1 and "invalid" in lines[0] and "id_number" in lines[0], lines
    assert "451102197502190786" not in lines[0]
    # with a birth date that agrees, the same merge is clean and canonical
    a = _write(tmp_path, "a", base.replace('plate = "桂JD73663"', 'plate = "桂JD88888"'))
    code, lines = merge_files(o, a, b, M7)
    assert (code, lines) == (0, [])
    assert Path(a).read_text() == full.replace('plate = "桂JD73663"', 'plate = "桂JD88888"')


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
    text = f.read_text()
    assert old in text, (old, text)
    f.write_text(text.replace(old, new))


def _commit(path: Path, message: str = "hand edit") -> None:
    git(path, "commit", "-q", "-am", message)


def _pull(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "pull", "--no-rebase", "--no-edit", "-q", "origin", "main"],
        cwd=path,
        capture_output=True,
        text=True,
    )


def test_git_pull_with_the_driver_merges_different_fields_of_one_record(
    tmp_path: Path, sample_template: Path
) -> None:
    _, a, b = _counties(tmp_path, sample_template)
    assert runner_for(b)("install-hook").exit_code == 0
    _edit(a, M7, 'employer = "滴滴出行贺州办事处"', 'employer = "万顺叫车"')
    _commit(a)
    git(a, "push", "-q", "origin", "main")
    _edit(b, M7, 'plate = "桂JD73663"', 'plate = "桂JD88888"')
    _commit(b)
    r = _pull(b)
    assert r.returncode == 0, r.stderr
    rec = tomllib.loads((b / M7).read_text())
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
    _edit(b, M7, 'plate = "桂JD73663"', 'plate = "桂JD88888"')
    _commit(b)
    assert _pull(b).returncode != 0


def test_git_pull_with_the_driver_leaves_a_same_field_conflict_to_git(
    tmp_path: Path, sample_template: Path
) -> None:
    _, a, b = _counties(tmp_path, sample_template)
    assert runner_for(b)("install-hook").exit_code == 0
    _edit(a, M7, 'phone = "17852614267"', 'phone = "13912345678"')
    _commit(a)
    git(a, "push", "-q", "origin", "main")
    _edit(b, M7, 'phone = "17852614267"', 'phone = "13887654321"')
    _edit(b, M7, 'plate = "桂JD73663"', 'plate = "桂JD88888"')
    _commit(b)
    r = _pull(b)
    assert r.returncode != 0
    assert f"error: conflict: {M7}: phone" in r.stderr
    assert "13912345678" not in r.stderr and "13887654321" not in r.stderr  # no personal data
    assert (b / ".git" / "MERGE_HEAD").exists()
    assert "UU " + M7 in git(b, "status", "--porcelain")
    text = (b / M7).read_text()
    assert 'phone = "13887654321"\n=======\nphone = "13912345678"' in text
    assert 'plate = "桂JD88888"' in text  # the other field still merged


def test_merge_driver_never_prints_a_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "driverparty", "merge-driver", "/nonexistent/o", "x", "y", M7],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: ")
