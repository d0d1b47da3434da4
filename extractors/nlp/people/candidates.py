"""Candidates: every rule's people and groups, overlaps settled, aliases split off.

The rules run in a fixed order (officials first, then people introduced by the words around
them, the NER, groups and statistics); their candidates are cleaned (``refine.py``), joined
by the people of tables and forms (``records.py``), and where two overlap the more specific
rule wins (``SOURCE_RANK``), then the longer span. "Peter Wanma alias Piter" is one person
with an alias.
"""

from __future__ import annotations

import re

from extractors.nlp.people.context import Context
from extractors.nlp.people.groups import from_groups, from_statistics
from extractors.nlp.people.lists import find_initials_lists
from extractors.nlp.people.named import (
    from_ages,
    from_country_names,
    from_cue_commas,
    from_fields,
    from_initials,
    from_intros,
    from_list_items,
    from_ner,
    from_quotes,
    from_team_fields,
)
from extractors.nlp.people.names import clean_name
from extractors.nlp.people.officials import (
    from_agency_items,
    from_appositions,
    from_bylines,
    from_nip_items,
    from_ranks,
    from_signatures,
    from_titles,
)
from extractors.nlp.people.records import with_records
from extractors.nlp.people.refine import refine_candidates
from extractors.nlp.people.types import Candidate

# Lower source rank wins when two candidates overlap.
SOURCE_RANK = {
    "record": -1,  # a table row or form block about the person (records.py)
    "title": 0,
    "rank": 0,
    "signature": 0,
    "apposition": 1,
    "byline": 1,
    "capitals": 1,
    "item": 1,  # a list item: name, then citizenship (named.py)
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
ALIAS = re.compile(r"[ \t]+(?i:alias|als\.?|a\.k\.a\.?)[ \t]+")
FINDERS = (
    from_titles,
    from_ranks,
    from_signatures,
    from_appositions,
    from_agency_items,
    from_nip_items,
    from_bylines,
    from_fields,
    from_team_fields,
    from_intros,
    from_cue_commas,
    from_country_names,
    from_quotes,
    from_ages,
    from_initials,
    from_list_items,
    find_initials_lists,
    from_ner,
    from_groups,
    from_statistics,
)


def find_candidates(ctx: Context) -> list[Candidate]:
    """The people and groups of the document, one candidate per person, roles still open."""
    candidates = with_records(ctx, refine_candidates(ctx, collect(ctx)))
    return split_aliases(ctx, resolve(candidates))


def collect(ctx: Context) -> list[Candidate]:
    """Candidates from every rule."""
    found: list[Candidate] = []
    for finder in FINDERS:
        found += finder(ctx)
    return found


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
            previous.aliases.append(clean_name(ctx, cand))
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
