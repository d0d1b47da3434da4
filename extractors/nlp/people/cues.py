"""The cue lists of the people rules and the regexes built from them.

Data: ``data/people_cues.jsonl`` (one record per cue kind: official titles, officers' group
nouns, ranks, honorifics, degrees, name introducers, bylines, foreigner nouns, nationality
cues, verbs that link a name to a citizenship after them, phrases that make a country a
passport issuer or destination, words of doubt, stop words, the words that make a
capitalised "Yang" an honorific rather than a name, the words after "YANG" in capitals that
open a relative clause, the unit nouns that end a title such as "Kepala Seksi") and
``data/numbers_id.jsonl`` (Indonesian number words and how they combine). Every pattern is
compiled once, when the pipeline is built; the rules only run them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from extractors.nlp.gazetteer import data_path, read_jsonl

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
TAIL_CONNECTORS = r"(?i:dan|kelas|non|tpi|&|/)"
# Degrees such as "A.Md.", "S.C.P." besides the listed ones. Each part starts at a capital
# and takes only the small letters after it, so a run of capitals has one reading (with
# `[A-Za-z]` a word in capitals could be cut in exponentially many ways).
MAX_DEGREES = 6  # degrees after one name ("S.H., M.H., M.Si."); more is not a name's tail
DEGREE_SHAPE = r"[A-Z][A-Za-z]{0,3}\.(?:[ \t]?[A-Z][a-z]{0,4}\.?){1,6}"
NOT_FIRST_OPS = frozenset({"teen", "multiply", "thousand"})


def alternation(phrases: Iterable[str]) -> str:
    """A regex alternation of phrases, longest first, any whitespace between words."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


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
        # Degrees are matched as written: "MA" and "SE" are degrees, "Ma" and "Se" names.
        self.academic = frozenset(lists["academic"]) | {
            p.rstrip(".") for p in lists["academic"]
        }
        self.stop = (
            folded["stopword"]
            | folded["rank"]
            | folded["rank_suffix"]
            | {
                w
                for kind in ("title", "staff_noun", "foreign_noun", "field", "byline")
                for p in folded[kind]
                for w in p.split()
            }
        )
        self.honorific = folded["honorific"]
        # The words of titles: a unit's word in "Kepala Seksi Inteldakim" as in "Kasi Inteldakim"
        self.title_words = frozenset(w for p in folded["title"] for w in p.split())
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
        # Titles and officers' group nouns: what a name after its agency words holds
        # ("petugas Kantor Imigrasi Batam, A dan B"); only titles stand after a name.
        staff_titles = alternation(lists["title"] + lists["staff_noun"])
        self.staff_title = re.compile(rf"(?<![\w])(?i:{staff_titles})(?![\w])")
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
        apposition = rf"(?:,[ \t]*+|(?<=[ \t])(?i:{alternation(lists['apposition'])})[ \t]++)"
        self.appos = re.compile(
            rf"{NAME_START}(?P<name>{name_any}){degrees}[ \t]*+{apposition}"
            rf"(?:{self.rank_seq}[ \t]++)?(?P<title>(?i:{titles}))(?![\w])"
        )
        self.appos_after = re.compile(
            rf"{degrees}[ \t]*+{apposition}"
            rf"(?:{self.rank_seq}[ \t]++)?(?P<title>(?i:{titles}))(?![\w])"
        )
        self.signature = re.compile(
            # the staff number may follow an upper-case rank on the same line, and a second
            # signature block may stand beside the first after a run of spaces
            rf"(?:^[ \t]*+|(?<=\S)[ \t]{{4,}}+)(?P<id>(?:[A-Z][A-Z.]*[ \t]+){{0,5}}"
            rf"(?:{alternation(lists['signature_id'])}))(?![\w])",
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
        # "dan" and "serta" as written in running text or in capitals ("LIU WEI DAN CHEN HUA")
        self.next_name = re.compile(
            rf"(?:[ \t]*+(?:{AGE}))?[ \t]*+(?:,|dan|serta|DAN|SERTA)[ \t]*+"
            rf"(?:dan[ \t]++|serta[ \t]++)?(?P<name>{name_any})"
        )
        self.list_intro = re.compile(
            rf"(?<![\w])(?P<cue>(?i:{alternation(lists['list_intro'])}))[ \t]*:?[ \t]*"
            rf"(?P<name>{name_any})"
        )
        # The name in apposition is closed by a comma or an age, or goes on as a list of
        # names ("dua warga negara Tiongkok, A dan B, ..."; see ``named.appositive_list``).
        appositive_end = rf"(?=[ \t]*[,(]|[ \t]+(?:dan|serta)[ \t]+[{UPPER}])"
        self.cue_comma_name = re.compile(
            rf"(?<![\w])(?P<cue>(?i:{nouns}))(?:[ \t]+[{UPPER}][\w-]*){{0,3}}[ \t]*,[ \t]*"
            rf"(?P<name>{name_any}){appositive_end}"
        )
        self.country_comma_name = re.compile(
            rf"(?<![\w])(?P<cue>(?i:{alternation(lists['nationality_cue'])}))[ \t]+"
            rf"(?P<country>[{UPPER}][\w-]*(?:[ \t]+[{UPPER}][\w-]*){{0,2}}+)[ \t]*,[ \t]*"
            rf"(?P<name>{name_any}){appositive_end}"
        )
        self.quote_name = re.compile(
            rf"(?<![\w])(?P<cue>(?i:{alternation(lists['quote_verb'])}))[ \t]+"
            rf"(?P<name>{name_any})(?=[ \t]*(?:[,.;]|(?i:{alternation(lists['closer'])})(?![\w])))"
        )
        self.team_field = re.compile(
            rf"^[ \t]*(?:\d{{1,2}}[.)][ \t]*)?"
            rf"(?P<field>(?i:{alternation(lists['team_field'])}))[ \t]*:[ \t]*",
            re.MULTILINE,
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
            r"(?<![\w.])(?P<name>[A-Z][A-Za-z]{1,3}|[A-Z][A-Z'’-]{4,})(?![\w'’-])"
            r"(?=[ \t]*,?[ \t]*"
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
        self.other_after = re.compile(rf"^[ \t]*+(?:{AGE})?[\s,(]*+(?P<cue>(?i:{other}))(?![\w])")
        self.local_after = re.compile(
            rf"[ \t]*+(?:{AGE})?[\s,()]*+"
            rf"(?:(?i:yang)[ \t]+(?:(?i:semuanya|merupakan|adalah)[ \t]+)?)?"
            rf"(?:(?P<cue>(?i:{alternation(lists['local_origin'])}))"
            rf"|(?P<residence>(?i:{alternation(lists['residence'])})))[ \t]+"
        )
        self.title_gap = re.compile(
            rf"(?:{SEP_ANY}(?>{WORD}|{TAIL_CONNECTORS}))*[ \t]*+,?[ \t]*+"
            rf"(?:{self.rank_seq}[ \t]++)?\Z"
        )
        self.chair_before = re.compile(
            rf"(?<![\w])(?P<cue>(?i:{alternation(lists['chair_verb'])}))[ \t]+\Z"
        )
        self.rank_before = re.compile(rf"(?<![\w])(?P<rank>{self.rank_seq})[ \t]+\Z")
        # A rank opening a signature's name line, in any case ("IPTU MAXI ...").
        self.rank_start = re.compile(rf"(?i:{self.rank_seq})[ \t]++")
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
