"""Indonesian root words, so that a search for one form of a word finds the others.

"dideportasi", "pendeportasian" and "mendeportasikan" share the root "deportasi";
"ditangkap" and "penangkapan" share "tangkap". Roots come from Sastrawi's stemmer (its
dictionary of root words and the Nazief–Adriani affix rules), one word at a time, cached.
A page keeps the roots of its words that differ from the word as written; a query word
matches its own form, its root as written, or that root among the page's roots.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
MIN_LENGTH = 4  # shorter words are function words, codes or initials: their own root

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _stemmer():  # noqa: ANN202 - Sastrawi is untyped
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=65536)
def root(word: str) -> str:
    """The root of one word, lower-cased ("Penangkapan" -> "tangkap"); the word itself when
    it has no affix Sastrawi knows, or is short."""
    lowered = word.lower()
    if len(lowered) < MIN_LENGTH or not WORD.fullmatch(lowered):
        return lowered
    with _lock:  # Sastrawi keeps per-call state on the stemmer object
        stemmed = str(_stemmer().stem(lowered))
    return stemmed or lowered


SENTENCE_END = ".!?:;\n\"'(\u201c"


def _opens_sentence(text: str, match: re.Match[str]) -> bool:
    before = text[: match.start()].rstrip(" \t")
    return not before or before[-1] in SENTENCE_END or before.endswith("\f")


def roots_of(text: str) -> str:
    """The distinct roots of `text`'s words that differ from the words, space-separated,
    in order of first appearance.

    Words written with a capital first letter only, inside a sentence (names of people
    and places: "Sekupang" is not "kupang" with a prefix), keep their own form.
    """
    seen: dict[str, None] = {}
    for match in WORD.finditer(text):
        written = match.group()
        if written[0].isupper() and not written.isupper() and not _opens_sentence(text, match):
            continue
        word = written.lower()
        found = root(word)
        if found != word:
            for part in found.split():
                seen.setdefault(part, None)
    return " ".join(seen)
