"""The core package `nkhr` imports no app: every app registers what it adds (its record
types, their FollowTheMoney mapping, their "Referenced by" lists) in nkhr/registry.py
from its own `records.py`, so an app can be added or removed without editing the core."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

import nkhr

CORE = Path(nkhr.__file__).resolve().parent
ROOT = Path(settings.BASE_DIR).resolve()


def app_packages() -> set[str]:
    """The project's own apps other than the core: every installed app that lives in this
    checkout (a library lives in site-packages)."""
    return {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(ROOT)
        and not Path(config.path).resolve().is_relative_to(CORE)
        # A virtualenv inside the checkout (.venv) holds libraries, not apps.
        and "site-packages" not in Path(config.path).parts
    }


def core_modules() -> list[Path]:
    return sorted(
        path for path in CORE.rglob("*.py") if "migrations" not in path.relative_to(CORE).parts
    )


def imported_names(tree: ast.AST):
    """(line, dotted name) of every module `tree` imports, statically or by a constant
    passed to `import_module()` / `import_string()`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif isinstance(node, ast.Call):
            function = node.func
            name = getattr(function, "attr", None) or getattr(function, "id", None)
            if (
                name in ("import_module", "import_string")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                yield node.lineno, node.args[0].value


def test_the_apps_are_known():
    assert {"mechanisms", "sanctions", "grants"} <= app_packages()
    assert "nkhr" not in app_packages()


def test_no_core_module_imports_an_app():
    forbidden = app_packages()
    found = []
    for path in core_modules():
        tree = ast.parse(path.read_text(), filename=str(path))
        for line, name in imported_names(tree):
            if name.split(".")[0] in forbidden:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert not found, "the core imports an app:\n" + "\n".join(found)


def test_the_walk_sees_the_core():
    names = {str(path.relative_to(ROOT)) for path in core_modules()}
    assert {"nkhr/registry.py", "nkhr/api/urls.py", "nkhr/ftm.py"} <= names
    assert not any("/migrations/" in name for name in names)
