"""Staff pages of the activity log: each Kaffeeklatsch, each outreach Tuesday, each workshop held.

Entries feed the manual counts (kiosk/staff/activity_kinds.py); a change or a removal needs a
reason, and every write is audited.
"""

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from kiosk import clock
from kiosk.forms import KioskForm
from kiosk.models import Activity, ActivityKind
from kiosk.security import staff_only
from kiosk.staff import activity_kinds

bp = Blueprint("activity_log", __name__, url_prefix="/admin/activities")

NO_NAMES = "Keine Namen oder andere persönliche Angaben eintragen."
SHOWN_DAYS = 400  # the list shows a bit more than a year; the period report shows any period


class ActivityForm(KioskForm):
    day = DateField("Datum", validators=[InputRequired()])
    kind = SelectField("Art", validators=[InputRequired()])
    participants = IntegerField("Teilnehmende (Anzahl)", validators=[InputRequired(), NumberRange(0, 10000)])
    note = StringField("Kurze Notiz", validators=[Optional(), Length(max=200)])
    submit = SubmitField("Eintragen")

    def validate_day(self, field):
        if field.data and field.data > clock.berlin_now().date():
            raise ValidationError("Nur Aktivitäten, die schon stattgefunden haben.")


class ChangeForm(ActivityForm):
    reason = StringField("Grund der Änderung", validators=[DataRequired(), Length(min=3, max=200)])
    submit = SubmitField("Änderung speichern")


class RemoveForm(KioskForm):
    reason = StringField("Grund", validators=[DataRequired(), Length(min=3, max=200)])
    submit = SubmitField("Eintrag entfernen")


class KindForm(KioskForm):
    name = StringField("Neue Art", validators=[DataRequired(), Length(max=60)])
    submit = SubmitField("Art hinzufügen")

    def validate_name(self, field):
        name = field.data.strip()
        taken = {label.casefold() for label in activity_kinds.kind_names().values()}
        if name.casefold() in taken:
            raise ValidationError("Diese Art gibt es schon.")


bp.before_request(staff_only)


def with_kinds(form):
    form.kind.choices = activity_kinds.kind_names()
    return form


@bp.route("/", methods=("GET", "POST"))
def log():
    add = with_kinds(ActivityForm(prefix="add"))
    kind = KindForm(prefix="kind")
    if add.submit.data and add.validate_on_submit():
        activity_kinds.record_activity(add.day.data, add.kind.data, add.participants.data, (add.note.data or "").strip())
        flash("Eingetragen.")
        return redirect(url_for(".log"))
    if kind.submit.data and kind.validate_on_submit():
        activity_kinds.add_kind(kind.name.data.strip())
        flash("Neue Art hinzugefügt.")
        return redirect(url_for(".log"))
    if request.method == "POST" and not (add.errors or kind.errors):
        abort(400)
    today = clock.berlin_now().date()
    if not add.is_submitted():
        add.day.data = today
    entries = (Activity.select().where(Activity.day >= today - timedelta(days=SHOWN_DAYS))
               .order_by(Activity.day.desc(), Activity.id.desc()))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/activities/log.html", add=add, kind=kind, entries=entries,
                           names=activity_kinds.kind_names(), counted_as=activity_kinds.COUNTED_AS,
                           no_names=NO_NAMES, own_kinds=ActivityKind.select().count()), status


@bp.route("/<int:activity_id>/", methods=("GET", "POST"))
def change(activity_id):
    activity = Activity.get_or_none(Activity.id == activity_id)
    if activity is None:
        abort(404)
    mine = request.method == "GET" or "change-submit" in request.form
    form = with_kinds(ChangeForm(prefix="change", obj=activity) if mine
                      else ChangeForm(prefix="change", obj=activity, formdata=None))
    remove = RemoveForm(prefix="remove")
    if form.submit.data and form.validate_on_submit():
        activity_kinds.change_activity(activity, form.day.data, form.kind.data, form.participants.data,
                                       (form.note.data or "").strip(), form.reason.data.strip())
        flash("Änderung gespeichert.")
        return redirect(url_for(".log"))
    if remove.submit.data and remove.validate_on_submit():
        activity_kinds.remove_activity(activity, remove.reason.data.strip())
        flash("Eintrag entfernt.")
        return redirect(url_for(".log"))
    if request.method == "POST" and not (form.errors or remove.errors):
        abort(400)
    status = 400 if request.method == "POST" else 200
    return render_template("admin/activities/change.html", activity=activity, form=form, remove=remove,
                           names=activity_kinds.kind_names(), no_names=NO_NAMES), status
