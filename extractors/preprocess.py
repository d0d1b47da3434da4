"""Pure image steps that prepare a scanned page for tesseract (numpy, OpenCV, Pillow).

Pages travel as 8-bit grey numpy arrays (0 = black ink, 255 = white paper). Cheap
measurements (ink, skew, orientation hints) run on a copy downscaled to about 75 dpi.
Angles follow OpenCV: positive is counter-clockwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

TARGET_DPI = 300
MIN_DPI = 250  # below this the page is upscaled to TARGET_DPI
SMALL_DPI = 75  # resolution of the copy used for measurements
COLOUR_CHROMA = 60  # max-min channel difference that marks coloured ink
COLOUR_SHARE = 0.0005  # share of coloured pixels above which ink removal runs
BLANK_INK_SHARE = 0.0002  # share of ink pixels (at SMALL_DPI) under which a page is blank
MAX_SKEW = 5.0
MIN_SPECK = 0.0001  # dark blobs smaller than this share of dpi² are specks, not letters
BILEVEL_SHARE = 0.8  # share of pure black or white pixels of a bilevel page


@dataclass(frozen=True)
class Layout:
    """Cheap measurements of a page: its ink mask at low resolution and the text direction."""

    mask: np.ndarray  # bool, True = ink, at `scale` times smaller than the page
    scale: float
    ink_share: float
    skew: float  # degrees the text is turned counter-clockwise
    sideways: bool  # text lines run vertically: the page is turned by 90 or 270 degrees


def to_array(image: Image.Image) -> np.ndarray:
    """The page as an RGB or grey uint8 array (palette, alpha and bilevel images resolved)."""
    if image.mode in ("RGB", "L"):
        return np.asarray(image)
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return np.asarray(Image.alpha_composite(white, rgba).convert("RGB"))
    if image.mode in ("1", "I;16", "I", "F"):
        return np.asarray(image.convert("L"))
    return np.asarray(image.convert("RGB"))


def _chroma(rgb: np.ndarray) -> np.ndarray:
    """Max minus min channel per pixel: 0 for greys, high for saturated ink."""
    r, g, b = cv2.split(rgb)
    return cv2.subtract(cv2.max(cv2.max(r, g), b), cv2.min(cv2.min(r, g), b))


def has_colour_ink(rgb: np.ndarray) -> bool:
    """True when more than a trace of the page is saturated colour (stamps, signatures)."""
    if rgb.ndim != 3:
        return False
    size = (max(1, rgb.shape[1] // 4), max(1, rgb.shape[0] // 4))
    chroma = _chroma(cv2.resize(rgb, size, interpolation=cv2.INTER_NEAREST))
    return cv2.countNonZero((chroma > COLOUR_CHROMA).astype(np.uint8)) > COLOUR_SHARE * chroma.size


def is_bilevel(gray: np.ndarray) -> bool:
    """True for a black-and-white page (a fax), even resampled: nearly every pixel is
    pure black or pure white, where a grey scan or a photo has paper grain everywhere."""
    sample = gray[::4, ::4]
    extreme = np.count_nonzero((sample <= 8) | (sample >= 247))
    return bool(extreme >= BILEVEL_SHARE * max(1, sample.size))


def to_gray(rgb: np.ndarray) -> np.ndarray:
    """Plain luminance."""
    if rgb.ndim == 2:
        return rgb
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def remove_colour_ink(rgb: np.ndarray) -> np.ndarray:
    """Grey page with coloured ink lifted to paper white; black print (even under a stamp,
    where the inks mix to black) stays."""
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    chroma = _chroma(rgb)
    # Below ~20 the chroma is scanner noise; above it every step lifts the pixel 4 levels.
    lift = (np.clip(chroma, 20, 83) - 20) * np.uint8(4)
    return cv2.add(gray, lift)


def upscale(gray: np.ndarray, dpi: int) -> tuple[np.ndarray, int]:
    """Resample a low-resolution page to TARGET_DPI (tesseract wants ~20 px capitals)."""
    if dpi >= MIN_DPI:
        return gray, dpi
    factor = TARGET_DPI / dpi
    size = (round(gray.shape[1] * factor), round(gray.shape[0] * factor))
    return cv2.resize(gray, size, interpolation=cv2.INTER_CUBIC), TARGET_DPI


def ink_mask(gray: np.ndarray, dpi: int) -> tuple[np.ndarray, float]:
    """Ink pixels of a downscaled copy, and the scale factor.

    Area averaging makes isolated specks fade while strokes stay dark, so noise alone
    does not count as ink.
    """
    scale = max(1.0, dpi / SMALL_DPI)
    size = (max(1, round(gray.shape[1] / scale)), max(1, round(gray.shape[0] / scale)))
    small = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    paper = float(np.percentile(small[::2, ::2], 90))
    return small < paper * 0.6, scale


def _profile_score(coords: np.ndarray) -> float:
    """Sharpness of a projection profile: high when the ink gathers into lines."""
    coords = coords - coords.min()
    counts = np.bincount(coords.astype(np.int64))
    return float(np.dot(counts, counts))


def _best_angle(across: np.ndarray, along: np.ndarray, angles: np.ndarray) -> tuple[float, float]:
    """The angle whose projection of `across` (shifted by `along`·tan) is sharpest."""
    scores = [_profile_score(across + along * np.tan(np.radians(a))) for a in angles]
    best = int(np.argmax(scores))
    return float(angles[best]), scores[best]


def _search_angle(across: np.ndarray, along: np.ndarray) -> tuple[float, float]:
    """Coarse-to-fine search of the text-line angle within ±MAX_SKEW degrees."""
    coarse, _ = _best_angle(across, along, np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.5))
    return _best_angle(across, along, np.arange(coarse - 0.5, coarse + 0.51, 0.05))


def layout_of(mask: np.ndarray, scale: float) -> Layout:
    """Ink share, skew and whether text lines run sideways, from a low-resolution ink mask."""
    ys, xs = np.nonzero(mask)
    share = float(ys.size) / mask.size
    if ys.size < 50:
        return Layout(mask, scale, share, 0.0, False)
    if ys.size > 60_000:  # a subsample measures the angle as well and keeps this cheap
        pick = np.random.default_rng(0).choice(ys.size, 60_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    ys, xs = ys.astype(np.float64), xs.astype(np.float64)
    row_angle, row_score = _search_angle(ys, xs)
    col_angle, col_score = _search_angle(xs, -ys)
    sideways = col_score > row_score * 1.15
    return Layout(mask, scale, share, col_angle if sideways else row_angle, sideways)


def measure_layout(gray: np.ndarray, dpi: int) -> Layout:
    """The page's `Layout`, measured on a ~75 dpi copy."""
    return layout_of(*ink_mask(gray, dpi))


def turn_layout(layout: Layout, degrees_cw: int) -> Layout:
    """The layout of the page turned clockwise by a multiple of 90 degrees."""
    if degrees_cw % 360 == 0:
        return layout
    mask = rotate_quarter(layout.mask.astype(np.uint8), degrees_cw).astype(bool)
    return layout_of(mask, layout.scale)


def level_layout(layout: Layout, skew: float) -> Layout:
    """The layout of the page after `deskew(gray, skew)`: mask turned alike, no skew left."""
    mask = deskew(layout.mask.astype(np.uint8) * 255, skew, fill=0) > 127
    return Layout(mask, layout.scale, layout.ink_share, 0.0, False)


def is_blank(layout: Layout) -> bool:
    """True when the page has (almost) no ink."""
    return layout.ink_share < BLANK_INK_SHARE


def rotate_quarter(gray: np.ndarray, degrees_cw: int) -> np.ndarray:
    """Turn the page clockwise by 0, 90, 180 or 270 degrees."""
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180,
             270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    degrees_cw %= 360
    return gray if degrees_cw == 0 else cv2.rotate(gray, codes[degrees_cw])


def deskew(gray: np.ndarray, skew: float, *, fill: int = 255) -> np.ndarray:
    """Rotate the page by -`skew` degrees so its text lines run level (same size)."""
    h, w = gray.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -skew, 1.0)
    return cv2.warpAffine(gray, matrix, (w, h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=fill)


def denoise(gray: np.ndarray) -> np.ndarray:
    """Remove specks and grain with a 3×3 median (strokes at 300 dpi are wider than that)."""
    return cv2.medianBlur(gray, 3)


def binarize(gray: np.ndarray) -> np.ndarray:
    """Black-and-white page by Otsu's global threshold after a light blur."""
    blurred = cv2.GaussianBlur(gray, (3, 3), 0)
    _, binary = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return binary


def speck_free(ink: np.ndarray, dpi: int) -> np.ndarray:
    """The ink mask without blobs too small to be part of a letter (fax line noise)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8),
                                                               connectivity=8)
    smallest = max(2, round(MIN_SPECK * dpi * dpi))
    keep = np.zeros(count, dtype=bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= smallest
    return keep[labels]


def despeckle(gray: np.ndarray, dpi: int) -> np.ndarray:
    """A bilevel page (a fax) without its specks: dark blobs smaller than a full stop turn
    white. Grey pages keep every mark (a soft i-dot is as small as a speck)."""
    dark = gray < 128
    specks = dark & ~speck_free(dark, dpi)
    if not specks.any():
        return gray
    out = gray.copy()
    # The speck's grey fringe (the resampling of a fax pixel) goes with it.
    out[cv2.dilate(specks.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0] = 255
    return out


def find_rules(layout: Layout) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Long thin horizontal lines: row bands (full-resolution y0, y1) and their low-res mask.

    Found on the low-resolution mask, so a page without lines costs almost nothing.
    """
    mask = layout.mask.astype(np.uint8)
    length = max(20, mask.shape[1] // 4)
    lines = cv2.morphologyEx(mask, cv2.MORPH_OPEN,
                             cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    rows = np.flatnonzero(lines.any(axis=1))
    pad = 2 * layout.scale
    bands = [(max(0, int(r * layout.scale - pad)), int((r + 1) * layout.scale + pad))
             for r in rows]
    return bands, lines.astype(bool)


def drop_ink(layout: Layout, erased: np.ndarray) -> Layout:
    """The layout once the ink under `erased` (a low-res mask) is gone."""
    return layout_of(layout.mask & ~erased, layout.scale)


def remove_rules(gray: np.ndarray, bands: list[tuple[int, int]]) -> np.ndarray:
    """Erase long thin horizontal lines (fax streaks, underlines) within the row `bands`.

    A line struck through text hides the words from tesseract. Pixels where ink runs on
    vertically (a stem crossing the line) are kept.
    """
    out = gray.copy()
    length = max(60, gray.shape[1] // 8)
    reach = 6  # rows of context so vertical strokes are recognised as such
    for y0, y1 in bands:
        top, bottom = max(0, y0 - reach), min(gray.shape[0], y1 + reach)
        dark = (gray[top:bottom] < 128).astype(np.uint8)
        lines = cv2.morphologyEx(dark, cv2.MORPH_OPEN,
                                 cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
        stems = cv2.morphologyEx(dark, cv2.MORPH_OPEN,
                                 cv2.getStructuringElement(cv2.MORPH_RECT, (1, 9)))
        erase = lines.astype(bool) & ~stems.astype(bool)
        out[top:bottom][erase] = 255
    return out


# --------------------------------------------------------------------------- photographed pages

QUAD_SIDE = 600  # the page outline is looked for on a copy at most this large (pixels)
MIN_PAGE_SHARE = 0.5  # a page outline covers at least this share of the photo
MIN_MARGIN_SHARE = 0.01  # ... and leaves at least this share of it around the page
MIN_DESK_CONTRAST = 0.8  # the surroundings are at most this bright relative to the paper
UNEVEN_LIGHT = 0.08  # relative spread of the paper brightness above which light is flattened


def _order_corners(points: np.ndarray) -> np.ndarray:
    """Four points as top-left, top-right, bottom-right, bottom-left."""
    sums, diffs = points.sum(axis=1), points[:, 1] - points[:, 0]
    return np.array([points[np.argmin(sums)], points[np.argmin(diffs)],
                     points[np.argmax(sums)], points[np.argmax(diffs)]], dtype=np.float32)


def find_page_quad(gray: np.ndarray) -> np.ndarray | None:
    """Corners of a sheet of paper photographed on a darker surface, as shares of the
    image's width and height (top-left, top-right, bottom-right, bottom-left); None when the
    image shows no such outline (scans, faxes, born-digital pages: the paper fills them)."""
    h, w = gray.shape[:2]
    factor = min(1.0, QUAD_SIDE / max(h, w))
    small = cv2.resize(gray, (max(1, round(w * factor)), max(1, round(h * factor))),
                       interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 0)
    _, bright = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Text and rules on the paper must not cut the outline.
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    outline = max(contours, key=cv2.contourArea)
    area = small.shape[0] * small.shape[1]
    if cv2.contourArea(outline) < MIN_PAGE_SHARE * area:
        return None
    hull = cv2.convexHull(outline)
    quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    if len(quad) != 4:
        return None
    quad_area = cv2.contourArea(quad)
    if not MIN_PAGE_SHARE * area <= quad_area <= (1 - MIN_MARGIN_SHARE) * area:
        return None
    inside = np.zeros(small.shape, np.uint8)
    cv2.fillConvexPoly(inside, quad.reshape(-1, 2), 1)
    paper = float(np.median(small[inside > 0]))
    desk = float(np.median(small[inside == 0]))
    if desk > MIN_DESK_CONTRAST * paper:
        return None
    corners = _order_corners(quad.reshape(-1, 2).astype(np.float32))
    return corners / np.array([small.shape[1], small.shape[0]], dtype=np.float32)


def rectify(pixels: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The page inside `quad` (corner shares, see `find_page_quad`) warped to fill the image."""
    h, w = pixels.shape[:2]
    src = np.asarray(quad, dtype=np.float32) * np.array([w, h], dtype=np.float32)
    dst = np.array([(0, 0), (w - 1, 0), (w - 1, h - 1), (0, h - 1)], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    white = 255 if pixels.ndim == 2 else (255,) * pixels.shape[2]
    return cv2.warpPerspective(pixels, matrix, (w, h), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=white)


def paper_light(gray: np.ndarray, dpi: int) -> np.ndarray:
    """Brightness of the bare paper around each point (text closed over), at ~SMALL_DPI."""
    scale = max(1.0, dpi / SMALL_DPI)
    size = (max(1, round(gray.shape[1] / scale)), max(1, round(gray.shape[0] / scale)))
    small = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    # A dilation wider than a text line (and most rules) replaces ink by the paper near it.
    reach = max(3, round(SMALL_DPI / 6)) | 1
    paper = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (reach, reach)))
    return cv2.GaussianBlur(paper, (0, 0), reach)


def flatten_light(gray: np.ndarray, dpi: int) -> np.ndarray | None:
    """The page with uneven light (a photo lit from one side) evened out to white paper;
    None when the light is already even (scans)."""
    light = paper_light(gray, dpi)
    inner = light[light.shape[0] // 20: -light.shape[0] // 20 or None,
                  light.shape[1] // 20: -light.shape[1] // 20 or None]
    low, high = np.percentile(inner, (2, 98)) if inner.size else (0.0, 0.0)
    if high <= 0 or (high - low) / high < UNEVEN_LIGHT:
        return None
    full = cv2.resize(light, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    even = gray.astype(np.float32) / np.maximum(full.astype(np.float32), 1.0) * 255.0
    return np.clip(even, 0, 255).astype(np.uint8)


def rectify_step(quad: np.ndarray) -> str:
    """The step that records a page outline, so the page image can be warped alike later."""
    return "rectify:" + ",".join(f"{v:.4f}" for v in np.asarray(quad).ravel())


def parse_rectify(steps: Sequence[str]) -> np.ndarray | None:
    """The page outline a `rectify_step` recorded, or None."""
    for step in steps:
        if step.startswith("rectify:"):
            values = [float(v) for v in step.split(":", 1)[1].split(",")]
            if len(values) == 8:
                return np.array(values, dtype=np.float32).reshape(4, 2)
    return None
