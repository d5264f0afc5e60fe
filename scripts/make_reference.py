"""Write docs/REFERENCE.md from the code (``make reference``; issue 23).

Commands and options come from the click group (walked as ``--help`` shows them); kinds,
fields, their types, rules, Chinese labels, import headers and codes from the models' registry
(``driverparty.models.KINDS``); summary rows and report columns from running the reports on a
copy of the sample county; configuration keys from ``driverparty.config``. What the code cannot
say — what an exit code means, the rules between fields, what an environment variable does —
is written below, next to the code that checks it is complete: a new kind, command, option,
field, code or report row regenerates without a change here; a new validator, environment
variable or configuration section stops this script until it has its words.
``tests/test_reference.py`` fails when docs/REFERENCE.md differs from what this writes.

Usage: python scripts/make_reference.py [--check] [OUTPUT|-]   (default docs/REFERENCE.md)
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "REFERENCE.md"
TODAY = "2026-06-30"

#: the reference is written in English whatever the machine's language
PINNED_ENV = {
    "DRIVERPARTY_TODAY": TODAY,
    "DRIVERPARTY_LANG": "en",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "LANGUAGE": "en",
    "COLUMNS": "100",
    "GIT_AUTHOR_NAME": "黄主任",
    "GIT_AUTHOR_EMAIL": "huang@example.org",
    "GIT_COMMITTER_NAME": "黄主任",
    "GIT_COMMITTER_EMAIL": "huang@example.org",
    "GIT_AUTHOR_DATE": "2026-06-30T09:00:00+08:00",
    "GIT_COMMITTER_DATE": "2026-06-30T09:00:00+08:00",
    # an empty file of our own, not os.devnull: this machine's /dev/null has been seen
    # replaced by a regular file that other programs write into
    "GIT_CONFIG_GLOBAL": str(Path(tempfile.gettempdir()) / "driverparty-reference-gitconfig"),
    "GIT_CONFIG_NOSYSTEM": "1",
}
Path(PINNED_ENV["GIT_CONFIG_GLOBAL"]).write_text("", encoding="utf-8")
os.environ.update(PINNED_ENV)
for _key in ("DRIVERPARTY_REPO", "LC_MESSAGES", "DRIVERPARTY_DEBUG"):
    os.environ.pop(_key, None)

# --- what the code cannot say ------------------------------------------------------------------

#: the rule each validator of ``driverparty/models/types.py`` holds a value to, by its name
VALIDATORS = {
    "_line": "one line, without control, invisible or direction-changing characters",
    "_name": "one line, without control, invisible or direction-changing characters, "
    "zero-width joiners or fillers",
    "_text": "text; line breaks and tabs allowed, no other control or invisible characters",
    "check_id": "letters, digits, `-` and `_`, at most 40",
    "parse_date": "a date written `YYYY-MM-DD` (not a date and time)",
    "_not_future": "not after today",
    "parse_bool": "`true` or `false`",
    "_int_only": "a whole number",
    "_number_only": "a number",
    "_text_only": "text in quotes (never a TOML number)",
    "check_phone": "a mainland mobile number: 11 digits, `1[3-9]…`",
    "check_id_number": "an 18-character resident ID number: a real birth date in characters "
    "7–14 and the right check character",
    "check_plate": "a mainland plate (`桂J12345`, `桂JD12345`)",
    "check_token": "a word without spaces, commas or semicolons, at most 40 characters",
    "check_hours": "`24h` or `HH:MM-HH:MM`",
}

#: SPEC section 6, with what raises each code (driverparty/errors.py)
EXIT_CODES = [
    ("0", "done"),
    (
        "1",
        "the data said no: an invalid value, an unknown or broken record, failed validation, a "
        "refused move, a conflict in `sync` (`DataError`)",
    ),
    (
        "2",
        "the command line was wrong: an unknown option, a missing argument, a bad id or "
        "`--where` (`UsageError`, click's usage errors)",
    ),
    (
        "3",
        "the repository could not be used: not a records repository, git failed, the lock was "
        "not got, a file could not be written, a remote unreachable (`RepoError`)",
    ),
    ("130", "interrupted by Ctrl-C; what the command had begun is undone"),
    ("143", "stopped by SIGTERM; what the command had begun is undone"),
]

#: every ``DRIVERPARTY_*`` variable the package reads; the script stops on one missing here
ENVIRONMENT = {
    "DRIVERPARTY_REPO": "the records repository when `--repo` is not given",
    "DRIVERPARTY_LANG": "`en` or `zh`: the language of help, messages and tables when `--lang` "
    "is not given "
    "(else `$LC_ALL`, `$LC_MESSAGES`, `$LANG`, then Windows' display language)",
    "DRIVERPARTY_TODAY": "`YYYY-MM-DD`: replaces today's date everywhere (reports, defaults, "
    "checks), so results are reproducible",
    "DRIVERPARTY_LOCK_TIMEOUT": "seconds a write waits for the write lock or git's "
    "`index.lock` (default 10), then exit 3",
    "DRIVERPARTY_DEBUG": "set: an unexpected error shows its Python traceback (for bug reports)",
    "DRIVERPARTY_COMPLETE": "set by the completion scripts of `driverparty completion`",
}

#: what each section of driverparty.toml is for; the keys, types and defaults come from the code
CONFIG_SECTIONS = {
    "": "the county",
    "petitions": "the time limits of petitions (the hotline's clock)",
    "screening": "the periodic re-verification of party members",
    "calendar": 'corrections to the national holiday tables (`unit = "workday"`)',
    "standards": "the amenities a station must have: named lists of amenity codes, and "
    "`default` naming the one reports use",
    "activities": "activities: the study hours (学时) a party member should reach in a year",
    "organisational_life": "how often each kind of organisational life (三会一课, 主题党日) is "
    "required: `monthly`, `quarterly` or `none` per activity kind",
}

#: rules of driverparty.toml's keys that its validators (not its types) hold
CONFIG_RULES = {
    "county": "one line, without control, invisible or direction-changing characters",
    "code": "six digits: the administrative division code (行政区划代码)",
    "petitions.due_days_by_category": "keys: petition categories; values ≥ 0, ≤ 3650",
    "calendar.workdays": "no day both here and in `holidays`",
    "standards": "see below",
}

#: rules between fields of one record, per kind (models' ``rules()`` and checks.py)
CROSS_FIELD = {
    "branch": [
        "`dissolved` is not before `founded`.",
        "`parent` names an existing branch and the parents make no cycle.",
        "`secretary` names a full member who has not left.",
    ],
    "member": [
        "A stage date is set only for the stages reached, and the dates follow the stages' "
        "order (`applied_on` ≤ `activist_on` ≤ `candidate_on` ≤ `probationary_on` ≤ `full_on`).",
        "An applicant is 18 at least (from `birth_date`, else the ID number's birth date).",
        "A candidate comes at least a year after becoming an activist.",
        "`contacts`: one or two full members, from the activist stage on, never the member "
        "themself nor anyone twice.",
        "`trained_on` is not before `candidate_on`; the vote (`vote_eligible` ≥ "
        "`vote_present` ≥ `vote_for`, more than half present and for) from the probationary "
        "stage on.",
        "`full_on` is the end of probation (`probationary_on` + 1 year, or "
        "`probation_extended_to`, 6–12 months later).",
        "`left_reason` and `left_kind` go with `left_on`; `verified_on` with `verification`.",
        "`phone` and `id_number` are unique among members.",
    ],
    "station": [
        "`closed` is not before `opened`.",
        "`lat` and `lon` go together; an amenity is listed once.",
    ],
    "petition": [
        "`received` ≤ `assigned_on` ≤ `resolved_on` ≤ `closed_on`; `callback_on` ≥ "
        "`resolved_on`, and `callback` goes with it.",
        "The status says which dates are set: `assigned` has `assignee` and `assigned_on`, "
        "`resolved` and `closed` have `resolved_on` and `resolution`.",
        "`due` is written when the petition is added: `received` + the category's `due_days`, "
        "in the county's unit (calendar or working days); `extend` moves it once.",
        "An `assignee` written as a branch id (`B-` and digits) names an existing branch.",
    ],
}

# --- the parts read from the code --------------------------------------------------------------


def md(text: str) -> str:
    """One table cell."""
    return text.replace("|", "\\|").replace("\n", " ").strip()


def walk_commands() -> list[tuple[str, Any]]:
    """(full name, click command) of every command, depth first, as ``--help`` lists them."""
    import click

    from driverparty.cli.main import cli

    found: list[tuple[str, Any]] = []

    def visit(name: str, command: click.Command, parent: click.Context | None) -> None:
        ctx = click.Context(command, info_name=name.split()[-1], parent=parent)
        found.append((name, command))
        if isinstance(command, click.Group):
            for sub in command.list_commands(ctx):
                child = command.get_command(ctx, sub)
                if child is not None and not child.hidden:
                    visit(f"{name} {sub}", child, ctx)

    visit("driverparty", cli, None)
    return found


def command_section(name: str, command: Any) -> list[str]:
    import click

    ctx = click.Context(command, info_name=name)
    usage = " ".join(command.collect_usage_pieces(ctx))
    out = [f"### `{name}`", "", "```text", f"{name} {usage}".rstrip(), "```", ""]
    help_text = (command.help or "").split("\f")[0]
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", help_text) if p.strip()]
    for p in paragraphs:
        if p.startswith("\b"):
            body = textwrap.dedent("\n".join(x.rstrip() for x in p[1:].strip("\n").splitlines()))
            out += ["```text", body, "```", ""]
        else:
            out += [" ".join(p.split()), ""]
    arguments = [p for p in command.params if isinstance(p, click.Argument)]
    if arguments:
        words = [
            f"`{a.make_metavar(ctx)}`" + ("" if a.required else " (optional)") for a in arguments
        ]
        out += ["Arguments: " + ", ".join(words) + ".", ""]
    rows = []
    for param in command.get_params(ctx):
        if not isinstance(param, click.Option) or ("--help" in param.opts and " " in name):
            continue
        record = param.get_help_record(ctx)
        if record is None:
            continue
        opts, text = record
        rows.append(f"| `{md(opts)}` | {md(text)} |")
    if rows:
        out += ["| option | what it does |", "|---|---|", *rows, ""]
    if isinstance(command, click.Group):
        subs = [
            s
            for s in command.list_commands(ctx)
            if (c := command.get_command(ctx, s)) is not None and not c.hidden
        ]
        out += ["Commands: " + ", ".join(f"[`{s}`](#{anchor(f'{name} {s}')})" for s in subs), ""]
    return out


def anchor(title: str) -> str:
    """GitHub's anchor of a ``### `title` `` heading."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


def rules_of(model: Any, name: str) -> list[str]:
    """A field's rules, read from its type's validators and constraints."""
    info = model.model_fields[name]
    found: list[str] = []

    def add(text: str) -> None:
        if text not in found:
            found.append(text)

    def visit(annotation: Any, meta: list[Any]) -> None:
        from typing import get_args

        for m in meta:
            func = getattr(m, "func", None)
            if func is not None:
                if func.__name__ not in VALIDATORS:
                    raise SystemExit(
                        f"make_reference: validator {func.__name__} has no words: "
                        "add it to VALIDATORS in scripts/make_reference.py"
                    )
                add(VALIDATORS[func.__name__])
            for attr, word in (
                ("min_length", "at least {} characters"),
                ("max_length", "at most {}"),
                ("ge", "≥ {}"),
                ("le", "≤ {}"),
            ):
                value = getattr(m, attr, None)
                if value is not None and not (attr == "min_length" and value == 1):
                    add(word.format(value))
            for sub in getattr(m, "metadata", []) or []:
                visit(None, [sub])
        if annotation is None:
            return
        if hasattr(annotation, "__metadata__"):
            visit(annotation.__origin__, list(annotation.__metadata__))
            return
        for arg in get_args(annotation):
            visit(arg, [])

    visit(info.annotation, list(info.metadata))
    # a list's "at most N" counts items
    return found


def type_word(f: Any) -> str:
    if f.ref:
        base = f"{f.ref} id"
        return f"list of {base}s" if f.type == "list" else base
    if f.choices:
        return "list of codes" if f.type == "list" else "code"
    return {
        "str": "text",
        "date": "date",
        "bool": "bool",
        "int": "integer",
        "float": "number",
        "list": "list of words",
        "events": "list of events",
    }[f.type]


def kinds_section() -> list[str]:
    from driverparty.models import KINDS

    out = ["## Records", ""]
    out += [
        "One TOML file per record, `records/<plural>/<id>.toml`. A field's rules hold wherever "
        "the record comes from (`add`, `update`, `import`, a hand edit, `sync`). In tables "
        "under `--lang zh` a field is shown by its label and a code by its Chinese word; "
        "`import` takes a column named by the field, its label or one of its headers, and a "
        "code as the code or its word. Personal fields are masked in every output unless "
        "`--reveal`.",
        "",
        "| kind | 中文 | folder | ids | `list --all` brings back |",
        "|---|---|---|---|---|",
    ]
    for name, k in KINDS.items():
        out.append(
            f"| [`{name}`](#{name}) | {k.zh} | `{k.folder}/` | `{k.prefix}-0001` "
            f"| {k.inactive or '—'} |"
        )
    out.append("")
    for name, k in KINDS.items():
        out += [f"### {name}", "", f"{k.help} ({k.zh})", ""]
        out += [
            "| field | 中文 | type | required | rules | also read from the headers |",
            "|---|---|---|---|---|---|",
        ]
        for f in k.fields.values():
            rules = rules_of(k.model, f.name)
            if f.choices:
                rules.insert(0, f"one of the [codes](#{anchor(f'{name} {f.name}')})")
            if f.personal:
                rules.append("personal: masked unless `--reveal`")
            required = "auto" if f.name == "id" else ("yes" if f.required else "")
            out.append(
                f"| `{f.name}` | {f.zh} | {type_word(f)} | {required} | "
                f"{md('; '.join(rules))} | {md('、'.join(f.aliases))} |"
            )
        out.append("")
        if CROSS_FIELD.get(name):
            out += ["Rules between fields:", ""]
            out += [f"- {line}" for line in CROSS_FIELD[name]]
            out.append("")
        for f in k.fields.values():
            if not f.choices:
                continue
            out += [f"#### {name} {f.name}", "", "| code | 中文 |", "|---|---|"]
            out += [f"| `{c}` | {f.codes_zh.get(c, '')} |" for c in f.choices]
            out.append("")
    return out


def sample_county(base: Path) -> Path:
    """A committed copy of the sample county (the checkout's driverparty.toml and records/)."""
    repo = base / "county"
    repo.mkdir()
    shutil.copy(ROOT / "driverparty.toml", repo / "driverparty.toml")
    shutil.copytree(ROOT / "records", repo / "records")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "sample"]):
        done = subprocess.run(
            ["git", *args], cwd=repo, capture_output=True, text=True, encoding="utf-8"
        )
        if done.returncode:
            raise SystemExit(f"make_reference: git {args[0]}: {done.stderr}")
    return repo


def run_cli(repo: Path, *args: str) -> str:
    from click.testing import CliRunner

    from driverparty.cli.main import cli

    result = CliRunner().invoke(cli, ["--repo", str(repo), *args], env=PINNED_ENV)
    if result.exit_code != 0:
        raise SystemExit(f"make_reference: driverparty {' '.join(args)}: {result.output}")
    return result.stdout


def reports_section() -> list[str]:
    import click

    from driverparty.cli.main import cli
    from driverparty.labels import ZH
    from driverparty.schema import KINDS

    def word(key: str) -> str:
        """The Chinese word a zh table shows for a column or metric."""
        if key in ZH:
            return ZH[key]
        for k in KINDS.values():
            if key in k.fields:
                return k.fields[key].zh
        for k in KINDS.values():
            for f in k.fields.values():
                if key in f.codes_zh:
                    return f.codes_zh[key]
        return ""

    out = ["## Reports", ""]
    with tempfile.TemporaryDirectory() as tmp:
        repo = sample_county(Path(tmp))
        rows = list(csv.DictReader(io.StringIO(run_cli(repo, "summary", "--format", "csv"))))
        out += [
            "### `summary` rows",
            "",
            "Stock figures are counted as of `--as-of` (or the period's end), flows inside the "
            'period (or up to `--as-of`). In json a row is `{"section": …, "metric": …, '
            '"value": …}`; rates are percent with one decimal, `null` when nothing counts.',
            "",
            "| section | metric | 中文 |",
            "|---|---|---|",
        ]
        out += [
            f"| `{r['section']}` | `{r['metric']}` | {word(r['section'])} {word(r['metric'])} |"
            for r in rows
        ]
        out += ["", "### Report columns", ""]
        ctx = click.Context(cli, info_name="driverparty")
        report = cli.get_command(ctx, "report")
        assert isinstance(report, click.Group)
        rctx = click.Context(report, info_name="report", parent=ctx)
        out += ["| report | columns (csv and json keys) |", "|---|---|"]
        for name in report.list_commands(rctx):
            command = report.get_command(rctx, name)
            if command is None or name == "html":
                continue
            variants: list[list[str]] = [[]]
            for p in command.params:
                if p.name == "by" and isinstance(p.type, click.Choice):
                    variants = [["--by", str(c)] for c in p.type.choices[:1]]
                if p.name == "due":
                    variants = [[], ["--due"]]
            for extra in variants:
                text = run_cli(repo, "report", name, *extra, "--format", "csv")
                header = next(csv.reader(io.StringIO(text)), [])
                label = " ".join(["report", name, *extra])
                columns = ", ".join(f"`{c}` ({word(c)})" if word(c) else f"`{c}`" for c in header)
                out.append(f"| `{label}` | {columns} |")
        out.append("")
        out += [
            "`report members --by FIELD` and `report petitions --by FIELD` name their first "
            "column after FIELD (`--by branch` adds `name`); every code of a code field is a row, "
            "0 where none. `report html` writes one printable page (see "
            "[`driverparty report html`](#driverparty-report-html)).",
            "",
        ]
    return out


def config_type(annotation: Any) -> str:
    """A key's type in words: ``list[date]`` is "list of dates"."""
    from datetime import date
    from types import NoneType, UnionType
    from typing import Literal, Union, get_args, get_origin

    if hasattr(annotation, "__metadata__"):
        return config_type(annotation.__origin__)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Literal:
        return " or ".join(f"`{a}`" for a in args)
    if origin in (Union, UnionType):
        return " or ".join(config_type(a) for a in args if a is not NoneType)
    if origin is list:
        return f"list of {config_type(args[0])}s"
    if origin is dict:
        return f"table of {config_type(args[1])}s"
    words = {str: "text", int: "integer", date: "date", bool: "bool", float: "number"}
    return words.get(annotation, getattr(annotation, "__name__", str(annotation)))


def config_section() -> list[str]:
    from pydantic import BaseModel

    from driverparty.config import Config

    out = [
        "## Configuration: `driverparty.toml`",
        "",
        "At the repository's root; `init` writes it. Every key is checked when a command "
        "starts: an unknown key or a wrong value is exit 1 naming the key.",
        "",
        "| key | type | default | rules |",
        "|---|---|---|---|",
    ]

    def default_of(info: Any) -> str:
        if info.is_required():
            return "required"
        value = info.get_default(call_default_factory=True)
        if isinstance(value, BaseModel):
            return "(section)"
        return f"`{value!r}`".replace("'", '"') if value not in (None, [], {}) else "—"

    def visit(model: type[BaseModel], prefix: str) -> None:
        section = prefix.rstrip(".")
        if section not in CONFIG_SECTIONS:
            raise SystemExit(
                f"make_reference: driverparty.toml section [{section}] has no words: "
                "add it to CONFIG_SECTIONS in scripts/make_reference.py"
            )
        for name, info in model.model_fields.items():
            annotation = info.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                out.append(f"| `[{name}]` | section | | {CONFIG_SECTIONS.get(name, '')} |")
                visit(annotation, f"{prefix}{name}.")
                continue
            constraints = [*filter(None, [CONFIG_RULES.get(prefix + name)])] + [
                f"{word} {getattr(m, attr)}"
                for m in info.metadata
                for attr, word in (("ge", "≥"), ("le", "≤"), ("max_length", "at most"))
                if getattr(m, attr, None) is not None
            ]
            out.append(
                f"| `{prefix}{name}` | {md(config_type(annotation))} | {md(default_of(info))} | "
                f"{md(', '.join(constraints))} |"
            )

    visit(Config, "")
    out += [
        "",
        "`[standards]` holds named lists of amenity codes (see "
        "[station amenities](#station-amenities)) and `default`, the name of the one `summary` "
        "and `report stations` use. `[petitions.due_days_by_category]` maps a "
        "[category](#petition-category) to its own `due_days`. `[calendar] holidays` and "
        "`workdays` are lists of dates that correct the national tables; a day in both is an "
        "error.",
        "",
        "What `driverparty init` writes:",
        "",
        "```toml",
    ]
    from driverparty.config import dump_config

    out += [dump_config("八步区", "451102").decode().rstrip(), "```", ""]
    return out


def environment_section() -> list[str]:
    used = set()
    for path in (ROOT / "driverparty").rglob("*.py"):
        used |= set(re.findall(r"DRIVERPARTY_[A-Z_]+", path.read_text(encoding="utf-8")))
    missing = sorted(used - set(ENVIRONMENT))
    if missing:
        raise SystemExit(
            f"make_reference: environment variables without words: {', '.join(missing)}: "
            "add them to ENVIRONMENT in scripts/make_reference.py"
        )
    out = ["## Environment", "", "| variable | what it does |", "|---|---|"]
    out += [f"| `{k}` | {v} |" for k, v in ENVIRONMENT.items() if k in used]
    return [*out, ""]


def exit_section() -> list[str]:
    out = [
        "## Exit codes and errors",
        "",
        "| code | meaning |",
        "|---|---|",
        *[f"| {c} | {m} |" for c, m in EXIT_CODES],
        "",
        "Errors go to stderr as `error: …`, one line per problem, naming the file, row or field "
        "(and the refused value, masked when personal). A command that fails changes nothing on "
        "disk or in git. A read command that meets an unreadable record says so on stderr, "
        "goes on with the others and exits 1 at the end. Notes (`note: …`) on stderr never "
        "change the exit code.",
        "",
    ]
    return out


def render() -> str:
    import driverparty

    commands = walk_commands()
    out = [
        "# driverparty reference",
        "",
        "<!-- Generated by scripts/make_reference.py (`make reference`) from the code; do not "
        "edit by hand: tests/test_reference.py fails when this file and the code differ. -->",
        "",
        f"Version {driverparty.__version__}. Every command and option as `--help` shows them, "
        "every record field with its type, rules, Chinese label and codes as the models define "
        "them, the rows of the reports, the exit codes, the environment variables and the keys "
        "of `driverparty.toml`. A tour with real output is in the [README](../README.md); the "
        "clerk's guide in Chinese is [使用指南](使用指南.md).",
        "",
        "- [Commands](#commands)",
        "- [Records](#records)",
        "- [Reports](#reports)",
        "- [Configuration](#configuration-driverpartytoml)",
        "- [Environment](#environment)",
        "- [Exit codes and errors](#exit-codes-and-errors)",
        "",
        "## Commands",
        "",
        "Global options go before the command (`driverparty --lang zh member list`). Every "
        "listing command's `--format` takes table, json, jsonl, csv, tsv or xlsx (xlsx needs "
        "`--output FILE`); record commands of every kind take the same subcommands, with one "
        "`--FIELD` option per field of the kind.",
        "",
    ]
    for name, command in commands:
        out += command_section(name, command)
    out += kinds_section()
    out += reports_section()
    out += config_section()
    out += environment_section()
    out += exit_section()
    text = "\n".join(out).rstrip() + "\n"
    return re.sub(r"\n{3,}", "\n\n", text)


def main() -> None:
    args = sys.argv[1:]
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    target = Path(args[0]) if args else OUTPUT
    text = render()
    if str(target) == "-":  # UTF-8 whatever the console's code page (cp936 too)
        sys.stdout.buffer.write(text.encode("utf-8"))
        return
    if check:
        if target.read_text(encoding="utf-8") != text:
            print(f"{target} is stale: run `make reference`", file=sys.stderr)
            raise SystemExit(1)
        return
    target.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
