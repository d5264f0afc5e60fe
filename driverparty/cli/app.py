"""The context object every command receives, and the options every listing shares."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from driverparty.cli.lang import use_language
from driverparty.errors import DriverpartyError, Problem, UsageError
from driverparty.i18n import _, language

if TYPE_CHECKING:
    from driverparty.store import Author, Store, Tally

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ("table", "json", "jsonl", "csv", "tsv", "xlsx")
#: what Excel and WPS need to take a csv file for UTF-8 (README: Decisions)
BOM = "\ufeff"


def resolve_lang(given: str | None) -> str:
    lang = given or os.environ.get("DRIVERPARTY_LANG")
    if lang:
        if lang not in ("en", "zh"):
            raise UsageError(_("--lang {lang}: must be en or zh").format(lang=lang))
        return lang
    from driverparty.portable import system_language

    return system_language()


def resolve_today() -> date:
    given = os.environ.get("DRIVERPARTY_TODAY")
    if not given:
        return date.today()
    try:
        return date.fromisoformat(given)
    except ValueError:
        raise UsageError(
            _("DRIVERPARTY_TODAY={given}: must be a date YYYY-MM-DD").format(given=given)
        ) from None


class App:
    """Options of the root command; opens the repository only when a command needs it."""

    def __init__(self, repo: str | None, lang: str | None, author: str | None) -> None:
        self.repo_option = repo
        self.lang = resolve_lang(lang)
        use_language(self.lang)
        self.today = resolve_today()
        self.author_text = author
        self.problems: list[Problem] = []
        self.notes: list[str] = []  # said once each on stderr when the command ends
        self.clocks: list[Any] = []  # workdays.Clock of other repositories read (rollup)
        #: ``--output FILE`` of a listing (None: stdout)
        self.output: str | None = None

    @cached_property
    def author(self) -> Author | None:
        if not self.author_text:
            return None
        from driverparty.store import Author

        try:
            return Author.parse(self.author_text)
        except ValueError as err:
            raise UsageError(
                _("--author {author_text!r}: {err}").format(author_text=self.author_text, err=err)
            ) from None

    @cached_property
    def root(self) -> Path:
        from driverparty.store import find_root, recover_interrupted

        root = find_root(self.repo_option)
        self.note(recover_interrupted(root))  # issue 16.2: an import killed before is undone
        return root

    @cached_property
    def reader(self) -> Store:
        """The store, not yet checked: for the reads that decide themselves what to check
        (``get``, ``list``, a remembered ``summary``: the cache vouches for the settings)."""
        from driverparty.store import Store

        store = Store(self.root, self.today, self.author, TALLIES)
        store.on_note = self.note
        done = store.finish_interrupted_sync()  # issue 16.5: before anything reads the files
        if done:
            click.echo(f"note: {done}", err=True)
        return store

    @cached_property
    def store(self) -> Store:
        """The store, checked: a git work tree with a valid driverparty.toml, or exit."""
        store = self.reader
        store.check_ready()
        return store

    def emit(self, text: str) -> None:
        """Write a command's output. To a terminal, nothing in it may steer the terminal
        (escape sequences, bidi overrides: shown escaped); to a file or a pipe, the data is
        written as it is — tables and json are escaped already (issue 16.12)."""
        if text:
            if sys.stdout.isatty():
                from driverparty.output import terminal_safe

                text = terminal_safe(text)
            # color=True: click would strip what looks like a colour code from text going to a
            # file or a pipe, changing the data; to a terminal it is escaped above
            click.echo(text, nl=False, color=True)

    def warn(self, problems: Sequence[Problem]) -> None:
        """Report problems met while reading; the command goes on and exits 1 at the end."""
        for p in problems:
            say("error", problem_line(p))
        self.problems.extend(problems)

    def finish(self) -> None:
        if self.problems:
            raise click.exceptions.Exit(1)

    def note(self, text: str | None) -> None:
        """A ``note:`` for stderr, said once when the command ends."""
        if text and text not in self.notes:
            self.notes.append(text)

    def clock_notes(self) -> list[str]:
        """What the petition clocks of this command had to say: a year with no holiday table
        (SPEC section 2, "Working days"). Only clocks that were made are asked."""
        clocks = list(self.clocks)
        store = self.__dict__.get("reader")  # the store, checked or not
        config = store.__dict__.get("config") if store is not None else None
        clock = config.__dict__.get("clock") if config is not None else None
        if clock is not None:
            clocks.append(clock)
        return [text for c in clocks if (text := c.note())]

    def close(self) -> None:
        """At the end of every command: its notes, one line each."""
        for text in self.clock_notes():
            self.note(text)
        for text in self.notes:
            say("note", text)


pass_app = click.make_pass_decorator(App)


def _remember_output(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """``--output`` goes to the App, so no command's signature needs to know of it."""
    app = ctx.find_object(App)
    if app is not None:
        app.output = value


class SummaryTally:
    """The summary as the store counts it (``Store.tallied``; a write carries it on): the
    report's own functions, imported only when something is counted."""

    @staticmethod
    def count(records: Any, config: Any, day: date, period: Any) -> dict[str, int]:
        from driverparty.reports import summary_counts

        return summary_counts(records, config, day, period)

    @staticmethod
    def rows(counts: dict[str, int]) -> Any:
        from driverparty.reports import summary_rows

        return summary_rows(counts)


TALLIES: dict[str, Tally] = {"summary": SummaryTally()}


def format_options(formats: Sequence[str] = FORMATS, default: str = "table") -> list[click.Option]:
    """``--format``, ``--output`` and ``--reveal``, the same on every listing."""
    return [
        click.Option(
            ["--format", "fmt"],
            type=click.Choice(list(formats)),
            default=default,
            show_default=True,
            help="Output format (xlsx: an Excel workbook; needs --output).",
        ),
        click.Option(
            ["--output", "-o"],
            metavar="FILE",
            callback=_remember_output,
            expose_value=False,
            help="Write to FILE instead of stdout (- is stdout). csv and tsv written to a "
            "file start with a byte-order mark, so Excel and WPS read them as UTF-8.",
        ),
        click.Option(["--reveal"], is_flag=True, help="Show phone and ID numbers in full."),
    ]


def output_options(formats: Sequence[str] = FORMATS, default: str = "table") -> Callable[[F], F]:
    """The decorator form of :func:`format_options`."""

    def decorator(f: F) -> F:
        params = getattr(f, "__click_params__", [])
        params.extend(reversed(format_options(formats, default)))  # click reverses them again
        f.__click_params__ = params  # type: ignore[attr-defined]
        return f

    return decorator


def kind_choice() -> click.Choice[str]:
    """The record kinds of the registry, as a choice on the command line."""
    from driverparty.schema import KINDS

    return click.Choice(list(KINDS))


def render(
    app: App,
    rows: Any,
    columns: Sequence[str] | None,
    fmt: str,
    reveal: bool,
    kind: str | None = None,
) -> None:
    """Rows to stdout, or to ``--output FILE`` (written whole or not at all)."""
    from driverparty import output

    if fmt == "xlsx":
        write_workbook(app, rows, columns, reveal, kind)
        return
    emit_text(app, output.render(rows, columns, fmt, app.lang, reveal, kind), fmt)


def emit_text(app: App, text: str, fmt: str) -> None:
    """Rendered text to stdout, or to ``--output FILE`` (written whole or not at all)."""
    if app.output is None or app.output == "-":
        app.emit(text)
        return
    if fmt in ("csv", "tsv") and text:
        text = BOM + text
    _write_file(app.output, lambda path: Path(path).write_bytes(text.encode("utf-8")))


def write_workbook(
    app: App, rows: Any, columns: Sequence[str] | None, reveal: bool, kind: str | None
) -> None:
    """``--format xlsx``: a workbook to ``--output FILE``, or to ``--output -`` when stdout is
    a pipe or a file; never to a terminal (SPEC section 4: exit 2)."""
    from driverparty import output

    if app.output is None:
        raise UsageError(_("--format xlsx needs --output FILE (a workbook is not text)"))
    ctx = click.get_current_context()
    title = kind or " ".join(ctx.command_path.split()[1:]) or "driverparty"
    if app.lang == "zh" and kind:
        from driverparty.schema import KINDS

        title = KINDS[kind].zh

    def write(path: str) -> None:
        output.render_xlsx(path, rows, columns, app.lang, reveal, kind, title)

    if app.output != "-":
        _write_file(app.output, write)
        return
    stdout = sys.stdout.buffer
    if stdout.isatty():
        raise UsageError(_("--format xlsx --output -: stdout is a terminal; give --output FILE"))
    import tempfile

    with tempfile.TemporaryDirectory(prefix="driverparty-") as tmp:
        path = os.path.join(tmp, "out.xlsx")
        write(path)
        with open(path, "rb") as fh:
            stdout.write(fh.read())
        stdout.flush()


def _write_file(target: str, write: Callable[[str], Any]) -> None:
    """Let ``write`` fill a temporary file beside ``target``, then rename it into place: the
    file is whole or untouched, with the mode the umask allows (issue 16.9). A target that is
    not a plain file (``/dev/null``, a named pipe) is written into, never replaced. A file that
    cannot be written is exit 3 (SPEC section 6)."""
    import shutil
    import stat
    import tempfile

    from driverparty.errors import RepoError
    from driverparty.portable import file_mode

    path = Path(target)
    folder = path.parent
    if path.is_symlink() or path.is_dir():
        raise RepoError(
            _("{target}: is a folder or a symbolic link; not written").format(target=target)
        )
    tmp = None
    try:
        if path.exists() and not stat.S_ISREG(path.stat().st_mode):
            with tempfile.TemporaryDirectory(prefix="driverparty-") as scratch:
                made = os.path.join(scratch, "out")
                write(made)
                with open(made, "rb") as src, open(path, "wb") as dst:
                    shutil.copyfileobj(src, dst)
            return
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        os.close(fd)
        write(tmp)
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
        tmp = None
    except OSError as err:
        hint = ""
        if isinstance(err, PermissionError) and path.exists():  # Windows: Excel holds it open
            hint = _(" (is it open in Excel or WPS? close it and try again)")
        raise RepoError(
            _("{target}: cannot write: {value}{hint}").format(
                target=target, value=err.strerror or err, hint=hint
            )
        ) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def debug() -> bool:
    return bool(os.environ.get("DRIVERPARTY_DEBUG"))


def say(prefix: str, line: str) -> None:
    """The one way a line goes to stderr: ``error: …`` or ``note: …``, with any phone or ID
    number masked (issue 16.8) and nothing that could steer the terminal (issue 16.12). An
    error is one line, so line breaks in it are shown escaped too."""
    from driverparty.output import error_line

    click.echo(f"{prefix}: {error_line(line)}", err=True)


def problem_line(p: Problem) -> str:
    """A problem as its error line; in Chinese its field is named by its Chinese label too
    (``手机号（phone）: …``), the code kept so that the file can be fixed (issue 23)."""
    if not p.field or language() != "zh":
        return str(p)
    import re

    from driverparty.schema import KINDS, kind_and_id

    found = kind_and_id(p.file)
    name = re.match(r"\w+", p.field)
    spec = KINDS.get(found[0]) if found else None
    info = spec.fields.get(name.group(0)) if spec is not None and name else None
    if info is None or not info.zh:
        return str(p)
    return str(Problem(p.file, p.id, f"{info.zh}（{p.field}）", p.message))


def error_lines(err: DriverpartyError) -> list[str]:
    """The lines of an error; in Chinese a record kind is named by its Chinese word."""
    from driverparty.errors import Invalid, RecordNotFound

    if isinstance(err, Invalid):
        return [problem_line(p) for p in err.problems]
    if isinstance(err, RecordNotFound) and language() == "zh":
        from driverparty.schema import KINDS

        kind = KINDS[err.kind].zh if err.kind in KINDS else err.kind
        return [_("no {kind} {record_id}").format(kind=kind, record_id=err.record_id)]
    return err.lines()


def handle(err: BaseException) -> int:
    """Print an error the SPEC way and pick its exit code."""
    code = 1
    if isinstance(err, DriverpartyError):
        for line in error_lines(err):
            say("error", line)
        code = err.exit_code
    elif isinstance(err, getattr(click.exceptions, "NoArgsIsHelpError", ())):
        # `driverparty member` alone: its help on stdout, one error line (issue 16)
        assert isinstance(err, click.exceptions.UsageError) and err.ctx is not None
        click.echo(err.ctx.get_help())
        say(
            "error",
            _("which command? (see the list above: {command_path} COMMAND)").format(
                command_path=err.ctx.command_path
            ),
        )
        code = 2
    elif isinstance(err, click.exceptions.UsageError):
        msg = err.format_message()
        if err.ctx is not None:  # one line (issue 16): where to look comes after the message
            msg += _(" (see: {command_path} --help)").format(command_path=err.ctx.command_path)
        say("error", msg)
        code = 2
    elif isinstance(err, click.ClickException):
        say("error", err.format_message())
        code = err.exit_code
    elif isinstance(err, OSError):  # issue 16.15: a file that could not be written is exit 3
        from driverparty.errors import plain_os_error

        where = f"{err.filename}: " if err.filename else ""
        say("error", f"{where}{plain_os_error(err)}")
        code = 3
    else:
        say("error", _("unexpected {name__}: {err}").format(name__=type(err).__name__, err=err))
    for note in getattr(err, "__notes__", ()):
        say("note", str(note))
    return code


def stdout_is_closed() -> None:
    """Quietly stop when the reader of our stdout went away (``| head``)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
