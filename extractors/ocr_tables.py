"""Ruled tables on a scanned page: their grids, and their words as " | " rows.

Tesseract reads a table in its own block order, column after column, so a table's rows
are lost. The ruling lines are found here with OpenCV (morphological opening with long
thin kernels); each table is a grid of row and column boundaries in page pixels. Words
whose centre falls in a grid are placed in its cells and written one row per line, cells
joined by " | ", the convention born-digital tables already follow.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import cv2
import numpy as np

from extractors import preprocess as pp
from extractors.tesseract import TessWord

MAX_SIDE = 2000  # pages are searched for lines at most this large (pixels)
MAX_LINES = 200  # a grid with more boundaries than this is noise, not a table
MIN_LINE_SHARE = 0.6  # a boundary runs along this share of its table's width or height
MIN_PIECE_SHARE = 0.15  # a piece of a broken rule is at least this share of the table
RULE_BAND = 2  # rows (at the search size) a straight rule may drift along its length
CELL_SEPARATOR = " | "
RULE_MARKS = "|[]{}()!—–-_~=.,:;'\"`”“‘’»«"  # what tesseract makes of a rule's remains


@dataclass(frozen=True)
class Grid:
    """One ruled table: y of its horizontal lines and x of its vertical lines, ascending."""

    rows: tuple[int, ...]
    cols: tuple[int, ...]

    def cell(self, x: float, y: float) -> tuple[int, int] | None:
        """(row, column) of the cell holding the point, or None outside the grid."""
        r, c = bisect_right(self.rows, y) - 1, bisect_right(self.cols, x) - 1
        if 0 <= r < len(self.rows) - 1 and 0 <= c < len(self.cols) - 1:
            return r, c
        return None


# --------------------------------------------------------------------------- grids


def binarize(gray: np.ndarray) -> np.ndarray:
    """Ink as 255 on 0; adaptive, so uneven light on photographed pages does not matter."""
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C,
                                 cv2.THRESH_BINARY_INV, 25, 15)


def extract_lines(ink: np.ndarray, horizontal: bool) -> np.ndarray:
    """Long straight lines in one direction; short gaps (fax, slight skew) are bridged."""
    h, w = ink.shape
    along = max(15, w // 25) if horizontal else max(15, h // 40)
    bridge, kernel = ((3, 1), (along, 1)) if horizontal else ((1, 3), (1, along))
    joined = cv2.morphologyEx(ink, cv2.MORPH_CLOSE,
                              cv2.getStructuringElement(cv2.MORPH_RECT, bridge))
    lines = cv2.morphologyEx(joined, cv2.MORPH_OPEN,
                             cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
    # A line that drifts by a pixel over its length stays one line.
    return cv2.dilate(lines, np.ones((3, 3), np.uint8))


def rule_runs(lines: np.ndarray, box: tuple[int, int, int, int], horizontal: bool,
              min_gap: int) -> list[tuple[int, int]]:
    """Rows (or columns) of a region (x, y, w, h) that each rule spans, in page pixels.

    A rule is straight: along its length it stays within a few rows. So each row counts
    the columns that hold rule ink within `RULE_BAND` rows of it, and rows where that
    count reaches `MIN_LINE_SHARE` of the region are rules. A line that crosses the table
    at a slant (a fax streak turned by the deskew) or a run of dense text covers only a
    short stretch of any band and never counts, even where it touches a rule.
    """
    x, y, w, h = box
    part = (lines[y:y + h, x:x + w] > 0).astype(np.uint8)
    if not horizontal:
        part = np.ascontiguousarray(part.T)
    # Short pieces are bold text or shading, not rules; they must not join two rules.
    count, labels, stats, _ = cv2.connectedComponentsWithStats(part, connectivity=8)
    shortest = MIN_PIECE_SHARE * part.shape[1]
    keep = np.zeros(count, dtype=np.uint8)
    keep[1:] = stats[1:count, cv2.CC_STAT_WIDTH] >= shortest
    part = keep[labels]
    band = cv2.dilate(part, np.ones((2 * RULE_BAND + 1, 1), np.uint8))
    coverage = band.sum(axis=1)
    found = np.flatnonzero(coverage >= MIN_LINE_SHARE * part.shape[1]).tolist()
    spans: list[list[int]] = []
    for row in found:
        if spans and row - spans[-1][1] <= min_gap:
            spans[-1][1] = row
        else:
            spans.append([row, row])
    offset = y if horizontal else x
    # The band widened each rule by RULE_BAND rows on either side.
    return [(offset + a + RULE_BAND, offset + b - RULE_BAND) if b - a >= 2 * RULE_BAND
            else (offset + (a + b) // 2, offset + (a + b) // 2) for a, b in spans]


def mark_rules(keep: np.ndarray, lines: np.ndarray, found: list[tuple[int, int]],
               box: tuple[int, int, int, int], horizontal: bool) -> None:
    """Copy into `keep` the rule ink of `lines` near the runs, and nothing else (not text)."""
    x, y, w, h = box
    pad = 3
    for a, b in found:
        if horizontal:
            band = np.s_[max(0, a - pad):b + pad + 1, x:x + w]
        else:
            band = np.s_[y:y + h, max(0, a - pad):b + pad + 1]
        keep[band] |= lines[band]


@dataclass(frozen=True)
class Tables:
    """The ruled tables of a page and the ink of their rules (a mask the page's size)."""

    grids: list[Grid]
    rules: np.ndarray | None = field(default=None, repr=False)

    def erase(self, gray: np.ndarray) -> np.ndarray:
        """The page without the tables' rules, so tesseract sees only the cells' words."""
        if self.rules is None or self.rules.shape != gray.shape:
            return gray
        out = gray.copy()
        out[self.rules] = 255
        return out


def find_tables(gray: np.ndarray) -> Tables:
    """Ruled tables (at least 2 rows and 2 columns) on an upright grey page, top to bottom."""
    factor = min(1.0, MAX_SIDE / max(gray.shape))
    small = gray if factor == 1.0 else cv2.resize(
        gray, (round(gray.shape[1] * factor), round(gray.shape[0] * factor)),
        interpolation=cv2.INTER_AREA)
    ink = binarize(small)
    horiz, vert = extract_lines(ink, True), extract_lines(ink, False)
    count, _, stats, _ = cv2.connectedComponentsWithStats(horiz | vert)
    min_gap = max(3, small.shape[0] // 200)
    grids, keep = [], np.zeros_like(ink)
    for x, y, w, h, _area in stats[1:count].tolist():
        if w < small.shape[1] // 8 or h < small.shape[0] // 40:
            continue
        box = (x, y, w, h)
        rows = rule_runs(horiz, box, True, min_gap)
        cols = rule_runs(vert, box, False, min_gap)
        if 3 <= len(rows) <= MAX_LINES and 3 <= len(cols) <= MAX_LINES:
            grids.append(Grid(rows=tuple(round((a + b) / 2 / factor) for a, b in rows),
                              cols=tuple(round((a + b) / 2 / factor) for a, b in cols)))
            mark_rules(keep, horiz, rows, box, True)
            mark_rules(keep, vert, cols, box, False)
    if not grids:
        return Tables([])
    full = cv2.resize(keep, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_NEAREST)
    rules = cv2.dilate(full, np.ones((5, 5), np.uint8)) > 0
    return Tables(sorted(grids, key=lambda g: g.rows[0]), rules)


# --------------------------------------------------------------------------- cells


def locate(words: Sequence[TessWord], grids: Sequence[Grid]) -> dict[int, tuple[int, int, int]]:
    """Word index -> (grid, row, column) for every word whose centre lies in a grid."""
    found = {}
    for i, w in enumerate(words):
        cx, cy = w.left + w.width / 2, w.top + w.height / 2
        for g, grid in enumerate(grids):
            cell = grid.cell(cx, cy)
            if cell is not None:
                found[i] = (g, *cell)
                break
    return found


def reading_order(words: Sequence[TessWord]) -> list[TessWord]:
    """A cell's words by visual line (top to bottom), then left to right."""
    lines: list[list[TessWord]] = []
    for w in sorted(words, key=lambda w: w.top + w.height / 2):
        centre = w.top + w.height / 2
        last = lines[-1][-1] if lines else None
        if last is not None and abs(centre - (last.top + last.height / 2)) < last.height / 2:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [w for line in lines for w in sorted(line, key=lambda w: w.left)]


def strip_rule(w: TessWord) -> TessWord | None:
    """The word without "|" read from a rule's remains; None when only marks are left."""
    text = w.text.replace("|", "")
    if not text.strip(RULE_MARKS):
        return None
    return w if text == w.text else replace(w, text=text)


def table_rows(words: Sequence[TessWord], grid: Grid) -> list[list[list[TessWord]]]:
    """The grid's non-empty rows; each a list of cells, each its words in reading order."""
    cells: dict[tuple[int, int], list[TessWord]] = {}
    for w in filter(None, map(strip_rule, words)):
        cell = grid.cell(w.left + w.width / 2, w.top + w.height / 2)
        if cell is not None:
            cells.setdefault(cell, []).append(w)
    rows = []
    for r in range(len(grid.rows) - 1):
        row = [reading_order(cells.get((r, c), [])) for c in range(len(grid.cols) - 1)]
        if any(row):
            rows.append(row)
    return rows


# --------------------------------------------------------------------------- reading cells

CELL_INSET = 4  # pixels kept clear of a cell's rules (their erased remains)
CELL_EDGE = 3  # pixels kept around a cell's dark ink (the soft edges of its letters)
CELL_GAP = 48  # white pixels left and right of each cell on the sheet
ROW_GAP = 40  # white pixels between cells on the sheet
MAX_SHEET_PIXELS = 40_000_000


@dataclass(frozen=True)
class Placed:
    """One cell's crop on the sheet: where it sits there and where it came from."""

    sheet_x: int
    sheet_y: int
    page_x: int
    page_y: int
    width: int
    height: int


def strike_out_lines(part: np.ndarray, dpi: int) -> np.ndarray:
    """A cell without long thin horizontal lines (a fax streak through the text, an
    underline); where a letter's stem crosses the line the ink stays."""
    dark = (part < 128).astype(np.uint8)
    length = max(20, dpi // 5)
    if part.shape[1] <= length:
        return part
    lines = cv2.morphologyEx(dark, cv2.MORPH_OPEN,
                             cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    if not lines.any():
        return part
    stems = cv2.morphologyEx(dark, cv2.MORPH_OPEN,
                             cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(5, dpi // 30))))
    out = part.copy()
    out[(lines > 0) & (stems == 0)] = 255
    return out


def cell_crop(gray: np.ndarray, grid: Grid, r: int, c: int, dpi: int, bilevel: bool,
              ) -> tuple[np.ndarray, int, int] | None:
    """One cell cut to its text, with its page offset; None when the cell is empty.

    On a bilevel page (a fax) blobs too small to be part of a letter are specks and are
    whitened; on a grey page every mark stays (a soft i-dot is as small as a speck)."""
    y0, y1 = grid.rows[r] + CELL_INSET, grid.rows[r + 1] - CELL_INSET
    x0, x1 = grid.cols[c] + CELL_INSET, grid.cols[c + 1] - CELL_INSET
    if y1 - y0 < 4 or x1 - x0 < 4:
        return None
    part = strike_out_lines(gray[y0:y1, x0:x1], dpi)
    dark = part < 128
    ink = pp.speck_free(dark, dpi) if bilevel else dark
    ys, xs = np.nonzero(ink)
    if ys.size == 0:
        return None
    edge = CELL_EDGE
    top, left = max(0, int(ys.min()) - edge), max(0, int(xs.min()) - edge)
    bottom, right = int(ys.max()) + 1 + edge, int(xs.max()) + 1 + edge
    crop = part[top:bottom, left:right]
    if bilevel:
        crop = np.where(dark[top:bottom, left:right] & ~ink[top:bottom, left:right], 255, crop)
    return np.ascontiguousarray(crop, dtype=np.uint8), x0 + left, y0 + top


def cell_sheet(gray: np.ndarray, grid: Grid, dpi: int, bilevel: bool = False,
               ) -> tuple[np.ndarray, dict[tuple[int, int], Placed]] | None:
    """All non-empty cells of the grid stacked on one white sheet, one below the other
    (row by row), apart enough that tesseract never joins two cells; None for an empty
    grid. One cell per line keeps tesseract's word spacing: wide gaps between cells on
    one line make it take the spaces between words for letter spacing."""
    crops: dict[tuple[int, int], tuple[np.ndarray, int, int]] = {}
    for r in range(len(grid.rows) - 1):
        for c in range(len(grid.cols) - 1):
            crop = cell_crop(gray, grid, r, c, dpi, bilevel)
            if crop is not None:
                crops[(r, c)] = crop
    if not crops:
        return None
    placed: dict[tuple[int, int], Placed] = {}
    y, width = ROW_GAP, 0
    for key, (image, px, py) in sorted(crops.items()):
        h, w = image.shape
        placed[key] = Placed(CELL_GAP, y, px, py, w, h)
        width = max(width, w + 2 * CELL_GAP)
        y += h + ROW_GAP
    if width * y > MAX_SHEET_PIXELS:
        return None
    sheet = np.full((y, width), 255, dtype=np.uint8)
    for key, p in placed.items():
        sheet[p.sheet_y:p.sheet_y + p.height, p.sheet_x:p.sheet_x + p.width] = crops[key][0]
    return sheet, placed


def sheet_words(words: Sequence[TessWord], placed: dict[tuple[int, int], Placed],
                block: int) -> list[TessWord]:
    """The sheet's words moved back to where their cell is on the page."""
    found = []
    for w in words:
        cx, cy = w.left + w.width / 2, w.top + w.height / 2
        for p in placed.values():
            if (p.sheet_x - CELL_GAP <= cx < p.sheet_x + p.width + CELL_GAP
                    and p.sheet_y - ROW_GAP / 2 <= cy < p.sheet_y + p.height + ROW_GAP / 2):
                dx, dy = p.page_x - p.sheet_x, p.page_y - p.sheet_y
                found.append(replace(w, left=w.left + dx, top=w.top + dy,
                                     block=block + w.block))
                break
    return found


def blank_grids(gray: np.ndarray, grids: Sequence[Grid]) -> np.ndarray:
    """The page with the tables' areas white (their cells are read on their own)."""
    if not grids:
        return gray
    out = gray.copy()
    for g in grids:
        out[g.rows[0]:g.rows[-1] + 1, g.cols[0]:g.cols[-1] + 1] = 255
    return out
