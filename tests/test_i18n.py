"""Chinese help, errors and notes (issue 23): the catalogue is complete and compiled, no
message escapes it, and the command line speaks Chinese under ``--lang zh`` or a Chinese
system locale — click's own words included — while English stays exactly as it was."""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from driverparty.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import catalog  # noqa: E402

PLACEHOLDER = re.compile(r"\{([^{}]*)\}|%\((\w+)\)s")


def fields(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


# --- the catalogue -------------------------------------------------------------------------------


def test_the_catalogue_holds_every_message_of_the_code() -> None:
    """A new ``_("…")``, help text or click string not yet in the .po: run ``make catalog``."""
    code, po = catalog.extract(), catalog.read_po()
    assert sorted(set(code) - set(po)) == [], "not in the .po: run `make catalog`"
    assert sorted(set(po) - set(code)) == [], "no longer in the code: run `make catalog`"


def test_every_message_has_a_translation_with_the_same_placeholders() -> None:
    po = catalog.read_po()
    missing = [m.msgid for m in po.values() if not m.msgstr.strip()]
    assert missing == [], f"{len(missing)} messages without a Chinese translation"
    for msg in po.values():
        source = msg.plural if msg.plural is not None else msg.msgid
        assert fields(msg.msgstr) == fields(source), msg.msgid


def test_the_compiled_catalogue_is_the_po_file() -> None:
    """The .mo that ships is compiled from the .po as it is (``make catalog``)."""
    assert catalog.MO.read_bytes() == catalog.compile_mo(catalog.read_po())


def test_the_mo_file_reads_back_with_the_standard_library() -> None:
    import gettext

    with catalog.MO.open("rb") as fh:
        t = gettext.GNUTranslations(fh)
    assert t.gettext("Usage:") == "用法："
    assert t.ngettext("Option {name!r} requires an argument.", "x", 1).startswith("选项")


#: exceptions whose first argument is what the user reads after ``error:``
ERRORS = {
    "UsageError",
    "DataError",
    "RepoError",
    "MoveRefused",
    "WriteFailed",
    "NotARepository",
    "LockTimeout",
    "GitFailed",
    "DriverpartyError",
    "BadParameter",
    "Unreadable",
    "SyncRefused",
    "fail",  # a click ParamType refusing a value
    "ClickException",
    "Refused",  # bulk: a cell refused, said with its row and column
}


def _bare(node: ast.expr) -> bool:
    """A message written in English only: a string or f-string with words, not ``_()``."""
    if isinstance(node, ast.IfExp):
        return _bare(node.body) or _bare(node.orelse)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
    else:
        return False
    # SPEC section 6's prefixes stay English, for scripts: ``error: {message}`` is no sentence
    return bool(re.search("[A-Za-z]{2}", re.sub(r"^(error|note|warning): ?", "", text)))


def bare_messages(path: Path) -> Iterator[str]:
    """Where ``path`` raises an error, makes a Problem, says a note or an error, or fails a
    model's validation with an English string not passed through ``_()``."""
    rel = path.relative_to(ROOT).as_posix()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
        args: list[ast.expr] = []
        if name in ERRORS and node.args:
            args = [node.args[0]]
        elif name in ("Problem", "_p"):  # _p: checks.py's Problem of a record
            args = node.args[3:4] + [k.value for k in node.keywords if k.arg == "message"]
        elif name in ("note", "on_note") and node.args:
            args = [node.args[0]]
        elif name == "say" and len(node.args) == 2:
            args = [node.args[1]]
        elif name == "_refuse" and len(node.args) == 2:
            args = [node.args[1]]  # workflows: why a member cannot move
        elif name == "echo" and node.args and any(k.arg == "err" for k in node.keywords):
            args = [node.args[0]]  # a line on stderr: what was done, a warning
        elif name == "ValueError" and node.args and "journal" not in rel:
            args = [node.args[0]]  # pydantic shows a validator's ValueError to the user
        elif name == "append" and node.args and isinstance(node.args[0], ast.Tuple):
            if "models/" in rel and len(node.args[0].elts) == 2:  # a rule's (field, message)
                args = [node.args[0].elts[1]]
        for arg in args:
            if _bare(arg):
                yield f"{rel}:{node.lineno}"


def test_no_error_or_note_is_written_in_english_only() -> None:
    """Every message a user reads goes through ``_()``: new code cannot slip past the
    catalogue (journal.py's ValueErrors are internal: caught, never shown)."""
    found = [hit for p in sorted((ROOT / "driverparty").rglob("*.py")) for hit in bare_messages(p)]
    assert found == []


def test_the_scan_finds_a_bare_message(tmp_path: Path) -> None:
    """The scan above can fail: an English-only raise, Problem and note are found."""
    src = ROOT / "driverparty" / "_probe_for_test.py"
    src.write_text(
        "def f(app, x):\n"
        "    app.note('nothing was done')\n"
        "    Problem('a', None, 'b', f'{x} is wrong')\n"
        "    raise DataError(f'no such thing {x}')\n"
        "    raise DataError(_('no such thing {x}').format(x=x))\n",
        encoding="utf-8",
    )
    try:
        assert len(list(bare_messages(src))) == 3
    finally:
        src.unlink()


# --- the command line --------------------------------------------------------------------------


def command_paths() -> list[list[str]]:
    """Every command of the tree, hidden ones too, as the words that reach it."""
    paths: list[list[str]] = [[]]

    def walk(group: click.Group, ctx: click.Context, prefix: list[str]) -> None:
        names = set(group.list_commands(ctx)) | set(getattr(group, "hidden_commands", ()))
        for name in sorted(names):
            command = group.get_command(ctx, name)
            if command is None:
                continue
            paths.append([*prefix, name])
            if isinstance(command, click.Group):
                walk(command, click.Context(command, parent=ctx, info_name=name), [*prefix, name])

    walk(cli, click.Context(cli, info_name="driverparty"), [])
    return paths


#: three English words in a row: a sentence that was not translated
ENGLISH = re.compile(r"\b[A-Za-z][a-z']+(?:,? [a-z][a-z']+){2,}\b")


def english_in(help_text: str) -> list[str]:
    """The English sentences of a help text, leaving out what is code: example command
    lines, option names, metavars, choices, variables, backquoted commands."""
    found = []
    for line in help_text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("driverparty", "git ", "|", "id=$(", ">")):
            continue  # an example: typed as it is
        stripped = re.sub(r"\bdriverparty .*", " ", stripped)  # an example after its label
        stripped = re.sub(r"`[^`]*`|\[[^\]]*\]|--?[\w-]+|\$\w+|\b[A-Z_]{2,}\b", " ", stripped)
        found += ENGLISH.findall(stripped)
    return found


@pytest.fixture(scope="module")
def zh_helps() -> dict[str, str]:
    runner = CliRunner()
    out = {}
    for path in command_paths():
        result = runner.invoke(cli, ["--lang", "zh", *path, "--help"], prog_name="driverparty")
        assert result.exit_code == 0, (path, result.output)
        out[" ".join(path) or "driverparty"] = result.output
    return out


def test_every_help_is_chinese(zh_helps: dict[str, str]) -> None:
    """``--lang zh --help`` of every command: click's words (用法, 选项, 显示此帮助并退出) and
    ours, no English sentence left."""
    assert len(zh_helps) > 40  # every kind's add/get/list/…, every report, the tools
    for path, text in zh_helps.items():
        assert text.startswith("用法："), path
        assert "显示此帮助并退出。" in text, path
    english = {path: found for path, text in zh_helps.items() if (found := english_in(text))}
    assert english == {}


def test_the_detector_sees_english() -> None:
    assert english_in("  --reveal  Show phone and ID numbers in full.") != []
    assert english_in("  --format [table|json]  输出格式。") == []


def test_help_is_english_again_after_chinese() -> None:
    """One process (a test run, a library user) may speak both, one after the other."""
    runner = CliRunner()
    first = runner.invoke(cli, ["--lang", "en", "--help"])  # click keeps --help's option
    assert "Show this message and exit." in first.output
    assert "显示此帮助并退出。" in runner.invoke(cli, ["--lang", "zh", "--help"]).output
    zh = runner.invoke(cli, ["--lang", "zh", "member", "add", "--help"])
    en = runner.invoke(cli, ["--lang", "en", "member", "add", "--help"])
    assert "新增一条成员记录" in zh.output
    assert en.output.startswith("Usage: cli member add")
    assert "Add a member; prints the new id alone on stdout." in en.output
    assert "Show this message and exit." in en.output
    assert english_in(en.output) != []


def test_the_version_line_is_said_in_the_language_asked_for() -> None:
    from driverparty import __version__

    runner = CliRunner()
    zh = runner.invoke(cli, ["--lang", "zh", "--version"])
    assert (zh.exit_code, zh.output) == (0, f"driverparty，版本 {__version__}\n")
    en = runner.invoke(cli, ["--lang", "en", "--version"])
    assert (en.exit_code, en.output) == (0, f"driverparty, version {__version__}\n")


def test_a_chinese_system_locale_speaks_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    result = CliRunner().invoke(cli, ["member", "--help"], prog_name="driverparty")
    assert result.output.startswith("用法： driverparty member")
    assert "党员和入党发展流程" in result.output
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert CliRunner().invoke(cli, ["member", "--help"]).output.startswith("Usage:")


def test_driverparty_lang_speaks_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRIVERPARTY_LANG", "zh")
    assert CliRunner().invoke(cli, ["--help"]).output.startswith("用法：")


# --- errors and notes --------------------------------------------------------------------------


def test_a_bad_field_value_is_said_in_chinese_with_the_field_label(dpe, repo: Path) -> None:
    r = dpe("--lang", "zh", "member", "add", "--name", "王五", "--occupation", "truck",
            "--stage", "applicant", "--phone", "12345")  # fmt: skip
    assert r.exit_code == 1
    assert "error: records/members/" in r.stderr
    assert "手机号（phone）: 不是有效的大陆手机号" in r.stderr
    assert "12345" not in r.stderr or "not" not in r.stderr


def test_an_unknown_id_is_said_in_chinese(dpe, repo: Path) -> None:
    r = dpe("--lang", "zh", "member", "get", "M-9999")
    assert r.exit_code == 1
    assert r.stderr.strip() == "error: 没有成员 M-9999"
    r = dpe("--lang", "en", "member", "get", "M-9999")
    assert r.stderr.strip() == "error: no member M-9999"


def test_click_usage_errors_are_said_in_chinese(dpe, repo: Path) -> None:
    r = dpe("--lang", "zh", "member", "list", "--bogus")
    assert r.exit_code == 2
    assert r.stderr.startswith("error: 没有这个选项 '--bogus'。（见：")
    assert r.stderr.strip().endswith(" member list --help）")
    r = dpe("--lang", "zh", "member", "get")
    assert r.exit_code == 2
    assert r.stderr.startswith("error: 缺少参数 'ID'")
    r = dpe("--lang", "zh", "member", "list", "--format", "pdf")
    assert r.exit_code == 2
    assert "的值无效" in r.stderr and "不是以下之一" in r.stderr


def test_an_application_error_is_said_in_chinese(dpe, repo: Path) -> None:
    r = dpe("--lang", "zh", "member", "list", "--where", "colour=red")
    assert r.exit_code == 2
    assert "未知的字段 'colour'" in r.stderr
    r = dpe("--lang", "zh", "summary", "--period", "2025Q9")
    assert r.exit_code == 2
    assert "必须是一年（2025）、一季度（2025Q4）或一个月（2025-11）" in r.stderr


def test_the_error_prefix_stays_for_scripts(dpe, repo: Path) -> None:
    """SPEC section 6's ``error:`` form is kept in every language: scripts look for it."""
    r = dpe("--lang", "zh", "member", "get", "M-9999")
    assert r.stderr.startswith("error: ")


def test_validate_says_a_rule_across_records_in_chinese(dp, repo: Path) -> None:
    path = repo / "records/branches/B-0002.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^secretary = .*$", 'secretary = "M-0999"', text), "utf-8")
    r = dp("--lang", "zh", "validate")
    assert r.exit_code == 1
    assert "records/branches/B-0002.toml: 书记（secretary）: 没有成员 M-0999" in r.stdout
    r = dp("validate")
    assert "records/branches/B-0002.toml: secretary: no member M-0999" in r.stdout


def test_a_refused_promotion_says_why_in_chinese(dp, repo: Path) -> None:
    r = dp("--lang", "zh", "member", "promote", "M-0001", "--to", "applicant")
    assert r.exit_code == 1
    assert r.stderr.startswith("error: 成员 M-0001：")
    assert "已经是正式党员：发展流程没有下一步了" in r.stderr
