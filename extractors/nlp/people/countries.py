"""The citizenship cue that belongs to a candidate: the nearest one in its sentence.

Only cued and suspected countries count (``citizenship.py``). The nearest is the one with
the fewest characters between it and the name, a conjunction in between counting as more; on a
tie the one after the name wins, and none farther than ``MAX_PERSON_GAP`` counts. A cue after
an active verb of which the name is the subject is the object's ("A dan B memeriksa dua warga
negara Malaysia"), unless the verb links the name to it ("merupakan", "mengaku"). Names found
by their age, an introducer, a form field or their initials, with no cue in their own sentence,
take the last cue of the sentence before (of the two before, after "bernama" or a list
introducer such as "yakni").
"""

from __future__ import annotations

import re

from extractors.nlp.people.context import Context
from extractors.nlp.people.types import Candidate, Country

MAX_PERSON_GAP = 150  # characters between a person and the citizenship cue that names it
CONJUNCTION = re.compile(r"\b(?:dan|serta|sedangkan|sementara)\b|;", re.IGNORECASE)
CONJUNCTION_PENALTY = 30
# Cues written after the person they describe ("MH (28) asal Bangladesh").
POSTPOSED_CUES = frozenset(
    {"asal", "berasal dari", "dari", "kebangsaan", "berkebangsaan", "kewarganegaraan",
     "berkewarganegaraan", "warga negara", "wn", "wna", "warga"}
)  # fmt: skip
_AGE = r"(?:[ \t]*,?[ \t]*\([ \t]*\d{1,3}[^()\n]{0,8}\))?"
# What stands between a name and a cue that it shares with the names joined to it.
SHARED_CUE = re.compile(
    rf"{_AGE}(?:[ \t]*,[ \t]*|[ \t]+)(?:dan|serta)[ \t]+"
    rf"[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){{0,4}}{_AGE}[ \t]*,?[ \t]*"
)
# "A dan B, serta seorang pencari suaka asal Sudan, C": the cue after "serta seorang"
# introduces someone else.
NEW_PERSON = re.compile(
    r"\b(?:dan|serta)[ \t\n]+(?:juga[ \t]+)?(?:seorang|satu[ \t]+orang)\b", re.IGNORECASE
)
# "A dan B memeriksa dua warga negara Malaysia": a cue after an active verb of which the name is
# the subject belongs to the verb's object (the words of ``linking_verb`` say the name's own).
# The name is the subject when only the rest of its list ("dan B", ages, a closing comma) and
# adverbs stand before the verb; in "Selain A, Tim Pora mengamankan 16 TKA China lainnya" the
# team is, and the cue may still be A's.
_NAME = r"[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,4}"
SUBJECT_VERB = re.compile(
    rf"{_AGE}(?:(?:[ \t]*,[ \t]*{_NAME}{_AGE})*[ \t]*,?[ \t]*(?:dan|serta)[ \t]+{_NAME}{_AGE})?"
    r"[ \t]*,?[ \t]*(?:(?:juga|pun|kemudian|lalu|langsung|telah|sudah|sempat|segera|turut)[ \t]+)*"
    r"(?P<verb>me[a-z]+)(?![\w-])"
)
LIST_LOOK_BACK_SENTENCES = 2  # a list of names introduced by "bernama" may refer further back
LOOK_BACK_SOURCES = frozenset({"age", "intro", "list", "field", "initials", "capitals"})


def nearest_country(ctx: Context, cand: Candidate) -> Country | None:
    """The nearest citizenship cue in the candidate's sentence (the following one on ties).

    Names listed or aged in a sentence of their own ("Mereka adalah Xu Guiyi (40), ...")
    take the last cue of the sentence before.
    """
    found = nearest_in(ctx, cand, cand.scope or ctx.scope(cand.start))
    if found is None and cand.source in LOOK_BACK_SOURCES:
        back = LIST_LOOK_BACK_SENTENCES if cand.source in ("intro", "list") else None
        lo, hi = ctx.sentences.before(cand.start, back)
        earlier = [
            c
            for c in ctx.countries
            if lo <= c.start and c.end <= hi and c.status in ("cued", "suspected")
        ]
        found = earlier[-1] if earlier else None
    return found


def nearest_in(ctx: Context, cand: Candidate, bounds: tuple[int, int]) -> Country | None:
    """The nearest citizenship cue within the bounds."""
    lo, hi = bounds
    best, best_key = None, None
    for c in ctx.countries:
        if c.status not in ("cued", "suspected") or c.start < lo or c.end > hi:
            continue
        key = (gap(ctx, cand, c), 0 if c.start >= cand.start else 1)
        if best_key is None or key < best_key:
            best, best_key = c, key
    if best is not None and best_key is not None and best_key[0] > MAX_PERSON_GAP:
        return None
    return best


def gap(ctx: Context, cand: Candidate, country: Country) -> int:
    """Characters between a candidate and a country's cue; a conjunction adds distance.

    In an enumeration each item's own cue follows it ("AR (31) asal Pakistan, MH (28) asal
    Bangladesh"): a cue written after the name it describes ("asal X") does not reach over
    a comma to the next item, and names joined by "dan" before one cue share it ("SK (40)
    dan NK (36) asal Afganistan")."""
    if country.start >= cand.end:
        between = (cand.end, max(cand.end, country.cue_start))
    else:
        between = (country.end, cand.start)
    chars = max(between[1] - between[0], 0)
    if country.start >= cand.end and SHARED_CUE.fullmatch(ctx.text, *between):
        return chars
    if country.start >= cand.end and (
        NEW_PERSON.search(ctx.text, *between) or object_of_verb(ctx, *between)
    ):
        return MAX_PERSON_GAP + 1
    if CONJUNCTION.search(ctx.text, *between) or (
        country.start < cand.start
        and country.cue.lower() in POSTPOSED_CUES
        and "," in ctx.text[between[0] : between[1]]
    ):
        chars += CONJUNCTION_PENALTY
    return chars


def object_of_verb(ctx: Context, start: int, end: int) -> bool:
    """True when the name ending at ``start`` is the subject of an active verb before ``end``
    that does not link it to its citizenship: what follows the verb is its object ("A dan B
    memeriksa dua WNA asal X")."""
    m = SUBJECT_VERB.match(ctx.text, start, end)
    return m is not None and m.group("verb") not in ctx.cues.folded["linking_verb"]


def evidence_of(ctx: Context, country: Country) -> str:
    """The cue text and country as written."""
    name = ctx.text[country.start : country.end]
    if country.cue == "apposition":
        return name
    return " ".join(f"{country.cue} {name}".split())
