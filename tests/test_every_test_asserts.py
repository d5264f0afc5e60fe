"""No test asserts nothing (issue 25): a test that can fail only by an uncaught exception
notices no broken rule. Every ``test_`` function of the suite holds an ``assert``, a
``pytest.raises``/``fail``/``warns``, or calls a helper of the suite that does (``invoke`` of
the fuzz tests, ``unchanged`` …), followed through the helpers' own calls."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
CHECKING_CALLS = {"raises", "fail", "warns"}


def _called(node: ast.AST) -> set[str]:
    names = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Call):
            if isinstance(n.func, ast.Name):
                names.add(n.func.id)
            elif isinstance(n.func, ast.Attribute):
                names.add(n.func.attr)
    return names


def _checks_directly(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Assert) for n in ast.walk(node)) or bool(
        _called(node) & CHECKING_CALLS
    )


def silent_tests(folder: Path) -> list[str]:
    functions: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
    tests = []
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                functions.setdefault(node.name, []).append(node)
                if node.name.startswith("test_"):
                    tests.append((f"{path.relative_to(folder)}:{node.lineno} {node.name}", node))
    checking: set[str] = set()  # helpers that check, found by widening from the direct ones
    direct = {name for name, nodes in functions.items() if any(map(_checks_directly, nodes))}
    checking |= direct
    changed = True
    while changed:
        changed = False
        for name, nodes in functions.items():
            if name not in checking and any(_called(n) & checking for n in nodes):
                checking.add(name)
                changed = True
    return [
        where
        for where, node in tests
        if not _checks_directly(node) and not (_called(node) & checking)
    ]


def test_every_test_asserts_something() -> None:
    assert silent_tests(TESTS) == []


def test_the_scan_finds_a_test_that_asserts_nothing(tmp_path: Path) -> None:
    (tmp_path / "test_x.py").write_text(
        "import pytest\n"
        "def check(x):\n    assert x\n"
        "def helper(x):\n    check(x)\n"
        "def test_silent():\n    print(1)\n"
        "def test_loud():\n    assert 1\n"
        "def test_raises():\n    with pytest.raises(ValueError):\n        int('x')\n"
        "def test_through_helpers():\n    helper(1)\n"
        "def test_nested():\n    def run():\n        print(2)\n    run()\n",
        encoding="utf-8",
    )
    assert silent_tests(tmp_path) == [
        "test_x.py:6 test_silent",
        "test_x.py:15 test_nested",
    ]
