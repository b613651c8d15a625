"""Counting what happens at the kiosk: hourly buckets in Berlin time, incremented in SQL.

Nothing here knows who a visitor is. A check-in and each answer after it are separate increments
of separate buckets; the only thing that travels from one step to the next is the check-in's
flag (normal, doubtful, off hours) inside a one-time ticket.
"""

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from peewee import EXCLUDED

from .db import database
from .dropin import dropin_schedule
from .models import Count, Setting, Ticket, utcnow

BERLIN = ZoneInfo("Europe/Berlin")

GROUP_SIZES = (1, 2, 3, 4, 5, 6)  # 6 stands for "6 or more" and counts as 6 people
REASONS = ("counselling", "crafts", "meeting", "digital", "information")
MANUAL_KINDS = ("people", "outreach", "kaffeeklatsch", "flyers", "referrals", "digital_help")
CHECKIN_STEPS = ("checkin", "group", "first", "reasons", "done")

NORMAL, DOUBTFUL, OFF_HOURS = "", "doubtful", "off_hours"


def berlin_now() -> datetime:
    return datetime.now(timezone.utc).astimezone(BERLIN)


def bucket_for(moment: datetime) -> tuple[date, int]:
    """The (day, hour) bucket of a moment, in Berlin local time.

    In the October night the hour 02:00–03:00 happens twice: both land in hour 2 of that day, so
    nothing is lost or doubled; in March hour 2 simply has no counts.
    """
    local = moment.astimezone(BERLIN)
    return local.date(), local.hour


def add_to_buckets(increments, *, day, hour, source="kiosk", flag=NORMAL):
    """Add {metric: amount} to the buckets of one hour: one SQL upsert, no read-modify-write."""
    rows = [
        {"day": day, "hour": hour, "metric": metric, "source": source, "flag": flag, "value": amount}
        for metric, amount in increments.items()
    ]
    Count.insert_many(rows).on_conflict(
        conflict_target=[Count.day, Count.hour, Count.metric, Count.source, Count.flag],
        update={Count.value: Count.value + EXCLUDED.value},
    ).execute()


def increment(metric, amount=1, *, day, hour, source="kiosk", flag=NORMAL):
    """Add ``amount`` to one bucket."""
    add_to_buckets({metric: amount}, day=day, hour=hour, source=source, flag=flag)


def count_now(increments, flag, moment=None):
    """Add several {metric: amount} increments to this hour's buckets."""
    day, hour = bucket_for(moment or berlin_now())
    add_to_buckets(increments, day=day, hour=hour, flag=flag)


def count_event(metric, amount=1):
    """Count something a visitor did (a puzzle picked, an offer opened), unless in test mode."""
    if not test_mode():
        count_now({metric: amount}, NORMAL)


class BurstDetector:
    """Notices check-ins arriving far faster than people walk in (children playing, say).

    Kept in memory only: storing the seconds of check-ins would be finer than the hour.
    """

    def __init__(self):
        self._times = deque()
        self._lock = threading.Lock()

    def is_burst(self, limit, window_seconds, now=None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            while self._times and now - self._times[0] > window_seconds:
                self._times.popleft()
            self._times.append(now)
            return len(self._times) > limit

    def reset(self):
        with self._lock:
            self._times.clear()


bursts = BurstDetector()


def test_mode() -> bool:
    return Setting.get_value("test_mode", "0") == "1"


def checkin_flag(moment: datetime) -> str:
    config = current_app.config
    if bursts.is_burst(config["BURST_LIMIT"], config["BURST_WINDOW_SECONDS"]):
        return DOUBTFUL
    if not dropin_schedule(moment.date()).is_open(moment):
        return OFF_HOURS
    return NORMAL


# --- the check-in, step by step -------------------------------------------------------------


def issue_ticket(step=CHECKIN_STEPS[0], flag=NORMAL, token=None) -> str:
    token = token or secrets.token_urlsafe(16)
    Ticket.insert(token=token, step=step, flag=flag).on_conflict_ignore().execute()
    return token


def next_token(token: str) -> str:
    """The next step's ticket is derived from this one, so a repeated POST leads to the same page."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()[:32]


def take_step(token: str, step: str, increments: dict) -> str | None:
    """Use the ticket of one check-in step, count its answer once, and open the next step.

    Returns the next step's token (the same one on a double tap, a reload or a resubmit, which
    count nothing), or None for a ticket that was never issued.
    """
    following = CHECKIN_STEPS[CHECKIN_STEPS.index(step) + 1]
    upcoming = next_token(token)
    mine = (Ticket.token == token) & (Ticket.step == step)
    with database.atomic():
        # Write first, so the transaction holds the write lock before it reads anything.
        claimed = list(
            Ticket.update(used=True)
            .where(mine & (Ticket.used == False))  # noqa: E712
            .returning(Ticket.flag)
            .tuples()
            .execute()
        )
        if not claimed:
            # Used before (a double tap, a resubmit: lead on, count nothing) or never issued.
            return upcoming if Ticket.select().where(mine).exists() else None
        counts = not test_mode()
        flag = claimed[0][0]
        if step == CHECKIN_STEPS[0] and counts:
            flag = checkin_flag(berlin_now())
        if counts and increments:
            count_now(increments, flag)
        if following != "done":
            issue_ticket(following, flag, upcoming)
    return upcoming


def forget_old_tickets(max_age=timedelta(days=1)):
    Ticket.delete().where(Ticket.issued < utcnow() - max_age).execute()
