"""Canonical TOML bytes in and out, and safe file reads and atomic writes.

Canonical form (SPEC section 3): keys in model order, unset fields left out, dates as TOML dates,
non-ASCII text as itself, ``[[events]]`` last, one final newline. Imports driverparty.errors.
"""

from __future__ import annotations

import itertools
import os
import re
import stat
from datetime import date
from pathlib import Path
from typing import Any

from driverparty.errors import DataError, RepoError
from driverparty.i18n import _

MAX_FILE_BYTES = 1024 * 1024  # issue 9: a record file is small; anything bigger is refused


class Unreadable(DataError):
    """A record file that cannot be read or parsed; the message names the problem."""


def loads(data: bytes) -> dict[str, Any]:
    """Parse TOML bytes (UTF-8) into a dict: with tomli, the parser the standard library's
    tomllib was taken from, compiled (issue 22: twice as fast, for a fresh clone's first
    read of every record; pinned below 2.4, which reads TOML 1.1 where tomllib reads 1.0),
    else tomllib — unless the file is made only of the plainest lines the tool writes, which
    :func:`_plain_loads` reads as the parser would, twice as quickly. A leading byte-order
    mark, which Notepad writes, is read as if it were not there (SPEC section 7). Imported
    here, like tomli_w and tempfile below: a cached read needs none."""
    try:
        import tomli as parser
    except ImportError:  # pragma: no cover - tomli is a dependency; tomllib reads the same
        import tomllib as parser  # type: ignore[no-redef]

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise Unreadable(_("not UTF-8 text (byte {start})").format(start=err.start)) from None
    if "\x00" in text:
        raise Unreadable(_("binary file (holds NUL bytes)"))
    plain = _plain_loads(text)
    if plain is not None:
        return plain
    try:
        return parser.loads(text)
    except parser.TOMLDecodeError as err:
        raise Unreadable(_("TOML syntax: {err}").format(err=err)) from None
    except RecursionError:  # issue 9: `a = [[[[…` a thousand deep overflows tomllib's parser
        raise Unreadable(_("TOML nested too deeply")) from None


#: a string's characters with nothing TOML escapes or refuses: no quote, backslash or control
_PLAIN_CHARS = r'[^"\\\x00-\x1f\x7f]*'
#: one line of the plainest records :func:`dumps` writes (most members): a bare key, then
#: such a string, a date, an integer of at most 18 digits, a boolean, an empty list or a list
#: of such strings one a line, as tomli-w writes it
_PLAIN_LINE = re.compile(
    rf'([A-Za-z0-9_-]+) = (?:"({_PLAIN_CHARS})"'
    r"|([0-9]{4}-[0-9]{2}-[0-9]{2})|(-?(?:0|[1-9][0-9]{0,17}))|(true|false)|(\[\])"
    rf'|\[\n((?:    "{_PLAIN_CHARS}",\n)+)\])\n'
)
_PLAIN_ITEM = re.compile(rf'    "({_PLAIN_CHARS})",\n')


def _plain_loads(text: str) -> dict[str, Any] | None:
    """``tomli.loads(text)`` for a file made only of :data:`_PLAIN_LINE` lines, each key
    once — else None, and the parser reads it (issue 22: ~2x quicker, where a fresh clone's
    first read parses every member). Every line it takes means in TOML what it is taken for
    here; anything else — an escape, a float, a table, a comment, CRLF — is the parser's
    (``tests/test_canonical.py`` checks the two agree on any text)."""
    out: dict[str, Any] = {}
    pos, end, match = 0, len(text), _PLAIN_LINE.match
    while pos < end:
        m = match(text, pos)
        if m is None:
            return None
        key, string, day, number, truth, empty, strings = m.groups()
        if key in out:
            return None  # TOML refuses it: the parser says so
        if string is not None:
            out[key] = string
        elif day is not None:
            try:
                out[key] = date.fromisoformat(day)
            except ValueError:
                return None  # no such day: the parser says so
        elif number is not None:
            out[key] = int(number)
        elif truth is not None:
            out[key] = truth == "true"
        elif empty is not None:
            out[key] = []
        else:
            out[key] = _PLAIN_ITEM.findall(strings)
        pos = m.end()
    return out


def dumps(data: dict[str, Any]) -> bytes:
    """Canonical bytes of a record dict already in canonical order. Lists of tables (a
    petition's ``events``) are written last as ``[[key]]`` sections, one per entry, however
    short (tomli-w alone would inline short ones)."""
    import tomli_w

    plain = {k: v for k, v in data.items() if not _is_array_of_tables(v)}
    text = tomli_w.dumps(plain)
    for key, value in data.items():
        if _is_array_of_tables(value):
            for entry in value:
                text += f"\n[[{key}]]\n" + tomli_w.dumps(entry)
    return text.encode("utf-8")


def _is_array_of_tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def linked_part(root: Path, rel: str | Path) -> str | None:
    """The first part of ``rel`` (a path under ``root``, the last part included) that is a
    symbolic link, as a path relative to ``root``; None when there is none (issue 9)."""
    here = root
    parts = Path(rel).parts
    for n, part in enumerate(parts, 1):
        here = here / part
        try:
            if stat.S_ISLNK(os.lstat(here).st_mode):
                return "/".join(parts[:n])
        except OSError:  # missing (or unreadable): nothing further down can be a link
            return None
    return None


#: ``open`` refuses a link itself (not on Windows, issue 18: there :func:`_was_a_link` looks)
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _was_a_link(path: Path | str, opened: os.stat_result) -> bool:
    """Whether ``path`` is a link, or was one when it was opened (then what it is now is
    another file than the one opened)."""
    try:
        now = os.lstat(path)
    except OSError:
        return True
    return stat.S_ISLNK(now.st_mode) or (now.st_dev, now.st_ino) != (
        opened.st_dev,
        opened.st_ino,
    )


#: how a record file is opened. O_NONBLOCK: a named pipe planted as a record file must not hang
#: the reader. O_BINARY: on Windows a descriptor is read as text unless it says otherwise.
READ_FLAGS = os.O_RDONLY | NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def read_bytes(path: Path | str, root: Path | None = None, limit: int = MAX_FILE_BYTES) -> bytes:
    """Read a record file, refusing symlinks, non-regular files and files over 1 MiB (or
    ``limit``). With ``root``, a symlinked folder between ``root`` and the file is refused
    too (issue 9). (``path`` may be text: a fresh clone's first read opens 20,000 files, and
    a ``Path`` costs more than the read.)"""
    if root is not None:
        linked = linked_part(root, Path(path).relative_to(root).parent)
        if linked:
            raise Unreadable(
                _("{linked} is a symbolic link; driverparty does not follow links").format(
                    linked=linked
                )
            )
    try:
        fd = os.open(path, READ_FLAGS)
    except FileNotFoundError:
        raise
    except OSError as err:
        if os.path.islink(path):
            raise Unreadable(_("is a symbolic link; record files must be regular files")) from None
        raise Unreadable(_("cannot read: {strerror}").format(strerror=err.strerror)) from None
    st = os.fstat(fd)
    if stat.S_ISDIR(st.st_mode):  # a folder named like a record (issue 16.11): open() said yes
        os.close(fd)
        raise Unreadable(_("a folder, not a record file"))
    try:
        if not NOFOLLOW and _was_a_link(path, st):
            raise Unreadable(_("is a symbolic link; record files must be regular files"))
        if not stat.S_ISREG(st.st_mode):
            raise Unreadable(_("not a regular file"))
        if st.st_size > limit:
            raise Unreadable(
                _("too large ({st_size} bytes; a record file is at most 1 MiB)").format(
                    st_size=st.st_size
                )
            )
        # the size fstat saw, plus one byte to notice growth: reading limit + 1 would make a
        # 1 MiB buffer for every file (issue 22: 0.6 s of a fresh clone's 20,000 reads). Read
        # straight from the descriptor, not through a file object, which costs more than the
        # read and asks again at the end; a regular file's read is short only at its end
        want = st.st_size + 1
        data = os.read(fd, want)
        while want <= len(data) <= limit and (more := os.read(fd, limit + 1 - len(data))):
            data += more  # grew since fstat: read on, as far as before
        return data
    finally:
        os.close(fd)


def refuse_link(path: Path) -> None:
    """Refuse to write a tool's own file (under ``.git``, ``.gitignore``, a report) through a
    symbolic link: a ``.git`` that arrives by copy or zip may hold one pointing anywhere, and
    the write would overwrite, truncate or make executable what it points at (issue 16.3)."""
    if path.is_symlink():
        raise RepoError(
            _(
                "{path}: is a symbolic link; driverparty does not write through links (delete the "
                "link, then try again)"
            ).format(path=path)
        )


_TEMPORARIES = itertools.count()


def _new_temporary(path: Path, mode: int) -> tuple[int, str]:
    """A new file beside ``path`` named ``.<name>.<token>.tmp`` (the form a later command
    clears away after a kill, journal.py), open for writing, created with ``mode`` less the
    umask: for a record, what git's checkout gives it (issue 16.9), with no chmod after."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | getattr(os, "O_BINARY", 0)
    while True:
        tmp = os.path.join(path.parent, f".{path.name}.{os.getpid()}x{next(_TEMPORARIES)}.tmp")
        try:
            return os.open(tmp, flags | getattr(os, "O_CLOEXEC", 0), mode), tmp
        except FileExistsError:  # left by a killed process that had this process id
            continue


def atomic_write(path: Path, data: bytes, sync: bool = True, mode: int | None = None) -> None:
    """Write whole or not at all: a temporary file beside ``path``, fsync, then rename. A bulk
    writer passes ``sync=False`` and calls ``os.sync()`` once before it commits. The file gets
    ``mode``, by default what the umask allows (as git's checkout; issue 16.9)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or path.parent.is_symlink():  # never write through a link (issue 9)
        raise DataError(
            _("{name}: is or sits in a symbolic link; not written").format(name=path.name)
        )
    fd, tmp = _new_temporary(path, 0o666 if mode is None else mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        if mode is not None:  # exactly this mode, whatever the umask
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
