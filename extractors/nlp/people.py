"""People: ``doc.spans["person"]``, each a foreign national, an official or another person.

Data: ``data/people_cues.jsonl`` (one record per cue kind: official titles, ranks, honorifics,
degrees, name introducers, bylines, foreigner nouns, nationality cues, phrases that make a
country a passport issuer or destination, words of doubt, stop words) and
``data/numbers_id.jsonl`` (Indonesian number words and how they combine).

Names come from the NER (``doc.ents`` PERSON) when present and from rules: initials with an
age ("ZL (35)"), capitalised words before an age, names after "bernama"/"berinisial"/"Nama :",
names after an official title or rank, signatory names above an NIP line and bylines. Unnamed
groups come from counts ("tiga WNA asal Vietnam", "puluhan WNA", "Malaysia sebanyak 11 orang").

Every span carries ``person_role`` (foreign_national, official, other), ``name_kind``
(full_name, initials, group), ``clean_name`` (without ranks, honorifics or degrees),
``nationality`` (ISO code of the nearest citizenship cue in the sentence, read from
``doc.spans["country"]``; None when the text only suspects it), ``count``, ``age``, ``title``,
``passport`` (from ``doc.spans["identifier"]``), ``evidence`` (the cue that decided the role)
and ``aliases`` (other forms of the same person's name in the text, e.g. a surname alone).

``doc._.nationalities`` holds the sorted ISO codes of every citizenship the text attributes to
foreigners, statistics and country lists included (``doc_nationalities.py``). Lists of names
and initials are settled in ``people_lists.py``; NER clean-up, non-persons and aliases in
``people_refine.py``. An official is never a foreign national: official rules and titles
win over any nearby country, and a quoted one-word speaker needs a foreigner cue of their own.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.nlp.doc_nationalities import (
    apply_only_nationality,
    document_nationalities,
    statistic_spans,
)
from extractors.nlp.gazetteer import data_path, read_jsonl
from extractors.nlp.people_lists import find_initials_lists, settle_lists
from extractors.nlp.people_records import mark_records, with_records
from extractors.nlp.people_refine import (
    link_aliases,
    place_words,
    refine_candidates,
    speaker_is_foreign,
    unify_foreigners,
)
from extractors.nlp.people_types import Candidate, Country

SPAN_KEY = "person"
EXTENSIONS = (
    "person_role",
    "name_kind",
    "clean_name",
    "nationality",
    "count",
    "age",
    "title",
    "passport",
    "evidence",
    "aliases",
)
for _name in EXTENSIONS:
    Span.set_extension(_name, default=None, force=True)

# Lower source rank wins when two candidates overlap.
SOURCE_RANK = {
    "record": -1,  # a table row or form block about the person (people_records.py)
    "title": 0,
    "rank": 0,
    "signature": 0,
    "apposition": 1,
    "byline": 1,
    "capitals": 1,
    "field": 2,
    "intro": 2,
    "list": 3,
    "quote": 4,
    "age": 3,
    "initials": 4,
    "ner": 5,
    "statistic": 6,
    "group": 6,
}
UPPER = "A-ZÀ-Ý"
WORD = (
    rf"(?:(?:[{UPPER}]\.){{2,4}}|[{UPPER}](?:[A-Za-zÀ-ÿ'’-]{{0,2}}\.|[A-Za-zÀ-ÿ'’-]*))"
    r"(?![\w]|\.\w)"
)
# Whitespace runs are possessive (`*+`, `++`): what follows a separator never starts with
# a blank, and giving blanks back only multiplies the attempts on long runs of spaces.
# A name searched for anywhere starts at the start of a word: trying every letter of a long
# word in capitals would read the rest of the word again from each one.
NAME_START = r"(?<![A-Za-zÀ-ÿ'’-])"
SEP_ANY = r"(?:[ \t]++|[ \t]*+\r?\n[ \t]*+)"
SEP_LINE = r"[ \t]++"
AGE = (
    r",?[ \t]*+\([ \t]*+(?P<age>\d{1,2})[ \t]*+(?:[Tt]ahun|[Tt]hn?\.?|[Yy]\.?[Oo]\.?)?[ \t]*+\)"
    r"|,[ \t]*+(?P<age2>\d{1,2})[ \t]*(?:tahun|thn|th)?"
    r"(?=[ \t]*[,;]|[ \t]+(?:asal|warga|wn|wna|berkewarganegaraan|dan|tahun)\b)"
)
MAX_NAME_WORDS = 6
MAX_TAIL_WORDS = 16
MAX_PERSON_GAP = 150  # characters between a person and the citizenship cue that names it
MAX_FOREIGN_NOUN_GAP = 80
TAIL_CONNECTORS = r"(?i:dan|kelas|non|tpi|&|/)"
# Degrees such as "A.Md.", "S.C.P." besides the listed ones. Each part starts at a capital
# and takes only the small letters after it, so a run of capitals has one reading (with
# `[A-Za-z]` a word in capitals could be cut in exponentially many ways).
MAX_DEGREES = 6  # degrees after one name ("S.H., M.H., M.Si."); more is not a name's tail
DEGREE_SHAPE = r"[A-Z][A-Za-z]{0,3}\.(?:[ \t]?[A-Z][a-z]{0,4}\.?){1,6}"
# Nouns made with pe-/ke- ... -an ("Penindakan", "Pendalaman") are never parts of names.
DERIVED_NOUN = re.compile(r"(?:Pe|Ke)[a-z]{5,}an|(?:PE|KE)[A-Z]{5,}AN")
NOT_INITIALS = frozenset({"wna", "wni", "tka", "wn", "pt", "cv", "ud", "rt", "rw"})
INITIALS = re.compile(r"(?:[A-Z]\.){2,4}|[A-Z][A-Za-z]{1,3}")
CAPITAL_WORD = re.compile(r"[A-Z][A-Z'’-]+")
STATED_INITIALS = re.compile(r"(?:[A-Z]\.){2,4}|[A-Z]{2,4}(?![\w])")
# "Ekonomi, Sosial dan Budaya": a comma inside an agency name, not a name after a title.
AGENCY_LIST = re.compile(r"[ \t]+(?:dan|serta|&)[ \t]+[A-Z]")
LINE_BLANK = re.compile(r"\n[ \t]*\n")
# What may follow a name that stands right after its title: punctuation or a line end.
NAME_CLOSER = re.compile(r"[ \t]*(?:[:,;.)]|\n|$)")
CONJUNCTION = re.compile(r"\b(?:dan|serta|sedangkan|sementara)\b|;", re.IGNORECASE)
CONJUNCTION_PENALTY = 30
# A month word is part of a name after a capitalised name word, unless a number follows.
MONTH_NAME_BEFORE = re.compile(rf"(?<![\w])[{UPPER}][a-zà-ÿ]+[ \t]+\Z")
MONTH_DATE_AFTER = re.compile(r"[ \t,]*\d")
ALIAS = re.compile(r"[ \t]+(?i:alias|als\.?|a\.k\.a\.?)[ \t]+")
COUPLE = re.compile(
    r"(?i:suami[ \t-]*istri|pasutri)[ \t]*(?:(?:yang[ \t]+)?(?:berinisial|bernama|yakni|yaitu))?"
    r"[\s:]*\Z"
)
NOT_FIRST_OPS = frozenset({"teen", "multiply", "thousand"})
LOOK_BACK_SENTENCES = 1
LIST_LOOK_BACK_SENTENCES = 2  # a list of names introduced by "bernama" may refer further back
TITLE_REACH = 250  # characters between an official title and the name it introduces
LOOK_BACK_SOURCES = frozenset({"age", "intro", "list", "field", "initials", "capitals"})


_TITLE_TEXT = re.compile(r"[^,.;\n]*")


def alternation(phrases: Iterable[str]) -> str:
    """A regex alternation of phrases, longest first, any whitespace between words."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


def parse_number(words: list[str], table: dict[str, dict]) -> int | None:
    """Value of Indonesian number words ("dua puluh tiga" -> 23) or digits."""
    if len(words) == 1 and re.fullmatch(r"\d{1,3}(?:\.\d{3})+|\d+", words[0]):
        return int(words[0].replace(".", ""))
    total = chunk = last = 0
    for word in words:
        entry = table.get(word.lower())
        if entry is None:
            return None
        op, value = entry["op"], entry["value"]
        if op == "unit":
            chunk, last = chunk + last, value
        elif op == "flat" or op == "teen":
            chunk, last = chunk + last + value, 0
        elif op == "multiply":
            chunk, last = chunk + max(last, 1) * value, 0
        elif op == "thousand":
            total, chunk, last = total + (chunk + max(last, 1)) * value, 0, 0
        elif op == "thousand_flat":
            total, chunk, last = total + value, 0, 0
    return total + chunk + last


class Cues:
    """The cue lists of ``people_cues.jsonl`` and the regexes built from them."""

    def __init__(self, cues: Path, numbers: Path) -> None:
        lists = {r["kind"]: r["phrases"] for r in read_jsonl(cues)}
        self.lists = lists
        self.numbers = {r["word"]: r for r in read_jsonl(numbers)}
        # "belas", "puluh", "ratus", "ribu" only continue a number
        self.not_first = {w for w, r in self.numbers.items() if r["op"] in NOT_FIRST_OPS}
        folded = {k: frozenset(p.lower() for p in v) for k, v in lists.items()}
        self.folded = folded
        self.stop = (
            folded["stopword"]
            | folded["rank"]
            | folded["rank_suffix"]
            | folded["academic"]
            | {
                w
                for kind in ("title", "foreign_noun", "field", "byline")
                for p in folded[kind]
                for w in p.split()
            }
        )
        self.honorific = folded["honorific"]
        self.speech_intro = {w for p in folded["speech_intro"] for w in p.split()}
        self.months = frozenset(
            form
            for r in read_jsonl(data_path("date_words.jsonl"))
            if r.get("kind") == "month"
            for form in r["forms"]
            if form in self.stop
        )
        self.initials_intro = frozenset(p for p in folded["name_intro"] if "inis" in p)
        self.build_regexes()

    def build_regexes(self) -> None:
        """Compile every pattern once."""
        lists = self.lists
        particles = alternation(lists["particle"])
        name_any = rf"{WORD}(?:{SEP_ANY}(?:(?:{particles}){SEP_ANY})?{WORD}){{0,{MAX_NAME_WORDS}}}"
        name_line = (
            rf"{WORD}(?:{SEP_LINE}(?:(?:{particles}){SEP_LINE})?{WORD}){{0,{MAX_NAME_WORDS}}}"
        )
        rank = alternation(lists["rank"])
        suffix = alternation(lists["rank_suffix"])
        self.rank_seq = rf"(?:{rank})\.?(?:[ \t]++(?:{suffix}))*"
        titles = alternation(lists["title"])
        numwords = alternation(self.numbers)
        nouns = alternation(lists["foreign_noun"])
        group_nouns = alternation(lists["group_noun"])
        cue_words = alternation(
            lists["nationality_cue"] + lists["foreign_noun"] + lists["group_noun"]
        )
        self.title = re.compile(rf"(?<![\w])(?i:{titles})(?![\w])")
        self.tail_word = re.compile(
            rf"{SEP_ANY}(?P<w>{WORD}|{TAIL_CONNECTORS}|\([A-Za-z]{{2,12}}\))(?![\w])"
        )
        self.comma = re.compile(r"[ \t]*,[ \t]*")
        self.rank_then_name = re.compile(
            rf"[ \t]*+(?P<rank>{self.rank_seq})[ \t]++(?P<name>{name_any})"
        )
        self.name_here = re.compile(rf"(?P<name>{name_any})")
        self.rank_name = re.compile(
            rf"(?<![\w.])(?P<rank>{self.rank_seq})[ \t]++(?P<name>{name_any})"
        )
        degree = rf"(?:{alternation(lists['academic'])}|{DEGREE_SHAPE})"
        self.degree = re.compile(rf"{degree},?")
        # Possessive and bounded: a run of initials ("A. B. C. ...") can be read as degrees in
        # exponentially many ways. The longest shape comes first, so "A.Md. Im." is one degree
        # and is not given back.
        longest = rf"(?:{DEGREE_SHAPE}|{alternation(lists['academic'])})"
        degrees = rf"(?:[ \t]*+,?[ \t]*+{longest}(?![\w])){{0,{MAX_DEGREES}}}+"
        # After `[ \t]*+`: the blanks before an apposition word are already taken.
        apposition = (
            rf"(?:,[ \t]*+|(?<=[ \t])(?i:{alternation(lists['apposition'])})[ \t]++)"
        )
        self.appos = re.compile(
            rf"{NAME_START}(?P<name>{name_any}){degrees}[ \t]*+{apposition}"
            rf"(?:{self.rank_seq}[ \t]++)?(?P<title>(?i:{titles}))(?![\w])"
        )
        self.appos_after = re.compile(
            rf"{degrees}[ \t]*+{apposition}"
            rf"(?:{self.rank_seq}[ \t]++)?(?P<title>(?i:{titles}))(?![\w])"
        )
        self.signature = re.compile(
            # the staff number may follow an upper-case rank on the same line
            rf"^[ \t]*(?:[A-Z][A-Z.]*[ \t]+){{0,5}}"
            rf"(?:{alternation(lists['signature_id'])})(?![\w])",
            re.MULTILINE,
        )
        self.name_line = re.compile(rf"(?P<name>{name_line})")
        self.byline = re.compile(
            rf"^[ \t]*(?P<cue>(?i:{alternation(lists['byline'])}))[ \t]*[:/-][ \t]*"
            rf"(?P<name>{name_line})",
            re.MULTILINE,
        )
        self.intro = re.compile(
            rf"(?<![\w])(?P<cue>(?i:{alternation(lists['name_intro'])}))[ \t]*:?[ \t]*"
            rf"(?P<name>{name_any})"
        )
        self.next_name = re.compile(
            rf"(?:[ \t]*+(?:{AGE}))?[ \t]*+(?:,|dan|serta)[ \t]*+(?:dan[ \t]++|serta[ \t]++)?"
            rf"(?P<name>{name_any})"
        )
        self.list_intro = re.compile(
            rf"(?<![\w])(?P<cue>(?i:{alternation(lists['list_intro'])}))[ \t]*:?[ \t]*"
            rf"(?P<name>{name_any})"
        )
        self.cue_comma_name = re.compile(
            rf"(?<![\w])(?P<cue>(?i:{nouns}))(?:[ \t]+[{UPPER}][\w-]*){{0,3}}[ \t]*,[ \t]*"
            rf"(?P<name>{name_any})(?=[ \t]*[,(])"
        )
        self.country_comma_name = re.compile(
            rf"(?<![\w])(?P<cue>(?i:{alternation(lists['nationality_cue'])}))[ \t]+"
            rf"(?P<country>[{UPPER}][\w-]*(?:[ \t]+[{UPPER}][\w-]*){{0,2}}+)[ \t]*,[ \t]*"
            rf"(?P<name>{name_any})(?=[ \t]*[,(])"
        )
        self.quote_name = re.compile(
            rf"(?<![\w])(?P<cue>(?i:{alternation(lists['quote_verb'])}))[ \t]+"
            rf"(?P<name>{name_any})(?=[ \t]*(?:[,.;]|(?i:{alternation(lists['closer'])})(?![\w])))"
        )
        self.field = re.compile(
            rf"^[ \t]*(?:\d{{1,2}}[.)][ \t]*)?"
            rf"(?P<field>(?i:{alternation(lists['field'])}))[ \t]*:[ \t]*"
            rf"(?P<name>{name_line})",
            re.MULTILINE,
        )
        self.age_name = re.compile(
            rf"{NAME_START}(?P<name>{name_any})[ \t]*+(?:\r?\n[ \t]*+)?(?:{AGE})"
        )
        self.age_after = re.compile(rf"[ \t]*+(?:{AGE})")
        self.initials_cue = re.compile(
            r"(?<![\w.])(?P<name>[A-Z][A-Za-z]{1,3}|[A-Z][A-Z'’-]{4,})(?=[ \t]*,?[ \t]*"
            r"(?i:WNA|WN|warga[ \t]+negara|asal|berkewarganegaraan|kewarganegaraan)(?![\w]))"
        )
        first = rf"(?!(?:{alternation(self.not_first)})(?![\w]))"
        count = (
            rf"(?P<count>\d{{1,3}}(?:\.\d{{3}})+|\d{{1,4}}|{first}(?:{numwords})"
            rf"(?:[ \t]+(?:{numwords})){{0,5}}"
            rf"|(?P<vague>{alternation(lists['vague_count'])}))"
        )
        self.group = re.compile(
            rf"(?<![\w])(?i:(?:(?:{alternation(lists['count_prefix'])})[ \t]+)?{count}[ \t]+"
            rf"(?:orang[ \t]+)?(?:(?P<noun>{nouns})|(?P<weak>{group_nouns})))(?![\w])"
        )
        number = (
            rf"\d{{1,3}}(?:\.\d{{3}})+|\d{{1,4}}"
            rf"|{first}(?:{numwords})(?:[ \t]+(?:{numwords})){{0,5}}"
        )
        self.statistic = re.compile(
            rf"(?i:[ \t]*+(?::|-|=|sebanyak|berjumlah|ada|dengan[ \t]+jumlah)?[ \t]*+"
            rf"(?P<count>{number})[ \t]++(?:orang|jiwa|WNA)(?![\w])"
            rf"|[ \t]*+\([ \t]*+(?P<count2>{number})[ \t]*+(?:orang|jiwa|WNA)?[ \t]*+\))"
        )
        self.count_from = re.compile(
            rf"(?<![\w])(?i:(?P<count>{number})[ \t]+(?:orang[ \t]+)?(?:berasal[ \t]+)?"
            rf"(?:asal|dari)[ \t]+)\Z"
        )
        self.cue_end = re.compile(rf"(?<![\w])(?P<cue>(?i:{cue_words}))[\s:,(]*\Z")
        self.block_end = re.compile(
            rf"(?<![\w])(?P<cue>(?i:{alternation(lists['not_nationality'])}))[\s:,(]*\Z"
        )
        self.suspect = re.compile(
            rf"(?<![\w])(?P<cue>(?i:{alternation(lists['suspected'])}))(?![\w])"
        )
        suspect, nat_word = alternation(lists["suspected"]), alternation(lists["nationality_word"])
        self.nationality_doubt = re.compile(
            rf"(?i:(?<![\w])(?:{suspect})(?:\W+\w+){{0,4}}?\W+(?:{nat_word})"
            rf"|(?<![\w])(?:{nat_word})(?:\W+\w+){{0,3}}?\W+(?:{suspect})(?![\w]))"
        )
        self.apposition_end = re.compile(r"(?:\)[ \t]*,?|\b\d{1,2}[ \t]*(?:tahun)?[ \t]*,)[ \t]*\Z")
        self.chain_end = re.compile(r"(?:\bdan|\bserta|,|/)[ \t]*\Z", re.IGNORECASE)
        self.foreign_noun = re.compile(rf"(?<![\w])(?P<cue>{nouns})(?![\w])")
        self.foreign_noun_any = re.compile(rf"(?<![\w])(?P<cue>(?i:{nouns}))(?![\w])")
        other = alternation(lists["other_cue"])
        self.other_before = re.compile(
            rf"(?<![\w])(?P<cue>(?i:{other}))[\s,:(]*(?:(?i:bernama|berinisial|yakni|yaitu)"
            rf"[\s:]*)?\Z"
        )
        self.other_after = re.compile(
            rf"^[ \t]*+(?:{AGE})?[\s,(]*+(?P<cue>(?i:{other}))(?![\w])"
        )
        self.local_after = re.compile(
            rf"[ \t]*+(?:{AGE})?[\s,()]*+"
            rf"(?:(?i:yang)[ \t]+(?:(?i:semuanya|merupakan|adalah)[ \t]+)?)?"
            rf"(?P<cue>(?i:{alternation(lists['local_origin'])}))[ \t]+"
        )
        self.title_gap = re.compile(
            rf"(?:{SEP_ANY}(?>{WORD}|{TAIL_CONNECTORS}))*[ \t]*+,?[ \t]*+"
            rf"(?:{self.rank_seq}[ \t]++)?\Z"
        )
        self.chair_before = re.compile(
            rf"(?<![\w])(?P<cue>(?i:{alternation(lists['chair_verb'])}))[ \t]+\Z"
        )
        self.rank_before = re.compile(rf"(?<![\w])(?P<rank>{self.rank_seq})[ \t]+\Z")
        self.vessel_before = re.compile(
            rf"(?:(?<![\w])(?i:{alternation(lists['vessel'])})"
            rf"(?:[ \t]+(?:{alternation(lists['vessel_link'])})){{0,4}}"
            rf"[ \t]+(?:[\w-]*/)?|(?<![\w])(?:{alternation(lists['vessel_abbreviation'])})[ \t]+)\Z"
        )
        # Atomic: a word read as a name word or as a connector ends at the same place.
        gap_word = rf"(?>{WORD}|{TAIL_CONNECTORS}|(?i:pada|di|untuk|serta)|\([A-Za-z]{{2,12}}\))"
        self.title_gap_long = re.compile(
            rf"(?:[ \t]*+,|{SEP_ANY}{gap_word})*[ \t]*+,?[ \t]*+(?:{self.rank_seq}[ \t]++)?\Z"
        )
        self.closer = re.compile(
            rf"[ \t]*+(?:[,.;:(\n]|\Z|(?i:{alternation(lists['quote_verb'] + lists['closer'])})"
            rf"(?![\w]))"
        )


@Language.factory(
    "pantau_people",
    default_config={"spans_key": SPAN_KEY, "cues": None, "numbers": None},
    assigns=["doc.spans"],
)
def make_people(
    nlp: Language, name: str, spans_key: str, cues: str | None, numbers: str | None
) -> PeopleFinder:
    """Build the people finder (data paths default to the shipped files)."""
    return PeopleFinder(
        spans_key=spans_key,
        cues=Path(cues) if cues else data_path("people_cues.jsonl"),
        numbers=Path(numbers) if numbers else data_path("numbers_id.jsonl"),
    )


class PeopleFinder:
    """Finds named people and counted groups and decides their role and nationality."""

    def __init__(self, *, spans_key: str, cues: Path, numbers: Path) -> None:
        self.spans_key = spans_key
        self.cues = Cues(cues, numbers)

    def __call__(self, doc: Doc) -> Doc:
        ctx = Context(doc, self.cues)
        candidates = with_records(ctx, refine_candidates(ctx, ctx.collect()))
        kept = split_aliases(ctx, resolve(candidates))
        ctx.assign_roles(kept)
        settle_lists(ctx, kept)
        ctx.unify_officials(kept)
        unify_foreigners(ctx, kept)
        codes = document_nationalities(ctx, foreign_codes(kept))
        apply_only_nationality(ctx, kept, codes)
        kept = ctx.drop_named_groups(kept)
        ctx.tie_passports(kept)
        link_aliases(ctx, kept)
        doc.spans[self.spans_key] = [s for s in (ctx.to_span(c) for c in kept) if s is not None]
        mark_records(doc, list(doc.spans[self.spans_key]))
        doc._.nationalities = document_nationalities(ctx, foreign_codes(kept))
        return doc


def foreign_codes(kept: list[Candidate]) -> set[str]:
    """Nationalities of the foreigner candidates."""
    return {c.nationality for c in kept if c.role == "foreign_national" and c.nationality}


def split_aliases(ctx: Context, kept: list[Candidate]) -> list[Candidate]:
    """ "Peter Wanma alias Piter": the name before "alias", the rest an alias of it; a
    candidate right after "X alias" is that alias, not another person."""
    out: list[Candidate] = []
    for cand in kept:
        m = ALIAS.search(ctx.text, cand.start, cand.end)
        if m and m.start() > cand.start and cand.source not in ("group", "statistic"):
            rest = " ".join(ctx.text[m.end() : cand.end].split()).strip(" ,.;")
            cand.end = m.start()
            if rest:
                cand.aliases.append(rest)
        previous = out[-1] if out else None
        if previous is not None and ALIAS.fullmatch(ctx.text, previous.end, cand.start):
            previous.aliases.append(ctx.clean_name(cand))
            continue
        out.append(cand)
    return out


def resolve(candidates: list[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates, the more specific rule first, then the longer span."""
    kept: list[Candidate] = []
    order = sorted(candidates, key=lambda c: (SOURCE_RANK[c.source], c.start - c.end, c.start))
    for cand in order:
        if all(cand.end <= k.start or cand.start >= k.end for k in kept):
            kept.append(cand)
    return sorted(kept, key=lambda c: c.start)


class Context:
    """One document's text, sentence bounds, country and identifier spans, and the rules."""

    def __init__(self, doc: Doc, cues: Cues) -> None:
        self.doc = doc
        self.text = doc.text
        self.cues = cues
        if doc.has_annotation("SENT_START"):
            self.sents = [(s.start_char, s.end_char) for s in doc.sents]
        else:
            self.sents = [(0, len(self.text))]
        self.sent_starts = [s for s, _ in self.sents]
        self.countries = self.read_countries()
        self.covered = self.covered_spans()
        ordered = sorted(self.covered)
        self.covered_starts = [s for s, _ in ordered]
        self.covered_reach = list(itertools.accumulate((e for _, e in ordered), max))
        self.statistic_spans = statistic_spans(self)
        self.place_words = place_words(self)

    # -- helpers -----------------------------------------------------------------------

    def scope(self, pos: int) -> tuple[int, int]:
        """Character bounds of the sentence holding ``pos``."""
        i = max(0, bisect.bisect_right(self.sent_starts, pos) - 1)
        return self.sents[i]

    def field_scope(self, pos: int) -> tuple[int, int]:
        """A form block: from the field's line to the next blank line."""
        start = self.text.rfind("\n", 0, pos) + 1
        blank = LINE_BLANK.search(self.text, pos)
        return (start, blank.start() if blank else len(self.text))

    def covered_spans(self) -> list[tuple[int, int]]:
        """Character ranges of places, organisations and countries (never name words)."""
        ranges = []
        for key in ("place", "org", "country"):
            if key in self.doc.spans:
                ranges += [(s.start_char, s.end_char) for s in self.doc.spans[key]]
        return ranges

    def is_covered(self, start: int, end: int) -> bool:
        """True when a place, organisation or country span overlaps the range."""
        # The ranges that start before `end` overlap when the furthest of their ends passes
        # `start`: a bisection instead of a scan of every span for every word.
        k = bisect.bisect_left(self.covered_starts, end)
        return k > 0 and self.covered_reach[k - 1] > start

    def words(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """Whitespace-separated words of the text range with their positions."""
        return [
            (start + m.start(), start + m.end(), m.group())
            for m in re.finditer(r"\S+", self.text[start:end])
        ]

    def is_name_word(self, word: str, start: int, end: int, *, initials_ok: bool = False) -> bool:
        """True for a word that can be part of a personal name here."""
        bare = word.rstrip(".,").lower()
        if bare in self.cues.months and self.month_in_name(start, end):
            return True
        if bare in self.cues.stop or word.lower() in self.cues.stop:
            return False
        if DERIVED_NOUN.fullmatch(word.rstrip(".,")):
            return False
        if initials_ok:
            return True
        return not self.is_covered(start, end)

    def month_in_name(self, start: int, end: int) -> bool:
        """A month word that ends a name ("Sun Mei", "Li Juni"): it follows a capitalised
        word on its line and no day or year number follows it."""
        before = MONTH_NAME_BEFORE.search(self.text, max(0, start - 40), start)
        return before is not None and not MONTH_DATE_AFTER.match(self.text, end)

    def head_name(self, start: int, end: int) -> tuple[int, int] | None:
        """The name at the start of a range: its leading run of name words."""
        run = None
        for ws, we, w in self.words(start, end):
            if not self.is_name_word(w, ws, we) or (run and self.cues.degree.fullmatch(w)):
                break
            run = (ws if run is None else run[0], we)
        return self.trim(run)

    def tail_name(self, start: int, end: int) -> tuple[tuple[int, int] | None, list[str]]:
        """The name at the end of a range and the words left before it."""
        words = self.words(start, end)
        run_start = None
        for i in range(len(words) - 1, -1, -1):
            ws, we, w = words[i]
            if w[0].isupper() and self.is_name_word(w, ws, we):
                run_start = i
            elif w.islower() and run_start is not None and i > 0 and i == run_start - 1:
                continue  # a particle such as "bin" inside the name
            else:
                break
        if run_start is None:
            return None, [w for _, _, w in words]
        return self.trim((words[run_start][0], words[-1][1])), [w for *_, w in words[:run_start]]

    def trim(self, run: tuple[int, int] | None) -> tuple[int, int] | None:
        """Drop a sentence full stop from the end of a name."""
        if run is None:
            return None
        start, end = run
        last = self.text[start:end].split()[-1]
        if last.endswith(".") and not re.fullmatch(r"(?:[A-Z]\.){2,4}", last):
            end -= 1
        return (start, end) if end > start else None

    # -- candidates --------------------------------------------------------------------

    def collect(self) -> list[Candidate]:
        """Candidates from every rule."""
        found: list[Candidate] = []
        for finder in (
            self.from_titles,
            self.from_ranks,
            self.from_signatures,
            self.from_appositions,
            self.from_bylines,
            self.from_fields,
            self.from_intros,
            self.from_cue_commas,
            self.from_quotes,
            self.from_ages,
            self.from_initials,
            self.from_initial_lists,
            self.from_ner,
            self.from_groups,
            self.from_statistics,
        ):
            found += finder()
        return found

    def from_titles(self) -> list[Candidate]:
        """Officials after a title: "Kepala Kantor Imigrasi Mataram, Rudi Hartono"."""
        cues, text, found = self.cues, self.text, []
        for m in cues.title.finditer(text):
            pos = m.end()
            tail: list[tuple[int, int, str]] = []
            while len(tail) < MAX_TAIL_WORDS:
                w = cues.tail_word.match(text, pos)
                if not w or self.ranked_name(pos):
                    break
                tail.append((w.start("w"), w.end("w"), w.group("w")))
                pos = w.end()
            title = " ".join(text[m.start() : pos].split())
            name, rank = self.name_after_title(pos)
            if name is None and tail:
                name = self.name_in_tail(tail, pos, full_title=" " in m.group().strip())
                if name:
                    title = " ".join(text[m.start() : name[0]].split())
            if name and not self.names_a_place(title, *name):
                evidence = " ".join([title, rank] if rank else [title])
                role = "other" if self.private_title(title) else "official"
                found.append(Candidate(*name, "title", role, title, evidence))
        return found

    def names_a_place(self, title: str, start: int, end: int) -> bool:
        """True when the words after a title are a place, not a name.

        Either a place span covers them ("Camat Simpang Tiga dan ..."), or they follow a
        place word ending the title with no comma between ("Keuchik Gampong Kuala Baru").
        """
        places = self.doc.spans.get("place", [])
        if any(p.start_char <= start and end <= p.end_char for p in places):
            return True
        last_words = title.rsplit(",", 1)[-1].lower().split()[-1:]
        return not set(last_words).isdisjoint(self.cues.folded["place_prefix"])

    def private_title(self, title: str) -> bool:
        """A title held in an association, a company or a union ("Ketua Asosiasi ...")."""
        words = {w.strip(".,()").lower() for w in title.split()}
        return not words.isdisjoint(self.cues.folded["private_body"])

    def ranked_name(self, pos: int) -> bool:
        """True when a rank and a valid name start at ``pos`` ("AKBP Heru ...")."""
        m = self.cues.rank_then_name.match(self.text, pos)
        return m is not None and self.head_name(m.start("name"), m.end("name")) is not None

    def name_after_title(self, pos: int) -> tuple[tuple[int, int] | None, str | None]:
        """A name after a title's agency words: behind a comma or a rank."""
        cues = self.cues
        ranked = cues.rank_then_name.match(self.text, pos)
        comma = cues.comma.match(self.text, pos)
        if not ranked and comma:
            ranked = cues.rank_then_name.match(self.text, comma.end())
            if not ranked:
                m = cues.name_here.match(self.text, comma.end())
                name = self.head_name(m.start(), m.end()) if m else None
                if name and not AGENCY_LIST.match(self.text, name[1]):
                    return name, None
                return None, None
        if ranked:
            return self.head_name(ranked.start("name"), ranked.end("name")), ranked.group("rank")
        return None, None

    def name_in_tail(
        self, tail: list[tuple[int, int, str]], pos: int, *, full_title: bool = False
    ) -> tuple[int, int] | None:
        """A name closing a title without a comma, after the last place or agency word.

        Only tried when places or organisations are known: otherwise "Kepala Kantor Imigrasi
        Mataram mengatakan" would make "Mataram" a person.
        """
        if not self.covered:
            return None
        run: list[tuple[int, int]] = []
        for ws, we, w in reversed(tail):
            if not w[0].isupper() or not self.is_name_word(w, ws, we):
                break
            run.insert(0, (ws, we))
        if not run:
            return None
        if len(run) == len(tail):
            # "Kasi Intelijen Maria Goretti Simanjuntak:": a title naming its unit, then a
            # full name closed by punctuation; a bare "Kapolda" or "Ketua" is not enough.
            closes = NAME_CLOSER.match(self.text, run[-1][1]) is not None
            if full_title and len(run) >= 2 and closes:
                return self.trim((run[0][0], run[-1][1]))
            return None
        before = tail[len(tail) - len(run) - 1]
        if not self.is_covered(before[0], before[1]) or "\n" in self.text[before[1] : run[0][0]]:
            return None
        return self.trim((run[0][0], run[-1][1]))

    def from_ranks(self) -> list[Candidate]:
        """Officials after a rank: "AKBP Heru Prasetyo", "Kombes Pol Agus Salim Nainggolan"."""
        found = []
        for m in self.cues.rank_name.finditer(self.text):
            before = self.text[max(0, m.start() - 8) : m.start()].lower()
            if re.search(r"\b(?:jl|jalan)\.?\s*\Z", before):
                continue  # street names such as "Jl. Jenderal Sudirman"
            name = self.head_name(m.start("name"), m.end("name"))
            if name:
                rank = " ".join(m.group("rank").split())
                found.append(Candidate(*name, "rank", "official", None, rank))
        return found

    def from_signatures(self) -> list[Candidate]:
        """Signatories: the name line above an NIP or NRP line, the title above it."""
        found = []
        for m in self.cues.signature.finditer(self.text):
            lines = self.lines_before(m.start(), 6)
            for i, (ls, le) in enumerate(lines[:2]):
                name = self.signature_name(ls, le)
                if name:
                    title = self.title_in_lines(lines[i + 1 :])
                    found.append(Candidate(*name, "signature", "official", title, "NIP"))
                    break
        return found

    def lines_before(self, pos: int, limit: int) -> list[tuple[int, int]]:
        """Non-blank lines before ``pos``, nearest first."""
        lines: list[tuple[int, int]] = []
        end = self.text.rfind("\n", 0, pos)
        while end > 0 and len(lines) < limit:
            start = self.text.rfind("\n", 0, end) + 1
            if self.text[start:end].strip():
                lines.append((start, end))
            end = start - 1
        return lines

    def signature_name(self, start: int, end: int) -> tuple[int, int] | None:
        """A line that is only a name, optionally followed by degrees after a comma."""
        line = self.text[start:end]
        body = line.split(",")[0].strip(" \t_()")
        if not body or re.search(r"\d", body):
            return None
        offset = start + line.index(body)
        m = self.cues.name_line.fullmatch(self.text, offset, offset + len(body))
        if not m:
            return None
        name = self.head_name(offset, offset + len(body))
        return name if name and name[1] >= offset + len(body.rstrip(".")) else None

    def title_in_lines(self, lines: list[tuple[int, int]]) -> str | None:
        """The first official title found in the given lines."""
        for ls, le in lines:
            m = self.cues.title.search(self.text, ls, le)
            if m:
                return " ".join(self.text[m.start() : le].strip(" ,").split())
        return None

    def from_appositions(self) -> list[Candidate]:
        """Officials followed by their title: "Rudi Hartono, Kepala Seksi ..."."""
        found = []
        for m in self.cues.appos.finditer(self.text):
            name, left = self.tail_name(m.start("name"), m.end("name"))
            if not name or any(w.lower() not in self.cues.speech_intro for w in left):
                continue
            before = self.text[max(0, name[0] - 12) : name[0]].lower()
            if re.search(r"\b(?:di|ke|dari|kota|kabupaten)\s*\Z", before):
                continue
            if self.text[name[0] : name[1]].isupper() and " " not in self.text[name[0] : name[1]]:
                continue  # an ALL-CAPS dateline ("MATARAM, Kepala ...")
            title = self.title_text(m.start("title"))
            found.append(Candidate(*name, "apposition", "official", title, title))
        return found

    def title_text(self, start: int) -> str:
        """A title and the agency words that follow it, up to the next comma or sentence end."""
        m = _TITLE_TEXT.match(self.text, start)
        return " ".join(m.group().split()) if m else ""

    def from_bylines(self) -> list[Candidate]:
        """Bylines: "Pewarta: Ahmad Subaidi", "Editor: Budi"."""
        found = []
        for m in self.cues.byline.finditer(self.text):
            name = self.head_name(m.start("name"), m.end("name"))
            if name:
                found.append(Candidate(*name, "byline", "other", None, m.group("cue")))
        return found

    def from_fields(self) -> list[Candidate]:
        """Names in form fields: "Nama : ZHANG WEI"."""
        found = []
        for m in self.cues.field.finditer(self.text):
            name = self.head_name(m.start("name"), m.end("name"))
            if name:
                scope = self.field_scope(m.start())
                cand = Candidate(*name, "field", scope=scope)
                if m.group("field").lower() in self.cues.folded["official_field"]:
                    cand.role, cand.evidence = "official", " ".join(m.group("field").split())
                found.append(cand)
        return found

    def from_intros(self) -> list[Candidate]:
        """Names after "bernama", "berinisial", "adalah" and the names listed after them."""
        found = []
        for regex, source in ((self.cues.intro, "intro"), (self.cues.list_intro, "list")):
            for m in regex.finditer(self.text):
                name = self.head_name(m.start("name"), m.end("name"))
                if name is None and m.group("cue").lower() in self.cues.initials_intro:
                    name = self.stated_initials(m.start("name"))
                if name:
                    found += self.follow_list(name, source, m.group("cue"))
        return found

    def stated_initials(self, pos: int) -> tuple[int, int] | None:
        """Initials right after "berinisial", even when they spell a word ("WN", "AS")."""
        m = STATED_INITIALS.match(self.text, pos)
        return m.span() if m else None

    def follow_list(self, first: tuple[int, int], source: str, cue: str) -> list[Candidate]:
        """The first name and the names listed after it with commas, "dan" or "serta"."""
        found = [Candidate(*first, source, evidence=cue)]
        pos = first[1]
        while nxt := self.cues.next_name.match(self.text, pos):
            name = self.head_name(nxt.start("name"), nxt.end("name"))
            if name is None:
                break
            found.append(Candidate(*name, source, evidence=cue))
            pos = name[1]
        return found

    def from_cue_commas(self) -> list[Candidate]:
        """A name in apposition to a foreigner noun: "pengungsi Afghanistan, Hussain Nabavi,"."""
        found = []
        for m in self.cues.cue_comma_name.finditer(self.text):
            name = self.head_name(m.start("name"), m.end("name"))
            if name:
                found.append(Candidate(*name, "intro", evidence=m.group("cue")))
        for m in self.cues.country_comma_name.finditer(self.text):
            # "seorang warga negara Korea Selatan, JH, dideportasi": a name in apposition
            if not any(m.start("country") <= c.start < m.end("country") for c in self.countries):
                continue
            name = self.head_name(m.start("name"), m.end("name"))
            if name:
                found.append(Candidate(*name, "intro", evidence=m.group("cue")))
        return found

    def from_quotes(self) -> list[Candidate]:
        """Speakers named after a speech verb: "kata Zaeroji saat ..."."""
        found = []
        for m in self.cues.quote_name.finditer(self.text):
            name = self.head_name(m.start("name"), m.end("name"))
            if name:
                found.append(Candidate(*name, "quote", evidence=m.group("cue")))
        return found

    def from_ages(self) -> list[Candidate]:
        """Initials or names written before an age: "ZL (35)", "Chen Wei, 34, asal ..."."""
        found = []
        for m in self.cues.age_name.finditer(self.text):
            name, _ = self.tail_name(m.start("name"), m.end("name"))
            if name is None:
                word = self.text[m.start("name") : m.end("name")].split()[-1]
                end = m.end("name")
                # Initials that are also country codes or stop words ("IN", "AS") still count.
                upper = sum(c.isupper() for c in word)
                if INITIALS.fullmatch(word) and upper >= 2 and word.lower() not in NOT_INITIALS:
                    name = (end - len(word), end)
            if name:
                found.append(Candidate(*name, "age", evidence="age"))
        return found

    def from_initials(self) -> list[Candidate]:
        """Initials followed by a citizenship cue: "IN, WN Nigeria"."""
        found = []
        for m in self.cues.initials_cue.finditer(self.text):
            word = m.group("name")
            if sum(c.isupper() for c in word) < 2 or word.lower() in self.cues.stop:
                continue
            if self.is_covered(*m.span("name")):
                continue
            start = self.capitals_before(m.start("name"))
            source = "initials" if start == m.start("name") else "capitals"
            found.append(Candidate(start, m.end("name"), source, evidence="initials"))
        return found

    def capitals_before(self, pos: int) -> int:
        """Start of a name in capitals ending at ``pos`` ("ZHANG HUA, WN RRT"): the words in
        capitals before it on its line, or ``pos`` itself."""
        start = pos
        for ws, we, word in reversed(self.words(self.text.rfind("\n", 0, pos) + 1, pos)):
            if word.lower() == "alias" and start == pos:
                continue  # "JOSE SANTOS alias JOMAR": the alias follows the name
            if not CAPITAL_WORD.fullmatch(word) or not self.is_name_word(word, ws, we):
                break
            start = ws
        return start

    def from_initial_lists(self) -> list[Candidate]:
        """Initials listed after a foreigner cue: "warga asal Nigeria itu AB, CD dan EF"."""
        return find_initials_lists(self)

    def from_ner(self) -> list[Candidate]:
        """PERSON entities of the statistical NER, when it ran."""
        return [
            Candidate(e.start_char, e.end_char, "ner")
            for e in self.doc.ents
            if e.label_ == "PERSON"
        ]

    def from_groups(self) -> list[Candidate]:
        """Counted groups: "tiga WNA asal Vietnam", "12 orang warga negara Bangladesh"."""
        found = []
        for m in self.cues.group.finditer(self.text):
            if m.group("weak") and not self.country_follows(m.end()):
                continue
            count = None if m.group("vague") else self.count_of(m.group("count"))
            cue = m.group("noun") or m.group("weak")
            found.append(
                Candidate(m.start("count"), m.end(), "group", "foreign_national", None, cue, count)
            )
        return found

    def count_of(self, words: str) -> int | None:
        """The number a count phrase states."""
        return parse_number(words.split(), self.cues.numbers)

    def country_follows(self, pos: int) -> bool:
        """True when a citizenship cue and its country follow within a few words."""
        return any(
            0 <= c.start - pos <= 30 and c.status in ("cued", "suspected") for c in self.countries
        )

    def from_statistics(self) -> list[Candidate]:
        """Per-country figures: "Malaysia sebanyak 11 orang", "Tiongkok (5 orang)"."""
        found = []
        for c in self.countries:
            if c.code == "ID" or c.status == "blocked":
                continue
            m = self.cues.statistic.match(self.text, c.end)
            if m:
                count = self.count_of(m.group("count") or m.group("count2"))
                start, end = c.start, m.end()
            elif before := self.cues.count_from.search(self.text, max(0, c.start - 40), c.start):
                # "tiga dari Malaysia", "1 asal Kenya"
                count = self.count_of(before.group("count"))
                start, end = before.start(), c.end
            else:
                continue
            if count is not None:
                cand = Candidate(start, end, "statistic", "foreign_national", None, "", count)
                cand.nationality, cand.evidence = c.code, self.text[start:end]
                found.append(cand)
        return found

    # -- countries ---------------------------------------------------------------------

    def read_countries(self) -> list[Country]:
        """Country spans with their citizenship status."""
        out: list[Country] = []
        for span in self.doc.spans.get("country", []):
            start, end = span.start_char, span.end_char
            out.append(self.country_status(start, end, span._.country, out))
        return out

    def country_status(self, start: int, end: int, code: str, earlier: list[Country]) -> Country:
        """Decide whether a country names a citizenship from the words before it."""
        cues = self.cues
        sent_start = self.scope(start)[0]
        before = self.text[max(sent_start, start - 60) : start]
        blocked = cues.block_end.search(before)
        if blocked:
            return Country(start, end, code, "blocked", blocked.group("cue"), start)
        cued = cues.cue_end.search(before)
        if cued:
            cue_start = start - len(before) + cued.start()
            doubt = cues.suspect.search(before, max(0, cued.start() - 30), cued.start())
            if doubt:
                return Country(start, end, code, "suspected", doubt.group("cue"), cue_start)
            return Country(start, end, code, "cued", cued.group("cue").strip(), cue_start)
        if cues.apposition_end.search(before):
            return Country(start, end, code, "cued", "apposition", start)
        if cues.chain_end.search(before) and earlier:
            prev = earlier[-1]
            if prev.status in ("cued", "suspected") and 0 <= start - prev.end <= 12:
                return Country(start, end, code, prev.status, prev.cue, start)
        return Country(start, end, code, "plain", "", start)

    def previous_sentences(self, pos: int, back: int | None = None) -> tuple[int, int]:
        """Bounds from the start of the sentence(s) before the sentence holding ``pos``."""
        i = max(0, bisect.bisect_right(self.sent_starts, pos) - 1)
        return self.sents[max(0, i - (back or LOOK_BACK_SENTENCES))][0], self.sents[i][0]

    def nearest_country(self, cand: Candidate) -> Country | None:
        """The nearest citizenship cue in the candidate's sentence (the following one on ties).

        Names listed or aged in a sentence of their own ("Mereka adalah Xu Guiyi (40), ...")
        take the last cue of the sentence before.
        """
        found = self.nearest_in(cand, cand.scope or self.scope(cand.start))
        if found is None and cand.source in LOOK_BACK_SOURCES:
            back = LIST_LOOK_BACK_SENTENCES if cand.source in ("intro", "list") else None
            lo, hi = self.previous_sentences(cand.start, back)
            earlier = [
                c
                for c in self.countries
                if lo <= c.start and c.end <= hi and c.status in ("cued", "suspected")
            ]
            found = earlier[-1] if earlier else None
        return found

    def nearest_in(self, cand: Candidate, bounds: tuple[int, int]) -> Country | None:
        """The nearest citizenship cue within the bounds."""
        lo, hi = bounds
        best, best_key = None, None
        for c in self.countries:
            if c.status not in ("cued", "suspected") or c.start < lo or c.end > hi:
                continue
            key = (self.gap(cand, c), 0 if c.start >= cand.start else 1)
            if best_key is None or key < best_key:
                best, best_key = c, key
        if best is not None and best_key is not None and best_key[0] > MAX_PERSON_GAP:
            return None
        return best

    # -- roles -------------------------------------------------------------------------

    def assign_roles(self, kept: list[Candidate]) -> None:
        """Decide role, nationality and evidence of every candidate."""
        for cand in kept:
            if cand.role == "official" or cand.role == "other" or cand.source == "record":
                continue
            if cand.source in ("group", "statistic"):
                self.settle_group(cand)
                continue
            self.settle_person(cand)

    def settle_group(self, cand: Candidate) -> None:
        """Nationality of a group from its own cue or the nearest one."""
        if cand.nationality is None:
            country = self.nearest_country(cand)
            if country is not None:
                cand.nationality = country.code if country.status == "cued" else None
                cand.doubt = country.status == "suspected"
                cand.evidence = self.evidence_of(country) or cand.evidence
        if cand.nationality == "ID":
            cand.role = "other"

    def settle_person(self, cand: Candidate) -> None:
        """Official, other or foreign national for a named person without a rule role."""
        text = self.text
        official = self.official_context(cand)
        if official:
            cand.role, cand.title, cand.evidence = "official", official[0], official[1]
            return
        other = self.cues.other_before.search(text, max(0, cand.start - 30), cand.start)
        if other and COUPLE.search(text, max(0, cand.start - 40), cand.start):
            other = None  # "pasangan suami istri berinisial AB": a couple, not a spouse's role
        other = other or self.cues.other_after.match(text[cand.end : cand.end + 40])
        if other:
            cand.role, cand.evidence = "other", other.group("cue")
            return
        local = self.local_origin(cand)
        if local:
            cand.role, cand.evidence, cand.local = "other", local, True
            return
        country = self.nearest_country(cand)
        noun = self.foreign_noun_before(cand)
        initials = self.name_kind(cand) == "initials"
        near = country is not None and (
            initials
            or cand.source in LOOK_BACK_SOURCES
            or noun
            or (
                cand.source == "ner"
                and country.start > cand.start
                and self.gap(cand, country) <= 40
            )
        )
        if near and country is not None and country.code == "ID" and country.status == "cued":
            cand.role, cand.evidence = "other", self.evidence_of(country)
            return
        if cand.source == "quote":
            # "ujar Budi": a speaker is foreign only through a cue of their own
            if not speaker_is_foreign(self, cand):
                cand.role = "other"
                return
            near = country is not None
        if near or noun or initials:
            cand.role = "foreign_national"
            if near and country is not None:
                cand.nationality = country.code if country.status == "cued" else None
                cand.doubt = country.status == "suspected"
                cand.evidence = self.evidence_of(country)
            else:
                cand.evidence = noun or "initials"
            return
        cand.role, cand.evidence = "other", cand.evidence or "no foreigner cue"

    def local_origin(self, cand: Candidate) -> str | None:
        """ "asal Bitung", "warga Desa Pererenan" right after the name: an Indonesian region
        named as where the person comes from or lives, so a local resident."""
        m = self.cues.local_after.match(self.text, cand.end)
        if m is None or m.end() - cand.end > 40:
            return None
        for place in self.doc.spans.get("place", []):
            if place.start_char == m.end() and place._.region_code:
                return " ".join(f"{m.group('cue')} {place.text}".split())
        return None

    def unify_officials(self, kept: list[Candidate]) -> None:
        """A name that repeats an official's name (or one word of it) is that official."""
        officials: dict[str, Candidate] = {}
        for cand in kept:
            if cand.role == "official":
                for word in [self.clean_name(cand), *self.clean_name(cand).split()]:
                    officials.setdefault(word.lower(), cand)
        for cand in kept:
            if cand.role == "official" or cand.source in ("byline", "group", "statistic"):
                continue
            if self.name_kind(cand) == "initials":
                continue
            match = officials.get(self.clean_name(cand).lower())
            if match is not None:
                cand.role, cand.title, cand.evidence = "official", match.title, match.evidence

    def official_context(self, cand: Candidate) -> tuple[str | None, str] | None:
        """(title, evidence) when a rank or title stands right before or after the name."""
        text, cues = self.text, self.cues
        window = text[max(self.scope(cand.start)[0], cand.start - 120) : cand.start]
        rank = cues.rank_before.search(window)
        if rank:
            return None, " ".join(rank.group("rank").split())
        chair = cues.chair_before.search(window)
        if chair:
            return None, " ".join(chair.group("cue").split())
        for m in reversed(list(cues.title.finditer(window))):
            if cues.title_gap.match(window, m.end()):
                title = " ".join(window[m.start() :].strip(" \t\n,").split())
                return title, title
        long_window = text[max(self.scope(cand.start)[0], cand.start - TITLE_REACH) : cand.start]
        for m in reversed(list(cues.title.finditer(long_window))):
            if cues.title_gap_long.match(long_window, m.end()):
                title = " ".join(long_window[m.start() :].strip(" \t\n,").split())
                return title, title
        after = cues.appos_after.match(text, cand.end)
        if after:
            title = self.title_text(after.start("title"))
            return title, title
        return None

    def foreign_noun_before(self, cand: Candidate) -> str | None:
        """A foreigner noun ("WNA", "TKA") shortly before the name in the same sentence."""
        lo = max(self.scope(cand.start)[0], cand.start - MAX_FOREIGN_NOUN_GAP)
        if cand.source in LOOK_BACK_SOURCES:
            lo = min(lo, self.previous_sentences(cand.start)[0])
        nouns = list(self.cues.foreign_noun.finditer(self.text, lo, cand.start))
        return nouns[-1].group("cue") if nouns else None

    def gap(self, cand: Candidate, country: Country) -> int:
        """Characters between a candidate and a country's cue; a conjunction adds distance."""
        if country.start >= cand.end:
            between = (cand.end, max(cand.end, country.cue_start))
        else:
            between = (country.end, cand.start)
        gap = max(between[1] - between[0], 0)
        if CONJUNCTION.search(self.text, *between):
            gap += CONJUNCTION_PENALTY
        return gap

    def evidence_of(self, country: Country) -> str:
        """The cue text and country as written."""
        name = self.text[country.start : country.end]
        if country.cue == "apposition":
            return name
        return " ".join(f"{country.cue} {name}".split())

    def name_kind(self, cand: Candidate) -> str:
        """full_name, initials or group."""
        if cand.source in ("group", "statistic"):
            return "group"
        words = self.text[cand.start : cand.end].split()
        if len(words) == 1 and INITIALS.fullmatch(words[0]):
            letters = words[0].replace(".", "")
            if sum(c.isupper() for c in letters) >= 2 or "." in words[0]:
                return "initials"
        return "full_name"

    def drop_named_groups(self, kept: list[Candidate]) -> list[Candidate]:
        """Drop a counted group whose members are all named right after it."""
        out = []
        for cand in kept:
            if cand.source == "group" and cand.count:
                hi = self.scope_after(cand.start)
                named = [
                    k
                    for k in kept
                    if k.source not in ("group", "statistic")
                    and k.role == "foreign_national"
                    and cand.end <= k.start < hi
                    and (cand.nationality is None or k.nationality in (None, cand.nationality))
                ]
                if len(named) >= cand.count:
                    continue
            if cand.role is not None:
                out.append(cand)
        return out

    def scope_after(self, pos: int) -> int:
        """End of the sentence after the one holding ``pos``."""
        i = max(0, bisect.bisect_right(self.sent_starts, pos) - 1)
        return self.sents[min(len(self.sents) - 1, i + 1)][1]

    def tie_passports(self, kept: list[Candidate]) -> None:
        """Give each passport number to the nearest named foreigner before it (else after)."""
        people = [
            c
            for c in kept
            if c.role == "foreign_national" and c.source not in ("group", "statistic")
        ]
        for ident in self.doc.spans.get("identifier", []):
            if ident._.id_kind != "passport":
                continue
            start = ident.start_char
            choices = [p for p in people if self.same_scope(p, start)]
            before = [p for p in choices if p.end <= start]
            after = [p for p in choices if p.start >= ident.end_char]
            owner = max(before, key=lambda p: p.end) if before else None
            owner = owner or (min(after, key=lambda p: p.start) if after else None)
            if owner is not None and owner.passport is None:
                owner.passport = ident._.value

    def same_scope(self, cand: Candidate, pos: int) -> bool:
        """True when ``pos`` lies in the candidate's sentence or form block."""
        lo, hi = cand.scope or self.scope(cand.start)
        return lo <= pos < hi

    # -- output ------------------------------------------------------------------------

    def to_span(self, cand: Candidate) -> Span | None:
        """The Span for a settled candidate, with every extension set."""
        span = self.doc.char_span(cand.start, cand.end, label="PERSON", alignment_mode="expand")
        if span is None:
            return None
        kind = self.name_kind(cand)
        span._.person_role = cand.role
        span._.name_kind = kind
        span._.nationality = cand.nationality if cand.role == "foreign_national" else None
        span._.count = cand.count if kind == "group" else 1
        span._.title = cand.title if cand.role == "official" else None
        span._.evidence = cand.evidence
        span._.passport = cand.passport
        span._.aliases = list(cand.aliases)
        span._.clean_name = None if kind == "group" else self.clean_name(cand)
        if kind != "group":
            age = self.cues.age_after.match(self.text, cand.end)
            span._.age = int(age.group("age") or age.group("age2")) if age else None
        return span

    def clean_name(self, cand: Candidate) -> str:
        """The name without ranks, honorifics, degrees or line breaks."""
        text = self.text[cand.start : cand.end].split(",")[0]
        words = text.split()
        prefixes = self.cues.folded["rank"] | self.cues.folded["rank_suffix"] | self.cues.honorific
        while len(words) > 1 and (
            words[0].lower() in prefixes or words[0].lower().rstrip(".") in prefixes
        ):
            words = words[1:]
        return " ".join(words)
