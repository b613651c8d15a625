"""A rating question by touch in Chromium: staff start it from the ready-made faces, the visitor
sees the scale in one line (right to left in Arabic) and one tap counts on its place."""

from datetime import date

import pytest
from playwright.sync_api import expect

from kiosk.checkin import wishes
from kiosk.models import Poll
from tests.browser.conftest import tap_language
from tests.browser.test_funding_report_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("enrolled")]

FACES = ["gar nicht gut", "nicht gut", "geht so", "gut", "sehr gut"]


def boxes(page):
    buttons = page.locator(".answer-button")
    expect(buttons).to_have_count(5)
    return [buttons.nth(i).bounding_box() for i in range(5)]


def test_staff_start_from_five_faces_and_the_visitor_rates_in_one_line(page, server, live_app):
    login(page, server)
    page.goto(f"{server}/admin/polls/new")
    page.get_by_role("link", name="5 Gesichter").tap()
    expect(page.get_by_label("Bewertungsfrage: die Antworten sind eine Skala von schlecht bis gut")).to_be_checked()
    page.get_by_label("Frage (Deutsch)").fill("Wie gefällt euch die Sprechstunde?")
    page.get_by_role("button", name="Umfrage speichern").tap()
    expect(page.get_by_role("heading", name="Wie gefällt euch die Sprechstunde?", level=1)).to_be_visible()
    with live_app.app_context():
        poll = Poll.get()
        assert poll.rating and [a.word for a in wishes.answers_of(poll)] == FACES

    page.goto(server + "/poll")
    expect(page.get_by_role("heading", name="Wie gefällt euch die Sprechstunde?")).to_be_visible()
    for size in ({"width": 1280, "height": 800}, {"width": 800, "height": 1280}):
        page.set_viewport_size(size)
        placed = boxes(page)
        assert len({round(box["y"]) for box in placed}) == 1, size  # one line: the scale is not broken
        assert [box["x"] for box in placed] == sorted(box["x"] for box in placed)  # the worst on the left
    tap_language(page, "ar")
    placed = boxes(page)
    assert [box["x"] for box in placed] == sorted((box["x"] for box in placed), reverse=True)  # right to left
    expect(page.get_by_role("button", name="جيد جدًا")).to_be_visible()
    page.get_by_role("button", name="جيد جدًا").tap()
    expect(page.locator("#poll-thanks")).to_be_visible()
    with live_app.app_context():
        rows = wishes.results(Poll.get())["rows"]
    assert [count for _, count in rows] == [0, 0, 0, 0, 1]


@pytest.fixture
def five_faces(live_app):
    """A rating question on the suite's fixed day with the ready-made faces, words in every language."""
    with live_app.test_request_context():
        from kiosk.staff.polls import rating_scale

        poll = Poll.create(question="Wie gefällt euch die Sprechstunde?", first=date(2026, 11, 1),
                           last=date(2026, 11, 30), rating=True,
                           translations='{"en": {"question": "How do you like the drop-in hour?"}, '
                                        '"tr": {"question": "Danışma saatini nasıl buluyorsunuz?"}, '
                                        '"ar": {"question": "كيف تجدون ساعة الاستشارة؟"}}')
        for position, answer in enumerate(rating_scale("5"), start=1):
            answer.poll, answer.position = poll, position
            answer.save()


@pytest.mark.parametrize("lang", ["de", "en", "tr", "ar"])
def test_the_scale_is_accessible_in_every_language_and_size(page, server, five_faces, lang):
    from tests.browser.test_accessibility_browser import choose_language, problems_at_every_size

    choose_language(page, server, lang)
    page.locator(".tile-poll").tap()
    expect(page.locator(".answer-grid-scale .answer-button")).to_have_count(5)
    assert problems_at_every_size(page) == []
