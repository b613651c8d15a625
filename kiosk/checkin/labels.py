"""The words for the visitor's answers, in one place: what the tablet shows (in the visitor's
language) and the short German names of the staff pages and the CSV, side by side."""

from flask_babel import gettext


def N_(message):
    """Marks a German message for pybabel (-k N_) without translating it here: it is looked up
    where it is shown, in the language of that page."""
    return message


REASON_WORDS = {
    "counselling": N_("Beratung"),
    "crafts": N_("Basteln & Rätsel"),
    "meeting": N_("Leute treffen & Kaffee"),
    "digital": N_("Hilfe mit Handy & Computer"),
    "information": N_("Infos zu Angeboten"),
}


# Staff tables, selects and CSV headings are narrow (a phone's width): the short German names.
REASON_SHORT = {
    "counselling": "Beratung",
    "crafts": "Basteln & Rätsel",
    "meeting": "Treffen & Kaffee",
    "digital": "Digitale Hilfe",
    "information": "Infos zu Angeboten",
}


def reason_label(reason):
    """A check-in reason in the visitor's language."""
    return gettext(REASON_WORDS[reason])


AGE_WORDS = {"child": N_("Kind"), "adult": N_("Erwachsen"), "senior": N_("Ab 65 Jahren")}
AGE_SPANS = {"child": "0–17", "adult": "18–64", "senior": "65+"}  # the same in every language


def age_label(band):
    """An age band of the optional last question in the visitor's language."""
    return gettext(AGE_WORDS[band])
