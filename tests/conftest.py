"""Fixtures: real git repositories in temporary folders, and ``dp`` to run the CLI on them.

The template repository (the sample county at the project root, committed once) is built once
per session; each test gets its own copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from driverparty.cli.main import cli
from driverparty.schema import KINDS

ROOT = Path(__file__).resolve().parent.parent


_OWN_TEMP: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    """Each run gets its own temporary root. By default pytest keeps only the three newest runs
    under one folder per user and deletes older ones, even a run still going in another checkout
    on the same machine (two checkouts tested at once lost each other's repositories)."""
    if config.option.basetemp is None and not os.environ.get("PYTEST_DEBUG_TEMPROOT"):
        _OWN_TEMP.append(tempfile.mkdtemp(prefix="driverparty-tests-"))
        config.option.basetemp = _OWN_TEMP[0]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A passing run leaves nothing behind; a failing one keeps its folders to look at."""
    if _OWN_TEMP and exitstatus == 0:
        shutil.rmtree(_OWN_TEMP[0], ignore_errors=True)


TODAY = "2026-06-30"
#: the folder of the test run's python, where the installed `driverparty` command is: git's
#: hooks and merge driver find it on PATH, as on a clerk's machine
BIN = Path(sys.executable).parent
#: set by `make test-windows-sim`: the whole suite runs as on Windows (tests/windows_sim)
WINDOWS_SIM = bool(os.environ.get("DRIVERPARTY_WINDOWS_SIM"))
ENV = {
    "DRIVERPARTY_TODAY": TODAY,
    "DRIVERPARTY_DEBUG": "1",
    "DRIVERPARTY_LANG": "",
    "DRIVERPARTY_REPO": "",
    "DRIVERPARTY_LOCK_TIMEOUT": "10",
    "LANG": "C.UTF-8",
    "LC_ALL": "",
    "LC_MESSAGES": "",
    "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', os.defpath)}",
    "GIT_AUTHOR_NAME": "黄主任",
    "GIT_AUTHOR_EMAIL": "huang@example.org",
    "GIT_COMMITTER_NAME": "黄主任",
    "GIT_COMMITTER_EMAIL": "huang@example.org",
    "GIT_AUTHOR_DATE": "2026-06-30T09:00:00+08:00",
    "GIT_COMMITTER_DATE": "2026-06-30T09:00:00+08:00",
    # the windows-sim run brings its own (core.autocrlf=true); never the machine's real one
    "GIT_CONFIG_GLOBAL": os.environ.get("DRIVERPARTY_TEST_GIT_CONFIG_GLOBAL") or os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


@pytest.fixture(autouse=True, scope="session")
def _pinned_env() -> Iterator[None]:
    """Every test, and every git it starts, sees the same clock, names and language."""
    saved = dict(os.environ)
    os.environ.update(ENV)
    for key in ("DRIVERPARTY_LANG", "DRIVERPARTY_REPO", "LC_ALL", "LC_MESSAGES"):
        os.environ.pop(key, None)
    yield
    os.environ.clear()
    os.environ.update(saved)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True, encoding="utf-8"
    ).stdout


def make_repo(path: Path, county: str = "八步区", with_sample: bool = False) -> Path:
    """A committed records repository at ``path``: empty, or holding the sample county, with
    the .gitattributes `init` writes (record files stay LF under core.autocrlf=true)."""
    from driverparty.store import GITATTRIBUTES

    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    (path / ".gitattributes").write_bytes(GITATTRIBUTES.encode())
    if with_sample:
        shutil.copy(ROOT / "driverparty.toml", path / "driverparty.toml")
        shutil.copytree(ROOT / "records", path / "records")
    else:
        (path / "driverparty.toml").write_text(f'county = "{county}"\n', encoding="utf-8")
        for kind in KINDS.values():
            (path / kind.folder).mkdir(parents=True)
            (path / kind.folder / ".gitkeep").touch()
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "repository init")
    return path


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory: pytest.TempPathFactory, _pinned_env: None) -> Path:
    return make_repo(tmp_path_factory.mktemp("template") / "sample", with_sample=True)


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory, _pinned_env: None) -> Path:
    return make_repo(tmp_path_factory.mktemp("template") / "empty")


@pytest.fixture
def repo(sample_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the sample county repository."""
    dest = tmp_path / "county"
    shutil.copytree(sample_template, dest, symlinks=True)
    return dest


@pytest.fixture
def empty_repo(empty_template: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "empty"
    shutil.copytree(empty_template, dest, symlinks=True)
    return dest


Run = Callable[..., Result]


def runner_for(path: Path) -> Run:
    def run(
        *args: str, input: str | bytes | None = None, env: dict[str, str] | None = None
    ) -> Result:
        return CliRunner().invoke(
            cli, ["--repo", str(path), *args], input=input, env=env, catch_exceptions=False
        )

    return run


@pytest.fixture
def dp(repo: Path) -> Run:
    """Run driverparty on a copy of the sample county: ``dp("member", "list")``."""
    return runner_for(repo)


@pytest.fixture
def dpe(empty_repo: Path) -> Run:
    """Run driverparty on an empty records repository."""
    return runner_for(empty_repo)


def head_subject(path: Path) -> str:
    return git(path, "log", "-1", "--format=%s").strip()


def commit_count(path: Path) -> int:
    return int(git(path, "rev-list", "--count", "HEAD").strip())
