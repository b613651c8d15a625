"""When the drop-in hour really takes place: the weekly hours (config DROPIN_HOURS) without
Berlin's public holidays (DROPIN_HOLIDAYS) and without the days staff closed it (DropinClosure).

Everything that asks "is the drop-in hour on?" goes through `dropin_schedule`: the home screen,
the thank-you page and the flag that keeps check-ins outside the hour apart.
"""

from datetime import date, timedelta
from functools import lru_cache

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _

from kiosk import clock
from kiosk.db import Param, Prepared
from kiosk.models import DropinClosure
from kiosk.schedules import DatedException, Schedule

HORIZON_DAYS = 70  # as far ahead as Schedule.next_opening looks
HOLIDAY, CLOSURE = "holiday", "closure"


def berlin_holidays(first: date, last: date) -> dict[date, str]:
    """Berlin's public holidays from `first` to `last`, with their German names (the state is
    config DROPIN_HOLIDAYS; none when it is empty)."""
    state = current_app.config["DROPIN_HOLIDAYS"]
    if not state:
        return {}
    found = {}
    for year in range(first.year, last.year + 1):
        found.update(holidays_of_year(state, year))
    return {day: name for day, name in sorted(found.items()) if first <= day <= last}


@lru_cache(maxsize=16)
def holidays_of_year(state: str, year: int) -> dict[date, str]:
    """Made once per year: every home view asks, and the calendar does not change.

    The library is imported here, on the first home view, not at the kiosk's start: importing
    it loads every country's and calendar's module (about 0.1 s and 2 MB)."""
    import holidays

    return dict(holidays.country_holidays("DE", subdiv=state, years=year, language="de"))


# The home screen, the thank-you page and every tap ask for the closures: the SQL is built once
# (kiosk/db.py Prepared) and the rows read as plain tuples, not as model instances.
CLOSURES_BETWEEN = Prepared(lambda: DropinClosure.select(DropinClosure.first, DropinClosure.last,
                                                         DropinClosure.note)
                            .where((DropinClosure.last >= Param("first")) & (DropinClosure.first <= Param("last")))
                            .order_by(DropinClosure.first))


def closures_between(first: date, last: date) -> list[DatedException]:
    """The days staff closed from ``first`` to ``last``, as the schedule's exceptions."""
    as_date = DropinClosure.first.python_value  # SQLite gives the text of the date
    return [DatedException(as_date(start), as_date(end), note=note)
            for start, end, note in CLOSURES_BETWEEN.execute(first=first, last=last)]


def _horizon(today: date) -> tuple[date, date]:
    """The days whose holidays and closures the schedule takes out: yesterday to past the horizon."""
    return today - timedelta(days=1), today + timedelta(days=HORIZON_DAYS + 1)


def dropin_schedule(today: date) -> Schedule:
    """The weekly hours with every holiday and closure from yesterday to the horizon taken out."""
    first, last = _horizon(today)
    return _schedule_without(first, last, closures_between(first, last))


def _schedule_without(first: date, last: date, closures: list[DatedException]) -> Schedule:
    exceptions = [DatedException(day, day, note=name) for day, name in berlin_holidays(first, last).items()]
    return Schedule(weekly=regular_schedule().weekly, exceptions=exceptions + closures)


def regular_schedule() -> Schedule:
    return _weekly_schedule(tuple(tuple(row) for row in current_app.config["DROPIN_HOURS"]))


@lru_cache(maxsize=8)
def _weekly_schedule(hours: tuple) -> Schedule:
    """Parsed and checked once per value of DROPIN_HOURS (a Schedule is immutable), not on every
    view: the parse was a tenth of the home screen's time."""
    return Schedule.from_dict({"weekly": [{"weekday": d, "opens": o, "closes": c} for d, o, c in hours]})


def closed_today(today: date) -> str | None:
    """HOLIDAY or CLOSURE when the drop-in hour would be on today but is not, else None."""
    return _closed_on(today, closures_between(today, today))


def _closed_on(today: date, closures: list[DatedException]) -> str | None:
    """closed_today, given the staff closures of a span of days that holds ``today``."""
    if not regular_schedule().open_today(today):
        return None
    if berlin_holidays(today, today):
        return HOLIDAY
    return CLOSURE if any(c.first <= today <= c.last for c in closures) else None


def dropin_status(now):
    """What the home screen says about the drop-in hour: open now, or when it opens next, and
    why there is none today when the week's plan has one (holiday or closure)."""
    today = now.date()
    first, last = _horizon(today)
    closures = closures_between(first, last)  # one query for the next opening and for today
    window = _schedule_without(first, last, closures).next_opening(now)
    closed = _closed_on(today, closures)
    if window is None:
        return {"open": False, "start": None, "end": None, "closed_today": closed}
    start, end = window
    return {"open": start <= now < end, "start": start, "end": end, "today": start.date() == now.date(),
            "closed_today": closed}


def dropin_line(status):
    """ "Sprechstunde heute 11:00–12:30 · jetzt geöffnet", or when it opens next, in plain words;
    on a holiday or a day staff closed, first that there is none today."""
    line = _next_dropin_line(status)
    if status["closed_today"] == HOLIDAY:
        return _("Heute keine Sprechstunde (Feiertag)") + " · " + line
    if status["closed_today"] == CLOSURE:
        return _("Heute keine Sprechstunde") + " · " + line
    return line


def _next_dropin_line(status):
    if status["start"] is None:
        return _("Sprechstunde nach Vereinbarung")
    # word joiners keep "11:00–12:30" on one line: a break after the dash reads as two times
    hours = f"{status['start']:%H:%M}\u2060–\u2060{status['end']:%H:%M}"
    if status["open"]:
        return _("Sprechstunde heute %(hours)s · jetzt geöffnet", hours=hours)
    if status["today"]:
        return _("Sprechstunde heute %(hours)s", hours=hours)
    days_ahead = (status["start"].date() - clock.berlin_now().date()).days
    if days_ahead == 1:
        return _("Sprechstunde morgen %(hours)s", hours=hours)
    day = status["start"].date()
    # Within a week the weekday says it; further ahead, weekday and date in the language's order.
    when = format_date(day, "EEEE" if days_ahead < 7 else "full")
    return _("Nächste Sprechstunde: %(when)s, %(hours)s", when=when, hours=hours)
