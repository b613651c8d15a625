"""``/health`` for monitoring and for the tablet's script: can the kiosk count a check-in now?

503 when the database is unreachable, cannot be written to, or the disk of the instance folder is
nearly full: then a check-in would fail, so the tablet shows its calm "one moment" overlay instead.
No counts, versions or paths: the answer is public, anyone on the network may ask.

The tablet asks before every navigation, so an "ok" is kept for HEALTH_OK_SECONDS: within them
the answer costs no write probe and no disk-usage call. Anything but "ok" is never kept: each ask
probes again, so the tablet sees the kiosk come back at once.
"""

import shutil
import time

from flask import Blueprint, current_app, jsonify
from peewee import DatabaseError

from kiosk.db import database
from kiosk.models import Setting

bp = Blueprint("health", __name__)

PROBE_KEY = "health_probe"


OK_UNTIL = "health_ok_until"  # in app.extensions: the monotonic time until which "ok" holds
clock = time.monotonic


@bp.get("/health")
def health():
    answer = {"status": "ok", **checked_states()}
    if answer["database"] != "ok" or answer["disk"] != "ok":
        answer["status"] = "unavailable"
        return jsonify(answer), 503
    return jsonify(answer)


def checked_states() -> dict:
    """The database's and the disk's state, probed unless an "ok" from the last few seconds holds."""
    if clock() < current_app.extensions.get(OK_UNTIL, 0.0):
        return {"database": "ok", "disk": "ok"}
    states = {"database": database_state(), "disk": disk_state()}
    if states == {"database": "ok", "disk": "ok"}:
        current_app.extensions[OK_UNTIL] = clock() + current_app.config["HEALTH_OK_SECONDS"]
    return states


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
