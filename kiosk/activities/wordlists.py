"""Staff add word lists of their own for the word search (the season, a festival, the Kiez).

Every word is checked by the puzzle library before anything is saved (too short, too long for the
grids, letters the language's grid does not have, a blocked word inside it either way round); a
refused word is named with its reason. A saved list is never edited, only switched off and on, so
a puzzle address that names it keeps rebuilding the same grid. Every change is audited.
"""

import re

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

import puzzles
from kiosk.forms import EmptyForm, KioskForm
from kiosk.models import WordList
from kiosk.security import audit, staff_only

bp = Blueprint("wordlists_admin", __name__, url_prefix="/admin/wordlists")

LANG_NAMES = {"de": "Deutsch", "tr": "Türkisch", "en": "Englisch"}
MOST_WORDS = 200
REASONS = {
    "short": "zu kurz (mindestens {shortest} Buchstaben)",
    "long": "zu lang (höchstens {longest} Buchstaben)",
    "letters": "enthält Zeichen, die es in dieser Sprache im Rätsel nicht gibt",
    "blocked": "enthält ein gesperrtes Wort (vorwärts oder rückwärts gelesen)",
}


def wordsearch():
    return puzzles.puzzle_type("wordsearch")


def split_words(text: str) -> list[str]:
    """The words as typed, one a line or separated by commas, without blanks and repeats."""
    return list(dict.fromkeys(word.strip() for word in re.split(r"[\n,;]", text or "") if word.strip()))


def size_names(sizes) -> str:
    return ", ".join(f"{size}×{size}" for size in sizes) or "keines"


class WordListForm(KioskForm):
    title = StringField("Titel", validators=[InputRequired(), Length(max=80)])
    lang = SelectField("Sprache der Wörter", choices=LANG_NAMES)
    words = TextAreaField("Wörter (eins pro Zeile oder mit Komma getrennt)",
                          validators=[InputRequired(), Length(max=4000)],
                          render_kw={"rows": 8, "class": "wordlist-words"})
    submit = SubmitField("Liste speichern")

    def validate_words(self, field):
        words = split_words(field.data)
        if len(words) > MOST_WORDS:
            raise ValidationError(f"Höchstens {MOST_WORDS} Wörter.")
        if self.lang.data not in LANG_NAMES:
            return  # the select reports that itself
        ws = wordsearch()
        refused = ws.refused_words(words, self.lang.data)
        if refused:
            limits = {"shortest": ws.SHORTEST_WORD,
                      "longest": max(longest for _, longest in ws.WORD_COUNT_AND_LENGTH.values())}
            raise ValidationError("Nicht gespeichert. " + "; ".join(
                f"„{word}“: {REASONS[reason].format(**limits)}" for word, reason in refused))
        if not ws.fitting_sizes(words, self.lang.data):
            count, longest = ws.WORD_COUNT_AND_LENGTH[min(ws.SIZES)]
            raise ValidationError(
                f"Zu wenige Wörter: für das kleinste Rätsel braucht es mindestens {count} Wörter "
                f"mit {ws.SHORTEST_WORD} bis {longest} Buchstaben, von denen keines in einem "
                "anderen steckt.")


bp.before_request(staff_only)


@bp.route("/", methods=("GET", "POST"))
def lists():
    form = WordListForm()
    if form.validate_on_submit():
        words = split_words(form.words.data)
        entry = WordList.create(title=form.title.data.strip(), lang=form.lang.data,
                                words="\n".join(words))
        audit("wordlist_add", f"{entry.title} ({LANG_NAMES[entry.lang]}, {len(words)} Wörter)")
        flash(f"Gespeichert: {entry.title}. Das Wörtersuchen nimmt sie ab jetzt dazu.")
        return redirect(url_for(".lists"))
    ws = wordsearch()
    rows = [(entry, size_names(ws.fitting_sizes(entry.word_list(), entry.lang)))
            for entry in WordList.select().order_by(WordList.created.desc(), WordList.id.desc())]
    return render_template("admin/wordlists.html", form=form, rows=rows, toggle=EmptyForm(),
                           lang_names=LANG_NAMES)


@bp.post("/<int:list_id>/<any(hide, show):action>")
def switch(list_id, action):
    entry = WordList.get_or_none(WordList.id == list_id)
    if entry is None:
        abort(404)
    entry.active = action == "show"
    entry.save()
    audit("wordlist_show" if entry.active else "wordlist_hide", entry.title)
    flash(f"„{entry.title}“ " + ("wird wieder verwendet." if entry.active else "wird nicht mehr verwendet."))
    return redirect(url_for(".lists"))
