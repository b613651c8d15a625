"""Staff forms for offers and help services. Opening times are rows of selects and time inputs, so
nobody types rule syntax; `ServiceForm.schedule()` turns the rows into a schedules.Schedule."""

from dataclasses import dataclass

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from kiosk.clock import WEEKDAYS
from kiosk.forms import KioskForm
from kiosk.models import Category, Location, Organization
from kiosk.offers.directory import COMMON_LANGUAGES, KEY_PATTERN, is_email, is_web_address, language_name
from kiosk.offers.phones import normalise_phone, readable_phone
from kiosk.offers.weblinks import NotAWebAddress, web_uri
from kiosk.schedules import DatedException, MonthlyRule, Schedule, WeeklyRule

WEEKDAY_CHOICES = {str(number): name for number, name in enumerate(WEEKDAYS)}
NTH = {"1": "1.", "2": "2.", "3": "3.", "4": "4.", "-1": "letzter"}
NONE = {"": "–"}
KIND_LABELS = {"offer": "Kategorie (Angebote im Kiez)", "help": "Thema (Hilfe & Beratung)",
               "audience": "Zielgruppe (Filter)"}
STATUS_LABELS = {"active": "Findet statt", "temporarily closed": "Vorübergehend geschlossen"}
PHONE_LABELS = {"voice": "Telefon", "cell": "Handy / mobil", "fax": "Fax"}
FILLED = DataRequired("Bitte ausfüllen.")
# WTForms words these in English ("Not a valid time value."); staff pages speak German.
NOT_A_TIME = "Bitte eine Uhrzeit wie 09:30 angeben."
NOT_A_DATE = "Bitte ein Datum angeben."
MAX_ROWS = 20  # rows of one kind a form accepts (a tampered form may send more)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def web_address(form, field):
    """Stores the address as a valid URI (IDNA host, percent-encoded path), as weblinks writes it."""
    field.data = (field.data or "").strip()
    if not field.data:
        return
    try:
        field.data = web_uri(field.data)
    except NotAWebAddress as error:
        if error.reason == "scheme":
            raise ValidationError("Bitte eine Webadresse mit http:// oder https:// angeben.") from None
        raise ValidationError("Diese Webadresse geht so nicht: bitte ohne Leerzeichen, "
                              "Anführungszeichen und spitze Klammern.") from None
    if not is_web_address(field.data):
        raise ValidationError("Diese Webadresse ist zu lang.")


def email_address(form, field):
    field.data = (field.data or "").strip()
    if field.data and not is_email(field.data):
        raise ValidationError("Das ist keine E-Mail-Adresse.")


def _complete(row, *names):
    """A row is skipped when empty and an error when half filled in."""
    values = [row[name].data not in (None, "") for name in names]
    if any(values) and not all(values):
        raise ValidationError("Bitte alle Felder dieser Zeile ausfüllen oder alle leer lassen.")
    return all(values)


class WeeklyRow(Form):
    weekday = SelectField("Wochentag", choices={**NONE, **WEEKDAY_CHOICES})
    opens = TimeField("von", validators=[Optional()], invalid_value_message=NOT_A_TIME)
    closes = TimeField("bis", validators=[Optional()], invalid_value_message=NOT_A_TIME)


class MonthlyRow(Form):
    nth = SelectField("Welcher", choices={**NONE, **NTH})
    weekday = SelectField("Wochentag", choices={**NONE, **WEEKDAY_CHOICES})
    opens = TimeField("von", validators=[Optional()], invalid_value_message=NOT_A_TIME)
    closes = TimeField("bis", validators=[Optional()], invalid_value_message=NOT_A_TIME)


class ExceptionRow(Form):
    first = DateField("vom", validators=[Optional()], invalid_value_message=NOT_A_DATE)
    last = DateField("bis (leer: nur ein Tag)", validators=[Optional()],
                     invalid_value_message=NOT_A_DATE)
    opens = TimeField("geöffnet von (leer: geschlossen)", validators=[Optional()],
                      invalid_value_message=NOT_A_TIME)
    closes = TimeField("bis", validators=[Optional()], invalid_value_message=NOT_A_TIME)
    note = StringField("Anlass", validators=[Optional(), Length(max=100)])


class PhoneRow(Form):
    number = StringField("Nummer", validators=[Optional(), Length(max=40)])
    kind = SelectField("Art", choices=PHONE_LABELS)
    description = StringField("Hinweis", validators=[Optional(), Length(max=200)])

    def validate_number(self, field):
        if field.data and field.data.strip():
            try:
                normalise_phone(field.data)
            except ValueError:
                raise ValidationError(
                    "Keine Telefonnummer: bitte mit Vorwahl und nur Ziffern, "
                    "z. B. 030 677 960 86.") from None


class ServiceText(Form):
    """The name and description of an entry in one more language; empty means: show German."""

    lang = HiddenField()
    name = StringField("Name", validators=[Optional(), Length(max=200)])
    description = TextAreaField("Was ist das?", validators=[Optional(), Length(max=2000)])


class ServiceForm(KioskForm):
    name = StringField("Name", validators=[FILLED, Length(max=200)])
    description = TextAreaField("Was ist das? (in einfachen Worten)", validators=[Length(max=2000)])
    offer_categories = MultiCheckboxField("Kategorien bei „Angebote im Kiez“", coerce=int)
    help_topics = MultiCheckboxField("Themen bei „Hilfe & Beratung“", coerce=int)
    audiences = MultiCheckboxField("Für wen? (nichts angekreuzt: für alle)", coerce=int)
    organization = SelectField("Träger", coerce=int)
    location = SelectField("Ort", coerce=int)
    # a callable: each language's name is looked up in babel's locale data, which costs 20 ms and
    # 1 MB a language, so not at import (the kiosk's start) but when staff first open the form
    languages = MultiCheckboxField("Sprachen", choices=lambda: {c: language_name(c) for c in COMMON_LANGUAGES})
    free = BooleanField("Kostenlos")
    fees = StringField("Kosten, wenn nicht kostenlos", validators=[Length(max=200)])
    walk_in = BooleanField("Ohne Anmeldung: einfach hingehen")
    by_appointment = BooleanField("Nach Vereinbarung")
    around_the_clock = BooleanField("Rund um die Uhr erreichbar (Telefon)")
    what_to_bring = TextAreaField("Bitte mitbringen (eine Sache pro Zeile)", validators=[Length(max=1000)])
    status = SelectField("Stand", choices=STATUS_LABELS)
    alert = StringField("Hinweis-Zeile, z. B. „fällt am 3.6. aus“", validators=[Length(max=200)])
    url = StringField("Webseite", validators=[web_address, Length(max=500)])
    email = StringField("E-Mail", validators=[email_address, Length(max=254)])
    phones = FieldList(FormField(PhoneRow), max_entries=MAX_ROWS)
    weekly = FieldList(FormField(WeeklyRow), max_entries=MAX_ROWS)
    monthly = FieldList(FormField(MonthlyRow), max_entries=MAX_ROWS)
    exceptions = FieldList(FormField(ExceptionRow), max_entries=MAX_ROWS)
    translations = FieldList(FormField(ServiceText), max_entries=8)
    checked_today = BooleanField("Heute geprüft: die Angaben stimmen")
    submit = SubmitField("Speichern")

    def validate_help_topics(self, field):
        if not field.data and not self.offer_categories.data:
            raise ValidationError("Bitte mindestens eine Kategorie oder ein Thema ankreuzen, "
                                  "sonst ist der Eintrag am Kiosk nicht zu finden.")

    def schedule(self) -> Schedule | None:
        """The opening times from the rows, or None (with errors on the rows) when they do not fit."""
        weekly, monthly, exceptions = [], [], []
        ok = True
        for row in self.weekly:
            ok &= _add_rule(row.form, ("weekday", "opens", "closes"), weekly, lambda r: WeeklyRule(
                int(r.weekday.data), r.opens.data, r.closes.data))
        for row in self.monthly:
            ok &= _add_rule(row.form, ("nth", "weekday", "opens", "closes"), monthly, lambda r: MonthlyRule(
                int(r.nth.data), int(r.weekday.data), r.opens.data, r.closes.data))
        for row in self.exceptions:
            ok &= _add_exception(row.form, exceptions)
        return Schedule(weekly, monthly, exceptions) if ok else None

    def fill_schedule(self, schedule: Schedule, blank_rows=2):
        """Rows for the rules of `schedule`, plus a few empty ones to add more."""
        for rule in schedule.weekly:
            self.weekly.append_entry(
                {"weekday": str(rule.weekday), "opens": rule.opens, "closes": rule.closes})
        for rule in schedule.monthly:
            self.monthly.append_entry({"nth": str(rule.nth), "weekday": str(rule.weekday),
                                       "opens": rule.opens, "closes": rule.closes})
        for exception in schedule.exceptions:
            self.exceptions.append_entry({"first": exception.first, "last": exception.last,
                                          "opens": exception.opens, "closes": exception.closes,
                                          "note": exception.note})
        for rows in (self.weekly, self.monthly, self.exceptions):
            for _ in range(blank_rows if len(rows) < MAX_ROWS - blank_rows else 0):
                rows.append_entry()

    def fill_phones(self, phones, blank_rows=2):
        for phone in phones:
            self.phones.append_entry({"number": readable_phone(phone.number), "kind": phone.kind,
                                      "description": phone.description})
        for _ in range(blank_rows):
            self.phones.append_entry()


def _add_rule(row, names, target, build) -> bool:
    try:
        if _complete(row, *names):
            target.append(build(row))
    except (ValidationError, ValueError) as error:
        row.form_errors.append(_in_words(error))
        return False
    return True


def _add_exception(row, target) -> bool:
    try:
        if row.first.data is None:
            if any(row[name].data for name in ("last", "opens", "closes", "note")):
                raise ValidationError("Bitte das Datum „vom“ angeben.")
            return True
        has_hours = _complete(row, "opens", "closes")
        target.append(DatedException(row.first.data, row.last.data or row.first.data,
                                     closed=not has_hours,
                                     opens=row.opens.data if has_hours else None,
                                     closes=row.closes.data if has_hours else None,
                                     note=(row.note.data or "").strip()))
    except (ValidationError, ValueError) as error:
        row.form_errors.append(_in_words(error))
        return False
    return True


def _in_words(error) -> str:
    """schedules.py explains in English for developers; staff get it in German (the form's own
    ValidationErrors already are)."""
    text = str(error)
    if isinstance(error, ValidationError):
        return text
    if "needs a length" in text:
        return "Beginn und Ende sind gleich."
    if "is after last" in text:
        return "Das Enddatum liegt vor dem Anfangsdatum."
    if "whole minutes" in text:
        return "Bitte nur volle Minuten."
    return "Diese Zeile stimmt so nicht: bitte Tag und Uhrzeiten aus den Listen wählen."


def phones_from(form) -> list[dict]:
    return [{"number": normalise_phone(row.form.number.data), "kind": row.form.kind.data,
             "description": (row.form.description.data or "").strip()}
            for row in form.phones if row.form.number.data and row.form.number.data.strip()]


class OrganizationForm(KioskForm):
    name = StringField("Name", validators=[FILLED, Length(max=200)])
    description = TextAreaField("Beschreibung", validators=[Length(max=2000)])
    email = StringField("E-Mail", validators=[email_address, Length(max=254)])
    website = StringField("Webseite", validators=[web_address, Length(max=500)])
    submit = SubmitField("Speichern")


class LocationForm(KioskForm):
    name = StringField("Name des Ortes", validators=[FILLED, Length(max=200)])
    organization = SelectField("Träger", coerce=int)
    street = StringField("Straße und Hausnummer", validators=[Length(max=200)])
    postcode = StringField("PLZ", validators=[
        Optional(), Regexp(r"^\d{5}$", message="Fünf Ziffern, z. B. 10969.")])
    city = StringField("Ort", default="Berlin", validators=[Length(max=100)])
    transportation = TextAreaField("So kommt man hin (Bus, U-Bahn …)", validators=[Length(max=500)])
    step_free = BooleanField("Stufenlos erreichbar")
    accessibility = TextAreaField("Mehr zur Barrierefreiheit", validators=[Length(max=500)])
    submit = SubmitField("Speichern")


class CategoryForm(KioskForm):
    kind = SelectField("Art", choices=KIND_LABELS, validators=[FILLED])
    key = StringField("Kurzname für Adressen und Zählungen (z. B. garden)", validators=[
        FILLED, Regexp(f"^{KEY_PATTERN}$", message="Nur Kleinbuchstaben, Ziffern und -, "
                                                            "vorne ein Buchstabe.")])
    name = StringField("Name am Kiosk", validators=[FILLED, Length(max=100)])
    description = TextAreaField("Beschreibung", validators=[Length(max=500)])
    position = IntegerField("Reihenfolge (kleiner: weiter vorn)", default=500,
                            validators=[Optional(), NumberRange(0, 100000)])
    submit = SubmitField("Speichern")


class ImportForm(KioskForm):
    file = FileField("Datei (.json oder .zip)",
                     validators=[FileRequired("Bitte eine Datei wählen.")])
    submit = SubmitField("Prüfen")


# --- organisations, locations, categories: what their small staff pages edit ------------------


@dataclass(frozen=True)
class Table:
    model: type
    form: type
    singular: str
    plural: str
    columns: tuple  # (heading, attribute) of the list


TABLES = {
    "organisations": Table(Organization, OrganizationForm, "Organisation", "Organisationen (Träger)",
                           (("Name", "name"), ("E-Mail", "email"), ("Webseite", "website"))),
    "locations": Table(Location, LocationForm, "Ort", "Orte",
                       (("Name", "name"), ("Straße", "street"), ("PLZ", "postcode"))),
    "categories": Table(Category, CategoryForm, "Kategorie", "Kategorien, Themen und Zielgruppen",
                        (("Name", "name"), ("Kurzname", "key"), ("Reihenfolge", "position"))),
}
