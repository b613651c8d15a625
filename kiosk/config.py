"""Defaults for every setting; the instance folder's config.py and KIOSK_* variables override them."""

from datetime import timedelta


class Defaults:
    # None means: an SQLite file in the instance folder (kiosk.sqlite3, or demo.sqlite3 for the demo).
    DATABASE_URL = None
    DEMO = False

    # Visitor side
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    LANGUAGES = ["de", "en", "tr", "ar"]  # the first is the default the idle reset returns to
    IDLE_SECONDS = 90  # back home after this long without a touch ...
    IDLE_WARNING_SECONDS = 10  # ... with a "still there?" notice this long before
    THANKS_SECONDS = 8  # how long the check-in confirmation stays
    SLIP_PAPER = "A4"  # the take-home slip of an offer: "A4" or "A6"
    # Drop-in hour ("Sprechstunde"): weekday (0 = Monday), opens, closes, Berlin time.
    DROPIN_HOURS = [[3, "11:00", "12:30"]]
    # No drop-in hour on this German state's public holidays ("BE": Berlin); "" for none.
    DROPIN_HOLIDAYS = "BE"
    # More check-ins than this within BURST_WINDOW_SECONDS are kept apart as "doubtful".
    BURST_LIMIT = 5
    BURST_WINDOW_SECONDS = 60

    # Staff side
    PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's; the tests' fixtures use a cheap one
    PASSWORD_CHECKS_AT_ONCE = 1  # scrypt hashes running at once; more wait their turn with a 429
    # Password checks per client address (in memory only) in a sliding window (kiosk/login_limits.py) ...
    LOGIN_CLIENT_ATTEMPTS = 10
    LOGIN_CLIENT_WINDOW_SECONDS = 600
    # A client over that limit waits this long for its refusal, at most this many at once (each in
    # a sleeping server thread: keep it below `kiosk serve --threads`; kiosk/staff/login_limits.py).
    LOGIN_REFUSAL_HOLD_SECONDS = 2.0
    LOGIN_REFUSALS_HELD_AT_ONCE = 8
    # ... and per account: after this many failures in a row, a wait that doubles each time.
    LOGIN_FREE_FAILURES = 5
    LOGIN_FIRST_DELAY_SECONDS = 15
    LOGIN_MAX_DELAY_SECONDS = 300
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=30)  # a staff session ends after this long idle
    # Figures that leave the team (the API, exports): an hour's or a day's count below this is
    # shown as "< 3" (kiosk/staff/reports.py small_number); monthly and yearly totals stay exact.
    SMALL_NUMBER_THRESHOLD = 3
    # The figures API (kiosk/staff/api.py): requests per token (or per address without one) in a window.
    API_REQUESTS_PER_WINDOW = 60
    API_WINDOW_SECONDS = 60

    # Security
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the tablet sits idle for hours; its forms must still work
    MAX_CONTENT_LENGTH = 1024 * 1024

    # Backups (kiosk/backup.py): the first request of each day backs the SQLite database up.
    AUTO_BACKUP = True
    BACKUP_DIR = None  # None means instance/backups
    # The report e-mails (kiosk/staff/mail.py, README "The report e-mails"): last week's and last
    # month's figures against a year before, to REPORT_MAIL_TO and the team members who asked for
    # them, through this SMTP server.
    MAIL_SERVER = ""  # e.g. "smtp.example.org"; empty: no e-mail at all
    MAIL_PORT = 587
    MAIL_SECURITY = "starttls"  # "starttls" (port 587), "ssl" (port 465) or "none" (a relay in the house)
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_FROM = ""  # "kiosk@example.org"
    MAIL_TIMEOUT_SECONDS = 20
    REPORT_MAIL_TO = []  # ["team@example.org"]; as a KIOSK_ variable JSON or "a@x.org,b@x.org"
    AUTO_REPORT_MAIL = True  # check at the first request of each day (besides `kiosk send-report`)
    REPORT_MAIL_RETRY_MINUTES = 60  # after a failure, the next try

    # /health answers 503 when less than this is free on the instance folder's disk.
    HEALTH_MIN_FREE_MB = 100
    HEALTH_OK_SECONDS = 5  # an "ok" from /health is kept this long (the tablet asks before every tap)
