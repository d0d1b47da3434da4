"""Scanned tables read like born-digital ones: fax pages, phone photos, straight rules."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from extractors import ocr_tables
from extractors import preprocess as pp
from extractors.ocr import ocr_image
from tools import scansim

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
ROWS = [["No", "Nama", "Kewarganegaraan", "No. Paspor"],
        ["1", "BORIS KALENOV", "Rusia", "R7731902"],
        ["2", "ANNA MEIER", "Jerman", "C4410287"],
        ["3", "LI QIANG", "RRT", "E9025514"],
        ["4", "PETER WANMA", "Papua Nugini", "P5518203"]]
COLS = (200, 330, 1000, 1560, 2100)
TOP, ROW_HEIGHT = 900, 90


def table_page(rows: list[list[str]] = ROWS, *, streak: bool = False) -> Image.Image:
    """An A4 page at 300 dpi: two lines of text and a ruled table of `rows` (11 pt type)."""
    page = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, 46)
    draw.text((200, 600), "Berikut data orang asing yang diperiksa petugas:", font=font, fill=0)
    draw.text((200, 680), "Pemeriksaan dilakukan di kantor imigrasi.", font=font, fill=0)
    bottom = TOP + ROW_HEIGHT * len(rows)
    for r in range(len(rows) + 1):
        y = TOP + r * ROW_HEIGHT
        draw.line([(COLS[0], y), (COLS[-1], y)], fill=0, width=5)
    for x in COLS:
        draw.line([(x, TOP), (x, bottom)], fill=0, width=5)
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            draw.text((COLS[c] + 20, TOP + r * ROW_HEIGHT + 20), cell, font=font, fill=0)
    if streak:  # a line across the table at a slant, as a fax streak is after deskewing
        draw.line([(100, TOP + 2 * ROW_HEIGHT - 30), (2300, TOP + 2 * ROW_HEIGHT + 40)],
                  fill=0, width=3)
    page.info["dpi"] = (300, 300)
    return page


def table_lines(text: str, columns: int) -> list[list[str]]:
    return [line.split(" | ") for line in text.splitlines() if line.count(" | ") == columns - 1]


def test_ocr_scans_slanted_streak_does_not_merge_rows() -> None:
    tables = ocr_tables.find_tables(np.array(table_page(streak=True)))
    assert len(tables.grids) == 1
    grid = tables.grids[0]
    assert len(grid.rows) == len(ROWS) + 1
    for r, y in enumerate(grid.rows):
        assert abs(y - (TOP + r * ROW_HEIGHT)) <= 4


def test_ocr_scans_page_outline_only_on_photos() -> None:
    flat = np.array(table_page())
    assert pp.find_page_quad(flat) is None
    fax = np.array(scansim.degrade(table_page(), "fax", seed=3).convert("L"))
    assert pp.find_page_quad(fax) is None
    photo = np.array(scansim.degrade(table_page(), "photo", seed=3).convert("L"))
    quad = pp.find_page_quad(photo)
    assert quad is not None
    # Each corner moved inwards by at most 4 % of the page (the photo profile).
    expected = np.array([(0, 0), (1, 0), (1, 1), (0, 1)], dtype=np.float32)
    assert np.abs(quad - expected).max() <= 0.06
    assert pp.flatten_light(flat, 300) is None


@pytest.mark.slow
def test_ocr_scans_fax_table_reads_as_rows() -> None:
    fax = scansim.degrade(table_page(), "fax", seed=5)
    page = ocr_image(fax)
    rows = table_lines(page.text, 4)
    assert [row[1] for row in rows] == [row[1] for row in ROWS]
    assert [row[0] for row in rows[1:]] == ["1", "2", "3", "4"]
    assert [row[2] for row in rows[1:]] == [row[2] for row in ROWS[1:]]
    for box in page.words:
        assert page.text[box.start : box.start + len(box.text)] == box.text


@pytest.mark.slow
def test_ocr_scans_photographed_page_is_rectified_and_its_table_found() -> None:
    photo = scansim.degrade(table_page(), "photo", seed=7)
    page = ocr_image(photo)
    assert any(step.startswith("rectify:") for step in page.steps)
    assert "flatten_light" in page.steps
    assert any(step.startswith("tables:") for step in page.steps)
    rows = table_lines(page.text, 4)
    assert [row[1] for row in rows] == [row[1] for row in ROWS]
    assert "Berikut data orang asing yang diperiksa petugas:" in page.text.splitlines()


def test_ocr_scans_fax_specks_go_full_stops_stay() -> None:
    page = np.full((300, 300), 255, dtype=np.uint8)
    page[50:52, 50:52] = 0  # a fax speck (one pixel at 150 dpi)
    page[100:105, 100:105] = 0  # a full stop
    page[200:240, 150:154] = 0  # a stem
    clean = pp.despeckle(page, 300)
    assert clean[50:52, 50:52].min() == 255
    assert clean[100:105, 100:105].max() == 0 and clean[200:240, 150:154].max() == 0
    assert pp.is_bilevel(page) and not pp.is_bilevel(np.full((300, 300), 238, np.uint8))
