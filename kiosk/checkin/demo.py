"""Plausible synthetic counts for the demo database (source "demo"), never for real use."""

import random
from datetime import timedelta

from kiosk import clock
from kiosk.checkin.counting import GROUP_SIZES, NORMAL, OFF_HOURS, REASONS
from kiosk.db import database
from kiosk.models import WHOLE_DAY, Count


def demo_rows(today, weeks=12, rng=None):
    """Rows for ``weeks`` weeks up to today: busy Thursdays 11–12:30, Tuesday outreach, a few strays."""
    rng = rng or random.Random(20260101)
    rows = {}

    def add(day, hour, metric, amount, flag=NORMAL):
        if amount:
            key = (day, hour, metric, flag)
            rows[key] = rows.get(key, 0) + amount

    for offset in range(weeks * 7, -1, -1):
        day = today - timedelta(days=offset)
        if day.weekday() == 3:  # Thursday: the drop-in hour
            for hour, arrivals in ((11, rng.randint(5, 14)), (12, rng.randint(2, 7))):
                for _ in range(arrivals):
                    size = rng.choices(GROUP_SIZES, weights=(60, 25, 8, 4, 2, 1))[0]
                    add(day, hour, "checkin", 1)
                    add(day, hour, "people", size)
                    add(day, hour, f"group_size:{size}", 1)
                    if rng.random() < 0.7:
                        add(day, hour, f"first_visit:{'yes' if rng.random() < 0.2 else 'no'}", 1)
                    for reason in REASONS:
                        if rng.random() < 0.3:
                            add(day, hour, f"reason:{reason}", 1)
            add(day, WHOLE_DAY, "manual:digital_help", rng.randint(0, 4))
            add(day, WHOLE_DAY, "manual:referrals", rng.randint(0, 3))
        elif day.weekday() == 1:  # Tuesday: out in the Kiez
            add(day, WHOLE_DAY, "manual:outreach", rng.randint(6, 25))
            add(day, WHOLE_DAY, "manual:flyers", rng.randint(20, 80))
            add(day, WHOLE_DAY, "manual:kaffeeklatsch", rng.randint(0, 8))
        if day.weekday() < 5 and rng.random() < 0.3:  # someone taps outside the drop-in hour
            hour = rng.randint(9, 16)
            add(day, hour, "checkin", 1, OFF_HOURS)
            add(day, hour, "people", 1, OFF_HOURS)
    return [
        {"day": day, "hour": hour, "metric": metric, "source": "demo", "flag": flag, "value": value}
        for (day, hour, metric, flag), value in rows.items()
    ]


def add_demo_counts(weeks=12):
    rows = demo_rows(clock.berlin_now().date(), weeks)
    with database.atomic():
        for start in range(0, len(rows), 200):
            Count.insert_many(rows[start:start + 200]).execute()
