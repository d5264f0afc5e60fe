"""How personal data is masked, rule by rule (SPEC section 4 "Personal data", issue 25).

The masking functions of ``driverparty/personal.py`` at their boundaries (short, empty and
odd values; runs in free text that are and are not phone or ID numbers), and the outputs a
clerk reads: ``member get`` in every format, with and without ``--reveal``.
"""

from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from driverparty.personal import (
    PERSONAL_FIELDS,
    has_numbers,
    is_masked,
    mask,
    mask_error,
    mask_text,
    mask_text_tree,
    mask_tree,
)
from tests.conftest import Run

PROPS = settings(max_examples=200, derandomize=True, deadline=None, database=None)
M3_ID = "451102199109248733"  # M-0003's, in the sample county
M3_ID_MASKED = "451102********8733"
M1_PHONE = "18313693569"  # M-0001's
M1_PHONE_MASKED = "183****3569"


def test_the_personal_fields_are_the_phone_and_the_id_number() -> None:
    assert PERSONAL_FIELDS == {"phone", "id_number"}


# --- one value -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "masked"),
    [
        ("phone", "13812345678", "138****5678"),
        ("phone", "12345678", "123****5678"),  # 8 characters: the shortest shown in part
        ("phone", "1234567", "*******"),  # 7 and fewer: all stars
        ("phone", "1", "*"),
        ("id_number", "451102199109248733", "451102********8733"),
        ("id_number", "12345678901", "123456********8901"),  # 11: the shortest shown in part
        ("id_number", "1234567890", "**********"),  # 10 and fewer: all stars
        ("id_number", "45110219910924873X", "451102********873X"),
    ],
)
def test_a_personal_value_is_masked_by_its_field(field: str, value: str, masked: str) -> None:
    assert mask(field, value) == masked


@pytest.mark.parametrize("value", [None, ""])
def test_nothing_to_mask_stays_as_it_is(value: str | None) -> None:
    assert mask("phone", value) is value
    assert mask("id_number", value) is value


def test_values_of_other_types_are_masked_as_their_text() -> None:
    assert mask("phone", 13812345678) == "138****5678"
    assert mask("id_number", 451102199109248733) == "451102********8733"
    assert mask("phone", date(2025, 3, 5)) == "202****3-05"
    assert mask("id_number", date(2025, 3, 5)) == "**********"
    assert mask("phone", ["13812345678", "", None]) == ["138****5678", "", None]
    assert mask("phone", {"a": "13812345678", "b": ["13987654321"]}) == {
        "a": "138****5678",
        "b": ["139****4321"],
    }


@PROPS
@given(st.text(max_size=30), st.sampled_from(["phone", "id_number"]))
def test_a_long_value_shows_its_ends_only_and_a_short_one_nothing(value: str, field: str) -> None:
    """A phone shows its first 3 and last 4 (138****5678) from 8 characters on, an ID number
    its first 6 and last 4 from 11 on; anything shorter is all stars, never shown in part."""
    masked = mask(field, value)
    head, stars, shortest = (3, 4, 8) if field == "phone" else (6, 8, 11)
    if len(value) >= shortest:
        assert masked == value[:head] + "*" * stars + value[-4:]
    else:
        assert masked == "*" * len(value)


def test_is_masked_knows_only_masked_text() -> None:
    assert is_masked("138****5678")
    assert not is_masked("138***5678")
    assert not is_masked(["****"])
    assert not is_masked(None)


# --- rows ----------------------------------------------------------------------------------------


def test_mask_tree_masks_personal_keys_and_changes_of_personal_fields() -> None:
    rows = [
        {"id": "M-1", "name": "张三", "phone": "13812345678", "id_number": M3_ID},
        {
            "changes": [
                {"field": "phone", "old": "13812345678", "new": "13987654321"},
                {"field": "id_number", "old": None, "new": M3_ID, "other": "13812345678"},
                {"field": "name", "old": "13812345678", "new": "张三"},
            ]
        },
        "13812345678",
        5,
    ]
    assert mask_tree(rows) == [
        {"id": "M-1", "name": "张三", "phone": "138****5678", "id_number": M3_ID_MASKED},
        {
            "changes": [
                {"field": "phone", "old": "138****5678", "new": "139****4321"},
                {"field": "id_number", "old": None, "new": M3_ID_MASKED, "other": "13812345678"},
                {"field": "name", "old": "13812345678", "new": "张三"},
            ]
        },
        "13812345678",
        5,
    ]


def test_mask_text_tree_masks_every_string_value_not_keys() -> None:
    rows = {"13812345678": ("电话13812345678", ["身份证" + M3_ID]), "n": 13812345678}
    assert mask_text_tree(rows) == {
        "13812345678": ["电话138****5678", ["身份证" + M3_ID_MASKED]],
        "n": 13812345678,
    }


# --- numbers inside text -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("联系电话13812345678", "联系电话138****5678"),
        ("电话 138-1234-5678。", "电话 138-****-5678。"),
        ("电话 138 1234 5678", "电话 138 **** 5678"),
        ("+86 138 1234 5678", "+86 138 **** 5678"),
        ("+8613812345678", "+86138****5678"),
        ("86-13812345678", "86-138****5678"),
        ("身份证" + M3_ID + "号", "身份证" + M3_ID_MASKED + "号"),
        ("身份证45110219910924873x", "身份证451102********873x"),
        ("旧证451102910924873", "旧证451102*****4873"),  # 15 digits, first generation
        ("两个13812345678和13987654321", "两个138****5678和139****4321"),
    ],
)
def test_numbers_in_text_are_masked(text: str, masked: str) -> None:
    assert has_numbers(text)
    assert mask_text(text) == masked
    assert mask_error(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "订单号138123456789",  # 12 digits
        "a13812345678",  # part of a longer word
        "13812345678a",
        "3.13812345678",  # the decimals of a number
        "12812345678",  # not a mobile prefix
        "1381234567",  # 10 digits
        "4511021991092487331",  # 19 digits
        "45110219910924873",  # 17
        "138 1234 567",
        "",
        "没有号码",
    ],
)
def test_runs_that_are_not_phone_or_id_numbers_are_kept(text: str) -> None:
    assert not has_numbers(text)
    assert mask_text(text) == text


def test_mask_text_passes_what_is_not_text() -> None:
    assert mask_text(13812345678) == 13812345678  # type: ignore[arg-type]
    assert mask_text(None) is None  # type: ignore[arg-type]


@PROPS
@given(
    st.text(alphabet=" ,+-电话：", max_size=6),
    st.from_regex(r"\A1[3-9][0-9]{9}\Z", fullmatch=True),
    st.text(alphabet=" ,.+-电话：", max_size=6),
)
def test_a_phone_standing_alone_never_shows_its_middle_digits(
    before: str, phone: str, after: str
) -> None:
    text = f"{before}{phone}{after}"
    masked = mask_text(text)
    assert phone not in masked
    assert phone[:3] + "****" + phone[-4:] in masked
    assert mask_error(text) == masked


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        (
            "error: row 3: phone: 1234567890123 is wrong",
            "error: row 3: phone: 123********23 is wrong",
        ),
        ("value 1234567890", "value 123*****90"),  # 10 digits: the shortest masked
        ("value 123456789", "value 123456789"),  # 9: kept
        ("value 1234567890X", "value 123******0X"),
        ("value 1234567890x", "value 123******0x"),
        ("pi 3.1234567890123", "pi 3.1234567890123"),
        ("id A1234567890123", "id A1234567890123"),
        ("电话13812345678", "电话138****5678"),
    ],
)
def test_an_error_line_shows_no_long_number_in_clear(line: str, masked: str) -> None:
    assert mask_error(line) == masked


# --- what the clerk sees -------------------------------------------------------------------------


def test_member_get_masks_the_id_number_in_every_format(dp: Run) -> None:
    table = dp("member", "get", "M-0003")
    assert table.exit_code == 0, table.stderr
    assert M3_ID_MASKED in table.stdout and M3_ID not in table.stdout
    data = tomllib.loads(dp("member", "get", "M-0003", "--format", "toml").stdout)
    assert data["id_number"] == M3_ID_MASKED
    rows = json.loads(dp("member", "get", "M-0003", "--format", "json").stdout)
    row = rows[0] if isinstance(rows, list) else rows
    assert row["id_number"] == M3_ID_MASKED
    revealed = tomllib.loads(dp("member", "get", "M-0003", "--format", "toml", "--reveal").stdout)
    assert revealed["id_number"] == M3_ID


def test_member_list_masks_phones_and_reveal_shows_them(dp: Run) -> None:
    masked = dp("member", "list", "--format", "csv")
    assert masked.exit_code == 0, masked.stderr
    assert M1_PHONE_MASKED in masked.stdout and M1_PHONE not in masked.stdout
    assert M3_ID not in masked.stdout
    revealed = dp("member", "list", "--format", "csv", "--reveal")
    assert M1_PHONE in revealed.stdout


def test_a_short_phone_in_a_hand_edited_file_is_masked_whole(dp: Run, repo: Path) -> None:
    path = repo / "records" / "members" / "M-0001.toml"
    text = path.read_text(encoding="utf-8").replace(f'"{M1_PHONE}"', '"1234567"')
    path.write_text(text, encoding="utf-8")
    r = dp("member", "get", "M-0001", "--format", "toml")
    assert "1234567" not in r.stdout + r.stderr
    assert r.exit_code == 1  # the file is invalid now, and said so
    assert r.stderr.startswith("error: ")
