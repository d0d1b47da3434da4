"""Place mentions beyond bare region names: completes ``doc.spans["place"]`` after the NER.

Runs after ``pantau_places`` and the NER (it reads the LOC entities and the country spans).
Word lists live in ``data/place_words.jsonl``: ``head`` (words that start a named place such
as "Bandara", "Hotel", "Jalan", "Pulau", "PLBN"; ``road`` heads stop before a region prefix
word), ``suffix_head`` ("Resort" in an NER entity), ``stop`` (words that end a name, such as
"Nomor"), ``title`` (official titles followed by a district or village: "Camat", "Lurah"),
``not_place`` (continents and areas abroad), ``stem_stop`` (ordinary words that are also
the stem of region names) and ``link`` (words between a place and the region it sits in:
"di", "yang berlokasi di"). It adds, as non-overlapping spans:

- named places after a head word: ``region_level`` "place", no code, and the province of a
  region named inside the name or right after it ("Hotel Melati Kupang", "Pelabuhan Tenau,
  Kupang", "Hotel X di Kecamatan Y"); a name that is itself a region of the document's
  regencies stays a region;
- districts and villages written without their prefix word when the context makes them
  places: an NER LOC entity, an official's title, a district of a regency or city named in the
  document, an address ("Renon, Denpasar": a part of the region after the comma), a news
  dateline ("MATARAM, Outlet -") or a letter's place-and-date line ("Tanjung, 2 Mei 2026");
- island and area names that several regions share as their stem ("Lombok" for "Lombok
  Barat", "Lombok Utara"...) and names after a region prefix missing from the gazetteer
  ("Gampong X") as places.

Bare district and village names are accepted only under a regency or city named in the
document, as many of them are ordinary words. Countries and continents are never places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.nlp.gazetteer import data_path, read_jsonl
from extractors.nlp.place_text import Lines, is_number
from extractors.nlp.places import LEVEL_RANK, Regions, ancestors, load_regions, set_region

PRIORITY_HEAD = 0  # head-word places, titled names, regions extending a shorter match
PRIORITY_REGION = 1  # spans already found by pantau_places
PRIORITY_CUED = 2  # NER, titles, context districts, addresses, datelines
PRIORITY_WEAK = 3  # region-prefixed names missing from the gazetteer, stems
MAX_NAME_TOKENS = 8
MAX_DATELINE_LINES = 6
MAX_LINK_TOKENS = 4  # words between a place and the region it sits in
DASHES = frozenset({"-", "–", "—", "--", "---"})
DATELINE_SEPARATORS = DASHES | {",", "("}
OUTLET_ENDS = DASHES | {","}
# Words that end the names of news outlets written as one word in a dateline.
OUTLET_NAME = re.compile(r"(?:news|online|post|pos|times|tv|com|id|daily|today)$")
LINKS_ABROAD = frozenset({"di", ",", "(", "-", "–"})
DIRECTIONS = re.compile(
    r" (utara|selatan|barat|timur|tengah|tenggara|barat daya|barat laut|timur laut|raya"
    r"|bagian (?:utara|selatan|barat|timur))$"
)
NAMING_LEVELS = ("province", "city", "regency", "district")


@Language.factory(
    "pantau_place_mentions",
    default_config={
        "spans_key": "place",
        "countries_key": "country",
        "regions": None,
        "extra": None,
        "words": None,
    },
    assigns=["doc.spans"],
)
def make_place_mentions(
    nlp: Language,
    name: str,
    spans_key: str,
    countries_key: str,
    regions: str | None,
    extra: str | None,
    words: str | None,
) -> PlaceMentions:
    """Build the place-mention finder (data paths default to the shipped files)."""
    return PlaceMentions(
        nlp,
        spans_key=spans_key,
        countries_key=countries_key,
        regions=Path(regions) if regions else data_path("wilayah.csv.gz"),
        extra=Path(extra) if extra else data_path("places_extra.jsonl"),
        words=Path(words) if words else data_path("place_words.jsonl"),
    )


@dataclass
class Found:
    """A candidate place: its span, region codes (None for a non-region place), priority."""

    span: Span
    codes: list[str] | None
    priority: int
    existing: bool = False
    province: str | None = None
    inside: list[Found] = field(default_factory=list)

    @property
    def size(self) -> int:
        return self.span.end - self.span.start


class PlaceMentions:
    """Finds named places, unprefixed districts and villages, datelines and island names."""

    def __init__(
        self,
        nlp: Language,
        *,
        spans_key: str,
        countries_key: str,
        regions: Path,
        extra: Path,
        words: Path,
    ) -> None:
        self.spans_key = spans_key
        self.countries_key = countries_key
        self.regions = load_regions(regions, extra)
        records = list(read_jsonl(words))
        by_type: dict[str, list[dict]] = {}
        for record in records:
            by_type.setdefault(record["type"], []).append(record)
        self.heads = {r["text"]: bool(r.get("road")) for r in by_type.get("head", [])}
        self.acronyms = frozenset(r["text"] for r in by_type.get("head", []) if r.get("acronym"))
        self.not_before = {
            r["text"]: frozenset(r.get("not_before", [])) for r in by_type.get("head", [])
        }
        self.not_after = {
            r["text"]: frozenset(r.get("not_after", [])) for r in by_type.get("head", [])
        }
        self.suffix_heads = frozenset(r["text"] for r in by_type.get("suffix_head", []))
        self.stops = frozenset(r["text"] for r in by_type.get("stop", []))
        self.titles = {tuple(r["text"].split()): r["levels"] for r in by_type.get("title", [])}
        self.title_starts = frozenset(words[0] for words in self.titles)
        self.not_places = frozenset(r["text"] for r in by_type.get("not_place", []))
        self.links = frozenset(r["text"] for r in by_type.get("link", []))
        # Police and military ranks: an entity that opens with one is a person
        # ("IPTU HENDRA WATUNG" above an NRP), never a place.
        self.ranks = frozenset(
            phrase.lower()
            for record in read_jsonl(data_path("people_cues.jsonl"))
            if record.get("kind") == "rank"
            for phrase in record["phrases"]
            if " " not in phrase
        )
        self.region_prefixes = {
            word: levels for word, levels in self.regions.prefixes.items() if levels != ["province"]
        }
        self.calendar = read_calendar(data_path("date_words.jsonl"))
        self.countries = frozenset(
            " ".join(r["name"].lower().split())
            for r in read_jsonl(data_path("countries.jsonl"))
            if r.get("code")
        )
        stem_stops = frozenset(r["text"] for r in by_type.get("stem_stop", []))
        self.stems = build_stems(self.regions, stem_stops)

    def __call__(self, doc: Doc) -> Doc:
        compact = Lines(doc)
        existing = [
            Found(s, s._.candidates or [], PRIORITY_REGION, existing=True)
            for s in doc.spans.get(self.spans_key, [])
        ]
        context = context_codes(existing)
        found = existing + self.head_places(compact, context)
        found += self.titled(compact, context)
        found += self.matched(compact, context)
        found += self.datelines(compact, context)
        found += self.ner_places(doc, existing, context)
        found = self.without_countries(doc, found)
        found = self.without_places_abroad(doc, found)
        promote_extensions(found)
        chosen = select(found)
        chosen = self.addresses(compact, chosen)
        doc.spans[self.spans_key] = [self.finish(doc, f, found, chosen, context) for f in chosen]
        return doc

    # --- named places after a head word -------------------------------------------------

    def head_places(self, compact: Lines, context: set[str]) -> list[Found]:
        """Names after a head word ("Bandara X", "Hotel X") or an unknown region prefix."""
        found = []
        i = 0
        while i < len(compact):
            lower = compact.lower[i]
            is_head = (
                lower in self.heads
                and self.head_case(compact, i)
                and not (i > 0 and compact.lower[i - 1] in self.not_after[lower])
                and not (i + 1 < len(compact) and compact.lower[i + 1] in self.not_before[lower])
            )
            is_prefix = lower in self.region_prefixes and compact.is_title_word(i)
            end = None
            if is_head or is_prefix:
                end = self.name_end(compact, i, road=self.heads.get(lower, True))
            if end is None:
                i += 1
                continue
            if is_prefix:
                levels = tuple(self.region_prefixes[lower])
                codes = self.regions.lookup_any(compact.key(i + 1, end), levels)
            else:
                codes = self.regions.lookup_any(compact.key(i, end))
            codes = [c for c in codes if supported(c, context)]
            span = compact.span(i, end)
            if codes:
                found.append(Found(span, codes, PRIORITY_CUED))
            else:
                found.append(Found(span, None, PRIORITY_HEAD if is_head else PRIORITY_WEAK))
            i = end
        return found

    def head_case(self, compact: Lines, i: int) -> bool:
        """A head word as it starts a name: capitalised, and all capitals only for acronyms,
        as letterheads write whole lines in capitals ("KEPOLISIAN RESOR ...")."""
        if compact.lower[i] in self.acronyms:
            return compact.upper[i]
        return compact.is_title_word(i)

    def name_end(self, compact: Lines, head: int, *, road: bool) -> int | None:
        """End (exclusive) of the capitalised name after the head word at ``head``."""
        i = head + 1
        if i < len(compact) and compact.text[i] == ".":
            i += 1
        end = None
        limit = min(len(compact), i + MAX_NAME_TOKENS)
        while i < limit and not compact.starts_paragraph(i):
            lower = compact.lower[i]
            if lower in self.stops or (road and lower in self.region_prefixes and end):
                break
            if compact.is_name_word(i):
                end = i + 1
            elif lower == "-" and end == i and compact.joined[i] and i + 1 < limit:
                if not compact.alpha[i + 1]:
                    break
                end = i + 2
                i += 1
            elif lower == "(" and end == i and is_acronym_aside(compact, i):
                i += 2
            else:
                break
            i += 1
        if end is None or not any(compact.alpha[head + 1 : end]):
            return None
        return self.without_province(compact, head, end)

    def without_province(self, compact: Lines, head: int, end: int) -> int:
        """``end`` moved before a trailing province name ("Perairan Selat X Banten")."""
        for size in (3, 2, 1):
            cut = end - size
            if cut <= head + 1 or not any(compact.alpha[head + 1 : cut]):
                continue
            if compact.key(cut, end) in self.regions.by_key["province"]:
                return cut
        return end

    # --- districts and villages from their context ------------------------------------

    def titled(self, compact: Lines, context: set[str]) -> list[Found]:
        """The district or village after an official's title ("Camat X", "Kepala Desa X")."""
        found = []
        for i, lower in enumerate(compact.lower):
            if lower not in self.title_starts or not compact.capital[i]:
                continue
            for size in (2, 1):
                levels = self.titles.get(tuple(compact.lower[i : i + size]))
                if levels is None:
                    continue
                match = self.longest_region(compact, i + size, tuple(levels), context)
                if match:
                    match.priority = PRIORITY_HEAD  # the title says which level the name is
                    found.append(match)
                break
        return found

    def longest_region(
        self, compact: Lines, start: int, levels: tuple[str, ...], context: set[str]
    ) -> Found | None:
        """The longest capitalised region name at ``start`` with a code under ``context``."""
        if start >= len(compact) or not compact.is_name_word(start):
            return None
        limit = start
        while limit < min(len(compact), start + 5) and (
            compact.is_name_word(limit) or compact.text[limit] == "-"
        ):
            limit += 1
        for end in range(limit, start, -1):
            codes = self.regions.lookup_any(compact.key(start, end), levels)
            codes = [c for c in codes if supported(c, context)]
            if codes:
                return Found(compact.span(start, end), codes, PRIORITY_CUED)
        return None

    def matched(self, compact: Lines, context: set[str]) -> list[Found]:
        """Standalone capitalised names: districts of a named regency or city, island stems."""
        found = []
        for start, end in compact.title_runs():
            options = [(start, end)]
            if compact.starts_sentence(start) and end - start > 1:
                options.append((start + 1, end))
            elif compact.starts_sentence(start) and followed_by_word(compact, end):
                continue  # a capitalised first word is often an ordinary word ("Pemenang lomba")
            for first, last in options:
                match = self.run_place(compact, first, last, context)
                if match:
                    found.append(match)
                    break
        return found

    def run_place(self, compact: Lines, start: int, end: int, context: set[str]) -> Found | None:
        """A capitalised run as an island stem or a district under a named regency or city."""
        if end - start > 3:
            return None
        key = compact.key(start, end)
        if key in self.stems:
            return Found(compact.span(start, end), None, PRIORITY_WEAK, province=self.stems[key])
        codes = [c for c in self.regions.lookup_any(key, ("district",)) if c[:5] in context]
        return Found(compact.span(start, end), codes, PRIORITY_CUED) if codes else None

    def datelines(self, compact: Lines, context: set[str]) -> list[Found]:
        """The place of a news dateline and of letters' place-and-date lines."""
        found: list[Found] = []
        for number, start in enumerate(compact.line_starts):
            match = self.place_date(compact, start)
            if match is None and number < MAX_DATELINE_LINES and not found:
                match = self.dateline(compact, start)
            if match:
                found.append(match)
        return found

    def dateline(self, compact: Lines, start: int) -> Found | None:
        """The dateline place: "MATARAM, Outlet -", "Outlet.com, KUPANG -", "Blitar (X) -"."""
        text = compact.text
        if start + 2 < len(compact) and "." in text[start] and text[start + 1] in OUTLET_ENDS:
            start += 2
        end = name_end(compact, start)
        if end == start or end >= len(compact) or text[end] not in DATELINE_SEPARATORS:
            return None
        if end in compact.breaks:
            return None  # a heading over a line that opens with "(": "(Tersangka)"
        if compact.lower[start] in self.calendar or not outlet_follows(compact, end):
            return None
        if compact.lower[start].rstrip(".") in self.ranks:
            return None  # "IPDA NAME, S.H." above an NRP: a signature, not a dateline
        key = compact.key(start, end)
        if key in self.countries or key in self.not_places:
            return None
        codes = self.regions.lookup_any(key)
        if codes:
            return Found(compact.span(start, end), codes, PRIORITY_CUED)
        if OUTLET_NAME.search(key):
            return None  # the outlet's own name ("WARTANEWS-"), not a place
        if all(compact.upper[i] for i in range(start, end) if compact.alpha[i]):
            return Found(compact.span(start, end), None, PRIORITY_CUED)
        return None

    def place_date(self, compact: Lines, start: int) -> Found | None:
        """The place a letter or minutes were signed: "Tanjung, 21 Oktober 2026"."""
        end = name_end(compact, start)
        tail = compact.text[end : end + 4]
        if end == start or len(tail) < 4 or tail[0] != ",":
            return None
        if compact.lower[start] in self.calendar:
            return None
        if not (is_number(tail[1]) and tail[2].lower() in self.calendar and is_number(tail[3])):
            return None
        codes = self.regions.lookup_any(compact.key(start, end))
        return Found(compact.span(start, end), codes, PRIORITY_CUED) if codes else None

    def ner_places(self, doc: Doc, existing: list[Found], context: set[str]) -> list[Found]:
        """NER LOC entities that are regions at any level, island stems or headed names."""
        found = []
        covering: dict[int, list[Found]] = {}  # token index -> places over it
        starting: dict[int, list[Found]] = {}  # token index -> places that start there
        for f in existing:
            starting.setdefault(f.span.start, []).append(f)
            for i in range(f.span.start, f.span.end):
                covering.setdefault(i, []).append(f)
        for ent in doc.ents:
            if ent.label_ != "LOC":
                continue
            span = self.trim(ent)
            if span is None or span[0].lower_.rstrip(".") in self.ranks:
                continue
            over = {id(f): f for i in range(span.start, span.end) for f in covering.get(i, ())}
            if over:
                match = self.ner_extension(span, [f.span for f in over.values()])
            else:
                after = starting.get(span.end + 1, [])
                match = self.ner_place(span, context) or self.placed_before_region(span, after)
            if match:
                found.append(match)
        return found

    def placed_before_region(self, span: Span, after_comma: list[Found]) -> Found | None:
        """An NER place the gazetteer does not know, written before its region after a comma
        ("vila di Singaraja, Bali"): a place in that region's province."""
        comma = span.end
        if comma + 1 >= len(span.doc) or span.doc[comma].text != ",":
            return None
        if fold(span.text) in self.countries or fold(span.text) in self.not_places:
            return None
        for region in after_comma:
            if region.span.start == comma + 1 and region.codes:
                return Found(span, None, PRIORITY_WEAK, province=best_code(region)[:2])
        return None

    def ner_extension(self, span: Span, overlapping: list[Span]) -> Found | None:
        """An entity ending in a place word that contains a region: "Malang Resort"."""
        inside = all(span.start <= o.start and o.end <= span.end for o in overlapping)
        if inside and span[-1].lower_ in self.suffix_heads and len(span) > 1:
            return Found(span, None, PRIORITY_HEAD)
        return None

    def ner_place(self, span: Span, context: set[str]) -> Found | None:
        """One trimmed NER LOC entity as a region, a stem place or a headed place."""
        key = fold(span.text)
        if key in self.countries or key in self.not_places or key in self.regions.needs_prefix:
            return None
        levels = tuple(self.region_prefixes.get(span[0].lower_, ()))
        name = fold(span[1:].text) if levels and len(span) > 1 else key
        codes = self.regions.lookup_any(name, levels) if levels else self.regions.lookup_any(key)
        codes = [c for c in codes if supported(c, context)]
        if codes:
            return Found(span, codes, PRIORITY_CUED)
        if key in self.stems:
            return Found(span, None, PRIORITY_WEAK, province=self.stems[key])
        if levels or span[-1].lower_ in self.suffix_heads:
            return Found(span, None, PRIORITY_WEAK)
        return None

    def trim(self, ent: Span) -> Span | None:
        """The entity without leading lower-case words or titles and trailing punctuation."""
        start, end = ent.start, ent.end
        doc = ent.doc
        while start < end and (
            not doc[start].text[0].isupper() or (doc[start].lower_,) in self.titles
        ):
            start += 1
        while end > start and not (doc[end - 1].is_alpha or doc[end - 1].like_num):
            end -= 1
        if start >= end or any(t.is_space for t in doc[start:end]):
            return None
        return doc[start:end]

    def addresses(self, compact: Lines, chosen: list[Found]) -> list[Found]:
        """Villages and districts written before their parent region: "Renon, Denpasar"."""
        position = {t: i for i, t in enumerate(compact.index)}
        taken = {i for f in chosen for i in range(f.span.start, f.span.end)}
        work = [f for f in chosen if f.codes]
        added = []
        while work:
            parent = work.pop()
            comma = position.get(parent.span.start, 0) - 1
            if comma < 1 or compact.text[comma] != ",":
                continue
            match = self.child_before(compact, comma, parent.codes or [], taken)
            if match:
                taken.update(range(match.span.start, match.span.end))
                added.append(match)
                work.append(match)
        return sorted(chosen + added, key=lambda f: f.span.start)

    def child_before(
        self, compact: Lines, comma: int, parents: list[str], taken: set[int]
    ) -> Found | None:
        """The district or village ending right before ``comma`` that lies in ``parents``."""
        for start in range(max(0, comma - 4), comma):
            if not all(compact.is_name_word(i) for i in range(start, comma)):
                continue
            span = compact.span(start, comma)
            if any(i in taken for i in range(span.start, span.end)):
                return None
            codes = [
                c
                for c in self.regions.lookup_any(compact.key(start, comma), ("district", "village"))
                if any(c.startswith(p + ".") for p in parents)
            ]
            if codes:
                return Found(span, codes, PRIORITY_CUED)
        return None

    def without_places_abroad(self, doc: Doc, found: list[Found]) -> list[Found]:
        """Drop non-region places followed by a country: "Pulau X di Singapura"."""
        starts = {s.start for s in doc.spans.get(self.countries_key, [])}
        if not starts:
            return found
        return [f for f in found if f.codes is not None or not country_follows(f.span, starts)]

    def without_countries(self, doc: Doc, found: list[Found]) -> list[Found]:
        """Drop new candidates that overlap a country mention."""
        countries = {
            i for s in doc.spans.get(self.countries_key, []) for i in range(s.start, s.end)
        }
        return [
            f
            for f in found
            if f.existing or not any(i in countries for i in range(f.span.start, f.span.end))
        ]

    # --- output ----------------------------------------------------------------------------

    def finish(
        self, doc: Doc, chosen: Found, found: list[Found], kept: list[Found], context: set[str]
    ) -> Span:
        """The output span of one chosen candidate, with its region attributes."""
        if chosen.existing:
            return chosen.span
        span = Span(doc, chosen.span.start, chosen.span.end, label="PLACE")
        if chosen.codes:
            ranked = sorted(set(chosen.codes), key=lambda c: rank(self.regions, c, context))
            set_region(span, self.regions, ranked)
            return span
        span._.region_code = None
        span._.region_level = "place"
        span._.region_name = " ".join(span.text.split())
        province = self.place_province(chosen, found, kept, context)
        span._.province = self.regions.name.get(province) if province else None
        span._.candidates = []
        return span

    def place_province(
        self, place: Found, found: list[Found], kept: list[Found], context: set[str]
    ) -> str | None:
        """Province code of the region the place is said to sit in (right after it), else of a
        region named inside it, or its stem: in "Banjar Tegal, Desa Pererenan" the village
        after the comma tells the province, not the city that shares the name's last word."""
        start, end = place.span.start, place.span.end
        inside = [f for f in found if f.codes and start <= f.span.start and f.span.end <= end]
        after = [f for f in kept if f.codes and f.span.start in self.region_starts(place.span)]
        for candidate in sorted(after, key=lambda f: f.span.start):
            return best_code(candidate)[:2]
        for candidate in sorted(inside, key=lambda f: -f.span.start):
            return best_code(candidate)[:2]
        named = self.named_at_end(place.span, context)
        if named:
            return named
        return place.province

    def region_starts(self, span: Span) -> set[int]:
        """Token indexes where the region a place sits in may start: right after it, after a
        comma, or after linking words ("Hotel X di Kecamatan Y", "Vila X yang berlokasi di Y")."""
        doc = span.doc
        starts = {span.end}
        i = span.end
        while i < len(doc) and i - span.end < MAX_LINK_TOKENS:
            if not doc[i].is_space and doc[i].lower_ not in self.links and doc[i].text != ",":
                break
            i += 1
            starts.add(i)
        return starts

    def named_at_end(self, span: Span, context: set[str]) -> str | None:
        """Province code of a region (down to a district of a named regency) or island stem
        that ends a place name ("Balai X Idi Rayeuk"); none for phrases such as "Selat Malaka"."""
        if fold(span.text) in self.regions.blocked:
            return None
        for size in (3, 2, 1):
            key = fold(span[len(span) - size :].text) if size < len(span) else ""
            if not key or key in self.regions.needs_prefix:
                continue
            codes = [
                c for c in self.regions.lookup_any(key, NAMING_LEVELS) if supported(c, context)
            ]
            if codes:
                return min(codes, key=lambda c: rank(self.regions, c, context))[:2]
            if self.stems.get(key):
                return self.stems[key]
        return None


def select(found: list[Found]) -> list[Found]:
    """Non-overlapping candidates: higher priority first, then longer, then earlier."""
    taken: set[int] = set()
    chosen = []
    for f in sorted(found, key=lambda f: (f.priority, -f.size, f.span.start)):
        tokens = range(f.span.start, f.span.end)
        if any(i in taken for i in tokens):
            continue
        taken.update(tokens)
        chosen.append(f)
    return sorted(chosen, key=lambda f: f.span.start)


def promote_extensions(found: list[Found]) -> None:
    """A region or headed place that strictly contains a known region wins over it."""
    known = [f for f in found if f.existing]
    for f in found:
        if f.existing or f.priority == PRIORITY_HEAD:
            continue
        if f.codes and any(
            f.span.start <= k.span.start and k.span.end <= f.span.end and f.size > k.size
            for k in known
        ):
            f.priority = PRIORITY_HEAD


def context_codes(existing: list[Found]) -> set[str]:
    """Codes of the regions named in the document, with their ancestors."""
    codes = {c for f in existing for c in (f.codes or [])[:3]}
    return codes | {a for c in codes for a in ancestors(c)}


def supported(code: str, context: set[str]) -> bool:
    """True for provinces, regencies and cities, and for districts and villages whose
    regency, city or district is named in the document."""
    parts = code.count(".")
    return parts < 2 or any(a in context for a in ancestors(code)[1:])


def rank(regions: Regions, code: str, context: set[str]) -> tuple[int, int, int, bool, str]:
    """Sort key for a new span's codes: named in context, higher level, city before regency."""
    level = regions.level[code]
    named = sum(a in context for a in ancestors(code))
    return -min(named, 2), LEVEL_RANK[level], -named, level != "city", code


def best_code(found: Found) -> str:
    """The first candidate code of a region candidate."""
    if found.existing and found.span._.region_code:
        return str(found.span._.region_code)
    return (found.codes or [""])[0]


def build_stems(regions: Regions, stops: frozenset[str]) -> dict[str, str | None]:
    """Names shared as a stem by regency, city or district names ("lombok" from "lombok
    barat"), which are not themselves region names, with their province when it is unique."""
    provinces: dict[str, set[str]] = {}
    for level in ("regency", "city", "district"):
        for key, codes in regions.by_key[level].items():
            match = DIRECTIONS.search(key)
            if match:
                provinces.setdefault(key[: match.start()], set()).update(c[:2] for c in codes)
    named = {
        k for level in ("province", "regency", "city", "district") for k in regions.by_key[level]
    }
    return {
        stem: (next(iter(codes)) if len(codes) == 1 else None)
        for stem, codes in provinces.items()
        if stem not in named and stem not in stops and stem.replace(" ", "").isalpha()
    }


def read_calendar(path: Path) -> frozenset[str]:
    """Month and weekday spellings from ``date_words.jsonl``."""
    return frozenset(
        form
        for record in read_jsonl(path)
        if record["kind"] in ("month", "weekday")
        for form in record["forms"]
    )


def fold(text: str) -> str:
    """Lower-cased text with whitespace folded (the gazetteer key form)."""
    return " ".join(text.lower().split())


def is_acronym_aside(compact: Lines, i: int) -> bool:
    """True for "(PLBN)" followed by a capitalised word, as in "Pos Lintas Batas (PLBN) X"."""
    return (
        i + 3 < len(compact)
        and compact.upper[i + 1]
        and compact.text[i + 2] == ")"
        and compact.is_name_word(i + 3)
    )


def country_follows(span: Span, country_starts: set[int]) -> bool:
    """True when a country mention follows ``span`` after at most "di", "," or "(" ."""
    i = span.end
    doc = span.doc
    while i < len(doc) and i - span.end < 3 and (doc[i].is_space or doc[i].lower_ in LINKS_ABROAD):
        i += 1
    return i in country_starts


def followed_by_word(compact: Lines, end: int) -> bool:
    """True when a word follows on the same line (not a colon, comma, number or line end)."""
    return end < len(compact) and compact.alpha[end] and not compact.starts_line(end)


def name_end(compact: Lines, start: int) -> int:
    """End of a name of up to three capitalised words at ``start`` (``start`` if none)."""
    end = start
    while end < min(len(compact), start + 3) and compact.is_name_word(end):
        end += 1
    return end


def outlet_follows(compact: Lines, separator: int) -> bool:
    """True when a dateline separator is followed by an outlet name and a dash or line end."""
    if compact.text[separator] in DASHES:
        return True
    for i in range(separator + 1, min(len(compact), separator + 6)):
        if compact.starts_line(i) or compact.text[i] in DASHES:
            return i > separator + 1
        if is_number(compact.text[i]):
            return False
    return False
