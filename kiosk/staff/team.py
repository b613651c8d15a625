"""The team's accounts: everyone sees the list, changes their own password and ends their own
logins on other devices; an admin disables and removes accounts and ends anyone's logins. Every
change is audited. Accounts are created on the command line only.
"""

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from peewee import fn
from playhouse.flask_utils import get_object_or_404
from werkzeug.security import check_password_hash
from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from kiosk.clock import utcnow
from kiosk.db import database
from kiosk.forms import EmptyForm, KioskForm
from kiosk.models import Staff, StaffSession
from kiosk.security import audit, end_sessions, hash_password, idle_limit, staff_only, start_session
from kiosk.staff.auth import client_limits, password_check

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


bp.before_request(staff_only)


def other_account(staff_id):
    """The account an admin acts on: never their own (nobody locks themselves out by a slip)."""
    if not g.staff.is_admin:
        abort(403)
    staff = get_object_or_404(Staff, Staff.id == staff_id)
    if staff.id == g.staff.id:
        abort(400)
    return staff


@bp.get("/")
def team():
    staff = Staff.select().order_by(Staff.username)
    devices = dict(StaffSession.select(StaffSession.staff, fn.COUNT(StaffSession.id))
                   .where(StaffSession.last_used > utcnow() - idle_limit())
                   .group_by(StaffSession.staff).tuples())
    return render_template("admin/staff.html", staff=staff, devices=devices, form=EmptyForm(), now_utc=utcnow())


@bp.post("/<int:staff_id>/active")
def toggle_active(staff_id):
    staff = other_account(staff_id)
    slowed = staff.locked_until is not None and staff.locked_until > utcnow()
    enable = not staff.active or slowed  # "Entsperren" on a slowed account lifts the wait
    with database.atomic():
        Staff.update(active=enable, failed_logins=0, locked_until=None).where(Staff.id == staff.id).execute()
        end_sessions(staff.id)
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
            end_sessions(staff.id)
            Staff.delete().where(Staff.id == staff.id).execute()
            audit("staff_remove", staff.username)
        flash(f"Der Zugang {staff.username} ist entfernt. Das Protokoll behält seine Einträge.")
        return redirect(url_for(".team"))
    return render_template("admin/staff_remove.html", staff=staff, form=form)


@bp.route("/password", methods=("GET", "POST"))
def change_password():
    """The old password is guessed no faster than at the login, and a session that keeps getting it
    wrong ends: a stolen session cannot take the account over."""
    form = PasswordChangeForm()
    error = None
    if form.validate_on_submit():
        with password_check() as refusal:
            right = not refusal and check_password_hash(g.staff.password_hash, form.old_password.data)
        if refusal:
            message, status = refusal
            return render_template("admin/password.html", form=form, error=message), status
        if not right:
            if g.staff_session.failed_checks + 1 >= current_app.config["LOGIN_FREE_FAILURES"]:
                end_sessions_of(g.staff_session.id)
                flash("Das bisherige Passwort war mehrmals falsch. Bitte melden Sie sich neu an.")
                return redirect(url_for("auth.login"))
            StaffSession.update(failed_checks=StaffSession.failed_checks + 1).where(
                StaffSession.id == g.staff_session.id).execute()
            error = "Das bisherige Passwort stimmt nicht."
        else:
            client_limits().give_back(request.remote_addr)
            with database.atomic():
                Staff.update(password_hash=hash_password(form.new_password.data)).where(
                    Staff.id == g.staff.id).execute()
                end_sessions(g.staff.id)
                audit("password_change", g.staff.username)
            start_session(Staff.get_by_id(g.staff.id))  # this device gets a new login; all others end
            flash("Ihr Passwort ist geändert. Auf allen anderen Geräten sind Sie abgemeldet.")
            return redirect(url_for(".team"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/password.html", form=form, error=error), status


def end_sessions_of(*session_ids):
    StaffSession.delete().where(StaffSession.id.in_(session_ids)).execute()


def sessions_page(person):
    records = (StaffSession.select().where(
        (StaffSession.staff == person.id)
        & (StaffSession.last_used > utcnow() - idle_limit()))
        .order_by(StaffSession.last_used.desc()))
    return render_template("admin/sessions.html", person=person, records=records, form=EmptyForm(),
                           idle_minutes=int(idle_limit().total_seconds() // 60))


@bp.get("/sessions")
def own_sessions():
    """Where I am logged in: each device by its browser's name, since when, last used."""
    return sessions_page(g.staff)


@bp.get("/<int:staff_id>/sessions")
def sessions_of(staff_id):
    if staff_id == g.staff.id:
        return redirect(url_for(".own_sessions"))
    return sessions_page(other_account(staff_id))


@bp.post("/sessions/<int:session_id>/end")
def end_session(session_id):
    """End one login: one's own anywhere, or, as an admin, anyone's."""
    record = StaffSession.get_or_none(StaffSession.id == session_id)
    if record is None or (record.staff_id != g.staff.id and not g.staff.is_admin):
        abort(404)
    owner = Staff.get_by_id(record.staff_id)
    with database.atomic():
        end_sessions_of(record.id)
        if owner.id != g.staff.id:
            audit("session_end", owner.username)
    if record.id == g.staff_session.id:
        flash("Sie sind abgemeldet.")
        return redirect(url_for("auth.login"))
    flash(f"Die Anmeldung auf „{record.browser}“ ist beendet.")
    return redirect(url_for(".own_sessions") if owner.id == g.staff.id else url_for(".sessions_of", staff_id=owner.id))


@bp.post("/sessions/end-others")
def end_other_sessions():
    """Log out everywhere else: after a lost phone, or on leaving a shared computer logged in."""
    StaffSession.delete().where((StaffSession.staff == g.staff.id)
                                & (StaffSession.id != g.staff_session.id)).execute()
    flash("Auf allen anderen Geräten sind Sie abgemeldet.")
    return redirect(url_for(".own_sessions"))


@bp.post("/<int:staff_id>/sessions/end")
def end_all_sessions_of(staff_id):
    """An admin logs someone out everywhere (a lost phone, a colleague leaving)."""
    staff = other_account(staff_id)
    with database.atomic():
        end_sessions(staff.id)
        audit("sessions_end", staff.username)
    flash(f"{staff.username} ist auf allen Geräten abgemeldet.")
    return redirect(url_for(".team"))
