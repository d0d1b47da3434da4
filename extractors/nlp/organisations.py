"""Organisations: ``doc.spans["org"]`` with ``span._.org_kind`` and ``span._.expansion``.

Data: ``data/organisations.jsonl`` (hand-maintained). Records without a ``type`` are
organisations: ``id``, ``kind`` (immigration, police, military, intelligence, prosecutor,
regional_government, customs, manpower, un_agency, company, media, other), a spaCy Matcher
``pattern`` for the head ("Polres", "Kantor Imigrasi Kelas I TPI"), an optional ``tail`` (the
name of a ``type: tail`` record: capitalised words that follow the head, such as the place in
"Polres Lombok Utara" or a company name), ``tail_required`` and ``expansions`` (lower-cased
abbreviation of one or two words -> full form, used for ``span._.expansion``) and
``name_particle`` (the acronym is also a word of people's names, "BIN" for "bin": between two
capitalised words it is not the organisation). A
``type: keep_after_place`` record lists words kept after a place ("Polres Bima Kota").

Patterns run on the Doc without whitespace tokens, so a name broken across a line is one span.
When ``doc.spans["place"]`` is present (``pantau_places`` earlier in the pipeline), a place tail
is cut after the place it names, so "Polres Lombok Utara Gelar Razia" stops at "Utara".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
from spacy.attrs import LOWER, ORTH, TAG
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from thinc.types import Ints2d

from extractors.nlp.gazetteer import CompactDoc, data_path, expand_word_lists, read_jsonl
from extractors.nlp.windowed import WindowedMatcher

Span.set_extension("org_kind", default=None, force=True)
Span.set_extension("expansion", default=None, force=True)

MAX_ABBREVIATION_WORDS = 2


@Language.factory(
    "pantau_organisations",
    default_config={"spans_key": "org", "places_key": "place", "patterns": None},
    assigns=["doc.spans"],
)
def make_organisations(
    nlp: Language, name: str, spans_key: str, places_key: str, patterns: str | None
) -> OrganisationMatcher:
    """Build the organisation matcher (the pattern path defaults to the shipped file)."""
    return OrganisationMatcher(
        nlp,
        spans_key=spans_key,
        places_key=places_key,
        patterns=Path(patterns) if patterns else data_path("organisations.jsonl"),
    )


class OrganisationMatcher:
    """Finds agencies, units, companies and media outlets with token patterns."""

    def __init__(self, nlp: Language, *, spans_key: str, places_key: str, patterns: Path) -> None:
        self.spans_key = spans_key
        self.places_key = places_key
        records = list(read_jsonl(patterns))
        tails = {r["name"]: r["pattern"] for r in records if r.get("type") == "tail"}
        self.keep_after_place = frozenset(
            w for r in records if r.get("type") == "keep_after_place" for w in r["words"]
        )
        self.orgs = {r["id"]: r for r in records if "type" not in r}
        self.word_classes: dict[str, WordClass] = {}
        tails = {name: [self.classify(token) for token in tail] for name, tail in tails.items()}
        self.matcher = WindowedMatcher(nlp.vocab)
        for org in self.orgs.values():
            self.matcher.add(
                org["id"], expand_word_lists(org_patterns(org, tails)), greedy="LONGEST"
            )
        self.strings = nlp.vocab.strings

    def classify(self, token: dict) -> dict:
        """Turn a tail token test (a REGEX on TEXT with a NOT_IN list) into a TAG test.

        The Matcher evaluates such predicates once per token and pattern state, which made
        them most of this component's time; the words are marked once per Doc instead.
        """
        text, lower = token.get("TEXT"), token.get("LOWER")
        if not (isinstance(text, dict) and "REGEX" in text and isinstance(lower, dict)):
            return token
        word_class = WordClass(re.compile(text["REGEX"]), frozenset(lower.get("NOT_IN", ())))
        tags = [tag for tag, known in self.word_classes.items() if known == word_class]
        if not tags and self.word_classes:
            # One tag per token: two different word classes could not both be marked.
            raise ValueError("organisation tails must share one capitalised-word test")
        tag = tags[0] if tags else "ORG_TAIL"
        self.word_classes[tag] = word_class
        rest = {k: v for k, v in token.items() if k not in ("TEXT", "LOWER")}
        return {"TAG": tag, **rest}

    def mark_words(self, doc: Doc) -> None:
        """Tag the tokens of a (private, compact) Doc with the tail word classes they pass.

        Every token is tagged ("O" when it passes none): the Matcher refuses TAG tests on a
        bare Doc. Each distinct word is tested once; a later class wins, as in the data.
        """
        if not len(doc):
            return
        strings = doc.vocab.strings
        words = doc.to_array([ORTH, LOWER]).reshape(len(doc), 2)
        tags = np.full(len(doc), strings.add("O"), dtype=np.uint64)
        # A word's lower-case form is its lexeme's, so distinct texts are distinct words.
        distinct, first, where = np.unique(words[:, 0], return_index=True, return_inverse=True)
        pairs = [
            (strings[orth], strings[lower])
            for orth, lower in zip(distinct.tolist(), words[first, 1].tolist(), strict=True)
        ]
        for tag, word_class in self.word_classes.items():
            passing = np.array([word_class.accepts(*pair) for pair in pairs], dtype=bool)
            tags[passing[where.reshape(-1)]] = strings.add(tag)
        doc.from_array([TAG], cast(Ints2d, tags.reshape(len(doc), 1)))

    def __call__(self, doc: Doc) -> Doc:
        compact = CompactDoc.of(doc)
        self.mark_words(compact.doc)
        found = {}
        for match_id, start, end in self.matcher(compact.doc):
            org = self.orgs[self.strings[match_id]]
            if org.get("name_particle") and between_names(compact.doc, start, end):
                continue
            span = compact.span(start, end)
            if org.get("tail") == "place":
                span = self.cut_after_place(doc, span)
            if org.get("tail"):
                span = cut_before_person(doc, span)
            found[(span.start, span.end)] = org
        spans = []
        for span in filter_spans([doc[s:e] for s, e in found]):
            org = found[(span.start, span.end)]
            span = Span(doc, span.start, span.end, label="ORG")
            span._.org_kind = org["kind"]
            span._.expansion = expand(span, org.get("expansions"))
            spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc

    def cut_after_place(self, doc: Doc, span: Span) -> Span:
        """End a place tail with the first place inside it (plus words such as "Kota")."""
        if self.places_key not in doc.spans:
            return span
        inside = [p for p in doc.spans[self.places_key] if span.start < p.end <= span.end]
        if not inside:
            return span
        end = min(inside, key=lambda p: p.start).end
        while end < span.end and (doc[end].is_space or doc[end].lower_ in self.keep_after_place):
            end += 1
        while doc[end - 1].is_space:
            end -= 1
        return doc[span.start : end]


def cut_before_person(doc: Doc, span: Span) -> Span:
    """End a name's tail before a person the NER found running to its end: "Kantor Imigrasi
    Singaraja Hendra Setiawan" is the office and its head, when no known place ended it."""
    for ent in doc.ents:
        if ent.label_ == "PERSON" and span.start + 1 < ent.start < span.end <= ent.end:
            end = ent.start
            while end > span.start and doc[end - 1].is_space:
                end -= 1
            return doc[span.start : end]
    return span


@dataclass(frozen=True)
class WordClass:
    """A word a tail may hold: its text matches `pattern` and it is not a stop word."""

    pattern: re.Pattern[str]
    stop: frozenset[str]

    def accepts(self, text: str, lower: str) -> bool:
        return lower not in self.stop and self.pattern.search(text) is not None


def between_names(doc: Doc, start: int, end: int) -> bool:
    """True when capitalised words stand right before and after the match: "HAFIZ BIN
    ABDUL" is a patronymic in a name, not the intelligence agency."""
    if start == 0 or end >= len(doc):
        return False
    before, after = doc[start - 1].text, doc[end].text
    return all(w.isalpha() and w[0].isupper() for w in (before, after))


def org_patterns(org: dict, tails: dict[str, list[dict]]) -> list[list[dict]]:
    """Matcher patterns of one organisation record: the head, and the head with its tail."""
    head = org["pattern"]
    if "tail" not in org:
        return [head]
    with_tail = head + tails[org["tail"]]
    return [with_tail] if org.get("tail_required") else [head, with_tail]


def expand(span: Span, expansions: dict[str, str] | None) -> str | None:
    """The span with its leading abbreviation written out, or None if it has none."""
    if not expansions:
        return None
    words = span.text.split()
    for n in range(min(MAX_ABBREVIATION_WORDS, len(words)), 0, -1):
        full = expansions.get(" ".join(words[:n]).lower())
        if full is not None:
            return " ".join([full, *words[n:]])
    return None
