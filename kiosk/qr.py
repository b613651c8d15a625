"""QR codes for the take-home contacts, rendered with segno and cached.

Why segno with ECI: qrcode 8.2 writes UTF-8 bytes without the ECI marker that says "this is
UTF-8", so readers guess a legacy charset and show umlauts, Turkish and Arabic as garbage.
segno with `eci=True` adds the marker; tests/test_qr.py checks this with the zbarimg decoder.

Sizing on screen: `qr_svg` sets width/height to (modules + 2 × quiet zone) × `scale` px and a
viewBox in module units, so CSS may scale it (e.g. `width: 100%`), keeping the crisp edges. Keep
at least `MIN_SCREEN_SCALE` px per module: a rendered width of at least
`encode(payload).symbol_size(border=QUIET_ZONE)[0] * MIN_SCREEN_SCALE` px.
"""

from __future__ import annotations

import html
import io
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import segno

QUIET_ZONE = 4  # modules of white around the code, as ISO/IEC 18004 asks
MIN_SCREEN_SCALE = 4  # px per module below which phones struggle to read a screen
DEFAULT_SCALE = 8


def version_of(payload: str) -> int | None:
    """The QR version `encode` would use, or None when no QR code can hold the payload."""
    from segno.encoder import DataOverflowError  # segno loads with the first code, as in encode

    try:
        return encode(payload).version
    except DataOverflowError:
        return None


def scale_for_box(payload: str, box_px: int, largest: int = DEFAULT_SCALE) -> int:
    """Whole px per module so the code with its quiet zone fits `box_px`, never below
    MIN_SCREEN_SCALE (callers keep payloads small enough: see offers/takehome.py)."""
    modules = encode(payload).symbol_size(border=QUIET_ZONE)[0]
    return max(MIN_SCREEN_SCALE, min(largest, box_px // modules))


@lru_cache(maxsize=256)
def encode(payload: str) -> segno.QRCode:
    """The QR symbol for `payload` (UTF-8 with ECI marker, full-size QR, error level ≥ M)."""
    if not payload:
        raise ValueError("nothing to encode")
    import segno  # here, not at the kiosk's start: most starts are answered before any QR code

    return segno.make(payload, encoding="utf-8", eci=True, micro=False, error="m")


def size_class(payload: str) -> str:
    """"qr-small" (up to version 5), "qr-medium" (up to 12) or "qr-large": print CSS gives each its
    own size in mm, so a code with more modules prints larger (inline styles are not allowed)."""
    modules = encode(payload).symbol_size(border=QUIET_ZONE)[0]
    return "qr-small" if modules <= 45 else "qr-medium" if modules <= 73 else "qr-large"


@lru_cache(maxsize=256)
def qr_svg(payload: str, label: str, scale: int = DEFAULT_SCALE, css_class: str = "qr") -> str:
    """Inline SVG (no XML declaration, no external references), dark on white, quiet zone 4.

    `label` says what the code holds ("Kontakt Kiez+ speichern"); it becomes both the <title>
    and the aria-label of a role="img" element. Pass a plain str (already translated).
    """
    if not label.strip():
        raise ValueError("a QR code on screen needs a label for screen readers")
    if scale < MIN_SCREEN_SCALE:
        raise ValueError(f"scale {scale} is below {MIN_SCREEN_SCALE} px per module")
    code = encode(payload)
    buffer = io.BytesIO()
    code.save(
        buffer, kind="svg", scale=1, border=QUIET_ZONE, dark="#000", light="#fff",
        xmldecl=False, omitsize=True, nl=False, title=label, svgclass=css_class, lineclass=None,
    )
    svg = buffer.getvalue().decode("utf-8")  # '<svg xmlns=… viewBox="0 0 N N" class=…>…'
    size = code.symbol_size(border=QUIET_ZONE)[0] * scale
    attributes = f'width="{size}" height="{size}" role="img" aria-label="{html.escape(label)}"'
    return svg.replace("<svg ", f"<svg {attributes} ", 1)


@lru_cache(maxsize=64)
def qr_png(payload: str, scale: int = DEFAULT_SCALE) -> bytes:
    """PNG bytes with quiet zone, for print slips and tests; any scale ≥ 1 (print is dense)."""
    buffer = io.BytesIO()
    encode(payload).save(buffer, kind="png", scale=scale, border=QUIET_ZONE, dark="#000",
                         light="#fff")
    return buffer.getvalue()
