"""``sync`` and git's merge driver ``merge-driver`` (issue 7): many counties, one remote.

``merge-driver`` is started by git once per record file changed on both sides of a merge, so
this module imports nothing heavy at the top: the driver needs only ``driverparty.merge``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from driverparty.cli.app import App, pass_app
from driverparty.i18n import N_, _

F = TypeVar("F", bound=Callable[..., Any])


@click.command("merge-driver", hidden=True)
@click.argument("base", metavar="%O")
@click.argument("ours", metavar="%A")
@click.argument("theirs", metavar="%B")
@click.argument("path", metavar="%P", default="")
def merge_driver(base: str, ours: str, theirs: str, path: str) -> None:
    """git's merge driver for one record file: merges field by field into %A.

    Registered by `init` and `install-hook` as
    `driverparty merge-driver %O %A %B %P` for records/**/*.toml. Exit 0 when merged, 1 on
    a conflict (the fields in conflict are marked in the file) or an unreadable version.
    """
    try:
        from driverparty.merge import merge_files

        code, lines = merge_files(base, ours, theirs, path)
    except Exception as err:  # git must see a conflict, never a traceback
        code, lines = (
            1,
            [
                _("{value}: cannot merge: {name__}").format(
                    value=path or ours, name__=type(err).__name__
                )
            ],
        )
    for line in lines:
        click.echo(f"error: {line}", err=True)
    raise click.exceptions.Exit(code)


def _seconds(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if value != value:  # NaN passes a range check
        raise click.BadParameter(_("must be a number of seconds"), ctx, param)
    return value


#: ``--timeout``'s help, whole, so that it can be translated (issue 23)
TIMEOUT_HELP = {
    "the remote": N_(
        "Give up when the remote has sent nothing for this long (exit 3, nothing changed)."
    ),
    "a server being cloned": N_(
        "Give up when a server being cloned has sent nothing for this long "
        "(exit 3, nothing changed)."
    ),
}


def timeout_option(what: str) -> Callable[[F], F]:
    """``--timeout SECONDS``: how long a network step may stay silent (issue 24)."""
    return click.option(
        "--timeout",
        type=click.FloatRange(min=1, max=86400),
        default=60,
        show_default=True,
        metavar="SECONDS",
        callback=_seconds,
        help=TIMEOUT_HELP[what],
    )


@click.command()
@click.option(
    "--remote",
    metavar="NAME",
    help="The git remote to sync with (default: origin, or the only remote).",
)
@timeout_option("the remote")
@pass_app
def sync(app: App, remote: str | None, timeout: float) -> None:
    """Fetch the other counties' changes, merge them field by field, validate, and push.

    Records both sides added under one id are renumbered here first (references follow, one
    commit, each printed on stdout). A conflict (one field changed to two values) or a merged
    result that would not validate stops sync with the records and fields named on stderr
    (exit 1), leaving the repository exactly as it was. No remote, an unreachable remote, a
    server that stops answering, missing credentials or unrelated histories are exit 3. It
    never asks for a password: over SSH it needs a key, over HTTPS a credential helper.

    \b
    Example:
      git remote add origin /media/usb/babu.git   # once; see docs/SYNC.md
      driverparty sync
    """
    from driverparty.sync import password_warning
    from driverparty.sync import sync as run

    warning = password_warning(app.store, remote)
    if warning:
        click.echo(f"warning: {warning}", err=True)
    result = run(app.store, remote, timeout)
    app.store.register_merge_driver()  # a fresh clone has none (SPEC section 4)
    for kind, old, new in result.renumbered:
        click.echo(_("renumbered {kind} {old} → {new}").format(kind=kind, old=old, new=new))
    for path in result.merged_records:
        click.echo(_("merged {path} field by field").format(path=path), err=True)
    click.echo(result.message, err=True)
