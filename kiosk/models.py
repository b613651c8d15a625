"""The tables. Visitor data is counts in hourly buckets, never a record of a person."""

import uuid

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    SmallIntegerField,
    TextField,
)

from kiosk.clock import utcnow
from kiosk.db import JSONTextField, Param, Prepared, database

WHOLE_DAY = -1  # the hour of a staff count entered without an hour


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Count(BaseModel):
    """How often something happened in one hour (Berlin local time) of one day.

    ``flag`` keeps figures honest without any identity: "" is a normal count, "doubtful" a burst
    far faster than people arrive, "off_hours" outside the drop-in hour, "unenrolled" from a
    browser that is not one of the project's enrolled tablets.
    """

    day = DateField()
    hour = SmallIntegerField()  # 0..23, or WHOLE_DAY
    metric = CharField(max_length=64)  # "checkin", "people", "group:3", "reason:digital", ...
    source = CharField(max_length=16)  # "kiosk", "staff", "demo"
    flag = CharField(max_length=16, default="")
    value = IntegerField(default=0)

    class Meta:
        indexes = (
            (("day", "hour", "metric", "source", "flag"), True),
            # Reports sum a range of days per day and metric: this index alone answers them, in
            # order, without reading the table (a year's History 2.5 times faster).
            (("day", "metric", "flag", "value"), False),
        )


class DaySum(BaseModel):
    """Count summed over the hours of a day, per metric and flag: what the reports of a range read.

    Database triggers on Count keep it equal to ``SUM(value) GROUP BY day, metric, flag`` (a row
    exists exactly when a Count row does) on every write, whoever writes: a check-in, a staff
    correction, the demo, a test, a restored backup, the sqlite3 shell (kiosk/migrations.py).
    A year's History then reads a ninth of the rows it summed before, and no figure can go stale.
    """

    day = DateField()
    metric = CharField(max_length=64)
    flag = CharField(max_length=16, default="")
    value = IntegerField(default=0)

    class Meta:
        indexes = (
            (("day", "metric", "flag"), True),  # the triggers' ON CONFLICT target
            # As Count's: the reports' sums of a range come from the index alone (a year's
            # History a tenth cheaper; one more index entry for the triggers to move).
            (("day", "metric", "flag", "value"), False),
        )


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
    # The report e-mails this person asked for on the Wochenmail page, and where to (migration 6).
    email = CharField(max_length=254, null=True)
    wants_weekly = BooleanField(default=False)
    wants_monthly = BooleanField(default=False)


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
        row = SETTING_VALUE.execute(key=key).fetchone()  # every visitor page asks for test mode
        return default if row is None else row[0]

    @classmethod
    def put(cls, key, value):
        cls.insert(key=key, value=str(value)).on_conflict(
            conflict_target=[cls.key], update={cls.value: str(value)}
        ).execute()


SETTING_VALUE = Prepared(lambda: Setting.select(Setting.value).where(Setting.key == Param("key")))


class SchemaVersion(BaseModel):
    """The number of the last migration step applied to this database (see kiosk/migrations.py)."""

    version = IntegerField()


class CraftSheet(BaseModel):
    """A craft instruction staff added: an uploaded PDF or picture, or a title with written steps.

    Uploads live in the instance folder under ``uploads/`` with a random name (kiosk/crafts.py);
    the name a file had on the staff computer is never kept.
    """

    title = CharField(max_length=120)
    materials = TextField(default="")  # one thing a line
    file_name = CharField(max_length=64, null=True)  # the uploaded PDF or picture, if any
    pages = SmallIntegerField(default=0)  # page pictures made from an uploaded PDF
    translations = JSONTextField()  # {"ar": {"title": …}}: kiosk/translated.py
    hidden = BooleanField(default=False)
    created = DateTimeField(default=utcnow)
    updated = DateTimeField(default=utcnow)


class CraftStep(BaseModel):
    """One numbered step of a written craft sheet, with an optional picture."""

    sheet = ForeignKeyField(CraftSheet, backref="steps", on_delete="CASCADE")
    number = SmallIntegerField()
    text = TextField()
    picture = CharField(max_length=64, null=True)

    class Meta:
        indexes = ((("sheet", "number"), True),)


MODELS = [Count, DaySum, Ticket, Staff, AuditEntry, Setting, SchemaVersion, CraftSheet, CraftStep]


# --- Local offers and help services (issue 5): a simplified Open Referral HSDS 3.0.1 ----------
#
# kiosk/hsds.py maps these to HSDS tables and back; `uid` is the HSDS id (a UUID), kept on import
# so an export, imported elsewhere and exported again, is the same file.


def new_uid():
    return str(uuid.uuid4())


class Organization(BaseModel):
    """Who runs an offer (the "Träger"), e.g. Wassertor e.V."""

    uid = CharField(max_length=36, unique=True, default=new_uid)
    name = CharField(max_length=200)
    description = TextField(default="")
    email = CharField(max_length=254, default="")
    website = CharField(max_length=500, default="")


class Location(BaseModel):
    """A place visitors go to, with how to get there and whether it is step-free."""

    uid = CharField(max_length=36, unique=True, default=new_uid)
    organization = ForeignKeyField(Organization, null=True, backref="locations", on_delete="RESTRICT")
    name = CharField(max_length=200)
    street = CharField(max_length=200, default="")
    postcode = CharField(max_length=10, default="")
    city = CharField(max_length=100, default="")
    transportation = TextField(default="")  # "U1 Kottbusser Tor, Bus M29 …"
    step_free = BooleanField(default=False)
    accessibility = TextField(default="")  # details, e.g. where the lift is


class Category(BaseModel):
    """A tile on the kiosk: an offer category, a help topic, or a target group for the filter."""

    uid = CharField(max_length=36, unique=True, default=new_uid)
    kind = CharField(max_length=16)  # "offer", "help" or "audience" (kiosk/directory.py KINDS)
    key = CharField(max_length=40)  # in addresses and counts: /offers/<key>, offer_category:<key>
    name = CharField(max_length=100)  # German; the shipped ones are translated by key
    description = TextField(default="")
    position = IntegerField(default=0)

    class Meta:
        indexes = ((("kind", "key"), True),)


class Service(BaseModel):
    """An offer or a help service. It appears under every category and topic it is linked to."""

    uid = CharField(max_length=36, unique=True, default=new_uid)
    organization = ForeignKeyField(Organization, null=True, backref="services", on_delete="RESTRICT")
    location = ForeignKeyField(Location, null=True, backref="services", on_delete="RESTRICT")
    name = CharField(max_length=200)
    description = TextField(default="")
    languages = CharField(max_length=200, default="")  # ISO 639 codes, "de,tr,ar"
    free = BooleanField(default=False)
    fees = CharField(max_length=200, default="")  # what it costs, when not free
    walk_in = BooleanField(default=False)
    by_appointment = BooleanField(default=False)
    around_the_clock = BooleanField(default=False)  # phone lines: always reachable
    what_to_bring = TextField(default="")  # one thing a line
    status = CharField(max_length=24, default="active")  # or "temporarily closed"
    alert = CharField(max_length=200, default="")  # "fällt am 3.6. aus"
    last_checked = DateField(null=True)
    hidden = BooleanField(default=False)
    url = CharField(max_length=500, default="")
    email = CharField(max_length=254, default="")
    schedule = JSONTextField(ensure_ascii=True, sort_keys=False)  # Schedule.to_dict(), Berlin time
    translations = JSONTextField()  # {"tr": {"name": …, "description": …}}: kiosk/translated.py


class ServiceCategory(BaseModel):
    service = ForeignKeyField(Service, backref="category_links", on_delete="CASCADE")
    category = ForeignKeyField(Category, backref="service_links", on_delete="RESTRICT")

    class Meta:
        indexes = ((("service", "category"), True),)


class Phone(BaseModel):
    uid = CharField(max_length=36, unique=True, default=new_uid)
    service = ForeignKeyField(Service, backref="phones", on_delete="CASCADE")
    number = CharField(max_length=20)  # vcard.normalise_phone: "+493067796086", "116117"
    kind = CharField(max_length=8, default="voice")  # HSDS phone type: voice, fax, cell
    description = CharField(max_length=200, default="")
    position = IntegerField(default=0)


MODELS += [Organization, Location, Category, Service, ServiceCategory, Phone]


class HsdsKept(BaseModel):
    """What an HSDS import brought that the kiosk does not show, kept to be exported again.

    One row per imported HSDS record, named by `table` and `uid`. For a record the kiosk has (a
    service, a location, a phone, …) `data` is {"fields": its other fields, "rows": {table: the
    imported rows a kiosk field was read from}}; for a record of a table the kiosk does not use
    (contacts, funding, terms of other taxonomies, …) `data` is the row itself. `owner` is the uid of
    the kiosk record it belongs to: deleting that record takes the kept row out of the export.
    """

    table = CharField(max_length=40)
    uid = CharField(max_length=200)
    owner = CharField(max_length=36, null=True, index=True)
    data = TextField()

    class Meta:
        indexes = ((("table", "uid"), True),)


MODELS += [HsdsKept]


# --- The project's own tablets (issue 12): enrolled by staff with a one-time code --------------


class Tablet(BaseModel):
    """One of the project's tablets, trusted to count check-ins as normal (kiosk/tablets.py).

    It proves itself with a long-lived device cookie; only the SHA-256 of that random secret is
    stored, and of the one-time code while it waits. The device is the project's, never a visitor's.
    """

    name = CharField(max_length=64)
    secret_hash = CharField(max_length=64, null=True, unique=True)
    code_hash = CharField(max_length=64, null=True, unique=True)
    code_expires = DateTimeField(null=True)
    created = DateTimeField(default=utcnow)
    enrolled = DateTimeField(null=True)
    last_seen = DateTimeField(null=True)  # the last heartbeat: the tablet's script is alive
    revoked = DateTimeField(null=True)


MODELS += [Tablet]


class LateCheckin(BaseModel):
    """The random id of a check-in a tablet kept while the server was away and delivered later,
    remembered so a repeated delivery never counts twice. Nothing else: no hour, no answers."""

    id = CharField(max_length=36, primary_key=True)
    tablet = ForeignKeyField(Tablet, backref="late_checkins", on_delete="CASCADE")
    received = DateField(index=True)  # the Berlin day it arrived: for Today, and to forget it


MODELS += [LateCheckin]


class DropinClosure(BaseModel):
    """Days staff closed the drop-in hour (a team day, a holiday of their own); kiosk/dropin.py."""

    first = DateField()
    last = DateField()
    note = CharField(max_length=120, default="")  # for the staff list only; visitors see "closed"
    created = DateTimeField(default=utcnow)


MODELS += [DropinClosure]


# --- Staff sessions (issue 13) ------------------------------------------------------------------


class StaffSession(BaseModel):
    """One staff login on one device, checked on every staff request and ended on the server.

    The cookie holds a random token; this table only its SHA-256, so a copy of the database (a
    backup) opens no session. No address is kept, only the browser's name for the staff's own list.
    """

    token_hash = CharField(max_length=64, unique=True)
    staff = ForeignKeyField(Staff, backref="sessions", on_delete="CASCADE")
    created = DateTimeField(default=utcnow)
    last_used = DateTimeField(default=utcnow, index=True)
    browser = CharField(max_length=64, default="")  # "Firefox auf Windows"
    failed_checks = SmallIntegerField(default=0)  # wrong old passwords on the password page


MODELS += [StaffSession]


# --- Staff word lists for the word search (issue 11) --------------------------------------------


class WordList(BaseModel):
    """A themed word list of the team's own (the season, a festival, the Kiez) for word searches.

    Its words never change once saved, so a puzzle address that names the list (``?list=3``)
    always rebuilds the same grid; staff switch a list off instead of editing it.
    """

    title = CharField(max_length=80)
    lang = CharField(max_length=2)  # "de", "tr", "en": the word search's languages
    words = TextField()  # one word a line, as the team typed it
    active = BooleanField(default=True)
    created = DateTimeField(default=utcnow)

    def word_list(self) -> list[str]:
        return self.words.splitlines()


MODELS += [WordList]


# --- Visitors have a voice (issue 17): the wish poll and "Hier stimmt etwas nicht" -------------


class Poll(BaseModel):
    """A question staff put to visitors for a period ("Was wünscht ihr euch?").

    Its answers are counted in Count (``poll_answer:<answer id>``) per hour, like everything else:
    nothing ties an answer to a check-in or to another answer.
    """

    question = CharField(max_length=200)  # German
    translations = JSONTextField()  # {"tr": {"question": …}}: kiosk/translated.py
    first = DateField()  # the first and the last Berlin day the tile shows
    last = DateField()
    ended = DateField(null=True)  # the day staff ended it early: the tile went at once
    created = DateTimeField(default=utcnow)
    # A rating question ("Wie gefällt euch …?"): its answers' positions are the scale, from the
    # worst (1) to the best, and the funder's report shows it (migration 5).
    rating = BooleanField(default=False)


class PollAnswer(BaseModel):
    """One of a poll's 2–6 answers: a pictogram of the shipped set and a short word."""

    poll = ForeignKeyField(Poll, backref="answers", on_delete="CASCADE")
    position = SmallIntegerField()
    pictogram = CharField(max_length=32)  # static/img/poll/<pictogram>.svg (kiosk/checkin/wishes.py)
    word = CharField(max_length=40)  # German
    translations = JSONTextField()  # {"ar": {"word": …}}

    class Meta:
        indexes = ((("poll", "position"), True),)


class EntryFlag(BaseModel):
    """How many visitors tapped "Hier stimmt etwas nicht" on an entry since staff last checked it.

    A count and two hours (Berlin time, the start of the hour: no finer than any other count);
    staff clearing the entry deletes the row and sets ``Service.last_checked``.
    """

    service = ForeignKeyField(Service, unique=True, backref="flags", on_delete="CASCADE")
    times = IntegerField(default=0)
    first_hour = DateTimeField()
    last_hour = DateTimeField()


MODELS += [Poll, PollAnswer, EntryFlag]
# --- Figures that leave on their own (issue 16): tokens for the read-only JSON API --------------


class ApiToken(BaseModel):
    """A token an admin gave the Träger's statistics (R, Excel Power Query) for /api/v1/.

    Only the SHA-256 of the random token is stored, so a copy of the database (a backup) opens
    nothing; the token itself is shown once, when it is made. Revoked tokens stay listed.
    """

    name = CharField(max_length=64)  # "Statistik Wassertor e.V."
    token_hash = CharField(max_length=64, unique=True)
    created = DateTimeField(default=utcnow)
    created_by = CharField(max_length=64)
    last_used = DateTimeField(null=True)
    revoked = DateTimeField(null=True)


MODELS += [ApiToken]


# --- The funder's report (issue 16): funding periods, their targets, the activity log ----------
#
# New tables only: kiosk/migrations.py's upgrade() creates them in an older database.


class FundingPeriod(BaseModel):
    """A funding period from a grant decision ("QM-Projektfonds 2020–2022"), with the narrative
    fields of the funder's report (the Sachbericht's own words, written by the team)."""

    name = CharField(max_length=120)
    funder = CharField(max_length=120, default="")
    first = DateField()
    last = DateField()
    results = TextField(default="")  # what was achieved, in the team's words
    deviations = TextField(default="")  # where the figures differ from the plan, and why
    outlook = TextField(default="")  # target groups reached, publicity, what comes next
    created = DateTimeField(default=utcnow)


class Target(BaseModel):
    """One target of a funding period: ``amount`` of ``metric`` (kiosk/staff/targets.py METRICS)
    per year, per month or over the whole period."""

    period = ForeignKeyField(FundingPeriod, backref="targets", on_delete="CASCADE")
    metric = CharField(max_length=32)
    amount = IntegerField()
    per = CharField(max_length=8)  # "year", "month", "period"

    class Meta:
        indexes = ((("period", "metric", "per"), True),)


class ActivityKind(BaseModel):
    """A kind of activity the team added to the built-in ones (kiosk/staff/activity_log.py)."""

    name = CharField(max_length=60, unique=True)
    created = DateTimeField(default=utcnow)


class Activity(BaseModel):
    """One activity held: a Kaffeeklatsch, an outreach Tuesday, a workshop. Its participants are
    a number, never names; kinds that are counted as manual counts add them there as well."""

    day = DateField(index=True)
    kind = CharField(max_length=32)  # a built-in key ("kaffeeklatsch") or "own:<ActivityKind id>"
    participants = IntegerField(default=0)
    note = CharField(max_length=200, default="")
    created = DateTimeField(default=utcnow)
    updated = DateTimeField(default=utcnow)


MODELS += [FundingPeriod, Target, ActivityKind, Activity]
