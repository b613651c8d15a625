"""The package layout's rules, read from the source: no import cycle (late imports included) and
no view module importing another package's views."""

import ast
from pathlib import Path

import pytest

KIOSK = Path(__file__).resolve().parent.parent / "kiosk"


def module_name(path):
    parts = path.relative_to(KIOSK.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(KIOSK.rglob("*.py"))}


def imported_modules(name):
    """Every kiosk module that `name` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(MODULES[name].read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "kiosk":
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in MODULES}
    found.discard(name)
    return found


IMPORTS = {name: imported_modules(name) for name in MODULES}


def is_views(name):
    """A module that makes a blueprint holds views."""
    return "Blueprint(" in MODULES[name].read_text()


def package(name):
    return name.split(".")[1] if name.count(".") >= 2 else None


def cycle_from(start):
    """One import path that leads from `start` back to itself, or None."""
    stack, seen = [(start, [start])], set()
    while stack:
        name, path = stack.pop()
        for target in sorted(IMPORTS[name]):
            if target == start:
                return path + [start]
            if target not in seen:
                seen.add(target)
                stack.append((target, path + [target]))
    return None


def test_the_layout_is_read_from_the_packages():
    assert {"kiosk.checkin.views", "kiosk.staff.views", "kiosk.offers.views",
            "kiosk.activities.views", "kiosk.checkin.counting", "kiosk.staff.reports"} <= set(MODULES)
    assert "kiosk.checkin.counting" in IMPORTS["kiosk.checkin.views"]
    assert is_views("kiosk.offers.views") and not is_views("kiosk.checkin.counting")


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_imports_itself_back(name):
    assert cycle_from(name) is None


@pytest.mark.parametrize("name", sorted(name for name in MODULES if is_views(name)))
def test_views_import_no_other_package_views(name):
    strangers = {target for target in IMPORTS[name]
                 if is_views(target) and package(target) != package(name)}
    assert not strangers
