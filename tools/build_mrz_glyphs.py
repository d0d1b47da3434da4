"""Build `extractors/data/ocrb_glyphs.npz`: the mean shape of each character of a
machine-readable zone, for `extractors.mrz_glyphs`.

Renders lines of random zone characters in OCR-B (Debian's `fonts-ocr-b`) at 300 dpi,
damages copies of them as office scans, faxes and photos do (blur, grey noise, JPEG,
lower resolutions, a hard threshold), cuts every line into its cells by the font's fixed
pitch, normalises each cell as the reader does and averages the cells of each character.
Deterministic for a seed; needs the font only here, never at run time.

    uv run python -m tools.build_mrz_glyphs [--lines 60] [--seed 9303]
"""

from __future__ import annotations

import argparse
import io
import random
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from extractors.mrz_glyphs import (
    ALPHABET,
    CELL,
    GLYPHS,
    PAD,
    cell_vectors,
    ink_of,
    line_extent,
    text_lines,
)

OCR_B = Path("/usr/share/fonts/opentype/ocr-b/OCRB.otf")
SIZE = 44  # points at 300 dpi, as zones are printed
LENGTH = 44
# (scale, blur, noise, jpeg quality, threshold): how copies of a line are damaged.
DAMAGE = (
    (1.0, 0.0, 0.0, None, False),
    (1.0, 0.6, 6.0, 70, False),
    (1.0, 1.0, 8.0, 60, False),
    (0.67, 0.8, 4.0, 75, False),
    (0.5, 0.5, 10.0, None, True),
    (0.5, 0.8, 6.0, None, True),
)


def render(text: str, font: ImageFont.FreeTypeFont) -> tuple[np.ndarray, float, float]:
    """A line at 300 dpi, the x where its first cell starts and the pitch."""
    pitch = font.getlength("A")
    x0 = 40.0
    image = Image.new("L", (int(x0 * 2 + pitch * len(text)), 140), 255)
    ImageDraw.Draw(image).text((x0, 30), text, font=font, fill=0)
    return np.asarray(image), x0, pitch


def damaged(gray: np.ndarray, damage: tuple, rng: np.random.Generator) -> np.ndarray:
    scale, blur, noise, quality, threshold = damage
    out = gray.astype(np.float32)
    if scale != 1.0:
        size = (round(gray.shape[1] * scale), round(gray.shape[0] * scale))
        out = cv2.resize(out, size, interpolation=cv2.INTER_AREA)
    if blur:
        out = cv2.GaussianBlur(out, (0, 0), blur)
    if noise:
        out = out + rng.normal(0, noise, out.shape)
    out = np.clip(out, 0, 255).astype(np.uint8)
    if quality:
        buffer = io.BytesIO()
        Image.fromarray(out).save(buffer, "JPEG", quality=quality)
        out = np.asarray(Image.open(buffer).convert("L"))
    if threshold:
        out = np.where(out < 140, 0, 255).astype(np.uint8)
    return out


def build(lines: int, seed: int) -> tuple[np.ndarray, float]:
    font = ImageFont.truetype(str(OCR_B), SIZE)
    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    sums = np.zeros((len(ALPHABET), CELL[0] * CELL[1]), dtype=np.float64)
    counts = np.zeros(len(ALPHABET))
    ratios = []
    for _ in range(lines):
        text = "".join(rng.choice(ALPHABET) for _ in range(LENGTH))
        gray, x0, pitch = render(text, font)
        for damage in DAMAGE:
            scale = damage[0]
            page = damaged(gray, damage, noise)
            found = text_lines(ink_of(page))
            if len(found) != 1:
                continue
            y0, y1 = max(0, found[0][0] - PAD), min(page.shape[0], found[0][1] + PAD)
            page = page[y0:y1]
            extent = line_extent(ink_of(page))
            if extent is None:
                continue
            if damage == DAMAGE[0]:
                ratios.append(pitch / extent.height)
            darkness = (255.0 - page.astype(np.float32)) / 255.0
            starts = (x0 + pitch * np.arange(LENGTH)) * scale
            vectors = cell_vectors(darkness, extent, starts, pitch * scale)
            for char, vector in zip(text, vectors, strict=True):
                sums[ALPHABET.index(char)] += vector
                counts[ALPHABET.index(char)] += 1
    means = sums / counts[:, None]
    means -= means.mean(axis=1, keepdims=True)
    means /= np.linalg.norm(means, axis=1, keepdims=True)
    return means.astype(np.float32), float(np.median(ratios))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=60)
    parser.add_argument("--seed", type=int, default=9303)
    args = parser.parse_args()
    shapes, ratio = build(args.lines, args.seed)
    np.savez_compressed(GLYPHS, shapes=shapes, pitch_ratio=np.float32(ratio))
    size = GLYPHS.stat().st_size
    print(f"wrote {GLYPHS} ({size} bytes): {len(shapes)} shapes, pitch ratio {ratio:.4f}")


if __name__ == "__main__":
    main()
