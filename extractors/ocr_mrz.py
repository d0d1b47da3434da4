"""A second reading of machine-readable zones on scanned pages.

The page reading (Indonesian and English, any character) makes little of a passport's
zone: fillers `<` come out as K, S or spaces. Lines that look like part of a zone are read
again as one band across the page, with tesseract restricted to the zone's alphabet
(`A-Z`, `0-9`, `<`), and replace the first reading when `extractors.mrz` finds a zone in
the new one. Each band is first read by the shapes of its characters
(`extractors.mrz_glyphs`, OCR-B at a fixed pitch); tesseract reads it when that reading's
check digits do not hold.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from PIL import Image

from extractors import tesseract
from extractors.mrz import find_zones
from extractors.mrz_glyphs import read_band
from extractors.tesseract import TessWord

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
MIN_FILLERS = 4  # '<' (or what OCR makes of it) a line needs to look like part of a zone
MIN_LENGTH = 28
NEIGHBOUR_LENGTH = 15  # a name line next to a zone line: short names, fillers lost
# What the page reading makes of a run of fillers: "KKKK", "<K<K", "KSK".
FILLER_RUN = re.compile(r"[<K]{4,}|K[SK<]K[SK<]?K")


def reread_zones(
    image: np.ndarray, words: Sequence[TessWord], *, dpi: int = 300, timeout: float | None = None
) -> tuple[list[TessWord], int]:
    """`words` with the lines of each zone read again; also how many zones were."""
    lines: dict[tuple[int, int, int], list[int]] = {}
    for index, word in enumerate(words):
        lines.setdefault(word.line_key, []).append(index)
    keys = list(lines)
    strong = [n for n, k in enumerate(keys) if _looks_like_zone([words[i] for i in lines[k]])]
    if not strong:
        return list(words), 0
    # A zone's other lines may have come out with fewer fillers: capitals and digits
    # next to a line that is clearly part of a zone belong to it.
    near = {m for n in strong for m in (n - 2, n - 1, n + 1, n + 2) if 0 <= m < len(keys)}
    suspect = [
        k
        for n, k in enumerate(keys)
        if n in strong or (n in near and _capitals([words[i] for i in lines[k]]))
    ]
    result = list(words)
    replaced: dict[int, list[TessWord] | None] = {}
    zones = 0
    for band in _bands(keys, suspect):
        members = [i for k in band for i in lines[k]]
        top = min(words[i].top for i in members)
        bottom = max(words[i].top + words[i].height for i in members)
        pad = max(8, (bottom - top) // (2 * len(band)))
        y0, y1 = max(0, top - pad), min(image.shape[0], bottom + pad)
        new_lines = _read_band(image[y0:y1, :], dpi=dpi, timeout=timeout)
        if not new_lines:
            continue
        zones += 1
        first = words[members[0]]
        made = [
            TessWord(
                text=line,
                left=box[0],
                top=box[1] + y0,
                width=box[2],
                height=box[3],
                conf=box[4],
                block=first.block,
                par=first.par,
                line=first.line + n,
            )
            for n, (line, box) in enumerate(new_lines)
        ]
        for n, index in enumerate(members):
            replaced[index] = made if n == 0 else None
    out: list[TessWord] = []
    for index, word in enumerate(result):
        if index not in replaced:
            out.append(word)
        elif replaced[index] is not None:
            out.extend(replaced[index] or [])
    return out, zones


def _read_band(
    band: np.ndarray, *, dpi: int, timeout: float | None
) -> list[tuple[str, tuple[int, int, int, int, float]]]:
    """The lines of a band read by their shapes (`extractors.mrz_glyphs`) when that gives a
    zone whose check digits all hold, else by tesseract on the zone's alphabet when that
    gives one; of two readings with zones but failing checks, the shapes'. Empty when
    neither finds a zone."""
    gray = band if band.ndim == 2 else np.asarray(Image.fromarray(band).convert("L"))
    shaped = [
        (line.text, (line.left, line.top, line.width, line.height, round(100 * line.score, 1)))
        for line in read_band(gray)
    ]
    by_shape = find_zones("\n".join(text for text, _ in shaped))
    if any(zone.valid for zone in by_shape):
        return shaped
    read = tesseract.image_to_data(
        Image.fromarray(band), lang="eng", psm=6, dpi=dpi, timeout=timeout, whitelist=ALPHABET
    )
    lines = _lines_of(read)
    by_tesseract = find_zones("\n".join(text for text, _ in lines))
    if any(zone.valid for zone in by_tesseract) or (by_tesseract and not by_shape):
        return lines
    return shaped if by_shape else []


def _looks_like_zone(line: list[TessWord]) -> bool:
    """Long, in capitals and digits, with fillers or what the page reading makes of them
    (runs of K, the filler's look-alike)."""
    text = "".join(w.text for w in line)
    return (
        len(text) >= MIN_LENGTH
        and sum(c.isdigit() or c.isupper() or c == "<" for c in text) >= 0.85 * len(text)
        and (text.count("<") >= MIN_FILLERS or FILLER_RUN.search(text) is not None)
    )


def _capitals(line: list[TessWord]) -> bool:
    """A line mostly of capitals and digits, long enough to be a zone's name line."""
    text = "".join(w.text for w in line)
    return len(text) >= NEIGHBOUR_LENGTH and sum(
        c.isdigit() or c.isupper() or c == "<" for c in text
    ) >= 0.8 * len(text)


def _bands(keys: list[tuple[int, int, int]], suspect: list[tuple[int, int, int]]):
    """Runs of suspect lines next to each other in reading order."""
    band: list[tuple[int, int, int]] = []
    for key in keys:
        if key in suspect:
            band.append(key)
        elif band:
            yield band
            band = []
    if band:
        yield band


def _lines_of(words: list[TessWord]) -> list[tuple[str, tuple[int, int, int, int, float]]]:
    """Each line's characters (no spaces) and its box and mean confidence."""
    grouped: dict[tuple[int, int, int], list[TessWord]] = {}
    for word in words:
        if word.text.strip():
            grouped.setdefault(word.line_key, []).append(word)
    found = []
    for line in grouped.values():
        left = min(w.left for w in line)
        top = min(w.top for w in line)
        right = max(w.left + w.width for w in line)
        bottom = max(w.top + w.height for w in line)
        conf = sum(w.conf for w in line) / len(line)
        found.append(("".join(w.text for w in line), (left, top, right - left, bottom - top, conf)))
    return found
