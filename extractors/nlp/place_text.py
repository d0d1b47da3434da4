"""A Doc's non-space tokens as plain lists, with line starts, for the place-mention rules.

The rules in ``place_mentions`` look at words, their case and where lines start many times per
token; reading those from plain Python lists once per Doc is much faster than creating spaCy
``Token`` objects again and again. A name broken across a line ("Bandara\\nInternasional X")
stays one name; a blank line ends it.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

SENTENCE_ENDS = frozenset({".", "!", "?", ":", ";"})
ROMAN = re.compile(r"^[IVX]{1,4}$")


class Lines:
    """The non-space tokens of a Doc: text, lower case, case flags and line breaks."""

    def __init__(self, doc: Doc) -> None:
        self.source = doc
        self.index: list[int] = []
        self.text: list[str] = []
        self.lower: list[str] = []
        self.joined: list[bool] = []
        self.breaks: dict[int, int] = {}
        newlines = 0
        for token in doc:
            if token.is_space:
                newlines += token.text.count("\n")
                if self.joined:
                    self.joined[-1] = False
                continue
            if newlines:
                self.breaks[len(self.index)] = newlines
                newlines = 0
            self.index.append(token.i)
            self.text.append(token.text)
            self.lower.append(token.lower_)
            self.joined.append(not token.whitespace_)
        self.alpha = [t.isalpha() for t in self.text]
        self.capital = [a and t[0].isupper() for a, t in zip(self.alpha, self.text, strict=True)]
        self.upper = [t.isupper() and len(t) > 1 for t in self.text]
        self.line_starts = [0, *sorted(self.breaks)] if self.index else []

    def __len__(self) -> int:
        return len(self.text)

    def span(self, start: int, end: int) -> Span:
        """The original-Doc span covering tokens ``start`` to ``end`` (exclusive)."""
        return self.source[self.index[start] : self.index[end - 1] + 1]

    def key(self, start: int, end: int) -> str:
        """Lower-cased words ``start:end`` joined as written (no space before a joined token)."""
        parts = []
        for i in range(start, end):
            parts.append(self.lower[i])
            if i + 1 < end and not self.joined[i]:
                parts.append(" ")
        return "".join(parts)

    def starts_line(self, i: int) -> bool:
        """True when token ``i`` is the first of its line."""
        return i == 0 or i in self.breaks

    def starts_paragraph(self, i: int) -> bool:
        """True when token ``i`` follows a blank line."""
        return self.breaks.get(i, 0) > 1

    def starts_sentence(self, i: int) -> bool:
        """True when token ``i`` starts a line or follows a full stop."""
        return self.starts_line(i) or self.text[i - 1] in SENTENCE_ENDS

    def is_name_word(self, i: int) -> bool:
        """A capitalised word, a number or a Roman numeral that can be part of a place name."""
        if self.alpha[i]:
            return self.capital[i]
        return is_number(self.text[i]) or bool(ROMAN.match(self.text[i]))

    def is_title_word(self, i: int) -> bool:
        """A capitalised word not written all in capitals."""
        return self.capital[i] and not self.upper[i]

    def title_runs(self) -> list[tuple[int, int]]:
        """Maximal runs of capitalised, not all-capital words on one line."""
        runs = []
        start = None
        for i in range(len(self.text)):
            word = self.is_title_word(i)
            if start is not None and (not word or i in self.breaks):
                runs.append((start, i))
                start = None
            if word and start is None:
                start = i
        if start is not None:
            runs.append((start, len(self.text)))
        return runs


def is_number(text: str) -> bool:
    """Digits, possibly with separators: "17", "6,4", "2.000"."""
    return text.replace(",", "").replace(".", "").isdigit()
