"""What the first visitors after a start would otherwise wait for, done in the background.

The kiosk starts with as little as it can, so that a restart answers the tablet within a second;
the rest (templates compiled, the sudoku pool read, the holiday calendar and phonenumbers
imported) is done here by a thread once the server is up, instead of by the first tap on each page.
"""

import threading
import time

import puzzles
from kiosk.checkin.dropin import holidays_of_year
from kiosk.offers.phones import readable_phone

PAGES = ("visitor/home.html", "visitor/thanks.html", "visitor/checkin_group.html",
         "visitor/checkin_first.html", "visitor/checkin_reasons.html",
         "visitor/activities/overview.html", "visitor/activities/puzzle.html",
         "visitor/offers/list.html", "admin/today.html", "admin/history.html")
AFTER_SECONDS = 0.5  # the server's first answers come first


def warm_up(app):
    for name in PAGES:
        app.jinja_env.get_template(name)
    puzzles.puzzle_type("sudoku").load_pool()
    readable_phone("030 67796086")  # imports phonenumbers' metadata for the offers' first page
    with app.app_context():
        state = app.config["DROPIN_HOLIDAYS"]
        if state:
            holidays_of_year(state, time.localtime().tm_year)


def warm_up_in_background(app):
    def run():
        time.sleep(AFTER_SECONDS)
        warm_up(app)

    threading.Thread(target=run, name="warm-up", daemon=True).start()
