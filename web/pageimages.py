"""Page images for the workbench, rendered once from the original and cached as PNG.

The cache lives under PANTAU_HOME/page-images; a file's name holds everything the
rendering depends on, so a page read again (other size, rotation, skew) gets a new one.
"""

from __future__ import annotations

import os
import tempfile
import zlib
from pathlib import Path

from extractors.intake import hash_file
from extractors.pageimage import render_page
from models.tables import Document, Page
from web.deps import WebSettings

CACHE_FOLDER = "page-images"


class OriginalChangedError(Exception):
    """The file at the document's path is no longer the one that was read: its boxes would
    be drawn over another scan."""


def outline_key(page: Page) -> str:
    """A short tag of the page outline a photographed page was warped by ("" for none)."""
    outline = next((s for s in page.steps or () if s.startswith("rectify:")), "")
    return f"-q{zlib.crc32(outline.encode()):08x}" if outline else ""


def cache_path(settings: WebSettings, *, document: Document, page: Page) -> Path:
    """Where the rendered image of `page` is kept."""
    key = (
        f"{document.sha256}-p{page.number}-{page.width}x{page.height}"
        f"-r{page.rotation}-s{page.skew:+.3f}{outline_key(page)}.png"
    )
    return settings.home / CACHE_FOLDER / key


def cached_page_image(settings: WebSettings, *, document: Document, page: Page) -> Path:
    """The PNG of `page`, rendering it from the original (read-only) on first request.

    The original is drawn only while its SHA-256 is still the document's; raises
    `OriginalChangedError` when the file was replaced, `FileNotFoundError` when it is gone.
    """
    target = cache_path(settings, document=document, page=page)
    if target.exists():
        return target
    source = Path(document.path)
    if not source.is_file():
        raise FileNotFoundError(source)
    before = source.stat()
    if hash_file(source)[0] != document.sha256:
        raise OriginalChangedError(source)
    image = render_page(
        source,
        media_type=document.media_type,
        number=page.number,
        width=page.width,
        height=page.height,
        rotation=page.rotation,
        skew=page.skew,
        dpi=settings.dpi,
        max_pixels=settings.max_megapixels * 1_000_000,
        steps=list(page.steps or ()),
    )
    after = source.stat()
    if (after.st_size, after.st_mtime_ns, after.st_ino) != (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    ):
        raise OriginalChangedError(source)  # replaced while it was drawn
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed, so a concurrent request never reads half a file.
    handle, partial = tempfile.mkstemp(dir=target.parent, suffix=".part")
    os.close(handle)
    image.save(partial, format="PNG")
    os.replace(partial, target)
    return target
