""""Hier stimmt etwas nicht": a visitor flags an entry once, staff see it on top and clear it."""

from datetime import date, datetime

import pytest

from kiosk.models import AuditEntry, EntryFlag, Service, Setting
from kiosk.offers import seed as content_seed
from kiosk.offers.directory import HELP, OFFER
from tests.conftest import form_value

TODAY = date(2026, 11, 19)


@pytest.fixture
def entries(app):
    with app.app_context():
        content_seed.seed_content()
        offer = content_seed.add_service({"name": "Beispiel: Sprachcafé", "free": True}, [(OFFER, "language")], [])
        helper = content_seed.add_service({"name": "Beispiel: Beratung", "by_appointment": True},
                                          [(HELP, "family")], [])
        return {"offer": offer.id, "help": helper.id}


def flag_form(client, section, service_id):
    page = client.get(f"/{section}/{service_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    return {"csrf_token": form_value(html, "csrf_token"), "ticket": form_value(html, "ticket")}


def tap_flag(client, section, service_id, sent=None):
    sent = sent or flag_form(client, section, service_id)
    return client.post(f"/{section}/{service_id}/flag", data=sent), sent


def flags(app):
    with app.app_context():
        return [(f.service_id, f.times, f.first_hour, f.last_hour) for f in EntryFlag.select()]


def test_one_tap_counts_against_the_entry_and_thanks(app, client, entries):
    response, _ = tap_flag(client, "offers", entries["offer"])
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/offers/{entries['offer']}/flagged")
    assert "Danke für den Hinweis" in client.get(response.headers["Location"]).get_data(as_text=True)
    hour = datetime(2026, 11, 19, 11)
    assert flags(app) == [(entries["offer"], 1, hour, hour)]
    detail = client.get(f"/offers/{entries['offer']}").get_data(as_text=True)
    assert "Das Team sieht sich diesen Eintrag an" in detail and "/flag\"" not in detail


def test_help_entries_have_it_too(app, client, entries):
    assert "Hier stimmt etwas nicht" in client.get(f"/help/{entries['help']}").get_data(as_text=True)
    tap_flag(client, "help", entries["help"])
    assert flags(app)[0][:2] == (entries["help"], 1)


def test_double_tap_and_a_second_tap_in_the_visit_count_once(app, client, entries):
    _, sent = tap_flag(client, "offers", entries["offer"])
    again = client.post(f"/offers/{entries['offer']}/flag", data=sent)
    assert again.status_code == 302
    assert flags(app)[0][1] == 1


def test_each_visit_counts(app, client, entries):
    for _ in range(3):
        client.get("/?reset=1")
        tap_flag(client, "offers", entries["offer"])
    assert flags(app)[0][1] == 3


def test_without_csrf_or_with_a_forged_ticket_nothing_counts(app, client, entries):
    sent = flag_form(client, "offers", entries["offer"])
    assert client.post(f"/offers/{entries['offer']}/flag", data={"ticket": sent["ticket"]}).status_code == 400
    forged = {**sent, "ticket": "B" * 40}
    assert client.post(f"/offers/{entries['offer']}/flag", data=forged).status_code == 400
    assert flags(app) == []


def test_a_poll_or_checkin_ticket_does_not_flag(app, client, entries):
    home = client.get("/").get_data(as_text=True)
    sent = flag_form(client, "offers", entries["offer"])
    response = client.post(f"/offers/{entries['offer']}/flag", data={**sent, "ticket": form_value(home, "ticket")})
    assert response.status_code == 400
    assert flags(app) == []


@pytest.mark.parametrize("path", ["/offers/99999/flag", "/help/{offer}/flag", "/offers/{help}/flag"])
def test_an_entry_not_shown_there_is_a_404(app, client, entries, path):
    sent = flag_form(client, "offers", entries["offer"])
    assert client.post(path.format(**entries), data=sent).status_code == 404
    assert flags(app) == []


def test_test_mode_counts_nothing(app, client, entries):
    with app.app_context():
        Setting.put("test_mode", "1")
    response, _ = tap_flag(client, "offers", entries["offer"])
    assert response.status_code == 302
    assert flags(app) == []


def test_staff_see_flagged_entries_on_top_and_clear_them(app, client, auth, entries, fixed_clock):
    tap_flag(client, "offers", entries["offer"])
    client.get("/?reset=1")
    tap_flag(client, "offers", entries["offer"])
    client.get("/?reset=1")
    fixed_clock.shift(3600)
    tap_flag(client, "help", entries["help"])
    auth.login()
    page = client.get("/admin/content/").get_data(as_text=True)
    flagged = page[page.index('id="flagged"'):page.index("Lange nicht geprüft")]
    assert flagged.index("Beispiel: Beratung") < flagged.index("Beispiel: Sprachcafé")  # the latest first
    assert "<td data-label=\"Meldungen:\" data-flags>2</td>" in flagged
    assert "19.11.2026, 11–12 Uhr" in flagged and "19.11.2026, 12–13 Uhr" in flagged
    response = client.post(f"/admin/content/entries/{entries['offer']}/checked",
                           data={"csrf_token": form_value(page, "csrf_token")})
    assert response.status_code == 302
    assert [f[0] for f in flags(app)] == [entries["help"]]
    with app.app_context():
        assert Service.get_by_id(entries["offer"]).last_checked == TODAY
        entry = AuditEntry.select().where(AuditEntry.action == "content_entry_checked").get()
        assert "2× „Hier stimmt etwas nicht“ erledigt" in entry.detail


def test_clearing_needs_csrf(app, client, auth, entries):
    tap_flag(client, "offers", entries["offer"])
    auth.login()
    assert client.post(f"/admin/content/entries/{entries['offer']}/checked").status_code == 400
    assert len(flags(app)) == 1


@pytest.mark.parametrize("lang, line", [
    ("de", "Geprüft im Oktober 2026"), ("en", "Checked in October 2026"),
    ("tr", "Son kontrol: Ekim 2026"), ("ar", "آخر مراجعة: أكتوبر"),
])
def test_visitors_see_when_the_entry_was_last_checked(app, client, entries, lang, line):
    with app.app_context():
        Service.update(last_checked=date(2026, 10, 7)).where(Service.id == entries["offer"]).execute()
    page = client.get(f"/offers/{entries['offer']}").get_data(as_text=True)
    client.post(f"/language/{lang}", data={"csrf_token": form_value(page, "csrf_token")})
    assert line in client.get(f"/offers/{entries['offer']}").get_data(as_text=True)


def test_an_entry_never_checked_says_nothing_about_it(app, client, entries):
    page = client.get(f"/offers/{entries['offer']}").get_data(as_text=True)
    assert "Geprüft im" not in page
