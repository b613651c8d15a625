"""Property-based fuzzing of every route and every form (hypothesis).

Random and malformed values, wrong methods, missing or wrong CSRF tokens, oversized bodies, odd
encodings (invalid UTF-8, NUL bytes) and path traversal, against whatever routes and forms exist
when the tests run: the URL map and the forms on the pages are walked, nothing is listed by hand.
Nothing may answer 500 (in TESTING an unhandled exception fails the test outright), and a
rejected request must change no count and no audit entry.
"""

import io
import os
import re
import zipfile
from html import unescape
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from werkzeug.routing import IntegerConverter

from kiosk.activities import crafts
from kiosk.models import AuditEntry, Count, CraftSheet, Service, Staff
from kiosk.offers import hsds_import, hsds_read
from kiosk.offers import seed as content_seed
from tests.conftest import AuthActions, form_value
from tests.routes import rules, sample_url, sample_values

ROOT = Path(__file__).resolve().parent.parent
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")
MARKER = "fuzz-escaped-marker"
TRAVERSALS = [
    "../../kiosk/__init__.py", "..%2f..%2fkiosk%2f__init__.py", "%2e%2e%2f%2e%2e%2fsecret_key", "..\\..\\secret_key",
    "/etc/passwd", "....//....//etc/passwd", f"../../{MARKER}.txt", "%00", "x%00.pdf", "%ff%fe", "%c0%ae%c0%ae/",
    "..", ".", "%2e%2e", "con", "a" * 300,
]
ODD_TEXT = ["", "\x00", "a\x00b", "\ufeff", "\u202e", "' OR 1=1 --", "<script>alert(1)</script>", "{{7*7}}",
            "9" * 40, "-1", "1e309", "NaN", "2026-02-30", "9999-12-31", "0", "\r\n", "ä" * 300, "\ud7ff", "🙂"]

FUZZ_SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                         suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

text_values = st.one_of(st.sampled_from(ODD_TEXT + TRAVERSALS), st.text(max_size=60),
                        st.integers(-10**12, 10**12).map(str))


def snapshot(app):
    with app.app_context():
        counts = sorted((c.day, c.hour, c.metric, c.source, c.flag, c.value) for c in Count.select())
        audit = [(e.id, e.at, e.username, e.action, e.detail) for e in AuditEntry.select().order_by(AuditEntry.id)]
    return counts, audit


def check(app, before, response):
    """No 500; the audit log only grows; a rejected request changed no count and wrote no entry."""
    assert response.status_code < 500, response.status_code
    event(f"status {response.status_code}")
    after = snapshot(app)
    assert after[1][:len(before[1])] == before[1]
    rejected = response.status_code >= 400 or response.headers.get("Location", "").endswith("/admin/login")
    if rejected:
        assert after == before


def admin_client(app):
    """A client logged in as the admin, through the login form (the fixtures' hash is cheap)."""
    with app.app_context():
        Staff.update(is_admin=True).execute()
    client = app.test_client()
    assert AuthActions(client).login().status_code == 302
    return client


def csrf_token(client):
    return form_value(client.get("/admin/login").get_data(as_text=True), "csrf_token")


def raw_url(rule, values):
    """The rule's path with each argument replaced by a raw, possibly hostile, string (not escaped).

    One leading slash only: the test client would read "//x" as a URL with the host "x"."""
    return "/" + re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: values[m.group(1)], rule.rule).lstrip("/")


@st.composite
def bodies(draw, token, names):
    """A request body: a form (valid, missing or wrong CSRF token; random fields), raw bytes in odd
    encodings, a multipart upload with a hostile file name, or an oversized body."""
    kind = draw(st.sampled_from(["form", "form", "form", "raw", "upload", "json", "oversized"]))
    if kind == "raw":
        raw = draw(st.sampled_from([b"csrf_token=\xff\xfe&ticket=\x00\x00", b"\x00" * 64, b"%ff%fe=%c3%28",
                                    b"ticket=" + "ü".encode("latin-1") * 30, b"a=" + b"%" * 100]))
        return {"data": raw, "content_type": draw(st.sampled_from(
            ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain; charset=utf-7"]))}
    if kind == "json":  # with the CSRF token in its header, as a script would send it
        value = draw(st.sampled_from([{"a": 1}, [1, 2], None, 10**30, "\x00", {"answer": "x"}]))
        payload = {name: value for name in sorted(names)} if names else draw(st.sampled_from([[], "x", 7, {}]))
        return {"json": payload, "headers": {"X-CSRFToken": token}}
    if kind == "oversized":
        return {"data": {"ticket": "x" * (11 * 1024 * 1024)}}
    fields = {}
    for name in draw(st.lists(st.sampled_from(sorted(names) or ["x"]), max_size=8)):
        fields[name] = draw(text_values)
    csrf = draw(st.sampled_from(["valid", "valid", "missing", "wrong"]))
    if csrf == "valid":
        fields["csrf_token"] = token
    elif csrf == "wrong":
        fields["csrf_token"] = draw(st.sampled_from(["forged", token[:-2] + "xx", "", "\x00"]))
    if kind == "upload":
        file_field = draw(st.sampled_from(sorted(names) or ["upload"]))
        filename = draw(st.sampled_from(TRAVERSALS + ["sheet.pdf", "bild.png", "x.svg", "index.html", "ä ö.pdf"]))
        content = draw(st.sampled_from([b"%PDF-1.4 <script>alert(1)</script>", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
                                        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
                                        b"<html><script>alert(1)</script></html>", b""]))
        fields[file_field] = (io.BytesIO(content), filename)
    return {"data": fields}


FILE_INPUTS = set()  # names of the file inputs form_fields saw


def form_fields(app, clients):
    """{(method, action path): field names} of every form on every GET page without arguments,
    anonymous and as admin."""
    forms = {}
    for client in clients:
        for rule in rules(app, methods=["GET"]):
            if rule.arguments:
                continue
            response = client.get(sample_url(app, rule))
            if response.mimetype != "text/html":  # a download (CSV, XLSX) has no forms
                continue
            page = response.get_data(as_text=True)
            for attrs, inner in re.findall(r"<form([^>]*)>(.*?)</form>", page, flags=re.S):
                action = re.search(r'action="([^"]*)"', attrs)
                path = unescape(action.group(1)) if action else rule.rule
                method = "POST" if re.search(r'method="post"', attrs, flags=re.I) else "GET"
                names = set(re.findall(r'<(?:input|select|textarea|button)[^>]*\sname="([^"]+)"', inner))
                forms.setdefault((method, path), set()).update(names - {"csrf_token"})
                for tag in re.findall(r'<input[^>]*type="file"[^>]*>', inner):
                    FILE_INPUTS.add(re.search(r'\sname="([^"]+)"', tag).group(1))
    return forms


@pytest.mark.slow
@FUZZ_SETTINGS
@given(data=st.data())
def test_any_route_with_any_values_and_method_never_fails(app, data):
    clients = {"visitor": app.test_client(), "admin": admin_client(app)}
    token = csrf_token(clients["admin"])
    routes = rules(app)
    rule = data.draw(st.sampled_from(routes), label="rule")
    values = {}
    for name in rule.arguments:
        values[name] = data.draw(st.one_of(
            st.just(str(sample_values(rule)[name])), st.sampled_from(TRAVERSALS + ODD_TEXT[:8]),
            st.integers(-5, 10**20).map(str), st.text(alphabet="abc/.%0f", max_size=20)), label=name)
    url = raw_url(rule, values)
    query = data.draw(st.sampled_from(["", "?range=custom&from=%ff&to=\x00", "?lang=../../x", "?page=-1&size=10**9",
                                       "?next=//evil.example", "?reset=1"]), label="query")
    method = data.draw(st.one_of(st.sampled_from(sorted(rule.methods - {"HEAD", "OPTIONS"})),
                                 st.sampled_from(METHODS)), label="method")
    client = clients[data.draw(st.sampled_from(sorted(clients)), label="who")]
    body = data.draw(bodies(token, []), label="body") if method != "GET" else {}
    before = snapshot(app)
    response = client.open(url + query, method=method, **body)
    check(app, before, response)


@pytest.mark.slow
@FUZZ_SETTINGS
@given(data=st.data())
def test_every_form_with_random_values_never_fails(app, data):
    admin = admin_client(app)
    forms = app.extensions.setdefault("fuzz_forms", None) or form_fields(app, [app.test_client(), admin])
    app.extensions["fuzz_forms"] = forms
    assert any(path.startswith("/admin") for _, path in forms) and ("POST", "/checkin") in forms
    form_method, action = data.draw(st.sampled_from(sorted(forms)), label="form")
    names = sorted(forms[(form_method, action)]) or ["x"]
    before = snapshot(app)
    if form_method == "GET":  # a filter form: random values in the query string
        query = {name: data.draw(text_values, label=name) for name in data.draw(st.lists(st.sampled_from(names)))}
        response = admin.get(action, query_string=query)
    else:
        body = data.draw(bodies(csrf_token(admin), names), label="body")
        method = data.draw(st.sampled_from(["POST", "POST", "POST", "POST", "DELETE"]), label="method")
        response = admin.open(action, method=method, **body)
    check(app, before, response)


def test_path_traversal_reaches_no_file_outside_its_folder(app):
    """Every route with an argument, with every traversal string, as visitor and admin: never the
    app's source, its secret key or its database."""
    with open(os.path.join(app.instance_path, "secret_key"), "w") as f:
        f.write("the-instance-secret")
    clients = [app.test_client(), admin_client(app)]
    for rule in rules(app, methods=["GET"]):
        for name in rule.arguments:
            for attack in TRAVERSALS:
                url = raw_url(rule, {n: attack if n == name else str(sample_values(rule)[n]) for n in rule.arguments})
                for client in clients:
                    response = client.get(url)
                    assert response.status_code < 500, url
                    body = response.get_data()
                    assert b"the-instance-secret" not in body and b"SQLite format 3" not in body, url
                    assert b"def create_app" not in body, url


def test_no_upload_name_writes_outside_the_uploads(app):
    """Hostile file names on every form that takes a file: no file appears outside the instance folder."""
    admin = admin_client(app)
    forms = form_fields(app, [admin])
    token = csrf_token(admin)
    for (method, action), names in forms.items():
        for name in names & FILE_INPUTS if method == "POST" else ():
            for filename in TRAVERSALS:
                data = {"csrf_token": token, name: (io.BytesIO(b"%PDF-1.4\n" + MARKER.encode()), filename)}
                response = admin.post(action, data=data)
                assert response.status_code < 500, (action, name, filename)
    for folder in (ROOT, ROOT / "kiosk", ROOT / "static", Path(app.instance_path).parent, Path("/etc")):
        assert not list(folder.glob(f"{MARKER}*")), folder


@pytest.mark.parametrize("body", [b"\xff\xfe\xfd", b"ticket=\x00&csrf_token=\x00", "ticket=ä".encode("utf-16")])
def test_invalid_utf8_bodies_are_refused_calmly(app, client, body):
    before = snapshot(app)
    for path in ("/checkin", "/checkin/group", "/admin/login"):
        response = client.post(path, data=body, content_type="application/x-www-form-urlencoded; charset=utf-8")
        assert response.status_code == 400 or (path == "/admin/login" and response.status_code == 200)
    assert snapshot(app) == before


# --- faults found by fuzzing from outside (issue 10, "Never a 500") ---------------------------

TOO_LARGE_ID = str(2**63)  # one more than a database integer holds


def test_an_id_beyond_what_the_database_holds_is_a_404_everywhere(app):
    """Every <int:…> argument of every route, anonymous and as admin: 404, never an OverflowError."""
    int_rules = [rule for rule in rules(app) if any(
        isinstance(converter, IntegerConverter) for converter in rule._converters.values())]
    assert len(int_rules) > 15
    clients = [app.test_client(), admin_client(app)]
    for rule in int_rules:
        values = {name: str(value) for name, value in sample_values(rule).items()}
        for name, converter in rule._converters.items():
            if not isinstance(converter, IntegerConverter):
                continue
            url = raw_url(rule, {**values, name: TOO_LARGE_ID})
            method = "GET" if "GET" in rule.methods else "POST"
            for client in clients:
                assert client.open(url, method=method).status_code == 404, (method, url)
    assert app.test_client().get(f"/offers/{2**63 - 1}").status_code == 404  # the largest id: no such entry


@pytest.mark.parametrize("path", ["/language/en", "/display/large-text"])
@pytest.mark.parametrize("target", [
    "/offers\r\nSet-Cookie: x=1", "/\nx", "/\t/evil.example", "/\\evil.example", "//evil.example",
    "https://evil.example/", "/\x7f/x", "javascript:alert(1)", "", "offers",
])
def test_a_hostile_next_goes_home(app, client, path, target):
    token = csrf_token(client)
    response = client.post(path, data={"csrf_token": token, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("path", ["/language/en", "/display/large-text"])
def test_a_local_next_is_followed(client, path):
    response = client.post(path, data={"csrf_token": csrf_token(client), "next": "/offers/?a=1#top"})
    assert response.headers["Location"] == "/offers/?a=1#top"


@pytest.mark.parametrize("host", ["a" * 300, "a" * 64 + ".example", "a" * 300 + ":8080"])
def test_an_overlong_host_header_gets_the_calm_error_page(app, host):
    response = app.test_client().get("/", headers={"Host": host})
    assert response.status_code == 400
    assert "Das hat nicht geklappt" in response.get_data(as_text=True)


def test_deeply_nested_json_is_a_clear_import_error(app):
    nested = b'{"service": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}"
    with app.app_context(), pytest.raises(hsds_read.ImportRejected) as caught:
        hsds_import.import_upload("deep.json", nested)
    assert "verschachtelt" in caught.value.problems[0]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("service.json", b"[" + b"{\"a\":" * 50_000 + b"1" + b"}" * 50_000 + b"]")
    with app.app_context(), pytest.raises(hsds_read.ImportRejected) as caught:
        hsds_import.import_upload("deep.zip", archive.getvalue())
    assert "service.json" in caught.value.problems[0] and "verschachtelt" in caught.value.problems[0]


def test_deeply_nested_json_upload_answers_a_page_with_the_reason(app):
    admin = admin_client(app)
    nested = b"[" * 100_000 + b"]" * 100_000
    response = admin.post("/admin/content/transfer", data={
        "csrf_token": csrf_token(admin), "file": (io.BytesIO(nested), "deep.json")})
    assert response.status_code < 500
    assert "verschachtelt" in response.get_data(as_text=True)


PREFETCHES = [{"Sec-Purpose": "prefetch"}, {"Sec-Purpose": "prefetch;prerender"}, {"Purpose": "prefetch"},
              {"X-Moz": "prefetch"}]


def test_head_and_prefetch_requests_count_no_usage(app):
    with app.app_context():
        content_seed.seed_content()
        crafts.add_demo_craft_sheets()
        sheet = CraftSheet.select().first().id
        service = Service.select().first().id
    urls = ["/activities/sudoku/easy/4/new", "/activities/today/easy", "/activities/maze/hard/15/abc/print",
            f"/activities/crafts/{sheet}", f"/activities/crafts/{sheet}/print", f"/help/{service}",
            f"/help/{service}/qr", f"/help/{service}/slip", "/offers/", "/help/"]
    client = app.test_client()
    before = snapshot(app)
    for url in urls:
        for _ in range(3):
            assert client.head(url).status_code < 400, url
        for headers in PREFETCHES:
            assert client.get(url, headers=headers).status_code < 400, (url, headers)
    assert snapshot(app) == before
    for url in urls:  # a person's GET counts, so the requests above reached the counting views
        client.get(url)
    counted = {metric.split(":")[0] for _, _, metric, *_ in snapshot(app)[0]}
    assert {"activity", "puzzle_printed", "craft_opened", "craft_printed", "service_viewed", "qr_shown",
            "slip_printed"} <= counted


def test_the_admin_client_is_logged_in(app):
    """Without this the fuzzing "as admin" would only ever meet the login page."""
    assert admin_client(app).get("/admin/").status_code == 200
