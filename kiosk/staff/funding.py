"""Staff pages for funding periods, their targets (Soll) and the period report (Soll–Ist)."""

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from kiosk import clock
from kiosk.db import database
from kiosk.forms import EmptyForm, KioskForm
from kiosk.models import FundingPeriod, Target
from kiosk.security import audit, staff_only
from kiosk.staff import period_report, reports, targets

bp = Blueprint("funding", __name__, url_prefix="/admin/funding")

LONGEST_PERIOD_DAYS = 10 * 366  # a longer funding period is a typo in a year
NARRATIVE = {
    "results": "Was erreicht wurde",
    "deviations": "Abweichungen vom Plan und ihre Gründe",
    "outlook": "Erreichte Zielgruppen, Öffentlichkeitsarbeit, Ausblick",
}


class PeriodForm(KioskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    funder = StringField("Fördermittelgeber", validators=[Optional(), Length(max=120)])
    first = DateField("Von", validators=[InputRequired()])
    last = DateField("Bis", validators=[InputRequired()])
    results = TextAreaField(NARRATIVE["results"], validators=[Optional(), Length(max=5000)])
    deviations = TextAreaField(NARRATIVE["deviations"], validators=[Optional(), Length(max=5000)])
    outlook = TextAreaField(NARRATIVE["outlook"], validators=[Optional(), Length(max=5000)])
    submit = SubmitField("Speichern")

    def validate_last(self, field):
        if field.data and self.first.data:
            if field.data < self.first.data:
                raise ValidationError("Das Ende liegt vor dem Anfang.")
            if (field.data - self.first.data).days > LONGEST_PERIOD_DAYS:
                raise ValidationError("Höchstens zehn Jahre.")


class TargetForm(KioskForm):
    metric = SelectField("Was", choices=reports.FUNDER_METRICS, validators=[InputRequired()])
    amount = IntegerField("Ziel (Anzahl)", validators=[InputRequired(), NumberRange(1, 1_000_000)])
    per = SelectField("pro", choices=targets.PER, validators=[InputRequired()])
    submit = SubmitField("Ziel hinzufügen")


bp.before_request(staff_only)


def period_or_404(period_id) -> FundingPeriod:
    period = FundingPeriod.get_or_none(FundingPeriod.id == period_id)
    if period is None:
        abort(404)
    return period


def period_summary(period: FundingPeriod) -> str:
    return f"{period.name} ({period.first:%d.%m.%Y}–{period.last:%d.%m.%Y})"


def target_summary(target: Target) -> str:
    return f"{targets.number(target.amount)} {reports.FUNDER_METRICS[target.metric]} {targets.PER[target.per]}"


@bp.route("/", methods=("GET", "POST"))
def periods():
    form = PeriodForm()
    if form.validate_on_submit():
        with database.atomic():
            period = FundingPeriod.create(**{name: _text_or_date(form[name].data) for name in (
                "name", "funder", "first", "last", *NARRATIVE)})
            audit("funding_period_add", period_summary(period))
        flash("Förderzeitraum angelegt. Jetzt die Ziele eintragen.")
        return redirect(url_for(".period", period_id=period.id))
    status = 400 if form.is_submitted() else 200
    listed = FundingPeriod.select().order_by(FundingPeriod.first.desc())
    return render_template("admin/funding/periods.html", form=form, periods=listed), status


def _text_or_date(value):
    """A field's value as stored: dates as they are, text stripped, a field not shown as ""."""
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else value


@bp.route("/<int:period_id>/", methods=("GET", "POST"))
def period(period_id):
    period = period_or_404(period_id)
    # The other form's POST leaves this one as stored (no form data), so a rejected target
    # does not show the period's fields empty.
    mine = request.method == "GET" or "period-submit" in request.form
    form = PeriodForm(prefix="period", obj=period) if mine else PeriodForm(prefix="period", obj=period, formdata=None)
    add = TargetForm(prefix="target")
    if form.submit.data and form.validate_on_submit():
        before = period_summary(period)
        with database.atomic():
            for name in ("name", "funder", "first", "last", *NARRATIVE):
                setattr(period, name, _text_or_date(form[name].data))
            period.save()
            audit("funding_period_edit", f"{before} → {period_summary(period)}")
        flash("Gespeichert.")
        return redirect(url_for(".period", period_id=period.id))
    if add.submit.data and add.validate_on_submit():
        if Target.select().where((Target.period == period) & (Target.metric == add.metric.data)
                                 & (Target.per == add.per.data)).exists():
            add.amount.errors = ["Dieses Ziel gibt es schon; erst das alte entfernen."]
        else:
            with database.atomic():
                target = Target.create(period=period, metric=add.metric.data, amount=add.amount.data,
                                       per=add.per.data)
                audit("funding_target_add", f"{period.name}: {target_summary(target)}")
            flash("Ziel hinzugefügt.")
            return redirect(url_for(".period", period_id=period.id))
    if form.is_submitted() and not (form.errors or add.errors):
        abort(400)
    status = 400 if form.is_submitted() else 200
    return render_template("admin/funding/period.html", period=period, form=form, add=add,
                           remove=EmptyForm(prefix="remove"), narrative=NARRATIVE,
                           metric_labels=reports.FUNDER_METRICS, per_labels=targets.PER), status


@bp.post("/<int:period_id>/targets/<int:target_id>/remove")
def remove_target(period_id, target_id):
    if not EmptyForm(prefix="remove").validate():
        abort(400)
    period = period_or_404(period_id)
    target = Target.get_or_none((Target.id == target_id) & (Target.period == period))
    if target is None:
        abort(404)
    with database.atomic():
        target.delete_instance()
        audit("funding_target_remove", f"{period.name}: {target_summary(target)}")
    flash("Ziel entfernt.")
    return redirect(url_for(".period", period_id=period.id))


@bp.route("/<int:period_id>/delete", methods=("GET", "POST"))
def delete_period(period_id):
    """Only an admin deletes a period, as only an admin removes an account: it takes the targets
    and the report's texts with it. A second tap on a page that names all that goes."""
    if not g.staff.is_admin:
        abort(403)
    period = period_or_404(period_id)
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        goals = "; ".join(target_summary(t) for t in period.targets) or "keine"
        with database.atomic():
            Target.delete().where(Target.period == period).execute()
            period.delete_instance()
            audit("funding_period_delete", f"{period_summary(period)}, Ziele: {goals}")
        flash(f"Der Förderzeitraum {period.name} ist gelöscht. Zahlen und Aktivitäten bleiben.")
        return redirect(url_for(".periods"))
    return render_template("admin/funding/delete.html", period=period, form=form, narrative=NARRATIVE,
                           goals=[target_summary(t) for t in period.targets])


@bp.get("/<int:period_id>/report")
def report(period_id):
    today = clock.berlin_now().date()
    built = period_report.build(period_or_404(period_id), today, current_app.config["LANGUAGES"])
    return render_template("admin/funding/report.html", report=built, today=today, narrative=NARRATIVE,
                           per_labels=targets.PER)


@bp.get("/<int:period_id>/report.xlsx")
def report_xlsx(period_id):
    from kiosk.staff import workbooks  # openpyxl: a quarter of the kiosk's start, needed only here

    today = clock.berlin_now().date()
    period = period_or_404(period_id)
    built = period_report.build(period, today, current_app.config["LANGUAGES"])
    body = workbooks.period_workbook(built, NARRATIVE, today)
    return Response(body, mimetype=workbooks.XLSX_TYPE, headers={
        "Content-Disposition": f'attachment; filename="kiez-plus-bericht-{period.first}-{period.last}.xlsx"'})
