"""schema.json, the models' description the fast paths read without pydantic (issue 8)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from driverparty import schema
from driverparty.models import KINDS, described


def test_schema_json_says_what_the_models_say() -> None:
    written = json.loads(schema.SCHEMA_FILE.read_text(encoding="utf-8"))
    assert written == schema.describe(described()), "schema.json is stale: run `make schema`"
    assert schema.KINDS == described()


def test_every_kind_keeps_its_folder_prefix_and_paths() -> None:
    for name, kind in KINDS.items():
        light = schema.KINDS[name]
        assert (light.folder, light.prefix, light.plural) == (kind.folder, kind.prefix, kind.plural)
        assert light.path("X-1") == kind.path("X-1")
        assert set(light.table_columns) <= set(light.fields)


def test_reading_the_schema_imports_no_pydantic() -> None:
    code = (
        "import sys; from driverparty.schema import KINDS; KINDS['member'];"
        "print('pydantic' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, encoding="utf-8"
    )
    assert out.stdout.strip() == "False"


def _natural(record_id: str) -> tuple[object, ...]:
    """The plain natural-order key the quick one must agree with."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", record_id))


@given(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,12}", fullmatch=True))
def test_id_sort_key_is_natural_order(record_id: str) -> None:
    assert schema.id_sort_key(record_id) == _natural(record_id)


@given(st.lists(st.from_regex(r"[A-Z]{1,2}-[0-9]{1,6}|[A-Za-z0-9_-]{1,8}", fullmatch=True)))
def test_ids_sort_as_natural_order(ids: list[str]) -> None:
    assert sorted(ids, key=schema.id_sort_key) == sorted(ids, key=_natural)
    assert sorted(["M-10000", "M-9999", "M-0123"], key=schema.id_sort_key) == [
        "M-0123",
        "M-9999",
        "M-10000",
    ]
