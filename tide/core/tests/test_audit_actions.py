"""Every action written to the audit log is one of the constants a room declares (issue 19)."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

from tide.core.audit_actions import action_declared, declared_actions

TIDE = Path(__file__).resolve().parents[2]


def _sources() -> list[Path]:
    return [p for p in sorted(TIDE.rglob("*.py")) if "tests" not in p.parts and "migrations" not in p.parts]


def _declared_imports(tree: ast.Module) -> set[str]:
    """Names this module imports from some room's ``audit_actions``."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith(".audit_actions"):
            names |= {alias.asname or alias.name for alias in node.names}
    return names


def _action_ok(expr: ast.expr, allowed: set[str]) -> bool:
    if isinstance(expr, ast.IfExp):
        return _action_ok(expr.body, allowed) and _action_ok(expr.orelse, allowed)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
        return _action_ok(expr.func.value, allowed)
    if isinstance(expr, ast.Subscript):  # a declared mapping of constants, e.g. by status
        return _action_ok(expr.value, allowed)
    if isinstance(expr, ast.Name):
        return expr.id in allowed or expr.id == "action"  # a local already built from constants
    return False


def _audit_calls() -> list[tuple[Path, int, ast.expr, set[str], ast.AST]]:
    calls = []
    for path in _sources():
        tree = ast.parse(path.read_text(), str(path))
        allowed = _declared_imports(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) == "audit_record"
            ):
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        calls.append((path, node.lineno, keyword.value, allowed, tree))
    return calls


def _local_action_ok(tree: ast.AST, lineno: int, allowed: set[str]) -> bool:
    """A call passing ``action=action`` must have built ``action`` from constants in the same function."""
    for func in ast.walk(tree):
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef) and func.lineno <= lineno <= (func.end_lineno or 0):
            assigns = [
                n.value
                for n in ast.walk(func)
                if isinstance(n, ast.Assign) and any(getattr(t, "id", None) == "action" for t in n.targets)
            ]
            if assigns:
                return all(_action_ok(value, allowed) for value in assigns)
    return False


def test_every_audit_record_call_names_a_declared_constant():
    calls = _audit_calls()
    assert len(calls) > 70  # the check really sees the services
    bad = []
    for path, lineno, expr, allowed, tree in calls:
        ok = _action_ok(expr, allowed)
        if ok and isinstance(expr, ast.Name) and expr.id == "action" and "action" not in allowed:
            ok = _local_action_ok(tree, lineno, allowed)
        if not ok:
            bad.append(f"{path.relative_to(TIDE.parent)}:{lineno}: {ast.unparse(expr)}")
    assert not bad, "audit actions must be constants from a room's audit_actions.py:\n" + "\n".join(bad)


def test_declared_actions_are_unique_and_well_formed():
    declared = declared_actions()
    assert len(declared) > 70
    counts = Counter(declared.values())
    assert not [value for value, n in counts.items() if n > 1], "one action, one constant, one room"
    for value in declared.values():
        assert value.count(".") in (1, 2), value
        assert value == value.lower(), value


@pytest.mark.parametrize(
    ("action", "declared"),
    [("person.created", True), ("admin.definition.changed", True), ("person.made_up", False), ("test.step1", False)],
)
def test_action_declared(action, declared):
    assert action_declared(action) is declared


def test_actions_written_by_a_service_are_declared(db, coordinator):
    from tide.areas.services import agency_create
    from tide.core.models import AuditEvent

    before = AuditEvent.objects.count()
    agency_create(
        area=coordinator.agency.area, code="test-agency", name="Test agency", sector="police", actor=coordinator
    )
    written = list(AuditEvent.objects.order_by("id")[before:].values_list("action", flat=True))
    assert written
    assert all(action_declared(a) for a in written), written
