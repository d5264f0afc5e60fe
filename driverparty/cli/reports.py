"""``summary``, ``report …`` and ``rollup``: the figures reported upward (issue 4)."""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import click

from driverparty.cli.app import TALLIES, App, output_options, pass_app, render
from driverparty.cli.main import LazyGroup
from driverparty.cli.sync import timeout_option
from driverparty.cli.workflows import DATE
from driverparty.i18n import N_

as_of_option = click.option(
    "--as-of", "as_of", type=DATE, help="Count as of this date (default today)."
)


class ReportChoice(click.Choice[str]):
    """The values a report takes (``--by``), read from ``driverparty.reports`` when first
    needed: importing it imports the models, and ``summary`` (in this module) answers a
    remembered figure without them (issue 8)."""

    def __init__(self, name: str) -> None:
        self.constant = name
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        from driverparty import reports

        return tuple(getattr(reports, self.constant))

    @choices.setter
    def choices(self, value: Any) -> None:
        pass


def _load(app: App, kinds: list[str] | None = None) -> Any:
    records, problems = app.store.load(kinds)
    app.warn(problems)
    return records


def _report(
    app: App, rows: list[dict[str, Any]], columns: list[str], fmt: str, reveal: bool
) -> None:
    render(app, rows, columns, fmt, reveal)
    app.finish()


def period_options(f: Any) -> Any:
    """``--period P`` or ``--since DATE --until DATE`` (SPEC section 4, "Periods")."""
    f = click.option("--until", type=DATE, help="The period ends on this day (inclusive).")(f)
    f = click.option("--since", type=DATE, help="The period starts on this day (inclusive).")(f)
    f = click.option(
        "--period",
        metavar="P",
        help="A year (2025), a quarter (2025Q4) or a month (2025-11): stock figures as of its "
        "end, flows (recruitment, petitions received, activities held) inside it.",
    )(f)
    return f


def summary_rows(
    app: App, as_of: date | None, period: str | None, since: date | None, until: date | None
) -> list[dict[str, Any]]:
    """The summary's rows for a day and a period, remembered while the records stand still
    (issue 8), with the clock's note replayed when remembered. The report page calls it too."""
    from driverparty.periods import resolve

    day = as_of or app.today
    chosen = resolve(period, since, until, day)
    rows, _counts, note = app.reader.tallied("summary", day, chosen, app.warn)
    app.note(note)
    return list(rows)


@click.command()
@as_of_option
@period_options
@output_options()
@pass_app
def summary(
    app: App,
    as_of: date | None,
    period: str | None,
    since: date | None,
    until: date | None,
    fmt: str,
    reveal: bool,
) -> None:
    """The figures reported upward: branches, members, stations, petitions, activities. With
    --period (or --since/--until), how many there were at its end and what happened inside it.

    \b
    Example:
      driverparty --lang zh summary --as-of 2026-06-30
      driverparty summary --period 2026Q2 --format csv > 2026Q2.csv
      driverparty summary --format json | jq '.[] | select(.section=="petitions")'
    """
    rows = summary_rows(app, as_of, period, since, until)
    _report(app, rows, ["section", "metric", "value"], fmt, reveal)


class ReportGroup(LazyGroup):
    """The report subcommands, and any report that lives in its own module (``html``)."""

    lazy = {"html": ("driverparty.cli.html", "html", N_("A printable page with charts."))}


@click.group(cls=ReportGroup)
def report() -> None:
    """Reports: members, petitions, coverage, screening, pipeline, stations, activities,
    study hours, organisational life."""


@report.command("members")
@click.option(
    "--by",
    required=True,
    type=ReportChoice("MEMBER_BY"),
    help="The field to count by (year_joined: the year of probationary_on).",
)
@click.option("--all", "with_left", is_flag=True, help="Members who left too.")
@as_of_option
@output_options()
@pass_app
def report_members(
    app: App, by: str, with_left: bool, as_of: date | None, fmt: str, reveal: bool
) -> None:
    """Members who have not left (party and pipeline), counted by one field; every code of
    the field is listed, 0 where none.

    \b
    Example:
      driverparty report members --by employer --format csv
      driverparty report members --by left_kind --all
    """
    from driverparty import reports

    rows = reports.report_members(
        _load(app, ["member", "branch"]), app.store.config, as_of or app.today, by, with_left
    )
    _report(app, rows, reports.member_columns(by), fmt, reveal)


@report.command("petitions")
@click.option(
    "--by",
    required=True,
    type=ReportChoice("PETITION_BY"),
    help="The field to group by (month: YYYY-MM of received).",
)
@period_options
@as_of_option
@output_options()
@pass_app
def report_petitions(
    app: App,
    by: str,
    period: str | None,
    since: date | None,
    until: date | None,
    as_of: date | None,
    fmt: str,
    reveal: bool,
) -> None:
    """Petitions received in the period (default: all), grouped by one field: total,
    resolved, overdue, on-time rate, median days, callback and satisfaction rates, as they
    stood at the period's end.

    \b
    Example:
      driverparty report petitions --by month --since 2026-01-01
      driverparty report petitions --by kind --period 2026Q2
    """
    from driverparty import reports
    from driverparty.periods import resolve

    day = as_of or app.today
    chosen = resolve(period, since, until, day)
    rows = reports.report_petitions(
        _load(app, ["petition"]), app.store.config, day, by, period=chosen
    )
    _report(app, rows, [by, *reports.PETITION_COLUMNS], fmt, reveal)


@report.command("coverage")
@as_of_option
@output_options()
@pass_app
def report_coverage(app: App, as_of: date | None, fmt: str, reveal: bool) -> None:
    """Where party organisation is missing: the coverage rate, employers that should form or
    join a branch, unattached party members, stations without a branch.

    \b
    Example:
      driverparty report coverage --format csv
    """
    from driverparty import reports

    rows = reports.coverage(_load(app, ["member", "branch", "station"]), as_of or app.today)
    _report(app, rows, ["finding", "subject", "value", "name"], fmt, reveal)


@report.command("screening")
@as_of_option
@output_options()
@pass_app
def report_screening(app: App, as_of: date | None, fmt: str, reveal: bool) -> None:
    """Party members due for re-verification, never-verified first, then most overdue.

    \b
    Example:
      driverparty report screening --format csv
    """
    from driverparty import reports

    rows = reports.screening(_load(app, ["member"]), app.store.config, as_of or app.today)
    _report(app, rows, ["id", "name", "branch", "verified_on", "days_overdue"], fmt, reveal)


@report.command("pipeline")
@click.option(
    "--due",
    is_flag=True,
    help="Instead: probationary members whose probation year ends within 30 days.",
)
@as_of_option
@output_options()
@pass_app
def report_pipeline(app: App, due: bool, as_of: date | None, fmt: str, reveal: bool) -> None:
    """Members at each stage of the pipeline; with --due, who is due to become full.

    \b
    Example:
      driverparty report pipeline --due
    """
    from driverparty import reports

    records = _load(app, ["member"])
    if due:
        rows = reports.pipeline_due(records, as_of or app.today)
        _report(app, rows, ["id", "name", "branch", "probationary_on", "full_due"], fmt, reveal)
    else:
        _report(app, reports.pipeline(records, as_of or app.today), ["stage", "count"], fmt, reveal)


@report.command("stations")
@click.option("--standard", help="The amenity standard (default: the county's default).")
@as_of_option
@output_options()
@pass_app
def report_stations(
    app: App, standard: str | None, as_of: date | None, fmt: str, reveal: bool
) -> None:
    """Each open station against an amenity standard: meets, and what it lacks.

    \b
    Example:
      driverparty report stations --standard five --format csv
    """
    from driverparty import reports

    config = app.store.config
    config.standard(standard)  # an unknown standard is exit 1 before anything is read
    rows = reports.stations_standard(_load(app, ["station"]), config, as_of or app.today, standard)
    _report(app, rows, ["id", "name", "kind", "meets", "missing"], fmt, reveal)


@report.command("activities")
@click.option(
    "--by",
    required=True,
    type=ReportChoice("ACTIVITY_BY"),
    help="What to group by (month, quarter: of the activity's date).",
)
@period_options
@as_of_option
@output_options()
@pass_app
def report_activities(
    app: App,
    by: str,
    period: str | None,
    since: date | None,
    until: date | None,
    as_of: date | None,
    fmt: str,
    reveal: bool,
) -> None:
    """Activities held in the period (default: all up to today), grouped: sessions (场次),
    members who took part, person-times (人次: members and others), people served, vehicles,
    trips (台次), yuan, and participant study hours.

    \b
    Example:
      driverparty report activities --by kind --period 2026
      driverparty --lang zh report activities --by branch --period 2026Q2
    """
    from driverparty import reports
    from driverparty.periods import resolve

    day = as_of or app.today
    chosen = resolve(period, since, until, day)
    records = _load(app, ["activity", "branch", "station"])
    rows = reports.report_activities(records, day, by, chosen)
    _report(app, rows, reports.activity_columns(by), fmt, reveal)


@report.command("study")
@click.option(
    "--year", type=click.IntRange(1900, 9999), help="The year counted (default: this year)."
)
@as_of_option
@output_options()
@pass_app
def report_study(app: App, year: int | None, as_of: date | None, fmt: str, reveal: bool) -> None:
    """Each party member's study hours (学时) that year, from the activities they took part
    in, and how many are still short of [activities] study_hours; those short first.

    \b
    Example:
      driverparty report study --year 2025 --format csv > 学时2025.csv
    """
    from driverparty import reports

    records = _load(app, ["activity", "member"])
    rows = reports.study(records, app.store.config, as_of or app.today, year)
    _report(app, rows, list(reports.STUDY_COLUMNS), fmt, reveal)


@report.command("meetings")
@period_options
@as_of_option
@output_options()
@pass_app
def report_meetings(
    app: App,
    period: str | None,
    since: date | None,
    until: date | None,
    as_of: date | None,
    fmt: str,
    reveal: bool,
) -> None:
    """Organisational life (三会一课, 主题党日) per branch: how many of each kind
    [organisational_life] required in the period (default: this quarter), held, missing
    (months or quarters with none), and attendance against those expected.

    \b
    Example:
      driverparty report meetings --period 2026Q2
      driverparty report meetings --period 2026 --format csv > 组织生活2026.csv
    """
    from driverparty import reports
    from driverparty.periods import resolve

    day = as_of or app.today
    chosen = resolve(period, since, until, day)
    records = _load(app, ["activity", "branch"])
    rows = reports.meetings(records, app.store.config, day, chosen)
    _report(app, rows, list(reports.MEETING_COLUMNS), fmt, reveal)


# --- rollup ------------------------------------------------------------------------------------


@click.command()
@click.argument("repos", nargs=-1, required=True, metavar="REPO...")
@as_of_option
@timeout_option("a server being cloned")
@output_options()
@pass_app
def rollup(
    app: App,
    repos: tuple[str, ...],
    as_of: date | None,
    timeout: float,
    fmt: str,
    reveal: bool,
) -> None:
    """The summary of several county repositories side by side, with a total.

    A REPO is a records folder, a bare repository (a USB drive) or any git URL git can
    clone; a clone never asks for a password (set up a key or a credential helper).

    \b
    Example:
      driverparty rollup ../babu ../pinggui /media/usb/zhongshan.git
    """
    from driverparty import reports
    from driverparty.store import Store, county_repository

    day = as_of or app.today
    interactive = sys.stderr.isatty()

    def note(text: str) -> None:
        if interactive:
            click.echo(f"\r{text}…\033[K", err=True, nl=False)

    columns: list[str] = []
    values: dict[tuple[str, str], dict[str, Any]] = {}
    total: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="driverparty-rollup-") as tmp:
        for i, source in enumerate(repos, 1):
            note(f"[{i}/{len(repos)}]")  # a URL may hold a password: county_repository masks it
            root = county_repository(source, Path(tmp), timeout, note)
            store = Store(root.resolve(), app.today, tallies=TALLIES)
            name = store.config.county
            # each county's summary as its own `summary` remembers it (issue 22: warm, a
            # rollup of ten counties reads no record)
            figures, counts, clock_note = store.tallied("summary", day, None, app.warn)
            app.note(clock_note)  # a year with no holiday table, as `summary` says it
            while name in columns or name in ("section", "metric", "total"):
                name += "'"
            columns.append(name)
            for figure in figures:
                values.setdefault((figure["section"], figure["metric"]), {})[name] = figure["value"]
            for key, count in counts.items():  # every count is a sum: so is the total's
                total[key] = total.get(key, 0) + count
    if interactive:
        click.echo("\r\033[K", err=True, nl=False)
    rows = []
    for figure in reports.summary_rows(total):
        pair = (figure["section"], figure["metric"])
        row: dict[str, Any] = {"section": pair[0], "metric": pair[1]}
        row.update({c: values.get(pair, {}).get(c) for c in columns})
        row["total"] = figure["value"]
        rows.append(row)
    render(app, rows, ["section", "metric", *columns, "total"], fmt, reveal)
    app.finish()
