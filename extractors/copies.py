"""Near-duplicate documents: the same letter scanned twice, or forwarded as another file.

Copies have different bytes (another scan, another export) but nearly the same text. A
document's text is reduced to character 5-gram shingles of its folded words; a MinHash of
64 values, cut into 16 bands of 4, finds candidates through an index of band keys (two
documents whose shingles overlap by 70% share a band with probability above 0.98). A
candidate is a copy only when the shingles overlap by at least `SIMILARITY`, the two
documents name mostly the same foreign nationals and they carry no conflicting dates:
template letters about other people (the same form, another name and passport) are never
copies.
"""

from __future__ import annotations

import difflib
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

SHINGLE = 5
HASHES = 64
ROWS = 4  # values per band: 16 bands
SIMILARITY = 0.7  # Jaccard of shingles at or above which two texts are the same text
NAME_SIMILARITY = 0.8  # difflib ratio at or above which two written names are one name
MIN_SHINGLES = 40  # shorter texts (a line or two) are never judged copies
MAX_TEXT = 200_000  # characters compared: the opening 60 pages or so decide
CHUNK = 16_384  # shingles hashed at a time
WORD = re.compile(r"\w+")
PRIME = (1 << 61) - 1
_RNG = np.random.default_rng(20261204)
_A = _RNG.integers(1, PRIME, size=HASHES, dtype=np.uint64)
_B = _RNG.integers(0, PRIME, size=HASHES, dtype=np.uint64)


@dataclass(frozen=True)
class Fingerprint:
    """The shingles of a text and its band keys ("<band>:<hex>")."""

    shingles: frozenset[int]
    bands: tuple[str, ...]


def fingerprint(pages: Iterable[str]) -> Fingerprint:
    """The fingerprint of a document's pages; no bands for a text too short to judge."""
    found = shingles(pages)
    if len(found) < MIN_SHINGLES:
        return Fingerprint(found, ())
    values = np.fromiter(found, dtype=np.uint64, count=len(found))
    # (a * x + b) mod 2^64 per hash function, the minimum over shingles: 64-bit wraparound
    # keeps it fast and is as good a universal family for this purpose. In chunks, so
    # memory stays at 64 x CHUNK values.
    minima = np.full(HASHES, np.iinfo(np.uint64).max, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for start in range(0, len(values), CHUNK):
            mixed = values[None, start : start + CHUNK] * _A[:, None] + _B[:, None]
            minima = np.minimum(minima, mixed.min(axis=1))
    bands = tuple(
        f"{i}:{zlib.crc32(minima[i * ROWS : (i + 1) * ROWS].tobytes()):08x}"
        for i in range(HASHES // ROWS)
    )
    return Fingerprint(found, bands)


def shingles(pages: Iterable[str]) -> frozenset[int]:
    """CRC-32 of every 5-character window of the text's lower-cased words, one space apart
    (of the first `MAX_TEXT` characters)."""
    joined, size = [], 0
    for page in pages:  # only the opening MAX_TEXT characters (or a little more) are read
        joined.append(page[: 2 * MAX_TEXT - size])
        size += len(joined[-1]) + 1
        if size >= 2 * MAX_TEXT:
            break
    text = " ".join(WORD.findall(" ".join(joined).lower()))[:MAX_TEXT]
    return frozenset(
        zlib.crc32(text[i : i + SHINGLE].encode()) for i in range(len(text) - SHINGLE + 1)
    )


def similarity(first: frozenset[int], second: frozenset[int]) -> float:
    """Jaccard similarity of two shingle sets."""
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def same_people(first: Sequence[str], second: Sequence[str]) -> bool:
    """Whether two documents name the same foreign nationals, as far as their reading
    allows: names as written may differ by a letter or two, and a poor scan may lose a
    name or mistake a word for one, so most of the names (at least half of the longer
    list) must match; two documents naming nobody agree."""
    if not first and not second:
        return True
    left = [n.lower() for n in first]
    right = [n.lower() for n in second]
    matched = sum(1 for name in left if _has_match(name, right))
    return matched > 0 and 2 * matched >= max(len(left), len(right))


def is_copy(
    first: frozenset[int],
    second: frozenset[int],
    *,
    names: tuple[Sequence[str], Sequence[str]],
    dates: tuple[str | None, str | None],
) -> bool:
    """Whether two documents are copies of one text (see the module's docstring)."""
    if min(len(first), len(second)) < MIN_SHINGLES:
        return False
    if dates[0] and dates[1] and dates[0] != dates[1]:
        return False
    return similarity(first, second) >= SIMILARITY and same_people(*names)


def _has_match(name: str, others: Sequence[str]) -> bool:
    return any(
        difflib.SequenceMatcher(None, name, other).ratio() >= NAME_SIMILARITY for other in others
    )
