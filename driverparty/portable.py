"""What differs between Linux, macOS and Windows, in one place (SPEC section 8, issue 18).

- :func:`find_program`: a program found on PATH only — never in the current folder, where
  Windows looks first (a ``git.exe`` planted on a USB drive must not run).
- :func:`system_language`: ``$LC_ALL``, ``$LC_MESSAGES``, ``$LANG``; else Windows' display
  language; else the C library's locale.
- :func:`text_streams`: the standard streams UTF-8 to and from a pipe or a file; on a
  terminal its own encoding, with a character it cannot show replaced instead of a crash.
- :func:`flush_to_disk`: ``os.sync`` where it exists (not on Windows), else fsync file by file.

The standard library only; imports nothing from driverparty, so any layer may use it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path

IS_WINDOWS = sys.platform == "win32"

#: LANGID primary language of Chinese (zh-CN 0x0804, zh-TW 0x0404, zh-HK 0x0C04, …)
LANG_CHINESE = 0x04


@cache
def find_program(name: str, path: str, windows: bool = IS_WINDOWS) -> str | None:
    """The full path of program ``name`` in the absolute folders of ``path`` (a PATH value),
    first match wins; None when none has it.

    Relative entries (``.``, an empty entry, ``bin``) are skipped: they name the current
    folder, and so is the current folder Windows and ``shutil.which`` search before PATH
    (Python 3.11 on Windows always does). On Windows only ``NAME.exe`` is taken: a ``.bat`` or
    ``.cmd`` would run through cmd.exe, which re-parses its arguments."""
    filename = f"{name}.exe" if windows else name
    for entry in path.split(";" if windows else os.pathsep):
        entry = entry.strip().strip('"') if windows else entry
        if not entry or not os.path.isabs(entry):
            continue
        candidate = os.path.join(entry, filename)
        if os.path.isfile(candidate) and (windows or os.access(candidate, os.X_OK)):
            return candidate
    return None


def system_language() -> str:
    """``zh`` or ``en`` from the system's locale: the first of ``$LC_ALL``, ``$LC_MESSAGES`` and
    ``$LANG`` that is set (POSIX's order; Git Bash sets ``$LANG`` too), else Windows' display
    language, else the locale the C library reports; Chinese of any region is ``zh``."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    ui = windows_ui_language()
    if ui is not None:
        return "zh" if ui & 0x3FF == LANG_CHINESE else "en"
    import locale

    name = (locale.getlocale()[0] or "").lower()
    return "zh" if name.startswith(("zh", "chinese")) else "en"


def windows_ui_language() -> int | None:
    """Windows' display language as a LANGID (``GetUserDefaultUILanguage``); None elsewhere."""
    try:
        import ctypes

        return int(ctypes.windll.kernel32.GetUserDefaultUILanguage())  # type: ignore[attr-defined]
    except (ImportError, AttributeError, OSError):
        return None


def text_streams() -> None:
    """Make the standard streams safe for any text (SPEC section 8). stdout and stderr: UTF-8
    to a pipe or a file whatever the code page (``> out.csv`` on a Chinese Windows is cp936
    otherwise, and loses the listing at the first 𠮷 or emoji); on a terminal its encoding
    stays, and a character it cannot show becomes ``?``. stdin from a pipe or a file is read
    as UTF-8 (a byte-order mark skipped), like every file. Streams that cannot be
    reconfigured are left alone."""
    for stream, piped in (
        (sys.stdin, {"encoding": "utf-8-sig"}),
        (sys.stdout, {"encoding": "utf-8", "errors": "replace"}),
        (sys.stderr, {"encoding": "utf-8", "errors": "replace"}),
    ):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            if not stream.isatty():
                reconfigure(**piped)
            elif stream is not sys.stdin:
                reconfigure(errors="replace")
        except (OSError, ValueError):  # closed, or not a real stream
            continue


def flush_to_disk(paths: Iterable[Path]) -> None:
    """Make the files just written durable before they are committed: one ``os.sync`` where
    the system has it, else an fsync of each (Windows: ``FlushFileBuffers`` needs a handle
    opened for writing)."""
    sync = getattr(os, "sync", None)
    if sync is not None:
        sync()
        return
    for path in paths:
        fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def file_mode() -> int:
    """The mode git's own checkout gives a new file: 0666 less the umask (0644 under umask
    022, 0600 under 077; issue 16.9)."""
    mask = os.umask(0o022)  # reading the umask means setting it; put it straight back
    os.umask(mask)
    return 0o666 & ~mask
