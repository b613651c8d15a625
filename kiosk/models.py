"""The tables. Visitor data is counts in hourly buckets, never a record of a person."""

from datetime import datetime, timezone

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    IntegerField,
    Model,
    SmallIntegerField,
    TextField,
)

from .db import database

WHOLE_DAY = -1  # the hour of a staff count entered without an hour


def utcnow():
    return datetime.now(timezone.utc).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Count(BaseModel):
    """How often something happened in one hour (Berlin local time) of one day.

    ``flag`` keeps figures honest without any identity: "" is a normal count, "doubtful" a burst
    far faster than people arrive, "off_hours" outside the drop-in hour.
    """

    day = DateField()
    hour = SmallIntegerField()  # 0..23, or WHOLE_DAY
    metric = CharField(max_length=64)  # "checkin", "people", "group:3", "reason:digital", ...
    source = CharField(max_length=16)  # "kiosk", "staff", "demo"
    flag = CharField(max_length=16, default="")
    value = IntegerField(default=0)

    class Meta:
        indexes = ((("day", "hour", "metric", "source", "flag"), True),)


class Ticket(BaseModel):
    """A one-time token for one step of the check-in, so a double tap or a resubmit counts once.

    It holds which step it is for and whether the check-in was doubtful, never an answer.
    """

    token = CharField(max_length=64, primary_key=True)
    step = CharField(max_length=16)
    flag = CharField(max_length=16, default="")
    used = BooleanField(default=False)
    issued = DateTimeField(default=utcnow, index=True)


class Staff(BaseModel):
    username = CharField(max_length=64, unique=True)
    password_hash = CharField(max_length=255)
    active = BooleanField(default=True)
    failed_logins = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    created = DateTimeField(default=utcnow)
    is_admin = BooleanField(default=False)  # may disable and remove accounts (migration 2)


class AuditEntry(BaseModel):
    """Who changed what and when: every staff change is written here, and nothing edits it."""

    at = DateTimeField(default=utcnow, index=True)
    username = CharField(max_length=64)
    action = CharField(max_length=64)
    detail = TextField(default="")


class Setting(BaseModel):
    """Settings staff change at run time (test mode, ...), as text."""

    key = CharField(max_length=64, primary_key=True)
    value = TextField()

    @classmethod
    def get_value(cls, key, default=None):
        row = cls.get_or_none(cls.key == key)
        return row.value if row else default

    @classmethod
    def put(cls, key, value):
        cls.insert(key=key, value=str(value)).on_conflict(
            conflict_target=[cls.key], update={cls.value: str(value)}
        ).execute()


class SchemaVersion(BaseModel):
    """The number of the last migration step applied to this database (see kiosk/migrations.py)."""

    version = IntegerField()


MODELS = [Count, Ticket, Staff, AuditEntry, Setting, SchemaVersion]
