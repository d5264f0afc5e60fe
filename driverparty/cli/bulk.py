"""``import`` and ``completion``: the command line as a tool (issue 6)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from driverparty.cli.app import App, kind_choice, pass_app
from driverparty.errors import DataError, UsageError
from driverparty.i18n import _


@click.command("import")
@click.argument("kind", type=kind_choice())
@click.argument("source", metavar="FILE|-")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "tsv", "json", "jsonl", "xlsx"]),
    help="The input format (default: from the file's extension; csv for -).",
)
@click.option(
    "--encoding",
    metavar="NAME",
    help="Read text in this encoding (utf-8, gb18030 …) instead of finding out: "
    "UTF-8 with or without a byte-order mark, else GB18030.",
)
@click.option(
    "--sheet", metavar="NAME", help="The worksheet of an xlsx workbook (default: the first)."
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="COLUMN",
    help="Skip a column, such as 序号 (repeat for more).",
)
@pass_app
def import_(
    app: App,
    kind: str,
    source: str,
    fmt: str | None,
    encoding: str | None,
    sheet: str | None,
    ignore: tuple[str, ...],
) -> None:
    """Import records from what `list` writes or from an office's spreadsheet: csv or tsv
    (UTF-8, or GBK/GB18030 as Excel saves it on Chinese Windows), json, jsonl or an xlsx
    workbook (its first sheet, first row headers).

    A column is named by its field (phone), its Chinese label (手机号) or an alias (手机号码,
    联系电话 …); codes may be their Chinese words (正式党员, 网约车司机, 男), bools 是/否,
    dates 2025-03-05, 2025/3/5, 2025.3.5 or 2025年3月5日. A row without an id is added under
    the next id, a row whose id exists updates that record (an empty cell unsets its field), a
    row with a new id is added under it. All or nothing, one commit.

    \b
    Example:
      driverparty import member 花名册.xlsx --ignore 序号
      driverparty import member drivers.csv
      driverparty member list --format jsonl --reveal --all \\
        | driverparty --repo ../other import member - --format jsonl
    """
    from driverparty.bulk import EXTENSIONS, Source, import_records

    if source == "-":
        data = sys.stdin.buffer.read()
        fmt = fmt or "csv"
    else:
        path = Path(source)
        fmt = fmt or EXTENSIONS.get(path.suffix.lower())
        if fmt is None:
            if path.suffix.lower() in (".xls", ".et"):
                raise UsageError(
                    _("{source}: an old .xls/.et workbook: save it as .xlsx first").format(
                        source=source
                    )
                )
            raise UsageError(
                _("{source}: say --format csv|tsv|json|jsonl|xlsx (unknown extension)").format(
                    source=source
                )
            )
        try:
            data = path.read_bytes()
        except OSError as err:
            raise DataError(
                _("{source}: cannot read: {strerror}").format(source=source, strerror=err.strerror)
            ) from None
    src = Source(source, data, fmt, encoding, sheet, ignore)
    added, updated = import_records(
        app.store, kind, src, note=lambda text: click.echo(f"note: {text}", err=True)
    )
    click.echo(_("added {added}, updated {updated}").format(added=added, updated=updated))


@click.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the shell completion script for bash, zsh or fish.

    \b
    Install (bash):  driverparty completion bash \\
                       > ~/.local/share/bash-completion/completions/driverparty
    Install (zsh):   driverparty completion zsh > "${fpath[1]}/_driverparty"
    Install (fish):  driverparty completion fish > ~/.config/fish/completions/driverparty.fish
    """
    from click.shell_completion import get_completion_class

    from driverparty.cli.main import cli

    cls = get_completion_class(shell)
    assert cls is not None
    comp = cls(cli, {}, "driverparty", "_DRIVERPARTY_COMPLETE")
    click.echo(comp.source())
