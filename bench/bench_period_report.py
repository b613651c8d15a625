"""The funder's period report over a three-year period, with five years of counts in the database.

Goal: the report page renders in under 200 ms server time at p95. Measured through the Flask test
client (no network, logged in), median and p95 of repeated requests, by the wall clock and by this
process's CPU time (steadier on a machine busy with other work), beside a trivial route and History
over one year in the same run (ratios against the trivial route).

    .venv/bin/python bench/bench_period_report.py
"""

import random
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_history import REPEATS, TODAY, YEARS, logged_in_client, synthetic_rows, timings  # noqa: E402  (the same five years of counts)

from kiosk import create_app  # noqa: E402
from kiosk.db import database  # noqa: E402
from kiosk.migrations import create_tables  # noqa: E402
from kiosk.models import WHOLE_DAY, Activity, Count, FundingPeriod, Target  # noqa: E402
from kiosk.security import create_staff  # noqa: E402
from kiosk.staff.reports import FUNDER_METRICS  # noqa: E402

PERIOD_FIRST, PERIOD_LAST = date(2025, 1, 1), date(2027, 12, 31)  # three years, today inside


def staff_rows(rng):
    """The team's own entries: outreach and Kaffeeklatsch twice a week, referrals, digital help."""
    first = TODAY - timedelta(days=365 * YEARS)
    for offset in range(0, (TODAY - first).days + 1, 3):
        day = first + timedelta(days=offset)
        for metric in ("manual:outreach", "manual:kaffeeklatsch", "manual:referrals", "manual:digital_help"):
            yield {"day": day, "hour": WHOLE_DAY, "metric": metric, "source": "staff", "flag": "",
                   "value": rng.randint(1, 12)}


def reach_rows(rng):
    """The screen language of every check-in hour and the optional age answers (issue 16's reach)."""
    first = TODAY - timedelta(days=365 * YEARS)
    for offset in range((TODAY - first).days + 1):
        day = first + timedelta(days=offset)
        for hour in range(9, 18):
            metrics = {"language:de": rng.randint(0, 4), "language:tr": rng.randint(0, 2),
                       "language:ar": rng.randint(0, 2), "language:en": rng.randint(0, 1)}
            metrics.update({f"age:{band}": rng.randint(0, 1) for band in ("child", "adult", "senior")})
            for metric, value in metrics.items():
                yield {"day": day, "hour": hour, "metric": metric, "source": "kiosk", "flag": "", "value": value}


def activities(rng):
    first = TODAY - timedelta(days=365 * YEARS)
    kinds = ("kaffeeklatsch", "outreach", "workshop", "dropin")
    return [{"day": first + timedelta(days=offset), "kind": rng.choice(kinds), "participants": rng.randint(0, 20),
             "note": "Beispiel"} for offset in range(0, (TODAY - first).days + 1, 3)]


def main():
    folder = tempfile.mkdtemp(dir=ROOT / "bench")
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{folder}/report.sqlite3"},
                     instance_path=folder)
    app.add_url_rule("/bench-trivial", "bench_trivial", lambda: "ok")
    rng = random.Random(16)
    with app.app_context():
        create_tables()
        create_staff("bench", "a long bench password")
        rows = list(synthetic_rows(random.Random(5))) + list(staff_rows(rng)) + list(reach_rows(random.Random(6)))
        with database.atomic():
            for start in range(0, len(rows), 500):
                Count.insert_many(rows[start:start + 500]).execute()
            Activity.insert_many(activities(rng)).execute()
            period = FundingPeriod.create(name="Beispiel 2025–2027", first=PERIOD_FIRST, last=PERIOD_LAST,
                                          results="Beispieltext. " * 40)
            for number, metric in enumerate(FUNDER_METRICS):  # every metric a target, some twice
                Target.create(period=period, metric=metric, amount=900 + number, per="year")
                if number % 3 == 0:
                    Target.create(period=period, metric=metric, amount=80, per="month")
        stored, held, targets = Count.select().count(), Activity.select().count(), Target.select().count()
        period_id = period.id
    client = logged_in_client(app)

    print(f"{stored} count rows and {held} activities over {YEARS} years; a 3-year period with "
          f"{targets} targets; {REPEATS} requests each")
    trivial = timings(client, "/bench-trivial")
    trivial_cpu = timings(client, "/bench-trivial", time.process_time)
    print(f"{'page':40} | median ms | p95 ms | median / trivial | CPU median ms | CPU p95 ms | CPU / trivial")
    print(f"{'trivial route':40} | {trivial[0]:9.2f} | {trivial[1]:6.2f} | {1:16.0f} | {trivial_cpu[0]:13.2f} |"
          f" {trivial_cpu[1]:10.2f} | {1:13.0f}")
    verdict = 0
    for label, url in (
        ("period report (goal p95 < 200 ms)", f"/admin/funding/{period_id}/report"),
        ("period report as XLSX", f"/admin/funding/{period_id}/report.xlsx"),
        ("history, one year (baseline)", "/admin/history?range=custom&from=2025-11-26&to=2026-11-25"),
        ("history as XLSX, one year", "/admin/history.xlsx?range=custom&from=2025-11-26&to=2026-11-25"),
    ):
        median, p95 = timings(client, url)
        cpu_median, cpu_p95 = timings(client, url, time.process_time)
        print(f"{label:40} | {median:9.2f} | {p95:6.2f} | {median / trivial[0]:16.0f} | {cpu_median:13.2f} |"
              f" {cpu_p95:10.2f} | {cpu_median / trivial_cpu[0]:13.0f}")
        if "goal" in label and p95 >= 200:
            verdict = 1
    shutil.rmtree(folder)
    return verdict


if __name__ == "__main__":
    sys.exit(main())
