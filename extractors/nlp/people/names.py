"""The shape of a personal name: which words can be part of one, where it starts and ends.

A name word is not a stop word, rank, title or foreigner noun (``Cues.stop``), not a noun
made with pe-/ke- ... -an, and not inside a place, organisation or country span; a month word
after a capitalised name word with no number next to it ("Sun Mei", "Tan Mei Ling") is one,
and so is a capitalised "Yang" that a name word stands next to ("Liu Yang", "bernama Yang
Hua"); in capitals, so is a "YANG" after a name word that no relative clause follows ("LIU
YANG", "AN. LIU YANG YANG BEKERJA"). A name found at the start of a range is its leading run
of name words, one at the end its trailing run of capitalised ones, not a verb in capitals
before it ("MENDATA GUO YANG (29)"); a sentence full stop is never part of it. The clean
form of a name drops ranks, honorifics and degrees.
"""

from __future__ import annotations

import re

from extractors.nlp.people.context import Context
from extractors.nlp.people.cues import UPPER
from extractors.nlp.people.types import Candidate
from extractors.roots import root

# Nouns made with pe-/ke- ... -an ("Penindakan", "Pendalaman") are never parts of names.
DERIVED_NOUN = re.compile(r"(?:Pe|Ke)[a-z]{5,}an|(?:PE|KE)[A-Z]{5,}AN")
INITIALS = re.compile(r"(?:[A-Z]\.){2,4}|[A-Z][A-Za-z]{1,3}")
# A month word is part of a name after a capitalised name word, at its end ("Sun Mei") or
# inside it ("Tan Mei Ling"), unless a number follows ("Mei 2026"); a number before it
# ("3 Mei") is never a capitalised word.
MONTH_NAME_BEFORE = re.compile(rf"(?<![\w])[{UPPER}][a-zà-ÿ]+[ \t]+\Z")
MONTH_DATE_AFTER = re.compile(r"[ \t,]*\d")
# "Yang" is a stop word: the relative pronoun ("yang bekerja") and the first word of
# honorifics ("Yang Mulia", "Tuhan Yang Maha Esa"). Running text in mixed case writes the
# pronoun in lower case, so a capitalised "Yang" joined by blanks alone to a capitalised name
# word after it ("Liu Yang") or before it after a lower-case word ("bernama Yang Hua") is
# the common Chinese given name or surname. A title-case headline capitalises the pronoun
# too: there it stays a stop word. Text in capitals writes both "YANG": right after a name
# word in capitals it is the name ("LIU YANG", "AN. LIU YANG YANG BEKERJA") unless a
# relative clause starts after it (``opens_clause``).
YANG = "Yang"
YANG_CAPITALS = "YANG"
# Verbs with a verbal prefix, as written in capitals: me- (with its nasal forms), ber-/be-,
# di-, ter- ("MEMERIKSA", "BEKERJA", "DIAMANKAN", "TERLETAK"): they open a relative clause.
VERB_SHAPE = re.compile(r"(?:ME(?:NG|NY|[MN])|ME[LRWY]|BER|BE(?=K)|DI|TER)[A-Z]{4,}")
CAPITALS = re.compile(rf"[{UPPER}][{UPPER}'’-]*")
LIST_JOINERS = frozenset({"dan", "serta"})
WORD_BEFORE = re.compile(r"(?<!\S)(\S+)[ \t]+\Z")
WORD_AFTER = re.compile(r"[ \t]+(\S+)")
CAPITALISED = re.compile(rf"[{UPPER}][a-zà-ÿ'’-]+")
OPENS_NAME = re.compile(r"[a-z]+|\S*,")  # a lower-case word or a comma before a name
WORD_REACH = 40  # characters looked at for the word before "Yang"
HEADLINE_WORDS = 4
HEADLINE_SHARE = 0.7


def words_in(ctx: Context, start: int, end: int) -> list[tuple[int, int, str]]:
    """Whitespace-separated words of the text range with their positions."""
    return [
        (start + m.start(), start + m.end(), m.group())
        for m in re.finditer(r"\S+", ctx.text[start:end])
    ]


def is_name_word(ctx: Context, word: str, start: int, end: int) -> bool:
    """True for a word that can be part of a personal name here."""
    bare = word.rstrip(".,").lower()
    if bare in ctx.cues.stop or word.lower() in ctx.cues.stop:
        return stop_word_in_name(ctx, word, start, end)
    if word.rstrip(",") in ctx.cues.academic or word.rstrip(".,") in ctx.cues.academic:
        return False
    if DERIVED_NOUN.fullmatch(word.rstrip(".,")):
        return False
    return not ctx.is_covered(start, end)


def stop_word_in_name(ctx: Context, word: str, start: int, end: int) -> bool:
    """A stop word that is a name word here: a month word in a name ("Sun Mei", "Tan Mei
    Ling") or a capitalised "Yang" next to a name word ("Liu Yang")."""
    if word.rstrip(".,").lower() in ctx.cues.months and month_in_name(ctx, start, end):
        return True
    return yang_in_name(ctx, word, start, end)


def month_in_name(ctx: Context, start: int, end: int) -> bool:
    """A month word that ends a name ("Sun Mei", "Li Juni") or stands inside one ("Tan Mei
    Ling", "Maria April Santos"): it follows a capitalised word on its line and no day or
    year number follows it ("Mei 2026")."""
    before = MONTH_NAME_BEFORE.search(ctx.text, max(0, start - 40), start)
    return before is not None and not MONTH_DATE_AFTER.match(ctx.text, end)


def yang_in_name(ctx: Context, word: str, start: int, end: int) -> bool:
    """A capitalised "Yang" that is part of a name: "Liu Yang", "bernama Yang Hua", but not
    "Yang Mulia", a sentence opening "Yang bersangkutan" or a headline's "Yang Bekerja"."""
    bare = word.strip(",.;:()")
    if bare == YANG_CAPITALS and not ctx.is_covered(start, end):
        return capitals_yang_in_name(ctx, ctx.text.find(YANG_CAPITALS, start, end))
    if bare != YANG or ctx.is_covered(start, end):
        return False
    begin = ctx.text.find(YANG, start, end)
    if begin < 0:
        return False
    after = WORD_AFTER.match(ctx.text, begin + len(YANG))  # None when punctuation follows
    if after and after.group(1).rstrip(".,").lower() in ctx.cues.folded["yang_honorific"]:
        return False
    if after and after.group(1)[0].isupper() and in_headline(ctx, begin):
        return False  # a title-case headline capitalises the pronoun: "Liu Yang Yang Kabur"
    before = WORD_BEFORE.search(ctx.text, max(0, begin - WORD_REACH), begin)
    if before is None:
        return False  # first on its line: a form label or a signature's "Yang Menerima"
    if CAPITALISED.fullmatch(before.group(1)):
        return next_to_name(ctx, before)  # "Liu Yang"
    # "bernama Yang Hua", "TKA asal Tiongkok, Yang Jian": the surname opens the name
    return (
        OPENS_NAME.fullmatch(before.group(1)) is not None
        and after is not None
        and CAPITALISED.match(after.group(1)) is not None
        and next_to_name(ctx, after)
    )


def capitals_yang_in_name(ctx: Context, begin: int) -> bool:
    """A "YANG" in capitals that is part of a name: after a name word in capitals ("LIU
    YANG", "Nama : HE YANG", "ZHOU YANG YANG BEKERJA") or opening one after a name
    introducer, a field's colon or a list's comma or "DAN" ("AN. YANG HUA", "LIU YANG DAN
    YANG HUA"), when no relative clause starts after it ("WNA YANG DIAMANKAN", "SUN HAO
    YANG TELAH TINGGAL")."""
    after = WORD_AFTER.match(ctx.text, begin + len(YANG_CAPITALS))
    if after and opens_clause(ctx, after.group(1)):
        return False
    before = WORD_BEFORE.search(ctx.text, max(0, begin - WORD_REACH), begin)
    if before is None:
        return False
    if CAPITALS.fullmatch(before.group(1)) and before.group(1).lower() not in LIST_JOINERS:
        return next_to_name(ctx, before)  # "LIU YANG"
    opener = before.group(1).lower()
    return (
        (
            opener.endswith((":", ","))
            or opener in LIST_JOINERS
            or opener in ctx.cues.folded["name_intro"]
        )
        and after is not None
        and CAPITALS.fullmatch(after.group(1).rstrip(".,")) is not None
        and next_to_name(ctx, after)
    )


def opens_clause(ctx: Context, word: str) -> bool:
    """True for a word after "YANG" that starts a relative clause or an honorific: a verb
    with a verbal prefix, a word of ``yang_clause`` or ``yang_honorific``. Another "YANG"
    does not: in "ZHOU YANG YANG BEKERJA" the second one is the pronoun."""
    bare = word.rstrip(".,;:").upper()
    return (
        bare.lower() in ctx.cues.folded["yang_clause"]
        or bare.lower() in ctx.cues.folded["yang_honorific"]
        or VERB_SHAPE.fullmatch(bare) is not None
    )


def next_to_name(ctx: Context, neighbour: re.Match[str]) -> bool:
    """True when the word next to a "Yang" is a name word (itself not another "Yang")."""
    word = neighbour.group(1)
    return word.rstrip(".,").title() != YANG and is_name_word(ctx, word, *neighbour.span(1))


def in_headline(ctx: Context, pos: int) -> bool:
    """True when ``pos`` lies on a line of mostly capitalised words ("Dua WNA Ditangkap ...")."""
    start = ctx.text.rfind("\n", 0, pos) + 1
    end = ctx.text.find("\n", pos)
    line = ctx.text[start : end if end >= 0 else len(ctx.text)].strip()
    if line.endswith((".", '"', "”")) or ". " in line:
        return False  # a sentence, not a headline
    words = line.split()
    capitalised = sum(w[0].isupper() or not w[0].isalpha() for w in words)
    return len(words) >= HEADLINE_WORDS and capitalised >= HEADLINE_SHARE * len(words)


def head_name(ctx: Context, start: int, end: int) -> tuple[int, int] | None:
    """The name at the start of a range: its leading run of name words, up to a verb in
    capitals that the sentence goes on after ("AN. LIU WEI DIAMANKAN DI ...")."""
    run = None
    for ws, we, w in words_in(ctx, start, end):
        if not is_name_word(ctx, w, ws, we) or (run and ctx.cues.degree.fullmatch(w)):
            break
        if run and verb_in_capitals(w) and WORD_AFTER.match(ctx.text, we):
            break
        run = (ws if run is None else run[0], we)
    return trim(ctx, run)


def tail_name(ctx: Context, start: int, end: int) -> tuple[tuple[int, int] | None, list[str]]:
    """The name at the end of a range and the words left before it."""
    words = words_in(ctx, start, end)
    run_start = None
    for i in range(len(words) - 1, -1, -1):
        ws, we, w = words[i]
        if w[0].isupper() and is_name_word(ctx, w, ws, we) and not verb_in_capitals(w):
            run_start = i
        elif w.islower() and run_start is not None and i > 0 and i == run_start - 1:
            continue  # a particle such as "bin" inside the name
        else:
            break
    if run_start is None:
        return None, [w for _, _, w in words]
    return trim(ctx, (words[run_start][0], words[-1][1])), [w for *_, w in words[:run_start]]


def verb_in_capitals(word: str) -> bool:
    """True for a verb with a verbal prefix written in capitals ("MENDATA", "DIAMANKAN"): in
    text in capitals nothing else tells the verb before a name from a word of it. The prefix
    must come off an Indonesian root, so "DIMITRI", "BERNARD" and "MENDOZA" stay names."""
    bare = word.rstrip(".,")
    return (
        word.isupper()
        and VERB_SHAPE.fullmatch(bare) is not None
        and root(bare.lower()) != bare.lower()
    )


def trim(ctx: Context, run: tuple[int, int] | None) -> tuple[int, int] | None:
    """Drop a sentence full stop from the end of a name."""
    if run is None:
        return None
    start, end = run
    last = ctx.text[start:end].split()[-1]
    if last.endswith(".") and not re.fullmatch(r"(?:[A-Z]\.){2,4}", last):
        end -= 1
    return (start, end) if end > start else None


def name_kind(ctx: Context, cand: Candidate) -> str:
    """full_name, initials or group."""
    if cand.source in ("group", "statistic"):
        return "group"
    words = ctx.text[cand.start : cand.end].split()
    if len(words) == 1 and INITIALS.fullmatch(words[0]):
        letters = words[0].replace(".", "")
        if sum(c.isupper() for c in letters) >= 2 or "." in words[0]:
            return "initials"
    return "full_name"


def clean_name(ctx: Context, cand: Candidate) -> str:
    """The name without ranks, honorifics, degrees or line breaks."""
    text = ctx.text[cand.start : cand.end].split(",")[0]
    words = text.split()
    prefixes = ctx.cues.folded["rank"] | ctx.cues.folded["rank_suffix"] | ctx.cues.honorific
    while len(words) > 1 and (
        words[0].lower() in prefixes or words[0].lower().rstrip(".") in prefixes
    ):
        words = words[1:]
    return " ".join(words)


def only_address(ctx: Context, cand: Candidate) -> bool:
    """True when the name is only forms of address or ranks ("Saudara", "Bapak"): nobody."""
    prefixes = ctx.cues.folded["rank"] | ctx.cues.folded["rank_suffix"] | ctx.cues.honorific
    words = ctx.text[cand.start : cand.end].split()
    return bool(words) and all(w.lower().rstrip(".,") in prefixes for w in words)
