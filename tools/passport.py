"""Passport data pages made up for tests and benchmarks: printed fields, a photo box and a
valid machine-readable zone (generated with the `mrz` package), as a 300 dpi page image.

`passport_zone` gives the two TD3 lines; `render_passport_page` draws a data page as a
copy clipped into a letter would show it.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OCR_B = Path("/usr/share/fonts/opentype/ocr-b/OCRB.otf")  # Debian package fonts-ocr-b
SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def passport_zone(
    *,
    country: str,
    surname: str,
    given_names: str,
    number: str,
    birth: str,  # YYMMDD
    sex: str,
    expiry: str,  # YYMMDD
) -> list[str]:
    """The two 44-character lines of a passport's zone, check digits computed."""
    from mrz.generator.td3 import TD3CodeGenerator

    code = TD3CodeGenerator("P", country, surname, given_names, number, country, birth, sex,
                            expiry, "")  # fmt: skip
    return str(code).splitlines()


def render_passport_page(lines: list[str], fields: dict[str, str]) -> Image.Image:
    """A passport data page at 300 dpi: the printed fields, a photo box and the zone."""
    image = Image.new("L", (2480, 1700), 255)
    draw = ImageDraw.Draw(image)
    label = ImageFont.truetype(str(SANS), 34)
    value = ImageFont.truetype(str(SANS), 46)
    draw.text((150, 120), "PASSPORT / PASSEPORT", font=value, fill=0)
    draw.rectangle((150, 260, 650, 900), outline=0, width=4, fill=200)
    y = 260
    for name, text in fields.items():
        draw.text((760, y), name, font=label, fill=60)
        draw.text((760, y + 42), text, font=value, fill=0)
        y += 120
    zone = ImageFont.truetype(str(OCR_B), 44)
    for row, line in enumerate(lines):
        draw.text((150, 1300 + 70 * row), line, font=zone, fill=0)
    image.info["dpi"] = (300, 300)
    return image
