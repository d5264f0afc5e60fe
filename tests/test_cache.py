"""The blob-keyed record cache never changes what a command answers (issue 8)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import Run, git

CACHE = ".git/driverparty/cache.sqlite"


def listing(dp: Run) -> str:
    r = dp("member", "list", "--format", "csv", "--all", "--reveal")
    assert r.exit_code == 0, r.stderr
    return r.stdout


def test_a_second_read_answers_the_same_from_the_cache(dp: Run, repo: Path) -> None:
    first = listing(dp)
    assert (repo / CACHE).exists()
    rows = sqlite3.connect(repo / CACHE).execute("SELECT count(*) FROM records").fetchone()
    assert rows[0] == 60
    assert listing(dp) == first
    assert (repo / CACHE).stat().st_mode & 0o077 == 0  # owner only


def test_a_corrupt_cache_is_rebuilt(dp: Run, repo: Path) -> None:
    first = listing(dp)
    (repo / CACHE).write_bytes(b"not a database at all" * 100)
    for suffix in ("-wal", "-shm"):
        Path(str(repo / CACHE) + suffix).unlink(missing_ok=True)
    assert listing(dp) == first
    assert dp("validate").exit_code == 0


def test_hand_edits_are_seen_committed_or_not(dp: Run, repo: Path) -> None:
    listing(dp)
    m2 = repo / "records/members/M-0002.toml"
    m2.write_text(m2.read_text() + 'notes = "手工修改"\n')
    assert "手工修改" in listing(dp)
    git(repo, "commit", "-qam", "hand edit")
    assert "手工修改" in listing(dp)
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    assert "手工修改" not in listing(dp)


def test_a_record_removed_by_hand_leaves_the_cache(dp: Run, repo: Path) -> None:
    listing(dp)
    git(repo, "rm", "-q", "records/members/M-0060.toml")
    git(repo, "commit", "-qm", "remove")
    assert "M-0060" not in listing(dp)
    paths = [p for (p,) in sqlite3.connect(repo / CACHE).execute("SELECT path FROM records")]
    assert "records/members/M-0060.toml" not in paths


def test_moving_today_back_revalidates_cached_records(dp: Run) -> None:
    assert dp("validate").exit_code == 0  # fills the cache as of 2026-06-30
    r = dp("validate", env={"DRIVERPARTY_TODAY": "2025-01-01"})
    assert r.exit_code == 1 and "is after today (2025-01-01)" in r.stdout


WHERES = [
    ("member", ["stage=full", "occupation=truck"]),
    ("member", ["stage!=full"]),
    ("member", ["branch="]),
    ("member", ["branch!="]),
    ("member", ["branch=B-0002", "verification="]),
    ("member", ["applied_on<2020-01-01"]),
    ("member", ["full_on>=2024-01-01"]),
    ("member", ["verified_on<=2025-12-21"]),
    ("member", ["name~志"]),
    ("member", ["tags=volunteer", "stage=full"]),
    ("member", ["mobile=true"]),
    ("petition", ["satisfaction>=4"]),
    ("petition", ["satisfaction!=5"]),
    ("petition", ["status=assigned", "due<2026-06-30"]),
    ("station", ["kind=yizhan"]),
    ("branch", ["kind!=committee"]),
]


@pytest.mark.parametrize(("kind", "wheres"), WHERES, ids=[" ".join(w) for _, w in WHERES])
def test_a_filtered_listing_from_the_cache_is_the_listing_from_the_files(
    dp: Run, repo: Path, kind: str, wheres: list[str]
) -> None:
    """The cache skips records an SQL test says cannot match; it must skip no other."""
    args = [kind, "list", "--all", "--format", "csv", "--reveal"]
    for w in wheres:
        args += ["--where", w]
    (repo / ".git/driverparty/cache.sqlite").unlink(missing_ok=True)
    from_files = dp(*args)
    from_cache = dp(*args)
    assert from_files.exit_code == from_cache.exit_code == 0, from_cache.output
    assert from_cache.stdout == from_files.stdout
    every = dp(kind, "list", "--all", "--format", "csv", "--reveal").stdout.splitlines()
    assert 1 <= len(from_cache.stdout.splitlines()) <= len(every)


def party(dp: Run) -> int:
    import json

    r = dp("summary", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    return next(x["value"] for x in rows if (x["section"], x["metric"]) == ("members", "party"))


def test_a_remembered_summary_follows_every_change_to_what_it_counts(dp: Run, repo: Path) -> None:
    """Summaries are remembered per fingerprint of the records; a remembered figure must
    never outlive a change: a hand edit, an untracked file, a commit, the settings."""
    assert party(dp) == party(dp) == 42
    m = repo / "records/members/M-0024.toml"  # a full member leaves, by hand
    m.write_text(m.read_text() + 'left_on = 2026-06-01\nleft_reason = "迁出"\n')
    assert dp("validate").exit_code == 0, dp("validate").output
    assert party(dp) == 41  # modified, uncommitted
    git(repo, "commit", "-qam", "hand edit")
    assert party(dp) == party(dp) == 41  # committed
    extra = repo / "records/members/M-0099.toml"
    lines = (repo / "records/members/M-0007.toml").read_text().splitlines()
    extra.write_text(
        "\n".join(
            'id = "M-0099"' if line.startswith("id =") else line
            for line in lines
            if not line.startswith(("phone", "id_number"))
        )
        + "\n"
    )
    assert party(dp) == 42  # untracked
    extra.unlink()
    assert party(dp) == 41
    git(repo, "rm", "-q", "records/members/M-0007.toml")
    assert party(dp) == 40  # staged removal
    git(repo, "reset", "-q", "--hard")
    assert party(dp) == 41
    (repo / "driverparty.toml").write_text(
        (repo / "driverparty.toml").read_text().replace("county =", "county =", 1) + "\n"
    )
    assert party(dp) == 41
    assert "members,party,42" in dp("summary", "--as-of", "2026-05-31", "--format", "csv").stdout
