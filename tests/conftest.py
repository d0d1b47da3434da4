"""Shared fixtures: sample inputs made on the fly, fake OCR engines, private Prefect homes."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from models.errors import BlankPageError
from models.records import PageSource, PageText, WordBox

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)

SURAT_TEXT = (
    "Sehubungan dengan hasil pengawasan Tim Pora Kabupaten Badung pada tanggal "
    "3 Maret 2026, bersama ini kami sampaikan bahwa dua orang warga negara asing "
    "kedapatan bekerja di sebuah kafe di Canggu tanpa izin kerja yang sah."
)
NOTULEN_TEXT = (
    "Rapat koordinasi Tim Pengawasan Orang Asing dibuka oleh Kepala Kantor Imigrasi. "
    "Peserta sepakat melaksanakan operasi gabungan di wilayah pesisir pada bulan depan."
)


def font_path() -> str:
    """A TrueType font from Debian's font packages (installed by `make setup`)."""
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    pytest.skip("no DejaVu or Liberation font installed (apt-get install fonts-dejavu-core)")


def write_text_pdf(path: Path, pages: list[str]) -> Path:
    """A born-digital PDF with one text page per entry ('' makes a blank page)."""
    from fpdf import FPDF

    document = FPDF(format="A4")
    document.add_font("body", fname=font_path())
    document.set_font("body", size=11)
    for text in pages:
        document.add_page()
        if text:
            document.multi_cell(0, 6, text)
    document.output(str(path))
    return path


def fake_page(text: str = "Teks hasil OCR halaman uji.") -> PageText:
    words = [
        WordBox(text=word, left=10 * i, top=10, width=8, height=10, conf=90.0, line=0, start=0)
        for i, word in enumerate(text.split())
    ]
    return PageText(text=text, source=PageSource.OCR, confidence=90.0, words=words)


class FakeOcr:
    """Stands in for tesseract: white pages are blank, anything else reads as fixed text."""

    def __init__(self, text: str = "Teks hasil OCR halaman uji.") -> None:
        self.text = text
        self.calls: list[tuple[tuple[int, int], int | None]] = []

    def __call__(self, image: Image.Image, *, dpi: int | None = None, **_: object) -> PageText:
        self.calls.append((image.size, dpi))
        if image.convert("L").getextrema()[0] > 200:
            raise BlankPageError("page is blank (no ink found).")
        return fake_page(self.text)


@pytest.fixture
def fake_ocr() -> FakeOcr:
    return FakeOcr()


@pytest.fixture
def make_pdf(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str, pages: list[str]) -> Path:
        return write_text_pdf(tmp_path / name, pages)

    return make


@pytest.fixture
def inked_image() -> Image.Image:
    """A page-sized image with a black bar: not blank, cheap to create."""
    image = Image.new("RGB", (1240, 1754), "white")
    image.paste((0, 0, 0), (100, 100, 1100, 160))
    return image


@pytest.fixture
def prefect_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """A private Prefect home and Pantau home, so tests never touch the user's data."""
    home = tmp_path_factory.mktemp("pantau-home")
    monkeypatch.setenv("PANTAU_HOME", str(home))
    monkeypatch.setenv("PREFECT_HOME", str(home / "prefect"))
    return home


def merge_pdfs(parts: list[Path], target: Path) -> Path:
    """Concatenate PDFs (e.g. a born-digital page and a scanned page into a mixed PDF)."""
    import pypdfium2 as pdfium

    merged = pdfium.PdfDocument.new()
    for part in parts:
        merged.import_pages(pdfium.PdfDocument(part))
    merged.save(target)
    return target
