"""Targets of a funding period against what was counted: the plan per month, progress, the pace.

Pure calendar arithmetic on plain numbers ({day: count}); no Flask, no database, so the rules the
funder's report stands on are tested on their own (tests/test_targets.py).

A target is spread evenly over the days it covers: "900 a year" is 900/365 a day (900/366 in a
leap year), "80 a month" is 80/31 a day in October, "2,700 over the period" is 2,700 / its days.
So a period that starts or ends inside a year or a month plans only its own share of it.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

PER = {"year": "im Jahr", "month": "im Monat", "period": "im ganzen Zeitraum"}
MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
          "Oktober", "November", "Dezember")
CLOSE = 0.9  # a projection of at least 90 % of the goal is "knapp darunter", below it "hinter dem Plan"
STATUS = {
    "not_started": "der Zeitraum hat noch nicht begonnen",
    "no_data": "noch keine Zahlen",
    "reached": "erreicht",
    "on_track": "auf Kurs",
    "close": "knapp unter dem Plan",
    "behind": "hinter dem Plan",
    "missed": "nicht erreicht",
}


@dataclass(frozen=True)
class Progress:
    goal: float  # planned for the whole scope
    so_far: int  # counted from the scope's start to ``as_of``
    expected_so_far: float  # planned from the scope's start to ``as_of``
    projected: float | None  # where the scope ends at the pace since counting began
    status: str  # a key of STATUS
    first: date  # the scope: a calendar year of the period, or the whole period
    last: date
    as_of: date


def days_between(first: date, last: date) -> int:
    """Days from first to last, both included (0 when last is before first)."""
    return max(0, (last - first).days + 1)


def month_ranges(first: date, last: date):
    """[(first day, last day)] of every calendar month touched by first..last, clipped to it."""
    ranges = []
    start = first
    while start <= last:
        end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
        ranges.append((start, min(end, last)))
        start = end + timedelta(days=1)
    return ranges


def year_ranges(first: date, last: date):
    """[(first day, last day)] of every calendar year touched by first..last, clipped to it."""
    return [(max(first, date(year, 1, 1)), min(last, date(year, 12, 31)))
            for year in range(first.year, last.year + 1)]


def planned(amount: float, per: str, first: date, last: date, period_first: date, period_last: date) -> float:
    """What a target plans for the days first..last that lie inside the period."""
    first, last = max(first, period_first), min(last, period_last)
    if first > last:
        return 0.0
    if per == "period":
        return amount * days_between(first, last) / days_between(period_first, period_last)
    if per == "year":
        return sum(amount * days_between(a, b) / (366 if calendar.isleap(a.year) else 365)
                   for a, b in year_ranges(first, last))
    if per == "month":
        return sum(amount * days_between(a, b) / calendar.monthrange(a.year, a.month)[1]
                   for a, b in month_ranges(first, last))
    raise ValueError(f"unknown target unit {per!r}")


def counted(daily: dict, first: date, last: date) -> int:
    return sum(value for day, value in daily.items() if first <= day <= last)


def scope(per: str, period_first: date, period_last: date, as_of: date):
    """The stretch a target's plain-words line speaks of: for a yearly target the calendar year
    of ``as_of`` inside the period ("im Jahr 2026"), for the others the whole period."""
    if per == "year":
        year = min(max(as_of, period_first), period_last).year
        return max(period_first, date(year, 1, 1)), min(period_last, date(year, 12, 31))
    return period_first, period_last


def progress(amount, per, period_first, period_last, daily, today, began) -> Progress:
    """Progress of one target on ``today``.

    ``began`` is the first day anything was counted at all (the kiosk came into use), or None.
    The pace is what was counted per day since then, so a period that began before the kiosk was
    used is not projected from weeks in which nobody could count. The goal stays the full goal.
    """
    as_of = min(today, period_last)
    first, last = scope(per, period_first, period_last, as_of)
    goal = planned(amount, per, first, last, period_first, period_last)
    if as_of < period_first:
        return Progress(goal, 0, 0.0, None, "not_started", first, last, as_of)
    so_far = counted(daily, first, as_of)
    expected = planned(amount, per, first, as_of, period_first, period_last)
    pace_from = max(first, began) if began else None
    projected = None
    if pace_from is not None and pace_from <= as_of:
        rate = so_far / days_between(pace_from, as_of)
        projected = so_far + rate * days_between(as_of + timedelta(days=1), last)
    if as_of >= last:
        status = "reached" if so_far >= goal else "missed"
    elif so_far >= goal:
        status = "reached"
    elif projected is None:
        status = "no_data"
    elif projected >= goal:
        status = "on_track"
    elif projected >= CLOSE * goal:
        status = "close"
    else:
        status = "behind"
    return Progress(goal, so_far, expected, projected, status, first, last, as_of)


@dataclass(frozen=True)
class MonthRow:
    month: date  # the first day of the month (or of the period, in its first month)
    planned: float
    counted: int
    planned_total: float  # since the start of the period
    counted_total: int


def monthly(amount, per, period_first, period_last, daily, through: date) -> list[MonthRow]:
    """Planned and counted per month of the period up to the month of ``through``, and cumulated."""
    last_day = min(period_last, through)
    per_month = {}
    for day, value in daily.items():  # one pass over the days, not one per month
        if period_first <= day <= last_day:
            key = (day.year, day.month)
            per_month[key] = per_month.get(key, 0) + value
    rows = []
    planned_total, counted_total = 0.0, 0
    for first, last in month_ranges(period_first, last_day):
        plan = planned(amount, per, first, last, period_first, period_last)
        got = per_month.get((first.year, first.month), 0)
        planned_total += plan
        counted_total += got
        rows.append(MonthRow(first, plan, got, planned_total, counted_total))
    return rows


def number(value) -> str:
    """A whole figure in German: "1.234" (rounded half to even, as babel's "#,##0" does).

    Plain string formatting: a report has thousands of figures, and babel parses its pattern
    on every call."""
    return f"{value:,.0f}".replace(",", ".")


def until_words(day: date, scope_last: date) -> str:
    """ "bis Ende Oktober 2026" on a month's last day, else "bis zum 19.11.2026"."""
    if day == scope_last:
        return f"bis zum Ende ({day:%d.%m.%Y})"
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return f"bis Ende {MONTHS[day.month - 1]} {day.year}"
    return f"bis zum {day:%d.%m.%Y}"


def plain_line(label: str, amount: int, per: str, result: Progress) -> str:
    """One sentence a funder reads: "Ziel 900 Besuche im Jahr 2026: 612 bis Ende Oktober 2026, auf Kurs
    (beim jetzigen Tempo 1.010 bis 31.12.2026)"."""
    goal = f"Ziel {number(amount)} {label} {PER[per]}"
    if per == "year":
        goal += f" {result.first.year}"
        if days_between(result.first, result.last) < (366 if calendar.isleap(result.first.year) else 365):
            goal += f" (anteilig {result.first:%d.%m.}–{result.last:%d.%m.}: {number(result.goal)})"
    elif per == "month":
        goal += f" ({number(result.goal)} im ganzen Zeitraum)"
    if result.status == "not_started":
        return f"{goal}: {STATUS['not_started']} (Beginn {result.first:%d.%m.%Y})."
    line = f"{goal}: {number(result.so_far)} {until_words(result.as_of, result.last)}, {STATUS[result.status]}"
    if result.status in ("on_track", "close", "behind"):
        line += f" (beim jetzigen Tempo {number(result.projected)} bis {result.last:%d.%m.%Y})"
    elif result.status == "missed":
        line += f" ({number(result.so_far / result.goal * 100) if result.goal else 0} % des Ziels)"
    return line + "."
