"""Schema migrations: numbered small steps that bring an older database up to date, keeping its data.

Version 1 is the first released schema (kept as tests/fixtures/schema_v1.sqlite3). A change to a
table that already exists needs a step here, numbered one higher than the last; a new table needs
none, because ``upgrade`` creates missing tables from the models. Each step first looks at what is
there, so it also does no harm to a table that was just created in its current shape.
"""

from peewee import SQL, BooleanField, CharField, fn
from playhouse.migrate import SchemaMigrator, migrate

from kiosk.db import database, is_sqlite
from kiosk.models import MODELS, Count, DaySum, Organization, Phone, SchemaVersion, Service, Staff
from kiosk.offers.phones import normalise_phone
from kiosk.offers.weblinks import NotAWebAddress, web_uri

FIRST_RELEASED = 1


class NewerDatabase(Exception):
    """The database was written by a newer version of the kiosk; this code must not touch it."""


def add_column_if_missing(migrator, table, name, field, allow_not_null=False):
    if name not in {column.name for column in database.get_columns(table)}:
        migrate(migrator.add_column(table, name, field, allow_not_null))


def add_flag_if_missing(migrator, table, name):
    """A NOT NULL boolean that is false on every existing row, added in one ALTER TABLE.

    peewee's usual way (nullable, fill, then NOT NULL) rebuilds the table in SQLite, and dropping
    the old table inside upgrade()'s transaction (foreign keys on) deletes every row that points to
    it by cascade: a poll's answers, a staff member's sessions."""
    add_column_if_missing(migrator, table, name, BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")]),
                          allow_not_null=True)


def staff_admins(migrator):
    """Staff.is_admin. The oldest active account becomes the admin, so someone can manage the team."""
    add_flag_if_missing(migrator, "staff", "is_admin")
    if not Staff.select().where(Staff.is_admin == True).exists():  # noqa: E712
        # Only the columns of this step's time: later steps add more to the model.
        first = Staff.select(Staff.id).where(Staff.active == True).order_by(Staff.id).first()  # noqa: E712
        if first:
            Staff.update(is_admin=True).where(Staff.id == first.id).execute()


def dialable_phones_and_valid_web_addresses(migrator):
    """Phone numbers typed in Arabic-Indic or full-width digits were stored as typed, and web
    addresses as pasted (raw Unicode): both now in the form the forms store (E.164 in ASCII, a valid
    URI). A row that cannot be read is left as it was: staff see it and correct it in the form."""
    for phone in Phone.select():
        try:
            number = normalise_phone(phone.number)
        except ValueError:
            continue
        if number != phone.number:
            Phone.update(number=number).where(Phone.id == phone.id).execute()
    for model, field in ((Service, Service.url), (Organization, Organization.website)):
        for row in model.select(model.id, field).where(field != ""):
            try:
                address = web_uri(getattr(row, field.name))
            except NotAWebAddress:
                continue
            if address != getattr(row, field.name):
                model.update({field: address}).where(model.id == row.id).execute()


def count_report_index(migrator):
    """The index the reports read a range of days from (Count.Meta.indexes says why)."""
    if "count_day_metric_flag_value" not in {index.name for index in database.get_indexes("count")}:
        migrate(migrator.add_index("count", ("day", "metric", "flag", "value"), False))


def rating_polls(migrator):
    """Poll.rating: the polls made before were wish polls, not ratings."""
    add_flag_if_missing(migrator, "poll", "rating")


def staff_report_mail(migrator):
    """Staff.email, wants_weekly, wants_monthly: each person may ask for the report e-mails."""
    add_column_if_missing(migrator, "staff", "email", CharField(max_length=254, null=True))
    add_flag_if_missing(migrator, "staff", "wants_weekly")  # in one ALTER: the sessions stay
    add_flag_if_missing(migrator, "staff", "wants_monthly")


def day_sums_from_counts(migrator):
    """DaySum (new): the sums of the counts kept so far; the triggers keep them from here on."""
    DaySum.delete().execute()
    DaySum.insert_from(
        Count.select(Count.day, Count.metric, Count.flag, fn.SUM(Count.value))
        .group_by(Count.day, Count.metric, Count.flag),
        [DaySum.day, DaySum.metric, DaySum.flag, DaySum.value],
    ).execute()


# DaySum follows Count in the database itself, so no writer can forget it. A row's value leaves
# the sum of its old key (which goes when no count is left for it) and joins the sum of its new.
_SAME_KEY = "OLD.day = NEW.day AND OLD.metric = NEW.metric AND OLD.flag = NEW.flag"
_JOIN = ("INSERT INTO day_sum (day, metric, flag, value) VALUES (NEW.day, NEW.metric, NEW.flag, NEW.value) "
         "ON CONFLICT (day, metric, flag) DO UPDATE SET value = day_sum.value + excluded.value;")
_LEAVE = ("UPDATE day_sum SET value = value - OLD.value "
          "WHERE day = OLD.day AND metric = OLD.metric AND flag = OLD.flag; "
          "DELETE FROM day_sum WHERE day = OLD.day AND metric = OLD.metric AND flag = OLD.flag "
          'AND NOT EXISTS (SELECT 1 FROM "count" c WHERE c.day = OLD.day AND c.metric = OLD.metric AND c.flag = OLD.flag);')
SQLITE_TRIGGERS = (
    f'CREATE TRIGGER IF NOT EXISTS count_added AFTER INSERT ON "count" BEGIN {_JOIN} END',
    # The check-in's usual write: one more in an existing hour's bucket.
    f'CREATE TRIGGER IF NOT EXISTS count_changed AFTER UPDATE ON "count" WHEN {_SAME_KEY} BEGIN '
    "UPDATE day_sum SET value = value + NEW.value - OLD.value "
    "WHERE day = NEW.day AND metric = NEW.metric AND flag = NEW.flag; END",
    f'CREATE TRIGGER IF NOT EXISTS count_moved AFTER UPDATE ON "count" WHEN NOT ({_SAME_KEY}) '
    f"BEGIN {_LEAVE} {_JOIN} END",
    f'CREATE TRIGGER IF NOT EXISTS count_removed AFTER DELETE ON "count" BEGIN {_LEAVE} END',
)
POSTGRES_TRIGGER = (
    "CREATE OR REPLACE FUNCTION keep_day_sum() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {_LEAVE} END IF; "
    f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {_JOIN} END IF; "
    "RETURN NULL; END $$",
    'DROP TRIGGER IF EXISTS count_keeps_day_sum ON "count"',
    'CREATE TRIGGER count_keeps_day_sum AFTER INSERT OR UPDATE OR DELETE ON "count" '
    "FOR EACH ROW EXECUTE FUNCTION keep_day_sum()",
)


def keep_day_sums():
    """The triggers that keep DaySum equal to the sums of Count (made on every start: a database
    from before them, or restored from a backup without them, gets them before anything counts)."""
    for statement in SQLITE_TRIGGERS if is_sqlite() else POSTGRES_TRIGGER:
        database.execute_sql(statement)


STEPS = {
    2: staff_admins,
    3: dialable_phones_and_valid_web_addresses,
    4: count_report_index,
    5: rating_polls,
    6: staff_report_mail,
    7: day_sums_from_counts,
}
LATEST = max(STEPS, default=FIRST_RELEASED)


def stored_version():
    """The schema version of the database: None when it is empty, 1 for one made before versions were kept."""
    if database.table_exists(SchemaVersion._meta.table_name):
        row = SchemaVersion.select().first()
        if row:
            return row.version
    if database.table_exists(Count._meta.table_name):
        return FIRST_RELEASED
    return None


def upgrade():
    """Create missing tables, run the steps this database has not had, store the version.

    One transaction: a failing step leaves the database as it was. Returns the numbers of the steps run.
    """
    with database.atomic():
        version = stored_version()
        if version is not None and version > LATEST:
            raise NewerDatabase(f"The database has schema version {version}; this kiosk knows up to {LATEST}.")
        database.create_tables(MODELS)  # only the missing ones
        keep_day_sums()
        applied = []
        if version is not None:
            migrator = SchemaMigrator.from_database(database.obj)
            for number in sorted(STEPS):
                if number > version:
                    STEPS[number](migrator)
                    applied.append(number)
        if version != LATEST:
            SchemaVersion.delete().execute()
            SchemaVersion.create(version=LATEST)
    return applied


def create_tables():
    """Create missing tables and bring an older database up to date (every start does this)."""
    upgrade()
