"""The blob-keyed record cache never changes what a command answers (issue 8)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import Run, git, runner_for

CACHE = ".git/driverparty/cache.sqlite"


def listing(dp: Run) -> str:
    r = dp("member", "list", "--format", "csv", "--all", "--reveal")
    assert r.exit_code == 0, r.stderr
    return r.stdout


def test_a_second_read_answers_the_same_from_the_cache(dp: Run, repo: Path) -> None:
    first = listing(dp)
    assert (repo / CACHE).exists()
    rows = sqlite3.connect(repo / CACHE).execute("SELECT count(*) FROM records_member").fetchone()
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
    m2.write_text(m2.read_text(encoding="utf-8") + 'notes = "手工修改"\n', encoding="utf-8")
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
    paths = [
        p for (p,) in sqlite3.connect(repo / CACHE).execute("SELECT _path FROM records_member")
    ]
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
    ("station", ["kind=驿站,司机之家"]),  # Chinese words, any of them (issue 21)
    ("branch", ["kind!=committee"]),
    ("petition", ["status=received,assigned"]),
    ("petition", ["status!=received,已转办", "kind=wish"]),
    ("member", ["stage!=full,probationary", "gender=女"]),
    ("member", ["left_kind=not_member,moved"]),
    ("petition", ["callback=satisfied,basic"]),
    ("station", ["amenities=mailbox,shower"]),
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
    assert party(dp) == party(dp) == 40
    m = repo / "records/members/M-0020.toml"  # a full member leaves, by hand
    m.write_text(
        m.read_text(encoding="utf-8") + 'left_on = 2026-06-01\nleft_reason = "迁出"\n',
        encoding="utf-8",
    )
    assert dp("validate").exit_code == 0, dp("validate").output
    assert party(dp) == 39  # modified, uncommitted
    git(repo, "commit", "-qam", "hand edit")
    assert party(dp) == party(dp) == 39  # committed
    extra = repo / "records/members/M-0099.toml"
    lines = (repo / "records/members/M-0007.toml").read_text(encoding="utf-8").splitlines()
    extra.write_text(
        "\n".join(
            'id = "M-0099"' if line.startswith("id =") else line
            for line in lines
            if not line.startswith(("phone", "id_number"))
        )
        + "\n",
        encoding="utf-8",
    )
    assert party(dp) == 40  # untracked
    extra.unlink()
    assert party(dp) == 39
    git(repo, "rm", "-q", "records/members/M-0007.toml")
    assert party(dp) == 38  # staged removal
    git(repo, "reset", "-q", "--hard")
    assert party(dp) == 39
    (repo / "driverparty.toml").write_text(
        (repo / "driverparty.toml").read_text(encoding="utf-8").replace("county =", "county =", 1)
        + "\n",
        encoding="utf-8",
    )
    assert party(dp) == 39
    assert "members,party,40" in dp("summary", "--as-of", "2026-05-31", "--format", "csv").stdout


# --- the listing answered by the cache alone (issue 8) -------------------------------------

FAST = [
    ["member", "list", "--where", "stage=full", "--where", "occupation=truck"],
    ["member", "list", "--all", "--where", "verified_on<2026-01-01", "--sort", "-verified_on"],
    ["member", "list", "--where", "mobile=true", "--fields", "id,phone,id_number,tags"],
    ["petition", "list", "--where", "satisfaction>=4"],
    ["petition", "list", "--where", "category=repair", "--sort", "due,id"],
    ["petition", "list", "--where", "status=已收集,assigned", "--fields", "id,status,due"],
    ["station", "list"],
    ["branch", "list", "--all", "--where", "kind!=committee", "--limit", "3"],
]


def imports_of(repo: Path, *args: str) -> tuple[str, bool]:
    """Run the real driverparty in a fresh interpreter: its stdout, and whether it imported
    pydantic (which reading any record file needs; the cache alone does not)."""
    code = (
        "import sys\nfrom driverparty.cli.main import main\n"
        f"sys.argv = ['driverparty', '--repo', {str(repo)!r}, *{list(args)!r}]\n"
        "try:\n    main()\nfinally:\n    sys.stderr.write(str('pydantic' in sys.modules))\n"
    )
    p = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, encoding="utf-8"
    )
    assert p.returncode == 0, p.stderr
    return p.stdout, p.stderr.endswith("True")


FORMATS = ["table", "json", "jsonl", "csv", "tsv"]
#: every format on the first listing, and each other listing in one format
CASES = [(FAST[0], f) for f in FORMATS] + [(a, FORMATS[n % 5]) for n, a in enumerate(FAST[1:])]


@pytest.mark.parametrize(
    ("args", "fmt"), CASES, ids=[f"{' '.join(a[:2] + a[3:4])} {f}" for a, f in CASES]
)
def test_a_listing_from_the_cache_alone_is_the_listing_from_the_files(
    repo: Path, args: list[str], fmt: str
) -> None:
    """The first listing reads the files and vouches for the cache; the next one answers
    from the cache without reading a record (so without pydantic), and says the same —
    in every format, masked, revealed and in Chinese."""
    variants = [["--format", fmt], ["--format", fmt, "--reveal"]]
    if fmt == "table":
        variants.append(["--format", fmt])
    for n, extra in enumerate(variants):
        lang = ["--lang", "zh"] if n == 2 else []
        (repo / CACHE).unlink(missing_ok=True)
        from_files, parsed = imports_of(repo, *lang, *args, *extra)
        from_cache, parsed_again = imports_of(repo, *lang, *args, *extra)
        assert parsed and not parsed_again
        assert from_cache == from_files
        assert from_cache.strip()


def fast(repo: Path) -> tuple[str, bool]:
    out, parsed = imports_of(repo, "member", "list", "--all", "--format", "csv", "--reveal")
    return out, not parsed


def test_the_cache_alone_answers_only_while_git_shows_nothing_changed(repo: Path) -> None:
    """Every way the member files can change stops the cache from answering alone until a
    full read has looked again; and what is listed is what the files say."""
    first, _ = fast(repo)
    assert fast(repo) == (first, True)
    m2 = repo / "records/members/M-0002.toml"
    original = m2.read_text(encoding="utf-8")

    m2.write_text(
        original.replace('name = "', 'name = "改', 1), encoding="utf-8"
    )  # edited, not committed
    out, answered = fast(repo)
    assert not answered and "改" in out
    assert fast(repo) == (out, False)  # still differs from the index: read each time
    git(repo, "commit", "-qam", "edit")  # committed by hand: a new listing
    assert fast(repo) == (out, False)
    assert fast(repo) == (out, True)

    git(repo, "reset", "-q", "--hard", "HEAD~1")  # back: the listing the cache knew before
    assert fast(repo) == (first, False)  # the edit's row replaced the old one: read again
    assert fast(repo) == (first, True)

    extra = repo / "records/members/M-0999.toml"  # a new file git does not track
    extra.write_text(original.replace('id = "M-0002"', 'id = "M-0999"'), encoding="utf-8")
    out, answered = fast(repo)
    assert not answered and "M-0999" in out
    extra.unlink()
    m2.unlink()  # deleted, not committed
    out, answered = fast(repo)
    assert not answered and "M-0002" not in out
    git(repo, "checkout", "--", "records/members/M-0002.toml")
    assert fast(repo)[0] == first
    assert fast(repo) == (first, True)

    git(repo, "rm", "-q", "--cached", "records/members/M-0002.toml")  # untracked, still there
    assert fast(repo) == (first, False)
    git(repo, "reset", "-q")
    assert fast(repo)[0] == first


def test_the_cache_alone_never_answers_past_a_broken_file_or_settings(repo: Path) -> None:
    fast(repo)
    assert fast(repo)[1]
    m3 = repo / "records/members/M-0003.toml"
    m3.write_text(
        m3.read_text(encoding="utf-8").replace('stage = "', 'stage = "x', 1), encoding="utf-8"
    )
    git(repo, "commit", "-qam", "a broken record, committed")
    for _ in range(2):
        r = runner_for(repo)("member", "list", "--all", "--format", "csv")
        assert r.exit_code == 1 and "records/members/M-0003.toml: stage" in r.stderr
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    fast(repo)
    assert fast(repo)[1]
    (repo / "driverparty.toml").write_text(
        'county = "x"\n[petitions]\ndue_dayz = 3\n', encoding="utf-8"
    )
    r = runner_for(repo)("member", "list")
    assert r.exit_code == 1 and "due_dayz: unknown key" in r.stderr
    git(repo, "checkout", "--", "driverparty.toml")
    assert fast(repo)[1]  # the settings it vouched for before


def test_moving_today_back_stops_the_cache_answering_alone(repo: Path) -> None:
    fast(repo)
    assert fast(repo)[1]
    code = (
        "import os, sys\nos.environ['DRIVERPARTY_TODAY'] = '2025-01-01'\n"
        "from driverparty.cli.main import main\n"
        f"sys.argv = ['driverparty', '--repo', {str(repo)!r}, 'member', 'list', '--all']\n"
        "main()\n"
    )
    p = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, encoding="utf-8"
    )
    assert p.returncode == 1 and "is after today (2025-01-01)" in p.stderr


def test_a_mark_is_not_written_over_another_process_s_writes(repo: Path) -> None:
    """A full read vouches for the table only if nobody wrote it while it read."""
    from driverparty.cache import RecordCache

    assert runner_for(repo)("member", "list").exit_code == 0
    path = repo / CACHE
    db = sqlite3.connect(path)
    db.execute("DELETE FROM synced")
    db.commit()
    reader, writer = RecordCache(path), RecordCache(path)
    cached = reader.entries("member")
    some = next(iter(cached))
    writer.update("member", [], drop=[some])  # another process forgets a row meanwhile
    reader.update("member", [], listing="whatever")
    assert db.execute("SELECT count(*) FROM synced").fetchone()[0] == 0
    reader.entries("member")
    reader.update("member", [], listing="whatever")  # nobody wrote since: marked
    assert db.execute("SELECT listing FROM synced").fetchall() == [("whatever",)]
    for c in (reader, writer):
        c.close()


def test_which_rows_pass_is_said_only_while_nobody_else_wrote_the_table(repo: Path) -> None:
    """A fresh clone's first listing asks the cache which of the rows it just wrote pass the
    listing's test (``RecordCache.passing``): answered while no other process wrote the
    table since this one began reading it, else None (the reader then decodes them all)."""
    from driverparty.cache import RecordCache

    assert runner_for(repo)("member", "list").exit_code == 0
    path = repo / CACHE
    full = {
        p
        for (p,) in sqlite3.connect(path).execute(
            "SELECT _path FROM records_member WHERE stage = 'full'"
        )
    }
    assert 0 < len(full) < 60
    reader, writer = RecordCache(path), RecordCache(path)
    assert reader.passing("member", ('"stage" = ?', ["full"])) is None  # it read nothing yet
    cached = reader.entries("member")
    assert reader.passing("member", ('"stage" = ?', ["full"])) == full
    writer.update("member", [], drop=[next(iter(cached))])  # another process writes meanwhile
    assert reader.passing("member", ('"stage" = ?', ["full"])) is None
    for c in (reader, writer):
        c.close()


def test_a_settled_folder_is_not_counted_again_yet_a_new_file_is_seen(repo: Path) -> None:
    """Once a count of a folder agreed with git, the folder's stat stands for the count
    while it holds; a file added changes it — even with the folder's mtime put back."""
    from driverparty.cache import SETTLED

    def stamp() -> str | None:
        db = sqlite3.connect(repo / CACHE)
        return db.execute("SELECT stamp FROM synced WHERE kind = 'member'").fetchone()[0]

    folder = repo / "records/members"
    ahead = time.time() + 3600  # however slow the machine, the folder is too new to stamp
    os.utime(folder, (ahead, ahead))
    first, _ = fast(repo)
    assert fast(repo) == (first, True) and stamp() is None
    os.utime(folder, (ahead - 7200, ahead - 7200))
    time.sleep(SETTLED + 0.3)  # (setting the time changed the folder's ctime: let it settle)
    assert fast(repo) == (first, True)
    stamped = stamp()
    assert stamped is not None
    assert fast(repo) == (first, True) and stamp() == stamped

    before = folder.stat()
    m2 = folder / "M-0002.toml"
    (folder / "M-0999.toml").write_text(
        m2.read_text(encoding="utf-8").replace('"M-0002"', '"M-0999"'), encoding="utf-8"
    )
    os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))
    out, answered = fast(repo)
    assert not answered and "M-0999" in out
    (folder / "M-0999.toml").unlink()
    assert fast(repo)[0] == first
    assert fast(repo) == (first, True)
