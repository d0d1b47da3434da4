"""Intake: find input files, fingerprint them, and tell their type from the content.

The file name is never trusted: a `.pdf` that holds a PNG is read as a PNG, and a
`.txt` full of binary junk is refused. Originals are only ever opened for reading.
"""

from __future__ import annotations

import hashlib
import os
import stat
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from models.errors import ConfigError, EmptyFileError, NotTextError, UnsupportedTypeError
from models.records import MediaType

_CHUNK = 1 << 20
_SNIFF = 8192

# Files that are never documents: editor droppings and OS metadata.
_IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}

_EXPECTED_SUFFIXES: dict[MediaType, tuple[str, ...]] = {
    MediaType.PDF: (".pdf",),
    MediaType.PNG: (".png",),
    MediaType.JPEG: (".jpg", ".jpeg", ".jpe"),
    MediaType.TIFF: (".tif", ".tiff"),
    MediaType.DOCX: (".docx",),
    MediaType.TEXT: (".txt", ".text", ".md", ".csv", ""),
    MediaType.HTML: (".html", ".htm", ".xhtml"),
}


@dataclass(frozen=True)
class InputFile:
    """A file found on disk, with its content fingerprint and detected type."""

    path: Path
    sha256: str
    size: int
    media_type: MediaType

    @property
    def name_matches_type(self) -> bool:
        """Whether the file name's suffix agrees with the detected content type."""
        return self.path.suffix.lower() in _EXPECTED_SUFFIXES.get(self.media_type, ())


@dataclass(frozen=True)
class Refused:
    """Something found under an input folder that is not read, and why (``code``)."""

    path: Path
    code: str  # outside_inputs, special_file, unreadable_folder, broken_link, bad_file_name
    reason: str


def discover(paths: Iterable[str | Path]) -> Iterator[Path | Refused]:
    """Yield every file under the given files and folders, recursively, in a stable order.

    Hidden files and folders (dot-names) and OS metadata files are skipped. Every file is
    yielded by its real path, once. Inside a folder, what is not read is yielded as
    `Refused`: a link whose real path lies outside the folders given (``ln -s /etc/passwd``),
    a FIFO, device or socket (opening one can block or never end), and a folder that cannot
    be listed. A file given by name is read where its link leads: the user named it.
    """
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            raise ConfigError(f"{path}: no such file or folder. Check the path and try again.")
        if not path.is_dir():
            yield from _checked(path, path.resolve(), [path.resolve().parent], seen, given=True)
            continue
        root = path.resolve()
        for child in _walk(path):
            if isinstance(child, Refused):
                yield child
                continue
            try:
                real = child.resolve(strict=True)
            except (OSError, RuntimeError):
                reason = f"{child}: a link to nothing, or a loop of links."
                yield Refused(child, "broken_link", reason)
                continue
            yield from _checked(child, real, [root], seen, given=False)


def _walk(folder: Path) -> list[Path | Refused]:
    """The files (and links to files or folders) under a folder, sorted, without following
    linked folders; folders that cannot be listed become `Refused`."""
    found: list[Path | Refused] = []

    def unreadable(error: OSError) -> None:
        where = Path(error.filename or folder)
        found.append(
            Refused(
                where,
                "unreadable_folder",
                f"{where}: the folder cannot be listed ({error.strerror or error}). "
                "Check its permissions.",
            )
        )

    for top, dirs, files in os.walk(folder, onerror=unreadable):
        base = Path(top)
        hidden = [d for d in dirs if d.startswith(".")]
        for name in hidden:
            dirs.remove(name)
        linked = [d for d in dirs if (base / d).is_symlink()]
        found.extend(base / d for d in linked)  # a linked folder is checked, not walked
        for name in files:
            if not name.startswith(".") and name not in _IGNORED_NAMES:
                found.append(base / name)
    return sorted(found, key=lambda f: str(f.path if isinstance(f, Refused) else f))


def _checked(
    path: Path, real: Path, roots: list[Path], seen: set[Path], *, given: bool
) -> Iterator[Path | Refused]:
    """``real`` when it is a regular file inside the roots, not yielded before; else why not."""
    if not _encodable(path) or not _encodable(real):
        shown = printable_path(path)
        yield Refused(
            Path(shown),
            "bad_file_name",
            f"{shown}: the file name is not valid UTF-8 (written by another system's encoding); "
            "it is not read. Rename the file, then run again.",
        )
        return
    if not given and not any(real == root or root in real.parents for root in roots):
        yield Refused(
            path,
            "outside_inputs",
            f"{path}: a link to {real}, outside the folders given; it is not read. "
            "Copy the file into the folder instead of linking it.",
        )
        return
    if real.is_dir():
        return  # a link to a folder inside the inputs: its files are found there
    try:
        mode = real.stat().st_mode
    except OSError as e:
        yield Refused(path, "unreadable_folder", f"{path}: cannot be examined ({e.strerror or e}).")
        return
    if not stat.S_ISREG(mode):
        yield Refused(
            path,
            "special_file",
            f"{path}: not a regular file (a pipe, device or socket); it is not read.",
        )
        return
    if real not in seen:
        seen.add(real)
        yield real


def _encodable(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def printable_path(path: Path) -> str:
    """The path as text that can be stored and shown: undecodable bytes as \\xNN."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def hash_file(path: Path) -> tuple[str, int]:
    """Return the SHA-256 hex digest and size of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def inspect(path: Path) -> InputFile:
    """Fingerprint a file and detect its type; unknown types become MediaType.UNKNOWN."""
    sha256, size = hash_file(path)
    media_type = detect_type(path) if size else MediaType.UNKNOWN
    return InputFile(path=path, sha256=sha256, size=size, media_type=media_type)


def detect_type(path: Path) -> MediaType:
    """Detect the media type of a file from its first bytes (and ZIP directory for DOCX)."""
    with path.open("rb") as handle:
        head = handle.read(_SNIFF)
    return sniff(head, path)


def sniff(head: bytes, path: Path | None = None) -> MediaType:
    """Detect the media type from the leading bytes of a file."""
    if head.lstrip(b"\x00\t\n\r \xef\xbb\xbf")[:5] == b"%PDF-":
        return MediaType.PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return MediaType.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return MediaType.JPEG
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return MediaType.TIFF
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(path)
    text = _decode_text(head)
    if text is not None and _looks_like_html(text):
        return MediaType.HTML  # a page that mentions "%PDF-" is still a page
    if head[:1024].find(b"%PDF-") >= 0:
        return MediaType.PDF  # readers accept a PDF header after some junk, so do we
    return MediaType.UNKNOWN if text is None else MediaType.TEXT


def _sniff_zip(path: Path | None) -> MediaType:
    if path is None:
        return MediaType.UNKNOWN
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return MediaType.UNKNOWN
    if "word/document.xml" in names:
        return MediaType.DOCX
    return MediaType.UNKNOWN


def _looks_like_html(text: str) -> bool:
    start = text.lstrip().lower()[:512]
    return start.startswith(("<!doctype html", "<html")) or (
        start.startswith("<") and ("<body" in start or "<head" in start or "<p>" in start)
    )


def _decode_text(head: bytes) -> str | None:
    """Decode bytes as text if they look like human text, else None."""
    if not head:
        return None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return head.decode("utf-16")
        except UnicodeDecodeError:
            return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as e:
        # A multi-byte character cut at the sniff boundary is still text.
        if e.start < len(head) - 4:
            text = head.decode("cp1252", errors="replace")
            if not _mostly_printable(text):
                return None
            return text
        text = head[: e.start].decode("utf-8")
    return text if _mostly_printable(text) else None


def _mostly_printable(text: str) -> bool:
    """Human text: at most 1 % control characters (NUL included) or replacement marks.

    A few stray NULs (a damaged export) leave a letter readable; they are removed when
    the text is read. Binary data has far more.
    """
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    bad = control + text.count("\ufffd")
    return bad <= max(4, len(text) // 100)


def read_text_file(path: Path) -> str:
    """Read a plain-text or HTML file as str, refusing binary content."""
    data = path.read_bytes()
    if not data:
        raise EmptyFileError(f"{path.name}: the file is empty (0 bytes). Re-export or re-scan it.")
    for encoding in (
        ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",)
    ):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("cp1252", errors="replace")
    if not _mostly_printable(text):
        raise NotTextError(
            f"{path.name}: the content is binary data, not text, although the name says text. "
            "Find the original document or convert it to PDF, DOCX or plain text."
        )
    return text.replace("\x00", "")


def unsupported(path: Path) -> UnsupportedTypeError:
    """The error for a file whose content matches no supported format."""
    return UnsupportedTypeError(
        f"{path.name}: the content is not a supported document "
        "(PDF, PNG, JPEG, TIFF, DOCX, HTML or plain text). "
        "Convert it to one of those formats, or remove it from the inbox."
    )
