"""Country and nationality mentions: ``doc.spans["country"]`` with ISO 3166-1 alpha-2 codes.

Data: ``data/countries.jsonl`` (CLDR names in Indonesian and English plus the hand-maintained
``countries_extra.jsonl``, merged by ``tools/build_gazetteers.py``) and ``data/country_cues.csv``.
Each record has ``name``, ``code`` (null for a blocking phrase such as "Amerika Latin" or
"bahasa Inggris"), ``form`` and the optional flags ``case_sensitive`` (abbreviations such as
"AS", "PNG": matched only as written) and ``needs_cue`` (names that are also given names or
ordinary words, such as "Jordan", "Chad": matched only after a cue such as "warga negara").
Two-letter ISO codes are never matched as such: "IN (34)" is a person's initials, not India.
"""

from __future__ import annotations

import csv
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extractors.nlp.gazetteer import CompactDoc, data_path, read_jsonl

Span.set_extension("country", default=None, force=True)
Span.set_extension("form", default=None, force=True)

MAX_CUE_WORDS = 3


@Language.factory(
    "pantau_nationality",
    default_config={"spans_key": "country", "countries": None, "cues": None},
    assigns=["doc.spans"],
)
def make_nationality(
    nlp: Language, name: str, spans_key: str, countries: str | None, cues: str | None
) -> NationalityMatcher:
    """Build the country/nationality matcher (data paths default to the shipped files)."""
    return NationalityMatcher(
        nlp,
        spans_key=spans_key,
        countries=Path(countries) if countries else data_path("countries.jsonl"),
        cues=Path(cues) if cues else data_path("country_cues.csv"),
    )


class NationalityMatcher:
    """Finds country names, demonyms, nicknames and abbreviations and tags them with ISO codes."""

    def __init__(self, nlp: Language, *, spans_key: str, countries: Path, cues: Path) -> None:
        self.spans_key = spans_key
        self.records = list(read_jsonl(countries))
        self.cues = read_cues(cues)
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        for i, record in enumerate(self.records):
            matcher = self.exact if record.get("case_sensitive") else self.folded
            matcher.add(str(i), [nlp.make_doc(record["name"])])
        self.strings = nlp.vocab.strings

    def __call__(self, doc: Doc) -> Doc:
        compact = CompactDoc.of(doc)
        found = []
        for matcher in (self.folded, self.exact):
            for match_id, start, end in matcher(compact.doc):
                record = self.records[int(self.strings[match_id])]
                if self.accepts(compact, start, end, record):
                    span = compact.span(start, end)
                    found.append((span, record))
        by_span = {(s.start, s.end): r for s, r in found}
        spans = []
        for span in filter_spans([s for s, _ in found]):
            record = by_span[(span.start, span.end)]
            if record["code"] is None:
                continue
            span = Span(doc, span.start, span.end, label="COUNTRY")
            span._.country = record["code"]
            span._.form = record["form"]
            spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc

    def accepts(self, compact: CompactDoc, start: int, end: int, record: dict) -> bool:
        """Apply the cue and initials rules to one raw match."""
        if record.get("needs_cue"):
            return self.has_cue(compact, start) and compact.doc[start].text[0].isupper()
        if record.get("case_sensitive"):
            return not looks_like_initials(compact.doc, end)
        return True

    def has_cue(self, compact: CompactDoc, start: int) -> bool:
        """True when one of the cue phrases ends right before compact token ``start``."""
        words = [t.lower_ for t in compact.doc[max(0, start - MAX_CUE_WORDS) : start]]
        return any(" ".join(words[i:]) in self.cues for i in range(len(words)))


def looks_like_initials(doc: Doc, end: int) -> bool:
    """True when a short capital word is followed by an age, as in "AS (34)" or "AS, 27"."""
    following = [t.text for t in doc[end : end + 3]]
    if len(following) >= 2 and following[0] == "(" and following[1].isdigit():
        return True
    return len(following) >= 2 and following[0] == "," and following[1].isdigit()


def read_cues(path: Path) -> frozenset[str]:
    """Lower-cased cue phrases from a one-column CSV with header ``cue``."""
    with path.open(encoding="utf-8", newline="") as f:
        return frozenset(" ".join(row["cue"].lower().split()) for row in csv.DictReader(f))
