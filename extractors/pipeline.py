"""The text stage for one document: from an input file to a `DocumentResult`.

Reads top to bottom: triage the type, read each page's text layer or OCR it, and
summarise the pages into one status. Nothing here raises for bad input: every
failure becomes data on the result (document- or page-level).
"""

from __future__ import annotations

import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from extractors import images, intake, pdf, textdocs
from extractors.limits import Deadline
from models.errors import (
    BlankPageError,
    EmptyFileError,
    InputError,
    NotTextError,
    PantauError,
    TimeLimitError,
    TooLargeError,
)
from models.records import (
    DocumentResult,
    DocumentStatus,
    MediaType,
    PageResult,
    PageSource,
    PageText,
)

_TEXT_SUFFIXES = (".txt", ".text", ".md", ".csv", ".html", ".htm")


@dataclass(frozen=True)
class ReadOptions:
    """Limits and resolution for reading documents."""

    dpi: int = 300
    max_file_bytes: int = 1024 * 1024 * 1024
    max_pages: int = 2000
    max_pixels: int = 150_000_000  # ~A0 at 300 dpi; larger is refused as a bomb
    read_seconds: float | None = None  # the whole document; pages not reached get read_timeout
    ocr_page_seconds: float = 300  # every tesseract run on one page together


OcrFunction = Callable[..., PageText]


def read_document(
    item: intake.InputFile,
    *,
    options: ReadOptions | None = None,
    executor: Executor | None = None,
    ocr: OcrFunction | None = None,
) -> DocumentResult:
    """Read every page of one input file; never raises for bad input.

    OCR jobs go to `executor` (one tesseract per worker) when given, else run inline.
    `ocr` replaces the OCR engine (tests inject fakes); it defaults to `ocr_image`.
    Pages not started within `options.read_seconds` end with a `read_timeout` error.
    """
    options = options or ReadOptions()
    started = time.perf_counter()
    reader = _PageReader(options=options, executor=executor, ocr=ocr or _default_ocr(options))
    try:
        pages = reader.read(item)
    except InputError as e:
        return _failed(item, e, started)
    return summarise(item, pages, seconds=time.perf_counter() - started)


def summarise(item: intake.InputFile, pages: list[PageResult], *, seconds: float) -> DocumentResult:
    """Turn page results into one document status with an actionable error if any."""
    ok = [page for page in pages if page.ok]
    bad = [page for page in pages if not page.ok]
    status = DocumentStatus.PROCESSED
    error = code = None
    if bad:
        status = DocumentStatus.PARTIAL if ok else DocumentStatus.FAILED
        code = Counter(page.error_code for page in bad).most_common(1)[0][0]
        error = _page_errors_summary(bad, total=len(pages))
    return DocumentResult(
        path=str(item.path),
        sha256=item.sha256,
        size=item.size,
        media_type=item.media_type,
        status=status,
        pages=pages,
        error=error,
        error_code=code,
        seconds=seconds,
        warnings=_warnings(item),
    )


class _PageReader:
    """Dispatches a file to its backend and collects page results in page order."""

    def __init__(self, *, options: ReadOptions, executor: Executor | None, ocr: OcrFunction):
        self.options = options
        self.executor = executor
        self.ocr = ocr
        self.deadline = Deadline("read", options.read_seconds, "PANTAU_READ_SECONDS")

    def read(self, item: intake.InputFile) -> list[PageResult]:
        path = item.path
        if item.size == 0:
            raise EmptyFileError(
                f"{path.name}: the file is empty (0 bytes). The copy or scan did not finish; "
                "copy or scan it again."
            )
        if item.size > self.options.max_file_bytes:
            raise TooLargeError(
                f"{path.name}: {item.size // (1024 * 1024)} MB is over the "
                f"{self.options.max_file_bytes // (1024 * 1024)} MB limit. Split the document "
                "or raise PANTAU_MAX_FILE_MB."
            )
        match item.media_type:
            case MediaType.PDF:
                return self._read_pdf(path)
            case MediaType.PNG | MediaType.JPEG | MediaType.TIFF:
                return self._read_image(path)
            case MediaType.DOCX:
                return self._text_pages(path, textdocs.read_docx(path))
            case MediaType.HTML:
                return self._text_pages(path, textdocs.read_html(path))
            case MediaType.TEXT:
                return self._text_pages(
                    path, textdocs.read_plain_text(path, max_pages=self.options.max_pages)
                )
        if path.suffix.lower() in _TEXT_SUFFIXES:
            raise NotTextError(
                f"{path.name}: the name says text, but the content is binary data. "
                "Find the original document, or convert it to PDF, DOCX or plain text."
            )
        raise intake.unsupported(path)

    def _text_pages(self, path: Path, texts: list[str]) -> list[PageResult]:
        """Pages of a text document (plain text, DOCX, HTML), within PANTAU_MAX_PAGES."""
        if len(texts) > self.options.max_pages:
            raise _too_many_pages(path, self.options.max_pages)
        return _text_pages(path, texts)

    def _read_pdf(self, path: Path) -> list[PageResult]:
        slots: list[PageResult | Callable[[], PageText]] = []
        for entry in pdf.read_text_layers(path, dpi=self.options.dpi):
            if len(slots) >= self.options.max_pages:
                raise _too_many_pages(path, self.options.max_pages)
            number = len(slots) + 1
            if self.deadline.expired():
                slots.append(_page_error(number, self._late(number)))
                break
            if isinstance(entry, Exception):
                slots.append(_page_error(number, entry))
            elif entry.text is not None:
                slots.append(PageResult(number=number, text=entry.text))
            else:
                slots.append(self._ocr_pdf_job(path, number))
        return self._collect(slots)

    def _ocr_pdf_job(self, path: Path, number: int) -> Callable[[], PageText]:
        def job() -> PageText:
            image, dpi = pdf.render_page(
                path, number, dpi=self.options.dpi, max_pixels=self.options.max_pixels
            )
            return self.ocr(image, dpi=dpi)

        return job

    def _read_image(self, path: Path) -> list[PageResult]:
        """Each frame is decoded by its own OCR job, when it runs: a multi-page TIFF never
        has more decoded frames in memory than pages in flight. A damaged first frame fails
        the document; a damaged later one fails its page, and the others are kept."""
        count = images.count_frames(path, max_pixels=self.options.max_pixels)
        if count > self.options.max_pages:
            raise _too_many_pages(path, self.options.max_pages)
        # The first frame is decoded now, so that an unreadable file fails as a whole; its
        # job hands it over, keeping no reference once the page is read.
        first = [images.load_frame(path, 1, max_pixels=self.options.max_pixels)]

        def first_job() -> PageText:
            frame, dpi = first.pop()
            return self.ocr(frame, dpi=dpi)

        slots: list[PageResult | Callable[[], PageText]] = [first_job]
        slots += [self._ocr_frame_job(path, number) for number in range(2, count + 1)]
        return self._collect(slots)

    def _ocr_frame_job(self, path: Path, number: int) -> Callable[[], PageText]:
        def job() -> PageText:
            frame, dpi = images.load_frame(path, number, max_pixels=self.options.max_pixels)
            return self.ocr(frame, dpi=dpi)

        return job

    def _collect(self, slots: list[PageResult | Callable[[], PageText]]) -> list[PageResult]:
        """Run the OCR jobs (in parallel when there is an executor), keeping page order."""
        jobs = [(i, self._in_time(i + 1, slot)) for i, slot in enumerate(slots) if callable(slot)]
        outcomes = _run_jobs([job for _, job in jobs], executor=self.executor)
        pages = list(slots)
        for (index, _), outcome in zip(jobs, outcomes, strict=True):
            number = index + 1
            if isinstance(outcome, Exception):
                pages[index] = _page_error(number, outcome)
            else:
                pages[index] = PageResult(number=number, text=outcome)
        return [page for page in pages if isinstance(page, PageResult)]

    def _in_time(self, number: int, job: Callable[[], PageText]) -> Callable[[], PageText]:
        """The job, refused with a read_timeout if it starts after the document's deadline."""

        def timed() -> PageText:
            if self.deadline.expired():
                raise self._late(number)
            return job()

        return timed

    def _late(self, number: int) -> TimeLimitError:
        return TimeLimitError(
            f"page {number} was not read: reading this document took longer than "
            f"{self.options.read_seconds:g} s (PANTAU_READ_SECONDS). The pages before it are "
            "kept; split the document, or raise the limit and retry it from the workbench.",
            stage="read",
        )


def _run_jobs(
    jobs: list[Callable[[], PageText]], *, executor: Executor | None
) -> list[PageText | Exception]:
    """Run jobs, at most a few per worker in flight, so rendered pages don't pile up."""
    if executor is None:
        return [_attempt(job) for job in jobs]
    limit = 2 * (os.cpu_count() or 1)
    results: list[PageText | Exception] = [Exception("not run")] * len(jobs)
    in_flight: deque[tuple[int, Future[PageText | Exception]]] = deque()
    for index, job in enumerate(jobs):
        if len(in_flight) >= limit:
            done, future = in_flight.popleft()
            results[done] = future.result()
        in_flight.append((index, executor.submit(_attempt, job)))
    for index, future in in_flight:
        results[index] = future.result()
    return results


def _attempt(job: Callable[[], PageText]) -> PageText | Exception:
    try:
        return job()
    except Exception as e:  # a page's failure is recorded on the page, never raised
        # Without its traceback: that would keep the page's decoded image alive until the
        # whole document is read (a 200-page blank TIFF held 6.7 GB).
        return e.with_traceback(None)


def _text_pages(path: Path, texts: Iterable[str]) -> list[PageResult]:
    pages = []
    for number, text in enumerate(texts, start=1):
        if text.strip():
            page_text = PageText(text=text, source=PageSource.TEXT_LAYER)
            pages.append(PageResult(number=number, text=page_text))
        else:
            pages.append(_page_error(number, _blank(path, number)))
    return pages


def _blank(path: Path, number: int) -> BlankPageError:
    return BlankPageError(f"{path.name}: page {number} is blank (no text on it).")


def _page_error(number: int, error: Exception) -> PageResult:
    if isinstance(error, PantauError):
        return PageResult(number=number, error=error.message, error_code=error.code)
    return PageResult(
        number=number,
        error=f"page {number} could not be read: {type(error).__name__}: {error}",
        error_code="internal",
    )


def _page_errors_summary(bad: list[PageResult], *, total: int) -> str:
    if len(bad) == 1 and total == 1:
        return bad[0].error or "the page could not be read"
    numbers = ", ".join(str(page.number) for page in bad[:10])
    more = "" if len(bad) <= 10 else f" and {len(bad) - 10} more"
    first = bad[0].error or ""
    return f"{len(bad)} of {total} pages could not be read (pages {numbers}{more}); first: {first}"


def _failed(item: intake.InputFile, error: PantauError, started: float) -> DocumentResult:
    return DocumentResult(
        path=str(item.path),
        sha256=item.sha256,
        size=item.size,
        media_type=item.media_type,
        status=DocumentStatus.FAILED,
        error=error.message,
        error_code=error.code,
        seconds=time.perf_counter() - started,
        warnings=_warnings(item),
    )


def _warnings(item: intake.InputFile) -> list[str]:
    if item.media_type is MediaType.UNKNOWN or item.name_matches_type:
        return []
    kind = item.media_type.name
    return [
        f"{item.path.name}: the name says '{item.path.suffix or 'no extension'}' but the "
        f"content is {kind}; it was read as {kind}. Rename the file to avoid confusion."
    ]


def _too_many_pages(path: Path, limit: int) -> TooLargeError:
    return TooLargeError(
        f"{path.name}: more than {limit} pages. Split the document, or raise PANTAU_MAX_PAGES."
    )


def _default_ocr(options: ReadOptions) -> OcrFunction:
    from extractors.ocr import OcrOptions, ocr_image

    return partial(ocr_image, options=OcrOptions(page_seconds=options.ocr_page_seconds))
