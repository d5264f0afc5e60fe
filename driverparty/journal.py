"""All or nothing for a write of many files (``import``), even across a kill (issue 16.2, SPEC
section 4: "A killed or interrupted import leaves nothing behind").

Before the first record file is written, ``.git/driverparty/journal.json`` says, for every path
the write touches: the file's blob before (its bytes saved in git's object store; None when
there was no file), its index entry before, and the blob it is about to get — and HEAD and the
commit message. The journal is deleted once the commit is made. Found later, it means the
write did not finish, and the next command of any kind settles it under the write lock:

- HEAD is the journal's commit (its parent is the journal's HEAD and its message the
  journal's): the write did finish; the journal is deleted;
- else every file that still holds what the write put there gets its old bytes back (or is
  deleted), every index entry is put back as it was, and the journal is deleted. A file that
  holds anything else was changed since, by someone else: it is left as it is.

The journal is untrusted input like everything under ``.git`` (a copied repository brings it
along): only record paths under ``records/`` are touched, never through a symbolic link, and
what is restored is what git's object store holds. Imports driverparty.errors, gitrepo, tomlio.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from driverparty.errors import RepoError
from driverparty.gitrepo import Git, blob_id, write_lock
from driverparty.i18n import _
from driverparty.tomlio import Unreadable, atomic_write, linked_part, read_bytes, refuse_link

NAME = "journal.json"
ZERO = "0" * 40
_SHA = re.compile(r"[0-9a-f]{40}")
_RECORD_PATH = re.compile(r"records/[a-z]+/[A-Za-z0-9][A-Za-z0-9_-]{0,39}\.toml\Z")

#: index entry: (mode, blob) or None when the path is not in the index
Entry = tuple[str, str] | None


def path_of(git: Git) -> Path:
    return git.git_dir / "driverparty" / NAME


def pending(git: Git) -> bool:
    """A journal is there: a many-file write was killed or is running now."""
    return os.path.lexists(path_of(git))


@dataclass
class Journal:
    """What a many-file write is about to do (see the module's docstring)."""

    base: str | None
    message: str
    #: path → (blob before or None, index entry before, blob after or None)
    files: dict[str, tuple[str | None, Entry, str | None]]

    def to_json(self) -> str:
        return json.dumps(
            {
                "base": self.base,
                "message": self.message,
                "files": {
                    p: [old, list(e) if e else None, new] for p, (old, e, new) in self.files.items()
                },
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Journal:
        data = json.loads(text)
        base = data.get("base")
        if base is not None and not (isinstance(base, str) and _SHA.fullmatch(base)):
            raise ValueError("base")
        message = data.get("message")
        if not isinstance(message, str):
            raise ValueError("message")
        files: dict[str, tuple[str | None, Entry, str | None]] = {}
        for path, value in dict(data["files"]).items():
            old, entry, new = value
            if not _RECORD_PATH.match(path):
                raise ValueError(f"path {path!r}")
            for sha in (old, new):
                if sha is not None and not _SHA.fullmatch(sha):
                    raise ValueError("blob")
            if entry is not None:
                mode, blob = entry
                if mode not in ("100644", "100755") or not _SHA.fullmatch(blob):
                    raise ValueError("entry")
                entry = (mode, blob)
            files[path] = (old, entry, new)
        return cls(base, message, files)


def index_entries(git: Git, folders: Sequence[str]) -> dict[str, Entry]:
    """The index's entries (stage 0) under ``folders``: {path: (mode, blob)}."""
    out = git.run("ls-files", "-s", "-z", "--", *folders)
    entries: dict[str, Entry] = {}
    for raw in out.split(b"\0"):
        if raw:
            meta, path = raw.split(b"\t", 1)
            mode, blob, stage = meta.decode().split()
            if stage == "0":
                entries[path.decode("utf-8", "surrogateescape")] = (mode, blob)
    return entries


def begin(
    git: Git,
    base: str | None,
    message: str,
    new: dict[str, bytes | None],
    old: Mapping[str, bytes | None] | None = None,
) -> Journal:
    """Write the journal of a write that will give each path of ``new`` those bytes (None:
    delete it): the old bytes are saved in git's object store first, so a kill at any later
    moment can be undone. ``old``, when given, holds the bytes the caller has just read from
    those paths (saved in one pack, as an import of 20,000 changed records needs: issue 19).
    Call with the write lock held, before the first file is written."""
    root = git.root
    existing = [p for p in new if os.path.lexists(root / p)]
    olds: dict[str, str] = {}
    if old is not None:
        read = {p: data for p, data in old.items() if data is not None}
        git.store_blobs(read)
        olds = {p: blob_id(data) for p, data in read.items()}
        existing = [p for p in existing if p not in read]
    if existing:
        out = git.text(
            "hash-object",
            "-w",
            "--no-filters",
            "--stdin-paths",
            input="".join(f"{p}\n" for p in existing).encode(),
        )
        olds.update(zip(existing, out.split(), strict=True))
    folders = sorted({p.rsplit("/", 1)[0] + "/" for p in new})
    entries = index_entries(git, folders)
    journal = Journal(
        base,
        message,
        {
            p: (olds.get(p), entries.get(p), None if data is None else blob_id(data))
            for p, data in new.items()
        },
    )
    target = path_of(git)
    target.parent.mkdir(exist_ok=True)
    refuse_link(target)
    atomic_write(target, journal.to_json().encode("utf-8"), mode=0o600)
    return journal


def end(git: Git) -> None:
    """The write is committed: forget its journal."""
    try:
        path_of(git).unlink()
    except FileNotFoundError:
        pass


def recover(git: Git, wait: bool = True) -> str | None:
    """Settle a journal left by a write that did not finish (see the module's docstring);
    what was done, for a ``note:``, or None when there was nothing to do. With ``wait``
    False, a journal whose write lock is held (the write is running now) is left to it."""
    if not pending(git):
        return None
    from driverparty.errors import LockTimeout

    try:
        with write_lock(git.git_dir, None if wait else 0):
            return settle(git)
    except LockTimeout:
        if wait:
            raise
        return None


def settle(git: Git) -> str | None:
    """:func:`recover`, the caller holding the write lock."""
    path = path_of(git)
    if not os.path.lexists(path):
        return None
    try:
        refuse_link(path)
        journal = Journal.from_json(read_bytes(path, limit=1 << 30).decode("utf-8"))
    except (Unreadable, RepoError, ValueError, KeyError, TypeError, UnicodeDecodeError) as err:
        raise RepoError(
            _(
                "{path}: the journal of an unfinished import cannot be read ({err}); look at "
                "`driverparty status`, then delete the journal by hand"
            ).format(path=path, err=err)
        ) from None
    if finished(git, journal):
        end(git)
        return None
    undone, kept = undo(git, journal)
    end(git)
    note = _(
        "an import that did not finish was undone ({undone} files put back as they were)"
    ).format(undone=undone)
    if kept:
        note += _("; {kept} changed since were left as they are: {join}").format(
            kept=len(kept), join=", ".join(kept[:3])
        )
    return note


def finished(git: Git, journal: Journal) -> bool:
    """HEAD is the commit the journal's write made."""
    head = git.head()
    if head is None or head == journal.base:
        return False
    out = git.text("log", "-1", "--format=%P%x00%B", head)
    parents, _, body = out.partition("\0")
    return parents.split() == ([journal.base] if journal.base else []) and (
        body.strip() == journal.message.strip()
    )


def undo(git: Git, journal: Journal) -> tuple[int, list[str]]:
    """Put the work tree and the index back as the journal says they were: (files put back,
    paths left alone because they changed since)."""
    root = git.root
    undone = 0
    kept: list[str] = []
    restore: dict[str, str] = {}
    for rel, (old, _entry, new) in journal.files.items():
        if linked_part(root, rel):
            kept.append(rel)
            continue
        try:
            now: str | None = blob_id(read_bytes(root / rel))
        except FileNotFoundError:
            now = None
        except Unreadable:
            kept.append(rel)
            continue
        if now == old:
            continue
        if now != new:
            kept.append(rel)
            continue
        if old is None:
            (root / rel).unlink()
            undone += 1
        else:
            restore[rel] = old
    if restore:
        blobs = git.cat_blobs(restore.values(), limit=1 << 30)
        for rel, old in restore.items():
            data = blobs.get(old)
            if not isinstance(data, bytes):
                kept.append(rel)
                continue
            atomic_write(root / rel, data)
            undone += 1
    folders = sorted({p.rsplit("/", 1)[0] + "/" for p in journal.files})
    _remove_temporary_files(root, folders, journal.files)
    now_entries = index_entries(git, folders)
    info = b""
    for rel, (_old, entry, _new) in journal.files.items():
        if now_entries.get(rel) != entry:
            mode, blob = entry or ("0", ZERO)
            info += f"{mode} {blob}\t{rel}".encode() + b"\0"
    if info:
        git.update_index(info)
    return undone, sorted(kept)


def _remove_temporary_files(root: Path, folders: Sequence[str], paths: Collection[str]) -> None:
    """Delete the temporary files (``.M-0568.toml.x8f2.tmp``) a kill left beside the
    journal's files mid-write (``tomlio.atomic_write`` names them so)."""
    for folder in folders:
        if linked_part(root, folder.rstrip("/")):
            continue
        try:
            names = os.listdir(root / folder)
        except OSError:
            continue
        for name in names:
            if name.startswith(".") and name.endswith(".tmp"):
                target = name[1:].rsplit(".", 2)[0]  # .M-0568.toml.x8f2.tmp → M-0568.toml
                if folder + target in paths:
                    try:
                        (root / folder / name).unlink()
                    except OSError:
                        pass
