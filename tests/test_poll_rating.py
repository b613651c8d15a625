"""Rating polls and corrections of a poll (kiosk/staff/polls.py), and how the target group rates
the offer in the funder's report (kiosk/staff/reports.py ratings, its page and its XLSX)."""

import io
import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from kiosk.checkin import counting, wishes
from kiosk.models import AuditEntry, FundingPeriod, Poll, PollAnswer
from kiosk.staff import reports
from tests.test_poll import TODAY, answer, make_poll, new_poll_form


class _Fields(HTMLParser):
    """What a browser would send for the page's form: inputs, ticked boxes, chosen options."""

    def __init__(self):
        super().__init__()
        self.data, self._select = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") and attrs.get("type") != "submit":
            if attrs.get("type") != "checkbox" or "checked" in attrs:
                self.data[attrs["name"]] = attrs.get("value", "y" if attrs.get("type") == "checkbox" else "")
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def page_fields(html):
    parser = _Fields()
    parser.feed(html)
    return parser.data


def edit_page(client, poll_id):
    response = client.get(f"/admin/polls/{poll_id}/edit")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def post_edit(client, poll_id, **changes):
    data = {**page_fields(edit_page(client, poll_id)), "submit": "1", **changes}
    return client.post(f"/admin/polls/{poll_id}/edit", data={k: v for k, v in data.items() if v is not None})


def stored(app, poll_id):
    with app.app_context():
        poll = Poll.get_by_id(poll_id)
        return poll, [(a.id, a.position, a.pictogram, a.word, a.translations)
                      for a in wishes.answers_of(poll)]


def vote(client, poll_id, answer_id, times=1):
    for _ in range(times):
        client.get("/?reset=1")  # the next visitor
        response, _ = answer(client, poll_id, answer_id)
        assert response.status_code == 302


def audit_of(app, action):
    with app.app_context():
        return [entry.detail for entry in AuditEntry.select().where(AuditEntry.action == action)]


# --- marking a poll as a rating, and the ready-made faces --------------------------------------


@pytest.mark.parametrize("ticked, rating", [("y", True), (None, False)])
def test_staff_mark_a_poll_as_a_rating_question(app, client, auth, ticked, rating):
    auth.login()
    response = client.post("/admin/polls/new", data=new_poll_form(client, rating=ticked))
    assert response.status_code == 302
    with app.app_context():
        assert Poll.get().rating is rating
    assert ("Bewertungsfrage" in audit_of(app, "poll_add")[0]) is rating


def test_the_form_says_the_order_is_the_scale(client, auth):
    auth.login()
    page = client.get("/admin/polls/new").get_data(as_text=True)
    assert 'name="rating"' in page and "Antwort 1 ist die schlechteste, die letzte die beste" in page


@pytest.mark.parametrize("scale, faces", [
    ("3", ["bad", "okay", "good"]),
    ("5", ["very_bad", "bad", "okay", "good", "very_good"]),
])
def test_ready_made_faces_fill_the_form_from_worst_to_best_in_every_language(app, client, auth, scale, faces):
    auth.login()
    page = client.get(f"/admin/polls/new?scale={scale}").get_data(as_text=True)
    fields = page_fields(page)
    assert fields["rating"] == "y"
    assert [fields[f"answers-{row}-pictogram"] for row in range(len(faces))] == faces
    assert fields.get(f"answers-{len(faces)}-pictogram", "") == ""
    assert fields["answers-0-word"] == ("gar nicht gut" if scale == "5" else "nicht gut")
    response = client.post("/admin/polls/new", data={**fields, "question": "Wie gefällt euch die Sprechstunde?",
                                                     "first": "2026-11-20", "last": "2026-11-30", "submit": "1"})
    assert response.status_code == 302
    with app.app_context():
        poll_id = Poll.get().id
    poll, answers = stored(app, poll_id)
    assert poll.rating and [a[2] for a in answers] == faces
    best = answers[-1][4]
    assert best == {"en": {"word": "very good" if scale == "5" else "good"},
                    "tr": {"word": "çok iyi" if scale == "5" else "iyi"},
                    "ar": {"word": "جيد جدًا" if scale == "5" else "جيد"}}


@pytest.mark.parametrize("scale", ["7", "abc", "", "5" * 20])
def test_an_unknown_ready_made_scale_is_refused(client, auth, scale):
    auth.login()
    assert client.get(f"/admin/polls/new?scale={scale}").status_code == 400


def test_every_face_is_shipped_and_listed(app):
    from pathlib import Path

    static = Path(app.static_folder) / "img" / "poll"
    for faces in wishes.RATING_SCALES.values():
        for pictogram, _ in faces:
            assert pictogram in wishes.PICTOGRAMS and (static / f"{pictogram}.svg").is_file()


def test_the_visitor_sees_the_faces_words_in_their_language(app, client, auth):
    auth.login()
    fields = page_fields(client.get("/admin/polls/new?scale=5").get_data(as_text=True))
    client.post("/admin/polls/new", data={**fields, "question": "Wie gefällt euch die Sprechstunde?",
                                          "first": "2026-11-19", "last": "2026-11-30", "submit": "1"})
    auth.logout()
    page = client.get("/poll").get_data(as_text=True)
    assert page.index("gar nicht gut") < page.index("geht so") < page.index("sehr gut")
    client.post("/language/ar", data={"csrf_token": page_fields(page)["csrf_token"]})
    page = client.get("/poll").get_data(as_text=True)
    assert "جيد جدًا" in page and "ليس جيدًا أبدًا" in page


# --- correcting a poll -------------------------------------------------------------------------


def test_the_edit_pages_need_a_login_and_a_known_poll(app, client, auth):
    poll_id, _ = make_poll(app)
    assert client.get(f"/admin/polls/{poll_id}/edit").status_code == 302
    auth.login()
    assert client.get("/admin/polls/999/edit").status_code == 404
    page = edit_page(client, poll_id)
    assert client.post("/admin/polls/999/edit", data=page_fields(page)).status_code == 404
    assert f'href="/admin/polls/{poll_id}/edit"' in client.get(f"/admin/polls/{poll_id}").get_data(as_text=True)


def test_a_correction_without_csrf_is_refused(app, client, auth):
    poll_id, _ = make_poll(app)
    auth.login()
    fields = page_fields(edit_page(client, poll_id))
    del fields["csrf_token"]
    response = client.post(f"/admin/polls/{poll_id}/edit", data={**fields, "question": "Neu?", "submit": "1"})
    assert response.status_code == 400
    assert stored(app, poll_id)[0].question == "Was wünscht ihr euch im Winter?"
    assert audit_of(app, "poll_edit") == []


def test_the_edit_page_shows_the_poll_as_stored(app, client, auth):
    poll_id, answer_ids = make_poll(app)
    auth.login()
    fields = page_fields(edit_page(client, poll_id))
    assert fields["question"] == "Was wünscht ihr euch im Winter?"
    assert fields["translations-1-lang"] == "tr" and fields["translations-1-question"] == "Kışın ne istersiniz?"
    assert [fields[f"answers-{row}-answer_id"] for row in range(3)] == [str(i) for i in answer_ids]
    assert fields["answers-0-translations-1-word"] == "Kahve"
    assert fields["answers-3-answer_id"] == "" and "answers-6-answer_id" not in fields  # room for new ones
    assert (fields["first"], fields["last"]) == ("2026-11-19", "2026-11-25") and "rating" not in fields


def test_before_anyone_answered_everything_may_change(app, client, auth):
    poll_id, answer_ids = make_poll(app)  # coffee, music, sport
    auth.login()
    response = post_edit(client, poll_id, **{
        "question": "Was wünscht ihr euch im Dezember?", "translations-1-question": "Aralıkta ne istersiniz?",
        "rating": "y", "first": "2026-11-20", "last": "2026-12-20",
        # sport moves first, coffee is renamed, music goes, a garden comes
        "answers-0-answer_id": str(answer_ids[2]), "answers-0-pictogram": "sport", "answers-0-word": "Bewegung",
        "answers-0-translations-1-word": "",
        "answers-1-answer_id": str(answer_ids[0]), "answers-1-pictogram": "coffee", "answers-1-word": "Tee",
        "answers-1-translations-1-word": "Çay",
        "answers-2-answer_id": str(answer_ids[1]), "answers-2-pictogram": "", "answers-2-word": "",
        "answers-3-pictogram": "garden", "answers-3-word": "Garten",
    })
    assert response.status_code == 302
    poll, answers = stored(app, poll_id)
    assert (poll.question, poll.first, poll.last, poll.rating) == (
        "Was wünscht ihr euch im Dezember?", date(2026, 11, 20), date(2026, 12, 20), True)
    assert poll.translations["tr"] == {"question": "Aralıkta ne istersiniz?"}
    assert [a[1:4] for a in answers] == [(1, "sport", "Bewegung"), (2, "coffee", "Tee"), (3, "garden", "Garten")]
    assert answers[0][0] == answer_ids[2] and answers[1][0] == answer_ids[0]  # the same rows, moved
    assert answers[1][4]["tr"] == {"word": "Çay"}
    (detail,) = audit_of(app, "poll_edit")
    assert detail.startswith("„Was wünscht ihr euch im Winter?“: Frage: ")
    assert "Zeit: 19.11.2026–25.11.2026 → 20.11.2026–20.12.2026" in detail
    assert "Bewertungsfrage: nein → ja" in detail and "Übersetzungen geändert" in detail


def test_once_answered_words_translations_pictures_and_dates_may_be_corrected(app, client, auth, enrolled):
    poll_id, answer_ids = make_poll(app)
    vote(client, poll_id, answer_ids[1], times=2)
    auth.login()
    page = edit_page(client, poll_id)
    text = re.sub(r"\s+", " ", page)
    assert "Es wurde schon abgestimmt:</strong> 2 Stimmen am 19.11.2026." in text
    assert "nicht hinzufügen, entfernen oder umstellen" in text
    assert "answers-3-word" not in page_fields(page)  # no row for a new answer
    response = post_edit(client, poll_id, **{
        "question": "Was wünscht ihr euch?", "answers-1-word": "Singen", "answers-1-pictogram": "party",
        "answers-1-translations-1-word": "Şarkı", "first": "2026-11-18", "last": "2026-11-30"})
    assert response.status_code == 302
    poll, answers = stored(app, poll_id)
    assert poll.question == "Was wünscht ihr euch?" and (poll.first, poll.last) == (date(2026, 11, 18), date(2026, 11, 30))
    assert [a[0] for a in answers] == answer_ids and answers[1][2:4] == ("party", "Singen")
    assert answers[1][4]["tr"] == {"word": "Şarkı"}
    with app.app_context():  # the votes stay with their answer
        assert [count for _, count in wishes.results(poll)["rows"]] == [0, 2, 0]


@pytest.mark.parametrize("what", ["remove", "reorder", "add"])
def test_once_answered_answers_are_not_added_removed_or_reordered(app, client, auth, enrolled, what):
    poll_id, answer_ids = make_poll(app)
    vote(client, poll_id, answer_ids[0])
    auth.login()
    changes = {
        "remove": {"answers-2-pictogram": "", "answers-2-word": ""},
        "reorder": {"answers-0-answer_id": str(answer_ids[1]), "answers-1-answer_id": str(answer_ids[0]),
                    "answers-0-pictogram": "music", "answers-0-word": "Musik",
                    "answers-1-pictogram": "coffee", "answers-1-word": "Kaffee"},
        "add": {"answers-3-answer_id": "", "answers-3-pictogram": "garden", "answers-3-word": "Garten"},
    }[what]
    before = stored(app, poll_id)
    response = post_edit(client, poll_id, **changes)
    assert response.status_code == 400
    assert "nicht hinzufügen, entfernen oder umstellen" in response.get_data(as_text=True)
    assert stored(app, poll_id)[1] == before[1]
    assert audit_of(app, "poll_edit") == []


@pytest.mark.parametrize("first, last, message", [
    ("2026-11-03", "2026-11-09", "Am 02.11.2026 wurde schon abgestimmt: der erste Tag kann nicht später liegen."),
    ("2026-10-30", "2026-11-04", "Am 05.11.2026 wurde schon abgestimmt: der letzte Tag kann nicht früher liegen."),
])
def test_once_answered_the_dates_keep_the_days_with_answers(app, client, auth, first, last, message):
    poll_id, answer_ids = make_poll(app, first=date(2026, 11, 1), last=date(2026, 11, 9))
    with app.app_context():
        for day in (2, 5):
            counting.increment(f"poll_answer:{answer_ids[0]}", 1, day=date(2026, 11, day), hour=11)
    auth.login()
    response = post_edit(client, poll_id, first=first, last=last)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert stored(app, poll_id)[0].first == date(2026, 11, 1)
    assert post_edit(client, poll_id, first="2026-11-02", last="2026-11-05").status_code == 302


def test_a_correction_does_not_overlap_another_poll_but_its_own_dates(app, client, auth):
    poll_id, _ = make_poll(app)
    make_poll(app, first=TODAY + timedelta(days=10), last=TODAY + timedelta(days=20))
    auth.login()
    assert post_edit(client, poll_id, question="Was wünscht ihr euch jetzt?").status_code == 302
    response = post_edit(client, poll_id, last="2026-12-01")
    assert response.status_code == 400 and "läuft schon" in response.get_data(as_text=True)


def test_a_running_poll_is_not_ended_by_its_dates_but_a_past_one_may_be_corrected(app, client, auth):
    running, _ = make_poll(app)
    past, _ = make_poll(app, first=TODAY - timedelta(days=20), last=TODAY - timedelta(days=10))
    auth.login()
    response = post_edit(client, running, first="2026-11-01", last="2026-11-18")
    assert response.status_code == 400 and "schon vorbei" in response.get_data(as_text=True)
    assert post_edit(client, past, first="2026-10-30", last="2026-11-08").status_code == 302
    assert (stored(app, past)[0].first, stored(app, past)[0].last) == (date(2026, 10, 30), date(2026, 11, 8))


@pytest.mark.parametrize("answer_id", ["other poll", "twice", "x", "99999"])
def test_a_row_naming_another_answer_is_tampered_input(app, client, auth, answer_id):
    poll_id, answer_ids = make_poll(app)
    _, others = make_poll(app, first=TODAY - timedelta(days=20), last=TODAY - timedelta(days=10))
    auth.login()
    value = {"other poll": str(others[0]), "twice": str(answer_ids[0])}.get(answer_id, answer_id)
    response = post_edit(client, poll_id, **{"answers-1-answer_id": value})
    assert response.status_code == 400
    assert [a[0] for a in stored(app, poll_id)[1]] == answer_ids


@pytest.mark.parametrize("changes, message", [
    ({"question": ""}, "Bitte eine Frage"),
    ({"answers-0-pictogram": "no-such-picture"}, "Dieses Bild gibt es nicht"),
    ({"answers-1-word": "", "answers-2-pictogram": "", "answers-2-word": ""}, "Jede Antwort braucht ein Bild und ein Wort"),
    ({"answers-1-pictogram": "", "answers-1-word": "", "answers-2-pictogram": "", "answers-2-word": ""},
     "mindestens 2 Antworten"),
    ({"last": "2026-11-01"}, "vor dem ersten"),
])
def test_a_bad_correction_is_refused(app, client, auth, changes, message):
    poll_id, _ = make_poll(app)
    auth.login()
    response = post_edit(client, poll_id, **changes)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert stored(app, poll_id)[0].question == "Was wünscht ihr euch im Winter?"


# --- how the target group rates the offer ------------------------------------------------------


def make_rating(app, first=TODAY, last=TODAY + timedelta(days=6), question="Wie gefällt euch die Sprechstunde?"):
    with app.app_context():
        poll = Poll.create(question=question, first=first, last=last, rating=True)
        for position, (pictogram, word) in enumerate(wishes.RATING_SCALES[3], start=1):
            PollAnswer.create(poll=poll, position=position, pictogram=pictogram, word=word)
        return poll.id, [a.id for a in wishes.answers_of(poll)]


@pytest.fixture
def period(app):
    with app.app_context():
        return FundingPeriod.create(name="QM-Projektfonds 2026", first=date(2026, 1, 1), last=date(2026, 12, 31)).id


def test_the_report_shows_each_rating_with_counts_shares_and_the_mean(app, client, auth, enrolled, period):
    app.config["BURST_LIMIT"] = 100  # twelve visitors in a row, none of them a burst
    poll_id, (bad, okay, good) = make_rating(app)
    make_poll(app, first=TODAY - timedelta(days=30), last=TODAY - timedelta(days=20))  # a wish poll: not a rating
    vote(client, poll_id, good, times=7)
    vote(client, poll_id, okay, times=3)
    vote(client, poll_id, bad, times=2)
    auth.login()
    page = client.get(f"/admin/funding/{period}/report").get_data(as_text=True)
    section = page[page.index('id="ratings"'):page.index("</section>", page.index('id="ratings"'))]
    assert "„Wie gefällt euch die Sprechstunde?“" in section and "Was wünscht ihr euch" not in section
    assert "12 Stimmen vom 19.11.2026 bis 19.11.2026" not in section  # a single day is "am"
    assert "12 Stimmen am 19.11.2026. Am häufigsten: „gut“ (7 von 12)." in section
    assert "Im Durchschnitt 2,4 auf der Skala von 1 („nicht gut“) bis 3 („gut“)." in section  # (2 + 6 + 21) / 12
    assert [int(n) for n in _between_all(section, "<td data-rating-count>", "</td>")] == [2, 3, 7]
    assert "<td>17 %</td>" in section and "<td>25 %</td>" in section and "<td>58 %</td>" in section


def _between_all(text, start, end):
    found, at = [], text.find(start)
    while at != -1:
        found.append(text[at + len(start):text.index(end, at)])
        at = text.find(start, at + 1)
    return found


def test_under_ten_answers_there_is_no_mean(app, client, auth, enrolled, period):
    poll_id, (_, okay, good) = make_rating(app)
    vote(client, poll_id, good, times=2)
    vote(client, poll_id, okay, times=2)
    auth.login()
    page = client.get(f"/admin/funding/{period}/report").get_data(as_text=True)
    assert "4 Stimmen am 19.11.2026. Für einen Durchschnitt sind es zu wenige (erst ab 10 Stimmen)." in page
    assert "Am häufigsten" not in page  # a tie names no answer
    assert "Im Durchschnitt" not in page


def test_a_period_without_a_rating_poll_says_so(app, client, auth, period):
    make_poll(app)
    auth.login()
    page = client.get(f"/admin/funding/{period}/report").get_data(as_text=True)
    assert "Wie die Zielgruppe das Angebot bewertet" in page
    assert "Im Berichtszeitraum lief am Kiosk keine Bewertungsfrage." in page


def test_only_the_rating_polls_and_answers_of_the_period_count(app):
    """A poll that began before the period counts its answers of the period's days; an ended
    poll counts up to its end; one that starts after, or was ended before it began, is left out."""
    started_before, (_, _, good) = make_rating(app, first=date(2025, 12, 20), last=date(2026, 1, 10), question="A")
    ended, _ = make_rating(app, first=date(2026, 3, 1), last=date(2026, 3, 31), question="B")
    make_rating(app, first=date(2026, 5, 1), last=date(2026, 5, 31), question="C")  # ended before it began
    make_rating(app, first=date(2026, 12, 1), last=date(2026, 12, 31), question="D")  # after the range
    with app.app_context():
        Poll.update(ended=date(2026, 3, 15)).where(Poll.id == ended).execute()
        Poll.update(ended=date(2026, 4, 20)).where(Poll.question == "C").execute()
        counting.increment(f"poll_answer:{good}", 4, day=date(2025, 12, 30), hour=11)
        counting.increment(f"poll_answer:{good}", 3, day=date(2026, 1, 2), hour=11)
        counting.increment(f"poll_answer:{good}", 5, day=date(2026, 1, 3), hour=11, flag=counting.DOUBTFUL)
        found = reports.ratings(date(2026, 1, 1), date(2026, 11, 19))
    assert [(r.poll.question, r.first, r.last) for r in found] == [
        ("A", date(2026, 1, 1), date(2026, 1, 10)), ("B", date(2026, 3, 1), date(2026, 3, 15))]
    assert (found[0].total, found[0].set_apart, [c for _, c in found[0].rows]) == (3, 5, [0, 0, 3])
    assert found[1].line == "Keine Stimmen vom 01.03.2026 bis 15.03.2026."


@pytest.mark.parametrize("counts, mean", [((10, 0, 0), 1.0), ((0, 0, 10), 3.0), ((5, 0, 5), 2.0), ((3, 3, 3), None)])
def test_the_mean_is_on_the_scale_from_the_worst(app, counts, mean):
    poll_id, answer_ids = make_rating(app)
    with app.app_context():
        for answer_id, count in zip(answer_ids, counts):
            counting.increment(f"poll_answer:{answer_id}", count, day=TODAY, hour=11)
        (found,) = reports.ratings(TODAY, TODAY)
    assert found.mean == mean


def test_the_report_xlsx_has_the_ratings(app, client, auth, period):
    poll_id, answer_ids = make_rating(app)
    with app.app_context():
        for answer_id, count in zip(answer_ids, (1, 4, 15)):
            counting.increment(f"poll_answer:{answer_id}", count, day=TODAY, hour=11)
    auth.login()
    book = load_workbook(io.BytesIO(client.get(f"/admin/funding/{period}/report.xlsx").data))
    assert book.sheetnames[-3:] == ["Bewertungen", "Bewertungen je Antwort", "Bericht"]
    summary = book["Bewertungen"]
    assert [cell.value for cell in summary[1]] == ["Frage", "Von", "Bis", "Stimmen", "Stufen", "Durchschnitt", "In Worten"]
    row = [cell.value for cell in summary[2]]
    assert row[0] == "Wie gefällt euch die Sprechstunde?" and row[1].date() == TODAY and row[2].date() == TODAY
    assert row[3:6] == [20, 3, pytest.approx(2.7)] and summary["F2"].number_format == "#,##0.0"
    assert summary["B2"].number_format == "DD.MM.YYYY"
    assert row[6].startswith("20 Stimmen am 19.11.2026. Am häufigsten: „gut“ (15 von 20). Im Durchschnitt 2,7")
    answers = book["Bewertungen je Antwort"]
    assert [[cell.value for cell in r] for r in answers.iter_rows(min_row=2)] == [
        ["Wie gefällt euch die Sprechstunde?", 1, "nicht gut", 1, 0.05],
        ["Wie gefällt euch die Sprechstunde?", 2, "geht so", 4, 0.2],
        ["Wie gefällt euch die Sprechstunde?", 3, "gut", 15, 0.75]]
    assert answers["E2"].number_format == "0%"



def test_the_results_page_of_a_rating_says_its_mean(app, client, auth):
    poll_id, answer_ids = make_rating(app)
    wish_id, _ = make_poll(app, first=TODAY - timedelta(days=30), last=TODAY - timedelta(days=20))
    with app.app_context():
        for answer_id, count in zip(answer_ids, (0, 5, 5)):
            counting.increment(f"poll_answer:{answer_id}", count, day=TODAY, hour=11)
    auth.login()
    page = client.get(f"/admin/polls/{poll_id}").get_data(as_text=True)
    assert "Bewertungsfrage" in page and "Im Durchschnitt 2,5 auf der Skala von 1 („nicht gut“) bis 3 („gut“)." in page
    assert "data-rating-line" not in client.get(f"/admin/polls/{wish_id}").get_data(as_text=True)
