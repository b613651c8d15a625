"""Prepared sentences a visitor may print on a take-home slip, to show at the office.

Shipped data, not a table: the German text is marked with N_() so the catalogs translate it, and
the slip prints it in the visitor's language and in German. A sentence belongs to the help topics
and offer categories it fits (kiosk/offers/seed.py CATEGORY_LABELS); one without topics fits every
entry. Each has a pictogram static/img/say-<key>.svg. The key is all that travels in the URL.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext

from kiosk.checkin.labels import N_
from kiosk.offers.directory import HELP, OFFER

MOST_SHOWN = 6  # sentences on the picker: two rows of three on a landscape tablet, no scrolling


@dataclass(frozen=True)
class Sentence:
    key: str
    german: str  # the source text, looked up in the catalogs where it is shown
    topics: frozenset[tuple[str, str]] = frozenset()

    @property
    def pictogram(self) -> str:
        return f"img/say-{self.key}.svg"

    @property
    def text(self) -> str:
        """The sentence in the visitor's language (German where the catalog has none)."""
        return gettext(self.german)


def _topics(*pairs):
    return frozenset(pairs)


SENTENCES = (
    Sentence("rent-debt", N_("Ich brauche Beratung zu meinen Mietschulden."),
             _topics((HELP, "housing"), (HELP, "money"))),
    Sentence("debt", N_("Ich brauche Beratung zu meinen Schulden."),
             _topics((HELP, "money"), (OFFER, "counselling"))),
    Sentence("home", N_("Ich habe ein Problem mit meiner Wohnung."), _topics((HELP, "housing"))),
    Sentence("jobcenter", N_("Ich habe eine Frage zum Jobcenter."), _topics((HELP, "work"))),
    Sentence("health", N_("Ich brauche Hilfe bei Gesundheit oder Pflege."),
             _topics((HELP, "health"), (OFFER, "seniors"))),
    Sentence("family", N_("Ich brauche Hilfe für meine Familie."),
             _topics((HELP, "family"), (OFFER, "family"))),
    Sentence("residence", N_("Ich habe eine Frage zu meinem Aufenthalt."), _topics((HELP, "residence"))),
    Sentence("alone", N_("Ich möchte bitte allein mit Ihnen sprechen."), _topics((HELP, "violence"))),
    Sentence("neighbours", N_("Ich habe Streit mit meinen Nachbarn."), _topics((HELP, "neighbours"))),
    Sentence("phone", N_("Ich brauche Hilfe mit meinem Handy oder Computer."),
             _topics((HELP, "digital"), (OFFER, "digital"))),
    Sentence("german", N_("Ich möchte Deutsch lernen."), _topics((OFFER, "language"))),
    Sentence("join", N_("Ich möchte mitmachen."),
             _topics((OFFER, "culture"), (OFFER, "sport"), (OFFER, "seniors"), (OFFER, "family"),
                     (OFFER, "food"), (OFFER, "language"), (OFFER, "digital"))),
    Sentence("letter", N_("Ich verstehe einen Brief nicht. Bitte helfen Sie mir."),
             _topics((HELP, "money"), (HELP, "housing"), (HELP, "work"), (HELP, "residence"),
                     (OFFER, "counselling"))),
    # for every entry
    Sentence("appointment", N_("Ich brauche einen Termin.")),
    Sentence("interpreter", N_("Ich brauche eine Übersetzung oder einen Dolmetscher.")),
)
BY_KEY = {sentence.key: sentence for sentence in SENTENCES}


def by_key(key: str | None) -> Sentence | None:
    """The sentence a URL asks for; None for none and for a key that is not ours (a stale link)."""
    return BY_KEY.get(key or "")


def for_topics(topics: set[tuple[str, str]]) -> list[Sentence]:
    """The sentences that fit entries in these (kind, key) categories: those of the topics first,
    then the ones for every entry, at most MOST_SHOWN."""
    fitting = [sentence for sentence in SENTENCES if sentence.topics & topics]
    general = [sentence for sentence in SENTENCES if not sentence.topics]
    return (fitting[:MOST_SHOWN - len(general)] + general)[:MOST_SHOWN]
