"""Staff pages for offers and help services (/admin/content): edit, hide, delete, check, import
and export. Every change is audited in the same transaction as the change itself."""

import json
from datetime import timedelta

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from peewee import fn
from playhouse.flask_utils import get_object_or_404

from kiosk import clock, translated
from kiosk.db import database
from kiosk.forms import EmptyForm
from kiosk.models import Category, Location, Organization, Phone, Service, ServiceCategory
from kiosk.offers import directory, flags, hsds, hsds_import, hsds_read, pending_imports
from kiosk.offers.directory import AUDIENCE, HELP, OFFER
from kiosk.offers.forms import (
    KIND_LABELS,
    PHONE_LABELS,
    STATUS_LABELS,
    TABLES,
    ImportForm,
    ServiceForm,
    phones_from,
)
from kiosk.offers.phones import readable_phone
from kiosk.offers.views import RESERVED_KEYS
from kiosk.security import audit, staff_only
from kiosk.staff import reports

bp = Blueprint("content_admin", __name__, url_prefix="/admin/content", cli_group=None)

SHOWN = {"all": "Alle", "offer": "Angebote im Kiez", "help": "Hilfe & Beratung",
         "hidden": "Verborgen", "check": "Zu prüfen"}
ASKED_DAYS = 30  # "most asked for" looks this far back


bp.before_request(staff_only)


@bp.context_processor
def content_context():
    return {"kind_labels": KIND_LABELS, "status_labels": STATUS_LABELS,
            "phone_labels": PHONE_LABELS, "readable_phone": readable_phone}


# --- overview ---------------------------------------------------------------------------------


@bp.get("/")
def overview():
    today = clock.berlin_now().date()
    first = today - timedelta(days=ASKED_DAYS - 1)
    return render_template(
        "admin/content/overview.html",
        totals={"offer": _count_of(OFFER), "help": _count_of(HELP),
                "hidden": Service.select().where(Service.hidden == True).count()},  # noqa: E712
        needs_checking=directory.needs_checking(today),
        flagged=flags.flagged_entries(),
        asked=reports.most_asked(first, today),
        first=first,
        asked_days=ASKED_DAYS,
        check_form=EmptyForm(),
    )


def _count_of(kind):
    linked = ServiceCategory.select(ServiceCategory.service).join(Category).where(Category.kind == kind)
    return Service.select().where(Service.id.in_(linked)).count()


# --- entries (offers and help services) -----------------------------------------------------


@bp.get("/entries")
def entries():
    shown = request.args.get("show", "all")
    if shown not in SHOWN:
        abort(400)
    query = Service.select().order_by(fn.lower(Service.name))
    if shown in (OFFER, HELP):
        linked = ServiceCategory.select(ServiceCategory.service).join(Category).where(Category.kind == shown)
        query = query.where(Service.id.in_(linked))
    elif shown == "hidden":
        query = query.where(Service.hidden == True)  # noqa: E712
    services = directory.needs_checking(clock.berlin_now().date()) if shown == "check" else list(query)
    return render_template("admin/content/entries.html", services=services, shown=shown,
                           shown_labels=SHOWN, form=EmptyForm())


EDITED_AS_IS = ("name", "description", "free", "fees", "walk_in", "by_appointment",
                "around_the_clock", "what_to_bring", "status", "alert", "url", "email")


def _service_form(service=None):
    if service and request.method == "GET":
        form = ServiceForm(data={name: getattr(service, name) for name in EDITED_AS_IS})
    else:
        form = ServiceForm()
    form.offer_categories.choices = _choices(OFFER)
    form.help_topics.choices = _choices(HELP)
    form.audiences.choices = _choices(AUDIENCE)
    form.organization.choices = organisation_choices()
    form.location.choices = {0: "– kein Ort (z. B. nur Telefon) –"} | {
        loc.id: f"{loc.name}, {loc.street}" if loc.street else loc.name
        for loc in Location.select().order_by(fn.lower(Location.name))}
    if request.method == "GET":
        if service:
            linked = {c.id: c.kind for c in Category.select().join(ServiceCategory)
                      .where(ServiceCategory.service == service)}
            form.offer_categories.data = [i for i, kind in linked.items() if kind == OFFER]
            form.help_topics.data = [i for i, kind in linked.items() if kind == HELP]
            form.audiences.data = [i for i, kind in linked.items() if kind == AUDIENCE]
            form.organization.data = service.organization_id or 0
            form.location.data = service.location_id or 0
            form.languages.data = directory.languages_of(service)
            form.fill_phones(directory.phones_of(service))
            form.fill_schedule(directory.schedule_of(service))
        else:
            form.fill_phones([])
            form.fill_schedule(directory.Schedule())
        translated.fill_rows(form.translations, service)
    return form


def organisation_choices():
    return {0: "– keiner –"} | {
        o.id: o.name for o in Organization.select().order_by(fn.lower(Organization.name))}


def _choices(kind):
    return {c.id: c.name for c in directory.categories(kind)}


@bp.route("/entries/new", methods=("GET", "POST"))
def new_entry():
    return _edit_entry(None)


@bp.route("/entries/<int:service_id>", methods=("GET", "POST"))
def edit_entry(service_id):
    return _edit_entry(get_object_or_404(Service, Service.id == service_id))


def _edit_entry(service):
    form = _service_form(service)
    if request.method == "POST":
        schedule = form.schedule() if form.validate_on_submit() else None
        if schedule is not None:
            service = save_service(service, form, schedule)
            flash(f"Gespeichert: {service.name}")
            return redirect(url_for(".entries"))
        if not form.errors and not _row_errors(form):
            abort(400)  # tampered: no CSRF token, or a field that cannot be shown again
    status = 400 if request.method == "POST" else 200
    return render_template("admin/content/entry_form.html", form=form, service=service), status


def _row_errors(form):
    return any(row.form.form_errors for rows in (form.weekly, form.monthly, form.exceptions) for row in rows)


def _text(field) -> str:
    """A text field's value, trimmed; a field the browser did not send is empty, not None."""
    return (field.data or "").strip()


def save_service(service, form, schedule):
    """The entry, its categories, phones and opening times, and the audit line: all or nothing."""
    fields = {name: _text(form[name]) for name in ("name", "description", "fees", "alert", "url", "email")}
    fields.update({
        "organization": form.organization.data or None, "location": form.location.data or None,
        "languages": ",".join(form.languages.data), "free": form.free.data,
        "walk_in": form.walk_in.data, "by_appointment": form.by_appointment.data,
        "around_the_clock": form.around_the_clock.data,
        "what_to_bring": "\n".join(line.strip() for line in _text(form.what_to_bring).splitlines()
                                   if line.strip()),
        "status": form.status.data, "schedule": json.dumps(schedule.to_dict()),
        "translations": translated.from_rows(form.translations, ("name", "description")),
    })
    if form.checked_today.data:
        fields["last_checked"] = clock.berlin_now().date()
    with database.atomic():
        if service is None:
            service = Service.create(**fields)
            action = "content_entry_add"
        else:
            Service.update(**fields).where(Service.id == service.id).execute()
            service = Service.get_by_id(service.id)
            action = "content_entry_edit"
        ServiceCategory.delete().where(ServiceCategory.service == service).execute()
        for category_id in {*form.offer_categories.data, *form.help_topics.data, *form.audiences.data}:
            ServiceCategory.create(service=service, category=category_id)
        Phone.delete().where(Phone.service == service).execute()
        for position, phone in enumerate(phones_from(form)):
            Phone.create(service=service, position=position, **phone)
        audit(action, f"Eintrag „{service.name}“ (#{service.id})")
    return service


@bp.post("/entries/<int:service_id>/hide")
def toggle_hidden(service_id):
    service = _posted(Service, service_id)
    with database.atomic():
        Service.update(hidden=not service.hidden).where(Service.id == service.id).execute()
        audit("content_entry_show" if service.hidden else "content_entry_hide",
              f"Eintrag „{service.name}“ (#{service.id})")
    flash(f"„{service.name}“ ist {'wieder am Kiosk zu sehen' if service.hidden else 'verborgen'}.")
    return redirect(request.referrer if _same_site(request.referrer) else url_for(".entries"))


@bp.post("/entries/<int:service_id>/checked")
def mark_checked(service_id):
    service = _posted(Service, service_id)
    today = clock.berlin_now().date()
    with database.atomic():
        Service.update(last_checked=today).where(Service.id == service.id).execute()
        flagged = flags.clear_flags(service.id)
        audit("content_entry_checked", f"Eintrag „{service.name}“ (#{service.id}) geprüft"
              + (f", {flagged}× „Hier stimmt etwas nicht“ erledigt" if flagged else ""))
    flash(f"„{service.name}“ ist als geprüft vermerkt ({today:%d.%m.%Y}).")
    return redirect(url_for(".overview"))


@bp.route("/entries/<int:service_id>/delete", methods=("GET", "POST"))
def delete_entry(service_id):
    service = get_object_or_404(Service, Service.id == service_id)
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        with database.atomic():
            Service.delete().where(Service.id == service.id).execute()  # phones and links cascade
            audit("content_entry_delete", f"Eintrag „{service.name}“ (#{service.id})")
        flash(f"Gelöscht: {service.name}")
        return redirect(url_for(".entries"))
    return render_template("admin/content/confirm_delete.html", form=form,
                           what=f"den Eintrag „{service.name}“",
                           hint="Statt zu löschen, kann man einen Eintrag auch verbergen.",
                           back=url_for(".edit_entry", service_id=service.id))


# --- organisations, locations, categories: the same small pages -----------------------------


TABLE = "<any(organisations, locations, categories):table>"


@bp.get(f"/{TABLE}")
def table_list(table):
    spec = TABLES[table]
    model = spec.model
    order = (model.kind, model.position, model.name) if table == "categories" else (fn.lower(model.name),)
    return render_template("admin/content/table.html", table=table, spec=spec,
                           rows=list(model.select().order_by(*order)))


@bp.route(f"/{TABLE}/new", methods=("GET", "POST"))
def table_new(table):
    return _edit_row(table, None)


@bp.route(f"/{TABLE}/<int:row_id>", methods=("GET", "POST"))
def table_edit(table, row_id):
    model = TABLES[table].model
    return _edit_row(table, get_object_or_404(model, model.id == row_id))


def _edit_row(table, row):
    spec = TABLES[table]
    form = spec.form(obj=row)
    if hasattr(form, "organization"):
        form.organization.choices = organisation_choices()
        if request.method == "GET":
            form.organization.data = (row.organization_id or 0) if row else 0
    if form.validate_on_submit():
        fields = {name: _text(field) if field.type in ("StringField", "TextAreaField") else field.data
                  for name, field in form._fields.items() if name not in ("csrf_token", "submit")}
        problem = _refuse_row(table, row, fields)
        if problem is None:
            if "organization" in fields:
                fields["organization"] = fields["organization"] or None
            if fields.get("position") is None and table == "categories":
                fields["position"] = 500
            with database.atomic():
                if row is None:
                    row = spec.model.create(**fields)
                    action = "add"
                else:
                    spec.model.update(**fields).where(spec.model.id == row.id).execute()
                    action = "edit"
                audit(f"content_{table}_{action}", f"{spec.singular} „{fields['name']}“ (#{row.id})")
            flash(f"Gespeichert: {fields['name']}")
            return redirect(url_for(".table_list", table=table))
        form.form_errors.append(problem)
    elif request.method == "POST" and not form.errors:
        abort(400)
    status = 400 if request.method == "POST" else 200
    return render_template("admin/content/table_form.html", table=table, spec=spec, form=form,
                           row=row), status


def _refuse_row(table, row, fields):
    """What the database would refuse, said in words before trying."""
    if table != "categories":
        return None
    if fields["key"] in RESERVED_KEYS:
        return f"Der Kurzname „{fields['key']}“ ist für eine feste Seite reserviert."
    same = Category.get_or_none((Category.kind == fields["kind"]) & (Category.key == fields["key"]))
    if same and (row is None or same.id != row.id):
        return f"Den Kurznamen „{fields['key']}“ gibt es bei dieser Art schon."
    if row and row.kind != fields["kind"] and row.service_links.exists():
        return "Die Art einer Kategorie mit Einträgen lässt sich nicht ändern."
    return None


@bp.route(f"/{TABLE}/<int:row_id>/delete", methods=("GET", "POST"))
def table_delete(table, row_id):
    spec = TABLES[table]
    row = get_object_or_404(spec.model, spec.model.id == row_id)
    in_use = {
        "organisations": lambda: row.services.count() + row.locations.count(),
        "locations": lambda: row.services.count(),
        "categories": lambda: row.service_links.count(),
    }[table]()
    form = EmptyForm()
    if request.method == "POST" and in_use == 0:
        if not form.validate():
            abort(400)
        with database.atomic():
            spec.model.delete().where(spec.model.id == row.id).execute()
            audit(f"content_{table}_delete", f"{spec.singular} „{row.name}“ (#{row.id})")
        flash(f"Gelöscht: {row.name}")
        return redirect(url_for(".table_list", table=table))
    if request.method == "POST":
        abort(400)
    hint = (f"Das geht erst, wenn nichts mehr darauf verweist: {in_use} Einträge tun es noch."
            if in_use else "")
    return render_template("admin/content/confirm_delete.html", form=form, can_delete=in_use == 0,
                           what=f"{spec.singular} „{row.name}“", hint=hint,
                           back=url_for(".table_edit", table=table, row_id=row.id))


def _posted(model, row_id):
    """The row a one-button form acts on; without a valid CSRF token, a 400."""
    row = get_object_or_404(model, model.id == row_id)
    return row


def _same_site(url):
    return bool(url) and url.startswith(request.host_url)


# --- import and export ------------------------------------------------------------------------


@bp.route("/transfer", methods=("GET", "POST"))
def transfer():
    """Upload a file: checked at once, then shown as a summary to confirm (nothing written yet)."""
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        filename, payload = upload.filename or "", upload.read()
        try:
            preview = hsds_import.preview_upload(filename, payload)
        except hsds_read.ImportRejected as rejected:
            return _transfer_page(form, rejected, 400)
        return render_template("admin/content/import_confirm.html", preview=preview, filename=filename,
                               token=pending_imports.store(filename, payload), form=EmptyForm())
    if request.method == "POST" and not form.errors:
        abort(400)
    return _transfer_page(form, None, 400 if request.method == "POST" else 200)


@bp.post("/transfer/<token>")
def confirm_import(token):
    """Write a checked upload, in one transaction (checked again: the database may have changed)."""
    if not EmptyForm().validate():
        abort(400)
    pending = pending_imports.load(token)
    if pending is None:
        flash("Die Datei ist nicht mehr da (nach einem Tag wird sie gelöscht). Bitte noch einmal hochladen.")
        return redirect(url_for(".transfer"))
    filename, payload = pending
    try:
        summary = hsds_import.import_upload(filename, payload)
    except hsds_read.ImportRejected as rejected:
        pending_imports.discard(token)
        return _transfer_page(ImportForm(), rejected, 400)
    pending_imports.discard(token)
    counts = ", ".join(f"{count} {what}" for what, count in summary.items() if count)
    with database.atomic():
        audit("content_import", f"{filename}: {counts}")
    flash(f"Eingelesen: {counts or 'nichts Neues'}.")
    return redirect(url_for(".overview"))


def _transfer_page(form, rejected, status):
    return render_template("admin/content/transfer.html", form=form,
                           problems=rejected.problems if rejected else [], more=rejected.more if rejected else 0,
                           limit_mb=current_app.config["MAX_CONTENT_LENGTH"] / (1024 * 1024)), status


EXPORTS = {
    "hsds.json": (hsds.as_json, "application/json"),
    "hsds-json.zip": (hsds.as_json_zip, "application/zip"),
    "hsds-csv.zip": (hsds.as_csv_zip, "application/zip"),
}


@bp.get("/export/<any('hsds.json', 'hsds-json.zip', 'hsds-csv.zip'):name>")
def export(name):
    write, mimetype = EXPORTS[name]
    day = clock.berlin_now().date()
    return Response(write(hsds.export_tables()), mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="kiez-plus-angebote-{day}-{name}"'})


