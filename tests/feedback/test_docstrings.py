"""Every public function of the feedback services and of the reporting package says what it
does, and names each error it raises (``:raises ValidationFailed: when …``): raised by its
own body or by a function of the same module that it calls."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import trainhub

FEEDBACK = Path(trainhub.__file__).parent / "feedback"
MODULES = sorted([*(FEEDBACK / "services").glob("*.py"), *(FEEDBACK / "reporting").glob("*.py")])


def _raised(node: ast.AST) -> set[str]:
    names = set()
    for raise_ in ast.walk(node):
        if isinstance(raise_, ast.Raise) and raise_.exc is not None:
            error = raise_.exc.func if isinstance(raise_.exc, ast.Call) else raise_.exc
            if isinstance(error, ast.Name):
                names.add(error.id)
            elif isinstance(error, ast.Attribute):
                names.add(error.attr)
    return names


def _problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = {
        node.name: node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    raises = {name: _raised(node) for name, node in functions.items()}
    calls = {
        name: {
            call.func.id
            for call in ast.walk(node)
            if isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id in functions
        }
        for name, node in functions.items()
    }
    changed = True
    while changed:  # what a helper of the module raises, its callers raise too
        changed = False
        for name, callees in calls.items():
            for callee in callees:
                if not raises[callee] <= raises[name]:
                    raises[name] |= raises[callee]
                    changed = True
    problems = []
    for name, node in functions.items():
        if name.startswith("_"):
            continue
        doc = ast.get_docstring(node) or ""
        if not doc:
            problems.append(f"{name}: no docstring")
        problems += [
            f"{name}: raises {error} but its docstring has no ':raises {error}:'"
            for error in sorted(raises[name])
            if f":raises {error}:" not in doc
        ]
    return problems


@pytest.mark.parametrize("path", MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_public_functions_say_what_they_raise(path: Path) -> None:
    assert _problems(path) == []


def test_the_check_finds_an_unnamed_error(tmp_path: Path) -> None:
    module = tmp_path / "example.py"
    module.write_text(
        "def _check(x):\n"
        "    if x:\n"
        "        raise PermissionDenied('no')\n"
        "\n"
        "def public(x):\n"
        '    """Does something.\n'
        "\n"
        "    :raises ValidationFailed: when x is odd.\n"
        '    """\n'
        "    _check(x)\n"
        "    raise ValidationFailed('x', 'odd')\n"
        "\n"
        "def bare():\n"
        "    return 1\n",
        encoding="utf-8",
    )

    assert _problems(module) == [
        "public: raises PermissionDenied but its docstring has no ':raises PermissionDenied:'",
        "bare: no docstring",
    ]
