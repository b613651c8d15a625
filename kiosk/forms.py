"""Every POST is a Flask-WTF form, so every POST carries a CSRF token."""

import functools
import inspect
import re

from babel.support import Translations
from flask import request
from flask_babel import get_locale
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import (
    DateField,
    FileField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.core import UnboundField
from wtforms.form import BaseForm
from wtforms.i18n import messages_path
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from kiosk.checkin.counting import MANUAL_KINDS

TICKET = r"[A-Za-z0-9_.-]{16,64}"  # "." joins a signed ticket's parts
TOKEN = [DataRequired(), Regexp(rf"^{TICKET}$")]


def file_field_names(form_class_or_form) -> set[str]:
    """The short names of the file fields anywhere in a form, inside lists of sub-forms too."""
    cls = form_class_or_form if isinstance(form_class_or_form, type) else type(form_class_or_form)
    names = set()
    for name, unbound in inspect.getmembers(cls, lambda member: isinstance(member, UnboundField)):
        if issubclass(unbound.field_class, FileField):
            names.add(name)
        for inner in unbound.args:  # FormField(SubForm), FieldList(FormField(SubForm))
            if isinstance(inner, UnboundField) and inner.args:
                inner = inner.args[0]
            if isinstance(inner, type) and issubclass(inner, BaseForm):
                names |= file_field_names(inner)
    return names


@functools.lru_cache(maxsize=None)
def wtforms_catalog(locale: str) -> Translations:
    """WTForms' own messages (default labels, validation errors) in one language."""
    return Translations.load(messages_path(), [locale], domain="wtforms")


class WTFormsMessages:
    """WTForms' messages in the visitor's language, each catalog read from disk once.

    Flask-WTF reads and parses the catalog again in every request that builds a form: a tenth of
    a check-in step's time (bench/bench_checkin.py).
    """

    def gettext(self, string):
        return wtforms_catalog(str(get_locale())).ugettext(string)

    def ngettext(self, singular, plural, n):
        return wtforms_catalog(str(get_locale())).ungettext(singular, plural, n)


class KioskForm(FlaskForm):
    """The base of every form here: CSRF from Flask-WTF, and a guard on what reaches the fields.

    Flask-WTF hands an uploaded file to whichever field has its name, and JSON values of any type
    too; a file or a dict sent for a text field then crashes that field's validators (a 500
    instead of a 400). Files reach file fields only; forms take no JSON (an API reads it itself).
    """

    def __init__(self, *args, **kwargs):
        if not args and "formdata" not in kwargs and request.is_json and not request.form:
            kwargs["formdata"] = None  # a JSON body fills no form
        super().__init__(*args, **kwargs)

    class Meta:
        def get_translations(self, form):
            return WTFormsMessages()

        def wrap_formdata(self, form, formdata):
            formdata = FlaskForm.Meta.wrap_formdata(self, form, formdata)
            if not isinstance(formdata, CombinedMultiDict):
                return formdata
            allowed = file_field_names(form)
            files = MultiDict([(name, upload) for name, upload in formdata.dicts[0].items(multi=True)
                               if name.rsplit("-", 1)[-1] in allowed])
            return CombinedMultiDict([files, *formdata.dicts[1:]])


class EmptyForm(KioskForm):
    """A one-tap button: CSRF only."""


class TicketForm(KioskForm):
    """A check-in step: the one-time ticket travels in the form; the answer is the tapped button."""

    ticket = HiddenField(validators=TOKEN)


def posted_ticket() -> str | None:
    """The ticket a check-in step posted, checked as TicketForm checks it; None if malformed.

    A check-in step is the kiosk's most frequent POST, and building the WTForms form for one
    hidden field was a tenth of its time. The CSRF token is checked all the same: CSRFProtect
    checks every POST before its view (create_app)."""
    ticket = request.form.get("ticket", "")
    return ticket if re.fullmatch(TICKET, ticket) else None


class LoginForm(KioskForm):
    username = StringField("Name", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("Passwort", validators=[DataRequired(), Length(max=256)])
    submit = SubmitField("Anmelden")


class ManualCountForm(KioskForm):
    day = DateField("Datum", validators=[InputRequired()])
    hour = SelectField("Uhrzeit", coerce=int, validators=[InputRequired()])
    kind = SelectField("Art", choices=list(MANUAL_KINDS), validators=[InputRequired()])
    number = IntegerField("Anzahl", validators=[InputRequired(), NumberRange(1, 10000)])
    note = StringField("Notiz", validators=[Optional(), Length(max=200)])
    submit = SubmitField("Eintragen")


class CorrectionForm(KioskForm):
    day = DateField("Datum", validators=[InputRequired()])
    hour = SelectField("Uhrzeit", coerce=int, validators=[InputRequired()])
    metric = SelectField("Was", validators=[InputRequired()])
    change = IntegerField("Änderung (+/−)", validators=[InputRequired(), NumberRange(-10000, 10000)])
    reason = StringField("Grund", validators=[DataRequired(), Length(min=3, max=200)])
    submit = SubmitField("Korrigieren")
