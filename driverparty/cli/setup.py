"""Setting up and checking: ``init``, ``status``, ``commit``, ``install-hook``, ``validate``."""

from __future__ import annotations

from pathlib import Path

import click

from driverparty.cli.app import App, output_options, pass_app, problem_line, render
from driverparty.i18n import _


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
    from driverparty.store import create_repository

    root = create_repository(Path(path), county, code, app.author)
    click.echo(_("initialised {county} in {root}").format(county=county, root=root), err=True)


@click.command()
@output_options()
@pass_app
def status(app: App, fmt: str, reveal: bool) -> None:
    """Uncommitted changes under records/ (hand edits, interrupted writes), each validated.

    Exit 0 when every changed file is valid, 1 otherwise.
    """
    from driverparty.output import error_line

    rows = []
    bad = False  # exactly when `commit` would refuse (issue 16.18)
    for path, change, problems in app.store.hand_edits():
        bad = bad or bool(problems)
        result = "; ".join(f"{p.field}: {p.message}" if p.field else p.message for p in problems)
        # problems are errors: no number in clear (16.8), nothing for the terminal (16.12)
        rows.append({"file": path, "change": change, "result": error_line(result or "ok")})
    if fmt == "table" and not rows:
        app.note(_("nothing to commit under records/"))
    render(app, rows, ["file", "change", "result"], fmt, reveal)
    if bad:
        raise click.exceptions.Exit(1)


@click.command()
@click.option("-m", "--message", help="The commit message (default: a summary of the files).")
@pass_app
def commit(app: App, message: str | None) -> None:
    """Validate and commit hand edits under records/.

    Refused (exit 1, nothing committed) while anything is invalid.
    """
    sha = app.store.commit_hand_edits(message)
    if sha is None:
        app.note(_("nothing to commit under records/"))
        return
    click.echo(sha[:12])


@click.command("install-hook")
@click.option("--force", is_flag=True, help="Replace a pre-commit hook that is not ours.")
@pass_app
def install_hook(app: App, force: bool) -> None:
    """Install a git pre-commit hook that runs `driverparty validate`, and register the
    TOML-aware merge driver for records/**/*.toml (run it again in a fresh clone).

    Both call the `driverparty` found on PATH, so they keep working when the tool is
    reinstalled."""
    hook = app.store.install_hook(force)
    click.echo(_("installed {hook}").format(hook=hook), err=True)


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
    from driverparty.output import error_line

    # problems are errors: never a phone or an ID number in clear, whatever --reveal says
    # (issue 16.8), and nothing that steers the terminal (file names, 16.12)
    problems = app.store.validate()
    if fmt == "table":
        app.emit("".join(error_line(problem_line(p)) + "\n" for p in problems))
        if not problems:
            click.echo(_("ok: every record is valid"), err=True)
    else:
        rows = [{k: error_line(v) if v else v for k, v in p.as_row().items()} for p in problems]
        render(app, rows, ["file", "id", "field", "message"], fmt, reveal)
    if problems:
        raise click.exceptions.Exit(1)
