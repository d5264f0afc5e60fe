"""The Chinese catalogue (issue 23): ``make catalog`` = extract, merge, compile.

    python scripts/catalog.py           # update driverparty.po from the code, compile the .mo
    python scripts/catalog.py --check   # exit 1 when the .po misses a message or the .mo is stale

Messages are taken from the source as it is (the standard library's ``ast``; no Babel):

- ``_("…")``, ``N_("…")`` and ``ngettext("…", "…", n)`` in ``driverparty/``;
- the docstrings of click commands (``@click.command`` …, the help of a command), as click
  shows them (``inspect.cleandoc``), and string literals given as ``help=`` in ``cli/``;
- click's own ``_("…")`` and ``ngettext`` (``Usage:``, ``Options``, ``No such option: {name}``).

A message already translated keeps its translation; a new one is added with an empty
``msgstr`` (``tests/test_i18n.py`` fails until it is filled); one no longer in the code is
dropped. The ``.mo`` is written by the GNU format's rules (what ``msgfmt`` does), so the
standard library's :mod:`gettext` reads it.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

from driverparty.cli.lang import CLICK_MODULES  # the modules lang.py points at the catalogue

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "driverparty"
PO = PACKAGE / "locale" / "zh_CN" / "LC_MESSAGES" / "driverparty.po"
MO = PO.with_suffix(".mo")
HEADER = (
    "Project-Id-Version: driverparty\n"
    "Language: zh_CN\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=UTF-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "Plural-Forms: nplurals=1; plural=0;\n"
)


@dataclass
class Message:
    msgid: str
    plural: str | None = None
    places: list[str] = field(default_factory=list)
    msgstr: str = ""


# --- extraction --------------------------------------------------------------------------------


def _literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _is_command_decorator(node: ast.expr) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    text = ast.unparse(target)
    return text.endswith(("command", "group"))


def messages_in(path: Path, where: str, helps: bool) -> list[Message]:
    """The messages of one source file; ``helps``: also docstrings and ``help=`` literals."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[Message] = []
    for node in ast.walk(tree):
        line = f"{where}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else None
            if name == "_" and node.args and (text := _literal(node.args[0])):
                found.append(Message(text, places=[line]))
            elif name == "N_" and node.args and (text := _literal(node.args[0])):
                found.append(Message(inspect.cleandoc(text), places=[line]))
            elif name == "ngettext" and len(node.args) >= 2:
                one, many = _literal(node.args[0]), _literal(node.args[1])
                if one and many:
                    found.append(Message(one, many, [line]))
            if helps:
                for kw in node.keywords:
                    if kw.arg == "help" and (text := _literal(kw.value)):
                        found.append(Message(inspect.cleandoc(text), places=[line]))
        if helps and isinstance(node, ast.FunctionDef):
            doc = ast.get_docstring(node, clean=False)
            if doc and any(_is_command_decorator(d) for d in node.decorator_list):
                found.append(Message(inspect.cleandoc(doc), places=[line]))
    return found


def schema_messages() -> list[Message]:
    """The kinds' help texts of ``schema.json`` (the models' registrations): ``--help``."""
    import json

    kinds = json.loads((PACKAGE / "schema.json").read_text(encoding="utf-8"))
    out = []
    for name, kind in kinds.items():
        for key in ("title", "help", "inactive"):
            if kind.get(key):
                out.append(Message(kind[key], places=[f"driverparty/schema.json:{name}.{key}"]))
    return out


def click_dir() -> Path:
    import click

    return Path(click.__file__).resolve().parent


def extract() -> dict[str, Message]:
    """Every message of the code and of click, in order of first appearance."""
    out: dict[str, Message] = {}
    sources = [
        (p, f"{p.relative_to(ROOT).as_posix()}", True) for p in sorted(PACKAGE.rglob("*.py"))
    ]
    sources += [(click_dir() / f"{m}.py", f"click/{m}.py", False) for m in CLICK_MODULES]
    found = [m for path, where, helps in sources for m in messages_in(path, where, helps)]
    for msg in [*found, *schema_messages()]:
        if msg.msgid in out:
            out[msg.msgid].places.extend(msg.places)
        else:
            out[msg.msgid] = msg
    return out


# --- the .po file ------------------------------------------------------------------------------

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_UNESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "b": "\b", "f": "\f", "r": "\r"}


def _quote(text: str) -> str:
    body = "".join(_ESCAPES.get(c, c) for c in text)
    return f'"{body}"'


def _po_string(keyword: str, text: str) -> str:
    if "\n" not in text.rstrip("\n"):
        return f"{keyword} {_quote(text)}\n"
    parts = text.splitlines(keepends=True)
    return f'{keyword} ""\n' + "".join(f"{_quote(p)}\n" for p in parts)


def _unquote(token: str) -> str:
    assert token.startswith('"') and token.endswith('"'), token
    body, out, i = token[1:-1], [], 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            out.append(_UNESCAPES[body[i + 1]])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def read_po(path: Path = PO) -> dict[str, Message]:
    """The messages of a .po file (the header entry left out)."""
    out: dict[str, Message] = {}
    if not path.exists():
        return out
    current: dict[str, str] = {}
    key = ""

    def flush() -> None:
        if "msgid" in current and current["msgid"]:
            msgstr = current.get("msgstr", current.get("msgstr[0]", ""))
            out[current["msgid"]] = Message(
                current["msgid"], current.get("msgid_plural"), msgstr=msgstr
            )

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            if line == "" and current:
                flush()
                current = {}
            continue
        if line.startswith('"'):
            current[key] += _unquote(line)
            continue
        key, _, rest = line.partition(" ")
        if key == "msgid" and "msgid" in current:
            flush()
            current = {}
        current[key] = _unquote(rest)
    flush()
    return out


def write_po(messages: dict[str, Message], path: Path = PO) -> None:
    chunks = ['msgid ""\n' + _po_string("msgstr", HEADER)]
    for msg in messages.values():
        # files only, no line numbers: a line moved elsewhere in the code changes no .po line
        files = sorted({p.rsplit(":", 1)[0] for p in msg.places})
        entry = "".join(f"#: {f}\n" for f in files[:3])
        entry += _po_string("msgid", msg.msgid)
        if msg.plural is not None:
            entry += _po_string("msgid_plural", msg.plural)
            entry += _po_string("msgstr[0]", msg.msgstr)
        else:
            entry += _po_string("msgstr", msg.msgstr)
        chunks.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(chunks), encoding="utf-8", newline="\n")


def merge(code: dict[str, Message], po: dict[str, Message]) -> dict[str, Message]:
    """The code's messages, each with its translation from the .po where it has one."""
    for msgid, msg in code.items():
        if msgid in po:
            msg.msgstr = po[msgid].msgstr
    return code


# --- the .mo file ------------------------------------------------------------------------------


def compile_mo(messages: dict[str, Message]) -> bytes:
    """The GNU .mo of the translated messages (untranslated ones left out: English shows)."""
    pairs = {"": HEADER}
    for msg in messages.values():
        if not msg.msgstr:
            continue
        key = msg.msgid if msg.plural is None else f"{msg.msgid}\0{msg.plural}"
        pairs[key] = msg.msgstr
    keys = sorted(pairs, key=lambda k: k.encode("utf-8"))
    ids = [k.encode("utf-8") for k in keys]
    strs = [pairs[k].encode("utf-8") for k in keys]
    n = len(keys)
    start = 7 * 4 + 16 * n
    ids_blob = b"".join(i + b"\0" for i in ids)
    strs_blob = b"".join(s + b"\0" for s in strs)
    table, offset = [], start
    for i in ids:
        table += [len(i), offset]
        offset += len(i) + 1
    for s in strs:
        table += [len(s), offset]
        offset += len(s) + 1
    header = struct.pack("<7I", 0x950412DE, 0, n, 7 * 4, 7 * 4 + 8 * n, 0, 0)
    return header + struct.pack(f"<{4 * n}I", *table) + ids_blob + strs_blob


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    opts = parser.parse_args()
    po = read_po()
    merged = merge(extract(), dict(po))
    mo = compile_mo(merged)
    if opts.check:
        stale = set(merged) != set(po) or not MO.exists() or MO.read_bytes() != compile_mo(po)
        if stale:
            print("the catalogue is stale: run `make catalog`", file=sys.stderr)
        return 1 if stale else 0
    write_po(merged)
    MO.write_bytes(mo)
    missing = [m.msgid for m in merged.values() if not m.msgstr]
    print(f"{PO.relative_to(ROOT)}: {len(merged)} messages, {len(missing)} without translation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
