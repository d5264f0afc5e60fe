"""Fuzzing (issue 9): broken record files and random command lines never end in a traceback,
and every exit code is one of SPEC section 6's (0, 1, 2, 3).

Runs with DRIVERPARTY_DEBUG unset, as users do: a bug then shows as one line "error:
unexpected …" and exit 1, which is caught here as a failure just like a traceback. Hypothesis
is derandomized and bounded, so CI sees the same examples every run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
import tomli_w
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from driverparty.cli.main import cli
from tests.conftest import git

EXIT_CODES = {0, 1, 2, 3}
FUZZ = settings(
    max_examples=120,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# No DEBUG (tracebacks would be re-raised only under it), no network for rollup's clones.
QUIET = {"DRIVERPARTY_DEBUG": None, "GIT_ALLOW_PROTOCOL": "file", "DRIVERPARTY_LOCK_TIMEOUT": "2"}


def invoke(repo: Path, args: list[str], input: bytes | str | None = None) -> Result:
    result = CliRunner().invoke(
        cli, ["--repo", str(repo), *args], input=input, env=QUIET, catch_exceptions=True
    )
    where = f"driverparty {' '.join(args)!r}"
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        where,
        result.exception,
    )
    assert result.exit_code in EXIT_CODES, (where, result.exit_code, result.output[-500:])
    assert "Traceback" not in result.output, (where, result.output[-2000:])
    # a bug without DEBUG: one line `error: unexpected KeyError: …` (cli/app.py handle)
    assert "error: unexpected " not in result.stderr, (where, result.stderr[-2000:])
    if result.exit_code != 0:  # every line an `error:` or a `note:` (click's usage too)
        lines = result.stderr.splitlines()
        for line in lines:
            assert line.startswith(("error: ", "note: ")), (where, result.stderr[:500])
        # and a failure always says why: an `error:` line naming it (SPEC section 6), or,
        # for `validate` and `status` (exit 1), its problems as rows on stdout
        errors = [line for line in lines if line.startswith("error: ")]
        rows = args[:1] in (["validate"], ["status"]) and result.exit_code == 1 and result.stdout
        assert rows or errors, (where, result.exit_code, result.output[-500:])
        assert all(line.strip() != "error:" for line in errors), (where, result.stderr[:500])
    return result


# --- broken record files -------------------------------------------------------------------

TARGETS = [
    ("records/members/M-0001.toml", "member", "M-0001"),
    ("records/petitions/P-0001.toml", "petition", "P-0001"),
    ("records/branches/B-0001.toml", "branch", "B-0001"),
    ("records/stations/S-0001.toml", "station", "S-0001"),
    ("driverparty.toml", "member", "M-0001"),
]

toml_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.sampled_from(["M-0001", "B-0001", "S-0001", "../x", "\u202e", "x" * 5000]),
)
toml_values = st.recursive(
    toml_scalars.filter(lambda v: v is not None),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)


@st.composite
def mutations(draw: st.DrawFn, original: bytes) -> bytes:
    how = draw(st.sampled_from(["bytes", "truncate", "flip", "insert", "field", "huge"]))
    if how == "bytes":
        return draw(st.binary(max_size=400))
    if how == "truncate":
        return original[: draw(st.integers(0, len(original)))]
    if how == "flip":
        at = draw(st.integers(0, max(0, len(original) - 1)))
        return original[:at] + bytes([draw(st.integers(0, 255))]) + original[at + 1 :]
    if how == "insert":
        at = draw(st.integers(0, len(original)))
        chunk = draw(st.sampled_from([b"[", b"]", b"=", b'"', b"\n", b"[[events]]\n", b"\x00"]))
        return original[:at] + chunk + original[at:]
    if how == "huge":
        size = draw(st.sampled_from([200_000, 1024 * 1024 + 1]))
        return original + b'notes = "' + b"x" * size + b'"\n'
    # a valid TOML file whose fields hold the wrong types (or unknown keys)
    import tomllib

    data = tomllib.loads(original.decode())
    keys = [*data, "id", "county", "events", "unknown"]
    for key in draw(st.lists(st.sampled_from(keys), min_size=1, max_size=3, unique=True)):
        if draw(st.booleans()):
            data[key] = draw(toml_values)
        else:
            data.pop(key, None)
    try:
        return tomli_w.dumps(data).encode()
    except (TypeError, ValueError):
        return original


READS = [
    ["validate"],
    ["status"],
    ["summary"],
    ["{kind}", "list", "--all"],
    ["{kind}", "get", "{id}"],
    ["{kind}", "get", "{id}", "--format", "json"],
    ["{kind}", "history", "{id}"],
    ["{kind}", "update", "{id}", "--notes", "模糊测试"],
    ["member", "add", "--name", "模糊", "--occupation", "truck", "--stage", "applicant"],
    ["diff"],
    ["log", "--limit", "3"],
    ["report", "coverage"],
    ["report", "html"],
    ["commit"],
]


@pytest.fixture(scope="module")
def fuzz_repo(sample_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("fuzz") / "county"
    shutil.copytree(sample_template, dest, symlinks=True)
    return dest


@pytest.mark.parametrize("target", TARGETS, ids=[t[0] for t in TARGETS])
def test_broken_files_never_crash_a_command(fuzz_repo: Path, target: tuple[str, str, str]) -> None:
    rel, kind, rid = target
    base = git(fuzz_repo, "rev-parse", "HEAD").strip()
    original = (fuzz_repo / rel).read_bytes()

    @FUZZ
    @given(data=mutations(original), command=st.sampled_from(READS), commit=st.booleans())
    def run(data: bytes, command: list[str], commit: bool) -> None:
        try:
            (fuzz_repo / rel).write_bytes(data)
            if commit:  # a broken file in history: log, history and diff read it from git
                git(fuzz_repo, "commit", "-q", "--no-verify", "--allow-empty", "-am", "fuzz")
            args = [a.format(kind=kind, id=rid) for a in command]
            invoke(fuzz_repo, args)
        finally:
            git(fuzz_repo, "reset", "-q", "--hard", base)
            git(fuzz_repo, "clean", "-qfdx", "records")

    run()


# --- random command lines ------------------------------------------------------------------


def every_command() -> list[list[str]]:
    """Every command and subcommand of the command line, read from click itself (issue 16), so
    a command added later is fuzzed too. ``merge-driver`` is git's to run (it writes the file
    named by its second argument), so it is left to its own tests."""
    import click

    ctx = click.Context(cli)
    found: list[list[str]] = []

    def walk(group: click.Group, path: list[str]) -> None:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            if command is None:
                continue
            if isinstance(command, click.Group):
                walk(command, [*path, name])
            else:
                found.append([*path, name])

    walk(cli, [])
    return found


COMMANDS = [
    *every_command(),
    *[["import", kind] for kind in ("member", "branch", "station", "petition")],
]
# Values worth trying for some options, beside the general ones and the field's own codes.
OPTION_VALUES = {
    "--where": [
        "nope=1",
        "stage=full",
        "stage=正式党员,activist",
        "phone~138",
        "tags=a",
        "name>",
        "=",
        "mobile<1",
        "birth_date<2000-01-01",
        "satisfaction>=x",
        "lat>abc",
        "due<=2026-13-01",
    ],
    "--sort": ["name,-id", "nope", "-", ",", "tags", "lat"],
    "--fields": ["id,name,nope", ",", "phone", "events"],
    "--limit": ["-1", "0", "99999999999999999999", "x"],
    "--as-of": ["2026-02-30", "1999-01-01", "9999-12-31", "today"],
    "--on": ["2026-02-30", "1900-01-01", "9999-12-31", "2026-07-01"],
    "--from": ["/dev/null", "/nonexistent.json", "-", "x.toml"],
    "--to": ["full", "applicant", "B-0001", "B-9999", "../x", "13812345678"],
    "--satisfaction": ["0", "6", "-1", "x"],
    "--lat": ["nan", "inf", "91", "-0"],
    "--hours": ["25:00-26:00", "24h", "08:00-07:00"],
    "--period": ["2025", "2025Q4", "2025-11", "2025Q5", "x"],
    "--output": ["out.html", "/dev/null", "no/such/folder/x.html", "-"],
    "--id": ["M-0099", "M-0001", "M-0099\n", "../x", ""],
    "--member": ["M-0001", "M-9999", "13812345678"],
    "--phone": ["13812345678", "18313693569", "138****5678", "1381234567"],
    "--id-number": ["11010519491231002X", "451123199202178903", "451123********8903"],
    "--name": ["王\u202e师傅", "Cafe\u0301", "王\u200d", "\x1b[2J"],
}
VALUES = [
    "M-0001",
    "M-0002",
    "B-0001",
    "S-0001",
    "P-0001",
    "P-0034",
    "M-99999",
    "M-0001\n",
    "../../etc/passwd",
    "..",
    "-",
    "--",
    "json",
    "csv",
    "toml",
    "stage=full",
    "phone~138",
    "nope=1",
    "tags=a",
    "birth_date<2000-01-01",
    "satisfaction>=x",
    "name>",
    "=",
    "name,-id",
    "id,name,nope",
    "-1",
    "0",
    "99999999999999999999",
    "--all",
    "--reveal",
    "--force",
    "--mobile",
    "--due",
    "2026-02-30",
    "1999-01-01",
    "9999-12-31",
    "tags",
    "full",
    "applicant",
    "13800138000",
    "138****0000",
    "11010519491231002X",
    "truck",
    "branch",
    "name",
    "/nonexistent.json",
    "6",
    "nan",
    "inf",
    "a,,b",
    "25:00-26:00",
    "王\u202e师傅",
    "\u200b",
    "\x1b[31m",
    "x" * 3000,
]
words = st.sampled_from(VALUES) | st.text(max_size=12).map(lambda t: t.replace("\x00", ""))


def command_at(path: list[str]) -> click.Command:
    ctx = click.Context(cli)
    command: click.Command | None = cli
    for name in path:
        if not isinstance(command, click.Group):
            break  # `import member`: the rest are arguments
        command = command.get_command(ctx, name)
    assert command is not None
    return command


def options_of(path: list[str]) -> list[click.Option]:
    """The options the command at ``path`` really takes (its click parameters)."""
    return [p for p in command_at(path).params if isinstance(p, click.Option)]


def codes_of(option: click.Option) -> list[str]:
    """The values an option's field (or click choice) knows: its codes and their Chinese
    words, read from the models (issue 16: values from the models' fields and codes)."""
    from driverparty.schema import KINDS

    choices = list(getattr(option.type, "choices", ()) or ())
    for kind in KINDS.values():
        f = kind.fields.get(option.name or "")
        if f is not None:
            choices += [*f.choices, *f.codes_zh.values()]
    return choices


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(COMMANDS), label="command")
    options = options_of(command)
    args = list(command)
    for _ in range(draw(st.integers(0, 5), label="count")):
        if options and draw(st.booleans()):
            option = draw(st.sampled_from(options))
            name = draw(st.sampled_from([o for o in option.opts if o.startswith("--")]))
            args.append(name)
            if option.is_flag:
                continue
            known = OPTION_VALUES.get(name, []) + codes_of(option)
            if known and draw(st.booleans()):
                args.append(draw(st.sampled_from(known)))
            else:
                args.append(draw(words))
        else:
            args.append(draw(words))
    return args


@settings(FUZZ, max_examples=1500)
@given(
    args=command_lines(),
    stdin=st.sampled_from(["", "id,name\n", '{"name": 1}', "[[[[", "\x00\xff"]),
)
def test_random_command_lines_never_crash(
    fuzz_repo: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], stdin: str
) -> None:
    monkeypatch.chdir(fuzz_repo.parent)  # `init` and relative paths land in a temporary folder
    invoke(fuzz_repo, args, input=stdin)


def test_every_command_is_fuzzed() -> None:
    """The list above is the whole command line (none forgotten, none stale)."""
    names = {" ".join(c) for c in COMMANDS}
    for expected in ("member promote", "petition withdraw", "report html", "sync", "log", "init"):
        assert expected in names
    assert "merge-driver" not in names


# --- a few real processes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "args"),
    [
        (b"\xff\xfe\x00garbage", ["member", "list"]),
        (b"a = " + b"[" * 3000 + b"\n", ["validate"]),
        (b'id = "M-0001"\nname = 5\nstage = []\n', ["member", "get", "M-0001", "--format", "json"]),
        (b'id = "M-0001"\n', ["member", "promote", "M-0001", "--to", "full"]),
        (None, ["member", "list", "--where", "phone<<", "--limit", "x"]),
        (None, ["member", "add", "--id", "../x"]),
        (None, ["nonsense", "--what"]),
    ],
)
def test_real_processes_print_no_traceback(
    repo: Path, content: bytes | None, args: list[str]
) -> None:
    if content is not None:
        (repo / "records/members/M-0001.toml").write_bytes(content)
    env = {k: v for k, v in os.environ.items() if k != "DRIVERPARTY_DEBUG"}
    proc = subprocess.run(
        [sys.executable, "-m", "driverparty", "--repo", str(repo), *args],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode in EXIT_CODES
    if "get" in args:  # shows the file as stored, broken or not
        return
    assert proc.returncode != 0
    assert b"Traceback" not in proc.stderr
    assert b"error: unexpected " not in proc.stderr
    assert proc.stderr.startswith(b"error: ") or args == ["validate"]  # its rows: stdout
