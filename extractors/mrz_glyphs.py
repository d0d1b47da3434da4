"""Reading a machine-readable zone by the shapes of its characters.

A zone is printed in OCR-B at a fixed pitch: every character sits in a cell of the same
width, so a line of a zone is cut into its 44 (TD3), 36 (TD2) or 30 (TD1) cells by
geometry alone, and each cell is matched against the 37 shapes of the zone's alphabet.
The shapes (`extractors/data/ocrb_glyphs.npz`) are means of many rendered and damaged
cells, made by `tools/build_mrz_glyphs.py` from Debian's `fonts-ocr-b` font.

Where the format fixes what a position holds (a date, a check digit, a country code, a
name), only the shapes allowed there compete: the zone's own grammar, as ICAO 9303 lays
it out, not a guess made after reading. A document number's letters and digits compete
freely; its check digit says whether the reading holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
GLYPHS = Path(__file__).parent / "data" / "ocrb_glyphs.npz"
CELL = (20, 28)  # width, height of a normalised cell
LENGTHS = {44: ("TD3", 2), 36: ("TD2", 2), 30: ("TD1", 3)}
MIN_COMPONENTS = 10
MIN_SCORE = 0.5  # mean match below which a line is no zone line
PAD = 3  # rows kept above and below a line of marks

# What each position may hold: a letters or filler, d digit, D digit or filler,
# x letter, digit or filler, s sex (M, F, X or filler).
GRAMMAR = {
    "TD3": ("a" * 44, "x" * 9 + "d" + "aaa" + "d" * 7 + "s" + "d" * 7 + "x" * 14 + "Dd"),
    "TD2": ("a" * 36, "x" * 9 + "d" + "aaa" + "d" * 7 + "s" + "d" * 7 + "x" * 7 + "d"),
    "TD1": (
        "aa" + "aaa" + "x" * 9 + "D" + "x" * 15,
        "d" * 7 + "s" + "d" * 7 + "aaa" + "x" * 11 + "d",
        "a" * 30,
    ),
}
CLASSES = {
    "a": "ABCDEFGHIJKLMNOPQRSTUVWXYZ<",
    "d": "0123456789",
    "D": "0123456789<",
    "x": ALPHABET,
    "s": "MFX<",
}


@dataclass(frozen=True)
class Glyphs:
    """The mean shape of each character (unit vectors) and the pitch-to-height ratio."""

    shapes: np.ndarray  # (37, CELL[0] * CELL[1])
    pitch_ratio: float  # cell width / line height


@dataclass(frozen=True)
class ReadLine:
    """One line of a zone as read: its characters, box in the band and mean match."""

    text: str
    left: int
    top: int
    width: int
    height: int
    score: float  # mean correlation of the chosen shapes, 0..1


@cache
def glyphs() -> Glyphs:
    """The shipped shapes; a missing file is a broken install, named as such."""
    with np.load(GLYPHS) as data:
        return Glyphs(shapes=data["shapes"], pitch_ratio=float(data["pitch_ratio"]))


def ink_of(gray: np.ndarray) -> np.ndarray:
    """Dark marks of a band (Otsu's threshold), as a boolean image."""
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return binary > 0


def text_lines(ink: np.ndarray) -> list[tuple[int, int]]:
    """(top, bottom) of each line of marks, thin rows of noise left out."""
    rows = ink.sum(axis=1)
    on = rows > max(2, int(0.002 * ink.shape[1]))
    found: list[tuple[int, int]] = []
    start = None
    for y, value in enumerate(on):
        if value and start is None:
            start = y
        elif not value and start is not None:
            found.append((start, y))
            start = None
    if start is not None:
        found.append((start, len(on)))
    tallest = max((b - a for a, b in found), default=0)
    return [(a, b) for a, b in found if b - a >= 0.5 * tallest]


@dataclass(frozen=True)
class Extent:
    """Where a line's characters are: left and right ink edges, and the top and bottom of
    its capitals as straight lines across it (a page turned a little tilts them)."""

    left: int
    right: int
    top: tuple[float, float]  # intercept, slope: y = intercept + slope * x
    bottom: tuple[float, float]
    height: float  # of a capital letter

    def rows(self, x: float) -> tuple[int, int]:
        top = self.top[0] + self.top[1] * x
        bottom = self.bottom[0] + self.bottom[1] * x
        return int(round(top)), int(round(bottom))


def line_extent(ink: np.ndarray) -> Extent | None:
    """The extent of a line's characters (specks left out), or None for too few marks."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    height = ink.shape[0]
    kept = [
        stats[i]
        for i in range(1, count)
        if stats[i, cv2.CC_STAT_HEIGHT] >= 0.3 * height
        and stats[i, cv2.CC_STAT_AREA] >= 0.01 * height * height
    ]
    if len(kept) < MIN_COMPONENTS:
        return None
    heights = np.array([s[cv2.CC_STAT_HEIGHT] for s in kept], dtype=np.float64)
    tall = [s for s in kept if s[cv2.CC_STAT_HEIGHT] >= 0.8 * np.percentile(heights, 90)]
    centres = np.array([s[cv2.CC_STAT_LEFT] + s[cv2.CC_STAT_WIDTH] / 2 for s in tall])
    tops = np.array([s[cv2.CC_STAT_TOP] for s in tall], dtype=np.float64)
    bottoms = tops + np.array([s[cv2.CC_STAT_HEIGHT] for s in tall])
    if len(tall) >= 5 and np.ptp(centres) > 0:
        top_fit = np.polyfit(centres, tops, 1)
        bottom_fit = np.polyfit(centres, bottoms, 1)
        top, bottom = (top_fit[1], top_fit[0]), (bottom_fit[1], bottom_fit[0])
    else:
        top, bottom = (float(tops.min()), 0.0), (float(bottoms.max()), 0.0)
    return Extent(
        left=min(int(s[cv2.CC_STAT_LEFT]) for s in kept),
        right=max(int(s[cv2.CC_STAT_LEFT] + s[cv2.CC_STAT_WIDTH]) for s in kept),
        top=(float(top[0]), float(top[1])),
        bottom=(float(bottom[0]), float(bottom[1])),
        height=float(np.median(bottoms - tops)),
    )


def cell_vectors(image: np.ndarray, extent: Extent, starts: np.ndarray, pitch: float) -> np.ndarray:
    """Each cell of a line (darkness, 0..1) from the capitals' top to their bottom where it
    stands, resized to CELL, centred and unit length."""
    vectors = np.zeros((len(starts), CELL[0] * CELL[1]), dtype=np.float32)
    width, rows = image.shape[1], image.shape[0]
    for k, start in enumerate(starts):
        x0, x1 = int(round(start)), int(round(start + pitch))
        x0, x1 = max(0, x0), min(width, x1)
        top, bottom = extent.rows(start + pitch / 2)
        top, bottom = max(0, top), min(rows, bottom)
        if x1 - x0 < 2 or bottom - top < 2:
            continue
        cell = cv2.resize(image[top:bottom, x0:x1], CELL, interpolation=cv2.INTER_AREA)
        vector = cell.reshape(-1) - cell.mean()
        norm = float(np.linalg.norm(vector))
        if norm > 0:
            vectors[k] = vector / norm
    return vectors


def allowed_mask(pattern: str) -> np.ndarray:
    """(positions, 37) booleans: which characters each position of `pattern` allows."""
    mask = np.zeros((len(pattern), len(ALPHABET)), dtype=bool)
    for position, kind in enumerate(pattern):
        for char in CLASSES[kind]:
            mask[position, ALPHABET.index(char)] = True
    return mask


def read_line(
    darkness: np.ndarray, ink: np.ndarray, length: int | None = None, pattern: str | None = None
) -> ReadLine | None:
    """One line of a zone from its band (`darkness` 0..1 and `ink`), or None when it is not
    a fixed-pitch line of 30, 36 or 44 characters."""
    extent = line_extent(ink)
    if extent is None:
        return None
    shapes = glyphs()
    span = extent.right - extent.left
    if length is None:
        estimate = span / (shapes.pitch_ratio * extent.height)
        lengths = [n for n in LENGTHS if abs(n - estimate) <= 0.25 * n]
    else:
        lengths = [length]
    best: tuple[str, float, float] | None = None
    for count in lengths:
        read = _fit(darkness, extent, count, pattern)
        if best is None or read[2] > best[2]:
            best = read
    if best is None or best[2] < MIN_SCORE:
        return None
    text, _, score = best
    top = int(round(min(extent.rows(extent.left)[0], extent.rows(extent.right)[0])))
    bottom = int(round(max(extent.rows(extent.left)[1], extent.rows(extent.right)[1])))
    return ReadLine(text, extent.left, top, span, bottom - top, score)


def _fit(
    darkness: np.ndarray, extent: Extent, length: int, pattern: str | None
) -> tuple[str, float, float]:
    """The best reading of a line as `length` cells: its text, grid pitch and mean score."""
    shapes = glyphs()
    mask = allowed_mask(pattern) if pattern else np.ones((length, len(ALPHABET)), dtype=bool)
    span = extent.right - extent.left
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    for stretch in np.linspace(0.97, 1.03, 7):
        step = span / (length - 1 + 0.75) * stretch
        for margin in np.linspace(0.0, 0.35, 8):
            starts = extent.left - margin * step + step * np.arange(length)
            scores = cell_vectors(darkness, extent, starts, step) @ shapes.shapes.T
            scores = np.where(mask, scores, -2.0)
            total = float(scores.max(axis=1).sum())
            if best is None or total > best[0]:
                best = (total, scores, starts)
    assert best is not None
    _, scores, starts = best
    step = float(starts[1] - starts[0])
    # Each cell may sit a little off the grid (print, scan, rounding): its best shift wins.
    for shift in np.linspace(-0.15, 0.15, 7) * step:
        shifted = cell_vectors(darkness, extent, starts + shift, step) @ shapes.shapes.T
        scores = np.maximum(scores, np.where(mask, shifted, -2.0))
    text = "".join(ALPHABET[i] for i in scores.argmax(axis=1))
    return text, step, float(scores.max(axis=1).mean())


def read_band(gray: np.ndarray) -> list[ReadLine]:
    """Every line of a zone in a band of a page (grey levels, dark text on light)."""
    ink = ink_of(gray)
    darkness = (255.0 - gray.astype(np.float32)) / 255.0
    found: list[tuple[int, int, ReadLine]] = []
    for top, bottom in text_lines(ink):
        y0, y1 = max(0, top - PAD), min(gray.shape[0], bottom + PAD)
        line = read_line(darkness[y0:y1], ink[y0:y1])
        if line is not None:
            found.append((y0, y1, line))
    lines: list[ReadLine] = []
    index = 0
    while index < len(found):
        length = len(found[index][2].text)
        zone_format, count = LENGTHS[length]
        group = found[index : index + count]
        if len(group) == count and all(len(g[2].text) == length for g in group):
            for number, (y0, y1, _) in enumerate(group):
                pattern = GRAMMAR[zone_format][number]
                read = read_line(darkness[y0:y1], ink[y0:y1], length, pattern)
                if read is not None:
                    lines.append(_moved(read, y0))
            index += count
            continue
        lines.append(_moved(found[index][2], found[index][0]))
        index += 1
    return lines


def _moved(line: ReadLine, y0: int) -> ReadLine:
    return ReadLine(line.text, line.left, line.top + y0, line.width, line.height, line.score)
