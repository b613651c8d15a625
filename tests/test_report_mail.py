"""The weekly e-mail through a real SMTP server (aiosmtpd on loopback, started here): it arrives
with the figures of the report, a failing server is shown on the staff pages and tried again,
and the check at the first request never holds a page up."""

import email
import email.policy
import socket
import threading
from datetime import date

import pytest
from aiosmtpd.controller import Controller

from kiosk import clock, create_app
from kiosk.checkin import counting
from kiosk.migrations import create_tables
from kiosk.models import Setting
from kiosk.staff import mail, reports
from tests.conftest import form_value

# The clock stands at Thu 2026-11-19: last week is Mon 09.11.–Sun 15.11.2026 (week 46), and the
# same week a year before Mon 10.11.–Sun 16.11.2025.
LAST_WEEK = date(2026, 11, 9)


class Inbox:
    """An aiosmtpd handler keeping what arrives; ``hold`` keeps the server from answering DATA."""

    def __init__(self):
        self.messages = []
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
    assert len(smtp.messages) == 1
    with app.app_context():
        assert Setting.get_value(mail.SENT_FOR) == "2026-11-09"
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
    assert len(smtp.messages) == 1
    with app.app_context():
        assert Setting.get_value(mail.LAST_ERROR) == ""


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
