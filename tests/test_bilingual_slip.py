"""The take-home slip the office understands (issue 17): the visitor's language with German beneath,
one optional prepared sentence picked before printing, the same for the "Merken" list."""

import html
import json
import re
from pathlib import Path

import pytest
from flask import session

from kiosk.models import Count, Service
from kiosk.offers import seed as content_seed
from kiosk.offers import sentences
from kiosk.offers.directory import HELP, OFFER
from tests.conftest import form_value

STATIC = Path(__file__).resolve().parent.parent / "static"
NAMES = {"de": "Beispiel: Mietschuldenberatung",
         "tr": "Örnek: Kira borcu danışmanlığı",
         "ar": "مثال: استشارة ديون الإيجار"}
# The sentence "Ich brauche einen Termin." as the catalogs have it
APPOINTMENT = {"de": "Ich brauche einen Termin.", "tr": "Randevuya ihtiyacım var.",
               "ar": "أحتاج إلى موعد."}
WHEN = {"de": "Wann", "tr": "Ne zaman", "ar": "متى؟"}


@pytest.fixture
def entry(app):
    """An example help entry about rent arrears, translated by staff into Turkish and Arabic."""
    with app.app_context():
        content_seed.seed_content()
        service = content_seed.add_service(
            {"name": NAMES["de"], "by_appointment": True,
             "schedule": '{"weekly": [{"weekday": 1, "opens": "10:00", "closes": "12:00"}]}',
             "translations": json.dumps({"tr": {"name": NAMES["tr"]}, "ar": {"name": NAMES["ar"]}})},
            [(HELP, "housing"), (OFFER, "counselling")], [("030 123 456 78", "voice", "")])
        return service.id


def speak(client, lang):
    with client.session_transaction() as session:
        session["lang"] = lang


def page_of(response):
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def copies(page):
    """The language of each copy of the entry's text on the slip."""
    return re.findall(r'class="slip-copy[^"]*" lang="(\w+)"', page)


def test_a_german_visitor_gets_one_german_copy(client, entry):
    page = page_of(client.get(f"/help/{entry}/slip"))
    assert copies(page) == ["de"]
    assert page.count('class="slip-name"') == 1 and NAMES["de"] in page
    assert "Für das Büro" not in page


@pytest.mark.parametrize("lang", ["tr", "ar"])
def test_turkish_and_arabic_visitors_get_their_language_and_german_beneath(client, entry, lang):
    speak(client, lang)
    page = page_of(client.get(f"/help/{entry}/slip"))
    assert copies(page) == [lang, "de"]
    visitor, german = page.split('class="slip-copy slip-copy-german"')
    assert NAMES[lang] in visitor and f">{WHEN[lang]}<" in visitor
    assert NAMES["de"] in german and ">Wann<" in german and "Nach Vereinbarung" in german
    assert NAMES[lang] not in german and "030 123 456 78" in german
    assert german.startswith(' lang="de" dir="ltr"')
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}"' in page


@pytest.mark.parametrize("lang", ["de", "tr", "ar"])
def test_the_sentence_prints_in_both_languages(client, entry, lang):
    speak(client, lang)
    page = page_of(client.get(f"/help/{entry}/slip?say=appointment"))
    sentence = page[page.index('class="slip-sentence"'):page.index('class="slip"')]
    assert APPOINTMENT[lang] in sentence and APPOINTMENT["de"] in sentence
    assert "img/say-appointment.svg" in sentence
    assert sentence.count("sentence-text") == (1 if lang == "de" else 2)


@pytest.mark.parametrize("key", ["nonsense", "", "../etc", "APPOINTMENT", "x" * 500, "say-none"])
def test_an_unknown_sentence_key_prints_the_slip_without_a_sentence(client, entry, key):
    response = client.get(f"/help/{entry}/slip", query_string={"say": key})
    page = page_of(response)
    assert 'class="slip"' in page and "slip-sentence" not in page


def test_the_picker_offers_the_sentences_of_the_topic_and_counts_nothing(app, client, entry):
    speak(client, "tr")
    detail = page_of(client.get(f"/help/{entry}"))
    assert f'href="/help/{entry}/slip/sentence"' in detail
    with app.app_context():
        before = Count.select().count()
    page = page_of(client.get(f"/help/{entry}/slip/sentence"))
    with app.app_context():
        assert Count.select().count() == before  # the slip counts when it prints, as before
    keys = re.findall(rf'href="/help/{entry}/slip\?say=([\w-]+)"', page)
    assert keys[0] == "rent-debt" and {"appointment", "interpreter"} <= set(keys)
    assert "jobcenter" not in keys and len(keys) <= sentences.MOST_SHOWN
    assert f'href="/help/{entry}/slip"' in page  # without a sentence
    assert "Kira borçlarım" in page and "Ich brauche Beratung zu meinen Mietschulden." in page


def test_the_picker_of_a_hidden_or_missing_entry_is_not_found(client):
    assert client.get("/help/999/slip/sentence").status_code == 404
    assert client.get("/offers/999/slip/sentence").status_code == 404


def test_the_merken_list_prints_both_languages_and_one_sentence_at_the_top(app, client, entry):
    speak(client, "ar")
    with app.app_context():
        kiez_plus = Service.get(Service.uid == content_seed.KIEZ_PLUS_UID).id
    for path in (f"/help/{entry}", f"/help/{kiez_plus}"):
        token = form_value(page_of(client.get(path)), "csrf_token")
        assert client.post(path + "/save", data={"csrf_token": token}).status_code == 302
    saved = page_of(client.get("/offers/saved"))
    assert 'href="/offers/saved/sentence"' in saved
    picker = page_of(client.get("/offers/saved/sentence"))
    assert 'href="/offers/saved/slip?say=appointment"' in picker
    page = page_of(client.get("/offers/saved/slip?say=appointment"))
    assert page.count('class="slip-sentence"') == 1
    assert page.index('class="slip-sentence"') < page.index('class="slip"')
    assert copies(page) == ["ar", "de", "ar", "de"]
    assert APPOINTMENT["ar"] in page and APPOINTMENT["de"] in page


def test_the_picker_of_an_empty_list_goes_back_to_the_list(client):
    response = client.get("/offers/saved/sentence")
    assert response.status_code == 302 and response.headers["Location"].endswith("/offers/saved")


def test_every_sentence_has_its_own_pictogram_and_a_translation(app):
    assert len({sentence.key for sentence in sentences.SENTENCES}) == len(sentences.SENTENCES)
    for sentence in sentences.SENTENCES + (sentences.Sentence("none", ""),):
        svg = (STATIC / sentence.pictogram).read_text()
        assert svg.startswith("<svg") and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    for lang in ("en", "tr", "ar"):
        with app.test_request_context():
            session["lang"] = lang
            for sentence in sentences.SENTENCES:
                assert sentence.text != sentence.german, (lang, sentence.key)


def test_the_sentences_of_a_topic_come_first_and_the_general_ones_always():
    keys = [sentence.key for sentence in sentences.for_topics({(HELP, "work")})]
    assert keys == ["jobcenter", "letter", "appointment", "interpreter"]
    assert [s.key for s in sentences.for_topics(set())] == ["appointment", "interpreter"]  # staff-made topic
    every_topic = {topic for sentence in sentences.SENTENCES for topic in sentence.topics}
    many = [sentence.key for sentence in sentences.for_topics(every_topic)]
    assert len(many) == sentences.MOST_SHOWN and many[-2:] == ["appointment", "interpreter"]
    assert sentences.by_key("appointment").key == "appointment"
    assert sentences.by_key(None) is None and sentences.by_key("nonsense") is None
