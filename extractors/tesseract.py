"""The one wrapper around the tesseract program (through pytesseract).

Every tesseract process runs with ``OMP_THREAD_LIMIT=1``: Pantau runs one tesseract per
core, and OpenMP threads inside each process make a page several times slower.

Images are handed over as an uncompressed PGM/PBM file in a temporary folder, because
compressing a 300 dpi page to PNG costs a sizeable fraction of the OCR time itself.
"""

from __future__ import annotations

import errno
import os
import re
import shlex
import shutil
import struct
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytesseract
from PIL import Image

from models.errors import OcrError, SetupError, TemporaryError, TimeLimitError

DEFAULT_LANG = "ind+eng"
TIMEOUT_SECONDS = 300
# Scratch folders for the page image handed to tesseract: pantau-ocr-<pid>-<random>.
SCRATCH_PREFIX = "pantau-ocr-"
# A full disk or temporary folder, no memory, no file handles: the machine's state, not the
# page's; such a page is read again on the next run.
TEMPORARY_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.ENOMEM, errno.EMFILE, errno.ENFILE, errno.EAGAIN}
)
# The folder in the first line of `tesseract --list-langs`.
MODEL_FOLDER = re.compile(r'languages in "([^"]+)"')
# A model's word lists, by their index in a traineddata file (tesseract's TessdataType:
# SYSTEM_DAWG, FREQ_DAWG, LSTM_SYSTEM_DAWG).
WORD_LISTS = frozenset({7, 9, 19})
LANGUAGE_PACKAGES = {
    "ind": "tesseract-ocr-ind",
    "eng": "tesseract-ocr-eng",
    "osd": "tesseract-ocr-osd",
}


@dataclass(frozen=True)
class TessWord:
    """One word from tesseract's TSV output; `line_key` identifies its line on the page."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float
    block: int
    par: int
    line: int

    @property
    def line_key(self) -> tuple[int, int, int]:
        return (self.block, self.par, self.line)


def limit_threads() -> None:
    """Make every tesseract child process single-threaded.

    pytesseract starts tesseract with this process's environment and offers no other way
    to pass variables, so the limit is set here.
    """
    os.environ["OMP_THREAD_LIMIT"] = "1"


limit_threads()


@cache
def _installed_languages() -> frozenset[str]:
    """Languages tesseract can load (asked once per process)."""
    listed = _list_languages()
    return frozenset(line.strip() for line in listed.splitlines()[1:] if line.strip())


@cache
def _list_languages() -> str:
    """What `tesseract --list-langs` prints: its model folder, then one language a line."""
    try:
        pytesseract.get_tesseract_version()
    except pytesseract.TesseractNotFoundError as e:
        raise SetupError(
            "The tesseract program was not found. Install it with: "
            "apt-get install -y tesseract-ocr tesseract-ocr-ind tesseract-ocr-eng"
        ) from e
    # pytesseract's own list drops script models with capitals ("Latin"): read it here.
    try:
        listed = subprocess.run(
            [pytesseract.pytesseract.tesseract_cmd, "--list-langs"],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=True,
        ).stdout
    except (subprocess.SubprocessError, OSError) as e:
        raise SetupError(f"tesseract cannot list its languages: {e}") from e
    return listed


def model_folder() -> Path | None:
    """The folder tesseract reads its language models from, as it names it."""
    found = MODEL_FOLDER.search(_list_languages())
    return Path(found.group(1)) if found else None


@cache
def without_word_lists(lang: str) -> Path | None:
    """A model folder holding `lang` without its word lists, made once per model version in
    the user's own temporary folder; None when it cannot be made (then use the installed one).

    Loading a model reads all of it: the Latin-script model is 89 MB, 88.8 of them its word
    list, and tesseract took 0.57 s to read ten names with it against 0.23 s without (279
    against 33 MiB). A word list helps read words it holds; names are not among them.
    """
    folder = model_folder()
    source = folder / f"{lang}.traineddata" if folder else None
    try:
        if source is None or not source.is_file():
            return None
        stat = source.stat()
        target = _private_folder() / f"{lang}-{stat.st_size}-{stat.st_mtime_ns}"
        if not (target / f"{lang}.traineddata").is_file():
            target.mkdir(mode=0o700, exist_ok=True)
            _write_atomically(target / f"{lang}.traineddata", _strip_word_lists(source))
            assert folder is not None  # source is in it
            for config in (folder / "configs").glob("*"):  # pytesseract asks for "tsv"
                (target / "configs").mkdir(mode=0o700, exist_ok=True)
                _write_atomically(target / "configs" / config.name, config.read_bytes())
    except (OSError, ValueError, struct.error):
        return None
    return target


def _private_folder() -> Path:
    """pantau-tessdata-<uid> in the temporary folder, this user's alone (OSError if not)."""
    folder = Path(tempfile.gettempdir()) / f"pantau-tessdata-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    stat = folder.lstat()
    if folder.is_symlink() or stat.st_uid != os.getuid() or stat.st_mode & 0o077:
        raise OSError(errno.EPERM, "not a private folder", str(folder))
    return folder


def _strip_word_lists(source: Path) -> bytes:
    """The traineddata file `source` with its word lists left out (ValueError if it is not
    one): a count of parts, the offset of each (-1 for none), then the parts in order."""
    data = source.read_bytes()
    (count,) = struct.unpack_from("<i", data)
    if not 0 < count <= 64:
        raise ValueError(f"{source} is not a tesseract model")
    offsets = struct.unpack_from(f"<{count}q", data, 4)
    present = sorted((offset, index) for index, offset in enumerate(offsets) if offset >= 0)
    ends = [offset for offset, _ in present[1:]] + [len(data)]
    parts = {index: data[offset:end] for (offset, index), end in zip(present, ends, strict=True)}
    kept = {index: part for index, part in parts.items() if index not in WORD_LISTS}
    header, body, position = [], [], 4 + 8 * count
    for index in range(count):
        if index in kept:
            header.append(position)
            body.append(kept[index])
            position += len(kept[index])
        else:
            header.append(-1)
    return struct.pack(f"<i{count}q", count, *header) + b"".join(body)


def _write_atomically(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def has_language(lang: str) -> bool:
    """True when tesseract has the language (or script) model `lang` installed."""
    return lang in _installed_languages()


def check_tesseract(langs: tuple[str, ...] = ("ind", "eng")) -> None:
    """Raise `SetupError` naming the Debian package to install if tesseract or a language
    pack is missing."""
    missing = [lang for lang in langs if lang not in _installed_languages()]
    if missing:
        packages = " ".join(
            LANGUAGE_PACKAGES.get(lang, f"tesseract-ocr-{lang}") for lang in missing
        )
        raise SetupError(
            f"tesseract has no language pack for {', '.join(missing)}. "
            f"Install it with: apt-get install -y {packages}"
        )


def _split_lang(lang: str) -> tuple[str, ...]:
    return tuple(part for part in lang.split("+") if part)


def clean_stale_scratch(older_than_seconds: float = 86_400) -> int:
    """Remove page images left in TMPDIR by OCR processes that were killed mid-page.

    A scratch folder is named after the process that made it; it is removed when that
    process is gone, or when it is older than `older_than_seconds` (a reused process id).
    Returns how many folders were removed.
    """
    removed = 0
    now = time.time()
    root = Path(tempfile.gettempdir())
    for folder in root.glob(f"{SCRATCH_PREFIX}*-*"):
        owner = folder.name[len(SCRATCH_PREFIX) :].split("-", 1)[0]
        try:
            stale = not owner.isdigit() or not _process_alive(int(owner))
            stale = stale or now - folder.lstat().st_mtime > older_than_seconds
            if stale and folder.is_dir() and not folder.is_symlink():
                shutil.rmtree(folder)
                removed += 1
        except OSError:
            continue  # another user's folder, or removed meanwhile
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, another user's
    return True


@contextmanager
def _image_file(image: Image.Image) -> Iterator[str]:
    """Write `image` to a fast-to-encode temporary file and yield its path."""
    if image.mode not in ("1", "L"):
        image = image.convert("L")
    suffix = ".pbm" if image.mode == "1" else ".pgm"
    folder = tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-")
    try:
        path = str(Path(folder) / f"page{suffix}")
        image.save(path, format="PPM")
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run(
    func: Callable[..., Any], image: Image.Image, *, timeout: float | None = None, **kwargs: Any
) -> Any:
    """Call a pytesseract function on `image`, turning its failures into `OcrError`.

    tesseract is killed after `timeout` seconds (default `TIMEOUT_SECONDS`); that is a
    `TimeLimitError` of the ocr stage.
    """
    seconds = TIMEOUT_SECONDS if timeout is None else max(1.0, timeout)
    try:
        with _image_file(image) as path:
            return func(path, timeout=seconds, **kwargs)
    except pytesseract.TesseractNotFoundError as e:
        raise SetupError(
            "The tesseract program was not found. Install it with: "
            "apt-get install -y tesseract-ocr tesseract-ocr-ind tesseract-ocr-eng"
        ) from e
    except pytesseract.TesseractError as e:
        raise OcrError(f"tesseract failed (exit {e.status}): {e.message}".strip()) from e
    except RuntimeError as e:  # pytesseract's timeout
        raise TimeLimitError(
            f"ocr stage stopped: tesseract was still reading this page after {seconds:g} s and "
            "was stopped. Rescan the page more cleanly, or raise PANTAU_OCR_PAGE_SECONDS.",
            stage="ocr",
        ) from e
    except OSError as e:
        if e.errno in TEMPORARY_ERRNOS:
            raise TemporaryError(
                f"tesseract could not be run: {e.strerror} ({e.filename or 'no file'}); free "
                "space in TMPDIR or memory. The next run reads this document again."
            ) from e
        raise OcrError(f"tesseract could not be run: {e}") from e


def _parse_words(data: dict[str, list]) -> list[TessWord]:
    words = []
    for i, text in enumerate(data["text"]):
        conf = float(data["conf"][i])
        text = str(text).strip()
        if conf < 0 or not text:
            continue
        words.append(
            TessWord(
                text=text,
                left=int(data["left"][i]),
                top=int(data["top"][i]),
                width=int(data["width"][i]),
                height=int(data["height"][i]),
                conf=conf,
                block=int(data["block_num"][i]),
                par=int(data["par_num"][i]),
                line=int(data["line_num"][i]),
            )
        )
    return words


def image_to_data(
    image: Image.Image,
    *,
    lang: str = DEFAULT_LANG,
    psm: int = 3,
    dpi: int = 300,
    timeout: float | None = None,
    whitelist: str | None = None,
    models: Path | None = None,
) -> list[TessWord]:
    """Recognise the words of `image` (grey or bilevel preferred) in reading order;
    `whitelist` restricts the characters tesseract may read; `models` is a model folder
    other than tesseract's own."""
    if models is None:
        check_tesseract(_split_lang(lang))
    extra = f" -c tessedit_char_whitelist={whitelist}" if whitelist else ""
    if models is not None:
        extra += f" --tessdata-dir {shlex.quote(str(models))}"
    data = _run(
        pytesseract.image_to_data,
        image,
        timeout=timeout,
        lang=lang,
        config=f"--psm {psm} --dpi {dpi}{extra}",
        output_type=pytesseract.Output.DICT,
    )
    return _parse_words(data)


def image_to_string(
    image: Image.Image, *, lang: str = DEFAULT_LANG, psm: int = 3, dpi: int | None = None
) -> str:
    """Plain text of `image` as tesseract gives it, without any preprocessing."""
    check_tesseract(_split_lang(lang))
    config = f"--psm {psm}" + (f" --dpi {dpi}" if dpi else "")
    return _run(pytesseract.image_to_string, image, lang=lang, config=config)


def detect_orientation(
    image: Image.Image, *, dpi: int = 300, timeout: float | None = None
) -> tuple[int, float]:
    """Clockwise degrees (0/90/180/270) that make the page upright, and tesseract's confidence.

    Returns (0, 0.0) when the page has too little text to tell.
    """
    check_tesseract(("osd",))
    try:
        osd = _run(
            pytesseract.image_to_osd,
            image,
            timeout=timeout,
            config=f"--psm 0 --dpi {dpi}",
            output_type=pytesseract.Output.DICT,
        )
    except OcrError as e:
        # Tesseract refuses OSD on pages with little text; that is an answer, not a failure.
        if "Too few characters" in str(e):
            return 0, 0.0
        raise
    if "rotate" not in osd:
        return 0, 0.0
    return int(osd["rotate"]) % 360, float(osd["orientation_conf"])
