""""Hier stimmt etwas nicht": one tap on an entry's detail page tells staff to check it.

The tap adds one to the entry's count since it was last checked and moves the hour of the last
tap (kiosk/models.py EntryFlag); nothing about the visitor is kept. Each tap spends a signed
one-time ticket like the check-in's, and a visit flags an entry once (until the idle reset).
Staff clear the flags with "Stimmt alles: geprüft" on the content overview (kiosk/offers/admin.py),
which also sets the date visitors see ("geprüft im Oktober 2026", HSDS assured_date).
"""

from babel.dates import format_skeleton
from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from peewee import EXCLUDED

from kiosk import clock
from kiosk.checkin import counting
from kiosk.db import database
from kiosk.forms import TicketForm
from kiosk.models import EntryFlag, Service
from kiosk.offers import directory

bp = Blueprint("flags", __name__)

PURPOSE = "flag"
FLAGGED = "flagged"  # in the visitor's session until the idle reset: the entry ids flagged
SECTIONS = {"offers": directory.OFFER, "help": directory.HELP}
SECTION = "<any(offers, help):section>"


@bp.before_app_request
def forget_flags_on_reset():
    if request.endpoint == "visitor.home" and request.args.get("reset"):
        session.pop(FLAGGED, None)


@bp.app_context_processor
def flag_context():
    return {"flag_form": flag_form, "flagged_in_this_visit": flagged_in_this_visit,
            "checked_line": checked_line}


def flag_form() -> TicketForm:
    return TicketForm(ticket=counting.home_ticket(PURPOSE))


def flagged_in_this_visit(service_id) -> bool:
    flagged = session.get(FLAGGED, [])
    return isinstance(flagged, list) and service_id in flagged


def checked_line(day) -> str:
    """ "Geprüft im Oktober 2026": the month is enough for a visitor, and says it is looked after."""
    return _("Geprüft im %(month)s", month=format_skeleton("yMMMM", day, locale=str(get_locale())))


def record_flag(token: str, service: Service) -> bool | None:
    """Spend the flag ticket and count the tap against the entry once; None: never issued."""
    hour = clock.berlin_now().replace(minute=0, second=0, microsecond=0, tzinfo=None)
    with database.atomic():
        fresh = counting.spend_one_tap_ticket(token, PURPOSE)
        if fresh and not counting.test_mode():
            EntryFlag.insert(service=service.id, times=1, first_hour=hour, last_hour=hour).on_conflict(
                conflict_target=[EntryFlag.service],
                update={EntryFlag.times: EntryFlag.times + 1, EntryFlag.last_hour: EXCLUDED.last_hour},
            ).execute()
    return fresh


def flagged_entries() -> list[EntryFlag]:
    """For staff: the flagged entries, the most recently flagged first, then the most flagged."""
    return list(EntryFlag.select(EntryFlag, Service).join(Service)
                .order_by(EntryFlag.last_hour.desc(), EntryFlag.times.desc(), Service.name))


def clear_flags(service_id) -> int:
    """Staff checked the entry: forget its flags. Returns how many visitors had flagged it."""
    times = EntryFlag.select(EntryFlag.times).where(EntryFlag.service == service_id).scalar() or 0
    EntryFlag.delete().where(EntryFlag.service == service_id).execute()
    return times


def _service_or_404(section, service_id):
    service = directory.visible_service(service_id, SECTIONS[section])
    if service is None:
        abort(404)
    return service


@bp.post(f"/{SECTION}/<int:service_id>/flag")
def flag(section, service_id):
    form = TicketForm()
    if not form.validate():
        abort(400)
    service = _service_or_404(section, service_id)
    if not flagged_in_this_visit(service.id):
        if record_flag(form.ticket.data, service) is None:
            abort(400)
        flagged = session.get(FLAGGED, [])
        session[FLAGGED] = [*(flagged if isinstance(flagged, list) else [])[-19:], service.id]
    return redirect(url_for(".thanks", section=section, service_id=service.id))


@bp.get(f"/{SECTION}/<int:service_id>/flagged")
def thanks(section, service_id):
    service = _service_or_404(section, service_id)
    return render_template("visitor/offers/flagged.html", section=section, service=service)
