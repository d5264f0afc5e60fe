"""``import``: many records from what ``list`` writes (csv, json, jsonl), all or nothing
(SPEC section 4 "Bulk", issue 6).

Every row is checked first — its fields by the model, then the whole repository as it would
be after the import by the same cross-record checks every write runs — and any problem is
reported as ``row N: field: message``. Only a clean import is written, in one commit.
Imports driverparty.errors, personal, models, checks, store, workflows.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from driverparty.checks import Record, added_problems
from driverparty.errors import DataError, Invalid, Problem, UsageError
from driverparty.models import KINDS, validate_record
from driverparty.personal import PERSONAL_FIELDS, is_masked
from driverparty.schema import ID_RE
from driverparty.store import Store
from driverparty.tomlio import MAX_FILE_BYTES

IMPORT_FORMATS = ("csv", "json", "jsonl")


def parse_rows(text: str, fmt: str) -> list[dict[str, Any]]:
    """Rows as dicts of raw values; csv cells stay strings ("" means unset)."""
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text))
        rows = []
        try:
            if reader.fieldnames is None:
                return []
            for n, row in enumerate(reader, 1):
                if None in row:
                    raise DataError(f"row {n}: more cells than columns")
                rows.append(dict(row))
        except csv.Error as err:  # issue 9: e.g. a cell over csv's 128 KiB field limit
            raise DataError(f"row {len(rows) + 1}: not valid CSV: {err}") from None
        return rows
    try:
        if fmt == "json":
            data = json.loads(text) if text.strip() else []
            if isinstance(data, dict):
                data = [data]
        else:
            data = [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as err:
        raise DataError(f"not valid {fmt.upper()}: {err}") from None
    except RecursionError:  # issue 9: `[[[[…` thousands deep
        raise DataError(f"not valid {fmt.upper()}: nested too deeply") from None
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise DataError(f"{fmt} input must hold objects, one per record")
    return data


def typed(kind: str, row: dict[str, Any]) -> tuple[dict[str, Any], set[str], list[tuple[str, str]]]:
    """A row's values as the model takes them: (values set, fields unset, problems)."""
    fields = KINDS[kind].fields
    values: dict[str, Any] = {}
    unset: set[str] = set()
    problems: list[tuple[str, str]] = []
    for name, raw in row.items():
        if name not in fields:  # an empty cell of an unknown column says nothing
            if raw not in (None, "", []):
                problems.append((str(name), "unknown field (column)"))
            continue
        if raw is None or raw == "" or raw == []:
            unset.add(name)
            continue
        f = fields[name]
        if isinstance(raw, str):
            if f.type == "list":
                raw = [item.strip() for item in raw.split(";") if item.strip()]
            elif f.type == "events":
                try:
                    raw = json.loads(raw)
                except json.JSONDecodeError:
                    problems.append((name, "must be the JSON list that `list` writes"))
                    continue
        if name in PERSONAL_FIELDS and is_masked(raw):
            problems.append((name, "a masked value is not a real one (export with --reveal)"))
            continue
        values[name] = raw
    return values, unset, problems


def plan(
    store: Store, kind: str, rows: list[dict[str, Any]], step: Callable[[], None] | None = None
) -> tuple[list[tuple[str, str, Record]], int, int]:
    """Check every row and return the changes: (kind, id, record) per row that changes
    something, and how many are added and updated. Raises Invalid with every problem."""
    from driverparty.workflows import new_record_defaults

    records, _ = store.load()
    problems: list[Problem] = []
    changes: list[tuple[str, str, Record]] = []
    row_of: dict[str, int] = {}
    added = updated = 0
    next_number = int(store.next_id(kind).split("-")[1])
    prefix = KINDS[kind].prefix
    taken = (
        set(records.by_kind[kind])
        | records.broken[kind]
        | {str(r.get("id")) for r in rows if r.get("id")}
    )
    for n, row in enumerate(rows, 1):
        if step:
            step()
        label = f"row {n}"
        values, unset, found = typed(kind, row)
        rid = str(values.pop("id", "") or "")
        if not rid:
            while f"{prefix}-{next_number:04d}" in taken:
                next_number += 1
            rid = f"{prefix}-{next_number:04d}"
            taken.add(rid)
        elif not ID_RE.match(rid):
            found.append(("id", f"bad id {rid!r}"))
        if rid in row_of:
            found.append(("id", f"{rid} is also in row {row_of[rid]}"))
        row_of.setdefault(rid, n)
        old = records.get(kind, rid)
        if rid in records.broken[kind]:
            found.append(("id", f"{rid} exists but its file is broken; fix it first"))
        problems += [Problem(label, rid, f, m) for f, m in found]
        if not ID_RE.match(rid) or rid in records.broken[kind]:
            # still check the other fields, under an id the rules accept
            old, rid = None, f"{prefix}-0000"
        if old is None:
            data = new_record_defaults(kind, {"id": rid, **values}, store.config, store.author_name)
        else:
            data = {k: v for k, v in old.items() if k not in unset}
            data.update(values)
        model, invalid = validate_record(kind, data, store.today)
        if model is None or invalid:
            problems += [Problem(label, rid, f, m) for f, m in invalid]
            continue
        if found:
            continue
        record = model.canonical()
        if record == old:
            continue
        changes.append((kind, rid, record))
        if old is None:
            added += 1
        else:
            updated += 1
    if changes:  # rules across records, for the rows that are valid on their own
        for p in added_problems(records, changes):
            at = row_of.get(p.id or "") if p.file.startswith(KINDS[kind].folder) else None
            problems.append(Problem(f"row {at}" if at else p.file, p.id, p.field, p.message))
        # a duplicate is reported on both records; a row's own report is enough
        named = {(q.field, q.id) for q in problems if q.file.startswith("row ")}
        problems = [
            q
            for q in problems
            if q.file.startswith("row ")
            or not any((q.field, rid) in named for rid in row_of if rid in q.message)
        ]
    if problems:

        def order(p: Problem) -> tuple[int, str]:
            is_row = p.file.startswith("row ")
            return (int(p.file[4:]) if is_row else 10**9, p.field or "")

        raise Invalid(sorted(problems, key=order))
    return changes, added, updated


def import_records(
    store: Store, kind: str, text: str, fmt: str, step: Callable[[], None] | None = None
) -> tuple[int, int]:
    """Import rows into ``kind`` in one commit; (added, updated)."""
    if fmt not in IMPORT_FORMATS:
        raise UsageError(f"--format {fmt}: import reads csv, json or jsonl")
    rows = parse_rows(text, fmt)
    with store.locked():
        changes, added, updated = plan(store, kind, rows, step)
        if changes:
            store.save(
                list(changes),
                "import",
                check=False,
                subject=f"{kind} import {len(changes)} record{'s' if len(changes) != 1 else ''}",
            )
    return added, updated


def read_record(source: str) -> dict[str, Any]:
    """``--from FILE|-``: one record as TOML or JSON (by extension; ``-`` is JSON on stdin)."""
    try:
        if source == "-":
            text, fmt = sys.stdin.read(MAX_FILE_BYTES + 1), "json"
        else:
            path = Path(source)
            fmt = {".toml": "toml", ".json": "json"}.get(path.suffix.lower(), "")
            if not fmt:
                raise UsageError(f"--from {source}: give a .toml or .json file, or - for json")
            with path.open("rb") as fh:  # issue 9: one record is small; do not slurp a huge file
                raw = fh.read(MAX_FILE_BYTES + 1)
            if len(raw) > MAX_FILE_BYTES:
                raise DataError(f"--from {source}: too large (a record is at most 1 MiB)")
            text = raw.decode("utf-8")
    except OSError as err:
        raise DataError(f"--from {source}: cannot read: {err.strerror}") from None
    except UnicodeDecodeError:
        raise DataError(f"--from {source}: not UTF-8 text") from None
    try:
        data = tomllib.loads(text) if fmt == "toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as err:
        raise DataError(f"--from {source}: not valid {fmt.upper()}: {err}") from None
    except RecursionError:
        raise DataError(f"--from {source}: not valid {fmt.upper()}: nested too deeply") from None
    if not isinstance(data, dict):
        raise DataError(f"--from {source}: must hold one record (a table / an object)")
    return data
