"""Tokens for the read-only figures API (kiosk/staff/api.py): an admin makes one for the Träger's
statistics and revokes it when it is no longer needed; every change is audited.

The token is random, shown once on the page that made it, and stored only as its SHA-256.
"""

import secrets

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from kiosk.clock import utcnow
from kiosk.db import database
from kiosk.forms import EmptyForm, KioskForm
from kiosk.models import ApiToken
from kiosk.security import audit, staff_only, token_digest

bp = Blueprint("api_tokens", __name__, url_prefix="/admin/api-tokens")

TOKEN_PREFIX = "kzp_"  # recognisable in a script or a leaked file


class ApiTokenForm(KioskForm):
    name = StringField("Wofür (zum Beispiel „Statistik des Trägers“)",
                       validators=[DataRequired(), Length(max=64)])
    submit = SubmitField("Schlüssel erzeugen")


def new_token(name, created_by):
    """(ApiToken, the token itself): the token is shown once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken.create(name=name, token_hash=token_digest(token), created_by=created_by)
    return record, token


def valid_token(token):
    """The ApiToken of a token that has not been revoked, or None."""
    if not token:
        return None
    return ApiToken.get_or_none((ApiToken.token_hash == token_digest(token)) & ApiToken.revoked.is_null())


bp.before_request(staff_only)  # Staff see the list; only an admin makes or revokes a token.


def _admin_only():
    if not g.staff.is_admin:
        abort(403)


@bp.route("/", methods=("GET", "POST"))
def tokens():
    form = ApiTokenForm()
    made = None
    if form.is_submitted():
        _admin_only()
        if form.validate():
            with database.atomic():
                record, token = new_token(form.name.data.strip(), g.staff.username)
                audit("api_token_add", record.name)
            made = {"name": record.name, "token": token}
            form = ApiTokenForm(formdata=None)
        elif not form.errors.get("name"):
            abort(400)
    status = 400 if form.errors else 200
    listed = ApiToken.select().order_by(ApiToken.revoked.is_null(False), ApiToken.created.desc())
    return render_template("admin/api_tokens.html", form=form, made=made, tokens=listed,
                           revoke_form=EmptyForm()), status


@bp.post("/<int:token_id>/revoke")
def revoke(token_id):
    _admin_only()
    record = ApiToken.get_or_none(ApiToken.id == token_id)
    if record is None:
        abort(404)
    if record.revoked is None:
        with database.atomic():
            ApiToken.update(revoked=utcnow()).where(ApiToken.id == token_id).execute()
            audit("api_token_revoke", record.name)
        flash(f"Der Schlüssel „{record.name}“ gilt nicht mehr.")
    return redirect(url_for(".tokens"))
