"""``driverparty <kind> SUBCOMMAND``: the record commands, one group per kind of the registry.

Each kind's group, its help, examples and options are built from ``schema.KINDS`` (the models'
registrations, without pydantic); ``add`` and ``update`` take one option per model field.
Subcommands are built on first use, so ``member get`` imports no pydantic.
"""

from __future__ import annotations

from typing import Any

import click

from driverparty.cli.app import App, emit_text, format_options, pass_app, render
from driverparty.cli.main import LazyGroup
from driverparty.errors import Problem
from driverparty.i18n import N_, _, language

_R = "driverparty.cli.records"
#: subcommand → (module, factory or command, one-line help, kinds it belongs to or None for all).
#: A factory is called with the kind's name and returns the click command.
SUBCOMMANDS: dict[str, tuple[str, str, str, frozenset[str] | None]] = {
    "add": (_R, "make_add", N_("Add a record; prints its id."), None),
    "get": (_R, "make_get", N_("Show one record."), None),
    "list": (_R, "make_list", N_("List records."), None),
    "update": (_R, "make_update", N_("Change fields of a record."), None),
    "remove": (_R, "make_remove", N_("Remove a record."), None),
    "history": (
        "driverparty.cli.history",
        "make_history",
        N_("The record's life, from git."),
        None,
    ),
    "promote": (
        "driverparty.cli.workflows",
        "promote",
        N_("Move forward in the pipeline."),
        frozenset({"member"}),
    ),
    "verify": (
        "driverparty.cli.workflows",
        "verify",
        N_("Record a verification."),
        frozenset({"member"}),
    ),
    "transfer": (
        "driverparty.cli.workflows",
        "transfer",
        N_("Move to another branch."),
        frozenset({"member"}),
    ),
    "leave": (
        "driverparty.cli.workflows",
        "leave",
        N_("Record that a member left."),
        frozenset({"member"}),
    ),
    "extend-probation": (
        "driverparty.cli.workflows",
        "extend_probation",
        N_("Extend probation once (延长预备期)."),
        frozenset({"member"}),
    ),
    "cancel-probation": (
        "driverparty.cli.workflows",
        "cancel_probation",
        N_("Cancel probation (取消预备党员资格)."),
        frozenset({"member"}),
    ),
    "assign": (
        "driverparty.cli.workflows",
        "assign",
        N_("Transfer to a handler (转办)."),
        frozenset({"petition"}),
    ),
    "resolve": (
        "driverparty.cli.workflows",
        "resolve",
        N_("Record the resolution (办结)."),
        frozenset({"petition"}),
    ),
    "close": (
        "driverparty.cli.workflows",
        "close",
        N_("Close a resolved petition (结案)."),
        frozenset({"petition"}),
    ),
    "extend": (
        "driverparty.cli.workflows",
        "extend",
        N_("Extend the time limit once (延期)."),
        frozenset({"petition"}),
    ),
    "callback": (
        "driverparty.cli.workflows",
        "callback",
        N_("Record the follow-up call (回访)."),
        frozenset({"petition"}),
    ),
    "reopen": (
        "driverparty.cli.workflows",
        "reopen",
        N_("Take back to assigned."),
        frozenset({"petition"}),
    ),
    "reject": (
        "driverparty.cli.workflows",
        "reject",
        N_("End as rejected."),
        frozenset({"petition"}),
    ),
    "withdraw": (
        "driverparty.cli.workflows",
        "withdraw",
        N_("End as withdrawn."),
        frozenset({"petition"}),
    ),
    "attend": (
        "driverparty.cli.workflows",
        "attend",
        N_("Add members who took part."),
        frozenset({"activity"}),
    ),
}


class KindGroup(LazyGroup):
    def __init__(self, kind: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.kind = kind
        self.lazy = {
            n: (m, a, h)
            for n, (m, a, h, kinds) in SUBCOMMANDS.items()
            if kinds is None or kind in kinds
        }

    def build(self, name: str, target: Any) -> click.Command:
        """A shared command, or one a factory makes for this kind (``make_list`` …), kept."""
        command = target if isinstance(target, click.Command) else target(self.kind)
        self.commands[name] = command
        return command


def kind_group(kind: str) -> click.Group:
    """The group of one record kind (``driverparty member …``), from its registration."""
    from driverparty.schema import KINDS

    return KindGroup(kind, name=kind, help=KINDS[kind].help)


def word(kind: str, plural: bool = False) -> str:
    """The kind as a help text names it: ``member``, ``members``; in Chinese ``成员``."""
    from driverparty.schema import KINDS

    if language() == "zh":
        return KINDS[kind].zh
    return KINDS[kind].plural if plural else kind


# --- options from the model ------------------------------------------------------------------


class CodeType(click.ParamType[str]):
    """An enumerated field: completes its codes; the model checks the value (exit 1)."""

    name = "code"

    def __init__(self, choices: tuple[str, ...]) -> None:
        self.choices = choices

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[" + "|".join(self.choices) + "]"

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[Any]:
        from click.shell_completion import CompletionItem

        return [CompletionItem(c) for c in self.choices if c.startswith(incomplete)]


def field_options(kind: str) -> list[click.Option]:
    """One option per field of the kind's model (SPEC section 4, ``add``)."""
    from driverparty.schema import KINDS

    options = []
    for f in KINDS[kind].fields.values():
        if f.name in ("id", "events"):
            continue
        ptype: click.ParamType[str] = CodeType(f.choices) if f.choices else click.STRING
        help_text = _("{label}; required").format(label=f.zh) if f.required else f.zh
        if f.type == "bool":
            opt = click.Option(
                [f"{f.option}/--no-{f.option[2:]}", f.name], default=None, help=help_text
            )
        elif f.type == "list":
            opt = click.Option(
                [f.option, *_singular(f.option), f.name],
                type=ptype,
                multiple=True,
                help=_("{help}; repeat or comma-separate").format(help=help_text),
            )
        else:
            metavar = {"date": "YYYY-MM-DD", "int": "N", "float": "NUMBER"}.get(f.type)
            opt = click.Option([f.option, f.name], type=ptype, metavar=metavar, help=help_text)
        options.append(opt)
    return options


def _singular(option: str) -> list[str]:
    """A list field's option in the singular as well, one id or code at a time: SPEC names
    ``activity add --participant ID`` (issue 20), and ``--tag``, ``--amenity`` read the same."""
    if option.endswith("ies"):
        return [option[:-3] + "y"]
    if option.endswith("s") and not option.endswith("ss"):
        return [option[:-1]]
    return []


def collect_fields(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """The field values given as options: lists split on commas, unset options left out."""
    from driverparty.schema import KINDS

    out: dict[str, Any] = {}
    for f in KINDS[kind].fields.values():
        value = params.get(f.name)
        if value is None or value == ():
            continue
        if f.type == "list":
            out[f.name] = [item.strip() for v in value for item in v.split(",") if item.strip()]
        else:
            out[f.name] = value
    return out


def complete_ids(kind: str) -> Any:
    """Shell completion of record ids: the files in the kind's folder."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        import os

        from click.shell_completion import CompletionItem

        from driverparty.schema import KINDS
        from driverparty.store import find_root

        try:
            root = find_root(ctx.find_root().params.get("repo"))
            names = os.listdir(root / KINDS[kind].folder)
        except Exception:  # completion must never fail loudly
            return []
        ids = sorted(n[:-5] for n in names if n.endswith(".toml") and n.startswith(incomplete))
        return [CompletionItem(i) for i in ids]

    return complete


def id_argument(kind: str) -> click.Argument:
    return click.Argument(["record_id"], metavar="ID", shell_complete=complete_ids(kind))


def make_add(kind: str) -> click.Command:
    @pass_app
    def callback(app: App, /, record_id: str | None, source: str | None, **params: Any) -> None:
        from driverparty.bulk import read_record
        from driverparty.workflows import new_record_defaults

        data = read_record(source) if source else {}
        data.update(collect_fields(kind, params))
        if record_id is None and data.get("id") is not None:
            record_id = str(data.pop("id"))
        data.pop("id", None)
        store = app.store
        new_id = store.add(
            kind,
            data,
            record_id,
            prepare=lambda r: new_record_defaults(kind, r, store.config, store.author_name),
        )
        click.echo(new_id)

    from driverparty.schema import KINDS

    example = f"driverparty {kind} add {KINDS[kind].add_example}"
    params: list[click.Parameter] = [
        click.Option(["--id", "record_id"], metavar="ID", help="Use this id (else the next)."),
        click.Option(
            ["--from", "source"],
            metavar="FILE|-",
            help="Read the record from a .toml or .json file, or json on stdin.",
        ),
        *field_options(kind),
    ]
    return click.Command(
        "add",
        callback=callback,
        params=params,
        help=_("Add a {kind}; prints the new id alone on stdout.").format(kind=word(kind))
        + _("\n\n\b\nExample:\n  {example}").format(example=example),
    )


def make_update(kind: str) -> click.Command:
    @pass_app
    def callback(
        app: App, /, record_id: str, source: str | None, unset: tuple[str, ...], **params: Any
    ) -> None:
        from driverparty.bulk import read_record

        data = read_record(source) if source else {}
        data.update(collect_fields(kind, params))
        if not app.store.update(kind, record_id, data, unset):
            click.echo(
                _("{kind} {record_id}: nothing changed, nothing committed").format(
                    kind=kind, record_id=record_id
                ),
                err=True,
            )

    params: list[click.Parameter] = [
        id_argument(kind),
        click.Option(["--unset"], multiple=True, metavar="FIELD", help="Remove a field."),
        click.Option(
            ["--from", "source"],
            metavar="FILE|-",
            help="Read fields from a .toml or .json file, or json on stdin.",
        ),
        *field_options(kind),
    ]
    from driverparty.schema import KINDS

    spec = KINDS[kind]
    return click.Command(
        "update",
        callback=callback,
        params=params,
        help=_("Change fields of a {kind}; one commit, or none when nothing changes.").format(
            kind=word(kind)
        )
        + _("\n\n\b\nExample:\n  {example}").format(
            example=f"driverparty {kind} update {spec.prefix}-0001 {spec.update_example}"
        ),
    )


def make_get(kind: str) -> click.Command:
    @pass_app
    def callback(app: App, record_id: str, fmt: str, reveal: bool) -> None:
        from driverparty.output import record_text

        shown = app.reader.get(kind, record_id)
        app.emit(record_text(shown, fmt, reveal))
        if shown.record is None and not reveal and fmt == "toml":
            shown.problems.append(_NOT_SHOWN)
        app.warn(shown.problems)
        app.finish()

    return click.Command(
        "get",
        callback=callback,
        params=[
            id_argument(kind),
            click.Option(
                ["--format", "fmt"],
                type=click.Choice(["toml", "json"]),
                default="toml",
                show_default=True,
                help="toml: the file as stored; json: one object.",
            ),
            click.Option(["--reveal"], is_flag=True, help="Show phone and ID numbers in full."),
        ],
        help=_(
            "Show one {kind} (personal data masked). An invalid record is shown all the "
            "same, its problems on stderr (exit 1)."
        ).format(kind=word(kind)),
    )


_NOT_SHOWN = Problem(
    "",
    None,
    None,
    _(
        "the record is not shown: a file that is not TOML cannot be masked "
        "(--reveal shows it as stored)"
    ),
)


def make_list(kind: str) -> click.Command:
    @pass_app
    def callback(
        app: App,
        where: tuple[str, ...],
        sort: str | None,
        fields: str | None,
        limit: int | None,
        show_all: bool,
        fmt: str,
        reveal: bool,
    ) -> None:
        from driverparty.query import parse_fields, parse_where
        from driverparty.schema import KINDS

        spec = KINDS[kind]
        conditions = [parse_where(w, spec.fields) for w in where]
        columns = parse_fields(fields, list(spec.fields))
        if fmt == "json" and columns is None and sort is None and not reveal:
            # every field as JSON, in id order: the texts the cache keeps (issue 22)
            from driverparty import output

            texts = app.reader.listing_texts(
                kind, lambda rows: output.json_rows(rows, kind), conditions, limit, show_all
            )
            if texts is not None:
                emit_text(app, output.json_list(texts), fmt)
                app.finish()
                return
        rows, problems = app.reader.listing(kind, conditions, sort, limit, show_all)
        app.warn(problems)
        if columns is None:
            columns = list(spec.table_columns) if fmt == "table" else list(spec.fields)
        render(app, rows, columns, fmt, reveal, kind)
        app.finish()

    from driverparty.schema import KINDS

    spec = KINDS[kind]
    hidden = spec.inactive
    return click.Command(
        "list",
        callback=callback,
        params=[
            click.Option(
                ["--where"],
                multiple=True,
                metavar="EXPR",
                help="FIELD=VALUE, !=, <, <=, >, >= or ~ (contains); repeat for AND. On a "
                "code field = and != take codes or their Chinese words, comma-separated "
                "(any of them): status=received,assigned, stage=正式党员.",
            ),
            click.Option(["--sort"], metavar="FIELD[,FIELD]", help="Sort keys; -FIELD reverses."),
            click.Option(["--fields"], metavar="F,F,...", help="Columns to show."),
            click.Option(["--limit"], type=click.IntRange(min=0), help="At most N records."),
            click.Option(
                ["--all", "show_all"],
                is_flag=True,
                help=_("{hidden} too.").format(hidden=_(hidden))
                if hidden
                else _("(every {kind} is listed anyway)").format(kind=word(kind)),
            ),
            *format_options(),
        ],
        help=_("List {kinds}.").format(kinds=word(kind, plural=True))
        + _("\n\n\b\nExample:\n  {example}").format(
            example=f"driverparty {kind} list --where {spec.where_example} --format csv"
        ),
    )


def make_remove(kind: str) -> click.Command:
    @pass_app
    def callback(app: App, record_id: str, force: bool) -> None:
        app.store.remove(kind, record_id, force)

    return click.Command(
        "remove",
        callback=callback,
        params=[
            id_argument(kind),
            click.Option(
                ["--force"], is_flag=True, help="Remove even while other records refer to it."
            ),
        ],
        help=_(
            "Remove a {kind} in one commit; refused while other records refer to it. "
            "Its id is never given out again."
        ).format(kind=word(kind)),
    )
