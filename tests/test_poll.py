"""The wish poll through the test client: staff set it, a visitor answers once, staff read it."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.checkin import wishes
from kiosk.models import AuditEntry, Count, Poll, PollAnswer, Setting
from tests.conftest import form_value

TODAY = date(2026, 11, 19)  # tests/conftest.py FIXED_NOW, in Berlin


def make_poll(app, first=TODAY, last=TODAY + timedelta(days=6), answers=("coffee", "music", "sport")):
    with app.app_context():
        poll = Poll.create(question="Was wünscht ihr euch im Winter?", first=first, last=last,
                           translations='{"tr": {"question": "Kışın ne istersiniz?"}}')
        for position, pictogram in enumerate(answers, start=1):
            PollAnswer.create(poll=poll, position=position, pictogram=pictogram,
                              word=wishes.PICTOGRAMS[pictogram].split(" ")[0],
                              translations='{"tr": {"word": "Kahve"}}' if pictogram == "coffee" else "{}")
        return poll.id, [a.id for a in wishes.answers_of(poll)]


def results(app, poll_id):
    with app.app_context():
        return wishes.results(Poll.get_by_id(poll_id))


def open_poll(client):
    page = client.get("/poll")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    return {"csrf_token": form_value(html, "csrf_token"), "ticket": form_value(html, "ticket")}


def answer(client, poll_id, answer_id, sent=None):
    sent = sent or open_poll(client)
    return client.post(f"/poll/{poll_id}", data={**sent, "answer": str(answer_id)}), sent


def counted(app):
    with app.app_context():
        return sorted((c.metric, c.flag, c.value) for c in Count.select())


# --- the visitor -------------------------------------------------------------------------------


def test_home_shows_the_tile_only_while_a_poll_runs(app, client):
    assert "tile-poll" not in client.get("/").get_data(as_text=True)
    make_poll(app, first=TODAY + timedelta(days=1))
    assert "tile-poll" not in client.get("/").get_data(as_text=True)
    assert client.get("/poll").status_code == 404
    make_poll(app)
    home = client.get("/").get_data(as_text=True)
    assert "tile-poll" in home and "Was wünscht ihr euch im Winter?" in home


def test_one_tap_counts_once_in_this_hour_and_thanks(app, client, enrolled):
    poll_id, answer_ids = make_poll(app)
    response, _ = answer(client, poll_id, answer_ids[1])
    assert response.status_code == 302 and response.headers["Location"].endswith("/poll/thanks")
    assert "Danke für Ihre Stimme" in client.get("/poll/thanks").get_data(as_text=True)
    assert counted(app) == [(f"poll_answer:{answer_ids[1]}", "", 1)]
    with app.app_context():
        row = Count.get()
        assert (row.day, row.hour, row.source) == (TODAY, 11, "kiosk")
    assert [count for _, count in results(app, poll_id)["rows"]] == [0, 1, 0]


def test_answer_is_never_linked_to_a_checkin(app, client, enrolled):
    """A check-in's ticket does not answer a poll, nor a poll ticket check in."""
    poll_id, answer_ids = make_poll(app)
    home = client.get("/").get_data(as_text=True)
    checkin_ticket = form_value(home, "ticket")
    sent = open_poll(client)
    response = client.post(f"/poll/{poll_id}", data={**sent, "ticket": checkin_ticket, "answer": answer_ids[0]})
    assert response.status_code == 400
    assert client.post("/checkin", data=sent).status_code == 400
    assert counted(app) == []


def test_without_csrf_nothing_counts(app, client, enrolled):
    poll_id, answer_ids = make_poll(app)
    sent = open_poll(client)
    response = client.post(f"/poll/{poll_id}", data={"ticket": sent["ticket"], "answer": answer_ids[0]})
    assert response.status_code == 400
    assert counted(app) == []


@pytest.mark.parametrize("bad", ["", "x", "999999", "1" * 30, "-1"])
def test_an_answer_not_on_the_screen_is_refused(app, client, enrolled, bad):
    poll_id, _ = make_poll(app)
    response, _ = answer(client, poll_id, bad)
    assert response.status_code == 400
    assert counted(app) == []


def test_an_answer_of_another_poll_is_refused(app, client, enrolled):
    _, old_answers = make_poll(app, first=TODAY - timedelta(days=20), last=TODAY - timedelta(days=10))
    poll_id, _ = make_poll(app)
    response, _ = answer(client, poll_id, old_answers[0])
    assert response.status_code == 400
    assert counted(app) == []


def test_a_forged_ticket_is_refused(app, client, enrolled):
    poll_id, answer_ids = make_poll(app)
    sent = open_poll(client)
    response = client.post(f"/poll/{poll_id}", data={**sent, "ticket": "A" * 40, "answer": answer_ids[0]})
    assert response.status_code == 400
    assert counted(app) == []


def test_a_closed_poll_counts_nothing_and_says_so(app, client, enrolled, fixed_clock):
    poll_id, answer_ids = make_poll(app, last=TODAY)
    fixed_clock.move_to(datetime(2026, 11, 19, 23, 58, tzinfo=ZoneInfo("Europe/Berlin")))
    sent = open_poll(client)
    fixed_clock.shift(timedelta(minutes=5))  # midnight passed while the page was open
    response = client.post(f"/poll/{poll_id}", data={**sent, "answer": answer_ids[0]})
    assert response.status_code == 410
    assert "Diese Frage ist vorbei" in response.get_data(as_text=True)
    assert counted(app) == []


def test_a_poll_staff_ended_counts_nothing(app, client, enrolled):
    poll_id, answer_ids = make_poll(app)
    sent = open_poll(client)
    with app.app_context():
        Poll.update(ended=TODAY).where(Poll.id == poll_id).execute()
    response = client.post(f"/poll/{poll_id}", data={**sent, "answer": answer_ids[0]})
    assert response.status_code == 410
    assert "tile-poll" not in client.get("/").get_data(as_text=True)
    assert counted(app) == []


def test_double_tap_resubmit_and_a_second_answer_in_the_visit_count_once(app, client, enrolled):
    poll_id, answer_ids = make_poll(app)
    _, sent = answer(client, poll_id, answer_ids[0])
    again = client.post(f"/poll/{poll_id}", data={**sent, "answer": answer_ids[0]})  # double tap
    assert again.status_code == 302 and again.headers["Location"].endswith("/poll/thanks")
    # The poll page now leads to the thanks and the tile is gone, until the visit ends.
    assert client.get("/poll").headers["Location"].endswith("/poll/thanks")
    assert "tile-poll" not in client.get("/").get_data(as_text=True)
    other = client.post(f"/poll/{poll_id}", data={**sent, "answer": answer_ids[2]})
    assert other.status_code == 302
    assert counted(app) == [(f"poll_answer:{answer_ids[0]}", "", 1)]


def test_the_next_visitor_after_the_idle_reset_may_answer(app, client, enrolled):
    poll_id, answer_ids = make_poll(app)
    answer(client, poll_id, answer_ids[0])
    client.get("/?reset=1")
    assert "tile-poll" in client.get("/").get_data(as_text=True)
    answer(client, poll_id, answer_ids[0])
    assert results(app, poll_id)["total"] == 2


def test_a_burst_is_kept_apart_as_doubtful(app, client, enrolled):
    app.config["BURST_LIMIT"] = 2
    poll_id, answer_ids = make_poll(app)
    for _ in range(4):
        client.get("/?reset=1")
        answer(client, poll_id, answer_ids[0])
    result = results(app, poll_id)
    assert (result["total"], result["doubtful"]) == (2, 2)


def test_the_poll_burst_window_is_not_the_checkin_window(app, client, enrolled):
    app.config["BURST_LIMIT"] = 2
    poll_id, answer_ids = make_poll(app)
    for _ in range(3):
        client.get("/?reset=1")
        answer(client, poll_id, answer_ids[0])
    home = client.get("/").get_data(as_text=True)
    client.post("/checkin", data={"csrf_token": form_value(home, "csrf_token"), "ticket": form_value(home, "ticket")})
    assert ("checkin", "", 1) in counted(app)


def test_answers_from_another_browser_are_set_apart(app, client):
    poll_id, answer_ids = make_poll(app)
    answer(client, poll_id, answer_ids[0])
    result = results(app, poll_id)
    assert (result["total"], result["unenrolled"]) == (0, 1)


def test_test_mode_counts_nothing(app, client, enrolled):
    poll_id, answer_ids = make_poll(app)
    with app.app_context():
        Setting.put("test_mode", "1")
    response, _ = answer(client, poll_id, answer_ids[0])
    assert response.status_code == 302
    assert counted(app) == []


def test_the_question_and_answers_show_in_the_visitors_language(app, client):
    make_poll(app)
    page = client.get("/poll").get_data(as_text=True)
    client.post("/language/tr", data={"csrf_token": form_value(page, "csrf_token")})
    page = client.get("/poll").get_data(as_text=True)
    assert "Kışın ne istersiniz?" in page and "Kahve" in page
    assert '<span lang="de" dir="ltr">Musik</span> <span class="in-german">' in page  # untranslated, marked
    assert "Bir kez dokunun" in page


def test_nothing_a_visitor_types_is_accepted(app, client, enrolled):
    """Only the tapped button's value: extra text fields are ignored, never stored."""
    poll_id, answer_ids = make_poll(app)
    sent = open_poll(client)
    client.post(f"/poll/{poll_id}", data={**sent, "answer": answer_ids[0], "comment": "Mehr Kaffee!"})
    with app.app_context():
        assert not Count.select().where(Count.metric.contains("Kaffee")).exists()
        assert not AuditEntry.select().where(AuditEntry.detail.contains("Kaffee")).exists()


# --- staff -------------------------------------------------------------------------------------


def new_poll_form(client, **changes):
    page = client.get("/admin/polls/new").get_data(as_text=True)
    data = {"csrf_token": form_value(page, "csrf_token"), "question": "Was wünscht ihr euch?",
            "first": "2026-11-20", "last": "2026-11-30", "submit": "1"}
    for i, lang in enumerate(("en", "tr", "ar")):
        data[f"translations-{i}-lang"] = lang
        for row in range(6):
            data[f"answers-{row}-translations-{i}-lang"] = lang
    data.update({"translations-1-question": "Ne istersiniz?", "answers-0-pictogram": "coffee",
                 "answers-0-word": "Kaffee", "answers-0-translations-1-word": "Kahve",
                 "answers-1-pictogram": "music", "answers-1-word": "Musik"})
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_staff_set_a_poll_with_translations(app, client, auth):
    auth.login()
    response = client.post("/admin/polls/new", data=new_poll_form(client))
    assert response.status_code == 302
    with app.app_context():
        poll = Poll.get()
        assert (poll.question, poll.first, poll.last) == ("Was wünscht ihr euch?", date(2026, 11, 20), date(2026, 11, 30))
        assert poll.translations["tr"]["question"] == "Ne istersiniz?"
        assert [(a.position, a.pictogram, a.word) for a in wishes.answers_of(poll)] == [
            (1, "coffee", "Kaffee"), (2, "music", "Musik")]
        assert wishes.answers_of(poll)[0].translations == {"tr": {"word": "Kahve"}}
        assert AuditEntry.get().action == "poll_add"


@pytest.mark.parametrize("changes, message", [
    ({"answers-1-pictogram": "", "answers-1-word": ""}, "mindestens 2 Antworten"),
    ({"answers-1-pictogram": ""}, "ein Bild und ein Wort"),
    ({"answers-1-pictogram": "no-such-picture"}, "Dieses Bild gibt es nicht"),
    ({"question": ""}, "Bitte eine Frage"),
    ({"question": "x" * 201}, "Höchstens 200 Zeichen"),
    ({"answers-0-word": "x" * 41}, "Höchstens 40 Zeichen"),
    ({"first": "2026-11-25", "last": "2026-11-21"}, "vor dem ersten"),
    ({"first": "2026-11-01", "last": "2026-11-10"}, "schon vorbei"),
    ({"first": "kein Datum"}, ""),
])
def test_a_bad_poll_form_is_refused(app, client, auth, changes, message):
    auth.login()
    response = client.post("/admin/polls/new", data=new_poll_form(client, **changes))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert Poll.select().count() == 0


def test_polls_may_not_overlap(app, client, auth):
    make_poll(app)
    auth.login()
    response = client.post("/admin/polls/new", data=new_poll_form(client))
    assert response.status_code == 400
    assert "läuft schon" in response.get_data(as_text=True)


def test_staff_forms_need_csrf(app, client, auth):
    poll_id, _ = make_poll(app)
    auth.login()
    data = new_poll_form(client)
    del data["csrf_token"]
    assert client.post("/admin/polls/new", data=data).status_code == 400
    assert client.post(f"/admin/polls/{poll_id}/end").status_code == 400
    with app.app_context():
        assert Poll.select().count() == 1 and Poll.get().ended is None


def test_staff_pages_need_a_login(app, client):
    poll_id, _ = make_poll(app)
    for path in ("/admin/polls/", "/admin/polls/new", f"/admin/polls/{poll_id}", f"/admin/polls/{poll_id}/print"):
        assert client.get(path).status_code == 302


def test_results_as_bars_with_numbers_and_a_printable_sheet(app, client, auth, enrolled):
    poll_id, answer_ids = make_poll(app)
    for chosen in (0, 0, 2):
        client.get("/?reset=1")
        answer(client, poll_id, answer_ids[chosen])
    auth.login()
    page = client.get(f"/admin/polls/{poll_id}").get_data(as_text=True)
    assert 'role="img"' in page and 'aria-label="Stimmen je Antwort: Kaffee 2, Musik 0, Bewegung 1"' in page
    assert '<td data-answer="1">2</td>' in page and "<td data-total>3</td>" in page
    sheet = client.get(f"/admin/polls/{poll_id}/print")
    assert sheet.status_code == 200 and "Stimmen je Antwort" in sheet.get_data(as_text=True)
    assert "3" in client.get("/admin/polls/").get_data(as_text=True)


def test_staff_end_a_poll_and_the_tile_goes(app, client, auth):
    poll_id, _ = make_poll(app)
    auth.login()
    page = client.get(f"/admin/polls/{poll_id}").get_data(as_text=True)
    response = client.post(f"/admin/polls/{poll_id}/end", data={"csrf_token": form_value(page, "csrf_token")})
    assert response.status_code == 302
    with app.app_context():
        assert Poll.get_by_id(poll_id).ended == TODAY
        assert AuditEntry.select().where(AuditEntry.action == "poll_end").exists()
    assert "tile-poll" not in client.get("/").get_data(as_text=True)
    again = client.post(f"/admin/polls/{poll_id}/end", data={"csrf_token": form_value(page, "csrf_token")})
    assert again.status_code == 400
    assert client.post("/admin/polls/999/end", data={"csrf_token": form_value(page, "csrf_token")}).status_code == 404
