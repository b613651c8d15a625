"""The puzzle of the day on a year of dates, in Chromium: every day's board fits every tablet screen.

The route tests (tests/test_puzzle_of_the_day_dates.py) prove each date's pages answer; this walk
proves they look right, because a date makes its own puzzle and its own layout (a long word, a wide
clue row). The levels take turns over the dates, so every kind is seen at every level.
"""

from datetime import datetime

import puzzles
from kiosk.clock import BERLIN
from tests.browser.test_accessibility_browser import (
    SIZES,
    TOO_SMALL_TARGETS,
    sideways_scrolling,
)
from tests.dates import DAY_PUZZLE_DATES


def test_puzzle_of_the_day_fits_every_screen_on_every_date(page, server, fixed_clock):
    report = {}
    for number, day in enumerate(DAY_PUZZLE_DATES):
        fixed_clock.move_to(datetime(day.year, day.month, day.day, 11, 30, tzinfo=BERLIN))
        level = puzzles.LEVELS[number % len(puzzles.LEVELS)]
        page.set_viewport_size(SIZES[0])
        response = page.goto(f"{server}/activities/today/{level}")
        puzzle_url, problems = page.url, []
        if page.locator("[data-board]").count() != 1:
            problems.append(f"no board (HTTP {response.status}: {page.locator('main').inner_text()[:200]!r})")
        small = page.evaluate(TOO_SMALL_TARGETS)
        if small:
            problems.append(f"touch targets too small: {small}")
        for size in SIZES:
            page.set_viewport_size(size)
            if sideways_scrolling(page) > 1:
                problems.append(f"scrolls sideways at {size['width']}x{size['height']}")
        path, _, query = puzzle_url.partition("?")
        page.set_viewport_size(SIZES[0])
        page.goto(f"{path}/print?{query}")
        if sideways_scrolling(page) > 1:
            problems.append("print sheet scrolls sideways at 1280x800")
        if problems:
            report[f"{day} {level} {puzzle_url}"] = problems
    assert not report, "\n".join(f"{where}: {problems}" for where, problems in report.items())
