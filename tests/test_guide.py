"""Every command of docs/使用指南.md runs as the guide shows it (issue 23).

The guide's ```sh blocks run in order, each in a fresh bash (``-e -o pipefail``), in one
temporary folder standing for the clerk's computer — its own HOME and global git config, a
folder ``U盘`` standing for the USB drive — with DRIVERPARTY_TODAY pinned to 2026-06-30, as
the guide says. The folder a block ends in is where the next one starts (the clerk's ``cd``).
A ```text block right after an ```sh block is what that block prints on screen (stdout and
stderr, exactly).
A block after ``<!-- runs: WHAT -->`` is run by a test of its own instead, not on that
computer: ``install`` — the Linux install, for real: ``pip install --user pipx`` and
``pipx install ./driverparty`` of a copy of this checkout in a HOME of its own, then
``driverparty --version`` in a new terminal, from pipx's folder — and ``ssh`` — the city's
SSH server: a real sshd (tests/servers.py), only its host, port, user and folder put in the
text, and without the key ``sync`` stops with exit 3 and changes nothing.
The ```powershell block (installing on Windows) is shown, not run: there is no Windows here,
and the Windows simulation (``make test-windows-sim``) simulates what driverparty meets on
Windows, not pip or pipx. It must be the Linux block in Windows' spelling (``python`` for
``python3``, ``E:\\driverparty`` for ``./driverparty``), so the Linux test runs its commands.
The HTTPS way, which the guide leaves to the README, is run by tests/test_remote.py
(``test_the_readme_recipe_for_https_runs_as_written``).

A block after ``<!-- needs: WHAT -->`` runs only when the installed driverparty has WHAT
(``activity``: the activity kind; ``report html --period``); otherwise its test is skipped,
saying what is missing. The files an office sends (a GBK csv roster, an xlsx workbook) are
made the way Excel makes them before the block that imports them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, TODAY, git
from tests.servers import SSHD, SshServer, need
from tests.test_sync import _snapshot

GUIDE = ROOT / "docs" / "使用指南.md"
BIN = Path(sys.executable).parent


class Block:
    def __init__(
        self,
        number: int,
        section: str,
        script: str,
        shown: str | None,
        needs: str = "",
        runs: str = "",
    ):
        self.number = number
        self.section = section
        self.script = script
        self.shown = shown
        self.needs = needs
        self.runs = runs

    @property
    def id(self) -> str:
        return f"{self.number:02d}-{self.section}"


def blocks() -> list[Block]:
    """Every ```sh block of the guide, in order, with the ```text block after it."""
    text = GUIDE.read_text(encoding="utf-8")
    found: list[Block] = []
    section = ""
    pattern = re.compile(
        r"^## (?P<section>.+?)$"
        r"|(?:<!-- (?P<tag>needs|runs): (?P<arg>[^>]+?) -->\n+)?```sh\n(?P<sh>.*?)```"
        r"(?:\n+```text\n(?P<text>.*?)```)?",
        re.S | re.M,
    )
    for m in pattern.finditer(text):
        if m.group("section"):
            section = m.group("section").strip()
            continue
        tag = {m.group("tag") or "needs": m.group("arg") or ""}
        found.append(Block(len(found) + 1, section, m.group("sh"), m.group("text"), **tag))
    return found


#: the blocks run in order on the clerk's computer (``desk``)
_ALL = blocks()
BLOCKS = [b for b in _ALL if not b.runs]
#: the blocks marked ``<!-- runs: WHAT -->``, run by a test of their own: ``install`` (the
#: Linux install, for real) and ``ssh`` (the city's SSH server, a real sshd)
RUNS: dict[str, list[Block]] = {}
for _block in _ALL:
    if _block.runs:
        RUNS.setdefault(_block.runs, []).append(_block)


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


def anchors(markdown: Path) -> set[str]:
    """The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces as
    hyphens."""
    return {
        re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        for heading in re.findall(r"^#+ (.+)$", markdown.read_text(encoding="utf-8"), re.M)
    }


def test_the_guide_links_only_inside_the_repository() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for target, anchor in re.findall(r"\]\((?!#|https?:)([^)#]+)(?:#([^)]+))?\)", text):
        assert (GUIDE.parent / target).resolve().is_relative_to(ROOT), target
        assert (GUIDE.parent / target).exists(), target
        if anchor:  # e.g. the README's "Sharing with the city", for the HTTPS way
            assert anchor in anchors(GUIDE.parent / target), (target, anchor)


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


# --- installing, on Linux for real and on Windows by its spelling ------------------------------

#: pip's own cache of the machine (or CI), kept for the install in a HOME of its own
PIP_CACHE = os.environ.get("PIP_CACHE_DIR") or str(
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pip"
)
#: the Python a clerk has: the one this test's virtual environment was made from
CLERK_PYTHON = Path(getattr(sys, "_base_executable", sys.executable))


def program_folder(dest: Path) -> Path:
    """The program folder the clerk copies from a USB drive: the checkout's files as git tracks
    them (this working tree's version of each), as ``dest/driverparty/``."""
    if not (ROOT / ".git").exists():
        pytest.skip(f"{ROOT} is not a git checkout: the program folder is made from git's files")
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode("utf-8")
    folder = dest / "driverparty"
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a file deleted in the working tree is not copied
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / name)
    return folder


def terminal_env(home: Path) -> dict[str, str]:
    """A Linux terminal of a clerk's own account: their HOME (and so ``~/.local``, pipx's
    folders, ``~/.bashrc``), the system's PATH with the clerk's Python on it, bash as the shell.
    Nothing of this test run's own environment (its virtual environment, the Windows
    simulation's PYTHONPATH and cp936 console, pinned git names) reaches pip or pipx; pip's
    cache is the machine's, so a second run downloads nothing."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PIP", "PYTHON", "VIRTUAL_ENV", "XDG_", "DRIVERPARTY_", "GIT_"))
    }
    path = [p for p in env.get("PATH", os.defpath).split(os.pathsep) if Path(p) != BIN]
    env |= {
        "HOME": str(home),
        "PYTHONUSERBASE": str(home / ".local"),
        "PIP_CACHE_DIR": PIP_CACHE,
        "PATH": os.pathsep.join([str(CLERK_PYTHON.parent), *path]),
        "SHELL": "/bin/bash",
        "LANG": "C.UTF-8",
        "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
    }
    return env


def in_terminal(
    script: str, cwd: Path, env: dict[str, str], new: bool = False
) -> subprocess.CompletedProcess[str]:
    """``script`` typed into a terminal; ``new``: a terminal opened after the last one, which
    reads ``~/.bashrc`` (where ``pipx ensurepath`` puts pipx's folder on PATH)."""
    if new:
        env = {**env, "BASH_ENV": str(Path(env["HOME"]) / ".bashrc")}
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        timeout=600,
    )


def reopened(script: str) -> tuple[str, str]:
    """A block in two parts: before and after its "close the window and open a new one"."""
    lines = script.splitlines(keepends=True)
    (at,) = [i for i, line in enumerate(lines) if line.startswith("#") and "重新打开" in line]
    return "".join(lines[:at]), "".join(lines[at + 1 :])


def test_the_linux_install_installs_driverparty_with_pipx(tmp_path: Path) -> None:
    """The guide's Linux block, for real: pip installs pipx for the clerk's account (from the
    package registry, through pip's cache), pipx installs the program folder, and a new
    terminal finds ``driverparty`` in pipx's folder and says the guide's version line."""
    managed = CLERK_PYTHON.resolve().parent.parent / "lib"
    if any(managed.glob("python3*/EXTERNALLY-MANAGED")):
        pytest.skip(
            f"{CLERK_PYTHON} is a system Python that refuses pip install --user (PEP 668); the "
            "guide sends such systems to apt install pipx"
        )
    (install,) = RUNS["install"]
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    program_folder(work)
    env = terminal_env(home)
    first, second = reopened(install.script)
    assert "ensurepath" in first and "pipx install ./driverparty" in second

    result = in_terminal(first, work, env)
    assert result.returncode == 0, result.stdout
    assert str(home / ".local/bin") in (home / ".bashrc").read_text(encoding="utf-8")
    result = in_terminal(second, work, env, new=True)
    assert result.returncode == 0, result.stdout
    assert "installed package driverparty" in result.stdout, result.stdout

    (check,) = [b for b in BLOCKS if b.script.startswith("driverparty --version")]
    result = in_terminal(check.script, work, env, new=True)
    assert result.returncode == 0, result.stdout
    assert result.stdout == check.shown
    found = in_terminal(
        "command -v driverparty; python3 -m pipx environment --value PIPX_BIN_DIR",
        work,
        env,
        new=True,
    )
    command, bin_dir = found.stdout.split()
    assert Path(command) == Path(bin_dir) / "driverparty", found.stdout
    assert Path(bin_dir).is_relative_to(home), bin_dir  # the clerk's own ~/.local/bin
    assert "黄主任" in (home / ".gitconfig").read_text(encoding="utf-8")


def test_the_windows_install_is_the_linux_install_spelled_for_windows() -> None:
    """There is no Windows here (the project's Windows simulation, ``make test-windows-sim``,
    runs driverparty, not pip or pipx on Windows): the Windows block must be the Linux block,
    which runs for real above, with Windows' spelling — ``python`` (the Microsoft Store's
    Python has no ``py``) and the folder as ``E:\\driverparty`` — and the same "close the window,
    open a new one" between ``ensurepath`` and ``pipx install``. What is not tested: pip and
    pipx themselves on Windows, and pipx's reading of a drive-letter path (pipx's own CI)."""
    (windows,) = re.findall(r"```powershell\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    (linux,) = RUNS["install"]
    assert "pipx install E:\\driverparty" in windows
    assert "py -m" not in windows
    spelled = windows.replace("python -m", "python3 -m").replace("E:\\driverparty", "./driverparty")
    for win, lin in zip(reopened(spelled), reopened(linux.script), strict=True):
        commands = [line.split("  #")[0].strip() for line in lin.splitlines()]
        assert [line.strip() for line in win.splitlines()] == commands


# --- sharing through the city's SSH server -----------------------------------------------------


@pytest.fixture
def city(tmp_path: Path) -> Iterator[SshServer]:
    need(SSHD, "ssh", "ssh-keygen", "ssh-keyscan")
    server = SshServer(tmp_path / "city")
    server.bare("babu.git")
    yield server
    server.stop()


def test_the_ssh_way_pushes_the_records_to_a_real_sshd(
    tmp_path: Path, sample_template: Path, city: SshServer
) -> None:
    """The guide's two SSH blocks on a clerk's computer (its own HOME, no ssh agent, no ssh
    settings) against a real sshd (tests/servers.py). Only what the city's real server has and
    this one cannot is put in the text: the host name and port (``records.city.example:2222``
    → 127.0.0.1 and the test server's port), the user (no ``babu`` account on this machine),
    and the folder (``/srv/git/`` → the test server's folder)."""
    keygen, connect = RUNS["ssh"]
    home = tmp_path / "home"
    home.mkdir()
    county = home / "八步区"
    shutil.copytree(sample_template, county, symlinks=True)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SSH_AUTH_SOCK", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_ASKPASS", "SSH_ASKPASS")
    }
    env |= {"HOME": str(home), "GIT_CONFIG_GLOBAL": str(home / ".gitconfig")}
    (home / ".gitconfig").write_text("", encoding="utf-8")

    result = in_terminal(keygen.script, county, env)
    assert result.returncode == 0, result.stdout
    line = result.stdout.strip()
    assert line == (home / ".ssh/city_ed25519.pub").read_text(encoding="utf-8").strip()
    assert line.startswith("ssh-ed25519 ") and line.endswith(" 八步区"), line
    (tmp_path / "sent.pub").write_text(line + "\n", encoding="utf-8")
    city.authorize(tmp_path / "sent.pub")  # what the city's administrator does with the line

    script = connect.script
    for old, new in {
        "-p 2222 records.city.example": f"-p {city.port} 127.0.0.1",
        "babu@records.city.example:2222/srv/git/": f"{city.user}@127.0.0.1:{city.port}{city.srv}/",
    }.items():
        assert script.count(old) == 1, old
        script = script.replace(old, new)
    result = in_terminal(script, county, env)
    assert result.returncode == 0, result.stdout
    said = result.stdout.splitlines()
    assert said[-1] == "pushed main to origin (first push)", result.stdout
    fingerprint = subprocess.run(
        ["ssh-keygen", "-l", "-f", str(city.base / "host_key.pub")],
        check=True,
        capture_output=True,
        text=True,
        encoding="utf-8",
    ).stdout.split()[1]
    assert any(fingerprint in s for s in said), result.stdout  # the one the city tells
    assert git(city.srv / "babu.git", "rev-parse", "main") == git(county, "rev-parse", "HEAD")

    # "sync never prompts for a password: without the key it stops at once, exit 3, and
    # changes nothing" — the same laptop with its key gone
    for name in ("city_ed25519", "city_ed25519.pub"):
        (home / ".ssh" / name).rename(tmp_path / name)
    added = in_terminal(
        "driverparty branch add --name 八步区网约车司机党支部 --kind joint_branch "
        "--founded 2026-06-01",
        county,
        env,
    )
    assert added.returncode == 0, added.stdout
    before, remote = _snapshot(county), git(city.srv / "babu.git", "rev-parse", "main")
    start = time.monotonic()
    result = in_terminal("driverparty sync", county, env)
    assert result.returncode == 3, result.stdout
    errors = [s for s in result.stdout.splitlines() if s.startswith("error: ")]
    assert len(errors) == 1 and "SSH key" in errors[0], result.stdout
    assert "Traceback" not in result.stdout
    assert time.monotonic() - start < 15
    assert _snapshot(county) == before
    assert git(city.srv / "babu.git", "rev-parse", "main") == remote


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
