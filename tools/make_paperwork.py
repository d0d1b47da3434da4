"""Build the paperwork set: official documents with tables and form fields, in every format.

The sources are `tools/paperwork/<stem>.txt` in the markup of `tools/scansim` (``^ `` a
centred bold line, ``---`` a rule) plus table rows ``| a | b | c |``: a run of such lines is
one table, its first row the heading. ``Label : value`` lines are form fields, lines indented
40 spaces or more sit on the right half of the page (dates, signatures), as in
`tools/make_samples`. The answer key is `tools/paperwork/expected.json`; the gold annotations
in `tools/paperwork/gold/` are derived from it (`--gold`).

Each document is written, under the same file stem, once per format group:

- ``text``: the plain text a perfect reader reads (table rows as ``a | b | c``);
- ``digital``: the file as its sender made it: a born-digital PDF with ruled tables, or a
  DOCX with real tables, or an HTML page with a real ``<table>``;
- ``office``, ``fax``, ``photo``: the born-digital PDF printed and scanned on an office
  scanner, sent through a fax, or photographed with a phone (`tools.scansim` profiles),
  as image-only PDFs.

The build is deterministic (fixed seeds, fixed metadata dates): the same bytes every time.

Run: ``uv run python -m tools.make_paperwork --out DIR [--formats text,digital,...]``;
``uv run python -m tools.make_paperwork --gold`` rewrites the gold files. ``--set heldout``
does the same for the held-out set in `tools/heldout` (paperwork and news written apart from
the rules, for measuring how the extraction carries over).
"""

from __future__ import annotations

import argparse
import dataclasses
import html
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import docx
import pypdfium2 as pdfium
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from fpdf import FPDF
from fpdf.fonts import FontFace
from PIL import Image

from tools import make_samples, scansim
from tools.make_samples import Block

SOURCE_DIR = Path(__file__).resolve().parent / "paperwork"
EXPECTED_PATH = SOURCE_DIR / "expected.json"
GOLD_DIR = SOURCE_DIR / "gold"
HELDOUT_DIR = Path(__file__).resolve().parent / "heldout"
FORMATS = ("text", "digital", "office", "fax", "photo")
SCAN_FORMATS = ("office", "fax", "photo")
RENDER_DPI = 300
TABLE_FONT_PT = 9.5
TABLE_LINE_MM = 4.6
TABLE_PADDING_MM = 0.8
# The fields of the dev-set gold schema; the answer key holds these and more.
GOLD_FIELDS = ("doc_id", "foreigners", "officials", "other_persons", "nationalities",
               "locations", "locations_ignore", "organizations", "incidents", "event_dates",
               "notes")
GOLD_PERSON_FIELDS = ("name", "nationality", "count", "incidents", "aliases")


@dataclass(frozen=True)
class Table:
    """A ruled table: the first row is the heading."""

    rows: tuple[tuple[str, ...], ...]
    kind: str = "table"


Item = Block | Table


@dataclass(frozen=True)
class Paper:
    """One document of the set: where its source is and what its sender made of it."""

    stem: str
    kind: str
    native: str  # "pdf", "docx" or "html": the format of the ``digital`` group
    title: str
    date: str  # ISO date of the file's metadata
    seed: int
    author: str = "Subbag Umum"
    site: str = "Kantor Imigrasi Kelas I TPI Jayapura"  # the website of an HTML page


PAPERS: tuple[Paper, ...] = (
    Paper("p01-laporan-operasi-timpora-sidoarjo", "report", "pdf",
          "Laporan Hasil Operasi Timpora Kabupaten Sidoarjo", "2026-11-19", 1101),
    Paper("p02-surat-kanim-semarang-detensi", "letter", "pdf",
          "Permohonan Pendetensian dan Pendeportasian WNA India", "2026-11-23", 1202),
    Paper("p03-bap-kanim-belawan", "bap", "pdf", "Berita Acara Pemeriksaan", "2026-11-19", 1303),
    Paper("p04-notulen-timpora-manggarai-barat", "minutes", "pdf",
          "Notulen Rapat Timpora Kabupaten Manggarai Barat", "2026-11-25", 1404),
    Paper("p05-surat-perintah-kanim-kupang", "warrant", "pdf", "Surat Perintah Pengawasan",
          "2026-12-01", 1505),
    Paper("p06-nota-dinas-kanwil-bali", "memo", "pdf", "Nota Dinas Laporan Penindakan",
          "2026-11-24", 1606),
    Paper("p07-lampiran-rekap-deportasi-dumai", "attachment", "pdf",
          "Lampiran Rekapitulasi Deportasi", "2026-11-27", 1707),
    Paper("p08-surat-disnaker-karawang", "letter", "docx",
          "Hasil Pemeriksaan TKA PT Cahaya Presisi Komponen", "2026-11-26", 1808,
          author="Wasnaker Karawang"),
    Paper("p09-siaran-pers-kanim-jayapura", "press_release", "html",
          "Imigrasi Jayapura Deportasi Lima Pelintas Batas Ilegal Asal Papua Nugini",
          "2026-11-26", 1909),
    Paper("p10-surat-kanim-singaraja-pasangan", "letter", "pdf",
          "Laporan Pelanggaran Izin Tinggal WN Jerman", "2026-11-27", 2010),
)

# A phone photo is kept in colour; office scans are grey, faxes black and white.
OFFICE = dataclasses.replace(scansim.PROFILES["office"], noise=4.0)


# --------------------------------------------------------------------------- sources


def read_source(stem: str) -> str:
    """The marked-up source `tools/paperwork/<stem>.txt` (or `tools/heldout/<stem>.txt`)."""
    for folder in (SOURCE_DIR, HELDOUT_DIR):
        path = folder / f"{stem}.txt"
        if path.exists():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(f"no source {stem}.txt in {SOURCE_DIR} or {HELDOUT_DIR}")


def source_stems() -> list[str]:
    """Stems of every source file, sorted."""
    return sorted(p.stem for p in SOURCE_DIR.glob("*.txt"))


def read_expected(folder: Path = SOURCE_DIR) -> dict[str, dict]:
    """The hand-written answer key of a set (every `expected*.json` of its folder), by stem."""
    entries: dict[str, dict] = {}
    for path in sorted(folder.glob("expected*.json")):
        entries.update(json.loads(path.read_text(encoding="utf-8")))
    return entries


def heldout_papers() -> tuple[Paper, ...]:
    """The held-out set (`tools/heldout/papers*.json`): paperwork and news written apart
    from the rules, for measuring how the extraction carries over to text it was not
    developed against."""
    papers = []
    for path in sorted(HELDOUT_DIR.glob("papers*.json")):
        papers += [Paper(**entry) for entry in json.loads(path.read_text(encoding="utf-8"))]
    return tuple(sorted(papers, key=lambda paper: paper.stem))


def is_table_row(line: str) -> bool:
    """Whether a source line is a table row (``| a | b |``)."""
    stripped = line.strip()
    return stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1


def table_cells(line: str) -> tuple[str, ...]:
    """The cells of a table row, stripped."""
    return tuple(cell.strip() for cell in line.strip()[1:-1].split("|"))


def split_items(marked: str) -> list[Item]:
    """Blocks of the text (titles, rules, paragraphs) with tables between them.

    A line on the right half of the page (a date, a signature) is a block of its own: the
    lines of a signature block are never joined into one paragraph.
    """
    items: list[Item] = []
    text: list[str] = []
    rows: list[tuple[str, ...]] = []

    def flush_text() -> None:
        if any(t.strip() for t in text):
            items.extend(make_samples.split_blocks("\n".join(text)))
        text.clear()

    for line in [*marked.splitlines(), ""]:
        if rows and not is_table_row(line):
            items.append(Table(tuple(rows)))
            rows = []
        if is_table_row(line):
            flush_text()
            rows.append(table_cells(line))
        elif len(line) - len(line.lstrip()) >= make_samples.MID_INDENT and line.strip():
            flush_text()
            items.append(Block("para", line.strip(), len(line) - len(line.lstrip())))
        else:
            text.append(line)
    flush_text()
    return items


def plain_text(marked: str) -> str:
    """What a perfect reader reads: markup removed, table rows as ``a | b | c``."""
    lines = []
    for line in marked.splitlines():
        if is_table_row(line):
            lines.append(" | ".join(table_cells(line)).strip(" |"))
        elif line.rstrip() != "---":
            lines.append(line[2:].strip() if line.startswith("^ ") else line.rstrip())
    return "\n".join(lines).strip("\n") + "\n"


# --------------------------------------------------------------------------- born-digital PDF


def column_widths(pdf: FPDF, rows: Iterable[tuple[str, ...]], width: float) -> tuple[float, ...]:
    """Column widths in mm that fill `width`: no word is broken, long cells get the room."""
    pad = 2 * TABLE_PADDING_MM + 0.5
    least: list[float] = []
    wanted: list[float] = []
    for number, row in enumerate(rows):
        pdf.set_font("Serif", "B" if number == 0 else "", TABLE_FONT_PT)
        for i, cell in enumerate(row):
            if i == len(least):
                least.append(0.0)
                wanted.append(0.0)
            words = cell.split() or [""]
            least[i] = max(least[i], max(pdf.get_string_width(w) for w in words) + pad)
            wanted[i] = max(wanted[i], pdf.get_string_width(cell) + pad)
    pdf.set_font("Serif", "", TABLE_FONT_PT)
    if sum(wanted) <= width:
        return tuple(w * width / sum(wanted) for w in wanted)
    spare = width - sum(least)
    extra = [w - m for w, m in zip(wanted, least, strict=True)]
    return tuple(m + spare * e / sum(extra) for m, e in zip(least, extra, strict=True))


def typeset_table(pdf: FPDF, table: Table) -> None:
    """A ruled table across the text width; the heading row repeats on a new page."""
    pdf.set_font("Serif", "", TABLE_FONT_PT)
    pdf.ln(1.5)
    heading = FontFace(emphasis="BOLD", fill_color=(225, 225, 225))
    width = pdf.w - pdf.l_margin - pdf.r_margin
    with pdf.table(col_widths=column_widths(pdf, table.rows, width), width=width,
                   line_height=TABLE_LINE_MM, text_align="LEFT", headings_style=heading,
                   first_row_as_headings=True, padding=TABLE_PADDING_MM) as grid:
        for row in table.rows:
            cells = grid.row()
            for cell in row:
                cells.cell(cell)
    pdf.ln(2.5)


def digital_pdf_bytes(paper: Paper) -> bytes:
    """The document as its sender's word processor exports it: a PDF with a text layer."""
    marked = read_source(paper.stem)
    pdf = make_samples.new_digital_pdf(title=paper.title, date=make_samples.day(paper.date))
    pdf.set_author(paper.author)
    pdf.add_page()
    headline = make_samples.is_headline(marked)
    for number, item in enumerate(split_items(marked)):
        if isinstance(item, Table):
            typeset_table(pdf, item)
        else:
            make_samples.typeset_block(pdf, item, headline=headline and number == 0)
    return bytes(pdf.output())


# --------------------------------------------------------------------------- DOCX


def docx_bytes(paper: Paper) -> bytes:
    """The document as the sender's Word file, tables as real Word tables."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.0)
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(11)
    style.paragraph_format.space_after = Pt(0)
    for item in split_items(read_source(paper.stem)):
        if isinstance(item, Table):
            add_docx_table(document, item)
        else:
            make_samples.add_docx_block(document, item)
    date = make_samples.day(paper.date)
    props = document.core_properties
    props.title, props.author, props.last_modified_by = paper.title, paper.author, paper.author
    props.created = props.modified = date.replace(tzinfo=None)
    props.revision = 2
    buf = io.BytesIO()
    document.save(buf)
    return make_samples.fixed_zip_times(buf.getvalue(), date)


def add_docx_table(document: docx.document.Document, table: Table) -> None:
    """Append a Word table with a bold heading row and single borders."""
    columns = max(len(row) for row in table.rows)
    grid = document.add_table(rows=len(table.rows), cols=columns)
    grid.style = document.styles["Table Grid"]
    for r, row in enumerate(table.rows):
        for c, text in enumerate(row):
            paragraph = grid.cell(r, c).paragraphs[0]
            run = paragraph.add_run(text)
            run.font.size = Pt(10)
            run.bold = r == 0
            if r == 0:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph()


# --------------------------------------------------------------------------- HTML


def html_text(paper: Paper) -> str:
    """The document as a page of the sender's website, its table a real ``<table>``."""
    items = [i for i in split_items(read_source(paper.stem))
             if not (isinstance(i, Block) and i.kind in ("blank", "rule"))]
    headline, meta, *body = items
    assert isinstance(headline, Block) and isinstance(meta, Block)
    parts = [html_item(item) for item in body]
    return HTML_PAGE.format(title=html.escape(headline.text), meta=html.escape(meta.text),
                            published=paper.date, body="\n".join(parts),
                            site=html.escape(paper.site))


def html_item(item: Item) -> str:
    """One block or table of the article body as HTML."""
    if isinstance(item, Table):
        head, *rows = item.rows
        th = "".join(f"<th>{html.escape(c)}</th>" for c in head)
        trs = "\n".join(
            "        <tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
            for row in rows
        )
        return (f'    <table class="data">\n      <thead><tr>{th}</tr></thead>\n'
                f"      <tbody>\n{trs}\n      </tbody>\n    </table>")
    if item.kind == "title":
        return f"    <h2>{html.escape(item.text)}</h2>"
    return f"    <p>{html.escape(item.text)}</p>"


HTML_PAGE = """<!DOCTYPE html>
<html lang="id">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} - {site}</title>
  <style>
    body {{ font-family: Arial, sans-serif; max-width: 52rem; margin: auto; }}
    table.data {{ border-collapse: collapse; }}
    table.data th, table.data td {{ border: 1px solid #888; padding: 0.2rem 0.5rem; }}
  </style>
</head>
<body>
  <header>
    <div class="logo">{site}</div>
    <nav>
      <a href="/">Beranda</a>
      <a href="/profil">Profil</a>
      <a href="/layanan">Layanan</a>
      <a href="/berita">Berita</a>
      <a href="/pengaduan">Pengaduan</a>
    </nav>
  </header>
  <main>
  <article>
    <h1>{title}</h1>
    <p class="meta"><time datetime="{published}">{meta}</time></p>
{body}
  </article>
  </main>
  <footer>{site}. Layanan pengaduan: 0811 4800 0000.</footer>
</body>
</html>
"""


# --------------------------------------------------------------------------- scans


def render_pdf(data: bytes, *, dpi: int = RENDER_DPI) -> list[Image.Image]:
    """Every page of a PDF as an RGB image, the way a printer lays it on paper."""
    document = pdfium.PdfDocument(data)
    try:
        pages = []
        for page in document:
            image = page.render(scale=dpi / 72).to_pil().convert("RGB")
            image.info["dpi"] = (dpi, dpi)
            pages.append(image)
            page.close()
        return pages
    finally:
        document.close()


def scan_profile(name: str) -> scansim.ScanProfile:
    """The damage of one scan format group."""
    return OFFICE if name == "office" else scansim.PROFILES[name]


def scan_bytes(paper: Paper, pages: list[Image.Image], profile: str) -> bytes:
    """The printed pages degraded by `profile`, as an image-only PDF."""
    prof = scan_profile(profile)
    images = []
    for number, page in enumerate(pages, start=1):
        image = scansim.degrade(page, prof, seed=paper.seed * 10 + number)
        if profile != "photo":
            image = make_samples.finish_scan(image, colour=False, bilevel=prof.binarize)
        images.append(image)
    path = io.BytesIO()
    make_samples.write_scan_pdf(images, path, date=make_samples.day(paper.date))
    return path.getvalue()


# --------------------------------------------------------------------------- gold


def gold_annotation(expected: dict) -> dict:
    """The dev-set gold schema's fields of one answer-key entry."""
    gold = {k: expected[k] for k in GOLD_FIELDS if k in expected}
    gold["foreigners"] = [
        {k: person[k] for k in GOLD_PERSON_FIELDS if k in person}
        for person in expected["foreigners"]
    ]
    return gold


def gold_json(expected: dict) -> str:
    """A gold file's text (stable formatting)."""
    return json.dumps(gold_annotation(expected), ensure_ascii=False, indent=1) + "\n"


def write_gold(folder: Path = GOLD_DIR, source: Path = SOURCE_DIR) -> list[Path]:
    """Write `<stem>.json` for every answer-key entry of the set in `source` into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, entry in sorted(read_expected(source).items()):
        target = folder / f"{stem}.json"
        target.write_text(gold_json(entry), encoding="utf-8")
        written.append(target)
    return written


# --------------------------------------------------------------------------- build


def native_file(paper: Paper) -> tuple[str, bytes]:
    """Suffix and bytes of the file the sender made."""
    if paper.native == "docx":
        return ".docx", docx_bytes(paper)
    if paper.native == "html":
        return ".html", html_text(paper).encode("utf-8")
    return ".pdf", digital_pdf_bytes(paper)


def build_paper(paper: Paper, out: Path, formats: Iterable[str]) -> list[Path]:
    """Write one document in each of `formats` (one folder per format) under `out`."""
    formats = list(formats)
    written = []
    if "text" in formats:
        written.append(out / "text" / f"{paper.stem}.txt")
        written[-1].write_text(plain_text(read_source(paper.stem)), encoding="utf-8")
    if "digital" in formats:
        suffix, data = native_file(paper)
        written.append(out / "digital" / f"{paper.stem}{suffix}")
        written[-1].write_bytes(data)
    scans = [f for f in formats if f in SCAN_FORMATS]
    if scans:
        pages = render_pdf(digital_pdf_bytes(paper))
        for profile in scans:
            written.append(out / profile / f"{paper.stem}.pdf")
            written[-1].write_bytes(scan_bytes(paper, pages, profile))
    return written


def build(out: Path, formats: Iterable[str] = FORMATS,
          papers: Iterable[Paper] = PAPERS) -> list[Path]:
    """Write every document in every format group into `out/<format>/`."""
    formats = list(formats)
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown format {sorted(unknown)}; choose from {', '.join(FORMATS)}")
    for name in formats:
        (out / name).mkdir(parents=True, exist_ok=True)
    written = []
    for paper in papers:
        written += build_paper(paper, out, formats)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m tools.make_paperwork",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="folder to write the format groups into")
    parser.add_argument("--formats", default=",".join(FORMATS),
                        help=f"comma-separated groups (default: {','.join(FORMATS)})")
    parser.add_argument("--set", choices=("paperwork", "heldout"), default="paperwork",
                        help="the paperwork set (tools/paperwork) or the held-out set "
                        "(tools/heldout)")
    parser.add_argument("--gold", action="store_true",
                        help="rewrite the set's gold files from its answer key")
    args = parser.parse_args(argv)
    source = HELDOUT_DIR if args.set == "heldout" else SOURCE_DIR
    papers = heldout_papers() if args.set == "heldout" else PAPERS
    if args.gold:
        for path in write_gold(source / "gold", source):
            print(path)
    if args.out is None:
        return 0 if args.gold else parser.error("give --out DIR, or --gold")
    started = datetime.now()
    written = build(args.out, [f for f in args.formats.split(",") if f], papers)
    for path in written:
        print(f"{path.stat().st_size:>10,}  {path}")
    print(f"{len(written)} files in {(datetime.now() - started).total_seconds():.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
