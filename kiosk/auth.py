"""Staff login: hashed passwords, a lock after repeated failures, sessions that expire."""

import functools
import hashlib
from datetime import timedelta

import click
from flask import Blueprint, current_app, flash, g, redirect, render_template, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from .forms import EmptyForm, LoginForm
from .models import AuditEntry, Staff, utcnow

bp = Blueprint("auth", __name__, url_prefix="/admin")

# Checked against when the name is unknown, so a wrong name takes as long as a wrong password.
_UNKNOWN_USER_HASH = generate_password_hash("not a password")


def login_required(view):
    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.staff is None:
            return redirect(url_for("auth.login"))
        return view(**kwargs)

    return wrapped


@bp.before_app_request
def load_staff():
    staff_id = session.get("staff_id")
    g.staff = None
    if staff_id is not None:
        g.staff = Staff.get_or_none((Staff.id == staff_id) & (Staff.active == True))  # noqa: E712
        if g.staff and session.get("password_stamp") != password_stamp(g.staff.password_hash):
            session.clear()  # the password changed since this login: log in again
            g.staff = None


def password_stamp(password_hash):
    """A short sign of the password a session logged in with; a new password ends other logins."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def start_session(staff):
    """A fresh session for a login: nothing from before it carries over."""
    session.clear()
    session.permanent = True
    session["staff_id"] = staff.id
    session["password_stamp"] = password_stamp(staff.password_hash)


def audit(action, detail=""):
    AuditEntry.create(username=g.staff.username if g.staff else "-", action=action, detail=detail)


@bp.route("/login", methods=("GET", "POST"))
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        staff, error = check_login(form.username.data.strip(), form.password.data)
        if staff:
            start_session(staff)
            return redirect(url_for("admin.today"))
    return render_template("admin/login.html", form=form, error=error)


def check_login(username, password):
    """(staff, None) when the password fits and the account is not locked, else (None, message)."""
    staff = Staff.get_or_none((Staff.username == username) & (Staff.active == True))  # noqa: E712
    if staff is None:
        check_password_hash(_UNKNOWN_USER_HASH, password)
        return None, "Name oder Passwort falsch."
    if staff.locked_until and staff.locked_until > utcnow():
        return None, "Zu viele Fehlversuche. Bitte in einigen Minuten erneut versuchen."
    if not check_password_hash(staff.password_hash, password):
        attempts = current_app.config["LOGIN_ATTEMPTS"]
        failed = Staff.failed_logins + 1
        lock = utcnow() + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
        Staff.update(failed_logins=failed).where(Staff.id == staff.id).execute()
        Staff.update(locked_until=lock, failed_logins=0).where(
            (Staff.id == staff.id) & (Staff.failed_logins >= attempts)
        ).execute()
        return None, "Name oder Passwort falsch."
    Staff.update(failed_logins=0, locked_until=None).where(Staff.id == staff.id).execute()
    return staff, None


@bp.post("/logout")
def logout():
    if EmptyForm().validate():
        session.clear()
        flash("Sie sind abgemeldet.")
    return redirect(url_for("auth.login"))


def create_staff(username, password):
    if len(password) < 10:
        raise click.ClickException("The password needs at least 10 characters.")
    if Staff.get_or_none(Staff.username == username):
        raise click.ClickException(f"Staff account {username!r} exists already.")
    return Staff.create(username=username, password_hash=generate_password_hash(password))
