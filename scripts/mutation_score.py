#!/usr/bin/env python3
"""The score of the last `make mutate` run, per module: killed / total (issue 25).

Reads mutmut's results (``mutants/<module>.meta``) for the modules setup.cfg's ``[mutmut]``
``only_mutate`` names, prints a Markdown table (as docs/MUTATION.md keeps it) and the names of
the mutants that survived; ``mutmut show NAME`` shows one. Exit 1 when a module is under
``--min`` percent (default 90) or has mutants not yet checked.
"""

from __future__ import annotations

import argparse
import configparser
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: mutmut's exit codes (mutmut/stats.py): a failing test run (1) or pytest's internal
#: error (3) kills the mutant; a timeout is counted as killed too, and said apart
KILLED, SURVIVED, TIMEOUT, UNCHECKED = {1, 3}, {0}, {24, -24, 36, 152, 255}, {None}


def modules() -> list[str]:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    return [m for m in cfg.get("mutmut", "only_mutate").split() if m]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min", type=float, default=90.0, help="lowest score accepted, in %%")
    args = parser.parse_args()
    print("| module | killed | timeout | survived | other | total | score |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    failed, survivors = False, []
    for module in modules():
        meta = ROOT / "mutants" / (module + ".meta")
        if not meta.is_file():
            print(f"| `{module}` | not run | | | | | |")
            failed = True
            continue
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        killed = sum(c in KILLED for c in codes.values())
        timeout = sum(c in TIMEOUT for c in codes.values())
        survived = [k for k, c in codes.items() if c in SURVIVED]
        unchecked = sum(c in UNCHECKED for c in codes.values())
        other = len(codes) - killed - timeout - len(survived)
        score = 100.0 * (killed + timeout) / len(codes) if codes else 100.0
        failed |= score < args.min or unchecked > 0
        survivors += survived
        print(
            f"| `{module}` | {killed} | {timeout} | {len(survived)} | {other} | {len(codes)} "
            f"| {score:.1f} % |"
        )
    if survivors:
        print("\nsurvived (`mutmut show NAME`):")
        for name in survivors:
            print(" ", name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
