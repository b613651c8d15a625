"""Every POST is a Flask-WTF form, so every POST carries a CSRF token."""

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from .counting import MANUAL_KINDS

TOKEN = [DataRequired(), Regexp(r"^[A-Za-z0-9_-]{16,64}$")]


class EmptyForm(FlaskForm):
    """A one-tap button: CSRF only."""


class TicketForm(FlaskForm):
    """A check-in step: the one-time ticket travels in the form; the answer is the tapped button."""

    ticket = HiddenField(validators=TOKEN)


class LoginForm(FlaskForm):
    username = StringField("Name", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("Passwort", validators=[DataRequired(), Length(max=256)])
    submit = SubmitField("Anmelden")


class ManualCountForm(FlaskForm):
    day = DateField("Datum", validators=[InputRequired()])
    hour = SelectField("Uhrzeit", coerce=int, validators=[InputRequired()])
    kind = SelectField("Art", choices=list(MANUAL_KINDS), validators=[InputRequired()])
    number = IntegerField("Anzahl", validators=[InputRequired(), NumberRange(1, 10000)])
    note = StringField("Notiz", validators=[Optional(), Length(max=200)])
    submit = SubmitField("Eintragen")


class CorrectionForm(FlaskForm):
    day = DateField("Datum", validators=[InputRequired()])
    hour = SelectField("Uhrzeit", coerce=int, validators=[InputRequired()])
    metric = SelectField("Was", validators=[InputRequired()])
    change = IntegerField("Änderung (+/−)", validators=[InputRequired(), NumberRange(-10000, 10000)])
    reason = StringField("Grund", validators=[DataRequired(), Length(min=3, max=200)])
    submit = SubmitField("Korrigieren")
