"""A second reading of proper-name words for the letters the Indonesian model rarely sees.

"q" and "Q" hardly occur in Indonesian words, so tesseract reading `ind+eng` takes a clear
"Rafiqul" for "Rafigul" and "Qasim" for "Oasim" with high confidence. Foreign names are
exactly where these letters occur, and one wrong letter loses the name for matching.

Capitalised words that hold a "g" or an "O" and are not known words (Indonesian words,
region and country names: extractors/data/ocr_known_words.txt, built by
tools/build_ocr_lexicon.py) are cut out of the page, stacked one per line
into a single strip and read once more by tesseract's Latin-script model, which knows every
Latin letter and reads q and Q as printed (one small tesseract call, only on pages that
have such words; without the Debian package tesseract-ocr-script-latn the English model
alone reads them, less well). The model is read without its word list
(`tesseract.without_word_lists`): names are not in it, and it is most of the model's
loading time. A word takes the second reading only when it differs from the first by
nothing but g→q / O→Q (and o→q / G→Q) at the same positions and the second reading is
confident: the text keeps its length, so word offsets stay valid, and other letters are
never touched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image

from extractors import tesseract
from extractors.tesseract import TessWord

RECHECK_LANGS = ("Latin", "eng")  # the first one installed reads the strip
KNOWN_WORDS = Path(__file__).parent / "data" / "ocr_known_words.txt"
WORD = re.compile(r"[a-z][a-z']*")
SUSPECT = re.compile(r"^[\"'(“‘]?[A-Z][A-Za-z'\-]*[gO][A-Za-z'\-]*|^[\"'(“‘]?O[A-Za-z]")
# What the first reading writes for the letter the second reading finds.
CONFUSED = {("g", "q"), ("O", "Q"), ("o", "q"), ("G", "Q")}
MIN_CONFIDENCE = 80.0
MAX_WORDS = 60  # a page full of suspects is not a page of names
PAD = 12  # white pixels around each cut-out word


@cache
def known_words() -> frozenset[str]:
    """Lower-case words known to be spelled with g or a leading o."""
    lines = KNOWN_WORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def is_suspect(word: TessWord) -> bool:
    """An unknown capitalised word with a letter that may have been a misread q or Q."""
    if len(word.text) < 3 or not SUSPECT.match(word.text):
        return False
    parts = WORD.findall(word.text.lower())
    return any(
        ("g" in part or part.startswith("o")) and part not in known_words() for part in parts
    )


def accepts(first: str, second: str) -> bool:
    """True when `second` differs from `first` only by the confusions the recheck fixes."""
    if len(first) != len(second) or first == second:
        return False
    return all(a == b or (a, b) in CONFUSED for a, b in zip(first, second, strict=True))


def recheck_rare_letters(
    image: np.ndarray, words: Sequence[TessWord], *, dpi: int = 300, timeout: float | None = None
) -> tuple[list[TessWord], int]:
    """`words` with q/Q restored where the second reading finds them; also how many changed.

    `image` is the grey page the boxes of `words` refer to. Returns the words unchanged
    when no word is suspect or neither model is installed.
    """
    suspects = [i for i, word in enumerate(words) if is_suspect(word)]
    lang = next((lang for lang in RECHECK_LANGS if tesseract.has_language(lang)), None)
    if not suspects or len(suspects) > MAX_WORDS or lang is None:
        return list(words), 0
    strip, bands = stack_words(image, [words[i] for i in suspects])
    readings = read_bands(strip, bands, lang=lang, dpi=dpi, timeout=timeout)
    fixed = list(words)
    changed = 0
    for index, reading in zip(suspects, readings, strict=True):
        if reading is None:
            continue
        text, conf = reading
        if conf >= MIN_CONFIDENCE and accepts(words[index].text, text):
            fixed[index] = replace(words[index], text=text)
            changed += 1
    return fixed, changed


def stack_words(image: np.ndarray, words: Sequence[TessWord]) -> tuple[Image.Image, list[int]]:
    """The words cut out and stacked one per line; the top edge of each word's band."""
    crops = []
    for word in words:
        top, left = max(0, word.top - PAD // 2), max(0, word.left - PAD // 2)
        crop = image[
            top : word.top + word.height + PAD // 2, left : word.left + word.width + PAD // 2
        ]
        crops.append(crop)
    width = max(crop.shape[1] for crop in crops) + 2 * PAD
    height = sum(crop.shape[0] + 2 * PAD for crop in crops)
    strip = np.full((height, width), 255, dtype=np.uint8)
    bands, y = [], 0
    for crop in crops:
        bands.append(y)
        strip[y + PAD : y + PAD + crop.shape[0], PAD : PAD + crop.shape[1]] = crop
        y += crop.shape[0] + 2 * PAD
    return Image.fromarray(strip), bands


def read_bands(
    strip: Image.Image, bands: Sequence[int], *, lang: str, dpi: int, timeout: float | None = None
) -> list[tuple[str, float] | None]:
    """One reading per band of the strip (text and lowest confidence), None if unread."""
    found: list[list[TessWord]] = [[] for _ in bands]
    models = tesseract.without_word_lists(lang)
    words = tesseract.image_to_data(
        strip, lang=lang, psm=6, dpi=dpi, timeout=timeout, models=models
    )
    for word in words:
        middle = word.top + word.height / 2
        band = max(0, int(np.searchsorted(bands, middle, side="right")) - 1)
        found[band].append(word)
    readings: list[tuple[str, float] | None] = []
    for parts in found:
        if len(parts) != 1:  # split or lost: no clean second opinion
            readings.append(None)
        else:
            readings.append((parts[0].text, parts[0].conf))
    return readings
