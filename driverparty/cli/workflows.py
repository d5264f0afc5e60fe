"""The workflow commands: the member pipeline and the petition lifecycle (issue 3).

Each parses its options, calls one pure move of ``driverparty.workflows`` through
``Store.change`` (read → move → validate → check → one commit), and prints nothing on success.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

import click

from driverparty.cli.app import App, pass_app
from driverparty.errors import UsageError


def codes_of(kind: str, name: str) -> tuple[str, ...]:
    """An enumerated field's codes, from the registry."""
    from driverparty.schema import KINDS

    return KINDS[kind].fields[name].choices


def words_of(kind: str, name: str) -> str:
    """An enumerated field's codes with their Chinese words, for help texts."""
    from driverparty.schema import KINDS

    return ", ".join(f"{c} {w}" for c, w in KINDS[kind].fields[name].codes_zh.items())


class DateType(click.ParamType[date]):
    """An ISO date on the command line (a wrong shape is a usage error, exit 2)."""

    name = "date"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD)", param, ctx)


DATE = DateType()


def _complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    from driverparty.cli.records import complete_ids

    kind = ctx.parent.info_name if ctx.parent and ctx.parent.info_name else "member"
    result: list[Any] = complete_ids(kind)(ctx, param, incomplete)
    return result


record_id = click.argument("record_id", metavar="ID", shell_complete=_complete)
on_option = click.option("--on", "on", type=DATE, help="The date of the move (default today).")


def _on(app: App, on: date | None) -> date:
    return on or app.today


def _note_required(note: str | None, action: str) -> str:
    if note is None or not note.strip():
        raise UsageError(f"petition {action}: --note TEXT is required")
    return note.strip()


# --- members -----------------------------------------------------------------------------------


@click.command()
@record_id
@click.option(
    "--to",
    "stage",
    type=click.Choice(codes_of("member", "stage")),
    required=True,
    help="The new stage.",
)
@on_option
@pass_app
def promote(app: App, record_id: str, stage: str, on: date | None) -> None:
    """Move a member forward in the pipeline, one or more stages, setting that stage's date
    (applicant → activist → candidate → probationary → full; full only after the probation
    year). Backwards is refused.

    \b
    Example:
      driverparty member promote M-0042 --to activist --on 2026-03-01
    """
    from driverparty import workflows

    when = _on(app, on)
    app.store.change(
        "member", record_id, "promote", partial(workflows.promote, to=stage, on=when), on=when
    )


@click.command()
@record_id
@click.option(
    "--status",
    type=click.Choice(codes_of("member", "verification")),
    default="confirmed",
    show_default=True,
    help=words_of("member", "verification") + ".",
)
@on_option
@pass_app
def verify(app: App, record_id: str, status: str, on: date | None) -> None:
    """Record a verification of a member (the quarterly 筛查).

    \b
    Example:
      driverparty member verify M-0042 --status archived
    """
    from driverparty import workflows

    when = _on(app, on)
    app.store.change(
        "member", record_id, "verify", partial(workflows.verify, status=status, on=when), on=when
    )


@click.command()
@record_id
@click.option("--to", "branch", required=True, metavar="BRANCH", help="The branch id.")
@on_option
@pass_app
def transfer(app: App, record_id: str, branch: str, on: date | None) -> None:
    """Move a member to another branch; `member history` shows the move.

    \b
    Example:
      driverparty member transfer M-0042 --to B-0003
    """
    from driverparty import workflows

    app.store.change(
        "member", record_id, "transfer", partial(workflows.transfer, to=branch), on=_on(app, on)
    )


@click.command()
@record_id
@click.option("--reason", required=True, help="Why: moved away, left the trade …")
@on_option
@pass_app
def leave(app: App, record_id: str, reason: str, on: date | None) -> None:
    """Record that a member left this roster; they then count nowhere but in history.

    \b
    Example:
      driverparty member leave M-0042 --reason 迁往外地
    """
    from driverparty import workflows

    when = _on(app, on)
    app.store.change(
        "member", record_id, "leave", partial(workflows.leave, reason=reason, on=when), on=when
    )


# --- petitions ---------------------------------------------------------------------------------


def _move(app: App, record_id: str, action: str, on: date | None, **kw: Any) -> None:
    from driverparty import workflows

    when = _on(app, on)
    store = app.store
    store.change(
        "petition",
        record_id,
        action,
        partial(workflows.move_petition, action=action, on=when, by=store.author_name, **kw),
        on=when,
    )


@click.command()
@record_id
@click.option(
    "--to",
    "assignee",
    required=True,
    metavar="ASSIGNEE",
    help="A branch id, department or handler.",
)
@on_option
@click.option("--note", help="A note for the events log.")
@pass_app
def assign(app: App, record_id: str, assignee: str, on: date | None, note: str | None) -> None:
    """Transfer a petition to whoever handles it (转办). From received, or from assigned to
    hand it to someone else (the first transfer date is kept).

    \b
    Example:
      driverparty petition assign P-0007 --to 八步区交通运输局运管股
    """
    _move(app, record_id, "assign", on, assignee=assignee, note=note)


@click.command()
@record_id
@click.option("--satisfaction", type=click.IntRange(1, 5), help="1–5, from the follow-up.")
@click.option("--note", help="A note from the follow-up visit.")
@on_option
@pass_app
def close(
    app: App, record_id: str, satisfaction: int | None, note: str | None, on: date | None
) -> None:
    """Record the follow-up visit of a resolved petition (回访) and close it.

    \b
    Example:
      driverparty petition close P-0007 --satisfaction 5 --note 司机表示满意
    """
    _move(app, record_id, "close", on, satisfaction=satisfaction, note=note)


def _note_move(action: str, note_help: str, doc: str) -> click.Command:
    """A petition move whose only input is a required note (resolve, reopen, reject,
    withdraw)."""

    @click.command(action, help=doc)
    @record_id
    @click.option("--note", required=True, help=note_help)
    @on_option
    @pass_app
    def command(app: App, record_id: str, note: str, on: date | None) -> None:
        _move(app, record_id, action, on, note=_note_required(note, action))

    return command


resolve = _note_move(
    "resolve",
    "What was done: becomes the resolution.",
    """Record that an assigned petition was resolved (办结).

    \b
    Example:
      driverparty petition resolve P-0007 --note 已协调维修点延长营业时间
    """,
)
reopen = _note_move(
    "reopen",
    "Why it is reopened.",
    """Take a resolved or closed petition back to assigned; its resolution, dates and
    satisfaction are cleared (the events and the history keep them).

    \b
    Example:
      driverparty petition reopen P-0007 --note 回访发现问题未解决
    """,
)
reject = _note_move(
    "reject",
    "Why it is rejected.",
    """End an open petition as rejected (不予受理).

    \b
    Example:
      driverparty petition reject P-0007 --note 不属于受理范围
    """,
)
withdraw = _note_move(
    "withdraw",
    "Why it is withdrawn.",
    """End an open petition as withdrawn by the driver (撤回).

    \b
    Example:
      driverparty petition withdraw P-0007 --note 司机已自行解决
    """,
)
