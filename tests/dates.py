"""Dates the puzzle-of-the-day tests walk: a spread over a year, and the days that break calendars."""

from datetime import date, timedelta

# Every ninth day over a year (nine and the five puzzle kinds share no factor, so every kind comes
# up eight times), and the awkward ones: the clock changes in Berlin, a leap day, the year's ends.
SPREAD = [date(2027, 1, 1) + timedelta(days=9 * i) for i in range(40)]
AWKWARD = [date(2027, 3, 28), date(2027, 10, 31), date(2028, 2, 29), date(2027, 12, 31), date(2028, 1, 1)]
DAY_PUZZLE_DATES = SPREAD + AWKWARD
