"""The rules across records of ``driverparty/checks.py``, one by one (issue 25).

Each rule on small hand-made record sets (what the store loads), with the whole problem it
reports, and the ones a clerk meets on the command line on the sample county: a refused
write names the file, the field and the other record, and changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from driverparty.checks import (
    CHECKS,
    READ_TOGETHER,
    Records,
    added_problems,
    check_all,
    check_branch_cycles,
    check_contacts,
    check_references,
    check_secretaries,
    check_unique_branch_names,
    check_unique_id_numbers,
    check_unique_phones,
    problem_order,
    references,
    referrers,
    renamed_references,
)
from driverparty.errors import Problem
from tests.conftest import Run, commit_count, git

M3_ID = "451102199109248733"  # M-0003's, in the sample county


def recs(**kinds: dict[str, dict[str, Any]]) -> Records:
    """Records from ``member={"M-1": {...}}`` …; each record gets its id."""
    records = Records()
    for kind, by_id in kinds.items():
        for rid, rec in by_id.items():
            records.by_kind[kind][rid] = {"id": rid, **rec}
    return records


def rows(problems: list[Problem]) -> list[tuple[str, str | None, str | None, str]]:
    return [(p.file, p.id, p.field, p.message) for p in problems]


# --- Records -------------------------------------------------------------------------------------


def test_a_record_exists_when_loaded_broken_or_only_present() -> None:
    records = recs(member={"M-1": {}})
    records.broken["member"].add("M-2")
    records.present["branch"].add("B-1")
    assert records.exists("member", "M-1")
    assert records.exists("member", "M-2")
    assert records.exists("branch", "B-1")
    assert not records.exists("member", "B-1")
    assert not records.exists("branch", "M-1")
    assert records.get("member", "M-1") == {"id": "M-1"}
    assert records.get("member", "M-2") is None


def test_a_copy_of_the_records_is_independent() -> None:
    records = recs(member={"M-1": {}})
    records.broken["member"].add("M-2")
    records.present["station"].add("S-1")
    copy = records.copy()
    assert copy.by_kind == records.by_kind
    assert copy.broken == records.broken and copy.present == records.present
    copy.by_kind["member"]["M-3"] = {"id": "M-3"}
    copy.broken["member"].add("M-4")
    copy.present["station"].add("S-2")
    assert set(records.by_kind["member"]) == {"M-1"}
    assert records.broken["member"] == {"M-2"}
    assert records.present["station"] == {"S-1"}


# --- references ----------------------------------------------------------------------------------


def test_every_reference_is_listed_one_per_id_named() -> None:
    records = recs(
        member={"M-1": {"branch": "B-1", "contacts": ["M-2", "M-3", 5], "station": None}},
        branch={"B-1": {"parent": "B-0", "secretary": "M-1"}},
        petition={"P-1": {"member": "M-1"}},
    )
    assert sorted(references(records)) == sorted(
        [
            ("member", "M-1", "contacts", "member", "M-2"),
            ("member", "M-1", "contacts", "member", "M-3"),
            ("member", "M-1", "branch", "branch", "B-1"),
            ("branch", "B-1", "parent", "branch", "B-0"),
            ("branch", "B-1", "secretary", "member", "M-1"),
            ("petition", "P-1", "member", "member", "M-1"),
        ]
    )


def test_a_reference_must_name_a_record_that_exists() -> None:
    records = recs(
        member={"M-1": {"branch": "B-9", "contacts": ["M-2", "M-8"]}, "M-2": {}},
        petition={"P-1": {"member": "M-7", "station": "S-1"}},
    )
    records.present["station"].add("S-1")
    assert rows(check_references(records)) == [
        ("records/members/M-1.toml", "M-1", "contacts", "no member M-8"),
        ("records/members/M-1.toml", "M-1", "branch", "no branch B-9"),
        ("records/petitions/P-1.toml", "P-1", "member", "no member M-7"),
    ]


def test_renamed_references_renumber_single_and_listed_ids() -> None:
    renames = {("member", "M-2"): "M-20", ("branch", "B-1"): "B-10", ("member", "M-9"): "M-90"}
    record = {"branch": "B-1", "contacts": ["M-1", "M-2", 7], "station": "M-2"}
    assert renamed_references("member", record, renames) == {
        "branch": "B-10",
        "contacts": ["M-1", "M-20", 7],
    }
    assert renamed_references("member", {"contacts": ["M-1"], "branch": "B-2"}, renames) == {}
    assert renamed_references("member", {"branch": "M-2"}, renames) == {}  # not a branch id
    # a hand-edited list may hold anything: what is not an id is kept as it is
    odd = {"contacts": ["M-2", ["M-2"], {"id": "M-2"}, None]}
    assert renamed_references("member", odd, renames) == {
        "contacts": ["M-20", ["M-2"], {"id": "M-2"}, None]
    }


def test_referrers_list_each_referring_field_once_in_kind_then_id_order() -> None:
    records = recs(
        member={
            "M-10": {"contacts": ["M-1", "M-1"]},
            "M-9": {"contacts": ["M-1"]},
            "M-1": {"contacts": ["M-1"]},  # itself: not a referrer of its own
        },
        branch={"B-2": {"secretary": "M-1"}, "B-1": {"secretary": "M-2"}},
        petition={"P-1": {"member": "M-1"}},
    )
    assert referrers(records, "member", "M-1") == [
        ("branch", "B-2", "secretary"),
        ("member", "M-9", "contacts"),
        ("member", "M-10", "contacts"),
        ("petition", "P-1", "member"),
    ]
    assert referrers(records, "member", "M-404") == []
    # a branch whose parent is itself is no referrer of itself either
    assert referrers(recs(branch={"B-1": {"parent": "B-1"}}), "branch", "B-1") == []


# --- uniqueness ----------------------------------------------------------------------------------


def test_a_phone_is_one_members_only() -> None:
    records = recs(
        member={
            "M-1": {"phone": "13812345678"},
            "M-2": {"phone": "13812345678"},
            "M-3": {"phone": "13812345678"},
            "M-4": {"phone": "13987654321"},
            "M-5": {},
            "M-6": {},
        }
    )
    assert rows(check_unique_phones(records)) == [
        (
            "records/members/M-1.toml",
            "M-1",
            "phone",
            "the same phone number is also used by M-2, M-3",
        ),
        (
            "records/members/M-2.toml",
            "M-2",
            "phone",
            "the same phone number is also used by M-1, M-3",
        ),
        (
            "records/members/M-3.toml",
            "M-3",
            "phone",
            "the same phone number is also used by M-1, M-2",
        ),
    ]


def test_an_id_number_is_one_members_only() -> None:
    records = recs(member={"M-1": {"id_number": M3_ID}, "M-2": {"id_number": M3_ID}, "M-3": {}})
    assert rows(check_unique_id_numbers(records)) == [
        ("records/members/M-1.toml", "M-1", "id_number", "the same ID number is also used by M-2"),
        ("records/members/M-2.toml", "M-2", "id_number", "the same ID number is also used by M-1"),
    ]
    assert check_unique_id_numbers in CHECKS
    assert check_unique_phones in CHECKS and check_unique_branch_names in CHECKS


def test_a_branch_name_is_one_branchs_only() -> None:
    records = recs(
        branch={"B-1": {"name": "一支部"}, "B-2": {"name": "一支部"}, "B-3": {"name": "二"}}
    )
    assert rows(check_unique_branch_names(records)) == [
        ("records/branches/B-1.toml", "B-1", "name", "the same name is also used by B-2"),
        ("records/branches/B-2.toml", "B-2", "name", "the same name is also used by B-1"),
    ]
    assert check_unique_branch_names.__name__ == "check_unique_branch_name"


def test_a_uniqueness_rule_names_every_other_record_sharing_the_value() -> None:
    """The factory the three rules above are made with, making a fourth at test time (the
    rules themselves are made once, when the module is imported)."""
    from driverparty.checks import _unique

    rule = _unique("station", "name", "the same station name")
    assert rule.__name__ == "check_unique_station_name"
    records = recs(
        station={
            "S-9": {"name": "三站"},
            "S-1": {"name": "一站"},
            "S-2": {"name": "一站"},
            "S-3": {"name": "二站"},
            "S-4": {},
            "S-5": {"name": None},
            "S-10": {"name": "三站"},
            "S-6": {"name": "三站"},
        }
    )
    assert rows(rule(records)) == [
        (
            "records/stations/S-9.toml",
            "S-9",
            "name",
            "the same station name is also used by S-10, S-6",
        ),
        (
            "records/stations/S-10.toml",
            "S-10",
            "name",
            "the same station name is also used by S-6, S-9",
        ),
        (
            "records/stations/S-6.toml",
            "S-6",
            "name",
            "the same station name is also used by S-10, S-9",
        ),
        ("records/stations/S-1.toml", "S-1", "name", "the same station name is also used by S-2"),
        ("records/stations/S-2.toml", "S-2", "name", "the same station name is also used by S-1"),
    ]
    assert rule(recs(station={"S-1": {"name": "一站"}, "S-2": {}})) == []


# --- branch cycles -------------------------------------------------------------------------------


def cycle(rid: str) -> tuple[str, str, str, str]:
    return (f"records/branches/{rid}.toml", rid, "parent", "makes a cycle of parent branches")


def test_a_branch_that_is_its_own_parent_makes_a_cycle() -> None:
    assert rows(check_branch_cycles(recs(branch={"B-1": {"parent": "B-1"}}))) == [cycle("B-1")]


def test_every_branch_on_a_cycle_is_named_and_none_leading_into_it() -> None:
    records = recs(
        branch={
            "B-1": {"parent": "B-2"},
            "B-2": {"parent": "B-3"},
            "B-3": {"parent": "B-1"},
            "B-4": {"parent": "B-1"},  # leads into the cycle, is not on it
            "B-5": {"parent": "B-404"},  # a missing parent ends the walk
            "B-6": {"parent": "B-5"},
            "B-7": {},
        }
    )
    assert rows(check_branch_cycles(records)) == [cycle("B-1"), cycle("B-2"), cycle("B-3")]


def test_a_chain_of_branches_is_no_cycle() -> None:
    records = recs(branch={"B-1": {}, "B-2": {"parent": "B-1"}, "B-3": {"parent": "B-2"}})
    assert check_branch_cycles(records) == []


# --- secretaries and contacts --------------------------------------------------------------------


def test_a_secretary_is_a_full_member_who_has_not_left() -> None:
    records = recs(
        member={
            "M-1": {"stage": "full"},
            "M-2": {"stage": "probationary"},
            "M-3": {"stage": "full", "left_on": "2026-01-01"},
            "M-4": {"stage": "candidate", "left_on": "2026-01-01"},
        },
        branch={
            "B-0": {"secretary": "M-404"},  # the reference check says this one
            "B-1": {"secretary": "M-1"},
            "B-2": {"secretary": "M-2"},
            "B-3": {"secretary": "M-3"},
            "B-4": {"secretary": "M-4"},
            "B-6": {"secretary": None},
            "B-7": {"secretary": ""},
        },
    )
    assert rows(check_secretaries(records)) == [
        (
            "records/branches/B-2.toml",
            "B-2",
            "secretary",
            "M-2 is not a full member (stage probationary)",
        ),
        ("records/branches/B-3.toml", "B-3", "secretary", "M-3 has left the roster"),
        (
            "records/branches/B-4.toml",
            "B-4",
            "secretary",
            "M-4 is not a full member (stage candidate)",
        ),
    ]


def test_contacts_are_full_members_who_stay_while_the_member_is_trained() -> None:
    records = recs(
        member={
            "M-1": {"stage": "full"},
            "M-2": {"stage": "full", "left_on": "2026-01-01"},
            "M-3": {"stage": "probationary"},
            "M-10": {"stage": "activist", "contacts": ["M-404", "M-1", "M-2", "M-3"]},
            "M-11": {"stage": "candidate", "contacts": ["M-2"]},
            "M-12": {"stage": "candidate", "contacts": ["M-2"], "left_on": "2026-02-01"},
            "M-13": {"stage": "full", "contacts": ["M-2", "M-3"]},
            "M-14": {"stage": "applicant", "contacts": ["M-2"]},
        }
    )
    assert sorted(rows(check_contacts(records))) == sorted(
        [
            ("records/members/M-10.toml", "M-10", "contacts", "M-2 has left the roster"),
            (
                "records/members/M-10.toml",
                "M-10",
                "contacts",
                "M-3 is not a full member (stage probationary)",
            ),
            ("records/members/M-11.toml", "M-11", "contacts", "M-2 has left the roster"),
            (
                "records/members/M-13.toml",
                "M-13",
                "contacts",
                "M-3 is not a full member (stage probationary)",
            ),
        ]
    )


# --- all rules, and what a change adds -----------------------------------------------------------


def test_check_all_runs_every_rule_in_order() -> None:
    assert CHECKS == [
        check_references,
        check_unique_branch_names,
        check_unique_phones,
        check_unique_id_numbers,
        check_branch_cycles,
        check_secretaries,
        check_contacts,
    ]
    records = recs(
        member={
            "M-1": {"stage": "applicant", "phone": "13812345678"},
            "M-2": {"phone": "13812345678"},
        },
        branch={"B-1": {"secretary": "M-1", "parent": "B-9"}},
    )
    assert [p.message for p in check_all(records)] == [
        "no branch B-9",
        "the same phone number is also used by M-2",
        "the same phone number is also used by M-1",
        "M-1 is not a full member (stage applicant)",
    ]


def test_problems_are_listed_by_file_field_then_message() -> None:
    problems = [
        Problem("b", "x", "f", "m"),
        Problem("a", "x", "g", "m"),
        Problem("a", "x", None, "z"),
        Problem("a", "x", "g", "a"),
    ]
    assert [problem_order(p) for p in sorted(problems, key=problem_order)] == [
        ("a", "", "z"),
        ("a", "g", "a"),
        ("a", "g", "m"),
        ("b", "f", "m"),
    ]


def test_a_change_is_refused_only_for_the_problems_it_adds() -> None:
    before = recs(
        member={"M-1": {"phone": "13812345678"}, "M-2": {"phone": "13812345678"}, "M-3": {}},
        branch={"B-1": {"parent": "B-404"}},
    )
    same = added_problems(before, [("member", "M-3", {"id": "M-3", "phone": "13900000000"})])
    assert same == []  # the duplicate and the missing parent were there before
    added = added_problems(
        before,
        [
            ("member", "M-3", {"id": "M-3", "phone": "13812345678"}),
            ("branch", "B-2", {"id": "B-2", "parent": "B-2"}),
        ],
    )
    assert rows(added) == [
        cycle("B-2"),
        (
            "records/members/M-1.toml",
            "M-1",
            "phone",
            "the same phone number is also used by M-2, M-3",
        ),
        (
            "records/members/M-2.toml",
            "M-2",
            "phone",
            "the same phone number is also used by M-1, M-3",
        ),
        (
            "records/members/M-3.toml",
            "M-3",
            "phone",
            "the same phone number is also used by M-1, M-2",
        ),
    ]
    assert set(before.by_kind["member"]) == {"M-1", "M-2", "M-3"}  # before is left as it was
    assert before.by_kind["member"]["M-3"] == {"id": "M-3"}
    assert "B-2" not in before.by_kind["branch"]


def test_removing_a_record_others_name_adds_a_problem() -> None:
    before = recs(member={"M-1": {}}, branch={"B-1": {"secretary": "M-1"}})
    assert rows(added_problems(before, [("member", "M-1", None)])) == [
        ("records/branches/B-1.toml", "B-1", "secretary", "no member M-1")
    ]
    assert added_problems(before, [("member", "M-404", None)]) == []


def test_correcting_or_removing_a_broken_file() -> None:
    """A broken file counts as there for references; once removed, it is not."""
    before = recs(branch={"B-1": {"secretary": "M-1"}})
    before.broken["member"].add("M-1")
    assert check_all(before) == []
    assert rows(added_problems(before, [("member", "M-1", None)])) == [
        ("records/branches/B-1.toml", "B-1", "secretary", "no member M-1")
    ]
    fixed = added_problems(before, [("member", "M-1", {"id": "M-1", "stage": "applicant"})])
    assert rows(fixed) == [
        (
            "records/branches/B-1.toml",
            "B-1",
            "secretary",
            "M-1 is not a full member (stage applicant)",
        )
    ]
    assert before.broken["member"] == {"M-1"}


def test_branches_and_members_are_read_together() -> None:
    assert frozenset({"branch", "member"}) in READ_TOGETHER


# --- on the command line -------------------------------------------------------------------------


def test_a_second_member_with_the_same_id_number_is_refused(dp: Run, repo: Path) -> None:
    before = commit_count(repo)
    r = dp(
        "member", "add", "--name", "测试", "--occupation", "truck", "--stage", "applicant",
        "--id-number", M3_ID,
    )  # fmt: skip
    assert r.exit_code == 1
    same = "id_number: the same ID number is also used by"
    assert r.stderr.splitlines() == [
        f"error: records/members/M-0003.toml: {same} M-0061",
        f"error: records/members/M-0061.toml: {same} M-0003",
    ]
    assert M3_ID not in r.stderr
    assert commit_count(repo) == before
    assert git(repo, "status", "--porcelain") == ""


def test_a_branch_made_its_own_parent_is_refused(dp: Run, repo: Path) -> None:
    before = commit_count(repo)
    r = dp("branch", "update", "B-0002", "--parent", "B-0002")
    assert r.exit_code == 1
    assert (
        r.stderr
        == "error: records/branches/B-0002.toml: parent: makes a cycle of parent branches\n"
    )
    assert commit_count(repo) == before
    assert git(repo, "status", "--porcelain") == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--secretary", "M-0061"),
            "error: records/branches/B-0002.toml: secretary: no member M-0061\n",
        ),
        (("--parent", "B-0404"), "error: records/branches/B-0002.toml: parent: no branch B-0404\n"),
    ],
)
def test_a_reference_to_no_record_is_refused(
    dp: Run, repo: Path, args: tuple[str, ...], message: str
) -> None:
    r = dp("branch", "update", "B-0002", *args)
    assert r.exit_code == 1
    assert r.stderr == message
    assert git(repo, "status", "--porcelain") == ""
