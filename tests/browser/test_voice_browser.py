"""Visitors have a voice, by touch in Chromium: the wish poll, "Hier stimmt etwas nicht" and
read-aloud with a stubbed speech engine (which records what it was asked to say, and in which
language), while every request the page makes is watched: none may leave the kiosk's server."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from kiosk.checkin import wishes
from kiosk.models import EntryFlag, Poll, PollAnswer, Service
from kiosk.offers import seed as content_seed
from kiosk.offers.directory import OFFER
from tests.browser.conftest import double_tap, tap_language

pytestmark = pytest.mark.usefixtures("enrolled")  # the room's tablet: its answers count as normal

TODAY = date(2026, 11, 19)

# The tablet's speech engine, replaced before any page script runs: voices for the languages the
# test names, and every utterance recorded instead of spoken.
SPEECH_STUB = """
(voices => {
  window.__spoken = [];
  window.__cancelled = 0;
  const engine = {
    speaking: false,
    getVoices: () => voices.map(lang => ({lang: lang, name: 'stub ' + lang, localService: true})),
    speak: u => { window.__spoken.push({text: u.text, lang: u.lang, voice: u.voice && u.voice.lang}); },
    cancel: () => { window.__cancelled += 1; },
    addEventListener: () => {},
  };
  Object.defineProperty(window, 'speechSynthesis', {value: engine, configurable: true});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ''; this.voice = null; };
})(%s)
"""


def with_voices(page, *languages):
    page.add_init_script(SPEECH_STUB % list(languages))


def watch_requests(page, server):
    """Every address the page asked for that is not on the kiosk's own server."""
    elsewhere = []
    page.on("request", lambda request: None if request.url.startswith((server, "data:", "blob:"))
            else elsewhere.append(request.url))
    return elsewhere


def spoken(page):
    return page.evaluate("window.__spoken")


@pytest.fixture
def poll(live_app):
    with live_app.app_context():
        poll = Poll.create(question="Was wünscht ihr euch im Winter?", first=TODAY - timedelta(days=1),
                           last=TODAY + timedelta(days=5),
                           translations='{"tr": {"question": "Kışın ne istersiniz?"}, '
                                        '"ar": {"question": "ماذا تتمنون في الشتاء؟"}}')
        for position, (pictogram, word, tr) in enumerate(
                [("coffee", "Kaffee", "Kahve"), ("music", "Musik", "Müzik"), ("outing", "Ausflug", "")], 1):
            PollAnswer.create(poll=poll, position=position, pictogram=pictogram, word=word,
                              translations=f'{{"tr": {{"word": "{tr}"}}}}' if tr else "{}")
        return poll.id


@pytest.fixture
def entry(live_app):
    with live_app.app_context():
        content_seed.seed_content()
        service = content_seed.add_service(
            {"name": "Beispiel: Sprachcafé", "free": True, "description": "Deutsch üben bei Tee."},
            [(OFFER, "language")], [])
        Service.update(last_checked=date(2026, 10, 7)).where(Service.id == service.id).execute()
        return service.id


def results(live_app, poll_id):
    with live_app.app_context():
        return wishes.results(Poll.get_by_id(poll_id))


def test_poll_by_touch_thanks_and_goes_home(page, server, live_app, poll):
    elsewhere = watch_requests(page, server)
    page.goto(server + "/")
    page.locator(".tile-poll").tap()
    expect(page.get_by_role("heading", name="Was wünscht ihr euch im Winter?")).to_be_visible()
    page.get_by_role("button", name="Musik").tap()
    expect(page.get_by_role("heading", name="Danke für Ihre Stimme!")).to_be_visible()
    page.get_by_role("link", name="Zurück zum Start").tap()
    expect(page.locator(".tiles")).to_be_visible()
    expect(page.locator(".tile-poll")).to_have_count(0)  # one answer per visit
    assert [count for _, count in results(live_app, poll)["rows"]] == [0, 1, 0]
    assert elsewhere == []


@pytest.mark.no_service_worker
def test_poll_double_tap_counts_once(page, server, live_app, poll):
    page.goto(server + "/poll")
    double_tap(page, page.get_by_role("button", name="Kaffee"))
    expect(page.get_by_role("heading", name="Danke für Ihre Stimme!")).to_be_visible()
    assert results(live_app, poll)["total"] == 1


def test_poll_in_turkish_marks_the_german_answer(page, server, poll):
    page.goto(server + "/")
    tap_language(page, "tr")
    page.locator(".tile-poll").tap()
    expect(page.get_by_role("heading", name="Kışın ne istersiniz?")).to_be_visible()
    expect(page.get_by_role("button", name="Kahve")).to_be_visible()
    expect(page.locator(".answer-button [lang=de]")).to_have_text("Ausflug")


def test_flag_by_touch_reaches_the_staff_list(page, server, live_app, entry):
    elsewhere = watch_requests(page, server)
    page.goto(f"{server}/offers/{entry}")
    expect(page.get_by_text("Geprüft im Oktober 2026")).to_be_visible()
    page.get_by_role("button", name="Hier stimmt etwas nicht").tap()
    expect(page.get_by_role("heading", name="Danke für den Hinweis!")).to_be_visible()
    page.get_by_role("link", name="Zurück zum Eintrag").tap()
    expect(page.get_by_text("Danke! Das Team sieht sich diesen Eintrag an.")).to_be_visible()
    expect(page.get_by_role("button", name="Hier stimmt etwas nicht")).to_have_count(0)
    with live_app.app_context():
        assert [(f.service_id, f.times) for f in EntryFlag.select()] == [(entry, 1)]
    assert elsewhere == []

    page.goto(f"{server}/admin/login")
    page.get_by_label("Name").fill("anna")
    page.get_by_label("Passwort").fill("a long test password")
    page.get_by_role("button", name="Anmelden").tap()
    expect(page).to_have_url(f"{server}/admin/")
    page.goto(f"{server}/admin/content/")
    row = page.locator("#flagged tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Beispiel: Sprachcafé")
    row.get_by_role("button", name=re.compile("Nachgesehen: geprüft")).tap()
    expect(page.locator("#flagged")).to_have_count(0)
    with live_app.app_context():
        assert EntryFlag.select().count() == 0
        assert Service.get_by_id(entry).last_checked == TODAY


def test_read_aloud_on_the_checkin_question_in_german(page, server):
    with_voices(page, "de-DE", "en-GB")
    elsewhere = watch_requests(page, server)
    page.goto(server + "/")
    page.get_by_role("button", name=re.compile("Ich bin da")).tap()
    speaker = page.get_by_role("button", name="Vorlesen")
    expect(speaker).to_be_visible()
    speaker.tap()
    said = spoken(page)
    assert [s["lang"] for s in said] == ["de"] and said[0]["voice"] == "de-DE"
    assert said[0]["text"].startswith("Frage 1 von 3. Wie viele sind Sie?")
    assert "3 Personen" in said[0]["text"] and "Überspringen" in said[0]["text"]
    expect(speaker).to_have_attribute("aria-pressed", "true")
    cancelled = page.evaluate("window.__cancelled")
    speaker.tap()  # a second tap stops
    expect(speaker).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("window.__cancelled") > cancelled
    assert len(spoken(page)) == 1
    assert elsewhere == []


def test_read_aloud_in_arabic_on_the_poll_and_thanks(page, server, poll):
    with_voices(page, "ar-SA", "de-DE")
    page.goto(server + "/")
    tap_language(page, "ar")
    page.locator(".tile-poll").tap()
    page.locator(".speak-button").tap()
    said = spoken(page)
    # The question in Arabic; the answers staff did not translate are read by the German voice.
    assert (said[0]["lang"], said[0]["voice"]) == ("ar", "ar-SA")
    assert said[0]["text"].startswith("ماذا تتمنون في الشتاء؟")
    assert {"lang": "de", "voice": "de-DE"}.items() <= said[1].items() and "Kaffee" in said[1]["text"]
    page.get_by_role("button", name=re.compile("Kaffee")).tap()
    page.locator(".speak-button").tap()
    assert spoken(page)[-1]["lang"] == "ar" and "شكرًا على صوتك!" in spoken(page)[-1]["text"]


def test_no_speaker_without_a_voice_for_the_language(page, server, entry):
    with_voices(page, "de-DE")
    page.goto(server + "/")
    tap_language(page, "tr")
    page.goto(f"{server}/offers/{entry}")
    expect(page.locator(".speak-button")).to_have_count(1)
    expect(page.locator(".speak-button")).to_be_hidden()


def test_no_speaker_without_speech_at_all(page, server, entry):
    page.add_init_script("Object.defineProperty(window, 'speechSynthesis', {value: undefined})")
    page.goto(f"{server}/offers/{entry}")
    expect(page.locator(".speak-button")).to_be_hidden()


def test_read_aloud_on_cards_detail_emergency_and_puzzle_rules(page, server, entry):
    with_voices(page, "de-DE")
    elsewhere = watch_requests(page, server)
    page.goto(f"{server}/offers/language")
    page.locator(f"[data-speak=card-{entry}]").tap()
    assert "Beispiel: Sprachcafé" in spoken(page)[-1]["text"] and "kostenlos" in spoken(page)[-1]["text"]
    page.goto(f"{server}/offers/{entry}")
    page.locator(".speak-button").tap()
    text = spoken(page)[-1]["text"]
    assert "Beispiel: Sprachcafé" in text and "Deutsch üben bei Tee." in text and "Kostenlos" in text
    assert "Geprüft im Oktober 2026" in text
    page.goto(f"{server}/help/emergency")
    page.locator("[data-speak=emergency-police]").tap()
    assert spoken(page)[-1]["text"].startswith("Polizei. Bei Gefahr und Verbrechen. 110")
    page.goto(f"{server}/activities/today/easy")
    page.locator("[data-speak=puzzle-rules]").tap()
    rules = page.locator("ul.rules li").all_inner_texts()
    assert rules and all(rule.strip() in spoken(page)[-1]["text"] for rule in rules)
    assert elsewhere == []


def test_leaving_the_page_stops_reading(page, server, entry):
    with_voices(page, "de-DE")
    page.goto(f"{server}/offers/{entry}")
    page.locator(".speak-button").first.tap()
    page.evaluate("window.addEventListener('pagehide', () => sessionStorage.setItem('cancelled', window.__cancelled))")
    before = page.evaluate("window.__cancelled")
    page.get_by_role("link", name=re.compile("Alle Angebote")).tap()
    expect(page).to_have_url(f"{server}/offers/")
    assert int(page.evaluate("sessionStorage.getItem('cancelled')")) > before
