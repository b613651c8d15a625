"""Counting what happens at the kiosk: hourly buckets in Berlin time, incremented in SQL.

Nothing here knows who a visitor is. A check-in and each answer after it are separate increments
of separate buckets; the only thing that travels from one step to the next is the check-in's
flag (normal, doubtful, off hours, not from an enrolled tablet) inside a one-time ticket.
"""

import hashlib
import hmac
import secrets
import threading
import time
from collections import defaultdict, deque
from datetime import date, datetime, timedelta

from flask import current_app, has_request_context, request
from itsdangerous import BadSignature, TimestampSigner
from peewee import EXCLUDED

from kiosk import clock
from kiosk.checkin.dropin import dropin_schedule
from kiosk.clock import BERLIN, utcnow
from kiosk.db import Param, Prepared, database, write_together
from kiosk.models import Count, LateCheckin, Setting, Ticket

GROUP_SIZES = (1, 2, 3, 4, 5, 6)  # 6 stands for "6 or more" and counts as 6 people
REASONS = ("counselling", "crafts", "meeting", "digital", "information")
AGE_BANDS = ("child", "adult", "senior")  # Kind / Erwachsen / 65+: asked only when staff switch it on
MANUAL_KINDS = ("people", "outreach", "kaffeeklatsch", "flyers", "referrals", "digital_help")
CHECKIN_STEPS = ("checkin", "group", "first", "reasons", "age", "done")

NORMAL, DOUBTFUL, OFF_HOURS = "", "doubtful", "off_hours"
UNENROLLED = "unenrolled"  # "nicht vom Tablet": a check-in from a browser that is not an enrolled tablet


def bucket_for(moment: datetime) -> tuple[date, int]:
    """The (day, hour) bucket of a moment, in Berlin local time.

    In the October night the hour 02:00–03:00 happens twice: both land in hour 2 of that day, so
    nothing is lost or doubled; in March hour 2 simply has no counts.
    """
    local = moment.astimezone(BERLIN)
    return local.date(), local.hour


def add_to_buckets(increments, *, day, hour, source="kiosk", flag=NORMAL):
    """Add {metric: amount} to the buckets of one hour: one SQL upsert, no read-modify-write."""
    values = {f"metric{n}": metric for n, metric in enumerate(increments)}
    values.update({f"amount{n}": amount for n, amount in enumerate(increments.values())})
    ADD_TO_BUCKETS.execute((len(increments),), day=day, hour=hour, source=source, flag=flag, **values)


def _add_to_buckets_query(rows):
    buckets = [{Count.day: Param("day"), Count.hour: Param("hour"), Count.metric: Param(f"metric{n}"),
                Count.source: Param("source"), Count.flag: Param("flag"), Count.value: Param(f"amount{n}")}
               for n in range(rows)]
    return Count.insert_many(buckets).on_conflict(
        conflict_target=[Count.day, Count.hour, Count.metric, Count.source, Count.flag],
        update={Count.value: Count.value + EXCLUDED.value},
    )


ADD_TO_BUCKETS = Prepared(_add_to_buckets_query)


def increment(metric, amount=1, *, day, hour, source="kiosk", flag=NORMAL):
    """Add ``amount`` to one bucket."""
    add_to_buckets({metric: amount}, day=day, hour=hour, source=source, flag=flag)


def count_now(increments, flag, moment=None):
    """Add several {metric: amount} increments to this hour's buckets."""
    day, hour = bucket_for(moment or clock.berlin_now())
    add_to_buckets(increments, day=day, hour=hour, flag=flag)


def count_event(metric, amount=1):
    """Count something a visitor did (a puzzle picked, an offer opened), unless in test mode."""
    if is_a_person_asking() and not test_mode():
        count_now({metric: amount}, NORMAL)


PREFETCH_HEADERS = ("Sec-Purpose", "Purpose", "X-Moz")  # Chromium and the standard; older; Firefox


def is_a_person_asking() -> bool:
    """Whether this request is someone opening a page: not a HEAD (a link checker, a proxy) and
    not a browser fetching a page ahead in case it is tapped ("Sec-Purpose: prefetch").
    Outside a request it is code counting on purpose (a command, a test)."""
    if not has_request_context():
        return True
    if request.method == "HEAD":
        return False
    return not any("prefetch" in request.headers.get(name, "").lower() for name in PREFETCH_HEADERS)


class BurstDetector:
    """Notices check-ins arriving far faster than people walk in (children playing, say).

    One window per tablet, so one tablet's burst never marks another's visitors. Kept in memory
    only: storing the seconds of check-ins would be finer than the hour.
    """

    def __init__(self):
        self._times = defaultdict(deque)
        self._lock = threading.Lock()

    def is_burst(self, limit, window_seconds, now=None, key=None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            times = self._times[key]
            while times and now - times[0] > window_seconds:
                times.popleft()
            times.append(now)
            return len(times) > limit

    def reset(self):
        with self._lock:
            self._times.clear()


bursts = BurstDetector()


def test_mode() -> bool:
    return Setting.get_value("test_mode", "0") == "1"


def age_question_on() -> bool:
    """Whether the check-in ends with the optional age-band question (staff switch it on)."""
    return Setting.get_value("age_question", "0") == "1"


def checkin_increments(language: str) -> dict:
    """What one check-in adds: a visit, a person, and the screen language it was made in.

    The language is a bucket of its own beside the check-in, in the same upsert and so the same
    transaction: it costs the visitor no tap and links to no answer (each answer is its own bucket).
    """
    return {"checkin": 1, "people": 1, f"language:{language}": 1}


def checkin_flag(moment: datetime, tablet_id: int | None) -> str:
    """Normal only from an enrolled tablet (``tablet_id``), in the drop-in hour, and not in a burst."""
    return checkin_guard(moment, tablet_id)()


def checkin_guard(moment: datetime, tablet_id: int | None):
    """``checkin_flag`` in two halves: the app's settings and the drop-in hour are looked up now;
    the returned function asks the burst window, which it enters, so call it only for a
    check-in that counts."""
    if tablet_id is None:
        return lambda: UNENROLLED
    config = current_app.config
    limit, window = config["BURST_LIMIT"], config["BURST_WINDOW_SECONDS"]
    flag_in_calm = NORMAL if dropin_schedule(moment.date()).is_open(moment) else OFF_HOURS

    def flag():
        return DOUBTFUL if bursts.is_burst(limit, window, key=tablet_id) else flag_in_calm

    return flag


# --- the check-in, step by step -------------------------------------------------------------
#
# The start screen's ticket is signed and carries its time, and is stored nowhere: viewing the
# start screen writes nothing, so a flood of GETs cannot fill the disk. Only a spent ticket is
# stored, until its signature has expired, so a double tap, a reload or the back button never
# count twice. The later steps' tickets are stored when the step before them is taken.

TICKET_MAX_AGE = timedelta(days=1)


def _ticket_signer(purpose="checkin") -> TimestampSigner:
    """One salt per purpose, so a wish poll's ticket never starts a check-in, nor the other way."""
    return TimestampSigner(current_app.config["SECRET_KEY"], salt=f"kiosk.{purpose}-ticket")


def home_ticket(purpose="checkin") -> str:
    """A fresh ticket for the start screen's *Ich bin da* (or another one-tap ``purpose``: a
    poll answer, a flag on an entry): random, signed, with its time."""
    return _ticket_signer(purpose).sign(secrets.token_urlsafe(16)).decode()


def is_fresh_home_ticket(token: str, purpose="checkin") -> bool:
    try:
        _ticket_signer(purpose).unsign(token, max_age=TICKET_MAX_AGE.total_seconds())
    except BadSignature:  # forged, changed, or older than TICKET_MAX_AGE (SignatureExpired)
        return False
    return True


def spend_one_tap_ticket(token: str, purpose: str) -> bool | None:
    """Spend the ticket of a one-tap answer that has no steps after it (a poll, a flag).

    True the first time (count it), False when it was spent before (a double tap, a reload:
    count nothing), None for a ticket this kiosk never signed for ``purpose``. Call it inside the
    transaction that counts, so the ticket and the count are written together or not at all.
    """
    if not is_fresh_home_ticket(token, purpose):
        return None
    forget_old_tickets()
    return bool(spend_start_ticket(token, purpose))


def spend_start_ticket(token: str, step: str) -> list:
    """Store a signed start ticket as spent: [(flag,)] the first time, [] when it was spent before."""
    return SPEND_START_TICKET.execute(token=token, step=step, issued=utcnow()).fetchall()


SPEND_START_TICKET = Prepared(lambda: Ticket.insert(
    token=Param("token"), step=Param("step"), flag=NORMAL, used=True, issued=Param("issued"),
).on_conflict_ignore().returning(Ticket.flag))


def one_tap_flag(purpose: str, tablet_id: int | None) -> str:
    """The check-in's guards for a one-tap answer: not from an enrolled tablet, or a burst. The
    drop-in hour does not matter here (a wish counts whenever it is made). Each purpose has its
    own window, so answering a poll never makes the next check-in look like a burst."""
    if tablet_id is None:
        return UNENROLLED
    config = current_app.config
    if bursts.is_burst(config["BURST_LIMIT"], config["BURST_WINDOW_SECONDS"], key=(purpose, tablet_id)):
        return DOUBTFUL
    return NORMAL


def issue_ticket(step, flag, token):
    ISSUE_TICKET.execute(token=token, step=step, flag=flag, issued=utcnow())


ISSUE_TICKET = Prepared(lambda: Ticket.insert(
    token=Param("token"), step=Param("step"), flag=Param("flag"), used=False, issued=Param("issued"),
).on_conflict_ignore())
CLAIM_TICKET = Prepared(lambda: Ticket.update(used=True).where(
    (Ticket.token == Param("token")) & (Ticket.step == Param("step")) & (Ticket.used == False)  # noqa: E712
).returning(Ticket.flag))
TICKET_ISSUED = Prepared(lambda: Ticket.select(Ticket.used).where(
    (Ticket.token == Param("token")) & (Ticket.step == Param("step"))))


def next_token(token: str) -> str:
    """The next step's ticket is derived from this one, so a repeated POST leads to the same page."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()[:32]


def take_step(token: str, step: str, increments: dict, tablet_id: int | None = None) -> str | None:
    """Use the ticket of one check-in step, count its answer once, and open the next step.

    ``tablet_id`` is the enrolled tablet the check-in came from (None: any other browser); the
    check-in's flag follows it through the answers after it.

    Returns the next step's token (the same one on a double tap, a reload or a resubmit, which
    count nothing), or None for a ticket that was never issued.
    """
    first = step == CHECKIN_STEPS[0]
    if first and not is_fresh_home_ticket(token):
        return None
    following = CHECKIN_STEPS[CHECKIN_STEPS.index(step) + 1]
    upcoming = next_token(token)
    # What needs the app or only reads is looked up before the write, which holds the write lock
    # and may run in the thread that commits a group of check-ins (kiosk/db.py GroupCommit).
    counts = not test_mode()
    moment = clock.berlin_now()
    flag_of_checkin = checkin_guard(moment, tablet_id) if first and counts else None

    def write():
        # Write first, so the transaction holds the write lock before it reads anything.
        if first:
            forget_old_tickets()
            claimed = spend_start_ticket(token, step)
        else:
            claimed = CLAIM_TICKET.execute(token=token, step=step).fetchall()
        if not claimed:
            # Used before (a double tap, a resubmit: lead on, count nothing) or never issued.
            issued = first or TICKET_ISSUED.execute(token=token, step=step).fetchone() is not None
            return upcoming if issued else None
        flag = flag_of_checkin() if flag_of_checkin else claimed[0][0]
        if counts and increments:
            count_now(increments, flag, moment)
        if following != "done":
            issue_ticket(following, flag, upcoming)
        return upcoming

    return write_together(write)


# --- check-ins a tablet kept while the server was away ----------------------------------------

LATE_MAX_AGE = timedelta(hours=48)  # the oldest tap a tablet may still deliver
LATE_IDS_KEPT = timedelta(days=4)  # longer than LATE_MAX_AGE: a replay is always recognised


def count_late_checkin(checkin_id: str, tapped_hour: datetime, tablet_id: int,
                       language: str | None = None) -> bool:
    """Count a check-in tapped in ``tapped_hour`` (its start, UTC) in that hour's bucket, once per
    id, with the screen language it was tapped in when the tablet kept it. False when this id was
    counted before (a repeated delivery)."""
    day, hour = bucket_for(tapped_hour)
    received = clock.berlin_now().date()
    with database.atomic():
        LateCheckin.delete().where(LateCheckin.received < received - LATE_IDS_KEPT).execute()
        fresh = list(LateCheckin.insert(id=checkin_id, tablet=tablet_id, received=received)
                     .on_conflict_ignore().returning(LateCheckin.id).tuples().execute())
        if not fresh:
            return False
        if not test_mode():
            increments = checkin_increments(language) if language else {"checkin": 1, "people": 1}
            add_to_buckets(increments, day=day, hour=hour,
                           flag=NORMAL if _open_in_hour(tapped_hour) else OFF_HOURS)
    return True


def _open_in_hour(start: datetime) -> bool:
    window = dropin_schedule(start.date()).next_opening(start, horizon_days=0)
    return window is not None and window.start < start + timedelta(hours=1)


def forget_old_tickets(max_age=TICKET_MAX_AGE):
    """A spent start-screen ticket older than this has an expired signature: no need to keep it."""
    FORGET_TICKETS.execute(before=utcnow() - max_age)


FORGET_TICKETS = Prepared(lambda: Ticket.delete().where(Ticket.issued < Param("before")))
