"""Whom the kiosk reached in a funding period, in plain words for the funder: the screen language
and the optional age band of the check-ins, each counted alone (kiosk/checkin/counting.py).

Only totals of a month or of the period appear here, so they stay exact: the small-number rule
(reports.small_number) is for cells that concern one hour or one day."""

from collections import defaultdict
from dataclasses import dataclass

from kiosk.checkin.counting import AGE_BANDS
from kiosk.staff import reports, targets

# The age bands as the plain-words line names the people in them.
AGE_WORDS = {"child": "Kinder und Jugendliche (0–17)", "adult": "Erwachsene (18–64)", "senior": "Menschen ab 65"}
EXPLANATION = (
    "Die Sprache ist die, in der der Bildschirm beim Check-in stand: Besucher:innen wählen sie selbst "
    "mit einem Tipp, oft eine für die ganze Gruppe. Sie sagt nichts über Herkunft, Staatsangehörigkeit "
    "oder Muttersprache einer Person, sondern wie viele das Angebot in einer anderen Sprache als Deutsch nutzen.",
    "Gezählt werden Check-ins, nicht Personen: eine Gruppe tippt einmal und zählt hier einmal.",
    "Die Altersfrage ist freiwillig: sie kommt als letzte Frage, nur wenn das Team sie eingeschaltet hat, "
    "und kann übersprungen werden. Die Zahlen zum Alter gelten nur für die, die geantwortet haben.",
    "Sprache und Alter werden je für sich gezählt, nie mit einer anderen Antwort zusammen; "
    "niemand wird erfasst oder wiedererkannt.",
)


@dataclass
class Share:
    key: str  # a language code or an age band
    label: str
    total: int
    percent: float  # of the check-ins with a language, or of the age answers

    @property
    def shown(self) -> str:
        """The share as the page prints it, whole like the sentences and the ratings: "22 %"."""
        return percent(self.percent)


@dataclass
class PeriodReach:
    checkins: int  # every check-in counted in the period
    languages: list  # [Share], the kiosk's languages first
    language_total: int  # check-ins with a screen language
    ages: list  # [Share] in AGE_BANDS order
    age_total: int  # check-ins that answered the age question
    months: list  # [(first day of month, [per language], [per age band])], in the same order
    explanation: tuple = EXPLANATION

    @property
    def lines(self) -> list:
        """The plain-words sentences of the section, for the page and the XLSX."""
        return [self.language_line, *([self.missing_line] if self.missing_line else []), self.age_line]

    @property
    def language_line(self) -> str:
        if not self.language_total:
            return "Im Berichtszeitraum wurde noch kein Check-in mit Bildschirmsprache gezählt."
        default, *others = self.languages
        others = sorted((s for s in others if s.total), key=lambda s: -s.total)
        if not others:
            return f"Alle {checkins_word(self.language_total)} waren auf {default.label}."
        other_total = sum(s.total for s in others)
        parts = _listed([f"{percent(s.percent)} auf {s.label}" for s in others])
        return (f"Von {checkins_word(self.language_total)} waren {percent(default.percent)} auf "
                f"{default.label} und {percent(other_total / self.language_total * 100)} in einer anderen "
                f"Sprache ({checkins_word(other_total)}): {parts}.")

    @property
    def missing_line(self) -> str:
        missing = self.checkins - self.language_total
        if missing <= 0:
            return ""
        return (f"Für {'einen weiteren Check-in' if missing == 1 else targets.number(missing) + ' weitere Check-ins'}"
                " ist keine Sprache gespeichert (aus der Zeit, bevor die Sprache mitgezählt wurde).")

    @property
    def age_line(self) -> str:
        if not self.age_total:
            return ("Die freiwillige Altersfrage wurde im Berichtszeitraum nicht beantwortet "
                    "(sie war ausgeschaltet oder wurde übersprungen).")
        answered = f"{targets.number(self.age_total)} von {checkins_word(self.checkins)}"
        if self.checkins:
            answered += f" ({percent(self.age_total / self.checkins * 100)})"
        parts = _listed([f"{percent(s.percent)} {AGE_WORDS[s.key]}" for s in self.ages])
        return f"Die freiwillige Altersfrage haben {answered} beantwortet. Von diesen Antworten: {parts}."


def checkins_word(count: int) -> str:
    """ "1 Check-in", "1.234 Check-ins"."""
    return f"{targets.number(count)} Check-in{'' if count == 1 else 's'}"


def percent(value: float) -> str:
    """A share as the report says it: "38 %", and "unter 1 %" rather than a 0 that is not none."""
    return "unter 1 %" if 0 < value < 0.5 else f"{targets.number(value)} %"


def _listed(parts) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " und " + parts[-1]


def _shares(rows, total) -> list:
    return [Share(key, label, count, count / total * 100 if total else 0.0) for key, label, count in rows]


def build(first, through, languages) -> PeriodReach:
    """The reach of first..through (the period so far): languages as configured, then any other
    counted. One pass over the period's counts; the period's totals are its months added up."""
    months = reports.per_month(reports.metrics_per_day(first, through, ("language:", "age:"), metrics=("checkin",)))
    totals = defaultdict(int)
    for by_metric in months.values():
        for metric, total in by_metric.items():
            totals[metric] += total
    codes = reports.shown_languages({m[9:] for m in totals if m.startswith("language:")}, languages)
    language_keys = [f"language:{code}" for code in codes]
    age_keys = [f"age:{band}" for band in AGE_BANDS]
    language_total = sum(totals[key] for key in language_keys)
    age_total = sum(totals[key] for key in age_keys)
    rows = []
    for start, _ in targets.month_ranges(first, through):
        month = months.get(start.replace(day=1), {})
        rows.append((start.replace(day=1), [month.get(key, 0) for key in language_keys],
                     [month.get(key, 0) for key in age_keys]))
    return PeriodReach(
        checkins=totals["checkin"],
        languages=_shares([(code, reports.LANGUAGE_LABELS.get(code, code), totals[key])
                           for code, key in zip(codes, language_keys)], language_total),
        language_total=language_total,
        ages=_shares([(band, reports.AGE_LABELS[band], totals[key])
                      for band, key in zip(AGE_BANDS, age_keys)], age_total),
        age_total=age_total,
        months=rows,
    )
