"""Ruled tables on scanned pages: grids from the rules, rows written as " | " lines."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from extractors import ocr, ocr_tables
from extractors.ocr import ocr_image
from extractors.tesseract import TessWord

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
ROWS = [["No", "Nama", "Kewarganegaraan", "No. Paspor"],
        ["1", "BORIS KALENOV", "Rusia", "R7731902"],
        ["2", "ANNA MEIER", "Jerman", "C4410287"],
        ["3", "LI QIANG", "RRT", "E9025514"]]
COLS = (150, 350, 1050, 1650, 2150)
TOP, ROW_HEIGHT = 900, 110


def draw_table(rows: list[list[str]] = ROWS) -> Image.Image:
    """An A4 page at 300 dpi with a ruled table of `rows` and a line of text above it."""
    page = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, 42)
    draw.text((150, 700), "Daftar orang asing yang diperiksa:", font=font, fill=0)
    bottom = TOP + ROW_HEIGHT * len(rows)
    for r in range(len(rows) + 1):
        draw.line([(COLS[0], TOP + r * ROW_HEIGHT), (COLS[-1], TOP + r * ROW_HEIGHT)],
                  fill=0, width=4)
    for x in COLS:
        draw.line([(x, TOP), (x, bottom)], fill=0, width=4)
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            draw.text((COLS[c] + 25, TOP + r * ROW_HEIGHT + 30), cell, font=font, fill=0)
    return page


def word(text: str, left: int, top: int, *, block: int = 1, line: int = 1) -> TessWord:
    return TessWord(text=text, left=left, top=top, width=20 * len(text), height=40,
                    conf=90.0, block=block, par=1, line=line)


def test_ocr_tables_find_rows_and_columns() -> None:
    tables = ocr_tables.find_tables(np.array(draw_table()))
    assert len(tables.grids) == 1
    grid = tables.grids[0]
    assert (len(grid.rows) - 1, len(grid.cols) - 1) == (4, 4)
    assert abs(grid.cols[1] - COLS[1]) <= 4 and abs(grid.rows[1] - TOP - ROW_HEIGHT) <= 4
    assert tables.rules is not None and tables.erase(np.array(draw_table())).min() == 0


def test_ocr_tables_none_on_a_page_of_text() -> None:
    page = Image.new("L", (2480, 3508), 255)
    ImageDraw.Draw(page).text((150, 700), "Tidak ada tabel di sini.",
                              font=ImageFont.truetype(FONT, 42), fill=0)
    assert ocr_tables.find_tables(np.array(page)).grids == []


def test_ocr_tables_page_builder_writes_rows_with_offsets() -> None:
    grid = ocr_tables.Grid(rows=(100, 200, 300), cols=(0, 100, 400))
    words = [word("Daftar", 0, 20, line=1), word("orang", 150, 20, line=1),
             # tesseract reads the table column by column; a name wraps in its cell
             word("No", 10, 130, block=2), word("1", 10, 230, block=2, line=2),
             word("Nama", 110, 130, block=3), word("BORIS", 110, 210, block=3, line=2),
             word("KALENOV", 110, 255, block=3, line=3),
             word("Selesai.", 0, 350, block=4)]
    attempt = ocr.Attempt(words=words, quality=ocr.Quality(8, 90.0, 1.0, 1.0, 10.0),
                          size=(500, 400), rotation=0, skew=0.0)
    page = ocr.build_page(attempt, [grid])
    assert page.text == "Daftar orang\n\nNo | Nama\n1 | BORIS KALENOV\n\nSelesai."
    assert [w.line for w in page.words] == [0, 0, 1, 1, 2, 2, 2, 3]
    for box in page.words:
        assert page.text[box.start : box.start + len(box.text)] == box.text


def test_ocr_tables_page_builder_keeps_empty_cells() -> None:
    grid = ocr_tables.Grid(rows=(0, 100, 200), cols=(0, 100, 200, 300))
    words = [word("A", 10, 30), word("C", 210, 30), word("B", 110, 130, line=2)]
    attempt = ocr.Attempt(words=words, quality=ocr.Quality(3, 90.0, 1.0, 1.0, 3.0),
                          size=(300, 200), rotation=0, skew=0.0)
    assert ocr.build_page(attempt, [grid]).text == "A |  | C\n | B | "


@pytest.mark.slow
def test_ocr_tables_scanned_table_reads_as_rows() -> None:
    page = ocr_image(draw_table(), dpi=300)
    lines = page.text.splitlines()
    assert "No | Nama | Kewarganegaraan | No. Paspor" in lines
    rows = [line.split(" | ") for line in lines if line.count(" | ") == 3]
    assert [row[1] for row in rows] == [row[1] for row in ROWS]
    assert [row[2] for row in rows[1:]] == ["Rusia", "Jerman", "RRT"]
    for box in page.words:
        assert page.text[box.start : box.start + len(box.text)] == box.text


def test_ocr_tables_rule_remains_leave_the_cells() -> None:
    grid = ocr_tables.Grid(rows=(0, 100), cols=(0, 100, 200))
    words = [word("|", 95, 30), word("|Nama", 110, 30), word("—", 10, 30), word("No", 20, 30)]
    attempt = ocr.Attempt(words=words, quality=ocr.Quality(4, 90.0, 1.0, 1.0, 3.0),
                          size=(200, 100), rotation=0, skew=0.0)
    page = ocr.build_page(attempt, [grid])
    assert page.text == "No | Nama"
    assert [(w.text, page.text[w.start : w.start + len(w.text)]) for w in page.words] == [
        ("No", "No"), ("Nama", "Nama")]
