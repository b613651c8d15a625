"""puzzles/ is a pure library: no module may pull in the web app, Flask or the database."""

import ast
import json
import subprocess
import sys
from pathlib import Path

PUZZLES_DIR = Path(__file__).resolve().parent.parent / "puzzles"
FORBIDDEN = {"flask", "flask_wtf", "flask_babel", "peewee", "playhouse", "kiosk", "werkzeug"}


def imported_packages(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module.split(".")[0]


def test_no_module_imports_the_web_stack():
    sources = sorted(PUZZLES_DIR.rglob("*.py"))
    assert len(sources) >= 5
    for path in sources:
        bad = set(imported_packages(path)) & FORBIDDEN
        assert not bad, f"{path.name} imports {bad}"


def test_importing_every_module_loads_no_web_stack():
    """Catches indirect imports too (a helper that imports Flask), in a fresh interpreter."""
    script = (
        "import importlib, json, pkgutil, sys, puzzles\n"
        "for info in pkgutil.walk_packages(puzzles.__path__, 'puzzles.'):\n"
        "    importlib.import_module(info.name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=PUZZLES_DIR.parent, check=True)
    loaded = {name.split(".")[0] for name in json.loads(run.stdout)}
    assert "puzzles" in loaded
    assert not loaded & FORBIDDEN
