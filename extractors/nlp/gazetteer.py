"""Shared helpers for the gazetteer components: data files and line-break tolerant matching.

Matchers run on a *compact* copy of the Doc that holds only its non-space tokens, so a name
broken across a line ("Lombok\\nUtara") is matched like one written on a single line. Matches
are mapped back to spans of the original Doc.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from spacy.tokens import Doc, Span

DATA_DIR = Path(__file__).parent / "data"


def data_path(name: str) -> Path:
    """Path of a data file shipped with the NLP package."""
    return DATA_DIR / name


def read_jsonl(path: Path) -> Iterator[dict]:
    """Records of a JSONL file, skipping blank lines."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


class CompactDoc:
    """A Doc without whitespace tokens, with the way back to the original token indices."""

    def __init__(self, doc: Doc) -> None:
        self.source = doc
        self.index = [t.i for t in doc if not t.is_space]
        words = [doc[i].text for i in self.index]
        self.doc = Doc(doc.vocab, words=words, spaces=[True] * len(words))

    def span(self, start: int, end: int) -> Span:
        """The original-Doc span covering compact tokens ``start`` to ``end`` (exclusive)."""
        return self.source[self.index[start] : self.index[end - 1] + 1]

    def key(self, start: int, end: int) -> str:
        """Lower-cased text of compact tokens ``start:end`` as written, whitespace folded."""
        return " ".join(self.span(start, end).text.lower().split())


def is_capitalised(span: Span, lower_ok: frozenset[str] = frozenset()) -> bool:
    """True when every word of ``span`` starts with a capital (or is an allowed small word)."""
    words = [t for t in span if t.is_alpha]
    return (
        bool(words)
        and all(t.text[0].isupper() or t.lower_ in lower_ok for t in words)
        and words[0].text[0].isupper()
    )
