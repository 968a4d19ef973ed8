"""The house stays one-way: rooms import only rooms below them, and so do their foreign keys.

The layer order is written once, in ``pyproject.toml`` (``[tool.importlinter]``, ADR 0006); import-linter
checks the imports (also in ``.ci/run``), and the foreign-key test below checks what imports cannot see:
relations written as strings ("intake.ExtractFile") that would tie a lower room's table to a higher one.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]


def _layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["id"] == "layers"]
    return list(reversed(contract["layers"]))  # bottom first


def test_rooms_keep_the_import_contract():
    from importlinter.cli import EXIT_STATUS_SUCCESS, lint_imports

    assert (
        lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_logo=True, no_cache=True) == EXIT_STATUS_SUCCESS
    )


def test_foreign_keys_point_only_down_the_layers():
    rank = {room: i for i, room in enumerate(_layers())}
    upward = []
    for model in apps.get_models():
        room = model._meta.app_label
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete and field.related_model is not None):
                continue
            if field.related_model._meta.label == settings.AUTH_USER_MODEL:
                continue  # the swappable user model is Django's, named in settings, not a room's import
            target = field.related_model._meta.app_label
            if room in rank and target in rank and rank[target] > rank[room]:
                upward.append(f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}")
    assert upward == []


def test_every_room_is_in_the_layers():
    rooms = {c.name.split(".")[1] for c in apps.get_app_configs() if c.name.startswith("tide.")}
    assert rooms - {"testing"} <= set(_layers())


VIEW_MAX_LINES = 60  # a view checks access, binds a form, calls one service or selector, renders (issue 19)


def _view_modules() -> list[Path]:
    tide = ROOT / "tide"
    return [
        p
        for p in sorted(tide.rglob("*.py"))
        if "tests" not in p.parts and "migrations" not in p.parts and (p.name == "views.py" or "views" in p.parts)
    ]


def _long_views() -> list[str]:
    import ast

    long = []
    for path in _view_modules():
        for node in ast.parse(path.read_text(), str(path)).body:
            nodes = [node] + (
                [n for n in node.body if isinstance(n, ast.FunctionDef)] if isinstance(node, ast.ClassDef) else []
            )
            for func in nodes:
                if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                    lines = (func.end_lineno or func.lineno) - func.lineno + 1
                    if lines > VIEW_MAX_LINES:
                        long.append(f"{path.relative_to(ROOT)}:{func.lineno} {func.name} ({lines} lines)")
    return long


def test_view_functions_stay_short():
    assert len(_view_modules()) >= 10  # the check really sees the views
    assert not _long_views(), "views over 60 lines; move reads to selectors, exports to exports.py:\n" + "\n".join(
        _long_views()
    )
