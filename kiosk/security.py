"""Staff sessions kept on the server (kiosk.models.StaffSession), so logout, idle time, a new
password and a disabled account end them for every copy of the cookie; password checks that take
the same time whatever went wrong; the audit log. Every staff page in every package uses this.
"""

import functools
import hashlib
import secrets
import time
from datetime import timedelta

import click
from flask import current_app, g, redirect, request, session, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from kiosk.db import database
from kiosk.models import AuditEntry, Staff, StaffSession, utcnow
from kiosk.staff.login_limits import delay_after

SESSION_KEY = "staff_session"  # the random token in Flask's signed cookie
TOUCH_EVERY = timedelta(minutes=1)  # last_used is written at most this often: no write per page
DEVICE_COOKIE = "kiosk_staff_device"
DEVICE_DAYS = 365

def init_app(app):
    app.extensions["password_check_seconds"] = {}  # hash method: running average
    app.before_request(load_staff)


def login_required(view):
    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.staff is None:
            return redirect(url_for("auth.login"))
        return view(**kwargs)

    return wrapped


@login_required
def staff_only():
    """For ``bp.before_request(staff_only)``: every page of that blueprint needs a staff login."""


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def idle_limit() -> timedelta:
    """PERMANENT_SESSION_LIFETIME as a timedelta (a KIOSK_ variable gives it in seconds)."""
    return current_app.permanent_session_lifetime


def load_staff():
    """g.staff from the session record, if it is still open; an ended or idle one logs out."""
    g.staff = g.staff_session = None
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or request.endpoint == "static":
        return
    record = (StaffSession.select(StaffSession, Staff).join(Staff)
              .where((StaffSession.token_hash == token_digest(token)) & (Staff.active == True))  # noqa: E712
              .first())
    now = utcnow()
    if record is None or record.last_used + idle_limit() <= now:
        if record is not None:
            record.delete_instance()
        session.clear()
        return
    if now - record.last_used >= TOUCH_EVERY:
        StaffSession.update(last_used=now).where(StaffSession.id == record.id).execute()
    g.staff, g.staff_session = record.staff, record


def start_session(staff):
    """A fresh session for a login: nothing from before it carries over; idle records are removed."""
    session.clear()
    session.permanent = True
    token = secrets.token_urlsafe(32)
    StaffSession.delete().where(StaffSession.last_used <= utcnow() - idle_limit()).execute()
    StaffSession.create(token_hash=token_digest(token), staff=staff,
                        browser=browser_name(request.user_agent.string))
    session[SESSION_KEY] = token


def end_sessions(staff_id):
    """Every login of this account ends, on every device (a new password, a disabled account)."""
    StaffSession.delete().where(StaffSession.staff == staff_id).execute()


# Checked in this order: "Chrome" is in Edge's and Samsung's names, "Safari" in Chrome's.
BROWSERS = (("Edg", "Edge"), ("SamsungBrowser", "Samsung Internet"), ("Firefox", "Firefox"),
            ("FxiOS", "Firefox"), ("CriOS", "Chrome"), ("Chrome", "Chrome"), ("Safari", "Safari"))
SYSTEMS = (("Android", "Android"), ("iPad", "iPad"), ("iPhone", "iPhone"), ("Windows", "Windows"),
           ("Macintosh", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def browser_name(user_agent: str) -> str:
    """A short name a person recognises their device by ("Firefox auf Windows"); nothing more is kept."""
    browser = next((name for sign, name in BROWSERS if sign in user_agent), "Unbekannter Browser")
    system = next((name for sign, name in SYSTEMS if sign in user_agent), None)
    return f"{browser} auf {system}" if system else browser


def audit(action, detail=""):
    AuditEntry.create(username=g.staff.username if g.staff else "-", action=action, detail=detail)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@functools.lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not a password", method=method)


def check_login(username, password):
    """The account when the password fits, else None, in about the time of one password check.

    An unknown name and an account slowed down for now check nothing: they wait as long as a real
    check takes here (its running average), which costs no CPU, so a flood of made-up names or of
    guesses at a slowed account takes nothing from the tablets.
    """
    staff = Staff.get_or_none((Staff.username == username) & (Staff.active == True))  # noqa: E712
    slowed = (staff is not None and staff.locked_until is not None and staff.locked_until > utcnow()
              and remembered_device() != staff.id)
    if staff is None or slowed:
        time.sleep(check_seconds(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"])))
        return None
    began = time.perf_counter()
    if check_password_hash(staff.password_hash, password):
        Staff.update(failed_logins=0, locked_until=None).where(Staff.id == staff.id).execute()
        return staff
    if remembered_device() != staff.id:  # the owner's own typos do not slow their account
        note_failure(staff)
    record_check_seconds(staff.password_hash, time.perf_counter() - began)
    return None


def _method_of(password_hash: str) -> str:
    return password_hash.split("$", 1)[0]  # "scrypt:32768:8:1"


def check_seconds(password_hash: str) -> float:
    """How long a wrong password takes to refuse with this hash method; measured once if unknown."""
    times = current_app.extensions["password_check_seconds"]
    method = _method_of(password_hash)
    if method not in times:
        began = time.perf_counter()
        check_password_hash(password_hash, "not the password")
        times[method] = time.perf_counter() - began
    return times[method]


def record_check_seconds(password_hash: str, seconds: float):
    times = current_app.extensions["password_check_seconds"]
    method = _method_of(password_hash)
    times[method] = seconds if method not in times else 0.8 * times[method] + 0.2 * seconds


def note_failure(staff):
    """One more failure in a row; past the free ones, the account waits longer after each."""
    config = current_app.config
    with database.atomic():
        Staff.update(failed_logins=Staff.failed_logins + 1).where(Staff.id == staff.id).execute()
        failures = Staff.select(Staff.failed_logins).where(Staff.id == staff.id).scalar()
        delay = delay_after(failures, config["LOGIN_FREE_FAILURES"], config["LOGIN_FIRST_DELAY_SECONDS"],
                            config["LOGIN_MAX_DELAY_SECONDS"])
        if delay:
            Staff.update(locked_until=utcnow() + delay).where(Staff.id == staff.id).execute()


def _device_signer():
    return URLSafeTimedSerializer(current_app.secret_key, salt="staff-device")


def remember_device(response, staff):
    """A signed note that this browser has logged in to this account (no address, no identifier)."""
    response.set_cookie(DEVICE_COOKIE, _device_signer().dumps(staff.id), max_age=DEVICE_DAYS * 86400,
                        path=url_for("auth.login"), httponly=True, samesite="Strict",
                        secure=request.is_secure or current_app.config["SESSION_COOKIE_SECURE"])


def remembered_device():
    """The account id this browser has logged in to before, or None."""
    value = request.cookies.get(DEVICE_COOKIE)
    if not value:
        return None
    try:
        return _device_signer().loads(value, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return None


def create_staff(username, password):
    if len(password) < 10:
        raise click.ClickException("The password needs at least 10 characters.")
    if Staff.get_or_none(Staff.username == username):
        raise click.ClickException(f"Staff account {username!r} exists already.")
    return Staff.create(username=username, password_hash=hash_password(password))
