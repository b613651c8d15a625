"""Staff word lists: the admin page checks and saves them, the visitor's word search uses them."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

import puzzles
from kiosk.activities import views as activities
from kiosk.models import AuditEntry, WordList
from tests.conftest import form_value

AUTUMN = "Laterne\nKürbis\nDrachen\nApfel, Nebel, Kastanie\nBlätter\nPilz\nIgel\nHerbst\nSturm\nWind\nErnte\nStraße"
PAGE = "/admin/wordlists/"


def post_list(client, title="Herbst", lang="de", words=AUTUMN, token=None):
    page = client.get(PAGE).get_data(as_text=True)
    token = form_value(page, "csrf_token") if token is None else token
    return client.post(PAGE, data={"csrf_token": token, "title": title, "lang": lang, "words": words})


def test_the_page_needs_a_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/login")
    token = form_value(client.get("/admin/login").get_data(as_text=True), "csrf_token")
    response = client.post("/admin/wordlists/1/hide", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/login")


def test_staff_add_a_list_and_it_is_audited(app, client, auth):
    auth.login()
    response = post_list(client)
    assert response.status_code == 302
    html = client.get(PAGE).get_data(as_text=True)
    assert "Gespeichert: Herbst" in html and "Laterne, Kürbis, Drachen, Apfel, Nebel" in html
    assert "8×8, 10×10, 12×12" in html and "in Verwendung" in html
    with app.app_context():
        entry = WordList.get()
        assert (entry.title, entry.lang, entry.active) == ("Herbst", "de", True)
        assert entry.word_list()[:5] == ["Laterne", "Kürbis", "Drachen", "Apfel", "Nebel"]
        assert [(e.action, e.detail) for e in AuditEntry.select()][-1] == (
            "wordlist_add", "Herbst (Deutsch, 14 Wörter)")
    assert "Wortliste angelegt" in client.get("/admin/log").get_data(as_text=True)


def test_refused_words_are_named_with_the_reason_and_nothing_is_saved(app, client, auth):
    auth.login()
    response = post_list(client, words=AUTUMN + "\nab\nRegen\nKiez 36\nStraßenbahnhaltestelle")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Nicht gespeichert." in html
    assert "„ab“: zu kurz (mindestens 3 Buchstaben)" in html
    assert "„Regen“: enthält ein gesperrtes Wort (vorwärts oder rückwärts gelesen)" in html
    assert "„Kiez 36“: enthält Zeichen, die es in dieser Sprache im Rätsel nicht gibt" in html
    assert "„Straßenbahnhaltestelle“: zu lang (höchstens 11 Buchstaben)" in html
    with app.app_context():
        assert WordList.select().count() == 0
        assert not AuditEntry.select().where(AuditEntry.action == "wordlist_add").exists()


def test_the_language_decides_which_letters_are_refused(app, client, auth):
    auth.login()
    html = post_list(client, lang="tr", words=AUTUMN).get_data(as_text=True)
    assert "„Laterne“" not in html and "„Kürbis“" not in html  # Turkish has these letters
    assert "„Wind“: enthält Zeichen" in html and "„Straße“: enthält Zeichen" in html  # W and ß it has not
    with app.app_context():
        assert WordList.select().count() == 0


def test_a_list_too_short_for_any_grid_is_refused(app, client, auth):
    auth.login()
    html = post_list(client, words="Igel, Pilz, Wind").get_data(as_text=True)
    assert "Zu wenige Wörter: für das kleinste Rätsel braucht es mindestens 6 Wörter" in html
    with app.app_context():
        assert WordList.select().count() == 0


def test_without_the_csrf_token_nothing_is_saved(app, client, auth):
    auth.login()
    assert post_list(client, token="").status_code in (200, 400)
    with app.app_context():
        assert WordList.select().count() == 0


def test_staff_switch_a_list_off_and_on(app, client, auth):
    auth.login()
    post_list(client)
    with app.app_context():
        list_id = WordList.get().id
    token = form_value(client.get(PAGE).get_data(as_text=True), "csrf_token")
    assert client.post(f"/admin/wordlists/{list_id}/hide", data={"csrf_token": token}).status_code == 302
    html = client.get(PAGE).get_data(as_text=True)
    assert "wird nicht mehr verwendet" in html and "ausgeschaltet" in html and "Einschalten" in html
    with app.app_context():
        assert not WordList.get_by_id(list_id).active
    client.post(f"/admin/wordlists/{list_id}/show", data={"csrf_token": token})
    with app.app_context():
        assert WordList.get_by_id(list_id).active
        assert [e.action for e in AuditEntry.select()][-2:] == ["wordlist_hide", "wordlist_show"]
    assert client.post(f"/admin/wordlists/{list_id}/hide", data={}).status_code == 400
    assert client.post("/admin/wordlists/99/hide", data={"csrf_token": token}).status_code == 404


@pytest.fixture
def autumn(app):
    with app.app_context():
        return WordList.create(title="Herbst", lang="de", words="\n".join(
            word.strip() for line in AUTUMN.splitlines() for word in line.split(","))).id


def test_a_new_word_search_may_come_from_a_staff_list(app, client, autumn, monkeypatch):
    monkeypatch.setattr(activities.secrets, "choice", lambda options: options[-1])
    where = client.get("/activities/wordsearch/easy/8/new?lang=de").headers["Location"]
    address = urlsplit(where)
    assert parse_qs(address.query) == {"lang": ["de"], "list": [str(autumn)]}
    seed = address.path.rsplit("/", 1)[1]
    with app.app_context():
        words = WordList.get_by_id(autumn).word_list()
    p = puzzles.puzzle_type("wordsearch").generate(seed, "easy", 8, theme=f"list-{autumn}", lang="de",
                                                   words=words)
    assert set(p.data["words"]) <= set(words)
    first, again = (client.get(where).get_data(as_text=True) for _ in range(2))
    assert first == again
    assert "".join(re.findall(r'data-c="\d+">([^<]*)</button>', first)) == "".join(p.data["grid"])
    for word in p.data["words"]:
        assert f">{puzzles.puzzle_type('wordsearch').grid_letters(word, 'de')}</li>" in first
    assert f"/solution?lang=de&amp;list={autumn}" in first and f"/print?lang=de&amp;list={autumn}" in first
    assert "/easy/8/new?lang=de\"" in first  # a new puzzle picks its theme afresh


def test_the_menu_picks_built_in_themes_too(client, autumn, monkeypatch):
    monkeypatch.setattr(activities.secrets, "choice", lambda options: options[0])
    where = client.get("/activities/wordsearch/easy/8/new?lang=de").headers["Location"]
    assert "list=" not in where


def test_a_list_is_only_used_in_its_language_and_while_it_is_on(app, client, autumn, monkeypatch):
    offered = []
    monkeypatch.setattr(activities.secrets, "choice", lambda options: offered.append(options) or None)
    client.get("/activities/wordsearch/easy/8/new?lang=tr")
    client.get("/activities/wordsearch/easy/8/new?lang=de")
    assert autumn not in offered[0] and autumn in offered[1]
    assert client.get(f"/activities/wordsearch/easy/8/abc?lang=tr&list={autumn}").status_code == 404
    assert client.get(f"/activities/wordsearch/easy/8/abc?lang=de&list={autumn}").status_code == 200
    with app.app_context():
        WordList.update(active=False).execute()
    assert client.get(f"/activities/wordsearch/easy/8/abc?lang=de&list={autumn}").status_code == 404
    assert client.get("/activities/wordsearch/easy/8/abc?lang=de&list=x").status_code == 404


def test_a_list_is_only_offered_for_the_sizes_it_fills(app, client, monkeypatch):
    with app.app_context():
        small = WordList.create(title="Kurz", lang="de", words="Igel\nPilz\nWind\nNebel\nSturm\nApfel").id
    offered = []
    monkeypatch.setattr(activities.secrets, "choice", lambda options: offered.append(options) or None)
    client.get("/activities/wordsearch/easy/8/new?lang=de")
    client.get("/activities/wordsearch/hard/12/new?lang=de")
    assert small in offered[0] and small not in offered[1]
    assert client.get(f"/activities/wordsearch/hard/12/abc?lang=de&list={small}").status_code == 404
