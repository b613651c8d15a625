"""The XLSX downloads as a German LibreOffice shows them: opened by LibreOffice itself (Debian's
``soffice``, headless, set to German) and saved as CSV with every cell as shown, so the test reads
what a social worker sees, not what openpyxl wrote. Without ``soffice`` these tests fail."""

import csv
import subprocess
from datetime import date

import pytest

from kiosk.checkin import counting
from tests.test_funding import add_period, add_target, period_id

# LibreOffice's CSV filter: ";" between fields, '"' around text, UTF-8, from line 1, German, cells
# as shown (the 9th token) and every sheet in a file of its own (the 12th, -1).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):59,34,76,1,,1031,false,true,true,false,false,-1"
# A profile whose locale is German, as the office's LibreOffice is. (The process's own locale stays
# C.UTF-8, which every machine has and which lets LibreOffice write sheet names like "Aktivitäten".)
GERMAN_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">
<value>de-DE</value></prop></item>
</oor:items>
"""


def shown_by_libreoffice(tmp_path, name, data):
    """{sheet name: rows of the cells as LibreOffice shows them} for an XLSX file's bytes."""
    book = tmp_path / f"{name}.xlsx"
    book.write_bytes(data)
    out, profile = tmp_path / "shown", tmp_path / "profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(GERMAN_PROFILE, encoding="utf-8")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{profile}",
                    "--convert-to", CSV_FILTER, "--outdir", str(out), str(book)],
                   env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LC_ALL": "C.UTF-8"},
                   check=True, capture_output=True, timeout=180)
    sheets = {}
    for path in sorted(out.glob(f"{name}-*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            sheets[path.stem.removeprefix(f"{name}-")] = list(csv.reader(handle, delimiter=";"))
    return sheets


@pytest.mark.slow
def test_history_opens_in_libreoffice_with_german_dates_and_numbers(app, client, auth, tmp_path):
    with app.app_context():
        counting.increment("people", 1234, day=date(2026, 1, 8), hour=11)
        counting.increment("language:tr", 3, day=date(2026, 1, 8), hour=11)
    auth.login()
    response = client.get("/admin/history.xlsx?range=custom&from=2026-01-05&to=2026-02-11")
    sheets = shown_by_libreoffice(tmp_path, "history", response.data)
    assert {"Pro Tag", "Pro Monat"} <= set(sheets)
    days = sheets["Pro Tag"]
    header, thursday = days[0], days[4]
    assert thursday[:3] == ["08.01.2026", "Donnerstag", "1.234"]  # a German date and thousands point
    assert thursday[header.index("Sprache: Türkisch")] == "3"
    assert len(days) == 1 + 38
    assert sheets["Pro Monat"][1][:2] == ["01.2026", "1.234"]


@pytest.mark.slow
def test_the_period_report_opens_in_libreoffice_on_every_sheet(app, client, auth, tmp_path):
    auth.login()
    add_period(client)
    pid = period_id(app)
    add_target(client, pid, "visits", "1500", "year")
    with app.app_context():
        counting.increment("people", 1200, day=date(2026, 2, 5), hour=11)
    response = client.get(f"/admin/funding/{pid}/report.xlsx")
    sheets = shown_by_libreoffice(tmp_path, "report", response.data)
    assert set(sheets) == {"Ziele", "Pro Monat", "Aktivitäten", "Aktivitäten nach Art", "Reichweite pro Monat",
                           "Bewertungen", "Bewertungen je Antwort", "Bericht"}
    goals = dict(zip(sheets["Ziele"][0], sheets["Ziele"][1]))
    assert (goals["Ziel"], goals["Anzahl"], goals["bisher"]) == ("Besuche", "1.500", "1.200")
    assert goals["In Worten"].startswith("Ziel 1.500 Besuche im Jahr 2026: 1.200 bis zum 19.11.2026")
    # 1,500 a year shared by the days: 28/365 of it in February, shown with a decimal comma.
    february = dict(zip(sheets["Pro Monat"][0], sheets["Pro Monat"][2]))
    assert (february["Monat"], february["Soll"], february["Ist"]) == ("02.2026", "115,1", "1.200")
