"""Backends for documents that carry their text: DOCX, HTML and plain text.

Each returns the text of its pages. DOCX pages are split at explicit page breaks,
plain text at form feeds; HTML is one page. Tables come out the same way from every
reader (and from PDF text layers): one row per line, its cells joined by " | ". In plain
text, runs of tab-separated lines are written that way too, and a bordered pipe table
("| a | b |") loses its outer pipes and its "|---|" rule lines.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from bs4 import BeautifulSoup, CData, NavigableString, Tag
from docx import Document as open_docx
from docx.opc.exceptions import PackageNotFoundError
from lxml.etree import XMLSyntaxError

from extractors.intake import read_text_file
from models.errors import CorruptFileError, TooLargeError

_DROP_TAGS = ("script", "style", "noscript", "template", "nav", "header", "footer", "form")
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section"}
    | {"article", "blockquote"}
)
_WS = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")
CELL_JOINER = " | "
_MAX_CELL_CHARS = 300  # an HTML cell longer than this is page layout, not a data table
_TAB_CELLS = re.compile(r"(?<![ \t])[ \t]*\t[ \t]*")
_PIPE_RULE = re.compile(r"\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# A DOCX whose XML inflates beyond this is refused (zip bombs).
_MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024


def read_plain_text(path: Path, *, max_pages: int | None = None) -> list[str]:
    """Pages of a plain-text file, split at form feeds.

    With `max_pages`, a file with more form feeds than that is refused before any page is
    made (TooLargeError)."""
    text = read_text_file(path)
    if max_pages is not None and text.count("\f") >= max_pages:
        raise TooLargeError(
            f"{path.name}: more than {max_pages} pages (form feeds). Split the document, or "
            "raise PANTAU_MAX_PAGES."
        )
    return [tidy(join_cells(page)) for page in text.split("\f")]


def join_cells(text: str) -> str:
    """Plain-text tables as " | " rows: tab-separated runs of lines and bordered pipe tables."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        if _PIPE_RULE.fullmatch(line.strip()) and "|" in line:
            continue
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            line = stripped[1:-1].strip()
        elif _tab_row(lines, i):
            line = CELL_JOINER.join(_TAB_CELLS.split(stripped))
        out.append(line)
    return "\n".join(out)


def _tab_row(lines: list[str], i: int) -> bool:
    """A line of two or more tab-separated cells next to another with as many cells."""

    def width(j: int) -> int:
        if not 0 <= j < len(lines) or "\t" not in lines[j].strip():
            return 0
        cells = _TAB_CELLS.split(lines[j].strip())
        return 0 if any(c.startswith(":") for c in cells) else len(cells)  # "Nama\t: X"

    own = width(i)
    return own >= 2 and own in (width(i - 1), width(i + 1))


def read_html(path: Path) -> list[str]:
    """The visible text of an HTML page, as one page."""
    soup = BeautifulSoup(read_text_file(path), "lxml")
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    for table in reversed(soup.find_all("table")):  # inner tables first
        rows = _html_rows(table)
        if rows is not None:
            table.replace_with("\n" + "\n".join(rows) + "\n")
    return [tidy(_visible_text(soup))]


def _visible_text(root: Tag) -> str:
    """The text of `root` in document order, each block element on lines of its own.

    Walked with a stack, not by inserting line ends into the tree: an insert walks to the
    last descendant, which is quadratic in a deeply nested page.
    """
    parts: list[str] = []
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if isinstance(node, Tag):
            if node.name in _BLOCK_TAGS:
                parts.append("\n")
            if not leaving:
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(node.contents))
        elif type(node) in (NavigableString, CData):  # not comments or doctypes
            parts.append(str(node))
    return "".join(parts)


def _html_rows(table) -> list[str] | None:
    """The rows of an HTML table, cells (th and td) joined by " | ".

    None for a layout table (a cell holding a whole text), which reads as paragraphs.
    """
    rows = []
    for row in table.find_all("tr"):
        cells = [" ".join(c.get_text(" ").split()) for c in row.find_all(["th", "td"])]
        if any(len(cell) > _MAX_CELL_CHARS for cell in cells):
            return None
        if any(cells):
            rows.append(CELL_JOINER.join(cells))
    return rows


def read_docx(path: Path) -> list[str]:
    """Paragraph and table text of a DOCX, split into pages at explicit page breaks."""
    _check_docx_size(path)
    try:
        document = open_docx(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError) as e:
        # XMLSyntaxError: also XML that expands without bound (entity amplification)
        raise CorruptFileError(
            f"{path.name}: the DOCX file is damaged ({e}). Open and re-save it in a word "
            "processor, or ask for the file again."
        ) from e
    pages: list[list[str]] = [[]]
    for block in document.element.body.iterchildren():
        if block.tag == f"{_W}p":
            _add_paragraph(block, pages)
        elif block.tag == f"{_W}tbl":
            pages[-1].extend(_table_rows(block))
    return [tidy("\n".join(lines)) for lines in pages]


def _add_paragraph(paragraph, pages: list[list[str]]) -> None:
    line: list[str] = []
    for node in paragraph.iter():
        if node.tag == f"{_W}t" and node.text:
            line.append(node.text)
        elif node.tag == f"{_W}tab":
            line.append("\t")
        elif node.tag == f"{_W}br" and node.get(f"{_W}type") == "page":
            pages[-1].append("".join(line))
            pages.append([])
            line = []
        elif node.tag == f"{_W}br":
            line.append("\n")
    pages[-1].append("".join(line))


def _table_rows(table) -> list[str]:
    rows = []
    for row in table.iter(f"{_W}tr"):
        cells = []
        for cell in row.iter(f"{_W}tc"):
            cells.append(" ".join(t.text or "" for t in cell.iter(f"{_W}t")).strip())
        rows.append(CELL_JOINER.join(cells))
    return rows


def _check_docx_size(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as e:
        raise CorruptFileError(
            f"{path.name}: the DOCX file is damaged or truncated. Ask for the file again."
        ) from e
    if inflated > _MAX_DOCX_UNCOMPRESSED:
        raise TooLargeError(
            f"{path.name}: the DOCX unpacks to {inflated // (1024 * 1024)} MB, too large to "
            "process safely (a zip bomb?). Save it as PDF instead."
        )


def tidy(text: str) -> str:
    """Normalise line endings and spacing, keeping paragraph breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_WS.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
