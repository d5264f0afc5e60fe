"""Walk the README's tour, in order, as a newcomer would, and check it says what happens.

Every ``$ command`` of the README's "A tour" and "Workflows" sections runs in one bash, in a
folder laid out as the README assumes — this checkout (its sample county, committed) in a
folder named ``driverparty``, and its parent to ``init`` a new county in — with the
``driverparty`` found on PATH (an editable install, or the wheel of ``scripts/wheel_tour.sh``).
The lines the README shows under a command are what it must print (stdout and stderr; commit
ids are compared as "some commit id"; a ``...`` line stands for lines left out). A command the
README shows an ``error:`` for must fail, and every other must succeed.

Usage: python scripts/readme_tour.py [--show]   (--show: print what each command printed)
Exit 0 when the tour runs as shown; 1 with the differences otherwise. Standard library only.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ("A tour", "Workflows")
SHA = re.compile(r"\b[0-9a-f]{7,40}\b")


def steps(readme: str) -> list[tuple[str, list[str]]]:
    """(command, the lines shown after it) for every ``$ `` line of the tour's sections."""
    found: list[tuple[str, list[str]]] = []
    for title in SECTIONS:
        section = readme.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]
        for block in re.findall(r"```(?:console|sh)\n(.*?)```", section, re.S):
            lines = block.splitlines()
            if not lines or not lines[0].startswith("$ "):
                continue
            i = 0
            while i < len(lines):
                command = lines[i][2:]
                while command.endswith("\\"):
                    i += 1
                    command = command + "\n" + lines[i]
                i += 1
                shown = []
                while i < len(lines) and not lines[i].startswith("$ "):
                    shown.append(lines[i])
                    i += 1
                found.append((command, shown))
    return found


def lay_out(base: Path) -> Path:
    """``base/driverparty``: the sample county as this checkout holds it, committed."""
    checkout = base / "driverparty"
    checkout.mkdir()
    shutil.copy(ROOT / "driverparty.toml", checkout / "driverparty.toml")
    shutil.copytree(ROOT / "records", checkout / "records")
    (checkout / ".gitattributes").write_text(
        "driverparty.toml text eol=lf\nrecords/**/*.toml text eol=lf merge=driverparty\n",
        encoding="utf-8",
    )
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "sample"]):
        subprocess.run(["git", *args], cwd=checkout, check=True, capture_output=True)
    return checkout


def expected_code(command: str, shown: list[str]) -> int | None:
    """The exit code the README says (``# ... (exit 1)``), else 1 when it shows an
    ``error:``, else 0; None: any but 0."""
    said = re.search(r"#.*\bexit (\d+)", command)
    if said:
        return int(said.group(1))
    return None if any(line.startswith("error:") for line in shown) else 0


def trimmed(lines: list[str]) -> list[str]:
    out = [SHA.sub("<commit>", line.rstrip()) for line in lines]
    while out and not out[-1]:
        out.pop()
    return out


def same(shown: list[str], got: list[str]) -> bool:
    """What the README shows is what was printed; nothing shown: anything (a note)."""
    want, have = trimmed(shown), trimmed(got)
    if not want:
        return True
    if "..." not in want:
        return want == have
    parts = [w for w in want if w != "..."]
    return all(p in have for p in parts)


def main() -> int:
    show = "--show" in sys.argv
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    plan = steps(readme)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        home = base / "home"
        home.mkdir()
        (home / ".gitconfig").write_text(
            "[user]\n\tname = 黄主任\n\temail = huang@example.org\n", encoding="utf-8"
        )
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("DRIVERPARTY_", "GIT_", "LC_"))
        }
        env |= {"HOME": str(home), "GIT_CONFIG_GLOBAL": str(home / ".gitconfig")}
        env |= {"LANG": "C.UTF-8", "GIT_CONFIG_NOSYSTEM": "1"}
        env |= {"GIT_AUTHOR_DATE": "2026-06-30T09:00:00+08:00"}
        env |= {"GIT_COMMITTER_DATE": "2026-06-30T09:00:00+08:00"}
        checkout = lay_out(base)
        script = ["rc=0"]
        for n, (command, _) in enumerate(plan):
            script.append(f"echo '@@step {n}'")
            script.append(f"(exit $rc); {{ {command}\n}} 2>&1; rc=$?")  # $? is the last one's
            script.append(f'echo "@@rc {n} $rc"')
        out = subprocess.run(
            ["bash", "-c", "\n".join(script)],
            cwd=checkout,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
        ).stdout
    printed: dict[int, list[str]] = {}
    codes: dict[int, int] = {}
    current = -1
    for line in out.splitlines():
        if m := re.fullmatch(r"@@step (\d+)", line):
            current = int(m.group(1))
            printed[current] = []
        elif m := re.fullmatch(r"@@rc (\d+) (\d+)", line):
            codes[int(m.group(1))] = int(m.group(2))
        else:
            printed.setdefault(current, []).append(line)
    problems = 0
    for n, (command, shown) in enumerate(plan):
        got = printed.get(n, [])
        code = codes.get(n)
        if show:
            print(f"$ {command}  [exit {code}]")
            print("\n".join(got))
        if code is None:
            print(f"tour: never ran: $ {command}", file=sys.stderr)
            problems += 1
            continue
        want = expected_code(command, shown)
        if (code != want) if want is not None else code == 0:
            print(f"tour: $ {command}: exit {code}", file=sys.stderr)
            print("\n".join(got), file=sys.stderr)
            problems += 1
        elif not same(shown, got):
            print(f"tour: $ {command}: the README shows", file=sys.stderr)
            print("\n".join(shown), file=sys.stderr)
            print("but it printed", file=sys.stderr)
            print("\n".join(got), file=sys.stderr)
            problems += 1
    print(f"tour: {len(plan)} commands, {problems} differ from the README", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
