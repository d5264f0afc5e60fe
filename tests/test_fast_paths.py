"""The fast paths hold in repositories made the way clerks make them (issue 22).

A repository made by ``driverparty init`` and ``driverparty import`` (and a ``git clone`` of
it) must be answered from the cache like any other: ``init``'s ``.gitkeep``, a README or any
other file in a kind's folder that is no record must not turn the cache off, and a write by
the tool must leave the cache able to answer the next ``list`` and ``summary`` alone. Taking
the fast path is seen without a clock: the command runs in a fresh interpreter, and the
models (pydantic) are imported only when a record file has to be read, or a summary counted.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from driverparty.cli.main import cli
from tests.conftest import Run, git, runner_for
from tests.test_cache import imports_of as run  # stdout, and whether pydantic was imported

CACHE = ".git/driverparty/cache.sqlite"
LIST = [
    "member",
    "list",
    "--where",
    "stage=full",
    "--where",
    "occupation=truck",
    "--format",
    "json",
]
SUMMARY = ["summary", "--format", "csv"]
PERIOD = ["summary", "--period", "2026Q2", "--format", "csv"]
GET = ["member", "get", "M-0024", "--format", "json"]


def answered_alone(repo: Path, *args: str) -> str:
    """The command's output, asserting that it read no record file."""
    out, parsed = run(repo, *args)
    assert not parsed, f"`{' '.join(args)}` read the record files"
    return out


def export(dp: Run, kind: str) -> list[dict[str, object]]:
    r = dp(kind, "list", "--all", "--reveal", "--format", "jsonl")
    assert r.exit_code == 0, r.output
    return [json.loads(line) for line in r.stdout.splitlines()]


def import_rows(repo: Path, kind: str, rows: list[dict[str, object]], tmp: Path) -> None:
    source = tmp / f"{kind}.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    r = runner_for(repo)("import", kind, str(source))
    assert r.exit_code == 0, r.output


@pytest.fixture
def made(dp: Run, tmp_path: Path) -> Path:
    """The sample county as a clerk would set it up: ``init``, then one import per kind in
    the order references need (branches first without their secretaries, who are members)."""
    repo = tmp_path / "made"
    r = CliRunner().invoke(cli, ["init", str(repo), "--county", "八步区", "--code", "451102"])
    assert r.exit_code == 0, r.output
    branches = export(dp, "branch")
    secretaries = [{"id": b["id"], "secretary": b["secretary"]} for b in branches if b["secretary"]]
    import_rows(repo, "branch", [{**b, "secretary": None} for b in branches], tmp_path)
    for kind in ("station", "member"):
        import_rows(repo, kind, export(dp, kind), tmp_path)
    import_rows(repo, "branch", secretaries, tmp_path)
    import_rows(repo, "petition", export(dp, "petition"), tmp_path)
    assert (repo / "records/members/.gitkeep").exists()
    return repo


@pytest.mark.parametrize("args", [LIST, GET, SUMMARY], ids=["list", "get", "summary"])
def test_a_repository_made_by_init_and_import_is_answered_from_the_cache(
    made: Path, args: list[str]
) -> None:
    first, _ = run(made, *args)
    assert first.strip()
    assert answered_alone(made, *args) == first


def test_files_that_are_no_records_leave_the_fast_path_on(made: Path) -> None:
    run(made, *LIST)
    expected = answered_alone(made, *LIST)
    folder = made / "records/members"
    (folder / "README.md").write_text("# 党员\n每人一个文件。\n", encoding="utf-8")
    (folder / "名单说明.txt").write_text("见 README\n", encoding="utf-8")
    assert answered_alone(made, *LIST) == expected  # untracked, beside the records
    git(made, "add", "records/members")
    git(made, "commit", "-qm", "a README for the members folder")
    assert run(made, *LIST)[0] == expected  # a new listing: read once, vouched again
    assert answered_alone(made, *LIST) == expected
    counted = run(made, *SUMMARY)[0]
    assert answered_alone(made, *SUMMARY) == counted


def test_a_clone_reads_its_files_once_then_answers_from_its_own_cache(
    made: Path, tmp_path: Path
) -> None:
    expected = run(made, *LIST)[0]
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(made), str(clone))
    assert not (clone / CACHE).exists()
    out, parsed = run(clone, *LIST)
    assert parsed and out == expected  # nothing to trust but the files
    assert answered_alone(clone, *LIST) == expected
    assert answered_alone(clone, *GET) == run(made, *GET)[0]


def from_scratch(repo: Path, *args: str) -> str:
    """What the command says with no cache at all: every file read and counted."""
    (repo / CACHE).unlink()
    out, parsed = run(repo, *args)
    assert parsed
    return out


WRITES = [
    ["member", "update", "M-0024", "--employer", "货拉拉", "--unset", "plate"],
    ["member", "promote", "M-0023", "--to", "activist", "--on", "2026-06-29"],
    ["member", "verify", "M-0007", "--status", "archived"],
    ["member", "leave", "M-0010", "--reason", "迁往外地"],
    ["member", "add", "--name", "蒙志刚", "--occupation", "truck", "--stage", "applicant"],
    ["petition", "assign", "P-0015", "--to", "司法局"],
    ["station", "update", "S-0001", "--notes", "24小时开放"],
    ["member", "remove", "M-0059"],
    # issue 20's activities in the summary: yuan with fen carried on exactly
    [
        "activity",
        "add",
        "--date",
        "2026-05-20",
        "--kind",
        "care_visit",
        "--title",
        "走访慰问",
        "--served",
        "12",
        "--amount",
        "3000.35",
        "--participant",
        "M-0024",
    ],
]


@pytest.mark.parametrize("write", WRITES, ids=[" ".join(w[:2]) for w in WRITES])
def test_after_a_write_the_next_list_and_summary_read_no_record(
    made: Path, write: list[str]
) -> None:
    """The write carries the cache's mark and the remembered summary on to what it
    committed: the next `list` and `summary` read no file, and say what a read of every
    file says."""
    for args in (LIST, SUMMARY, PERIOD):
        run(made, *args)
        answered_alone(made, *args)
    r = runner_for(made)(*write)
    assert r.exit_code == 0, r.output
    listed = answered_alone(made, *LIST)
    listed_all = answered_alone(made, "member", "list", "--all", "--format", "csv")
    counted = answered_alone(made, *SUMMARY)
    in_period = answered_alone(made, *PERIOD)
    dated = run(made, "summary", "--as-of", "2026-01-01", "--format", "csv")[0]
    assert from_scratch(made, *SUMMARY) == counted
    if write[0] == "activity":
        assert "activities,amount,3000.35" in counted.splitlines()  # carried on exactly
    assert run(made, "summary", "--as-of", "2026-01-01", "--format", "csv")[0] == dated
    assert run(made, *PERIOD)[0] == in_period
    assert run(made, *LIST)[0] == listed
    assert run(made, "member", "list", "--all", "--format", "csv")[0] == listed_all


def test_a_write_git_committed_otherwise_than_written_carries_no_summary(made: Path) -> None:
    """A remembered summary is carried over a write only when git's listing of records/
    afterwards is the one before it with exactly this write's files at exactly the blobs
    written. Here a clean filter (.git/info/attributes) makes git commit other bytes than the
    tool wrote: the summary right after `member update` counts the files again, and says
    what a full recount says."""
    (made / ".git/info").mkdir(exist_ok=True)
    (made / ".git/info/attributes").write_text("records/**/*.toml filter=stamp\n", "utf-8")
    git(made, "config", "filter.stamp.clean", "cat; echo '# stamped'")
    git(made, "add", "--renormalize", "records")
    git(made, "commit", "-qm", "records as the filter commits them")
    run(made, *SUMMARY)
    answered_alone(made, *SUMMARY)
    r = runner_for(made)("member", "update", "M-0024", "--occupation", "truck", "--unset", "plate")
    assert r.exit_code == 0, r.output
    counted, parsed = run(made, *SUMMARY)
    assert parsed  # not carried: git holds another blob than the one written
    assert from_scratch(made, *SUMMARY) == counted


def test_summary_counts_are_sums_over_records(repo: Path) -> None:
    """What lets a write carry a remembered summary on (and rollup add counties): the
    counts of all records are the sums of each record's own counts, on any day and for any
    period (issue 21's flows inside a period are sums too)."""
    from datetime import date

    from driverparty.checks import Records
    from driverparty.periods import parse_period
    from driverparty.reports import summary_counts
    from driverparty.store import Store

    store = Store(repo, date(2026, 6, 30))
    records, problems = store.load()
    assert not problems
    days = (date(2024, 3, 1), date(2025, 12, 31), date(2026, 6, 30))
    periods = (None, parse_period("2025Q4"), parse_period("2026"))
    for day, period in ((d, p) for d in days for p in periods):
        whole = summary_counts(records, store.config, day, period)
        summed = dict.fromkeys(whole, 0)
        for kind, by_id in records.by_kind.items():
            for rid, record in by_id.items():
                one = Records()
                one.by_kind[kind][rid] = record
                for key, value in summary_counts(one, store.config, day, period).items():
                    summed[key] += value
        assert summed == whole
        assert any(whole.values())


def test_a_remembered_rollup_is_the_rollup_of_every_file(made: Path, repo: Path) -> None:
    args = ["rollup", str(made), str(repo), "--format", "csv"]
    first = run(made, *args)[0]
    assert run(made, *args)[0] == first  # both counties' summaries remembered
    (repo / CACHE).unlink()
    assert from_scratch(made, *args) == first
    assert "members,total," in first


def test_many_files_are_read_on_every_core_as_one_process_reads_them(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh clone's first read parses every file, on every core when there are many
    (``store.PARALLEL_FROM``): the records, the broken files and their problems are the
    same as one process finds, and the cache is filled and marked alike."""
    from datetime import date

    from driverparty import store as store_module

    m3 = repo / "records/members/M-0003.toml"
    m3.write_text(m3.read_text(encoding="utf-8").replace('stage = "', 'stage = "x', 1), "utf-8")
    (repo / "records/members/M-0004.toml").write_bytes(b"name = [unclosed\n")
    git(repo, "commit", "-qam", "two broken files")

    from driverparty.query import parse_where
    from driverparty.schema import KINDS

    where = [parse_where(w, KINDS["member"].fields) for w in ("stage=full", "occupation=truck")]

    def read() -> tuple[object, ...]:
        (repo / CACHE).unlink(missing_ok=True)
        listed = store_module.Store(repo, date(2026, 6, 30)).listing("member", where)
        (repo / CACHE).unlink()
        records, problems = store_module.Store(repo, date(2026, 6, 30)).load()
        marked = run(repo, "station", "list", "--format", "csv")
        return records.by_kind, records.broken, problems, marked, listed

    alone = read()
    monkeypatch.setattr(store_module, "PARALLEL_FROM", 2)
    monkeypatch.setattr(store_module, "CACHE_BATCH", 7)  # into the cache as the workers go on
    assert read() == alone
    assert alone[1]["member"] == {"M-0003", "M-0004"}
    assert len(alone[4][0]) > 3 and alone[4][1]  # some members listed, the broken ones said
    assert not run(repo, "station", "list", "--format", "csv")[1]  # and the cache vouched


def test_a_fresh_clone_of_many_members_lists_on_every_core_what_the_cache_then_says(
    tmp_path: Path,
) -> None:
    """A clone's first filtered listing of more members than one process reads alone
    (``store.PARALLEL_FROM``) parses them on every core; their rows go into the cache in
    batches (``store.CACHE_BATCH``) as the workers parse on, and only the members that pass
    are decoded. It lists exactly the members the roster says pass, as the cache alone then
    lists them, and the cache then holds every member as the imported repository's does."""
    from driverparty.store import CACHE_BATCH, PARALLEL_FROM

    repo, clone = tmp_path / "county", tmp_path / "clone"
    r = CliRunner().invoke(cli, ["init", str(repo), "--county", "八步区", "--code", "451102"])
    assert r.exit_code == 0, r.output
    roster = [
        {
            "id": f"M-{i:04d}",
            "name": f"司机{i}号",
            "occupation": ("truck", "ride_hailing", "other")[i % 3],
            "stage": "applicant" if i % 7 == 0 else "full",
            "tags": ["volunteer"] if i % 5 == 0 else [],
            **({} if i % 7 == 0 else {"probationary_on": "2019-04-01", "full_on": "2020-04-01"}),
        }
        for i in range(1, max(PARALLEL_FROM, CACHE_BATCH) + 200)
    ]
    import_rows(repo, "member", roster, tmp_path)
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    assert not (clone / CACHE).exists()
    first, parsed = run(clone, *LIST)
    assert parsed
    listed = json.loads(first)
    passing = [m for m in roster if m["stage"] == "full" and m["occupation"] == "truck"]
    assert [m["id"] for m in listed] == [m["id"] for m in passing]
    assert {(m["full_on"], m["name"]) for m in listed} == {
        ("2020-04-01", m["name"]) for m in passing
    }
    assert sum(1 for m in listed if m["tags"] == ["volunteer"]) == sum(
        1 for m in passing if m["tags"]
    )
    assert answered_alone(clone, *LIST) == first == answered_alone(clone, *LIST, "--sort", "id")
    every = ["member", "list", "--all", "--reveal", "--format", "jsonl"]
    assert answered_alone(clone, *every) == run(repo, *every)[0]


values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.dates()
    | st.times(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(st.dictionaries(st.sampled_from(["id", "名字", "tags", "x\ny"]), values)),
    single=st.booleans(),
)
def test_json_is_written_as_json_dumps_writes_it(
    rows: list[dict[str, object]], single: bool
) -> None:
    """The listing's quick json writer says exactly what ``json.dumps(indent=2)`` says."""
    from driverparty.output import json_text, plain

    columns = ["id", "名字", "tags", "x\ny", "absent", "id"]
    rows = rows[:1] if single else rows
    data = [{c: plain(row.get(c)) for c in columns} for row in rows]
    if single and not data:
        return
    expected = json.dumps(data[0] if single else data, ensure_ascii=False, indent=2)
    assert json_text(rows, columns, single) == expected


def kept_texts(repo: Path) -> int:
    """How many members' listing texts the cache keeps."""
    import sqlite3

    db = sqlite3.connect(repo / CACHE)
    try:
        (n,) = db.execute('SELECT count(_json) FROM "records_member"').fetchone()
    finally:
        db.close()
    return int(n)


def test_a_json_listing_is_joined_from_texts_the_cache_keeps(dp: Run, repo: Path) -> None:
    """``list --format json`` of every field is a join of texts the cache keeps, one per
    record, made the first time the cache answers (issue 22). The join says exactly what the
    records rendered again say (``--sort id``: the same order, rendered), masked numbers in
    notes too; a changed record's text is made again."""
    r = dp(
        *("member", "add", "--name", "王师傅", "--occupation", "truck", "--stage", "applicant"),
        *("--phone", "13912345678", "--notes", "联系电话 138 1234 5678，证件 110101199003078515"),
    )
    assert r.exit_code == 0, r.output
    args = ["member", "list", "--all", "--format", "json"]
    (repo / CACHE).unlink()
    from_files, parsed = run(repo, *args)
    assert parsed and kept_texts(repo) == 0
    making = answered_alone(repo, *args)
    assert kept_texts(repo) == len(json.loads(making))
    joined = answered_alone(repo, *args)
    assert joined == making == from_files == answered_alone(repo, *args, "--sort", "id")
    assert "138 ****5678" in joined or "138****5678" in joined.replace(" ", "")
    assert "13912345678" not in joined and "110101199003078515" not in joined
    assert "1101011990" not in joined.replace("*", "")
    some = answered_alone(repo, "member", "list", "--where", "stage=full", "--format", "json")
    assert some == answered_alone(
        repo, "member", "list", "--where", "stage=full", "--format", "json", "--sort", "id"
    )
    limited = answered_alone(repo, *args, "--limit", "2")
    assert json.loads(limited) == json.loads(joined)[:2]

    r = dp("member", "update", "M-0002", "--employer", "贺州市新单位物流有限公司")
    assert r.exit_code == 0, r.output
    after = answered_alone(repo, *args)
    assert "贺州市新单位物流有限公司" in after
    assert after == answered_alone(repo, *args, "--sort", "id")
    (repo / CACHE).unlink()
    assert run(repo, *args)[0] == after


def test_a_listing_while_another_process_writes_the_cache_keeps_no_text_and_loses_nothing(
    repo: Path,
) -> None:
    """Texts are kept only when no other process holds the cache for writing: the listing
    does not wait, says the same, and leaves the cache whole (its rows, its mark)."""
    import sqlite3
    import time

    from driverparty.cache import SETTLED

    args = ["member", "list", "--format", "json"]
    expected = run(repo, *args)[0]
    time.sleep(SETTLED + 0.5)  # the folder has settled: the listing stamps the mark too
    other = sqlite3.connect(repo / CACHE, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        assert answered_alone(repo, *args) == expected
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert kept_texts(repo) == 0
    assert answered_alone(repo, *args) == expected  # the mark survived; texts made now
    assert kept_texts(repo) > 0
    assert answered_alone(repo, *args) == expected


texts = st.text(st.sampled_from('0123456789 -+Xx贺州\u202e\n"\\a'), max_size=24)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "id": st.from_regex(r"M-[0-9]{4}", fullmatch=True),
                "name": texts,
                "phone": texts,
                "id_number": texts,
                "notes": texts,
                "mobile": st.booleans(),
                "tags": st.lists(texts, max_size=3),
                "contacts": st.lists(st.fixed_dictionaries({"name": texts, "phone": texts})),
                "left_on": st.none(),
            },
        ),
        max_size=4,
    )
)
def test_each_record_s_kept_text_is_its_part_of_the_rendered_listing(
    rows: list[dict[str, object]],
) -> None:
    """The texts the cache keeps, joined, are what the listing renders: masked fields, runs
    shaped like phone and ID numbers in any text, and terminal-steering characters, each
    record alone as in the whole."""
    from driverparty.output import json_list, json_rows, render
    from driverparty.schema import KINDS

    fields = list(KINDS["member"].fields)
    assert json_list(json_rows(rows, "member")) == render(rows, fields, "json", kind="member")


def test_the_clock_s_note_is_said_after_a_write_as_a_recount_says_it(tmp_path: Path) -> None:
    """A summary counted in working days notes a year with no holiday table (issue 21). A
    write that brings such a year into the figures is not carried on silently: the summary
    after it says the note, as a full recount does — and keeps saying it after later writes."""
    from tests.test_hotline import county

    repo, run = county(tmp_path)
    later = {"DRIVERPARTY_TODAY": "2027-03-01"}
    note = "note: no holiday table for 2027; counting Monday to Friday\n"
    for received in ("2026-06-01", "2027-01-04"):
        r = run(
            "petition", "add", "--received", received, "--channel", "hotline",
            "--category", "other", "--summary", "x", env=later,
        )  # fmt: skip
        assert r.exit_code == 0, r.stderr
    for _ in range(2):  # counted, then remembered: nothing in working days of 2027 yet
        r = run("summary", env=later)
        assert r.exit_code == 0 and r.stderr == "", r.stderr
    r = run("petition", "assign", "P-0002", "--to", "x", "--on", "2027-01-05", env=later)
    assert r.exit_code == 0, r.stderr
    after = run("summary", env=later)
    assert after.exit_code == 0 and after.stderr == note
    (repo / CACHE).unlink()
    assert run("summary", env=later).stdout == after.stdout
    r = run("petition", "assign", "P-0001", "--to", "x", "--on", "2026-06-02", env=later)
    assert r.exit_code == 0, r.stderr
    assert run("summary", env=later).stderr == note
