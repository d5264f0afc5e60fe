"""Nothing lost (issue 16): ids that HEAD still holds are never handed out again, a killed or
interrupted import leaves nothing behind, a live git ``index.lock`` is never deleted, and a
full disk, a file-size limit or a read-only folder is a plain exit 3 that a failed rollback
does not hide. Each case is listed in SECURITY.md.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import Run, git

ADD = ("member", "add", "--occupation", "truck", "--stage", "applicant")


def env_without_debug(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DRIVERPARTY_DEBUG"}
    env.update(extra)
    return env


def one_line_errors(stderr: str) -> list[str]:
    lines = stderr.splitlines()
    assert lines and all(line.startswith(("error: ", "note: ")) for line in lines), stderr
    assert "Traceback" not in stderr and "unexpected" not in stderr, stderr
    return lines


# --- 16.1: an id that HEAD (or the index) still holds is never handed out again ---------------


def test_a_record_deleted_by_hand_keeps_its_id(dp: Run, repo: Path) -> None:
    (repo / "records/members/M-0060.toml").unlink()  # by hand, not committed
    r = dp(*ADD, "--name", "新人")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "M-0061\n"
    # the deletion is still the clerk's to commit; the new person did not take M-0060's life
    assert "M-0060" not in git(repo, "show", "--stat", "HEAD")


def test_a_record_removed_from_the_index_keeps_its_id(dp: Run, repo: Path) -> None:
    git(repo, "rm", "-q", "records/members/M-0060.toml")  # staged, not committed
    assert dp(*ADD, "--name", "新人").stdout == "M-0061\n"


def test_a_record_added_to_the_index_then_deleted_keeps_its_id(dp: Run, repo: Path) -> None:
    path = repo / "records/members/M-0070.toml"
    path.write_text((repo / "records/members/M-0060.toml").read_text().replace("M-0060", "M-0070"))
    git(repo, "add", str(path))
    path.unlink()
    assert dp(*ADD, "--name", "新人").stdout == "M-0071\n"


def test_import_counts_ids_deleted_by_hand(dp: Run, repo: Path) -> None:
    (repo / "records/petitions/P-0040.toml").unlink()
    rows = "received,channel,category,summary\n2026-06-01,hotline,repair,一\n"
    r = dp("import", "petition", "-", "--format", "csv", input=rows)
    assert r.exit_code == 0, r.stderr
    assert (repo / "records/petitions/P-0041.toml").exists()
    assert not (repo / "records/petitions/P-0040.toml").exists()
