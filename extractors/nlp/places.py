"""Indonesian places: ``doc.spans["place"]`` normalised to Kemendagri 2025 region codes.

Data: ``data/wilayah.csv.gz`` (code, name, level; derived by ``tools/build_gazetteers.py``,
MIT notice in ``data/WILAYAH-LICENSE``) and the hand-maintained ``data/places_extra.jsonl``
with records of five types: ``prefix`` (a word such as "Kabupaten" or "Desa" and the levels it
selects, in order of preference), ``alias`` (short forms such as "NTB", "Sulut", "Jaksel"),
``needs_prefix`` (region names that are also ordinary words, such as "Batang") and
``province_label`` (the display name of a province) and ``block`` (phrases that contain a region
name but are not Indonesian places, such as "Papua Nugini"; they win as the longer match and are
dropped).

Provinces, regencies and cities match bare when capitalised; districts and villages only after
their prefix word, because many of them are ordinary words. A name shared by several regions
keeps every code in ``span._.candidates`` (best first): a higher level wins, then a region whose
province, regency or district is also named in the document, then a city before a regency.
"""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from functools import cache
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extractors.nlp.gazetteer import CompactDoc, data_path, is_capitalised, read_jsonl

for _name in ("region_code", "region_level", "region_name", "province", "candidates"):
    Span.set_extension(_name, default=None, force=True)

BARE_LEVELS = ("province", "regency", "city")
ALL_LEVELS = ("province", "city", "regency", "district", "village")
ISLANDS_WORD = "kepulauan "
LEVEL_RANK = {"province": 0, "city": 1, "regency": 1, "district": 2, "village": 3}
MAX_NAME_TOKENS = 8
SKIPPED_AFTER_PREFIX = frozenset({".", "administrasi", "adm"})
SMALL_WORDS = frozenset({"dan"})


@Language.factory(
    "pantau_places",
    default_config={"spans_key": "place", "regions": None, "extra": None},
    assigns=["doc.spans"],
)
def make_places(
    nlp: Language, name: str, spans_key: str, regions: str | None, extra: str | None
) -> PlaceMatcher:
    """Build the Indonesian place matcher (data paths default to the shipped files)."""
    return PlaceMatcher(
        nlp,
        spans_key=spans_key,
        regions=Path(regions) if regions else data_path("wilayah.csv.gz"),
        extra=Path(extra) if extra else data_path("places_extra.jsonl"),
    )


@cache
def load_regions(regions: Path, extra: Path) -> Regions:
    """The region table for these data files, read once per process."""
    return Regions(regions, extra)


class Regions:
    """The region table: names, levels, provinces and name lookups per level."""

    def __init__(self, regions: Path, extra: Path) -> None:
        self.name: dict[str, str] = {}
        self.level: dict[str, str] = {}
        self.by_key: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        with gzip.open(regions, "rt", encoding="utf-8", newline="") as f:
            rows = csv.reader(f)
            columns = next(rows)
            code, name, level = (columns.index(column) for column in ("code", "name", "level"))
            for row in rows:  # plain rows: csv.DictReader took a third of the load
                self.add(row[code], row[name], row[level])
        self.prefixes: dict[str, list[str]] = {}
        self.aliases: list[dict] = []
        self.needs_prefix: set[str] = set()
        self.blocked: set[str] = set()
        self._squeezed: dict[str, list[str]] | None = None
        for record in read_jsonl(extra):
            self.add_extra(record)

    def add(self, code: str, name: str, level: str) -> None:
        """Register one region under its name and its "/"-separated alternatives."""
        self.name[code] = name
        self.level[code] = level
        keys = self.by_key[level]
        for form in {name, *name.split("/")} if "/" in name else (name,):
            key = " ".join(form.lower().split())
            if key:
                keys[key].append(code)

    def add_extra(self, record: dict) -> None:
        """Register one hand-maintained record (see the module docstring for the types)."""
        kind = record["type"]
        if kind == "prefix":
            self.prefixes[record["text"]] = record["levels"]
        elif kind == "alias":
            self.aliases.append(record)
            key = " ".join(record["text"].lower().split())
            self.by_key[self.level[record["code"]]][key].append(record["code"])
        elif kind == "block":
            self.blocked.add(" ".join(record["text"].lower().split()))
        elif kind == "needs_prefix":
            self.needs_prefix.add(record["text"].lower())
        elif kind == "province_label":
            self.name[record["code"]] = record["label"]

    def lookup(self, key: str, levels: list[str]) -> list[str]:
        """Codes named ``key`` at the first of ``levels`` that has any."""
        for level in levels:
            codes = self.by_key[level].get(key)
            if codes:
                return list(dict.fromkeys(codes))
        return []

    def province(self, code: str) -> str:
        """Display name of the province a region lies in."""
        return self.name[code[:2]]

    def lookup_any(self, key: str, levels: tuple[str, ...] = ALL_LEVELS) -> list[str]:
        """Codes named ``key`` at any of ``levels``, also when written without spaces or hyphens
        ("Lubuklinggau" for "Lubuk Linggau") or without a leading "Kepulauan"."""
        codes = [c for level in levels for c in self.by_key[level].get(key, [])]
        if not codes:
            allowed = set(levels)
            codes = [c for c in self.squeezed().get(squeeze(key), []) if self.level[c] in allowed]
        return list(dict.fromkeys(codes))

    def squeezed(self) -> dict[str, list[str]]:
        """Codes by name without spaces and hyphens, plus regency names without "Kepulauan"."""
        if self._squeezed is None:
            index: dict[str, list[str]] = defaultdict(list)
            for level, names in self.by_key.items():
                for key, codes in names.items():
                    index[squeeze(key)].extend(codes)
                    if level == "regency" and key.startswith(ISLANDS_WORD):
                        index[squeeze(key[len(ISLANDS_WORD) :])].extend(codes)
            self._squeezed = dict(index)
        return self._squeezed


class PlaceMatcher:
    """Finds Indonesian region names and resolves them to region codes."""

    def __init__(self, nlp: Language, *, spans_key: str, regions: Path, extra: Path) -> None:
        self.spans_key = spans_key
        self.regions = load_regions(regions, extra)
        self.strings = nlp.vocab.strings
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.add_bare_patterns(nlp)

    def add_bare_patterns(self, nlp: Language) -> None:
        """Phrase patterns for province/regency/city names and aliases (match id = key)."""
        keys = {
            key
            for level in BARE_LEVELS
            for key in self.regions.by_key[level]
            if key not in self.regions.needs_prefix
        }
        exact = {a["text"] for a in self.regions.aliases if a.get("case_sensitive")}
        keys -= {e.lower() for e in exact}
        keys |= self.regions.blocked
        for key in sorted(keys):
            self.folded.add(key, [nlp.make_doc(key)])
        for text in sorted(exact):
            self.exact.add(text.lower(), [nlp.make_doc(text)])

    def __call__(self, doc: Doc) -> Doc:
        compact = CompactDoc.of(doc)
        found = self.prefixed(compact) + self.bare(compact)
        by_span = {(s.start, s.end): codes for s, codes in found}
        spans = [
            Span(doc, s.start, s.end, label="PLACE")
            for s in filter_spans([s for s, _ in found])
            if by_span[(s.start, s.end)]
        ]
        self.resolve(spans, [by_span[(s.start, s.end)] for s in spans])
        doc.spans[self.spans_key] = spans
        return doc

    def prefixed(self, compact: CompactDoc) -> list[tuple[Span, list[str]]]:
        """Names written after a prefix word ("Kabupaten", "Kec.", "Desa"...): any level."""
        found = []
        words = compact.doc
        for i, token in enumerate(words):
            levels = self.regions.prefixes.get(token.lower_)
            if levels is None:
                continue
            start = i + 1
            while start < len(words) and words[start].lower_ in SKIPPED_AFTER_PREFIX:
                start += 1
            if start >= len(words) or not words[start].text[0].isupper():
                continue
            match = self.longest_name(compact, start, levels)
            if match:
                end, codes = match
                found.append((compact.span(i, end), codes))
        return found

    def longest_name(
        self, compact: CompactDoc, start: int, levels: list[str]
    ) -> tuple[int, list[str]] | None:
        """The longest region name starting at compact token ``start``, with its codes."""
        limit = min(len(compact.doc), start + MAX_NAME_TOKENS)
        for end in range(limit, start, -1):
            if not compact.doc[end - 1].is_alpha and not compact.doc[end - 1].like_num:
                continue
            codes = self.regions.lookup(compact.key(start, end), levels)
            if codes:
                return end, codes
        return None

    def bare(self, compact: CompactDoc) -> list[tuple[Span, list[str]]]:
        """Capitalised province/regency/city names and aliases written without a prefix."""
        found = []
        for matcher, checked in ((self.folded, True), (self.exact, False)):
            for match_id, start, end in matcher(compact.doc):
                span = compact.span(start, end)
                if checked and not is_capitalised(span, SMALL_WORDS):
                    continue
                found.append((span, self.all_levels(self.strings[match_id])))
        return found

    def all_levels(self, key: str) -> list[str]:
        """Codes named ``key`` at every bare level (a name can be a province and a city)."""
        return [c for level in BARE_LEVELS for c in self.regions.by_key[level].get(key, [])]

    def resolve(self, spans: list[Span], candidates: list[list[str]]) -> None:
        """Rank each span's candidate codes using the regions named unambiguously nearby."""
        context = {codes[0] for codes in candidates if len(set(codes)) == 1}
        context |= {ancestor for code in context for ancestor in ancestors(code)}
        for span, codes in zip(spans, candidates, strict=True):
            set_region(span, self.regions, sorted(set(codes), key=lambda c: self.rank(c, context)))

    def rank(self, code: str, context: set[str]) -> tuple[int, int, int, str]:
        """Sort key: higher level, more named ancestors, city before regency, then code."""
        level = self.regions.level[code]
        named = sum(a in context for a in ancestors(code))
        return LEVEL_RANK[level], -named, level != "city", code


def squeeze(key: str) -> str:
    """A name key without spaces and hyphens ("lubuk linggau" -> "lubuklinggau")."""
    return key.replace(" ", "").replace("-", "")


def set_region(span: Span, regions: Regions, ranked: list[str]) -> None:
    """Write the best of the `ranked` region codes, and every candidate, onto `span`."""
    best = ranked[0]
    span._.region_code = best
    span._.region_level = regions.level[best]
    span._.region_name = regions.name[best]
    span._.province = regions.province(best)
    span._.candidates = ranked


def ancestors(code: str) -> list[str]:
    """Codes of the regions containing ``code`` ("32.01.05" -> ["32", "32.01"])."""
    parts = code.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts))]
