"""Lists of names: one nationality for every member of "A, B dan C" and lists of initials.

A foreigner list shares one citizenship cue ("delapan WNA asal Nigeria, yakni AB, CD dan EF";
"A (30), B (41) dan C, warga negara Malaysia"): the members that have no cue of their own take
the nationality of those that have one. A list in the sentence right after a list of foreigners
("Selain itu ada juga D, E dan F") continues it. Members found by an official rule (title,
rank, signature, apposition) are never changed.
"""

from __future__ import annotations

import re

from extractors.nlp.people.context import Context
from extractors.nlp.people.countries import evidence_of
from extractors.nlp.people.types import GROUP_SOURCES, OFFICIAL_SOURCES, Candidate, Country

# What may stand between two names of one list: an age, a comma, "dan", "serta"; or, in a
# list written one item per line ("1. A (34);" / "2. B (26), laki-laki; dan"), the end of an
# item and the next item's number or letter (one blank line between items at most, as in a
# web page where each item is a paragraph; a scan may read the item's ";" as ":").
LIST_GAP = re.compile(
    r"[ \t]*+(?:,?[ \t]*+\([ \t]*+\d{1,2}[ \t]*+(?:[Tt]ahun|[Tt]hn?\.?)?[ \t]*+\)"
    r"|,[ \t]*+\d{1,2}[ \t]*+"
    r"(?:tahun|thn)?(?=[ \t]*(?:,|dan|serta)))?"
    r"(?:[ \t]*+,[ \t]*+(?i:laki-laki|perempuan|pria|wanita)"
    r"(?=[ \t]*+[;,.]?[ \t]*+(?:dan[ \t]*+)?\n))?"
    r"[ \t]*+(?:,[ \t]*+(?:(?:dan|serta)[ \t]++)?|(?:dan|serta|&)[ \t]++"
    r"|[;,.:]?[ \t]*+(?:(?:dan|serta)[ \t]*+)?\n(?:[ \t]*+\n)?[ \t]*+(?:\d{1,2}|[a-z])[.)][ \t]++)",
)
INITIALS_LIST = re.compile(
    r"(?<![\w.])(?P<list>[A-Z]{2,4}(?:[ \t]*,[ \t]*[A-Z]{2,4})*[ \t]*,?[ \t]*"
    r"(?:dan|serta|&)[ \t]+[A-Z]{2,4})(?![\w]|\.\w)"
)
INITIALS_ITEM = re.compile(r"[A-Z]{2,4}")
LIST_CONTEXT = 100  # characters before a list of initials that may hold its foreigner cue
MIN_LIST = 2
# A pronoun for the people just listed, then "adalah/merupakan" and a citizenship cue.
# Without the verb, the pronoun must open the sentence ("Keduanya warga negara Indonesia").
ANAPHOR = re.compile(
    r"(?<![\w])(?i:mereka|(?:ke(?:dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh)"
    r"|semua|seluruh)nya)(?:[ \t]+(?:orang|WNA|pria|wanita|warga))?"
    r"(?:[ \t]+(?:itu|tersebut|ini))?[ \t]+(?i:adalah|merupakan|ialah|yakni|sebagai)[ \t]+\Z"
    r"|(?:\A|[.!?][\s\"']*+)(?i:mereka|ke(?:dua|tiga|empat|lima|enam|tujuh|delapan|sembilan"
    r"|sepuluh)nya)[ \t\n]+\Z"
)
ANAPHOR_SENTENCES = 2
ANAPHOR_REACH = 60
LIST_LINK = re.compile(
    r"[\s,:(]*(?:(?:itu|tersebut|ini|yakni|yaitu|adalah|ialah|masing-masing|berinisial|"
    r"bernama|antara[ \t]+lain|di[ \t]*antaranya|masing-masing[ \t]+berinisial)[\s,:(]*)*",
    re.IGNORECASE,
)


def find_initials_lists(ctx: Context) -> list[Candidate]:
    """Initials listed after a foreigner cue: "warga asal Nigeria itu AB, CD, dan EF"."""
    found: list[Candidate] = []
    text, cues = ctx.text, ctx.cues
    for m in INITIALS_LIST.finditer(text):
        if not foreign_context(ctx, m.start()):
            continue
        for item in INITIALS_ITEM.finditer(text, m.start(), m.end()):
            word = item.group()
            if word.lower() in cues.stop or word.lower() in ("dan", "serta"):
                continue
            if ctx.is_covered(*item.span()):
                continue
            found.append(Candidate(*item.span(), "initials", evidence="list of initials"))
    return found


def foreign_context(ctx: Context, pos: int) -> bool:
    """True when a foreigner noun or a citizenship cue ends right before ``pos``.

    Only linking words may stand between ("WNA asal Nigeria itu AB, CD dan EF"), so that a
    list of agencies later in a sentence about foreigners ("BIN, TNI dan Polri") is not taken.
    """
    lo = max(ctx.scope(pos)[0], pos - LIST_CONTEXT)
    ends = [m.end() for m in ctx.cues.foreign_noun_any.finditer(ctx.text, lo, pos)]
    ends += [
        c.end for c in ctx.countries if lo <= c.start and c.end <= pos and c.status != "blocked"
    ]
    return any(LIST_LINK.fullmatch(ctx.text, end, pos) for end in ends)


def name_runs(ctx: Context, kept: list[Candidate]) -> list[list[Candidate]]:
    """Runs of two or more named candidates written as one list."""
    named = [c for c in kept if c.source not in GROUP_SOURCES]
    runs: list[list[Candidate]] = []
    current: list[Candidate] = []
    for cand in named:
        if current and LIST_GAP.fullmatch(ctx.text, current[-1].end, cand.start):
            current.append(cand)
            continue
        if len(current) >= MIN_LIST:
            runs.append(current)
        current = [cand]
    if len(current) >= MIN_LIST:
        runs.append(current)
    return runs


def settle_lists(ctx: Context, kept: list[Candidate]) -> None:
    """Share role and nationality inside lists of foreigners; continue a list of foreigners."""
    previous: list[Candidate] | None = None
    runs = name_runs(ctx, kept)
    for k, run in enumerate(runs):
        free = [c for c in run if c.source not in OFFICIAL_SOURCES and c.role != "official"]
        if not free:
            continue
        stated = anaphor_country(ctx, run, runs[k + 1][0].start if k + 1 < len(runs) else None)
        if stated is not None and stated.code == "ID":
            # "A dan B. Keduanya warga negara Indonesia": said of the list itself, this
            # outweighs a nationality shared from foreigners named before it.
            for cand in free:
                cand.role, cand.nationality = "other", None
                cand.evidence = evidence_of(ctx, stated)
            continue
        foreign = [c for c in free if c.role == "foreign_national"]
        if not foreign and previous is not None and continues(ctx, previous, run):
            foreign = [c for c in previous if c.role == "foreign_national"]
        if foreign:
            share(ctx, free, foreign)
            previous = run
        elif stated is not None:
            share_country(ctx, free, stated)
            previous = run
        elif (group := partitive_group(ctx, run, kept)) is not None:
            for cand in free:
                if cand.role != "foreign_national" and not cand.local:
                    cand.role, cand.nationality = "foreign_national", group.nationality
                    cand.evidence = group.evidence
            previous = run
        elif any(c.role == "foreign_national" for c in run):
            previous = run


# "Tiga di antaranya ..., yaitu A, B dan C": members of a group counted before.
PARTITIVE = re.compile(
    r"(?<![\w])(?i:di[ \t\n]+antara(?:nya|[ \t\n]+mereka)|salah[ \t\n]+(?:satu|seorang)nya)"
    r"(?![\w])"
)
PARTITIVE_REACH = 1000  # characters back from the list to the group it is part of


def partitive_group(ctx: Context, run: list[Candidate], kept: list[Candidate]) -> Candidate | None:
    """The counted group of foreigners a list is part of ("Tiga di antaranya, yaitu A, B dan
    C"), when the list's sentence says so before its first name: the last such group with a
    nationality within ``PARTITIVE_REACH`` characters before that word."""
    lo = ctx.scope(run[0].start)[0]
    cues = list(PARTITIVE.finditer(ctx.text, lo, run[0].start))
    if not cues:
        return None
    cue = cues[-1]
    groups = [
        c
        for c in kept
        if c.source in GROUP_SOURCES
        and c.role == "foreign_national"
        and c.nationality
        and cue.start() - PARTITIVE_REACH <= c.start < cue.start()
    ]
    return groups[-1] if groups else None


def anaphor_country(ctx: Context, run: list[Candidate], until: int | None = None) -> Country | None:
    """A citizenship stated for the listed people by a pronoun after the list.

    "A, B dan C ditangkap petugas. ... padahal mereka adalah warga negara X" or
    "Keempatnya merupakan WNA asal X": the country of the first such statement in the list's
    sentence or the next ``ANAPHOR_SENTENCES`` sentences, before ``until`` (where the next
    list begins). A pronoun that counts ("keduanya") must count the list's members.
    """
    lo = run[-1].end
    hi = ctx.sentences.end_after(lo, ANAPHOR_SENTENCES)
    if until is not None:
        hi = min(hi, until)
    for country in ctx.countries:
        if country.status != "cued" or not lo <= country.cue_start < hi:
            continue
        before = ctx.text[max(lo, country.cue_start - ANAPHOR_REACH) : country.cue_start]
        found = ANAPHOR.search(before)
        if found and counted(found.group()) in (None, len(run)):
            return country
    return None


COUNTING_PRONOUN = re.compile(
    r"(?i:ke(dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh)nya)"
)
PRONOUN_COUNTS = {
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
    "sepuluh": 10,
}


def counted(pronoun: str) -> int | None:
    """How many people a pronoun counts ("keduanya" 2), None for "mereka", "semuanya"."""
    m = COUNTING_PRONOUN.search(pronoun)
    return PRONOUN_COUNTS[m.group(1).lower()] if m else None


def share_country(ctx: Context, members: list[Candidate], country: Country) -> None:
    """Make every member without a cue of their own a citizen of ``country``."""
    other_cues = ctx.cues.folded["other_cue"]
    for cand in members:
        if cand.role == "foreign_national" and (cand.nationality or cand.doubt):
            continue
        if cand.local or cand.role == "other" and (cand.evidence or "").lower() in other_cues:
            continue
        cand.evidence = evidence_of(ctx, country)
        if country.code == "ID":
            cand.role = "other"
        else:
            cand.role, cand.nationality = "foreign_national", country.code


def share(ctx: Context, members: list[Candidate], foreign: list[Candidate]) -> None:
    """Make every member a foreigner with the list's single stated nationality."""
    codes = {c.nationality for c in foreign if c.nationality}
    doubt = any(c.doubt for c in foreign)
    code = codes.pop() if len(codes) == 1 and not doubt else None
    evidence = next((c.evidence for c in foreign if c.nationality == code), None)
    other_cues = ctx.cues.folded["other_cue"]
    for cand in members:
        if cand.role == "foreign_national" and (cand.nationality or cand.doubt):
            continue
        if cand.local or cand.role == "other" and (cand.evidence or "").lower() in other_cues:
            continue  # "suami WNI-nya, Budi": an explicit non-foreigner cue
        cand.role, cand.nationality, cand.doubt = "foreign_national", code, doubt
        cand.evidence = evidence or cand.evidence


def continues(ctx: Context, previous: list[Candidate], run: list[Candidate]) -> bool:
    """True when ``run`` stands in the sentence right after the one ending ``previous``."""
    prev_sent = ctx.scope(previous[-1].start)
    run_sent = ctx.scope(run[0].start)
    if run_sent == prev_sent:
        return False
    between = ctx.text[prev_sent[1] : run_sent[0]]
    return not between.strip() and not ctx.cues.title.search(ctx.text, run_sent[0], run[0].start)
