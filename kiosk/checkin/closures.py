"""Staff close the drop-in hour on days it does not take place (a team day, a closure of the
house); Berlin's public holidays need no entry (kiosk/dropin.py knows them). Every change is
audited."""

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, url_for
from playhouse.flask_utils import get_object_or_404
from wtforms import DateField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from kiosk import clock
from kiosk.checkin.dropin import HORIZON_DAYS, berlin_holidays
from kiosk.forms import EmptyForm, KioskForm
from kiosk.models import DropinClosure
from kiosk.security import audit, staff_only

bp = Blueprint("dropin_admin", __name__, url_prefix="/admin/dropin")

LONGEST_CLOSURE = 366  # days; a longer one is a typo in the year


class ClosureForm(KioskForm):
    first = DateField("Von", validators=[InputRequired()])
    last = DateField("Bis (leer: nur ein Tag)", validators=[Optional()])
    note = StringField("Grund (nur für das Team)", validators=[Optional(), Length(max=120)])
    submit = SubmitField("Sprechstunde absagen")

    def validate_last(self, field):
        if field.data and self.first.data:
            if field.data < self.first.data:
                raise ValidationError("Das Ende liegt vor dem Anfang.")
            if (field.data - self.first.data).days > LONGEST_CLOSURE:
                raise ValidationError("Höchstens ein Jahr auf einmal.")


bp.before_request(staff_only)


@bp.route("/", methods=("GET", "POST"))
def closures():
    form = ClosureForm()
    if form.validate_on_submit():
        first = form.first.data
        last = form.last.data or first
        DropinClosure.create(first=first, last=last, note=(form.note.data or "").strip())
        audit("dropin_closed", f"{first:%d.%m.%Y}–{last:%d.%m.%Y}")
        flash(f"Abgesagt: {first:%d.%m.%Y}" + (f" bis {last:%d.%m.%Y}" if last != first else ""))
        return redirect(url_for(".closures"))
    today = clock.berlin_now().date()
    upcoming = DropinClosure.select().where(DropinClosure.last >= today).order_by(DropinClosure.first)
    return render_template("admin/dropin.html", form=form, closures=upcoming, remove=EmptyForm(),
                           holidays=berlin_holidays(today, today + timedelta(days=HORIZON_DAYS)))


@bp.post("/<int:closure_id>/remove")
def remove(closure_id):
    closure = get_object_or_404(DropinClosure, DropinClosure.id == closure_id)
    closure.delete_instance()
    audit("dropin_reopened", f"{closure.first:%d.%m.%Y}–{closure.last:%d.%m.%Y}")
    flash(f"Die Sprechstunde findet wieder statt: {closure.first:%d.%m.%Y}")
    return redirect(url_for(".closures"))
