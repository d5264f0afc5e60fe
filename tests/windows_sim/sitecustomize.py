"""windows-sim: Python on Linux without the pieces Windows lacks (issue 18).

With this folder on PYTHONPATH, every Python process — the test run and each driverparty it
starts — meets what driverparty would meet on Windows 10/11 (Python 3.11+):

- ``import fcntl`` fails: Windows has no fcntl, so no ``flock``.
- ``os.sync`` is missing: Windows has no sync(2).
- ``os.O_NOFOLLOW`` and ``os.O_NONBLOCK`` are missing: Windows' ``open`` has neither flag.
- ``os.mkfifo`` is missing: Windows has no named pipes in the file system.
- ``ctypes.windll.kernel32.GetUserDefaultUILanguage()`` answers Windows' display language:
  0x0804 (Chinese, PRC) as on a county office's laptop, or ``$WINDOWS_SIM_UI_LANGUAGE``
  (a LANGID such as 0x0409 for English, United States).

``make test-windows-sim`` adds the rest of such a machine: ``PYTHONIOENCODING=cp936`` (the
Chinese code page), ``core.autocrlf=true`` (Git for Windows' default) in a global git config
made for the run, and ``EncodingWarning`` as an error (a file opened without an encoding would
be cp936 there). What this cannot simulate is listed in the README ("Windows").

Only what Windows really lacks is removed, and nothing that the test harness needs to drive
Linux processes (signals, process groups, ``subprocess``'s POSIX machinery).
"""

import os
import sys

sys.modules["fcntl"] = None  # type: ignore[assignment]  # `import fcntl` raises ImportError
for _name in ("sync", "O_NOFOLLOW", "O_NONBLOCK", "mkfifo"):
    if hasattr(os, _name):
        delattr(os, _name)


class _Kernel32:
    @staticmethod
    def GetUserDefaultUILanguage() -> int:  # noqa: N802 - the Windows API's name
        return int(os.environ.get("WINDOWS_SIM_UI_LANGUAGE") or "0x0804", 16)


class _WinDLL:
    kernel32 = _Kernel32()


def _add_windll() -> None:
    import ctypes

    ctypes.windll = _WinDLL()  # type: ignore[attr-defined]


_add_windll()
