"""Field-level three-way merge of one record (issue 7): the pure logic under ``sync`` and under
git's merge driver (``driverparty merge-driver``).

A record is a flat table of fields (plus a petition's ``[[events]]`` log), so it merges field by
field: a field changed on one side only takes that side's value; a field changed on both sides
to the same value takes it; a field changed on both sides to different values is a conflict.
Two kinds of values merge inside the field:

- a list of plain values (``tags``, ``sectors``, ``amenities``) merges as a set: an item added
  on either side is in, an item removed on either side is out, ours' order first;
- a list of tables (a petition's ``events``) merges when both sides only appended to the
  base's list: the base's entries, then ours' new ones, then theirs' new ones that ours does
  not hold already. Any other change to the log on both sides (an entry edited or removed) is
  a conflict, since the log is the audit trail.

Imports driverparty.tomlio (and, only when a merged record must be ordered and validated,
driverparty.models — pydantic costs ~0.2 s, and git starts the merge driver once per file).
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import tomli_w

from driverparty.i18n import _
from driverparty.tomlio import Unreadable, dumps, loads, read_bytes

Record = dict[str, Any]


class _Missing:
    """A field absent from one version (``None`` never occurs in a TOML file)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def merge_records(
    base: Record | None, ours: Record, theirs: Record, order: Sequence[str] = ()
) -> tuple[Record, list[str]]:
    """Merge two versions of a record against their common ancestor (``None`` when both sides
    added it). Returns the merged record and the fields in conflict (ours' value is kept for
    those). Keys come in ``order`` (the model's field order) when given, else ours' order with
    theirs' new keys after them."""
    base = base or {}
    merged: Record = {}
    conflicts: list[str] = []
    keys = [*ours, *theirs, *base]
    for key in dict.fromkeys(keys):
        value, ok = merge_field(
            base.get(key, MISSING), ours.get(key, MISSING), theirs.get(key, MISSING)
        )
        if not ok:
            conflicts.append(key)
            value = ours.get(key, MISSING)
        if value is not MISSING:
            merged[key] = value
    if order:
        merged = in_order(merged, order)
        conflicts = list(in_order(dict.fromkeys(conflicts), order))
    return merged, conflicts


def in_order(record: Record, order: Sequence[str]) -> Record:
    """The record's keys in ``order`` (unknown keys last, as they were)."""
    rank = {name: i for i, name in enumerate(order)}
    return dict(sorted(record.items(), key=lambda kv: rank.get(kv[0], len(rank))))


def merge_field(base: Any, ours: Any, theirs: Any) -> tuple[Any, bool]:
    """One field's three-way merge: (value or MISSING, merged cleanly)."""
    if _same(ours, theirs):
        return ours, True
    if _same(ours, base):
        return theirs, True
    if _same(theirs, base):
        return ours, True
    lists = [v if v is not MISSING else [] for v in (base, ours, theirs)]
    if all(isinstance(v, list) for v in lists):
        b, o, t = lists
        if all(_is_plain(x) for v in lists for x in v):
            return _or_missing(_merge_set(b, o, t)), True
        if all(isinstance(x, dict) for v in lists for x in v):
            log = _merge_log(b, o, t)
            return (_or_missing(log), True) if log is not None else (MISSING, False)
    return MISSING, False


def _same(a: Any, b: Any) -> bool:
    # Types matter: TOML's 1 and 1.0, or true and 1, are different values.
    return type(a) is type(b) and a == b


def _is_plain(value: Any) -> bool:
    return isinstance(value, Hashable) and not isinstance(value, dict | list)


def _or_missing(value: list[Any]) -> Any:
    return value if value else MISSING


def _merge_set(base: list[Any], ours: list[Any], theirs: list[Any]) -> list[Any]:
    removed = {x for x in base if x not in ours or x not in theirs}
    added = [x for x in theirs if x not in base and x not in ours]
    kept = [x for x in ours if x not in removed]
    return list(dict.fromkeys(kept + added))


def _merge_log(
    base: list[dict[str, Any]], ours: list[dict[str, Any]], theirs: list[dict[str, Any]]
) -> list[dict[str, Any]] | None:
    """Both sides appended to the base's log: base, ours' new entries, theirs' new entries not
    already in ours'. Otherwise None (a conflict)."""
    n = len(base)
    if ours[:n] != base or theirs[:n] != base:
        return None
    new_ours = ours[n:]
    return base + new_ours + [e for e in theirs[n:] if e not in new_ours]


# --- one file, for git's merge driver ---------------------------------------------------------


def kind_of_path(path: str) -> str | None:
    """The record kind of ``records/<plural>/<id>.toml``, None for any other path."""
    from driverparty.schema import kind_and_id

    found = kind_and_id(path)
    return found[0] if found else None


def _today() -> date:
    given = os.environ.get("DRIVERPARTY_TODAY")
    try:
        return date.fromisoformat(given) if given else date.today()
    except ValueError:
        return date.today()


def finish_record(kind: str | None, record: Record) -> tuple[bytes, list[str]]:
    """Canonical bytes of a merged record and the problems the model finds in it (as
    ``field: message``); a record of no known kind is written as it is."""
    if kind is None:
        return dumps(record), []
    from driverparty.models import KINDS, validate_record

    spec = KINDS[kind]
    model, found = validate_record(kind, record, _today())
    if model is None or found:
        return dumps(in_order(record, list(spec.fields))), [f"{f}: {m}" for f, m in found]
    return dumps(spec.file_dict(model.canonical())), []


def conflict_text(ours: Record, theirs: Record, merged: Record, conflicts: list[str]) -> bytes:
    """The merged record with git-style markers around each field in conflict, so the clerk
    sees both values in the file (the file is not valid TOML until they choose)."""
    plain, tables = "", ""
    for key in dict.fromkeys([*merged, *conflicts]):
        value = merged.get(key, MISSING)
        is_table = _is_table_list(ours.get(key)) or _is_table_list(theirs.get(key))
        if key in conflicts:
            text = (
                "<<<<<<< ours\n"
                + _one(key, ours.get(key, MISSING))
                + "=======\n"
                + _one(key, theirs.get(key, MISSING))
                + ">>>>>>> theirs\n"
            )
        else:
            text = _one(key, value)
        if is_table:
            tables += text
        else:
            plain += text
    return (plain + tables).encode("utf-8")


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _one(key: str, value: Any) -> str:
    if value is MISSING:
        return ""
    if _is_table_list(value):
        return dumps({key: value}).decode("utf-8")
    return tomli_w.dumps({key: value})


def merge_files(
    base_file: str, ours_file: str, theirs_file: str, path: str
) -> tuple[int, list[str]]:
    """git's merge driver for one record file: merge ``theirs_file`` into ``ours_file`` (which
    receives the result) against ``base_file``. Returns (exit code, error lines): 0 when merged
    cleanly, 1 on a conflict or an unreadable version (``ours_file`` then holds the fields in
    conflict between markers, or is left as it was)."""
    name = path or ours_file
    try:  # the same reader as every record: no links, nothing over 1 MiB (SECURITY.md)
        raw = [read_bytes(Path(f)) for f in (base_file, ours_file, theirs_file)]
    except Unreadable as err:
        return 1, [_("{name}: cannot merge field by field: {err}").format(name=name, err=err)]
    except OSError as err:
        return 1, [
            _("{name}: cannot read a version to merge: {reason}").format(
                name=name, reason=err.strerror
            )
        ]
    try:
        base = loads(raw[0]) if raw[0].strip() else None
        ours, theirs = loads(raw[1]), loads(raw[2])
    except Unreadable as err:
        return 1, [_("{name}: cannot merge field by field: {err}").format(name=name, err=err)]
    if base is None and ours != theirs:
        # Added on both sides under one name: two different records, not two versions of
        # one (sync renumbers ours; a plain git pull leaves it to the clerk).
        return 1, [
            _("conflict: {name}: added on both sides with different content").format(name=name)
        ]
    merged, conflicts = merge_records(base, ours, theirs)
    if conflicts:
        Path(ours_file).write_bytes(conflict_text(ours, theirs, merged, conflicts))
        return 1, [
            _("conflict: {path}: {name}").format(path=name, name=field) for field in conflicts
        ]
    if merged == ours:
        return 0, []
    if merged == theirs:
        Path(ours_file).write_bytes(raw[2])
        return 0, []
    data, problems = finish_record(kind_of_path(path), merged)
    Path(ours_file).write_bytes(data)
    if problems:
        return 1, [
            _("{name}: the merged record is invalid: {problem}").format(name=name, problem=p)
            for p in problems
        ]
    return 0, []
