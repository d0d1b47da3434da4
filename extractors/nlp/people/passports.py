"""Passports: each passport number goes to the named foreigner it belongs to.

Reads ``doc.spans["identifier"]`` (``pantau_identifiers``). A passport number belongs to the
nearest named foreigner before it in the same sentence or form block, else to the nearest
after it; a foreigner keeps the first number given (a record's own passport cell included).
"""

from __future__ import annotations

from extractors.nlp.people.context import Context
from extractors.nlp.people.types import Candidate


def tie_passports(ctx: Context, kept: list[Candidate]) -> None:
    """Give each passport number to the nearest named foreigner before it (else after)."""
    people = [
        c for c in kept if c.role == "foreign_national" and c.source not in ("group", "statistic")
    ]
    for ident in ctx.doc.spans.get("identifier", []):
        if ident._.id_kind != "passport":
            continue
        start = ident.start_char
        choices = [p for p in people if same_scope(ctx, p, start)]
        before = [p for p in choices if p.end <= start]
        after = [p for p in choices if p.start >= ident.end_char]
        owner = max(before, key=lambda p: p.end) if before else None
        owner = owner or (min(after, key=lambda p: p.start) if after else None)
        if owner is not None and owner.passport is None:
            owner.passport = ident._.value


def same_scope(ctx: Context, cand: Candidate, pos: int) -> bool:
    """True when ``pos`` lies in the candidate's sentence or form block."""
    lo, hi = cand.scope or ctx.scope(cand.start)
    return lo <= pos < hi
