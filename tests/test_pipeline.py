"""The text stage per document: page-by-page decisions and bad input as data."""

from __future__ import annotations

import io
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import NOTULEN_TEXT, SURAT_TEXT, FakeOcr, merge_pdfs, write_text_pdf
from PIL import Image

from extractors import intake
from extractors.pipeline import ReadOptions, read_document
from models.records import DocumentStatus, PageSource


def _read(path: Path, ocr: FakeOcr, **options) -> object:
    return read_document(intake.inspect(path), options=ReadOptions(**options), ocr=ocr)


def _scan_pdf(path: Path, images: list[Image.Image]) -> Path:
    images[0].save(path, format="PDF", save_all=True, append_images=images[1:], resolution=150)
    return path


def test_pipeline_born_digital_pdf_uses_text_layer(tmp_path: Path, fake_ocr: FakeOcr) -> None:
    path = write_text_pdf(tmp_path / "surat.pdf", [SURAT_TEXT, NOTULEN_TEXT])
    result = _read(path, fake_ocr)
    assert result.status is DocumentStatus.PROCESSED
    assert [page.text.source for page in result.pages] == [PageSource.TEXT_LAYER] * 2
    assert "Kabupaten Badung" in result.pages[0].text.text
    assert "operasi gabungan" in result.pages[1].text.text
    assert result.pages[0].text.words[0].text == "Sehubungan"
    assert not fake_ocr.calls


def test_pipeline_mixed_pdf_decides_page_by_page(
    tmp_path: Path, fake_ocr: FakeOcr, inked_image: Image.Image
) -> None:
    text_pdf = write_text_pdf(tmp_path / "teks.pdf", [SURAT_TEXT])
    scan_pdf = _scan_pdf(tmp_path / "pindai.pdf", [inked_image])
    mixed = merge_pdfs([text_pdf, scan_pdf], tmp_path / "campuran.pdf")
    result = _read(mixed, fake_ocr)
    assert result.status is DocumentStatus.PROCESSED
    assert [page.text.source for page in result.pages] == [PageSource.TEXT_LAYER, PageSource.OCR]
    assert fake_ocr.calls and fake_ocr.calls[0][1] == 300


def test_pipeline_blank_page_makes_document_partial(tmp_path: Path, fake_ocr: FakeOcr) -> None:
    path = write_text_pdf(tmp_path / "dengan-halaman-kosong.pdf", [SURAT_TEXT, ""])
    result = _read(path, fake_ocr)
    assert result.status is DocumentStatus.PARTIAL
    assert result.pages[0].ok and not result.pages[1].ok
    assert result.pages[1].error_code == "blank_page"
    assert "1 of 2 pages" in result.error and "blank" in result.error


def test_pipeline_all_blank_pages_fail(tmp_path: Path, fake_ocr: FakeOcr) -> None:
    blank = Image.new("RGB", (1240, 1754), "white")
    result = _read(_scan_pdf(tmp_path / "kosong.pdf", [blank, blank]), fake_ocr)
    assert result.status is DocumentStatus.FAILED
    assert result.error_code == "blank_page"


def test_pipeline_multipage_tiff_reads_every_frame(
    tmp_path: Path, fake_ocr: FakeOcr, inked_image: Image.Image
) -> None:
    path = tmp_path / "dua-halaman.tif"
    inked_image.save(path, save_all=True, append_images=[inked_image], dpi=(200, 200))
    result = _read(path, fake_ocr)
    assert result.status is DocumentStatus.PROCESSED
    assert [page.number for page in result.pages] == [1, 2]
    assert [dpi for _, dpi in fake_ocr.calls] == [200, 200]


def test_pipeline_multipage_tiff_decodes_each_frame_only_when_its_page_is_read(
    tmp_path: Path, inked_image: Image.Image, monkeypatch: pytest.MonkeyPatch
) -> None:
    from extractors import images

    path = tmp_path / "tiga-puluh-halaman.tif"
    inked_image.save(path, save_all=True, append_images=[inked_image] * 29, dpi=(200, 200))
    decoded: list[int] = []
    load_frame = images.load_frame

    def counting(path: Path, number: int, **kwargs):
        decoded.append(number)
        return load_frame(path, number, **kwargs)

    monkeypatch.setattr(images, "load_frame", counting)
    seen_when_read: list[int] = []

    class Recording(FakeOcr):
        def __call__(self, image, **kwargs):
            seen_when_read.append(len(decoded))
            return super().__call__(image, **kwargs)

    ocr = Recording()
    result = _read(path, ocr)
    assert [page.number for page in result.pages] == list(range(1, 31))
    assert sorted(decoded) == list(range(1, 31))  # each frame decoded once
    # Page n is read with n frames decoded so far: never the whole file ahead of the OCR.
    assert seen_when_read == list(range(1, 31))


def test_pipeline_page_images_are_freed_after_their_page_even_when_it_fails(
    tmp_path: Path,
) -> None:
    # A blank page fails; its error must not keep the decoded image alive while the next
    # pages are read.
    import gc
    import weakref

    blank = Image.new("RGB", (1240, 1754), "white")
    path = tmp_path / "kosong.tif"
    blank.save(path, save_all=True, append_images=[blank] * 5)
    alive: list[weakref.ref] = []
    held_before: list[int] = []  # earlier pages' images still in memory as each page is read

    class Tracking(FakeOcr):
        def __call__(self, image, **kwargs):
            gc.collect()
            held_before.append(sum(ref() is not None for ref in alive))
            alive.append(weakref.ref(image))
            return super().__call__(image, **kwargs)

    result = _read(path, Tracking())
    assert result.error_code == "blank_page"
    assert held_before == [0] * 6


def test_pipeline_runs_ocr_pages_in_parallel_in_page_order(
    tmp_path: Path, inked_image: Image.Image
) -> None:
    pages = [inked_image] * 6
    path = _scan_pdf(tmp_path / "enam.pdf", pages)
    ocr = FakeOcr()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        result = read_document(intake.inspect(path), executor=pool, ocr=ocr)
    assert [page.number for page in result.pages] == [1, 2, 3, 4, 5, 6]
    assert len(ocr.calls) == 6


@pytest.mark.parametrize(
    ("name", "content", "code", "hint"),
    [
        ("kosong.pdf", b"", "empty_file", "0 bytes"),
        ("sampah.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 40, "corrupt", "damaged"),
        ("biner.txt", bytes(range(256)) * 40, "not_text", "binary"),
        ("arsip.bin", b"\x00\x01\x02\x03" * 1000, "unsupported_type", "not a supported"),
    ],
)
def test_pipeline_bad_input_fails_with_reason(
    tmp_path: Path, fake_ocr: FakeOcr, name: str, content: bytes, code: str, hint: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = _read(path, fake_ocr)
    assert result.status is DocumentStatus.FAILED
    assert result.error_code == code
    assert hint in result.error and name in result.error


def test_pipeline_truncated_pdf_is_reported(tmp_path: Path, fake_ocr: FakeOcr) -> None:
    whole = write_text_pdf(tmp_path / "utuh.pdf", [SURAT_TEXT, NOTULEN_TEXT]).read_bytes()
    path = tmp_path / "terpotong.pdf"
    path.write_bytes(whole[: len(whole) // 3])
    result = _read(path, fake_ocr)
    assert result.status in (DocumentStatus.FAILED, DocumentStatus.PARTIAL)
    assert result.error and result.error_code in ("corrupt", "blank_page")


def test_pipeline_encrypted_pdf_asks_for_unprotected_copy(
    tmp_path: Path, fake_ocr: FakeOcr
) -> None:
    from conftest import font_path
    from fpdf import FPDF

    document = FPDF()
    document.set_encryption(owner_password="pemilik", user_password="rahasia")
    document.add_font("body", fname=font_path())
    document.set_font("body", size=11)
    document.add_page()
    document.multi_cell(0, 6, SURAT_TEXT)
    path = tmp_path / "terkunci.pdf"
    document.output(str(path))
    result = _read(path, fake_ocr)
    assert result.status is DocumentStatus.FAILED
    assert result.error_code == "encrypted"
    assert "password" in result.error


def test_pipeline_truncated_image_is_corrupt(
    tmp_path: Path, fake_ocr: FakeOcr, inked_image: Image.Image
) -> None:
    buffer = io.BytesIO()
    inked_image.save(buffer, format="PNG")
    path = tmp_path / "terpotong.png"
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    result = _read(path, fake_ocr)
    assert result.status is DocumentStatus.FAILED
    assert result.error_code == "corrupt"
    assert not fake_ocr.calls


def test_pipeline_decompression_bomb_is_refused(tmp_path: Path, fake_ocr: FakeOcr) -> None:
    path = tmp_path / "bom.png"
    Image.new("1", (20_000, 20_000), 1).save(path, optimize=True)
    assert path.stat().st_size < 2_000_000
    result = _read(path, fake_ocr, max_pixels=150_000_000)
    assert result.status is DocumentStatus.FAILED
    assert result.error_code == "too_large"
    assert "decompression bomb" in result.error
    assert not fake_ocr.calls


def test_pipeline_lying_name_is_read_by_content_and_noted(
    tmp_path: Path, fake_ocr: FakeOcr, inked_image: Image.Image
) -> None:
    path = tmp_path / "sebenarnya-gambar.pdf"
    inked_image.save(path, format="PNG")
    result = _read(path, fake_ocr)
    assert result.status is DocumentStatus.PROCESSED
    assert result.pages[0].text.source is PageSource.OCR
    assert any("content is PNG" in warning for warning in result.warnings)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("catatan.txt", "Halaman satu.\fHalaman dua.", ["Halaman satu.", "Halaman dua."]),
        (
            "berita.html",
            "<html><head><style>p{}</style><script>alert(1)</script></head>"
            "<body><nav>Menu</nav><h1>Razia WNA</h1><p>Petugas memeriksa   paspor.</p></body>"
            "</html>",
            ["Razia WNA\n\nPetugas memeriksa paspor."],
        ),
    ],
)
def test_pipeline_reads_text_documents(
    tmp_path: Path, fake_ocr: FakeOcr, name: str, content: str, expected: list[str]
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = _read(path, fake_ocr)
    assert result.status is DocumentStatus.PROCESSED
    assert [page.text.text for page in result.pages] == expected


def test_pipeline_reads_docx_pages_and_tables(tmp_path: Path, fake_ocr: FakeOcr) -> None:
    from docx import Document
    from docx.enum.text import WD_BREAK

    document = Document()
    document.add_paragraph("NOTULEN RAPAT TIMPORA")
    document.add_paragraph("Tempat: Aula Kantor Imigrasi").add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("Kesimpulan: operasi gabungan dilaksanakan.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Kesbangpol"
    table.rows[0].cells[1].text = "hadir"
    path = tmp_path / "notulen.docx"
    document.save(str(path))
    result = _read(path, fake_ocr)
    assert result.status is DocumentStatus.PROCESSED
    assert len(result.pages) == 2
    assert "Tempat: Aula Kantor Imigrasi" in result.pages[0].text.text
    assert "Kesbangpol | hadir" in result.pages[1].text.text


def test_pipeline_page_limit_holds_for_text_and_docx(tmp_path: Path, fake_ocr: FakeOcr) -> None:
    from docx import Document
    from docx.enum.text import WD_BREAK

    text = tmp_path / "lampiran.txt"
    text.write_text("\f".join(f"Halaman {n}: daftar WNA yang didata." for n in range(1, 6)))
    within = _read(text, fake_ocr, max_pages=5)
    assert within.status is DocumentStatus.PROCESSED and len(within.pages) == 5
    over = _read(text, fake_ocr, max_pages=4)
    assert (over.status, over.error_code) == (DocumentStatus.FAILED, "too_large")
    assert "PANTAU_MAX_PAGES" in over.error and not over.pages

    document = Document()
    for n in range(1, 4):
        paragraph = document.add_paragraph(f"Halaman {n} notulen rapat Timpora.")
        if n < 3:
            paragraph.add_run().add_break(WD_BREAK.PAGE)
    path = tmp_path / "notulen.docx"
    document.save(str(path))
    assert len(_read(path, fake_ocr, max_pages=3).pages) == 3
    refused = _read(path, fake_ocr, max_pages=2)
    assert (refused.status, refused.error_code) == (DocumentStatus.FAILED, "too_large")


def test_pipeline_never_modifies_originals(tmp_path: Path, fake_ocr: FakeOcr) -> None:
    path = write_text_pdf(tmp_path / "surat.pdf", [SURAT_TEXT])
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    _read(path, fake_ocr)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
