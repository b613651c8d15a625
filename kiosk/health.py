"""``/health`` for monitoring: is the kiosk up and its database reachable. Nothing else.

No counts, versions or paths: the answer is public, anyone on the network may ask.
"""

from flask import Blueprint, jsonify
from peewee import DatabaseError

from .db import database

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    try:
        database.execute_sql("SELECT 1").fetchone()
    except DatabaseError:
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
