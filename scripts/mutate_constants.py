#!/usr/bin/env python3
"""Mutants of the rules held in module constants, which mutmut leaves alone (issue 25).

mutmut mutates function bodies only; the patterns and tables that *are* the rules (the phone,
plate, token, hours and id patterns, the ID number's weights and check characters, the runs
masked in text, the list of checks, the petition moves) live at module level. This script
makes each mutant below in a copy of the package and tests under a temporary folder, runs the
rule tests of its module there (``-x``) and reports killed / total; a survivor is a rule no
test notices.
Run by ``make mutate`` after mutmut; ``--list`` shows the mutants.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TYPES, PERSONAL = "driverparty/models/types.py", "driverparty/personal.py"
CHECKS, WORKFLOWS, SCHEMA = (
    "driverparty/checks.py",
    "driverparty/workflows.py",
    "driverparty/schema.py",
)
#: the rule tests that hold each file's rules
TESTS = {
    TYPES: "tests/test_validators.py",
    SCHEMA: "tests/test_validators.py",
    PERSONAL: "tests/test_masking_rules.py",
    CHECKS: "tests/test_checks_rules.py",
    WORKFLOWS: "tests/test_workflow_rules.py",
}
#: (file, text, replacement, what the mutant does): the text occurs exactly once in the file
MUTANTS = [
    (TYPES, 'r"^1[3-9][0-9]{9}$"', 'r"^1[0-9][0-9]{9}$"', "phone: second digit 0-9"),
    (TYPES, 'r"^1[3-9][0-9]{9}$"', 'r"^1[3-9][0-9]{9,10}"', "phone: 12 digits, no end"),
    (TYPES, "[A-Z][A-Z0-9]{{5,6}}", "[A-Za-z][A-Z0-9]{{5,6}}", "plate: lowercase letter"),
    (TYPES, "[A-Z][A-Z0-9]{{5,6}}", "[A-Z][A-Za-z0-9]{{5,6}}", "plate: lowercase tail"),
    (TYPES, "[A-Z][A-Z0-9]{{5,6}}", "[A-Z][A-Z0-9]{{5,7}}", "plate: 7 tail characters"),
    (TYPES, "[A-Z][A-Z0-9]{{5,6}}", "[A-Z][A-Z0-9]{{4,6}}", "plate: 4 tail characters"),
    (TYPES, 'r"^[^\\s,;]{1,40}$"', 'r"^[^\\s,]{1,40}$"', "token: semicolon allowed"),
    (TYPES, 'r"^[^\\s,;]{1,40}$"', 'r"^[^\\s,;]{1,41}$"', "token: 41 characters"),
    (TYPES, 'r"^[^\\s,;]{1,40}$"', 'r"^[^ ,;]{1,40}$"', "token: tabs and line breaks allowed"),
    (TYPES, "|2[0-3]):([0-5][0-9])-", "|2[0-4]):([0-5][0-9])-", "hours: a start of 24:MM"),
    (TYPES, "|24:00))$", "|24:[0-5][0-9]))$", "hours: an end of 24:59"),
    (TYPES, "[0-5][0-9])-", "[0-6][0-9])-", "hours: minute 60"),
    (TYPES, "(7, 9, 10, 5,", "(7, 9, 9, 5,", "ID number: a wrong weight"),
    (TYPES, '"10X98765432"', '"10x98765432"', "ID number: lowercase x as check character"),
    (TYPES, '"10X98765432"', '"01X98765432"', "ID number: check characters swapped"),
    (TYPES, 'r"[0-9]{17}[0-9X]"', 'r"[0-9]{17}[0-9Xx]"', "ID number: lowercase x accepted"),
    (TYPES, 'frozenset("\\u200d\\u115f', 'frozenset("\\u115f', "names: joiner allowed"),
    (
        TYPES,
        '_INVISIBLE_OK = {"\\u200d"}',
        '_INVISIBLE_OK = {"\\u200d", "\\u200b"}',
        "zero-width space",
    ),
    (PERSONAL, "[0-9]{17}[0-9Xx]|", "[0-9]{17}[0-9X]|", "text: ID number ending x kept"),
    (PERSONAL, "|[0-9]{15})", "|[0-9]{16})", "text: 15-digit ID numbers kept"),
    (PERSONAL, "(?P<phone>1[3-9]", "(?P<phone>1[0-9]", "text: any 1x number is a phone"),
    (PERSONAL, "[0-9]{10,}[Xx]?", "[0-9]{11,}[Xx]?", "errors: 10 digits kept"),
    (PERSONAL, '"*" * len(value)\n    return value[:6]', '"*" * 9\n    return value[:6]', "mask"),
    (PERSONAL, "for i in digits[3:7]", "for i in digits[3:6]", "text: 3 digits hidden"),
    (CHECKS, "    check_unique_id_numbers,\n", "", "checks: duplicate ID numbers allowed"),
    (CHECKS, "    check_branch_cycles,\n", "", "checks: cycles allowed"),
    (CHECKS, 'frozenset({"branch", "member"})', 'frozenset({"branch"})', "read together"),
    (WORKFLOWS, '"close": (("resolved",),', '"close": (("resolved", "assigned"),', "close early"),
    (
        WORKFLOWS,
        '"extend": (("received", "assigned"), None)',
        '"extend": (("received",), None)',
        "extend",
    ),
    (WORKFLOWS, '"unreachable": "未联系上"', '"unreachable": "未联系"', "callback word"),
    (
        WORKFLOWS,
        '"reopen": (("resolved", "closed"), "assigned")',
        '"reopen": (("closed",), "assigned")',
        "reopen",
    ),
    (SCHEMA, 'r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}"', 'r"[A-Za-z0-9][A-Za-z0-9_-]{0,40}"', "id: 41"),
    (SCHEMA, 'r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}"', 'r"[A-Za-z0-9_-][A-Za-z0-9_-]{0,39}"', "id: -x"),
]


def run(index: int, file: str, text: str, new: str, work: Path) -> bool:
    """True when the tests fail (the mutant is killed); ``text`` empty: the code as it is."""
    source = (ROOT / file).read_text(encoding="utf-8")
    if text and source.count(text) != 1:
        raise SystemExit(f"mutant {index}: {text!r} occurs {source.count(text)} times in {file}")
    copy = work / f"m{index}"
    for name in ("driverparty", "tests"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "driverparty.toml"):
        shutil.copy2(ROOT / name, copy / name)
    shutil.copytree(ROOT / "records", copy / "records")
    if text:
        (copy / file).write_text(source.replace(text, new), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", TESTS[file]],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    shutil.rmtree(copy)
    return proc.returncode != 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    args = parser.parse_args()
    if args.list:
        for i, (file, _, _, what) in enumerate(MUTANTS, 1):
            print(f"{i:3}  {file}: {what}")
        return 0
    survivors = []
    with tempfile.TemporaryDirectory(prefix="mutate-constants-") as tmp:
        for file in sorted(set(TESTS) - {SCHEMA}):  # the copy passes before it is mutated
            if run(0, file, "", "", Path(tmp)):
                print(f"{TESTS[file]} fails on the code as it is: no mutant can be judged")
                return 2
        with ThreadPoolExecutor(max_workers=2) as pool:  # two cores: two mutants at a time
            jobs = [pool.submit(run, i, *m[:3], Path(tmp)) for i, m in enumerate(MUTANTS, 1)]
            for i, ((file, _, _, what), job) in enumerate(zip(MUTANTS, jobs, strict=True), 1):
                killed = job.result()
                print(f"{i:3}  {'killed  ' if killed else 'SURVIVED'}  {file}: {what}", flush=True)
                if not killed:
                    survivors.append(what)
    print(f"constants: {len(MUTANTS) - len(survivors)}/{len(MUTANTS)} killed")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
