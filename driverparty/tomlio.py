"""Canonical TOML bytes in and out, and safe file reads and atomic writes.

Canonical form (SPEC section 3): keys in model order, unset fields left out, dates as TOML dates,
non-ASCII text as itself, ``[[events]]`` last, one final newline. Imports driverparty.errors.
"""

from __future__ import annotations

import os
import stat
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from driverparty.errors import DataError

MAX_FILE_BYTES = 1024 * 1024  # issue 9: a record file is small; anything bigger is refused


class Unreadable(DataError):
    """A record file that cannot be read or parsed; the message names the problem."""


def loads(data: bytes) -> dict[str, Any]:
    """Parse TOML bytes (UTF-8) into a dict."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise Unreadable(f"not UTF-8 text (byte {err.start})") from None
    if "\x00" in text:
        raise Unreadable("binary file (holds NUL bytes)")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise Unreadable(f"TOML syntax: {err}") from None


def dumps(data: dict[str, Any]) -> bytes:
    """Canonical bytes of a record dict already in canonical order. Lists of tables (a
    petition's ``events``) are written last as ``[[key]]`` sections, one per entry, however
    short (tomli-w alone would inline short ones)."""
    plain = {k: v for k, v in data.items() if not _is_array_of_tables(v)}
    text = tomli_w.dumps(plain)
    for key, value in data.items():
        if _is_array_of_tables(value):
            for entry in value:
                text += f"\n[[{key}]]\n" + tomli_w.dumps(entry)
    return text.encode("utf-8")


def _is_array_of_tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def read_bytes(path: Path) -> bytes:
    """Read a record file, refusing symlinks, non-regular files and files over 1 MiB."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        raise
    except OSError as err:
        if path.is_symlink():
            raise Unreadable("is a symbolic link; record files must be regular files") from None
        raise Unreadable(f"cannot read: {err.strerror}") from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise Unreadable("not a regular file")
        if st.st_size > MAX_FILE_BYTES:
            raise Unreadable(f"too large ({st.st_size} bytes; a record file is at most 1 MiB)")
        return fh.read(MAX_FILE_BYTES + 1)


def atomic_write(path: Path, data: bytes, sync: bool = True) -> None:
    """Write whole or not at all: a temporary file beside ``path``, fsync, then rename. A bulk
    writer passes ``sync=False`` and calls ``os.sync()`` once before it commits."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink():
        path.unlink()  # never write through a link (issue 9); the link itself is replaced
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
