"""Every action an area records in the audit log has a name on the audit log page."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask import Flask

from trainhub import audit

SOURCE = Path(__file__).resolve().parent.parent / "trainhub"


def recorded_actions() -> set[str]:
    """The literal actions passed to ``audit.record(actor, action, detail)`` in trainhub."""
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            func = node.func
            if not (
                isinstance(func, ast.Attribute)
                and func.attr == "record"
                and isinstance(func.value, ast.Name)
                and func.value.id == "audit"
            ):
                continue
            action = node.args[1]
            if isinstance(action, ast.Constant) and isinstance(action.value, str):
                found.add(action.value)
    return found


@pytest.mark.once
def test_every_recorded_action_is_named_for_the_audit_log(app: Flask) -> None:
    actions = recorded_actions()
    assert "report.named_export" in actions  # the scan finds what it should
    unnamed = sorted(action for action in actions if audit.label(action) is None)
    assert unnamed == [], "name them with audit.describe() where the area records them"
