#!/usr/bin/env bash
# A built wheel runs the app on its own: build it, install it with the pinned dependencies into a
# fresh venv outside the source tree, start `kiosk serve` and fetch the start screen, a stylesheet
# and a staff page from it. Run by .ci/run after `make test` (the catalogs are compiled by then).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill "${server:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

.venv/bin/pip wheel --quiet --no-deps --no-build-isolation --wheel-dir "$work/dist" .
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --require-hashes -r requirements.lock
"$work/venv/bin/pip" install --quiet --no-deps "$work"/dist/*.whl

cd "$work"   # nothing from the source tree on the path
export KIOSK_SECRET_KEY=wheel-check KIOSK_AUTO_BACKUP=false
KIOSK_STAFF_PASSWORD="a long wheel password" "$work/venv/bin/kiosk" add-staff wheel >/dev/null
"$work/venv/bin/kiosk" serve --host 127.0.0.1 --port 8765 >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -fs -o /dev/null http://127.0.0.1:8765/health && break; sleep 0.2; done

fetch() { curl -fsS --cookie-jar "$work/cookies" --cookie "$work/cookies" "$@"; }
fetch http://127.0.0.1:8765/ | grep -q 'Kiez+' || { echo "wheel: no start screen"; exit 1; }
token() { fetch "$1" | sed -n 's/.*name="csrf_token" type="hidden" value="\([^"]*\)".*/\1/p' | head -1; }
fetch -o /dev/null -H 'Referer: http://127.0.0.1:8765/' --data-urlencode "csrf_token=$(token http://127.0.0.1:8765/)" \
  http://127.0.0.1:8765/language/tr
fetch http://127.0.0.1:8765/ | grep -q 'Hoş geldiniz' || { echo "wheel: no Turkish catalog"; exit 1; }
fetch -o /dev/null http://127.0.0.1:8765/static/css/kiosk.css || { echo "wheel: no static files"; exit 1; }
# Log in (a busy machine may answer "another login is being checked": try again), then a staff page.
for attempt in 1 2 3; do
  fetch -o "$work/login.html" -H 'Referer: http://127.0.0.1:8765/admin/login' \
    --data-urlencode "csrf_token=$(token http://127.0.0.1:8765/admin/login)" --data-urlencode username=wheel \
    --data-urlencode "password=a long wheel password" http://127.0.0.1:8765/admin/login || true
  fetch http://127.0.0.1:8765/admin/ 2>/dev/null | grep -q 'Abmelden' && break
  [ "$attempt" = 3 ] && { echo "wheel: no staff page after login:"; grep -o '<p class="error-message"[^<]*' "$work/login.html"
                          tail -20 "$work/serve.log"; exit 1; }
  sleep 3
done
echo "wheel: $(basename "$work"/dist/*.whl) serves the start screen, static files, catalogs and a staff page"
