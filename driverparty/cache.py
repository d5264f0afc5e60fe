"""A cache of parsed, validated records under ``.git/driverparty/``, keyed by git blob id.

Parsing TOML costs ~150 µs a record (7–9 s for 50,000, PERF-NOTES); git already knows which
files changed. So a record whose file is clean in the work tree and whose blob id is cached is
taken from here, and only new or changed files are parsed. The cache is never trusted over the
files: an entry is used only when its blob id equals the one git has for the file now, it is
rebuilt when missing, stale or corrupt, and a cached record is re-validated when "today" is
earlier than its latest date (``DRIVERPARTY_TODAY`` moved back). Stored as JSON, never pickle:
a repository copied from a USB drive brings its ``.git`` along, so the cache is untrusted input.
The file holds nothing the record files do not (issue 9), rows of removed files are pruned,
and it is readable by its owner only. Imports driverparty.errors only (and stdlib sqlite3).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from driverparty import __version__

if TYPE_CHECKING:
    from driverparty.gitrepo import Git

SCHEMA = f"driverparty-cache-4/{__version__}"


def blob_id(data: bytes) -> str:
    """The id git gives a file's bytes (``git hash-object``)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


#: a cached record that an ``entries(only=...)`` test says cannot match
FILTERED: dict[str, Any] = {}


class Cached:
    __slots__ = ("blob", "record", "latest")

    def __init__(self, blob: str, record: dict[str, Any] | None, latest: str | None) -> None:
        self.blob = blob
        self.record = record
        self.latest = latest


class RecordCache:
    """sqlite file of ``path → (blob, record json, latest date)`` for valid records only:
    a broken file is parsed again each time, so its problems are always today's."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db: sqlite3.Connection | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = self._open()
        except (sqlite3.Error, OSError):
            self._reset()

    def _open(self) -> sqlite3.Connection:
        fresh = not self.path.exists()
        db = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        if fresh:
            os.chmod(self.path, 0o600)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")  # a lost cache write only costs a re-parse
        db.execute("PRAGMA secure_delete=ON")  # a pruned record's bytes do not linger (issue 9)
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        # issue 9: the cache is trusted only where it was built. A copied .git (USB drive, cp -r)
        # gives the file a new inode, so a planted cache cannot vouch for records it never saw.
        here = f"{SCHEMA}@{os.stat(self.path).st_ino}"
        row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is None or row[0] != here:
            db.execute("DROP TABLE IF EXISTS records")
            db.execute("DROP TABLE IF EXISTS results")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (here,))
        db.execute(
            "CREATE TABLE IF NOT EXISTS records (path TEXT PRIMARY KEY, blob TEXT, "
            "record TEXT, latest TEXT)"
        )
        db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value TEXT)")
        return db

    def _reset(self) -> None:
        """A corrupt or unreadable cache is thrown away and rebuilt."""
        for suffix in ("", "-wal", "-shm"):
            try:
                Path(str(self.path) + suffix).unlink()
            except OSError:
                pass
        try:
            self.db = self._open()
        except (sqlite3.Error, OSError):
            self.db = None  # no cache at all: everything is parsed, nothing breaks

    def entries(self, prefix: str, only: tuple[str, list[Any]] | None = None) -> dict[str, Cached]:
        """Cached rows under ``prefix``. With ``only`` (an SQL test over ``record``, see
        ``query.Condition.sql``) a row that fails it is returned as ``FILTERED``, undecoded:
        a filtered listing of 50,000 members decodes only the ones it shows (issue 8)."""
        if self.db is None:
            return {}
        test, params = only or ("1", [])
        try:
            rows = self.db.execute(
                f"SELECT path, blob, CASE WHEN {test} THEN record END, latest FROM records "
                "WHERE path >= ? AND path < ?",
                (*params, prefix, prefix + "\uffff"),
            ).fetchall()
            out: dict[str, Cached] = {}
            for p, b, r, lt in rows:
                record = json.loads(r) if r else FILTERED
                out[p] = Cached(b, record if isinstance(record, dict) else None, lt)
            return out
        except (sqlite3.Error, ValueError, TypeError, RecursionError):
            self._reset()
            return {}

    def put(self, rows: Iterable[tuple[str, str, dict[str, Any]]]) -> None:
        if self.db is None:
            return
        data = [
            (path, blob, json.dumps(record, default=_iso, ensure_ascii=False), _latest(record))
            for path, blob, record in rows
        ]
        if not data:
            return
        try:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?)", data)
            self.db.execute("COMMIT")
        except sqlite3.Error:
            self._reset()

    def prune(self, prefix: str, keep: Mapping[str, object]) -> None:
        """Forget files that are gone, so a removed record's data does not linger here."""
        if self.db is None:
            return
        try:
            present = [
                p
                for (p,) in self.db.execute(
                    "SELECT path FROM records WHERE path >= ? AND path < ?",
                    (prefix, prefix + "\uffff"),
                )
            ]
            gone = [(p,) for p in present if p not in keep]
            if gone:
                self.db.executemany("DELETE FROM records WHERE path = ?", gone)
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

    def remember(self, key: str, value: Any) -> None:
        """Keep a report's figures; only the last few are kept."""
        if self.db is None:
            return
        try:
            self.db.execute("BEGIN")
            self.db.execute(
                "INSERT OR REPLACE INTO results VALUES (?, ?)",
                (key, json.dumps(value, default=_iso, ensure_ascii=False)),
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


def _latest(record: dict[str, Any]) -> str | None:
    """The latest date a record holds (``due`` aside), to re-validate when today moves back."""
    dates = [v for k, v in record.items() if isinstance(v, date) and k != "due"]
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


def fingerprint(git: Git, today: date) -> str | None:
    """An id of everything a report reads — every record file as git has it, the settings,
    today and this version — or None when the work tree differs from the index (then only
    the files themselves can say). Equal fingerprints, equal figures. Needs no model: a
    remembered summary is answered without importing pydantic."""
    index = git.run("ls-files", "-s", "-z", "--", "records")
    if git.changed_files("records"):
        return None
    tracked = {entry.split(b"\t", 1)[1] for entry in index.split(b"\0") if entry.endswith(b".toml")}
    records = git.root / "records"
    try:
        present = {
            f"records/{folder}/{name}".encode("utf-8", "surrogateescape")
            for folder in os.listdir(records)
            if (records / folder).is_dir()
            for name in os.listdir(records / folder)
            if name.endswith(".toml")
        }
        settings = (git.root / "driverparty.toml").read_bytes()
    except OSError:
        return None
    if present != tracked:  # a record git does not track, or one deleted but still tracked
        return None
    h = hashlib.sha1(index)
    for part in (settings, today.isoformat().encode(), __version__.encode()):
        h.update(b"\0" + part)
    return h.hexdigest()


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
