"""The wish poll ("Was wünscht ihr euch?"): which poll runs, counting one answer, the results.

An answer is one increment of ``poll_answer:<answer id>`` in this hour's bucket, flagged like a
check-in (not from an enrolled tablet, or a burst), never linked to a check-in: the poll has its
own one-time ticket, and the visit only remembers *that* it answered (to show the tile once),
not what. Visitors never type anything here.
"""

from flask import session
from peewee import fn

from kiosk.checkin import counting
from kiosk.checkin.counting import DOUBTFUL, NORMAL, UNENROLLED
from kiosk.checkin.labels import N_
from kiosk.db import Param, Prepared, database
from kiosk.models import Count, Poll, PollAnswer

PURPOSE = "poll"  # the ticket's purpose and the burst window's name
METRIC = "poll_answer"
MIN_ANSWERS, MAX_ANSWERS = 2, 6
ANSWERED = "poll_answered"  # in the visitor's session until the idle reset: the poll ids answered

# The shipped pictograms (static/img/poll/<key>.svg) and what staff see in the select.
PICTOGRAMS = {
    "coffee": "Kaffee & Tee",
    "cooking": "Kochen & Essen",
    "talk": "Gespräch & Treffen",
    "crafts": "Basteln",
    "puzzle": "Rätsel & Spiele",
    "book": "Lesen & Lernen",
    "computer": "Handy & Computer",
    "music": "Musik",
    "sport": "Bewegung & Sport",
    "garden": "Garten & Pflanzen",
    "children": "Kinder & Familie",
    "outing": "Ausflug",
    "party": "Fest",
    "very_bad": "Gesicht: gar nicht gut",
    "bad": "Gesicht: nicht gut",
    "okay": "Gesicht: geht so",
    "good": "Gesicht: gut",
    "very_good": "Gesicht: sehr gut",
}

# Ready-made answers of a rating question ("Wie gefällt euch …?"), from the worst to the best:
# their positions are the scale. The words are translated in the catalogs; the staff form fills
# them in, in every language, and staff may change them like any other answer.
RATING_SCALES = {
    3: (("bad", N_("nicht gut")), ("okay", N_("geht so")), ("good", N_("gut"))),
    5: (("very_bad", N_("gar nicht gut")), ("bad", N_("nicht gut")), ("okay", N_("geht so")),
        ("good", N_("gut")), ("very_good", N_("sehr gut"))),
}


def running_poll(day) -> Poll | None:
    """The poll whose period includes ``day`` (Berlin) and that staff did not end; staff cannot
    make two overlap."""
    row = RUNNING_POLL_ID.execute(day=day).fetchone()
    return None if row is None else Poll.get_by_id(row[0])


# Every start screen asks, and most days no poll runs: its SQL is built once (kiosk/db.py
# Prepared), and the poll's row is read only when there is one.
RUNNING_POLL_ID = Prepared(lambda: Poll.select(Poll.id)
                           .where((Poll.first <= Param("day")) & (Poll.last >= Param("day")) & Poll.ended.is_null())
                           .order_by(Poll.first.desc(), Poll.id.desc()).limit(1))


def overlapping(first, last, except_id=None):
    """Another poll (not ended) whose period shares a day with first..last."""
    query = Poll.select().where((Poll.first <= last) & (Poll.last >= first) & Poll.ended.is_null())
    if except_id is not None:
        query = query.where(Poll.id != except_id)
    return query.order_by(Poll.first).first()


def answers_of(poll) -> list[PollAnswer]:
    return list(poll.answers.order_by(PollAnswer.position))


def answered_in_this_visit(poll) -> bool:
    answered = session.get(ANSWERED, [])
    return isinstance(answered, list) and poll.id in answered


def remember_answered(poll):
    answered = session.get(ANSWERED, [])
    answered = answered if isinstance(answered, list) else []
    session[ANSWERED] = [*answered[-9:], poll.id]


def forget_visit():
    """The idle reset hands the tablet to the next visitor, who may answer again."""
    session.pop(ANSWERED, None)


def record_answer(token: str, answer: PollAnswer, tablet_id: int | None) -> bool | None:
    """Spend the poll ticket and count the answer once. True: counted (or test mode, which
    counts nothing); False: the ticket was spent before; None: a ticket never issued."""
    with database.atomic():
        fresh = counting.spend_one_tap_ticket(token, PURPOSE)
        if fresh and not counting.test_mode():
            counting.count_now({f"{METRIC}:{answer.id}": 1}, counting.one_tap_flag(PURPOSE, tablet_id))
    return fresh


def _metrics(poll) -> dict:
    return {f"{METRIC}:{answer.id}": answer for answer in answers_of(poll)}


def results(poll, first=None, last=None) -> dict:
    """Per answer the normal count, and what was set apart (bursts, other devices); only the
    answers given on days first..last when those are given (the funder's report's period)."""
    metrics = _metrics(poll)
    where = Count.metric.in_(list(metrics)) & (Count.source == "kiosk")
    if first is not None:
        where &= Count.day.between(first, last)
    totals = {(metric, flag): total for metric, flag, total in (
        Count.select(Count.metric, Count.flag, fn.SUM(Count.value))
        .where(where).group_by(Count.metric, Count.flag).tuples())} if metrics else {}
    rows = [(answer, totals.get((metric, NORMAL), 0)) for metric, answer in metrics.items()]
    return {
        "rows": rows,
        "total": sum(count for _, count in rows),
        "doubtful": sum(totals.get((m, DOUBTFUL), 0) for m in metrics),
        "unenrolled": sum(totals.get((m, UNENROLLED), 0) for m in metrics),
    }


def answered_days(poll):
    """(first, last) day on which anyone answered, counted or set apart; None before the first
    answer. Once there is one, the answers of the poll must stay as they are (kiosk/staff/polls.py)."""
    metrics = _metrics(poll)
    if not metrics:
        return None
    first, last = (Count.select(fn.MIN(Count.day), fn.MAX(Count.day))
                   .where(Count.metric.in_(list(metrics)) & (Count.value > 0)).tuples().get())
    return None if first is None else (first, last)
