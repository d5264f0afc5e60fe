"""The root command: global options, lazy subcommands, and the one place errors are printed."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Any

import click

from driverparty import __version__
from driverparty.cli.app import App, debug, handle, stdout_is_closed
from driverparty.cli.lang import early_language, localize, short_help, use_language
from driverparty.errors import DriverpartyError
from driverparty.i18n import N_, _
from driverparty.portable import text_streams

#: name → (module, attribute, one-line help). Loaded only when run or asked for its own help, so
#: the root ``--help`` imports nothing but click. A module not present yet is simply not listed.
#: The attribute is a click command, or a factory called with the name (each record kind's
#: group, added from the registry by :func:`kind_commands`).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("driverparty.cli.setup", "init", N_("Create a records repository.")),
    "status": ("driverparty.cli.setup", "status", N_("Uncommitted changes under records/.")),
    "commit": ("driverparty.cli.setup", "commit", N_("Validate and commit hand edits.")),
    "install-hook": (
        "driverparty.cli.setup",
        "install_hook",
        N_("Install the pre-commit hook and the merge driver."),
    ),
    "validate": ("driverparty.cli.setup", "validate", N_("Check every record.")),
    "summary": ("driverparty.cli.reports", "summary", N_("The figures reported upward.")),
    "report": ("driverparty.cli.reports", "report", N_("Reports: members, petitions, coverage …")),
    "log": ("driverparty.cli.history", "log", N_("Changes to records, newest first.")),
    "diff": ("driverparty.cli.history", "diff", N_("Records added, removed and changed.")),
    "import": ("driverparty.cli.bulk", "import_", N_("Import records from csv, json or xlsx.")),
    "sync": ("driverparty.cli.sync", "sync", N_("Fetch, merge, validate and push.")),
    "rollup": (
        "driverparty.cli.reports",
        "rollup",
        N_("Summaries of several counties side by side."),
    ),
    "merge-driver": ("driverparty.cli.sync", "merge_driver", N_("(git) merge one record file.")),
    "completion": ("driverparty.cli.bulk", "completion", N_("Print a shell completion script.")),
}
HIDDEN = {"merge-driver"}


def kind_commands() -> dict[str, tuple[str, str, str]]:
    """One group per record kind of the registry (``schema.json``: no pydantic)."""
    from driverparty.schema import KINDS

    return {name: ("driverparty.cli.records", "kind_group", k.title) for name, k in KINDS.items()}


def available(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


class LazyGroup(click.Group):
    """A group whose subcommands live in other modules, imported on first use."""

    lazy: dict[str, tuple[str, str, str]] = {}
    hidden_commands: set[str] = set()

    def entries(self) -> dict[str, tuple[str, str, str]]:
        """The lazy subcommands: name → (module, attribute, one-line help)."""
        return self.lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = [
            n
            for n, (mod, _, _) in self.entries().items()
            if n not in self.hidden_commands and available(mod)
        ]
        return sorted(set(names) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return localize(self.commands[cmd_name])
        entry = self.entries().get(cmd_name)
        if entry is None or not available(entry[0]):
            return None
        return localize(self.build(cmd_name, getattr(importlib.import_module(entry[0]), entry[1])))

    def build(self, name: str, target: Any) -> click.Command:
        """The command a lazy entry names, or the one its factory makes for ``name``."""
        command = target if isinstance(target, click.Command) else target(name)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in self.commands:
                rows.append((name, short_help(self.commands[name], 60)))
            else:
                rows.append((name, _(self.entries()[name][2])))
        if rows:
            with formatter.section(_("Commands")):
                formatter.write_dl(rows)


class DriverpartyGroup(LazyGroup):
    hidden_commands = HIDDEN

    def entries(self) -> dict[str, tuple[str, str, str]]:
        return {**COMMANDS, **kind_commands()}

    def main(self, *args: Any, **kwargs: Any) -> Any:
        import signal

        text_streams()  # UTF-8 to pipes and files, never a crash on a terminal (SPEC section 8)
        # issue 23: the language first, so that --help (answered while parsing) speaks it
        given = kwargs.get("args", args[0] if args else None)
        use_language(early_language(sys.argv[1:] if given is None else given))
        localize(self)
        # issue 16.2: SIGTERM (a service stopping, `kill`) is handled like Ctrl-C: what the
        # command had begun is undone and it says so, instead of dying half way.
        terminate = signal.getsignal(signal.SIGTERM)
        try:
            signal.signal(signal.SIGTERM, _terminated)
        except ValueError:  # not the main thread: leave it
            terminate = None
        try:
            code = super().main(*args, **{**kwargs, "standalone_mode": False})
        except click.exceptions.Exit as err:
            code = err.exit_code
        except click.exceptions.Abort as err:
            if isinstance(err.__cause__, KeyboardInterrupt):  # while click parsed
                code = interrupted(err.__cause__)
            else:
                click.echo(f"error: {_('aborted')}", err=True)
                code = 1
        except BrokenPipeError:
            stdout_is_closed()
            code = 0
        except (KeyboardInterrupt, Interrupted) as err:
            code = interrupted(err.__cause__ if isinstance(err, Interrupted) else err)
        except (DriverpartyError, click.ClickException, OSError) as err:
            code = handle(err)
        except Exception as err:  # a bug: one line for users, the traceback under DEBUG
            if debug():
                raise
            code = handle(err)
        finally:
            if terminate is not None:
                signal.signal(signal.SIGTERM, terminate)
        sys.exit(code or 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as err:  # click would make it an Abort, "aborted", exit 1
            raise Interrupted() from err


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, like Ctrl-C's KeyboardInterrupt."""


class Interrupted(Exception):
    """A KeyboardInterrupt (or Terminated) carried past click to :meth:`main`."""


def interrupted(err: BaseException | None) -> int:
    """Say that Ctrl-C or SIGTERM stopped the command (and what its undoing met); the exit
    code is 128 + the signal's number, as a shell gives."""
    import signal

    stopped = isinstance(err, Terminated)
    click.echo(f"error: {_('stopped (SIGTERM)') if stopped else _('interrupted')}", err=True)
    for note in getattr(err, "__notes__", ()):
        click.echo(f"note: {note}", err=True)
    return 128 + (signal.SIGTERM if stopped else signal.SIGINT)


def _terminated(signum: int, frame: Any) -> None:
    raise Terminated()


def show_version(ctx: click.Context, value: bool) -> None:
    """``--version``, in the language asked for (click's own option builds its line once, at
    import, in English)."""
    if not value or ctx.resilient_parsing:
        return
    click.echo(_("%(prog)s, version %(version)s") % {"prog": "driverparty", "version": __version__})
    ctx.exit()


@click.group(cls=DriverpartyGroup, context_settings={"help_option_names": ["--help", "-h"]})
@click.option(
    "--repo",
    metavar="PATH",
    help="The records repository (else $DRIVERPARTY_REPO, "
    "else the first folder above holding driverparty.toml).",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default=None,
    help="Language of help, messages and tables (else $DRIVERPARTY_LANG, else the system's "
    "language: $LC_ALL, $LC_MESSAGES, $LANG, Windows' display language).",
)
@click.option("--author", metavar='"NAME <EMAIL>"', help="Who makes the commits.")
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, _param, value: show_version(ctx, value),
    help=N_("Show the version and exit."),
)
@click.pass_context
def cli(ctx: click.Context, repo: str | None, lang: str | None, author: str | None) -> None:
    """driverparty — Party-work records for truck and ride-hailing drivers, kept as TOML files
    in a git repository.

    \b
    Start:   driverparty init county --county 八步区
    Add:     id=$(driverparty member add --name 王建国 --occupation truck --stage applicant)
    Look:    driverparty member list --where stage=full --format csv
    Check:   driverparty validate
    """
    ctx.obj = App(repo, lang, author)
    ctx.call_on_close(ctx.obj.close)


def main() -> None:
    cli.main(prog_name="driverparty")
