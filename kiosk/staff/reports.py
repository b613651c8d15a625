"""Named queries over the hourly counts, returning plain data for templates and exports."""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from typing import ClassVar
from datetime import date, timedelta

from flask import abort
from peewee import fn

from kiosk.checkin import wishes
from kiosk.checkin.counting import (
    AGE_BANDS,
    DOUBTFUL,
    GROUP_SIZES,
    MANUAL_KINDS,
    NORMAL,
    OFF_HOURS,
    REASONS,
    UNENROLLED,
)
from kiosk.checkin.dropin import dropin_schedule
from kiosk.checkin.labels import REASON_SHORT
from kiosk.clock import WEEKDAYS, utcnow
from kiosk.db import database
from kiosk.models import WHOLE_DAY, Activity, Category, Count, DaySum, LateCheckin, Poll, Service, Tablet
from kiosk.offers.directory import HELP, OFFER
from kiosk.spreadsheet import csv_cell
from kiosk.staff.targets import number


def flags_shown(doubtful=False, off_hours=False, unenrolled=False):
    """Reports count the drop-in hour by default; staff may add the doubtful, off-hours and
    not-from-the-tablet counts."""
    return ([NORMAL] + ([DOUBTFUL] if doubtful else []) + ([OFF_HOURS] if off_hours else [])
            + ([UNENROLLED] if unenrolled else []))


def _sums(first, last, flags, *keys):
    """SUM(value) grouped by ``keys`` and metric, for days first..last (both included), of the
    metrics figures() reads: a day's offers, languages and puzzles need not leave the database."""
    query = (
        DaySum.select(*keys, DaySum.metric, fn.SUM(DaySum.value).alias("total"))
        .where(DaySum.day.between(first, last) & DaySum.flag.in_(flags) & DaySum.metric.in_(FIGURE_METRICS))
        .group_by(*keys, DaySum.metric)
    )
    # The plain cursor rows: peewee's row conversion took half of the History page's database
    # time for a year's few thousand rows. Days may come back as text (SQLite); see _as_date.
    return database.execute_sql(*query.sql()).fetchall()


FIGURE_METRICS = (["people", "checkin", "first_visit:yes", "first_visit:no"]
                  + [f"group_size:{n}" for n in GROUP_SIZES if n > 1] + [f"reason:{r}" for r in REASONS]
                  + [f"manual:{k}" for k in MANUAL_KINDS if k != "people"])  # what figures() reads


def figures(values):
    """The headline figures from {metric: total}."""
    return {
        "people": values.get("people", 0),
        "checkins": values.get("checkin", 0),
        "groups": sum(values.get(f"group_size:{n}", 0) for n in GROUP_SIZES if n > 1),
        "first_visits": values.get("first_visit:yes", 0),
        "returning": values.get("first_visit:no", 0),
        "reasons": {r: values.get(f"reason:{r}", 0) for r in REASONS},
        "manual": {k: values.get(f"manual:{k}", 0) for k in MANUAL_KINDS if k != "people"},
    }


def totals(first, last, flags=(NORMAL,)):
    return figures({metric: total for metric, total in _sums(first, last, flags)})


def set_apart(first, last):
    """How many check-ins were kept apart: doubtful, outside the drop-in hour, not from a tablet."""
    rows = (
        DaySum.select(DaySum.flag, fn.SUM(DaySum.value))
        .where(DaySum.day.between(first, last) & (DaySum.metric == "checkin")
               & DaySum.flag.in_([DOUBTFUL, OFF_HOURS, UNENROLLED]))
        .group_by(DaySum.flag)
        .tuples()
    )
    found = dict(rows)
    return {"doubtful": found.get(DOUBTFUL, 0), "off_hours": found.get(OFF_HOURS, 0),
            "unenrolled": found.get(UNENROLLED, 0)}


def most_counted(prefix, first, last, limit=10):
    """[(name, total)] of the metrics "prefix:name" counted most often, e.g. most_counted("offer")."""
    rows = (
        DaySum.select(DaySum.metric, fn.SUM(DaySum.value).alias("total"))
        .where(DaySum.day.between(first, last) & DaySum.metric.startswith(prefix + ":")
               & (DaySum.flag == NORMAL))
        .group_by(DaySum.metric)
        .order_by(fn.SUM(DaySum.value).desc(), DaySum.metric)
        .limit(limit)
        .tuples()
    )
    return [(metric[len(prefix) + 1:], total) for metric, total in rows]


LANGUAGE_LABELS = {"de": "Deutsch", "en": "Englisch", "tr": "Türkisch", "ar": "Arabisch"}
AGE_LABELS = {"child": "Kind (0–17)", "adult": "Erwachsen (18–64)", "senior": "65 und älter"}


def counted_by_key(prefix, first, last, flags=(NORMAL,)):
    """{name: total} of the metrics "prefix:name" (every source), e.g. the screen languages
    ("language") or the age bands ("age") of a range. Each is counted alone, so this is all
    there is to know about them: no answer can be put beside another."""
    rows = (
        DaySum.select(DaySum.metric, fn.SUM(DaySum.value))
        .where(DaySum.day.between(first, last) & DaySum.metric.startswith(prefix + ":")
               & DaySum.flag.in_(flags))
        .group_by(DaySum.metric)
        .tuples()
    )
    return {metric[len(prefix) + 1:]: total for metric, total in rows}


def metrics_per_day(first, last, prefixes, flags=(NORMAL,), metrics=()):
    """{day: {metric: total}} of the metrics that start with one of ``prefixes`` ("language:",
    "age:") or are named in ``metrics``, for the days that have any. One pass over the range:
    each query reads every day sum of its days (the index leads with the day), whatever the metric."""
    wanted = DaySum.metric.in_(list(metrics)) if metrics else None
    for prefix in prefixes:
        wanted = DaySum.metric.startswith(prefix) if wanted is None else wanted | DaySum.metric.startswith(prefix)
    query = (
        DaySum.select(DaySum.day, DaySum.metric, fn.SUM(DaySum.value))
        .where(DaySum.day.between(first, last) & wanted & DaySum.flag.in_(flags))
        .group_by(DaySum.day, DaySum.metric)
    )
    found = defaultdict(dict)
    for day, metric, total in database.execute_sql(*query.sql()).fetchall():  # plain rows, as _sums
        found[_as_date(day)][metric] = total
    return dict(found)


def per_month(per_day):
    """{first day of month: {metric: total}} from {day: {metric: total}}."""
    months = defaultdict(lambda: defaultdict(int))
    for day, by_metric in per_day.items():
        for metric, total in by_metric.items():
            months[day.replace(day=1)][metric] += total
    return {month: dict(by_metric) for month, by_metric in months.items()}


def shown_languages(counted, languages=tuple(LANGUAGE_LABELS)):
    """The languages a table shows: the kiosk's own in their order, then any other counted
    (a language since removed from the settings), so no count is dropped."""
    return list(languages) + sorted(set(counted) - set(languages))


def counted_by_key_and_hour(prefix, day, flags=(NORMAL,)):
    """{name: {hour: total}} of the metrics "prefix:name" on one day: the screen languages per hour."""
    rows = (
        Count.select(Count.metric, Count.hour, fn.SUM(Count.value))
        .where((Count.day == day) & Count.metric.startswith(prefix + ":") & Count.flag.in_(flags))
        .group_by(Count.metric, Count.hour)
        .tuples()
    )
    found = defaultdict(dict)
    for metric, hour, total in rows:
        found[metric[len(prefix) + 1:]][hour] = total
    return dict(found)


def reach(first, last, flags=(NORMAL,), languages=tuple(LANGUAGE_LABELS), hours_of=None):
    """Screen languages and age bands of a range for the Today and History pages; with
    ``hours_of`` (a day) also the languages per hour of that day."""
    counted = counted_by_key("language", first, last, flags)
    shown = shown_languages(counted, languages)
    language_rows = [(code, LANGUAGE_LABELS.get(code, code), counted.get(code, 0)) for code in shown]
    ages = counted_by_key("age", first, last, flags)
    hours = []
    if hours_of is not None:
        per_hour_ = counted_by_key_and_hour("language", hours_of, flags)
        for hour in sorted({h for by_hour in per_hour_.values() for h in by_hour}):
            name = "ohne Uhrzeit" if hour == WHOLE_DAY else f"{hour:02d}:00–{hour + 1:02d}:00"
            hours.append((name, [per_hour_.get(code, {}).get(hour, 0) for code in shown]))
    total = sum(counted.values())
    return {
        "languages": language_rows if total else [],
        "language_total": total or 1,
        "ages": [(band, AGE_LABELS[band], ages.get(band, 0)) for band in AGE_BANDS],
        "language_hours": hours,
    }


def small_number(value, threshold):
    """The small-number rule for figures that leave the team: a count of one hour (or one day,
    the drop-in is one hour a week) from 1 to ``threshold - 1`` is shown as "< threshold", so
    nobody can be picked out ("the only Arabic check-in on Thursday at 11"). Zero stays 0 (it
    names nobody); monthly and yearly totals are never passed through here and stay exact.
    A threshold of 0 or 1 switches the rule off."""
    return f"< {threshold}" if 0 < value < threshold else value


def per_hour(day, metric):
    """{hour: total} of one metric on one day as the reports count it (every source, the drop-in
    hour's flag), WHOLE_DAY for what was entered without an hour."""
    rows = (
        Count.select(Count.hour, fn.SUM(Count.value))
        .where((Count.day == day) & (Count.metric == metric) & (Count.flag == NORMAL))
        .group_by(Count.hour)
        .tuples()
    )
    return dict(rows)


def people_by_hour(day, flags=(NORMAL,)):
    """People per hour 0..23 (hours without counts are 0), plus those entered without an hour."""
    hours = [0] * 24
    without_hour = 0
    rows = (
        Count.select(Count.hour, fn.SUM(Count.value))
        .where((Count.day == day) & (Count.metric == "people") & Count.flag.in_(flags))
        .group_by(Count.hour)
        .tuples()
    )
    for hour, total in rows:
        if hour == WHOLE_DAY:
            without_hour += total
        else:
            hours[hour] += total
    return hours, without_hour


def people_by_weekday_and_hour(first, last, flags=(NORMAL,)):
    """People per weekday (Monday first) and hour 0..23 over a range: the hours-of-the-week grid.
    What staff entered without an hour is left out (it has no place in the grid)."""
    grid = [[0] * 24 for _ in range(7)]
    rows = (
        Count.select(Count.day, Count.hour, fn.SUM(Count.value))
        .where(Count.day.between(first, last) & (Count.metric == "people") & Count.flag.in_(flags)
               & (Count.hour != WHOLE_DAY))
        .group_by(Count.day, Count.hour)
        .tuples()
    )
    for day, hour, total in rows:
        grid[_as_date(day).weekday()][hour] += total
    return grid


def same_weekday_before(day, weeks=4, flags=(NORMAL,)):
    """The people count on the same weekday of the weeks before, oldest first."""
    days = [day - timedelta(weeks=n) for n in range(weeks, 0, -1)]
    per_day = daily(days[0], days[-1], flags)
    return [(d, per_day.get(d, figures({}))["people"]) for d in days]


def daily(first, last, flags=(NORMAL,)):
    """{day: figures} for every day that has counts."""
    values = defaultdict(dict)
    for day, metric, total in _sums(first, last, flags, DaySum.day):
        values[day][metric] = total  # each day read once as a date, not once per metric
    return {_as_date(day): figures(v) for day, v in sorted(values.items())}


def every_day(first, last, flags=(NORMAL,)):
    """[(day, figures)] for each day of the range, empty days included, so charts have no gaps."""
    per_day = daily(first, last, flags)
    empty = figures({})
    span = (last - first).days + 1
    return [(d, per_day.get(d, empty)) for d in (first + timedelta(n) for n in range(span))]


def has_counts(fig):
    """Whether anything at all was counted on a day: the tablet was in use or the team entered
    something. A day without a single count was no drop-in day (before the kiosk came, closed)."""
    return bool(fig["people"] or fig["checkins"] or any(fig["reasons"].values())
                or any(fig["manual"].values()))


def days_table(days):
    """History's table of the days with counts, from every_day(): [(weekday and date, people,
    check-ins, groups, first visits)] as printed ("Do 19.11.2026", "1.234"). Made here: in the
    template a year's rows were half of the page's rendering."""
    return [(f"{WEEKDAYS[day.weekday()][:2]} {day:%d.%m.%Y}", number(fig["people"]), number(fig["checkins"]),
             number(fig["groups"]), number(fig["first_visits"])) for day, fig in days if has_counts(fig)]


def by_weekday(days):
    """People per weekday (Monday first) from every_day(): the total, the days with counts, and
    the mean over those days only, so weeks before the kiosk was used do not dilute it."""
    totals_ = [0] * 7
    counted_days = [0] * 7
    for day, fig in days:
        totals_[day.weekday()] += fig["people"]
        counted_days[day.weekday()] += has_counts(fig)
    return [
        {"weekday": WEEKDAYS[n], "people": totals_[n], "days": counted_days[n],
         "mean": totals_[n] / counted_days[n] if counted_days[n] else None}
        for n in range(7)
    ]


def added_up(many):
    """One figures() dict that is the sum of several (days into a month or a whole range)."""
    total = figures({})
    for fig in many:
        for key in ("people", "checkins", "groups", "first_visits", "returning"):
            total[key] += fig[key]
        for group in ("reasons", "manual"):
            for key, value in fig[group].items():
                total[group][key] += value
    return total


def by_month(days):
    """[(first day of month, figures)] from every_day(), for reports over long ranges."""
    months = {}
    for day, fig in days:
        months.setdefault(day.replace(day=1), []).append(fig)
    return [(month, added_up(figs)) for month, figs in months.items()]


def _as_date(value):
    return value if isinstance(value, date) else date.fromisoformat(str(value))


CSV_MANUAL_LABELS = {
    "outreach": "Kontakte unterwegs", "kaffeeklatsch": "Kaffeeklatsch", "flyers": "Flyer",
    "referrals": "Vermittlungen", "digital_help": "Digitale Hilfe (Team)",
}


def reach_per_day(first, last, flags=(NORMAL,)):
    """{day: {metric: total}} of the screen languages and age bands, for History's downloads."""
    return metrics_per_day(first, last, ("language:", "age:"), flags)


def reach_columns(found, languages=tuple(LANGUAGE_LABELS)):
    """(header, cells) of the screen languages and age bands from reach_per_day() (or its
    per_month()): a column per language ("Sprache: Türkisch") and per age band ("Alter: Kind
    (0–17)"); cells(day or month) gives a row's values."""
    counted = {metric.split(":", 1)[1] for by_metric in found.values() for metric in by_metric
               if metric.startswith("language:")}
    metrics = ([f"language:{code}" for code in shown_languages(counted, languages)]
               + [f"age:{band}" for band in AGE_BANDS])
    header = [f"Sprache: {LANGUAGE_LABELS.get(m[9:], m[9:])}" if m.startswith("language:")
              else f"Alter: {AGE_LABELS[m[4:]]}" for m in metrics]

    def cells(key):
        return [found.get(key, {}).get(metric, 0) for metric in metrics]
    return header, cells


def daily_table(first, last, flags=(NORMAL,), languages=tuple(LANGUAGE_LABELS), reach=None):
    """(header, rows) of the per-day figures, one row for every day; the first cell is the date.
    ``reach``: reach_per_day() of the range when the caller has it already."""
    reach_header, reach_cells = reach_columns(reach_per_day(first, last, flags) if reach is None else reach, languages)
    header = (["Datum", "Wochentag", "Personen", "Check-ins", "Gruppen", "Erstbesuche"]
              + [f"Anlass: {REASON_SHORT[r]}" for r in REASONS]
              + [CSV_MANUAL_LABELS[k] for k in CSV_MANUAL_LABELS] + reach_header)
    rows = [[day, WEEKDAYS[day.weekday()], fig["people"], fig["checkins"], fig["groups"], fig["first_visits"]]
            + [fig["reasons"][r] for r in REASONS]
            + [fig["manual"][k] for k in CSV_MANUAL_LABELS] + reach_cells(day)
            for day, fig in every_day(first, last, flags)]
    return header, rows


def csv_report(first, last, flags=(NORMAL,), languages=tuple(LANGUAGE_LABELS)) -> str:
    """Per-day figures as CSV that German Excel and LibreOffice open correctly.

    Semicolons (Excel in German uses the comma for decimals), CRLF, and a UTF-8 byte order mark
    so Excel shows umlauts instead of guessing Windows-1252.
    """
    header, rows = daily_table(first, last, flags, languages)
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(
        [csv_cell(cell) for cell in row]
        for row in [header] + [[row[0].strftime("%d.%m.%Y"), *row[1:]] for row in rows])
    return "\ufeff" + out.getvalue()


def history_range(args, today):
    """The range from the query string: a quick pick or from/to dates; a bad value is a 400."""
    pick = args.get("range", "week")
    if pick == "week":
        return today - timedelta(days=today.weekday()), today
    if pick == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if pick == "month":
        return today.replace(day=1), today
    if pick == "year":
        return today.replace(month=1, day=1), today
    if pick == "custom":
        try:
            first = date.fromisoformat(args.get("from", ""))
            last = date.fromisoformat(args.get("to", ""))
        except ValueError:
            abort(400)
        if first > last or (last - first).days > 3700:
            abort(400)
        return first, last
    abort(400)


def most_asked(first, last):
    """The most viewed entries, codes and slips, and the most opened categories and topics."""
    names = {}

    def entries(prefix):
        rows = most_counted(prefix, first, last)
        ids = [int(key) for key, _ in rows if key.isdigit()]
        names.update({s.id: s.name for s in Service.select().where(Service.id.in_(ids))})
        return [(names.get(int(key), f"gelöscht (#{key})") if key.isdigit() else key, total)
                for key, total in rows]

    def terms(prefix, kind):
        labels = {c.key: c.name for c in Category.select().where(Category.kind == kind)}
        return [(labels.get(key, key), total) for key, total in most_counted(prefix, first, last)]

    return {
        "Einträge angesehen": entries("service_viewed"),
        "QR-Code groß gezeigt": entries("qr_shown"),
        "Zettel gedruckt": entries("slip_printed"),
        "Kategorien (Angebote)": terms("offer_category", OFFER),
        "Themen (Hilfe)": terms("help_topic", HELP),
    }


SILENT_AFTER = timedelta(minutes=5)


def today_status(now):
    """Each enrolled tablet: minutes since its last heartbeat, whether that is a warning (silent for
    more than SILENT_AFTER while the drop-in hour is open), and how many check-ins it delivered
    late today."""
    open_now = dropin_schedule(now.date()).is_open(now)
    late = dict(LateCheckin.select(LateCheckin.tablet, fn.COUNT(LateCheckin.id))
                .where(LateCheckin.received == now.date()).group_by(LateCheckin.tablet).tuples())
    rows = []
    for tablet in Tablet.select().where(Tablet.revoked.is_null() & Tablet.enrolled.is_null(False)).order_by(Tablet.name):
        silent = utcnow() - tablet.last_seen if tablet.last_seen else None
        rows.append({
            "name": tablet.name,
            "last_seen": tablet.last_seen,
            "late": late.get(tablet.id, 0),
            "minutes": int(silent.total_seconds() // 60) if silent is not None else None,
            "warning": open_now and (silent is None or silent > SILENT_AFTER),
        })
    return rows


def a_year_before(day: date) -> date:
    """The same day a year earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


# --- The funder's report (kiosk/staff/funding.py) ---------------------------------------------

# What a target can be set for: {key: the German plural the plain-words line uses}.
FUNDER_METRICS = {
    "visits": "Besuche", "first_visits": "Erstbesuche", "outreach": "Kontakte unterwegs",
    "kaffeeklatsch_people": "Personen beim Kaffeeklatsch", "referrals": "Vermittlungen",
    "digital_help": "digitale Hilfen", "activities": "Aktivitäten",
    "kaffeeklatsch_sessions": "Kaffeeklatsch-Termine", "outreach_days": "Einsätze im Kiez",
}
# The counted metric behind each figure, or the activity kind counted (None: every kind).
FROM_COUNTS = {
    "visits": "people", "first_visits": "first_visit:yes", "outreach": "manual:outreach",
    "kaffeeklatsch_people": "manual:kaffeeklatsch", "referrals": "manual:referrals",
    "digital_help": "manual:digital_help",
}
FROM_ACTIVITIES = {"activities": None, "kaffeeklatsch_sessions": "kaffeeklatsch", "outreach_days": "outreach"}


def funder_daily(first, last, keys) -> dict:
    """{funder metric: {day: total}} for first..last: counts as the reports count them (the
    drop-in hour from the tablets, and the team's entries), activities one each."""
    keys = list(keys)
    result = {key: defaultdict(int) for key in keys}
    wanted = {FROM_COUNTS[key]: key for key in keys if key in FROM_COUNTS}
    if wanted:
        rows = (DaySum.select(DaySum.day, DaySum.metric, fn.SUM(DaySum.value))
                .where(DaySum.day.between(first, last) & DaySum.metric.in_(list(wanted)) & (DaySum.flag == NORMAL))
                .group_by(DaySum.day, DaySum.metric).tuples())
        for day, metric, total in rows:
            result[wanted[metric]][_as_date(day)] += total
    activity_keys = [key for key in keys if key in FROM_ACTIVITIES]
    if activity_keys:
        rows = (Activity.select(Activity.day, Activity.kind, fn.COUNT(Activity.id))
                .where(Activity.day.between(first, last)).group_by(Activity.day, Activity.kind).tuples())
        for day, kind, held in rows:
            for key in activity_keys:
                if FROM_ACTIVITIES[key] in (None, kind):
                    result[key][_as_date(day)] += held
    return {key: dict(days) for key, days in result.items()}


def first_counted_day():
    """The first day anything was counted or an activity entered: when the kiosk came into use."""
    days = [Count.select(fn.MIN(Count.day)).where(Count.flag == NORMAL).scalar(),
            Activity.select(fn.MIN(Activity.day)).scalar()]
    days = [_as_date(day) for day in days if day is not None]
    return min(days) if days else None


def activities_in(first, last):
    """The activities held in first..last, oldest first."""
    return list(Activity.select().where(Activity.day.between(first, last)).order_by(Activity.day, Activity.id))


def activities_per_kind(activities):
    """[(kind, held, participants)] in the order the kinds first appear."""
    found = {}
    for activity in activities:
        held, people = found.get(activity.kind, (0, 0))
        found[activity.kind] = (held + 1, people + activity.participants)
    return [(kind, held, people) for kind, (held, people) in found.items()]


# --- How the target group rates the offer (issues 16 and 17): the rating polls of a range ------

RATING_MEAN_FROM = 10  # with fewer answers one or two visitors would swing the mean: none is shown


@dataclass
class Rating:
    """A rating poll's answers on the days of a range it ran, from the worst to the best."""

    poll: Poll
    first: date  # the poll's days within the range
    last: date
    rows: list  # [(PollAnswer, count)] in the order of the scale
    total: int
    set_apart: int  # bursts and taps from other devices, not in the counts
    mean_from: ClassVar[int] = RATING_MEAN_FROM

    @property
    def scale(self) -> int:
        return len(self.rows)

    @property
    def mean(self) -> float | None:
        """The mean on the scale 1..n (the worst answer 1), from RATING_MEAN_FROM answers on."""
        if self.total < RATING_MEAN_FROM:
            return None
        return sum(step * count for step, (_, count) in enumerate(self.rows, start=1)) / self.total

    def share(self, count) -> float | None:
        return count / self.total if self.total else None

    @property
    def line(self) -> str:
        """The result in plain German, for the report and its XLSX."""
        days = (f"am {self.first:%d.%m.%Y}" if self.first == self.last
                else f"vom {self.first:%d.%m.%Y} bis {self.last:%d.%m.%Y}")
        if not self.total:
            return f"Keine Stimmen {days}."
        line = f"{number(self.total)} {'Stimme' if self.total == 1 else 'Stimmen'} {days}."
        counts = [count for _, count in self.rows]
        if counts.count(max(counts)) == 1:
            answer, count = self.rows[counts.index(max(counts))]
            line += f" Am häufigsten: „{answer.word}“ ({number(count)} von {number(self.total)})."
        if self.mean is None:
            return line + f" Für einen Durchschnitt sind es zu wenige (erst ab {RATING_MEAN_FROM} Stimmen)."
        worst, best = self.rows[0][0].word, self.rows[-1][0].word
        return line + (f" Im Durchschnitt {self.mean:.1f}".replace(".", ",")
                       + f" auf der Skala von 1 („{worst}“) bis {self.scale} („{best}“).")


def ratings(first, last) -> list[Rating]:
    """Every rating poll that ran on a day of first..last, with the answers of those days."""
    polls = Poll.select().where(
        Poll.rating & (Poll.first <= last) & (Poll.last >= first)
        & (Poll.ended.is_null() | ((Poll.ended >= first) & (Poll.ended >= Poll.first)))
    ).order_by(Poll.first, Poll.id)
    return [rating_of(poll, first, last) for poll in polls]


def rating_of(poll, first, last) -> Rating:
    """A rating poll's answers on its days within first..last (up to the day staff ended it)."""
    ran_from, ran_to = max(poll.first, first), min(poll.last, poll.ended or poll.last, last)
    result = wishes.results(poll, ran_from, ran_to)
    return Rating(poll, ran_from, ran_to, result["rows"], result["total"], result["doubtful"] + result["unenrolled"])
