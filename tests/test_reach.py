"""Reach without personal data: the screen language of each check-in, the optional age band,
and the small-number rule for figures that leave the team."""

import pytest

from kiosk import clock
from kiosk.checkin import counting
from kiosk.models import Count, Setting
from kiosk.staff import reports
from tests.conftest import form_value
from tests.test_checkin import answer, tap_checkin

pytestmark = pytest.mark.usefixtures("enrolled")


def choose_language(client, code):
    home = client.get("/").get_data(as_text=True)
    client.post(f"/language/{code}", data={"csrf_token": form_value(home, "csrf_token")})


def language_counts(app):
    with app.app_context():
        day = clock.berlin_now().date()
        return reports.counted_by_key("language", day, day)


def test_each_checkin_counts_its_screen_language_without_a_tap(app, client):
    tap_checkin(client)
    choose_language(client, "tr")
    tap_checkin(client)
    tap_checkin(client)
    choose_language(client, "ar")
    tap_checkin(client)
    assert language_counts(app) == {"de": 1, "tr": 2, "ar": 1}


def test_the_language_sits_in_the_checkins_hour_bucket_and_flag(app, client):
    tap_checkin(client)
    with app.app_context():
        rows = {(c.metric, c.hour, c.flag, c.value) for c in Count.select()}
    assert ("checkin", 11, "", 1) in rows and ("language:de", 11, "", 1) in rows


def test_a_checkin_that_is_not_counted_counts_no_language_either(app, client):
    with app.app_context():
        Setting.put("test_mode", "1")
    tap_checkin(client)
    assert language_counts(app) == {}


def test_a_double_tap_counts_the_language_once(app, client):
    response, sent = tap_checkin(client)
    client.post("/checkin", data=sent)
    assert language_counts(app) == {"de": 1}


def test_languages_per_hour_of_a_day(app):
    with app.app_context():
        day = clock.berlin_now().date()
        counting.add_to_buckets({"language:de": 2, "language:tr": 1}, day=day, hour=11)
        counting.add_to_buckets({"language:tr": 4}, day=day, hour=12)
        assert reports.counted_by_key_and_hour("language", day) == {"de": {11: 2}, "tr": {11: 1, 12: 4}}
        found = reports.reach(day, day, hours_of=day)
    assert [row[2] for row in found["languages"]] == [2, 0, 5, 0]  # de, en, tr, ar
    assert found["language_hours"] == [("11:00–12:00", [2, 0, 1, 0]), ("12:00–13:00", [0, 0, 4, 0])]


# --- the age-band question ----------------------------------------------------------------------


def switch_age_question(app, on=True):
    with app.app_context():
        Setting.put("age_question", "1" if on else "0")


def to_last_question(client):
    response, _ = tap_checkin(client)
    response, _ = answer(client, response, skip="1")
    response, _ = answer(client, response, skip="1")
    return answer(client, response, skip="1")[0]


def test_without_the_setting_the_checkin_ends_after_the_reasons(app, client):
    assert to_last_question(client).headers["Location"].endswith("/checkin/thanks")


def test_with_the_setting_the_age_question_comes_last_and_counts_alone(app, client):
    switch_age_question(app)
    response = to_last_question(client)
    assert "/checkin/age/" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Frage 4 von 4" in page and "Altersgruppe" in page
    response, sent = answer(client, response, age="senior")
    assert response.headers["Location"].endswith("/checkin/thanks")
    client.post("/checkin/age", data=sent)  # a resubmit counts nothing
    with app.app_context():
        day = clock.berlin_now().date()
        assert reports.counted_by_key("age", day, day) == {"senior": 1}
        # The age band is a bucket of its own: no row ties it to the language or any answer.
        age_rows = [c.metric for c in Count.select() if c.metric.startswith("age:")]
    assert age_rows == ["age:senior"]


def test_the_age_question_can_be_skipped(app, client):
    switch_age_question(app)
    response = to_last_question(client)
    response, _ = answer(client, response, skip="1")
    assert response.headers["Location"].endswith("/checkin/thanks")
    with app.app_context():
        day = clock.berlin_now().date()
        assert reports.counted_by_key("age", day, day) == {}
        assert reports.totals(day, day)["checkins"] == 1


@pytest.mark.parametrize("bad", ["baby", "", "adult "])
def test_an_age_band_not_offered_is_a_400(app, client, bad):
    switch_age_question(app)
    response = to_last_question(client)
    assert answer(client, response, age=bad)[0].status_code == 400


def test_the_age_step_is_closed_while_the_setting_is_off(app, client):
    switch_age_question(app)
    response = to_last_question(client)  # the ticket for the age step exists ...
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    sent = {"csrf_token": form_value(page, "csrf_token"), "ticket": form_value(page, "ticket"), "age": "child"}
    switch_age_question(app, on=False)  # ... but staff switched the question off meanwhile
    assert client.get(response.headers["Location"]).status_code == 404
    assert client.post("/checkin/age", data=sent).status_code == 404
    with app.app_context():
        assert not Count.select().where(Count.metric == "age:child").exists()


def test_the_age_question_is_translated(app, client):
    switch_age_question(app)
    choose_language(client, "tr")
    response = to_last_question(client)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hangi yaş grubundasınız?" in page and "Çocuk" in page


def test_staff_switch_the_age_question_and_it_is_logged(app, client, auth):
    auth.login()
    page = client.get("/admin/").get_data(as_text=True)
    assert "Altersfrage einschalten" in page
    client.post("/admin/age-question", data={"csrf_token": form_value(page, "csrf_token")})
    with app.app_context():
        assert counting.age_question_on()
    page = client.get("/admin/").get_data(as_text=True)
    assert "Altersfrage ausschalten" in page
    assert "Altersfrage am Tablet" in client.get("/admin/log").get_data(as_text=True)


def test_the_age_question_switch_needs_csrf(app, client, auth):
    auth.login()
    assert client.post("/admin/age-question").status_code == 400


def test_today_and_history_show_languages_and_ages(app, client, auth):
    choose_language(client, "ar")
    tap_checkin(client)
    with app.app_context():
        day = clock.berlin_now().date()
        counting.add_to_buckets({"age:child": 2}, day=day, hour=11)
    auth.login()
    for path in ("/admin/", "/admin/history?range=week"):
        page = client.get(path).get_data(as_text=True)
        assert 'data-language="ar">1<' in page and 'data-age="child">2<' in page
    assert "Bildschirmsprache nach Uhrzeit" in client.get("/admin/").get_data(as_text=True)


# --- the small-number rule ----------------------------------------------------------------------


@pytest.mark.parametrize("value, threshold, shown", [
    (0, 3, 0), (1, 3, "< 3"), (2, 3, "< 3"), (3, 3, 3), (17, 3, 17),
    (4, 5, "< 5"), (5, 5, 5), (1, 1, 1), (1, 0, 1),
])
def test_small_numbers_are_shown_as_below_the_threshold(value, threshold, shown):
    assert reports.small_number(value, threshold) == shown
