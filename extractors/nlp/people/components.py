"""The people components of the pipeline, run one after the other.

- ``pantau_people_candidates`` reads the document once (``Context``: sentences, countries and
  the ranges no name covers) and finds its people and groups (``candidates.py``);
- ``pantau_people_roles`` decides each one's role and nationality (``roles.py``, ``lists.py``),
  the document's only nationality, passports and aliases;
- ``pantau_people_spans`` writes ``doc.spans["person"]`` (``output.py``), ties each record of
  a table or form to its person span, and sets ``doc._.nationalities``.

The Context and the candidates pass from one component to the next in ``doc.user_data``; the
last component takes them off the Doc.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from extractors.nlp.gazetteer import data_path
from extractors.nlp.people.candidates import find_candidates
from extractors.nlp.people.context import Context
from extractors.nlp.people.cues import Cues
from extractors.nlp.people.lists import settle_lists
from extractors.nlp.people.nationalities import (
    apply_only_nationality,
    document_nationalities,
    foreign_codes,
)
from extractors.nlp.people.output import SPAN_KEY, to_span
from extractors.nlp.people.passports import tie_passports
from extractors.nlp.people.records import mark_records
from extractors.nlp.people.refine import link_aliases
from extractors.nlp.people.roles import (
    assign_roles,
    drop_named_groups,
    unify_foreigners,
    unify_officials,
)
from extractors.nlp.people.types import Candidate

COMPONENTS = ("pantau_people_candidates", "pantau_people_roles", "pantau_people_spans")
STATE_KEY = "pantau_people"


@dataclass
class People:
    """A document's people between the components: its Context and the candidates so far."""

    ctx: Context
    kept: list[Candidate]


def people_of(doc: Doc, component: str) -> People:
    """The people the component before left on the Doc."""
    people = doc.user_data.get(STATE_KEY)
    if not isinstance(people, People):
        raise ValueError(f"{component} needs pantau_people_candidates earlier in the pipeline")
    return people


@Language.factory(
    "pantau_people_candidates",
    default_config={"cues": None, "numbers": None},
    assigns=["doc.user_data"],
)
def make_candidates(
    nlp: Language, name: str, cues: str | None, numbers: str | None
) -> CandidateFinder:
    """Build the candidate finder (data paths default to the shipped files)."""
    return CandidateFinder(
        cues=Path(cues) if cues else data_path("people_cues.jsonl"),
        numbers=Path(numbers) if numbers else data_path("numbers_id.jsonl"),
    )


class CandidateFinder:
    """Finds named people and counted groups, one candidate each, roles still open."""

    def __init__(self, *, cues: Path, numbers: Path) -> None:
        self.cues = Cues(cues, numbers)

    def __call__(self, doc: Doc) -> Doc:
        ctx = Context(doc, self.cues)
        doc.user_data[STATE_KEY] = People(ctx, find_candidates(ctx))
        return doc


@Language.factory("pantau_people_roles", default_config={}, assigns=["doc.user_data"])
def make_roles(nlp: Language, name: str) -> RoleSettler:
    """Build the role settler."""
    return RoleSettler()


class RoleSettler:
    """Decides role, nationality, passport and aliases of every candidate."""

    def __call__(self, doc: Doc) -> Doc:
        people = people_of(doc, "pantau_people_roles")
        ctx, kept = people.ctx, people.kept
        assign_roles(ctx, kept)
        settle_lists(ctx, kept)
        unify_officials(ctx, kept)
        unify_foreigners(ctx, kept)
        codes = document_nationalities(ctx.text, ctx.cues, ctx.countries, foreign_codes(kept))
        apply_only_nationality(ctx.text, ctx.cues, ctx.countries, kept, codes)
        kept = drop_named_groups(ctx, kept)
        tie_passports(ctx, kept)
        link_aliases(ctx, kept)
        people.kept = kept
        return doc


@Language.factory(
    "pantau_people_spans",
    default_config={"spans_key": SPAN_KEY},
    assigns=["doc.spans", "doc._.nationalities"],
)
def make_spans(nlp: Language, name: str, spans_key: str) -> SpanWriter:
    """Build the span writer."""
    return SpanWriter(spans_key=spans_key)


class SpanWriter:
    """Writes the settled people as spans and the document's nationalities."""

    def __init__(self, *, spans_key: str) -> None:
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        people = people_of(doc, "pantau_people_spans")
        del doc.user_data[STATE_KEY]
        ctx, kept = people.ctx, people.kept
        doc.spans[self.spans_key] = [s for s in (to_span(ctx, c) for c in kept) if s is not None]
        mark_records(doc, list(doc.spans[self.spans_key]))
        doc._.nationalities = document_nationalities(
            ctx.text, ctx.cues, ctx.countries, foreign_codes(kept)
        )
        return doc
