"""The puzzle of the day on many dates: whatever the date, its pages show, print and accept the solution.

The puzzle is made from the date, so a date the generator or a page cannot handle would only show
up on that day, in front of a visitor; walking a year of dates finds it in CI instead.
"""

from datetime import datetime

import pytest

import puzzles
from kiosk.activities.labels import KIND_NAMES
from kiosk.activities.views import day_kind
from kiosk.clock import BERLIN
from tests.dates import DAY_PUZZLE_DATES
from tests.test_activities import post_check


def test_the_dates_bring_every_kind():
    assert {day_kind(day) for day in DAY_PUZZLE_DATES} == set(puzzles.kinds())


def answer_for(p):
    """The answer a visitor who solved it sends (a word search sends start and end of each word)."""
    if p.kind == "wordsearch":
        return [[found["start"], found["end"]] for found in p.solution]
    return p.solution


@pytest.mark.parametrize("day", DAY_PUZZLE_DATES, ids=str)
def test_puzzle_of_the_day_works_on(client, fixed_clock, day):
    fixed_clock.move_to(datetime(day.year, day.month, day.day, 11, 30, tzinfo=BERLIN))
    kind = day_kind(day)
    overview = client.get("/activities/").get_data(as_text=True)
    assert f"Rätsel des Tages: {KIND_NAMES[kind]}" in overview
    for level in puzzles.LEVELS:
        response = client.get(f"/activities/today/{level}")
        assert response.status_code == 302
        url = response.headers["Location"]
        path, _, query = url.partition("?")
        shown_kind, shown_level, size, seed = path.split("/")[2:]
        assert (shown_kind, shown_level, seed) == (kind, level, day.isoformat())
        page = client.get(url).get_data(as_text=True)
        assert 'data-board="' in page and "Rätsel des Tages" in page
        assert client.get(f"{path}/solution?{query}").status_code == 200
        assert 'class="sheet solution-sheet' in client.get(f"{path}/print?{query}").get_data(as_text=True)
        p = puzzles.puzzle_of_the_day(kind, day, level, int(size))
        assert post_check(client, url, {"answer": answer_for(p)}).json["solved"] is True
