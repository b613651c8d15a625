"""``/health`` for monitoring and for the tablet's script: can the kiosk count a check-in now?

503 when the database is unreachable, cannot be written to, or the disk of the instance folder is
nearly full: then a check-in would fail, so the tablet shows its calm "one moment" overlay instead.
No counts, versions or paths: the answer is public, anyone on the network may ask.
"""

import shutil

from flask import Blueprint, current_app, jsonify
from peewee import DatabaseError

from kiosk.db import database
from kiosk.models import Setting

bp = Blueprint("health", __name__)

PROBE_KEY = "health_probe"


@bp.get("/health")
def health():
    answer = {"status": "ok", "database": database_state(), "disk": disk_state()}
    if answer["database"] != "ok" or answer["disk"] != "ok":
        answer["status"] = "unavailable"
        return jsonify(answer), 503
    return jsonify(answer)


def database_state() -> str:
    """ "ok", "unreachable" or "read-only": a write is tried and rolled back, so nothing is kept."""
    try:
        database.execute_sql("SELECT 1").fetchone()
    except DatabaseError:
        return "unreachable"
    try:
        with database.atomic() as transaction:
            Setting.put(PROBE_KEY, "1")
            transaction.rollback()
    except DatabaseError:
        return "read-only"
    return "ok"


def disk_state() -> str:
    """ "full" when less than HEALTH_MIN_FREE_MB is left where the database, uploads and backups live."""
    free = shutil.disk_usage(current_app.instance_path).free
    return "full" if free < current_app.config["HEALTH_MIN_FREE_MB"] * 1024 * 1024 else "ok"
