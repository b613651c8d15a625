"""The read-only figures API: tokens valid, revoked and missing; ranges checked; the small-number
rule; the rate limit; and the admin page that makes and revokes the tokens."""

from datetime import date

import pytest

from kiosk.checkin import counting
from kiosk.models import ApiToken, AuditEntry
from kiosk.staff import api_tokens
from tests.conftest import form_value


@pytest.fixture
def token(app):
    with app.app_context():
        return api_tokens.new_token("Statistik", "anna")[1]


@pytest.fixture
def counts(app):
    with app.app_context():
        counting.add_to_buckets({"people": 7, "checkin": 5, "language:tr": 2}, day=date(2026, 11, 19), hour=11)
        counting.add_to_buckets({"people": 2, "checkin": 2, "language:tr": 1}, day=date(2026, 11, 19), hour=12)
        counting.add_to_buckets({"people": 1, "checkin": 1}, day=date(2026, 11, 12), hour=11)
        counting.add_to_buckets({"people": 4}, day=date(2026, 10, 1), hour=11)
        counting.add_to_buckets({"people": 9}, day=date(2026, 11, 19), hour=11, flag=counting.OFF_HOURS)


def get(client, token, **args):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get("/api/v1/figures", query_string=args, headers=headers)


def test_per_day_figures_with_small_numbers_hidden(client, token, counts):
    response = get(client, token, metric="people", per="day", **{"from": "2026-11-01", "to": "2026-11-30"})
    assert response.status_code == 200 and response.is_json
    body = response.get_json()
    assert body["rows"] == [{"date": "2026-11-12", "value": "< 3"}, {"date": "2026-11-19", "value": 9}]
    assert body["small_number_threshold"] == 3 and body["metric"] == "people"


def test_per_hour_figures_hide_small_hours(client, token, counts):
    body = get(client, token, metric="language:tr", per="hour", **{"from": "2026-11-19", "to": "2026-11-19"}).get_json()
    assert body["rows"] == [{"date": "2026-11-19", "hour": 11, "value": "< 3"},
                            {"date": "2026-11-19", "hour": 12, "value": "< 3"}]


def test_per_month_figures_are_exact_and_cover_whole_months(client, token, counts):
    body = get(client, token, metric="people", per="month", **{"from": "2026-10-15", "to": "2026-11-12"}).get_json()
    assert (body["from"], body["to"]) == ("2026-10-01", "2026-11-30")
    assert body["rows"] == [{"month": "2026-10", "value": 4}, {"month": "2026-11", "value": 10}]


def test_the_threshold_is_a_setting(app, client, token, counts):
    app.config["SMALL_NUMBER_THRESHOLD"] = 10
    body = get(client, token, per="day", **{"from": "2026-11-19", "to": "2026-11-19"}).get_json()
    assert body["rows"] == [{"date": "2026-11-19", "value": "< 10"}]


def test_the_metrics_are_listed(client, token):
    body = client.get("/api/v1/metrics", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert {"people", "checkins", "language:ar", "age:senior", "manual:outreach"} <= set(body["metrics"])


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer kzp_wrong"}, {"Authorization": "Basic abc"},
                                     {"Authorization": "Bearer "}])
def test_without_a_valid_token_it_is_a_401(client, headers):
    response = client.get("/api/v1/figures?from=2026-11-01&to=2026-11-30", headers=headers)
    assert response.status_code == 401 and "error" in response.get_json()
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_no_longer_opens_the_api(app, client, token):
    assert get(client, token, **{"from": "2026-11-01", "to": "2026-11-30"}).status_code == 200
    with app.app_context():
        ApiToken.update(revoked=ApiToken.created).execute()
    assert get(client, token, **{"from": "2026-11-01", "to": "2026-11-30"}).status_code == 401


def test_the_token_is_stored_only_as_a_hash(app, token):
    with app.app_context():
        record = ApiToken.get()
        assert token not in (record.token_hash, record.name) and len(record.token_hash) == 64
        assert api_tokens.valid_token(token).id == record.id


@pytest.mark.parametrize("args", [
    {}, {"from": "2026-11-01"}, {"from": "2026-13-01", "to": "2026-11-30"},
    {"from": "2026-11-30", "to": "2026-11-01"}, {"from": "2026-11-01", "to": "2026-11-30", "metric": "names"},
    {"from": "2026-11-01", "to": "2026-11-30", "per": "week"},
    {"from": "2020-01-01", "to": "2026-11-30", "per": "hour"}, {"from": "1990-01-01", "to": "2026-11-30"},
])
def test_wrong_ranges_and_names_are_a_400_in_json(client, token, args):
    response = get(client, token, **args)
    assert response.status_code == 400 and response.is_json and response.get_json()["error"]


def test_the_rate_limit_answers_429_with_retry_after(app, client, token):
    app.config["API_WINDOW_SECONDS"] = 60
    app.extensions["api_limits"].attempts = 3
    for _ in range(3):
        assert client.get("/api/v1/metrics", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    response = client.get("/api/v1/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 429 and response.headers["Retry-After"] == "60"


def test_guessing_tokens_is_rate_limited_by_address(app, client):
    app.extensions["api_limits"].attempts = 2
    statuses = [client.get("/api/v1/metrics", headers={"Authorization": f"Bearer kzp_{n}"}).status_code
                for n in range(3)]
    assert statuses == [401, 401, 429]


# --- the admin page ------------------------------------------------------------------------------


def test_an_admin_makes_a_token_that_is_shown_once_and_works(app, client, auth, team):
    auth.login()
    page = client.get("/admin/api-tokens/").get_data(as_text=True)
    made = client.post("/admin/api-tokens/", data={"csrf_token": form_value(page, "csrf_token"), "name": "Statistik"})
    html = made.get_data(as_text=True)
    token = html.split("data-token>")[1].split("<")[0]
    assert token.startswith("kzp_")
    assert token not in client.get("/admin/api-tokens/").get_data(as_text=True)
    assert client.get("/api/v1/metrics", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    with app.app_context():
        record = ApiToken.get()
    page = client.get("/admin/api-tokens/").get_data(as_text=True)
    client.post(f"/admin/api-tokens/{record.id}/revoke", data={"csrf_token": form_value(page, "csrf_token")})
    assert client.get("/api/v1/metrics", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    with app.app_context():
        assert [e.action for e in AuditEntry.select().order_by(AuditEntry.id)] == ["api_token_add", "api_token_revoke"]
    assert "widerrufen am" in client.get("/admin/api-tokens/").get_data(as_text=True)


def test_a_colleague_sees_the_list_but_makes_no_token(app, client, auth, team):
    auth.login("ben", "bens own long password")
    page = client.get("/admin/api-tokens/")
    assert page.status_code == 200 and "Verwaltungsrechte" in page.get_data(as_text=True)
    html = client.get("/admin/").get_data(as_text=True)
    assert client.post("/admin/api-tokens/", data={"csrf_token": form_value(html, "csrf_token"),
                                                   "name": "x"}).status_code == 403


def test_making_a_token_needs_csrf_and_a_name(client, auth, team):
    auth.login()
    assert client.post("/admin/api-tokens/", data={"name": "x"}).status_code == 400
    page = client.get("/admin/api-tokens/").get_data(as_text=True)
    assert client.post("/admin/api-tokens/", data={"csrf_token": form_value(page, "csrf_token"),
                                                   "name": ""}).status_code == 400
