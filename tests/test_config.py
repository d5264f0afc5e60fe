"""driverparty.toml is validated, with one clear line for a bad key or value (issue 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Run


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('code = "451102"\n', "driverparty.toml: county: Field required"),
        ('county = "x"\ncolour = "red"\n', "driverparty.toml: colour: unknown key"),
        ('county = "x"\ncode = "45"\n', "driverparty.toml: code: must be a 6-digit"),
        ('county = "x"\n[petitions]\ndue_days = -1\n', "driverparty.toml: petitions.due_days: "),
        (
            'county = "x"\n[petitions]\ndue_days = "seven"\n',
            "driverparty.toml: petitions.due_days: ",
        ),
        (
            'county = "x"\n[petitions.due_days_by_category]\nrepairs = 1\n',
            "unknown category 'repairs'",
        ),
        (
            'county = "x"\n[screening]\ninterval_days = 0\n',
            "driverparty.toml: screening.interval_days",
        ),
        (
            'county = "x"\n[standards]\nfive = ["water", "jacuzzi"]\ndefault = "five"\n',
            "unknown amenity 'jacuzzi'",
        ),
        ('county = "x"\n[standards]\ndefault = "ten"\n', "standards.default names no standard"),
        ('county = "x\n', "driverparty.toml: TOML syntax"),
    ],
)
def test_a_bad_config_is_one_clear_error(dp: Run, repo: Path, text: str, message: str) -> None:
    (repo / "driverparty.toml").write_text(text, encoding="utf-8")
    r = dp("member", "list")
    assert r.exit_code == 1
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1
    assert message in r.stderr, r.stderr


def test_due_days_by_category_sets_the_default_due(dp: Run, repo: Path) -> None:
    config = repo / "driverparty.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("repair = 1", "repair = 3"), encoding="utf-8"
    )
    # the sample counts working days: Monday 1 June + 3 → Thursday 4, + 7 → Wednesday 10
    for category, due in (("repair", "2026-06-04"), ("pricing", "2026-06-10")):
        r = dp(
            "petition",
            "add",
            "--received",
            "2026-06-01",
            "--channel",
            "hotline",
            "--category",
            category,
            "--summary",
            "x",
        )
        assert r.exit_code == 0, r.stderr
        assert f"due = {due}" in (repo / f"records/petitions/{r.stdout.strip()}.toml").read_text(
            encoding="utf-8"
        )
    r = dp(
        "petition",
        "add",
        "--received",
        "2026-06-01",
        "--channel",
        "hotline",
        "--category",
        "repair",
        "--summary",
        "x",
        "--due",
        "2026-06-30",
    )
    assert "due = 2026-06-30" in (repo / f"records/petitions/{r.stdout.strip()}.toml").read_text(
        encoding="utf-8"
    )
