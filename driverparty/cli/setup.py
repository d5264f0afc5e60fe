"""Setting up and checking: ``init``, ``status``, ``commit``, ``install-hook``, ``validate``."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import click
from pydantic import ValidationError

from driverparty.cli.app import App, output_options, pass_app, render
from driverparty.errors import DataError, Invalid, Problem, RepoError

RECORD_FOLDERS = ("branches", "members", "stations", "petitions")
GITIGNORE = "# driverparty: temporary files of interrupted writes\nrecords/**/.*.tmp\n"


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
    from driverparty.gitrepo import Git, init_repo

    root = Path(path)
    if (root / CONFIG_FILE).exists():
        raise DataError(f"{root / CONFIG_FILE}: already a records repository")
    try:
        Config.model_validate({"county": county, "code": code})
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        option = "--" + str(first["loc"][0]) if first["loc"] else "--county"
        raise DataError(f"{option}: {str(first['msg']).removeprefix('Value error, ')}") from None
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise RepoError(f"{root}: cannot create: {err.strerror}") from None
    init_repo(root)
    git = Git(root.resolve(), app.author)
    created = [CONFIG_FILE]
    (root / CONFIG_FILE).write_bytes(dump_config(county, code))
    for folder in RECORD_FOLDERS:
        keep = root / "records" / folder / ".gitkeep"
        keep.parent.mkdir(parents=True, exist_ok=True)
        keep.touch()
        created.append(f"records/{folder}/.gitkeep")
    if not (root / ".gitignore").exists():
        (root / ".gitignore").write_text(GITIGNORE)
        created.append(".gitignore")
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


@click.command("install-hook")
@click.option("--force", is_flag=True, help="Replace a pre-commit hook that is not ours.")
@pass_app
def install_hook(app: App, force: bool) -> None:
    """Install a git pre-commit hook that runs `driverparty validate`, and register the
    TOML-aware merge driver for records/**/*.toml."""
    store = app.store
    hooks = store.git.git_dir / "hooks"
    hooks.mkdir(exist_ok=True)
    hook = hooks / "pre-commit"
    if hook.exists() and HOOK_MARK not in hook.read_text(errors="replace") and not force:
        raise DataError(f"{hook}: a pre-commit hook is there already; --force replaces it")
    hook.write_text(
        f'#!/bin/sh\n{HOOK_MARK}\nexec "{sys.executable}" -m driverparty '
        f'--repo "$(git rev-parse --show-toplevel)" validate\n'
    )
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    register_merge_driver(store.git)
    click.echo(f"installed {hook}", err=True)


def register_merge_driver(git: object) -> None:
    """Register the record merge driver (``driverparty merge-driver``) for records/**/*.toml
    in the repository's own config and .git/info/attributes (issue 7)."""
    from driverparty.gitrepo import Git

    assert isinstance(git, Git)
    exe = f'"{sys.executable}" -m driverparty merge-driver %O %A %B %P'
    git.run("config", "merge.driverparty.name", "driverparty record merge")
    git.run("config", "merge.driverparty.driver", exe)
    info = git.git_dir / "info"
    info.mkdir(exist_ok=True)
    attributes = info / "attributes"
    line = "records/**/*.toml merge=driverparty"
    existing = attributes.read_text() if attributes.exists() else ""
    if line not in existing.splitlines():
        attributes.write_text(
            existing + ("" if existing.endswith("\n") or not existing else "\n") + line + "\n"
        )


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
