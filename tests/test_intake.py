"""Intake: type detection from content, hashing, discovery."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from conftest import SURAT_TEXT, write_text_pdf
from PIL import Image

from extractors import intake
from models.errors import ConfigError
from models.records import MediaType


def _image_bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, format=fmt)
    return buffer.getvalue()


def _docx_bytes() -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("Perihal: laporan pengawasan orang asing")
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("surat.png", lambda: _image_bytes("PNG"), MediaType.PNG),
        ("foto.jpg", lambda: _image_bytes("JPEG"), MediaType.JPEG),
        ("pindai.tiff", lambda: _image_bytes("TIFF"), MediaType.TIFF),
        ("laporan.docx", _docx_bytes, MediaType.DOCX),
        ("berita.html", lambda: b"<!DOCTYPE html><html><body><p>Berita</p></body></html>",
         MediaType.HTML),
        ("catatan.txt", lambda: b"Rapat Timpora di Mataram, Senin.", MediaType.TEXT),
        # Names that lie: the content decides.
        ("surat.pdf", lambda: _image_bytes("PNG"), MediaType.PNG),
        ("gambar.txt", lambda: _image_bytes("JPEG"), MediaType.JPEG),
        ("sampah.txt", lambda: bytes(range(256)) * 8, MediaType.UNKNOWN),
        ("arsip.zip", lambda: _zip_bytes(), MediaType.UNKNOWN),
    ],
)
def test_intake_detects_type_from_content(tmp_path: Path, name, content, expected) -> None:
    path = tmp_path / name
    path.write_bytes(content())
    assert intake.detect_type(path) is expected


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("catatan.txt", "bukan dokumen word")
    return buffer.getvalue()


def test_intake_detects_pdf_and_hashes_content(tmp_path: Path) -> None:
    path = write_text_pdf(tmp_path / "a.pdf", [SURAT_TEXT])
    copy = tmp_path / "salinan dengan nama lain.bin"
    copy.write_bytes(path.read_bytes())
    first, second = intake.inspect(path), intake.inspect(copy)
    assert first.media_type is MediaType.PDF and second.media_type is MediaType.PDF
    assert first.sha256 == second.sha256 and len(first.sha256) == 64
    assert first.size == path.stat().st_size


def test_intake_flags_a_name_that_lies(tmp_path: Path) -> None:
    path = tmp_path / "surat.pdf"
    path.write_bytes(_image_bytes("PNG"))
    assert not intake.inspect(path).name_matches_type
    honest = tmp_path / "surat.png"
    honest.write_bytes(_image_bytes("PNG"))
    assert intake.inspect(honest).name_matches_type


def test_intake_discovers_recursively_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".tersembunyi").mkdir()
    for relative in ("1.txt", "a/2.txt", "a/b/3.txt", ".tersembunyi/4.txt", "a/.5.txt"):
        (tmp_path / relative).write_text("isi")
    found = [path.name for path in intake.discover([tmp_path])]
    assert found == ["1.txt", "2.txt", "3.txt"]


def test_intake_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file or folder"):
        list(intake.discover([tmp_path / "tidak-ada"]))
