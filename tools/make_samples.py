"""Build the bundled sample corpus `samples/` from the texts in `tools/sample_texts/`.

Each source text becomes one file in the shape such paper really arrives in: office scans
with a stamp and a signature, a fax, a multi-page scan with a page upside down, born-digital
PDFs, a mixed PDF, a PNG, a multi-page TIFF, a DOCX, an HTML news page and plain text; plus
a few broken files. The answer key for the texts is `tools/sample_texts/expected.json`.

The build is deterministic (fixed seeds, fixed metadata dates): running it twice gives the
same bytes.

Run: ``uv run python -m tools.make_samples [--out samples]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import html
import io
import random
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import docx
import docx.oxml
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFilter

from tools import scansim

SOURCE_DIR = Path(__file__).resolve().parent / "sample_texts"
DEFAULT_OUT = Path("samples")
SCAN_JPEG_QUALITY = 50
# A continued line in the source texts is hard-wrapped at ~90 characters; shorter lines end
# a paragraph (or are fields, signatures, list heads).
WRAPPED_LINE_MIN = 70
LIST_MARKER = re.compile(r"^\s*(\d+\.|[a-zA-Z]\.|-)\s")
FIELD = re.compile(r"^(?P<label>[A-Z][\w/ ]{1,24}?)\s+:\s*(?P<value>.*)$")
MID_INDENT = 40  # source lines indented this far sit on the right half of the page
LINE_MM = 5.2
MM_PER_SPACE = 2.5  # one source column, so continued field values line up
LABEL_MM = 36.0

# Profiles derived from the simulator's: less sensor noise than the raw profile, because a
# real scanner's own JPEG smoothing removes most of it (and keeps `samples/` small).
OFFICE = dataclasses.replace(scansim.PROFILES["office"], name="office-sample", noise=4.0)
HARD = dataclasses.replace(scansim.PROFILES["hard"], name="hard-sample", noise=7.0,
                           stamp=False, signature=False)
OFFICE_BW = dataclasses.replace(OFFICE, name="office-bw", binarize=True, jpeg_quality=None,
                                speckle=0.0002)
PHOTO_COPY = dataclasses.replace(OFFICE, name="copy-200", dpi=None, noise=2.5, skew_max=1.2)
FAX = scansim.PROFILES["fax"]


@dataclass(frozen=True)
class Stamp:
    """Wording of the rubber stamp pressed on a signed page."""

    ring: str
    centre: tuple[str, str]


@dataclass(frozen=True)
class Block:
    """One typeset unit of a source text: a title line, a rule or a body paragraph."""

    kind: str  # "title", "rule", "para", "blank"
    text: str = ""
    indent: int = 0  # leading spaces of the first source line


@dataclass(frozen=True)
class Sample:
    """One file of the corpus: its name, the source text it comes from and how it is built."""

    name: str
    stem: str | None
    kind: str
    form: str
    condition: str
    build: Callable[[Path, str], None]


# --------------------------------------------------------------------------- source texts


def read_source(stem: str) -> str:
    """The marked-up source text `tools/sample_texts/<stem>.txt`."""
    return (SOURCE_DIR / f"{stem}.txt").read_text(encoding="utf-8")


def source_stems() -> list[str]:
    """Stems of every source text, sorted."""
    return sorted(p.stem for p in SOURCE_DIR.glob("*.txt"))


def split_blocks(marked: str) -> list[Block]:
    """Group marked-up lines into blocks, joining hard-wrapped lines into paragraphs."""
    blocks: list[Block] = []
    previous = ""
    for raw in marked.splitlines():
        line = raw.rstrip()
        if line == "---":
            blocks.append(Block("rule"))
        elif line.startswith("^ "):
            blocks.append(Block("title", line[2:].strip()))
        elif not line.strip():
            blocks.append(Block("blank"))
        elif continues(previous, line) and blocks and blocks[-1].kind == "para":
            last = blocks[-1]
            blocks[-1] = dataclasses.replace(last, text=f"{last.text} {line.strip()}")
        else:
            indent = len(line) - len(line.lstrip())
            blocks.append(Block("para", line.strip(), indent))
        previous = line if line.strip() and not line.startswith("^ ") else ""
    return blocks


def continues(previous: str, line: str) -> bool:
    """Whether `line` carries on the paragraph of the hard-wrapped `previous` line."""
    return (
        len(previous) >= WRAPPED_LINE_MIN
        and not previous.rstrip().endswith(":")
        and not LIST_MARKER.match(line)
    )


# --------------------------------------------------------------------------- scans


@contextmanager
def stamp_wording(stamp: Stamp | None) -> Iterator[None]:
    """Temporarily give the simulator's stamp the sender's wording."""
    # scansim draws one fixed stamp text; a letter from Denpasar should not carry the stamp
    # of another office, so the wording is swapped for the duration of one page.
    saved = scansim.STAMP_RING_TEXT, scansim.STAMP_CENTRE_TEXT
    if stamp is not None:
        scansim.STAMP_RING_TEXT, scansim.STAMP_CENTRE_TEXT = stamp.ring, stamp.centre
    try:
        yield
    finally:
        scansim.STAMP_RING_TEXT, scansim.STAMP_CENTRE_TEXT = saved


def scan_pages(marked: str, profile: scansim.ScanProfile, *, seed: int, dpi: int = 300,
               stamp: Stamp | None = None, rotate: dict[int, int] | None = None,
               header: Callable[[int, int], str] | None = None,
               font_size: float = 11.0) -> list[Image.Image]:
    """Render `marked` and degrade each page; the last page is stamped and signed if `stamp`."""
    pages = scansim.render_pages(marked, dpi=dpi, font_size=font_size, seed=seed)
    out = []
    for number, page in enumerate(pages, start=1):
        if header is not None:
            draw_fax_header(page, header(number, len(pages)))
        signed = stamp is not None and number == len(pages)
        prof = dataclasses.replace(profile, stamp=signed, signature=signed)
        with stamp_wording(stamp if signed else None):
            image = scansim.degrade(page, prof, rotate=(rotate or {}).get(number, 0),
                                    seed=seed + number)
        out.append(finish_scan(image, colour=signed, bilevel=profile.binarize))
    return out


def finish_scan(image: Image.Image, *, colour: bool, bilevel: bool) -> Image.Image:
    """Convert a degraded page to what a scanner stores: grey unless ink colour matters."""
    dpi = image.info.get("dpi")
    if bilevel:
        image = image.convert("1")  # stored as CCITT G4 in PDF, like a fax machine does
    elif not colour:
        image = image.convert("L")
    if image.mode != "1":
        # The scanner's own JPEG smoothing: softens sensor noise before compression.
        image = image.filter(ImageFilter.GaussianBlur(0.5))
    image.info["dpi"] = dpi
    return image


def draw_fax_header(page: Image.Image, text: str) -> None:
    """Print the sending machine's header line at the top edge of the page, in place."""
    dpi = page.info.get("dpi", (300, 300))[0]
    font = scansim.load_font("regular", round(8 * dpi / 72))
    ImageDraw.Draw(page).text((round(0.4 * dpi), round(0.25 * dpi)), text, font=font,
                              fill="black")


def write_scan_pdf(images: list[Image.Image], path: Path, *, date: datetime) -> None:
    """Write scanned pages as an image-only PDF (JPEG for grey/colour, CCITT G4 for b/w)."""
    dpi = images[0].info.get("dpi", (300, 300))[0]
    first, *rest = images
    # Pillow hands `quality` to its G4 TIFF encoder too, which refuses it: b/w pages go without.
    quality = {} if first.mode == "1" else {"quality": SCAN_JPEG_QUALITY}
    first.save(path, format="PDF", save_all=True, append_images=rest, resolution=float(dpi),
               title=None, producer="Scanner", **quality,
               creationDate=date.utctimetuple(), modDate=date.utctimetuple())


def jpeg_bytes(image: Image.Image) -> io.BytesIO:
    """The page encoded as a JPEG file in memory."""
    buf = io.BytesIO()
    image.convert("L" if image.mode == "1" else image.mode).save(
        buf, format="JPEG", quality=SCAN_JPEG_QUALITY, dpi=image.info.get("dpi", (300, 300)))
    buf.seek(0)
    return buf


# --------------------------------------------------------------------------- born-digital


def new_digital_pdf(*, title: str, date: datetime) -> FPDF:
    """An empty A4 fpdf2 document with serif fonts and fixed metadata."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(25, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("Serif", "", str(scansim.find_font("regular")))
    pdf.add_font("Serif", "B", str(scansim.find_font("bold")))
    pdf.set_title(title)
    pdf.set_creator("Microsoft Word")
    pdf.set_creation_date(date)
    return pdf


def typeset(pdf: FPDF, blocks: list[Block], *, headline: bool = False) -> list[int]:
    """Lay out blocks on new pages: centred bold titles, rules, justified paragraphs.

    Returns, for each block, the page number it ends on.
    """
    pdf.add_page()
    ends = []
    for number, block in enumerate(blocks):
        typeset_block(pdf, block, headline=headline and number == 0)
        ends.append(pdf.page)
    return ends


def typeset_block(pdf: FPDF, block: Block, *, headline: bool = False) -> None:
    """One block: a centred bold title (larger as the headline), a rule, a blank or a
    paragraph."""
    if block.kind == "title":
        size = 14 if headline else 11
        pdf.set_font("Serif", "B", size)
        pdf.multi_cell(0, size * 0.5, block.text, align="C", new_x="LMARGIN", new_y="NEXT")
    elif block.kind == "rule":
        y = pdf.get_y() + 1.5
        pdf.set_line_width(0.6)
        pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
        pdf.set_y(y + 2)
    elif block.kind == "blank":
        pdf.ln(2.6)
    else:
        typeset_paragraph(pdf, block)


def typeset_paragraph(pdf: FPDF, block: Block) -> None:
    """One body paragraph, indented as in the source; form fields aligned on their colons."""
    pdf.set_font("Serif", "", 11)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    # Dates sit on the right half; other indents follow the source's character columns.
    indent = width / 2 if block.indent >= MID_INDENT else block.indent * MM_PER_SPACE
    field = FIELD.match(block.text)
    pdf.set_x(pdf.l_margin + indent)
    if field and block.indent < MID_INDENT:
        pdf.cell(LABEL_MM, LINE_MM, field["label"])
        pdf.multi_cell(width - indent - LABEL_MM, LINE_MM, f": {field['value']}",
                       new_x="LMARGIN", new_y="NEXT")
    else:
        align = "J" if len(block.text) > WRAPPED_LINE_MIN else "L"
        pdf.multi_cell(width - indent, LINE_MM, block.text, align=align, new_x="LMARGIN",
                       new_y="NEXT")


def is_headline(marked: str) -> bool:
    """Whether the text starts with a news headline (one title line, then a date line)."""
    lines = marked.splitlines()
    return len(lines) > 1 and lines[0].startswith("^ ") and not lines[1].startswith("^ ")


def to_markup(blocks: list[Block]) -> str:
    """Blocks back to the simulator's markup (paragraphs as single long lines)."""
    lines = []
    for block in blocks:
        if block.kind == "title":
            lines.append(f"^ {block.text}")
        elif block.kind == "rule":
            lines.append("---")
        elif block.kind == "blank":
            lines.append("")
        else:
            lines.append(" " * block.indent + block.text)
    return "\n".join(lines)


def write_digital_pdf(marked: str, path: Path, *, title: str, date: datetime) -> None:
    """Write `marked` as a born-digital PDF with a real text layer."""
    pdf = new_digital_pdf(title=title, date=date)
    typeset(pdf, split_blocks(marked), headline=is_headline(marked))
    pdf.output(str(path))


def write_mixed_pdf(marked: str, path: Path, *, title: str, date: datetime, seed: int,
                    stamp: Stamp) -> None:
    """Page 1 born-digital; what the word processor put on later pages, as a signed scan."""
    blocks = split_blocks(marked)
    ends = typeset(new_digital_pdf(title=title, date=date), blocks)
    cut = ends.index(2) if 2 in ends else len(blocks)
    pdf = new_digital_pdf(title=title, date=date)
    typeset(pdf, blocks[:cut])
    rest = to_markup(blocks[cut:]).strip("\n")
    for image in scan_pages(rest, OFFICE, seed=seed, stamp=stamp):
        pdf.add_page()
        pdf.image(jpeg_bytes(image), x=0, y=0, w=pdf.w, h=pdf.h)
    pdf.output(str(path))


# --------------------------------------------------------------------------- office formats


def write_docx(marked: str, path: Path, *, title: str, date: datetime) -> None:
    """Write `marked` as a Word document, laid out like a typed letter."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.0)
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(11)
    style.paragraph_format.space_after = Pt(0)
    for block in split_blocks(marked):
        add_docx_block(document, block)
    props = document.core_properties
    props.title, props.author, props.last_modified_by = title, "Wasnaker", "Wasnaker"
    props.created = props.modified = date.replace(tzinfo=None)
    props.revision = 3
    buf = io.BytesIO()
    document.save(buf)
    path.write_bytes(fixed_zip_times(buf.getvalue(), date))


def add_docx_block(document: docx.document.Document, block: Block) -> None:
    """Append one block as a paragraph (a rule becomes a bottom border)."""
    if block.kind == "blank":
        document.add_paragraph()
        return
    para = document.add_paragraph()
    if block.kind == "title":
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.add_run(block.text).bold = True
    elif block.kind == "rule":
        add_bottom_border(para)
    else:
        add_docx_text(para, block)


def add_docx_text(para: docx.text.paragraph.Paragraph, block: Block) -> None:
    """Fill a body paragraph: form fields on a tab stop, dates on the right half."""
    fmt = para.paragraph_format
    field = FIELD.match(block.text)
    indent = Cm(block.indent * MM_PER_SPACE / 10)
    if block.indent >= MID_INDENT:
        fmt.left_indent = Cm(8.5)
        para.add_run(block.text)
    elif field:
        fmt.left_indent = indent
        fmt.tab_stops.add_tab_stop(indent + Cm(LABEL_MM / 10))
        para.add_run(f"{field['label']}\t: {field['value']}")
    else:
        fmt.left_indent = indent
        para.add_run(block.text)
        if len(block.text) > WRAPPED_LINE_MIN:
            para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def add_bottom_border(paragraph: docx.text.paragraph.Paragraph) -> None:
    """Give a paragraph a thick bottom border (the letterhead rule)."""
    ppr = paragraph._p.get_or_add_pPr()
    border = docx.oxml.parse_xml(
        '<w:pBdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        '<w:bottom w:val="thickThinSmallGap" w:sz="18" w:space="1" w:color="000000"/>'
        "</w:pBdr>"
    )
    ppr.append(border)


def fixed_zip_times(data: bytes, date: datetime) -> bytes:
    """Rewrite a zip (DOCX) with fixed member timestamps so rebuilds are byte-identical."""
    stamp = date.timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=stamp), src.read(info),
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def write_html(marked: str, path: Path, *, outlet: str, published: str) -> None:
    """Write a news text as a web page with the outlet's navigation, sidebar and footer."""
    blocks = [b for b in split_blocks(marked) if b.kind not in ("blank", "rule")]
    headline, dateline, *body = blocks
    paragraphs = "\n".join(
        f'    <p class="{"penulis" if is_byline(b.text) else "isi"}">{html.escape(b.text)}</p>'
        for b in body
    )
    page = HTML_PAGE.format(
        outlet=html.escape(outlet), headline=html.escape(headline.text),
        published=published, date_text=html.escape(dateline.text), paragraphs=paragraphs,
    )
    path.write_text(page, encoding="utf-8")


def is_byline(text: str) -> bool:
    """Whether a paragraph is a byline such as 'Penulis: ...'."""
    return bool(re.match(r"(Penulis|Editor|Reporter)\s*:", text))


HTML_PAGE = """<!DOCTYPE html>
<html lang="id">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{headline} - {outlet}</title>
  <style>
    body {{ font-family: Georgia, serif; max-width: 46rem; margin: auto; }}
    nav a {{ margin-right: 1rem; }}
    .penulis {{ font-style: italic; }}
  </style>
  <script>window.dataLayer = window.dataLayer || []; dataLayer.push({{"rubrik": "hukum"}});</script>
</head>
<body>
  <header>
    <div class="logo">{outlet}</div>
    <nav><a href="/">Beranda</a><a href="/daerah">Daerah</a><a href="/hukum">Hukum</a>
      <a href="/wisata">Wisata</a><a href="/indeks">Indeks</a></nav>
  </header>
  <main>
  <article>
    <h1>{headline}</h1>
    <p class="tanggal"><time datetime="{published}">{date_text}</time></p>
{paragraphs}
  </article>
  </main>
  <aside>
    <h2>Terpopuler</h2>
    <p>Bagikan: Facebook | X | WhatsApp | Salin tautan</p>
  </aside>
  <footer>&copy; 2026 {outlet}. Hak cipta dilindungi undang-undang.</footer>
</body>
</html>
"""


# --------------------------------------------------------------------------- samples

DENPASAR_STAMP = Stamp("KANTOR IMIGRASI KELAS I TPI DENPASAR * ", ("KANTOR", "IMIGRASI"))
KEPRI_STAMP = Stamp("KANTOR WILAYAH DITJEN IMIGRASI KEPULAUAN RIAU * ", ("KANWIL", "IMIGRASI"))
PEMENANG_STAMP = Stamp("KECAMATAN PEMENANG * KABUPATEN LOMBOK UTARA * ", ("CAMAT", "PEMENANG"))


def day(text: str) -> datetime:
    """A fixed metadata timestamp (09:00 UTC) for an ISO date."""
    return datetime.fromisoformat(text).replace(hour=9, tzinfo=UTC)


def build_denpasar(path: Path, stem: str) -> None:
    """Two-page office scan; the signed last page carries a coloured stamp."""
    images = scan_pages(read_source(stem), OFFICE, seed=101, stamp=DENPASAR_STAMP)
    write_scan_pdf(images, path, date=day("2026-10-15"))


def build_fax(path: Path, stem: str) -> None:
    """A fax at 150 dpi, black and white, with the sending machine's header on each page."""
    def header(number: int, total: int) -> str:
        return (f"19/10/2026 14:32   FAX 021 5460 2218   SATRESKRIM POLRES METRO JAKBAR"
                f"   HAL. {number:02d}/{total:02d}")
    images = scan_pages(read_source(stem), FAX, seed=202, header=header)
    write_scan_pdf(images, path, date=day("2026-10-19"))


def build_docx(path: Path, stem: str) -> None:
    """The letter as the sender's Word file."""
    write_docx(read_source(stem), path, title="Hasil Pemeriksaan TKA Kabupaten Morowali",
               date=day("2026-10-26"))


def build_hard_scan(path: Path, stem: str) -> None:
    """A crooked, noisy, darker scan, stamped and signed on the last page."""
    images = scan_pages(read_source(stem), HARD, seed=404, stamp=KEPRI_STAMP)
    write_scan_pdf(images, path, date=day("2026-11-06"))


def build_invitation(path: Path, stem: str) -> None:
    """Born-digital PDF exported from a word processor."""
    write_digital_pdf(read_source(stem), path, title="Undangan Rapat Koordinasi Timpora",
                      date=day("2026-10-21"))


def build_upside_down(path: Path, stem: str) -> None:
    """Two-page scan whose second sheet went through the feeder upside down."""
    images = scan_pages(read_source(stem), OFFICE, seed=606, rotate={2: 180})
    write_scan_pdf(images, path, date=day("2026-11-13"))


def build_mixed(path: Path, stem: str) -> None:
    """Typed pages from the word processor, then the signed last part scanned in."""
    write_mixed_pdf(read_source(stem), path, title="Notulen Rapat Timpora Kecamatan Pemenang",
                    date=day("2026-10-29"), seed=707, stamp=PEMENANG_STAMP)


def build_tiff(path: Path, stem: str) -> None:
    """Two-page black-and-white scan at 300 dpi as one multi-page TIFF."""
    images = scan_pages(read_source(stem), OFFICE_BW, seed=808)
    scansim.save_tiff(images, path, dpi=300)


def build_html(path: Path, stem: str) -> None:
    """The news article as the outlet's web page."""
    write_html(read_source(stem), path, outlet="Warta Timur", published="2026-11-06T14:20+08:00")


def build_lying_png(path: Path, stem: str) -> None:
    """A PNG picture of a printed article, saved under a .pdf name."""
    images = scan_pages(read_source(stem), PHOTO_COPY, seed=1010, dpi=150)
    images[0].save(path, format="PNG", dpi=(150, 150))


def build_png(path: Path, stem: str) -> None:
    """One-page clipping scanned to PNG at 200 dpi."""
    images = scan_pages(read_source(stem), PHOTO_COPY, seed=1111, dpi=200)
    scansim.save_pngs(images, path, dpi=200)


def build_press_release(path: Path, stem: str) -> None:
    """Born-digital press release."""
    write_digital_pdf(read_source(stem), path, title="Siaran Pers SP-27/HUMAS/XI/2026",
                      date=day("2026-11-02"))


def build_plain_text(path: Path, stem: str) -> None:
    """The article as plain UTF-8 text, markup removed."""
    path.write_text(scansim.plain_text(read_source(stem)), encoding="utf-8")


def build_detention_report(path: Path, stem: str) -> None:
    """Born-digital letter, sent on as the office exported it."""
    write_digital_pdf(read_source(stem), path, title="Laporan Pendetensian Warga Negara Rusia",
                      date=day("2026-10-16"))


def build_truncated(path: Path, stem: str) -> None:
    """The first half of a born-digital PDF, as left by an interrupted download."""
    buf = io.BytesIO()
    marked = read_source(stem)
    pdf = new_digital_pdf(title="Siaran Pers SP-27/HUMAS/XI/2026", date=day("2026-11-02"))
    typeset(pdf, split_blocks(marked), headline=is_headline(marked))
    pdf.output(buf)
    data = buf.getvalue()
    path.write_bytes(data[: len(data) // 2])


def build_junk(path: Path, stem: str) -> None:
    """Binary junk under a .txt name (a corrupted attachment)."""
    del stem
    rng = random.Random(1313)
    path.write_bytes(bytes(rng.randrange(256) for _ in range(4096)))


def build_empty(path: Path, stem: str) -> None:
    """A zero-byte file under a .pdf name."""
    del stem
    path.write_bytes(b"")


SAMPLES: tuple[Sample, ...] = (
    Sample("surat-imigrasi-denpasar-pindaian.pdf", "01-surat-kanim-denpasar-overstay",
           "letter", "scanned PDF, 2 pages, 300 dpi",
           "slightly skewed, grey paper, sensor noise; page 2 colour with round stamp and "
           "signature", build_denpasar),
    Sample("surat-polres-jakbar-faks.pdf", "02-surat-polres-jakbar-penipuan", "letter",
           "scanned PDF (fax), 2 pages, 150 dpi black and white",
           "fax: low resolution, skew up to 2 degrees, specks, roller streaks, fax header line",
           build_fax),
    Sample("surat-disnakertrans-sulteng.docx", "03-surat-disnakertrans-sulteng-tka", "letter",
           "DOCX", "none (sender's Word file)", build_docx),
    Sample("laporan-deportasi-kanwil-kepri.pdf", "04-surat-kanwil-kepri-deportasi", "letter",
           "scanned PDF, 2 pages, 300 dpi",
           "hard: skew 1.5-3.5 degrees, dark noisy paper, blur; page 2 colour with stamp over "
           "the text and signature", build_hard_scan),
    Sample("undangan-timpora-pemenang.pdf", "05-surat-kesbangpol-klu-undangan", "letter",
           "born-digital PDF with text layer", "none", build_invitation),
    Sample("notulen-timpora-batam-pindaian.pdf", "06-notulen-timpora-batam", "minutes",
           "scanned PDF, 2 pages, 300 dpi", "page 2 is upside down (rotated 180 degrees)",
           build_upside_down),
    Sample("notulen-timpora-pemenang-campuran.pdf", "07-notulen-timpora-pemenang", "minutes",
           "mixed PDF, 2 pages: page 1 born-digital with text layer, page 2 a scanned image",
           "scanned part stamped and signed", build_mixed),
    Sample("notulen-timpora-aceh-timur.tif", "08-notulen-timpora-aceh-timur", "minutes",
           "multi-page TIFF, 2 pages, 300 dpi black and white",
           "binarised scan, slight skew, a few specks", build_tiff),
    Sample("berita-warta-timur-deportasi.html", "09-berita-mataram-deportasi-rusia", "news",
           "HTML web page", "navigation, sidebar, footer and a script around the article",
           build_html),
    Sample("sebenarnya-png.pdf", "10-berita-gresik-operasi-gabungan", "news",
           "PNG image, 150 dpi, named .pdf",
           "lying extension: the bytes are a PNG; low resolution", build_lying_png),
    Sample("kliping-entikong.png", "11-berita-entikong-jalur-tikus", "news",
           "PNG image, 1 page, 200 dpi grey", "slight skew, light noise", build_png),
    Sample("siaran-pers-imigrasi-sumut.pdf", "12-siaran-pers-medan-judi-online", "press release",
           "born-digital PDF with text layer", "none", build_press_release),
    Sample("berita-likupang.txt", "13-berita-likupang-pengawasan", "news", "plain text, UTF-8",
           "none", build_plain_text),
    Sample("laporan-detensi-imigrasi-mataram.pdf", "14-surat-kanim-mataram-detensi", "letter",
           "born-digital PDF with text layer", "none", build_detention_report),
    Sample("rusak-terpotong.pdf", "12-siaran-pers-medan-judi-online", "broken",
           "PDF cut in half", "truncated: no cross-reference table, no trailer",
           build_truncated),
    Sample("rusak-sampah-biner.txt", None, "broken", "4 KB of random bytes named .txt",
           "not text at all", build_junk),
    Sample("rusak-kosong.pdf", None, "broken", "zero-byte file named .pdf", "empty",
           build_empty),
)


# --------------------------------------------------------------------------- README


def readme_text(samples: tuple[Sample, ...], sizes: dict[str, int]) -> str:
    """The `samples/README.md` describing every file."""
    rows = "\n".join(
        f"| `{s.name}` | {s.kind} | {s.form} | {s.condition} | {sizes[s.name] // 1024} KB | "
        f"{f'`{s.stem}`' if s.stem else '-'} |"
        for s in samples
    )
    return README_TEMPLATE.format(rows=rows)


README_TEMPLATE = """# Sample documents

Synthetic Indonesian documents of the kinds Timpora teams exchange: inter-agency letters
(surat dinas), meeting minutes (notulen rapat) and news reports or press releases. Every
person, number and event in them is invented; the places are real Indonesian regions.

The files arrive the way such paper does in practice: scanned, faxed, exported from a word
processor, saved from a web page, or damaged. This README is itself part of the folder, so a
run over `samples/` also reads it as a plain-text document.

| file | kind | format | condition | size | source text |
| --- | --- | --- | --- | --- | --- |
{rows}

- Source texts: `tools/sample_texts/<source>.txt` (`^ ` marks a centred bold line, `---` a
  rule). What a perfect extractor finds in each: `tools/sample_texts/expected.json`.
- `rusak-terpotong.pdf` holds the first half of the press release in
  `siaran-pers-imigrasi-sumut.pdf`; `sebenarnya-png.pdf` is readable once its real type
  is detected.
- The fax carries a header line from the sending machine that is not in its source text.
- Rebuild (deterministic, same bytes every time): `uv run python -m tools.make_samples`.
"""


# --------------------------------------------------------------------------- main


def build_samples(out: Path) -> dict[str, int]:
    """Write every sample file and the README into `out`; returns file sizes by name."""
    out.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for sample in SAMPLES:
        target = out / sample.name
        sample.build(target, sample.stem or "")
        sizes[sample.name] = target.stat().st_size
    (out / "README.md").write_text(readme_text(SAMPLES, sizes), encoding="utf-8")
    return sizes


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m tools.make_samples",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="folder to write the samples into (default: samples)")
    args = parser.parse_args(argv)
    sizes = build_samples(args.out)
    for name, size in sizes.items():
        print(f"{size:>10,}  {args.out / name}")
    print(f"{sum(sizes.values()):>10,}  total ({len(sizes)} files + README.md)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
