"""``sync`` and git's merge driver ``merge-driver`` (issue 7): many counties, one remote.

``merge-driver`` is started by git once per record file changed on both sides of a merge, so
this module imports nothing heavy at the top: the driver needs only ``driverparty.merge``.
"""

from __future__ import annotations

import click


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
        code, lines = 1, [f"{path or ours}: cannot merge: {type(err).__name__}"]
    for line in lines:
        click.echo(f"error: {line}", err=True)
    raise click.exceptions.Exit(code)
