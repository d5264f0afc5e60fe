"""``driverparty report html``: the printable report page (issue #10), one self-contained file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from driverparty.cli.app import App, pass_app
from driverparty.cli.reports import as_of_option, period_options


@click.command("html")
@as_of_option
@period_options
@click.option(
    "--output",
    "-o",
    default="-",
    show_default=True,
    metavar="FILE",
    help="Where to write the page; - is stdout.",
)
@click.option("--reveal", is_flag=True, help="Show phone and ID numbers in full.")
@pass_app
def html(
    app: App,
    as_of: date | None,
    period: str | None,
    since: date | None,
    until: date | None,
    output: str,
    reveal: bool,
) -> None:
    """One self-contained, printable HTML page: the summary, branch coverage, the member
    pipeline, petitions by month and category, stations against the standard, screening
    due, activities, organisational life and study hours, with charts. With --period, a
    quarter's (a month's, a year's) report: figures as at its end, petitions and activities
    inside it. It loads nothing from anywhere: open it offline or print it on A4. Chinese
    with --lang zh.

    \b
    Example:
      driverparty --lang zh report html --period 2026Q2 --output 2026Q2.html
    """
    from driverparty import html as page
    from driverparty.periods import resolve

    when = as_of or app.today
    chosen = resolve(period, since, until, when)
    store = app.store
    records, problems = store.load()
    app.warn(problems)
    text = page.report(records, store.config, when, app.lang, reveal=reveal, period=chosen)
    if output == "-":
        app.emit(text)
    else:
        page.write(Path(output), text)
    app.finish()
