"""Rosters as offices keep them (SPEC section 7, issue 19): GBK and byte-order marks, CRLF,
Chinese headers and values, numbers where text belongs, and xlsx workbooks written here the way
Excel and WPS write them (shared strings, date cells, numeric cells, formulas); and the way
out: xlsx on every listing, csv that a spreadsheet cannot run, round trips that are exact."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from driverparty.models import KINDS
from driverparty.models.types import id_number_check_char
from driverparty.output import header
from tests.conftest import Run, commit_count, git, head_subject, runner_for

# --- files as Excel and WPS write them ----------------------------------------------------------

ROSTER_HEADERS = [
    "序号",
    "姓名",
    "性别",
    "出生日期",
    "手机号码",
    "身份证号码",
    "职业",
    "工作单位",
    "车牌号码",
    "阶段",
    "籍贯",
    "是否流动党员",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "秀英", "志强", "海燕", "永康", "春梅", "伟", "丽", "军", "芳"]


def id_number(born: date, n: int) -> str:
    first17 = f"451102{born:%Y%m%d}{n % 1000:03d}"
    return first17 + id_number_check_char(first17)


def roster(count: int) -> list[list[Any]]:
    """A realistic county roster: 序号 first, Chinese headers and words, dates as an office
    types them, phones and ID numbers as text."""
    rows: list[list[Any]] = [ROSTER_HEADERS]
    for i in range(count):
        born = date(1970 + i % 30, 1 + i % 12, 1 + i % 28)
        rows.append(
            [
                str(i + 1),
                SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)],
                "男女"[i % 2],
                f"{born.year}/{born.month}/{born.day}",
                f"1997741{i:04d}",
                id_number(born, i),
                ("货车司机", "网约车司机", "出租车司机")[i % 3],
                ("八步区物流公司", "滴滴出行", "万顺叫车")[i % 3],
                f"桂J{10000 + i}",
                ("正式党员", "预备党员", "积极分子", "入党申请人")[i % 4],
                "广西贺州",
                "否是"[i % 5 == 0],
            ]
        )
    return rows


def csv_bytes(rows: list[list[Any]], encoding: str = "gbk", newline: str = "\r\n") -> bytes:
    """What Excel's "CSV (逗号分隔)" saves on Chinese Windows: GBK, CRLF (encoding
    "utf-8-sig" is its "CSV UTF-8")."""
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(rows)
    return out.getvalue().encode(encoding)


def workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """An xlsx file as Excel stores one: shared strings, numbers as numbers (an ID number typed
    into a General cell is a float), dates as date-formatted numbers, formulas with their
    cached value. A cell given as ("=FORMULA", value) is a formula; a datetime is a date cell
    in the format its microsecond picks (0: yyyy/m/d, 1: Excel's built-in 14, 2: 年月日)."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    formats = [
        book.add_format({"num_format": "yyyy/m/d"}),
        book.add_format({"num_format": 14}),
        book.add_format({"num_format": 'yyyy"年"m"月"d"日"'}),
    ]
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, tuple):
                    sheet.write_formula(r, c, value[0], None, value[1])
                elif isinstance(value, datetime):
                    sheet.write_datetime(
                        r, c, value.replace(microsecond=0), formats[value.microsecond]
                    )
                elif isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, (int, float)):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, value)
    book.close()
    return path


def files(repo: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(repo)): p.read_bytes() for p in sorted((repo / "records").rglob("*.toml"))
    }


def state(repo: Path) -> tuple[str, str, dict[str, bytes]]:
    return git(repo, "rev-parse", "HEAD"), git(repo, "status", "--porcelain"), files(repo)


def member_json(dp: Run, rid: str) -> dict[str, Any]:
    r = dp("member", "get", rid, "--format", "json", "--reveal")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)  # type: ignore[no-any-return]


def sheet_rows(path: Path | bytes, name: str | None = None) -> list[list[Any]]:
    book = CalamineWorkbook.from_filelike(
        io.BytesIO(path if isinstance(path, bytes) else path.read_bytes())
    )
    sheet = book.get_sheet_by_name(name) if name else book.get_sheet_by_index(0)
    return sheet.to_python()


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error: ")]


# --- encodings and line ends ------------------------------------------------------------------


def test_a_gbk_csv_from_excel_is_read_as_gb18030_and_says_so(
    dpe: Run, empty_repo: Path, tmp_path: Path
) -> None:
    source = tmp_path / "花名册.csv"
    source.write_bytes(csv_bytes(roster(3)))
    r = dpe("import", "member", str(source), "--ignore", "序号", "--ignore", "籍贯")
    assert r.exit_code == 0, r.output
    assert r.stderr == f"note: read {source} as GB18030\n"
    assert r.stdout == "added 3, updated 0\n"
    first = member_json(dpe, "M-0001")
    assert {k: first[k] for k in ("name", "gender", "birth_date", "occupation", "stage")} == {
        "name": "王建国",
        "gender": "male",
        "birth_date": "1970-01-01",
        "occupation": "truck",
        "stage": "full",
    }
    assert first["phone"] == "19977410000" and first["employer"] == "八步区物流公司"
    assert first["id_number"] == id_number(date(1970, 1, 1), 0)
    assert member_json(dpe, "M-0002").get("mobile", False) is False
    assert member_json(dpe, "M-0001")["mobile"] is True  # 是


@pytest.mark.parametrize(
    ("encoding", "newline"), [("utf-8-sig", "\r\n"), ("utf-8", "\n"), ("utf-8-sig", "\n")]
)
def test_utf8_with_or_without_a_bom_crlf_or_lf_reads_alike_and_says_nothing(
    dpe: Run, empty_repo: Path, tmp_path: Path, encoding: str, newline: str
) -> None:
    source = tmp_path / "roster.csv"
    source.write_bytes(csv_bytes(roster(3), encoding, newline))
    r = dpe("import", "member", str(source), "--ignore", "序号", "--ignore", "籍贯")
    assert (r.exit_code, r.stderr) == (0, ""), r.output
    assert member_json(dpe, "M-0003")["name"] == "张志强"
    assert member_json(dpe, "M-0003")["birth_date"] == "1972-03-03"


def test_encoding_forces_one_without_a_note_and_refuses_what_does_not_decode(
    dpe: Run, empty_repo: Path, tmp_path: Path
) -> None:
    before = state(empty_repo)
    source = tmp_path / "roster.csv"
    source.write_bytes(csv_bytes(roster(2)))
    ignore = ["--ignore", "序号", "--ignore", "籍贯"]
    r = dpe("import", "member", str(source), "--encoding", "utf-8", *ignore)
    assert r.exit_code == 1
    assert errors(r.stderr) == [f"error: {source}: not utf-8 text (byte 1)"]
    r = dpe("import", "member", str(source), "--encoding", "klingon", *ignore)
    assert r.exit_code == 2 and "--encoding klingon" in r.stderr
    assert state(empty_repo) == before
    r = dpe("import", "member", str(source), "--encoding", "gbk", *ignore)
    assert (r.exit_code, r.stderr) == (0, ""), r.output
    assert member_json(dpe, "M-0002")["name"] == "李秀英"


def test_bytes_that_are_neither_utf8_nor_gb18030_are_refused_with_the_way_out(
    dpe: Run, empty_repo: Path, tmp_path: Path
) -> None:
    source = tmp_path / "x.csv"
    source.write_bytes(b"name\n\xff\xfe\xff\n")
    r = dpe("import", "member", str(source))
    assert r.exit_code == 1
    assert "neither UTF-8 nor GB18030" in r.stderr and "--encoding" in r.stderr


def test_a_workbook_named_csv_and_an_old_xls_are_named_for_what_they_are(
    dpe: Run, tmp_path: Path
) -> None:
    book = workbook(tmp_path / "real.xlsx", {"Sheet1": [["姓名"], ["王"]]})
    shutil.copy(book, tmp_path / "roster.csv")
    r = dpe("import", "member", str(tmp_path / "roster.csv"))
    assert r.exit_code == 2 and "--format xlsx" in r.stderr
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    r = dpe("import", "member", str(tmp_path / "old.xls"))
    assert r.exit_code == 2 and "save it as .xlsx" in r.stderr


def test_a_record_file_and_the_settings_with_notepads_bom_read_as_without(
    dp: Run, repo: Path
) -> None:
    for rel in ("records/members/M-0005.toml", "driverparty.toml"):
        path = repo / rel
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    git(repo, "commit", "-qam", "saved in Notepad")
    r = dp("validate")
    assert r.exit_code == 0 and "error" not in r.output, r.output
    got = dp("member", "get", "M-0005")
    assert got.exit_code == 0 and got.stdout.startswith('id = "M-0005"')
    listed = dp("member", "list", "--where", "id=M-0005", "--format", "json")
    assert json.loads(listed.stdout)[0]["id"] == "M-0005"
    assert dp("summary").exit_code == 0


# --- headers -----------------------------------------------------------------------------------


def test_a_200_row_roster_with_unknown_columns_gets_one_error_line(
    dpe: Run, empty_repo: Path, tmp_path: Path
) -> None:
    before = state(empty_repo)
    source = tmp_path / "花名册.csv"
    source.write_bytes(csv_bytes(roster(200)))
    r = dpe("import", "member", str(source))
    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    assert lines[0] == f"note: read {source} as GB18030"
    assert len(lines) == 2, lines
    line = lines[1]
    assert line.startswith(f"error: {source}: 2 columns name no member field: 序号, 籍贯 ")
    assert "--ignore COLUMN" in line
    for accepted in ("phone (手机号, 手机号码, 联系电话", "id_number (身份证号, 身份证号码"):
        assert accepted in line
    assert state(empty_repo) == before

    r = dpe("import", "member", str(source), "--ignore", "序号", "--ignore", "籍贯")
    assert (r.exit_code, r.stdout) == (0, "added 200, updated 0\n"), r.output
    assert commit_count(empty_repo) == 2
    assert head_subject(empty_repo) == "member import 200 records"


SPEC_ALIASES = {
    "姓名": "name",
    "性别": "gender",
    "出生日期": "birth_date",
    "手机号码": "phone",
    "联系电话": "phone",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "公民身份号码": "id_number",
    "工作单位": "employer",
    "单位": "employer",
    "车牌号": "plate",
    "车牌号码": "plate",
    "所属支部": "branch",
}
VALUES = {
    "name": "黄海",
    "gender": "男",
    "birth_date": "1980/1/1",
    "phone": "19977400001",
    "id_number": id_number(date(1980, 1, 1), 7),
    "employer": "八步区物流公司",
    "plate": "桂J54321",
    "branch": "B-0004",
}


@pytest.mark.parametrize(("column", "field"), SPEC_ALIASES.items())
def test_every_alias_spec_names_is_a_header(dp: Run, column: str, field: str) -> None:
    cells = {"姓名": "黄海", "职业": "货车司机", "阶段": "入党申请人", column: VALUES[field]}
    text = ",".join(cells) + "\n" + ",".join(cells.values()) + "\n"
    r = dp("import", "member", "-", input=text)
    assert r.exit_code == 0, r.output
    got = member_json(dp, "M-0061")[field]
    want = {"gender": "male", "birth_date": "1980-01-01"}.get(field, VALUES[field])
    assert got == want


@pytest.mark.parametrize("kind", ["branch", "member", "station", "petition", "activity"])
def test_the_chinese_headers_of_a_zh_table_are_headers_import_takes(dp: Run, kind: str) -> None:
    from driverparty.bulk import column_names

    names = column_names(kind)
    for f in KINDS[kind].fields.values():
        assert names[header(f.name, "zh", kind)] == f.name
        assert names[f.name] == f.name
        for alias in f.aliases:
            assert names[alias] == f.name, (alias, f.name)


def test_no_header_names_two_fields_of_one_kind() -> None:
    for kind, spec in KINDS.items():
        seen: dict[str, str] = {}
        for f in spec.fields.values():
            for name in dict.fromkeys((f.name, f.zh, *f.aliases)):
                assert name not in seen, f"{kind}: {name} names {seen.get(name)} and {f.name}"
                seen[name] = f.name


def test_two_columns_for_one_field_and_a_header_with_spaces(dp: Run, repo: Path) -> None:
    before = state(repo)
    r = dp(
        "import", "member", "-", input="姓名,职业,阶段,手机号,联系电话\n黄海,货车司机,积极分子,,\n"
    )
    assert r.exit_code == 1
    assert errors(r.stderr) == [
        "error: -: columns 手机号 and 联系电话 both name phone: keep one (or --ignore one)"
    ]
    assert state(repo) == before
    text = "姓 名*,职业 ,\u3000阶段\n黄海,货车司机,积极分子\n"  # Excel wraps; templates mark *
    r = dp("import", "member", "-", input=text)
    assert r.exit_code == 0, r.output


# --- values ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written", ["2025-03-05", "2025/3/5", "2025.3.5", "2025年3月5日", "2025/03/05"]
)
def test_dates_as_offices_write_them(dp: Run, written: str) -> None:
    r = dp(
        "import",
        "member",
        "-",
        input=f"姓名,职业,阶段,申请日期\n黄海,货车司机,入党申请人,{written}\n",
    )
    assert r.exit_code == 0, r.output
    assert member_json(dp, "M-0061")["applied_on"] == "2025-03-05"


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (
            "84/4/23",
            'must be a date written 2025-03-05, 2025/3/5, 2025.3.5 or 2025年3月5日: "84/4/23"',
        ),
        ("2025/2/30", 'not a real date: "2025/2/30"'),
        ("45721", 'must be a date written 2025-03-05, 2025/3/5, 2025.3.5 or 2025年3月5日: "45721"'),
    ],
)
def test_a_date_error_shows_the_date(dp: Run, repo: Path, written: str, message: str) -> None:
    before = state(repo)
    r = dp(
        "import",
        "member",
        "-",
        input=f"姓名,职业,阶段,申请日期\n黄海,货车司机,入党申请人,{written}\n",
    )
    assert r.exit_code == 1
    assert errors(r.stderr) == [f"error: row 1: applied_on: {message}"]
    assert state(repo) == before


@pytest.mark.parametrize(
    ("written", "value"),
    [("true", True), ("FALSE", False), ("是", True), ("否", False), ("1", True), ("0", False)],
)
def test_bools_as_true_false_shi_fou_one_zero(dp: Run, written: str, value: bool) -> None:
    r = dp(
        "import",
        "member",
        "-",
        input=f"姓名,职业,阶段,流动党员\n黄海,货车司机,积极分子,{written}\n",
    )
    assert r.exit_code == 0, r.output
    assert member_json(dp, "M-0061").get("mobile", False) is value


def test_codes_by_their_chinese_words_and_lists_of_them(dp: Run) -> None:
    text = "名称,类型,启用日期,设施\n爱莲驿站,驿站,2024/5/1,饮水、充电；wifi\n"
    r = dp("import", "station", "-", input=text)
    assert r.exit_code == 0, r.output
    got = json.loads(dp("station", "get", "S-0016", "--format", "json").stdout)
    assert (got["kind"], got["amenities"]) == ("rest_stop", ["water", "charging", "wifi"])


def test_an_id_number_a_spreadsheet_turned_into_a_number_is_refused_with_the_hint(
    dp: Run, repo: Path
) -> None:
    before = state(repo)
    text = "姓名,职业,阶段,身份证号,手机号\n黄海,货车司机,积极分子,4.50102E+17,1.39774E+10\n"
    r = dp("import", "member", "-", input=text)
    assert r.exit_code == 1
    hint = (
        "a number in scientific notation, its last digits lost: "
        "format the column as text (设置单元格格式 → 文本) and enter the numbers again"
    )
    assert errors(r.stderr) == [
        f'error: row 1: id_number: {hint}: "4.5******17"',
        f'error: row 1: phone: {hint}: "1.3******10"',
    ]
    assert state(repo) == before


def test_a_refused_personal_value_is_masked_all_but_three_and_two(dp: Run) -> None:
    r = dp(
        "import", "member", "-", input="姓名,职业,阶段,手机号\n黄海,货车司机,积极分子,1390774123\n"
    )
    assert r.exit_code == 1
    assert errors(r.stderr) == ['error: row 1: phone: not a mainland mobile number: "139*****23"']
    assert "1390774123" not in r.output


def test_more_than_20_rows_with_one_problem_are_counted_not_listed(
    dpe: Run, empty_repo: Path, tmp_path: Path
) -> None:
    rows = roster(200)
    for row in rows[1:]:
        row[5] = "4.50102E+17"  # the whole column was a number in Excel
    rows[7][2] = "未知"
    source = tmp_path / "roster.csv"
    source.write_bytes(csv_bytes(rows))
    r = dpe("import", "member", str(source), "--ignore", "序号", "--ignore", "籍贯")
    assert r.exit_code == 1
    lines = errors(r.stderr)
    assert len(lines) == 22, lines
    assert [line.split(":")[1] for line in lines[:20]] == [
        f" row {n}" for n in [1, 2, 3, 4, 5, 6, 7, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]
    ]
    assert lines[6].startswith(
        'error: row 7: gender: must be one of 男 (male), 女 (female): "未知"'
    )
    assert lines[-1].startswith(
        "error: ... and 180 more rows: id_number: a number in scientific notation"
    )


# --- xlsx in -----------------------------------------------------------------------------------


def excel_roster(path: Path, rows: int = 3) -> Path:
    """The roster as an xlsx made in Excel: 出生日期 as date cells in three formats, 手机号码
    as numbers (11 digits fit), 是否流动党员 as TRUE/FALSE cells, a second sheet after it."""
    data = roster(rows)
    for i, row in enumerate(data[1:]):
        y, m, d = (int(x) for x in row[3].split("/"))
        row[3] = datetime(y, m, d, 0, 0, 0, i % 3)
        row[4] = int(row[4])
        row[11] = row[11] == "是"
    return workbook(path, {"党员名册": data, "说明": [["填表说明"], ["身份证号请用文本格式"]]})


def test_an_excel_workbook_is_read_from_its_first_sheet(
    dpe: Run, empty_repo: Path, tmp_path: Path
) -> None:
    book = excel_roster(tmp_path / "花名册.xlsx")
    r = dpe("import", "member", str(book), "--ignore", "序号", "--ignore", "籍贯")
    assert (r.exit_code, r.stdout, r.stderr) == (0, "added 3, updated 0\n", ""), r.output
    first, third = member_json(dpe, "M-0001"), member_json(dpe, "M-0003")
    assert (first["birth_date"], first["phone"], first["mobile"]) == (
        "1970-01-01",
        "19977410000",
        True,
    )
    assert (third["birth_date"], third["phone"], third.get("mobile", False)) == (
        "1972-03-03",
        "19977410002",
        False,
    )
    assert member_json(dpe, "M-0002")["birth_date"] == "1971-02-02"  # built-in format 14


def test_sheet_picks_a_sheet_by_name(dpe: Run, tmp_path: Path) -> None:
    book = workbook(
        tmp_path / "b.xlsx",
        {
            "说明": [["填表说明"]],
            "名单": [["姓名", "职业", "阶段"], ["黄海", "货车司机", "积极分子"]],
        },
    )
    r = dpe("import", "member", str(book))
    assert r.exit_code == 1 and "填表说明" in r.stderr
    r = dpe("import", "member", str(book), "--sheet", "名单")
    assert (r.exit_code, r.stdout) == (0, "added 1, updated 0\n"), r.output
    r = dpe("import", "member", str(book), "--sheet", "Sheet9")
    assert r.exit_code == 1 and "no sheet 'Sheet9'; its sheets: 说明, 名单" in r.stderr


def test_a_numeric_id_cell_and_a_formula_cell_are_refused(
    dpe: Run, empty_repo: Path, tmp_path: Path
) -> None:
    before = state(empty_repo)
    rows: list[list[Any]] = [
        ["姓名", "职业", "阶段", "身份证号", "申请日期", "备注"],
        ["黄海", "货车司机", "入党申请人", 451102198001011234, datetime(2025, 3, 5), "好"],
        [
            "李明",
            "货车司机",
            "入党申请人",
            id_number(date(1981, 1, 1), 1),
            ("=TODAY()", 46000),
            ('=A2&"师傅"', "黄海师傅"),
        ],
    ]
    r = dpe("import", "member", str(workbook(tmp_path / "b.xlsx", {"Sheet1": rows})))
    assert r.exit_code == 1
    formula = "a formula, not a value: type the value itself (or paste as values)"
    assert errors(r.stderr) == [
        "error: row 1: id_number: a number cell, which keeps only 15 digits: format the column "
        "as text (设置单元格格式 → 文本) and enter the numbers again: "
        '"4.5***************17"',
        f'error: row 2: applied_on: {formula}: "=TODAY()"',
        f'error: row 2: notes: {formula}: "=A2&\\"师傅\\""',
    ]
    assert state(empty_repo) == before


def test_empty_rows_and_columns_excel_leaves_are_skipped(dpe: Run, tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["姓名", "职业", "阶段", ""],
        ["黄海", "货车司机", "积极分子", ""],
        ["", "", "", ""],
        ["李明", "货车司机", "积极分子", ""],
    ]
    r = dpe("import", "member", str(workbook(tmp_path / "b.xlsx", {"Sheet1": rows})))
    assert (r.exit_code, r.stdout) == (0, "added 2, updated 0\n"), r.output
    rows[2][3] = "多余"
    r = dpe("import", "member", str(workbook(tmp_path / "c.xlsx", {"Sheet1": rows})))
    assert r.exit_code == 1 and "column D (no header)" in r.stderr


# --- xlsx and csv out --------------------------------------------------------------------------


def test_xlsx_needs_output_and_never_goes_to_a_terminal(dp: Run) -> None:
    r = dp("member", "list", "--format", "xlsx")
    assert r.exit_code == 2 and "--output FILE" in r.stderr
    r = dp("member", "list", "--format", "xlsx", "--output", "-")  # CliRunner's stdout: a pipe
    assert r.exit_code == 0 and r.stdout_bytes.startswith(b"PK\x03\x04")
    assert sheet_rows(r.stdout_bytes)[0][0] == "id"


def test_a_workbook_holds_text_as_text_dates_as_dates_and_never_a_formula(
    dp: Run, repo: Path, tmp_path: Path
) -> None:
    listed = json.loads(dp("member", "list", "--format", "json", "--reveal").stdout)
    rid = next(m["id"] for m in listed if m["id_number"] and m["phone"] and m["birth_date"])
    name = '=HYPERLINK("http://example.com","点我")'
    r = dp("member", "update", rid, "--name", name)
    assert r.exit_code == 0, r.output
    want = member_json(dp, rid)
    out = tmp_path / "m.xlsx"
    r = dp("--lang", "zh", "member", "list", "--format", "xlsx", "--output", str(out), "--reveal")
    assert (r.exit_code, r.stdout) == (0, ""), r.output
    rows = sheet_rows(out)
    head = rows[0]
    assert head[:6] == ["编号", "姓名", "性别", "出生日期", "手机号", "身份证号"]
    third = dict(zip(head, next(row for row in rows if row[0] == rid), strict=True))
    assert third["姓名"] == name
    assert third["身份证号"] == want["id_number"] and third["手机号"] == want["phone"]
    assert third["出生日期"] == date.fromisoformat(want["birth_date"])
    fields = KINDS["member"].fields
    assert third["阶段"] == fields["stage"].codes_zh[want["stage"]]
    assert third["性别"] == fields["gender"].codes_zh[want["gender"]]
    assert third["流动党员"] == ("是" if want.get("mobile") else "否")
    with zipfile.ZipFile(out) as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b"<f " not in xml
    masked = tmp_path / "masked.xlsx"
    assert dp("member", "list", "--format", "xlsx", "-o", str(masked)).exit_code == 0
    phone = want["phone"]
    got = str(sheet_rows(masked))
    assert f"{phone[:3]}****{phone[-4:]}" in got and phone not in got


LISTINGS = [
    ["member", "list", "--all"],
    ["petition", "list"],
    ["activity", "list", "--where", "kind=send_exam,training"],
    ["summary"],
    ["report", "activities", "--by", "month"],
    ["report", "members", "--by", "stage"],
    ["report", "petitions", "--by", "category"],
    ["report", "coverage"],
    ["report", "screening"],
    ["report", "pipeline"],
    ["report", "stations"],
    ["validate"],
    ["log", "--limit", "5"],
    ["diff", "HEAD"],
    ["member", "history", "M-0001"],
]


@pytest.mark.parametrize("args", LISTINGS, ids=[" ".join(a[:2]) for a in LISTINGS])
def test_every_listing_writes_the_workbook_of_its_csv(
    dp: Run, tmp_path: Path, args: list[str]
) -> None:
    out = tmp_path / "out.xlsx"
    r = dp(*args, "--format", "xlsx", "--output", str(out))
    assert (r.exit_code, r.stdout) == (0, ""), r.output
    text = list(csv.reader(io.StringIO(dp(*args, "--format", "csv").stdout)))
    got = sheet_rows(out)
    assert got[0] == text[0]
    assert len(got) == len(text)

    def same(v: Any, c: str) -> bool:
        if isinstance(v, bool):
            return c == ("true" if v else "false")
        if isinstance(v, float):
            return v == float(c)
        if isinstance(v, date):
            return v.isoformat() == c
        return v == (c[1:] if c[:2] in ("'=", "'-", "'+", "'@") else c)

    for row, line in zip(got[1:], text[1:], strict=True):
        assert all(same(v, c) for v, c in zip(row, line, strict=True)), (row, line)


def test_rollup_writes_a_workbook(dp: Run, repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "rollup.xlsx"
    r = dp("--lang", "zh", "rollup", str(repo), str(repo), "--format", "xlsx", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert sheet_rows(out)[0][:2] == ["类别", "指标"]


def test_output_writes_any_format_to_a_file_csv_with_a_bom(dp: Run, tmp_path: Path) -> None:
    plain = dp("member", "list", "--format", "csv").stdout
    assert not plain.startswith("\ufeff")
    r = dp("member", "list", "--format", "csv", "--output", str(tmp_path / "m.csv"))
    assert (r.exit_code, r.stdout) == (0, "")
    assert (tmp_path / "m.csv").read_bytes() == b"\xef\xbb\xbf" + plain.encode()
    r = dp("summary", "--format", "json", "-o", str(tmp_path / "s.json"))
    assert (tmp_path / "s.json").read_text(encoding="utf-8") == dp(
        "summary", "--format", "json"
    ).stdout
    r = dp("member", "list", "--format", "csv", "--output", str(tmp_path / "no/such/dir/m.csv"))
    assert r.exit_code == 3 and "cannot write" in r.stderr


def test_csv_quotes_what_a_spreadsheet_would_run_and_import_takes_it_back(
    dp: Run, repo: Path, tmp_path: Path
) -> None:
    names = ["=1+2", "+86 师傅", "-王", "@李", "'刘", "'=SUM(A1)", "王=李"]
    for i, name in enumerate(names, 1):
        assert dp("member", "update", f"M-000{i}", "--name", name).exit_code == 0
    text = dp("member", "list", "--all", "--reveal", "--format", "csv").stdout
    cells = [row[1] for row in csv.reader(io.StringIO(text))][1 : len(names) + 1]
    assert cells == ["'=1+2", "'+86 师傅", "'-王", "'@李", "''刘", "''=SUM(A1)", "王=李"]
    tsv = dp("member", "list", "--all", "--reveal", "--format", "tsv").stdout
    assert "\t'=1+2\t" in tsv
    before = files(repo)
    git(repo, "rm", "-q", "records/members/*.toml")
    git(repo, "commit", "-qm", "drop members")
    dropped = git(repo, "rev-parse", "HEAD").strip()
    for fmt, data in (("csv", text), ("tsv", tsv)):
        git(repo, "reset", "-q", "--hard", dropped)
        r = dp("import", "member", "-", "--format", fmt, input=data)
        assert r.exit_code == 0, r.output
        assert files(repo) == before


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_csv_import_xlsx_import_is_exact(dp: Run, repo: Path, tmp_path: Path, lang: str) -> None:
    """The whole county's members, through csv into an empty folder, out as a workbook, and
    into another: the record files are byte-identical each time."""
    start = files(repo)
    text = dp("member", "list", "--all", "--reveal", "--format", "csv").stdout
    members = {k: v for k, v in start.items() if k.startswith("records/members/")}
    git(repo, "rm", "-q", "records/members/*.toml")
    git(repo, "commit", "-qm", "drop members")
    r = dp("import", "member", "-", input=text)
    assert r.exit_code == 0, r.output
    assert files(repo) == start
    book = tmp_path / "members.xlsx"
    r = dp(
        "--lang", lang, "member", "list", "--all", "--reveal", "--format", "xlsx", "-o", str(book)
    )
    assert r.exit_code == 0, r.output
    git(repo, "rm", "-q", "records/members/*.toml")
    git(repo, "commit", "-qm", "drop members again")
    r = dp("import", "member", str(book))
    assert (r.exit_code, r.stdout) == (0, f"added {len(members)}, updated 0\n"), r.output
    assert files(repo) == start
    assert dp("import", "member", str(book)).stdout == "added 0, updated 0\n"


def test_every_kind_goes_through_a_zh_workbook_unchanged(
    dp: Run, repo: Path, tmp_path: Path
) -> None:
    for kind in ("branch", "station", "petition", "activity"):
        book = tmp_path / f"{kind}.xlsx"
        r = dp(
            "--lang", "zh", kind, "list", "--all", "--reveal", "--format", "xlsx", "-o", str(book)
        )
        assert r.exit_code == 0, r.output
        r = dp("import", kind, str(book))
        assert (r.exit_code, r.stdout) == (0, "added 0, updated 0\n"), (kind, r.output)


# --- cost ----------------------------------------------------------------------------------------


def test_help_and_csv_never_import_the_spreadsheet_libraries(repo: Path) -> None:
    code = (
        "import sys\nfrom driverparty.cli.main import main\n"
        "sys.argv = ['driverparty', *sys.argv[1:]]\n"
        "try:\n    main()\nfinally:\n"
        "    libraries = ('xlsxwriter', 'python_calamine')\n"
        "    sys.stderr.write(repr([m for m in libraries if m in sys.modules]))\n"
    )
    for args in (["--help"], ["--repo", str(repo), "member", "list", "--format", "csv"]):
        p = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, encoding="utf-8"
        )
        assert p.returncode == 0, p.stderr
        assert p.stderr.endswith("[]"), (args, p.stderr[-200:])
    r = runner_for(repo)("import", "member", "-", input="id,notes\nM-0001,好\n")
    assert r.exit_code == 0


def test_a_branch_is_named_by_its_id_or_by_its_name_as_a_roster_has_it(dp: Run, repo: Path) -> None:
    text = (
        "姓名,职业,阶段,所属支部\n"
        "黄海,网约车司机,积极分子,万顺叫车贺州分公司党支部\n"
        "李明,货车司机,积极分子,B-0006\n"
    )
    r = dp("import", "member", "-", input=text)
    assert r.exit_code == 0, r.output
    assert member_json(dp, "M-0061")["branch"] == "B-0003"
    assert member_json(dp, "M-0062")["branch"] == "B-0006"
    before = state(repo)
    r = dp(
        "import", "member", "-", input="姓名,职业,阶段,所属支部\n黄海,货车司机,积极分子,某党支部\n"
    )
    assert r.exit_code == 1
    assert errors(r.stderr) == ['error: row 1: branch: no branch has this id or name: "某党支部"']
    assert state(repo) == before


#: what a record's text can hold: no control character but a line break and a tab (notes)
RECORD_TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cs", "Cc"], include_characters="\n\t"),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(RECORD_TEXT, max_size=4))
def test_any_text_survives_csv_and_tsv_quoting(texts: list[str]) -> None:
    """What `list` writes, import reads back exactly, whatever the first character."""
    from driverparty.bulk import Source, read_table
    from driverparty.output import render

    rows = [{"id": f"M-{n}", "name": t, "notes": t} for n, t in enumerate(texts)]
    for fmt in ("csv", "tsv"):
        text = render(rows, ["id", "name", "notes"], fmt, kind="member")
        table = read_table("member", Source("-", text.encode(), fmt))
        assert [r["name"] for _, r in table.rows] == [t for t in texts], fmt


def test_a_roster_imported_twice_is_two_groups_of_duplicates_not_one_line_a_row(
    dpe: Run, empty_repo: Path, tmp_path: Path
) -> None:
    source = tmp_path / "roster.csv"
    source.write_bytes(csv_bytes(roster(200), "utf-8-sig"))
    ignore = ["--ignore", "序号", "--ignore", "籍贯"]
    assert dpe("import", "member", str(source), *ignore).exit_code == 0
    before = state(empty_repo)
    r = dpe("import", "member", str(source), *ignore)
    assert r.exit_code == 1
    lines = errors(r.stderr)
    assert len(lines) == 42, lines
    assert lines[0] == (
        "error: row 1: id_number: the same ID number is also used by M-0001: "
        f'"451{"*" * 13}{id_number(date(1970, 1, 1), 0)[-2:]}"'
    )
    assert lines[-2:] == [
        "error: ... and 180 more rows: id_number: the same ID number is also used by M-…",
        "error: ... and 180 more rows: phone: the same phone number is also used by M-…",
    ]
    assert state(empty_repo) == before


def test_a_title_row_above_the_headers_is_named_as_such(dpe: Run, tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["八步区货车司机党员花名册", "", ""],
        ["姓名", "职业", "阶段"],
        ["黄海", "货车司机", "积极分子"],
    ]
    r = dpe("import", "member", str(workbook(tmp_path / "b.xlsx", {"Sheet1": rows})))
    assert r.exit_code == 1
    assert (
        "3 columns name no member field: 八步区货车司机党员花名册, column B (no header)" in r.stderr
    )
    assert "a title above the headers? the first row must hold the headers" in r.stderr


def test_the_first_sheet_is_first_in_workbook_order_not_in_the_zip(
    dpe: Run, tmp_path: Path
) -> None:
    """A sheet dragged to the front in Excel keeps its part (sheet2.xml): workbook.xml's order
    is what counts, and a formula is looked for in that sheet's own part."""
    made = workbook(
        tmp_path / "made.xlsx",
        {
            "说明": [["填表说明"]],
            "名单": [
                ["姓名", "职业", "阶段", "备注"],
                ["黄海", "货车司机", "积极分子", ("=1+1", 2)],
            ],
        },
    )
    moved = tmp_path / "moved.xlsx"
    with zipfile.ZipFile(made) as src, zipfile.ZipFile(moved, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/workbook.xml":
                text = data.decode()
                first = text[text.index("<sheet ") : text.index("/>", text.index("<sheet ")) + 2]
                text = text.replace(first, "", 1).replace("</sheets>", first + "</sheets>")
                data = text.encode()
            dst.writestr(item, data)
    r = dpe("import", "member", str(moved))
    assert r.exit_code == 1
    assert errors(r.stderr) == [
        "error: row 1: notes: a formula, not a value: type the value itself (or paste as "
        'values): "=1+1"'
    ]


def test_a_file_that_cannot_be_replaced_is_exit_3_and_says_why(dp: Run, tmp_path: Path) -> None:
    """On Windows a workbook open in Excel cannot be replaced; here an immutable file (chattr
    +i, which stops root too) stands in for it. The old file stays as it was."""
    target = tmp_path / "名册.xlsx"
    target.write_bytes(b"old")
    if subprocess.run(["chattr", "+i", str(target)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        r = dp("member", "list", "--format", "xlsx", "--output", str(target))
    finally:
        subprocess.run(["chattr", "-i", str(target)], check=True)
    assert r.exit_code == 3
    assert "cannot write" in r.stderr and "open in Excel or WPS? close it" in r.stderr
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["county", "名册.xlsx"]  # no temp file


def test_excels_unicode_text_is_utf16_tab_separated(dpe: Run, tmp_path: Path) -> None:
    source = tmp_path / "名单.txt"
    text = "姓名\t职业\t阶段\r\n黄海\t货车司机\t积极分子\r\n"
    source.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    r = dpe("import", "member", str(source), "--format", "tsv")
    assert (r.exit_code, r.stdout, r.stderr) == (0, "added 1, updated 0\n", ""), r.output
    assert member_json(dpe, "M-0001")["name"] == "黄海"
