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
        (
            "berita.html",
            lambda: b"<!DOCTYPE html><html><body><p>Berita</p></body></html>",
            MediaType.HTML,
        ),
        ("catatan.txt", lambda: b"Rapat Timpora di Mataram, Senin.", MediaType.TEXT),
        # Names that lie: the content decides.
        ("surat.pdf", lambda: _image_bytes("PNG"), MediaType.PNG),
        ("gambar.txt", lambda: _image_bytes("JPEG"), MediaType.JPEG),
        ("sampah.txt", lambda: bytes(range(256)) * 8, MediaType.UNKNOWN),
        ("arsip.zip", lambda: _zip_bytes(), MediaType.UNKNOWN),
        # A page that mentions a PDF header is a page; a PDF after a little junk is a PDF.
        (
            "lampiran.html",
            lambda: b"<html><body><p>Berkas %PDF-1.7 menyusul.</p></body></html>",
            MediaType.HTML,
        ),
        ("kiriman.pdf", lambda: b"\r\n--batas\r\n%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", MediaType.PDF),
        # Three stray NULs in a letter leave it a letter.
        (
            "rusak.txt",
            lambda: b"Rapat Timpora\x00\x00\x00 di Mataram, Senin 3 Maret.",
            MediaType.TEXT,
        ),
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


def test_intake_reads_a_letter_with_stray_nuls_without_them(tmp_path: Path) -> None:
    path = tmp_path / "surat.txt"
    path.write_bytes(b"Dua WNA asal Nepal\x00 diamankan\x00\x00 di Sanur.")
    assert intake.read_text_file(path) == "Dua WNA asal Nepal diamankan di Sanur."


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
    found = [path.name for path in intake.discover([tmp_path]) if isinstance(path, Path)]
    assert found == ["1.txt", "2.txt", "3.txt"]


def test_intake_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file or folder"):
        list(intake.discover([tmp_path / "tidak-ada"]))


def test_intake_link_out_of_the_folder_is_refused_not_read(tmp_path: Path) -> None:
    inbox, outside = tmp_path / "inbox", tmp_path / "rahasia"
    inbox.mkdir()
    outside.mkdir()
    (outside / "kunci.env").write_text("PANTAU_SECRET_KEY=jangan-dibaca")
    (inbox / "surat.txt").write_text("Surat biasa.")
    (inbox / "x.txt").symlink_to(outside / "kunci.env")
    (inbox / "map").symlink_to(outside, target_is_directory=True)
    (inbox / "salinan.txt").symlink_to(inbox / "surat.txt")  # inside: read once, by its real path
    found = list(intake.discover([inbox]))
    files = [f for f in found if isinstance(f, Path)]
    refused = {f.path.name: f.code for f in found if isinstance(f, intake.Refused)}
    assert files == [(inbox / "surat.txt").resolve()]
    assert refused == {"x.txt": "outside_inputs", "map": "outside_inputs"}


def test_intake_pipes_and_broken_links_are_refused(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "pipa.txt")
    (tmp_path / "putus.txt").symlink_to(tmp_path / "tidak-ada.txt")
    (tmp_path / "a.txt").write_text("isi")
    found = list(intake.discover([tmp_path]))
    refused = {f.path.name: f.code for f in found if isinstance(f, intake.Refused)}
    assert refused == {"pipa.txt": "special_file", "putus.txt": "broken_link"}
    assert [f.name for f in found if isinstance(f, Path)] == ["a.txt"]


def test_intake_a_file_name_that_is_not_utf8_is_refused_with_a_printable_name(
    tmp_path: Path,
) -> None:
    import os

    bad = os.path.join(os.fsencode(tmp_path), b"surat-\xff\xfe.txt")
    with open(bad, "wb") as handle:
        handle.write(b"WN Jepang bernama Sato Kenji diamankan.")
    (tmp_path / "baik.txt").write_text("isi")
    found = list(intake.discover([tmp_path]))
    refused = [f for f in found if isinstance(f, intake.Refused)]
    assert [f.name for f in found if isinstance(f, Path)] == ["baik.txt"]
    assert [(r.path.name, r.code) for r in refused] == [("surat-\\xff\\xfe.txt", "bad_file_name")]
    assert "Rename the file" in refused[0].reason
    str(refused[0].path).encode("utf-8")  # storable and printable


def test_intake_a_file_named_by_the_user_is_read_where_its_link_leads(tmp_path: Path) -> None:
    (tmp_path / "asli.txt").write_text("isi")
    (tmp_path / "tautan.txt").symlink_to(tmp_path / "asli.txt")
    assert list(intake.discover([tmp_path / "tautan.txt"])) == [(tmp_path / "asli.txt").resolve()]
