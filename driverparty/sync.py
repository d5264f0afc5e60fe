"""``sync``: fetch, renumber, merge, validate, push (issue 7).

The work tree, the index and HEAD are not touched until the merged result is known good: the
renumbering commit and the merge commit are built with git plumbing (a private index file,
``hash-object``, ``write-tree``, ``commit-tree``), validated in memory, pushed, and only then
is the local branch fast-forwarded to them. So a conflict, an invalid result or a failed push
leaves the repository exactly as it was (only remote-tracking refs and unreachable objects
are new).

Imports driverparty.errors, schema, tomlio, checks, gitrepo, store, merge; git runs only
through ``gitrepo.Git`` (trees, blobs and commits built through a private index there).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from driverparty.checks import Record, Records, check_all, problem_order, renamed_references
from driverparty.errors import DataError, GitFailed, Problem, RepoError, UsageError
from driverparty.gitrepo import (
    LOCAL_RECEIVE_PACK,
    LOCAL_UPLOAD_PACK,
    NETWORK_TIMEOUT,
    Entry,
    Git,
    NetworkFailed,
    Tree,
    is_local_url,
    message,
    url_secrets,
)
from driverparty.i18n import _
from driverparty.merge import finish_record, merge_records
from driverparty.schema import ID_RE, KINDS, id_sort_key, kind_and_id
from driverparty.store import Change, Store, commit_message, id_pattern, record_bytes
from driverparty.tomlio import Unreadable, loads


@dataclass
class SyncResult:
    """What ``sync`` did: ``action`` is one of ``up-to-date``, ``pushed``, ``first-push``,
    ``fast-forward``, ``merged``."""

    remote: str
    branch: str
    action: str
    renumbered: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, old, new)
    merged_records: list[str] = field(default_factory=list)  # merged field by field

    @property
    def message(self) -> str:
        where = f"{self.remote}/{self.branch}"
        return {
            "up-to-date": _("already up to date with {where}").format(where=where),
            "pushed": _("pushed {branch} to {remote}").format(
                branch=self.branch, remote=self.remote
            ),
            "first-push": _("pushed {branch} to {remote} (first push)").format(
                branch=self.branch, remote=self.remote
            ),
            "fast-forward": _("fast-forwarded to {where}").format(where=where),
            "merged": _("merged {where} and pushed").format(where=where),
        }[self.action]


class SyncRefused(DataError):
    """Conflicts or an invalid merged result: every line is one record (and field)."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("; ".join(lines))
        self._lines = lines

    def lines(self) -> list[str]:
        return self._lines


# --- git plumbing --------------------------------------------------------------------------------


def pick_remote(git: Git, given: str | None) -> str:
    remotes = git.text("remote").split()
    if given:
        if given not in remotes:
            raise RepoError(
                _("no remote named {given} (add it: git remote add {given} PATH)").format(
                    given=given
                )
            )
        return given
    if not remotes:
        raise RepoError(
            _(
                "no remote to sync with; add one: git remote add origin PATH "
                "(a bare repository on a USB drive or a server)"
            )
        )
    if "origin" in remotes:
        return "origin"
    if len(remotes) == 1:
        return remotes[0]
    raise UsageError(
        _("several remotes ({remotes}) and no origin: say --remote NAME").format(
            remotes=", ".join(remotes)
        )
    )


def current_branch(git: Git) -> str:
    out = git.run("symbolic-ref", "-q", "--short", "HEAD", check=False).decode().strip()
    if not out:
        raise RepoError(_("HEAD is detached: check out a branch before sync"))
    return out


def _rev(git: Git, name: str) -> str | None:
    out = git.run("rev-parse", "-q", "--verify", f"{name}^{{commit}}", check=False)
    return out.decode().strip() or None


def build_commit(
    git: Git, start: str, changes: dict[str, Entry | None], parents: list[str], text: str
) -> tuple[str, Tree]:
    """A commit of ``start``'s tree with ``changes`` applied, and its tree (``gitrepo``
    builds it through a private index: the repository's own stays as it is)."""
    sha = git.commit_tree(start, changes, parents, text)
    return sha, git.ls_tree(sha)


# --- the merge ---------------------------------------------------------------------------------


class Merger:
    """Renumber ours' records that clash with theirs, then merge theirs in, all as commit
    objects not yet on any branch."""

    def __init__(self, store: Store, head: str, theirs: str, base: str, label: str) -> None:
        self.store = store
        self.git = store.git
        self.head = head
        self.theirs = theirs
        self.base = base
        self.label = label
        self.blobs = store.blobs()
        self.ours_records, self.ours_problems = store.load()
        self.head_tree = self.git.ls_tree(head)
        self.renumbered: list[tuple[str, str, str]] = []
        self.merged_records: list[str] = []
        self._used_by_theirs: set[str] = set()

    # ids ------------------------------------------------------------------------------------

    def clashes(self, base_t: Tree, ours_t: Tree, theirs_t: Tree) -> list[tuple[str, str]]:
        """Records ours added whose id theirs used too since the common ancestor, for a
        different record (both added ``M-0061``; or theirs added and removed it again)."""
        used = set(self.git.paths_in_history("A", f"{self.base}..{self.theirs}", "records"))
        self._used_by_theirs = used
        found = []
        for path, entry in ours_t.items():
            kk = kind_and_id(path)
            if kk and path not in base_t and path in used and theirs_t.get(path) != entry:
                found.append(kk)
        return sorted(found, key=lambda k: (list(KINDS).index(k[0]), id_sort_key(k[1])))

    def high_water(self, kind: str, trees: list[Tree]) -> int:
        pattern = id_pattern(kind)
        highest = self.store.high_water(kind)
        folder = KINDS[kind].folder + "/"
        for paths in [*trees, self._used_by_theirs]:
            for path in paths:
                if path.startswith(folder) and path.endswith(".toml"):
                    m = pattern.match(Path(path).stem)
                    if m:
                        highest = max(highest, int(m.group(1)))
        return highest

    def renumber(self, base_t: Tree, theirs_t: Tree) -> tuple[str, Tree]:
        """The renumbering commit (or HEAD when nothing clashes): each clashing record of ours
        gets the next free id across both sides, and every reference to it follows."""
        clashes = self.clashes(base_t, self.head_tree, theirs_t)
        if not clashes:
            return self.head, self.head_tree
        records = self.ours_records
        unreadable = [
            _("{path}: added on both sides and unreadable here; fix it first").format(
                path=KINDS[k].path(r)
            )
            for k, r in clashes
            if r not in records.by_kind[k]
        ]
        if unreadable:
            raise SyncRefused(unreadable)
        renames: dict[tuple[str, str], str] = {}
        next_no: dict[str, int] = {}
        for kind, old in clashes:
            if kind not in next_no:
                next_no[kind] = self.high_water(kind, [self.head_tree, theirs_t]) + 1
            renames[(kind, old)] = f"{KINDS[kind].prefix}-{next_no[kind]:04d}"
            next_no[kind] += 1
            self.renumbered.append((kind, old, renames[(kind, old)]))
        new: dict[tuple[str, str], Record] = {}
        for kind, old in clashes:
            new[(kind, renames[(kind, old)])] = {
                **records.by_kind[kind][old],
                "id": renames[(kind, old)],
            }
        # every reference to a renumbered record follows it, a list of ids item by item: the
        # models say which fields name which kind (Ref), so a new reference needs no change here
        for kind in KINDS:
            for rid, rec in records.by_kind[kind].items():
                key = (kind, renames.get((kind, rid), rid))
                current = new.get(key, rec)
                changed = renamed_references(kind, current, renames)
                if changed:
                    new[key] = {**current, **changed}
        changes: dict[str, Entry | None] = {}
        recorded: list[Change] = []
        for kind, old in clashes:
            changes[KINDS[kind].path(old)] = None
            recorded.append((kind, old, None))
        for (kind, rid), rec in new.items():
            changes[KINDS[kind].path(rid)] = ("100644", self.blobs.write(record_bytes(kind, rec)))
            recorded.append((kind, rid, rec))
        if len(clashes) == 1:
            kind, old = clashes[0]
            subject = f"{kind} renumber {old} → {renames[clashes[0]]}"
        else:
            subject = f"sync renumber {len(clashes)} records"
        extra = [
            f"Driverparty-Renumbered: {KINDS[k].plural}/{o} {KINDS[k].plural}/{renames[(k, o)]}"
            for k, o in clashes
        ]
        text = commit_message(recorded, "renumber", subject, extra)
        return build_commit(self.git, self.head, changes, [self.head], text)

    # fields -----------------------------------------------------------------------------------

    def merge(self) -> str:
        """The merge commit of theirs into ours (renumbered first); raises SyncRefused on a
        conflict or when the result adds a validation problem."""
        base_t, theirs_t = self.git.ls_tree(self.base), self.git.ls_tree(self.theirs)
        ours_sha, ours_t = self.renumber(base_t, theirs_t)
        changes: dict[str, Entry | None] = {}
        conflicts: list[str] = []
        both: list[tuple[str, Entry | None, Entry | None, Entry | None]] = []
        for path in sorted(set(base_t) | set(ours_t) | set(theirs_t)):
            b, o, t = base_t.get(path), ours_t.get(path), theirs_t.get(path)
            if o == t or t == b:
                continue
            if o == b:
                changes[path] = t
                continue
            both.append((path, b, o, t))
        self.blobs.load({e[1] for _path, *es in both for e in es if e is not None})
        for path, b, o, t in both:
            kk = kind_and_id(path)
            if o is None or t is None:
                conflicts.append(
                    _("conflict: {path}: removed on one side, changed on the other").format(
                        path=path
                    )
                )
                continue
            if kk is None:
                conflicts.append(_("conflict: {path}: changed on both sides").format(path=path))
                continue
            if b is None:
                conflicts.append(_("conflict: {path}: added on both sides").format(path=path))
                continue
            try:
                base, ours, theirs = (loads(self.blobs.data(e[1])) for e in (b, o, t))
            except Unreadable:
                conflicts.append(
                    _("conflict: {path}: unreadable on one side, changed on both").format(path=path)
                )
                continue
            merged, fields = merge_records(base, ours, theirs, list(KINDS[kk[0]].fields))
            if fields:
                conflicts += [
                    _("conflict: {path}: {name}").format(path=path, name=name) for name in fields
                ]
                continue
            self.merged_records.append(path)
            if merged == theirs:
                changes[path] = t
            elif merged != ours:
                data, _problems = finish_record(kk[0], merged)  # problems: found again below
                changes[path] = ("100644", self.blobs.write(data))
        if conflicts:
            raise SyncRefused(
                conflicts
                + [
                    _("sync stopped before merging {label}: nothing was changed or pushed").format(
                        label=self.label
                    )
                ]
            )
        merged_t = {**ours_t, **{p: e for p, e in changes.items() if e is not None}}
        for p, e in changes.items():
            if e is None:
                merged_t.pop(p, None)
        new = self.problems(merged_t) - self.problems(ours_t) - self.problems(theirs_t)
        if new:
            raise SyncRefused(
                [str(p) for p in sorted(new, key=problem_order)]
                + [
                    _(
                        "sync stopped: merging {label} would leave these problems; nothing was "
                        "changed or pushed"
                    ).format(label=self.label)
                ]
            )
        records = [
            f"{KINDS[kk[0]].plural}/{kk[1]}" for kk in map(kind_and_id, self.merged_records) if kk
        ]
        text = message(f"sync merge {self.label}", "sync", records)
        sha, _tree = build_commit(self.git, ours_sha, changes, [ours_sha, self.theirs], text)
        return sha

    def problems(self, tree: Tree) -> set[Problem]:
        """Every problem of the records in ``tree``: the work tree's (HEAD's) records with the
        files that differ from HEAD read from git."""
        changed = {
            p
            for p in set(tree) | set(self.head_tree)
            if tree.get(p) != self.head_tree.get(p) and kind_and_id(p)
        }
        records: Records = self.ours_records.copy()
        found = [p for p in self.ours_problems if p.file not in changed]
        self.blobs.load({tree[p][1] for p in changed if p in tree})
        for path in changed:
            kk = kind_and_id(path)
            assert kk is not None
            kind, rid = kk
            records.by_kind[kind].pop(rid, None)
            records.broken[kind].discard(rid)
            if path not in tree:
                continue
            try:
                data = self.blobs.data(tree[path][1])
            except Unreadable as err:
                found.append(Problem(path, rid, None, str(err)))
                records.broken[kind].add(rid)
                continue
            record, errors = self.store.parse(path, data)
            if record is None:
                found += errors
                records.broken[kind].add(rid)
            else:
                records.by_kind[kind][rid] = record
        return set(found + check_all(records))


# --- sync ---------------------------------------------------------------------------------------

#: how many times a push the remote refused because it moved on is fetched, merged and retried
PUSH_ATTEMPTS = 3


class Link:
    """The remote ``sync`` talks to: its fetch and push URLs, what the transport needs (on a
    local path the remote's programs must not run as the clerk, issue 16.10), the passwords
    its URLs hold (never shown) and how long a silent transfer may wait."""

    def __init__(self, git: Git, name: str, timeout: float) -> None:
        self.git = git
        self.name = name
        self.timeout = timeout
        self.fetch_url = git.text("remote", "get-url", name, check=False).strip()
        self.push_url = git.text("remote", "get-url", "--push", name, check=False).strip()
        self.secrets = url_secrets(self.fetch_url) + url_secrets(self.push_url)

    def fetch(self) -> None:
        local = ["--upload-pack", LOCAL_UPLOAD_PACK] if is_local_url(self.fetch_url) else []
        try:
            self.git.network(
                "fetch",
                "--progress",
                "--prune",
                "--no-tags",
                "--no-write-fetch-head",
                *local,
                self.name,
                f"+refs/heads/*:refs/remotes/{self.name}/*",
                timeout=self.timeout,
                secrets=self.secrets,
            )
        except GitFailed as err:
            raise RepoError(
                _("cannot fetch from remote {name}: {err}; nothing was changed").format(
                    name=self.name, err=_detail(err)
                )
            ) from None

    def push(self, sha: str, upstream: str) -> bool:
        """Push ``sha`` to the remote's branch ``upstream``: True when done, False when the
        remote refused because it has commits we have not fetched (it moved on)."""
        local = ["--receive-pack", LOCAL_RECEIVE_PACK] if is_local_url(self.push_url) else []
        try:
            self.git.network(
                "push",
                "--porcelain",
                "--progress",
                *local,
                self.name,
                f"{sha}:refs/heads/{upstream}",
                timeout=self.timeout,
                secrets=self.secrets,
            )
        except NetworkFailed as err:
            refused = [line for line in err.stdout.splitlines() if line.startswith("!\t")]
            if refused and all(_moved_on(line) for line in refused):
                return False
            reason = refused[0].split("\t")[-1] if refused and not err.timed_out else _detail(err)
            raise RepoError(
                _("cannot push to remote {name}: {reason}; nothing was changed here").format(
                    name=self.name, reason=reason
                )
            ) from None
        except GitFailed as err:
            raise RepoError(
                _("cannot push to remote {name}: {err}").format(name=self.name, err=_detail(err))
            ) from None
        return True


def _moved_on(porcelain: str) -> bool:
    """A ``git push --porcelain`` line refusing a push that would lose the remote's commits."""
    summary = porcelain.split("\t")[-1]
    return summary.startswith("[rejected]") and ("fetch first" in summary or "non-fast" in summary)


def password_warning(store: Store, remote: str | None) -> str | None:
    """A warning when the remote's URL holds a password (it is stored in clear in
    ``.git/config``); the password itself is never shown."""
    git = store.git
    try:
        name = pick_remote(git, remote)
    except (RepoError, UsageError):
        return None
    link = Link(git, name, 0)
    if not link.secrets:
        return None
    return _(
        "the URL of remote {name} holds a password, kept in clear in .git/config: remove it "
        "(git remote set-url {name} URL-without-it) and use a credential helper (README, "
        '"Sharing with the city")'
    ).format(name=name)


def sync(store: Store, remote: str | None = None, timeout: float = NETWORK_TIMEOUT) -> SyncResult:
    """Fetch ``remote`` (default ``origin`` or the only one), merge its copy of the current
    branch, validate, push, and fast-forward the local branch. Raises SyncRefused (exit 1) on
    a conflict or an invalid result, RepoError (exit 3) when the remote or the history cannot
    be used; in every failure the work tree, index and HEAD are as they were.

    Every fetch and push gives up after ``timeout`` seconds without an answer. A push the
    remote refuses because it moved on meanwhile (a colleague pushed between our fetch and
    our push) is fetched, merged and pushed again, up to ``PUSH_ATTEMPTS`` times."""
    git = store.git
    name = pick_remote(git, remote)
    branch = current_branch(git)
    link = Link(git, name, timeout)
    with store.locked():
        git.finish_fast_forward()  # a sync killed while it updated the files (issue 16.5)
        head = git.head()
        if head is None:
            raise RepoError(_("the repository has no commits yet"))
        if _rev(git, "MERGE_HEAD"):
            raise RepoError(_("a git merge is in progress: finish or abort it before sync"))
        dirty = [
            path
            for code, path in git.status("records", "driverparty.toml")
            if not Path(path).name.startswith(".") or code != "??"
        ]
        if dirty:
            raise DataError(
                _(
                    "uncommitted changes under records/ ({dirty} file{value}, e.g. {dirty2}): "
                    "commit them (driverparty commit) or undo them before sync"
                ).format(dirty=len(dirty), value="s" if len(dirty) != 1 else "", dirty2=dirty[0])
            )
        upstream = _upstream(git, branch, name)
        for _attempt in range(PUSH_ATTEMPTS):
            result = _sync_once(store, link, head, branch, upstream)
            if result is not None:
                return result
        raise RepoError(
            _(
                "cannot push to remote {name}: it moved on again each of the {PUSH_ATTEMPTS} "
                "times sync fetched, merged and pushed (others are pushing right now); nothing "
                "was changed here: run sync again in a minute"
            ).format(name=name, PUSH_ATTEMPTS=PUSH_ATTEMPTS)
        )


def _sync_once(
    store: Store, link: Link, head: str, branch: str, upstream: str
) -> SyncResult | None:
    """One fetch, merge and push; None when the push was refused because the remote moved
    on meanwhile (nothing local has moved: the caller tries again)."""
    git, name = store.git, link.name
    link.fetch()
    tracking = f"refs/remotes/{name}/{upstream}"
    theirs = _rev(git, tracking)
    result = SyncResult(name, upstream, "up-to-date")
    if theirs is None:
        if not link.push(head, upstream):
            return None
        _remember_upstream(git, name, branch, upstream)
        result.action = "first-push"
        return result
    if theirs == head:
        return result
    base = git.merge_base(head, theirs)
    if not base:
        raise RepoError(
            _(
                "{name}/{upstream} shares no history with {branch}: these are two different "
                "repositories and cannot be merged"
            ).format(name=name, upstream=upstream, branch=branch)
        )
    if base == theirs:
        if not link.push(head, upstream):
            return None
        result.action = "pushed"
        return result
    refuse_strange_records(git, theirs, head, f"{name}/{upstream}")
    if base == head:
        _check_local_update(git, head, theirs)
        _update_local(git, branch, head, theirs)
        result.action = "fast-forward"
        return result
    merger = Merger(store, head, theirs, base, f"{name}/{upstream}")
    new_head = merger.merge()
    _check_local_update(git, head, new_head)
    if not link.push(new_head, upstream):
        return None
    _update_local(git, branch, head, new_head)
    result.renumbered = merger.renumbered
    result.merged_records = merger.merged_records
    result.action = "merged"
    return result


def _upstream(git: Git, branch: str, remote: str) -> str:
    """The remote branch this branch tracks on ``remote`` (its own name by default)."""
    configured = git.text("config", "--get", f"branch.{branch}.remote", check=False).strip()
    merge = git.text("config", "--get", f"branch.{branch}.merge", check=False).strip()
    if configured == remote and merge.startswith("refs/heads/"):
        return merge.removeprefix("refs/heads/")
    return branch


def _detail(err: GitFailed) -> str:
    text = str(err)
    for prefix in ("git fetch failed: ", "git push failed: ", "fatal: ", "error: "):
        text = text.removeprefix(prefix)
    return text


def _remember_upstream(git: Git, remote: str, branch: str, upstream: str) -> None:
    """After the first push, so a plain ``git pull`` / ``git push`` knows where to go."""
    git.run("config", f"branch.{branch}.remote", remote, check=False)
    git.run("config", f"branch.{branch}.merge", f"refs/heads/{upstream}", check=False)


# --- what may arrive under records/ (issue 16.11) ------------------------------------------------


def refuse_strange_records(git: Git, theirs: str, head: str, label: str) -> None:
    """Refuse (exit 1, nothing changed) a commit whose ``records/`` holds anything but record
    files of known kinds: a folder named like a record, a link, a file of another name, a
    folder of no kind. Trees are listed one level at a time, so a small push that would
    check out 262,144 files is refused after reading a handful of tree entries."""
    found = _strange_records(git, theirs)
    if found:
        here = set(_strange_records(git, head))
        found = [line for line in found if line not in here]  # already here: not new
    if found:
        shown = found[:20] + (
            [_("… and {value} more").format(value=len(found) - 20)] if len(found) > 20 else []
        )
        raise SyncRefused(
            shown
            + [
                _(
                    "sync stopped: {label} holds files under records/ that are not record files; "
                    "nothing was changed or pushed"
                ).format(label=label)
            ]
        )


def _folder_entries(git: Git, rev: str, folder: str) -> list[tuple[str, str, str]]:
    """The entries of one folder of a commit, not recursing: [(mode, type and id, name)]."""
    out = git.run("ls-tree", "-z", "--full-tree", rev, "--", folder + "/", check=False)
    entries = []
    for entry in out.split(b"\0"):
        if entry:
            meta, path = entry.split(b"\t", 1)
            mode, kind, sha = meta.decode().split()
            name = path.decode("utf-8", "surrogateescape").rsplit("/", 1)[-1]
            entries.append((mode, f"{kind} {sha}", name))
    return entries


def _strange_records(git: Git, rev: str) -> list[str]:
    """What is wrong under ``records/`` in ``rev``, one line per entry (with its object id,
    so an entry already present locally is recognised)."""
    plurals = {spec.plural for spec in KINDS.values()}
    found = []
    for mode, obj, name in _folder_entries(git, rev, "records"):
        path = f"records/{name}"
        if name.startswith(".") and mode in ("100644", "100755"):
            continue
        if name not in plurals or mode != "040000":
            found.append(
                _("{path}: not a folder of a record kind ({split})").format(
                    path=path, split=obj.split()[1][:12]
                )
            )
            continue
        for mode2, obj2, name2 in _folder_entries(git, rev, path):
            sub, short = f"{path}/{name2}", obj2.split()[1][:12]
            if mode2 not in ("100644", "100755"):
                what = {"040000": _("a folder"), "120000": _("a symbolic link")}.get(
                    mode2, _("not a file")
                )
                found.append(
                    _("{sub}: {what} where only record files belong ({short})").format(
                        sub=sub, what=what, short=short
                    )
                )
            elif not name2.startswith(".") and (
                not name2.endswith(".toml") or not ID_RE.fullmatch(name2[:-5])
            ):
                found.append(_("{sub}: not a record file ({short})").format(sub=sub, short=short))
    return found


# --- the last step: the local branch and files, recoverable (issue 16.5) -------------------------


def _check_local_update(git: Git, head: str, new: str) -> None:
    """Would moving the work tree from ``head`` to ``new`` overwrite anything (an untracked
    file in the way)? Checked before the push, so a refusal changes nothing anywhere."""
    try:
        git.run("read-tree", "-n", "-m", "-u", head, new)
    except GitFailed as err:
        raise RepoError(_("cannot update the work tree: {err}").format(err=_detail(err))) from None


def _update_local(git: Git, branch: str, head: str, new: str) -> None:
    """Move the files, the index and ``branch`` from ``head`` to ``new``: journalled, so that
    a kill half-way is finished by the next command (``Git.fast_forward``, issue 16.5)."""
    try:
        git.fast_forward(branch, head, new)
    except GitFailed as err:
        raise RepoError(_("cannot update the work tree: {err}").format(err=_detail(err))) from None
