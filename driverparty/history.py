"""The audit trail, read from git: ``log``, a record's ``history`` and a semantic ``diff``
(SPEC section 4 "History", issue 5).

git is read in streams, never a process per commit: one ``git log`` with the paths needed,
and every blob the answer needs fetched through one ``git cat-file --batch``. Record files are
parsed with tomllib and compared field by field, so a diff shows changed fields, not lines.
Imports driverparty.errors, schema, tomlio, gitrepo (its ``Commit``) and store (``Blobs``):
every git process is started by ``gitrepo``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from driverparty.errors import DataError, GitFailed, Problem, UsageError
from driverparty.gitrepo import Commit
from driverparty.i18n import _
from driverparty.schema import KINDS, id_sort_key, kind_and_id
from driverparty.store import Blobs, Store
from driverparty.tomlio import Unreadable, read_bytes

Row = dict[str, Any]
GIT_ACTIONS = {"A": "add", "M": "update", "D": "remove", "T": "update"}
#: the actions a commit's trailer may claim for what git saw happen to a file (issue 16.16)
CLAIMS = {
    "add": {"add", "import", "sync"},
    "remove": {"remove", "sync"},
}


def action_of(claimed: str | None, status: str) -> str:
    """The action a row shows: the commit's ``Driverparty-Action`` trailer when it agrees with
    what git saw happen to the file, else what git saw (``add``, ``update``, ``remove``). A
    hand commit can write any trailer: one saying ``promote`` over a deleted file is not
    believed (issue 16.16)."""
    seen = GIT_ACTIONS.get(status, "update")
    if claimed is None:
        return seen
    if seen in CLAIMS:
        return claimed if claimed in CLAIMS[seen] else seen
    return seen if claimed in CLAIMS else claimed


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
    store: Store,
    since: date | None = None,
    until: date | None = None,
    author: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
) -> list[Row]:
    """One row per record changed per commit, newest first."""
    git = store.git
    if git.head() is None:
        return []
    paths = [KINDS[kind].folder + "/"] if kind else ["records/"]
    rows: list[Row] = []
    needle = author.lower() if author else None
    for commit in git.log("HEAD", "--", *paths):
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
                    "action": action_of(commit.action, status),
                    "kind": found[0],
                    "id": found[1],
                    "subject": commit.subject,
                }
            )
            if limit is not None and len(rows) >= limit:
                return rows
    return rows


# --- history of one record ---------------------------------------------------------------------


def history(store: Store, kind: str, record_id: str) -> list[Row]:
    """Every commit that touched the record, oldest first, with field-level changes. Follows
    the record across removal and re-adding, and back through a rename (a commit that removed
    another record file of the kind whose content, id aside, this one took over)."""
    git = store.git
    if git.head() is None:
        raise DataError(_("no history: the repository has no commits yet"))
    path = KINDS[kind].path(record_id)
    commits = list(git.log("HEAD", "--", path))
    if not commits:
        raise DataError(
            _("{kind} {record_id}: no such record in the history").format(
                kind=kind, record_id=record_id
            )
        )
    blobs = store.blobs()
    blobs.load(s for c in commits for f in c.files for s in f[:2])
    rows: list[Row] = []
    earliest = commits[-1]
    first = next(f for f in earliest.files if f[3] == path)
    if first[2] == "A":
        rows += _renamed_from(store, blobs, kind, record_id, earliest, first[1])
    for commit in reversed(commits):
        for old, new, status, fpath in commit.files:
            if fpath != path:
                continue
            action = action_of(commit.action, status)
            if rows and rows[-1].get("_renamed") == commit.sha:
                rows[-1].pop("_renamed")
                continue
            rows.append(
                {
                    "commit": commit.short,
                    "date": commit.day,
                    "author": commit.author,
                    "action": action,
                    "changes": field_changes(kind, blobs.parse(old), blobs.parse(new)),
                }
            )
    for row in rows:
        row.pop("_renamed", None)
    return rows


def _renamed_from(
    store: Store, blobs: Blobs, kind: str, record_id: str, commit: Commit, new_blob: str
) -> list[Row]:
    """The earlier life of a record whose file arrived by a rename in ``commit``."""
    folder = KINDS[kind].folder + "/"
    changes = store.git.commit_files(commit.sha, folder)
    gone = [(old, path) for old, _, status, path in changes if status == "D"]
    if not gone:
        return []
    blobs.load(s for s, _ in gone)
    now = blobs.parse(new_blob)
    if not isinstance(now, dict):
        return []
    for sha, fpath in gone:
        was = blobs.parse(sha)
        if isinstance(was, dict) and {k: v for k, v in was.items() if k != "id"} == {
            k: v for k, v in now.items() if k != "id"
        }:
            found = kind_and_id(fpath)
            if found is None:
                continue
            earlier = [r for r in history(store, kind, found[1]) if r["commit"] != commit.short]
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


def _tree(store: Store, rev: str) -> dict[str, str]:
    try:
        tree = store.git.ls_tree(rev, "records/")
    except GitFailed:
        raise UsageError(_("unknown revision {rev!r}").format(rev=rev)) from None
    return {path: sha for path, (_, sha) in tree.items()}


def diff(
    store: Store, rev_a: str | None = None, rev_b: str | None = None
) -> tuple[list[Row], list[Problem]]:
    """Records added, removed and changed between two revisions, or between a revision (HEAD
    by default) and the work tree. Unreadable work-tree files are problems."""
    git, root = store.git, store.root
    blobs = store.blobs()
    problems: list[Problem] = []
    if rev_a is not None:
        old_tree, new_tree = _tree(store, rev_a), _tree(store, rev_b or "HEAD")
    else:
        old_tree = _tree(store, "HEAD") if git.head() else {}
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
                sha = blobs.add(data)
                parsed = blobs.parse(sha)
                if isinstance(parsed, str):
                    problems.append(Problem(path, Path(path).stem, None, parsed))
                    continue
                new_tree[path] = sha
            else:
                new_tree[path] = index[path]
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
        old = blobs.parse(old_tree[path]) if path in old_tree else None
        new = blobs.parse(new_tree[path]) if path in new_tree else None
        change = "added" if old is None else "removed" if new is None else "changed"
        fields = field_changes(kind, old, new)
        if change == "changed" and not fields:
            continue  # only the layout changed: no field did
        rows.append({"kind": kind, "id": rid, "change": change, "fields": fields})
    rows.sort(key=lambda r: (list(KINDS).index(r["kind"]), id_sort_key(r["id"])))
    return rows, problems
