"""A cache of parsed, validated records under ``.git/driverparty/``, keyed by git blob id.

Parsing TOML costs ~150 µs a record (7–9 s for 50,000, PERF-NOTES); git already knows which
files changed. So a record whose file is clean in the work tree and whose blob id is cached is
taken from here, and only new or changed files are parsed. The cache is never trusted over the
files: an entry is used only when its blob id equals the one git has for the file now, it is
rebuilt when missing, stale or corrupt, and a cached record is re-validated when "today" is
earlier than its latest date (``DRIVERPARTY_TODAY`` moved back). Stored as JSON, never pickle:
a repository copied from a USB drive brings its ``.git`` along, so the cache is untrusted input.
The file holds nothing the record files do not (issue 9), rows of removed files are pruned,
and it is readable by its owner only. A record's plain fields are columns too, so a filtered
listing is an SQL query over them, and :func:`query_listing` answers one without reading a
file while git shows nothing changed (issue 8). Imports driverparty.schema, gitrepo, tomlio.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from driverparty import __version__
from driverparty.errors import DataError
from driverparty.gitrepo import LISTING, blob_id
from driverparty.schema import KINDS, SCHEMA_FILE
from driverparty.tomlio import linked_part, read_bytes

if TYPE_CHECKING:
    from driverparty.gitrepo import Git, Running

try:  # CPython's own SHA-1: hashlib loads OpenSSL first, ~3 ms on every `get` and `list`
    from _sha1 import sha1
except ImportError:  # another Python: the same digest through hashlib
    from hashlib import sha1


def _schema_key() -> str:
    """The cache's layout: rebuilt when this version or the models' fields change."""
    fields = str(sha1(SCHEMA_FILE.read_bytes()).hexdigest())[:12]
    # 7: text NFC (16.14); 8: issue 22; 9: each record's listing text (_json)
    return f"driverparty-cache-9/{__version__}/{fields}"


def digest(data: bytes) -> str:
    """The mark the cache keeps of a folder's ``git ls-files -s`` or of ``driverparty.toml``:
    a full read (``Store.load``) writes it and :func:`query_listing` compares, so both use this."""
    return str(sha1(data).hexdigest())


def same_blob(data: bytes, blob: str) -> bool:
    """Whether a work-tree file's bytes are git's blob ``blob``: as they are, or with CRLF line
    ends made LF, as ``core.autocrlf=true`` (Git for Windows' default) checks them out where no
    ``.gitattributes`` says ``eol=lf`` (a repository made before issue 18). tomllib reads the
    two alike, so the record parsed is the blob's."""
    if blob_id(data) == blob:
        return True
    return b"\r\n" in data and blob_id(data.replace(b"\r\n", b"\n")) == blob


def is_record_name(name: str) -> bool:
    """Whether a file name in a kind's folder is a record file's: ``<id>.toml``, not hidden.
    Anything else there — ``init``'s ``.gitkeep``, a README — is no record, and neither
    read nor counted (issue 22)."""
    return name.endswith(".toml") and not name.startswith(".")


def record_count(index: Iterable[str], folder: str) -> int:
    """How many of the paths git lists (``parse_listing``) are record files directly in
    ``folder``: what the folder's files must number for the listing to be all of them."""
    start = len(folder) + 1
    return sum(
        1
        for p in index
        if p.startswith(folder + "/") and "/" not in p[start:] and is_record_name(p[start:])
    )


#: a cached record that an ``entries(only=...)`` test says cannot match
FILTERED: dict[str, Any] = {}
INT64 = 2**63
#: how long a process waits for another one's write to the cache, in milliseconds
BUSY_MS = 5000
#: sqlite's codes for a database another connection holds: SQLITE_BUSY, SQLITE_LOCKED
BUSY = (5, 6)
#: seconds a folder's stat must be old before it may stand for a count of its files
SETTLED = 2


class Marked(NamedTuple):
    """What :meth:`RecordCache.query` found: the kind's mark and the records."""

    listing: str
    gen: int
    stamp: str | None
    files: int | None
    rows: list[dict[str, Any]]


#: records to the text of each, in order (``RecordCache.query``)
Texts = Callable[[list[dict[str, Any]]], list[str]]


class Cached:
    __slots__ = ("blob", "record", "latest")

    def __init__(self, blob: str, record: dict[str, Any] | None, latest: str | None) -> None:
        self.blob = blob
        self.record = record
        self.latest = latest


def table(kind: str) -> str:
    return f'"records_{kind}"'


class Columns:
    """A kind's fields as its table's columns, one each, in model order: plain values as
    themselves (dates as ISO text, bools as 0/1), lists and events as JSON text."""

    def __init__(self, kind: str) -> None:
        fields = list(KINDS[kind].fields.values())
        self.names = [f.name for f in fields]
        self.sql = ", ".join(f'"{f.name}"' for f in fields)
        self.bools = [f.name for f in fields if f.type == "bool"]
        self.nested = [f.name for f in fields if not f.scalar]

    def values(self, record: dict[str, Any]) -> list[Any]:
        out = [record.get(name) for name in self.names]
        for i, value in enumerate(out):
            if value is None or type(value) is str:  # most are: nothing to do
                continue
            if isinstance(value, date):
                out[i] = value.isoformat()
            elif isinstance(value, bool):
                out[i] = int(value)
            elif isinstance(value, int) and not -INT64 <= value < INT64:
                raise OverflowError
            elif isinstance(value, list):
                out[i] = _to_json(value) if value else "[]"
        return out

    def row(self, path: str, blob: str, record: dict[str, Any]) -> tuple[Any, ...] | None:
        """The table's row of a parsed record: path, blob, latest date, then its values; None
        when it cannot be cached (a number sqlite cannot hold, a lone surrogate)."""
        try:
            values = self.values(record)
            for v in values:
                if type(v) is str and not v.isascii():
                    v.encode("utf-8")  # a lone surrogate cannot go into sqlite
        except (OverflowError, TypeError, ValueError):
            return None
        return (path, blob, _latest(record), *values)

    def record(self, row: Sequence[Any], keep_unset: bool = False) -> dict[str, Any]:
        """A row back as the record's dict (dates still ISO text): unset fields left out,
        as in a canonical record, or kept as None when ``keep_unset`` (quicker)."""
        if keep_unset:
            record = dict(zip(self.names, row, strict=True))
        else:
            record = {k: v for k, v in zip(self.names, row, strict=True) if v is not None}
        for name in self.bools:
            if record.get(name) is not None:
                record[name] = bool(record[name])
        for name in self.nested:
            text = record.get(name)
            if text is not None:
                record[name] = [] if text == "[]" else json.loads(text)
        return record


class RecordCache:
    """sqlite file with, per kind, a table of ``path → (blob, latest date, the fields)``, one
    column per field, so a ``--where`` runs as SQL over columns (issue 8). Valid
    records only: a broken file is parsed again each time, so its problems are always today's.

    ``synced`` says, per kind, which listing of the kind's folder (``git ls-files -s``) the
    table held exactly, every file in it, when a full read last checked: while that listing,
    the work tree and the table are unchanged, :func:`query` answers without reading a file.
    Every write to a table bumps the kind's generation, and a mark is only written when no
    other process wrote the table during the read that checked it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db: sqlite3.Connection | None = None
        self.seen: dict[str, int] = {}  # generation of each kind when entries() read it
        if self._linked():  # issue 16.3: never through a link; no cache is slower, not wrong
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = self._open()
        except (sqlite3.Error, OSError):
            self._reset()

    def _linked(self) -> bool:
        """The cache's folder or one of its files is a symbolic link (a copied ``.git`` can
        hold one pointing anywhere): then the cache is not used at all (issue 16.3)."""
        names = [self.path.parent, *(Path(str(self.path) + s) for s in ("", "-wal", "-shm"))]
        return any(p.is_symlink() for p in names)

    def _open(self) -> sqlite3.Connection:
        fresh = not self.path.exists()
        db = sqlite3.connect(self.path, timeout=BUSY_MS / 1000, isolation_level=None)
        if fresh:
            os.chmod(self.path, 0o600)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")  # a lost cache write only costs a re-parse
        db.execute("PRAGMA secure_delete=ON")  # a pruned record's bytes do not linger (issue 9)
        # issue 9: the cache is trusted only where it was built. A copied .git (USB drive, cp -r)
        # gives the file a new inode, so a planted cache cannot vouch for records it never saw.
        here = f"{_schema_key()}@{os.stat(self.path).st_ino}"
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except sqlite3.OperationalError:
            row = None
        if row is None or row[0] != here:
            self._create(db, here)
        return db

    @staticmethod
    def _create(db: sqlite3.Connection, here: str) -> None:
        db.execute("BEGIN IMMEDIATE")
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            db.execute(f'DROP TABLE "{name}"')
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute("CREATE TABLE results (key TEXT PRIMARY KEY, value TEXT)")
        db.execute(
            "CREATE TABLE synced (kind TEXT PRIMARY KEY, listing TEXT, gen INTEGER, stamp TEXT, "
            "files INTEGER)"
        )
        db.execute("CREATE TABLE gens (kind TEXT PRIMARY KEY, gen INTEGER)")
        for kind in KINDS:
            db.execute(
                f"CREATE TABLE {table(kind)} (_path TEXT PRIMARY KEY, _blob TEXT, _latest TEXT, "
                f"{Columns(kind).sql}, _json TEXT)"
            )
            db.execute(f'CREATE INDEX "latest_{kind}" ON {table(kind)} (_latest)')
            db.execute("INSERT INTO gens VALUES (?, 0)", (kind,))
        db.execute("INSERT INTO meta VALUES ('schema', ?)", (here,))
        db.execute("COMMIT")

    def _reset(self) -> None:
        """A corrupt or unreadable cache is thrown away and rebuilt."""
        if self.db is not None:
            try:
                self.db.close()
            except sqlite3.Error:
                pass
        self.seen.clear()
        if self._linked():
            self.db = None
            return
        for suffix in ("", "-wal", "-shm"):
            try:
                Path(str(self.path) + suffix).unlink()
            except OSError:
                pass
        try:
            self.db = self._open()
        except (sqlite3.Error, OSError):
            self.db = None  # no cache at all: everything is parsed, nothing breaks

    def _gen(self, kind: str) -> int:
        assert self.db is not None
        row = self.db.execute("SELECT gen FROM gens WHERE kind = ?", (kind,)).fetchone()
        return int(row[0]) if row else -1

    def entries(self, kind: str, only: tuple[str, list[Any]] | None = None) -> dict[str, Cached]:
        """Cached rows of a kind. With ``only`` (an SQL test over the columns, see
        ``query.Condition.sql``) a row that fails it is returned as ``FILTERED``, undecoded:
        a filtered listing of 50,000 members decodes only the ones it shows (issue 8)."""
        if self.db is None:
            return {}
        test, params = only or ("1", [])
        try:
            self.db.execute("BEGIN")
            self.seen[kind] = self._gen(kind)
            columns = Columns(kind)
            rows = self.db.execute(
                f"SELECT _path, _blob, _latest, CASE WHEN {test} THEN 1 END, {columns.sql} "
                f"FROM {table(kind)}",
                params,
            ).fetchall()
            self.db.execute("COMMIT")
            return {
                row[0]: Cached(row[1], columns.record(row[4:]) if row[3] else FILTERED, row[2])
                for row in rows
            }
        except (sqlite3.Error, ValueError, TypeError, RecursionError):
            self._reset()
            return {}

    def entry(self, kind: str, path: str) -> Cached | None:
        """One cached file's row (``Store.get``): its record with dates as ISO text."""
        if self.db is None:
            return None
        try:
            columns = Columns(kind)
            row = self.db.execute(
                f"SELECT _blob, _latest, {columns.sql} FROM {table(kind)} WHERE _path = ?", (path,)
            ).fetchone()
            return Cached(row[0], columns.record(row[2:]), row[1]) if row else None
        except (sqlite3.Error, ValueError, TypeError, RecursionError):
            self._reset()
            return None

    def update(
        self,
        kind: str,
        rows: Sequence[tuple[str, str, dict[str, Any]]],
        keep: Collection[str] | None = None,
        listing: str | None = None,
        drop: Iterable[str] = (),
        files: int | None = None,
        prepared: Sequence[tuple[Any, ...] | None] | None = None,
    ) -> None:
        """Store parsed records of a kind and forget the files in ``drop``; with ``keep``,
        forget the kind's other files (a removed record's data does not linger, issue 9);
        with ``listing`` (the :func:`digest` of the kind's ``git ls-files -s``) and ``files``
        (how many record files it lists), mark the table as holding exactly that listing's
        record files — unless another process wrote it since ``entries`` read it (or since
        the generation put in ``seen``: a writer that read the table marked carries it on).
        ``prepared``: each row's :meth:`Columns.row`, made already (by the reader's workers)."""
        drop = list(drop)
        if self.db is None or not (rows or keep is not None or drop or listing):
            return
        columns = Columns(kind)
        data = []
        for i, (path, blob, record) in enumerate(rows):
            # a row made where the record was parsed (a worker of Store.load) is taken as made
            row = prepared[i] if prepared is not None else columns.row(path, blob, record)
            if row is None:
                listing = None  # not cacheable: it is parsed each time, and never vouched for
                continue
            data.append(row)
        marks = ", ?" * len(columns.names)
        try:
            self.db.execute("BEGIN IMMEDIATE")
            gen = self._gen(kind)
            untouched = self.seen.get(kind) == gen
            wrote = bool(data)
            if data:
                self.db.executemany(
                    f"INSERT OR REPLACE INTO {table(kind)} VALUES (?, ?, ?{marks}, NULL)", data
                )
            gone = [(p,) for p in drop]
            if keep is not None:
                gone += [
                    (p,)
                    for (p,) in self.db.execute(f"SELECT _path FROM {table(kind)}")
                    if p not in keep
                ]
            if gone:
                self.db.executemany(f"DELETE FROM {table(kind)} WHERE _path = ?", gone)
                wrote = True
            if wrote:
                gen += 1
                self.db.execute("UPDATE gens SET gen = ? WHERE kind = ?", (gen, kind))
            mark = self.db.execute(
                "SELECT listing, gen, files FROM synced WHERE kind = ?", (kind,)
            ).fetchone()
            if listing is not None and untouched and mark != (listing, gen, files):
                self.db.execute(
                    "INSERT OR REPLACE INTO synced VALUES (?, ?, ?, NULL, ?)",
                    (kind, listing, gen, files),
                )
            self.db.execute("COMMIT")
            self.seen[kind] = gen if untouched else -1
        except sqlite3.Error:
            self._reset()

    def passing(self, kind: str, only: tuple[str, list[Any]]) -> set[str] | None:
        """The paths of a kind's rows that pass the SQL test ``only``, asked right after
        :meth:`update` wrote rows: None unless no other process wrote the table since this
        one began reading it (``seen``), so the rows tested are the ones this one wrote."""
        if self.db is None or self.seen.get(kind, -1) < 0:
            return None
        test, params = only
        try:
            self.db.execute("BEGIN")
            found = None
            if self._gen(kind) == self.seen[kind]:
                found = self.db.execute(
                    f"SELECT _path FROM {table(kind)} WHERE {test}", params
                ).fetchall()
            self.db.execute("COMMIT")
        except sqlite3.Error:
            self._reset()
            return None
        return None if found is None else {path for (path,) in found}

    def vouch_settings(self, digest: str) -> None:
        """Remember that the ``driverparty.toml`` with this :func:`digest` is valid."""
        if self.db is None:
            return
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = 'settings'").fetchone()
            if row is None or row[0] != digest:
                self.db.execute("INSERT OR REPLACE INTO meta VALUES ('settings', ?)", (digest,))
        except sqlite3.Error:
            self._reset()

    def query(
        self,
        kind: str,
        settings: str,
        test: str,
        params: list[Any],
        today: str,
        texts: Texts | None = None,
    ) -> Marked | None:
        """The records of a kind passing an SQL test, with the mark saying which listing
        (:func:`digest` of ``git ls-files -s``) the table holds exactly: the caller compares
        it with git's. None when the table is not marked, ``settings`` (a digest of
        driverparty.toml) is not vouched valid, or a record needs re-validating as of
        ``today``. Records come with dates as ISO text and unset fields as None.

        With ``texts`` (records to their text, one each, in order) the rows are (id, text)
        instead: each row's text as the table keeps it, made by ``texts`` once for a row that
        has none yet (then kept: :meth:`_keep_texts`). A listing as JSON of every field is
        then a join of texts, not a decoding and rendering of thousands of rows (issue 22)."""
        if self.db is None:
            return None
        try:
            self.db.execute("BEGIN")
            vouched = self.db.execute("SELECT value FROM meta WHERE key = 'settings'").fetchone()
            mark = self.db.execute(
                "SELECT listing, gen, stamp, files FROM synced WHERE kind = ?", (kind,)
            ).fetchone()
            columns = Columns(kind)
            found = None
            made: list[tuple[str, str, str]] = []  # (text, path, blob) of rows that had none
            if (
                vouched == (settings,)
                and mark is not None
                and mark[1] == self._gen(kind)
                and not self.db.execute(
                    f"SELECT 1 FROM {table(kind)} WHERE _latest > ? LIMIT 1", (today,)
                ).fetchone()
            ):
                if texts is None:
                    found = self.db.execute(
                        f"SELECT {columns.sql} FROM {table(kind)} WHERE {test}", params
                    ).fetchall()
                else:
                    found = self.db.execute(
                        f"SELECT id, _json FROM {table(kind)} WHERE {test}", params
                    ).fetchall()
                    if any(text is None for _, text in found):
                        missing = self.db.execute(
                            f"SELECT _path, _blob, {columns.sql} FROM {table(kind)} "
                            f"WHERE _json IS NULL AND ({test})",
                            params,
                        ).fetchall()
                        records = [columns.record(row[2:], keep_unset=True) for row in missing]
                        made = [
                            (str(text), row[0], row[1])
                            for text, row in zip(texts(records), missing, strict=True)
                        ]
                        by_id = {r["id"]: t for r, (t, _, _) in zip(records, made, strict=True)}
                        found = [(rid, by_id[rid] if text is None else text) for rid, text in found]
            self.db.execute("COMMIT")
            if found is None:
                return None
            if texts is None:
                rows: list[Any] = [columns.record(row, keep_unset=True) for row in found]
            else:
                rows = found
                self._keep_texts(kind, made)
            files = mark[3] if isinstance(mark[3], int) else None
            return Marked(str(mark[0]), int(mark[1]), mark[2], files, rows)
        except (sqlite3.Error, ValueError, TypeError, RecursionError, KeyError):
            self._reset()
            return None

    def _keep_texts(self, kind: str, made: list[tuple[str, str, str]]) -> None:
        """Keep the texts :meth:`query` made, each for the row it was made of (the same path
        and blob: a row replaced meanwhile keeps none). A text is no record data: the table's
        generation stays, and a writer holding the database is not waited for."""
        if made:
            self._unless_busy(
                f"UPDATE {table(kind)} SET _json = ? WHERE _path = ? AND _blob = ?", made
            )

    def stamp(self, kind: str, mark: Marked, stamp: str) -> None:
        """Remember that the kind's folder, as ``os.stat`` shows it by ``stamp``, held exactly
        the files of the marked listing: while the stamp holds, the folder need not be listed
        again (see :func:`query_listing`). Not waited for either."""
        self._unless_busy(
            "UPDATE synced SET stamp = ? WHERE kind = ? AND listing = ? AND gen = ?",
            [(stamp, kind, mark.listing, mark.gen)],
        )

    def _unless_busy(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """A write that only saves a later read some time: done at once, or not at all while
        another process writes the cache (the reader neither waits nor throws the cache
        away: it is whole, only busy)."""
        if self.db is None:
            return
        try:
            self.db.execute("PRAGMA busy_timeout = 0")
            try:
                self.db.execute("BEGIN IMMEDIATE")
                self.db.executemany(sql, rows)
                self.db.execute("COMMIT")
            except sqlite3.OperationalError as err:
                if err.sqlite_errorcode not in BUSY:
                    raise
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
            finally:
                self.db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        except sqlite3.Error:
            self._reset()

    def result(self, key: str) -> Any:
        """A remembered report (see ``Store.remembered``), or None."""
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT value FROM results WHERE key = ?", (key,)).fetchone()
            return json.loads(row[0]) if row else None
        except (sqlite3.Error, ValueError, TypeError):
            self._reset()
            return None

    def results(self, prefix: str) -> list[tuple[str, Any]]:
        """Every remembered report whose key starts with ``prefix``: (key, value)."""
        if self.db is None:
            return []
        try:
            rows = self.db.execute(
                "SELECT key, value FROM results WHERE substr(key, 1, ?) = ?", (len(prefix), prefix)
            ).fetchall()
            return [(str(k), json.loads(v)) for k, v in rows]
        except (sqlite3.Error, ValueError, TypeError):
            self._reset()
            return []

    def remember(self, key: str, value: Any) -> None:
        """Keep a report's figures; only the last few are kept."""
        if self.db is None:
            return
        try:
            self.db.execute("BEGIN")
            self.db.execute(
                "INSERT OR REPLACE INTO results VALUES (?, ?)",
                (key, _to_json(value)),
            )
            self.db.execute(
                "DELETE FROM results WHERE rowid NOT IN "
                "(SELECT rowid FROM results ORDER BY rowid DESC LIMIT 16)"
            )
            self.db.execute("COMMIT")
        except (sqlite3.Error, TypeError, ValueError):
            self._reset()

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


def _iso(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot cache {type(value).__name__}")


#: a value as the cache's JSON text, dates as ISO text: one encoder made once, where
#: ``json.dumps`` with options makes one a call (a fresh clone's first read makes 40,000)
_to_json = json.JSONEncoder(default=_iso, ensure_ascii=False).encode


#: the dates a record may hold after today (SPEC section 3, "Common rules"): they say nothing of
#: when the record was valid
FUTURE_DATES = frozenset({"due", "probation_extended_to"})


def _latest(record: dict[str, Any]) -> str | None:
    """The latest date a record holds (those that may lie ahead aside), to re-validate when
    today moves back."""
    dates = [v for k, v in record.items() if isinstance(v, date) and k not in FUTURE_DATES]
    for event in record.get("events") or []:
        if isinstance(event.get("on"), date):
            dates.append(event["on"])
    return max(dates).isoformat() if dates else None


def revive(record: dict[str, Any], date_fields: frozenset[str]) -> dict[str, Any]:
    """Turn a cached JSON record's ISO strings back into dates."""
    for name in date_fields:
        value = record.get(name)
        if isinstance(value, str):
            record[name] = date.fromisoformat(value)
    events = record.get("events")
    if events:
        for event in events:
            if isinstance(event.get("on"), str):
                event["on"] = date.fromisoformat(event["on"])
    return record


def query_listing(
    git: Git,
    kind: str,
    running: Running,
    where: tuple[str, list[Any]] | None,
    today: date,
    texts: Texts | None = None,
) -> list[Any] | None:
    """Issue 8's fast path: a kind's records passing an SQL test (``query.Condition.sql``),
    from the cache alone — when git shows the kind's folder as a full read last vouched for
    it: the same files with the same blob ids (``git ls-files -s``), none changed in the work
    tree (``git diff-files``; both started by ``Git.look`` and ``running``), no other record file
    beside them — and ``driverparty.toml`` is one a full read found valid. Else None, and the
    caller reads the files (``Store.load``), marking it again. Files in the folder that are
    not records (``init``'s ``.gitkeep``, a README: :func:`is_record_name`) change nothing.

    "No other file" is a count of the folder's record files against the number the mark
    holds (the listing is the one marked, so its record files number the same), or, once a
    count agreed, the folder's stat
    (inode, mtime, ctime): a name added or removed changes the folder's mtime. A stamp is kept
    only when the folder is older than :data:`SETTLED` seconds, as git treats racily clean
    files, so a change within the clock's granularity cannot hide behind it.
    Records come with dates as ISO text and unset fields as None: as output shows them; with
    ``texts``, as (id, text) pairs instead (see :meth:`RecordCache.query`). ``running`` is
    the caller's to stop: when the cache cannot answer, its full read can use it."""
    spec = KINDS[kind]
    cache = None
    stamp = present = None
    try:  # while git looks: ask the cache, then count the folder if its stamp changed
        if linked_part(git.root, spec.folder):
            return None
        folder = git.root / spec.folder
        st = os.stat(folder)
        stamp = f"{st.st_dev}:{st.st_ino}:{st.st_mtime_ns}:{st.st_ctime_ns}"
        settled = max(st.st_mtime, st.st_ctime) < time.time() - SETTLED
        settings = digest(read_bytes(git.root / "driverparty.toml"))
        test, params = where or ("1", [])
        cache = RecordCache(git.git_dir / "driverparty" / "cache.sqlite")
        found = cache.query(kind, settings, test, params, today.isoformat(), texts)
        if found is None:
            return None
        if found.stamp != stamp:
            names = os.listdir(folder)
            present = sum(1 for n in names if is_record_name(n))
        listing, changed = running.wait()
        if changed or found.listing != digest(listing):
            return None
        if present is not None:
            if present != found.files:
                return None
            if settled:
                cache.stamp(kind, found, stamp)
        return found.rows
    except (OSError, DataError):
        return None
    finally:
        if cache is not None:
            cache.close()


#: a ``git ls-files -s -z`` entry of a .toml file in a folder under records/
_TRACKED_TOML = re.compile(rb"\trecords/[^/\0]+/[^/\0]*\.toml\0")


def fingerprint(git: Git, today: date) -> str | None:
    """An id of everything a report reads — every record file as git has it, the settings,
    today and this version — or None when the work tree differs from the index (then only
    the files themselves can say). Equal fingerprints, equal figures. Needs no model: a
    remembered summary is answered without importing pydantic."""
    found = snapshot(git, today)
    return found[0] if found else None


def snapshot(git: Git, today: date) -> tuple[str, bytes] | None:
    """:func:`fingerprint`, and git's listing of records/ (``ls-files -s``) it was taken of."""
    index, changed = git.start(
        (*LISTING, "records"), ("diff-files", "-z", "--name-only", "--", "records")
    ).wait()
    if changed:
        return None
    # Every tracked file is there as git has it (diff-files said so), so the .toml files in
    # the folders under records/ are exactly the tracked ones when they are as many: else a
    # record git does not track is there (issue 22: counted, not compared name by name)
    tracked = len(_TRACKED_TOML.findall(index))
    records = git.root / "records"
    try:
        present = sum(
            1
            for folder in os.listdir(records)
            if (records / folder).is_dir()
            for name in os.listdir(records / folder)
            if name.endswith(".toml")
        )
        settings = (git.root / "driverparty.toml").read_bytes()
    except OSError:
        return None
    if present != tracked:
        return None
    h = sha1(index)
    for part in (settings, today.isoformat().encode(), __version__.encode()):
        h.update(b"\0" + part)
    return str(h.hexdigest()), index


def remembered(git: Git, today: date, key: str, compute: Callable[[], tuple[Any, bool]]) -> Any:
    """``compute()`` once per fingerprint of the repository: it returns (value, keep), and a
    value is kept (as JSON, in the cache) only when ``keep`` — figures from records that all
    read cleanly. A summary of 50,000 members is then not recounted until something changes
    (issue 8)."""
    fp = fingerprint(git, today)
    if fp is None:
        return compute()[0]
    cache = RecordCache(git.git_dir / "driverparty" / "cache.sqlite")
    try:
        full = f"{key}|{fp}"
        hit = cache.result(full)
        if hit is not None:
            return hit
        value, keep = compute()
        if keep:
            cache.remember(full, value)
        return value
    finally:
        cache.close()
