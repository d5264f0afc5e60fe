"""Rules across records, each a function of the loaded records returning ``list[Problem]``.

The writer runs the same checks before and after a change and refuses the change if it adds a
problem, so a rule lives here once and holds on every write and in ``validate``.
Imports driverparty.errors and driverparty.schema (the registry).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from driverparty.errors import Problem
from driverparty.schema import KINDS

Record = dict[str, Any]


@dataclass
class Records:
    """Every readable record by kind and id, the ids of files present but broken, and — for
    kinds not loaded — the ids of the files present, so references can still be checked."""

    by_kind: dict[str, dict[str, Record]] = field(default_factory=lambda: {k: {} for k in KINDS})
    broken: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in KINDS})
    present: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in KINDS})

    def exists(self, kind: str, record_id: str) -> bool:
        return (
            record_id in self.by_kind[kind]
            or record_id in self.broken[kind]
            or record_id in self.present[kind]
        )

    def get(self, kind: str, record_id: str) -> Record | None:
        return self.by_kind[kind].get(record_id)

    def copy(self) -> Records:
        return Records(
            {k: dict(v) for k, v in self.by_kind.items()},
            {k: set(v) for k, v in self.broken.items()},
            {k: set(v) for k, v in self.present.items()},
        )


def _p(kind: str, record_id: str, fld: str | None, message: str) -> Problem:
    return Problem(KINDS[kind].path(record_id), record_id, fld, message)


def check_references(records: Records) -> list[Problem]:
    """A field that names another record must name one that exists."""
    problems = []
    for kind, spec in KINDS.items():
        refs = [(f.name, f.ref) for f in spec.fields.values() if f.ref]
        for rid, rec in records.by_kind[kind].items():
            for name, target in refs:
                value = rec.get(name)
                if value is not None and target and not records.exists(target, value):
                    problems.append(_p(kind, rid, name, f"no {target} {value}"))
    return problems


def _unique(kind: str, fld: str, what: str) -> Callable[[Records], list[Problem]]:
    def check(records: Records) -> list[Problem]:
        seen: dict[Any, list[str]] = {}
        for rid, rec in records.by_kind[kind].items():
            value = rec.get(fld)
            if value is not None:
                seen.setdefault(value, []).append(rid)
        problems = []
        for ids in seen.values():
            if len(ids) > 1:
                for rid in ids:
                    others = ", ".join(i for i in sorted(ids) if i != rid)
                    problems.append(_p(kind, rid, fld, f"{what} is also used by {others}"))
        return problems

    check.__name__ = f"check_unique_{kind}_{fld}"
    return check


check_unique_branch_names = _unique("branch", "name", "the same name")
check_unique_phones = _unique("member", "phone", "the same phone number")
check_unique_id_numbers = _unique("member", "id_number", "the same ID number")


def check_branch_cycles(records: Records) -> list[Problem]:
    """A branch may not be its own ancestor."""
    branches = records.by_kind["branch"]
    problems = []
    for rid in branches:
        seen = {rid}
        current = branches[rid].get("parent")
        while current is not None and current in branches:
            if current in seen:
                if current == rid:
                    problems.append(_p("branch", rid, "parent", "makes a cycle of parent branches"))
                break
            seen.add(current)
            current = branches[current].get("parent")
    return problems


def check_secretaries(records: Records) -> list[Problem]:
    """A branch's secretary must be a full member who has not left."""
    problems = []
    members = records.by_kind["member"]
    for rid, rec in records.by_kind["branch"].items():
        sec = rec.get("secretary")
        member = members.get(sec) if sec else None
        if member is None:
            continue
        if member.get("stage") != "full":
            problems.append(
                _p(
                    "branch",
                    rid,
                    "secretary",
                    f"{sec} is not a full member (stage {member.get('stage')})",
                )
            )
        elif member.get("left_on"):
            problems.append(_p("branch", rid, "secretary", f"{sec} has left the roster"))
    return problems


CHECKS: list[Callable[[Records], list[Problem]]] = [
    check_references,
    check_unique_branch_names,
    check_unique_phones,
    check_unique_id_numbers,
    check_branch_cycles,
    check_secretaries,
]


def problem_order(p: Problem) -> tuple[str, str, str]:
    """How problems are listed: by file, then field, then message."""
    return (p.file, p.field or "", p.message)


def added_problems(
    before: Records, changes: Iterable[tuple[str, str, Record | None]]
) -> list[Problem]:
    """The problems across records that ``changes`` (kind, id, record or None to remove)
    would add to ``before`` — what a write must refuse; problems already there are not its
    doing."""
    after = before.copy()
    for kind, rid, record in changes:
        after.broken[kind].discard(rid)
        if record is None:
            after.by_kind[kind].pop(rid, None)
        else:
            after.by_kind[kind][rid] = record
    return sorted(set(check_all(after)) - set(check_all(before)), key=problem_order)


def check_all(records: Records) -> list[Problem]:
    problems: list[Problem] = []
    for check in CHECKS:
        problems += check(records)
    return problems


def referrers(records: Records, kind: str, record_id: str) -> list[tuple[str, str, str]]:
    """Every (kind, id, field) whose reference field names ``kind`` ``record_id``."""
    found = []
    for other, spec in KINDS.items():
        refs = [f.name for f in spec.fields.values() if f.ref == kind]
        for rid, rec in records.by_kind[other].items():
            for name in refs:
                if rec.get(name) == record_id and not (other == kind and rid == record_id):
                    found.append((other, rid, name))
    return found
