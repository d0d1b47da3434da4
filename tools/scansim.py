"""Scan simulator: typeset plain text on A4 pages and give them a reproducible "scanned" look.

Used to build test pages and the sample corpus with a known ground truth.

Markup understood by `render_pages` (and removed by `plain_text`):
- a line starting with ``^ `` is centred and bold (letterhead, titles);
- a line that is exactly ``---`` draws a horizontal rule (the letterhead underline).

Everything else is left-aligned body text; blank lines keep paragraph spacing.

CLI: ``python -m tools.scansim SRC OUT_DIR --profile hard [--rotate 180] [--format pdf]``.
"""

from __future__ import annotations

import argparse
import io
import math
import random
import re
import sys
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

A4_INCHES = (8.27, 11.69)
MARGIN_INCHES = 1.0
LINE_SPACING = 1.35
FONT_DIRS = (Path("/usr/share/fonts/truetype"), Path("/usr/share/fonts"))
FONT_FILES = {
    "regular": ("LiberationSerif-Regular.ttf", "DejaVuSerif.ttf"),
    "bold": ("LiberationSerif-Bold.ttf", "DejaVuSerif-Bold.ttf"),
    "sans-bold": ("LiberationSans-Bold.ttf", "DejaVuSans-Bold.ttf"),
}
INKS = {
    "blue": (35, 60, 170),
    "purple": (110, 40, 150),
    "red": (200, 35, 45),
}
SIGNATURE_INK = (25, 35, 120)
STAMP_RING_TEXT = "TIM PENGAWASAN ORANG ASING * KABUPATEN SUKAMAJU *"
STAMP_CENTRE_TEXT = ("SEKRETARIAT", "TIMPORA")


# --------------------------------------------------------------------------- fonts


def find_font(style: str = "regular") -> Path:
    """Path of a TrueType font for `style` ('regular', 'bold', 'sans-bold')."""
    for name in FONT_FILES[style]:
        for root in FONT_DIRS:
            hits = sorted(root.rglob(name)) if root.is_dir() else []
            if hits:
                return hits[0]
    raise FileNotFoundError(
        f"No TrueType font for style {style!r} (looked for {', '.join(FONT_FILES[style])} "
        "under /usr/share/fonts). Install one: apt-get install -y fonts-liberation "
        "fonts-dejavu-core"
    )


@lru_cache(maxsize=32)
def load_font(style: str, size_px: int) -> ImageFont.FreeTypeFont:
    """The font for `style` at a pixel size (cached)."""
    return ImageFont.truetype(str(find_font(style)), size_px)


# --------------------------------------------------------------------------- typesetting


@dataclass(frozen=True)
class _Line:
    kind: str  # "body", "title", "rule", "blank"
    text: str = ""


def parse_markup(marked: str) -> list[_Line]:
    """Split marked-up text into typed lines."""
    lines = []
    for raw in marked.splitlines():
        line = raw.rstrip()
        if line == "---":
            lines.append(_Line("rule"))
        elif line.startswith("^ "):
            lines.append(_Line("title", line[2:].strip()))
        elif not line.strip():
            lines.append(_Line("blank"))
        else:
            lines.append(_Line("body", line))
    return lines


def plain_text(marked: str) -> str:
    """The text a perfect reader would read from the rendering of `marked`."""
    out = []
    for line in parse_markup(marked):
        if line.kind == "rule":
            continue
        out.append(line.text)
    return "\n".join(out).strip("\n") + "\n"


def wrap_line(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Break `text` into pieces no wider than `width` pixels.

    Runs of spaces inside a piece are kept (they align form fields); a break drops them.
    """
    pieces: list[str] = []
    current = ""
    for token in re.findall(r"\s*\S+", text):
        if not current or font.getlength(current + token) <= width:
            current += token
        else:
            pieces.append(current)
            current = token.lstrip()
    pieces.append(current)
    return pieces


def layout_lines(lines: list[_Line], body: ImageFont.FreeTypeFont,
                 title: ImageFont.FreeTypeFont, width: float) -> list[_Line]:
    """Wrap every line to the text width; one output line per printed line."""
    out: list[_Line] = []
    for line in lines:
        if line.kind in ("body", "title"):
            font = body if line.kind == "body" else title
            out.extend(_Line(line.kind, piece) for piece in wrap_line(line.text, font, width))
        else:
            out.append(line)
    return out


def new_page(dpi: int) -> Image.Image:
    """A blank white A4 page at `dpi`, with the dpi in its metadata."""
    size = (round(A4_INCHES[0] * dpi), round(A4_INCHES[1] * dpi))
    page = Image.new("RGB", size, "white")
    page.info["dpi"] = (dpi, dpi)
    return page


def render_pages(text: str, *, dpi: int = 300, font_size: float = 11.0,
                 seed: int = 0) -> list[Image.Image]:
    """Typeset marked-up `text` on white RGB A4 pages, wrapping and paginating.

    `seed` is accepted for API symmetry; the typesetting itself is deterministic.
    """
    del seed
    size_px = round(font_size * dpi / 72)
    body = load_font("regular", size_px)
    title = load_font("bold", size_px)
    margin = round(MARGIN_INCHES * dpi)
    line_height = round(size_px * LINE_SPACING)
    page_w, page_h = new_page(dpi).size
    lines = layout_lines(parse_markup(text), body, title, page_w - 2 * margin)
    pages: list[Image.Image] = []
    page, draw, y = None, None, margin
    for line in lines:
        if page is None or y + line_height > page_h - margin:
            if page is not None and line.kind in ("blank", "rule"):
                continue  # no blank line or rule at the top of a new page
            page = new_page(dpi)
            draw = ImageDraw.Draw(page)
            pages.append(page)
            y = margin
        assert draw is not None
        if line.kind == "body":
            draw.text((margin, y), line.text, font=body, fill="black")
        elif line.kind == "title":
            x = (page_w - title.getlength(line.text)) / 2
            draw.text((x, y), line.text, font=title, fill="black")
        elif line.kind == "rule":
            thickness = max(2, dpi // 100)
            mid = y + line_height // 3
            draw.rectangle((margin, mid, page_w - margin, mid + thickness), fill="black")
            y += line_height // 2
            continue
        y += line_height
    return pages or [new_page(dpi)]


# --------------------------------------------------------------------------- profiles


@dataclass(frozen=True)
class ScanProfile:
    """How a page gets damaged on its way through a scanner or fax."""

    name: str = "custom"
    dpi: int | None = None  # output resolution; None keeps the input's
    skew_min: float = 0.0  # degrees; the angle is drawn from [min, max] with a random sign
    skew_max: float = 0.0
    background: int = 255  # paper grey level
    noise: float = 0.0  # std-dev of grey noise
    blur: float = 0.0  # Gaussian blur radius in output pixels
    jpeg_quality: int | None = None
    binarize: bool = False  # hard threshold, like a fax
    speckle: float = 0.0  # share of pixels flipped to black specks
    streaks: int = 0  # horizontal streaks across the page
    stamp: bool = False
    signature: bool = False
    perspective: float = 0.0  # a photo: each corner moves inwards by up to this share of the page
    lighting: float = 0.0  # a photo: how much darker the dimmest part of the page gets


PROFILES: dict[str, ScanProfile] = {
    "clean": ScanProfile(name="clean"),
    "office": ScanProfile(
        name="office", dpi=300, skew_max=0.6, background=238, noise=6.0, blur=0.6,
        jpeg_quality=70,
    ),
    "fax": ScanProfile(
        name="fax", dpi=150, skew_max=2.0, noise=10.0, blur=0.5, binarize=True,
        speckle=0.002, streaks=3,
    ),
    "hard": ScanProfile(
        name="hard", skew_min=1.5, skew_max=3.5, background=232, noise=12.0, blur=1.0,
        jpeg_quality=60, stamp=True, signature=True,
    ),
    # A phone photo of the page on a desk: seen at a slant, lit from one side, a little soft.
    "photo": ScanProfile(
        name="photo", dpi=200, skew_max=1.5, noise=4.0, blur=0.8, jpeg_quality=75,
        perspective=0.04, lighting=0.35,
    ),
}
DESK = (112, 100, 88)  # what a photo shows around the page


def get_profile(profile: str | ScanProfile) -> ScanProfile:
    """Resolve a profile name to its `ScanProfile`."""
    if isinstance(profile, ScanProfile):
        return profile
    try:
        return PROFILES[profile]
    except KeyError:
        known = ", ".join(PROFILES)
        raise ValueError(f"Unknown scan profile {profile!r}; choose one of: {known}") from None


# --------------------------------------------------------------------------- damage steps


def ink_bounds(gray: np.ndarray) -> tuple[int, int, int, int]:
    """Bounding box (left, top, right, bottom) of the dark pixels; the whole page if none."""
    rows = np.flatnonzero((gray < 128).any(axis=1))
    cols = np.flatnonzero((gray < 128).any(axis=0))
    if rows.size == 0:
        return 0, 0, gray.shape[1], gray.shape[0]
    return int(cols[0]), int(rows[0]), int(cols[-1]), int(rows[-1])


def draw_stamp(radius: int, ink: tuple[int, int, int], rng: random.Random) -> Image.Image:
    """A round rubber stamp as an RGBA image: two rings, text around, text in the middle."""
    size = 2 * radius + 4
    stamp = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(stamp)
    c = size / 2
    ring = max(3, radius // 30)
    draw.ellipse((c - radius, c - radius, c + radius, c + radius), outline=255, width=ring)
    inner = radius * 0.7
    draw.ellipse((c - inner, c - inner, c + inner, c + inner), outline=255, width=max(2, ring // 2))
    font = load_font("sans-bold", max(8, int(radius * 0.2)))
    text_r = (radius + inner) / 2
    for i, char in enumerate(STAMP_RING_TEXT):
        angle = 2 * math.pi * i / len(STAMP_RING_TEXT)
        glyph = Image.new("L", (font.size * 2, font.size * 2), 0)
        ImageDraw.Draw(glyph).text((font.size, font.size), char, font=font, fill=255, anchor="mm")
        glyph = glyph.rotate(-math.degrees(angle), resample=Image.BILINEAR)
        x = c + text_r * math.sin(angle) - glyph.width / 2
        y = c - text_r * math.cos(angle) - glyph.height / 2
        stamp.paste(255, (round(x), round(y)), glyph)
    centre_font = load_font("sans-bold", max(8, int(radius * 0.17)))
    for k, word in enumerate(STAMP_CENTRE_TEXT):
        dy = (k - (len(STAMP_CENTRE_TEXT) - 1) / 2) * centre_font.size * 1.3
        draw.text((c, c + dy), word, font=centre_font, fill=255, anchor="mm")
    # Uneven inking: a rubber stamp never prints solid.
    np_rng = np.random.default_rng(rng.randrange(2**32))
    patchy = np_rng.uniform(0.55, 1.0, (size // 16 + 1, size // 16 + 1))
    patchy_img = Image.fromarray((patchy * 255).astype(np.uint8)).resize((size, size))
    alpha = np.asarray(stamp, dtype=np.float32) * np.asarray(patchy_img, dtype=np.float32) / 255
    rgba = Image.new("RGBA", (size, size), (*ink, 0))
    rgba.putalpha(Image.fromarray(alpha.astype(np.uint8)))
    return rgba.rotate(rng.uniform(-25, 25), resample=Image.BICUBIC)


def draw_signature(width: int, rng: random.Random) -> Image.Image:
    """A handwritten-looking scribble as an L mask (255 = ink)."""
    height = width // 3
    mask = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(mask)
    loops = rng.randint(4, 7)
    steps = 400
    points = []
    phase = rng.uniform(0, math.pi)
    for i in range(steps):
        t = i / (steps - 1)
        x = 0.05 * width + 0.9 * width * t + 0.06 * width * math.sin(2 * math.pi * loops * t)
        # A wobbling amplitude makes the loops uneven, as a hand writes them.
        wobble = 1 - 0.5 * t + 0.25 * math.sin(2 * math.pi * 2.3 * t + phase * 3)
        y = height / 2 + 0.35 * height * math.sin(2 * math.pi * loops * t * 1.5 + phase) * wobble
        points.append((x, y))
    pen = max(2, width // 120)
    draw.line(points, fill=255, width=pen, joint="curve")
    # The final flourish under the name.
    y0 = height * rng.uniform(0.75, 0.9)
    draw.line([(0.1 * width, y0), (0.95 * width, y0 - 0.1 * height)], fill=255, width=pen)
    return mask.filter(ImageFilter.GaussianBlur(pen / 3))


def multiply_ink(page: Image.Image, mask: Image.Image, ink: tuple[int, int, int],
                 at: tuple[int, int]) -> None:
    """Print `ink` through `mask` (L, 255 = full ink) onto `page` in place, like real ink."""
    region = (at[0], at[1], at[0] + mask.width, at[1] + mask.height)
    base = np.asarray(page.crop(region), dtype=np.float32)
    alpha = np.asarray(mask, dtype=np.float32)[..., None] / 255
    inked = base * (1 - alpha) + base * np.asarray(ink, dtype=np.float32) / 255 * alpha
    page.paste(Image.fromarray(inked.clip(0, 255).astype(np.uint8)), region[:2])


def add_stamp_and_signature(page: Image.Image, profile: ScanProfile,
                            rng: random.Random) -> Image.Image:
    """Stamp over part of the body text and sign beside it, as on an official letter."""
    page = page.convert("RGB")
    left, top, right, bottom = ink_bounds(np.asarray(page.convert("L")))
    text_w, text_h = right - left, bottom - top
    dpi = page.info.get("dpi", (300, 300))[0]
    if profile.signature:
        sig = draw_signature(int(dpi * rng.uniform(1.6, 2.1)), rng)
        x = int(left + text_w * rng.uniform(0.45, 0.6))
        y = int(top + text_h * rng.uniform(0.55, 0.8))
        y = min(y, page.height - sig.height - 1)
        multiply_ink(page, sig, SIGNATURE_INK, (x, y))
    if profile.stamp:
        ink = INKS[rng.choice(sorted(INKS))]
        stamp = draw_stamp(int(dpi * rng.uniform(0.6, 0.75)), ink, rng)
        x = int(left + text_w * rng.uniform(0.2, 0.45))
        y = int(top + text_h * rng.uniform(0.45, 0.75))
        y = min(y, page.height - stamp.height - 1)
        multiply_ink(page, stamp.getchannel("A"), ink, (x, y))
    return page


def skew_page(page: Image.Image, profile: ScanProfile, rng: random.Random) -> Image.Image:
    """Rotate by a small random angle, the way a sheet sits crooked on the glass."""
    if profile.skew_max <= 0:
        return page
    angle = rng.uniform(profile.skew_min, profile.skew_max) * rng.choice((-1, 1))
    pixels = np.asarray(page)
    h, w = pixels.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turned = cv2.warpAffine(pixels, matrix, (w, h), flags=cv2.INTER_CUBIC,
                            borderValue=(255, 255, 255))
    out = Image.fromarray(turned, page.mode)
    out.info = dict(page.info)
    return out


def photograph(page: Image.Image, profile: ScanProfile, rng: random.Random) -> Image.Image:
    """Look at the page as a phone camera does: in perspective and under uneven light."""
    pixels = np.asarray(page.convert("RGB"))
    if profile.perspective > 0:
        pixels = warp_perspective(pixels, profile.perspective, rng)
    if profile.lighting > 0:
        pixels = light_unevenly(pixels, profile.lighting, rng)
    out = Image.fromarray(pixels, "RGB")
    out.info = dict(page.info)
    return out


def warp_perspective(pixels: np.ndarray, share: float, rng: random.Random) -> np.ndarray:
    """Move each page corner inwards by a random part of `share`, showing the desk around."""
    h, w = pixels.shape[:2]
    corners = ((0, 0, 1, 1), (w, 0, -1, 1), (w, h, -1, -1), (0, h, 1, -1))
    src = np.float32([(x, y) for x, y, _, _ in corners])
    dst = np.float32([
        (x + dx * rng.uniform(0.15, 1.0) * share * w, y + dy * rng.uniform(0.15, 1.0) * share * h)
        for x, y, dx, dy in corners
    ])
    matrix = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(pixels, matrix, (w, h), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=DESK)


def light_unevenly(pixels: np.ndarray, strength: float, rng: random.Random) -> np.ndarray:
    """Darken the page smoothly: light falling from one side, and a vignette of the lens."""
    h, w = pixels.shape[:2]
    # The light field is smooth, so it is computed on a coarse grid and scaled up.
    gh, gw = max(2, h // 16), max(2, w // 16)
    yy, xx = np.mgrid[-1 : 1 : gh * 1j, -1 : 1 : gw * 1j].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    side = (xx * math.cos(angle) + yy * math.sin(angle)) / math.sqrt(2) * 0.5 + 0.5
    cx, cy = rng.uniform(-0.3, 0.3), rng.uniform(-0.3, 0.3)
    vignette = ((xx - cx) ** 2 + (yy - cy) ** 2) / 4
    field = 1 - strength * np.clip(0.7 * side + 0.6 * vignette, 0, 1)
    field = cv2.resize(field, (w, h), interpolation=cv2.INTER_LINEAR)
    warm = np.float32([1.0, 0.97, 0.91])  # indoor light is yellowish
    lit = pixels.astype(np.float32) * field[..., None] * warm
    return np.clip(lit, 0, 255).astype(np.uint8)


def add_noise(page: Image.Image, profile: ScanProfile, np_rng: np.random.Generator) -> Image.Image:
    """Grey the paper and add sensor noise: mostly luminance, a little coarser colour noise."""
    pixels = np.asarray(page)
    if profile.background < 255:
        pixels = cv2.convertScaleAbs(pixels, alpha=profile.background / 255)
    if profile.noise > 0:
        h, w = pixels.shape[:2]
        luma = (np_rng.standard_normal((h, w), dtype=np.float32) * profile.noise).astype(np.int16)
        chroma = np_rng.standard_normal((h // 2, w // 2, 3), dtype=np.float32) * (profile.noise / 4)
        chroma = cv2.resize(chroma.astype(np.int16), (w, h), interpolation=cv2.INTER_NEAREST)
        noisy = cv2.add(pixels.astype(np.int16), cv2.add(cv2.merge([luma, luma, luma]), chroma))
        pixels = np.clip(noisy, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels, "RGB")


def add_streaks(gray: np.ndarray, count: int, rng: random.Random) -> None:
    """Draw thin dark horizontal streaks in place (dirty fax rollers)."""
    h, w = gray.shape
    for _ in range(count):
        y = rng.randrange(h // 10, h - h // 10)
        x0 = rng.randrange(0, w // 3)
        x1 = rng.randrange(2 * w // 3, w)
        gray[y : y + rng.choice((1, 1, 2)), x0:x1] = 0


def add_speckle(gray: np.ndarray, share: float, np_rng: np.random.Generator) -> None:
    """Flip a share of pixels to black, in place (dust, fax line noise)."""
    if share > 0:
        gray[np_rng.random(gray.shape) < share] = 0


def jpeg_roundtrip(image: Image.Image, quality: int) -> Image.Image:
    """Encode and decode as JPEG to get its softness and block artefacts."""
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert(image.mode)


def rotate_page(image: Image.Image, rotate: int) -> Image.Image:
    """Turn the page clockwise by 0, 90, 180 or 270 degrees."""
    turns = {0: None, 90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180,
             270: Image.Transpose.ROTATE_90}
    if rotate % 360 not in turns:
        raise ValueError(f"rotate must be 0, 90, 180 or 270, not {rotate}")
    op = turns[rotate % 360]
    return image if op is None else image.transpose(op)


def degrade(image: Image.Image, profile: str | ScanProfile, *, rotate: int = 0,
            seed: int = 0) -> Image.Image:
    """Give a rendered page the look of a scan; deterministic for a seed.

    Returns RGB, or L for binarised (fax) profiles. `rotate` turns the page clockwise
    (0/90/180/270), as if it was fed sideways or upside down.
    """
    prof = get_profile(profile)
    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    dpi = int(image.info.get("dpi", (300, 300))[0])
    page = image.convert("RGB")
    page.info["dpi"] = (dpi, dpi)
    if prof.stamp or prof.signature:
        page = add_stamp_and_signature(page, prof, rng)
    page = skew_page(page, prof, rng)
    if prof.perspective > 0 or prof.lighting > 0:
        page = photograph(page, prof, rng)
    out_dpi = prof.dpi or dpi
    if out_dpi != dpi:
        size = (round(page.width * out_dpi / dpi), round(page.height * out_dpi / dpi))
        page = page.resize(size, Image.Resampling.LANCZOS)
    if prof.blur > 0:
        page = Image.fromarray(cv2.GaussianBlur(np.asarray(page), (0, 0), prof.blur), page.mode)
    if prof.background < 255 or prof.noise > 0:
        page = add_noise(page, prof, np_rng)
    if prof.binarize:
        gray = np.asarray(page.convert("L")).copy()
        gray = np.where(gray < 140, 0, 255).astype(np.uint8)
        add_speckle(gray, prof.speckle, np_rng)
        add_streaks(gray, prof.streaks, rng)
        page = Image.fromarray(gray, "L")
    elif prof.jpeg_quality:
        page = jpeg_roundtrip(page, prof.jpeg_quality)
    page = rotate_page(page, rotate)
    page.info = {"dpi": (out_dpi, out_dpi)}
    return page


# --------------------------------------------------------------------------- output


def _dpi_of(images: list[Image.Image], dpi: int | None) -> int:
    return dpi or int(images[0].info.get("dpi", (300, 300))[0])


def save_pdf(images: list[Image.Image], path: str | Path, *, dpi: int | None = None) -> Path:
    """Write the pages as one image-only PDF (as a scanner would)."""
    path = Path(path)
    dpi = _dpi_of(images, dpi)
    # Copies: Pillow leaves encoder state on appended images that breaks a later save.
    first, *rest = [image.copy() for image in images]
    first.save(path, format="PDF", save_all=True, append_images=rest, resolution=float(dpi))
    return path


def save_tiff(images: list[Image.Image], path: str | Path, *, dpi: int | None = None) -> Path:
    """Write the pages as one multi-page TIFF with the dpi in its metadata."""
    path = Path(path)
    dpi = _dpi_of(images, dpi)
    first, *rest = [image.copy() for image in images]
    first.save(path, format="TIFF", save_all=True, append_images=rest, dpi=(dpi, dpi),
               compression="tiff_deflate")
    return path


def save_pngs(images: list[Image.Image], path: str | Path, *, dpi: int | None = None) -> list[Path]:
    """Write one PNG per page: `stem.png` for one page, `stem-N.png` for several."""
    path = Path(path)
    dpi = _dpi_of(images, dpi)
    if len(images) == 1:
        targets = [path]
    else:
        targets = [path.with_name(f"{path.stem}-{n}.png") for n in range(1, len(images) + 1)]
    for image, target in zip(images, targets, strict=True):
        image.save(target, format="PNG", dpi=(dpi, dpi))
    return targets


def simulate_scan(text: str, profile: str | ScanProfile, *, rotate: int = 0, seed: int = 0,
                  font_size: float = 11.0) -> list[Image.Image]:
    """Render `text` and degrade every page (each page gets its own seed)."""
    pages = render_pages(text, font_size=font_size, seed=seed)
    return [degrade(p, profile, rotate=rotate, seed=seed + n) for n, p in enumerate(pages)]


def convert_file(src: Path, out_dir: Path, *, profile: str, rotate: int, fmt: str,
                 seed: int, font_size: float) -> list[Path]:
    """Render one text file as a degraded scan in `out_dir`; returns the written files."""
    # A per-file seed keeps files different from each other yet reproducible.
    file_seed = seed ^ zlib.crc32(src.stem.encode())
    images = simulate_scan(src.read_text(encoding="utf-8"), profile, rotate=rotate,
                           seed=file_seed, font_size=font_size)
    target = out_dir / f"{src.stem}.{'tif' if fmt == 'tiff' else fmt}"
    if fmt == "pdf":
        return [save_pdf(images, target)]
    if fmt == "tiff":
        return [save_tiff(images, target)]
    return save_pngs(images, target)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m tools.scansim", description=__doc__.split(
        "\n\n")[0])
    parser.add_argument("src", type=Path, help="a .txt file or a folder of .txt files")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--profile", default="office", choices=sorted(PROFILES))
    parser.add_argument("--rotate", type=int, default=0, choices=(0, 90, 180, 270))
    parser.add_argument("--format", dest="fmt", default="pdf", choices=("pdf", "png", "tiff"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--font-size", type=float, default=11.0)
    args = parser.parse_args(argv)
    sources = sorted(args.src.glob("*.txt")) if args.src.is_dir() else [args.src]
    if not sources:
        print(f"no .txt files in {args.src}", file=sys.stderr)
        return 2
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for src in sources:
        for written in convert_file(src, args.out_dir, profile=args.profile, rotate=args.rotate,
                                    fmt=args.fmt, seed=args.seed, font_size=args.font_size):
            print(written)
    return 0


__all__ = [
    "PROFILES",
    "ScanProfile",
    "degrade",
    "main",
    "plain_text",
    "render_pages",
    "save_pdf",
    "save_pngs",
    "save_tiff",
    "simulate_scan",
]

if __name__ == "__main__":
    raise SystemExit(main())
