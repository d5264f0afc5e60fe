"""The command line in the user's language (issue 23): click's own words and our help texts.

- :func:`early_language`: the language, read from the command line before click parses it
  (``--help`` is answered while parsing, before the root command's callback runs).
- :func:`use_language`: speak it — :mod:`driverparty.i18n` for our messages, and click's
  ``Usage:``, ``Options``, ``No such option`` … through the same catalogue (click calls the
  standard library's ``gettext``, bound in each of its modules; we bind ours instead).
- :func:`localize`: a command's help texts, option by option, in the language now spoken. The
  English texts are kept on the command, so the next run in another language starts from them.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Sequence

import click

from driverparty import i18n

#: click's modules that translate with ``_`` / ``ngettext`` from :mod:`gettext`
CLICK_MODULES = (
    "core",
    "decorators",
    "exceptions",
    "formatting",
    "parser",
    "types",
    "termui",
    "utils",
    "shell_completion",
)


def early_language(args: Sequence[str]) -> str:
    """``--lang`` of the root command (before the first subcommand), else
    ``$DRIVERPARTY_LANG``, else the system's language; ``en`` for anything not understood
    (the root command says what is wrong with it)."""
    given: str | None = None
    tokens = list(args)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token == "--lang" and i + 1 < len(tokens):
            given = tokens[i + 1]
            i += 2
            continue
        if token.startswith("--lang="):
            given = token.partition("=")[2]
        elif token in ("--repo", "--author"):
            i += 1
        elif not token.startswith("-"):
            break
        i += 1
    lang = given or os.environ.get("DRIVERPARTY_LANG")
    if lang:
        return lang if lang in i18n.CATALOGUES else "en"
    from driverparty.portable import system_language

    return system_language()


def use_language(lang: str) -> None:
    """Speak ``lang`` from now on: our messages, help texts and click's own words."""
    i18n.set_language(lang)
    import importlib

    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = i18n._  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = i18n.ngettext  # type: ignore[attr-defined]


def localize(command: click.Command) -> click.Command:
    """``command``'s help, short help, epilog and options' help in the language now spoken
    (its subcommands too, for a group that holds them)."""
    english = command.__dict__.setdefault(
        "_dp_english", (command.help, command.short_help, command.epilog)
    )
    command.help, command.short_help, command.epilog = (_text(t) for t in english)
    command._help_option = None  # click keeps its --help option, help text and all: made anew
    for param in command.params:
        if isinstance(param, click.Option):
            param.help = _text(param.__dict__.setdefault("_dp_english", param.help))
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            localize(sub)
    return command


def _text(text: str | None) -> str | None:
    if not text or i18n.language() == "en":
        return text
    return i18n._(inspect.cleandoc(text))


def short_help(command: click.Command, limit: int) -> str:
    """The one line a group's listing shows for ``command``. click cuts English at a word
    before ``limit``; Chinese has no spaces between words, so it is cut after its first
    sentence (``。``, ``：`` or ``；``) instead."""
    if i18n.language() == "en" or command.short_help or not command.help:
        return command.get_short_help_str(limit)
    first = inspect.cleandoc(command.help).split("\n\n")[0].replace("\n", "")
    depth = 0
    for i, char in enumerate(first):
        depth += {"（": 1, "）": -1}.get(char, 0)
        if char in "。：；" and depth == 0 and i < limit:
            return first[: i + 1] if char == "。" else first[:i] + "。"
    return first if len(first) <= limit else first[: limit - 1] + "…"
