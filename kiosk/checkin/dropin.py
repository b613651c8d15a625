"""When the drop-in hour really takes place: the weekly hours (config DROPIN_HOURS) without
Berlin's public holidays (DROPIN_HOLIDAYS) and without the days staff closed it (DropinClosure).

Everything that asks "is the drop-in hour on?" goes through `dropin_schedule`: the home screen,
the thank-you page and the flag that keeps check-ins outside the hour apart.
"""

from datetime import date, timedelta
from functools import lru_cache

from flask import current_app

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


def staff_closures(first: date, last: date):
    return (DropinClosure.select()
            .where((DropinClosure.last >= first) & (DropinClosure.first <= last))
            .order_by(DropinClosure.first))


def dropin_schedule(today: date) -> Schedule:
    """The weekly hours with every holiday and closure from yesterday to the horizon taken out."""
    first, last = today - timedelta(days=1), today + timedelta(days=HORIZON_DAYS + 1)
    exceptions = [DatedException(day, day, note=name) for day, name in berlin_holidays(first, last).items()]
    exceptions += [DatedException(c.first, c.last, note=c.note) for c in staff_closures(first, last)]
    return Schedule(weekly=regular_schedule().weekly, exceptions=exceptions)


def regular_schedule() -> Schedule:
    return Schedule.from_dict({"weekly": [{"weekday": d, "opens": o, "closes": c}
                                          for d, o, c in current_app.config["DROPIN_HOURS"]]})


def closed_today(today: date) -> str | None:
    """HOLIDAY or CLOSURE when the drop-in hour would be on today but is not, else None."""
    if not regular_schedule().open_today(today):
        return None
    if berlin_holidays(today, today):
        return HOLIDAY
    return CLOSURE if staff_closures(today, today).exists() else None
