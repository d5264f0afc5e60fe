"""Rules across records, each a function of the loaded records returning ``list[Problem]``.

The writer runs the same checks before and after a change and refuses the change if it adds a
problem, so a rule lives here once and holds on every write and in ``validate``.
Imports driverparty.errors and driverparty.schema (the registry).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from driverparty.errors import Problem
from driverparty.i18n import N_, _, language
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


def _kind(kind: str) -> str:
    """A kind as a message names it: ``member``, in Chinese ``成员``."""
    return KINDS[kind].zh if language() == "zh" and kind in KINDS else kind


def _p(kind: str, record_id: str, fld: str | None, message: str) -> Problem:
    return Problem(KINDS[kind].path(record_id), record_id, fld, message)


def references(records: Records) -> Iterator[tuple[str, str, str, str, str]]:
    """Every reference the records make: (kind, id, field, kind named, id named). A field
    holding a list of ids (``contacts``, ``participants``) gives one per item: the models
    say which fields name which kind (``Ref``), so no kind needs code of its own here."""
    for kind, spec in KINDS.items():
        refs = spec.references
        if not refs:
            continue
        for rid, rec in records.by_kind[kind].items():
            for name, target in refs:
                for value in spec.ids_named(rec, name):
                    yield kind, rid, name, target, value


def renamed_references(
    kind: str, record: Record, renames: Mapping[tuple[str, str], str]
) -> dict[str, Any]:
    """The reference fields of ``record`` whose ids ``renames`` ((kind, old id) → new id)
    renumbers, with the new ids — a list field item by item (``sync``'s renumbering)."""
    changed: dict[str, Any] = {}
    for name, target in KINDS[kind].references:
        value = record.get(name)
        if isinstance(value, list):
            new = [renames.get((target, v), v) if isinstance(v, str) else v for v in value]
            if new != value:
                changed[name] = new
        elif isinstance(value, str) and (target, value) in renames:
            changed[name] = renames[(target, value)]
    return changed


def check_references(records: Records) -> list[Problem]:
    """A field that names another record must name one that exists."""
    return [
        _p(kind, rid, name, _("no {target} {value}").format(target=_kind(target), value=value))
        for kind, rid, name, target, value in references(records)
        if not records.exists(target, value)
    ]


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
                    problems.append(
                        _p(
                            kind,
                            rid,
                            fld,
                            _("{what} is also used by {others}").format(
                                what=_(what), others=others
                            ),
                        )
                    )
        return problems

    check.__name__ = f"check_unique_{kind}_{fld}"
    return check


check_unique_branch_names = _unique("branch", "name", N_("the same name"))
check_unique_phones = _unique("member", "phone", N_("the same phone number"))
check_unique_id_numbers = _unique("member", "id_number", N_("the same ID number"))


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
                    problems.append(
                        _p("branch", rid, "parent", _("makes a cycle of parent branches"))
                    )
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
                    _("{sec} is not a full member (stage {get})").format(
                        sec=sec, get=member.get("stage")
                    ),
                )
            )
        elif member.get("left_on"):
            problems.append(
                _p("branch", rid, "secretary", _("{sec} has left the roster").format(sec=sec))
            )
    return problems


def check_contacts(records: Records) -> list[Problem]:
    """An activist's contacts (培养联系人) are full members; while the member is still in the
    pipeline (activist or candidate, not left), none of them may have left."""
    problems = []
    members = records.by_kind["member"]
    for rid, rec in members.items():
        mentoring = rec.get("stage") in ("activist", "candidate") and not rec.get("left_on")
        for contact in KINDS["member"].ids_named(rec, "contacts"):
            other = members.get(contact)
            if other is None:
                continue
            if other.get("stage") != "full":
                problems.append(
                    _p(
                        "member",
                        rid,
                        "contacts",
                        _("{contact} is not a full member (stage {get})").format(
                            contact=contact, get=other.get("stage")
                        ),
                    )
                )
            elif mentoring and other.get("left_on"):
                problems.append(
                    _p(
                        "member",
                        rid,
                        "contacts",
                        _("{contact} has left the roster").format(contact=contact),
                    )
                )
    return problems


CHECKS: list[Callable[[Records], list[Problem]]] = [
    check_references,
    check_unique_branch_names,
    check_unique_phones,
    check_unique_id_numbers,
    check_branch_cycles,
    check_secretaries,
    check_contacts,
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
    """Every (kind, id, field) whose reference field — or one item of a list of ids — names
    ``kind`` ``record_id``: by kind, then in id order (so `remove` lists them the same way
    every time)."""
    from driverparty.schema import id_sort_key

    found = []
    for other, rid, name, target, value in references(records):
        if (target, value) == (kind, record_id) and not (other == kind and rid == record_id):
            if (other, rid, name) not in found:
                found.append((other, rid, name))
    order = {k: i for i, k in enumerate(KINDS)}
    found.sort(key=lambda f: (order[f[0]], id_sort_key(f[1])))
    return found


#: kinds one rule reads together (a branch's secretary must be a full member): a change to
#: either kind has the store load both before it checks
READ_TOGETHER: tuple[frozenset[str], ...] = (frozenset({"branch", "member"}),)
