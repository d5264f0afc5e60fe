"""Rows → table, json, jsonl, csv, tsv or an xlsx workbook; masking of personal data;
Chinese labels.

Rows hold English field names and codes; only here are they masked (unless ``reveal``) and,
for tables and workbooks under ``--lang zh``, translated. csv and tsv quote a text cell a
spreadsheet would run as a formula (SPEC section 4); a workbook holds it as text. The only module
that imports tabulate. Imports driverparty.personal, driverparty.labels, driverparty.sheets (and
driverparty.schema, lazily, for field labels).
"""

from __future__ import annotations

import json
import re
import unicodedata
from json.encoder import py_encode_basestring

try:  # json's C string writer (what json.dumps uses with ensure_ascii=False)
    from _json import encode_basestring
except ImportError:  # pragma: no cover - another Python: json's own Python one
    encode_basestring = py_encode_basestring
from collections.abc import Callable, Iterable, Sequence
from datetime import date, time
from functools import cache
from typing import TYPE_CHECKING, Any

from driverparty.labels import ZH
from driverparty.personal import has_numbers, mask, mask_error, mask_text_tree, mask_tree
from driverparty.sheets import FORMULA_START  # sheets loads its libraries only when asked

if TYPE_CHECKING:
    from driverparty.store import Shown

FORMATS = ("table", "json", "jsonl", "csv", "tsv", "xlsx")
#: columns whose values are words of labels.ZH (report sections and metrics, history actions)
WORD_COLUMNS = frozenset({"section", "metric", "action", "change", "finding"})
Row = dict[str, Any]


@cache
def _field_labels() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    from driverparty.schema import KINDS

    headers: dict[str, str] = {}
    codes: dict[str, dict[str, str]] = {}
    for kind in KINDS.values():
        for f in kind.fields.values():
            headers.setdefault(f.name, f.zh)
            if f.codes_zh:
                codes.setdefault(f.name, {}).update(f.codes_zh)
    headers["kind"] = "类型"
    return headers, codes


def header(column: str, lang: str, kind: str | None = None) -> str:
    """A column's header: the field's own label when the rows are records of ``kind``."""
    if lang != "zh":
        return column
    if kind is not None:
        from driverparty.schema import KINDS

        f = KINDS[kind].fields.get(column)
        if f is not None:
            return f.zh
    # A report's own column word (labels.ZH) comes first: a field label read across every
    # kind is ambiguous where two kinds share a field name (``hours``: a station's opening
    # hours, an activity's study hours; issue 20).
    headers, _ = _field_labels()
    return ZH.get(column) or headers.get(column, column)


def translate_code(column: str, value: str, lang: str) -> str:
    if lang != "zh":
        return value
    _, codes = _field_labels()
    table = codes.get(column)
    if table and value in table:
        return table[value]
    if column in WORD_COLUMNS:
        if value in ZH:
            return ZH[value]
        for words in codes.values():  # metrics named after codes: 预备党员, 驿站 …
            if value in words:
                return words[value]
    return value


def plain(value: Any) -> Any:
    """A value as json holds it: dates (and a hand-written TOML time) as ISO strings,
    everything else as it is."""
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def cell(value: Any) -> str:
    """A value in one csv/tsv cell: lists ;-joined, bools true/false, unset empty, nested
    tables (petition events, history changes) as compact json."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        if any(isinstance(v, dict) for v in value):
            return json.dumps(plain(list(value)), ensure_ascii=False, separators=(",", ":"))
        return ";".join(cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(plain(value), ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _table_cell(column: str, value: Any, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], dict):
            return "; ".join(", ".join(f"{k}={cell(v)}" for k, v in item.items()) for item in value)
        sep = "、" if lang == "zh" else ", "
        return sep.join(translate_code(column, str(v), lang) for v in value)
    if isinstance(value, str):
        return translate_code(column, value, lang)
    return cell(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def render(
    rows: Sequence[Row] | Row,
    columns: Sequence[str] | None = None,
    fmt: str = "table",
    lang: str = "en",
    reveal: bool = False,
    kind: str | None = None,
) -> str:
    """Render rows (or one record as a dict, for json) in a format; returns the text with a
    final newline, or "" for no rows in table format. Unless ``reveal``, personal fields are
    masked, and so are runs shaped like a phone or an ID number in any text (issue 16.17)."""
    single = isinstance(rows, dict)
    items: list[Row] = [rows] if isinstance(rows, dict) else list(rows)
    if columns is None:
        columns = list(dict.fromkeys(k for row in items for k in row))

    def make(rows: list[Row]) -> str:
        return _render(rows, columns, fmt, lang, reveal, kind, single)

    return make(items) if reveal else _numbers_masked(items, make)


def _numbers_masked(items: list[Row], make: Callable[[list[Row]], str]) -> str:
    """``make(items)``, made again from the rows with every run shaped like a phone or an ID
    number in their text masked when the text shows one. One look over the whole text is
    quick; only when a number shows up in some text (rare) is every value looked at and the
    text made again (a listing of 50,000, issue 8)."""
    text = make(items)
    if has_numbers(text):
        text = make(mask_text_tree(items))
    return text


def _render(
    items: list[Row],
    columns: Sequence[str],
    fmt: str,
    lang: str,
    reveal: bool,
    kind: str | None,
    single: bool,
) -> str:
    if fmt in ("csv", "tsv") and kind:
        personal = [] if reveal else personal_fields(kind)
        return _delimited(items, columns, fmt, personal, text_columns(kind))
    if not reveal:
        items = mask_records(items, kind) if kind else mask_tree(items)
    if fmt == "json":
        return json_safe(json_text(items, columns, single)) + "\n"
    if fmt == "jsonl":
        return "".join(
            json_safe(json.dumps({c: plain(row.get(c)) for c in columns}, ensure_ascii=False))
            + "\n"
            for row in items
        )
    if fmt in ("csv", "tsv"):
        return _delimited(items, columns, fmt, [])
    return table(items, columns, lang, kind)


def json_text(items: list[Row], columns: Sequence[str], single: bool = False) -> str:
    """``json.dumps([{c: plain(row.get(c)) for c in columns} …], ensure_ascii=False,
    indent=2)`` — the same text, several times quicker: json's indented writer is pure Python,
    and a listing of thousands of members spent most of its time there (issue 22)."""
    if not items:
        return "{}" if single else "[]"
    done = _json_objects(items, columns, "" if single else "  ")
    if single:
        return done[0]
    return "[\n" + ",\n".join(done) + "\n]"


def _json_objects(items: list[Row], columns: Sequence[str], pad: str) -> list[str]:
    """Each row as indented JSON text ``pad`` in (see :func:`json_text`). A row of plain
    values is written by json's C writer, its separators carrying the line breaks and
    indents; a row with a list or table in it goes value by value."""
    columns = list(dict.fromkeys(columns))  # a column asked twice is one key, as in a dict
    inner = pad + "  "
    flat = json.JSONEncoder(
        ensure_ascii=False, separators=(",\n" + inner, ": "), default=_iso_text
    ).encode
    keys = [f"{inner}{encode_basestring(str(c))}: " for c in columns]
    depth = len(inner)
    done = []
    for row in items:
        values = list(map(row.get, columns))
        if not columns:
            done.append(pad + "{}")
        elif not any(v and type(v) in _NESTED for v in values):
            text = flat(dict(zip(columns, values, strict=True)))
            done.append(f"{pad}{{\n{inner}{text[1:-1]}\n{pad}}}")
        else:
            parts = [
                key + (encode_basestring(v) if type(v) is str else _json_value(v, depth))
                for key, v in zip(keys, values, strict=True)
            ]
            done.append(f"{pad}{{\n" + ",\n".join(parts) + f"\n{pad}}}")
    return done


def json_rows(items: list[Row], kind: str) -> list[str]:
    """Records of a kind, each as ``list --format json`` writes it among others (every field,
    masked): ``json_list(json_rows(rows, kind)) == render(rows, fields, "json", kind=kind)``.
    The cache keeps these texts, so a listing need not render its records again (issue 22).
    Each is made as :func:`render` makes the whole (:func:`_numbers_masked`), a record at a
    time."""
    from driverparty.schema import KINDS

    columns = list(KINDS[kind].fields)

    def make(rows: list[Row]) -> str:
        return json_safe(_json_objects(mask_records(rows, kind), columns, "  ")[0])

    return [_numbers_masked([row], make) for row in items]


def json_list(texts: list[str]) -> str:
    """:func:`json_rows`' texts as the JSON list :func:`render` writes of them."""
    if not texts:
        return "[]\n"
    return "[\n" + ",\n".join(texts) + "\n]\n"


#: values that json writes over several lines (when not empty)
_NESTED = frozenset({list, tuple, dict})


def _iso_text(value: Any) -> str:
    """json's ``default`` for what :func:`plain` turns into text: dates and times."""
    if isinstance(value, (date, time)):
        return value.isoformat()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _json_value(value: Any, depth: int) -> str:
    """One value as ``json.dumps(plain(value), ensure_ascii=False, indent=2)`` writes it
    ``depth`` spaces in."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (date, time)):
        return encode_basestring(value.isoformat())
    if isinstance(value, (int, float)) or not isinstance(value, (list, tuple, dict)):
        return json.dumps(value)  # json's own number text (and its TypeError for the rest)
    if not value:
        return "[]" if not isinstance(value, dict) else "{}"
    inner = " " * (depth + 2)
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            text = json.dumps(plain(value), ensure_ascii=False, indent=2)
            return text.replace("\n", "\n" + " " * depth)
        items = [
            f"{inner}{encode_basestring(k)}: {_json_value(v, depth + 2)}" for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + " " * depth + "}"
    items = [f"{inner}{_json_value(v, depth + 2)}" for v in value]
    return "[\n" + ",\n".join(items) + "\n" + " " * depth + "]"


# --- text bound for a terminal (issue 16.12) -----------------------------------------------------

#: what may need escaping: anything but printable ASCII, tabs, line ends and the common CJK
#: blocks. A quick first look; each character found is then judged by its Unicode category.
_SUSPECT = re.compile(r"[^\t\n\x20-\x7e\u3000-\u9fff\uff00-\uffef]")
_SUSPECT_ALL = re.compile(r"[^\x20-\x7e\u3000-\u9fff\uff00-\uffef]")
#: control (but the kept line ends), format (bidi overrides, zero-width …), private-use,
#: surrogate (undecodable bytes) and line/paragraph separator characters
UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Zl", "Zp"})


def _escaped(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def terminal_safe(text: str, keep: str = "\n\t") -> str:
    """``text`` with every character that could steer a terminal or reorder what it shows —
    ESC and other controls, bidirectional overrides, zero-width characters — written as an
    escape (``\\x1b``, ``\\u202e``); the characters in ``keep`` stay. Printable text is
    unchanged."""
    suspect = _SUSPECT if keep == "\n\t" else _SUSPECT_ALL
    if suspect.search(text) is None:
        return text

    def one(m: re.Match[str]) -> str:
        ch = m.group(0)
        if ch in keep or unicodedata.category(ch) not in UNSAFE_CATEGORIES:
            return ch
        return _escaped(ch)

    return suspect.sub(one, text)


def error_line(line: str) -> str:
    """An error or note as it may be shown: no phone or ID number in clear (issue 16.8), and
    on one line with nothing that steers the terminal (issue 16.12)."""
    return terminal_safe(mask_error(line), "")


def json_safe(text: str) -> str:
    """JSON text with those characters written as ``\\uXXXX`` escapes: the same data (any
    JSON reader gives the character back), nothing a terminal acts on (issue 16.12)."""
    if _SUSPECT.search(text) is None:
        return text

    def one(m: re.Match[str]) -> str:
        ch = m.group(0)
        if ch in "\n\t" or unicodedata.category(ch) not in UNSAFE_CATEGORIES:
            return ch
        code = ord(ch)
        if code < 0x10000:
            return f"\\u{code:04x}"
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"

    return _SUSPECT.sub(one, text)


def _delimited(
    items: list[Row],
    columns: Sequence[str],
    fmt: str,
    personal: list[str],
    text: frozenset[str] | None = None,
) -> str:
    """csv or tsv, masking the ``personal`` columns cell by cell: no row is copied to mask
    it, and most cells, text or unset, skip cell() (a listing of 50,000, issue 8). A text cell
    that starts like a formula gets one more leading ' (SPEC section 4); only the ``text``
    columns can hold one (None: any column), and numbers and dates are never quoted."""
    import csv  # here: json, the table and get need none of it
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
    writer.writerow(columns)
    masked = [(i, c) for i, c in enumerate(columns) if c in personal]
    quoted = [i for i, c in enumerate(columns) if text is None or c in text]
    start = tuple(FORMULA_START)
    for row in items:
        values = list(map(row.get, columns))
        cells = [v if type(v) is str else "" if v is None else cell(v) for v in values]
        for i, c in masked:
            cells[i] = mask(c, cells[i])
        for i in quoted:
            if cells[i].startswith(start) and isinstance(values[i], (str, list, tuple, dict)):
                cells[i] = "'" + cells[i]
        writer.writerow(cells)
    return buf.getvalue()


def record_text(shown: Shown, fmt: str, reveal: bool) -> str:
    """One record as ``get`` prints it (SPEC section 4). ``toml``: the record re-rendered in
    canonical form from its parsed values with personal data masked — for a canonical file,
    exactly the file as stored, masked; ``--reveal`` prints the file as stored. Masking is
    decided from the parsed values (issue 16.6): a quoted or indented key, a multi-line
    string or a number (16.7) is masked like any other. ``json``: one object. A file that is
    not TOML at all cannot be masked, so it is shown only with ``--reveal``."""
    if fmt == "toml" and reveal:
        return shown.stored.decode("utf-8-sig", "replace")  # Notepad's byte-order mark aside
    if shown.record is None:
        return ""
    if fmt == "json":
        return render(shown.record, None, "json", reveal=reveal)
    from driverparty.store import record_bytes
    from driverparty.tomlio import dumps

    record = mask_text_tree(mask_tree(shown.record))  # numbers in text too (issue 16.17)
    data = record_bytes(shown.kind, record) if shown.valid else dumps(record)
    return data.decode("utf-8")


@cache
def text_columns(kind: str) -> frozenset[str]:
    """The fields of a kind whose cells may start like a formula: free text and lists (a
    code, an id, a date or a number never does)."""
    from driverparty.schema import KINDS

    return frozenset(
        f.name
        for f in KINDS[kind].fields.values()
        if f.type in ("list", "events") or (f.type == "str" and not f.choices and not f.ref)
    ) - {"id"}


def render_xlsx(
    path: str,
    rows: Sequence[Row] | Row,
    columns: Sequence[str] | None = None,
    lang: str = "en",
    reveal: bool = False,
    kind: str | None = None,
    title: str = "driverparty",
) -> None:
    """Write rows as one worksheet of an xlsx workbook at ``path``: the headers and code words
    of a ``lang`` table, masked like every output; text as text cells (never a formula, ID
    numbers and phones never numbers), numbers as numbers, dates as date cells."""
    from driverparty.sheets import write_xlsx

    items: list[Row] = [rows] if isinstance(rows, dict) else list(rows)
    if columns is None:
        columns = list(dict.fromkeys(k for row in items for k in row))
    if not reveal:
        items = mask_records(items, kind) if kind else mask_tree(items)
    headers = [header(c, lang, kind) for c in columns]
    # a listing answered from the cache alone holds dates as ISO text (issue 22): a date field
    # is a date cell however the row came
    dated = _date_fields(kind)
    body = (
        [
            _xlsx_cell(c, _as_date(v) if c in dated else v, lang)
            for c, v in zip(columns, map(row.get, columns), strict=True)
        ]
        for row in items
    )
    write_xlsx(path, title, headers, body)


def _date_fields(kind: str | None) -> frozenset[str]:
    """A kind's date fields (the schema says which)."""
    if kind is None:
        return frozenset()
    from driverparty.schema import KINDS

    return frozenset(f.name for f in KINDS[kind].fields.values() if f.type == "date")


def _as_date(value: Any) -> Any:
    """ISO text of a date as the date; anything else as it is."""
    if type(value) is str:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _xlsx_cell(column: str, value: Any, lang: str) -> Any:
    """A value as a workbook cell holds it: what ``write_xlsx`` writes as text, number, date
    or bool."""
    if value is None or isinstance(value, (int, float, date)) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else value
    if isinstance(value, str):
        return translate_code(column, value, lang)
    if isinstance(value, (list, tuple)) and not any(isinstance(v, dict) for v in value):
        return ";".join(translate_code(column, cell(v), lang) for v in value)
    return cell(value)


def personal_fields(kind: str) -> list[str]:
    """A kind's fields that hold personal data (the models say which, ``Personal()``)."""
    from driverparty.schema import KINDS

    return [f.name for f in KINDS[kind].fields.values() if f.personal]


def mask_records(items: list[Row], kind: str) -> list[Row]:
    """Mask records of one kind: only its personal fields can hold personal data, so only
    those are looked at — 50,000 rows stay quick."""
    personal = personal_fields(kind)
    out = []
    for row in items:
        if any(row.get(f) for f in personal):
            row = row.copy()
            for f in personal:
                if f in row:
                    row[f] = mask(f, row[f])
        out.append(row)
    return out


def table(items: Iterable[Row], columns: Sequence[str], lang: str, kind: str | None = None) -> str:
    from tabulate import tabulate

    items = list(items)
    if not items:
        return ""
    # a table is for a person at a terminal: always escaped (issue 16.12)
    body = [
        [terminal_safe(_table_cell(c, row.get(c), lang), "\n") for c in columns] for row in items
    ]
    align = []
    for c in columns:
        values = [row.get(c) for row in items if row.get(c) is not None]
        align.append("right" if values and all(_is_number(v) for v in values) else "left")
    text: str = tabulate(
        body,
        headers=[terminal_safe(header(c, lang, kind), "") for c in columns],
        tablefmt="simple",
        disable_numparse=True,
        colalign=align,
    )
    return text + "\n"
