"""The field validators of ``driverparty/models/types.py`` at their boundaries (issue 25).

Each rule is checked through the type the models use (``Phone``, ``IdNumber`` …, validated
the way the store validates a record), against an oracle written here independently of the
code: a property test (hypothesis, derandomized) that a value is accepted exactly when the
rule of SPEC section 3 says so, plus the edge cases a broken rule would let through. The
error messages are compared whole: they are what the clerk reads after `error:`.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta
from typing import Annotated, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from driverparty.models.types import (
    NOT_IN_NAMES,
    PROVINCES,
    AnyDate,
    Bool,
    Codes,
    Float,
    Hours,
    IdNumber,
    Int,
    Line,
    Name,
    PastDate,
    Phone,
    Plate,
    RecordId,
    Text,
    Token,
    check_line,
    id_number_birth_date,
    id_number_check_char,
    nfc,
)

PROPS = settings(max_examples=300, derandomize=True, deadline=None, database=None)
DIGITS = "0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def accepts(kind: Any, value: Any, **context: Any) -> Any:
    return TypeAdapter(kind).validate_python(value, context=context or None)


def refusal(kind: Any, value: Any, **context: Any) -> str:
    """The one message a value is refused with, as the CLI shows it after the field name."""
    with pytest.raises(ValidationError) as err:
        TypeAdapter(kind).validate_python(value, context=context or None)
    errors = err.value.errors()
    assert len(errors) == 1, errors
    return str(errors[0]["msg"]).removeprefix("Value error, ")


# --- phone -------------------------------------------------------------------------------------


def phone_ok(text: str) -> bool:
    """SPEC section 3: a mainland mobile number, 11 digits, 1 then 3-9."""
    return (
        len(text) == 11
        and all(c in DIGITS for c in text)
        and text[0] == "1"
        and text[1] in "3456789"
    )


PHONE_NO = "not a mainland mobile number"


@PROPS
@given(st.from_regex(r"\A1[3-9][0-9]{9}\Z", fullmatch=True))
def test_every_mainland_mobile_number_is_accepted(phone: str) -> None:
    assert accepts(Phone, phone) == phone


@PROPS
@given(
    st.text(alphabet="0123456789 +-\nx", max_size=14)
    | st.from_regex(r"\A1[0-9]{9,12}\n?\Z", fullmatch=True)
)
def test_a_phone_is_accepted_exactly_when_it_is_a_mainland_mobile_number(text: str) -> None:
    if phone_ok(text):
        assert accepts(Phone, text) == text
    else:
        assert refusal(Phone, text) == PHONE_NO


@pytest.mark.parametrize(
    "text",
    [
        "138123456789",  # 12 digits
        "1381234567",  # 10 digits
        "12812345678",  # second digit 2
        "10812345678",  # second digit 0
        "23812345678",  # not starting with 1
        "13812345678\n",  # a line break after it
        " 13812345678",
        "1381234567８",  # a full-width digit
        "",
    ],
)
def test_phone_boundaries_are_refused(text: str) -> None:
    assert refusal(Phone, text) == PHONE_NO


@pytest.mark.parametrize("second", "3456789")
def test_phone_second_digit_3_to_9(second: str) -> None:
    assert accepts(Phone, f"1{second}812345678") == f"1{second}812345678"


@pytest.mark.parametrize("value", [13812345678, 1.3812345678e10, True, None, ["13812345678"]])
def test_a_phone_that_is_not_text_is_refused(value: Any) -> None:
    assert refusal(Phone, value) == "must be text (in quotes)"


# --- resident ID number --------------------------------------------------------------------


def check_char(first17: str) -> str:
    """GB 11643: weights 2^(17-i) mod 11, check (12 - sum mod 11) mod 11, 10 written X."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def real_date(text: str) -> bool:
    try:
        date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return False
    return True


def id_ok(text: str) -> bool:
    return (
        len(text) == 18
        and all(c in DIGITS for c in text[:17])
        and text[17] in DIGITS + "X"
        and real_date(text[6:14])
        and check_char(text[:17]) == text[17]
    )


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.from_regex(r"\A[1-8][0-9]{5}\Z", fullmatch=True))
    born = draw(st.dates(date(1900, 1, 1), date(2026, 6, 30)))
    seq = draw(st.from_regex(r"\A[0-9]{3}\Z", fullmatch=True))
    first17 = region + born.strftime("%Y%m%d") + seq
    return first17 + check_char(first17)


@PROPS
@given(id_numbers())
def test_every_real_id_number_is_accepted_and_gives_its_birth_date(number: str) -> None:
    assert accepts(IdNumber, number) == number
    assert id_number_check_char(number[:17]) == number[17]
    born = id_number_birth_date(number)
    assert born is not None
    assert born.strftime("%Y%m%d") == number[6:14]


@PROPS
@given(id_numbers(), st.integers(0, 17), st.sampled_from(DIGITS + "Xx"))
def test_an_id_number_is_accepted_exactly_when_it_is_a_real_one(
    number: str, at: int, char: str
) -> None:
    changed = number[:at] + char + number[at + 1 :]
    if id_ok(changed):
        assert accepts(IdNumber, changed) == changed
    else:
        with pytest.raises(ValidationError):
            accepts(IdNumber, changed)


ID_SHAPE = "not an 18-character resident ID number (17 digits, then a digit or X)"
ID_DATE = "not a resident ID number: characters 7-14 are not a real birth date"
ID_CHECK = "not a resident ID number: wrong check character"


def with_check(first17: str) -> str:
    return first17 + check_char(first17)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("45010219900101123", ID_SHAPE),  # 17 characters
        ("4501021990010112345", ID_SHAPE),  # 19
        ("45010219900101123x", ID_SHAPE),  # lowercase x as the check character
        ("45010219900101123Y", ID_SHAPE),
        ("A50102199001011234", ID_SHAPE),
        ("450102199001011234\n", ID_SHAPE),
        (with_check("45010219900230123"), ID_DATE),  # 30 February
        (with_check("45010219901301123"), ID_DATE),  # month 13
        (with_check("45010219900100123"), ID_DATE),  # day 0
        (with_check("45010200000101123"), ID_DATE),  # year 0
    ],
)
def test_id_number_boundaries_are_refused(text: str, message: str) -> None:
    assert refusal(IdNumber, text) == message


def test_a_wrong_check_character_is_refused() -> None:
    good = with_check("45010219900307123")
    for char in (DIGITS + "X").replace(good[17], ""):
        assert refusal(IdNumber, good[:17] + char) == ID_CHECK


def test_the_check_character_x_is_accepted_uppercase_only() -> None:
    # 11010519491231002 has the check character X (GB 11643's own example)
    assert check_char("11010519491231002") == "X"
    assert accepts(IdNumber, "11010519491231002X") == "11010519491231002X"
    assert refusal(IdNumber, "11010519491231002x") == ID_SHAPE


def test_every_check_character_value_occurs() -> None:
    """Each of the 11 check characters, read from the table at its own position."""
    seen = {}
    for seq in range(1000):
        first17 = f"45010219900307{seq:03d}"
        seen.setdefault(check_char(first17), first17)
    assert set(seen) == set(DIGITS + "X")
    for char, first17 in seen.items():
        assert id_number_check_char(first17) == char
        assert accepts(IdNumber, first17 + char) == first17 + char


@pytest.mark.parametrize("first17", ["4501021990030712", "450102199003071234", ""])
def test_the_check_character_is_computed_from_17_digits_only(first17: str) -> None:
    with pytest.raises(ValueError, match="zip"):
        id_number_check_char(first17)


def test_birth_date_of_a_short_or_broken_number_is_none() -> None:
    assert id_number_birth_date("450102") is None
    assert id_number_birth_date("45010219901301123X") is None
    assert id_number_birth_date("45010219900230123X") is None
    assert id_number_birth_date("450102199003071234") == date(1990, 3, 7)


@pytest.mark.parametrize("value", [450102199003071234, None, True])
def test_an_id_number_that_is_not_text_is_refused(value: Any) -> None:
    assert refusal(IdNumber, value) == "must be text (in quotes)"


# --- plate ---------------------------------------------------------------------------------------

PLATE_NO = "not a mainland plate (e.g. 桂J12345 or 桂JD12345)"


def plate_ok(text: str) -> bool:
    return (
        len(text) in (7, 8)
        and text[0] in PROVINCES
        and text[1] in UPPER
        and all(c in UPPER + DIGITS for c in text[2:])
    )


@PROPS
@given(
    st.builds(
        lambda p, rest: p + rest,
        st.sampled_from(PROVINCES + "港A"),
        st.text(alphabet=UPPER[:6] + "abz0189 -", min_size=0, max_size=9),
    )
)
def test_a_plate_is_accepted_exactly_when_it_is_a_mainland_plate(text: str) -> None:
    if plate_ok(text):
        assert accepts(Plate, text) == text
    else:
        assert refusal(Plate, text) == PLATE_NO


@pytest.mark.parametrize("province", PROVINCES)
def test_every_province_character_starts_a_plate(province: str) -> None:
    assert accepts(Plate, f"{province}J12345") == f"{province}J12345"


@pytest.mark.parametrize(
    "text",
    [
        "桂j12345",  # lowercase letter
        "桂J1234d",
        "桂JD123456",  # 7 tail characters
        "桂J1234",  # 4
        "桂112345",  # a digit where the letter goes
        "港J12345",  # not a mainland province
        "桂J12345\n",
        "x桂J12345",
    ],
)
def test_plate_boundaries_are_refused(text: str) -> None:
    assert refusal(Plate, text) == PLATE_NO


@pytest.mark.parametrize("text", ["桂J12345", "桂JD12345", "桂JZZZZZ", "京A00000"])
def test_plates_of_5_and_6_tail_characters_are_accepted(text: str) -> None:
    assert accepts(Plate, text) == text


# --- token, id, hours ----------------------------------------------------------------------------

TOKEN_NO = "must be a word without spaces, commas or semicolons (≤ 40 characters)"


@PROPS
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=44))
def test_a_token_is_accepted_exactly_when_it_is_one_word(text: str) -> None:
    composed = unicodedata.normalize("NFC", text)
    ok = 1 <= len(composed) <= 40 and not any(c.isspace() or c in ",;" for c in composed)
    if ok:
        assert accepts(Token, text) == composed
    else:
        assert refusal(Token, text) == TOKEN_NO


@pytest.mark.parametrize("text", ["a;b", "a,b", "a b", "a\tb", "x" * 41, "", "a\n", "a，b" + " "])
def test_token_boundaries_are_refused(text: str) -> None:
    assert refusal(Token, text) == TOKEN_NO


def test_tokens_up_to_40_characters_are_accepted_in_composed_form() -> None:
    assert accepts(Token, "x" * 40) == "x" * 40
    assert accepts(Token, "e\u0301" * 40) == "é" * 40  # 80 code points typed, 40 stored
    assert accepts(Token, "党员示范车") == "党员示范车"


ID_NO = "not a valid id (letters, digits, - and _; at most 40)"


@PROPS
@given(st.text(alphabet="aZ09-_.é \n", max_size=42))
def test_a_record_id_is_accepted_exactly_when_it_is_a_valid_id(text: str) -> None:
    ok = 1 <= len(text) <= 40 and text[0] in "aZ09" and all(c in "aZ09-_" for c in text)
    if ok:
        assert accepts(RecordId, text) == text
    else:
        assert refusal(RecordId, text) == ID_NO


@pytest.mark.parametrize("text", ["M" * 41, "-M1", "_M1", "M-1\n", "M 1", "", "M/1", "..", "M-1é"])
def test_record_id_boundaries_are_refused(text: str) -> None:
    assert refusal(RecordId, text) == ID_NO


@pytest.mark.parametrize("text", ["M" * 40, "M", "9", "M-0001_a"])
def test_record_ids_up_to_40_characters_are_accepted(text: str) -> None:
    assert accepts(RecordId, text) == text


HOURS_NO = "must be 24h or HH:MM-HH:MM"


@PROPS
@given(st.integers(0, 30), st.integers(0, 65), st.integers(0, 30), st.integers(0, 65))
def test_hours_are_accepted_exactly_when_both_times_are_real(
    h1: int, m1: int, h2: int, m2: int
) -> None:
    text = f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"
    ok = h1 <= 23 and m1 <= 59 and (h2 <= 23 and m2 <= 59 or (h2, m2) == (24, 0))
    if ok:
        assert accepts(Hours, text) == text
    else:
        assert refusal(Hours, text) == HOURS_NO


@pytest.mark.parametrize(
    "text",
    ["24:00-24:00", "08:00-24:30", "8:00-17:00", "08:00-17:0", "24H", "24h ", "0800-1700", ""],
)
def test_hours_boundaries_are_refused(text: str) -> None:
    assert refusal(Hours, text) == HOURS_NO


@pytest.mark.parametrize("text", ["24h", "00:00-24:00", "08:30-17:30", "23:59-00:00"])
def test_hours_that_are_accepted(text: str) -> None:
    assert accepts(Hours, text) == text


# --- numbers, booleans, dates -------------------------------------------------------------------


@pytest.mark.parametrize("value", [3.0, 3.5, True, False])
def test_a_whole_number_is_not_a_float_or_a_bool(value: Any) -> None:
    assert refusal(Int, value) == "must be a whole number"


@pytest.mark.parametrize("value", [3, 0, -2, "4"])
def test_whole_numbers_are_accepted(value: Any) -> None:
    assert accepts(Int, value) == int(value)


@pytest.mark.parametrize("value", [True, False])
def test_a_number_is_not_a_bool(value: Any) -> None:
    assert refusal(Float, value) == "must be a number"


@pytest.mark.parametrize("value", [3, 2.5, -90.0])
def test_numbers_are_accepted(value: Any) -> None:
    assert accepts(Float, value) == value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        ("true", True),
        ("false", False),
        (" TRUE ", True),
        ("False", False),
    ],
)
def test_bools_are_true_or_false(value: Any, expected: bool) -> None:
    assert accepts(Bool, value) is expected


@pytest.mark.parametrize("value", [1, 0, "yes", "是", "", None, "truee"])
def test_anything_else_is_not_a_bool(value: Any) -> None:
    assert refusal(Bool, value) == "must be true or false"


def test_dates_are_dates_or_iso_text() -> None:
    assert accepts(AnyDate, date(2025, 3, 5)) == date(2025, 3, 5)
    assert accepts(AnyDate, " 2025-03-05\n") == date(2025, 3, 5)
    assert accepts(AnyDate, "2099-12-31") == date(2099, 12, 31)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (datetime(2025, 3, 5, 8, 0), "must be a date (YYYY-MM-DD), not a date and time"),
        ("2025-02-30", "not a real date: 2025-02-30"),
        (" 2025-13-01 ", "not a real date: 2025-13-01"),
        ("2025-3-5", "must be a date written YYYY-MM-DD"),
        ("2025/03/05", "must be a date written YYYY-MM-DD"),
        ("20250305", "must be a date written YYYY-MM-DD"),
        (20250305, "must be a date written YYYY-MM-DD"),
        ("2025-03-05T08:00", "must be a date written YYYY-MM-DD"),
    ],
)
def test_what_is_not_a_date(value: Any, message: str) -> None:
    assert refusal(AnyDate, value) == message


def test_a_past_date_is_not_after_the_days_today() -> None:
    today = date(2026, 6, 30)
    assert accepts(PastDate, today, today=today) == today
    assert accepts(PastDate, "2026-06-29", today=today) == date(2026, 6, 29)
    assert refusal(PastDate, "2026-07-01", today=today) == "2026-07-01 is after today (2026-06-30)"


def test_without_a_today_in_the_context_the_real_date_is_today() -> None:
    real = date.today()
    tomorrow = real + timedelta(days=1)
    assert accepts(PastDate, real) == real
    message = f"{tomorrow.isoformat()} is after today ({real.isoformat()})"
    assert refusal(PastDate, tomorrow) == message
    assert refusal(PastDate, tomorrow, today="2099-01-01") == message  # text is no date


# --- text: control, invisible and direction-changing characters ---------------------------------

CONTROL = "must not contain control characters or line breaks"


def invisible(ch: str) -> str:
    return f"must not contain invisible or direction-changing characters (U+{ord(ch):04X})"


@pytest.mark.parametrize("ch", ["\x00", "\x1b", "\x7f", "\n", "\t", "\r", "\x85"])
def test_a_line_has_no_control_characters(ch: str) -> None:
    assert refusal(Line, f"张{ch}三") == CONTROL


@pytest.mark.parametrize(
    "ch", ["\u202e", "\u2066", "\u200b", "\ufeff", "\ue000", "\u2028", "\u2029"]
)
def test_no_text_holds_invisible_characters(ch: str) -> None:
    for kind in (Line, Name, Text):
        assert refusal(kind, f"张{ch}三") == invisible(ch)


def test_a_lone_surrogate_is_refused() -> None:
    assert refusal(Line, "张\ud800三") == invisible("\ud800")


def test_a_name_refuses_the_blank_letters_a_line_allows() -> None:
    blanks = "\u200d\u115f\u1160\u3164\uffa0\u034f"  # issue 16.14, written out here
    assert set(blanks) == NOT_IN_NAMES
    for ch in blanks:
        assert refusal(Name, f"张{ch}三") == invisible(ch)
    assert accepts(Line, "👨\u200d👩") == "👨\u200d👩"  # an emoji sequence keeps its joiner
    assert accepts(Name, "张三") == "张三"


def test_text_keeps_line_breaks_and_tabs_but_not_other_controls() -> None:
    assert accepts(Text, "  第一行\r\n第二行\t完 \n") == "第一行\n第二行\t完"
    assert refusal(Text, "第一行\x00") == CONTROL
    assert refusal(Text, "第一行\r第二行") == CONTROL
    assert refusal(Text, "第一行\n第二行\x00") == CONTROL  # after a line break too
    assert refusal(Text, "第一行\t第二行\u202e") == invisible("\u202e")


def test_text_is_stored_composed() -> None:
    assert nfc("e\u0301") == "é"
    assert nfc("plain") == "plain"
    for kind in (Line, Name, Text):
        assert accepts(kind, "Jose\u0301") == "José"
    assert check_line("Jose\u0301") == "José"
    with pytest.raises(ValueError, match=r"^must not contain control characters or line breaks$"):
        check_line("a\nb")


# --- codes ---------------------------------------------------------------------------------------


def test_codes_validate_as_their_literal_and_keep_their_order() -> None:
    codes = Codes({"b": "乙", "a": "甲"})
    assert codes.codes == ("b", "a")
    kind = Annotated[str, codes]
    assert accepts(kind, "a") == "a"
    with pytest.raises(ValidationError):
        accepts(kind, "甲")
    assert codes.subset("a") == frozenset({"a"})
    with pytest.raises(ValueError, match=r"^not codes of this field: \['c'\]$"):
        codes.subset("a", "c")
    assert hash(codes) == hash(Codes({"b": "乙", "a": "甲"}))
    assert hash(codes) != hash(Codes({"a": "甲", "b": "乙"}))
