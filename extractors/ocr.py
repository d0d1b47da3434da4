"""OCR of one page image: cheap preprocessing, one tesseract call, retries only when needed.

The common case (an upright office scan) costs one tesseract call plus a few tens of
milliseconds of preprocessing. A page whose first reading looks wrong (few words, low
confidence, words that do not look like words, ink that no word covers) gets its
orientation detected by tesseract's OSD and is read again, turned and/or cleaned; the
best reading wins.

Thread-safe: callers run one `ocr_image` per core in threads; each tesseract is its own
process.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import cv2
import numpy as np
from PIL import Image

from extractors import ocr_tables, tesseract
from extractors import preprocess as pp
from extractors.limits import Deadline
from extractors.ocr_mrz import reread_zones
from extractors.ocr_recheck import recheck_rare_letters
from extractors.tesseract import TessWord
from models.errors import BlankPageError, OcrError
from models.records import PageSource, PageText, WordBox

A4_LONG_SIDE_INCHES = 11.69
MAX_DPI = 400  # above this the page is downscaled to 300 dpi: same accuracy, less time
MIN_SKEW = 0.3  # tesseract copes with less; rotating costs time and sharpness
OSD_MIN_CONFIDENCE = 2.0
PARAGRAPH_GAP = 1.0  # a blank line is at least this many line heights of white
TABLE_BLOCK = 10_000  # block numbers of table words start here (one range per table)

_EDGE_PUNCT = "\"'“”‘’()[]{}<>.,;:!?«»-–—*•"
_WORDLIKE = re.compile(
    r"^(?:[A-Za-z][a-z]*|[A-Z]+|[0-9]+(?:[.,:/-][0-9]+)*|[A-Za-z0-9]+(?:[./-][A-Za-z0-9]+)+)$"
)
_VOWELS = set("aeiouAEIOU")


@dataclass(frozen=True)
class OcrOptions:
    """How a page is read; the thresholds decide when a first reading is good enough."""

    lang: str = tesseract.DEFAULT_LANG
    psm: int = 3
    min_confidence: float = 70.0  # mean word confidence of an acceptable reading
    min_wordlike: float = 0.75  # share of words that look like words
    min_coverage: float = 0.8  # share of the ink that lies inside recognised words
    detect_orientation: bool = True
    max_attempts: int = 4
    read_cells: bool = True  # ruled tables: every cell read on its own (ocr_tables)
    cell_psm: int = 6
    recheck_names: bool = True  # second reading of capitalised words for q/Q (ocr_recheck)
    read_zones: bool = True  # second reading of passport zones, zone alphabet only (ocr_mrz)
    page_seconds: float = tesseract.TIMEOUT_SECONDS  # every tesseract run on a page together
    deadline: Deadline | None = field(default=None, compare=False)  # set per page

    def seconds_left(self) -> float | None:
        """Seconds the page may still use; raises `TimeLimitError` once they are spent."""
        if self.deadline is None:
            return None
        self.deadline.check("the next tesseract run on this page")
        return self.deadline.left()


@dataclass(frozen=True)
class Quality:
    """How believable a reading is; `score` compares readings of the same page."""

    words: int
    confidence: float
    wordlike: float
    coverage: float
    score: float

    def acceptable(self, options: OcrOptions) -> bool:
        return (
            self.words > 0
            and self.confidence >= options.min_confidence
            and self.wordlike >= options.min_wordlike
            and self.coverage >= options.min_coverage
        )


@dataclass
class Attempt:
    """One tesseract reading of the page as prepared by `steps`."""

    words: list[TessWord]
    quality: Quality
    size: tuple[int, int]  # (width, height) of the image the boxes refer to
    rotation: int
    skew: float
    steps: list[str] = field(default_factory=list)
    image: np.ndarray | None = field(default=None, repr=False)  # what tesseract read
    tables: ocr_tables.Tables = field(default_factory=lambda: ocr_tables.Tables([]))


# --------------------------------------------------------------------------- quality


def is_wordlike(text: str) -> bool:
    """True for tokens that look like words, numbers or codes rather than OCR debris."""
    token = text.strip(_EDGE_PUNCT)
    if not token or not _WORDLIKE.match(token):
        return False
    if token.isalpha() and len(token) > 3:
        return any(char in _VOWELS for char in token)
    return True


def ink_coverage(words: list[TessWord], layout: pp.Layout) -> float:
    """Share of the page's ink that lies inside recognised word boxes."""
    total = int(layout.mask.sum())
    if total == 0:
        return 1.0
    boxes = np.zeros(layout.mask.shape, dtype=np.uint8)
    s = layout.scale
    for w in words:
        x0, y0 = int(w.left / s) - 2, int(w.top / s) - 2
        x1, y1 = int((w.left + w.width) / s) + 2, int((w.top + w.height) / s) + 2
        cv2.rectangle(boxes, (x0, y0), (x1, y1), 1, thickness=-1)
    return float(np.count_nonzero(layout.mask & boxes.astype(bool))) / total


def assess(words: list[TessWord], layout: pp.Layout) -> Quality:
    """Measure a reading: word count, mean confidence, word-likeness and ink coverage."""
    if not words:
        return Quality(0, 0.0, 0.0, 0.0, 0.0)
    wordlike = [is_wordlike(w.text) for w in words]
    score = sum(len(w.text) * w.conf / 100 for w, ok in zip(words, wordlike, strict=True) if ok)
    return Quality(
        words=len(words),
        confidence=float(np.mean([w.conf for w in words])),
        wordlike=sum(wordlike) / len(words),
        coverage=ink_coverage(words, layout),
        score=score,
    )


# --------------------------------------------------------------------------- preparation


def resolve_dpi(image: Image.Image, dpi: int | None) -> int:
    """The page resolution: given, from the image metadata, or guessed from an A4 page size."""
    if dpi:
        return int(dpi)
    meta = image.info.get("dpi")
    if meta and 100 <= float(meta[0]) <= 1200:
        return round(float(meta[0]))
    guess = max(image.size) / A4_LONG_SIDE_INCHES
    return int(min(600, max(100, round(guess))))


@dataclass(frozen=True)
class Prepared:
    """A page ready for reading: grey, ~300 dpi, coloured ink and streaks removed."""

    gray: np.ndarray
    dpi: int
    layout: pp.Layout
    steps: list[str]
    ruled: np.ndarray | None = field(default=None, repr=False)  # before long rules were erased
    bilevel: bool = False  # black and white (a fax): specks can be told from letters by size


def normalize_resolution(gray: np.ndarray, dpi: int) -> tuple[np.ndarray, int, list[str]]:
    """Bring the page to ~300 dpi, the resolution tesseract reads best."""
    if dpi < pp.MIN_DPI:
        gray, new_dpi = pp.upscale(gray, dpi)
        # Upscaling turns single-pixel specks into blobs tesseract reads as punctuation.
        return pp.denoise(gray), new_dpi, [f"upscale:{dpi}->{new_dpi}", "denoise"]
    if dpi > MAX_DPI:
        factor = pp.TARGET_DPI / dpi
        size = (round(gray.shape[1] * factor), round(gray.shape[0] * factor))
        resized = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
        return resized, pp.TARGET_DPI, [f"downscale:{dpi}->{pp.TARGET_DPI}"]
    return gray, dpi, []


def prepare(image: Image.Image, dpi: int) -> Prepared:
    """Grey page at ~300 dpi without coloured ink or long streaks; rejects blank pages."""
    pixels = pp.to_array(image)
    if pp.has_colour_ink(pixels):
        gray, steps = pp.remove_colour_ink(pixels), ["remove_colour_ink"]
    else:
        gray, steps = pp.to_gray(pixels), ["gray"]
    bilevel = pp.is_bilevel(gray)
    quad = pp.find_page_quad(gray)
    if quad is not None:
        gray = pp.rectify(gray, quad)
        steps.append(pp.rectify_step(quad))
    gray, dpi, resample_steps = normalize_resolution(gray, dpi)
    steps += resample_steps
    if bilevel:
        gray = pp.despeckle(gray, dpi)
        steps.append("despeckle")
    even = pp.flatten_light(gray, dpi)
    if even is not None:
        gray = even
        steps.append("flatten_light")
    layout = pp.measure_layout(gray, dpi)
    # Streaks run along the scanner, so they are removed before the page is turned.
    bands, lines = pp.find_rules(layout)
    ruled = gray
    if bands:
        gray = pp.remove_rules(gray, bands)
        layout = pp.drop_ink(layout, lines)
        steps.append("remove_rules")
    if pp.is_blank(layout):
        raise BlankPageError(
            "The page is blank (no ink found after removing coloured stamps, streaks and "
            "noise); nothing to read. If it should have text, check the scan's contrast."
        )
    return Prepared(gray, dpi, layout, steps, ruled, bilevel)


def straighten(page: Prepared, rotation: int) -> tuple[np.ndarray, pp.Layout, float, list[str]]:
    """Turn the page by `rotation` (clockwise) and remove its skew."""
    gray, layout, steps = page.gray, page.layout, []
    if rotation:
        gray = pp.rotate_quarter(gray, rotation)
        layout = pp.turn_layout(layout, rotation)
        steps.append(f"rotate:{rotation}")
    skew = layout.skew if abs(layout.skew) >= MIN_SKEW else 0.0
    if skew:
        gray = pp.deskew(gray, skew)
        layout = pp.level_layout(layout, skew)
        steps.append(f"deskew:{skew:+.2f}")
    return gray, layout, skew, steps


def clean(gray: np.ndarray, variant: str) -> tuple[np.ndarray, list[str]]:
    """Extra cleaning for a retry: 'plain' (none) or 'clean' (median denoise, Otsu)."""
    if variant == "plain":
        return gray, []
    return pp.binarize(pp.denoise(gray)), ["denoise", "binarize"]


# --------------------------------------------------------------------------- reading


def find_tables(page: Prepared, rotation: int, upright: np.ndarray) -> ocr_tables.Tables:
    """Ruled tables of the upright page, looked for before long rules were erased."""
    if page.ruled is not None and page.ruled is not page.gray:
        upright = straighten(replace(page, gray=page.ruled), rotation)[0]
    return ocr_tables.find_tables(upright)


def read(page: Prepared, rotation: int, variant: str, options: OcrOptions,
         cell_cache: dict[int, list[list[TessWord]]] | None = None) -> Attempt:
    """Prepare the page one way and read it with tesseract.

    The table cells of a turn of the page are read once: `cell_cache` keeps them (by
    rotation) for the retries, which only clean the rest of the page differently.
    """
    upright, layout, skew, steps = straighten(page, rotation)
    tables = find_tables(page, rotation, upright)
    cells: list[list[TessWord]] = []
    if tables.grids:
        upright = tables.erase(upright)
        steps.append(f"tables:{len(tables.grids)}")
        if options.read_cells:
            if cell_cache is not None and rotation in cell_cache:
                cells = cell_cache[rotation]
            else:
                cells = [read_cells(upright, grid, g, page, options)
                         for g, grid in enumerate(tables.grids)]
                if cell_cache is not None:
                    cell_cache[rotation] = cells
            steps.append("cells")
    cleaned, clean_steps = clean(upright, variant)
    # Tables whose cells were read are left out of the page reading (a table too large to
    # lay out on one sheet is read with the page, as before).
    shown = ocr_tables.blank_grids(cleaned, [grid for grid, found in
                                             zip(tables.grids, cells, strict=True) if found])
    words = tesseract.image_to_data(Image.fromarray(shown), lang=options.lang,
                                    psm=options.psm, dpi=page.dpi,
                                    timeout=options.seconds_left())
    for grid, table_words in zip(tables.grids, cells, strict=True):
        words = insert_table(words, grid, table_words)
    return Attempt(
        words=words,
        quality=assess(words, layout),
        size=(upright.shape[1], upright.shape[0]),
        rotation=rotation,
        skew=skew,
        steps=[*page.steps, *steps, *clean_steps, f"ocr:psm{options.psm}"],
        image=cleaned,
        tables=tables,
    )


def read_cells(gray: np.ndarray, grid: ocr_tables.Grid, index: int, page: Prepared,
               options: OcrOptions) -> list[TessWord]:
    """The words of a ruled table, each cell read on its own (all cells on one sheet, one
    tesseract call), in page pixels."""
    dpi = page.dpi
    laid = ocr_tables.cell_sheet(gray, grid, dpi, page.bilevel)
    if laid is None:
        return []
    sheet, placed = laid
    words = tesseract.image_to_data(Image.fromarray(sheet), lang=options.lang,
                                    psm=options.cell_psm, dpi=dpi,
                                    timeout=options.seconds_left())
    return ocr_tables.sheet_words(words, placed, block=TABLE_BLOCK * (index + 1))


def insert_table(words: list[TessWord], grid: ocr_tables.Grid,
                 table: list[TessWord]) -> list[TessWord]:
    """Page words with a table's words placed before the first word below its top rule."""
    if not table:
        return words
    at = next((i for i, w in enumerate(words) if w.top + w.height / 2 > grid.rows[0]),
              len(words))
    return [*words[:at], *table, *words[at:]]


def detect_rotation(gray: np.ndarray, dpi: int, timeout: float | None = None) -> tuple[int, float]:
    """Clockwise rotation that makes the page upright, by OSD on a half-size copy."""
    half = cv2.resize(gray, (gray.shape[1] // 2, gray.shape[0] // 2),
                      interpolation=cv2.INTER_AREA)
    return tesseract.detect_orientation(Image.fromarray(half), dpi=max(1, dpi // 2),
                                        timeout=timeout)


def plan_retries(page: Prepared, first: Attempt, options: OcrOptions) -> list[tuple[int, str]]:
    """Readings to try after a poor first one: (rotation, cleaning variant), best guess first."""
    rotation = first.rotation
    plans = []
    if options.detect_orientation:
        turned = pp.rotate_quarter(page.gray, first.rotation)
        extra, conf = detect_rotation(turned, page.dpi, options.seconds_left())
        if extra and conf >= OSD_MIN_CONFIDENCE:
            rotation = (first.rotation + extra) % 360
            plans.append((rotation, "plain"))
    plans.append((rotation, "clean"))
    return plans


def first_rotation(page: Prepared, options: OcrOptions) -> int:
    """0 for pages whose text lines run across; for sideways pages, OSD picks 90 or 270."""
    if not page.layout.sideways or not options.detect_orientation:
        return 0
    rotation, conf = detect_rotation(page.gray, page.dpi, options.seconds_left())
    # Projection profiles say sideways; OSD only has to choose the direction.
    return rotation if rotation in (90, 270) and conf >= OSD_MIN_CONFIDENCE / 2 else 90


def read_best(page: Prepared, options: OcrOptions) -> Attempt:
    """Read once; if the reading looks wrong, retry turned and/or cleaned and keep the best."""
    cell_cache: dict[int, list[list[TessWord]]] = {}
    best = read(page, first_rotation(page, options), "plain", options, cell_cache)
    if best.quality.acceptable(options):
        return best
    for rotation, variant in plan_retries(page, best, options)[: options.max_attempts - 1]:
        attempt = read(page, rotation, variant, options, cell_cache)
        if attempt.quality.score > best.quality.score:
            best = attempt
        if best.quality.acceptable(options):
            break
    return best


# --------------------------------------------------------------------------- output


class PageWriter:
    """Accumulates the page text and its word boxes, keeping each box's offset in step."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.boxes: list[WordBox] = []
        self.offset = 0
        self.line_no = -1

    def put(self, text: str) -> None:
        """Append text that is not a word (separators)."""
        self.parts.append(text)
        self.offset += len(text)

    def word(self, w: TessWord) -> None:
        """Append a word and its box on the current line."""
        self.boxes.append(WordBox(text=w.text, left=w.left, top=w.top, width=w.width,
                                  height=w.height, conf=w.conf, line=self.line_no,
                                  start=self.offset))
        self.put(w.text)


_TABLE_LINE, _TABLE_PAR = (-1, -1, -1), (-1, -1)  # "previous line" after a table


def write_table(writer: PageWriter, words: list[TessWord], grid: ocr_tables.Grid) -> None:
    """A table as one line per row, cells joined by " | ", set off by blank lines."""
    if writer.parts:
        writer.put("\n\n")
    for k, row in enumerate(ocr_tables.table_rows(words, grid)):
        if k:
            writer.put("\n")
        writer.line_no += 1
        for c, cell in enumerate(row):
            if c:
                writer.put(ocr_tables.CELL_SEPARATOR)
            for j, w in enumerate(cell):
                if j:
                    writer.put(" ")
                writer.word(w)


def follows_closely(w: TessWord, line_bottom: int, line_height: int) -> bool:
    """True when `w` starts the line right below the previous one (no blank line between).

    Tesseract makes a block of every run of "Label : value" lines in a form and of lines
    with a different indent; a born-digital text has no blank line there, and neither has
    the page: the gap between the lines is less than a line's height. A line that starts
    above the previous one's bottom (the next column) keeps tesseract's break.
    """
    gap = w.top - line_bottom
    return 0 <= gap < PARAGRAPH_GAP * line_height


def build_page(attempt: Attempt, grids: Sequence[ocr_tables.Grid] = ()) -> PageText:
    """Page text from the words: lines split by newlines, paragraphs by a blank line.

    Words inside a table of `grids` leave tesseract's order: the table is written where
    its first word comes, one row per line (`write_table`).
    """
    writer = PageWriter()
    placed = ocr_tables.locate(attempt.words, grids)
    prev_line: tuple[int, ...] | None = None
    prev_par: tuple[int, ...] | None = None
    written: set[int] = set()
    line_bottom, line_height = 0, 0  # of the previous line outside tables
    for i, w in enumerate(attempt.words):
        if i in placed:
            g = placed[i][0]
            if g not in written:
                written.add(g)
                write_table(writer, [attempt.words[j] for j, hit in placed.items()
                                     if hit[0] == g], grids[g])
                prev_line, prev_par = _TABLE_LINE, _TABLE_PAR
            continue
        par = (w.block, w.par)
        if w.line_key != prev_line:
            if prev_line is not None:
                new_par = par != prev_par and not follows_closely(w, line_bottom, line_height)
                writer.put("\n\n" if new_par else "\n")
            writer.line_no += 1
            line_bottom, line_height = w.top + w.height, w.height
        elif writer.parts:
            writer.put(" ")
        writer.word(w)
        line_bottom = max(line_bottom, w.top + w.height)
        line_height = max(line_height, w.height)
        prev_line, prev_par = w.line_key, par
    return PageText(
        text="".join(writer.parts),
        source=PageSource.OCR,
        confidence=attempt.quality.confidence,
        rotation=attempt.rotation,
        skew=attempt.skew,
        width=attempt.size[0],
        height=attempt.size[1],
        words=writer.boxes,
        steps=attempt.steps,
    )


def ocr_image(image: Image.Image, *, dpi: int | None = None,
              options: OcrOptions | None = None) -> PageText:
    """Read the text of one page image with tesseract, preprocessing as needed.

    Raises `BlankPageError` for a page without ink, `OcrError` when tesseract fails or
    nothing readable is found, `SetupError` when tesseract or a language pack is missing.
    """
    options = options or OcrOptions()
    deadline = Deadline("ocr", options.page_seconds, "PANTAU_OCR_PAGE_SECONDS")
    options = replace(options, deadline=deadline)
    page = prepare(image, resolve_dpi(image, dpi))
    best = read_best(page, options)
    if options.recheck_names and best.image is not None:
        best.words, changed = recheck_rare_letters(
            best.image, best.words, dpi=page.dpi, timeout=options.seconds_left()
        )
        if changed:
            best.steps.append(f"recheck:{changed}")
    if options.read_zones and best.image is not None:
        best.words, zones = reread_zones(
            best.image, best.words, dpi=page.dpi, timeout=options.seconds_left()
        )
        if zones:
            best.steps.append(f"mrz:{zones}")
    if not best.words:
        raise OcrError(
            "No text recognised on this page although it has marks (a picture, or a scan "
            "too faint or damaged to read). Rescan it at 300 dpi if it holds text."
        )
    return build_page(best, best.tables.grids)
