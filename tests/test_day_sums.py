"""The kept day sums (DaySum) the reports read: equal to the counts' sums after every kind of write,
so no figure on History is ever stale."""

import random
import re
from datetime import date, timedelta

from peewee import IntegrityError, fn

from kiosk import clock
from kiosk.checkin import counting
from kiosk.db import database
from kiosk.models import Count, DaySum
from tests.conftest import enrol, form_value
from tests.test_checkin import tap_checkin

YEAR = "/admin/history?range=year"


def sums_from_counts():
    """What DaySum must hold: the counts summed per day, metric and flag, read from Count itself."""
    return sorted((str(day), metric, flag, total) for day, metric, flag, total in
                  Count.select(Count.day, Count.metric, Count.flag, fn.SUM(Count.value))
                  .group_by(Count.day, Count.metric, Count.flag).tuples())


def kept_sums():
    return sorted((str(day), metric, flag, value) for day, metric, flag, value in
                  DaySum.select(DaySum.day, DaySum.metric, DaySum.flag, DaySum.value).tuples())


def test_day_sums_follow_every_write_to_the_counts(app):
    """Counting, corrections below the first value, rows moved to another day or metric, rows
    deleted, and a raw SQL update: after each, the kept sums are the counts' sums."""
    rng = random.Random(18)
    days = [date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4)]
    with app.app_context():
        for _ in range(250):
            action = rng.random()
            if action < 0.55:
                counting.increment(rng.choice(["people", "checkin"]), rng.randint(-3, 6), day=rng.choice(days),
                                   hour=rng.choice([9, 10, -1]), flag=rng.choice(["", counting.DOUBTFUL]))
            elif action < 0.7:
                try:
                    with database.atomic():  # moving onto an existing bucket is refused: nothing changes
                        Count.update(day=rng.choice(days), metric=rng.choice(["people", "reason:talk"])).where(
                            Count.id == rng.randint(1, 30)).execute()
                except IntegrityError:
                    pass
            elif action < 0.85:
                Count.delete().where(Count.id == rng.randint(1, 30)).execute()
            else:
                database.execute_sql('UPDATE "count" SET value = value + 1 WHERE day = %s' % database.param,
                                     (rng.choice(days),))
            assert kept_sums() == sums_from_counts()
        assert Count.select().count() > 5  # the walk left counts to compare, not an empty table


def people_on_page(html):
    return int(re.search(r'data-figure="people">([\d.]+)<', html).group(1).replace(".", ""))


def test_a_check_in_today_shows_at_once_in_the_years_history(app, client, auth):
    tablet = app.test_client()
    enrol(app, tablet)
    with app.app_context():
        counting.increment("people", 7, day=date(2026, 3, 5), hour=11)
    auth.login()
    before = people_on_page(client.get(YEAR).get_data(as_text=True))
    response, _ = tap_checkin(tablet)
    assert response.status_code == 302
    after = client.get(YEAR).get_data(as_text=True)
    assert (before, people_on_page(after)) == (7, 8)
    today = clock.berlin_now().date()
    assert f"{today:%d.%m.%Y}</th><td data-label=\"Personen\">1<" in after  # the table of days
    assert f"<title>{today:%d.%m.}: 1</title>" in after  # and today's bar in the chart


def test_a_correction_of_a_past_day_shows_at_once_in_the_years_history(app, client, auth):
    day = clock.berlin_now().date() - timedelta(days=40)
    with app.app_context():
        counting.increment("people", 9, day=day, hour=11)
    auth.login()
    row = f"{day:%d.%m.%Y}</th><td data-label=\"Personen\">"
    assert row + "9<" in client.get(YEAR).get_data(as_text=True)
    page = client.get("/admin/counts").get_data(as_text=True)
    response = client.post("/admin/counts", data={
        "csrf_token": form_value(page, "csrf_token"), "fix-day": day.isoformat(), "fix-hour": "11",
        "fix-metric": "people", "fix-change": "-3", "fix-reason": "doppelt gezählt", "fix-submit": "1"})
    assert response.status_code == 302
    after = client.get(YEAR).get_data(as_text=True)
    assert row + "6<" in after and people_on_page(after) == 6
