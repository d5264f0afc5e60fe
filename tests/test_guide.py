"""Every command of docs/使用指南.md runs as the guide shows it (issue 23).

The guide's ```sh blocks run in order, each in a fresh bash (``-e -o pipefail``), in one
temporary folder standing for the clerk's computer — its own HOME and global git config, a
folder ``U盘`` standing for the USB drive — with DRIVERPARTY_TODAY pinned to 2026-06-30, as
the guide says. The folder a block ends in is where the next one starts (the clerk's ``cd``).
A ```text block right after an ```sh block is what that block prints on screen (stdout and
stderr, exactly).
Blocks in ```powershell or ```text alone are shown, not run: installing on Windows, and a
server the city runs (tests/test_remote.py tests sync against real ones).

A block after ``<!-- needs: WHAT -->`` runs only when the installed driverparty has WHAT
(``activity``: the activity kind; ``report html --period``); otherwise its test is skipped,
saying what is missing. The files an office sends (a GBK csv roster, an xlsx workbook) are
made the way Excel makes them before the block that imports them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT, TODAY

GUIDE = ROOT / "docs" / "使用指南.md"
BIN = Path(sys.executable).parent


class Block:
    def __init__(self, number: int, section: str, script: str, shown: str | None, needs: str):
        self.number = number
        self.section = section
        self.script = script
        self.shown = shown
        self.needs = needs

    @property
    def id(self) -> str:
        return f"{self.number:02d}-{self.section}"


def blocks() -> list[Block]:
    text = GUIDE.read_text(encoding="utf-8")
    found: list[Block] = []
    section = ""
    pattern = re.compile(
        r"^## (?P<section>.+?)$"
        r"|(?:<!-- needs: (?P<needs>[^>]+?) -->\n+)?```sh\n(?P<sh>.*?)```"
        r"(?:\n+```text\n(?P<text>.*?)```)?",
        re.S | re.M,
    )
    for m in pattern.finditer(text):
        if m.group("section"):
            section = m.group("section").strip()
            continue
        found.append(
            Block(len(found) + 1, section, m.group("sh"), m.group("text"), m.group("needs") or "")
        )
    return found


BLOCKS = blocks()


def roster(folder: Path) -> None:
    """花名册.csv as Excel saves "CSV (逗号分隔)" on Chinese Windows: GBK, CRLF, a 序号 and a
    籍贯 column the records do not hold, Chinese words and office dates."""
    rows = [
        "序号,姓名,性别,出生日期,手机号码,职业,工作单位,阶段,入党日期,转正日期,所属支部,籍贯",
        "1,韦国强,男,1979/8/12,19977420001,货车司机,贺州市八步区通达货运有限公司,正式党员,"
        "2008/7/1,2009/7/1,八步区货车司机联合党支部,贺州",
        "2,莫秀珍,女,1985年3月2日,19977420002,货车司机,贺州市八步区通达货运有限公司,"
        "正式党员,2015/6/28,2016/6/28,八步区货车司机联合党支部,钟山",
        "3,邓海,男,1990.11.30,19977420003,网约车司机,滴滴出行贺州办事处,正式党员,"
        "2019/12/20,2020/12/20,,昭平",
        "4,黄丽萍,女,1988/5/6,19977420004,货车司机,贺州市八步区通达货运有限公司,积极分子,,,"
        "八步区货车司机联合党支部,八步",
    ]
    (folder / "花名册.csv").write_bytes(("\r\n".join(rows) + "\r\n").encode("gbk"))


def applicants(folder: Path) -> None:
    """入党申请人.xlsx as Excel writes it: a title-free sheet, date cells, a phone as a number."""
    from datetime import datetime

    import xlsxwriter

    book = xlsxwriter.Workbook(str(folder / "入党申请人.xlsx"))
    sheet = book.add_worksheet("申请人")
    day = book.add_format({"num_format": "yyyy/m/d"})
    sheet.write_row(0, 0, ["姓名", "联系电话", "职业", "单位", "阶段", "申请入党日期"])
    for r, (name, phone, applied) in enumerate(
        [
            ("覃志远", 19977420005, datetime(2026, 5, 8)),
            ("蒙丽", 19977420006, datetime(2026, 6, 1)),
        ],
        1,
    ):
        sheet.write_row(
            r, 0, [name, phone, "货车司机", "贺州市八步区通达货运有限公司", "入党申请人"]
        )
        sheet.write_datetime(r, 5, applied, day)
    book.close()


#: what a block must print where the guide shows no output (the activity reports, whose
#: figures the activity kind's own tests hold): words the clerk looks for
KEY_OUTPUT = {
    "report meetings": ["支部党员大会", "支委会", "党课"],
    "report study": ["韦国强", "莫秀珍"],
    "report activities": ["爱心送考"],
    "activity add": ["A-0001", "A-0003"],
}

#: files an office sends, made before the first block of the section that imports them
SETUP: dict[str, Callable[[Path], None]] = {"花名册.csv": roster, "入党申请人.xlsx": applicants}


def available(needs: str, env: dict[str, str]) -> bool:
    if not needs:
        return True
    words = needs.split()
    if words[0] == "activity":
        probe = ["driverparty", "activity", "--help"]
        want = ""
    else:  # "report html --period": an option of a command
        probe = ["driverparty", *[w for w in words if not w.startswith("--")], "--help"]
        want = next(w for w in words if w.startswith("--"))
    out = subprocess.run(
        probe, env=env, cwd=env["HOME"], capture_output=True, text=True, encoding="utf-8"
    )
    return out.returncode == 0 and want in out.stdout


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The clerk's computer: a work folder, a HOME, a global git config, a USB drive."""
    base = tmp_path_factory.mktemp("guide")
    home = base / "home"
    work = base / "work"
    for folder in (home, work, work / "U盘"):
        folder.mkdir()
    (home / ".gitconfig").write_text("", encoding="utf-8")
    env = {
        **os.environ,
        "HOME": str(home),
        "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "DRIVERPARTY_TODAY": TODAY,
    }
    for key in (
        "DRIVERPARTY_DEBUG",
        "DRIVERPARTY_REPO",
        "DRIVERPARTY_LANG",
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "GIT_AUTHOR_DATE",
        "GIT_COMMITTER_DATE",
    ):
        env.pop(key, None)
    (base / "cwd").write_text(str(work), encoding="utf-8")
    return base, env


def run_block(base: Path, env: dict[str, str], block: Block) -> subprocess.CompletedProcess[str]:
    cwd = Path((base / "cwd").read_text(encoding="utf-8").strip())
    for name, make in SETUP.items():
        if name in block.script and not (cwd / name).exists():
            make(cwd)
    script = f"{block.script}\npwd > {str(base / 'cwd')!r}\n"
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # what the clerk sees on screen: notes and errors too
        text=True,
        encoding="utf-8",
    )


def test_the_guide_covers_what_a_clerk_does() -> None:
    sections = {b.section for b in BLOCKS}
    for words in ("安装", "第一个县", "花名册", "筛查", "诉求", "三会一课", "报表", "共享"):
        assert any(words in s for s in sections), words
    scripts = "\n".join(b.script for b in BLOCKS)
    for command in (
        "driverparty init",
        "driverparty import member 花名册.csv",
        "driverparty member verify",
        "driverparty petition extend",
        "driverparty petition callback",
        "driverparty activity add",
        "report html --period",
        "driverparty sync",
    ):
        assert command in scripts, command


def test_the_guide_links_only_inside_the_repository() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for target in re.findall(r"\]\((?!#|https?:)([^)#]+)", text):
        assert (GUIDE.parent / target).resolve().is_relative_to(ROOT), target
        assert (GUIDE.parent / target).exists(), target


@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_the_guide_runs_as_shown(desk: tuple[Path, dict[str, str]], block: Block) -> None:
    base, env = desk
    if not available(block.needs, env):
        pytest.skip(f"driverparty has no {block.needs} yet (the guide's section waits for it)")
    result = run_block(base, env, block)
    assert result.returncode == 0, (block.script, result.stdout)
    assert "Traceback" not in result.stdout
    assert "error: unexpected" not in result.stdout
    if block.shown is not None:
        assert result.stdout == block.shown, block.script
    for command, words in KEY_OUTPUT.items():
        if command in block.script:
            for word in words:
                assert word in result.stdout, (command, word, result.stdout)


def main() -> None:
    """``python -m tests.test_guide``: run the guide in a temporary folder and print what each
    block prints, to write the guide's ```text blocks from (they are then checked by pytest)."""
    import tempfile

    os.environ.update({"GIT_CONFIG_NOSYSTEM": "1"})
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for folder in ("home", "work", "work/U盘"):
            (base / folder).mkdir()
        (base / "home" / ".gitconfig").write_text("", encoding="utf-8")
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DRIVERPARTY_", "GIT_AUTHOR", "GIT_COMMITTER"))
        }
        env |= {
            "HOME": str(base / "home"),
            "GIT_CONFIG_GLOBAL": str(base / "home" / ".gitconfig"),
            "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
            "DRIVERPARTY_TODAY": TODAY,
        }
        (base / "cwd").write_text(str(base / "work"), encoding="utf-8")
        for block in BLOCKS:
            if not available(block.needs, env):
                print(f"=== {block.id}: skipped, needs {block.needs}")
                continue
            result = run_block(base, env, block)
            print(f"=== {block.id}: exit {result.returncode}")
            print(result.stdout, end="")


if __name__ == "__main__":
    main()
