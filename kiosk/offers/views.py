"""The visitor side of local offers (/offers) and help services (/help): tiles, cards, details,
QR codes to take a contact home, and printed slips for visitors without a smartphone.

Counts only (kiosk/counting.py): a category or topic opened, a detail viewed, a QR code enlarged,
a slip printed (the prepared sentence on it, picked on the page before, is not counted). Slips
print in the visitor's language and in German beneath, for the office. The "Merken" list lives in the visitor's session as service ids, nothing more,
and is forgotten when the kiosk returns to the start screen.
"""

import os
from datetime import timedelta
from functools import lru_cache

from babel.dates import format_skeleton
from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from kiosk import clock, translated
from kiosk.checkin import counting
from kiosk.checkin.dropin import dropin_line, dropin_status
from kiosk.forms import EmptyForm
from kiosk.models import Service
from kiosk.offers import directory, sentences
from kiosk.offers.directory import CLOSED, HELP, LATER, LATER_TODAY, OFFER, OPEN_NOW
from kiosk.offers.phones import is_mobile, readable_phone, tel_uri
from kiosk.offers.seed import CATEGORY_LABELS, EMERGENCY_NUMBERS, KIEZ_PLUS_UID, german
from kiosk.offers.takehome import fitting_vcard
from kiosk.qr import qr_svg, scale_for_box, size_class
from kiosk.schedules import Phrases, describe_next

bp = Blueprint("offers", __name__)

SECTIONS = {"offers": OFFER, "help": HELP}
COUNTED_AS = {"offers": "offer_category", "help": "help_topic"}
RESERVED_KEYS = frozenset({"saved", "emergency", "now"})  # fixed pages beside /offers/<key>
SAVED_LIMIT = 12
COMING_UP = 6  # when nothing is open any more today, the next few openings
SECTION = "<any(offers, help):section>"
# The largest px a module a code gets, and the px its box holds (the take-home box on the detail
# page is at most 560 px wide with 44 px padding; a code beside it, about half). Fewer px a module
# where the code has more modules, never fewer than qr.MIN_SCREEN_SCALE (takehome.py keeps the
# vCard small enough for that).
LARGE_SCALE, SMALL_SCALE, ENLARGED_SCALE = 6, 5, 8
VCARD_BOX, SMALL_BOX, ENLARGED_BOX = 440, 220, 1000


@bp.before_app_request
def forget_saved_on_reset():
    """The idle reset (home with ?reset=1) hands the kiosk to the next visitor: empty the list."""
    if request.endpoint == "visitor.home" and request.args.get("reset"):
        session.pop("saved", None)


@bp.context_processor
def offers_context():
    return {
        "category_label": category_label,
        "category_in_german": category_in_german,
        "pictogram": pictogram,
        "language_name": directory.language_name,
        "saved_ids": saved_ids(),
        "saved_limit": SAVED_LIMIT,
        "readable_phone": readable_phone,
        "phone_label": phone_label,
        "tel_uri": tel_uri,
        "OPEN_NOW": OPEN_NOW,
        "CLOSED": CLOSED,
    }


def phone_label(phone) -> str:
    """What a number is, in the visitor's language: a mobile one says so (by kind or prefix)."""
    if phone.kind == "fax":
        return _("Fax")
    if phone.kind == "cell" or is_mobile(phone.number):
        return _("Handy / mobil")
    return _("Telefon")


def category_label(category) -> str:
    """The shipped categories in the visitor's language; staff-made (or renamed) ones as written."""
    label = CATEGORY_LABELS.get((category.kind, category.key))
    return str(label) if label is not None and category.name == german(label) else category.name


def category_in_german(category) -> bool:
    """A staff-made or renamed category shown to a visitor of another language (to be marked)."""
    label = CATEGORY_LABELS.get((category.kind, category.key))
    shipped = label is not None and category.name == german(label)
    return not shipped and not translated.visitor_reads_german()


@lru_cache(maxsize=256)
def _pictogram_file(prefix, key):
    name = f"img/{prefix}-{key}.svg"
    exists = os.path.exists(os.path.join(current_app.static_folder, name))
    return name if exists else f"img/{prefix}-other.svg"


def pictogram(category) -> str:
    """static/img/cat-<key>.svg (offers) or topic-<key>.svg (help), else a general one."""
    return _pictogram_file("topic" if category.kind == HELP else "cat", category.key)


def card_phrases() -> Phrases:
    """The words of schedules.describe_next / weekly_summary in the visitor's language."""
    return Phrases(
        today=_("heute {hours}"),
        tomorrow=_("morgen {hours}"),
        this_week=_("{weekday} {hours}"),
        later=_("{weekday}, {date} {hours}"),
        open_until=_("jetzt geöffnet bis {time} Uhr"),
        hours=_("{start}–{end} Uhr"),
        monthly=_("{nth} {weekday} im Monat {hours}"),
        ordinals=(_("1."), _("2."), _("3."), _("4.")),
        last=_("letzter"),
    )


def when_line(card, now) -> str:
    """What a card says about time, in plain words: "heute 13–17 Uhr", "nach Vereinbarung"."""
    service = card.service
    if card.group == CLOSED:
        return _("Zurzeit geschlossen")
    if service.around_the_clock:
        return _("Rund um die Uhr erreichbar")
    if card.window is not None:
        return describe_next(directory.schedule_of(service), now, str(get_locale()), card_phrases())
    if service.by_appointment:
        return _("Nach Vereinbarung")
    return ""


# --- lists ------------------------------------------------------------------------------------


@bp.get(f"/{SECTION}/")
def index(section):
    kind = SECTIONS[section]
    return render_template(
        "visitor/offers/index.html",
        section=section,
        categories=directory.categories(kind),
        counts=directory.visible_counts(kind),
    )


@bp.get(f"/{SECTION}/<key>")
def category_list(section, key):
    category = directory.category_by_key(SECTIONS[section], key)
    if category is None:
        abort(404)
    services = directory.services_in(category)
    audiences = directory.audiences_by_service(services)
    languages, groups = directory.filter_choices(services, audiences)
    filters = directory.parse_filters(request.args, languages, [g.key for g in groups])
    if not request.args:  # count the tap on the tile, not each change of a filter
        counting.count_event(f"{COUNTED_AS[section]}:{key}")
    now = clock.berlin_now()
    cards = directory.cards(services, now, filters, audiences)
    return render_template(
        "visitor/offers/list.html",
        section=section,
        category=category,
        cards=[(card, when_line(card, now)) for card in cards],
        filters=filters,
        spoken_languages=languages,
        groups=groups,
        audiences=audiences,
        kiez_plus=kiez_plus() if not services else None,
    )


@bp.get("/offers/now")
def open_today():
    """One tap from the offers screen: what is open now or later today, over all categories; when
    nothing is, what opens next, so "nothing open" never costs a tap through every category."""
    now = clock.berlin_now()
    cards = directory.cards(directory.services_of_kind(OFFER), now)
    today = [card for card in cards if card.group in (OPEN_NOW, LATER_TODAY)]
    coming = [] if today else [card for card in cards if card.group == LATER][:COMING_UP]
    return render_template(
        "visitor/offers/now.html", section="offers",
        today=[(card, when_line(card, now)) for card in today],
        coming=[(card, when_line(card, now)) for card in coming],
    )


def kiez_plus():
    """For a topic without entries yet: the team helps in person, at the drop-in hour."""
    service = Service.get_or_none(Service.uid == KIEZ_PLUS_UID)
    shown = service and directory.visible_service(service.id, HELP)
    return {
        "line": dropin_line(dropin_status(clock.berlin_now())),
        "service_id": shown.id if shown else None,
    }


# --- one service ------------------------------------------------------------------------------


def _service_or_404(section, service_id):
    service = directory.visible_service(service_id, SECTIONS[section])
    if service is None:
        abort(404)
    return service


def service_facts(service, now):
    """Everything the detail page and the slip say about a service."""
    locale = str(get_locale())
    phrases = card_phrases()
    phones = directory.phones_of(service)
    hours = directory.hours_lines(service, locale, phrases)
    card = directory.card_for(service, now)
    when = when_line(card, now)
    note_lines = [when] if service.around_the_clock else hours
    if service.by_appointment:
        note_lines = note_lines + [_("Nach Vereinbarung")]
    vcard = fitting_vcard(directory.contact_for(service, phones, "\n".join(note_lines)))
    dialable = directory.first_dialable(phones)
    web = directory.web_address(service)
    bring = translated.shown(service, "what_to_bring")
    return {
        "service": service,
        "card": card,
        "when": when,
        "hours": hours,
        "closures": upcoming_exceptions(service, now, locale),
        "phones": phones,
        "audiences": directory.audiences_by_service([service])[service.id],
        "spoken": directory.languages_of(service),
        "what_to_bring": [line.strip() for line in bring.text.splitlines() if line.strip()],
        "bring_in_german": bring.fallback,
        "vcard": vcard,
        "dialable": dialable,
        "web": web,
    }


def upcoming_exceptions(service, now, locale, days=60) -> list[str]:
    """Closures and special hours in the next `days` days: "24.12.–2.1.: geschlossen"."""
    today = now.date()
    lines = []
    for exception in directory.schedule_of(service).exceptions:
        if exception.last < today or exception.first > today + timedelta(days=days):
            continue
        span = format_skeleton("dM", exception.first, locale=locale)
        if exception.last != exception.first:
            span += "–" + format_skeleton("dM", exception.last, locale=locale)
        if exception.closed:
            line = _("%(dates)s: geschlossen", dates=span)
        else:
            line = _("%(dates)s: %(start)s–%(end)s Uhr", dates=span,
                     start=exception.opens.strftime("%H:%M"), end=exception.closes.strftime("%H:%M"))
        if exception.note:  # staff write the reason in German
            line += f" ({exception.note})" + ("" if translated.visitor_reads_german() else f" ({_('auf Deutsch')})")
        lines.append(line)
    return lines


def qr_codes(facts, enlarged=False):
    """Inline SVG codes (cached in qr.py): the contact, and where present a call and a web code,
    each with as many whole px a module as its box allows (at least qr.MIN_SCREEN_SCALE)."""
    name = facts["service"].name
    vcard_box, vcard_scale = (ENLARGED_BOX, ENLARGED_SCALE) if enlarged else (VCARD_BOX, LARGE_SCALE)
    codes = {"vcard": _sized_svg(facts["vcard"], _("QR-Code: Kontakt %(name)s speichern", name=name),
                                 vcard_box, vcard_scale)}
    if facts["dialable"]:
        codes["tel"] = _sized_svg(tel_uri(facts["dialable"].number),
                                  _("QR-Code: %(name)s anrufen", name=name), SMALL_BOX, SMALL_SCALE)
    if facts["web"]:
        codes["web"] = _sized_svg(facts["web"], _("QR-Code: Webseite von %(name)s", name=name),
                                  SMALL_BOX, SMALL_SCALE)
    return codes


def _sized_svg(payload, label, box, largest):
    return qr_svg(payload, label, scale_for_box(payload, box, largest), f"qr {size_class(payload)}")


@bp.get(f"/{SECTION}/<int:service_id>")
def detail(section, service_id):
    service = _service_or_404(section, service_id)
    counting.count_event(f"service_viewed:{service.id}")
    facts = service_facts(service, clock.berlin_now())
    return render_template(
        "visitor/offers/detail.html", section=section, codes=qr_codes(facts),
        save_form=EmptyForm(), **facts,
    )


@bp.get(f"/{SECTION}/<int:service_id>/qr")
def enlarged_qr(section, service_id):
    """The contact's code alone and larger, for a phone camera that struggles."""
    service = _service_or_404(section, service_id)
    counting.count_event(f"qr_shown:{service.id}")
    facts = service_facts(service, clock.berlin_now())
    return render_template("visitor/offers/qr.html", section=section,
                           codes=qr_codes(facts, enlarged=True), **facts)


@bp.get(f"/{SECTION}/<int:service_id>/slip/sentence")
def slip_sentence(section, service_id):
    """Between the tap on "print" and the slip: one optional prepared sentence, by pictogram."""
    service = _service_or_404(section, service_id)
    return _sentence_page(section, [service], url_for(".slip", section=section, service_id=service.id),
                          url_for(".detail", section=section, service_id=service.id))


@bp.get(f"/{SECTION}/<int:service_id>/slip")
def slip(section, service_id):
    service = _service_or_404(section, service_id)
    counting.count_event(f"slip_printed:{service.id}")
    return _print_slips(section, [service])


def _sentence_page(section, services, slip_url, back):
    return render_template("visitor/offers/sentence.html", section=section, slip_url=slip_url,
                           back=back, sentences=sentences.for_topics(directory.topics_of(services)))


def _print_slips(section, services):
    """The slips in the visitor's language, each with its German copy beneath (not for a German
    visitor), and the sentence of ?say= at the top; an unknown key prints no sentence."""
    now = clock.berlin_now()
    bilingual = not translated.visitor_reads_german()
    slips = []
    for service in services:
        facts = service_facts(service, now)
        copies = [_slip_copy(facts, heading=True)]
        if bilingual:
            with force_locale(translated.SOURCE_LANGUAGE):
                copies.append(_slip_copy(service_facts(service, now), heading=False))
        slips.append({**facts, "codes": qr_codes(facts), "copies": copies})
    back = request.referrer if _same_site(request.referrer) else url_for(".index", section=section)
    paper = current_app.config["SLIP_PAPER"].lower()
    return render_template("print/slip.html", slips=slips, printed=now, back=back,
                           sentence=sentences.by_key(request.args.get("say")), bilingual=bilingual,
                           paper=paper if paper in ("a4", "a6") else "a4")


def _slip_copy(facts, heading):
    """One language's text of a slip, in the current locale (German inside force_locale)."""
    return render_template("print/_slip_copy.html", slip=facts, heading=heading)


def _same_site(url):
    return bool(url) and url.startswith(request.host_url)


# --- "Merken": several contacts on one printout ---------------------------------------------


def saved_ids() -> list[int]:
    ids = session.get("saved", [])
    return [i for i in ids if isinstance(i, int)][:SAVED_LIMIT] if isinstance(ids, list) else []


@bp.post(f"/{SECTION}/<int:service_id>/save")
def save(section, service_id):
    service = _service_or_404(section, service_id)
    ids = saved_ids()
    if service.id not in ids and len(ids) >= SAVED_LIMIT:
        return redirect(url_for(".saved"))  # which says that the list is full
    if service.id not in ids:
        session["saved"] = ids + [service.id]
    return redirect(url_for(".detail", section=section, service_id=service.id))


@bp.get("/offers/saved")
def saved():
    services = directory.visible_services(saved_ids())
    now = clock.berlin_now()
    cards = []
    for service in services:
        card = directory.card_for(service, now)
        side = "offers" if OFFER in directory.kinds_of(service) else "help"
        cards.append((card, when_line(card, now), side))
    return render_template("visitor/offers/saved.html", section="offers", cards=cards,
                           form=EmptyForm(), limit=SAVED_LIMIT)


@bp.post("/offers/saved/<int:service_id>/remove")
def unsave(service_id):
    session["saved"] = [i for i in saved_ids() if i != service_id]
    return redirect(url_for(".saved"))


@bp.post("/offers/saved/clear")
def clear_saved():
    session.pop("saved", None)
    return redirect(url_for(".saved"))


@bp.get("/offers/saved/sentence")
def saved_sentence():
    services = directory.visible_services(saved_ids())
    if not services:
        return redirect(url_for(".saved"))
    return _sentence_page("offers", services, url_for(".saved_slip"), url_for(".saved"))


@bp.get("/offers/saved/slip")
def saved_slip():
    services = directory.visible_services(saved_ids())
    if not services:
        return redirect(url_for(".saved"))
    for service in services:
        counting.count_event(f"slip_printed:{service.id}")
    return _print_slips("offers", services)


# --- emergency numbers ----------------------------------------------------------------------


@bp.get("/help/emergency")
def emergency():
    numbers = [
        (entry, [(number, qr_svg(tel_uri(number), _("QR-Code: %(name)s anrufen",
                                                      name=str(entry.name)), SMALL_SCALE))
                 for number in entry.numbers])
        for entry in EMERGENCY_NUMBERS
    ]
    return render_template("visitor/help/emergency.html", section="help", numbers=numbers)
