"""People introduced by the words around their name, in running text and in forms.

- Form fields: "Nama : ZHANG WEI" (an official's field such as "Pimpinan Rapat" makes an
  official); the person's scope is the form block, up to the next blank line.
- After "bernama", "berinisial", "adalah" and list introducers, with the names listed after
  them by commas, "dan" or "serta"; initials after "berinisial" even when they spell a word.
- In apposition to a foreigner noun or a citizenship: "pengungsi Afghanistan, Hussain Nabavi,",
  and the names listed there: "dua warga negara Tiongkok, Zhang Wei dan Liu Yang, yang ...";
  without a comma in mixed case when the names close the apposition: "dua warga negara
  Tiongkok Zhang Wei dan Liu Yang diamankan".
- Speakers after a speech verb: "kata Zaeroji".
- Before an age: "ZL (35)", "Chen Wei, 34, asal ...".
- Initials, or a name in capitals, before a citizenship cue: "IN, WN Nigeria" (a verb or a
  number word in capitals is none: "PETUGAS MEMERIKSA WNA", "SEORANG WNA").
- PERSON entities of the statistical NER, when it ran.

Only an official's form field decides a role here; the others are left to ``roles.py``.
"""

from __future__ import annotations

import re

from extractors.nlp.people.context import Context
from extractors.nlp.people.cues import UPPER
from extractors.nlp.people.names import (
    INITIALS,
    head_name,
    in_headline,
    is_name_word,
    stop_word_in_name,
    tail_name,
    verb_in_capitals,
    words_in,
)
from extractors.nlp.people.types import Candidate

NOT_INITIALS = frozenset({"wna", "wni", "tka", "wn", "pt", "cv", "ud", "rt", "rw"})
CAPITAL_WORD = re.compile(r"[A-Z][A-Z'’-]+")
STATED_INITIALS = re.compile(r"(?:[A-Z]\.){2,4}|[A-Z]{2,4}(?![\w])")
LINE_BLANK = re.compile(r"\n[ \t]*\n")
TEAM_SEPARATOR = re.compile(
    r"[ \t]*[,;][ \t]*(?:\n[ \t]*)?|\n[ \t]*(?:(?:dan|serta)[ \t]+)?|[ \t]+(?:dan|serta)[ \t]+"
)
LIST_GOES_ON = re.compile(r"[ \t]*(?:dan|serta)[ \t]")
TEAM_FIELD_LINE = re.compile(r"[ \t]*[A-Z][\w .]{0,30}?[ \t]*:")  # "   Anggota   : ..."


def from_fields(ctx: Context) -> list[Candidate]:
    """Names in form fields: "Nama : ZHANG WEI"."""
    found = []
    for m in ctx.cues.field.finditer(ctx.text):
        name = head_name(ctx, m.start("name"), m.end("name"))
        if name:
            scope = field_scope(ctx, m.start())
            cand = Candidate(*name, "field", scope=scope)
            if m.group("field").lower() in ctx.cues.folded["official_field"]:
                cand.role, cand.evidence = "official", " ".join(m.group("field").split())
            found.append(cand)
    return found


def from_team_fields(ctx: Context) -> list[Candidate]:
    """Members of a team listed in a form field ("Anggota : A (Polres), B (Kodim),"), the
    list going on in the indented lines under it: each named member is an official."""
    found = []
    text = ctx.text
    for m in ctx.cues.team_field.finditer(text):
        label = " ".join(m.group("field").split())
        for start, end in team_items(text, m.end()):
            if text[start:end].lstrip()[:1].isdigit():
                continue  # "14 (empat belas) petugas": a count of officers, not a name
            name = head_name(ctx, start, end)
            if name:
                cand = Candidate(*name, "field", role="official", title=label, evidence=label)
                found.append(cand)
    return found


def team_items(text: str, pos: int) -> list[tuple[int, int]]:
    """The items of a team field's value: split at commas, semicolons and "dan", over the
    rest of its line and the lines after it that are indented, follow a line ending in a
    separator or open with "dan" (not another field, not a blank)."""
    end = text.find("\n", pos)
    end = len(text) if end < 0 else end
    line_start = pos
    while end < len(text):
        nxt = text.find("\n", end + 1)
        line = text[end + 1 : nxt if nxt >= 0 else len(text)]
        if not line.strip() or TEAM_FIELD_LINE.match(line):
            break
        # Indented, or after a line that ends in a separator, or opening with "dan": the
        # list goes on (a reader that drops indentation keeps the commas).
        goes_on = (
            line[:1].isspace()
            or text[line_start:end].rstrip().endswith((",", ";"))
            or LIST_GOES_ON.match(line) is not None
        )
        if not goes_on:
            break
        line_start, end = end + 1, nxt if nxt >= 0 else len(text)
    items, start = [], pos
    for sep in TEAM_SEPARATOR.finditer(text, pos, end):
        items.append((start, sep.start()))
        start = sep.end()
    items.append((start, end))
    return [(s, e) for s, e in items if text[s:e].strip()]


def field_scope(ctx: Context, pos: int) -> tuple[int, int]:
    """A form block: from the field's line to the next blank line."""
    start = ctx.text.rfind("\n", 0, pos) + 1
    blank = LINE_BLANK.search(ctx.text, pos)
    return (start, blank.start() if blank else len(ctx.text))


def from_intros(ctx: Context) -> list[Candidate]:
    """Names after "bernama", "berinisial", "adalah" and the names listed after them."""
    found = []
    for regex, source in ((ctx.cues.intro, "intro"), (ctx.cues.list_intro, "list")):
        for m in regex.finditer(ctx.text):
            name = head_name(ctx, m.start("name"), m.end("name"))
            if name is None and m.group("cue").lower() in ctx.cues.initials_intro:
                name = stated_initials(ctx, m.start("name"))
            if name:
                found += follow_list(ctx, name, source, m.group("cue"))
    return found


def stated_initials(ctx: Context, pos: int) -> tuple[int, int] | None:
    """Initials right after "berinisial", even when they spell a word ("WN", "AS")."""
    m = STATED_INITIALS.match(ctx.text, pos)
    return m.span() if m else None


def follow_list(ctx: Context, first: tuple[int, int], source: str, cue: str) -> list[Candidate]:
    """The first name and the names listed after it with commas, "dan" or "serta"."""
    found = [Candidate(*first, source, evidence=cue)]
    pos = first[1]
    while nxt := ctx.cues.next_name.match(ctx.text, pos):
        name = head_name(ctx, nxt.start("name"), nxt.end("name"))
        if name is None or verb_in_capitals(ctx.text[name[0] : name[1]].split()[0]):
            break  # "AN. LIU WEI DAN DIAMANKAN": a verb in capitals, not a name
        found.append(Candidate(*name, source, evidence=cue))
        pos = name[1]
    return found


def from_cue_commas(ctx: Context) -> list[Candidate]:
    """Names in apposition to a foreigner noun or a citizenship: "pengungsi Afghanistan,
    Hussain Nabavi,", "dua warga negara Tiongkok, Zhang Wei dan Liu Yang, yang ..."."""
    found = []
    for m in ctx.cues.cue_comma_name.finditer(ctx.text):
        name = head_name(ctx, m.start("name"), m.end("name"))
        if name:
            found += appositive_list(ctx, name, m.group("cue"), m.end("name"))
    for m in ctx.cues.country_comma_name.finditer(ctx.text):
        # "seorang warga negara Korea Selatan, JH, dideportasi": a name in apposition
        if not any(m.start("country") <= c.start < m.end("country") for c in ctx.countries):
            continue
        name = head_name(ctx, m.start("name"), m.end("name"))
        if name:
            found += appositive_list(ctx, name, m.group("cue"), m.end("name"))
    return found


# In a list in apposition ("tiga warga negara Filipina, A, B dan C, ditangkap") the last two
# names are joined by "dan" or "serta", and the list ends at punctuation or a lower-case word
# ("yang", a verb); otherwise only a first name closed by a comma or an age is read.
APPOSITIVE_JOIN = re.compile(r"(?<![\w])(?:dan|serta)(?![\w])")
APPOSITIVE_CLOSE = re.compile(r"[ \t]*+(?:[,.;:(\n]|\Z|[a-z])")
APPOSITIVE_ONE = re.compile(r"[ \t]*[,(]")


def appositive_list(
    ctx: Context, first: tuple[int, int], cue: str, matched_end: int
) -> list[Candidate]:
    """The name in apposition and the names listed after it, as ``follow_list`` reads them,
    when the list is closed as ``APPOSITIVE_CLOSE`` says; else the first name alone when
    the words matched as a name (``matched_end``) are closed by a comma or an age."""
    found = follow_list(ctx, first, "intro", cue)
    text = ctx.text
    if (
        len(found) > 1
        and APPOSITIVE_JOIN.search(text, found[-2].end, found[-1].start)
        and APPOSITIVE_CLOSE.match(text, found[-1].end)
    ):
        return found
    return found[:1] if APPOSITIVE_ONE.match(text, matched_end) else []


# "Dua warga negara Tiongkok Zhang Wei dan Liu Yang diamankan ...": names right after a
# cued citizenship, with blanks alone between, on a line in mixed case.
BLANKS_TO_NAME = re.compile(rf"[ \t]++(?=[{UPPER}])")
MIN_BARE_NAME_WORDS = 2


def from_country_names(ctx: Context) -> list[Candidate]:
    """Names in apposition to a citizenship without a comma: "warga negara Vietnam Nguyen
    Van Hai ditangkap", "dua TKA asal India A dan B diperiksa". The names must close the
    apposition (``closed_list``) and the first have two words at least (one word after a
    country may be part of a place: "asal Australia Barat di ..."); a headline or a line in
    capitals, where every word is capitalised, names no one this way."""
    found = []
    for country in ctx.countries:
        if country.status != "cued" or country.cue == "apposition":
            continue
        gap = BLANKS_TO_NAME.match(ctx.text, country.end)
        if gap is None or in_headline(ctx, gap.end()) or in_capitals(ctx, gap.end()):
            continue
        m = ctx.cues.name_here.match(ctx.text, gap.end())
        name = head_name(ctx, m.start(), m.end()) if m else None
        if name and len(ctx.text[name[0] : name[1]].split()) >= MIN_BARE_NAME_WORDS:
            found += closed_list(ctx, name, country.cue)
    return found


def closed_list(ctx: Context, first: tuple[int, int], cue: str) -> list[Candidate]:
    """The names listed from ``first`` as ``follow_list`` reads them, up to the last one
    that closes the list as ``APPOSITIVE_CLOSE`` says (the last two joined by "dan" or
    "serta"); nothing when no name closes it."""
    found = follow_list(ctx, first, "intro", cue)
    text = ctx.text
    while found:
        joined = len(found) == 1 or APPOSITIVE_JOIN.search(text, found[-2].end, found[-1].start)
        if joined and APPOSITIVE_CLOSE.match(text, found[-1].end):
            return found
        found = found[:-1]
    return []


def in_capitals(ctx: Context, pos: int) -> bool:
    """True when the line holding ``pos`` has no lower-case letter."""
    start = ctx.text.rfind("\n", 0, pos) + 1
    end = ctx.text.find("\n", pos)
    line = ctx.text[start : end if end >= 0 else len(ctx.text)]
    return not any(c.islower() for c in line)


def from_quotes(ctx: Context) -> list[Candidate]:
    """Speakers named after a speech verb: "kata Zaeroji saat ..."."""
    found = []
    for m in ctx.cues.quote_name.finditer(ctx.text):
        name = head_name(ctx, m.start("name"), m.end("name"))
        if name:
            found.append(Candidate(*name, "quote", evidence=m.group("cue")))
    return found


def from_ages(ctx: Context) -> list[Candidate]:
    """Initials or names written before an age: "ZL (35)", "Chen Wei, 34, asal ..."."""
    found = []
    for m in ctx.cues.age_name.finditer(ctx.text):
        name, _ = tail_name(ctx, m.start("name"), m.end("name"))
        if name is None:
            word = ctx.text[m.start("name") : m.end("name")].split()[-1]
            end = m.end("name")
            # Initials that are also country codes or stop words ("IN", "AS") still count.
            upper = sum(c.isupper() for c in word)
            if INITIALS.fullmatch(word) and upper >= 2 and word.lower() not in NOT_INITIALS:
                name = (end - len(word), end)
        if name:
            found.append(Candidate(*name, "age", evidence="age"))
    return found


def from_initials(ctx: Context) -> list[Candidate]:
    """Initials followed by a citizenship cue: "IN, WN Nigeria"."""
    found = []
    for m in ctx.cues.initials_cue.finditer(ctx.text):
        word = m.group("name")
        if sum(c.isupper() for c in word) < 2 or word.lower() in ctx.cues.stop:
            continue
        if not_a_name_in_capitals(ctx, word) and "," not in ctx.text[m.end() : m.end() + 3]:
            continue  # "PETUGAS MEMERIKSA WNA", "MENDATA SEORANG WNA": a verb, a count
        if ctx.is_covered(*m.span("name")):
            continue
        start = capitals_before(ctx, m.start("name"))
        source = "initials" if start == m.start("name") else "capitals"
        found.append(Candidate(start, m.end("name"), source, evidence="initials"))
    return found


def capitals_before(ctx: Context, pos: int) -> int:
    """Start of a name in capitals ending at ``pos`` ("ZHANG HUA, WN RRT"): the words in
    capitals before it on its line, or ``pos`` itself."""
    start = pos
    for ws, we, word in reversed(words_in(ctx, ctx.text.rfind("\n", 0, pos) + 1, pos)):
        if word.lower() == "alias" and start == pos:
            continue  # "JOSE SANTOS alias JOMAR": the alias follows the name
        if not CAPITAL_WORD.fullmatch(word) or not is_name_word(ctx, word, ws, we):
            break
        if not_a_name_in_capitals(ctx, word):
            break
        start = ws
    return start


def not_a_name_in_capitals(ctx: Context, word: str) -> bool:
    """True for a word in capitals that is a verb with a verbal prefix or a number word
    ("MENDATA", "SEORANG"): what stands before a name, not a word of it."""
    return verb_in_capitals(word) or word.lower() in ctx.cues.numbers


def from_ner(ctx: Context) -> list[Candidate]:
    """PERSON entities of the statistical NER, when it ran (a name holds no digit: a letter
    number the model took for a name is dropped)."""
    return [
        Candidate(e.start_char, e.end_char, "ner")
        for e in ctx.doc.ents
        if e.label_ == "PERSON" and not any(c.isdigit() for c in e.text)
    ]


# A list item that opens with a name and then its citizenship: "b. KANG MIN-SEOK, Korsel,
# paspor ...", "3. Taim alias Timo, PNG, tanpa dokumen", "1. ZHANG WEI, WN RRT, ...".
ITEM_PERSON = re.compile(
    r"^[ \t]*+(?:\d{1,2}|[a-zA-Z])[.)][ \t]++"
    r"(?P<name>[A-Z][\w'’.-]*+"
    r"(?:[ \t]++(?:[A-Z][\w'’.-]*+|bin|binti|dela|de|van|der|al|alias)){0,7})"
    r"[ \t]*+,[ \t]*+(?:(?i:WNA|WN|warga[ \t]+negara)[ \t]++)?",
    re.MULTILINE,
)
ITEM_FIELD_END = re.compile(r"[ \t]*+(?:[,;.(]|$)", re.MULTILINE)
NAME_PARTICLES = frozenset({"bin", "binti", "dela", "de", "van", "der", "al", "alias"})


def from_list_items(ctx: Context) -> list[Candidate]:
    """A numbered or lettered item whose first field is a name and whose second is a
    citizenship: one foreign national (or a WNI, another person) per item."""
    found = []
    countries = {c.start: c for c in ctx.countries if c.status != "blocked"}
    for m in ITEM_PERSON.finditer(ctx.text):
        country = countries.get(m.end())
        if country is None or not ITEM_FIELD_END.match(ctx.text, country.end):
            continue
        if not m.group("name").isupper() and has_stop_word(ctx, *m.span("name")):
            continue
        if ctx.is_covered(*m.span("name")):
            continue
        role, code = ("other", None) if country.code == "ID" else ("foreign_national", country.code)
        found.append(
            Candidate(
                *m.span("name"),
                "item",
                role=role,
                nationality=code,
                evidence=" ".join(ctx.text[m.end("name") : country.end].strip(" ,").split()),
            )
        )
    return found


def has_stop_word(ctx: Context, start: int, end: int) -> bool:
    """True when a word of the range (particles aside) is a stop word that is no name word
    here: a capitalised "Yang" after a name word is the Chinese name ("3. Liu Yang, Tiongkok,
    ..."), a month word after one part of the name ("2. Tan Mei Ling, Malaysia, ...")."""
    return any(
        w.lower().strip(".") in ctx.cues.stop and not stop_word_in_name(ctx, w, s, e)
        for s, e, w in words_in(ctx, start, end)
        if w.lower() not in NAME_PARTICLES
    )
