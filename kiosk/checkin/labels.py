"""The words for the visitor's answers, in one place: the tablet shows them in the visitor's
language, the staff pages and the CSV in German, so staff read the very words the visitor tapped."""

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


def reason_label(reason):
    """A check-in reason in the visitor's language."""
    return gettext(REASON_WORDS[reason])
