"""``import``: many records from what ``list`` writes and from an office's spreadsheet
(csv, tsv, json, jsonl, xlsx), all or nothing (SPEC section 4 "Bulk" and section 7; issues 6
and 19).

Reading goes in three steps. The file becomes a table of raw cells (``sheets`` decodes text
and opens workbooks); its header row is matched to fields by name, Chinese label or alias (one
error line for every column that names nothing); each cell is typed as the model takes it —
Chinese code words, 是/否, the date forms of offices, numbers from a workbook — and refused with
its value shown (masked when personal) when it cannot be. Then every row is checked, by the
model and across records by the checks every write runs, and a clean import is one commit.
Imports driverparty.errors, personal, models, checks, store, workflows, sheets.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from driverparty.checks import Record, Records, added_problems
from driverparty.errors import DataError, Invalid, Problem, UsageError
from driverparty.i18n import N_, _
from driverparty.models import KINDS, validate_record
from driverparty.personal import PERSONAL_FIELDS, is_masked
from driverparty.schema import ID_RE, FieldInfo
from driverparty.sheets import FORMULA_START, column_letters, decode, read_xlsx
from driverparty.store import Store
from driverparty.tomlio import MAX_FILE_BYTES

IMPORT_FORMATS = ("csv", "tsv", "json", "jsonl", "xlsx")
EXTENSIONS = {f".{f}": f for f in IMPORT_FORMATS}
#: rows that share a field and a message beyond this many are counted, not listed (SPEC §7)
MAX_SAME = 20


@dataclass(frozen=True)
class Source:
    """What ``import`` reads: the bytes, how to read them, and the name messages use."""

    name: str
    data: bytes
    fmt: str
    encoding: str | None = None
    sheet: str | None = None
    ignore: tuple[str, ...] = ()


@dataclass
class Table:
    """A file's rows as field → raw cell, each with its row number (data rows count from 1:
    row N is line N+1 of a csv file, spreadsheet row N+1 of a workbook)."""

    rows: list[tuple[int, dict[str, Any]]]
    #: (row, field) → formula text, for workbook cells that hold a formula
    formulas: dict[tuple[int, str], str]


def _quiet(text: str) -> None:
    pass


# --- reading ---------------------------------------------------------------------------------


def read_table(kind: str, src: Source, note: Callable[[str], None] = _quiet) -> Table:
    """The rows of ``src`` keyed by field, or one error for the header (SPEC section 7).
    ``note`` hears what is worth saying on stderr (``read FILE as GB18030``)."""
    formulas: dict[tuple[int, int], str] = {}
    if src.fmt == "xlsx":
        if src.encoding:
            raise UsageError(_("--encoding: an xlsx workbook says its own encoding"))
        sheet = read_xlsx(src.data, src.name, src.sheet)
        grid: list[tuple[int, list[Any]]] = [
            (i, row) for i, row in enumerate(sheet.rows, 1) if any(v != "" for v in row)
        ]
        if not grid:
            return Table([], {})
        top = grid[0][0]
        headers = [_text_of(v) for v in grid[0][1]]
        body = [(i - top, row) for i, row in grid[1:]]
        formulas = {(r - top, c - 1): f for (r, c), f in sheet.formulas.items() if r > top}
        objects = None
        quoted = False
    else:
        if src.sheet:
            raise UsageError(
                _("--sheet: only an xlsx workbook has sheets, not {fmt}").format(fmt=src.fmt)
            )
        text, said = decode(src.data, src.name, src.encoding)
        if said:
            note(said)
        if src.fmt in ("csv", "tsv"):
            headers, body = _delimited(text, src.fmt)
            objects = None
        else:
            objects = _objects(text, src.fmt)
            headers = list(dict.fromkeys(str(k) for obj in objects for k in obj))
            body = []
        quoted = src.fmt in ("csv", "tsv")
    mapping = map_columns(kind, src.name, headers, src.ignore, body, note)
    if objects is not None:
        named = {headers[i]: f for i, f in mapping}
        rows = [
            (n, {named[str(k)]: v for k, v in obj.items() if str(k) in named})
            for n, obj in enumerate(objects, 1)
        ]
        return Table(rows, {})
    rows = []
    width = len(headers)
    for n, cells in body:
        if len(cells) > width and any(_text_of(v).strip() for v in cells[width:]):
            raise DataError(_("row {n}: more cells than columns").format(n=n))
        values: dict[str, Any] = {}
        for i, name in mapping:
            raw = cells[i] if i < len(cells) else ""
            if quoted and len(raw) > 1 and raw[0] == "'" and raw[1] in FORMULA_START:
                raw = raw[1:]  # SPEC section 4: what `list` quoted against formulas
            values[name] = raw
        rows.append((n, values))
    by_field = dict(mapping)
    cells_with_formulas = {(r, by_field[c]): f for (r, c), f in formulas.items() if c in by_field}
    return Table(rows, cells_with_formulas)


def _delimited(text: str, fmt: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="," if fmt == "csv" else "\t")
    body: list[tuple[int, list[str]]] = []
    headers: list[str] | None = None
    try:
        for cells in reader:
            if headers is None:
                if any(c.strip() for c in cells):
                    headers = cells
                continue
            n = len(body) + 1
            body.append((n, cells))
    except csv.Error as err:  # issue 9: e.g. a cell over csv's 128 KiB field limit
        raise DataError(
            _("row {value}: not valid {upper}: {err}").format(
                value=len(body) + 1, upper=fmt.upper(), err=err
            )
        ) from None
    body = [(n, cells) for n, cells in body if any(c.strip() for c in cells)]
    return headers or [], body


def _objects(text: str, fmt: str) -> list[dict[str, Any]]:
    try:
        if fmt == "json":
            data = json.loads(text) if text.strip() else []
            if isinstance(data, dict):
                data = [data]
        else:
            data = [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as err:
        raise DataError(_("not valid {upper}: {err}").format(upper=fmt.upper(), err=err)) from None
    except RecursionError:  # issue 9: `[[[[…` thousands deep
        raise DataError(
            _("not valid {upper}: nested too deeply").format(upper=fmt.upper())
        ) from None
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise DataError(_("{fmt} input must hold objects, one per record").format(fmt=fmt))
    return data


# --- headers ---------------------------------------------------------------------------------


def _key(header: str) -> str:
    """A header as matched: no spaces or line breaks anywhere (Excel wraps long headers), no
    required-marks (姓名*), English case ignored."""
    return re.sub(r"[\s*＊]", "", header).lower()


def column_names(kind: str) -> dict[str, str]:
    """Every header a column of ``kind`` may have → its field: the field's name, its Chinese
    label as ``--lang zh`` tables show it, and the aliases the model gives it."""
    names: dict[str, str] = {}
    for f in KINDS[kind].fields.values():
        for name in (f.name, f.zh, *f.aliases):
            names.setdefault(_key(name), f.name)
    return names


def accepted_names(kind: str) -> str:
    """``name (姓名, 党员姓名, 司机姓名); gender (性别); …``: what a header may say."""
    return "; ".join(
        f"{f.name} ({', '.join(dict.fromkeys((f.zh, *f.aliases)))})"
        for f in KINDS[kind].fields.values()
    )


def map_columns(
    kind: str,
    source: str,
    headers: Sequence[str],
    ignore: Sequence[str],
    body: Sequence[tuple[int, Sequence[Any]]],
    note: Callable[[str], None] = _quiet,
) -> list[tuple[int, str]]:
    """(column index, field) of each column read; every column that names nothing, or names a
    field another column names too, is refused in one line."""
    names = column_names(kind)
    skip = {_key(i) for i in ignore}
    for given in ignore:
        if _key(given) not in {_key(h) for h in headers}:
            note(
                _("--ignore {given}: {source} has no such column").format(
                    given=given, source=source
                )
            )
    mapping: list[tuple[int, str]] = []
    unknown: list[str] = []
    seen: dict[str, str] = {}
    twice: list[str] = []
    for i, header in enumerate(headers):
        key = _key(header)
        if key in skip:
            continue
        if not key:
            if any(i < len(cells) and _text_of(cells[i]).strip() for _, cells in body):
                unknown.append(
                    _("column {column_letters} (no header)").format(
                        column_letters=column_letters(i + 1)
                    )
                )
            continue
        field = names.get(key)
        if field is None:
            unknown.append(header.strip())
        elif field in seen:
            twice.append(
                _("{seen} and {strip} both name {field}").format(
                    seen=seen[field], strip=header.strip(), field=field
                )
            )
        else:
            seen[field] = header.strip()
            mapping.append((i, field))
    if unknown:
        what = (
            _("column names")
            if len(unknown) == 1
            else _("{unknown} columns name").format(unknown=len(unknown))
        )
        title = ""
        if [_key(h) for h in headers if _key(h)] == [_key(unknown[0])]:  # one cell: a title
            title = _("; a title above the headers? the first row must hold the headers")
        raise DataError(
            _(
                "{source}: {what} no {kind} field: {unknown} (skip a column with --ignore "
                "COLUMN{title}); a column is named by its field, its Chinese label or an alias: "
                "{kind2}"
            ).format(
                source=source,
                what=what,
                kind=kind,
                unknown=", ".join(unknown),
                title=title,
                kind2=accepted_names(kind),
            )
        )
    if twice:
        raise DataError(
            _("{source}: columns {twice}: keep one (or --ignore one)").format(
                source=source, twice="; ".join(twice)
            )
        )
    return mapping


# --- values ----------------------------------------------------------------------------------

_DATE = re.compile(
    r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?"
    r"(?:\s+0?0:00(?::00)?)?"
)
_SCIENTIFIC = re.compile(r"[0-9](?:\.[0-9]+)?[eE]\+?[0-9]+")
_BOOLS = {"true": True, "false": False, "是": True, "否": False, "1": True, "0": False}
_LIST_SPLIT = re.compile(r"[;；]")
_CODE_LIST_SPLIT = re.compile(r"[;；,，、]")
DATE_FORMS = N_("2025-03-05, 2025/3/5, 2025.3.5 or 2025年3月5日")
RETYPE = N_("format the column as text (设置单元格格式 → 文本) and enter the numbers again")
#: refusals fixed once, translated where they are said (``{retype}``: :data:`RETYPE`)
NUMBER_CELL = N_("a number cell, which keeps only 15 digits: {retype}")
SCIENTIFIC = N_("a number in scientific notation, its last digits lost: {retype}")
FORMULA = N_("a formula, not a value: type the value itself (or paste as values)")


class Refused(ValueError):
    """A cell that cannot be typed; its message says why."""


def _text_of(value: Any) -> str:
    """A raw cell as text, the way a spreadsheet shows it."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.15g}"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ";".join(_text_of(v) for v in value)
    return str(value)


def _whole(value: float) -> int | None:
    return int(value) if value.is_integer() else None


def to_date(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise Refused(_("a date and a time: give the date alone"))
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise Refused(
            _("a number, not a date: format the column as a date, or write {DATE_FORMS}").format(
                DATE_FORMS=_(DATE_FORMS)
            )
        )
    if not isinstance(value, str):
        raise Refused(_("must be a date written {DATE_FORMS}").format(DATE_FORMS=_(DATE_FORMS)))
    m = _DATE.fullmatch(value)
    if m is None:
        raise Refused(_("must be a date written {DATE_FORMS}").format(DATE_FORMS=_(DATE_FORMS)))
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise Refused(_("not a real date")) from None


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    found = _BOOLS.get(str(value).strip().lower())
    if found is None:
        raise Refused(_("must be true or false (是 or 否, 1 or 0)"))
    return found


def to_number(value: Any, whole: bool) -> Any:
    if isinstance(value, float) and whole:
        n = _whole(value)
        return value if n is None else n  # the model says a fraction is no whole number
    return value


def code_reader(f: FieldInfo) -> Callable[[str], str]:
    """A code of ``f`` from its code or its Chinese word (正式党员 → full)."""
    words = {**{c.lower(): c for c in f.choices}, **{w: c for c, w in f.codes_zh.items()}}
    offer = ", ".join(f"{f.codes_zh[c]} ({c})" if c in f.codes_zh else c for c in f.choices)

    def read(value: str) -> str:
        code = words.get(value) or words.get(value.lower())
        if code is None:
            raise Refused(_("must be one of {offer}").format(offer=offer))
        return code

    return read


def to_text(f: FieldInfo, value: Any) -> str:
    """A text field's value from a cell that may hold a number, a date or a bool."""
    if isinstance(value, str):
        if f.name in PERSONAL_FIELDS and _SCIENTIFIC.fullmatch(value):
            raise Refused(_(SCIENTIFIC).format(retype=_(RETYPE)))
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        n = _whole(float(value))
        if f.name == "id_number":
            raise Refused(_(NUMBER_CELL).format(retype=_(RETYPE)))
        if f.name == "phone":  # 11 digits fit in a number: the model checks the rest
            if n is None:
                raise Refused(_(NUMBER_CELL).format(retype=_(RETYPE)))
            return str(n)
        return str(n) if n is not None else repr(value)
    return _text_of(value)


def typer(kind: str) -> Callable[[str, Any], Any]:
    """The function that types one raw cell of ``kind`` (a field's name, the raw value) into
    what the model takes, or raises Refused."""
    fields = KINDS[kind].fields
    codes = {n: code_reader(f) for n, f in fields.items() if f.choices}

    def typed_value(name: str, raw: Any) -> Any:
        f = fields[name]
        if isinstance(raw, str):
            # an id keeps a line break it ends with, so the id check refuses it (issue 16.13);
            # the spaces a spreadsheet cell carries go
            raw = raw.strip(" \t\u3000") if name == "id" else raw.strip()
        if f.type == "date":
            return to_date(raw)
        if f.type == "bool":
            return to_bool(raw)
        if f.type in ("int", "float"):
            return to_number(raw, f.type == "int")
        if f.type == "events":
            if isinstance(raw, str):
                try:
                    return json.loads(raw)
                except json.JSONDecodeError:
                    raise Refused(_("must be the JSON list that `list` writes")) from None
            return raw
        if f.type == "list":
            if isinstance(raw, str):
                split = _CODE_LIST_SPLIT if f.choices else _LIST_SPLIT
                raw = [item.strip() for item in split.split(raw) if item.strip()]
            elif not isinstance(raw, list):
                raw = [_text_of(raw)]
            if f.name in codes:
                return [codes[f.name](str(item)) for item in raw]
            return raw
        if f.name in codes:
            return codes[name](to_text(f, raw))
        return to_text(f, raw)

    return typed_value


def typed(
    kind: str, row: dict[str, Any], typed_value: Callable[[str, Any], Any] | None = None
) -> tuple[dict[str, Any], set[str], list[tuple[str, str]]]:
    """A row's values as the model takes them: (values set, fields unset, problems)."""
    fields = KINDS[kind].fields
    typed_value = typed_value or typer(kind)
    values: dict[str, Any] = {}
    unset: set[str] = set()
    problems: list[tuple[str, str]] = []
    for name, raw in row.items():
        if name not in fields:  # json keys the caller did not map
            if raw not in (None, "", []):
                problems.append((str(name), _("unknown field (column)")))
            continue
        if raw is None or raw == [] or (isinstance(raw, str) and not raw.strip()):
            unset.add(name)
            continue
        if name in PERSONAL_FIELDS and is_masked(raw):
            problems.append((name, _("a masked value is not a real one (export with --reveal)")))
            continue
        try:
            values[name] = typed_value(name, raw)
        except Refused as err:
            problems.append((name, str(err)))
    return values, unset, problems


# --- errors as SPEC section 7 shows them -------------------------------------------------------


def mask_refused(text: str) -> str:
    """A refused personal value: all but its first 3 and last 2 characters as ``*``."""
    if len(text) <= 5:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 5) + text[-2:]


def shown(field: str, raw: Any) -> str:
    """A refused cell as an error line shows it: quoted, masked when personal, short, and
    with characters a terminal would act on written as escapes."""
    text = _text_of(raw).strip()
    if field in PERSONAL_FIELDS:
        text = mask_refused(text)
    if len(text) > 40:
        text = text[:39] + "…"
    escaped = "".join(
        ch if ch.isprintable() and ch != '"' else f"\\u{ord(ch):04x}" if ch != '"' else '\\"'
        for ch in text
    )
    return f'"{escaped}"'


#: ids in a message ("also used by M-0003") are like the value: rows that differ only in them
#: share a message (a roster imported twice is two lines of dupes, not one per row)
_RECORD_IDS = re.compile(r"\b([A-Z])-[0-9]+\b")


def grouped(problems: list[Problem], value_of: Callable[[str, str], Any]) -> list[Problem]:
    """Problems with the refused value after each message, and at most ``MAX_SAME`` rows per
    field and message (ids in it aside): the rest counted in one line (SPEC section 7)."""
    counts: dict[tuple[str | None, str], int] = {}
    for p in problems:
        key = (p.field, _RECORD_IDS.sub(r"\1-…", p.message))
        counts[key] = counts.get(key, 0) + 1
    out: list[Problem] = []
    listed: dict[tuple[str | None, str], int] = {}
    for p in problems:
        key = (p.field, _RECORD_IDS.sub(r"\1-…", p.message))
        listed[key] = listed.get(key, 0) + 1
        if listed[key] > MAX_SAME:
            continue
        raw = value_of(p.file, (p.field or "").split("[")[0].split(".")[0])
        message = p.message
        if raw is not None and p.field != "events":
            text = shown(p.field or "", raw)
            if text.strip('"') not in message:
                message = f"{message}: {text}"
        out.append(Problem(p.file, p.id, p.field, message))
    for (fld, message), n in counts.items():
        if n > MAX_SAME:
            out.append(
                Problem(_("... and {n} more rows").format(n=n - MAX_SAME), None, fld, message)
            )
    return out


# --- the import ------------------------------------------------------------------------------


def names_to_ids(
    records: Records, kind: str, file_ids: set[str]
) -> Callable[[dict[str, Any]], list[tuple[str, str]]]:
    """A row's references given by name (所属支部: 滴滴出行贺州办事处党支部, as a roster has
    it) turned into ids, in place, when exactly one record of the kind has that name; an id,
    and a name that is no record's, are left for the reference check. Returns the problems of
    names that several records have."""
    refs = {f.name: f.ref for f in KINDS[kind].fields.values() if f.ref}
    index: dict[str, dict[str, list[str]]] = {}

    def ids_named(target: str, name: str) -> list[str]:
        if target not in index:
            named: dict[str, list[str]] = {}
            for rid, rec in records.by_kind[target].items():
                if isinstance(rec.get("name"), str):
                    named.setdefault(rec["name"], []).append(rid)
            index[target] = named
        return index[target].get(name, [])

    def one(target: str, value: str) -> tuple[str, str | None]:
        """The id a reference names, or it as it was and the problem."""
        if records.exists(target, value) or (target == kind and value in file_ids):
            return value, None
        ids = ids_named(target, value)
        if len(ids) == 1:
            return ids[0], None
        if not ids and not ID_RE.match(value):
            return value, _("no {target} has this id or name").format(target=target)
        if ids:
            plural = KINDS[target].plural
            return value, _("{ids} {plural} have this name: give the id").format(
                ids=len(ids), plural=plural
            )
        return value, None

    def resolve(values: dict[str, Any]) -> list[tuple[str, str]]:
        problems = []
        for name, target in refs.items():
            value = values.get(name)
            if isinstance(value, str):
                values[name], problem = one(target or kind, value)
                if problem:
                    problems.append((name, problem))
            elif isinstance(value, list):  # a list of references (an activity's participants)
                found = [one(target or kind, v) if isinstance(v, str) else (v, None) for v in value]
                values[name] = [v for v, _p in found]
                problems += [(name, f"{v}: {p}") for v, p in found if p]
        return problems

    return resolve


def plan(
    store: Store,
    kind: str,
    rows: list[tuple[int, dict[str, Any]]],
    step: Callable[[], None] | None = None,
    formulas: dict[tuple[int, str], str] | None = None,
) -> tuple[list[tuple[str, str, Record]], int, int]:
    """Check every row and return the changes: (kind, id, record) per row that changes
    something, and how many are added and updated. Raises Invalid with every problem."""
    from driverparty.workflows import new_record_defaults

    records, _problems = store.load()
    problems: list[Problem] = []
    changes: list[tuple[str, str, Record]] = []
    row_of: dict[str, int] = {}
    added = updated = 0
    next_number = int(store.next_id(kind).split("-")[1])
    prefix = KINDS[kind].prefix
    typed_value = typer(kind)
    formulas = formulas or {}
    taken = (
        set(records.by_kind[kind])
        | records.broken[kind]
        | {str(r.get("id")).strip() for _, r in rows if r.get("id")}
    )
    by_name = names_to_ids(records, kind, taken)
    for n, row in rows:
        if step:
            step()
        label = f"row {n}"
        calculated = [name for name in row if (n, name) in formulas] if formulas else []
        for name in calculated:  # its value is not what the clerk typed: not typed at all
            row = {k: v for k, v in row.items() if k != name}
        values, unset, found = typed(kind, row, typed_value)
        found += [(name, _(FORMULA)) for name in calculated]
        found += by_name(values)
        refused = {f for f, _ in found}
        rid = str(values.pop("id", "") or "")
        if not rid:
            while f"{prefix}-{next_number:04d}" in taken:
                next_number += 1
            rid = f"{prefix}-{next_number:04d}"
            taken.add(rid)
        elif not ID_RE.match(rid):
            found.append(("id", _("bad id {rid!r}").format(rid=rid)))
        if rid in row_of:
            found.append(("id", _("{rid} is also in row {row}").format(rid=rid, row=row_of[rid])))
        row_of.setdefault(rid, n)
        old = records.get(kind, rid)
        if rid in records.broken[kind]:
            found.append(
                ("id", _("{rid} exists but its file is broken; fix it first").format(rid=rid))
            )
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
            # a cell refused above is not reported again as missing
            problems += [Problem(label, rid, f, m) for f, m in invalid if f not in refused]
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

        cells = {f"row {n}": row for n, row in rows}
        given_as = {(f"row {n}", name): formula for (n, name), formula in formulas.items()}

        def value_of(label: str, name: str) -> Any:
            """The cell a problem is about, as the file holds it (a formula as its text)."""
            if (label, name) in given_as:
                return given_as[(label, name)]
            raw = cells.get(label, {}).get(name)
            return None if raw in ("", []) else raw

        raise Invalid(grouped(sorted(problems, key=order), value_of))
    return changes, added, updated


def import_records(
    store: Store, kind: str, src: Source, note: Callable[[str], None] | None = None
) -> tuple[int, int]:
    """Import the rows of ``src`` into ``kind`` in one commit; (added, updated). ``note``
    hears what the reader wants said on stderr (``read FILE as GB18030``)."""
    from driverparty.progress import Progress

    if src.fmt not in IMPORT_FORMATS:
        raise UsageError(
            _("--format {fmt}: import reads {IMPORT_FORMATS}").format(
                fmt=src.fmt, IMPORT_FORMATS=", ".join(IMPORT_FORMATS)
            )
        )
    table = read_table(kind, src, note or _quiet)
    with (
        store.locked(),
        Progress(_("checking {kind}s").format(kind=kind), len(table.rows)) as progress,
    ):
        changes, added, updated = plan(store, kind, table.rows, progress.step, table.formulas)
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
                raise UsageError(
                    _("--from {source}: give a .toml or .json file, or - for json").format(
                        source=source
                    )
                )
            with path.open("rb") as fh:  # issue 9: one record is small; do not slurp a huge file
                raw = fh.read(MAX_FILE_BYTES + 1)
            if len(raw) > MAX_FILE_BYTES:
                raise DataError(
                    _("--from {source}: too large (a record is at most 1 MiB)").format(
                        source=source
                    )
                )
            text = raw.decode("utf-8-sig")  # Notepad's byte-order mark (SPEC section 7)
    except OSError as err:
        raise DataError(
            _("--from {source}: cannot read: {strerror}").format(
                source=source, strerror=err.strerror
            )
        ) from None
    except UnicodeDecodeError:
        raise DataError(_("--from {source}: not UTF-8 text").format(source=source)) from None
    try:
        data = tomllib.loads(text) if fmt == "toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as err:
        raise DataError(
            _("--from {source}: not valid {upper}: {err}").format(
                source=source, upper=fmt.upper(), err=err
            )
        ) from None
    except RecursionError:
        raise DataError(
            _("--from {source}: not valid {upper}: nested too deeply").format(
                source=source, upper=fmt.upper()
            )
        ) from None
    if not isinstance(data, dict):
        raise DataError(
            _("--from {source}: must hold one record (a table / an object)").format(source=source)
        )
    return data
