"""schema.json, the models' description the fast paths read without pydantic (issue 8)."""

from __future__ import annotations

import json
import subprocess
import sys

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
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
