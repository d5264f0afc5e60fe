"""Property tests: any valid record survives write → read → write byte-identically."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from driverparty.models import KINDS, validate_record
from driverparty.models.types import id_number_check_char
from driverparty.personal import mask
from driverparty.store import parse_record, record_bytes
from driverparty.tomlio import loads

TODAY = date(2026, 6, 30)
TEXT_CHARS = st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Zl", "Zp"))
line = st.text(TEXT_CHARS, min_size=1, max_size=30).map(str.strip).filter(bool)
multiline = st.lists(line, min_size=1, max_size=3).map("\n".join)
past = st.dates(min_value=date(1950, 1, 1), max_value=TODAY)
ADULT = date(2008, 6, 30)  # 18 years before TODAY
record_id = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9_-]{0,10}\Z")


def choice(kind: str, name: str) -> st.SearchStrategy[str]:
    return st.sampled_from(KINDS[kind].fields[name].choices)


def id_number(born: date) -> st.SearchStrategy[str]:
    return st.integers(0, 999).map(
        lambda n: (lambda s: s + id_number_check_char(s))(f"451102{born:%Y%m%d}{n:03d}")
    )


@st.composite
def members(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": draw(record_id),
        "name": draw(line),
        "occupation": draw(choice("member", "occupation")),
        "stage": "applicant",
    }
    if draw(st.booleans()):  # an applicant is 18 or older (issue 21)
        data["birth_date"] = draw(st.dates(min_value=date(1950, 1, 1), max_value=ADULT))
        data["id_number"] = draw(id_number(data["birth_date"]))
    if draw(st.booleans()):
        data["phone"] = draw(st.from_regex(r"\A1[3-9][0-9]{9}\Z"))
    if draw(st.booleans()):
        data["plate"] = draw(st.from_regex(r"\A[桂粤湘][A-Z][A-Z0-9]{5,6}\Z"))
    if draw(st.booleans()):
        born = data.get("birth_date", date(1950, 1, 1))
        adult = born.replace(year=born.year + 18) if (born.month, born.day) != (2, 29) else None
        data["applied_on"] = draw(
            st.dates(min_value=adult or date(born.year + 18, 3, 1), max_value=TODAY)
        )
    data["mobile"] = draw(st.booleans())
    data["tags"] = draw(st.lists(st.from_regex(r"\A[a-z_]{1,12}\Z"), max_size=3))
    if draw(st.booleans()):
        data["notes"] = draw(multiline)
    return data


@st.composite
def petitions(draw: st.DrawFn) -> dict[str, Any]:
    received = draw(past)
    events = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "on": st.dates(min_value=received, max_value=TODAY),
                    "status": choice("petition", "status"),
                },
                optional={"note": multiline, "by": line},
            ),
            max_size=3,
        )
    )
    data = {
        "id": draw(record_id),
        "received": received,
        "channel": draw(choice("petition", "channel")),
        "kind": draw(choice("petition", "kind")),
        "category": draw(choice("petition", "category")),
        "summary": draw(multiline),
        "due": draw(st.dates(min_value=received, max_value=date(2030, 1, 1))),
        "events": events,
    }
    if draw(st.booleans()):
        data["extended_on"] = draw(st.dates(min_value=received, max_value=TODAY))
    return data


@st.composite
def stations(draw: st.DrawFn) -> dict[str, Any]:
    data = {
        "id": draw(record_id),
        "name": draw(line),
        "kind": draw(choice("station", "kind")),
        "opened": draw(past),
        "amenities": draw(st.lists(choice("station", "amenities"), unique=True)),
    }
    if draw(st.booleans()):
        data["lat"] = draw(st.floats(-90, 90))
        data["lon"] = draw(st.floats(-180, 180))
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        members().map(lambda d: ("member", d)),
        petitions().map(lambda d: ("petition", d)),
        stations().map(lambda d: ("station", d)),
    )
)
def test_write_read_write_is_byte_identical(kind_and_data: tuple[str, dict[str, Any]]) -> None:
    kind, data = kind_and_data
    model, problems = validate_record(kind, data, TODAY)
    assert model is not None and problems == [], problems
    first = record_bytes(kind, model.canonical())
    record, found = parse_record(kind, f"{data['id']}.toml", first, TODAY)
    assert found == [] and record is not None
    assert record == model.canonical()
    assert record_bytes(kind, record) == first
    assert first.endswith(b"\n") and not first.endswith(b"\n\n")
    # non-ASCII text is written as itself: no \uXXXX escape (a backslash typed in the text
    # is written \\, so a typed "\u" is not one)
    assert b"\\u" not in first.replace(b"\\\\", b"")
    keys = list(loads(first))
    order = [k for k in KINDS[kind].fields if k in keys]
    assert keys == order  # keys in the order of SPEC's tables, events last


@given(st.from_regex(r"\A1[3-9][0-9]{9}\Z"))
def test_masked_phones_keep_three_and_four(phone: str) -> None:
    masked = mask("phone", phone)
    assert masked == phone[:3] + "****" + phone[-4:] and phone not in masked


@given(past, st.integers(0, 999))
def test_masked_id_numbers_keep_six_and_four(born: date, n: int) -> None:
    value = f"451102{born:%Y%m%d}{n:03d}"
    value += id_number_check_char(value)
    assert mask("id_number", value) == value[:6] + "********" + value[-4:]


def test_the_personal_flag_on_the_models_matches_the_masking_list() -> None:
    from driverparty.personal import PERSONAL_FIELDS

    flagged = {f.name for k in KINDS.values() for f in k.fields.values() if f.personal}
    assert flagged == PERSONAL_FIELDS


def test_every_code_has_a_chinese_word() -> None:
    for kind in KINDS.values():
        for f in kind.fields.values():
            if f.choices:
                assert set(f.codes_zh) == set(f.choices), (kind.name, f.name)


# --- the plain reader (issue 22): tomlio._plain_loads reads what tomli reads, or leaves it ---


def typed(value: Any) -> Any:
    """A value with the type of every part in it: True and 1 are equal in Python, not here."""
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    return (type(value).__name__, value)


plain_values = st.one_of(
    st.text(max_size=8),
    st.dates(),
    st.integers(-(2**63), 2**63 - 1),
    st.booleans(),
    st.lists(st.text(max_size=5), max_size=3),
    st.floats(allow_nan=False),
)
#: what the plain reader must look at twice: TOML's own characters, escapes, line ends
NOISE = st.sampled_from(list('"\\\n\r\t =[],#-.0159xtfe\x7f\x01é') + ["    ", "\\u00e9", "[[a]]"])


@settings(max_examples=600, deadline=None)
@given(
    st.dictionaries(st.from_regex(r"\A[A-Za-z0-9_-]{1,6}\Z"), plain_values, max_size=6),
    st.lists(st.tuples(st.integers(0, 400), st.integers(0, 3), NOISE), max_size=3),
)
def test_the_plain_reader_reads_what_the_toml_parser_reads_or_leaves_it(
    data: dict[str, Any], edits: list[tuple[int, int, str]]
) -> None:
    """Canonical text as ``dumps`` writes it, then characters put in or taken out anywhere:
    where the plain reader answers, the parser reads exactly that (types too), and where the
    parser refuses the text the plain reader leaves it to the parser."""
    import tomli

    from driverparty.tomlio import _plain_loads, dumps

    text = dumps(data).decode("utf-8")
    for at, cut, noise in edits:
        at %= len(text) + 1
        text = text[:at] + noise + text[at + cut :]
    plain = _plain_loads(text)
    try:
        parsed: Any = tomli.loads(text)
    except tomli.TOMLDecodeError:
        parsed = "refused"
    if plain is not None:
        assert typed(plain) == typed(parsed)
    if not edits and all(
        type(v) is not float
        and not (type(v) is int and abs(v) >= 10**18)
        and not any(c in str(v) for c in '"\\\x7f' + "".join(map(chr, range(32))))
        for v in data.values()
    ):
        assert plain == data  # a record of plain values is read without the parser


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("", True),
        ('a = ""\nb = -0\nc = 0005-01-01\nd = [\n    "",\n]\n', True),
        ("a = 999999999999999999\n", True),
        ("a = 9223372036854775807\n", False),  # 19 digits: the parser's
        ("a = 1\na = 2\n", False),  # a key twice: refused, by the parser
        ("a = 2023-02-30\n", False),  # no such day
        ("a = 01\n", False),
        ('a = "x"', False),  # no final line end: valid TOML, the parser's
        ('a = "tab\there"\n', False),
        ("a = 1979-05-27T07:32:00\n", False),
        ("a = true\nb = false\nc = []\n", True),
        ('a = [\n    "x",\n    1,\n]\n', False),
        ('a = [ "x", ]\n', False),
        ("a.b = 1\n", False),
        ("[a]\nb = 1\n", False),
    ],
)
def test_the_plain_reader_on_the_edges_of_what_it_reads(text: str, plain: bool) -> None:
    import tomli

    from driverparty.tomlio import _plain_loads

    found = _plain_loads(text)
    assert (found is not None) == plain
    if found is not None:
        assert typed(found) == typed(tomli.loads(text))


def test_a_member_as_the_tool_writes_it_is_read_by_the_plain_reader() -> None:
    from driverparty.tomlio import _plain_loads

    text = (
        'id = "M-0042"\nname = "罗鹏亮"\nbirth_date = 1977-03-24\nphone = "15848114261"\n'
        'stage = "full"\nvote_eligible = 12\nmobile = false\ncontacts = []\n'
        'tags = [\n    "volunteer",\n    "demo_vehicle",\n]\nnotes = "曾获评（2024-08-09）"\n'
    )
    assert _plain_loads(text) == loads(text.encode("utf-8"))
    assert _plain_loads(text) is not None
    assert _plain_loads(text.replace("\n", "\r\n")) is None  # CRLF: the parser's
