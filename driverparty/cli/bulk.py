"""``import`` and ``completion``: the command line as a tool (issue 6)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from driverparty.cli.app import App, kind_choice, pass_app
from driverparty.errors import DataError, UsageError


@click.command("import")
@click.argument("kind", type=kind_choice())
@click.argument("source", metavar="FILE|-")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json", "jsonl"]),
    help="The input format (default: from the file's extension; csv for -).",
)
@pass_app
def import_(app: App, kind: str, source: str, fmt: str | None) -> None:
    """Import records from what `list` writes: a row without an id is added under the next
    id, a row whose id exists updates that record (an empty cell unsets its field), a row with
    a new id is added under it. All or nothing, one commit.

    \b
    Example:
      driverparty import member drivers.csv
      driverparty member list --format jsonl --reveal --all \\
        | driverparty --repo ../other import member - --format jsonl
    """
    from driverparty.bulk import import_records
    from driverparty.progress import Progress

    if source == "-":
        try:
            text = sys.stdin.buffer.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DataError("-: not UTF-8 text") from None
        fmt = fmt or "csv"
    else:
        path = Path(source)
        fmt = fmt or {".csv": "csv", ".json": "json", ".jsonl": "jsonl"}.get(path.suffix.lower())
        if fmt is None:
            raise UsageError(f"{source}: say --format csv|json|jsonl (unknown extension)")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as err:
            raise DataError(f"{source}: cannot read: {err.strerror}") from None
        except UnicodeDecodeError:
            raise DataError(f"{source}: not UTF-8 text") from None
    total = max(text.count("\n") - (1 if fmt == "csv" else 0), 1)
    with Progress(f"checking {kind}s", total) as progress:
        added, updated = import_records(app.store, kind, text, fmt, progress.step)
    click.echo(f"added {added}, updated {updated}")


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
