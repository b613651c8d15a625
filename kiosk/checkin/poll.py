"""The wish poll for visitors: a tile on the start screen while a poll runs, one tap answers.

The poll page carries its own signed one-time ticket (kiosk/checkin/counting.py), so a double
tap, a reload or the back button count once; the visit remembers that it answered until the
idle reset, so one visitor answers once. Nothing the visitor could type is accepted.
"""

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)

from kiosk import clock
from kiosk.checkin import counting, tablets, wishes
from kiosk.forms import TicketForm
from kiosk.models import PollAnswer

bp = Blueprint("poll", __name__)


@bp.before_app_request
def forget_answers_on_reset():
    if request.endpoint == "visitor.home" and request.args.get("reset"):
        wishes.forget_visit()


@bp.app_context_processor
def poll_context():
    return {"wish_poll_tile": wish_poll_tile}


def wish_poll_tile():
    """The running poll for the start screen's tile, or None (none runs, or answered already)."""
    poll = wishes.running_poll(clock.berlin_now().date())
    return None if poll is None or wishes.answered_in_this_visit(poll) else poll


@bp.get("/poll")
def question():
    poll = wishes.running_poll(clock.berlin_now().date())
    if poll is None:
        return render_template("visitor/poll_closed.html"), 404
    if wishes.answered_in_this_visit(poll):
        return redirect(url_for(".thanks"))
    return render_template("visitor/poll.html", poll=poll, answers=wishes.answers_of(poll),
                           form=TicketForm(ticket=counting.home_ticket(wishes.PURPOSE)))


@bp.post("/poll/<int:poll_id>")
def answer(poll_id):
    form = TicketForm()
    if not form.validate():
        abort(400)
    poll = wishes.running_poll(clock.berlin_now().date())
    if poll is None or poll.id != poll_id:
        # The poll ended while the page was open (midnight, or staff ended it): nothing counts.
        return render_template("visitor/poll_closed.html"), 410
    chosen = PollAnswer.get_or_none((PollAnswer.poll == poll) & (PollAnswer.id == _as_id(request.form.get("answer"))))
    if chosen is None:
        abort(400)
    if not wishes.answered_in_this_visit(poll):
        tablet = tablets.current_tablet()
        if wishes.record_answer(form.ticket.data, chosen, tablet.id if tablet else None) is None:
            abort(400)
        wishes.remember_answered(poll)
    return redirect(url_for(".thanks"))


def _as_id(value):
    return int(value) if value and value.isdigit() and len(value) < 12 else None


@bp.get("/poll/thanks")
def thanks():
    return render_template("visitor/poll_thanks.html", seconds=current_app.config["THANKS_SECONDS"])
