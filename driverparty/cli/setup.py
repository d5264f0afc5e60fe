"""Setting up and checking: ``init``, ``status``, ``commit``, ``install-hook``, ``validate``."""

from __future__ import annotations

import stat
from pathlib import Path

import click
from pydantic import ValidationError

from driverparty.cli.app import App, output_options, pass_app, render
from driverparty.errors import DataError, Invalid, Problem, RepoError

GITIGNORE = "# driverparty: temporary files of interrupted writes\nrecords/**/.*.tmp\n"
#: committed by ``init`` (SPEC sections 2 and 4), so every clone has it: record files stay LF
#: under Git for Windows' ``core.autocrlf=true`` (issue 18) and merge with the record driver
GITATTRIBUTES = (
    "# driverparty: LF line ends on every platform; records merge field by field\n"
    "driverparty.toml text eol=lf\n"
    "records/**/*.toml text eol=lf merge=driverparty\n"
)
NO_IDENTITY = (
    "git does not know who you are (every change is a commit in your name): run "
    '`git config --global user.name "Your Name"` and '
    "`git config --global user.email you@example.org`, "
    'or give --author "Name <email>" before the command; nothing was created'
)


@click.command()
@click.argument("path", default=".", type=click.Path(file_okay=False))
@click.option("--county", required=True, help="The committee's county or district (县区).")
@click.option("--code", help="6-digit administrative division code.")
@pass_app
def init(app: App, path: str, county: str, code: str | None) -> None:
    """Create a records repository in PATH (default: here) and commit it.

    \b
    Example:
      driverparty init babu --county 八步区 --code 451102
    """
    from driverparty.config import CONFIG_FILE, Config, dump_config
    from driverparty.gitrepo import Git, identity_missing, init_repo

    root = Path(path)
    if (root / CONFIG_FILE).exists():
        raise DataError(f"{root / CONFIG_FILE}: already a records repository")
    try:
        Config.model_validate({"county": county, "code": code})
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        option = "--" + str(first["loc"][0]) if first["loc"] else "--county"
        raise DataError(f"{option}: {str(first['msg']).removeprefix('Value error, ')}") from None
    existing = next(p for p in (root.absolute(), *root.absolute().parents) if p.is_dir())
    if identity_missing(existing, app.author):  # before anything is made (issue 18)
        raise RepoError(NO_IDENTITY)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise RepoError(f"{root}: cannot create: {err.strerror}") from None
    init_repo(root)
    git = Git(root.resolve(), app.author)
    created = [CONFIG_FILE]
    (root / CONFIG_FILE).write_bytes(dump_config(county, code))
    from driverparty.schema import KINDS

    for folder in (k.plural for k in KINDS.values()):
        keep = root / "records" / folder / ".gitkeep"
        keep.parent.mkdir(parents=True, exist_ok=True)
        keep.touch()
        created.append(f"records/{folder}/.gitkeep")
    if not (root / ".gitignore").exists():
        (root / ".gitignore").write_bytes(GITIGNORE.encode())
        created.append(".gitignore")
    attributes = root / ".gitattributes"
    had = attributes.read_bytes().decode("utf-8", "replace") if attributes.exists() else ""
    missing = "".join(
        line for line in GITATTRIBUTES.splitlines(True) if line[:-1] not in had.splitlines()
    )
    if missing:
        joint = "\n" if had and not had.endswith("\n") else ""
        attributes.write_bytes((had + joint + missing).encode())
        created.append(".gitattributes")
    from driverparty.cli.setup import register_merge_driver

    register_merge_driver(git)
    git.commit(created, f"repository init {county}\n\nDriverparty-Action: init\n")
    click.echo(f"initialised {county} in {root.resolve()}", err=True)


@click.command()
@output_options()
@pass_app
def status(app: App, fmt: str, reveal: bool) -> None:
    """Uncommitted changes under records/ (hand edits, interrupted writes), each validated.

    Exit 0 when every changed file is valid, 1 otherwise.
    """
    store = app.store
    rows = []
    bad = False
    names = {"M": "modified", "A": "added", "D": "deleted", "?": "untracked", "R": "renamed"}
    for code, path in store.git.status("records"):
        if Path(path).name.startswith("."):
            continue
        change = names.get(code.strip()[:1] or "M", "modified")
        problems = _file_problems(app, path) if change != "deleted" else []
        bad = bad or bool(problems)
        rows.append(
            {
                "file": path,
                "change": change,
                "result": "; ".join(
                    f"{p.field}: {p.message}" if p.field else p.message for p in problems
                )
                or "ok",
            }
        )
    if fmt == "table" and not rows:
        click.echo("nothing to commit under records/", err=True)
    render(app, rows, ["file", "change", "result"], fmt, reveal)
    if bad:
        raise click.exceptions.Exit(1)


def _file_problems(app: App, path: str) -> list[Problem]:
    from driverparty.models import KINDS
    from driverparty.store import parse_record
    from driverparty.tomlio import Unreadable, read_bytes

    parts = Path(path).parts
    kind = next((k for k in KINDS if len(parts) == 3 and parts[1] == KINDS[k].plural), None)
    if kind is None or not path.endswith(".toml"):
        return [Problem(path, None, None, "not a record file")]
    try:
        data = read_bytes(app.store.root / path, root=app.store.root)
    except Unreadable as err:
        return [Problem(path, None, None, str(err))]
    except OSError as err:
        return [Problem(path, None, None, f"cannot read: {err.strerror}")]
    _, problems = parse_record(kind, path, data, app.today)
    return problems


@click.command()
@click.option("-m", "--message", help="The commit message (default: a summary of the files).")
@pass_app
def commit(app: App, message: str | None) -> None:
    """Validate and commit hand edits under records/.

    Refused (exit 1, nothing committed) while anything is invalid.
    """
    store = app.store
    with store.locked():
        problems = store.validate()
        if problems:
            raise Invalid(problems)
        paths = [p for _, p in store.git.status("records") if not Path(p).name.startswith(".")]
        if not paths:
            click.echo("nothing to commit under records/", err=True)
            return
        subject = (
            message or f"records edit by hand ({len(paths)} file{'s' if len(paths) != 1 else ''})"
        )
        sha = store.git.commit(paths, subject + "\n")
    click.echo(sha[:12])


HOOK_MARK = "# installed by driverparty install-hook"
#: The pre-commit hook. It calls the ``driverparty`` on PATH, never a path into one virtual
#: environment, so it keeps working when the tool is reinstalled (SPEC section 4, issue 18).
#: Git runs hooks with sh, Git for Windows with its own (``driverparty`` finds
#: ``driverparty.exe`` there); UTF-8 and LF whatever the system's code page.
HOOK = f"""#!/bin/sh
{HOOK_MARK}
if ! command -v driverparty >/dev/null 2>&1; then
  echo "error: driverparty is not on PATH: install it, or commit with --no-verify" >&2
  exit 1
fi
exec driverparty --repo "$(git rev-parse --show-toplevel)" validate
"""
#: git's merge driver for record files: the ``driverparty`` on PATH, as the hook
MERGE_DRIVER = "driverparty merge-driver %O %A %B %P"


@click.command("install-hook")
@click.option("--force", is_flag=True, help="Replace a pre-commit hook that is not ours.")
@pass_app
def install_hook(app: App, force: bool) -> None:
    """Install a git pre-commit hook that runs `driverparty validate`, and register the
    TOML-aware merge driver for records/**/*.toml (run it again in a fresh clone).

    Both call the `driverparty` found on PATH, so they keep working when the tool is
    reinstalled."""
    store = app.store
    hooks = store.git.git_dir / "hooks"
    hooks.mkdir(exist_ok=True)
    hook = hooks / "pre-commit"
    if hook.exists() and HOOK_MARK.encode() not in hook.read_bytes() and not force:
        raise DataError(f"{hook}: a pre-commit hook is there already; --force replaces it")
    hook.write_bytes(HOOK.encode())
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    register_merge_driver(store.git)
    click.echo(f"installed {hook}", err=True)


def register_merge_driver(git: object) -> None:
    """Register the record merge driver (``driverparty merge-driver``) for records/**/*.toml
    in the repository's own config and .git/info/attributes (issue 7); a clone's config
    does not travel, so ``install-hook`` and ``sync`` do it again there."""
    from driverparty.gitrepo import Git

    assert isinstance(git, Git)
    git.run("config", "merge.driverparty.name", "driverparty record merge")
    git.run("config", "merge.driverparty.driver", MERGE_DRIVER)
    info = git.git_dir / "info"
    info.mkdir(exist_ok=True)
    attributes = info / "attributes"
    line = "records/**/*.toml merge=driverparty"
    existing = attributes.read_bytes().decode("utf-8", "replace") if attributes.exists() else ""
    if line not in existing.splitlines():
        joint = "\n" if existing and not existing.endswith("\n") else ""
        attributes.write_bytes((existing + joint + line + "\n").encode())


@click.command()
@output_options()
@pass_app
def validate(app: App, fmt: str, reveal: bool) -> None:
    """Check every record: TOML syntax, fields, references, uniqueness, stage dates, the
    id/file-name match, branch cycles. Exit 0 when clean, 1 otherwise.

    \b
    Example:
      driverparty validate --format csv > problems.csv
    """
    problems = app.store.validate()
    if fmt == "table":
        for p in problems:
            click.echo(str(p))
        if not problems:
            click.echo("ok: every record is valid", err=True)
    else:
        render(app, [p.as_row() for p in problems], ["file", "id", "field", "message"], fmt, reveal)
    if problems:
        raise click.exceptions.Exit(1)
