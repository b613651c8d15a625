"""The funder's period report printed by Chromium to an A4 PDF, read back with pdftotext."""

import re
import subprocess
from datetime import date, timedelta

import pytest
from flask import g
from playwright.sync_api import expect

from kiosk.checkin import counting, wishes
from kiosk.models import FundingPeriod, Poll, PollAnswer, Target
from kiosk.staff import activity_kinds

pytestmark = pytest.mark.browser


@pytest.fixture
def period(live_app):
    """A three-year period that began before the kiosk was used (first counts in March 2025)."""
    with live_app.test_request_context():
        g.staff = None
        period = FundingPeriod.create(
            name="Beispiel: QM-Projektfonds 2025–2027", funder="Beispiel-Quartiersmanagement",
            first=date(2025, 1, 1), last=date(2027, 12, 31),
            results="Die Sprechstunde ist im Kiez bekannt geworden.",
            deviations="Im August 2026 war das Büro drei Wochen geschlossen.")
        for metric, amount, per in (("visits", 900, "year"), ("first_visits", 150, "year"),
                                    ("outreach", 40, "month"), ("kaffeeklatsch_sessions", 60, "period")):
            Target.create(period=period, metric=metric, amount=amount, per=per)
        day = date(2025, 3, 6)
        while day <= date(2026, 11, 19):
            counting.increment("people", 18, day=day, hour=11)
            counting.increment("first_visit:yes", 3, day=day, hour=11)
            counting.add_to_buckets({"checkin": 18, "language:de": 11, "language:tr": 4, "language:ar": 3,
                                     "age:adult": 5, "age:senior": 1}, day=day, hour=11)
            day += timedelta(weeks=1)
        counting.increment("checkin", 2, day=date(2026, 11, 12), hour=11, flag=counting.DOUBTFUL)
        for week in range(20):
            activity_kinds.record_activity(date(2026, 4, 7) + timedelta(weeks=week), "outreach", 9, "")
        activity_kinds.record_activity(date(2026, 5, 20), "kaffeeklatsch", 7, "Hof Oranienstraße")
        rating = Poll.create(question="Wie gefällt euch die Sprechstunde?", first=date(2026, 10, 1),
                             last=date(2026, 10, 31), rating=True)
        for position, ((pictogram, word), count) in enumerate(zip(wishes.RATING_SCALES[5], (1, 2, 5, 14, 18)), 1):
            answer = PollAnswer.create(poll=rating, position=position, pictogram=pictogram, word=word)
            counting.increment(f"poll_answer:{answer.id}", count, day=date(2026, 10, 8), hour=11)
        return period.id


def login(page, server):
    page.goto(f"{server}/admin/login")
    page.get_by_label("Name").fill("anna")
    page.get_by_label("Passwort").fill("a long test password")
    page.get_by_role("button", name="Anmelden").tap()
    expect(page).to_have_url(f"{server}/admin/")


def test_the_period_report_prints_to_a4(page, server, period, tmp_path):
    login(page, server)
    page.get_by_role("link", name="Förderbericht").first.click()
    page.get_by_role("link", name="Bericht", exact=True).tap()
    expect(page.get_by_role("heading", name="Beispiel: QM-Projektfonds 2025–2027", level=1)).to_be_visible()
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = re.sub(r"\s+", " ", text)
    assert "Bericht für den Fördermittelgeber, erstellt am 19.11.2026" in flat
    assert "Ziel 900 Besuche im Jahr 2026: 846 bis zum 19.11.2026, auf Kurs" in flat
    assert "Ziel 40 Kontakte unterwegs im Monat (1.440 im ganzen Zeitraum): 180 bis zum 19.11.2026, hinter dem Plan" in flat
    assert "Dienstag im Kiez (unterwegs) 20 180" in flat
    assert "Hof Oranienstraße" in flat and "Im August 2026 war das Büro drei Wochen geschlossen." in flat
    assert "Besuche, nicht Personen" in flat and "Eine Gruppe zählt mit ihrer Größe" in flat
    assert "2 zweifelhafte Check-ins" in flat
    assert "dem 06.03.2025, dem ersten Tag mit Zahlen" in flat
    # 90 Thursdays from 06.03.2025 to 19.11.2026, 18 check-ins each: 11 German, 4 Turkish, 3 Arabic.
    assert "Wen wir erreichen" in flat
    unbroken = re.sub(r"-\s+", "-", flat)  # "Check-" at a line's end, "ins" on the next
    assert ("Von 1.620 Check-ins waren 61 % auf Deutsch und 39 % in einer anderen Sprache (630 Check-ins): "
            "22 % auf Türkisch und 17 % auf Arabisch.") in unbroken
    assert "Die freiwillige Altersfrage haben 540 von 1.620 Check-ins (33 %) beantwortet." in unbroken
    assert "Türkisch 360 22 %" in flat and "65 und älter 90 17 %" in flat
    assert "sagt nichts über Herkunft" in flat
    assert "Wie die Zielgruppe das Angebot bewertet" in flat and "„Wie gefällt euch die Sprechstunde?“" in flat
    assert "40 Stimmen vom 01.10.2026 bis 31.10.2026. Am häufigsten: „sehr gut“ (18 von 40)." in flat
    assert "Im Durchschnitt 4,2 auf der Skala von 1 („gar nicht gut“) bis 5 („sehr gut“)." in flat
    assert re.search(r"5 sehr gut 18 45 %", flat) and re.search(r"Zusammen 40 100 %", flat)
    for screen_only in ("Bericht drucken", "XLSX herunterladen", "Abmelden", "Menü"):
        assert screen_only not in flat
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+595(\.\d+)? x 842", info)  # A4
