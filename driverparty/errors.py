"""Problems (values) and the exceptions that stop a command, with SPEC section 6 exit codes.

Imports nothing from driverparty but :mod:`driverparty.i18n` (messages in the user's language).
"""

from __future__ import annotations

from dataclasses import dataclass

from driverparty.i18n import N_, _


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one record: the file, the record id, the field and what is wrong."""

    file: str
    id: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        parts = [self.file] if self.file else []
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return ": ".join(parts)

    def as_row(self) -> dict[str, str | None]:
        return {"file": self.file, "id": self.id, "field": self.field, "message": self.message}


class DriverpartyError(Exception):
    """Base of every error the CLI turns into ``error: ...`` and an exit code."""

    exit_code = 1

    def lines(self) -> list[str]:
        """The message, one line per problem."""
        return [str(self)]


class DataError(DriverpartyError):
    """The data said no (exit 1)."""

    exit_code = 1


class UsageError(DriverpartyError):
    """The command line was wrong (exit 2)."""

    exit_code = 2


class RepoError(DriverpartyError):
    """The repository could not be used (exit 3)."""

    exit_code = 3


class RecordNotFound(DataError):
    def __init__(self, kind: str, record_id: str) -> None:
        super().__init__(_("no {kind} {record_id}").format(kind=kind, record_id=record_id))
        self.kind = kind
        self.record_id = record_id


class MoveRefused(DataError):
    """A workflow move that the record's current state does not allow."""


class Invalid(DataError):
    """One or more problems that make a write impossible; each is its own error line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class WriteFailed(RepoError):
    """A file could not be written: a full disk, a file-size limit, a read-only folder, no
    permission (exit 3, SPEC section 6; issue 16.15)."""


#: errno name → what it means, for a clerk (issue 16.15)
_OS_WORDS = {
    "ENOSPC": N_("no space left on the disk"),
    "EDQUOT": N_("the disk quota is used up"),
    "EFBIG": N_("the file-size limit is reached (ulimit -f)"),
    "EROFS": N_("the disk or folder is read-only"),
    "EACCES": N_("permission denied"),
    "EPERM": N_("not permitted"),
    "EIO": N_("the disk reported an input/output error"),
    "ENOENT": N_("no such file or folder"),
    "ENOTDIR": N_("a part of the path is not a folder"),
    "EISDIR": N_("is a folder"),
    "ELOOP": N_("is a symbolic link"),
    "EMFILE": N_("too many open files"),
    "ENAMETOOLONG": N_("the name is too long"),
}


def plain_os_error(err: OSError) -> str:
    """An operating-system error in plain words: ``no space left on the disk``."""
    import errno

    name = errno.errorcode.get(err.errno or -1, "")
    words = _OS_WORDS.get(name)
    return _(words) if words else (err.strerror or str(err)).lower()


class NotARepository(RepoError):
    pass


class LockTimeout(RepoError):
    pass


class GitFailed(RepoError):
    pass
