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

from extractors.tesseract import TessWord

MAX_SIDE = 2000  # pages are searched for lines at most this large (pixels)
MAX_LINES = 200  # a grid with more boundaries than this is noise, not a table
MIN_LINE_SHARE = 0.6  # a boundary runs along this share of its table's width or height
MIN_PIECE_SHARE = 0.15  # a piece of a broken rule is at least this share of the table
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


def segments(part: np.ndarray, horizontal: bool) -> list[tuple[int, int, int]]:
    """Pieces of rule in a region: (first, last) row (or column) they cover, and their length."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(part.astype(np.uint8))
    found = []
    for left, top, width, height, _area in stats[1:count].tolist():
        if horizontal:
            found.append((top, top + height - 1, width))
        else:
            found.append((left, left + width - 1, height))
    return sorted(found)


def runs(pieces: list[tuple[int, int, int]], reach: float, min_gap: int,
         ) -> list[tuple[int, int]]:
    """(first, last) of each rule: pieces that overlap or lie close join (broken or tilted
    lines); a rule counts when its pieces together reach `reach`."""
    groups: list[list[int]] = []
    for a, b, length in pieces:
        if groups and a - groups[-1][1] <= min_gap:
            groups[-1] = [groups[-1][0], max(b, groups[-1][1]), groups[-1][2] + length]
        else:
            groups.append([a, b, length])
    return [(a, b) for a, b, length in groups if length >= reach]


def rule_runs(lines: np.ndarray, box: tuple[int, int, int, int], horizontal: bool,
              min_gap: int) -> list[tuple[int, int]]:
    """Rows (or columns) of a region (x, y, w, h) that each rule spans, in page pixels."""
    x, y, w, h = box
    # Short pieces are bold text or shading, not rules; they must not join two rules.
    shortest = MIN_PIECE_SHARE * (w if horizontal else h)
    pieces = [p for p in segments(lines[y:y + h, x:x + w] > 0, horizontal) if p[2] >= shortest]
    if horizontal:
        return [(y + a, y + b) for a, b in runs(pieces, MIN_LINE_SHARE * w, min_gap)]
    return [(x + a, x + b) for a, b in runs(pieces, MIN_LINE_SHARE * h, min_gap)]


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
