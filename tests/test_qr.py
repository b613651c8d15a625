"""QR codes: a real decoder (zbarimg) must read back exactly what was encoded, umlauts included."""

import re
import subprocess

import pytest
import segno

from kiosk.offers.phones import tel_uri
from kiosk.offers.vcard import Contact, Phone, build_vcard
from kiosk.qr import QUIET_ZONE, encode, qr_png, qr_svg

GERMAN = "Müller Straße"
TURKISH = "Kadın Danışma Merkezi, İstanbul Şişli"
ARABIC = "مركز الاستشارة"

MULTILINGUAL_VCARD = build_vcard(
    Contact(
        name="Kiez+ Sprechstunde",
        organisation="Wassertor e.V.",
        phones=(Phone("030 677 960 86"),),
        email="info@wassertor.org",
        street="Oranienstr. 72",
        postcode="10969",
        city="Berlin",
        note=f"Test text, not a real address: {GERMAN}\n{TURKISH}\n{ARABIC}",
    )
)


def zbarimg(png: bytes, tmp_path) -> str:
    """Decode like a phone would: zbar applies the code's ECI charset itself.

    No `-Sbinary`: that would pass the raw bytes through and hide a missing ECI marker.
    `--raw` drops the "QR-Code:" prefix; zbarimg ends each symbol with one newline.
    """
    image = tmp_path / "code.png"
    image.write_bytes(png)
    result = subprocess.run(
        ["zbarimg", "--raw", "-q", str(image)], capture_output=True, check=True, timeout=20
    )
    assert result.stdout.endswith(b"\n")
    return result.stdout[:-1].decode("utf-8")


@pytest.mark.parametrize(
    "payload",
    [
        GERMAN,
        TURKISH,
        ARABIC,
        MULTILINGUAL_VCARD,
        tel_uri("030 677 960 86"),
        "https://www.telefonseelsorge.de",
    ],
    ids=["german", "turkish", "arabic", "vcard", "tel", "https"],
)
def test_zbarimg_reads_back_exactly_the_payload(payload, tmp_path):
    assert zbarimg(qr_png(payload, 4), tmp_path) == payload


def test_without_eci_the_same_reader_garbles_umlauts(tmp_path):
    """Why encode() sets eci=True: without the marker zbar guesses a legacy charset."""
    without_eci = segno.make(GERMAN, encoding="utf-8", eci=False, micro=False, error="m")
    png = tmp_path / "no-eci.png"
    without_eci.save(png, scale=4, border=QUIET_ZONE)
    assert zbarimg(png.read_bytes(), tmp_path) != GERMAN


def test_rendered_codes_are_cached():
    assert encode(GERMAN) is encode(GERMAN)
    first = qr_svg(GERMAN, "Adresse")
    hits_before = qr_svg.cache_info().hits
    assert qr_svg(GERMAN, "Adresse") is first
    assert qr_svg.cache_info().hits == hits_before + 1
    assert qr_png(GERMAN, 4) is qr_png(GERMAN, 4)
    assert qr_svg.cache_info().maxsize is not None  # bounded


def dark_modules_of_svg(svg: str) -> set[tuple[int, int]]:
    """(column, row) of every dark module, read from segno's path "M4 4.5h7m2 0h2m-25 1h1…"."""
    path = re.search(r'<path stroke="#000" d="([^"]+)"', svg)[1]
    dark, x, y = set(), 0.0, 0.0
    for command, numbers in re.findall(r"([Mmh])([-\d. ]+)", path):
        values = [float(value) for value in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:  # h: a horizontal run of dark modules on row int(y)
            dark.update((int(x) + step, int(y)) for step in range(int(values[0])))
            x += values[0]
    return dark


def test_svg_shows_the_code_with_a_quiet_zone_of_four_modules():
    code = encode(TURKISH)
    svg = qr_svg(TURKISH, "Kontakt speichern", scale=6)
    expected = {
        (column, row)
        for row, cells in enumerate(code.matrix_iter(border=QUIET_ZONE))
        for column, is_dark in enumerate(cells)
        if is_dark
    }
    assert dark_modules_of_svg(svg) == expected
    side = code.symbol_size(border=QUIET_ZONE)[0]
    assert min(column for column, _ in expected) == min(row for _, row in expected) == QUIET_ZONE
    assert max(column for column, _ in expected) == side - 1 - QUIET_ZONE
    assert f'viewBox="0 0 {side} {side}"' in svg
    assert f'width="{side * 6}" height="{side * 6}"' in svg
    assert f'<path fill="#fff" d="M0 0h{side}v{side}h-{side}z"/>' in svg  # white background


def test_svg_is_ready_for_inline_html_and_loads_nothing():
    svg = qr_svg(tel_uri("116 117"), 'Nummer "116 117" <wählen>', css_class="qr-code")
    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    assert "<?xml" not in svg
    assert re.findall(r"https?:[^\"'\s]*", svg) == ["http://www.w3.org/2000/svg"]  # xmlns only
    assert "href" not in svg and "url(" not in svg
    assert 'role="img"' in svg and 'class="qr-code"' in svg
    assert 'aria-label="Nummer &quot;116 117&quot; &lt;wählen&gt;"' in svg
    assert "<title>Nummer \"116 117\" &lt;wählen&gt;</title>" in svg


def test_refuses_what_would_not_work_on_screen():
    with pytest.raises(ValueError, match="label"):
        qr_svg(GERMAN, " ")
    with pytest.raises(ValueError, match="px per module"):
        qr_svg(GERMAN, "Adresse", scale=3)
    with pytest.raises(ValueError, match="nothing to encode"):
        encode("")


def test_png_is_a_png():
    assert qr_png(GERMAN, 4).startswith(b"\x89PNG\r\n\x1a\n")


# --- sized to the box, and a vCard that always fits (issue 15) --------------------------------


def test_scale_for_box_fills_the_box_with_whole_pixels_but_never_below_four():
    from kiosk.qr import MIN_SCREEN_SCALE, encode, scale_for_box

    small, large = "tel:116117", "x" * 600
    assert scale_for_box(small, 440, 6) == 6  # a small code stops at the largest scale asked for
    modules = encode(large).symbol_size(border=4)[0]
    assert scale_for_box(large, 440, 6) == max(MIN_SCREEN_SCALE, 440 // modules)
    assert scale_for_box("x" * 2000, 100, 6) == MIN_SCREEN_SCALE


def test_size_classes_follow_the_module_count():
    from kiosk.qr import size_class

    assert size_class("tel:116117") == "qr-small"
    assert size_class("x" * 150) == "qr-medium"
    assert size_class("x" * 600) == "qr-large"


def test_a_vcard_too_large_for_any_code_gets_lighter_until_it_fits():
    from kiosk.offers.takehome import MAX_VCARD_VERSION, fitting_vcard, lighter
    from kiosk.qr import encode, version_of

    contact = Contact(name="ش" * 200, organisation="ç" * 200, phones=tuple(
        Phone(f"030 123 456 {row:02d}") for row in range(20)), email="a" * 240 + "@example.org",
        street="ß" * 200, postcode="10969", city="ü" * 100, url="https://example.org/" + "a" * 470,
        note="Mo 09:00–12:00, 13:00–17:00\n" * 7)
    assert version_of(build_vcard(contact)) is None  # no QR code holds it whole
    text = fitting_vcard(contact)
    assert encode(text).version <= MAX_VCARD_VERSION
    unfolded = text.replace("\r\n ", "")
    assert "TEL;TYPE=WORK,VOICE:+493012345600" in unfolded and "FN:" + "ش" * 49 + "…\r\n" in unfolded
    ordinary = Contact(name="Kiez+ Sprechstunde", phones=(Phone("030 677 960 86"),), note="Do 11:00–12:30")
    assert fitting_vcard(ordinary) == build_vcard(ordinary)  # an ordinary entry keeps everything
    assert len(list(lighter(ordinary))) == 4
