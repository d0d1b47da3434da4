"""Sentence bounds: how far the people rules look for a name's cues.

A person's role and nationality are read in the sentence that names them; names listed or
aged in a sentence of their own may take a cue from the sentence before, and a counted group
counts the people named up to the end of the sentence after it. Without a sentencizer the whole
text is one sentence.
"""

from __future__ import annotations

import bisect

from spacy.tokens import Doc

LOOK_BACK_SENTENCES = 1


class Sentences:
    """The character bounds of a document's sentences, in order."""

    def __init__(self, bounds: list[tuple[int, int]]) -> None:
        self.bounds = bounds
        self.starts = [s for s, _ in bounds]

    @classmethod
    def of(cls, doc: Doc) -> Sentences:
        """The sentences the sentencizer marked, else the whole text as one."""
        if doc.has_annotation("SENT_START"):
            return cls([(s.start_char, s.end_char) for s in doc.sents])
        return cls([(0, len(doc.text))])

    def index(self, pos: int) -> int:
        """The number of the sentence holding ``pos``."""
        return max(0, bisect.bisect_right(self.starts, pos) - 1)

    def scope(self, pos: int) -> tuple[int, int]:
        """Character bounds of the sentence holding ``pos``."""
        return self.bounds[self.index(pos)]

    def before(self, pos: int, back: int | None = None) -> tuple[int, int]:
        """Bounds from the start of the sentence(s) before the sentence holding ``pos``."""
        i = self.index(pos)
        return self.bounds[max(0, i - (back or LOOK_BACK_SENTENCES))][0], self.bounds[i][0]

    def end_after(self, pos: int, ahead: int = 1) -> int:
        """End of the sentence ``ahead`` sentences after the one holding ``pos``."""
        i = self.index(pos)
        return self.bounds[min(len(self.bounds) - 1, i + ahead)][1]
