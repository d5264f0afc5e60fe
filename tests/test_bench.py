"""bench/run.py chooses its runs as bench/README.md says (issue 22: `make bench` under 5
minutes): a warm-up, then as many timed runs as fit in the budget, at least one, at most
--runs; rows after an update time their first run, and each of those runs follows its own
update. Nothing here is timed: the budget is set to its extremes and the runs are counted."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import ROOT


@pytest.fixture
def bench(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_run", module)  # its dataclasses look it up
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "WORK", tmp_path)  # the commands run there
    yield module


def counting(tmp_path: Path, name: str) -> tuple[list[str], Path]:
    """A command that appends a line to a file each time it runs: its runs can be counted."""
    log = tmp_path / f"{name}.log"
    code = f"open({str(log)!r}, 'a', encoding='utf-8').write('x\\n')"
    return [sys.executable, "-c", code], log


def runs_of(log: Path) -> int:
    return len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0


def pair_runs(bench: ModuleType, tmp_path: Path, runs: int, **kw: Any) -> tuple[int, int, Any, Any]:
    """measure_pair of two counting commands, each counted afresh: how many times each ran,
    and their timings."""
    for name in ("dp", "rec"):
        (tmp_path / f"{name}.log").unlink(missing_ok=True)
    dp, dp_log = counting(tmp_path, "dp")
    rec, rec_log = counting(tmp_path, "rec")
    t_dp, t_rec = bench.measure_pair(dp, rec, runs, {}, 60, **kw)
    return runs_of(dp_log), runs_of(rec_log), t_dp, t_rec


def test_another_run_stays_within_the_budget_and_the_runs_asked(
    bench: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench, "BUDGET", 5.0)
    assert bench.another_run([], 5)  # the first timed run always
    assert bench.another_run([0.5], 5) and bench.another_run([0.5] * 4, 5)
    assert not bench.another_run([0.5] * 5, 5)  # --runs is the most
    assert bench.another_run([2.0], 5)  # 2 + 2 fit in 5 s
    assert not bench.another_run([2.0, 2.0], 5)  # a third does not
    assert not bench.another_run([bench.BUDGET], 5)  # one long run is enough
    assert not bench.another_run([0.1, 0.1, 0.1], 3)  # at_most


def test_short_commands_get_every_run_asked(
    bench: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench, "BUDGET", 1e9)
    dp_runs, rec_runs, t_dp, t_rec = pair_runs(bench, tmp_path, 4)
    assert (dp_runs, rec_runs) == (5, 5)  # a warm-up + 4 each
    assert t_rec is not None and (t_dp.runs, t_rec.runs) == (4, 4)
    assert t_dp.first is not None and t_dp.median is not None and t_rec.median is not None


def test_a_long_command_gets_one_timed_run_after_its_warm_up(
    bench: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench, "BUDGET", 0.0)
    dp_runs, rec_runs, t_dp, t_rec = pair_runs(bench, tmp_path, 5)
    assert (dp_runs, rec_runs) == (2, 2)
    assert t_rec is not None and (t_dp.runs, t_rec.runs) == (1, 1)


def test_rows_after_an_update_time_their_first_run_each_after_its_own_update(
    bench: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench, "BUDGET", 1e9)
    dp, dp_log = counting(tmp_path, "dp")
    order: list[str] = []

    def update(k: int) -> None:
        order.append(f"update {k} before run {runs_of(dp_log) + 1}")

    t_dp, t_rec = bench.measure_pair(dp, None, 5, {}, 60, before=update, at_most=3, warm_up=False)
    assert t_rec is None and t_dp.runs == runs_of(dp_log) == 3  # no untimed warm-up
    assert order == ["update 0 before run 1", "update 1 before run 2", "update 2 before run 3"]
    assert t_dp.first is not None  # the first run after an update is shown too


def test_a_cold_row_times_every_run_and_shows_no_first_run(
    bench: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench, "BUDGET", 0.0)
    dp, dp_log = counting(tmp_path, "dp")
    clones: list[int] = []
    t_dp, _ = bench.measure_pair(dp, None, 5, {}, 60, before=clones.append, cold=True)
    assert runs_of(dp_log) == t_dp.runs == 1 and clones == [0] and t_dp.first is None


def test_a_failing_command_is_an_error_not_a_time(bench: ModuleType) -> None:
    t_dp, _ = bench.measure_pair([sys.executable, "-c", "raise SystemExit(3)"], None, 3, {}, 60)
    assert t_dp.median is None and t_dp.error == "exit status 3"


def test_a_peer_whose_file_is_warm_already_times_its_first_run(
    bench: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """recfix and recins read a file the rows before read (rec_warm_up=False): their first
    run is timed, no warm-up; driverparty still has its warm-up."""
    monkeypatch.setattr(bench, "BUDGET", 0.0)
    dp_runs, rec_runs, t_dp, t_rec = pair_runs(bench, tmp_path, 5, rec_warm_up=False)
    assert (dp_runs, rec_runs) == (2, 1)
    assert t_rec is not None and (t_dp.runs, t_rec.runs) == (1, 1)
    assert t_dp.first is not None and t_rec.median is not None
    monkeypatch.setattr(bench, "BUDGET", 1e9)
    dp_runs, rec_runs, t_dp, t_rec = pair_runs(bench, tmp_path, 3, rec_warm_up=False)
    assert (dp_runs, rec_runs) == (4, 3)
    assert t_rec is not None and (t_dp.runs, t_rec.runs) == (3, 3)
