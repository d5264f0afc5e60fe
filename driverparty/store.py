"""The one loader and the one writer.

Every read of records goes through :meth:`Store.load` / :meth:`Store.read`; every change goes
through :meth:`Store.save`: validate → check against the other records → write atomically →
commit exactly the changed files, all under the repository's write lock.
Imports driverparty.errors, personal, models, tomlio, config, gitrepo, checks.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from driverparty import journal
from driverparty.cache import (
    FILTERED,
    Columns,
    RecordCache,
    Texts,
    digest,
    is_record_name,
    query_listing,
    record_count,
    remembered,
    revive,
    same_blob,
    snapshot,
)
from driverparty.checks import (
    READ_TOGETHER,
    Record,
    Records,
    added_problems,
    check_all,
    problem_order,
    referrers,
)
from driverparty.errors import (
    DataError,
    DriverpartyError,
    GitFailed,
    Invalid,
    NotARepository,
    Problem,
    RecordNotFound,
    RepoError,
    UsageError,
    WriteFailed,
    plain_os_error,
)
from driverparty.gitrepo import (
    NETWORK_TIMEOUT,
    NULL_SHA,
    Author,
    Git,
    blob_id,
    find_root,
    listing_with,
    message,
    parse_listing,
    redact,
    write_lock,
)
from driverparty.i18n import N_, _
from driverparty.personal import PERSONAL_FIELDS, is_masked
from driverparty.portable import file_mode, flush_to_disk
from driverparty.schema import ID_RE, KINDS, active_sql, id_sort_key, is_active, kind_and_id
from driverparty.tomlio import (
    MAX_FILE_BYTES,
    Unreadable,
    dumps,
    linked_part,
    loads,
    read_bytes,
    refuse_link,
)
from driverparty.tomlio import atomic_write as _atomic_write

if TYPE_CHECKING:
    from driverparty.config import Config
    from driverparty.gitrepo import Running
    from driverparty.periods import Period
    from driverparty.query import Condition

Change = tuple[str, str, Record | None]  # (kind, id, new record or None to remove)
LINK_REFUSED = N_("is a symbolic link; driverparty neither reads nor writes through links")


def id_pattern(kind: str) -> re.Pattern[str]:
    """Ids the tool assigns to a kind, ``M-0001`` … ``M-10000``; the number is group 1."""
    return re.compile(rf"{KINDS[kind].prefix}-([0-9]+)\Z")


def check_id_syntax(record_id: str) -> str:
    if not ID_RE.match(record_id):
        raise UsageError(
            _(
                "bad id {record_id!r}: letters, digits, - and _ only, at most 40, starting with a "
                "letter or digit"
            ).format(record_id=record_id)
        )
    return record_id


def refuse_masked(data: dict[str, Any]) -> None:
    """A masked value (``138****5678``, as output shows it) is never stored as a real one."""
    for name in PERSONAL_FIELDS:
        if is_masked(data.get(name)):
            raise DataError(
                _(
                    "{name}: a masked value ({data}) is not a real one; give it in full (see "
                    "--reveal)"
                ).format(name=name, data=data[name])
            )


def parse_record(
    kind: str, path: str, data: bytes, today: date
) -> tuple[Record | None, list[Problem]]:
    """Parse and validate one record file's bytes: the canonical record or None, and problems.
    (The models are imported here, not above: a read the cache answers needs no pydantic.)"""
    from driverparty.models import validate_record

    name = path.rsplit("/", 1)[-1]  # Path(path).stem, without Path's cost (a clone's first read)
    stem = name[:-5] if name.endswith(".toml") and len(name) > 5 else Path(path).stem
    try:
        raw = loads(data)
    except Unreadable as err:
        return None, [Problem(path, stem, None, str(err))]
    model, found = validate_record(kind, raw, today)
    problems = [Problem(path, stem, f, m) for f, m in found]
    found_id = getattr(model, "id", stem)
    if found_id != stem:
        problems.append(
            Problem(
                path,
                stem,
                "id",
                _("{found_id} does not match the file name {stem}").format(
                    found_id=found_id, stem=stem
                ),
            )
        )
    if problems:
        return None, problems
    assert model is not None
    return model.canonical(), []


def tally_key(name: str, day: date, period: Period | None) -> str:
    """What a remembered tally is kept under (its fingerprint is added): name, day, period."""
    span = "" if period is None else f"{period.start or ''}~{period.end}~{period.label}"
    return f"{name}|{day.isoformat()}|{span}"


def parse_tally_key(key: str) -> tuple[str, date, Period | None]:
    """:func:`tally_key` read back."""
    from driverparty.periods import Period

    name, day, span = key.split("|", 2)
    period = None
    if span:
        start, end, label = span.split("~", 2)
        since = date.fromisoformat(start) if start else None
        period = Period(since, date.fromisoformat(end), label)
    return name, date.fromisoformat(day), period


#: how many files a read must parse before it is worth parsing them on every core (issue 22:
#: a fresh clone's first ``list`` at 20,000 members); fewer cost less than starting workers
PARALLEL_FROM = 1500
#: how many parsed records a read hands the cache at a time: a fresh clone's rows go in while
#: the workers parse on, not all at the end (issue 22)
CACHE_BATCH = 1000
#: a record file read (:func:`read_record`): the record or None, its problems, whether its
#: bytes are git's blob, and then its cache row (``cache.Columns.row``), or None. From a
#: worker, a valid record the cache can hold comes as its row alone: (None, [], True, row)
Read = tuple[Record | None, list[Problem], bool, tuple[Any, ...] | None] | None
#: a record that came as its row alone, in :meth:`Store.load`, not decoded unless it passes
#: the load's test
UNDECODED: Record = {}


def read_record(
    root: Path, kind: str, rel: str, blob: str | None, today: date, columns: Columns | None = None
) -> Read:
    """Read one record file and parse it (:func:`parse_record`): the record or None, its
    problems, whether its bytes are git's ``blob`` and — with ``columns`` — the row the cache
    keeps of it when they are (made here, so that the workers of a fresh clone's first read
    make them, not the one process that writes the cache); None when it is gone."""
    try:
        data = read_bytes(os.path.join(root, rel))
    except Unreadable as err:
        return None, [Problem(rel, Path(rel).stem, None, str(err))], False, None
    except FileNotFoundError:
        return None
    record, problems = parse_record(kind, rel, data, today)
    unchanged = blob is not None and same_blob(data, blob)
    row = None
    if columns is not None and record is not None and blob is not None and unchanged:
        row = columns.row(rel, blob, record)
    return record, problems, unchanged, row


def _read_chunk(
    job: tuple[Path, str, list[tuple[str, str, str | None]], date], rows_alone: bool = False
) -> list[Read]:
    """:func:`read_record` of each file of a chunk. ``rows_alone`` (a worker's): a record the
    cache can hold comes back as its row alone, which says all the record does in plain
    values — sent back to the reading process several times quicker than a record with
    dates in it, and decoded there only if wanted (:meth:`Store.load`)."""
    root, kind, files, today = job
    columns = Columns(kind)
    reads = [read_record(root, kind, rel, blob, today, columns) for _, rel, blob in files]
    if not rows_alone:
        return reads
    return [(None, [], True, r[3]) if r is not None and r[3] is not None else r for r in reads]


def _from_row(columns: Columns, row: tuple[Any, ...], dates: frozenset[str]) -> Record:
    """The record a cache row (``Columns.row``: path, blob, latest date, the values) holds."""
    return revive(columns.record(row[3:]), dates)


def _worker_chunk(job: tuple[Path, str, list[tuple[str, str, str | None]], date]) -> list[Read]:
    return _read_chunk(job, rows_alone=True)


def read_records(
    root: Path,
    kind: str,
    files: list[tuple[str, str, str | None]],
    today: date,
    progress: Any,
) -> Iterator[Read]:
    """:func:`read_record` of each (id, path, blob), in order. Many files are parsed on every
    core, in chunks: reading, parsing and validating cost ~150 µs a record, and a fresh
    clone's first read does all of them (issue 22); records the cache can hold come back as
    their rows alone (:func:`_read_chunk`). Where worker processes cannot start, one does it."""
    workers = min(os.cpu_count() or 1, 8)
    # small chunks (~600 files of 20,000 on 2 cores): the results stream back while the
    # workers parse on, and neither worker idles long while the other ends its last chunk
    size = max(100, len(files) // (workers * 16))
    jobs = [(root, kind, files[i : i + size], today) for i in range(0, len(files), size)]
    done = 0
    if len(files) >= PARALLEL_FROM and workers > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # fork where there is one (Linux: the workers need not import anything), else spawn
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        try:
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                for chunk in pool.map(_worker_chunk, jobs):
                    progress.step(len(chunk))
                    done += 1
                    yield from chunk
            return
        except (OSError, ImportError, NotImplementedError, RuntimeError):
            pass  # no worker could start (no semaphores, say): the rest in this process
    for job in jobs[done:]:
        for read in _read_chunk(job):
            progress.step()
            yield read


class Tally(Protocol):
    """A figure that is a sum over records, such as the summary (``reports.summary_counts``):
    ``count`` gives the counts of some records, ``rows`` what is shown of them. The command
    line gives the store its tallies (``App.reader``), so that a write can carry a remembered
    figure on to the records it leaves by counting only the records it changed (issue 22)."""

    def count(
        self, records: Records, config: Config, day: date, period: Period | None
    ) -> dict[str, int]: ...

    def rows(self, counts: dict[str, int]) -> Any: ...


class Shown:
    """One record as ``get`` shows it (:meth:`Store.get`): its kind and path, the file as
    stored, the validated record (``valid``) — else the file's TOML as parsed, keys in field
    order, or None when the file is not TOML at all — and its problems. (A plain class: a
    dataclass costs ``get`` a millisecond to import.)"""

    __slots__ = ("kind", "path", "stored", "record", "problems")

    def __init__(
        self, kind: str, path: str, stored: bytes, record: Record | None, problems: list[Problem]
    ) -> None:
        self.kind = kind
        self.path = path
        self.stored = stored
        self.record = record
        self.problems = problems

    @property
    def valid(self) -> bool:
        return not self.problems


class Blobs:
    """Record files as git holds them, by blob id: read through one ``git cat-file --batch`` a
    request (nothing over 1 MiB, issue 9) and parsed once each. The one reader of git's copies
    of records, for history, diff and sync (``Store.blobs``)."""

    def __init__(self, git: Git) -> None:
        self.git = git
        self.raw: dict[str, bytes | str] = {}  # the bytes, or why not (too large, missing)
        self.parsed: dict[str, dict[str, Any] | str] = {}  # the TOML, or why not

    def load(self, shas: Iterable[str | None]) -> None:
        """Fetch these blobs, all in one go (the null id and known ones skipped)."""
        wanted = {s for s in shas if s and s != NULL_SHA and s not in self.raw}
        if wanted:
            self.raw.update(self.git.cat_blobs(wanted, MAX_FILE_BYTES))

    def data(self, sha: str) -> bytes:
        """A blob's bytes; Unreadable when it is too large to be a record, or missing."""
        self.load([sha])
        data = self.raw[sha]
        if isinstance(data, str):
            raise Unreadable(data)
        return data

    def parse(self, sha: str) -> dict[str, Any] | str | None:
        """A blob's TOML, or the reason it cannot be read; None for the null id (no file)."""
        if sha == NULL_SHA:
            return None
        if sha not in self.parsed:
            try:
                self.parsed[sha] = loads(self.data(sha))
            except Unreadable as err:
                self.parsed[sha] = str(err)
        return self.parsed[sha]

    def add(self, data: bytes) -> str:
        """Known bytes (a work-tree file), under the id git would give them; not stored."""
        sha = blob_id(data)
        self.raw[sha] = data
        return sha

    def write(self, data: bytes) -> str:
        """Store bytes as a blob in the repository (``sync`` builds commits of them)."""
        sha = self.git.hash_object(data)
        self.raw[sha] = data
        return sha


class Store:
    """One records repository, opened for one command."""

    def __init__(
        self,
        root: Path,
        today: date,
        author: Author | None = None,
        tallies: dict[str, Tally] | None = None,
    ) -> None:
        self.root = root
        self.today = today
        self.author = author
        self.tallies = tallies or {}
        self.git = Git(root, author)
        self.settings: str | None = None  # digest of driverparty.toml, once validated
        self._ready = False
        #: per kind, what the last full read found the cache to hold exactly: git's listing of
        #: the folder, its number of record files and the table's generation then. A write
        #: carries the mark on to the listing it makes (issue 22: the next list needs no read)
        self._vouched: dict[str, tuple[bytes, int, int]] = {}
        self._looking: dict[str, Running] = {}  # git's looks listings left (see _listed)

    def check_ready(self) -> None:
        """Stop early (exit 3 or 1) unless this is a git work tree whose driverparty.toml is
        valid. Every command but the fast paths below calls it first (``App.store``); those
        decide for themselves (the cache vouches for the settings it last saw valid)."""
        if self._ready:
            return
        if not self.git.is_repo():
            raise NotARepository(
                _("{root}: not a git work tree (run `git init` there)").format(root=self.root)
            )
        self.config  # noqa: B018 - a broken driverparty.toml stops every command early
        self._ready = True
        self.on_note: Callable[[str], None] | None = None  # says what was done on the way

    # --- reading --------------------------------------------------------------------------------

    @cached_property
    def config(self) -> Config:
        from driverparty.config import read_config

        config, raw = read_config(self.root)
        self.settings = digest(raw)  # valid: the cache may vouch for it
        return config

    def folder(self, kind: str) -> Path:
        return self.root / KINDS[kind].folder

    def ids(self, kind: str, ordered: bool = True) -> list[str]:
        """Ids of the record files of a kind present in the work tree, in id order (or in the
        folder's order, which is cheaper at 50,000 files). A symlinked folder holds none: it is
        never followed (issue 9; :meth:`load` reports it)."""
        if self.linked_folder(kind):
            return []
        try:
            names = os.listdir(self.folder(kind))
        except FileNotFoundError:
            return []
        ids = [n[:-5] for n in names if is_record_name(n)]
        return sorted(ids, key=id_sort_key) if ordered else ids

    def linked_folder(self, kind: str) -> str | None:
        """``records`` or ``records/<kind>s`` when it is a symbolic link (issue 9)."""
        return linked_part(self.root, KINDS[kind].folder)

    def path(self, kind: str, record_id: str) -> Path:
        return self.root / KINDS[kind].path(check_id_syntax(record_id))

    def exists(self, kind: str, record_id: str) -> bool:
        p = self.path(kind, record_id)
        return p.exists() or p.is_symlink()

    def read_bytes(self, kind: str, record_id: str) -> bytes:
        p = self.path(kind, record_id)
        rel = KINDS[kind].path(record_id)
        try:
            return read_bytes(p, root=self.root)
        except FileNotFoundError:
            raise RecordNotFound(kind, record_id) from None
        except Unreadable as err:
            raise DataError(f"{rel}: {err}") from None

    def parse(self, path: str, data: bytes) -> tuple[Record | None, list[Problem]]:
        """A record file's bytes, wherever they come from (the work tree, a commit being
        merged), parsed and validated by the one record parser: the record or None, and its
        problems. A path of no known kind is a problem."""
        found = kind_and_id(path)
        if found is None:
            return None, [Problem(path, None, None, _("not a record file of a known kind"))]
        return parse_record(found[0], path, data, self.today)

    def read(self, kind: str, record_id: str) -> Record:
        """One record, validated; a broken file is an error naming its problems."""
        data = self.read_bytes(kind, record_id)
        record, problems = parse_record(kind, KINDS[kind].path(record_id), data, self.today)
        if record is None:
            raise Invalid(problems)
        return record

    def get(self, kind: str, record_id: str) -> Shown:
        """One record to show (``get``): the file as stored, the record and its problems. A
        file the cache holds as valid (the same blob id, checked as of today) is taken from
        it without importing a model; any other is parsed and validated here. An invalid
        record comes as its parsed TOML with its problems, so the clerk sees what to fix."""
        spec = KINDS[kind]
        rel = spec.path(check_id_syntax(record_id))
        data = self.read_bytes(kind, record_id)
        blob = blob_id(data)
        cache = self._cache_or_none()
        try:
            hit = cache.entry(kind, rel) if cache else None
            if (
                hit is not None
                and same_blob(data, hit.blob)  # CRLF under core.autocrlf: git's blob all the same
                and hit.record is not None
                and (hit.latest is None or hit.latest <= self.today.isoformat())
            ):
                dates = frozenset(f.name for f in spec.fields.values() if f.type == "date")
                return Shown(kind, rel, data, revive(hit.record, dates), [])
            record, problems = parse_record(kind, rel, data, self.today)
            if record is not None:
                if cache and b"\r" not in data:  # a CRLF file's git blob is not known here
                    cache.update(kind, [(rel, blob, record)])
                return Shown(kind, rel, data, record, [])
        finally:
            if cache:
                cache.close()
        try:
            raw: Record | None = loads(data)
        except Unreadable:
            raw = None
        if raw is not None:
            order = {name: i for i, name in enumerate(spec.fields)}
            raw = dict(sorted(raw.items(), key=lambda kv: order.get(kv[0], len(order))))
        return Shown(kind, rel, data, raw, problems)

    def listing(
        self,
        kind: str,
        where: Sequence[Condition] = (),
        sort: str | None = None,
        limit: int | None = None,
        show_all: bool = False,
    ) -> tuple[list[Record], list[Problem]]:
        """The records of a kind that pass every condition (and are active, unless
        ``show_all``), sorted (``query.sort_records``) and cut to ``limit``, and the problems
        of unreadable files. When SQL can say every condition and git shows the kind's files
        as the cache last saw them, the cache answers alone and no model is imported (issue 8:
        ``cache.query_listing``; rows then hold dates as ISO text and unset fields as None);
        else every file is read, those the cache cannot vouch for parsed and validated."""
        from driverparty.query import sort_records  # here: get needs none of it (issue 8)

        fields = list(KINDS[kind].fields)
        tests = [c.sql() for c in where]
        known = [t for t in tests if t is not None]
        rows = self._listed(kind, known, show_all) if len(known) == len(tests) else None
        problems: list[Problem] = []
        if rows is None:
            self.check_ready()
            records, problems = self.load([kind], _all_of(known) if known else None)
            rows = list(records.by_kind[kind].values())
            if not show_all:
                rows = [r for r in rows if is_active(kind, r, self.today)]
            rows = [r for r in rows if all(c(r) for c in where)]
        rows = sort_records(rows, sort, fields, id_sort_key)
        if limit is not None:
            rows = rows[:limit]
        return rows, problems

    def listing_texts(
        self,
        kind: str,
        texts: Texts,
        where: Sequence[Condition] = (),
        limit: int | None = None,
        show_all: bool = False,
    ) -> list[str] | None:
        """:meth:`listing` in id order as ``texts`` writes each record (a listing as JSON of
        every field: ``output.json_rows``), from texts the cache keeps — or None when the
        cache cannot answer alone (then :meth:`listing` reads the files). A record's text is
        made once and kept in the cache beside its row (issue 22: a listing of thousands of
        members is then a join, not a rendering)."""
        tests = [c.sql() for c in where]
        if None in tests:
            return None
        found = self._listed(kind, [t for t in tests if t is not None], show_all, texts)
        if found is None:
            return None
        found.sort(key=lambda pair: id_sort_key(pair[0]))
        if limit is not None:
            found = found[:limit]
        return [text for _, text in found]

    def _listed(
        self,
        kind: str,
        tests: list[tuple[str, list[Any]]],
        show_all: bool,
        texts: Texts | None = None,
    ) -> list[Any] | None:
        """:meth:`listing`'s fast path: the cache's answer, or None when it cannot vouch.
        Then git's look at the folder, started first and working on while the cache was
        asked (and a broken settings file was found, a full read's models imported), is kept
        for the full read that follows (:meth:`_look`)."""
        running = self._looking.pop(kind, None)  # a listing's before this one
        try:  # git looks first, and works while the cache is asked
            running = running or self.git.look(KINDS[kind].folder)
        except GitFailed:
            return None  # not a repository, say: the full read says so properly
        if not show_all and (active := active_sql(kind, self.today)) is not None:
            tests = [*tests, active]
        try:
            found = query_listing(self.git, kind, running, _all_of(tests), self.today, texts)
        except GitFailed:
            running.stop()
            return None
        if found is None:
            self._looking[kind] = running
        return found

    def _look(self, kinds: list[str]) -> Running:
        """git's look at the folders of these kinds (``Git.look``): the one a listing of the
        kind started (:meth:`_listed`), else a new one; any other a listing left is stopped."""
        kept = self._looking.pop(kinds[0], None) if len(kinds) == 1 else None
        for other in self._looking.values():
            other.stop()
        self._looking.clear()
        return kept or self.git.look(*(KINDS[kind].folder for kind in kinds))

    def remembered(self, key: str, compute: Callable[[], tuple[Any, bool]]) -> Any:
        """``compute()`` (it returns the value and whether to keep it) once per fingerprint of
        the records and settings (``cache.remembered``): a summary of 50,000 members is not
        recounted, nor a model imported, until something it counts changes (issue 8)."""
        return remembered(self.git, self.today, key, compute)

    def tallied(
        self,
        name: str,
        day: date,
        period: Period | None,
        warn: Callable[[list[Problem]], None],
    ) -> tuple[Any, dict[str, int], str | None]:
        """A tally's rows, counts and the petition clock's note as of ``day`` (and for
        ``period``: ``summary``, ``rollup``): remembered per fingerprint of the records
        (:meth:`remembered`), carried on by this tool's writes, else counted from every record
        (problems go to ``warn``; then nothing is kept)."""
        tally = self.tallies[name]

        def count() -> tuple[dict[str, Any], bool]:
            records, problems = self.load()
            warn(problems)
            config = self.config
            counts = tally.count(records, config, day, period)
            value = {"rows": tally.rows(counts), "counts": counts, "note": config.clock.note()}
            return value, not problems

        value = self.remembered(tally_key(name, day, period), count)
        return value["rows"], value["counts"], value.get("note")

    def load(
        self, kinds: Iterable[str] | None = None, only: tuple[str, list[Any]] | None = None
    ) -> tuple[Records, list[Problem]]:
        """Every record of the given kinds (all by default): the readable ones and the problems
        of the broken ones, which are skipped but still count as existing for references.

        Files git sees unchanged are taken from the blob-keyed cache (``cache.py``); only new,
        changed and uncached files are read and parsed (issue 8). ``only`` (an SQL test, see
        ``query.Condition.sql``) leaves out cached records that cannot match it — for a
        listing, which reads nothing across records."""
        from driverparty.progress import Progress

        records = Records()
        problems: list[Problem] = []
        kinds = list(kinds or KINDS)
        looking = self._look(kinds)
        try:
            for other in KINDS:  # while git looks
                if other not in kinds:
                    records.present[other] = set(self.ids(other, ordered=False))
        except BaseException:
            looking.stop()
            raise
        *listings, changed = looking.wait()
        dirty: set[str] = set()
        if changed.strip(b"\0"):  # stat data may just be stale: git status looks closer
            dirty = {path for code, path in self.git.status("records") if code[1] != " "}
        cache = self._cache()
        today = self.today.isoformat()
        try:
            if self.settings:
                cache.vouch_settings(self.settings)
            for kind, listing in zip(kinds, listings, strict=True):
                spec = KINDS[kind]
                linked = self.linked_folder(kind)
                if linked:  # issue 9: never read through a link out of the repository
                    problems.append(Problem(linked, None, None, _(LINK_REFUSED)))
                    continue
                index = parse_listing(listing)
                dates = frozenset(f.name for f in spec.fields.values() if f.type == "date")
                ids = self.ids(kind, ordered=False)
                cached = cache.entries(kind, only)
                fresh: list[tuple[str, str, Record]] = []
                rows: list[tuple[Any, ...] | None] = []  # fresh's rows in the cache
                uncached = 0  # files read that the cache cannot vouch for
                progress = Progress(
                    _("reading {plural}").format(plural=spec.plural),
                    len(ids) if len(ids) > 500 else 0,
                )
                todo: list[tuple[str, str, str | None]] = []  # files the cache cannot vouch for
                for rid in ids:
                    rel = spec.path(rid)
                    blob = None if rel in dirty else index.get(rel)
                    hit = cached.get(rel) if blob else None
                    if (
                        hit is not None
                        and hit.blob == blob
                        and hit.record is not None
                        and (hit.latest is None or hit.latest <= today)
                    ):
                        progress.step()
                        if hit.record is not FILTERED:
                            records.by_kind[kind][rid] = revive(hit.record, dates)
                        continue
                    todo.append((rid, rel, blob))
                uncached = len(todo)
                columns = Columns(kind)
                wrote = False  # rows written to the cache as the workers parse on
                sent: dict[str, tuple[str, tuple[Any, ...]]] = {}  # rows a worker sent alone
                for (rid, rel, blob), read in zip(
                    todo, read_records(self.root, kind, todo, self.today, progress), strict=True
                ):
                    if read is None:
                        continue  # removed while we read
                    record, found, _unchanged, row = read
                    if record is None and row is not None:  # a worker sent the row alone
                        if only is None:
                            record = _from_row(columns, row, dates)
                        else:  # decoded below if the row passes the test, once in the cache
                            sent[rel] = (rid, row)
                            record = UNDECODED
                    if record is None:
                        problems += found
                        records.broken[kind].add(rid)
                        continue
                    if record is not UNDECODED:
                        records.by_kind[kind][rid] = record
                    # a row is made only of git's blob, not changed as we read, that sqlite can
                    # hold (read_record): it goes into the cache
                    if row is not None and blob is not None:
                        fresh.append((rel, blob, record))
                        rows.append(row)
                        uncached -= 1
                        if len(fresh) >= CACHE_BATCH:  # into the cache while the workers parse
                            cache.update(kind, fresh, prepared=rows)
                            fresh, rows, wrote = [], [], True
                progress.close()
                # the table now holds exactly the folder's record files: say so, for
                # cache.query_listing (files that are no records, a .gitkeep, do not count)
                files = record_count(index, spec.folder)
                exact = uncached == 0 and files == len(ids)
                cache.update(
                    kind,
                    fresh,
                    keep=(
                        {spec.path(i) for i in ids}
                        if len(cached) > len(ids) or fresh or wrote
                        else None
                    ),
                    listing=digest(listing) if exact else None,
                    files=files,
                    prepared=rows,
                )
                if sent and only is not None:  # the cache holds the rows: which pass?
                    passing = cache.passing(kind, only)
                    for rel, (rid, row) in sent.items():
                        if passing is None or rel in passing:
                            records.by_kind[kind][rid] = _from_row(columns, row, dates)
                gen = cache.seen.get(kind, -1)
                if exact and gen >= 0:
                    self._vouched[kind] = (listing, files, gen)
                else:
                    self._vouched.pop(kind, None)
        finally:
            cache.close()
        return records, problems

    def blobs(self) -> Blobs:
        """A reader of record files as git's commits hold them (history, diff, sync)."""
        return Blobs(self.git)

    def _cache(self) -> RecordCache:
        return RecordCache(self.git.git_dir / "driverparty" / "cache.sqlite")

    def _cache_or_none(self) -> RecordCache | None:
        """The cache, when there is a git directory to hold it."""
        try:
            return self._cache()
        except GitFailed:
            return None

    def stray_files(self) -> list[Problem]:
        """Files under records/ that are not record files of a known kind."""
        base = self.root / "records"
        problems = []
        if not base.is_dir():
            return [Problem("records", None, None, _("missing folder"))]
        folders = {KINDS[k].plural for k in KINDS}
        for entry in sorted(base.iterdir()):
            rel = f"records/{entry.name}"
            if entry.name.startswith("."):
                continue
            if entry.name not in folders or not entry.is_dir() or entry.is_symlink():
                problems.append(Problem(rel, None, None, _("not a folder of a record kind")))
                continue
            for item in sorted(entry.iterdir()):
                if item.name.startswith("."):
                    continue
                sub = f"{rel}/{item.name}"
                if not item.name.endswith(".toml"):
                    problems.append(Problem(sub, None, None, _("not a record file (*.toml)")))
                elif not ID_RE.match(item.name[:-5]):
                    problems.append(Problem(sub, None, None, _("file name is not a valid id")))
                # a folder named like a record is reported by load(), as unreadable (16.11)
        return problems

    def validate(self) -> list[Problem]:
        """Every problem in the repository: files, fields, and rules across records."""
        records, problems = self.load()
        return sorted(
            set(self.stray_files() + problems + check_all(records)),
            key=problem_order,
        )

    # --- hand edits and the repository's git settings ------------------------------------------

    def hand_edits(self) -> list[tuple[str, str, list[Problem]]]:
        """Uncommitted changes under records/ (``status``): (file, change, its problems). The
        problems are those ``commit`` finds — every file, and the rules across records (a
        duplicated phone, a reference to a removed record) — so the two never disagree; a
        file broken by a change elsewhere, or before, is listed as ``unchanged`` (16.18)."""
        by_file: dict[str, list[Problem]] = {}
        for p in self.validate():
            by_file.setdefault(p.file, []).append(p)
        names = {"M": "modified", "A": "added", "D": "deleted", "?": "untracked", "R": "renamed"}
        rows = []
        for code, path in self.git.status("records"):
            if Path(path).name.startswith("."):
                continue
            change = names.get(code.strip()[:1] or "M", "modified")
            rows.append((path, change, by_file.pop(path, [])))
        rows += [(path, "unchanged", found) for path, found in sorted(by_file.items())]
        return rows

    def commit_hand_edits(self, text: str | None) -> str | None:
        """``commit``: validate every record and commit the hand edits under records/; the
        new commit's id, or None when there is nothing to commit. Refused while anything is
        invalid."""
        with self.locked():
            problems = self.validate()
            if problems:
                raise Invalid(problems)
            paths = [p for _, p in self.git.status("records") if not Path(p).name.startswith(".")]
            if not paths:
                return None
            n = len(paths)
            subject = text or f"records edit by hand ({n} file{'s' if n != 1 else ''})"
            return self.git.commit(paths, subject + "\n")

    def install_hook(self, force: bool = False) -> Path:
        """A git pre-commit hook that runs ``driverparty validate``, and the merge driver; both
        call the ``driverparty`` on PATH, so they keep working when the tool is reinstalled."""
        hooks = self.git.git_dir / "hooks"
        hook = hooks / "pre-commit"
        for path in (hooks, hook):  # issue 16.3: never written (nor made executable) via a link
            refuse_link(path)
        hooks.mkdir(exist_ok=True)
        if hook.exists() and HOOK_MARK.encode() not in hook.read_bytes() and not force:
            raise DataError(
                _("{hook}: a pre-commit hook is there already; --force replaces it").format(
                    hook=hook
                )
            )
        self.register_merge_driver()  # (refuses its own links before the hook is written)
        readable = file_mode()
        executable = readable | ((readable & 0o444) >> 2) | stat.S_IXUSR  # x where r is let
        _atomic_write(hook, HOOK.encode(), mode=executable)
        return hook

    def register_merge_driver(self) -> None:
        """Register the record merge driver (``driverparty merge-driver``) for
        records/**/*.toml in the repository's own config and .git/info/attributes (issue 7); a
        clone's config does not travel, so ``install-hook`` and ``sync`` do it again there."""
        info = self.git.git_dir / "info"
        attributes = info / "attributes"
        # issue 16.3: git writes its config through a link too, so neither is let through
        for path in (self.git.git_dir / "config", info, attributes):
            refuse_link(path)
        self.git.run("config", "merge.driverparty.name", "driverparty record merge")
        self.git.run("config", "merge.driverparty.driver", MERGE_DRIVER)
        info.mkdir(exist_ok=True)
        line = "records/**/*.toml merge=driverparty"
        existing = attributes.read_bytes().decode("utf-8", "replace") if attributes.exists() else ""
        if line not in existing.splitlines():
            joint = "\n" if existing and not existing.endswith("\n") else ""
            _atomic_write(attributes, (existing + joint + line + "\n").encode())

    # --- ids ------------------------------------------------------------------------------------

    def next_id(self, kind: str) -> str:
        """The next free id: past the highest in the work tree and the highest ever removed, so
        no id is reused (SPEC section 3)."""
        return f"{KINDS[kind].prefix}-{self.high_water(kind) + 1:04d}"

    def high_water(self, kind: str) -> int:
        """The highest number any id of the kind has had here: in the work tree or ever
        removed (``sync`` renumbers past it and past the remote's, issue 7)."""
        pattern = id_pattern(kind)
        highest = 0
        for rid in [*self.ids(kind, ordered=False), *self._deleted_uncommitted(kind)]:
            m = pattern.match(rid)
            if m:
                highest = max(highest, int(m.group(1)))
        return max(highest, self._removed_high_water(kind, pattern))

    def _deleted_uncommitted(self, kind: str) -> list[str]:
        """Ids whose files HEAD or the index still hold but the work tree does not: a removal
        not committed yet (issue 16.1, SPEC section 3: an id is not handed out again while a
        file deleted by hand still stands in HEAD)."""
        folder = KINDS[kind].folder + "/"
        commands: list[list[str]] = [["ls-files", "-z", "--deleted", "--", folder]]
        if self.git.head() is not None:
            commands.append(
                ["diff-index", "--cached", "-z", "--name-only", "--diff-filter=D", "HEAD", "--"]
                + [folder]
            )
        ids = []
        for out in self.git.start(*commands).wait():
            for raw in out.split(b"\0"):
                name = raw.decode("utf-8", "surrogateescape").rpartition("/")[2]
                if name.endswith(".toml"):
                    ids.append(name[:-5])
        return ids

    def _removed_high_water(self, kind: str, pattern: re.Pattern[str]) -> int:
        """The highest number among ids ever removed, from git history, cached by HEAD."""
        head = self.git.head()
        if head is None:
            return 0
        cache_file = self.git.git_dir / "driverparty" / "removed-ids.json"
        # issue 16.3: a mark that is a link is neither read nor written, and one copied in
        # with a .git (another folder's inode) vouches for nothing, like the cache
        linked = cache_file.is_symlink() or cache_file.parent.is_symlink()
        try:
            where = os.stat(cache_file.parent).st_ino
            cache = {} if linked else json.loads(read_bytes(cache_file))
        except (OSError, ValueError, Unreadable):
            where, cache = -1, {}
        if not isinstance(cache, dict) or cache.get("where") != where:
            cache = {"where": where}
        entry = cache.get(kind) if isinstance(cache, dict) else None
        rev_range = head
        highest = 0
        if isinstance(entry, dict) and isinstance(entry.get("max"), int):
            if entry.get("head") == head:
                return int(entry["max"])
            old = str(entry.get("head"))
            if re.fullmatch(r"[0-9a-f]{40}", old) and self.git.is_ancestor(old, head):
                rev_range = f"{old}..{head}"
                highest = int(entry["max"])
        for line in self.git.paths_in_history("D", rev_range, KINDS[kind].folder):
            m = pattern.match(Path(line).stem) if line.endswith(".toml") else None
            if m:
                highest = max(highest, int(m.group(1)))
        cache[kind] = {"head": head, "max": highest}
        if not linked:
            try:
                cache_file.parent.mkdir(exist_ok=True)
                cache["where"] = os.stat(cache_file.parent).st_ino
                _atomic_write(cache_file, json.dumps(cache).encode(), mode=0o600)
            except (OSError, DataError):
                pass  # only a mark: the next add reads git's history again
        return highest

    # --- writing --------------------------------------------------------------------------------

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the write lock; an import killed earlier is undone first (issue 16.2)."""
        with write_lock(self.git.git_dir):
            if journal.pending(self.git):
                note = journal.settle(self.git)
                if note and self.on_note:
                    self.on_note(note)
            yield

    def finish_interrupted_sync(self) -> str | None:
        """Finish the last step of a ``sync`` that was killed while it updated the files, before
        anything reads them (issue 16.5); a line saying so, or None (nearly always: one stat)."""
        if not self.git.fast_forward_pending():
            return None
        with self.locked():
            return self.git.finish_fast_forward()

    @cached_property
    def author_name(self) -> str:
        if self.author:
            return self.author.name
        ident = self.git.text("var", "GIT_AUTHOR_IDENT", check=False).strip()
        return re.sub(r"\s*<.*$", "", ident) or "unknown"

    def validated(self, kind: str, data: dict[str, Any]) -> Record:
        from driverparty.models import validate_record

        rid = str(data.get("id", ""))
        model, found = validate_record(kind, data, self.today)
        if found or model is None:
            rel = KINDS[kind].path(rid)
            raise Invalid([Problem(rel, rid, f, m) for f, m in found])
        return model.canonical()

    def add(
        self,
        kind: str,
        data: dict[str, Any],
        record_id: str | None = None,
        prepare: Callable[[Record], Record] | None = None,
    ) -> str:
        refuse_masked(data)
        with self.locked():
            linked = self.linked_folder(kind)
            if linked:  # issue 9: before next_id, which sees no ids in a folder not followed
                raise DataError(
                    _("{linked}: {LINK_REFUSED}; nothing written").format(
                        linked=linked, LINK_REFUSED=_(LINK_REFUSED)
                    )
                )
            rid = check_id_syntax(record_id) if record_id else self.next_id(kind)
            if self.exists(kind, rid):
                raise DataError(_("{kind} {rid} exists already").format(kind=kind, rid=rid))
            body = {**data, "id": rid}
            if prepare:
                body = prepare(body)
            record = self.validated(kind, body)
            self.save([(kind, rid, record)], "add")
            return rid

    def update(
        self, kind: str, record_id: str, fields: dict[str, Any], unset: Iterable[str] = ()
    ) -> bool:
        """Set and unset fields of one record; False (and no commit) when nothing changes."""
        refuse_masked(fields)
        with self.locked():
            old = self.read(kind, record_id)
            if "id" in fields and fields["id"] != record_id:
                raise DataError(
                    _("id: cannot be changed ({record_id} → {id})").format(
                        record_id=record_id, id=fields["id"]
                    )
                )
            new = {**old, **fields}
            for name in unset:
                if name not in KINDS[kind].fields:
                    raise UsageError(
                        _("--unset {name}: {kind} has no such field").format(name=name, kind=kind)
                    )
                if KINDS[kind].fields[name].required:
                    raise DataError(_("{name}: required, cannot be unset").format(name=name))
                new.pop(name, None)
            record = self.validated(kind, new)
            if record == old:
                return False
            self.save([(kind, record_id, record)], "update")
            return True

    def change(
        self,
        kind: str,
        record_id: str,
        action: str,
        fn: Callable[[Record], Record],
        on: date | None = None,
    ) -> Record:
        """Apply a workflow function to one record and save it with ``action`` in the commit
        (and the move's date as a ``Driverparty-On`` trailer)."""
        with self.locked():
            old = self.read(kind, record_id)
            record = self.validated(kind, fn(old))
            if record == old:  # e.g. the same verification twice a day: nothing to commit
                return record
            trailers = [f"Driverparty-On: {on.isoformat()}"] if on else []
            self.save([(kind, record_id, record)], action, trailers=trailers)
            return record

    def remove(self, kind: str, record_id: str, force: bool = False) -> None:
        with self.locked():
            if not self.exists(kind, record_id):
                raise RecordNotFound(kind, record_id)
            records = None
            if not force:
                records, _problems = self.load()
                found = referrers(records, kind, record_id)
                if found:
                    raise Invalid(
                        [
                            Problem(
                                KINDS[k].path(r),
                                r,
                                f,
                                _("refers to {kind} {record_id}").format(
                                    kind=kind, record_id=record_id
                                ),
                            )
                            for k, r, f in found
                        ]
                        + [
                            Problem(
                                "",
                                record_id,
                                None,
                                _(
                                    "{kind} {record_id} is still referred to; change those "
                                    "records first or use --force"
                                ).format(kind=kind, record_id=record_id),
                            )
                        ]
                    )
            self.save([(kind, record_id, None)], "remove", check=False, loaded=records)

    @staticmethod
    def _kinds_to_check(changes: list[Change]) -> list[str]:
        """The kinds whose records a change can break: its own kinds, the kinds a rule reads
        with them (``checks.READ_TOGETHER``), and, for a removal, every kind with a field (or a
        list of ids) that can name it. Other kinds are only listed (references need their
        ids, not their contents), so a petition add need not read every member (issue 8)."""
        kinds = {kind for kind, _, _ in changes}
        for group in READ_TOGETHER:
            if kinds & group:
                kinds |= group
        for kind, _rid, record in changes:
            if record is None:
                kinds |= {k for k, spec in KINDS.items() if kind in dict(spec.references).values()}
        return [k for k in KINDS if k in kinds]

    def save(
        self,
        changes: list[Change],
        action: str,
        subject: str | None = None,
        check: bool = True,
        trailers: list[str] | None = None,
        loaded: Records | None = None,
    ) -> str:
        """Write changed records and commit exactly them, or change nothing. The caller holds
        the lock. A change that adds a problem across records (a missing reference, a duplicate
        phone, a cycle …) is refused with those problems. Remembered tallies are carried on
        from the records read for the check (or ``loaded``, the caller's own read)."""
        carried = self._remembered_tallies() if check or loaded is not None else []
        before = loaded or Records()
        if check:
            before, _problems = self.load(self._kinds_to_check(changes))
            new = added_problems(before, changes)
            if new:
                raise Invalid(new)
        paths = [KINDS[kind].path(rid) for kind, rid, _ in changes]
        folders: dict[str, str | None] = {}  # an import's 20,000 paths share one folder
        for rel in paths:  # issue 9: never write (or delete) through a symbolic link
            folder = rel.rpartition("/")[0]
            if folder not in folders:
                folders[folder] = linked_part(self.root, folder)
            linked = folders[folder] or (rel if os.path.islink(self.root / rel) else None)
            if linked:
                raise DataError(
                    _("{linked}: {LINK_REFUSED}; nothing written").format(
                        linked=linked, LINK_REFUSED=_(LINK_REFUSED)
                    )
                )
        old_bytes: dict[str, bytes | None] = {}
        for rel in paths:
            try:
                old_bytes[rel] = (self.root / rel).read_bytes()
            except OSError:
                old_bytes[rel] = None
        commit_text = commit_message(changes, action, subject, trailers)
        new_bytes = {
            rel: None if record is None else record_bytes(kind, record)
            for (kind, _rid, record), rel in zip(changes, paths, strict=True)
        }
        written: list[tuple[str, str, Record]] = []
        # issue 16.2: a write of many files (an import) keeps a journal, so that a kill at
        # any moment is undone by the next command (journal.py); an interrupt is undone here.
        bulk = len(changes) > 1
        try:
            if bulk:
                journal.begin(self.git, self.git.head(), commit_text, new_bytes, old_bytes)
            for (_kind, _rid, record), rel in zip(changes, paths, strict=True):
                data = new_bytes[rel]
                try:
                    if data is None:
                        (self.root / rel).unlink(missing_ok=True)
                    else:
                        _atomic_write(self.root / rel, data, sync=not bulk)
                        written.append((rel, blob_id(data), record or {}))
                except OSError as err:  # issue 16.15: a full disk is exit 3, said plainly
                    verb = "delete" if data is None else "write"
                    raise WriteFailed(
                        _("{rel}: cannot {verb}: {err}").format(
                            rel=rel, verb=verb, err=plain_os_error(err)
                        )
                    ) from err
            if bulk:  # one flush for an import instead of one per file (none on Windows)
                flush_to_disk(self.root / rel for rel, _, _ in written)
            sha = self.git.commit(paths, commit_text, new_bytes if bulk else None)
        except BaseException as first:
            with _signals_held():
                self._undo(first, old_bytes, paths, bulk)
            if isinstance(first, OSError) and not isinstance(first, BrokenPipeError):
                raise WriteFailed(
                    _("{first}cannot write: {first2}").format(
                        first=_failed_path(first, self.root), first2=plain_os_error(first)
                    )
                ) from first
            raise
        if bulk:
            journal.end(self.git)
        self._cache_written(changes, written)
        if carried:
            self._carry_tallies(carried, before, changes, written)
        return sha

    def _undo(
        self, first: BaseException, old_bytes: dict[str, bytes | None], paths: list[str], bulk: bool
    ) -> None:
        """Put back what a failed or interrupted save changed. A step that fails is said in a
        note on ``first``, never raised in its place: the first error is what went wrong
        (issue 16.15: a rollback on a full disk fails too)."""
        if bulk:
            try:
                journal.settle(self.git)
            except (OSError, DriverpartyError) as err:
                first.add_note(
                    _(
                        "could not undo the import yet ({err}); the next driverparty command will "
                        "finish undoing it"
                    ).format(err=_os_words(err))
                )
            return
        for rel, old in old_bytes.items():  # a failed command changes nothing
            try:
                try:
                    now: bytes | None = (self.root / rel).read_bytes()
                except FileNotFoundError:
                    now = None
                if now == old:
                    continue  # never changed (the write failed before): nothing to put back
                if old is None:
                    (self.root / rel).unlink(missing_ok=True)
                else:
                    _atomic_write(self.root / rel, old)
            except (OSError, DriverpartyError) as err:
                first.add_note(
                    _(
                        "{rel}: could not be put back as it was ({err}); see `driverparty status`"
                    ).format(rel=rel, err=_os_words(err))
                )
        if self.git.head():  # unstage what `git add` staged for the failed commit
            try:
                self.git.run(
                    "reset",
                    "-q",
                    "HEAD",
                    "--pathspec-from-file=-",
                    "--pathspec-file-nul",
                    input="".join(f"{p}\0" for p in paths).encode(),
                    check=False,
                )
            except (OSError, DriverpartyError) as err:
                first.add_note(
                    _("git's index could not be put back ({err})").format(err=_os_words(err))
                )

    def _remembered_tallies(
        self,
    ) -> list[tuple[str, date, Period | None, dict[str, Any], bytes]]:
        """The tallies remembered for the records as they are before a write: (name, day,
        period, value, git's listing of records/ then) each. Asks git only when some tally is
        remembered at all."""
        if not self.tallies:
            return []
        cache = self._cache()
        try:
            found = [
                (key, value) for name in self.tallies for key, value in cache.results(f"{name}|")
            ]
        finally:
            cache.close()
        now = snapshot(self.git, self.today) if found else None
        if now is None:
            return []
        fp, index = now
        out = []
        for key, value in found:
            what, at = key.rsplit("|", 1)
            if at == fp and isinstance(value, dict) and isinstance(value.get("counts"), dict):
                out.append((*parse_tally_key(what), value, index))
        return out

    def _carry_tallies(
        self,
        carried: list[tuple[str, date, Period | None, dict[str, Any], bytes]],
        before: Records,
        changes: list[Change],
        written: list[tuple[str, str, Record]],
    ) -> None:
        """Remember each tally of the records before the write for the records after it: its
        counts less the changed records' old counts, plus their new ones. Exact because every
        count is a sum over records (``reports.summary_counts``) and nothing but this write
        changed git's listing of records/ in between (else nothing is carried); the next
        ``summary`` then imports no model (issue 22). A tally with a note of the petition clock
        (a year with no holiday table), or whose changed records would make one, is counted
        again instead."""
        now = snapshot(self.git, self.today)
        if now is None:
            return
        fp, index = now
        moved: dict[str, str | None] = {rel: blob for rel, blob, _ in written}
        moved.update({KINDS[k].path(r): None for k, r, rec in changes if rec is None})
        if any(index != listing_with(was, moved) for *_, was in carried):
            return
        old, new = Records(), Records()
        for kind, rid, record in changes:
            if rid in before.broken[kind]:
                return
            was = before.get(kind, rid)
            if was is not None:
                old.by_kind[kind][rid] = was
            if record is not None:
                new.by_kind[kind][rid] = record
        config = self.config.model_copy()
        config.__dict__.pop("clock", None)  # a clock of its own: the years these records need
        cache = self._cache()
        try:
            for name, day, period, value, _fp in carried:
                tally = self.tallies[name]
                less = tally.count(old, config, day, period)
                more = tally.count(new, config, day, period)
                counts: dict[str, int] = value["counts"]
                if counts.keys() != less.keys() or value.get("note") or config.clock.note():
                    continue  # remembered by another version of the figures, or with a note
                counts = {k: v - less[k] + more[k] for k, v in counts.items()}
                rows = tally.rows(counts)
                cache.remember(
                    f"{tally_key(name, day, period)}|{fp}",
                    {"rows": rows, "counts": counts, "note": None},
                )
        finally:
            cache.close()

    def _cache_written(self, changes: list[Change], written: list[tuple[str, str, Record]]) -> None:
        """Cache what was just written, so the next read parses none of it; where the last
        full read found the table to hold exactly git's listing, mark it as holding the
        listing this commit made (``gitrepo.listing_with``), so the next ``list`` is answered
        from the cache alone (issue 22)."""
        cache = self._cache()
        try:
            for kind in dict.fromkeys(k for k, _rid, _rec in changes):
                spec = KINDS[kind]
                rows = [w for w in written if w[0].startswith(spec.folder + "/")]
                drop = [spec.path(r) for k, r, rec in changes if k == kind and rec is None]
                listing = files = None
                vouched = self._vouched.pop(kind, None)
                if vouched is not None:
                    before, files, cache.seen[kind] = vouched
                    index = parse_listing(before)
                    moved: dict[str, str | None] = {rel: blob for rel, blob, _ in rows}
                    moved.update(dict.fromkeys(drop))
                    files += sum(1 for rel, _blob, _rec in rows if rel not in index)
                    files -= sum(1 for rel in drop if rel in index)
                    after = listing_with(before, moved)
                    listing = digest(after)
                cache.update(kind, rows, drop=drop, listing=listing, files=files)
                gen = cache.seen.get(kind, -1)
                if listing is not None and files is not None and gen >= 0:
                    self._vouched[kind] = (after, files, gen)
        finally:
            cache.close()


def _os_words(err: BaseException) -> str:
    return plain_os_error(err) if isinstance(err, OSError) else str(err)


def _failed_path(err: OSError, root: Path) -> str:
    """``records/members/M-0061.toml: `` for an error about a file, else ""."""
    if not err.filename:
        return ""
    name = str(err.filename)
    try:
        name = str(Path(name).relative_to(root))
    except ValueError:
        pass
    return f"{name}: "


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold off Ctrl-C and SIGTERM while a rollback runs, so a second one cannot leave it
    half done (a kill still can: then the journal finishes it, issue 16.2)."""
    import signal

    held = {signal.SIGINT, getattr(signal, "SIGTERM", signal.SIGINT)}
    if not hasattr(signal, "pthread_sigmask"):  # Windows
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


GITIGNORE = "# driverparty: temporary files of interrupted writes\nrecords/**/.*.tmp\n"
#: committed by ``init`` (SPEC sections 2 and 4), so every clone has it: record files stay LF
#: under Git for Windows' ``core.autocrlf=true`` (issue 18) and merge with the record driver
GITATTRIBUTES = (
    "# driverparty: LF line ends on every platform; records merge field by field\n"
    "driverparty.toml text eol=lf\n"
    "records/**/*.toml text eol=lf merge=driverparty\n"
)
NO_IDENTITY = N_(
    "git does not know who you are (every change is a commit in your name): run "
    '`git config --global user.name "Your Name"` and '
    "`git config --global user.email you@example.org`, "
    'or give --author "Name <email>" before the command; nothing was created'
)
HOOK_MARK = "# installed by driverparty install-hook"
#: The pre-commit hook. It calls the ``driverparty`` on PATH, never a path into one virtual
#: environment, so it keeps working when the tool is reinstalled (SPEC section 4, issue 18).
#: Git runs hooks with sh, Git for Windows with its own (``driverparty`` finds
#: ``driverparty.exe`` there); UTF-8 and LF whatever the system's code page.
HOOK = f"""#!/bin/sh
{HOOK_MARK}
if ! command -v driverparty >/dev/null 2>&1; then
  echo "error: driverparty is not on PATH: install it, or commit with --no-verify" >&2
  exit 1
fi
exec driverparty --repo "$(git rev-parse --show-toplevel)" validate
"""
#: git's merge driver for record files: the ``driverparty`` on PATH, as the hook
MERGE_DRIVER = "driverparty merge-driver %O %A %B %P"


def create_repository(root: Path, county: str, code: str | None, author: Author | None) -> Path:
    """``init``: a records repository at ``root`` — git initialised if needed, driverparty.toml,
    one folder per kind of the registry, the merge driver registered — committed. Returns
    the repository's resolved path."""
    from driverparty.config import CONFIG_FILE, check_new, dump_config
    from driverparty.gitrepo import identity_missing, init_repo

    if (root / CONFIG_FILE).exists():
        raise DataError(_("{value}: already a records repository").format(value=root / CONFIG_FILE))
    # issue 16.3: nothing init writes may be a link (a dangling one would be created wherever
    # it points); refused before anything is made
    for rel in (
        CONFIG_FILE,
        ".gitignore",
        ".gitattributes",
        *(f"{kind.folder}/.gitkeep" for kind in KINDS.values()),
    ):
        linked = linked_part(root, rel) if root.is_dir() else None
        if linked:
            refuse_link(root / linked)
    check_new(county, code)
    existing = next(p for p in (root.absolute(), *root.absolute().parents) if p.is_dir())
    if identity_missing(existing, author):  # before anything is made (issue 18)
        raise RepoError(_(NO_IDENTITY))
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise RepoError(
            _("{root}: cannot create: {strerror}").format(root=root, strerror=err.strerror)
        ) from None
    init_repo(root)
    store = Store(root.resolve(), date.today(), author)
    created = [CONFIG_FILE]
    _atomic_write(root / CONFIG_FILE, dump_config(county, code))
    for kind in KINDS.values():
        keep = root / kind.folder / ".gitkeep"
        keep.parent.mkdir(parents=True, exist_ok=True)
        keep.touch()
        created.append(f"{kind.folder}/.gitkeep")
    if not (root / ".gitignore").exists():
        _atomic_write(root / ".gitignore", GITIGNORE.encode())
        created.append(".gitignore")
    attributes = root / ".gitattributes"
    had = attributes.read_bytes().decode("utf-8", "replace") if attributes.exists() else ""
    missing = "".join(
        line for line in GITATTRIBUTES.splitlines(True) if line[:-1] not in had.splitlines()
    )
    if missing:
        joint = "\n" if had and not had.endswith("\n") else ""
        _atomic_write(attributes, (had + joint + missing).encode())
        created.append(".gitattributes")
    store.register_merge_driver()
    store.git.commit(created, message(f"repository init {county}", "init"))
    return store.root


def recover_interrupted(root: Path) -> str | None:
    """Settle an import that was killed before it finished (``journal.py``), unless one is
    running now: what was done, for a ``note:``, or None. Every command calls it first, reads
    too, so nothing an unfinished import wrote is ever counted (issue 16.2)."""
    git = Git(root)
    if not journal.pending(git):
        return None
    return journal.recover(git, wait=False)


def county_repository(
    source: str,
    workdir: Path,
    timeout: float = NETWORK_TIMEOUT,
    note: Callable[[str], None] = lambda _: None,
) -> Path:
    """A county's records repository for ``rollup``: a records folder as it is, or a git
    repository (a bare one on a USB drive, any git URL) cloned shallowly into ``workdir``,
    never waiting more than ``timeout`` seconds on a silent server. A password in the URL is
    never shown (issue 24)."""
    path = Path(source).expanduser()
    try:
        settings = (path / "driverparty.toml").is_file()
        folder = path.is_dir() and not (path / "HEAD").is_file() and not (path / ".git").exists()
    except OSError:  # a name no folder can have (too long …): git may still know it as a URL
        settings = folder = False
    if settings:
        return path
    shown = redact(source)
    if folder:
        raise RepoError(
            _("{shown}: not a records repository (no driverparty.toml)").format(shown=shown)
        )
    dest = workdir / f"county{len(list(workdir.iterdir()))}"
    note(_("cloning {shown}").format(shown=shown))
    try:
        Git(workdir).clone(source, dest, timeout)
    except GitFailed as err:
        reason = str(err).removeprefix(
            _("git {args} failed: {first}").format(args="clone", first="")
        )
        raise RepoError(
            _("{shown}: cannot clone: {reason}").format(shown=shown, reason=reason)
        ) from None
    if not (dest / "driverparty.toml").is_file():
        raise RepoError(
            _("{shown}: not a records repository (no driverparty.toml)").format(shown=shown)
        )
    return dest


def _all_of(tests: list[tuple[str, list[Any]]]) -> tuple[str, list[Any]]:
    """SQL tests (``Condition.sql``) joined into one that all must pass."""
    return " AND ".join(t for t, _ in tests) or "1", [v for _, p in tests for v in p]


def record_bytes(kind: str, record: Record) -> bytes:
    """The canonical file bytes of a record (SPEC section 3)."""
    return dumps(KINDS[kind].file_dict(record))


def commit_message(
    changes: list[Change], action: str, subject: str | None = None, extra: list[str] | None = None
) -> str:
    """SPEC section 5: ``<kind> <action> <id>`` and the trailers (``gitrepo.message``);
    never personal data."""
    if subject is None:
        kind, rid, _ = changes[0]
        subject = (
            f"{kind} {action} {rid}"
            if len(changes) == 1
            else f"{kind} {action} {len(changes)} records"
        )
    records = [f"{KINDS[kind].plural}/{rid}" for kind, rid, _ in changes]
    return message(subject, action, records, extra or [])


__all__ = [
    "Author",
    "GitFailed",
    "Store",
    "commit_message",
    "find_root",
    "parse_record",
    "record_bytes",
]
