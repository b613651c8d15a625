"""Pictures of the figures staff would rather look at: a calendar heat map of a year (a cell per
day) and an hours-of-the-week grid (weekday × hour), drawn here as SVG.

The drawing needs no request: each function takes plain numbers and returns SVG markup with a
title and a text alternative (``role="img"``, ``<title>``, ``<desc>``) and a ``<title>`` on every
cell, so a screen reader and a mouse pointer both get the figure; the page puts the same numbers
in a table beside the picture. The colour steps are relative to the largest value shown, and
each step also differs in lightness, so the picture reads in black-and-white print too.
"""

import math
from datetime import date, timedelta

from flask import Blueprint, abort, render_template, request
from markupsafe import Markup, escape

from kiosk import clock
from kiosk.security import staff_only
from kiosk.staff import reports
from kiosk.staff.views import format_number

bp = Blueprint("pictures", __name__, url_prefix="/admin/pictures")

# From "nothing counted" to the busiest cell: light to dark green, each step darker.
STEP_COLOURS = ("#eeeae2", "#c7e3d8", "#86c2aa", "#3d8f74", "#0b5d4b")
WEEKDAY_SHORT = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")
MONTH_SHORT = ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez")
CELL, GAP = 14, 3
EARLIEST_YEAR = 2000


def colour_step(value, top):
    """0 for nothing counted, else 1..4 by the value's share of the largest value shown."""
    if value <= 0 or top <= 0:
        return 0
    return min(4, max(1, math.ceil(4 * value / top)))


def step_ranges(top):
    """[(step, lowest, highest)] of the values each colour stands for, for the legend."""
    ranges = []
    for step in range(1, 5):
        values = [v for v in range(1, top + 1) if colour_step(v, top) == step]
        if values:
            ranges.append((step, values[0], values[-1]))
    return ranges


def _people(value):
    return "1 Person" if value == 1 else f"{format_number(value)} Personen"


def legend(top, x, y):
    parts = [f'<g class="legend" transform="translate({x},{y})">',
             f'<rect width="{CELL}" height="{CELL}" fill="{STEP_COLOURS[0]}" stroke="#b8b0a2"/>',
             f'<text x="{CELL + 4}" y="{CELL - 3}" font-size="12">0</text>']
    offset = CELL + 24
    for step, lowest, highest in step_ranges(top):
        label = format_number(lowest) if lowest == highest else f"{format_number(lowest)}–{format_number(highest)}"
        parts.append(f'<rect x="{offset}" width="{CELL}" height="{CELL}" fill="{STEP_COLOURS[step]}"/>')
        parts.append(f'<text x="{offset + CELL + 4}" y="{CELL - 3}" font-size="12">{label}</text>')
        offset += CELL + 12 + 8 * len(label)
    parts.append("</g>")
    return "".join(parts)


def svg_opened(width, height, css_class, name, title, summary):
    """The start of an accessible picture: its title and a summary a screen reader says instead."""
    return [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" class="{css_class}" role="img" aria-labelledby="{name}-title {name}-desc">',
            f'<title id="{name}-title">{escape(title)}</title>',
            f'<desc id="{name}-desc">{escape(summary)} Die Zahlen stehen in der Tabelle daneben.</desc>']


def year_heat_map(year, people_per_day):
    """The calendar of ``year``: a column per week (Monday on top), a cell per day, its colour the
    people counted that day ({date: people}); days without counts are the lightest colour."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    top = max((people_per_day.get(first + timedelta(n), 0) for n in range((last - first).days + 1)), default=0)
    left, above = 30, 20
    start_monday = first - timedelta(days=first.weekday())
    weeks = (last - start_monday).days // 7 + 1
    width, height = left + weeks * (CELL + GAP) + 10, above + 7 * (CELL + GAP) + 34
    counted = [(d, v) for d, v in people_per_day.items() if first <= d <= last and v]
    busiest = max(counted, key=lambda item: (item[1], -item[0].toordinal()), default=None)
    summary = (f"{len(counted)} Tage mit Zahlen, zusammen {_people(sum(v for _, v in counted))}"
               + (f"; am meisten am {busiest[0]:%d.%m.%Y} ({_people(busiest[1])})." if busiest else "."))
    parts = svg_opened(width, height, "heat-map", "heat", f"Personen pro Tag im Jahr {year}", summary)
    for row, name in enumerate(WEEKDAY_SHORT):
        if row % 2 == 0:
            parts.append(f'<text x="0" y="{above + row * (CELL + GAP) + CELL - 3}" font-size="12">{name}</text>')
    for month in range(1, 13):
        column = (date(year, month, 1) - start_monday).days // 7
        parts.append(f'<text x="{left + column * (CELL + GAP)}" y="12" font-size="12">{MONTH_SHORT[month - 1]}</text>')
    day = first
    while day <= last:
        value = people_per_day.get(day, 0)
        column, row = (day - start_monday).days // 7, day.weekday()
        parts.append(
            f'<rect x="{left + column * (CELL + GAP)}" y="{above + row * (CELL + GAP)}" width="{CELL}" '
            f'height="{CELL}" rx="2" fill="{STEP_COLOURS[colour_step(value, top)]}" data-day="{day}">'
            f'<title>{WEEKDAY_SHORT[day.weekday()]} {day:%d.%m.%Y}: {_people(value)}</title></rect>')
        day += timedelta(days=1)
    parts.append(legend(top, left, above + 7 * (CELL + GAP) + 12))
    parts.append("</svg>")
    return Markup("".join(parts))


def shown_hours(grid, earliest=8, latest=19):
    """The hours the grid shows: 8–19 Uhr, widened to every hour that has counts."""
    counted = [hour for row in grid for hour, value in enumerate(row) if value]
    return range(min([earliest, *counted]), max([latest, *counted]) + 1)


def week_grid(grid, title):
    """Weekday (rows, Monday first) × hour (columns): the people counted in each hour of the week
    over a range, from reports.people_by_weekday_and_hour()."""
    hours = shown_hours(grid)
    top = max(max(row) for row in grid)
    left, above = 30, 20
    width = left + len(hours) * (CELL * 2 + GAP) + 10
    height = above + 7 * (CELL + GAP) + 34
    busiest = max(((day, hour) for day in range(7) for hour in range(24)), key=lambda c: grid[c[0]][c[1]])
    summary = ("Noch keine Zahlen." if not top else
               f"Am meisten {WEEKDAY_SHORT[busiest[0]]} {busiest[1]:02d}–{busiest[1] + 1:02d} Uhr "
               f"({_people(top)}).")
    parts = svg_opened(width, height, "week-grid", "grid", title, summary)
    for index, hour in enumerate(hours):
        if index % 2 == 0:
            parts.append(f'<text x="{left + index * (CELL * 2 + GAP)}" y="12" font-size="12">{hour}</text>')
    for row, name in enumerate(WEEKDAY_SHORT):
        y = above + row * (CELL + GAP)
        parts.append(f'<text x="0" y="{y + CELL - 3}" font-size="12">{name}</text>')
        for index, hour in enumerate(hours):
            value = grid[row][hour]
            parts.append(
                f'<rect x="{left + index * (CELL * 2 + GAP)}" y="{y}" width="{CELL * 2}" height="{CELL}" rx="2" '
                f'fill="{STEP_COLOURS[colour_step(value, top)]}" data-cell="{row}-{hour}">'
                f'<title>{name} {hour:02d}–{hour + 1:02d} Uhr: {_people(value)}</title></rect>')
    parts.append(legend(top, left, above + 7 * (CELL + GAP) + 12))
    parts.append("</svg>")
    return Markup("".join(parts))


# --- the staff page ------------------------------------------------------------------------------


bp.before_request(staff_only)  # Figures are for the team: staff only.


@bp.get("/")
def overview():
    today = clock.berlin_now().date()
    try:
        year = int(request.args.get("year", today.year))
    except ValueError:
        abort(400)
    if not EARLIEST_YEAR <= year <= today.year:
        abort(400)
    first, last = date(year, 1, 1), min(date(year, 12, 31), today)
    per_day = {day: fig["people"] for day, fig in reports.daily(first, last).items()}
    grid = reports.people_by_weekday_and_hour(first, last)
    hours = shown_hours(grid)
    months = [[per_day.get(date(year, month, d)) if _is_day(year, month, d) else None
               for d in range(1, 32)] for month in range(1, 13)]
    return render_template(
        "admin/pictures.html",
        year=year,
        today=today,
        heat_map=year_heat_map(year, per_day),
        week_grid=week_grid(grid, f"Personen nach Wochentag und Uhrzeit im Jahr {year}"),
        grid=grid,
        hours=hours,
        months=months,
        month_names=MONTH_SHORT,
        weekday_names=WEEKDAY_SHORT,
        years=range(today.year, max(EARLIEST_YEAR, today.year - 5) - 1, -1),
    )


def _is_day(year, month, day):
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True
