"""Clean-up of person candidates: what is not a person, NER edges, name prefixes, aliases.

- Not persons: ships ("MV Sea Star", "KM Bahari", "kapal bernama ..."), peoples and agencies
  ("Etnis X", "TPI X"), words covered by a country, place or organisation span, degrees
  ("S.H."), the outlet in a dateline ("MEDAN, Warta Kota -"), web addresses, and items of a
  country statistic ("Kamboja (3), Laos (2)").
- NER spans lose leading and trailing words that cannot be part of a name ("Kalbar Sutarno"
  -> "Sutarno", "Yohanes Pratama S.C.P." -> "Yohanes Pratama"); the names a NER span lists
  after it and the NER left out are read ("Liu Yang dan Yang Hua, warga negara Tiongkok").
- A Balinese name keeps its "I"/"Ni" ("I Made Wirawan").
- A short form of an official's or a foreigner's name ("Pratama" after "Yohanes Pratama") becomes
  an alias of the full name, so both mentions describe one person.
"""

from __future__ import annotations

import re

from extractors.nlp.people.context import Context
from extractors.nlp.people.named import closed_list, in_capitals
from extractors.nlp.people.names import (
    clean_name,
    in_headline,
    is_name_word,
    name_kind,
    trim,
    words_in,
)
from extractors.nlp.people.types import GROUP_SOURCES, OFFICIAL_SOURCES, Candidate

DATELINE_BEFORE = re.compile(r"(?:\A|\n)[ \t]*[A-Z][A-Z .'-]{2,40},[ \t]*\Z")
DATELINE_AFTER = re.compile(r"[ \t]*(?:[-–—]|\r?\n|\Z)")
WEB_ADDRESS = re.compile(r"\.(?:com|co\.id|id|net|org|news)\b", re.IGNORECASE)
DATELINE_REACH = 200  # characters from a line start where a dateline can stand
VESSEL_REACH = 40
MAX_EXTEND_WORDS = 3
GLUED_BEFORE = re.compile(r"(?<![\w.])([A-Z][a-z]{2,})\.\Z")
# A first name left out after a comma or "dan": "warga Rusia, Ivan Petrov" -> "Ivan Petrov".
LISTED_BEFORE = re.compile(r"(?:,|\bdan|\bserta)[ \t]+([A-Z][a-z]{2,}) \Z|(?<=[ \t])([A-Z]\.) \Z")
NEXT_WORD = re.compile(r" ([A-Z][a-z]{2,}(?:-[A-Z]?[a-z]+)?)(?![\w]|\.\w)")


def refine_candidates(ctx: Context, candidates: list[Candidate]) -> list[Candidate]:
    """Trim NER spans, read the names listed after them, extend Balinese prefixes and drop
    what is not a person."""
    stats = ctx.statistic_spans
    out = []
    queue = list(candidates)
    listed: set[int] = set()
    for cand in queue:  # the names listed after a NER span join the queue
        if cand.source == "ner" and id(cand) not in listed:
            if not trim_ner(ctx, cand):
                continue
            after = names_listed_after(ctx, cand)
            listed.update(id(c) for c in after)
            queue += after
        if cand.source in ("group", "statistic"):
            out.append(cand)
            continue
        extend_prefix(ctx, cand)
        if cand.source not in OFFICIAL_SOURCES and not_a_person(ctx, cand, stats):
            continue
        if cand.source in OFFICIAL_SOURCES and is_place_word(ctx, cand):
            continue  # "Camat Sipora Utara, Tuapejat": the office's village, not its head
        out.append(cand)
    return out


def trim_ner(ctx: Context, cand: Candidate) -> bool:
    """Cut a NER span to its name words; False when nothing of a name is left."""
    words = words_in(ctx, cand.start, cand.end)
    if words and is_prefix(ctx, words[0][2]):
        return False  # "Etnis Rohingya", "MV Sea Star"
    for i, (_, _, w) in enumerate(words):
        if ctx.cues.degree.fullmatch(w) and i > 0:
            words = words[:i]  # degrees end the name
            break
    while words and not edge_word(ctx, *words[0]):
        words = words[1:]
    while words and not edge_word(ctx, *words[-1]):
        words = words[:-1]
    if not words:
        return False
    run = trim(ctx, (words[0][0], words[-1][1]))
    if run is None:
        return False
    if len(words) == 1 and words[0][2].isupper() and cand.end - cand.start > len(words[0][2]) + 1:
        return False  # "AJUN" left of an upper-case rank line is no one's initials
    cand.start, cand.end = run
    extend_ner(ctx, cand)
    return True


def extend_ner(ctx: Context, cand: Candidate) -> None:
    """Grow a NER span over name words it left out on its line.

    "Aya Murad" in "Aya Murad Karim Salem," becomes the whole name, and a first name glued by
    a stray full stop ("Wijdan.Haleem"), after a comma or "dan", or as an initial ("M.") is
    kept.
    """
    if in_headline(ctx, cand.start):
        return  # every word of a headline is capitalised
    start = word_before(ctx, cand.start)
    if start is not None:
        cand.start = start
    for _ in range(MAX_EXTEND_WORDS):
        m = NEXT_WORD.match(ctx.text, cand.end)
        if not m or not is_name_word(ctx, m.group(1), m.start(1), m.end(1)):
            break
        if ctx.cues.degree.fullmatch(m.group(1)) or is_prefix(ctx, m.group(1)):
            break
        cand.end = m.end(1)


def names_listed_after(ctx: Context, cand: Candidate) -> list[Candidate]:
    """The names a NER span lists after it that the NER left out ("Liu Yang dan Yang Hua,
    warga negara Tiongkok"), when they close the list as ``named.closed_list`` reads it; a
    headline or a line in capitals, where every word is capitalised, lists no one this way."""
    if in_headline(ctx, cand.start) or in_capitals(ctx, cand.start):
        return []
    listed = closed_list(ctx, (cand.start, cand.end), "ner")[1:]
    return [Candidate(c.start, c.end, "ner") for c in listed]


def edge_word(ctx: Context, start: int, end: int, word: str) -> bool:
    """True for a word that may start or end a name."""
    bare = word.strip(",;:()\"'“”")
    if not bare or not bare[0].isupper() or ctx.cues.degree.fullmatch(bare):
        return False
    return is_name_word(ctx, bare, start, end)


def extend_prefix(ctx: Context, cand: Candidate) -> None:
    """Include a Balinese "I"/"Ni" written before a birth-order name ("I Putu ...")."""
    first = ctx.text[cand.start : cand.end].split(maxsplit=1)[0]
    if first.lower() not in ctx.cues.folded["name_prefix_next"]:
        return
    m = re.search(r"(?<![\w.])(I|Ni)[ \t]+\Z", ctx.text[max(0, cand.start - 4) : cand.start])
    if m:
        cand.start -= len(m.group())


def word_before(ctx: Context, pos: int) -> int | None:
    """Start of a name word a NER span left out right before ``pos``, if any."""
    m = GLUED_BEFORE.search(ctx.text, max(0, pos - 20), pos)
    m = m or LISTED_BEFORE.search(ctx.text, max(0, pos - 30), pos)
    if m is None:
        return None
    group = m.lastindex or 1
    word = m.group(group)
    if not is_name_word(ctx, word, *m.span(group)) or is_prefix(ctx, word):
        return None
    return m.start(group)


def not_a_person(ctx: Context, cand: Candidate, stats: list[tuple[int, int]]) -> bool:
    """True for ships, peoples, agencies, outlets, countries and statistic items."""
    text = ctx.text[cand.start : cand.end]
    words = text.split()
    if len(words) > 1 and is_prefix(ctx, words[0]):
        return True
    if name_kind(ctx, cand) != "initials" and all_covered(ctx, cand):
        return True
    if ("." in text and ctx.cues.degree.fullmatch(text)) or WEB_ADDRESS.search(text):
        return True
    if len(words) == 1 and words[0].lower() in ctx.place_words:
        return True  # "Entikong" where "Kecamatan Entikong" is a place
    if any(s <= cand.start and cand.end <= e for s, e in stats):
        return True
    return is_vessel(ctx, cand) or is_dateline_outlet(ctx, cand)


def is_place_word(ctx: Context, cand: Candidate) -> bool:
    """A one-word candidate that the document names as a place elsewhere."""
    words = ctx.text[cand.start : cand.end].split()
    return len(words) == 1 and words[0].lower() in ctx.place_words


def is_prefix(ctx: Context, word: str) -> bool:
    """True for a word that makes the following name a ship, people or agency."""
    prefixes = ctx.cues.lists["not_person_prefix"]
    folded = ctx.cues.folded["not_person_prefix"]
    return word in prefixes or (not word.isupper() and word.lower() in folded)


def all_covered(ctx: Context, cand: Candidate) -> bool:
    """True when every word of the candidate lies inside a country, place or organisation."""
    return all(ctx.is_covered(s, e) for s, e, _ in words_in(ctx, cand.start, cand.end))


def is_vessel(ctx: Context, cand: Candidate) -> bool:
    """True for a name written right after a ship word ("kapal bernama ...", "MV ...")."""
    before = ctx.text[max(ctx.scope(cand.start)[0], cand.start - VESSEL_REACH) : cand.start]
    return ctx.cues.vessel_before.search(before) is not None


def is_dateline_outlet(ctx: Context, cand: Candidate) -> bool:
    """True for the outlet after an ALL-CAPS dateline place: "MANGUPURA, WartaBali"."""
    line_start = ctx.text.rfind("\n", 0, cand.start) + 1
    if cand.start - line_start > DATELINE_REACH:
        return False
    before = ctx.text[max(0, line_start - 1) : cand.start]
    return bool(DATELINE_BEFORE.search(before) and DATELINE_AFTER.match(ctx.text, cand.end))


def link_aliases(ctx: Context, kept: list[Candidate]) -> None:
    """Record short forms of a name ("Pratama" after "Yohanes Pratama") as aliases of it.

    Officials are linked to officials and foreigners to foreigners; initials only match
    themselves and are left alone.
    """
    for role in ("official", "foreign_national"):
        people = [
            c
            for c in kept
            if c.role == role and c.source not in GROUP_SOURCES and name_kind(ctx, c) != "initials"
        ]
        names = {id(c): clean_name(ctx, c) for c in people}
        for cand in people:
            words = set(names[id(cand)].lower().split())
            fuller = [
                o
                for o in people
                if len(names[id(o)].split()) > len(words)
                and words <= set(names[id(o)].lower().split())
            ]
            if fuller:
                full = max(fuller, key=lambda o: len(names[id(o)]))
                add_alias(cand, names[id(full)])
                add_alias(full, names[id(cand)])


def add_alias(cand: Candidate, name: str) -> None:
    """Append an alias once."""
    if name not in cand.aliases:
        cand.aliases.append(name)
