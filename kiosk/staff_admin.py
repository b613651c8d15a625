"""The team's accounts: everyone sees the list and changes their own password; an admin disables
and removes accounts. Every change is audited. Accounts are created on the command line only.
"""

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from .auth import audit, login_required, start_session
from .db import database
from .forms import EmptyForm, KioskForm
from .models import Staff, utcnow

bp = Blueprint("staff_admin", __name__, url_prefix="/admin/staff")

MIN_PASSWORD = 10  # as for add-staff


class PasswordChangeForm(KioskForm):
    old_password = PasswordField("Bisheriges Passwort", validators=[DataRequired(), Length(max=256)],
                                 render_kw={"autocomplete": "current-password"})
    new_password = PasswordField("Neues Passwort", validators=[
        DataRequired(), Length(min=MIN_PASSWORD, max=256, message=f"Mindestens {MIN_PASSWORD} Zeichen.")],
        render_kw={"autocomplete": "new-password"})
    repeat = PasswordField("Neues Passwort noch einmal", validators=[
        DataRequired(), EqualTo("new_password", message="Die beiden neuen Passwörter sind verschieden.")],
        render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Passwort ändern")


@bp.before_request
@login_required
def require_login():
    """Every page here needs a staff login."""


def other_account(staff_id):
    """The account an admin acts on: never their own (nobody locks themselves out by a slip)."""
    if not g.staff.is_admin:
        abort(403)
    staff = Staff.get_or_none(Staff.id == staff_id)
    if staff is None:
        abort(404)
    if staff.id == g.staff.id:
        abort(400)
    return staff


@bp.get("/")
def team():
    staff = Staff.select().order_by(Staff.username)
    return render_template("admin/staff.html", staff=staff, form=EmptyForm(), now_utc=utcnow())


@bp.post("/<int:staff_id>/active")
def toggle_active(staff_id):
    if not EmptyForm().validate():
        abort(400)
    staff = other_account(staff_id)
    enable = not staff.active
    with database.atomic():
        Staff.update(active=enable, failed_logins=0, locked_until=None).where(Staff.id == staff.id).execute()
        audit("staff_enable" if enable else "staff_disable", staff.username)
    flash(f"{staff.username} kann sich wieder anmelden." if enable
          else f"{staff.username} kann sich nicht mehr anmelden.")
    return redirect(url_for(".team"))


@bp.route("/<int:staff_id>/remove", methods=("GET", "POST"))
def remove(staff_id):
    """Removing needs a second, separate tap on a page that names the account."""
    staff = other_account(staff_id)
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        with database.atomic():
            Staff.delete().where(Staff.id == staff.id).execute()
            audit("staff_remove", staff.username)
        flash(f"Der Zugang {staff.username} ist entfernt. Das Protokoll behält seine Einträge.")
        return redirect(url_for(".team"))
    return render_template("admin/staff_remove.html", staff=staff, form=form)


@bp.route("/password", methods=("GET", "POST"))
def change_password():
    form = PasswordChangeForm()
    error = None
    if form.validate_on_submit():
        if not check_password_hash(g.staff.password_hash, form.old_password.data):
            error = "Das bisherige Passwort stimmt nicht."
        else:
            with database.atomic():
                Staff.update(password_hash=generate_password_hash(form.new_password.data)).where(
                    Staff.id == g.staff.id).execute()
                audit("password_change", g.staff.username)
            start_session(Staff.get_by_id(g.staff.id))  # this login stays; others on other devices end
            flash("Ihr Passwort ist geändert.")
            return redirect(url_for(".team"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/password.html", form=form, error=error), status
