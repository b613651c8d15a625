"""The read-only figures API for the Träger's own statistics (R, Excel Power Query): per-hour,
per-day and per-month figures of one metric over a range, as JSON. Documented in docs/api.md.

Behind a token an admin makes (kiosk/staff/api_tokens.py), sent as ``Authorization: Bearer …``
(never in the address, which ends up in logs and browser histories). Rate-limited per token and,
for requests without a valid token, per client address, with the sliding window of the login
limits (kiosk/staff/login_limits.py), in memory only. The small-number rule applies: an hour's or
a day's figure below the threshold is "< 3"; month rows stay exact and are whole calendar months,
so no exact figure of a single day can be had by asking for a short "month".
"""

from datetime import date, timedelta

from flask import Blueprint, current_app, jsonify, request
from peewee import fn

from kiosk import clock
from kiosk.checkin.counting import AGE_BANDS, GROUP_SIZES, MANUAL_KINDS, NORMAL, REASONS
from kiosk.clock import utcnow
from kiosk.models import WHOLE_DAY, ApiToken, Count
from kiosk.staff import reports
from kiosk.staff.api_tokens import valid_token
from kiosk.staff.login_limits import ClientLimiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")  # read-only GETs: create_app exempts it from CSRF

LONGEST_RANGE_DAYS = {"hour": 366, "day": 3700, "month": 3700}


def _metrics():
    """{API metric: the stored metrics it adds up}: the names a script asks for."""
    metrics = {"people": ["people"], "checkins": ["checkin"],
               "groups": [f"group_size:{n}" for n in GROUP_SIZES if n > 1],
               "first_visits": ["first_visit:yes"], "returning": ["first_visit:no"]}
    metrics.update({f"reason:{r}": [f"reason:{r}"] for r in REASONS})
    metrics.update({f"manual:{k}": [f"manual:{k}"] for k in MANUAL_KINDS if k != "people"})
    metrics.update({f"age:{band}": [f"age:{band}"] for band in AGE_BANDS})
    metrics.update({f"language:{code}": [f"language:{code}"] for code in current_app.config["LANGUAGES"]})
    return metrics


class ApiError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status, self.message = status, message


@bp.errorhandler(ApiError)
def _api_error(error):
    response = jsonify({"error": error.message})
    response.status_code = error.status
    if error.status == 429:
        response.headers["Retry-After"] = str(int(current_app.config["API_WINDOW_SECONDS"]))
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="kiosk"'
    return response


@bp.errorhandler(404)
@bp.errorhandler(405)
def _api_not_found(error):
    return jsonify({"error": error.description}), error.code


@bp.record_once
def _api_limits(state):
    config = state.app.config
    state.app.extensions["api_limits"] = ClientLimiter(config["API_REQUESTS_PER_WINDOW"],
                                                       config["API_WINDOW_SECONDS"])


@bp.before_request
def require_token():
    """A valid token, within its rate; a request without one counts against the client address,
    so guessing tokens is as slow as the limit."""
    limits = current_app.extensions["api_limits"]
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    record = valid_token(token.strip()) if scheme.lower() == "bearer" else None
    key = f"token:{record.id}" if record else request.remote_addr
    if not limits.take(key):
        raise ApiError(429, "Zu viele Anfragen: bitte etwas warten (siehe Retry-After).")
    if record is None:
        raise ApiError(401, "Ein gültiger Schlüssel fehlt: Authorization: Bearer <Schlüssel>.")
    ApiToken.update(last_used=utcnow()).where(ApiToken.id == record.id).execute()


@bp.get("/metrics")
def metrics():
    """The metric names /figures knows."""
    return jsonify({"metrics": sorted(_metrics()), "small_number_threshold": _threshold()})


def _threshold():
    return current_app.config["SMALL_NUMBER_THRESHOLD"]


def _date_arg(name):
    value = request.args.get(name)
    if not value:
        raise ApiError(400, f"'{name}' fehlt (ein Datum wie 2026-01-31).")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError(400, f"'{name}' ist kein Datum wie 2026-01-31: {value!r}.") from None


def figures_request():
    """(metric, stored metrics, first, last, per) from the query string; anything else is a 400."""
    metric = request.args.get("metric", "people")
    known = _metrics()
    if metric not in known:
        raise ApiError(400, f"Unbekannte Kennzahl {metric!r}; siehe /api/v1/metrics.")
    per = request.args.get("per", "day")
    if per not in LONGEST_RANGE_DAYS:
        raise ApiError(400, "'per' ist hour, day oder month.")
    first, last = _date_arg("from"), _date_arg("to")
    if first > last:
        raise ApiError(400, "'from' liegt nach 'to'.")
    if (last - first).days + 1 > LONGEST_RANGE_DAYS[per]:
        raise ApiError(400, f"Höchstens {LONGEST_RANGE_DAYS[per]} Tage auf einmal bei per={per}.")
    if per == "month":  # whole calendar months: an exact figure is never one of a few days
        first = first.replace(day=1)
        last = (last.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return metric, known[metric], first, last, per


def summed(stored, first, last, *keys):
    """[(keys…, total)] of the stored metrics as the reports count them (the drop-in hour's flag)."""
    return list(
        Count.select(*keys, fn.SUM(Count.value))
        .where(Count.day.between(first, last) & Count.metric.in_(stored) & (Count.flag == NORMAL))
        .group_by(*keys)
        .order_by(*keys)
        .tuples()
    )


@bp.get("/figures")
def figures():
    metric, stored, first, last, per = figures_request()
    threshold = _threshold()
    if per == "hour":
        rows = [{"date": str(day), "hour": hour, "value": reports.small_number(total, threshold)}
                for day, hour, total in summed(stored, first, last, Count.day, Count.hour)
                if hour != WHOLE_DAY]
    elif per == "day":
        rows = [{"date": str(day), "value": reports.small_number(total, threshold)}
                for day, total in summed(stored, first, last, Count.day)]
    else:
        per_month = {}
        for day, total in summed(stored, first, last, Count.day):
            month = str(day)[:7]
            per_month[month] = per_month.get(month, 0) + total
        rows = [{"month": month, "value": total} for month, total in sorted(per_month.items())]
    return jsonify({
        "metric": metric, "per": per, "from": str(first), "to": str(last),
        "counted_as": "Besuche (nicht Personen), nur in der Sprechstunde vom Tablet oder vom Team eingetragen",
        "small_number_threshold": threshold,
        "generated": clock.berlin_now().isoformat(timespec="seconds"),
        "rows": rows,
    })
