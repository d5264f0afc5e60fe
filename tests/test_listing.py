"""``list`` and the output formats: json/jsonl/csv/tsv shapes, masking, Chinese tables, queries."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from wcwidth import wcswidth

from driverparty.query import Condition
from tests.conftest import Run


def test_json_is_an_array_of_objects_with_every_field(dp: Run) -> None:
    rows = json.loads(dp("member", "list", "--format", "json").stdout)
    assert len(rows) == 55  # 60 members, 5 of whom left
    first = rows[0]
    assert first["id"] == "M-0001"
    assert list(first)[:4] == ["id", "name", "gender", "birth_date"]
    assert first["id_number"] is None  # unset → null
    assert first["tags"] == ["volunteer"]  # lists are arrays
    assert first["full_on"] == "2025-11-28"  # dates are ISO strings
    assert first["mobile"] is False


def test_jsonl_is_one_object_a_line(dp: Run) -> None:
    lines = dp("station", "list", "--format", "jsonl").stdout.splitlines()
    assert len(lines) == 13  # 15 stations, 2 closed
    assert all(json.loads(line)["id"].startswith("S-") for line in lines)


def test_csv_and_tsv_have_a_header_and_join_lists(dp: Run) -> None:
    out = dp("member", "list", "--format", "csv", "--where", "id=M-0001").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 1 and rows[0]["tags"] == "volunteer" and rows[0]["id_number"] == ""
    out = dp(
        "station", "list", "--format", "tsv", "--fields", "id,amenities", "--where", "id=S-0001"
    ).stdout
    header, row = out.splitlines()
    assert header == "id\tamenities"
    assert row.split("\t")[1].count(";") >= 4


def test_personal_data_is_masked_everywhere_unless_revealed(dp: Run) -> None:
    for fmt in ("table", "json", "jsonl", "csv", "tsv"):
        out = dp("member", "list", "--format", fmt, "--fields", "id,phone,id_number").stdout
        assert "18313693569" not in out and "183****3569" in out, fmt
    out = dp("member", "list", "--format", "csv", "--reveal").stdout
    assert "18313693569" in out
    ids = [
        r["id_number"]
        for r in json.loads(dp("member", "list", "--format", "json").stdout)
        if r["id_number"]
    ]
    assert ids and all(len(v) == 18 and v[6:14] == "********" for v in ids)


def test_chinese_tables_translate_headers_and_codes_and_line_up(dp: Run) -> None:
    out = dp("--lang", "zh", "member", "list", "--limit", "5").stdout
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["编号", "姓名", "职业"]
    assert "正式党员" in out and "full" not in out
    widths = {wcswidth(line.rstrip()) for line in lines[2:]}
    header_cols = [wcswidth(line[: line.find(" ")]) for line in lines[2:]]
    assert len(set(header_cols)) == 1  # the id column lines up
    assert max(widths) <= wcswidth(lines[1])  # no row runs past the rule under the headers
    en = dp("member", "list", "--limit", "1").stdout
    assert en.split()[:3] == ["id", "name", "occupation"]


def test_language_from_the_environment(dp: Run) -> None:
    assert "编号" in dp("member", "list", env={"DRIVERPARTY_LANG": "zh"}).stdout
    assert "编号" in dp("member", "list", env={"LANG": "zh_CN.UTF-8"}).stdout
    assert (
        "编号"
        not in dp("member", "list", env={"LANG": "zh_CN.UTF-8", "DRIVERPARTY_LANG": "en"}).stdout
    )
    # machine formats never translate
    assert '"stage": "full"' in dp("--lang", "zh", "member", "list", "--format", "json").stdout


def ids(out: str) -> list[str]:
    return [line.split(",")[0] for line in out.splitlines()[1:]]


def test_where_sort_fields_limit_and_all(dp: Run) -> None:
    def run(*args: str) -> list[str]:
        return ids(dp("member", "list", "--format", "csv", "--fields", "id", *args).stdout)

    full = run("--where", "stage=full")
    assert full and len(full) == 30
    assert run("--where", "stage=full", "--where", "occupation=truck") == [
        i for i in full if i in run("--where", "occupation=truck")
    ]
    assert run("--where", "tags=volunteer") and all(
        "volunteer" in json.loads(dp("member", "get", i, "--format", "json").stdout)["tags"]
        for i in run("--where", "tags=volunteer")
    )
    assert run("--where", "name~建") == [
        i
        for i in run()
        if "建" in json.loads(dp("member", "get", i, "--format", "json").stdout)["name"]
    ]
    unattached = run("--where", "branch=", "--where", "stage=full")
    assert "M-0030" in unattached
    assert run("--where", "full_on>=2025-01-01") == [
        i for i in full if i in run("--where", "full_on>2024-12-31")
    ]
    assert run("--limit", "3") == ["M-0001", "M-0002", "M-0003"]
    by_date = dp(
        "member",
        "list",
        "--format",
        "csv",
        "--fields",
        "id,full_on",
        "--sort",
        "-full_on",
        "--where",
        "stage=full",
    ).stdout.splitlines()[1:]
    dates = [line.split(",")[1] for line in by_date]
    assert dates == sorted(dates, reverse=True)
    assert len(run("--all")) == 60 and len(run()) == 55
    assert "M-0014" in run("--all") and "M-0014" not in run()


def test_bad_queries_are_usage_errors(dp: Run) -> None:
    r = dp("member", "list", "--where", "colour=red")
    assert r.exit_code == 2 and "unknown field 'colour'" in r.stderr
    r = dp("member", "list", "--where", "full_on>yesterday")
    assert r.exit_code == 2
    r = dp("member", "list", "--fields", "id,nope")
    assert r.exit_code == 2
    r = dp("member", "list", "--format", "xml")
    assert r.exit_code == 2 and r.stderr.startswith("error: ")


def test_a_broken_file_is_named_skipped_and_exit_1(dp: Run, repo) -> None:  # type: ignore[no-untyped-def]
    (repo / "records/members/M-0002.toml").write_text("name = \n", encoding="utf-8")
    r = dp("member", "list", "--format", "csv", "--fields", "id")
    assert r.exit_code == 1
    assert r.stderr.startswith("error: records/members/M-0002.toml: TOML syntax")
    assert "M-0001" in r.stdout and "M-0002" not in r.stdout and "M-0003" in r.stdout


# --- --where in SQL says exactly what it says in Python (issue 8) ---------------------------

FIELD_TYPES = {"s": "str", "d": "date", "i": "int", "b": "bool"}
VALUES = {
    "str": st.one_of(
        st.sampled_from(["", "a", "B", "ab", "é", "志", "志愿", "Z"]),
        st.text(st.characters(exclude_categories=("Cs",))),  # a file's text has no surrogates
    ),
    "date": st.dates(min_value=date(1, 1, 1)),
    "int": st.integers(min_value=-(2**63), max_value=2**63 - 1),
    "bool": st.booleans(),
}


@st.composite
def condition_and_records(draw: st.DrawFn) -> tuple[Condition, list[dict[str, object]]]:
    name = draw(st.sampled_from(sorted(FIELD_TYPES)))
    ftype = FIELD_TYPES[name]
    op = draw(st.sampled_from(["=", "!=", "<", "<=", ">", ">="]))
    value = draw(st.one_of(st.none(), VALUES[ftype]))
    records = draw(
        st.lists(
            st.fixed_dictionaries({}, optional={n: VALUES[t] for n, t in FIELD_TYPES.items()}),
            max_size=8,
        )
    )
    return Condition(name, op, value, ftype), records


@settings(max_examples=300, deadline=None)
@given(condition_and_records())
def test_a_condition_in_sql_keeps_exactly_the_records_python_keeps(
    case: tuple[Condition, list[dict[str, object]]],
) -> None:
    from driverparty.cache import INT64

    condition, records = case
    sql = condition.sql()
    if sql is None:  # left to Python: unset with an order, say
        return
    db = sqlite3.connect(":memory:")
    db.execute('CREATE TABLE t (n, "s", "d", "i", "b")')
    for n, r in enumerate(records):
        row = [r.get(k) for k in ("s", "d", "i", "b")]
        row = [v.isoformat() if isinstance(v, date) else v for v in row]
        assert all(not isinstance(v, int) or -INT64 <= v < INT64 for v in row)
        db.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)", (n, *row))
    test, params = sql
    kept = [n for (n,) in db.execute(f"SELECT n FROM t WHERE {test} ORDER BY n", params)]
    assert kept == [n for n, r in enumerate(records) if condition(r)]
