"""The funder's period report as plain data: one build for the page, its print and the XLSX."""

from dataclasses import dataclass
from datetime import timedelta

from kiosk.models import FundingPeriod, Target
from kiosk.staff import period_reach, reports, targets
from kiosk.staff.activity_kinds import kind_names

PER_ORDER = {"year": 0, "month": 1, "period": 2}
COUNTING_METHOD = (
    "Gezählt werden Besuche, nicht Personen: wer zweimal kommt, zählt zweimal. Niemand wird "
    "erfasst oder wiedererkannt; gespeichert werden nur Zahlen pro Stunde.",
    "Eine Gruppe zählt mit ihrer Größe: tippt jemand am Tablet „3 Personen“ an, sind das drei Besuche.",
    "Nicht mitgezählt werden zweifelhafte Check-ins (sehr viele in wenigen Sekunden, etwa von "
    "spielenden Kindern), Check-ins außerhalb der Sprechstunde und Check-ins aus anderen Browsern "
    "als den angemeldeten Tablets des Projekts.",
    "Was das Tablet nicht sieht (Besucher:innen, die nicht getippt haben, Kontakte unterwegs, der "
    "Kaffeeklatsch im Treppenhaus, Vermittlungen), trägt das Team von Hand nach. Jeder Nachtrag "
    "und jede Korrektur steht mit dem Namen der Person im Team und dem Zeitpunkt im Protokoll, "
    "eine Korrektur auch mit ihrem Grund.",
)


@dataclass
class TargetReport:
    target: Target
    label: str
    progress: targets.Progress
    line: str
    months: list
    daily: dict  # {day: count} of the target's metric over the period


@dataclass
class PeriodReport:
    period: FundingPeriod
    as_of: object  # date: today, or the period's last day once it is over
    began: object  # date or None: the first day anything was counted
    targets: list
    activities: list
    per_kind: list  # [(kind name, held, participants)]
    kind_names: dict
    set_apart: dict
    reach: period_reach.PeriodReach
    ratings: list  # [reports.Rating]: how the target group rates the offer
    method: tuple = COUNTING_METHOD

    @property
    def last_month_is_partial(self) -> bool:
        """Whether the month table's last row stops before its month ends (at today)."""
        return (self.as_of + timedelta(days=1)).month == self.as_of.month

    @property
    def month_rows(self):
        """[[MonthRow of each target]] per month: the report's one table of Soll and Ist."""
        return [list(rows) for rows in zip(*(t.months for t in self.targets))]


def target_reports(period: FundingPeriod, today, began) -> list[TargetReport]:
    """Each target of the period with its progress, plain-words line and months on ``today``
    (``began``: reports.first_counted_day(), where the pace is measured from)."""
    chosen = sorted(period.targets, key=lambda t: (list(reports.FUNDER_METRICS).index(t.metric), PER_ORDER[t.per]))
    daily = reports.funder_daily(period.first, period.last, {t.metric for t in chosen})
    through = min(today, period.last)
    shown = []
    for target in chosen:
        label = reports.FUNDER_METRICS[target.metric]
        result = targets.progress(target.amount, target.per, period.first, period.last,
                                  daily[target.metric], today, began)
        shown.append(TargetReport(
            target, label, result, targets.plain_line(label, target.amount, target.per, result),
            targets.monthly(target.amount, target.per, period.first, period.last, daily[target.metric], through),
            daily[target.metric]))
    return shown


def build(period: FundingPeriod, today, languages=tuple(reports.LANGUAGE_LABELS)) -> PeriodReport:
    through = min(today, period.last)
    began = reports.first_counted_day()
    activities = reports.activities_in(period.first, through)
    names = kind_names()
    # How the target group rates the offer: the rating polls that ran in the period.
    ratings = reports.ratings(period.first, through)
    return PeriodReport(
        period=period, as_of=through, began=began, targets=target_reports(period, today, began),
        activities=activities,
        per_kind=[(names.get(kind, kind), held, people)
                  for kind, held, people in reports.activities_per_kind(activities)],
        kind_names=names, set_apart=reports.set_apart(period.first, through),
        reach=period_reach.build(period.first, through, languages),
        ratings=ratings,
    )


@dataclass
class StretchTarget:
    """One target as a report e-mail gives it: the week's or month's share of the plan and what
    was counted in it, and the period report's plain-words line on the stretch's last day."""

    label: str
    planned: float
    counted: int
    line: str


def targets_over(first, last) -> list[tuple[FundingPeriod, list[StretchTarget]]]:
    """The targets of every funding period with targets that overlaps first..last (a week, a
    month), each as the period report shows it on ``last`` (or on its own end, if sooner)."""
    periods = (FundingPeriod.select().where((FundingPeriod.first <= last) & (FundingPeriod.last >= first))
               .order_by(FundingPeriod.first, FundingPeriod.id))
    began = reports.first_counted_day()
    found = []
    for period in periods:
        inside = max(first, period.first), min(last, period.last)
        shown = [StretchTarget(
            t.label, targets.planned(t.target.amount, t.target.per, *inside, period.first, period.last),
            targets.counted(t.daily, *inside), t.line) for t in target_reports(period, last, began)]
        if shown:
            found.append((period, shown))
    return found
