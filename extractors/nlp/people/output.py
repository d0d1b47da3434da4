"""Person spans: ``doc.spans["person"]``, one per settled candidate, with every extension set.

Every span carries ``person_role`` (foreign_national, official, other), ``name_kind``
(full_name, initials, group), ``clean_name`` (without ranks, honorifics or degrees),
``nationality`` (ISO code; None when the text only suspects it, and for anyone but a foreign
national), ``count`` (1 for a person), ``age`` (written right after the name), ``title`` (an
official's), ``passport``, ``evidence`` (the cue that decided the role) and ``aliases``
(other forms of the same person's name in the text, e.g. a surname alone).
"""

from __future__ import annotations

from spacy.tokens import Span

from extractors.nlp.people.context import Context
from extractors.nlp.people.names import clean_name, name_kind, only_address
from extractors.nlp.people.types import Candidate

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


def to_span(ctx: Context, cand: Candidate) -> Span | None:
    """The Span for a settled candidate, with every extension set."""
    span = ctx.doc.char_span(cand.start, cand.end, label="PERSON", alignment_mode="expand")
    kind = name_kind(ctx, cand)
    if span is None or (kind != "group" and only_address(ctx, cand)):
        return None
    span._.person_role = cand.role
    span._.name_kind = kind
    span._.nationality = cand.nationality if cand.role == "foreign_national" else None
    span._.count = cand.count if kind == "group" else 1
    span._.title = cand.title if cand.role == "official" else None
    span._.evidence = cand.evidence
    span._.passport = cand.passport
    span._.aliases = list(cand.aliases)
    span._.clean_name = None if kind == "group" else clean_name(ctx, cand)
    if kind != "group":
        age = ctx.cues.age_after.match(ctx.text, cand.end)
        span._.age = int(age.group("age") or age.group("age2")) if age else None
    return span
