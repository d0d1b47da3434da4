"""One document as the people rules read it: the state every rule shares.

Built once per Doc by ``pantau_people_candidates`` from what the components before it found,
and handed on to the later people components unchanged: the text, the cues, the sentence
bounds, the country mentions with their citizenship status, the ranges of places,
organisations and countries (where no name word stands), the country statistics (where no
person is named) and the names of the document's places (which are nobody's name).
"""

from __future__ import annotations

import bisect
import itertools

from spacy.tokens import Doc

from extractors.nlp.people.citizenship import read_countries
from extractors.nlp.people.cues import Cues
from extractors.nlp.people.nationalities import statistic_spans
from extractors.nlp.people.scopes import Sentences


class Context:
    """One document's text, cues, sentence bounds, countries and covered ranges."""

    def __init__(self, doc: Doc, cues: Cues) -> None:
        self.doc = doc
        self.text = doc.text
        self.cues = cues
        self.sentences = Sentences.of(doc)
        self.countries = read_countries(doc, cues, self.sentences)
        self.covered = covered_spans(doc)
        ordered = sorted(self.covered)
        self.covered_starts = [s for s, _ in ordered]
        self.covered_reach = list(itertools.accumulate((e for _, e in ordered), max))
        self.statistic_spans = statistic_spans(self.text, cues, self.countries)
        self.place_words = place_words(doc, cues)
        # Indonesian regions by where they end, for "warga <region> bernama X".
        regions = [p for p in doc.spans.get("place", []) if p._.region_code]
        self.regions_by_end = sorted(regions, key=lambda p: p.end_char)
        self.region_ends = [p.end_char for p in self.regions_by_end]

    def scope(self, pos: int) -> tuple[int, int]:
        """Character bounds of the sentence holding ``pos``."""
        return self.sentences.scope(pos)

    def is_covered(self, start: int, end: int) -> bool:
        """True when a place, organisation or country span overlaps the range."""
        # The ranges that start before `end` overlap when the furthest of their ends passes
        # `start`: a bisection instead of a scan of every span for every word.
        k = bisect.bisect_left(self.covered_starts, end)
        return k > 0 and self.covered_reach[k - 1] > start


def covered_spans(doc: Doc) -> list[tuple[int, int]]:
    """Character ranges of places, organisations and countries (never name words)."""
    ranges = []
    for key in ("place", "org", "country"):
        if key in doc.spans:
            ranges += [(s.start_char, s.end_char) for s in doc.spans[key]]
    return ranges


def place_words(doc: Doc, cues: Cues) -> frozenset[str]:
    """Lower-cased names of the document's places and countries, without their head words."""
    names = set()
    for key in ("place", "country"):
        for span in doc.spans.get(key, []):
            words = span.text.split()
            if len(words) > 1 and words[0].lower() in cues.stop:
                words = words[1:]
            names.add(" ".join(words).lower())
    return frozenset(names)
