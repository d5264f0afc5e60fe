"""Every recipe in the README's "Recipes" section runs as shown, in order, on a copy of the
sample county, and prints and changes what the README says; the README's tour runs as shown,
in order (scripts/readme_tour.py); and the README links only to files in the repository."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, TODAY, git, runner_for

BIN = Path(sys.executable).parent


def recipes() -> list[tuple[str, str, str | None]]:
    """(title, the sh block, the text block shown after it or None), in README order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Recipes\n", 1)[1].split("\n## ", 1)[0]
    found = []
    for part in section.split("\n### ")[1:]:
        title = part.splitlines()[0]
        blocks = re.findall(r"```(sh|text)\n(.*?)```", part, re.S)
        shells = [body for lang, body in blocks if lang == "sh"]
        shown = [body for lang, body in blocks if lang == "text"]
        assert len(shells) == 1, title
        found.append((title, shells[0], shown[0] if shown else None))
    return found


RECIPES = recipes()


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory, sample_template: Path) -> Path:
    """One copy of the sample county the recipes run on one after another. "Today" is
    DRIVERPARTY_TODAY (tests/conftest.py), for driverparty and for the recipes alike: no
    stand-in for `date` (issue 23: the overdue recipe used the computer's date)."""
    import shutil

    repo = tmp_path_factory.mktemp("recipes") / "county"
    shutil.copytree(sample_template, repo, symlinks=True)
    return repo


def run(
    repo: Path, script: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", **(env or {})}
    env.pop("DRIVERPARTY_DEBUG", None)
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )


def office_files(repo: Path) -> None:
    """What an office sends (issue 19), made here the way Excel makes it: a roster saved as
    "CSV (逗号分隔)" on Chinese Windows — GBK, CRLF, 序号 and 籍贯 columns, Chinese words and
    dates — and a workbook of new applicants with date cells and a phone held as a number."""
    import csv
    import io
    from datetime import datetime

    import xlsxwriter

    rows = [
        ["序号", "姓名", "性别", "出生日期", "手机号码", "职业", "工作单位", "阶段", "籍贯"],
        ["1", "韦国强", "男", "1979/8/12", "19977420001", "货车司机", EMPLOYER, "正式党员", "贺州"],
        [
            "2",
            "莫秀珍",
            "女",
            "1985年3月2日",
            "19977420002",
            "货车司机",
            EMPLOYER,
            "预备党员",
            "钟山",
        ],
        ["3", "邓海", "男", "1990.11.30", "19977420003", "货车司机", EMPLOYER, "积极分子", "昭平"],
    ]
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    (repo / "花名册.csv").write_bytes(text.getvalue().encode("gbk"))
    book = xlsxwriter.Workbook(str(repo / "入党申请人.xlsx"))
    sheet = book.add_worksheet("申请人")
    day = book.add_format({"num_format": "yyyy/m/d"})
    sheet.write_row(0, 0, ["姓名", "联系电话", "职业", "单位", "阶段", "申请入党日期"])
    for r, (name, phone, applied) in enumerate(
        [
            ("黄志远", 19977420004, datetime(2026, 5, 8)),
            ("覃丽", 19977420005, datetime(2026, 6, 1)),
        ],
        1,
    ):
        sheet.write_row(r, 0, [name, phone, "货车司机", EMPLOYER, "入党申请人"])
        sheet.write_datetime(r, 5, applied, day)
    book.close()


EMPLOYER = "贺州市八步区通达货运有限公司"
#: recipes that need files an office sends, made before they run
SETUP = {"From the office's spreadsheet": office_files}


def test_the_readme_has_at_least_six_recipes() -> None:
    assert len(RECIPES) >= 6


def member(repo: Path, rid: str) -> dict[str, object]:
    r = runner_for(repo)("member", "get", rid, "--format", "json", "--reveal")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def activity(repo: Path, rid: str) -> dict[str, object]:
    r = runner_for(repo)("activity", "get", rid, "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def subjects(repo: Path, n: int) -> list[str]:
    return git(repo, "log", f"-{n}", "--format=%s").splitlines()[::-1]


CHECKS = {
    "A call round": lambda repo, out: (
        out == "" and (repo / "call-round.csv").read_text(encoding="utf-8")
    ),
    "Record everyone reached": lambda repo, out: (
        out == ""
        and subjects(repo, 3) == [f"member verify M-00{n}" for n in (23, 24, 50)]
        and {member(repo, f"M-00{n}")["verification"] for n in (23, 24, 50)} == {"confirmed"}
        and member(repo, "M-0024")["verified_on"] == TODAY
    ),
    "Promote every activist": lambda repo, out: (
        (repo / "activists.txt").read_text(encoding="utf-8") == "M-0057\n"
        and member(repo, "M-0057")["stage"] == "candidate"
        and member(repo, "M-0057")["candidate_on"] == TODAY
        and subjects(repo, 1) == ["member promote M-0057"]
    ),
    "A new driver": lambda repo, out: (
        runner_for(repo)("petition", "get", "P-0041", "--format", "json").stdout.count(
            '"member": "M-0061"'
        )
        == 1
        and member(repo, "M-0061")["phone"] == "13977412345"
    ),
    "Overdue petitions": lambda repo, out: out.count("\n") == 2,
    "The three busiest": lambda repo, out: "parking" in out,
    "A training's sign-in sheet": lambda repo, out: (
        subjects(repo, 2) == ["activity add A-0304", "activity attend A-0304"]
        and activity(repo, "A-0304")["participants"]
        == ["M-0003", "M-0004", "M-0005", "M-0007", "M-0055"]
    ),
    "Organisational life still owed": lambda repo, out: (
        (repo / "owed.csv").read_text(encoding="utf-8").count("\n") == 5
    ),
    "The quarter's figures": lambda repo, out: (
        "members,party,40\n" in (repo / "2026Q2.csv").read_text(encoding="utf-8")
        and "members,recruited,3\n" in (repo / "2026Q2.csv").read_text(encoding="utf-8")
        and out.splitlines()[0] == "kind\tid"
        and "petition\tP-0041" in out.splitlines()
    ),
    "From the office's spreadsheet": lambda repo, out: (
        [member(repo, f"M-00{n}")["name"] for n in range(62, 67)]
        == ["韦国强", "莫秀珍", "邓海", "黄志远", "覃丽"]
        and member(repo, "M-0063")["birth_date"] == "1985-03-02"
        and member(repo, "M-0063")["stage"] == "probationary"
        and member(repo, "M-0065")["phone"] == "19977420004"
        and member(repo, "M-0066")["applied_on"] == "2026-06-01"
        and subjects(repo, 2) == ["member import 3 records", "member import 2 records"]
        and workbook_rows(repo / "通达货运.xlsx")[0][:3] == ["编号", "姓名", "性别"]
        and len(workbook_rows(repo / "通达货运.xlsx")) == 6
    ),
}


def workbook_rows(path: Path) -> list[list[object]]:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


@pytest.mark.parametrize(("title", "script", "shown"), RECIPES, ids=[t for t, _, _ in RECIPES])
def test_recipe_runs_as_shown(county: Path, title: str, script: str, shown: str | None) -> None:
    setup = next((s for prefix, s in SETUP.items() if title.startswith(prefix)), None)
    if setup is not None:
        setup(county)
    result = run(county, script)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    if shown is not None:
        target = re.search(r">\s*(\S+)\s*$", script.strip())
        got = (
            (county / target.group(1)).read_text(encoding="utf-8")
            if target and not result.stdout
            else result.stdout
        )
        assert got == shown, title
    check = next((c for prefix, c in CHECKS.items() if title.startswith(prefix)), None)
    assert check is not None, f"no check for recipe {title!r}"
    assert check(county, result.stdout), (title, result.stdout)
    assert git(county, "status", "--porcelain", "records") == ""


def test_the_overdue_recipe_counts_from_the_pinned_day(repo: Path) -> None:
    """The recipe says "overdue" as of DRIVERPARTY_TODAY when it is set, as driverparty does
    (issue 23: it used the computer's date): three weeks on, P-0038 is overdue too."""
    script = next(s for t, s, _ in RECIPES if t.startswith("Overdue petitions"))
    assert "DRIVERPARTY_TODAY" in script
    later = run(repo, script, {"DRIVERPARTY_TODAY": "2026-07-20"})
    assert later.returncode == 0, later.stderr
    assert [line.split("\t")[0] for line in later.stdout.splitlines()] == [
        "id",
        "P-0028",
        "P-0038",
    ]


def test_the_readme_tour_runs_as_shown() -> None:
    """scripts/readme_tour.py walks "A tour" and "Workflows" in order on a fresh layout (this
    checkout's sample beside a new county) with the installed driverparty; every id, error
    and table the README shows must be what the commands print (issue 23: M-0061 was taken)."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "readme_tour.py")],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert out.returncode == 0, out.stderr
    assert re.search(r"tour: \d{2,} commands, 0 differ", out.stderr), out.stderr


def test_the_readme_links_only_inside_the_repository() -> None:
    """A clone alone is the whole documentation: no link to ../shared/SPEC.md or any file
    outside, and every file linked is there (issue 23)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\((?!#|https?:)([^)#\s]+)", text)
    assert "docs/REFERENCE.md" in targets
    assert "docs/使用指南.md" in targets
    for target in targets:
        path = (ROOT / target).resolve()
        assert path.is_relative_to(ROOT), target
        assert path.exists(), target
