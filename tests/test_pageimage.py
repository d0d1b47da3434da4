"""Page images rendered from originals line up with the stored (turned, deskewed) boxes."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from extractors import preprocess as pp
from extractors.pageimage import render_page
from models.errors import NotTextError


@pytest.fixture
def scan(tmp_path):
    """A 400 x 300 scan with a black square at x 20-60, y 30-70."""
    image = Image.new("RGB", (400, 300), "white")
    image.paste((0, 0, 0), (20, 30, 60, 70))
    path = tmp_path / "scan.png"
    image.save(path)
    return path


def is_ink(image: Image.Image, xy: tuple[int, int]) -> bool:
    return image.convert("L").getpixel(xy) < 100


@pytest.mark.parametrize(
    ("rotation", "size", "inked", "blank"),
    [
        (0, (400, 300), (40, 50), (250, 50)),
        (90, (300, 400), (250, 40), (40, 50)),  # clockwise: (x, y) -> (h - y, x)
        (180, (400, 300), (360, 250), (40, 50)),
        (270, (300, 400), (50, 360), (250, 40)),
        (0, (800, 600), (80, 100), (40, 50)),  # resampled to twice the size
    ],
)
def test_pageimage_applies_stored_rotation_and_size(scan, rotation, size, inked, blank):
    image = render_page(
        scan, media_type="image/png", number=1, width=size[0], height=size[1], rotation=rotation
    )
    assert image.size == size
    assert is_ink(image, inked) and not is_ink(image, blank)


def test_pageimage_deskews_like_the_ocr_preprocessing(scan):
    rendered = np.asarray(
        render_page(
            scan, media_type="image/png", number=1, width=400, height=300, skew=3.0
        ).convert("L"),
        dtype=np.int16,
    )
    gray = np.asarray(Image.open(scan).convert("L"))
    expected = pp.deskew(gray, 3.0).astype(np.int16)
    assert rendered.shape == expected.shape
    assert np.mean(np.abs(rendered - expected)) < 2
    assert not np.array_equal(rendered > 128, gray > 128)  # it did turn


def test_pageimage_renders_a_pdf_page_at_the_stored_size(make_pdf):
    path = make_pdf("surat.pdf", ["Halaman pertama surat uji.", "Halaman kedua surat uji."])
    image = render_page(path, media_type="application/pdf", number=2, width=1240, height=1754)
    assert image.size == (1240, 1754) and image.mode == "RGB"
    assert image.convert("L").getextrema()[0] < 100


def test_pageimage_refuses_documents_without_pages(tmp_path):
    path = tmp_path / "catatan.txt"
    path.write_text("catatan", encoding="utf-8")
    with pytest.raises(NotTextError, match="no page images"):
        render_page(path, media_type="text/plain", number=1, width=100, height=100)


def test_pageimage_warps_a_photographed_page_like_the_ocr(tmp_path):
    photo = Image.new("RGB", (400, 300), (90, 80, 70))
    corners = [(40, 30), (360, 20), (380, 280), (20, 270)]
    ImageDraw.Draw(photo).polygon(corners, fill="white")
    path = tmp_path / "photo.png"
    photo.save(path)
    quad = pp.find_page_quad(np.asarray(photo.convert("L")))
    assert quad is not None
    steps = ["gray", pp.rectify_step(quad), "ocr:psm3"]
    image = render_page(path, media_type="image/png", number=1, width=400, height=300,
                        steps=steps)
    pixels = np.asarray(image.convert("L"))
    # The desk around the page is gone: the warped page fills the image.
    assert pixels[5:-5, 5:-5].min() > 200
    assert render_page(path, media_type="image/png", number=1, width=400,
                       height=300).convert("L").getpixel((2, 2)) < 100
