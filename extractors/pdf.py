"""PDF backend: per-page text layer (pdfplumber) and page rendering (pdfium).

A page whose text layer is usable is read from it, in reading order, with word
boxes; a page without one (a scan) is rendered for OCR. The decision is made page
by page, so mixed PDFs work. A ruled table (pdfplumber's table finder) comes out where
it stands on the page, one row per line with its cells joined by " | ", as the other
readers write tables; the text around it reads as before.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
from PIL import Image

from models.errors import CorruptFileError, EncryptedFileError, TooLargeError
from models.records import PageSource, PageText, WordBox

# pdfium is not thread-safe, not even across different documents: serialise every call.
PDFIUM_LOCK = threading.RLock()

POINTS_PER_INCH = 72.0
_MIN_LETTERS = 20
_CID = re.compile(r"\(cid:\d+\)")
CELL_JOINER = " | "
_MAX_CELL_CHARS = 300  # a ruled cell longer than this frames a text, not a table cell
_TEXT_OPTIONS = {"x_tolerance": 1.5, "y_tolerance": 3}

# pdfminer logs every malformed object it meets; the page error says what matters.
for _noisy in ("pdfminer", "pdfplumber"):
    logging.getLogger(_noisy).setLevel(logging.ERROR)


@dataclass(frozen=True)
class PdfPageText:
    """What the text layer of one PDF page holds, before deciding whether to OCR it."""

    number: int
    text: PageText | None  # None when the page has no usable text layer
    width_pt: float
    height_pt: float


@contextmanager
def open_pdf(path: Path) -> Iterator[pdfplumber.PDF]:
    """Open a PDF with pdfplumber, turning its failures into Pantau input errors."""
    try:
        pdf = pdfplumber.open(path)
    except Exception as e:  # pdfminer raises many unrelated types for bad files
        raise _pdf_error(path, e) from e
    try:
        yield pdf
    finally:
        pdf.close()


def read_text_layers(path: Path, *, dpi: int) -> Iterator[PdfPageText | Exception]:
    """Yield, page by page, the usable text layer (or None), or the error reading that page.

    Word boxes are in pixels of the page rendered at `dpi`, so a page's boxes refer
    to the same image whether its text came from the layer or from OCR.
    """
    with open_pdf(path) as pdf:
        try:
            pages = pdf.pages
        except Exception as e:
            raise _pdf_error(path, e) from e
        if not pages:
            raise CorruptFileError(
                f"{path.name}: the PDF has no pages. Re-export or re-scan the document."
            )
        for number, page in enumerate(pages, start=1):
            try:
                yield PdfPageText(
                    number=number,
                    text=_page_text(page, dpi=dpi),
                    width_pt=float(page.width),
                    height_pt=float(page.height),
                )
            except Exception as e:
                yield e
            finally:
                page.close()


def _page_text(page: pdfplumber.page.Page, *, dpi: int) -> PageText | None:
    scale = dpi / POINTS_PER_INCH
    tables = _tables(page)
    text = ""
    if not tables:
        text = page.extract_text(**_TEXT_OPTIONS) or ""
        if _names_columns(text):
            tables = _unruled_tables(page)
    words: list[WordBox] = []
    if tables:
        text, words = _text_with_tables(page, tables, scale=scale)
    if not is_usable_text(text):
        return None
    if not tables:
        words = _words(page, text, scale=scale)
    return PageText(
        text=text,
        source=PageSource.TEXT_LAYER,
        width=round(float(page.width) * scale),
        height=round(float(page.height) * scale),
        words=words,
    )


def _tables(page: pdfplumber.page.Page) -> list[tuple[Any, list[list[str | None]]]]:
    """The data tables of a page, top to bottom, each with the text of its cells.

    A table needs two rows and two columns; a ruled frame around whole paragraphs is no
    table and reads as text.
    """
    try:
        found = page.find_tables()
    except Exception:  # a malformed drawing must not cost the page its text
        return []
    tables = []
    for table in sorted(found, key=lambda t: t.bbox[1]):
        if len(table.rows) < 2 or max(len(r.cells) for r in table.rows) < 2:
            continue
        texts = table.extract(**_TEXT_OPTIONS)
        if all(len(cell or "") <= _MAX_CELL_CHARS for row in texts for cell in row):
            tables.append((table, texts))
    return tables


class _Layout:
    """Page text built segment by segment, with the word boxes of each segment."""

    def __init__(self) -> None:
        self.text = ""
        self.words: list[WordBox] = []

    def add(self, segment: str, words: list[WordBox], *, same_line: bool = False) -> None:
        """Append a segment on a new line, its word offsets and lines moved to the page's."""
        if not segment.strip():
            return
        if self.text:
            self.text += "\n"
        base, line = len(self.text), self.text.count("\n")
        for word in words:
            start = word.start + base if word.start >= 0 else -1
            moved = 0 if same_line else word.line
            self.words.append(word.model_copy(update={"start": start, "line": line + moved}))
        self.text += segment


def _text_with_tables(
    page: pdfplumber.page.Page, tables: list[tuple[Any, list[list[str | None]]]], *, scale: float
) -> tuple[str, list[WordBox]]:
    """The page text with each table as " | " rows at its place, and the word boxes."""
    layout = _Layout()
    x0, top, x1, bottom = page.bbox
    for table, texts in tables:
        t_top, t_bottom = table.bbox[1], table.bbox[3]
        if t_top > top:
            _add_region(layout, page.crop((x0, top, x1, t_top), strict=False), scale)
        band = page.crop((x0, max(top, t_top), x1, min(bottom, t_bottom)), strict=False)
        _add_region(layout, band.outside_bbox(table.bbox, strict=False), scale)
        _add_table(layout, page, table, texts, scale)
        top = max(top, t_bottom)
    if top < bottom:
        _add_region(layout, page.crop((x0, top, x1, bottom), strict=False), scale)
    return layout.text, layout.words


def _add_region(layout: _Layout, region: pdfplumber.page.Page, scale: float) -> None:
    text = region.extract_text(**_TEXT_OPTIONS) or ""
    layout.add(text, _words(region, text, scale=scale))


def _add_table(
    layout: _Layout,
    page: pdfplumber.page.Page,
    table: Any,
    texts: list[list[str | None]],
    scale: float,
) -> None:
    """Each row of a table as a line of cells joined by " | ", with its word boxes."""
    words = _raw_words(page.crop(table.bbox, strict=False))
    for row, row_texts in zip(table.rows, texts, strict=True):
        parts: list[str] = []
        boxes: list[WordBox] = []
        for bbox, raw in zip(row.cells, row_texts, strict=True):
            cell = " ".join((raw or "").split())
            inside = [w for w in words if bbox is not None and _centre_in(w, bbox)]
            pos = sum(len(p) + len(CELL_JOINER) for p in parts)
            for word in _place_words(inside, cell, scale=scale):
                start = word.start + pos if word.start >= 0 else -1
                boxes.append(word.model_copy(update={"start": start}))
            parts.append(cell)
        if any(parts):
            layout.add(CELL_JOINER.join(parts), boxes, same_line=True)


# -- tables without rules ---------------------------------------------------------------------
# A table set with tab stops has no rules for the table finder; its text layer joins the
# cells of a row with single spaces. It is found from its header line instead: words in
# columns (wide gaps between them) of which at least three are known record labels
# (data/record_fields.jsonl: Nama, Kewarganegaraan, No. Paspor ...). Its rows are the lines
# under the header until a blank band or a line set left of the first column; each word
# goes to the column its left edge falls in.
_FIELDS_FILE = Path(__file__).parent / "nlp" / "data" / "record_fields.jsonl"
_MIN_UNRULED_LABELS = 3
_COLUMN_GAP = 0.9  # a gap wider than this many line heights separates two columns
_ROW_GAP = 2.2  # a vertical gap wider than this many line heights ends the table
_LINE_TOLERANCE = 3.0  # points between the tops of the words of one line


@dataclass(frozen=True)
class _Row:
    cells: list[tuple[float, float, float, float]]


@dataclass(frozen=True)
class _Unruled:
    bbox: tuple[float, float, float, float]
    rows: list[_Row]


def _fold(label: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", label.lower()).split())


@functools.cache
def _known_labels() -> frozenset[str]:
    labels: set[str] = set()
    with _FIELDS_FILE.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                labels.update(_fold(label) for label in json.loads(line).get("labels", []))
    return frozenset(labels)


def _lines_of(words: list[dict]) -> list[list[dict]]:
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(word["top"] - lines[-1][0]["top"]) <= _LINE_TOLERANCE:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _groups(line: list[dict]) -> list[list[dict]]:
    """The words of a line in runs separated by wide gaps (the columns)."""
    height = max(w["bottom"] - w["top"] for w in line)
    groups = [[line[0]]]
    for word in line[1:]:
        if word["x0"] - groups[-1][-1]["x1"] > _COLUMN_GAP * height:
            groups.append([word])
        else:
            groups[-1].append(word)
    return groups


def _names_columns(text: str) -> bool:
    """True when a line of the text holds at least three known record labels (a cheap
    test before the words of the page are laid out)."""
    known = _known_labels()
    for line in text.split("\n"):
        folded = f" {_fold(line)} "
        if sum(f" {label} " in folded for label in known) >= _MIN_UNRULED_LABELS:
            return True
    return False


def _unruled_tables(page: pdfplumber.page.Page) -> list[tuple[Any, list[list[str | None]]]]:
    """Tables without rules, found under a header line of known labels (see above)."""
    try:
        words = _raw_words(page)
    except Exception:  # a malformed page must not cost it its text
        return []
    lines = _lines_of(words)
    known = _known_labels()
    tables = []
    i = 0
    while i < len(lines):
        groups = _groups(lines[i])
        labels = [" ".join(w["text"] for w in g) for g in groups]
        if len(groups) < _MIN_UNRULED_LABELS or sum(_fold(x) in known for x in labels) < (
            _MIN_UNRULED_LABELS
        ):
            i += 1
            continue
        table, i = _unruled_table(page, lines, i, [g[0]["x0"] for g in groups])
        if table is not None:
            tables.append(table)
    return tables


def _unruled_table(
    page: pdfplumber.page.Page, lines: list[list[dict]], head: int, columns: list[float]
) -> tuple[tuple[Any, list[list[str | None]]] | None, int]:
    """The table whose header is line ``head``; (table and cell texts, next line index).

    A row starts at a line with words in the first column and in another; a cell wrapped
    over several lines (a long name, set above and below the row's other cells) leaves lines
    that start right of the first column, and each goes to the row whose first line is
    nearest. A line starting in the first column with no other column, or after a wide
    blank band, ends the table.
    """
    height = max(w["bottom"] - w["top"] for w in lines[head])
    first_end = columns[1] - height / 2
    anchors: list[int] = []
    taken: list[list[dict]] = []
    j = head + 1
    while j < len(lines):
        line = lines[j]
        previous = taken[-1] if taken else lines[head]
        if line[0]["top"] - max(w["bottom"] for w in previous) > _ROW_GAP * height:
            break
        if line[0]["x0"] < columns[0] - height:
            break
        starts_row = line[0]["x0"] < first_end
        if starts_row and len(_groups(line)) < 2:
            break
        if starts_row:
            anchors.append(len(taken))
        taken.append(line)
        j += 1
    while taken and anchors and len(taken) - 1 > anchors[-1] + 2:
        taken.pop()  # lines after the last row that no row can hold
        j -= 1
    if not anchors:
        return None, head + 1
    members: list[list[list[dict]]] = [[] for _ in anchors]
    for n, line in enumerate(taken):
        nearest = min(range(len(anchors)), key=lambda k: (abs(anchors[k] - n), anchors[k]))
        members[nearest].append(line)
    right = float(page.bbox[2])
    edges = [*columns[1:], right]
    texts = [_cells_by_column([lines[head]], columns, height)]
    boxes = [_row_box([lines[head]], columns, edges)]
    for group in members:
        texts.append(_cells_by_column(group, columns, height))
        boxes.append(_row_box(group, columns, edges))
    bbox = (columns[0] - 1, boxes[0].cells[0][1] - 1, right, boxes[-1].cells[0][3] + 1)
    return (_Unruled(bbox, boxes), texts), j


def _cells_by_column(
    group: list[list[dict]], columns: list[float], height: float
) -> list[str | None]:
    """The text of each column of a row's lines, read top to bottom."""
    cells: list[list[dict]] = [[] for _ in columns]
    for line in group:
        for word in line:
            k = max(0, sum(word["x0"] >= c - height / 2 for c in columns) - 1)
            cells[k].append(word)
    ordered = (sorted(c, key=lambda w: (w["top"], w["x0"])) for c in cells)
    return [" ".join(w["text"] for w in c) for c in ordered]


def _row_box(group: list[list[dict]], columns: list[float], edges: list[float]) -> _Row:
    top = min(w["top"] for line in group for w in line)
    bottom = max(w["bottom"] for line in group for w in line)
    return _Row([(x0, top, x1, bottom) for x0, x1 in zip(columns, edges, strict=True)])


def _centre_in(word: dict, bbox: tuple[float, float, float, float]) -> bool:
    x, y = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _raw_words(page: pdfplumber.page.Page) -> list[dict]:
    return page.extract_words(**_TEXT_OPTIONS, keep_blank_chars=False)


def _words(page: pdfplumber.page.Page, text: str, *, scale: float) -> list[WordBox]:
    return _place_words(_raw_words(page), text, scale=scale)


def _place_words(raws: list[dict], text: str, *, scale: float) -> list[WordBox]:
    """Word boxes in pixels, each with the offset of its word in `text` (-1 if not found)."""
    words: list[WordBox] = []
    cursor = 0
    line = 0
    last_top: float | None = None
    for raw in raws:
        if last_top is not None and abs(raw["top"] - last_top) > 3:
            line += 1
        last_top = raw["top"]
        start = text.find(raw["text"], cursor)
        if start >= 0:
            cursor = start + len(raw["text"])
        words.append(
            WordBox(
                text=raw["text"],
                left=round(raw["x0"] * scale),
                top=round(raw["top"] * scale),
                width=max(1, round((raw["x1"] - raw["x0"]) * scale)),
                height=max(1, round((raw["bottom"] - raw["top"]) * scale)),
                conf=100.0,
                line=line,
                start=start,
            )
        )
    return words


def is_usable_text(text: str) -> bool:
    """Whether a text layer holds real words (not empty, not unmapped glyph codes)."""
    if _CID.search(text) and len(_CID.findall(text)) * 8 > len(text) / 4:
        return False
    letters = sum(ch.isalpha() for ch in text)
    if letters < _MIN_LETTERS:
        return False
    visible = sum(not ch.isspace() for ch in text)
    replacement = text.count("\ufffd")
    return letters / max(visible, 1) >= 0.5 and replacement * 20 < visible


def render_page(path: Path, number: int, *, dpi: int, max_pixels: int) -> tuple[Image.Image, int]:
    """Render one page (1-based) as an RGB image; returns the image and the dpi used.

    Oversized pages are rendered at a lower resolution that fits `max_pixels`; a page
    that cannot fit even at 100 dpi raises TooLargeError (a decompression bomb).
    """
    with PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(path)
        except pdfium.PdfiumError as e:
            raise _pdf_error(path, e) from e
        try:
            page = document[number - 1]
            width_pt, height_pt = page.get_size()
            used_dpi = _fitting_dpi(width_pt, height_pt, dpi=dpi, max_pixels=max_pixels)
            if used_dpi < 100:
                raise TooLargeError(
                    f"{path.name}: page {number} is {width_pt / 72:.0f} x {height_pt / 72:.0f} "
                    "inches, too large to render safely. Split or shrink the document."
                )
            bitmap = page.render(scale=used_dpi / POINTS_PER_INCH)
            image = bitmap.to_pil().convert("RGB")
            page.close()
        except pdfium.PdfiumError as e:
            raise CorruptFileError(
                f"{path.name}: page {number} cannot be rendered ({e}). "
                "The file is damaged; re-export or re-scan it."
            ) from e
        finally:
            document.close()
    return image, used_dpi


def _fitting_dpi(width_pt: float, height_pt: float, *, dpi: int, max_pixels: int) -> int:
    pixels = (width_pt / POINTS_PER_INCH * dpi) * (height_pt / POINTS_PER_INCH * dpi)
    if pixels <= max_pixels:
        return dpi
    return int(dpi * (max_pixels / pixels) ** 0.5)


def _pdf_error(path: Path, error: Exception) -> Exception:
    # pdfplumber wraps pdfminer's errors; the wrapped one's type names the cause.
    causes = [error, *getattr(error, "args", ())]
    message = " ".join(f"{type(c).__name__}: {c}" for c in causes).lower()
    if "password" in message or "encrypt" in message:
        return EncryptedFileError(
            f"{path.name}: the PDF is password-protected. Ask the sender for an unprotected "
            "copy, or remove the password (e.g. `qpdf --decrypt`) and add it again."
        )
    return CorruptFileError(
        f"{path.name}: the PDF is damaged or truncated and cannot be read ({_short(error)}). "
        "Ask for the file again or re-scan the original."
    )


def _short(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text if len(text) <= 120 else text[:117] + "..."
