"""Rows written to the database by viewing the start screen: 10,000 ``GET /``, before and after.

Before this change every home view stored a check-in ticket; now the ticket is signed and stored
nowhere. The baseline is the same measurement, in the same run, on the code of an earlier commit
(taken with ``git archive``, so this checkout is not touched). Goal: 0 rows, 0 bytes.

    .venv/bin/python bench/bench_home_writes.py [--views 10000] [--before ee1dfff]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "ee1dfff"  # the last commit whose start screen stored a ticket per view


def measure(views):
    """In a child process whose sys.path starts with the tree to measure: rows and bytes added."""
    from kiosk import create_app
    from kiosk.db import database
    from kiosk.migrations import create_tables
    from kiosk.models import MODELS

    folder = tempfile.mkdtemp(prefix="bench-home-")
    path = os.path.join(folder, "bench.sqlite3")
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{path}", "AUTO_BACKUP": False},
                     instance_path=folder)

    def stored():
        with app.app_context():
            rows = sum(model.select().count() for model in MODELS)
            database.close()
        size = sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
        return rows, size

    with app.app_context():
        create_tables()
    client = app.test_client()
    client.get("/")  # the session cookie, as a tablet has it
    rows, size = stored()
    started = time.perf_counter()
    for _ in range(views):
        assert client.get("/").status_code == 200
    seconds = time.perf_counter() - started
    rows_after, size_after = stored()
    return {"rows": rows_after - rows, "bytes": size_after - size, "ms_per_view": 1000 * seconds / views}


def run_on(tree, views):
    code = f"import json, sys; sys.path.insert(0, {str(tree)!r}); sys.path.insert(1, {str(ROOT / 'bench')!r}); " \
           f"import bench_home_writes as b; print(json.dumps(b.measure({views})))"
    out = subprocess.run([sys.executable, "-c", code], cwd=tree, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", type=int, default=10_000)
    parser.add_argument("--before", default=BEFORE, help="the commit to compare with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as old:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.before], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", old], input=archive.stdout, check=True)
        before = run_on(Path(old), args.views)
    after = run_on(ROOT, args.views)
    print(f"{args.views} GET / on SQLite (test client)")
    print(f"{'':8} {'rows added':>10} {'bytes grown':>12} {'ms/view':>8}")
    for name, result in (("before", before), ("after", after)):
        print(f"{name:8} {result['rows']:>10} {result['bytes']:>12} {result['ms_per_view']:>8.2f}")
    if after["rows"] or after["bytes"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
