"""``--where`` / ``--sort`` / ``--fields`` / ``--limit`` over loaded records.

Conditions are typed by the model's field descriptions: dates compare as dates, numbers as
numbers, ``=`` on a list field means "contains", ``field=`` (empty) means "unset".
Imports driverparty.errors only; field descriptions are passed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from driverparty.errors import UsageError
from driverparty.i18n import _

_WHERE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(!=|<=|>=|=|<|>|~)(.*)$", re.DOTALL)


class FieldLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def choices(self) -> tuple[str, ...]: ...
    @property
    def codes_zh(self) -> dict[str, str]: ...


@dataclass(frozen=True)
class Condition:
    """One ``--where``. On a code field ``=`` and ``!=`` hold a tuple of codes: any of them."""

    field: str
    op: str
    value: Any
    ftype: str

    def __call__(self, record: Mapping[str, Any]) -> bool:
        actual = record.get(self.field)
        if isinstance(self.value, tuple):  # codes: any of them
            if self.ftype == "list":
                hit = any(str(v) in self.value for v in (actual or []))
            else:
                hit = actual is not None and actual in self.value
            return hit if self.op == "=" else not hit
        if self.ftype == "list":
            items = [str(v) for v in (actual or [])]
            if self.value in ("", None):
                return (not items) == (self.op == "=")
            if self.op == "=":
                return self.value in items
            if self.op == "!=":
                return self.value not in items
            if self.op == "~":
                return any(str(self.value).lower() in i.lower() for i in items)
            return False
        if self.value is None:  # field= / field!= : unset / set
            if self.op == "=":
                return actual is None
            if self.op == "!=":
                return actual is not None
            return False
        if self.op == "~":
            return actual is not None and str(self.value).lower() in _text(actual).lower()
        if self.op == "!=":
            return actual is None or actual != self.value
        if actual is None:
            return False
        if self.op == "=":
            return bool(actual == self.value)
        try:
            if self.op == "<":
                return bool(actual < self.value)
            if self.op == "<=":
                return bool(actual <= self.value)
            if self.op == ">":
                return bool(actual > self.value)
            return bool(actual >= self.value)
        except TypeError:
            return False

    def sql(self) -> tuple[str, list[Any]] | None:
        """The same test in SQL over the cache's columns (``cache.py``: one per plain field,
        dates as ISO text, bools as 0/1), or None where SQL's meaning could differ (lists,
        ``~``, floats). Exactly ``__call__`` where given: text compares by code point in both,
        ISO dates in date order, unset (NULL) fails every comparison but ``!=`` in both
        (``tests/test_listing.py`` checks it over generated records)."""
        if self.ftype not in ("str", "date", "int", "bool") or self.op == "~":
            return None
        x = f'"{self.field}"'
        if isinstance(self.value, tuple):
            marks = ", ".join("?" for _ in self.value)
            if self.op == "=":
                return f"{x} IN ({marks})", list(self.value)
            return f"({x} IS NULL OR {x} NOT IN ({marks}))", list(self.value)
        if self.value is None:
            return {"=": (f"{x} IS NULL", []), "!=": (f"{x} IS NOT NULL", [])}.get(self.op)
        value = self.value.isoformat() if isinstance(self.value, date) else self.value
        wanted = {"int": int, "bool": bool}.get(self.ftype)
        if wanted is not None and type(value) is not wanted:
            return None
        if isinstance(value, bool):
            value = int(value)
        if self.op == "!=":
            return f"({x} IS NULL OR {x} != ?)", [value]
        return f"{x} {self.op} ?", [value]


def _text(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _convert(raw: str, f: FieldLike, op: str) -> Any:
    raw = raw.strip()
    if raw == "":
        return None
    if op == "~" or f.type in ("str", "list", "events"):
        return raw
    try:
        if f.type == "date":
            return date.fromisoformat(raw)
        if f.type == "int":
            return int(raw)
        if f.type == "float":
            return float(raw)
        if f.type == "bool":
            if raw.lower() not in ("true", "false"):
                raise ValueError
            return raw.lower() == "true"
    except ValueError:
        raise UsageError(
            _("--where {name}{op}{raw}: not a {type} value").format(
                name=f.name, op=op, raw=raw, type=f.type
            )
        ) from None
    return raw


def parse_where(expr: str, fields: Mapping[str, FieldLike]) -> Condition:
    m = _WHERE.match(expr)
    if not m:
        raise UsageError(
            _("--where {expr!r}: expected FIELD=VALUE (or != < <= > >= ~)").format(expr=expr)
        )
    name, op, raw = m.groups()
    if name not in fields:
        raise UsageError(
            _("--where {expr!r}: unknown field {name!r} (fields: {fields})").format(
                expr=expr, name=name, fields=", ".join(fields)
            )
        )
    f = fields[name]
    if f.type in ("list", "events") and op not in ("=", "!=", "~"):
        raise UsageError(_("--where {expr!r}: a list field takes =, != or ~").format(expr=expr))
    if f.choices and op in ("=", "!=") and raw.strip():
        return Condition(name, op, _codes(expr, raw, f), f.type)
    return Condition(name, op, _convert(raw, f, op), f.type)


def _codes(expr: str, raw: str, f: FieldLike) -> tuple[str, ...]:
    """``status=received,assigned`` or ``stage=正式党员``: the codes named, each written as the
    code or its Chinese word; a value that is neither is a usage error naming the codes."""
    words = {zh: code for code, zh in f.codes_zh.items()}
    codes = []
    for part in raw.replace("，", ",").split(","):
        value = part.strip()
        if not value:
            continue
        code = value if value in f.choices else words.get(value)
        if code is None:
            known = ", ".join(f"{c} ({f.codes_zh[c]})" if c in f.codes_zh else c for c in f.choices)
            raise UsageError(
                _("--where {expr!r}: {value!r} is no {name} (codes: {known})").format(
                    expr=expr, value=value, name=f.name, known=known
                )
            )
        codes.append(code)
    if not codes:
        raise UsageError(_("--where {expr!r}: no {name} code given").format(expr=expr, name=f.name))
    return tuple(dict.fromkeys(codes))


def parse_fields(spec: str | None, fields: Sequence[str]) -> list[str] | None:
    if not spec:
        return None
    names = [n.strip() for n in spec.split(",") if n.strip()]
    for n in names:
        if n not in fields:
            raise UsageError(
                _("--fields: unknown field {n!r} (fields: {fields})").format(
                    n=n, fields=", ".join(fields)
                )
            )
    return names


def sort_records(
    records: list[dict[str, Any]], spec: str | None, fields: Sequence[str], id_key: Any
) -> list[dict[str, Any]]:
    """Sort by ``FIELD[,FIELD]`` (a leading ``-`` reverses one); unset values sort last;
    ties keep id order."""
    out = sorted(records, key=lambda r: id_key(r["id"]))
    if not spec:
        return out
    keys = [k.strip() for k in spec.split(",") if k.strip()]
    for key in reversed(keys):
        desc = key.startswith("-")
        name = key.lstrip("-")
        if name not in fields:
            raise UsageError(
                _("--sort: unknown field {name!r} (fields: {fields})").format(
                    name=name, fields=", ".join(fields)
                )
            )
        present = [r for r in out if r.get(name) is not None]
        absent = [r for r in out if r.get(name) is None]
        present.sort(
            key=lambda r: _sortable(r[name], id_key if name == "id" else None), reverse=desc
        )
        out = present + absent
    return out


def _sortable(value: Any, id_key: Any) -> Any:
    if id_key is not None:
        return id_key(value)
    if isinstance(value, list):
        return [str(v) for v in value]
    return value


def select(
    records: Iterable[dict[str, Any]], conditions: Sequence[Condition]
) -> list[dict[str, Any]]:
    return [r for r in records if all(c(r) for c in conditions)]
