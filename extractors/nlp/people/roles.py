"""Roles: each candidate a foreign national, an official or another person.

Candidates whose rule already decided (a title, rank, signature, byline, official form field,
record) keep that role. For the others, in order:

- a rank, a chair verb or an official title right before the name, or a title in apposition
  after it, makes an official;
- a cue of another role before or after the name (a driver, a spouse, a WNI) makes ``other``,
  and so does an Indonesian region named as where the person comes from ("asal Bitung");
- a citizenship cue near the name (``countries.py``), a foreigner noun before it, or a name
  in initials makes a foreign national, of the cued country ("ID" makes ``other``); a speaker
  after a speech verb needs a cue of their own;
- anyone else is ``other``.

Counted groups take the nearest cue when they have none. A name that repeats an official's
name is that official; a later mention of a foreigner ("Sokolov", "AK") takes the nationality
of the full one; a counted group whose members are all named right after it is dropped.
"""

from __future__ import annotations

import bisect
import re

from extractors.nlp.people.context import Context
from extractors.nlp.people.countries import LOOK_BACK_SOURCES, evidence_of, gap, nearest_country
from extractors.nlp.people.names import clean_name, name_kind
from extractors.nlp.people.officials import title_text
from extractors.nlp.people.types import GROUP_SOURCES, Candidate, Country

MAX_FOREIGN_NOUN_GAP = 80
TITLE_REACH = 250  # characters between an official title and the name it introduces
SPEAKER_REACH = 80  # characters between a speech verb and the speaker's name
SPEAKER_APPOSITION = re.compile(r"[ \t]*[,(][ \t]*(?:(?:seorang|salah[ \t]+satu)[ \t]+)?")
COUPLE = re.compile(
    r"(?i:suami[ \t-]*istri|pasutri)[ \t]*(?:(?:yang[ \t]+)?(?:berinisial|bernama|yakni|yaitu))?"
    r"[\s:]*\Z"
)


def assign_roles(ctx: Context, kept: list[Candidate]) -> None:
    """Decide role, nationality and evidence of every candidate."""
    for cand in kept:
        if cand.role == "official" or cand.role == "other" or cand.source in ("record", "item"):
            continue
        if cand.source in ("group", "statistic"):
            settle_group(ctx, cand)
            continue
        settle_person(ctx, cand)


def settle_group(ctx: Context, cand: Candidate) -> None:
    """Nationality of a group from its own cue or the nearest one."""
    if cand.nationality is None:
        country = nearest_country(ctx, cand)
        if country is not None:
            cand.nationality = country.code if country.status == "cued" else None
            cand.doubt = country.status == "suspected"
            cand.evidence = evidence_of(ctx, country) or cand.evidence
    if cand.nationality == "ID":
        cand.role = "other"


def settle_person(ctx: Context, cand: Candidate) -> None:
    """Official, other or foreign national for a named person without a rule role."""
    text = ctx.text
    official = official_context(ctx, cand)
    if official:
        cand.role, cand.title, cand.evidence = "official", official[0], official[1]
        return
    other = ctx.cues.other_before.search(text, max(0, cand.start - 30), cand.start)
    if other and COUPLE.search(text, max(0, cand.start - 40), cand.start):
        other = None  # "pasangan suami istri berinisial AB": a couple, not a spouse's role
    other = other or ctx.cues.other_after.match(text[cand.end : cand.end + 40])
    if other:
        cand.role, cand.evidence = "other", other.group("cue")
        return
    country = nearest_country(ctx, cand)
    local = local_origin(ctx, cand, stated_abroad=stated_abroad(country, cand))
    if local:
        cand.role, cand.evidence, cand.local = "other", local, True
        return
    noun = foreign_noun_before(ctx, cand)
    initials = name_kind(ctx, cand) == "initials"
    near = country is not None and (
        initials
        or cand.source in LOOK_BACK_SOURCES
        or noun
        or (cand.source == "ner" and country.start > cand.start and gap(ctx, cand, country) <= 40)
    )
    if near and country is not None and country.code == "ID" and country.status == "cued":
        cand.role, cand.evidence = "other", evidence_of(ctx, country)
        return
    if cand.source == "quote":
        # "ujar Budi": a speaker is foreign only through a cue of their own
        if not speaker_is_foreign(ctx, cand):
            cand.role = "other"
            return
        near = country is not None
    if near or noun or initials:
        cand.role = "foreign_national"
        if near and country is not None:
            cand.nationality = country.code if country.status == "cued" else None
            cand.doubt = country.status == "suspected"
            cand.evidence = evidence_of(ctx, country)
        else:
            cand.evidence = noun or "initials"
        return
    cand.role, cand.evidence = "other", cand.evidence or "no foreigner cue"


def local_origin(ctx: Context, cand: Candidate, *, stated_abroad: bool) -> str | None:
    """ "asal Bitung", "warga Desa Pererenan" right after the name: an Indonesian region
    named as where the person comes from or lives, so a local resident.

    Where someone lives ("tinggal di Medan") does not outweigh a citizenship of another
    country stated for them (``stated_abroad``): foreigners live in Indonesia too.
    """
    m = ctx.cues.local_after.match(ctx.text, cand.end)
    if m is None or m.end() - cand.end > 40 or (m.group("residence") and stated_abroad):
        return None if stated_abroad else local_before(ctx, cand)
    for place in ctx.doc.spans.get("place", []):
        if place.start_char == m.end() and place._.region_code:
            cue = m.group("cue") or m.group("residence")
            return " ".join(f"{cue} {place.text}".split())
    return None


# "seorang warga Teluk Nibung berinisial RS": a resident of an Indonesian region named just
# before the name.
RESIDENT_BEFORE = re.compile(r"(?<![\w])(?i:warga|penduduk)[ \t]+\Z")
RESIDENT_LINK = re.compile(r"[ \t,]*+(?:(?:yang[ \t]+)?(?i:berinisial|bernama)[ \t]+)?")


def local_before(ctx: Context, cand: Candidate) -> str | None:
    """ "warga Desa Pererenan bernama X" before the name: a local resident."""
    text = ctx.text
    lo = bisect.bisect_left(ctx.region_ends, cand.start - 40)
    hi = bisect.bisect_right(ctx.region_ends, cand.start)
    for place in ctx.regions_by_end[lo:hi]:
        if not RESIDENT_LINK.fullmatch(text, place.end_char, cand.start):
            continue
        cue = RESIDENT_BEFORE.search(text, max(0, place.start_char - 12), place.start_char)
        if cue:
            return " ".join(f"{cue.group().strip()} {place.text}".split())
    return None


def stated_abroad(country: Country | None, cand: Candidate) -> bool:
    """True for a citizenship cue of a country other than Indonesia written before the name
    ("WN Nigeria bernama X"): one after it may be about someone else."""
    if country is None or country.start > cand.start:
        return False
    return country.status == "cued" and country.code != "ID"


def unify_officials(ctx: Context, kept: list[Candidate]) -> None:
    """A name that repeats an official's name (or one word of it) is that official."""
    officials: dict[str, Candidate] = {}
    for cand in kept:
        if cand.role == "official":
            for word in [clean_name(ctx, cand), *clean_name(ctx, cand).split()]:
                officials.setdefault(word.lower(), cand)
    for cand in kept:
        if cand.role == "official" or cand.source in ("byline", "group", "statistic"):
            continue
        if name_kind(ctx, cand) == "initials":
            continue
        match = officials.get(clean_name(ctx, cand).lower())
        if match is not None:
            cand.role, cand.title, cand.evidence = "official", match.title, match.evidence


def official_context(ctx: Context, cand: Candidate) -> tuple[str | None, str] | None:
    """(title, evidence) when a rank or title stands right before or after the name."""
    text, cues = ctx.text, ctx.cues
    window = text[max(ctx.scope(cand.start)[0], cand.start - 120) : cand.start]
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
    long_window = text[max(ctx.scope(cand.start)[0], cand.start - TITLE_REACH) : cand.start]
    for m in reversed(list(cues.title.finditer(long_window))):
        if cues.title_gap_long.match(long_window, m.end()):
            title = " ".join(long_window[m.start() :].strip(" \t\n,").split())
            return title, title
    after = cues.appos_after.match(text, cand.end)
    if after:
        title = title_text(ctx, after.start("title"))
        return title, title
    return None


def foreign_noun_before(ctx: Context, cand: Candidate) -> str | None:
    """A foreigner noun ("WNA", "TKA") shortly before the name in the same sentence."""
    lo = max(ctx.scope(cand.start)[0], cand.start - MAX_FOREIGN_NOUN_GAP)
    if cand.source in LOOK_BACK_SOURCES:
        lo = min(lo, ctx.sentences.before(cand.start)[0])
    nouns = list(ctx.cues.foreign_noun.finditer(ctx.text, lo, cand.start))
    return nouns[-1].group("cue") if nouns else None


def unify_foreigners(ctx: Context, kept: list[Candidate]) -> None:
    """Later mentions of a foreigner ("Sokolov", "AK") take the nationality of the full one."""
    known = [
        (c, set(clean_name(ctx, c).lower().split()))
        for c in kept
        if c.role == "foreign_national" and c.nationality and c.source not in GROUP_SOURCES
    ]
    for cand in kept:
        if cand.source in GROUP_SOURCES or cand.nationality or cand.doubt:
            continue
        if cand.role == "other" and cand.evidence not in (None, "no foreigner cue", "initials"):
            continue
        if cand.role not in ("foreign_national", "other"):
            continue
        words = set(clean_name(ctx, cand).lower().split())
        initials = name_kind(ctx, cand) == "initials"
        match = [c for c, w in known if c is not cand and (w == words if initials else words <= w)]
        codes = {c.nationality for c in match}
        if len(codes) == 1:
            cand.role, cand.nationality = "foreign_national", codes.pop()
            cand.evidence = match[0].evidence


def speaker_is_foreign(ctx: Context, cand: Candidate) -> bool:
    """True when a speaker's own words say they are foreign.

    "kata seorang pengungsi, Ali" and "ujar Ali, warga negara Irak" name a foreigner;
    "kata Ali" does not, whatever country the sentence mentions.
    """
    lo = max(ctx.scope(cand.start)[0], cand.start - SPEAKER_REACH)
    window = ctx.text[lo : cand.start]
    verbs = list(re.finditer(r"\S+", window))
    last_verb = next(
        (m for m in reversed(verbs) if m.group().lower() in ctx.cues.folded["quote_verb"]),
        None,
    )
    start = lo + (last_verb.end() if last_verb else 0)
    if ctx.cues.foreign_noun.search(ctx.text, start, cand.start):
        return True
    after = SPEAKER_APPOSITION.match(ctx.text, cand.end)
    if after and ctx.cues.foreign_noun_any.match(ctx.text, after.end()):
        return True
    return any(c.status == "cued" and c.cue_start == after.end() for c in ctx.countries if after)


def drop_named_groups(ctx: Context, kept: list[Candidate]) -> list[Candidate]:
    """Drop a counted group whose members are all named right after it."""
    out = []
    for cand in kept:
        if cand.source == "group" and cand.count:
            hi = ctx.sentences.end_after(cand.start)
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
