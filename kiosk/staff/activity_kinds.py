"""The activity log's vocabulary and its writes: each activity held, and the manual counts it feeds.

A Kaffeeklatsch or an outreach Tuesday is entered once, here: its participants are added to the
matching manual count of that day (``manual:kaffeeklatsch``, ``manual:outreach``, source "staff",
without an hour), so the team never types the same people into "Zählungen nachtragen" as well.
A change moves the difference; a removal takes the participants back out. Each write and its
audit entry are one transaction.
"""

from kiosk.checkin import counting
from kiosk.clock import utcnow
from kiosk.db import database
from kiosk.models import WHOLE_DAY, Activity, ActivityKind
from kiosk.security import audit

BUILT_IN_KINDS = {
    "dropin": "Sprechstunde",
    "kaffeeklatsch": "Kaffeeklatsch im Treppenhaus",
    "outreach": "Dienstag im Kiez (unterwegs)",
    "workshop": "Workshop",
    "excursion": "Ausflug",
}
# Kinds whose participants are also a manual count. The drop-in hour's visitors tap the tablet
# (or are entered as "Besucher:innen, die nicht getippt haben"), so they are not added again.
COUNTED_AS = {"kaffeeklatsch": "manual:kaffeeklatsch", "outreach": "manual:outreach"}


def own_kind_key(kind: ActivityKind) -> str:
    return f"own:{kind.id}"


def kind_names() -> dict[str, str]:
    """Every kind staff can pick, key: name: the built-in ones, then the team's own in the order added."""
    return BUILT_IN_KINDS | {own_kind_key(k): k.name for k in ActivityKind.select().order_by(ActivityKind.id)}


def describe(activity: Activity, names: dict[str, str]) -> str:
    text = f"{activity.day:%d.%m.%Y} · {names.get(activity.kind, activity.kind)} · {activity.participants} Personen"
    return text + (f" · {activity.note}" if activity.note else "")


def _move_counts(kind, day, participants):
    metric = COUNTED_AS.get(kind)
    if metric and participants:
        counting.increment(metric, participants, day=day, hour=WHOLE_DAY, source="staff")


def record_activity(day, kind, participants, note) -> Activity:
    with database.atomic():
        activity = Activity.create(day=day, kind=kind, participants=participants, note=note)
        _move_counts(kind, day, participants)
        audit("activity_add", describe(activity, kind_names()))
    return activity


def change_activity(activity: Activity, day, kind, participants, note, reason):
    """Change an entry; its earlier participants leave the counts and the new ones go in."""
    names = kind_names()
    before = describe(activity, names)
    with database.atomic():
        _move_counts(activity.kind, activity.day, -activity.participants)
        activity.day, activity.kind, activity.participants, activity.note = day, kind, participants, note
        activity.updated = utcnow()
        activity.save()
        _move_counts(kind, day, participants)
        audit("activity_edit", f"{before} → {describe(activity, names)} · Grund: {reason}")


def remove_activity(activity: Activity, reason):
    with database.atomic():
        _move_counts(activity.kind, activity.day, -activity.participants)
        activity.delete_instance()
        audit("activity_remove", f"{describe(activity, kind_names())} · Grund: {reason}")


def add_kind(name: str) -> ActivityKind:
    with database.atomic():
        kind = ActivityKind.create(name=name)
        audit("activity_kind_add", name)
    return kind
