"""Spreadsheets as offices keep them (SPEC section 7, issue 19): text files in UTF-8 or
GB18030, and xlsx workbooks read with python-calamine and written with xlsxwriter.

Both libraries are imported here only, and only when a workbook is read or written, so
``--help`` and the csv paths never load them. Rows come out as lists of raw cell values
(text, numbers, dates, bools); what they mean is ``bulk``'s business. python-calamine gives
values, never formulas, so the worksheet's XML is looked at once for formula elements — a
regular-expression search over bytes, milliseconds for 20,000 rows — and parsed further only
when it holds one. Imports driverparty.errors only; output and bulk import it.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from driverparty.errors import DataError, UsageError
from driverparty.i18n import _

if TYPE_CHECKING:
    import zipfile
    from xml.etree.ElementTree import Element

#: a text cell starting with one of these is a formula to a spreadsheet: csv and tsv write it
#: with one more leading ' and import takes that ' away again (SPEC section 4)
FORMULA_START = frozenset("=+-@\t\r'")

#: the most a workbook may unpack to: a roster of 50,000 rows is ~60 MB of XML (issue 9: a
#: zip bomb must not fill the memory)
MAX_UNPACKED = 512 * 1024 * 1024
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # .xls, .et: the binary workbooks before xlsx
#: a formula element, with or without a namespace prefix: <f>, <f t="shared" .../>, <x:f>
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")


# --- text ----------------------------------------------------------------------------------


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str | None]:
    """Text of a csv/tsv/json file: ``(text, note)``. UTF-8 with or without a byte-order mark,
    UTF-16 with one (Excel's "Unicode text"), else GB18030 (which covers GBK: Excel's "CSV" on
    Chinese Windows), with a note saying so. ``encoding`` forces one: no note, and bytes that
    do not decode are refused."""
    _not_a_workbook(data, name)
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise UsageError(
                _("--encoding {encoding}: no such encoding").format(encoding=encoding)
            ) from None
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as err:
            raise DataError(
                _("{name}: not {encoding} text (byte {value})").format(
                    name=name, encoding=encoding, value=err.start + 1
                )
            ) from None
        return text.removeprefix("\ufeff"), None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError as err:
            raise DataError(
                _("{name}: not UTF-16 text (byte {value})").format(name=name, value=err.start + 1)
            ) from None
    try:
        return data.decode("utf-8").removeprefix("\ufeff"), None
    except UnicodeDecodeError as err:
        first = err.start
    try:
        return data.decode("gb18030"), f"read {name} as GB18030"
    except UnicodeDecodeError:
        raise DataError(
            _(
                "{name}: neither UTF-8 nor GB18030 text (byte {value} is not UTF-8); say which it "
                "is with --encoding NAME"
            ).format(name=name, value=first + 1)
        ) from None


def _not_a_workbook(data: bytes, name: str) -> None:
    if data.startswith(_ZIP):
        raise UsageError(
            _("{name}: is an xlsx workbook, not text: say --format xlsx").format(name=name)
        )
    if data.startswith(_OLE):
        raise DataError(
            _("{name}: an old .xls/.et workbook: save it as .xlsx (Excel 工作簿)").format(name=name)
        )


# --- reading xlsx ----------------------------------------------------------------------------


@dataclass
class Sheet:
    """One worksheet's cells: ``rows[i]`` is spreadsheet row ``i + 1``, with its values as
    python-calamine gives them ("" for an empty cell); ``formulas`` maps (row, column), both
    from 1, to the formula text of each cell that holds one."""

    name: str
    rows: list[list[Any]]
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)


def read_xlsx(data: bytes, name: str, sheet: str | None = None) -> Sheet:
    """The first worksheet in workbook order, or the one named ``sheet``."""
    import zipfile
    from xml.etree.ElementTree import ParseError

    if data.startswith(_OLE):
        _not_a_workbook(data, name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DataError(
            _("{name}: not an xlsx workbook (not a zip archive)").format(name=name)
        ) from None
    with archive:
        if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED:
            raise DataError(_("{name}: too large (unpacks to over 512 MiB)").format(name=name))
        try:
            parts = _sheet_parts(archive)
        except (KeyError, ParseError, ValueError, StopIteration) as err:
            raise DataError(
                _("{name}: not an xlsx workbook ({err})").format(name=name, err=err)
            ) from None
        names = [n for n, _ in parts]
        if not parts:
            raise DataError(_("{name}: the workbook has no worksheet").format(name=name))
        index = 0
        if sheet is not None:
            if sheet not in names:
                raise DataError(
                    _("{name}: no sheet {sheet!r}; its sheets: {names}").format(
                        name=name, sheet=sheet, names=", ".join(names)
                    )
                )
            index = names.index(sheet)
        try:
            xml = archive.read(parts[index][1])
        except (KeyError, zipfile.BadZipFile, OSError) as err:
            raise DataError(
                _("{name}: a broken workbook ({err})").format(name=name, err=err)
            ) from None
    formulas = _formulas(xml) if _FORMULA.search(xml) else {}
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = book.get_sheet_by_name(names[index]).to_python(skip_empty_area=False)
    except Exception as err:  # python-calamine raises its own kinds (XmlError, ZipError …)
        raise DataError(
            _("{name}: cannot read the workbook: {err}").format(name=name, err=err)
        ) from None
    return Sheet(names[index], rows, formulas)


def _xml(archive: zipfile.ZipFile, part: str) -> Element:
    from xml.etree.ElementTree import fromstring

    return fromstring(archive.read(part))


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _relations(archive: zipfile.ZipFile, part: str) -> list[tuple[str, str, str]]:
    """(Id, Type, Target) of each relationship in a .rels part."""
    return [
        (r.get("Id", ""), r.get("Type", ""), r.get("Target", ""))
        for r in _xml(archive, part).iter()
        if _local(r.tag) == "Relationship"
    ]


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part path) of each worksheet, in workbook order. Namespaces are matched by
    their local names, so "Strict Open XML" workbooks read like the usual ones."""
    book = next(
        target.lstrip("/")
        for _, kind, target in _relations(archive, "_rels/.rels")
        if kind.endswith("/officeDocument")
    )
    folder, _, file = book.rpartition("/")
    targets = {
        rid: target
        for rid, kind, target in _relations(archive, f"{folder}/_rels/{file}.rels")
        if kind.endswith("/worksheet")  # a chart or macro sheet holds no rows
    }
    out = []
    for s in _xml(archive, book).iter():
        if _local(s.tag) != "sheet":
            continue
        rid = next((v for k, v in s.attrib.items() if _local(k) == "id"), "")
        target = targets.get(rid)
        if target:
            path = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}"
            out.append((s.get("name", ""), path))
    return out


_CELL_REF = re.compile(r"([A-Z]+)([0-9]+)")


def column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(number: int) -> str:
    out = ""
    while number:
        number, rest = divmod(number - 1, 26)
        out = chr(65 + rest) + out
    return out


def _formulas(xml: bytes) -> dict[tuple[int, int], str]:
    """The cells of a worksheet that hold a formula: (row, column) → "=formula" (the shared
    formula's text is on its first cell only; the others say so)."""
    from xml.etree.ElementTree import iterparse

    found: dict[tuple[int, int], str] = {}
    row = col = 0
    for event, el in iterparse(io.BytesIO(xml), events=("start", "end")):
        tag = _local(el.tag)
        if event == "start":
            if tag == "row":
                row = int(el.get("r") or row + 1)
                col = 0
            elif tag == "c":
                ref = _CELL_REF.fullmatch(el.get("r") or "")
                col = column_number(ref[1]) if ref else col + 1
            continue
        if tag == "f":
            text = (el.text or "").strip()
            found[(row, col)] = f"={text}" if text else "=(a shared formula)"
        elif tag == "row":
            el.clear()
    return found


# --- writing xlsx ----------------------------------------------------------------------------


def write_xlsx(
    path: str | Path, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Write one worksheet: a bold, frozen header row, then the rows. Text is always a text
    cell (``=HYPERLINK(...)`` stays words, an ID number stays 18 characters), numbers are
    numbers, dates are date cells shown YYYY-MM-DD, bools are TRUE/FALSE, None is empty."""
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,  # rows go to disk as they are written: 50,000 rows fit
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    sheet = book.add_worksheet(_sheet_title(title))
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    width = [_width(h) for h in headers]
    sheet.freeze_panes(1, 0)
    for c, h in enumerate(headers):
        sheet.write_string(0, c, h, bold)
    write_string, write_number = sheet.write_string, sheet.write_number
    r = 0
    for r, values in enumerate(rows, 1):
        for c, v in enumerate(values):
            if v is None:
                continue
            if type(v) is str:
                if v:
                    write_string(r, c, v)
                    if r <= 200:
                        width[c] = max(width[c], _width(v))
            elif isinstance(v, bool):
                sheet.write_boolean(r, c, v)
            elif isinstance(v, (int, float)):
                write_number(r, c, v)
            elif isinstance(v, datetime):
                sheet.write_datetime(r, c, v, day)
            elif isinstance(v, date):
                sheet.write_datetime(r, c, datetime(v.year, v.month, v.day), day)
                width[c] = max(width[c], 10)
            else:
                write_string(r, c, str(v))
    for c, w in enumerate(width):
        sheet.set_column(c, c, min(max(w, 4), 60) + 2)
    if headers:
        sheet.autofilter(0, 0, max(r, 1), len(headers) - 1)
    book.close()


def _sheet_title(title: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "_", title)[:31] or "Sheet1"


def _width(text: str) -> int:
    """Columns a text takes: Chinese characters count two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text[:80])
