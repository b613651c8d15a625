"""Staff pages of the wish poll: set a question with 2–6 pictogram answers for a period, read
the results as bars with numbers, print them for the team meeting, correct a poll, end it early.

The question and each answer word are written in German and, where staff can, in every other
visitor language; a visitor of a language without a translation sees the German, marked.
A rating question ("Wie gefällt euch …?") has its answers from the worst to the best; the
funder's report shows it (kiosk/staff/reports.py ratings). Once anyone answered, a correction
may rename, translate and re-picture the answers but not add, remove or reorder them: each
answer's counts belong to its place.
"""

from datetime import timedelta
from itertools import zip_longest

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, gettext
from wtforms import (
    BooleanField,
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
from kiosk.security import audit, staff_only
from kiosk.staff import reports

bp = Blueprint("polls_admin", __name__, url_prefix="/admin/polls")

LANGUAGE_NAMES = {"en": "Englisch", "tr": "Türkisch", "ar": "Arabisch"}


class QuestionText(Form):
    lang = HiddenField()
    question = StringField("Frage", validators=[Optional(), Length(max=200, message="Höchstens 200 Zeichen.")])


class WordText(Form):
    lang = HiddenField()
    word = StringField("Wort", validators=[Optional(), Length(max=40, message="Höchstens 40 Zeichen.")])


class AnswerRow(Form):
    answer_id = HiddenField()  # the stored answer this row corrects (edit page); empty: a new one
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
    rating = BooleanField("Bewertungsfrage: die Antworten sind eine Skala von schlecht bis gut")
    answers = FieldList(FormField(AnswerRow), min_entries=wishes.MAX_ANSWERS, max_entries=wishes.MAX_ANSWERS)
    first = DateField("Erster Tag", validators=[InputRequired("Bitte ein Datum angeben.")])
    last = DateField("Letzter Tag", validators=[InputRequired("Bitte ein Datum angeben.")])
    submit = SubmitField("Umfrage speichern")
    editing = None  # the stored poll on the edit page

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
            today = clock.berlin_now().date()
            # A poll that is over may have its dates corrected; one that runs is ended with its button.
            if field.data < today and (self.editing is None or self.editing.last >= today):
                raise ValidationError("Der letzte Tag ist schon vorbei.")
            if self.editing is None or self.editing.ended is None:
                other = wishes.overlapping(self.first.data, field.data,
                                           except_id=self.editing.id if self.editing else None)
                if other is not None:
                    raise ValidationError(f"In dieser Zeit läuft schon „{other.question}“ "
                                          f"({other.first:%d.%m.%Y}–{other.last:%d.%m.%Y}).")


class EditPollForm(PollForm):
    """The stored poll's answers and, while nobody has answered, empty rows up to six."""

    answers = FieldList(FormField(AnswerRow), max_entries=wishes.MAX_ANSWERS)
    submit = SubmitField("Änderungen speichern")
    stored = ()  # the poll's answers, in their order
    answered = None  # (first, last) day with answers, or None

    def corrected_answers(self) -> list:
        """[(filled row, the stored answer it corrects or None for a new one)]. A row naming an
        answer that is not the poll's, or one named twice, is tampered input: 400."""
        stored = {str(answer.id): answer for answer in self.stored}
        named, chosen = set(), []
        for entry in self.answers:
            row = entry.form
            key = row.answer_id.data or ""
            if key and (key not in stored or key in named):
                abort(400)
            named.add(key)
            if row.is_filled():
                chosen.append((row, stored.get(key)))
        return chosen

    def validate_answers(self, field):
        super().validate_answers(field)
        if self.answered and [answer for _, answer in self.corrected_answers()] != list(self.stored):
            raise ValidationError("Es wurde schon abgestimmt: die Antworten lassen sich nur noch umbenennen, "
                                  "übersetzen und mit einem anderen Bild zeigen, nicht hinzufügen, "
                                  "entfernen oder umstellen.")

    def validate_first(self, field):
        if self.answered and field.data and field.data > self.answered[0]:
            raise ValidationError(f"Am {self.answered[0]:%d.%m.%Y} wurde schon abgestimmt: "
                                  "der erste Tag kann nicht später liegen.")

    def validate_last(self, field):
        super().validate_last(field)
        if self.answered and field.data and field.data < self.answered[1]:
            raise ValidationError(f"Am {self.answered[1]:%d.%m.%Y} wurde schon abgestimmt: "
                                  "der letzte Tag kann nicht früher liegen.")


bp.before_request(staff_only)


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
        ready_made = rating_scale(request.args.get("scale"))
        form.rating.data = bool(ready_made)
        for entry, answer in zip_longest(form.answers, ready_made):
            fill_answer_row(entry.form, answer)
    if form.validate_on_submit():
        poll = save_poll(form)
        flash(f"Gespeichert: „{poll.question}“ läuft vom {poll.first:%d.%m.%Y} bis {poll.last:%d.%m.%Y}.")
        return redirect(url_for(".results", poll_id=poll.id))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/polls/form.html", form=form, language_names=LANGUAGE_NAMES,
                           pictograms=wishes.PICTOGRAMS, scales=wishes.RATING_SCALES), status


def rating_scale(scale) -> list[PollAnswer]:
    """The ready-made answers of a rating question (?scale=3 or 5), unsaved, from the worst to
    the best, each word in every language from the catalogs; none without ``scale``."""
    if scale is None:
        return []
    faces = wishes.RATING_SCALES.get(int(scale)) if scale.isdigit() and len(scale) < 3 else None
    if faces is None:
        abort(400)
    answers = []
    for pictogram, word in faces:
        texts = {}
        for lang in translated.other_languages():
            with force_locale(lang):
                texts[lang] = {"word": gettext(word)}
        answers.append(PollAnswer(pictogram=pictogram, word=word, translations=translated.encode(texts)))
    return answers


def fill_answer_row(row, answer=None):
    """An answer row of the form as ``answer`` (stored, ready-made or None: empty) shows it."""
    if answer is not None:
        row.answer_id.data = str(answer.id) if answer.id else ""
        row.pictogram.data, row.word.data = answer.pictogram, answer.word
    translated.fill_rows(row.translations, answer)


def save_poll(form) -> Poll:
    with database.atomic():
        poll = Poll.create(question=form.question.data.strip(), first=form.first.data, last=form.last.data,
                           rating=form.rating.data,
                           translations=translated.from_rows(form.translations, ("question",)))
        for position, row in enumerate(form.filled_answers(), start=1):
            PollAnswer.create(poll=poll, position=position, pictogram=row.pictogram.data,
                              word=row.word.data.strip(),
                              translations=translated.from_rows(row.translations, ("word",)))
        audit("poll_add", f"„{poll.question}“ ({poll.first:%d.%m.%Y}–{poll.last:%d.%m.%Y}, "
                          f"{len(form.filled_answers())} Antworten{', Bewertungsfrage' if poll.rating else ''})")
    return poll


def _poll_or_404(poll_id) -> Poll:
    poll = Poll.get_or_none(Poll.id == poll_id)
    if poll is None:
        abort(404)
    return poll


@bp.get("/<int:poll_id>")
def results(poll_id):
    poll = _poll_or_404(poll_id)
    today = clock.berlin_now().date()
    rating = reports.rating_of(poll, poll.first, today) if poll.rating and poll.first <= today else None
    return render_template("admin/polls/results.html", poll=poll, result=wishes.results(poll), rating=rating,
                           today=today, end_form=EmptyForm())


@bp.get("/<int:poll_id>/print")
def print_sheet(poll_id):
    poll = _poll_or_404(poll_id)
    return render_template("admin/polls/print.html", poll=poll, result=wishes.results(poll),
                           printed=clock.berlin_now())


@bp.route("/<int:poll_id>/edit", methods=("GET", "POST"))
def edit(poll_id):
    """Correct a poll. Once anyone answered, its answers keep their number and their order."""
    poll = _poll_or_404(poll_id)
    form = EditPollForm()
    form.editing, form.stored, form.answered = poll, wishes.answers_of(poll), wishes.answered_days(poll)
    if form.is_submitted():
        form.corrected_answers()  # a row naming an answer of another poll is refused at once
    else:
        for name in ("question", "first", "last", "rating"):
            form[name].data = getattr(poll, name)
        translated.fill_rows(form.translations, poll)
        empty = [] if form.answered else [None] * (wishes.MAX_ANSWERS - len(form.stored))
        for answer in [*form.stored, *empty]:
            fill_answer_row(form.answers.append_entry().form, answer)
    if form.validate_on_submit():
        save_correction(poll, form)
        flash(f"Gespeichert: „{poll.question}“ läuft vom {poll.first:%d.%m.%Y} bis {poll.last:%d.%m.%Y}.")
        return redirect(url_for(".results", poll_id=poll.id))
    status = 400 if form.is_submitted() else 200
    result = wishes.results(poll)
    return render_template("admin/polls/form.html", form=form, poll=poll, answered=form.answered,
                           votes=result["total"] + result["doubtful"] + result["unenrolled"],
                           language_names=LANGUAGE_NAMES, pictograms=wishes.PICTOGRAMS), status


def save_correction(poll, form):
    question, before, translations = poll.question, _described(poll, form.stored), _translations(poll, form.stored)
    chosen = form.corrected_answers()
    with database.atomic():
        for name in ("first", "last", "rating"):
            setattr(poll, name, form[name].data)
        poll.question = form.question.data.strip()
        poll.translations = translated.from_rows(form.translations, ("question",))
        poll.save()
        kept = {answer.id for _, answer in chosen if answer is not None}
        PollAnswer.delete().where((PollAnswer.poll == poll) & PollAnswer.id.not_in(kept or [0])).execute()
        # Free the positions first: (poll, position) is unique and the rows may have moved.
        PollAnswer.update(position=0 - PollAnswer.position).where(PollAnswer.poll == poll).execute()
        for position, (row, answer) in enumerate(chosen, start=1):
            fields = {"position": position, "pictogram": row.pictogram.data, "word": row.word.data.strip(),
                      "translations": translated.from_rows(row.translations, ("word",))}
            if answer is None:
                PollAnswer.create(poll=poll, **fields)
            else:
                PollAnswer.update(fields).where(PollAnswer.id == answer.id).execute()
        answers = wishes.answers_of(poll)
        after = _described(poll, answers)
        changed = [f"{label}: {before[label]} → {after[label]}" for label in before if before[label] != after[label]]
        if _translations(poll, answers) != translations:
            changed.append("Übersetzungen geändert")
        audit("poll_edit", f"„{question}“: {'; '.join(changed) or 'nichts geändert'}")


def _described(poll, answers) -> dict:
    """What the audit log names of a poll, to say what a correction changed."""
    return {
        "Frage": f"„{poll.question}“",
        "Zeit": f"{poll.first:%d.%m.%Y}–{poll.last:%d.%m.%Y}",
        "Bewertungsfrage": "ja" if poll.rating else "nein",
        "Antworten": " / ".join(f"{answer.word} ({answer.pictogram})" for answer in answers),
    }


def _translations(poll, answers) -> list:
    return [translated.translations_of(poll), *(translated.translations_of(answer) for answer in answers)]


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
