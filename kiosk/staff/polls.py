"""Staff pages of the wish poll: set a question with 2–6 pictogram answers for a period, read
the results as bars with numbers, print them for the team meeting, end a poll early.

The question and each answer word are written in German and, where staff can, in every other
visitor language; a visitor of a language without a translation sees the German, marked.
"""

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from kiosk import clock, translated
from kiosk.checkin import wishes
from kiosk.db import database
from kiosk.forms import EmptyForm, KioskForm
from kiosk.models import Poll, PollAnswer
from kiosk.security import audit, login_required

bp = Blueprint("polls_admin", __name__, url_prefix="/admin/polls")

LANGUAGE_NAMES = {"en": "Englisch", "tr": "Türkisch", "ar": "Arabisch"}


class QuestionText(Form):
    lang = HiddenField()
    question = StringField("Frage", validators=[Optional(), Length(max=200, message="Höchstens 200 Zeichen.")])


class WordText(Form):
    lang = HiddenField()
    word = StringField("Wort", validators=[Optional(), Length(max=40, message="Höchstens 40 Zeichen.")])


class AnswerRow(Form):
    pictogram = SelectField("Bild", choices={"": "– kein Bild –", **wishes.PICTOGRAMS},
                            validate_choice=False)
    word = StringField("Wort (Deutsch)", validators=[Optional(), Length(max=40, message="Höchstens 40 Zeichen.")])
    translations = FieldList(FormField(WordText), max_entries=8)

    def validate_pictogram(self, field):
        if field.data and field.data not in wishes.PICTOGRAMS:
            raise ValidationError("Dieses Bild gibt es nicht.")

    def is_filled(self):
        return bool(self.pictogram.data or (self.word.data or "").strip())


class PollForm(KioskForm):
    question = StringField("Frage (Deutsch)", validators=[InputRequired("Bitte eine Frage schreiben."),
                                                          Length(max=200, message="Höchstens 200 Zeichen.")])
    translations = FieldList(FormField(QuestionText), max_entries=8)
    answers = FieldList(FormField(AnswerRow), min_entries=wishes.MAX_ANSWERS, max_entries=wishes.MAX_ANSWERS)
    first = DateField("Erster Tag", validators=[InputRequired("Bitte ein Datum angeben.")])
    last = DateField("Letzter Tag", validators=[InputRequired("Bitte ein Datum angeben.")])
    submit = SubmitField("Umfrage speichern")

    def filled_answers(self):
        return [entry.form for entry in self.answers if entry.form.is_filled()]

    def validate_answers(self, field):
        filled = self.filled_answers()
        for row in filled:
            if not row.pictogram.data or not (row.word.data or "").strip():
                raise ValidationError("Jede Antwort braucht ein Bild und ein Wort.")
        if len(filled) < wishes.MIN_ANSWERS:
            raise ValidationError(f"Bitte mindestens {wishes.MIN_ANSWERS} Antworten angeben.")

    def validate_last(self, field):
        if self.first.data and field.data:
            if field.data < self.first.data:
                raise ValidationError("Der letzte Tag liegt vor dem ersten.")
            if field.data < clock.berlin_now().date():
                raise ValidationError("Der letzte Tag ist schon vorbei.")
            other = wishes.overlapping(self.first.data, field.data)
            if other is not None:
                raise ValidationError(f"In dieser Zeit läuft schon „{other.question}“ "
                                      f"({other.first:%d.%m.%Y}–{other.last:%d.%m.%Y}).")


@bp.before_request
@login_required
def require_login():
    """Every page here needs a staff login."""


@bp.get("/")
def overview():
    today = clock.berlin_now().date()
    polls = list(Poll.select().order_by(Poll.first.desc(), Poll.id.desc()))
    return render_template("admin/polls/overview.html", polls=polls, today=today,
                           totals={poll.id: wishes.results(poll)["total"] for poll in polls})


@bp.route("/new", methods=("GET", "POST"))
def new():
    form = PollForm()
    if not form.is_submitted():
        today = clock.berlin_now().date()
        form.first.data, form.last.data = today, today + timedelta(days=6)
        translated.fill_rows(form.translations)
        for entry in form.answers:
            translated.fill_rows(entry.form.translations)
    if form.validate_on_submit():
        poll = save_poll(form)
        flash(f"Gespeichert: „{poll.question}“ läuft vom {poll.first:%d.%m.%Y} bis {poll.last:%d.%m.%Y}.")
        return redirect(url_for(".results", poll_id=poll.id))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/polls/form.html", form=form, language_names=LANGUAGE_NAMES,
                           pictograms=wishes.PICTOGRAMS), status


def save_poll(form) -> Poll:
    with database.atomic():
        poll = Poll.create(question=form.question.data.strip(), first=form.first.data, last=form.last.data,
                           translations=translated.from_rows(form.translations, ("question",)))
        for position, row in enumerate(form.filled_answers(), start=1):
            PollAnswer.create(poll=poll, position=position, pictogram=row.pictogram.data,
                              word=row.word.data.strip(),
                              translations=translated.from_rows(row.translations, ("word",)))
        audit("poll_add", f"„{poll.question}“ ({poll.first:%d.%m.%Y}–{poll.last:%d.%m.%Y}, "
                          f"{len(form.filled_answers())} Antworten)")
    return poll


def _poll_or_404(poll_id) -> Poll:
    poll = Poll.get_or_none(Poll.id == poll_id)
    if poll is None:
        abort(404)
    return poll


@bp.get("/<int:poll_id>")
def results(poll_id):
    poll = _poll_or_404(poll_id)
    return render_template("admin/polls/results.html", poll=poll, result=wishes.results(poll),
                           today=clock.berlin_now().date(), end_form=EmptyForm())


@bp.get("/<int:poll_id>/print")
def print_sheet(poll_id):
    poll = _poll_or_404(poll_id)
    return render_template("admin/polls/print.html", poll=poll, result=wishes.results(poll),
                           printed=clock.berlin_now())


@bp.post("/<int:poll_id>/end")
def end(poll_id):
    """End a poll now: the tile goes at once; the answers given so far stay."""
    if not EmptyForm().validate():
        abort(400)
    poll = _poll_or_404(poll_id)
    today = clock.berlin_now().date()
    if poll.ended or poll.last < today:
        abort(400)  # over already
    with database.atomic():
        Poll.update(ended=today).where(Poll.id == poll.id).execute()
        audit("poll_end", f"„{poll.question}“ am {today:%d.%m.%Y} beendet")
    flash(f"„{poll.question}“ ist beendet. Die Ergebnisse bleiben.")
    return redirect(url_for(".results", poll_id=poll.id))
