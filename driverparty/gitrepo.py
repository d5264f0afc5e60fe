"""Everything that talks to git: the only module that runs it.

Every call runs the git binary directly (one process, ``-z`` output) — PERF-NOTES measured
GitPython's own index 6x slower at 50,000 files, and ``init`` needs no GitPython either. The
binary is the ``git`` found on PATH, never one in the current folder (:func:`git_binary`, issue
18). Every failure becomes
``GitFailed`` (exit 3). Hooks of the records repository never run for the tool's own commits
(issue 9: a repository arriving on a USB drive may carry hostile hooks).
Imports driverparty.errors and driverparty.portable only.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

try:  # CPython's own SHA-1: hashlib loads OpenSSL first, ~3 ms on every `get` and `list`
    from _sha1 import sha1
except ImportError:  # another Python: the same digest through hashlib
    from hashlib import sha1

from driverparty.errors import GitFailed, LockTimeout, NotARepository, RepoError, plain_os_error
from driverparty.i18n import N_, _
from driverparty.portable import find_program

CONFIG_FILE = "driverparty.toml"
#: the id git writes for "no file" (a side of an added or removed file in ``--raw`` output)
NULL_SHA = "0" * 40
#: a commit of at most this many paths is made by ``git commit --only`` (:meth:`Git.commit`)
FEW_PATHS = 100
#: the trailers the tool's commits carry (SPEC section 5); written only by :func:`message`
ACTION_TRAILER = "Driverparty-Action"
RECORD_TRAILER = "Driverparty-Record"
_SAFE = [
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "core.quotePath=false",
    "-c",
    "commit.gpgSign=false",
    "-c",
    "core.fsmonitor=false",
]
#: seconds a network git may go without a byte of progress before it is stopped (``--timeout``)
NETWORK_TIMEOUT = 60.0
#: ``.git/driverparty/<this>`` exists while ``sync`` moves the branch and files (issue 16.5)
PENDING_UPDATE = "sync-pending"


def find_root(explicit: str | None) -> Path:
    """The records repository: ``--repo``, else ``$DRIVERPARTY_REPO``, else walk up from here."""
    given = explicit or os.environ.get("DRIVERPARTY_REPO")
    if given:
        root = Path(given).expanduser()
        if not (root / CONFIG_FILE).is_file():
            raise NotARepository(
                _("{given}: not a records repository (no {CONFIG_FILE})").format(
                    given=given, CONFIG_FILE=CONFIG_FILE
                )
            )
        return root.resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise NotARepository(
        _(
            "not a records repository (no {CONFIG_FILE} here or above); use --repo PATH or run "
            "`driverparty init`"
        ).format(CONFIG_FILE=CONFIG_FILE)
    )


@dataclass(frozen=True)
class Author:
    name: str
    email: str

    @classmethod
    def parse(cls, text: str) -> Author:
        m = re.fullmatch(r"\s*([^<>]*?)\s*<([^<>\s]+)>\s*", text)
        if not m or not m.group(1):
            raise ValueError(_('must look like "Name <email>"'))
        return cls(m.group(1), m.group(2))

    def env(self) -> dict[str, str]:
        return {
            "GIT_AUTHOR_NAME": self.name,
            "GIT_AUTHOR_EMAIL": self.email,
            "GIT_COMMITTER_NAME": self.name,
            "GIT_COMMITTER_EMAIL": self.email,
        }


NO_GIT = N_("git is not installed (no `git` on PATH)")


def git_binary() -> str:
    """The full path of the git to run: the first ``git`` in PATH's absolute folders, never one
    in the current folder (Windows runs a ``git.exe`` found there first; issue 18)."""
    found = find_program("git", os.environ.get("PATH", os.defpath))
    if found is None:
        raise GitFailed(_(NO_GIT))
    return found


def _check(args: Sequence[str], returncode: int, stderr: bytes) -> None:
    if returncode != 0:
        msg = stderr.decode("utf-8", "replace").strip().splitlines()
        first = next(
            (line for line in msg if line.startswith(("fatal", "error"))),
            msg[0] if msg else _exit_words(returncode),
        )
        raise GitFailed(_("git {args} failed: {first}").format(args=args[0], first=first))


def message(
    subject: str, action: str, records: Iterable[str] = (), extra: Iterable[str] = ()
) -> str:
    """A commit message: the subject, then the trailers (SPEC section 5) — the action, one
    ``Driverparty-Record: <kind>s/<id>`` per record, and any ``extra`` ``Key: value`` lines.
    Every commit the tool makes is worded here; never personal data."""
    trailers = [f"{ACTION_TRAILER}: {action}"]
    trailers += [f"{RECORD_TRAILER}: {name}" for name in records]
    trailers += list(extra)
    return f"{subject}\n\n" + "\n".join(trailers) + "\n"


Entry = tuple[str, str]  # (mode, blob id) of one file in a tree
Tree = dict[str, Entry]

_SEP = "\x1e"
_FS = "\x1f"
_LOG_FORMAT = (
    f"{_SEP}%H{_FS}%h{_FS}%aI{_FS}%an{_FS}%ae{_FS}%s{_FS}"
    f"%(trailers:key={ACTION_TRAILER},valueonly,separator=%x2C){_FS}"
)


class Commit:
    """One commit of :meth:`Git.log`, with the files it changed: (old blob, new blob, status
    letter, path) each, and ``action``, its ``Driverparty-Action`` trailer if any."""

    __slots__ = ("sha", "short", "when", "author", "email", "subject", "action", "files")

    def __init__(
        self,
        sha: str,
        short: str,
        when: str,
        author: str,
        email: str,
        subject: str,
        action: str | None,
    ) -> None:
        self.sha = sha
        self.short = short
        self.when = when
        self.author = author
        self.email = email
        self.subject = subject
        self.action = action
        self.files: list[tuple[str, str, str, str]] = []

    @property
    def day(self) -> str:
        return self.when[:10]


def _raw_change(line: str) -> tuple[str, str, str, str] | None:
    """One line of ``--raw --no-abbrev`` output: (old blob, new blob, status letter, path)."""
    if not line.startswith(":") or "\t" not in line:
        return None
    meta, path = line.split("\t", 1)
    bits = meta.split()
    return bits[2], bits[3], bits[4][0], path


def _exit_words(returncode: int) -> str:
    """How a git that printed nothing ended, in words (issue 16.15: ``exit -25`` says nothing
    to a clerk whose file-size limit stopped git)."""
    import signal

    if returncode >= 0:
        return f"exit {returncode}"
    number = -returncode
    if number == getattr(signal, "SIGXFSZ", None):
        return _("stopped by the file-size limit (ulimit -f): a file could not be written")
    try:
        return _("stopped by signal {name}").format(name=signal.Signals(number).name)
    except ValueError:
        return _("stopped by signal {number}").format(number=number)


#: the command behind :meth:`Git.ls_files` and :meth:`Git.look`
LISTING = ("ls-files", "-s", "-z", "--")


def parse_listing(out: bytes) -> dict[str, str]:
    """``git ls-files -s -z`` output as {path: blob id}."""
    result = {}
    for entry in out.split(b"\0"):
        if entry:
            meta, path = entry.split(b"\t", 1)
            result[path.decode("utf-8", "surrogateescape")] = meta.split()[1].decode()
    return result


def listing_with(listing: bytes, changes: Mapping[str, str | None]) -> bytes:
    """``git ls-files -s -z`` output as it will be once ``changes`` are committed: each path
    at its new blob id (a new file as a plain ``100644`` one), None removing it. The tool's
    own writes predict the listing instead of asking git again (issue 22); a prediction that
    misses only means a full read next time, since a listing is compared, never trusted."""
    entries = {}
    for entry in listing.split(b"\0"):
        if entry:
            entries[entry.split(b"\t", 1)[1]] = entry
    for path, blob in changes.items():
        raw = path.encode("utf-8", "surrogateescape")
        if blob is None:
            entries.pop(raw, None)
        else:
            entries[raw] = b"100644 %s 0\t%s" % (blob.encode("ascii"), raw)
    return b"".join(entries[p] + b"\0" for p in sorted(entries))


class Running:
    """Git commands started by :meth:`Git.start`."""

    def __init__(
        self, commands: Sequence[Sequence[str]], procs: list[subprocess.Popen[bytes]]
    ) -> None:
        self.commands = commands
        self.procs = procs
        self.outs: list[tuple[bytes, bytes]] | None = None

    def wait(self) -> list[bytes]:
        """Their outputs, in order (the same ones each time asked); GitFailed for the first
        that failed."""
        if self.outs is None:
            self.outs = [proc.communicate() for proc in self.procs]
        outs = self.outs
        for args, proc, (_out, stderr) in zip(self.commands, self.procs, outs, strict=True):
            _check(args, proc.returncode, stderr)
        return [out for out, _ in outs]

    def stop(self) -> None:
        """Kill those still running (none, after :meth:`wait`)."""
        for proc in self.procs:
            if proc.returncode is None:
                proc.kill()
                proc.communicate()


class Git:
    """The git binary, run in one records repository."""

    def __init__(self, root: Path, author: Author | None = None) -> None:
        self.root = root
        self.author = author

    def _env(self, env: dict[str, str] | None = None) -> dict[str, str]:
        full_env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
        if self.author:
            full_env.update(self.author.env())
        if env:
            full_env.update(env)
        return full_env

    def run(
        self,
        *args: str,
        input: bytes | None = None,
        check: bool = True,
        env: dict[str, str] | None = None,
    ) -> bytes:
        try:
            proc = subprocess.Popen(
                [git_binary(), *_SAFE, *args],
                cwd=self.root,
                stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=self._env(env),
            )
        except FileNotFoundError as err:
            raise GitFailed(_(NO_GIT)) from err
        try:
            out, err_out = proc.communicate(input)
        except BaseException:
            # Interrupted (Ctrl-C, SIGTERM): ask git to stop the way it cleans up after
            # itself — it deletes its index.lock on SIGTERM, not on the SIGKILL that
            # subprocess.run would send (issue 16.2: the rollback needs the index).
            proc.terminate()
            proc.wait()
            raise
        if check:
            _check(args, proc.returncode, err_out)
        return out

    def _popen(self, *args: str) -> subprocess.Popen[bytes]:
        """One git process whose output the caller reads as it comes: the same safe options
        and environment as :meth:`run`."""
        try:
            return subprocess.Popen(
                [git_binary(), *_SAFE, *args],
                cwd=self.root,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=self._env(),
            )
        except FileNotFoundError as err:
            raise GitFailed(_(NO_GIT)) from err

    def start(self, *commands: Sequence[str]) -> Running:
        """Read-only git commands started side by side: the caller works on while they run,
        then ``wait()``s for their outputs (GitFailed for the first that failed)."""
        procs: list[subprocess.Popen[bytes]] = []
        try:
            for args in commands:
                procs.append(self._popen(*args))
        except GitFailed:
            Running(commands, procs).stop()
            raise
        return Running(commands, procs)

    def network(
        self, *args: str, timeout: float = NETWORK_TIMEOUT, secrets: Iterable[str] = ()
    ) -> str:
        """A git that talks to a remote, run here: see :func:`network`."""
        return network(self.root, *args, timeout=timeout, secrets=secrets)

    def text(self, *args: str, **kw: object) -> str:
        return self.run(*args, **kw).decode("utf-8", "replace")  # type: ignore[arg-type]

    @cached_property
    def git_dir(self) -> Path:
        """The repository's (common) git directory: ``.git`` beside the work tree, unless git
        is told otherwise or this is a linked work tree (then git says)."""
        dot = self.root / ".git"
        if not {"GIT_DIR", "GIT_COMMON_DIR"} & os.environ.keys() and dot.is_dir():
            return dot.resolve()
        out = self.text("rev-parse", "--git-common-dir").strip()
        path = Path(out)
        return path if path.is_absolute() else (self.root / path).resolve()

    def is_repo(self) -> bool:
        git_binary()  # no git at all is said as such, not as "not a repository"
        try:
            self.run("rev-parse", "--git-dir")
        except GitFailed:
            return False
        return True

    def head(self) -> str | None:
        out = self.run("rev-parse", "--verify", "-q", "HEAD", check=False).strip()
        return out.decode() or None

    def look(self, *folders: str) -> Running:
        """Start what a read of record folders needs from git, side by side (two cores: a
        listing and a stat pass of 50,000 files overlap): each folder's ``git ls-files -s``
        (see :func:`parse_listing`), then the files in them that differ from the index
        (``diff-files``); ``wait()`` gives the outputs in that order."""
        paths = [folder + "/" for folder in folders]
        return self.start(
            *((*LISTING, path) for path in paths), ("diff-files", "-z", "--name-only", "--", *paths)
        )

    def ls_files(self, *paths: str) -> dict[str, str]:
        """Tracked files (index) under ``paths``: {path: blob id}."""
        return parse_listing(self.run(*LISTING, *paths))

    def cat_blobs(self, shas: Iterable[str], limit: int) -> dict[str, bytes | str]:
        """Blob contents by id through one ``git cat-file --batch``: the bytes, or why not
        (missing, or over ``limit`` bytes — sizes are asked first, so a huge blob is never
        read into memory, issue 9)."""
        wanted = sorted(set(shas))
        result: dict[str, bytes | str] = {}
        if not wanted:
            return result
        sizes = self.run("cat-file", "--batch-check", input=("\n".join(wanted) + "\n").encode())
        for line in sizes.decode("ascii", "replace").splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[2].isdigit() and int(parts[2]) > limit:
                result[parts[0]] = _(
                    "too large ({parts} bytes; a record file is at most {value} MiB)"
                ).format(parts=parts[2], value=limit >> 20)
        wanted = [s for s in wanted if s not in result]
        if not wanted:
            return result
        out = self.run("cat-file", "--batch", input=("\n".join(wanted) + "\n").encode())
        pos = 0
        for sha in wanted:
            end = out.index(b"\n", pos)
            header = out[pos:end].split()
            pos = end + 1
            if len(header) < 3 or header[1] == b"missing":
                result[sha] = "missing from the repository"
                continue
            size = int(header[2])
            result[sha] = out[pos : pos + size]
            pos += size + 1
        return result

    def hash_object(self, data: bytes) -> str:
        """Store ``data`` as a blob in the repository: its id."""
        return self.text("hash-object", "-w", "--stdin", input=data).strip()

    def ls_tree(self, rev: str, *paths: str) -> Tree:
        """Every file of a commit's tree (under ``paths``): {path: (mode, blob id)}."""
        out = self.run("ls-tree", "-r", "-z", "--full-tree", rev, "--", *paths)
        tree: Tree = {}
        for entry in out.split(b"\0"):
            if entry:
                meta, path = entry.split(b"\t", 1)
                mode, _, sha = meta.decode().split()
                tree[path.decode("utf-8", "surrogateescape")] = (mode, sha)
        return tree

    def commit_tree(
        self, start: str, changes: Mapping[str, Entry | None], parents: Sequence[str], text: str
    ) -> str:
        """A commit of ``start``'s tree with ``changes`` applied (None removes), made through
        a private index, so the repository's own index and work tree stay as they are."""
        index = self.git_dir / "driverparty" / "plumbing-index"
        index.parent.mkdir(exist_ok=True)
        refuse_link(index)  # issue 16.3: git would write through it, then we delete it
        env = {"GIT_INDEX_FILE": str(index)}
        try:
            self.run("read-tree", start, env=env)
            info = b"".join(
                (f"0 {NULL_SHA}\t{path}" if e is None else f"{e[0]} {e[1]}\t{path}").encode()
                + b"\0"
                for path, e in changes.items()
            )
            if info:
                self.run("update-index", "-z", "--index-info", input=info, env=env)
            tree = self.text("write-tree", env=env).strip()
        finally:
            index.unlink(missing_ok=True)
        args = ["commit-tree", tree]
        for p in parents:
            args += ["-p", p]
        return self.text(*args, "-F", "-", input=text.encode()).strip()

    def merge_base(self, a: str, b: str) -> str | None:
        """The best common ancestor of two commits; None when they share no history."""
        return self.text("merge-base", a, b, check=False).strip() or None

    def is_ancestor(self, old: str, new: str) -> bool:
        """``old`` is reachable from ``new`` (and both exist)."""
        if self.run("cat-file", "-e", old, check=False) != b"":
            return False
        try:
            self.run("merge-base", "--is-ancestor", old, new)
        except GitFailed:
            return False
        return True

    def paths_in_history(self, diff_filter: str, revs: str, *paths: str) -> list[str]:
        """Files that commits in ``revs`` added (``A``) or deleted (``D``) under ``paths``."""
        out = self.text(
            "log",
            f"--diff-filter={diff_filter}",
            "--no-renames",
            "--name-only",
            "--format=",
            revs,
            "--",
            *paths,
        )
        return [line for line in out.splitlines() if line]

    def commit_files(self, sha: str, *paths: str) -> list[tuple[str, str, str, str]]:
        """What one commit changed under ``paths``: (old blob, new blob, status, path)."""
        out = self.text(
            "show", "--raw", "--no-abbrev", "--no-renames", "--format=", sha, "--", *paths
        )
        return [c for c in map(_raw_change, out.splitlines()) if c is not None]

    def log(self, *args: str) -> Iterator[Commit]:
        """Commits of ``git log <args>`` with their raw file changes, parsed as they arrive
        from one git process (never a process per commit). Stopping early stops git."""
        proc = self._popen(
            "log",
            f"--format={_LOG_FORMAT}",
            "--raw",
            "--no-abbrev",
            "--no-renames",
            "--no-color",
            *args,
        )
        assert proc.stdout is not None
        current: Commit | None = None
        read_all = False  # False when the caller stopped early (log --limit): git is then stopped
        try:
            for raw in proc.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                if line.startswith(_SEP):
                    if current is not None:
                        yield current
                    parts = line[1:].split(_FS)
                    action = parts[6].split(",")[0].strip() or None
                    # %h would be unabbreviated under --no-abbrev: shorten the full id here
                    current = Commit(
                        parts[0], parts[0][:7], parts[2], parts[3], parts[4], parts[5], action
                    )
                elif current is not None:
                    change = _raw_change(line)
                    if change is not None:
                        current.files.append(change)
            read_all = True
            if current is not None:
                yield current
        finally:
            proc.stdout.close()
            if not read_all and proc.poll() is None:
                proc.kill()
            proc.wait()
            err = proc.stderr.read() if proc.stderr else b""
            if proc.stderr:
                proc.stderr.close()
            # Once we stopped reading, git's exit status says nothing: killed it is -9 here and
            # 1 on Windows, and a git that met the closed pipe first exits as it likes (issue 18).
            if read_all and proc.returncode != 0 and b"does not have any commits" not in err:
                _check(["log"], proc.returncode, err)

    def clone(self, source: str, dest: Path, timeout: float = NETWORK_TIMEOUT) -> None:
        """A shallow clone of ``source`` (a path or URL) into ``dest`` (``rollup``), bounded
        like every network git (:func:`network`: no prompt, a silent server given up after
        ``timeout`` seconds); from a local path the source's own programs never run (16.10)."""
        local = ["--upload-pack", LOCAL_UPLOAD_PACK] if is_local_url(source) else []
        network(
            dest.parent,
            "clone",
            "--progress",
            "--depth",
            "1",
            "--no-tags",
            *local,
            "--",
            source,
            str(dest),
            timeout=timeout,
        )

    # --- sync's last step, journalled (issue 16.5) --------------------------------------------

    @property
    def _journal(self) -> Path:
        return self.git_dir / "driverparty" / PENDING_UPDATE

    def fast_forward_pending(self) -> bool:
        """A fast-forward by ``sync`` was started and not finished (it was killed)."""
        try:
            return self._journal.exists()
        except GitFailed:  # not a repository: the caller says so
            return False

    def fast_forward(self, branch: str, old: str, new: str) -> None:
        """Move the files, the index and ``branch`` from ``old`` to ``new`` so that a kill at
        any point is finished by the next command (:meth:`finish_fast_forward`) instead of
        leaving thousands of incoming files looking like the clerk's own uncommitted edits. A
        journal says first what is under way; the files are written through a private copy of
        the index, so the long part holds no lock of git's that a kill would leave behind; the
        repository's index then takes the new entries in one short step, then the branch."""
        journal = self._journal
        journal.parent.mkdir(exist_ok=True)
        tmp = journal.with_name(journal.name + ".tmp")
        for path in (journal, tmp, journal.with_name("sync-update-index")):
            refuse_link(path)  # issue 16.3: none of them is written through a link
        tmp.write_bytes(f"{branch}\n{old}\n{new}\n".encode())
        os.replace(tmp, journal)
        private = journal.with_name("sync-update-index")
        index = self.git_dir / "index"
        if index.exists():
            import shutil

            shutil.copy2(index, private)  # with its time: git judges "racily clean" entries by it
        try:
            self.run("read-tree", "-m", "-u", old, new, env={"GIT_INDEX_FILE": str(private)})
            self.run("read-tree", "-m", "-i", old, new)
        except GitFailed:
            self.finish_fast_forward()  # the careful way, path by path; it says what is in the way
            return
        self._fast_forward_ref(branch, old, new)
        journal.unlink(missing_ok=True)
        private.unlink(missing_ok=True)
        self.run("update-index", "-q", "--refresh", check=False)

    def _fast_forward_ref(self, branch: str, old: str, new: str) -> None:
        """Move ``branch`` from ``old`` to ``new`` (refused by git if it moved meanwhile)."""
        self.run(
            "update-ref",
            "-m",
            f"sync: fast-forward to {new[:12]}",
            f"refs/heads/{branch}",
            new,
            old,
        )

    def finish_fast_forward(self) -> str | None:
        """Finish a fast-forward that a killed ``sync`` left half done: every file that differs
        between the journal's old and new commit is set to the new commit's, in the work tree
        and the index, then the branch moves. Call under the write lock. Returns a line saying
        what was finished, or None when nothing was pending."""
        journal = self._journal
        try:
            branch, old, new = journal.read_text(encoding="ascii").split()
        except FileNotFoundError:
            return None
        except (ValueError, UnicodeDecodeError, OSError):
            journal.unlink(missing_ok=True)  # torn: written before anything else moved
            return None
        private = journal.with_name("sync-update-index")
        for leftover in (private, private.with_name(private.name + ".lock")):
            leftover.unlink(missing_ok=True)  # the killed sync's own: we hold the write lock
        at = self.text("rev-parse", "-q", "--verify", f"refs/heads/{branch}", check=False).strip()
        known = self.run("cat-file", "-e", f"{new}^{{commit}}", check=False) == b""
        if at not in (old, new) or not known:
            journal.unlink(missing_ok=True)  # the branch was moved by hand since: not ours
            return None
        if self.text("symbolic-ref", "-q", "HEAD", check=False).strip() != f"refs/heads/{branch}":
            raise RepoError(
                _(
                    "a sync was interrupted while it updated branch {branch}: check {branch} out "
                    "again (git checkout) and run driverparty sync to finish it"
                ).format(branch=branch)
            )
        lock = self.git_dir / "index.lock"
        for _attempt in range(100):  # a git of the clerk's may be at work: give it a moment
            if not lock.exists():
                break
            time.sleep(0.05)
        else:
            raise RepoError(
                _(
                    "a sync was interrupted while it updated the files, and git's index is locked "
                    "({lock}): if no git program is running, delete that file, then run the "
                    "command again to finish the sync"
                ).format(lock=lock)
            )
        old_t, new_t = self.ls_tree(old), self.ls_tree(new)
        paths = sorted(p for p in set(old_t) | set(new_t) if old_t.get(p) != new_t.get(p))
        in_the_way = self._edited_since(paths, old_t, new_t)
        if in_the_way:
            raise RepoError(
                _(
                    "a sync was interrupted while it updated the files, and {in_the_way} has been "
                    "changed since: copy your change elsewhere, run `git checkout -- "
                    "{in_the_way}`, then run the command again to finish the sync"
                ).format(in_the_way=in_the_way)
            )
        info = b"".join(
            (f"{new_t[p][0]} {new_t[p][1]}\t{p}" if p in new_t else f"0 {NULL_SHA}\t{p}").encode()
            + b"\0"
            for p in paths
        )
        if info:
            self.run("update-index", "-z", "--index-info", input=info)
        for p in paths:
            if p not in new_t:
                _remove_file(self.root, p)
        written = [p for p in paths if p in new_t]
        if written:
            self.run("checkout-index", "-f", "-u", "-z", "--stdin", input=_nul(written))
        if at == old:
            self._fast_forward_ref(branch, old, new)
        journal.unlink(missing_ok=True)
        return _("finished the interrupted sync: {branch} is now at {new}").format(
            branch=branch, new=new[:12]
        )

    def _edited_since(self, paths: list[str], old_t: Tree, new_t: Tree) -> str | None:
        """The first of ``paths`` whose file is neither the old nor the new commit's version,
        nor missing, nor the start of the new version (git writes a file front to back: a kill
        leaves a prefix): an edit made after the kill, which finishing must not overwrite."""
        import stat

        present = []
        for p in paths:
            try:
                mode = os.lstat(self.root / p).st_mode
            except FileNotFoundError:
                continue
            except NotADirectoryError:
                return p
            if not stat.S_ISREG(mode):
                return p
            present.append(p)
        if not present:
            return None
        out = self.text("hash-object", "--stdin-paths", input="\n".join(present).encode() + b"\n")
        for p, sha in zip(present, out.split(), strict=True):
            if sha in {e[1] for e in (old_t.get(p), new_t.get(p)) if e}:
                continue
            if p in new_t:  # as git writes it here (line ends, filters), then the file's bytes
                whole = self.run("cat-file", "--filters", f"--path={p}", new_t[p][1])
                if whole.startswith((self.root / p).read_bytes()):
                    continue
            return p
        return None

    def changed_files(self, *paths: str) -> list[str]:
        """Tracked files whose work-tree stat data differs from the index: a quick first look
        (``git status`` also scans for untracked files; the callers find those themselves)."""
        out = self.run("diff-files", "-z", "--name-only", "--", *paths)
        return [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]

    def status(self, *paths: str) -> list[tuple[str, str]]:
        """Uncommitted changes under ``paths``: [(two-letter code, path)], renames split."""
        args = ("status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--")
        try:
            out = self.run(*args, *paths)
        except GitFailed:
            # git status also refreshes the index's stat data, and fails when it cannot write
            # it (a full disk): a read must still work, without that refresh (issue 16.15)
            out = self.run(*args, *paths, env={"GIT_OPTIONAL_LOCKS": "0"})
        rows = []
        for entry in out.split(b"\0"):
            if entry:
                rows.append((entry[:2].decode(), entry[3:].decode("utf-8", "surrogateescape")))
        return rows

    def commit(
        self, paths: Sequence[str], message: str, contents: Mapping[str, bytes | None] | None = None
    ) -> str:
        """Commit exactly ``paths`` as they are in the work tree (added, changed or deleted),
        leaving every other staged or unstaged change as it was. Returns the new commit id.
        ``contents``, when given, is what the caller has just written to each path (None: it
        deleted it): those bytes go to git in one pack (:meth:`store_blobs`) instead of one
        file per object.

        A few paths (a record written, a clerk's hand edits) are committed by ``git add`` and
        ``git commit --only``: five git processes in all. Many (an import) go through git's
        plumbing instead: ``update-index --stdin`` of a private index read from HEAD (or the
        pack of ``contents``), ``write-tree``, ``commit-tree``, the repository's own index for
        the same paths, and ``update-ref`` from the HEAD it read — ten processes, but ``git
        add`` and ``git commit`` match every path against every pathspec they are given, which
        for an import of 20,000 records was 11 of its seconds (issue 19)."""
        self._wait_for_index_lock()
        for name, what in (
            ("MERGE_HEAD", "merge"),
            ("CHERRY_PICK_HEAD", "cherry-pick"),
            ("REVERT_HEAD", "revert"),
        ):
            if os.path.lexists(self.git_dir / name):
                raise RepoError(
                    _(
                        "a git {what} is in progress: finish it (git commit) or abort it "
                        "(git {what} --abort) first"
                    ).format(what=what)
                )
        if len(paths) <= FEW_PATHS:
            sha = self._commit_porcelain(paths, message)
            return self._after_commit(sha)
        try:
            sha = self._commit_plumbing(paths, message, contents)
        except GitFailed as err:  # said as the one step the clerk knows: git commit
            words = str(err)
            raise GitFailed(
                _("git {args} failed: {first}").format(
                    args="commit", first=words.split(" failed: ", 1)[-1]
                )
            ) from err
        return self._after_commit(sha)

    def _after_commit(self, sha: str) -> str:
        # Keep path-limited logs fast (record history, issue 5): add the new commit to the
        # commit-graph with its changed-path Bloom filter, a small incremental layer.
        self.run(
            "commit-graph",
            "write",
            "--split",
            "--changed-paths",
            "--stdin-commits",
            input=sha.encode() + b"\n",
            check=False,
        )
        self.run("gc", "--auto", "--quiet", check=False)
        return sha

    def _commit_porcelain(self, paths: Sequence[str], message: str) -> str:
        """:meth:`commit` of a few paths: ``git add`` then ``git commit --only``."""
        present = [p for p in paths if (self.root / p).exists()]
        if present:  # new files must be known to git before `commit --only` takes them
            self.run(
                "add", "-f", "--pathspec-from-file=-", "--pathspec-file-nul", input=_nul(present)
            )
        import tempfile  # here: a read never needs it (issue 8)

        fd, message_file = tempfile.mkstemp(prefix="driverparty-msg-", dir=self.git_dir)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(message)
            self.run(
                "commit",
                "-q",
                "--no-verify",
                "--only",
                "-F",
                message_file,
                "--pathspec-from-file=-",
                "--pathspec-file-nul",
                input=_nul(paths),
            )
        finally:
            os.unlink(message_file)
        return self.text("rev-parse", "HEAD").strip()

    def _commit_plumbing(
        self, paths: Sequence[str], message: str, contents: Mapping[str, bytes | None] | None
    ) -> str:
        """:meth:`commit`'s git commands; the new commit's id."""
        head = self.head()
        listing = _nul(paths)
        index = self.git_dir / "driverparty" / "commit-index"
        index.parent.mkdir(exist_ok=True)
        refuse_link(index)  # issue 16.3: git would write through it, then we delete it
        env = {"GIT_INDEX_FILE": str(index)}
        try:
            self.run("read-tree", *([head] if head else ["--empty"]), env=env)
            if contents is None:  # git reads and stores each file
                self.run(
                    "update-index", "--add", "--remove", "-z", "--stdin", input=listing, env=env
                )
            else:
                info = self.store_blobs(contents)
                self.run("update-index", "-z", "--index-info", input=info, env=env)
            tree = self.text("write-tree", env=env).strip()
        finally:
            index.unlink(missing_ok=True)
        parents: list[str] = []
        if head:
            if self.text("rev-parse", head + "^{tree}").strip() == tree:
                raise GitFailed(_("nothing to commit"))
            parents = ["-p", head]
        text = _clean_message(message)
        sha = self.text("commit-tree", tree, *parents, "-F", "-", input=text.encode()).strip()
        # The index first: if it cannot be written (another git holds its lock), nothing is
        # committed; the branch moves last, from exactly the commit read above.
        self._wait_for_index_lock()
        self.run("update-index", "--add", "--remove", "-z", "--stdin", input=listing)
        subject = text.split("\n", 1)[0]
        reflog = f"commit{'' if head else ' (initial)'}: {subject}"
        self.run("update-ref", "-m", reflog, "HEAD", sha, head or NULL_SHA)
        return sha

    def store_blobs(self, contents: Mapping[str, bytes | None]) -> bytes:
        """Store the bytes of ``contents`` in git's object store, all in one pack written by
        ``git fast-import`` (blobs only: it names no branch): an import's 20,000 records as
        20,000 loose object files took seconds of the file system's time, and made the
        ``gc --auto`` after the commit repack them all (issue 19). Returns the index lines
        (``update-index -z --index-info``) giving each path its blob, or removing it."""
        stream = []
        info = []
        for path, data in contents.items():
            if data is None:
                info.append(f"0 {NULL_SHA}\t{path}".encode() + b"\0")
                continue
            blob = blob_id(data)
            info.append(f"100644 {blob}\t{path}".encode() + b"\0")
            stream.append(b"blob\ndata %d\n%s\n" % (len(data), data))
        if stream:
            stream.append(b"done\n")  # a stream cut short is refused, not half stored
            self.run("fast-import", "--quiet", "--done", input=b"".join(stream))
        return b"".join(info)

    def update_index(self, info: bytes) -> None:
        """``git update-index -z --index-info``: set (or, with mode 0, drop) index entries."""
        self._wait_for_index_lock()
        self.run("update-index", "-z", "--index-info", input=info)

    def _wait_for_index_lock(self) -> None:
        """Wait while git's ``index.lock`` (or the lock of ``HEAD`` or of the branch a commit
        moves) exists, then give up (exit 3). A lock is never deleted: a git that holds it
        may be slow, not dead (a clerk's ``git add`` running a filter over a big file), and
        deleting it loses that git's work (issue 16.4, SPEC section 5)."""
        locks = [self.git_dir / "index.lock", self.git_dir / "HEAD.lock"]
        try:
            head = (self.git_dir / "HEAD").read_text(encoding="utf-8", errors="replace")
        except OSError:
            head = ""
        if head.startswith("ref: refs/") and ".." not in head:
            locks.append(self.git_dir / (head[5:].strip() + ".lock"))
        timeout = lock_timeout()
        deadline = time.monotonic() + timeout
        while True:
            held = next((lock for lock in locks if os.path.lexists(lock)), None)
            if held is None:
                return
            if time.monotonic() >= deadline:
                raise LockTimeout(
                    _(
                        "git's {name} is there ({held}): another git is running; waited "
                        "{timeout:g} s. When no git is running any more (one was killed), delete "
                        "{held} by hand and try again"
                    ).format(name=held.name, held=held, timeout=timeout)
                )
            time.sleep(0.05)


def refuse_link(path: Path) -> None:
    """Refuse (exit 3) to write one of the tool's files under ``.git`` through a symbolic
    link: a ``.git`` copied in may hold one pointing anywhere (issue 16.3)."""
    if path.is_symlink():
        raise RepoError(
            _(
                "{path}: is a symbolic link; driverparty does not write through links (delete the "
                "link, then try again)"
            ).format(path=path)
        )


def blob_id(data: bytes) -> str:
    """The id git gives a file's bytes (``git hash-object --no-filters``)."""
    return str(sha1(b"blob %d\0" % len(data) + data).hexdigest())


def _clean_message(text: str) -> str:
    """What ``git commit`` makes of a message it is given (its ``whitespace`` clean-up): no
    trailing spaces, no blank lines at either end nor two in a row, one final line break."""
    lines = [line.rstrip() for line in text.splitlines()]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept) + "\n"


def _nul(paths: Sequence[str]) -> bytes:
    return b"".join(p.encode() + b"\0" for p in paths)


def init_repo(root: Path) -> None:
    """``git init -b main`` unless ``root`` is already a git work tree (SPEC section 4: the
    README's ``git init --bare -b main`` remote then takes ``sync``'s first push as its
    branch)."""
    git = Git(root)
    inside = git.run("rev-parse", "--show-toplevel", check=False).strip()
    if inside and Path(inside.decode("utf-8", "surrogateescape")).resolve() == root.resolve():
        return
    git.run("init", "-q", "-b", "main")


def identity_missing(folder: Path, author: Author | None) -> bool:
    """True when a commit made in ``folder`` would have no author or committer: no
    ``--author``, no ``user.name``/``user.email`` git can find (or it refuses to guess one)."""
    if author is not None:
        return False
    git = Git(folder)
    for who in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
        try:
            git.run("var", who)
        except GitFailed:
            return True
    return False


def lock_timeout() -> float:
    """Seconds a write waits for a lock: 10 (SPEC section 5), or ``DRIVERPARTY_LOCK_TIMEOUT``."""
    try:
        return max(0.0, float(os.environ.get("DRIVERPARTY_LOCK_TIMEOUT") or "10"))
    except ValueError:
        return 10.0


@contextmanager
def write_lock(git_dir: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the repository's write lock, ``.git/driverparty/write.lock``: waiting longer than
    ``timeout`` (``$DRIVERPARTY_LOCK_TIMEOUT``, default 10 s) is exit 3. The lock is the
    operating system's — flock on Linux and macOS, LockFileEx on Windows, through the filelock
    package — so a killed holder releases it and a stale lock never blocks (issue 18)."""
    if timeout is None:
        timeout = lock_timeout()
    import warnings

    with warnings.catch_warnings():
        # A Unix without flock (the windows-sim test run) gets filelock's soft lock, which
        # notes it once on stderr; the clerk must never see that.
        warnings.simplefilter("ignore")
        import filelock

    folder = git_dir / "driverparty"
    for path in (folder, folder / "write.lock"):  # issue 16.3: a copied .git may hold links
        refuse_link(path)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as err:
        raise RepoError(
            _("cannot create the write lock in {folder}: {err}").format(
                folder=folder, err=plain_os_error(err)
            )
        ) from err
    lock = filelock.FileLock(folder / "write.lock")
    try:
        lock.acquire(timeout=timeout, poll_interval=0.02)
    except filelock.Timeout:
        raise LockTimeout(
            _(
                "another driverparty is writing; gave up after {timeout:g} s waiting for the lock"
            ).format(timeout=timeout)
        ) from None
    except OSError as err:
        raise RepoError(
            _("cannot create the write lock in {folder}: {err}").format(
                folder=folder, err=plain_os_error(err)
            )
        ) from err
    try:
        yield
    finally:
        lock.release()


# --- the network: fetch, push and clone over SSH, HTTPS or a local path (issue 24) ---------------

#: the receiving and serving git for a remote on a local path (a USB drive): its hooks, a
#: ``core.fsmonitor`` or ``core.alternateRefsCommand`` program and a check-out into its work
#: tree would otherwise run as the clerk (issue 16.10). Over SSH and HTTPS the server runs its
#: own programs as its own user; they are the city's to choose.
LOCAL_UPLOAD_PACK = "git -c core.hooksPath=/dev/null -c core.fsmonitor=false upload-pack"
LOCAL_RECEIVE_PACK = (
    "git -c core.hooksPath=/dev/null -c core.fsmonitor=false -c core.alternateRefsCommand=true "
    "-c receive.denyCurrentBranch=refuse receive-pack"
)
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/@\s:'\"]*):[^/@\s'\"]*@")
_SCHEME = re.compile(r"(?i)^[a-z][a-z0-9+.-]*://")


class NetworkFailed(GitFailed):
    """A fetch, push or clone that failed or stopped answering. The message is one line saying
    what to do, with any password redacted; ``stdout`` is git's (redacted) output."""

    def __init__(self, message: str, stdout: str = "", timed_out: bool = False) -> None:
        super().__init__(message)
        self.stdout = stdout
        self.timed_out = timed_out


def url_secrets(url: str) -> list[str]:
    """The password written in a URL (``https://user:pass@host/…``), as written and decoded."""
    from urllib.parse import unquote, urlsplit

    if not _SCHEME.match(url):
        return []
    try:
        password = urlsplit(url).password
    except ValueError:
        return []
    return [p for p in {password or "", unquote(password or "")} if p]


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with the password of every URL in it, and every known secret, as ``***``."""
    text = _USERINFO.sub(r"\1:***@", text)
    for secret in sorted(set(secrets), key=len, reverse=True):
        if len(secret) >= 3:
            text = text.replace(secret, "***")
    return text


def is_local_url(url: str) -> bool:
    """A remote git reaches through the file system (git's own rule): ``file://``, or no
    ``scheme://`` and no ``host:`` before the first slash (``C:\\…`` is a drive letter)."""
    if url.lower().startswith("file://"):
        return True
    if _SCHEME.match(url) or "::" in url:
        return False
    colon, slash = url.find(":"), url.find("/")
    if colon < 0 or 0 <= slash < colon:
        return True
    return colon == 1 and url[0].isalpha()  # a Windows drive


def _ssh_command(configured: str, timeout: float) -> str:
    """The user's ssh command (``GIT_SSH_COMMAND``, ``core.sshCommand``, ``GIT_SSH`` or
    ``ssh``) with options that forbid prompts and bound waits. OpenSSH takes the first value
    of an option, so the user's own settings win; PuTTY's plink gets ``-batch``."""
    import shlex

    command = os.environ.get("GIT_SSH_COMMAND") or configured
    if not command:
        program = os.environ.get("GIT_SSH")
        command = shlex.quote(program) if program else "ssh"
    try:
        first = shlex.split(command)[0]
    except (ValueError, IndexError):
        return command
    name = re.split(r"[\\/]", first)[-1].lower().removesuffix(".exe")
    variant = os.environ.get("GIT_SSH_VARIANT", "").lower() or name
    if variant == "ssh":
        wait = max(1, round(timeout))
        alive = max(1, wait // 4)
        return (
            f"{command} -o BatchMode=yes -o ConnectTimeout={wait} "
            f"-o ServerAliveInterval={alive} -o ServerAliveCountMax={max(1, wait // alive)}"
        )
    if variant in ("plink", "tortoiseplink"):
        return f"{command} -batch"
    return command


def _kill_tree(proc: subprocess.Popen[bytes]) -> None:
    """Stop a network git and everything it started (ssh, git-remote-https)."""
    if os.name == "nt":
        subprocess.run(
            ["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True, check=False
        )
        proc.kill()
        return
    import signal

    try:
        os.killpg(proc.pid, signal.SIGKILL)  # its own session: the group is its pid
    except (ProcessLookupError, PermissionError):
        proc.kill()


def _explain(stderr: str) -> str:
    """One line from a failed network git's stderr: what went wrong and what to set."""
    see = _('see README, "Sharing with the city"')
    lines = [line.strip() for line in re.split(r"[\r\n]+", stderr) if line.strip()]
    text = "\n".join(lines)
    if re.search(r"could not read (Username|Password)|terminal prompts disabled", text):
        return _(
            "the server asks for a user name and password and none is stored: set up a credential "
            "helper and type them once with `git fetch` ({see})"
        ).format(see=see)
    if "Authentication failed" in text or "HTTP Basic: Access denied" in text:
        return _(
            "the server refused the user name or password: store the right ones in your "
            "credential helper ({see})"
        ).format(see=see)
    if "Permission denied (publickey" in text or "Too many authentication failures" in text:
        return _(
            "the server refused this computer's SSH key: make a key, have the city add its .pub, "
            "and point core.sshCommand at it ({see})"
        ).format(see=see)
    if "Host key verification failed" in text or "REMOTE HOST IDENTIFICATION HAS CHANGED" in text:
        return _(
            "the server's SSH host key is not known here (or has changed): check its fingerprint "
            "with the city and keep it in your known_hosts file ({see})"
        ).format(see=see)
    if re.search(r"certificate (verification failed|problem)|SSL certificate", text):
        return _(
            "the server's HTTPS certificate is not trusted here: if the city uses its own, set "
            "http.sslCAInfo to its certificate file ({see})"
        ).format(see=see)
    for line in lines:
        if line.startswith(("fatal:", "error:", "ssh:")) or "[rejected]" in line:
            for prefix in ("fatal: ", "error: "):
                line = line.removeprefix(prefix)
            return line
    return lines[-1] if lines else _("git failed")


def _run_bounded(
    argv: list[str], cwd: Path, env: dict[str, str], timeout: float
) -> tuple[int, bytes, bytes, bool]:
    """Run ``argv`` in its own process group (so no prompt can reach the terminal, and a stop
    takes ssh and git-remote-https with it); stop it when neither stdout nor stderr has moved
    for ``timeout`` seconds. Returns (exit status, stdout, stderr, timed out)."""
    import threading

    kw: dict[str, object] = {}
    if os.name == "nt":
        kw["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
    else:
        kw["start_new_session"] = True  # no controlling terminal: nothing can ask on it
    try:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            **kw,  # type: ignore[call-overload]
        )
    except FileNotFoundError as err:
        raise GitFailed(_(NO_GIT)) from err
    last = [time.monotonic()]
    outs = (bytearray(), bytearray())

    def pump(fd: int, buf: bytearray, keep: int) -> None:
        try:
            while chunk := os.read(fd, 65536):
                last[0] = time.monotonic()
                buf += chunk
                if len(buf) > 2 * keep:  # progress lines pile up; the end says what happened
                    del buf[:-keep]
        except OSError:  # closed under us: we stopped waiting for a helper that kept it
            pass

    assert proc.stdout is not None and proc.stderr is not None
    readers = [
        threading.Thread(target=pump, args=(proc.stdout.fileno(), outs[0], 1 << 24), daemon=True),
        threading.Thread(target=pump, args=(proc.stderr.fileno(), outs[1], 1 << 16), daemon=True),
    ]
    for reader in readers:
        reader.start()
    timed_out = False
    try:
        while proc.poll() is None:
            if time.monotonic() - last[0] > timeout:
                timed_out = True
                _kill_tree(proc)
                break
            time.sleep(0.05)
    finally:
        if proc.poll() is None:  # interrupted (Ctrl-C): take the transfer down with us
            _kill_tree(proc)
        code = proc.wait()
        for reader in readers:
            reader.join(2)  # a helper that kept our pipe must not hold us
        proc.stdout.close()
        proc.stderr.close()
    return code, bytes(outs[0]), bytes(outs[1]), timed_out


def _network_args(timeout: float) -> list[str]:
    """Git's own bounds: an HTTP transfer slower than 1 KB/s for ``timeout`` seconds stops."""
    return [
        "-c",
        "http.lowSpeedLimit=1000",
        "-c",
        f"http.lowSpeedTime={max(1, round(timeout))}",
    ]


def _network_env(ssh_command: str) -> dict[str, str]:
    """No prompt, anywhere: not git's (terminal, askpass), not ssh's (passphrase, host key),
    not Git Credential Manager's window. A credential helper that has the password still
    answers; one that would ask fails, and the error says what to set."""
    return {
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ASKPASS": "",  # empty: git skips core.askPass and SSH_ASKPASS too
        "SSH_ASKPASS": "",
        "SSH_ASKPASS_REQUIRE": "never",
        "GCM_INTERACTIVE": "never",
        "GIT_SSH_COMMAND": ssh_command,
    }


def network(
    cwd: Path, *args: str, timeout: float = NETWORK_TIMEOUT, secrets: Iterable[str] = ()
) -> str:
    """Run a git that talks to a remote (fetch, push, clone; pass ``--progress`` so a live
    transfer keeps printing): no prompt can wait, a transfer silent for ``timeout`` seconds
    is stopped with everything it started, and no password from a URL is ever in what comes
    back. Returns stdout (redacted); NetworkFailed says what went wrong in one line."""
    secrets = list(secrets)
    for arg in args:
        secrets += url_secrets(arg)
    git = git_binary()
    argv = [git, *_SAFE, *_network_args(timeout), *args]
    try:  # the user's own ssh command (this repository's, or global) keeps working
        configured = (
            subprocess.run(
                [git, "config", "--get", "core.sshCommand"], cwd=cwd, capture_output=True
            )
            .stdout.decode("utf-8", "replace")
            .strip()
        )
    except FileNotFoundError as err:
        raise GitFailed(_(NO_GIT)) from err
    env = {**os.environ, "LC_ALL": "C", **_network_env(_ssh_command(configured, timeout))}
    code, out, errout, timed_out = _run_bounded(argv, cwd, env, timeout)
    stdout = redact(out.decode("utf-8", "replace"), secrets)
    if timed_out:
        raise NetworkFailed(
            _("no answer for {timeout:g} s, stopped (--timeout SECONDS waits longer)").format(
                timeout=timeout
            ),
            stdout,
            timed_out=True,
        )
    if code != 0:
        raise NetworkFailed(redact(_explain(errout.decode("utf-8", "replace")), secrets), stdout)
    return stdout


def _remove_file(root: Path, rel: str) -> None:
    """Remove a file a new commit no longer has, and the folders it leaves empty."""
    path = root / rel
    path.unlink(missing_ok=True)
    for folder in path.parents:
        if folder == root or root not in folder.parents:
            break
        try:
            folder.rmdir()
        except OSError:
            break
