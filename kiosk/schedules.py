"""Opening times of offers and help services, in Berlin local time.

Pure logic (no Flask, no database) so it can be tested on its own. The app stores a schedule as
JSON (`Schedule.to_dict` / `Schedule.from_dict`), shows it with `describe_next` and
`weekly_summary`, and exchanges it as Open Referral HSDS 3.0.1 (`to_hsds` / `from_hsds`).

All rule times are wall-clock times in Europe/Berlin. Python compares and subtracts two datetimes
that share a tzinfo by their wall-clock reading, which is wrong across the summer/winter time
change, so every comparison and duration here goes through UTC (`_utc`).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, NamedTuple

from babel import Locale
from babel.dates import format_skeleton, format_time, get_day_names

from kiosk.clock import BERLIN

HSDS_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # index = Python weekday


# --- validation helpers shared by the rule classes -------------------------------------------


def _check_weekday(weekday: Any) -> None:
    if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {weekday!r}")


def _check_time(value: Any, label: str) -> None:
    if not isinstance(value, time) or value.tzinfo is not None:
        raise ValueError(f"{label} must be a local time of day without time zone, got {value!r}")
    if value.second or value.microsecond:
        raise ValueError(f"{label} must be whole minutes, got {value.isoformat()}")


def _check_hours(opens: Any, closes: Any) -> None:
    """closes <= opens means "past midnight"; equal times are refused as a likely typo."""
    _check_time(opens, "opens")
    _check_time(closes, "closes")
    if opens == closes:
        raise ValueError(f"opens and closes are both {opens:%H:%M}: a window needs a length")


def _check_date(value: Any, label: str) -> None:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValueError(f"{label} must be a date, got {value!r}")


# --- the rules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeeklyRule:
    """Open every week on `weekday` (0 = Monday); several rules per day give split hours."""

    weekday: int
    opens: time
    closes: time

    def __post_init__(self) -> None:
        _check_weekday(self.weekday)
        _check_hours(self.opens, self.closes)

    def to_dict(self) -> dict[str, Any]:
        return {"weekday": self.weekday, "opens": _hhmm(self.opens), "closes": _hhmm(self.closes)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WeeklyRule:
        _check_keys(data, required=("weekday", "opens", "closes"))
        return cls(data["weekday"], _parse_time(data["opens"]), _parse_time(data["closes"]))


@dataclass(frozen=True)
class MonthlyRule:
    """Open on the `nth` `weekday` of every month ("2nd Tuesday"); nth = -1 means the last."""

    nth: int
    weekday: int
    opens: time
    closes: time

    def __post_init__(self) -> None:
        if isinstance(self.nth, bool) or self.nth not in (1, 2, 3, 4, -1):
            raise ValueError(f"nth must be 1, 2, 3, 4 or -1 (last), got {self.nth!r}")
        _check_weekday(self.weekday)
        _check_hours(self.opens, self.closes)

    def falls_on(self, day: date) -> bool:
        if day.weekday() != self.weekday:
            return False
        if self.nth == -1:  # last: a week later is already next month (also in 5-week months)
            return (day + timedelta(days=7)).month != day.month
        return (day.day - 1) // 7 + 1 == self.nth

    def to_dict(self) -> dict[str, Any]:
        return {
            "nth": self.nth,
            "weekday": self.weekday,
            "opens": _hhmm(self.opens),
            "closes": _hhmm(self.closes),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MonthlyRule:
        _check_keys(data, required=("nth", "weekday", "opens", "closes"))
        return cls(
            data["nth"], data["weekday"], _parse_time(data["opens"]), _parse_time(data["closes"])
        )


@dataclass(frozen=True)
class DatedException:
    """Dates `first`..`last` (inclusive) that replace the regular rules: closed, or special hours.

    When several exceptions cover a day, the day's hours are those of the ones that are not
    closed, so "closed 24.12.–2.1." plus "30.12. 10–12" opens on the 30th only.
    """

    first: date
    last: date
    closed: bool = True
    opens: time | None = None
    closes: time | None = None
    note: str = ""

    def __post_init__(self) -> None:
        _check_date(self.first, "first")
        _check_date(self.last, "last")
        if self.first > self.last:
            raise ValueError(f"first ({self.first}) is after last ({self.last})")
        if not isinstance(self.closed, bool):
            raise ValueError(f"closed must be true or false, got {self.closed!r}")
        if self.closed and (self.opens is not None or self.closes is not None):
            raise ValueError("a closed exception has no opens/closes times")
        if not self.closed:
            _check_hours(self.opens, self.closes)
        if not isinstance(self.note, str):
            raise ValueError(f"note must be text, got {self.note!r}")

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last

    def to_dict(self) -> dict[str, Any]:
        return {
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "closed": self.closed,
            "opens": None if self.opens is None else _hhmm(self.opens),
            "closes": None if self.closes is None else _hhmm(self.closes),
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DatedException:
        _check_keys(
            data, required=("first", "last"), optional=("closed", "opens", "closes", "note")
        )
        return cls(
            first=_parse_date(data["first"]),
            last=_parse_date(data["last"]),
            closed=data.get("closed", True),
            opens=None if data.get("opens") is None else _parse_time(data["opens"]),
            closes=None if data.get("closes") is None else _parse_time(data["closes"]),
            note=data.get("note", ""),
        )


class Window(NamedTuple):
    """One concrete opening, as aware datetimes in Berlin time (end exclusive)."""

    start: datetime
    end: datetime

    def contains(self, moment: datetime) -> bool:
        return _utc(self.start) <= _utc(moment) < _utc(self.end)

    @property
    def duration(self) -> timedelta:
        """Real elapsed time: 01:00–04:00 on the spring-forward night lasts 2 hours."""
        return _utc(self.end) - _utc(self.start)


@dataclass(frozen=True)
class Schedule:
    """All opening rules of one offer; lists are accepted and stored as tuples."""

    weekly: Sequence[WeeklyRule] = ()
    monthly: Sequence[MonthlyRule] = ()
    exceptions: Sequence[DatedException] = ()

    def __post_init__(self) -> None:
        for name, rule_type in (
            ("weekly", WeeklyRule),
            ("monthly", MonthlyRule),
            ("exceptions", DatedException),
        ):
            rules = tuple(getattr(self, name))
            if not all(isinstance(rule, rule_type) for rule in rules):
                raise TypeError(f"{name} must only hold {rule_type.__name__} items")
            object.__setattr__(self, name, rules)

    def windows_on(self, day: date) -> list[Window]:
        """The opening windows that start on `day`, after exceptions, overlaps merged."""
        covering = [exception for exception in self.exceptions if exception.covers(day)]
        if covering:
            hours = [(e.opens, e.closes) for e in covering if not e.closed]
        else:
            hours = [(r.opens, r.closes) for r in self.weekly if r.weekday == day.weekday()]
            hours += [(r.opens, r.closes) for r in self.monthly if r.falls_on(day)]
        windows = [_window(day, opens, closes) for opens, closes in hours]
        return _merge_overlapping([window for window in windows if window is not None])

    def is_open(self, at: datetime) -> bool:
        return any(window.contains(at) for window in self._windows_from_day_before(at, 0))

    def open_today(self, day: date) -> bool:
        """True when some window starts on `day` (for the "today" filter of the offer list)."""
        return bool(self.windows_on(day))

    def next_opening(self, after: datetime, horizon_days: int = 70) -> Window | None:
        """The window open at `after`, else the next one to start within `horizon_days`."""
        after_utc = _utc(after)
        for window in self._windows_from_day_before(after, horizon_days):
            if _utc(window.end) > after_utc:
                return window
        return None

    def _windows_from_day_before(self, moment: datetime, days_ahead: int) -> Iterator[Window]:
        """Windows in start order, beginning the day before (it may run past midnight)."""
        first_day = _utc(moment).astimezone(BERLIN).date() - timedelta(days=1)
        for offset in range(days_ahead + 2):
            yield from self.windows_on(first_day + timedelta(days=offset))

    def to_dict(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "weekly": [rule.to_dict() for rule in self.weekly],
            "monthly": [rule.to_dict() for rule in self.monthly],
            "exceptions": [exception.to_dict() for exception in self.exceptions],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Schedule:
        """Build from JSON-able data; ValueError names the faulty entry, e.g. "weekly[2]: …"."""
        _check_keys(data, optional=("weekly", "monthly", "exceptions"))
        return cls(
            weekly=_parse_list(data, "weekly", WeeklyRule.from_dict),
            monthly=_parse_list(data, "monthly", MonthlyRule.from_dict),
            exceptions=_parse_list(data, "exceptions", DatedException.from_dict),
        )


# --- concrete moments -------------------------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone; use e.g. datetime.now(BERLIN)")
    return moment.astimezone(timezone.utc)


def _berlin_moment(day: date, wall_time: time) -> datetime:
    """Berlin time on `day`; a time skipped in spring (02:15) becomes one hour later (03:15)."""
    wall_clock = datetime.combine(day, wall_time, tzinfo=BERLIN)
    return wall_clock.astimezone(timezone.utc).astimezone(BERLIN)


def _window(day: date, opens: time, closes: time) -> Window | None:
    """None when nothing is left of it: 02:30–03:00 on the spring-forward night, where 02:30
    means the real moment 03:30 (as if the clock had not been put forward yet)."""
    end_day = day if closes > opens else day + timedelta(days=1)
    window = Window(_berlin_moment(day, opens), _berlin_moment(end_day, closes))
    return window if window.duration > timedelta(0) else None


def _merge_overlapping(windows: list[Window]) -> list[Window]:
    """Sort by start and join overlapping or touching windows (9–12 and 11–14 give 9–14)."""
    merged: list[Window] = []
    for window in sorted(windows, key=lambda w: _utc(w.start)):
        if merged and _utc(window.start) <= _utc(merged[-1].end):
            latest_end = max(merged[-1].end, window.end, key=_utc)
            merged[-1] = Window(merged[-1].start, latest_end)
        else:
            merged.append(window)
    return merged


# --- words for the cards ----------------------------------------------------------------------


@dataclass(frozen=True)
class Phrases:
    """Format strings for `describe_next` / `weekly_summary`; German by default.

    The app passes its gettext translations, e.g. for English
    ``Phrases(today="today {hours}", tomorrow="tomorrow {hours}", hours="{start}–{end}",
    open_until="open now until {time}", monthly="{nth} {weekday} of the month {hours}",
    ordinals=("1st", "2nd", "3rd", "4th"), last="last")``.
    Weekday names, dates and (outside German) times come from babel for the locale.
    """

    today: str = "heute {hours}"
    tomorrow: str = "morgen {hours}"
    this_week: str = "{weekday} {hours}"  # within the next 6 days
    later: str = "{weekday}, {date} {hours}"  # 7 or more days away
    open_until: str = "jetzt geöffnet bis {time} Uhr"
    hours: str = "{start}–{end} Uhr"
    closed: str = ""  # nothing within the horizon
    monthly: str = "{nth} {weekday} im Monat {hours}"  # weekly_summary line of a MonthlyRule
    ordinals: tuple[str, str, str, str] = ("1.", "2.", "3.", "4.")
    last: str = "letzter"


GERMAN = Phrases()


def describe_next(
    schedule: Schedule,
    now: datetime,
    locale: str = "de",
    phrases: Phrases = GERMAN,
    horizon_days: int = 70,
) -> str:
    """One short line for a card: "jetzt geöffnet bis 17 Uhr", "morgen 9–12 Uhr", …"""
    window = schedule.next_opening(now, horizon_days)
    if window is None:
        return phrases.closed
    if window.contains(now):
        return phrases.open_until.format(time=_card_time(window.end.time(), locale, closing=True))
    hours = phrases.hours.format(
        start=_card_time(window.start.time(), locale),
        end=_card_time(window.end.time(), locale, closing=True),
    )
    start_day = window.start.date()
    days_ahead = (start_day - _utc(now).astimezone(BERLIN).date()).days
    if days_ahead == 0:
        return phrases.today.format(hours=hours)
    if days_ahead == 1:
        return phrases.tomorrow.format(hours=hours)
    weekday = _weekday_name(start_day.weekday(), locale)
    if days_ahead <= 6:
        return phrases.this_week.format(weekday=weekday, hours=hours)
    day_and_month = format_skeleton("Md", start_day, locale=locale)  # de "3.12.", en "12/3"
    return phrases.later.format(weekday=weekday, date=day_and_month, hours=hours)


def weekly_summary(schedule: Schedule, locale: str = "de", phrases: Phrases = GERMAN) -> list[str]:
    """Lines for the detail page: per weekday ("Mo 09:00–12:00, 14:00–17:00"), then monthly."""
    lines = []
    for weekday in range(7):
        rules = sorted((r for r in schedule.weekly if r.weekday == weekday), key=lambda r: r.opens)
        if rules:
            spans = ", ".join(_summary_span(rule.opens, rule.closes, locale) for rule in rules)
            lines.append(f"{_weekday_name(weekday, locale)} {spans}")
    for rule in schedule.monthly:
        nth = phrases.last if rule.nth == -1 else phrases.ordinals[rule.nth - 1]
        lines.append(
            phrases.monthly.format(
                nth=nth,
                weekday=_weekday_name(rule.weekday, locale),
                hours=_summary_span(rule.opens, rule.closes, locale),
            )
        )
    return lines


def _weekday_name(weekday: int, locale: str) -> str:
    """Stand-alone abbreviation: German "Do" (the format context would give "Do.")."""
    return get_day_names("abbreviated", context="stand-alone", locale=locale)[weekday]


def _card_time(wall_time: time, locale: str, closing: bool = False) -> str:
    """German cards say "13–17 Uhr" / "11–12:30 Uhr" (closing at midnight: "24");
    CLDR has no such pattern, so other languages get babel's short time ("1:00 PM"), kept on
    one line (Arabic "12:30 م" must not break before its "م")."""
    if Locale.parse(locale).language != "de":
        return format_time(wall_time, "short", locale=locale).replace(" ", "\u00a0")
    if closing and wall_time == time(0):
        return "24"
    if wall_time.minute == 0:
        return str(wall_time.hour)
    return f"{wall_time.hour}:{wall_time.minute:02d}"


def _summary_span(opens: time, closes: time, locale: str) -> str:
    start, end = (format_time(moment, "short", locale=locale) for moment in (opens, closes))
    return f"{start}–{end}"


# --- JSON parsing -----------------------------------------------------------------------------

_TIME_PATTERN = re.compile(r"(\d{1,2}):(\d{2})(?::00)?")


def _hhmm(wall_time: time) -> str:
    return wall_time.strftime("%H:%M")


def _parse_time(text: Any) -> time:
    """"HH:MM" (seconds ":00" tolerated, as HSDS examples write them); no time zone suffix."""
    match = _TIME_PATTERN.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{text!r} is not a time of day written as HH:MM")
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise ValueError(f"{text!r} is not a time of day (00:00 to 23:59)")
    return time(hour, minute)


def _parse_date(text: Any) -> date:
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(f"{text!r} is not a date written as YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date") from None


def _check_keys(
    data: Any, required: Sequence[str] = (), optional: Sequence[str] = ()
) -> None:
    if not isinstance(data, Mapping):
        raise ValueError(f"expected an object with fields, got {data!r}")
    unknown = sorted(set(data) - set(required) - set(optional))
    if unknown:
        raise ValueError(f"unknown field(s): {', '.join(map(str, unknown))}")
    missing = [key for key in required if key not in data]
    if missing:
        raise ValueError(f"missing field(s): {', '.join(missing)}")


def _parse_list(
    data: Mapping[str, Any], key: str, parse_item: Callable[[Any], Any]
) -> tuple[Any, ...]:
    items = data.get(key, [])
    if not isinstance(items, (list, tuple)):
        raise ValueError(f"{key} must be a list, got {items!r}")
    parsed = []
    for index, item in enumerate(items):
        try:
            parsed.append(parse_item(item))
        except ValueError as error:
            raise ValueError(f"{key}[{index}]: {error}") from None
    return tuple(parsed)


# --- Open Referral HSDS 3.0.1 -----------------------------------------------------------------
#
# Mapping (one HSDS schedule object per rule, in the order weekly, monthly, exceptions):
#   WeeklyRule      freq=WEEKLY,  byday="TH",  opens_at/closes_at "HH:MM"
#   MonthlyRule     freq=MONTHLY, byday="2TU" / "-1FR"
#   DatedException  valid_from/valid_to; special hours add freq=WEEKLY on every day with
#                   opens_at/closes_at; closed ones have no times. `description` holds the note.
# HSDS has no way to say "closed" or "replaces the regular hours" (its docs say so), so the
# `notes` field explains it in words for other readers; from_hsds ignores it.
# `timezone` is left out on purpose: HSDS only allows a fixed UTC offset, which would be wrong
# for half of the year in Berlin; times are Berlin wall-clock time.

_HSDS_ID_NAMESPACE = uuid.UUID("b741b423-e0ed-4f63-b311-a7a566bf0c5d")
_EVERY_DAY = ",".join(HSDS_DAYS)
_CLOSED_NOTES = "Closed on these dates."
_SPECIAL_NOTES = "Special opening hours on these dates; they replace the regular hours."
_UNSUPPORTED_HSDS_FIELDS = (
    "timezone", "until", "count", "byweekno", "bymonthday", "byyearday", "dtstart",
)


def to_hsds(
    schedule: Schedule, service_id: str | None = None, location_id: str | None = None
) -> list[dict[str, Any]]:
    """HSDS `schedule` objects. Pass the owner's id: HSDS ids must be unique in a whole data set,
    and ours are derived from owner and position, so they stay stable between exports."""
    entries: list[dict[str, Any]] = []
    for rule in schedule.weekly:
        byday = HSDS_DAYS[rule.weekday]
        entries.append(_hsds_recurrence("WEEKLY", byday, rule.opens, rule.closes))
    for rule in schedule.monthly:
        byday = f"{rule.nth}{HSDS_DAYS[rule.weekday]}"
        entries.append(_hsds_recurrence("MONTHLY", byday, rule.opens, rule.closes))
    for exception in schedule.exceptions:
        entry: dict[str, Any] = {
            "valid_from": exception.first.isoformat(),
            "valid_to": exception.last.isoformat(),
        }
        if exception.closed:
            entry["notes"] = _CLOSED_NOTES
        else:
            entry.update(_hsds_recurrence("WEEKLY", _EVERY_DAY, exception.opens, exception.closes))
            entry["notes"] = _SPECIAL_NOTES
        if exception.note:
            entry["description"] = exception.note
        entries.append(entry)

    owner = {"service_id": service_id, "location_id": location_id}
    owner = {key: value for key, value in owner.items() if value is not None}
    return [
        {"id": str(uuid.uuid5(_HSDS_ID_NAMESPACE, f"{service_id}/{location_id}/{position}")),
         **owner, **entry}
        for position, entry in enumerate(entries)
    ]


def from_hsds(entries: Sequence[Mapping[str, Any]]) -> Schedule:
    """Read HSDS `schedule` objects written by `to_hsds` or by others.

    Comma lists in byday become one rule per day. What a Schedule cannot express (intervals,
    seasonal validity, month days, UTC offsets, …) raises ValueError instead of being misread.
    """
    weekly: list[WeeklyRule] = []
    monthly: list[MonthlyRule] = []
    exceptions: list[DatedException] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise ValueError(f"HSDS schedule {index}: expected an object, got {entry!r}")
        try:
            _reject_unsupported_hsds(entry)
            if _has(entry, "valid_from") or _has(entry, "valid_to"):
                exceptions.append(_exception_from_hsds(entry))
            elif entry.get("freq") == "WEEKLY":
                opens, closes = _hsds_hours(entry)
                weekly += [WeeklyRule(day, opens, closes) for day in _hsds_weekdays(entry)]
            elif entry.get("freq") == "MONTHLY":
                opens, closes = _hsds_hours(entry)
                monthly += [
                    MonthlyRule(nth, day, opens, closes) for nth, day in _hsds_nth_days(entry)
                ]
            else:
                raise ValueError(f"freq must be WEEKLY or MONTHLY, got {entry.get('freq')!r}")
        except ValueError as error:
            entry_name = f"HSDS schedule {index} ({entry.get('id', 'no id')})"
            raise ValueError(f"{entry_name}: {error}") from None
    return Schedule(weekly, monthly, exceptions)


def _hsds_recurrence(freq: str, byday: str, opens: time, closes: time) -> dict[str, Any]:
    return {
        "freq": freq,
        "interval": 1,
        "wkst": "MO",
        "byday": byday,
        "opens_at": _hhmm(opens),
        "closes_at": _hhmm(closes),
    }


def _has(entry: Mapping[str, Any], key: str) -> bool:
    return entry.get(key) not in (None, "")


def _reject_unsupported_hsds(entry: Mapping[str, Any]) -> None:
    present = [key for key in _UNSUPPORTED_HSDS_FIELDS if _has(entry, key)]
    if present:
        raise ValueError(f"not supported: {', '.join(present)}")
    if _has(entry, "interval") and entry["interval"] != 1:
        raise ValueError(f"only interval 1 is supported, got {entry['interval']!r}")


def _hsds_hours(entry: Mapping[str, Any]) -> tuple[time, time]:
    if not (_has(entry, "opens_at") and _has(entry, "closes_at")):
        raise ValueError("opens_at and closes_at are both needed")
    return _parse_time(entry["opens_at"]), _parse_time(entry["closes_at"])


def _hsds_byday_parts(entry: Mapping[str, Any]) -> list[str]:
    byday = entry.get("byday")
    if not isinstance(byday, str) or not byday.strip():
        raise ValueError("byday is needed, e.g. 'TH' or '2TU'")
    return [part.strip().upper() for part in byday.split(",")]


def _hsds_weekdays(entry: Mapping[str, Any]) -> list[int]:
    parts = _hsds_byday_parts(entry)
    unknown = [part for part in parts if part not in HSDS_DAYS]
    if unknown:
        raise ValueError(f"byday of a WEEKLY schedule must be day codes like TH, got {unknown}")
    return [HSDS_DAYS.index(part) for part in parts]


def _hsds_nth_days(entry: Mapping[str, Any]) -> list[tuple[int, int]]:
    nth_days = []
    for part in _hsds_byday_parts(entry):
        match = re.fullmatch(r"([+-]?\d)(MO|TU|WE|TH|FR|SA|SU)", part)
        if match is None:
            raise ValueError(f"byday of a MONTHLY schedule must be like 2TU or -1FR, got {part!r}")
        nth_days.append((int(match[1]), HSDS_DAYS.index(match[2])))
    return nth_days


def _exception_from_hsds(entry: Mapping[str, Any]) -> DatedException:
    if not (_has(entry, "valid_from") and _has(entry, "valid_to")):
        raise ValueError("a date range needs both valid_from and valid_to")
    first, last = _parse_date(entry["valid_from"]), _parse_date(entry["valid_to"])
    note = entry.get("description") or ""
    if not (_has(entry, "opens_at") or _has(entry, "closes_at")):
        return DatedException(first, last, closed=True, note=note)
    if entry.get("freq") != "WEEKLY" or sorted(_hsds_weekdays(entry)) != list(range(7)):
        raise ValueError("dated hours must apply to every day (freq WEEKLY, byday all seven days)")
    opens, closes = _hsds_hours(entry)
    return DatedException(first, last, closed=False, opens=opens, closes=closes, note=note)
