"""Language switch, large text, and what makes the kiosk ready for a tablet (manifest, offline)."""

import json
import re
from datetime import datetime

import pytest

from kiosk import clock
from tests.conftest import form_value


def post_from_home(client, url, **data):
    home = client.get("/").get_data(as_text=True)
    return client.post(url, data={"csrf_token": form_value(home, "csrf_token"), **data})


def test_language_switch_persists_until_the_idle_reset(client):
    response = post_from_home(client, "/language/ar", next="/checkin/thanks")
    assert response.headers["Location"] == "/checkin/thanks"
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl"' in page
    assert '<html lang="de" dir="ltr"' in client.get("/?reset=1", follow_redirects=True).get_data(as_text=True)


def test_every_language_is_offered_in_its_own_name(client):
    page = client.get("/").get_data(as_text=True)
    for name in ("Deutsch", "English", "Türkçe", "العربية"):
        assert name in page


@pytest.mark.parametrize("code", ["fr", "xx", "../de"])
def test_unknown_language_is_400(client, code):
    assert post_from_home(client, f"/language/{code}").status_code in (400, 404)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_switch_never_leads_to_another_host(client, target):
    assert post_from_home(client, "/language/en", next=target).headers["Location"] == "/"


def test_language_switch_needs_csrf(client):
    assert client.post("/language/en").status_code == 400


def test_large_text_toggles_and_resets(client):
    post_from_home(client, "/display/large-text")
    assert 'class="large-text"' in client.get("/").get_data(as_text=True)
    post_from_home(client, "/display/large-text")
    assert 'class="large-text"' not in client.get("/").get_data(as_text=True)
    post_from_home(client, "/display/large-text")
    assert 'class="large-text"' not in client.get("/?reset=1", follow_redirects=True).get_data(as_text=True)


def test_manifest_lets_the_tablet_open_full_screen(client):
    manifest = json.loads(client.get("/static/manifest.webmanifest").data)
    assert manifest["display"] == "fullscreen" and manifest["start_url"].startswith("/")
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200
    assert 'rel="manifest"' in client.get("/").get_data(as_text=True)


def test_service_worker_is_served_from_the_root_and_caches_only_the_offline_page(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    script = response.get_data(as_text=True)
    assert 'OFFLINE = "/offline"' in script and "cache.put" not in script


def test_offline_page_has_no_forms_and_speaks_all_languages(client):
    page = client.get("/offline").get_data(as_text=True)
    assert "<form" not in page
    for text in ("Einen Moment bitte", "One moment please", "Lütfen biraz bekleyin", "لحظة من فضلك"):
        assert text in page


def test_english_uses_the_catalog_and_a_24_hour_clock(app, client, monkeypatch):
    monkeypatch.setattr(clock, "berlin_now", lambda: datetime(2026, 11, 23, 9, 0, tzinfo=clock.BERLIN))
    app.config["DROPIN_HOURS"] = [[3, "11:00", "12:30"]]
    post_from_home(client, "/language/en")
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en" dir="ltr"' in page
    assert "I am here" in page
    # The drop-in line only: the page's random tokens may hold "AM" (seen in a full run).
    dropin = re.search(r'<p class="dropin[^"]*">(.*?)</p>', page, re.S).group(1)
    assert "Thursday" in dropin and "11:00\u2060–\u206012:30" in dropin
    assert not re.search(r"\b[AP]M\b", dropin)
