"""The audit trail, read from git: ``log``, a record's ``history`` and a semantic ``diff``
(SPEC section 4 "History", issue 5).

git is read in streams, never a process per commit: one ``git log`` with the paths needed,
and every blob the answer needs fetched through one ``git cat-file --batch``. Record files are
parsed with tomllib and compared field by field, so a diff shows changed fields, not lines.
Imports driverparty.errors, models, tomlio, gitrepo.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from driverparty.errors import DataError, GitFailed, Problem, UsageError
from driverparty.gitrepo import Git, git_binary
from driverparty.models import KINDS
from driverparty.tomlio import MAX_FILE_BYTES, Unreadable, loads

Row = dict[str, Any]
NULL_SHA = "0" * 40
SEP = "\x1e"
FS = "\x1f"
ACTION_TRAILER = "%(trailers:key=Driverparty-Action,valueonly,separator=%x2C)"
FORMAT = f"{SEP}%H{FS}%h{FS}%aI{FS}%an{FS}%ae{FS}%s{FS}{ACTION_TRAILER}{FS}"
PATH_RE = re.compile(r"^records/([a-z]+)/([A-Za-z0-9][A-Za-z0-9_-]{0,39})\.toml$")
GIT_ACTIONS = {"A": "add", "M": "update", "D": "remove", "T": "update"}
FOLDER_KIND = {spec.plural: name for name, spec in KINDS.items()}


@dataclass
class Commit:
    sha: str
    short: str
    when: str
    author: str
    email: str
    subject: str
    action: str | None
    files: list[tuple[str, str, str, str]] = field(default_factory=list)  # old, new, status, path

    @property
    def day(self) -> str:
        return self.when[:10]


def kind_and_id(path: str) -> tuple[str, str] | None:
    m = PATH_RE.match(path)
    if not m or m.group(1) not in FOLDER_KIND:
        return None
    return FOLDER_KIND[m.group(1)], m.group(2)


def _stream(git: Git, args: list[str]) -> Iterator[Commit]:
    """Commits of ``git log <args>`` with their raw file changes, parsed as they arrive."""
    cmd = [
        git_binary(),
        "-c",
        "core.quotePath=false",
        "log",
        f"--format={FORMAT}",
        "--raw",
        "--no-abbrev",
        "--no-renames",
        "--no-color",
        *args,
    ]
    proc = subprocess.Popen(
        cmd,
        cwd=git.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={"LC_ALL": "C", **_env()},
    )
    assert proc.stdout is not None
    current: Commit | None = None
    read_all = False  # False when the caller stopped early (log --limit): git is then stopped
    try:
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if line.startswith(SEP):
                if current is not None:
                    yield current
                parts = line[1:].split(FS)
                action = parts[6].split(",")[0].strip() or None
                # %h would be unabbreviated under --no-abbrev: shorten the full id ourselves
                current = Commit(
                    parts[0], parts[0][:7], parts[2], parts[3], parts[4], parts[5], action
                )
            elif line.startswith(":") and current is not None:
                meta, path = line.split("\t", 1)
                bits = meta.split()
                current.files.append((bits[2], bits[3], bits[4][0], path))
        read_all = True
        if current is not None:
            yield current
    finally:
        proc.stdout.close()
        if not read_all and proc.poll() is None:
            proc.kill()
        proc.wait()
        err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
        if proc.stderr:
            proc.stderr.close()
        # Once we stopped reading, git's exit status says nothing: killed it is -9 here and 1
        # on Windows, and a git that met the closed pipe first exits as it likes (issue 18).
        if read_all and proc.returncode != 0 and "does not have any commits" not in err:
            first = (err.strip().splitlines() or [f"exit {proc.returncode}"])[0]
            raise GitFailed(f"git log failed: {first}")


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


class Blobs:
    """Blob contents through one ``git cat-file --batch`` process, parsed once each."""

    def __init__(self, git: Git) -> None:
        self.git = git
        self.parsed: dict[str, dict[str, Any] | str] = {}

    def load(self, shas: Iterable[str]) -> None:
        wanted = {s for s in shas if s != NULL_SHA and s not in self.parsed}
        for sha, data in self.git.cat_blobs(wanted, MAX_FILE_BYTES).items():
            if isinstance(data, str):  # too large, or missing: said, not parsed
                self.parsed[sha] = data
                continue
            try:
                self.parsed[sha] = loads(data)
            except Unreadable as err:
                self.parsed[sha] = str(err)

    def get(self, sha: str) -> dict[str, Any] | str | None:
        if sha == NULL_SHA:
            return None
        self.load([sha])
        return self.parsed[sha]


def field_changes(
    kind: str, old: dict[str, Any] | str | None, new: dict[str, Any] | str | None
) -> list[Row]:
    """``[{field, old, new}]`` between two parsed versions of a record (None: absent; a string:
    an unreadable file, shown as the field ``(file)``)."""
    if isinstance(old, str) or isinstance(new, str):
        return [
            {
                "field": "(file)",
                "old": f"unreadable: {old}" if isinstance(old, str) else None,
                "new": f"unreadable: {new}" if isinstance(new, str) else None,
            }
        ]
    before, after = old or {}, new or {}
    order = list(KINDS[kind].fields)
    names = order + sorted((set(before) | set(after)) - set(order))
    return [
        {"field": n, "old": before.get(n), "new": after.get(n)}
        for n in names
        if before.get(n) != after.get(n)
    ]


# --- log ---------------------------------------------------------------------------------------


def log(
    git: Git,
    since: date | None = None,
    until: date | None = None,
    author: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
) -> list[Row]:
    """One row per record changed per commit, newest first."""
    if git.head() is None:
        return []
    paths = [KINDS[kind].folder + "/"] if kind else ["records/"]
    rows: list[Row] = []
    needle = author.lower() if author else None
    for commit in _stream(git, ["HEAD", "--", *paths]):
        if until and commit.day > until.isoformat():
            continue
        if since and commit.day < since.isoformat():
            continue
        if needle and needle not in commit.author.lower() and needle not in commit.email.lower():
            continue
        for _old, _new, status, path in commit.files:
            found = kind_and_id(path)
            if found is None or (kind and found[0] != kind):
                continue
            rows.append(
                {
                    "commit": commit.short,
                    "date": commit.day,
                    "author": commit.author,
                    "action": commit.action or GIT_ACTIONS.get(status, "update"),
                    "kind": found[0],
                    "id": found[1],
                    "subject": commit.subject,
                }
            )
            if limit is not None and len(rows) >= limit:
                return rows
    return rows


# --- history of one record ---------------------------------------------------------------------


def history(git: Git, kind: str, record_id: str) -> list[Row]:
    """Every commit that touched the record, oldest first, with field-level changes. Follows
    the record across removal and re-adding, and back through a rename (a commit that removed
    another record file of the kind whose content, id aside, this one took over)."""
    if git.head() is None:
        raise DataError("no history: the repository has no commits yet")
    path = KINDS[kind].path(record_id)
    commits = list(_stream(git, ["HEAD", "--", path]))
    if not commits:
        raise DataError(f"{kind} {record_id}: no such record in the history")
    blobs = Blobs(git)
    blobs.load(s for c in commits for f in c.files for s in f[:2])
    rows: list[Row] = []
    earliest = commits[-1]
    first = next(f for f in earliest.files if f[3] == path)
    if first[2] == "A":
        rows += _renamed_from(git, blobs, kind, record_id, earliest, first[1])
    for commit in reversed(commits):
        for old, new, status, fpath in commit.files:
            if fpath != path:
                continue
            action = commit.action or GIT_ACTIONS.get(status, "update")
            if rows and rows[-1].get("_renamed") == commit.sha:
                rows[-1].pop("_renamed")
                continue
            rows.append(
                {
                    "commit": commit.short,
                    "date": commit.day,
                    "author": commit.author,
                    "action": action,
                    "changes": field_changes(kind, blobs.get(old), blobs.get(new)),
                }
            )
    for row in rows:
        row.pop("_renamed", None)
    return rows


def _renamed_from(
    git: Git, blobs: Blobs, kind: str, record_id: str, commit: Commit, new_blob: str
) -> list[Row]:
    """The earlier life of a record whose file arrived by a rename in ``commit``."""
    folder = KINDS[kind].folder + "/"
    out = git.text(
        "show", "--raw", "--no-abbrev", "--no-renames", "--format=", commit.sha, "--", folder
    )
    gone = []
    for line in out.splitlines():
        if line.startswith(":") and "\t" in line:
            meta, fpath = line.split("\t", 1)
            bits = meta.split()
            if bits[4].startswith("D"):
                gone.append((bits[2], fpath))
    if not gone:
        return []
    blobs.load(s for s, _ in gone)
    now = blobs.get(new_blob)
    if not isinstance(now, dict):
        return []
    for sha, fpath in gone:
        was = blobs.get(sha)
        if isinstance(was, dict) and {k: v for k, v in was.items() if k != "id"} == {
            k: v for k, v in now.items() if k != "id"
        }:
            found = kind_and_id(fpath)
            if found is None:
                continue
            earlier = [r for r in history(git, kind, found[1]) if r["commit"] != commit.short]
            earlier.append(
                {
                    "commit": commit.short,
                    "date": commit.day,
                    "author": commit.author,
                    "action": commit.action or "rename",
                    "_renamed": commit.sha,
                    "changes": [{"field": "id", "old": found[1], "new": record_id}],
                }
            )
            return earlier
    return []


# --- semantic diff -----------------------------------------------------------------------------


def _tree(git: Git, rev: str) -> dict[str, str]:
    try:
        out = git.text("ls-tree", "-r", "--full-tree", rev, "--", "records/")
    except GitFailed:
        raise UsageError(f"unknown revision {rev!r}") from None
    result = {}
    for line in out.splitlines():
        meta, path = line.split("\t", 1)
        result[path] = meta.split()[2]
    return result


def diff(
    git: Git, root: Path, rev_a: str | None = None, rev_b: str | None = None
) -> tuple[list[Row], list[Problem]]:
    """Records added, removed and changed between two revisions, or between a revision (HEAD
    by default) and the work tree. Unreadable work-tree files are problems."""
    from driverparty.cache import blob_id
    from driverparty.tomlio import read_bytes

    blobs = Blobs(git)
    problems: list[Problem] = []
    worktree: dict[str, Any] = {}
    if rev_a is not None:
        old_tree, new_tree = _tree(git, rev_a), _tree(git, rev_b or "HEAD")
    else:
        old_tree = _tree(git, "HEAD") if git.head() else {}
        index = git.ls_files("records")
        dirty = {p for code, p in git.status("records") if code[1] != " "}
        new_tree = {}
        for path in set(index) | dirty:
            if kind_and_id(path) is None and not path.endswith(".toml"):
                continue
            if path in dirty:
                try:
                    data = read_bytes(root / path, root=root)
                except FileNotFoundError:
                    continue
                except Unreadable as err:
                    problems.append(Problem(path, Path(path).stem, None, str(err)))
                    continue
                sha = blob_id(data)
                try:
                    worktree[sha] = loads(data)
                except Unreadable as err:
                    problems.append(Problem(path, Path(path).stem, None, str(err)))
                    continue
                new_tree[path] = sha
            else:
                new_tree[path] = index[path]
    blobs.parsed.update(worktree)
    changed = sorted(
        p
        for p in set(old_tree) | set(new_tree)
        if old_tree.get(p) != new_tree.get(p) and kind_and_id(p)
    )
    blobs.load(s for p in changed for s in (old_tree.get(p), new_tree.get(p)) if s)
    rows: list[Row] = []
    for path in changed:
        found = kind_and_id(path)
        assert found is not None
        kind, rid = found
        old = blobs.get(old_tree[path]) if path in old_tree else None
        new = blobs.get(new_tree[path]) if path in new_tree else None
        change = "added" if old is None else "removed" if new is None else "changed"
        fields = field_changes(kind, old, new)
        if change == "changed" and not fields:
            continue  # only the layout changed: no field did
        rows.append({"kind": kind, "id": rid, "change": change, "fields": fields})
    from driverparty.schema import id_sort_key

    rows.sort(key=lambda r: (list(KINDS).index(r["kind"]), id_sort_key(r["id"])))
    return rows, problems
