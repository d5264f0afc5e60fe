"""The record models, one per kind, and the KINDS registry every other layer reads.

Imports pydantic and driverparty.models.*; nothing above.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any, get_args, get_origin

from pydantic import ValidationError

from driverparty.i18n import N_, _, language
from driverparty.models.activity import Activity
from driverparty.models.base import RecordModel
from driverparty.models.branch import Branch
from driverparty.models.member import Member
from driverparty.models.petition import Petition
from driverparty.models.station import Station
from driverparty.models.types import Codes, Label, Personal, Ref
from driverparty.schema import FieldInfo, KindInfo, Registration, is_active

__all__ = [
    "KINDS",
    "Activity",
    "Branch",
    "FieldInfo",
    "Kind",
    "Member",
    "Petition",
    "RecordModel",
    "Station",
    "is_active",
    "kind_of",
    "validate_record",
]


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """Strip Optional/Annotated layers, collecting metadata on the way."""
    meta: list[Any] = []
    while True:
        if hasattr(annotation, "__metadata__"):
            meta.extend(annotation.__metadata__)
            annotation = annotation.__origin__
            continue
        args = get_args(annotation)
        if args and type(None) in args:
            annotation = next(a for a in args if a is not type(None))
            continue
        return annotation, meta


def _describe(name: str, info: Any) -> FieldInfo:
    base, meta = _unwrap(info.annotation)
    meta += list(info.metadata)
    kind = "str"
    inner = base
    if get_origin(base) is list:
        inner, inner_meta = _unwrap(get_args(base)[0])
        meta += inner_meta
        kind = "events" if name == "events" else "list"
    elif base is date:
        kind = "date"
    elif base is bool:
        kind = "bool"
    elif base is int:
        kind = "int"
    elif base is float:
        kind = "float"
    enumeration = next((m for m in meta if isinstance(m, Codes)), None)
    choices = enumeration.codes if enumeration else ()
    codes = dict(enumeration.zh) if enumeration else {}
    label = next((m for m in meta if isinstance(m, Label)), Label(name))
    ref = next((m.kind for m in meta if isinstance(m, Ref)), None)
    return FieldInfo(
        name=name,
        zh=label.zh,
        type=kind,
        required=info.is_required(),
        choices=choices,
        codes_zh=codes,
        personal=any(isinstance(m, Personal) for m in meta),
        ref=ref,
        aliases=label.aliases,
    )


@dataclass(repr=False)
class Kind(KindInfo):
    """One record kind: what ``schema.json`` says of it, read from its model, and the model."""

    model: type[RecordModel] = field(kw_only=True)

    @classmethod
    def of(cls, model: type[RecordModel]) -> Kind:
        fields = {n: _describe(n, f) for n, f in model.model_fields.items()}
        reg = model.registration
        own = {f.name: getattr(reg, f.name) for f in dataclasses.fields(Registration)}
        return cls(**own, fields=fields, model=model)


def register(*models: type[RecordModel]) -> dict[str, Kind]:
    """The kinds, in the order commands, reports and ``validate`` list them."""
    kinds = {m.registration.name: Kind.of(m) for m in models}
    for name, kind in kinds.items():
        for column in kind.table_columns:
            assert column in kind.fields, f"{name}: table column {column} is no field"
        for f in kind.fields.values():
            assert f.ref is None or f.ref in kinds, f"{name}.{f.name}: no kind {f.ref}"
    return kinds


#: The registry: every kind there is. A new kind is its model module and one entry here.
KINDS: dict[str, Kind] = register(Branch, Member, Station, Petition, Activity)


def kind_of(name: str) -> Kind:
    return KINDS[name]


#: pydantic's error types a clerk meets, in words the catalogue translates (issue 23)
PYDANTIC_WORDS = {
    "int_parsing": N_("must be a whole number"),
    "int_type": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "float_parsing": N_("must be a number"),
    "float_type": N_("must be a number"),
    "bool_parsing": N_("must be true or false"),
    "bool_type": N_("must be true or false"),
    "string_type": N_("must be text (in quotes)"),
    "list_type": N_("must be a list"),
    "date_type": N_("must be a date written YYYY-MM-DD"),
    "date_parsing": N_("must be a date written YYYY-MM-DD"),
    "date_from_datetime_parsing": N_("must be a date written YYYY-MM-DD"),
    "dict_type": N_("must be a table"),
    "model_type": N_("must be a table"),
    "greater_than_equal": N_("is too small"),
    "less_than_equal": N_("is too large"),
}


def _message(err: Any) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return _("unknown field")
    if kind == "missing":
        return _("required")
    ctx = err.get("ctx") or {}
    if kind == "literal_error" and "expected" in ctx:
        expected = str(ctx["expected"])
        if language() != "en":  # 'a', 'b' or 'c': the English "or" is no word of theirs
            expected = expected.replace(" or ", ", ")
        return _("must be {expected}").format(expected=expected)
    if kind in ("string_too_long", "too_long") and "max_length" in ctx:
        text = kind == "string_too_long" or isinstance(err.get("input"), str)
        what = _("characters") if text else _("items")
        return _("must have at most {max_length} {what}").format(
            max_length=ctx["max_length"], what=what
        )
    if kind == "too_short" and isinstance(err.get("input"), str) and ctx.get("min_length") == 1:
        return _("must not be empty")  # a text's length is checked after its validator
    if language() != "en" and kind in PYDANTIC_WORDS:  # English: pydantic's own, as ever
        return _(PYDANTIC_WORDS[kind])
    msg = str(err["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    msg = msg.replace("Input should be", "must be").replace("String should", "must")
    msg = msg.replace("List should", "must")
    return msg


def _field_name(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        elif out:
            out += f".{part}"
        else:
            out = str(part)
    return out


def validate_record(
    kind: str, data: dict[str, Any], today: date
) -> tuple[RecordModel | None, list[tuple[str, str]]]:
    """Validate one record's data: the model (or None) and ``[(field, message), ...]``."""
    model = KINDS[kind].model
    try:
        record = model.model_validate(data, context={"today": today})
    except ValidationError as err:
        problems = []
        for e in err.errors(include_url=False):
            problems.append((_field_name(tuple(e["loc"])), _message(e)))
        # The literal validator reports one error per union branch; keep the first per field.
        seen: set[str] = set()
        unique = []
        for field, msg in problems:
            if field not in seen:
                seen.add(field)
                unique.append((field, msg))
        return None, unique
    return record, record.rules()


def described() -> dict[str, KindInfo]:
    """The kinds as ``driverparty.schema`` holds them, read from the models: what
    ``schema.json`` must say (``make schema`` writes it, ``tests/test_schema.py`` compares)."""
    return {
        name: KindInfo(
            **{f.name: getattr(k, f.name) for f in dataclasses.fields(Registration)},
            fields=k.fields,
        )
        for name, k in KINDS.items()
    }
