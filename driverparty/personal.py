"""Personal data: which fields hold it and how it is masked (SPEC section 4, "Personal data").

Kept free of pydantic so that fast read paths (``get``, ``list``) can mask without importing
the models. Masking is decided from parsed values, never from a file's text (issue 16.6);
``tests/test_models.py`` checks this set equals the fields the models mark ``Personal()``.
Imports driverparty.schema (the registry, no pydantic) only.
"""

from __future__ import annotations

import re
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


# --- phone and ID numbers inside text (issue 16.8 and 16.17) -----------------------------------

#: a run shaped like a mainland mobile number (13812345678, 138-1234-5678, +86 138 1234 5678)
#: or a resident ID number (18 characters, or the 15 digits of the first generation), standing
#: alone: not part of a longer run of digits or letters, nor the decimals of a number
_RUNS = re.compile(
    r"(?<![0-9A-Za-z.])(?:\+?86[ -]?)?(?P<phone>1[3-9][0-9](?:[ -]?[0-9]{4}){2})(?![0-9A-Za-z])"
    r"|(?<![0-9A-Za-z.])(?P<id>[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9A-Za-z])"
)
#: in an error line, any other long run of digits may be a number mistyped (issue 16.8)
_LONG_RUN = re.compile(r"(?<![0-9A-Za-z.])[0-9]{10,}[Xx]?(?![0-9A-Za-z])")


def _mask_run(m: re.Match[str]) -> str:
    whole = m.group(0)
    if m.group("phone"):
        phone = m.group("phone")
        head = whole[: len(whole) - len(phone)]  # +86 kept as written
        digits = [i for i, ch in enumerate(phone) if ch.isdigit()]
        chars = list(phone)
        for i in digits[3:7]:  # 138****5678: the 4 digits after the first 3
            chars[i] = "*"
        return head + "".join(chars)
    number = m.group("id")
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


#: a quick first look (a pattern that starts with a plain character class is fast to scan
#: for; one that starts with a look-behind is tried at every position): 11 or more digits,
#: spaces and dashes in a row, where any phone or ID number must stand
_CANDIDATE = re.compile(r"[+0-9][0-9 -]{9,}[0-9Xx]")


def has_numbers(text: str) -> bool:
    """True when ``text`` holds a run shaped like a phone or an ID number."""
    for m in _CANDIDATE.finditer(text):
        if _RUNS.search(text, max(0, m.start() - 4), m.end() + 1):
            return True
    return False


def mask_text(text: str) -> str:
    """Mask every run in free text shaped like a phone or an ID number the way the fields
    are masked: ``联系电话138****5678`` (SPEC section 4, "Personal data")."""
    if not isinstance(text, str) or not has_numbers(text):
        return text
    return _RUNS.sub(_mask_run, text)


def mask_text_tree(obj: Any) -> Any:
    """:func:`mask_text` on every string in rows (values, not keys)."""
    if isinstance(obj, str):
        return mask_text(obj)
    if isinstance(obj, dict):
        return {key: mask_text_tree(value) for key, value in obj.items()}
    if isinstance(obj, list | tuple):
        return [mask_text_tree(item) for item in obj]
    return obj


def mask_error(line: str) -> str:
    """An error line with no phone or ID number in clear: shaped runs masked as in text, and
    any other run of 10 or more digits — a number mistyped — shown with all but its first 3
    and last 2 characters as ``*`` (as SPEC section 7 shows a refused personal value)."""
    line = _RUNS.sub(_mask_run, line)
    return _LONG_RUN.sub(lambda m: m[0][:3] + "*" * (len(m[0]) - 5) + m[0][-2:], line)
