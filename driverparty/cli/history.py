"""``log``, ``<kind> history ID`` and ``diff``: the audit trail from git (issue 5)."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from driverparty.cli.app import (
    App,
    format_options,
    kind_choice,
    output_options,
    pass_app,
    render,
)
from driverparty.cli.records import id_argument, word
from driverparty.cli.workflows import DATE
from driverparty.i18n import _


@click.command()
@click.option("--since", type=DATE, help="Commits on or after this date.")
@click.option("--until", type=DATE, help="Commits on or before this date.")
@click.option("--author", help="Part of the author's name or email.")
@click.option("--kind", type=kind_choice(), help="Only records of this kind.")
@click.option("--limit", type=click.IntRange(min=0), help="At most N rows.")
@output_options()
@pass_app
def log(
    app: App,
    since: date | None,
    until: date | None,
    author: str | None,
    kind: str | None,
    limit: int | None,
    fmt: str,
    reveal: bool,
) -> None:
    """Changes to records, newest first: one row per record per commit. Hand commits count
    too: their action is what git saw (add, update, remove).

    \b
    Example:
      driverparty log --kind member --since 2026-04-01 --author 黄
    """
    from driverparty import history

    rows = history.log(app.store, since, until, author, kind, limit)
    render(app, rows, ["commit", "date", "author", "action", "kind", "id", "subject"], fmt, reveal)


def _flatten(rows: list[dict[str, Any]], nested: str, keep: list[str]) -> list[dict[str, Any]]:
    """For tables: one row per changed field."""
    flat = []
    for row in rows:
        for change in row[nested] or [{"field": None, "old": None, "new": None}]:
            flat.append({**{k: row[k] for k in keep}, **change})
    return flat


def make_history(kind: str) -> click.Command:
    from driverparty.schema import KINDS

    @pass_app
    def callback(app: App, record_id: str, fmt: str, reveal: bool) -> None:
        from driverparty import history
        from driverparty.store import check_id_syntax

        rows = history.history(app.store, kind, check_id_syntax(record_id))
        keep = ["commit", "date", "author", "action"]
        if fmt == "table":
            render(
                app, _flatten(rows, "changes", keep), [*keep, "field", "old", "new"], fmt, reveal
            )
        else:
            render(app, rows, [*keep, "changes"], fmt, reveal)

    return click.Command(
        "history",
        callback=callback,
        params=[id_argument(kind), *format_options()],
        help=_(
            "The {kind}'s life from git, oldest first: every commit that touched it, with "
            "the fields it changed. Works on removed {kinds} too."
        ).format(kind=word(kind), kinds=word(kind, plural=True))
        + _("\n\n\b\nExample:\n  {example}").format(
            example=f"driverparty {kind} history {KINDS[kind].prefix}-0001"
        ),
    )


@click.command()
@click.argument("rev_a", required=False, metavar="[REV_A")
@click.argument("rev_b", required=False, metavar="[REV_B]]")
@output_options()
@pass_app
def diff(app: App, rev_a: str | None, rev_b: str | None, fmt: str, reveal: bool) -> None:
    """Records added, removed and changed, with their changed fields. No revision: the work
    tree against HEAD; one: that revision against HEAD; two: REV_A against REV_B.

    \b
    Example:
      driverparty diff HEAD~5
    """
    from driverparty import history

    rows, problems = history.diff(app.store, rev_a, rev_b)
    app.warn(problems)
    keep = ["kind", "id", "change"]
    if fmt == "table":
        render(app, _flatten(rows, "fields", keep), [*keep, "field", "old", "new"], fmt, reveal)
    else:
        render(app, rows, [*keep, "fields"], fmt, reveal)
    app.finish()
