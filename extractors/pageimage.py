"""Render a stored page as the image its word boxes refer to, from the original file.

OCR boxes are in pixels of the page after resampling, quarter turns and deskew; text
layer boxes are in pixels of the page rendered at the reading dpi. Both record the
final size (`width` x `height`), so rendering the original, scaling it to that size
(before turning it), turning it and removing the same skew lines the boxes up again.
The original is only read.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from extractors import images, pdf
from extractors import preprocess as pp
from models.errors import NotTextError
from models.records import MediaType

IMAGE_TYPES = {MediaType.PNG, MediaType.JPEG, MediaType.TIFF}
WHITE = (255, 255, 255)


def render_page(
    path: Path,
    *,
    media_type: str,
    number: int,
    width: int,
    height: int,
    rotation: int = 0,
    skew: float = 0.0,
    dpi: int = 300,
    max_pixels: int = 150_000_000,
    steps: Sequence[str] = (),
) -> Image.Image:
    """Page `number` of the original at `path`, upright, deskewed and `width` x `height`.

    `steps` are the page's OCR steps: a photographed page's recorded outline
    (`preprocess.rectify_step`) is warped flat first, as the OCR did.
    """
    if width <= 0 or height <= 0:
        raise NotTextError(f"{path.name}: page {number} has no stored image size.")
    turned = rotation % 360 in (90, 270)
    before = (height, width) if turned else (width, height)
    page = load_page(path, media_type=media_type, number=number, dpi=dpi, max_pixels=max_pixels)
    outline = pp.parse_rectify(steps)
    if outline is not None:
        page = Image.fromarray(pp.rectify(np.asarray(page), outline))
    pixels = pp.rotate_quarter(np.asarray(page.resize(before, Image.Resampling.LANCZOS)), rotation)
    if skew:
        pixels = deskew_rgb(pixels, skew)
    return Image.fromarray(np.ascontiguousarray(pixels))


def load_page(
    path: Path, *, media_type: str, number: int, dpi: int, max_pixels: int
) -> Image.Image:
    """Page `number` of a PDF (rendered at `dpi`) or of an image file, as RGB."""
    if media_type == MediaType.PDF:
        return pdf.render_page(path, number, dpi=dpi, max_pixels=max_pixels)[0]
    if media_type in IMAGE_TYPES:
        return images.load_frame(path, number, max_pixels=max_pixels)[0]
    raise NotTextError(f"{path.name}: a {media_type} document has no page images.")


def deskew_rgb(pixels: np.ndarray, skew: float) -> np.ndarray:
    """The same level-making turn as `preprocess.deskew`, on a colour image."""
    h, w = pixels.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -skew, 1.0)
    return cv2.warpAffine(
        pixels,
        matrix,
        (w, h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=WHITE,
    )
