"""The report e-mails through a real SMTP server (aiosmtpd on loopback, started here): they arrive
with the figures and target lines of the reports, at the addresses in the settings and of the team
members who asked for them (and nobody else), the monthly one once after its month; a failing
server is shown on the staff pages and tried again, and the check at the first request never
holds a page up."""

import email
import email.policy
import socket
import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from kiosk import clock, create_app
from kiosk.checkin import counting
from kiosk.migrations import create_tables
from kiosk.models import AuditEntry, FundingPeriod, Setting, Staff, Target
from kiosk.security import create_staff
from kiosk.staff import mail, period_report, reports
from tests.conftest import BEN_PASSWORD, form_value

# The clock stands at Thu 2026-11-19: last week is Mon 09.11.–Sun 15.11.2026 (week 46), and the
# same week a year before Mon 10.11.–Sun 16.11.2025.
LAST_WEEK = date(2026, 11, 9)


class Inbox:
    """An aiosmtpd handler keeping what arrives; ``hold`` keeps the server from answering DATA."""

    def __init__(self):
        self.messages = []
        self.envelopes = []  # the RCPT TO addresses of each message
        self.arrived = threading.Event()
        self.hold = threading.Event()
        self.hold.set()
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        while not self.hold.is_set():
            await asyncio.sleep(0.01)
        if self.refuse:
            return "554 Transaction failed (test)"
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        self.envelopes.append(sorted(envelope.rcpt_tos))
        self.arrived.set()
        return "250 OK"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SECURITY="none",
                      MAIL_FROM="kiosk@example.org", REPORT_MAIL_TO=["team@example.org"],
                      MAIL_TIMEOUT_SECONDS=5)
    yield inbox
    inbox.hold.set()
    controller.stop()


@pytest.fixture
def week_counts(app):
    with app.app_context():
        counting.add_to_buckets({"people": 12, "checkin": 9, "group_size:3": 1, "first_visit:yes": 2,
                                 "language:de": 6, "language:tr": 3}, day=date(2026, 11, 12), hour=11)
        counting.add_to_buckets({"manual:outreach": 14}, day=date(2026, 11, 10), hour=-1)
        counting.add_to_buckets({"people": 8, "checkin": 8}, day=date(2025, 11, 13), hour=11)
        counting.add_to_buckets({"people": 50}, day=date(2026, 11, 16), hour=11)  # this week: not in it


def test_the_weeks(app):
    assert mail.week_before(date(2026, 11, 19)) == (date(2026, 11, 9), date(2026, 11, 15))
    assert mail.week_before(date(2026, 11, 16)) == (date(2026, 11, 9), date(2026, 11, 15))
    assert mail.same_week_a_year_before(date(2026, 11, 9)) == (date(2025, 11, 10), date(2025, 11, 16))
    # 2026 has a week 53; 2025 has none, so it compares with week 52
    assert mail.same_week_a_year_before(date(2026, 12, 28)) == (date(2025, 12, 22), date(2025, 12, 28))


def test_the_command_sends_last_weeks_figures_through_smtp(app, runner, smtp, week_counts):
    result = runner.invoke(args=["send-report"])
    assert result.exit_code == 0, result.output
    assert "09.11.–15.11.2026" in result.output
    [message] = smtp.messages
    assert message["To"] == "team@example.org" and message["From"] == "kiosk@example.org"
    assert message["Subject"] == "Kiez+ Kiosk: Woche 46 (09.11.–15.11.2026)"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    with app.app_context():
        week = reports.totals(date(2026, 11, 9), date(2026, 11, 15))
    assert week["people"] == 12  # the figures the report gives for the week ...
    assert f"Personen: {week['people']} (vor einem Jahr 8, +4)" in text  # ... are the e-mail's
    assert "Check-ins: 9 (vor einem Jahr 8, +1)" in text
    assert "Gruppen (2+): 1" in text and "Erstbesuche: 2" in text
    assert "Kontakte unterwegs: 14 (vor einem Jahr 0, +14)" in text
    assert "Türkisch: 3" in text and "12.11.2026: 12 Personen" in text
    assert "<td data-now>12</td>" in html and "Woche 46" in html
    assert "Ziel" not in text  # no funding period runs: nothing about targets


def test_a_week_goes_out_once(app, runner, smtp, week_counts):
    runner.invoke(args=["send-report"])
    result = runner.invoke(args=["send-report"])
    assert "went out already" in result.output and len(smtp.messages) == 1
    runner.invoke(args=["send-report", "--again"])
    assert len(smtp.messages) == 2


def test_the_command_without_settings_says_what_is_missing(app, runner):
    result = runner.invoke(args=["send-report"])
    assert result.exit_code != 0 and "MAIL_SERVER" in result.output


def test_a_failing_server_is_shown_and_tried_again(app, client, auth, runner, smtp, week_counts):
    smtp.refuse = True
    result = runner.invoke(args=["send-report"])
    assert result.exit_code != 0 and "Not sent" in result.output
    auth.login()
    page = client.get("/admin/report-mail/").get_data(as_text=True)
    assert "data-mail-error" in page and "554" in page
    assert "Die Wochenmail ging nicht hinaus" in client.get("/admin/").get_data(as_text=True)
    smtp.refuse = False
    page = client.get("/admin/report-mail/").get_data(as_text=True)
    client.post("/admin/report-mail/send", data={"csrf_token": form_value(page, "csrf_token")})
    assert len(smtp.messages) == 1
    page = client.get("/admin/report-mail/").get_data(as_text=True)
    assert "data-mail-error" not in page and "Woche ab 09.11.2026" in page
    assert "Wochenmail von Hand gesendet" in client.get("/admin/log").get_data(as_text=True)


def test_an_unreachable_server_is_a_failure_too(app, runner, smtp):
    app.config["MAIL_PORT"] = free_port()  # nobody listens there
    assert runner.invoke(args=["send-report"]).exit_code != 0
    with app.app_context():
        assert "ConnectionRefusedError" in Setting.get_value(mail.LAST_ERROR)


def plain_text(message):
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def subjects(smtp):
    return [message["Subject"] for message in smtp.messages]


def daily_check(app):
    daily = mail.DailyReportMail()
    app.extensions["report_mail"] = daily
    return daily


def test_the_daily_check_sends_in_a_thread_and_never_holds_a_page(app, client, smtp, week_counts):
    daily = daily_check(app)
    smtp.hold.clear()  # the server takes the message but does not answer yet
    worker = daily.run_if_due(app, clock.berlin_now())
    assert client.get("/").status_code == 200  # a page while the e-mail waits for the server
    assert not smtp.messages
    smtp.hold.set()
    worker.join(timeout=30)
    assert subjects(smtp) == ["Kiez+ Kiosk: Woche 46 (09.11.–15.11.2026)", "Kiez+ Kiosk: Oktober 2026"]
    with app.app_context():
        assert Setting.get_value(mail.SENT_FOR) == "2026-11-09"
        assert Setting.get_value(mail.MONTHLY.sent_for) == "2026-10-01"
    assert daily.run_if_due(app, clock.berlin_now()) is None  # checked for today


def test_the_daily_check_after_a_failure_tries_again_later(app, smtp, week_counts, fixed_clock):
    daily = daily_check(app)
    smtp.refuse = True
    daily.run_if_due(app, clock.berlin_now()).join(timeout=30)
    with app.app_context():
        assert Setting.get_value(mail.LAST_ERROR)
    assert daily.run_if_due(app, clock.berlin_now()) is None  # not at every request
    smtp.refuse = False
    fixed_clock.shift(61 * 60)  # REPORT_MAIL_RETRY_MINUTES later
    daily.run_if_due(app, clock.berlin_now()).join(timeout=30)
    assert subjects(smtp) == ["Kiez+ Kiosk: Woche 46 (09.11.–15.11.2026)", "Kiez+ Kiosk: Oktober 2026"]
    with app.app_context():
        assert Setting.get_value(mail.LAST_ERROR) == "" == Setting.get_value(mail.MONTHLY.error)


def test_the_first_request_of_the_day_starts_the_check(tmp_path, smtp):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE_URL": f"sqlite:///{tmp_path / 'm.sqlite3'}",
                      "AUTO_BACKUP": False, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": 1,
                      "MAIL_FROM": "kiosk@example.org", "REPORT_MAIL_TO": "team@example.org"},
                     instance_path=str(tmp_path / "instance"))
    with app.app_context():
        create_tables()
    assert app.test_client().get("/").status_code == 200
    app.extensions["report_mail"].worker.join(timeout=30)
    with app.app_context():
        assert "ConnectionRefusedError" in Setting.get_value(mail.LAST_ERROR)


# --- who gets them: the settings' addresses and the team members who asked --------------------


def ask_for_mail(username, address, weekly=False, monthly=False, password=BEN_PASSWORD):
    if not Staff.select().where(Staff.username == username).exists():
        create_staff(username, password)
    Staff.update(email=address, wants_weekly=weekly, wants_monthly=monthly).where(Staff.username == username).execute()


def test_the_team_members_who_asked_get_it_and_nobody_else(app, runner, smtp, week_counts):
    with app.app_context():
        ask_for_mail("ben", "ben@example.org", weekly=True)
        ask_for_mail("carl", "carl@example.org", monthly=True)  # the monthly one only
        ask_for_mail("dora", "dora@example.org", weekly=True, monthly=True)
        ask_for_mail("emil", "emil@example.org")  # an address, but no e-mail asked for
        ask_for_mail("fritz", "", weekly=True)  # asked, but no address
        Staff.update(active=False).where(Staff.username == "dora").execute()  # disabled: nothing
        ask_for_mail("gus", "TEAM@example.org", weekly=True)  # the settings' address: once
    assert runner.invoke(args=["send-report"]).exit_code == 0
    assert runner.invoke(args=["send-report", "--monthly"]).exit_code == 0
    weekly, monthly = smtp.messages
    assert smtp.envelopes == [["ben@example.org", "team@example.org"], ["carl@example.org", "team@example.org"]]
    # The To: names the settings' address only: nobody reads a colleague's own address.
    assert weekly["To"] == monthly["To"] == "team@example.org"
    assert "ben@example.org" not in weekly.as_string() and "carl@example.org" not in monthly.as_string()


def test_without_addresses_in_the_settings_the_mail_goes_to_the_team_undisclosed(app, runner, smtp, week_counts):
    app.config["REPORT_MAIL_TO"] = []
    with app.app_context():
        ask_for_mail("ben", "ben@example.org", weekly=True)
    assert runner.invoke(args=["send-report"]).exit_code == 0
    [message] = smtp.messages
    assert smtp.envelopes == [["ben@example.org"]] and message["To"] == "undisclosed-recipients:;"
    # Nobody wants the monthly one: no failure, nothing sent.
    result = runner.invoke(args=["send-report", "--monthly"])
    assert result.exit_code != 0 and "REPORT_MAIL_TO" in result.output and len(smtp.messages) == 1


def test_a_disabled_or_removed_account_gets_nothing(app, client, auth, team, runner, smtp, week_counts):
    with app.app_context():
        ask_for_mail("ben", "ben@example.org", weekly=True)
        ask_for_mail("carl", "carl@example.org", weekly=True)
    auth.login()  # anna, the admin, through the team page
    page = client.get("/admin/staff/").get_data(as_text=True)
    with app.app_context():
        carl = Staff.get(Staff.username == "carl").id
    client.post(f"/admin/staff/{team['ben']}/active", data={"csrf_token": form_value(page, "csrf_token")})
    page = client.get(f"/admin/staff/{carl}/remove").get_data(as_text=True)
    client.post(f"/admin/staff/{carl}/remove", data={"csrf_token": form_value(page, "csrf_token")})
    assert runner.invoke(args=["send-report"]).exit_code == 0
    assert smtp.envelopes == [["team@example.org"]]


# --- the targets of the funding period --------------------------------------------------------


@pytest.fixture
def period(app):
    """A funding period over 2026 with a yearly and a monthly target (an example, not a real grant)."""
    with app.app_context():
        period = FundingPeriod.create(name="Beispiel-Förderung 2026", first=date(2026, 1, 1), last=date(2026, 12, 31))
        Target.create(period=period, metric="visits", amount=900, per="year")
        Target.create(period=period, metric="outreach", amount=20, per="month")
        counting.add_to_buckets({"people": 30}, day=date(2026, 3, 5), hour=11)  # the kiosk in use since March
        return period.id


def test_the_weekly_mail_gives_the_target_lines_of_the_period_report(app, runner, smtp, week_counts, period):
    assert runner.invoke(args=["send-report"]).exit_code == 0
    [message] = smtp.messages
    text = plain_text(message)
    html = message.get_body(("html",)).get_content()
    with app.app_context():
        report = period_report.build(FundingPeriod.get_by_id(period), date(2026, 11, 15))  # the week's Sunday
    lines = [t.line for t in report.targets]
    assert lines[0].startswith("Ziel 900 Besuche im Jahr 2026: 42 bis zum 15.11.2026, hinter dem Plan")
    assert 'Ziele im Förderzeitraum „Beispiel-Förderung 2026“ (01.01.2026 bis 31.12.2026)' in text
    for line in lines:
        assert f"  {line}\n" in text and f"<span data-target-line>{line}</span>" in html
    # The week's share of the plan: 900 a year is 17 in seven days, 20 in November's 30 days 5.
    assert "Besuche in dieser Woche: 12, geplant 17." in text
    assert "Kontakte unterwegs in dieser Woche: 14, geplant 5." in text
    assert "Besuche in dieser Woche: <strong data-counted>12</strong>, geplant 17." in html


def test_a_period_that_is_over_says_nothing_in_a_later_week(app, runner, smtp, week_counts, period):
    with app.app_context():
        FundingPeriod.update(last=date(2026, 11, 8)).where(FundingPeriod.id == period).execute()
    runner.invoke(args=["send-report"])
    assert "Ziel" not in smtp.messages[0].get_body(("plain",)).get_content()


# --- the monthly e-mail --------------------------------------------------------------------------


BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def november(app):
    with app.app_context():
        counting.add_to_buckets({"people": 40, "checkin": 30}, day=date(2026, 11, 26), hour=11)
        counting.add_to_buckets({"people": 25, "checkin": 25}, day=date(2025, 11, 20), hour=11)
        counting.add_to_buckets({"people": 99}, day=date(2026, 12, 1), hour=0)  # December: not in it
        Setting.put(mail.MONTHLY.sent_for, "2026-10-01")  # October went out
        Setting.put(mail.SENT_FOR, "2026-11-23")  # and so did the last week: only the month is left


def test_the_monthly_mail_goes_once_after_its_month(app, runner, smtp, period, november, fixed_clock):
    # 23:50 on 30 November in Berlin (11:50 on 1 December in the process's zone, Auckland):
    # the month is not over, nothing goes out.
    fixed_clock.move_to(datetime(2026, 11, 30, 23, 50, tzinfo=BERLIN))
    daily_check(app).run_if_due(app, clock.berlin_now()).join(timeout=30)
    assert smtp.messages == []
    # 00:10 on 1 December in Berlin, still 30 November in UTC: November is over.
    fixed_clock.move_to(datetime(2026, 12, 1, 0, 10, tzinfo=BERLIN))
    daily = daily_check(app)
    daily.run_if_due(app, clock.berlin_now()).join(timeout=30)
    assert subjects(smtp) == ["Kiez+ Kiosk: November 2026"]
    text = plain_text(smtp.messages[0])
    assert "Verglichen mit dem November vor einem Jahr (01.11. bis 30.11.2025)" in text
    assert "Personen: 40 (vor einem Jahr 25, +15)" in text
    with app.app_context():
        report = period_report.build(FundingPeriod.get_by_id(period), date(2026, 11, 30))
    visits = report.targets[0]
    assert visits.months[-1].counted == 40  # the period report's November ...
    assert f"Besuche im November 2026: 40, geplant {round(visits.months[-1].planned)}." in text  # ... is the e-mail's
    assert f"  {visits.line}\n" in text and "bis Ende November 2026" in visits.line
    # The same day again, a new day's check, and the command: never a second time.
    fixed_clock.move_to(datetime(2026, 12, 2, 9, 0, tzinfo=BERLIN))
    daily_check(app).run_if_due(app, clock.berlin_now()).join(timeout=30)
    result = runner.invoke(args=["send-report", "--monthly"])
    assert "went out already" in result.output and len(smtp.messages) == 1
    runner.invoke(args=["send-report", "--monthly", "--again"])
    assert len(smtp.messages) == 2


def test_a_failing_monthly_mail_is_shown_and_tried_again(app, client, auth, smtp, november, fixed_clock):
    fixed_clock.move_to(datetime(2026, 12, 1, 8, 0, tzinfo=BERLIN))
    smtp.refuse = True
    daily = daily_check(app)
    daily.run_if_due(app, clock.berlin_now()).join(timeout=30)
    auth.login()
    assert "Die Monatsmail ging nicht hinaus: SMTPDataError" in client.get("/admin/").get_data(as_text=True)
    page = client.get("/admin/report-mail/").get_data(as_text=True)
    assert "Die letzte Monatsmail ging nicht hinaus" in page and "554" in page
    assert daily.run_if_due(app, clock.berlin_now()) is None  # not at every request
    smtp.refuse = False
    fixed_clock.shift(61 * 60)
    daily.run_if_due(app, clock.berlin_now()).join(timeout=30)
    assert subjects(smtp) == ["Kiez+ Kiosk: November 2026"]
    auth.login()  # the login of an hour ago has ended
    assert "Monatsmail ging nicht hinaus" not in client.get("/admin/").get_data(as_text=True)
    page = client.get("/admin/report-mail/").get_data(as_text=True)
    assert "Monat 11/2026" in page


def test_the_staff_page_sends_the_monthly_mail_by_hand(app, client, auth, smtp, november):
    auth.login()
    page = client.get("/admin/report-mail/").get_data(as_text=True)
    assert "Monatsmail Oktober 2026 jetzt senden" in page
    client.post("/admin/report-mail/send", data={"csrf_token": form_value(page, "csrf_token"), "report": "monthly"})
    assert subjects(smtp) == ["Kiez+ Kiosk: Oktober 2026"]
    assert "Monatsmail von Hand gesendet" in client.get("/admin/log").get_data(as_text=True)


def test_the_months(app):
    assert mail.month_before(date(2026, 12, 1)) == (date(2026, 11, 1), date(2026, 11, 30))
    assert mail.month_before(date(2027, 1, 15)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert mail.same_month_a_year_before(date(2028, 2, 1)) == (date(2027, 2, 1), date(2027, 2, 28))
    assert mail.same_month_a_year_before(date(2029, 2, 1)) == (date(2028, 2, 1), date(2028, 2, 29))


# --- "Meine Zustellung": each person asks for the e-mails themselves ----------------------------


def delivery_form(client):
    page = client.get("/admin/report-mail/").get_data(as_text=True)
    return page, {"csrf_token": form_value(page, "csrf_token")}


def test_a_person_asks_for_the_mails_and_the_log_keeps_no_address(app, client, auth):
    auth.login()
    page, data = delivery_form(client)
    assert 'name="mine-email"' in page and 'type="email"' in page
    response = client.post("/admin/report-mail/mine", data={
        **data, "mine-email": "  anna@example.org ", "mine-wants_weekly": "y", "mine-wants_monthly": "y"})
    assert response.status_code == 302
    with app.app_context():
        anna = Staff.get(Staff.username == "anna")
        assert (anna.email, anna.wants_weekly, anna.wants_monthly) == ("anna@example.org", True, True)
        entry = AuditEntry.select().where(AuditEntry.action == "report_mail_delivery").get()
        assert entry.detail == "Wochenmail ja · Monatsmail ja · Adresse eingetragen" and "@" not in entry.detail
    page = client.get("/admin/report-mail/").get_data(as_text=True)
    assert 'value="anna@example.org"' in page and "aus dem Team: anna" in page
    client.post("/admin/report-mail/mine", data={**data, "mine-email": ""})  # stop it all
    with app.app_context():
        anna = Staff.get(Staff.username == "anna")
        assert (anna.email, anna.wants_weekly, anna.wants_monthly) == (None, False, False)


def test_the_delivery_form_without_csrf_is_refused(app, client, auth):
    auth.login()
    response = client.post("/admin/report-mail/mine", data={"mine-email": "anna@example.org", "mine-wants_weekly": "y"})
    assert response.status_code == 400
    with app.app_context():
        assert Staff.get(Staff.username == "anna").email is None


@pytest.mark.parametrize("address", [
    "anna", "anna@example", "anna@@example.org", "anna @example.org", "änna@example.org",
    "anna@example.org, ben@example.org", "anna@example.org\r\nBcc: x@example.org", "a" * 250 + "@example.org",
])
def test_a_bad_address_is_a_form_error(app, client, auth, address):
    auth.login()
    _, data = delivery_form(client)
    response = client.post("/admin/report-mail/mine", data={**data, "mine-email": address, "mine-wants_weekly": "y"})
    assert response.status_code == 400
    assert 'class="error-message"' in response.get_data(as_text=True)
    with app.app_context():
        assert Staff.get(Staff.username == "anna").email is None


def test_asking_for_a_mail_without_an_address_is_a_form_error(app, client, auth):
    auth.login()
    _, data = delivery_form(client)
    response = client.post("/admin/report-mail/mine", data={**data, "mine-wants_monthly": "y"})
    assert response.status_code == 400 and "braucht der Kiosk Ihre Adresse" in response.get_data(as_text=True)


def test_the_delivery_form_takes_no_json_and_no_file(app, client, auth):
    auth.login()
    _, data = delivery_form(client)
    assert client.post("/admin/report-mail/mine", json={"mine-email": ["x"]}).status_code == 400
    response = client.post("/admin/report-mail/mine", data={**data, "mine-email": (b"x", "a.txt")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
