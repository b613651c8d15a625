"""Load: four tablets checking in and an admin reading reports, at once, through waitress (the
production server). Every accepted check-in is stored, exactly once."""

import threading

import pytest

from kiosk import clock
from kiosk.checkin.tablets import COOKIE
from kiosk.staff import reports
from tests.conftest import STAFF_PASSWORD, enrolled_tablet
from tests.serving import served_in_a_thread
from tests.tablet import Tablet

TABLETS = 4
CHECKINS_PER_TABLET = 40


@pytest.fixture
def served(app):
    """The test app behind waitress on a free loopback port, with as many threads as in production."""
    app.config["BURST_LIMIT"] = 10_000  # a load test is a burst; keep every check-in in the normal figures
    with served_in_a_thread(app) as url:
        yield url


def test_concurrent_tablets_and_an_admin_store_exactly_the_accepted_check_ins(app, served):
    accepted, refused, admin_pages = [], [], []
    errors = []
    done = threading.Event()

    def tablet(secret):
        client = Tablet(served)
        client.cookies[COOKIE] = secret  # one of the room's enrolled tablets
        try:
            for _ in range(CHECKINS_PER_TABLET):
                (accepted if client.checkin() else refused).append(1)
        except Exception as error:  # noqa: BLE001 - reported below, with the others
            errors.append(repr(error))
        finally:
            client.close()

    def admin():
        client = Tablet(served)
        try:
            assert client.login("anna", STAFF_PASSWORD)
            while not done.is_set():
                for path in ("/admin/", "/admin/history?range=year", "/admin/history.csv?range=month"):
                    admin_pages.append(client.request("GET", path)[0])
        except Exception as error:  # noqa: BLE001
            errors.append(repr(error))
        finally:
            client.close()

    secrets = [enrolled_tablet(app, f"Tablet {n}")[1] for n in range(TABLETS)]
    tablets = [threading.Thread(target=tablet, args=(secret,)) for secret in secrets]
    reader = threading.Thread(target=admin)
    reader.start()
    for t in tablets:
        t.start()
    for t in tablets:
        t.join(120)
    done.set()
    reader.join(30)

    assert errors == []
    assert len(accepted) == TABLETS * CHECKINS_PER_TABLET and refused == []
    assert admin_pages and set(admin_pages) == {200}
    with app.app_context():
        day = clock.berlin_now().date()
        assert reports.totals(day, day)["checkins"] == len(accepted)
