"""Soak test (issue 9): thousands of mixed writes and reads in a row on one repository.

    python bench/soak.py                  # 2,000 operations on a copy of the sample county
    python bench/soak.py --ops 200 --seed 7 --keep

Copies the sample county (driverparty.toml and records/ at the project root) into a new git
repository in a temporary folder, then runs a seeded random mix through the real CLI,
in-process (click's CliRunner, so each operation is the command a user runs, minus Python's
start-up): member add / update / promote / verify / transfer, petition add / assign /
resolve / close, station update, and get / list / summary / validate. Every operation must end
as expected (exit 0); at the end `validate` must be clean, every write must be one commit, and
`status` must show nothing left over. Prints ops/s and the repository's size (.git and
records/). Exit status 1 when anything went wrong. Not part of `make test`
(tests/test_soak.py runs it with --ops 20 so it cannot rot).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-06-30"
ENV = {
    "DRIVERPARTY_TODAY": TODAY,
    "DRIVERPARTY_LANG": "en",
    "LANG": "C.UTF-8",
    "GIT_AUTHOR_NAME": "soak",
    "GIT_AUTHOR_EMAIL": "soak@example.org",
    "GIT_COMMITTER_NAME": "soak",
    "GIT_COMMITTER_EMAIL": "soak@example.org",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
}
STAGES = ["applicant", "activist", "candidate", "probationary"]
STEP_ARGS = {
    "activist": ("--on", "2024-07-01"),
    "candidate": ("--on", "2025-07-01"),
    "probationary": ("--on", "2025-10-01", "--vote", "9,7,7"),
}
OCCUPATIONS = ["truck", "ride_hailing", "taxi", "delivery", "other"]
CATEGORIES = ["repair", "legal", "insurance", "parking", "charging", "rest", "labor"]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True, encoding="utf-8"
    ).stdout


def make_repo(path: Path) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    shutil.copy(ROOT / "driverparty.toml", path / "driverparty.toml")
    shutil.copytree(ROOT / "records", path / "records")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "repository init")
    return path


def size_of(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


class Soak:
    def __init__(self, repo: Path, seed: int) -> None:
        from click.testing import CliRunner

        from driverparty.cli.main import cli

        self.repo = repo
        self.rng = random.Random(seed)
        self.cli = cli
        self.runner = CliRunner()
        self.counts: Counter[str] = Counter()
        self.failures: list[str] = []
        self.writes = 0
        self.members: dict[str, int] = {}  # id → index in STAGES, for members added here
        self.branch_of: dict[str, str] = {}
        self.petitions: dict[str, str] = {}  # id → status, for petitions added here
        self.phone = 13900000000
        self.branches = sorted(p.stem for p in (repo / "records/branches").glob("*.toml"))
        self.stations = sorted(p.stem for p in (repo / "records/stations").glob("*.toml"))

    def run(self, name: str, *args: str, write: bool = False) -> str | None:
        """The command's stdout, or None (and a failure noted) when it did not exit 0."""
        result = self.runner.invoke(self.cli, ["--repo", str(self.repo), *args], env=ENV)
        self.counts[name] += 1
        if (
            result.exit_code != 0
            or result.exception
            and not isinstance(result.exception, SystemExit)
        ):
            self.failures.append(
                f"{' '.join(args)}: exit {result.exit_code}: {result.stderr.strip()[:300]}"
            )
            return None
        if write:
            self.writes += 1
        return result.stdout

    # --- operations -------------------------------------------------------------------------

    def add_member(self) -> None:
        self.phone += self.rng.randint(1, 997)
        branch = self.rng.choice(self.branches)
        rid = self.run(
            "member add",
            "member",
            "add",
            "--name",
            f"司机{self.rng.randint(0, 99999):05d}",
            "--occupation",
            self.rng.choice(OCCUPATIONS),
            "--stage",
            "applicant",
            "--applied-on",
            "2024-01-05",
            "--phone",
            str(self.phone),
            "--branch",
            branch,
            write=True,
        )
        if rid:
            self.members[rid.strip()] = 0
            self.branch_of[rid.strip()] = branch

    def update_member(self) -> None:
        rid = self.rng.choice(list(self.members))
        self.run(
            "member update",
            "member",
            "update",
            rid,
            "--notes",
            f"第{self.rng.randint(1, 10**6)}次回访",
            "--employer",
            self.rng.choice(["万顺叫车", "滴滴出行", "货拉拉", "满帮"]),
            write=True,
        )

    def promote(self) -> None:
        ready = [rid for rid, stage in self.members.items() if stage < len(STAGES) - 1]
        if not ready:
            return self.add_member()
        rid = self.rng.choice(ready)
        stage = self.members[rid] + 1
        # one step at a time, on days the Party's rules allow (issue 21): a year as activist,
        # the concentrated training and the branch meeting's vote before probation
        promote = ("member", "promote", rid, "--to", STAGES[stage], *STEP_ARGS[STAGES[stage]])
        if STAGES[stage] == "probationary":
            trained = ("member", "update", rid, "--trained-on", "2025-09-01")
            if self.run("member update", *trained, write=True) is None:
                return None
        if self.run("member promote", *promote, write=True) is not None:
            self.members[rid] = stage
        return None

    def verify(self) -> None:
        rid = self.rng.choice(list(self.members))
        status = self.rng.choice(["screened", "confirmed", "archived"])
        before = int(git(self.repo, "rev-list", "--count", "HEAD"))
        self.run("member verify", "member", "verify", rid, "--status", status)
        self.writes += int(git(self.repo, "rev-list", "--count", "HEAD")) - before  # 0 or 1

    def transfer(self) -> None:
        rid = self.rng.choice(list(self.members))
        to = self.rng.choice([b for b in self.branches if b != self.branch_of[rid]])
        if (
            self.run("member transfer", "member", "transfer", rid, "--to", to, write=True)
            is not None
        ):
            self.branch_of[rid] = to

    def add_petition(self) -> None:
        args = ["petition", "add", "--received", "2026-06-2" + str(self.rng.randint(0, 9))]
        args += ["--channel", self.rng.choice(["hotline", "mailbox", "walk_in", "visit"])]
        args += ["--category", self.rng.choice(CATEGORIES), "--summary", "司机反映停车难"]
        if self.members and self.rng.random() < 0.5:
            args += ["--member", self.rng.choice(list(self.members))]
        rid = self.run("petition add", *args, write=True)
        if rid:
            self.petitions[rid.strip()] = "received"

    def move_petition(self) -> None:
        moves = {"received": "assign", "assigned": "resolve", "resolved": "close"}
        open_ = [rid for rid, status in self.petitions.items() if status in moves]
        if not open_:
            return self.add_petition()
        rid = self.rng.choice(open_)
        move = moves[self.petitions[rid]]
        args = ["petition", move, rid]
        if move == "assign":
            args += ["--to", self.rng.choice(self.branches), "--note", "转办"]
        elif move == "resolve":
            args += ["--note", "已协调解决"]
        else:
            args += ["--satisfaction", str(self.rng.randint(3, 5))]
        if self.run(f"petition {move}", *args, write=True) is not None:
            self.petitions[rid] = {"assign": "assigned", "resolve": "resolved"}.get(move, "closed")
        return None

    def update_station(self) -> None:
        rid = self.rng.choice(self.stations)
        self.run(
            "station update",
            "station",
            "update",
            rid,
            "--notes",
            f"巡查 {self.rng.randint(1, 10**6)}",
            write=True,
        )

    def get(self) -> None:
        kind, ids = self.rng.choice(
            [("member", list(self.members) or ["M-0001"]), ("station", self.stations)]
        )
        self.run(f"{kind} get", kind, "get", self.rng.choice(ids), "--format", "json")

    def list_(self) -> None:
        where = self.rng.choice(["stage=applicant", "occupation=truck", "name~司机", "stage!=full"])
        self.run("member list", "member", "list", "--where", where, "--format", "csv")

    def summary(self) -> None:
        self.run("summary", "summary", "--format", "json")

    def op(self) -> None:
        if not self.members:
            return self.add_member()
        choices: list[tuple[Any, int]] = [
            (self.add_member, 16),
            (self.update_member, 12),
            (self.promote, 10),
            (self.verify, 5),
            (self.transfer, 4),
            (self.add_petition, 8),
            (self.move_petition, 8),
            (self.update_station, 4),
            (self.get, 14),
            (self.list_, 14),
            (self.summary, 5),
        ]
        fns, weights = zip(*choices, strict=True)
        self.rng.choices(fns, weights)[0]()
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ops", type=int, default=2000, help="operations to run (2000)")
    parser.add_argument("--seed", type=int, default=9, help="random seed (9)")
    parser.add_argument("--keep", action="store_true", help="keep the repository; print where")
    args = parser.parse_args(argv)
    os.environ.update(ENV)
    os.environ.pop("DRIVERPARTY_DEBUG", None)
    os.environ.pop("DRIVERPARTY_REPO", None)
    sys.path.insert(0, str(ROOT))

    work = Path(tempfile.mkdtemp(prefix="driverparty-soak-"))
    try:
        repo = make_repo(work / "county")
        commits_before = int(git(repo, "rev-list", "--count", "HEAD"))
        soak = Soak(repo, args.seed)
        started = time.perf_counter()
        for n in range(args.ops):
            soak.op()
            if sys.stderr.isatty() and n % 100 == 99:
                print(f"\r{n + 1}/{args.ops}", end="", file=sys.stderr, flush=True)
        elapsed = time.perf_counter() - started
        if sys.stderr.isatty():
            print(file=sys.stderr)

        ok = not soak.failures
        validate = soak.runner.invoke(soak.cli, ["--repo", str(repo), "validate"], env=ENV)
        commits = int(git(repo, "rev-list", "--count", "HEAD")) - commits_before
        leftover = git(repo, "status", "--porcelain", "--untracked-files=all")
        ops = sum(soak.counts.values())
        print(f"operations  {ops} in {elapsed:.1f} s = {ops / elapsed:.1f} ops/s")
        print(f"writes      {soak.writes} -> {commits} commits")
        for name, count in sorted(soak.counts.items()):
            print(f"  {name:18} {count}")
        print(f"records     {len(list(repo.glob('records/*/*.toml')))} files")
        print(f"size        .git {size_of(repo / '.git') / 1e6:.2f} MB, ", end="")
        print(f"records/ {size_of(repo / 'records') / 1e6:.2f} MB")
        print(f"validate    exit {validate.exit_code}")
        for failure in soak.failures[:20]:
            print(f"FAILED      {failure}")
        if validate.exit_code != 0:
            print(validate.stdout[:2000])
            ok = False
        if commits != soak.writes:
            print(f"FAILED      {soak.writes} writes but {commits} commits")
            ok = False
        if leftover:
            print(f"FAILED      left over in the work tree:\n{leftover}")
            ok = False
        if args.keep:
            print(f"kept        {repo}")
        print("ok" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
