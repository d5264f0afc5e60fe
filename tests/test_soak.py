"""bench/soak.py keeps working (issue 9): a short run must end clean."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_a_short_soak_run_ends_clean() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench/soak.py"), "--ops", "20"],
        capture_output=True,
        text=True,
        timeout=120,
        encoding="utf-8",
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "validate    exit 0" in proc.stdout
    assert "ops/s" in proc.stdout and ".git " in proc.stdout and proc.stdout.endswith("ok\n")
