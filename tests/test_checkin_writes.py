"""What one check-in step writes, and how: a few statements in one durable commit, and writes
from several threads committed together without counting anything twice (kiosk/db.py)."""

import logging
import threading
import time

import pytest

from kiosk.checkin import counting
from kiosk.db import GroupCommit, database
from kiosk.models import Count, Setting
from tests.conftest import form_value
from tests.test_checkin import answer, tap_checkin

pytestmark = pytest.mark.usefixtures("enrolled")


class Statements(logging.Handler):
    """The SQL statements peewee runs (its logger names each one)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.sql = []

    def emit(self, record):
        if isinstance(record.msg, tuple):
            self.sql.append(record.msg[0])

    def writes(self):
        return [sql.split()[0] for sql in self.sql if sql.split()[0] in ("INSERT", "UPDATE", "DELETE")]


@pytest.fixture
def statements(monkeypatch):
    """(the statements of each request, the number of commits) from here on."""
    handler = Statements()
    logger = logging.getLogger("peewee")
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    commits = []
    real_commit = database.obj.commit
    monkeypatch.setattr(database.obj, "commit", lambda: (commits.append(1), real_commit())[1])
    yield handler, commits
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_each_step_writes_three_or_four_statements_in_one_commit(app, client, statements):
    handler, commits = statements
    commits.clear()
    response, _ = tap_checkin(client)
    # The old tickets forgotten, the start ticket spent, the counts added, the next ticket issued.
    assert handler.writes() == ["DELETE", "INSERT", "INSERT", "INSERT"] and len(commits) == 1
    for data in ({"size": "2"}, {"first": "no"}, {"reasons": ["crafts"]}):
        handler.sql.clear()
        commits.clear()
        page = client.get(response.headers["Location"])
        assert page.status_code == 200 and handler.writes() == [] and commits == []  # a question writes nothing
        step = response.headers["Location"].split("/")[2]
        html = page.get_data(as_text=True)
        sent = {"csrf_token": form_value(html, "csrf_token"), "ticket": form_value(html, "ticket"), **data}
        handler.sql.clear()
        response = client.post(f"/checkin/{step}", data=sent)
        assert response.status_code == 302
        # The step's ticket claimed, its counts added, the next ticket issued.
        assert handler.writes() == ["UPDATE", "INSERT", "INSERT"] and len(commits) == 1, step


def test_a_resubmitted_step_writes_nothing_that_counts(app, client, statements):
    handler, _ = statements
    response, _ = tap_checkin(client)
    response, sent = answer(client, response, size="2")
    handler.sql.clear()
    assert client.post("/checkin/group", data=sent).headers["Location"] == response.headers["Location"]
    assert handler.writes() == ["UPDATE"]  # the claim finds the ticket used: nothing else is written


def test_double_taps_from_many_threads_at_once_count_once(app):
    """Each ticket tapped by three threads at the same moment: one check-in each, every tap led on."""
    with app.app_context():
        tickets = [counting.home_ticket() for _ in range(4)]
    answers, start = [], threading.Barrier(3 * len(tickets))

    def tap(token):
        with app.app_context():
            start.wait()
            answers.append((token, counting.take_step(token, "checkin", {"checkin": 1, "people": 1}, 1)))
            database.close()  # back to the pool, as after a request

    threads = [threading.Thread(target=tap, args=(t,)) for t in tickets for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        assert sorted(answers) == sorted((t, counting.next_token(t)) for t in tickets for _ in range(3))
        assert Count.get(Count.metric == "checkin").value == len(tickets)


def test_a_group_commit_keeps_the_others_when_one_write_fails(app):
    """Writes that waited for a commit go in together; one that fails undoes only itself."""
    together, release, results = GroupCommit(), threading.Event(), {}

    def first_write():
        release.wait(10)  # holds the commit while the others queue up behind it
        Setting.put("first", "1")
        return "first"

    def failing_write():
        Setting.put("failing", "1")
        raise ValueError("this one fails")

    def run(name, write):
        with app.app_context():
            try:
                results[name] = together.run(write)
            except ValueError as error:
                results[name] = str(error)
            database.close()

    def later_write(name):
        return lambda: (Setting.put(name, "1"), name)[1]

    threads = [threading.Thread(target=run, args=("first", first_write))]
    threads[0].start()
    while not together._committing:
        time.sleep(0.001)
    threads += [threading.Thread(target=run, args=("failing", failing_write)),
                *[threading.Thread(target=run, args=(n, later_write(n))) for n in ("second", "third")]]
    for thread in threads[1:]:
        thread.start()
    while len(together._waiting) < 3:
        time.sleep(0.001)
    release.set()
    for thread in threads:
        thread.join()
    assert results == {"first": "first", "failing": "this one fails", "second": "second", "third": "third"}
    with app.app_context():
        assert {s.key for s in Setting.select()} == {"first", "second", "third"}


@pytest.mark.parametrize("sent", [
    {"size": "2"},  # no CSRF token, no ticket
    {"size": "2", "csrf_token": "forged"},
    {"size": "2", "ticket": "short"},  # a valid CSRF token, a ticket TicketForm would refuse
    {"size": "2", "ticket": "a b" * 8},
    {"size": "2", "ticket": ["x" * 32, "y" * 32]},  # the first one is taken, as by the form; never issued
])
def test_an_answer_without_its_csrf_token_or_ticket_is_refused(app, client, sent):
    """The steps read their ticket without building a form; CSRFProtect still checks every POST."""
    response, _ = tap_checkin(client)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    data = dict(sent)
    if "csrf_token" not in data and "ticket" in data:
        data["csrf_token"] = form_value(page, "csrf_token")
    refused = client.post("/checkin/group", data=data)
    assert refused.status_code == 400
    with app.app_context():
        assert not Count.select().where(Count.metric == "group_size:2").exists()
