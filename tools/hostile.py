"""Hostile and careless inputs: one inbox holding every kind of file that has hurt a batch.

`make_inbox(inbox, outside)` writes them, with invented Indonesian text, into `inbox`, and
the secrets some of them point at into `outside` (a folder the batch is not given). Each
kind comes with what the batch must do with it: `refused` (never read, with the intake's
reason code), `failed` (read and refused with an error code), `stored` (stored with its
pages, perhaps partial) or `good` (the control letter: stored with its foreign national).

Used by tests/test_hostile.py and benchmarks/hostile.py.

    uv run python -m tools.hostile /tmp/inbox /tmp/outside
"""

from __future__ import annotations

import io
import os
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

SECRET = "PANTAU_SECRET_KEY=rahasia-yang-tidak-boleh-terbaca-9f3a"
CONTROL_NAME = "Meiliana Oktaviani Wong"

CONTROL_LETTER = f"""KANTOR IMIGRASI KELAS II TPI KUPANG
Nomor: IMI.9-GR.02.03-1187

Pada tanggal 4 Februari 2025 petugas Timpora memeriksa seorang warga negara asing bernama
{CONTROL_NAME}, warga negara Singapura, di sebuah penginapan di Kelurahan Oesapa, Kota Kupang.
Yang bersangkutan bekerja sebagai pengelola penginapan tanpa izin kerja.
"""

LETTER = (
    "Laporan pengawasan orang asing di Kabupaten Sikka. Tim menemukan dua orang warga "
    "negara Filipina yang bekerja sebagai nelayan tanpa izin tinggal yang sah.\n"
)


@dataclass(frozen=True)
class Expect:
    """What the batch must do with one input."""

    outcome: str  # refused, failed, stored, good, duplicate
    code: str = ""  # the reason code for refused/failed; "" when any code will do


@dataclass(frozen=True)
class Hostile:
    """One kind of hostile input: its file name in the inbox, how to make it, what is due."""

    name: str
    make: Callable[[Path, Path], None]
    expect: Expect


def _write(data: bytes) -> Callable[[Path, Path], None]:
    return lambda path, outside: path.write_bytes(data)


def _made(build: Callable[[], bytes]) -> Callable[[Path, Path], None]:
    """Like `_write`, building the bytes only when the file is written."""
    return lambda path, outside: path.write_bytes(build())


def _text(text: str, encoding: str = "utf-8") -> Callable[[Path, Path], None]:
    return _write(text.encode(encoding))


def _link_to(target: Callable[[Path], Path]) -> Callable[[Path, Path], None]:
    return lambda path, outside: path.symlink_to(target(outside))


def _fifo(path: Path, outside: Path) -> None:
    os.mkfifo(path)


def _loop(path: Path, outside: Path) -> None:
    path.symlink_to(path.name)  # a link to itself


def _zip(entries: dict[str, bytes], *, level: int = 9) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


PACKAGE_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    b'.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
    b'.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    b"</Relationships>"
)


def _docx(document_xml: bytes) -> bytes:
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": PACKAGE_RELS,
            "word/document.xml": document_xml,
        }
    )


def _paragraphs(texts: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in texts)
    return (
        f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    ).encode()


def _docx_zip_bomb() -> bytes:
    # 200 MB of one paragraph's text, compressed to well under 1 MB.
    head = f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>'.encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            entry.write(head)
            block = b"A" * (1 << 20)
            for _ in range(200):
                entry.write(block)
            entry.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return buffer.getvalue()


def _docx_billion_laughs() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]>'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    return _docx(xml.encode())


def _docx_external_entity(path: Path, outside: Path) -> None:
    secret = outside / "settings.env"
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>Isi: &xxe;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    path.write_bytes(_docx(xml.encode()))


def _pdf(pages: int = 1, *, text: str = LETTER, width_mm: float = 210, height_mm: float = 297,
         encrypt: bool = False, javascript: bool = False) -> bytes:  # fmt: skip
    from fpdf import FPDF

    pdf = FPDF(format=(width_mm, height_mm))
    pdf.set_font("helvetica", size=11)
    for _ in range(pages):
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 6, text)
    if encrypt:
        pdf.set_encryption(owner_password="pemilik-1187", user_password="rahasia-2025")
    data = bytes(pdf.output())
    if javascript:
        data = _with_open_action_script(data)
    return data


def _with_open_action_script(pdf: bytes) -> bytes:
    """The PDF with a document-level JavaScript action appended as an incremental update."""
    catalog = pdf.index(b"/Type /Catalog")
    start = pdf.rindex(b"obj", 0, catalog)
    number = int(pdf[:start].split()[-2])
    body_start = pdf.index(b"<<", start)
    body_end = pdf.index(b"endobj", catalog)
    body = pdf[body_start:body_end].rstrip()
    assert body.endswith(b">>")
    js_number = number + 1000
    update = (
        (
            f"\n{js_number} 0 obj\n"
            "<< /Type /Action /S /JavaScript /JS (app.alert\\('x'\\);) >>\nendobj\n"
            f"{number} 0 obj\n"
        ).encode()
        + body[:-2]
        + f" /OpenAction {js_number} 0 R >>\nendobj\n".encode()
    )
    return pdf + update  # no new xref: readers rebuild it, as they do for damaged files


def _png_bomb() -> bytes:
    """A 1-bit PNG declaring 60,000 x 60,000 pixels whose data compresses to a few hundred KB."""
    width = height = 60_000
    raw = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * (width // 8)
    data = b"".join(raw.compress(row) for _ in range(height)) + raw.flush()

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def _png_lying_header() -> bytes:
    """A PNG header declaring 100,000 x 100,000 pixels with almost no data after it."""
    good = _image_bytes("PNG", (40, 40))
    return good[:16] + struct.pack(">II", 100_000, 100_000) + good[24:]


def _image_bytes(kind: str, size: tuple[int, int], **options: object) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", size, 255).save(buffer, kind, **options)
    return buffer.getvalue()


def _tiff_frames(count: int) -> bytes:
    frames = [Image.new("1", (2480, 3508), 1) for _ in range(count)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:], compression="group4")
    return buffer.getvalue()


def _deep_html() -> bytes:
    return (
        "<html><body>" + "<div>" * 100_000 + LETTER + "</div>" * 100_000 + "</body></html>"
    ).encode()


def _gzip_text() -> bytes:
    import gzip

    return gzip.compress(LETTER.encode())


def _elf() -> bytes:
    return b"\x7fELF\x02\x01\x01" + bytes(57) + os.urandom(4000)


KINDS: list[Hostile] = [
    # Paths that lead out of the inbox, and files that are no files.
    Hostile(
        "passwd.txt",
        _link_to(lambda outside: Path("/etc/passwd")),
        Expect("refused", "outside_inputs"),
    ),
    Hostile(
        "pengaturan.txt",
        _link_to(lambda outside: outside / "settings.env"),
        Expect("refused", "outside_inputs"),
    ),
    Hostile("folder-luar", _link_to(lambda outside: outside), Expect("refused", "outside_inputs")),
    Hostile(
        "proc-environ.txt",
        _link_to(lambda outside: Path("/proc/self/environ")),
        Expect("refused", "outside_inputs"),
    ),
    Hostile("pipa.txt", _fifo, Expect("refused", "special_file")),
    Hostile(
        "perangkat.txt",
        _link_to(lambda outside: Path("/dev/zero")),
        Expect("refused", "outside_inputs"),
    ),
    Hostile("lingkaran.txt", _loop, Expect("refused", "broken_link")),
    Hostile(
        "putus.txt", _link_to(lambda outside: outside / "tidak-ada.txt"), Expect("refused", "")
    ),
    # Names.
    Hostile("laporan-\udcff\udcfe.txt", _text(LETTER), Expect("refused", "bad_file_name")),
    Hostile("laporan\nbaris-baru.txt", _text(LETTER), Expect("stored")),
    Hostile("-rf --help.txt", _text(LETTER.replace("Sikka", "Ende")), Expect("stored")),
    Hostile(
        "<img src=x onerror=alert(1)>.txt",
        _text(LETTER.replace("Sikka", "Lembata")),
        Expect("stored"),
    ),
    Hostile("laporan\u202etxt.exe", _text(LETTER.replace("Sikka", "Alor")), Expect("stored")),
    Hostile("n" * 240 + ".txt", _text(LETTER.replace("Sikka", "Belu")), Expect("stored")),
    # Archives and markup that expand.
    Hostile("bom-zip.docx", _made(_docx_zip_bomb), Expect("failed", "")),
    Hostile("bom-entitas.docx", _made(lambda: _docx_billion_laughs()), Expect("failed", "")),
    Hostile("entitas-luar.docx", _docx_external_entity, Expect("stored")),
    Hostile("bukan-zip.docx", _text("PK\x03\x04 ini bukan arsip"), Expect("failed", "")),
    Hostile(
        "arsip.zip",
        _made(lambda: _zip({"catatan.txt": LETTER.encode()})),
        Expect("failed", "unsupported_type"),
    ),
    Hostile("html-dalam.html", _made(lambda: _deep_html()), Expect("stored")),
    Hostile(
        "html-sebut-pdf.html",
        _text(
            "<html><body><p>Lampiran berformat %PDF-1.7 dikirim terpisah.</p>"
            + LETTER
            + "</body></html>"
        ),
        Expect("stored"),
    ),
    # PDFs.
    Hostile("terkunci.pdf", _made(lambda: _pdf(encrypt=True)), Expect("failed", "")),
    Hostile("javascript.pdf", _made(lambda: _pdf(javascript=True)), Expect("stored")),
    Hostile("terpotong.pdf", _made(lambda: _pdf(3)[:1500]), Expect("failed", "")),
    Hostile(
        "halaman-raksasa.pdf", _made(lambda: _pdf(width_mm=5000, height_mm=5000)), Expect("stored")
    ),
    Hostile("ribuan-halaman.pdf", _made(lambda: _pdf(2500, text="")), Expect("failed", "")),
    Hostile("pdf-palsu.pdf", _text(LETTER.replace("Sikka", "Manggarai")), Expect("stored")),
    # Images.
    Hostile("bom-piksel.png", _made(lambda: _png_bomb()), Expect("failed", "")),
    Hostile("header-bohong.png", _made(lambda: _png_lying_header()), Expect("failed", "")),
    Hostile(
        "terpotong.jpg",
        _made(lambda: _image_bytes("JPEG", (1200, 1600))[:2000]),
        Expect("failed", ""),
    ),
    Hostile("500-halaman-kosong.tiff", _made(lambda: _tiff_frames(500)), Expect("failed", "")),
    Hostile(
        "gambar-bernama.txt", _made(lambda: _image_bytes("PNG", (200, 100))), Expect("failed", "")
    ),
    # Text.
    Hostile("kosong.txt", _write(b""), Expect("failed", "")),
    Hostile("pemisah-halaman.txt", _text("\f" * 100_000), Expect("failed", "")),
    Hostile(
        "satu-baris.txt",
        _text(("Razia orang asing di Kupang. " * 10_000).strip()),
        Expect("stored"),
    ),
    Hostile("dua-juta-huruf.txt", _text("a" * 2_000_000), Expect("stored")),
    Hostile(
        "nul.txt", _text(LETTER.replace("dua orang", "dua\x00\x00\x00 orang")), Expect("stored")
    ),
    Hostile(
        "utf16.txt", _text(LETTER.replace("Sikka", "Flores Timur"), "utf-16"), Expect("stored")
    ),
    Hostile(
        "latin1.txt",
        _text(LETTER.replace("Sikka", "Nagekeo") + "Catatan: café", "latin-1"),
        Expect("stored"),
    ),
    Hostile("gzip.txt.gz", _made(lambda: _gzip_text()), Expect("failed", "unsupported_type")),
    Hostile("program.bin", _made(lambda: _elf()), Expect("failed", "unsupported_type")),
    # The control: a good letter, and a copy of it under another name.
    Hostile("kendali.txt", _text(CONTROL_LETTER), Expect("good")),
    Hostile("kendali-salinan.txt", _text(CONTROL_LETTER), Expect("duplicate")),
]


def make_inbox(inbox: Path, outside: Path) -> dict[str, Expect]:
    """Write every hostile kind into `inbox` (its targets into `outside`); what each is due."""
    inbox.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "settings.env").write_text(SECRET + "\n")
    (outside / "rahasia.txt").write_text("Dokumen luar kotak masuk: " + SECRET + "\n")
    expected = {}
    for kind in KINDS:
        path = inbox / kind.name
        kind.make(path, outside)
        expected[kind.name] = kind.expect
    return expected


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: python -m tools.hostile INBOX OUTSIDE")
    expected = make_inbox(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{len(expected)} inputs in {sys.argv[1]}")


if __name__ == "__main__":
    main()
