"""Personal data: which fields hold it and how it is masked (SPEC section 4, "Personal data").

Kept free of pydantic so that fast read paths (``get``, ``list``) can mask without importing
the models. Masking is decided from parsed values, never from a file's text (issue 16.6);
``tests/test_models.py`` checks this set equals the fields the models mark ``Personal()``.
Imports driverparty.schema (the registry, no pydantic) only.
"""

from __future__ import annotations

from typing import Any

from driverparty.schema import KINDS

#: the fields the models mark ``Personal()``, of every kind (the registry says which)
PERSONAL_FIELDS = frozenset(
    f.name for kind in KINDS.values() for f in kind.fields.values() if f.personal
)


def mask(field: str, value: Any) -> Any:
    """Mask one personal value: ``138****5678``; an ID number keeps its first 6 and last 4.
    A value of any other type — a phone written as a TOML number, a list, a table — is
    masked all the same (issue 16.7): numbers and the like as their text."""
    if value is None or value == "":
        return value
    if isinstance(value, list):
        return [mask(field, v) for v in value]
    if isinstance(value, dict):
        return {k: mask(field, v) for k, v in value.items()}
    if not isinstance(value, str):
        value = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if field == "phone":
        if len(value) <= 7:
            return "*" * len(value)
        return value[:3] + "****" + value[-4:]
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "********" + value[-4:]


def is_masked(value: Any) -> bool:
    """True for a value that looks like the output of :func:`mask` (import refuses those)."""
    return isinstance(value, str) and "****" in value


def mask_tree(obj: Any) -> Any:
    """Mask personal data anywhere in rows: keys named like personal fields, and the ``old`` and
    ``new`` of ``{field, old, new}`` change entries whose ``field`` is personal."""
    if isinstance(obj, dict):
        field = obj.get("field")
        out = {}
        for key, value in obj.items():
            if key in PERSONAL_FIELDS:
                out[key] = mask(key, value)
            elif field in PERSONAL_FIELDS and key in ("old", "new"):
                out[key] = mask(str(field), value)
            else:
                out[key] = mask_tree(value)
        return out
    if isinstance(obj, list):
        return [mask_tree(item) for item in obj]
    return obj
