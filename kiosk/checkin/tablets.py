"""The project's own tablets: enrolled by staff with a one-time code, then trusted to count.

Staff add a tablet ("Tablet Eingang") on /admin/tablets and get a code valid for 15 minutes, with
a QR code of the enrolment address. On the tablet, /tablet/enrol takes the code and answers with a
long-lived HttpOnly device cookie; the server keeps only the SHA-256 of its random secret (a hash
is enough for 32 random bytes: there is nothing to guess). Check-ins count as normal only from an
enrolled tablet (kiosk/counting.py). The tablet's script says it is alive once a minute, carrying
nothing about visitors, and Today shows when each tablet was last heard.
"""

import hashlib
import re
import secrets
from datetime import datetime, timedelta, timezone

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from peewee import DatabaseError
from playhouse.flask_utils import get_object_or_404
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

from kiosk.checkin import counting
from kiosk.clock import utcnow
from kiosk.db import database
from kiosk.forms import EmptyForm, KioskForm
from kiosk.models import Tablet
from kiosk.qr import qr_svg
from kiosk.security import audit, login_required

bp = Blueprint("tablets", __name__)

COOKIE = "kiosk_tablet"
COOKIE_MAX_AGE = timedelta(days=400)  # the longest a browser keeps a cookie; each heartbeat renews it
CODE_LIFETIME = timedelta(minutes=15)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to mix up when typing
CODE_LENGTH = 8  # 40 bits: far more than can be tried in 15 minutes
BEAT_WRITE_EVERY = timedelta(seconds=30)


class TabletNameForm(KioskForm):
    name = StringField("Name des Tablets", validators=[DataRequired(), Length(max=64)])


class EnrolForm(KioskForm):
    code = StringField("Code vom Team", validators=[DataRequired(), Length(max=32)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})


class LateCheckinForm(KioskForm):
    """A check-in the tablet kept while the server was away: its random id and the hour it was
    tapped (seconds since 1970, UTC, a whole hour), nothing else."""

    id = StringField(validators=[DataRequired(), Regexp(r"^[A-Za-z0-9-]{16,36}$")])
    hour = IntegerField(validators=[InputRequired()])


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalised_code(text: str) -> str:
    """ "abcd-efgh", "ABCD EFGH" and "ABCDEFGH" are the same code."""
    return re.sub(r"[\s-]", "", text or "").upper()


def shown_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def open_enrolment(tablet: Tablet) -> str:
    """A new one-time code for this tablet (valid CODE_LIFETIME); only its hash is kept."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    Tablet.update(code_hash=digest(code), code_expires=utcnow() + CODE_LIFETIME).where(
        Tablet.id == tablet.id).execute()
    return code


def add_tablet(name: str) -> tuple[Tablet, str]:
    tablet = Tablet.create(name=name)
    return tablet, open_enrolment(tablet)


def redeem(code: str) -> tuple[Tablet, str] | None:
    """Enrol the device that typed ``code``: (tablet, device secret), or None for a wrong,
    expired, used or revoked code. A tablet enrolled again gets a new secret; the old one dies."""
    code = normalised_code(code)
    if len(code) != CODE_LENGTH:
        return None
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    updated = list(
        Tablet.update(code_hash=None, code_expires=None, secret_hash=digest(secret), enrolled=now, last_seen=now)
        .where((Tablet.code_hash == digest(code)) & (Tablet.code_expires >= now) & Tablet.revoked.is_null())
        .returning(Tablet.id)
        .tuples()
        .execute()
    )
    if not updated:
        return None
    return Tablet.get_by_id(updated[0][0]), secret


def current_tablet() -> Tablet | None:
    """The enrolled, not revoked tablet this request comes from; None for any other browser."""
    if "tablet" not in g:
        secret = request.cookies.get(COOKIE, "")
        g.tablet = None
        if 0 < len(secret) <= 100:
            g.tablet = Tablet.get_or_none((Tablet.secret_hash == digest(secret)) & Tablet.revoked.is_null())
    return g.tablet


def set_device_cookie(response, secret):
    response.set_cookie(COOKIE, secret, max_age=int(COOKIE_MAX_AGE.total_seconds()), httponly=True,
                        samesite="Lax", secure=request.is_secure)


@bp.app_context_processor
def tablet_context():
    return {"is_tablet": current_tablet_shown}


def current_tablet_shown():
    """For the visitor layout: only an enrolled tablet's script sends heartbeats."""
    try:
        return current_tablet() is not None
    except DatabaseError:  # an error page must render even without a database
        return False


# --- on the tablet ------------------------------------------------------------------------------


@bp.route("/tablet/enrol", methods=("GET", "POST"))
def enrol():
    form = EnrolForm()
    if request.method == "GET":
        form.code.data = request.args.get("code", "")[:32]
        return render_template("admin/tablet_enrol.html", form=form, tablet=current_tablet())
    if not form.validate():
        abort(400)
    with database.atomic():
        enrolled = redeem(form.code.data)
        if enrolled:
            audit("tablet_enrolled", enrolled[0].name)
    if not enrolled:
        form.code.errors.append("Dieser Code stimmt nicht, ist abgelaufen oder wurde schon benutzt. "
                                "Bitte im Team einen neuen Code erzeugen.")
        return render_template("admin/tablet_enrol.html", form=form, tablet=None), 400
    tablet, secret = enrolled
    response = make_response(render_template("admin/tablet_enrol.html", form=None, tablet=tablet, done=True))
    set_device_cookie(response, secret)
    return response


@bp.post("/tablet/alive")
def alive():
    """The heartbeat of an enrolled tablet's script: nothing but "I am here" (CSRF in a header)."""
    tablet = current_tablet()
    if tablet is None:
        abort(403)
    now = utcnow()
    # At most one write in BEAT_WRITE_EVERY, however many pages or tabs beat.
    Tablet.update(last_seen=now).where((Tablet.id == tablet.id) & (
        Tablet.last_seen.is_null() | (Tablet.last_seen < now - BEAT_WRITE_EVERY))).execute()
    response = make_response("", 204)
    set_device_cookie(response, request.cookies[COOKIE])
    return response


@bp.post("/checkin/late")
def late_checkin():
    """Deliver a kept check-in: counted once in the hour it was tapped, only from an enrolled
    tablet and only within counting.LATE_MAX_AGE. 201 counted, 200 counted before, 400 never."""
    tablet = current_tablet()
    if tablet is None:
        return REFUSED, 403
    tapped = _tapped_hour(LateCheckinForm())
    if tapped is None:
        return REFUSED, 400
    if counting.count_late_checkin(request.form["id"], tapped, tablet.id):
        return jsonify(status="counted"), 201
    return jsonify(status="counted before")


# The tablet's script drops a kept check-in only on an answer like this one (or a counted one);
# any other failure (a CSRF page after a restart, a 503) means: keep it and try again later.
REFUSED = {"status": "refused"}


def _tapped_hour(form):
    """The start of the hour the check-in was tapped (UTC), or None when malformed or too old."""
    if not form.validate() or form.hour.data % 3600:
        return None
    try:
        tapped = datetime.fromtimestamp(form.hour.data, timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
    now = datetime.now(timezone.utc)
    if tapped > now or tapped + timedelta(hours=1) < now - counting.LATE_MAX_AGE:
        return None
    return tapped


# --- for staff ----------------------------------------------------------------------------------


@bp.route("/admin/tablets", methods=("GET", "POST"))
@login_required
def index():
    form = TabletNameForm(prefix="add")
    opened = None
    if form.validate_on_submit():
        with database.atomic():
            tablet, code = add_tablet(form.name.data.strip())
            audit("tablet_add", tablet.name)
        opened = enrolment_shown(tablet, code)
    elif request.method == "POST":
        return render_page(form, None), 400
    return render_page(form, opened)


def render_page(form, opened):
    tablets = Tablet.select().order_by(Tablet.revoked.is_null(False), Tablet.name)
    return render_template("admin/tablets.html", form=form, opened=opened, tablets=tablets,
                           action_form=EmptyForm(), rename_form=TabletNameForm(prefix="rename"))


def enrolment_shown(tablet, code):
    """What staff see once, right after making a code: the code, the address and its QR code."""
    address = url_for(".enrol", code=code, _external=True)
    return {"tablet": tablet, "code": shown_code(code), "address": url_for(".enrol", _external=True),
            "qr": qr_svg(address, "Anmeldeadresse mit Code für das Tablet"),
            "minutes": int(CODE_LIFETIME.total_seconds() // 60)}


@bp.post("/admin/tablets/<int:tablet_id>/code")
@login_required
def new_code(tablet_id):
    """A new code for a tablet whose cookie was lost (a reset browser): enrolling again replaces it."""
    tablet = get_object_or_404(Tablet, Tablet.id == tablet_id)
    if tablet.revoked:
        abort(400)
    with database.atomic():
        code = open_enrolment(tablet)
        audit("tablet_code", tablet.name)
    return render_page(TabletNameForm(prefix="add", formdata=None), enrolment_shown(tablet, code))


@bp.post("/admin/tablets/<int:tablet_id>/rename")
@login_required
def rename(tablet_id):
    tablet = get_object_or_404(Tablet, Tablet.id == tablet_id)
    form = TabletNameForm(prefix="rename")
    if not form.validate():
        abort(400)
    name = form.name.data.strip()
    with database.atomic():
        Tablet.update(name=name).where(Tablet.id == tablet.id).execute()
        audit("tablet_rename", f"{tablet.name} → {name}")
    flash(f"Umbenannt in „{name}“.")
    return redirect(url_for(".index"))


@bp.post("/admin/tablets/<int:tablet_id>/revoke")
@login_required
def revoke(tablet_id):
    """From now on this tablet's check-ins are counted apart, as from any other browser."""
    tablet = get_object_or_404(Tablet, Tablet.id == tablet_id)
    if tablet.revoked:
        abort(400)
    with database.atomic():
        Tablet.update(revoked=utcnow(), secret_hash=None, code_hash=None, code_expires=None).where(
            Tablet.id == tablet.id).execute()
        audit("tablet_revoke", tablet.name)
    flash(f"„{tablet.name}“ ist abgemeldet: seine Check-ins zählen nicht mehr als Tablet.")
    return redirect(url_for(".index"))
