"""Staff login and logout, with guessing limits nobody can use to lock others out (the sessions
and the password checks themselves: kiosk.security)."""

import threading
from contextlib import contextmanager

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for

from kiosk.forms import LoginForm
from kiosk.security import check_login, remember_device, start_session
from kiosk.staff.login_limits import ClientLimiter, FloodGuard

bp = Blueprint("auth", __name__, url_prefix="/admin")

# One answer for an unknown name, a wrong password and an account that is slowed down for now.
LOGIN_REFUSED = ("Name oder Passwort falsch. Nach mehreren Fehlversuchen nimmt der Kiosk "
                 "neue Versuche erst nach einer kurzen Pause an.")
TOO_MANY_HERE = "Zu viele Versuche von diesem Gerät. Bitte in einigen Minuten erneut versuchen."
PASSWORD_FORMS = ("/admin/login", "/admin/staff/password")  # where a password is checked
# What a client over its limit gets, from kiosk.login_limits.FloodGuard ({root}: the app's prefix).
TOO_MANY_PAGE = f"""<!doctype html>
<html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bitte warten – Kiez+ Kiosk</title><link rel="stylesheet" href="{{root}}/static/css/admin.css"></head>
<body class="admin"><main class="admin-main"><div class="login card"><h1>Bitte warten</h1>
<p class="error-message" role="alert">{TOO_MANY_HERE}</p>
<a class="button" href="{{root}}/admin/login">Zur Anmeldung</a></div></main></body></html>
"""
BUSY = "Der Kiosk prüft gerade eine andere Anmeldung. Bitte in einem Moment noch einmal versuchen."


@bp.record_once
def _login_limits(state):
    """Each app keeps its own per-client counts (in memory only) and its hashing slots."""
    config = state.app.config
    limiter = state.app.extensions["login_clients"] = ClientLimiter(
        config["LOGIN_CLIENT_ATTEMPTS"], config["LOGIN_CLIENT_WINDOW_SECONDS"])
    state.app.wsgi_app = FloodGuard(state.app.wsgi_app, limiter, PASSWORD_FORMS, TOO_MANY_PAGE,
                                    config["LOGIN_REFUSAL_HOLD_SECONDS"], config["LOGIN_REFUSALS_HELD_AT_ONCE"])
    state.app.extensions["password_check_slots"] = threading.BoundedSemaphore(config["PASSWORD_CHECKS_AT_ONCE"])


@bp.route("/login", methods=("GET", "POST"))
def login():
    form = LoginForm()
    error, status = None, 200
    if form.validate_on_submit():
        with password_check() as refusal:
            staff = None if refusal else check_login(form.username.data.strip(), form.password.data)
        if staff:
            client_limits().give_back(request.remote_addr)
            start_session(staff)
            response = redirect(url_for("admin.today"))
            remember_device(response, staff)
            return response
        error, status = refusal or (LOGIN_REFUSED, 200)
    return render_template("admin/login.html", form=form, error=error), status


def client_limits() -> ClientLimiter:
    return current_app.extensions["login_clients"]


@contextmanager
def password_check():
    """Admits one password check, or yields (message, status) to answer at once, before any hash:
    the client is over its limit, or another check is running (a flood then takes one core at
    most, and the tablets keep the rest). A "busy" answer counts as an attempt too, so a flood
    soon meets the cheap refusal in front of the app instead of retrying here."""
    address = request.remote_addr
    if not client_limits().take(address):
        yield TOO_MANY_HERE, 429
        return
    slots = current_app.extensions["password_check_slots"]
    if not slots.acquire(blocking=False):
        yield BUSY, 429
        return
    try:
        yield None
    finally:
        slots.release()


@bp.post("/logout")
def logout():
    if g.staff_session is not None:
        g.staff_session.delete_instance()
    session.clear()
    flash("Sie sind abgemeldet.")
    return redirect(url_for("auth.login"))
