"""The workflow commands: the member pipeline, the petition lifecycle (issue 3) and who took
part in an activity (issue 20).

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
from driverparty.i18n import N_, _


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
            self.fail(_("{value!r} is not a date (YYYY-MM-DD)").format(value=value), param, ctx)


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


def _required_note(note: str | None, command: str) -> str:
    if note is None or not note.strip():
        raise UsageError(_("{command}: --note TEXT is required").format(command=command))
    return note.strip()


def _note_required(note: str | None, action: str) -> str:
    return _required_note(note, f"petition {action}")


# --- members -----------------------------------------------------------------------------------


def _vote(value: str | None) -> tuple[int, int, int] | None:
    """``--vote ELIGIBLE,PRESENT,FOR``: three whole numbers ≥ 0 (a wrong shape is exit 2)."""
    if value is None:
        return None
    parts = [p.strip() for p in value.replace("，", ",").split(",")]
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise UsageError(
            _(
                "--vote {value!r}: must be ELIGIBLE,PRESENT,FOR, three whole numbers (e.g. 9,8,8)"
            ).format(value=value)
        )
    eligible, present, in_favour = (int(p) for p in parts)
    return eligible, present, in_favour


@click.command()
@record_id
@click.option(
    "--to",
    "stage",
    type=click.Choice(codes_of("member", "stage")),
    required=True,
    help="The next stage.",
)
@on_option
@click.option(
    "--vote",
    metavar="ELIGIBLE,PRESENT,FOR",
    help="For --to probationary: the branch meeting's full members with a vote, those present "
    "and those for (more than half of ELIGIBLE must be present and vote for).",
)
@pass_app
def promote(app: App, record_id: str, stage: str, on: date | None, vote: str | None) -> None:
    """Move a member one step along the pipeline, setting that stage's date: applicant →
    activist → candidate (a year as activist at least) → probationary (after the concentrated
    training, by the branch meeting's vote) → full (when probation ends: full_on is that day).
    Skipping a step or going back is refused, saying which step is next and why.

    \b
    Example:
      driverparty member promote M-0042 --to activist --on 2026-03-01
      driverparty member promote M-0042 --to probationary --vote 9,8,8 --on 2026-05-20
    """
    from driverparty import workflows

    votes = _vote(vote)
    if votes is not None and stage != "probationary":
        raise UsageError(_("--vote is only for --to probationary (the branch meeting's vote)"))
    when = _on(app, on)
    app.store.change(
        "member",
        record_id,
        "promote",
        partial(workflows.promote, to=stage, on=when, vote=votes),
        on=when,
    )


@click.command("extend-probation")
@record_id
@click.option(
    "--to",
    "to",
    type=DATE,
    required=True,
    help="The day the extended probation ends: 6 to 12 months after the probation year.",
)
@click.option("--note", required=True, help="Why: the branch meeting's decision.")
@on_option
@pass_app
def extend_probation(app: App, record_id: str, to: date, note: str, on: date | None) -> None:
    """Extend a probationary member's probation, once, by six months to a year (延长预备期);
    the note is added to the member's notes. They become full on the new day.

    \b
    Example:
      driverparty member extend-probation M-0006 --to 2027-01-10 --note 支部大会决定延长预备期半年
    """
    from driverparty import workflows

    when = _on(app, on)
    text = _required_note(note, "member extend-probation")
    app.store.change(
        "member",
        record_id,
        "extend-probation",
        partial(workflows.extend_probation, to=to, on=when, note=text),
        on=when,
    )


@click.command("cancel-probation")
@record_id
@click.option("--note", required=True, help="Why: the branch meeting's decision.")
@on_option
@pass_app
def cancel_probation(app: App, record_id: str, note: str, on: date | None) -> None:
    """Cancel a probationary member's probation (取消预备党员资格): they leave the roster with
    left_kind probation_cancelled and the note as the reason.

    \b
    Example:
      driverparty member cancel-probation M-0006 --note 预备期内不履行党员义务,支部大会决定取消
    """
    from driverparty import workflows

    when = _on(app, on)
    text = _required_note(note, "member cancel-probation")
    app.store.change(
        "member",
        record_id,
        "cancel-probation",
        partial(workflows.cancel_probation, on=when, note=text),
        on=when,
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
@click.option("--reason", required=True, help="Why, in words: moved away, left the trade …")
@click.option(
    "--kind",
    "left_kind",
    type=click.Choice(codes_of("member", "left_kind")),
    help="Why, as a code: " + words_of("member", "left_kind") + ".",
)
@on_option
@pass_app
def leave(app: App, record_id: str, reason: str, left_kind: str | None, on: date | None) -> None:
    """Record that a member left this roster; they then count nowhere but in history (and in
    `report members --by left_kind --all`).

    \b
    Example:
      driverparty member leave M-0042 --reason 迁往外地 --kind moved
      driverparty member leave M-0043 --reason 筛查核实非党员 --kind not_member
    """
    from driverparty import workflows

    when = _on(app, on)
    app.store.change(
        "member",
        record_id,
        "leave",
        partial(workflows.leave, reason=reason, on=when, kind=left_kind),
        on=when,
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
    """Close a resolved petition (结案), with the driver's satisfaction if known. The
    follow-up call itself is `petition callback`.

    \b
    Example:
      driverparty petition close P-0007 --satisfaction 5 --note 司机表示满意
    """
    _move(app, record_id, "close", on, satisfaction=satisfaction, note=note)


@click.command()
@record_id
@click.option("--to", "to", type=DATE, required=True, help="The new due date.")
@click.option("--note", required=True, help="Why more time is needed.")
@on_option
@pass_app
def extend(app: App, record_id: str, to: date, note: str, on: date | None) -> None:
    """Extend an open petition's time limit (延期), once, before it runs out: sets
    extended_on and the new due; on-time figures then measure it against the new due.

    \b
    Example:
      driverparty petition extend P-0028 --to 2026-07-15 --note 需等待司法鉴定结果
    """
    _move(app, record_id, "extend", on, to=to, note=_note_required(note, "extend"))


@click.command()
@record_id
@click.option(
    "--result",
    type=click.Choice(codes_of("petition", "callback")),
    required=True,
    help=words_of("petition", "callback") + ".",
)
@click.option("--note", help="What the driver said.")
@on_option
@pass_app
def callback(app: App, record_id: str, result: str, note: str | None, on: date | None) -> None:
    """Record the follow-up call or visit (回访) of a resolved or closed petition: callback_on
    and callback. A later call (say, after one that found nobody) replaces the result; the
    events keep each.

    \b
    Example:
      driverparty petition callback P-0019 --result satisfied --note 司机表示满意
    """
    _move(app, record_id, "callback", on, result=result, note=note.strip() if note else None)


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
    N_("What was done: becomes the resolution."),
    N_("""Record that an assigned petition was resolved (办结).

    \b
    Example:
      driverparty petition resolve P-0007 --note 已协调维修点延长营业时间
    """),
)
reopen = _note_move(
    "reopen",
    N_("Why it is reopened."),
    N_("""Take a resolved or closed petition back to assigned; its resolution, dates and
    satisfaction are cleared (the events and the history keep them).

    \b
    Example:
      driverparty petition reopen P-0007 --note 回访发现问题未解决
    """),
)
reject = _note_move(
    "reject",
    N_("Why it is rejected."),
    N_("""End an open petition as rejected (不予受理).

    \b
    Example:
      driverparty petition reject P-0007 --note 不属于受理范围
    """),
)
withdraw = _note_move(
    "withdraw",
    N_("Why it is withdrawn."),
    N_("""End an open petition as withdrawn by the driver (撤回).

    \b
    Example:
      driverparty petition withdraw P-0007 --note 司机已自行解决
    """),
)


# --- activities --------------------------------------------------------------------------------


def _complete_members(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    from driverparty.cli.records import complete_ids

    result: list[Any] = complete_ids("member")(ctx, param, incomplete)
    return result


@click.command()
@record_id
@click.option(
    "--member",
    "members",
    multiple=True,
    required=True,
    metavar="ID",
    shell_complete=_complete_members,
    help="A member who took part; repeat or comma-separate.",
)
@pass_app
def attend(app: App, record_id: str, members: tuple[str, ...]) -> None:
    """Add members who took part in an activity, all in one commit. Each must be on the
    roster; one listed already is refused (nothing is added).

    \b
    Example:
      driverparty activity attend A-0012 --member M-0003,M-0004 --member M-0011
    """
    from driverparty import workflows

    given = [m.strip() for value in members for m in value.split(",") if m.strip()]
    app.store.change("activity", record_id, "attend", partial(workflows.attend, members=given))
