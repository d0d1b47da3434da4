"""Image backend: PNG, JPEG and (multi-page) TIFF frames, loaded safely for OCR.

Decompression bombs and truncated files are refused with a clear reason instead
of exhausting memory or OCR'ing half a page.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from models.errors import CorruptFileError, TooLargeError

DEFAULT_DPI = 300
# A scanner's "dpi" below this is a metadata default (72/96), not a real resolution.
_MIN_TRUSTED_DPI = 100


def iter_frames(path: Path, *, max_pixels: int) -> Iterator[tuple[Image.Image, int | None]]:
    """Yield each frame (page) of an image file as an RGB image with its dpi, if known."""
    with _guarded(path, max_pixels=max_pixels), _open(path) as image:
        for frame in ImageSequence.Iterator(image):
            _check_size(path, frame, max_pixels=max_pixels)
            yield _load(path, frame), _dpi(frame)


def load_frame(path: Path, number: int, *, max_pixels: int) -> tuple[Image.Image, int | None]:
    """Frame `number` (from 1) as RGB with its dpi; the frames before it are skipped, not
    decoded, so a batch holds one decoded frame per page being read, whatever the file."""
    with _guarded(path, max_pixels=max_pixels), _open(path) as image:
        try:
            image.seek(number - 1)
        except EOFError as e:
            raise CorruptFileError(f"{path.name}: has no page {number}.") from e
        except (OSError, SyntaxError, ValueError) as e:
            raise _damaged(path, e) from e
        _check_size(path, image, max_pixels=max_pixels)
        return _load(path, image), _dpi(image)


def count_frames(path: Path, *, max_pixels: int | None = None) -> int:
    """Number of frames (pages) in an image file, without decoding them."""
    with _guarded(path, max_pixels=max_pixels or 0), _open(path) as image:
        try:
            return int(getattr(image, "n_frames", 1))
        except (OSError, SyntaxError, ValueError) as e:
            raise _damaged(path, e) from e


def _open(path: Path) -> Image.Image:
    try:
        return Image.open(path)
    except UnidentifiedImageError as e:
        raise CorruptFileError(
            f"{path.name}: the image cannot be decoded. It is damaged or not an image; "
            "re-scan the original."
        ) from e


def _damaged(path: Path, error: Exception) -> CorruptFileError:
    return CorruptFileError(
        f"{path.name}: the image is truncated or damaged ({error}). Re-scan the original."
    )


class _guarded:  # noqa: N801 - used like a function in a with statement
    """Refuse decompression bombs: Pillow's own limit and ours both become TooLargeError."""

    def __init__(self, path: Path, *, max_pixels: int) -> None:
        self.path = path
        self.max_pixels = max_pixels
        self._warnings = warnings.catch_warnings()

    def __enter__(self) -> None:
        self._warnings.__enter__()
        # Our own pixel limit decides; Pillow's softer warning would only be noise.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)

    def __exit__(self, *exc_info: object) -> None:
        self._warnings.__exit__(None, None, None)
        error = exc_info[1]
        if isinstance(error, Image.DecompressionBombError):
            raise _too_large(self.path, detail=str(error)) from error


def _check_size(path: Path, frame: Image.Image, *, max_pixels: int) -> None:
    width, height = frame.size
    if width * height > max_pixels:
        raise _too_large(path, detail=f"{width} x {height} pixels")


def _too_large(path: Path, *, detail: str) -> TooLargeError:
    return TooLargeError(
        f"{path.name}: the image is too large to process safely ({detail}); it may be a "
        "decompression bomb. Scan at 300 dpi or split the image, then add it again."
    )


def _load(path: Path, frame: Image.Image) -> Image.Image:
    try:
        frame.load()
        upright = ImageOps.exif_transpose(frame)
        return (upright or frame).convert("RGB")
    except (OSError, SyntaxError, ValueError) as e:
        raise _damaged(path, e) from e


def _dpi(frame: Image.Image) -> int | None:
    dpi = frame.info.get("dpi")
    if not dpi:
        return None
    try:
        value = round(float(dpi[0]))
    except (TypeError, ValueError, IndexError):
        return None
    return value if value >= _MIN_TRUSTED_DPI else None
