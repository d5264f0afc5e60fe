"""docs/REFERENCE.md is what scripts/make_reference.py writes from the code (issue 23): a
command, option, field, code, report row or configuration key that changes without it being
regenerated (`make reference`) fails here, like schema.json in tests/test_schema.py."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.conftest import ROOT

REFERENCE = ROOT / "docs" / "REFERENCE.md"


def generated() -> str:
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_reference.py"), "-"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_the_reference_is_what_the_code_says() -> None:
    assert REFERENCE.read_text(encoding="utf-8") == generated(), (
        "docs/REFERENCE.md is stale: run `make reference`"
    )


def test_the_reference_names_every_kind_field_code_and_command() -> None:
    from driverparty.cli.main import COMMANDS, HIDDEN
    from driverparty.models import KINDS

    text = REFERENCE.read_text(encoding="utf-8")
    for name, kind in KINDS.items():
        assert f"\n### {name}\n" in text
        assert f"### `driverparty {name} add`" in text
        for f in kind.fields.values():
            assert f"| `{f.name}` | {f.zh} |" in text, (name, f.name)
            for code in f.choices:
                assert f"| `{code}` | {f.codes_zh[code]} |" in text, (name, f.name, code)
    for command in set(COMMANDS) - HIDDEN:
        assert f"### `driverparty {command}`" in text, command
    for code in ("0", "1", "2", "3"):
        assert re.search(rf"^\| {code} \| \w", text, re.M)


def test_the_links_inside_the_reference_lead_somewhere() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    anchors = {
        re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-")
        for h in re.findall(r"^#+ (.+)$", text, re.M)
    }
    for target in re.findall(r"\]\(#([^)]+)\)", text):
        assert target in anchors, target
    for target in re.findall(r"\]\((?!#|https?:)([^)#]+)", text):
        assert (REFERENCE.parent / target).exists(), target
