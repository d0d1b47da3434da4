"""Linked facts: which foreign national had which incident, where and when, in one document.

Counts over a whole archive must count what the documents say about each person, not every
combination of values that occur somewhere in a letter. A document's facts are linked here
into rows of (person, nationality, incident, status, place, date):

- a person is a mention (the foreign-national facts gathered under one name), or a group
  written without names ("dua warga negara Vietnam"), counted with no person; an incident
  concerns the people its ``concerns`` spans point at, or, when it names none, the people
  whose facts carry its label in the same sentence;
- an incident's place is a place named in its own sentence, else one named with the
  person (their sentences, else their paragraph), else the document's places; its date
  likewise comes from its own sentence, the person's sentences or paragraph, and only then
  from the document's date;
- places that only address an office or route a letter never place anybody: places inside
  the letterhead, the addressee, the place-and-date line, the signatory, the copies
  (Tembusan), a meeting's venue, or an organisation's name ("Kantor Imigrasi Denpasar");
- a person without incidents still gives one row per place, so counts by nationality and
  region include them; an incident that concerns no named person gives rows of its own,
  one for each citizenship its sentence states beyond those of the people it names; a
  document with neither gives its own places and date.

Rows are deduplicated; counting distinct people or documents per combination never
multiplies.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import astuple, dataclass

from extractors.identity import MentionDraft
from models.records import Fact, FactKind

# Letter fields whose places address an office or route the letter, not a person.
OFFICE_FIELDS = frozenset(
    {"addressee", "place_date", "sender", "signatory", "signatory_nip", "cc", "meeting_place"}
)
# Fields that end the letterhead: the lines above the first of them address the sender.
HEADER_FIELDS = frozenset({"number", "nature", "attachment", "subject", "addressee", "place_date"})
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
# A Kemendagri region code: province, regency or city, district, village.
REGION_CODE = re.compile(r"\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?")


Scope = tuple[int, str, int]  # page, sentence, paragraph
NOWHERE: list[str | None] = [None]  # no place known: one row without a region


@dataclass(frozen=True)
class LinkedRow:
    """One person (by index into the document's mentions, or None) and what is linked to
    them: nationality, an incident with its status (or none), a region code, a date."""

    mention: int | None
    nationality: str | None
    incident: str | None
    status: str | None
    region: str | None
    date: str | None  # ISO, as precise as stated: "2026-07-14" or "2026-07"

    @property
    def month(self) -> str | None:
        return _month(self.date)


def link_facts(
    facts: Sequence[Fact],
    mentions: Sequence[MentionDraft],
    *,
    document_date: str | None,
    pages: Mapping[int, str] | None = None,
) -> list[LinkedRow]:
    """The linked rows of one document's facts (in reading order) and its mentions.

    `pages` (number to text) lets a place or date stated earlier in the same paragraph
    apply to the people and incidents after it; without them a page is one paragraph.
    """
    rows = _Linker(facts, mentions, document_date, pages or {}).rows()
    return sorted(rows, key=lambda row: [(v is None, str(v)) for v in astuple(row)])


class _Linker:
    def __init__(
        self,
        facts: Sequence[Fact],
        mentions: Sequence[MentionDraft],
        document_date: str | None,
        pages: Mapping[int, str],
    ) -> None:
        self.facts = facts
        self.mentions = mentions
        self.document_date = document_date if _month(document_date) else None
        self.places = placing_locations(facts)
        self.document_places = sorted({facts[i].value or "" for i in self.places})
        breaks = {number: _paragraph_starts(text) for number, text in pages.items()}
        self.paragraph = [
            (f.page, bisect.bisect_right(breaks.get(f.page, [0]), f.start)) for f in facts
        ]
        # A sentence as segmented, cut at paragraph breaks (a heading without a full stop
        # runs into the paragraph below it).
        self.scope = [(f.page, f.sentence, self.paragraph[i][1]) for i, f in enumerate(facts)]

    def rows(self) -> set[LinkedRow]:
        found: set[LinkedRow] = set()
        linked: set[int] = set()
        for number, mention in self.people():
            incidents = self.incidents_of(mention)
            linked.update(incidents)
            nationality = mention.nationality
            sentences = self.sentences_of(mention)
            paragraphs = {self.paragraph[i] for i in mention.fact_indexes}
            person_places = (
                self.places_in(sentences)
                or self.places_in_paragraphs(paragraphs)
                or self.document_places
            )
            person_date = (
                self.date_in(sentences) or self.date_in_paragraphs(paragraphs) or self.document_date
            )
            if not incidents:
                for region in person_places or NOWHERE:
                    found.add(LinkedRow(number, nationality, None, None, region, person_date))
            for index in incidents:
                incident = self.facts[index]
                key = self.scope[index]
                regions = self.places_in({key}) or person_places
                date = self.date_in({key}) or person_date
                for region in regions or NOWHERE:
                    found.add(
                        LinkedRow(
                            number,
                            nationality,
                            incident.value,
                            _status(incident),
                            region,
                            date,
                        )
                    )
            for label in sorted(set(mention.incidents) - {self.facts[i].value for i in incidents}):
                # A label on the person (a table's column) with no incident fact of its own.
                for region in person_places or NOWHERE:
                    found.add(LinkedRow(number, nationality, label, None, region, person_date))
        for index, incident in enumerate(self.facts):
            if incident.kind != FactKind.INCIDENT or not incident.value or index in linked:
                continue
            key = self.scope[index]
            paragraph = {self.paragraph[index]}
            regions = (
                self.places_in({key})
                or self.places_in_paragraphs(paragraph)
                or self.document_places
            )
            date = self.date_in({key}) or self.date_in_paragraphs(paragraph) or self.document_date
            for nationality in self.unnamed_nationalities(key) or NOWHERE:
                for region in regions or NOWHERE:
                    found.add(
                        LinkedRow(
                            None, nationality, incident.value, _status(incident), region, date
                        )
                    )
        if not found:  # nobody and nothing happened: the document's own places and date
            for region in self.document_places or NOWHERE:
                found.add(LinkedRow(None, None, None, None, region, self.document_date))
        return found

    def people(self) -> list[tuple[int | None, MentionDraft]]:
        """The named people (by mention index) and the unnamed groups ("dua warga negara
        Vietnam": a foreign-national fact without a name, index None)."""
        found: list[tuple[int | None, MentionDraft]] = list(enumerate(self.mentions))
        for index, fact in enumerate(self.facts):
            if fact.kind != FactKind.FOREIGN_NATIONAL or fact.value:
                continue
            nationality = fact.attributes.get("nationality")
            group = MentionDraft(
                key="",
                name="",
                name_kind="group",
                nationality=nationality if isinstance(nationality, str) else None,
                incidents=[str(i) for i in fact.attributes.get("incidents") or []],
                fact_indexes=[index],
            )
            found.append((None, group))
        return found

    def sentences_of(self, mention: MentionDraft) -> set[Scope]:
        return {self.scope[i] for i in mention.fact_indexes}

    def incidents_of(self, mention: MentionDraft) -> list[int]:
        """Indexes of the incident facts that concern this person."""
        spans = [
            (self.facts[i].page, self.facts[i].start, self.facts[i].end)
            for i in mention.fact_indexes
        ]
        sentences = self.sentences_of(mention)
        labels = set(mention.incidents)
        found = []
        unclaimed: dict[str, list[int]] = {}  # label -> incident facts that name nobody
        for index, fact in enumerate(self.facts):
            if fact.kind != FactKind.INCIDENT or not fact.value:
                continue
            concerns = fact.attributes.get("concerns")
            if isinstance(concerns, list) and concerns:
                if any(_overlaps(c, spans) for c in concerns if isinstance(c, dict)):
                    found.append(index)
            elif fact.value in labels and self.scope[index] in sentences:
                found.append(index)
            elif fact.value in labels:
                unclaimed.setdefault(fact.value, []).append(index)
        # A label the extractor gave the person, stated in another sentence ("Ia
        # diamankan."): the incident facts of that label that name nobody else.
        covered = {self.facts[i].value for i in found}
        for label, indexes in unclaimed.items():
            if label not in covered:
                found.extend(indexes)
        return sorted(found)

    def places_in(self, sentences: set[Scope]) -> list[str]:
        return sorted(
            {self.facts[i].value or "" for i in self.places if self.scope[i] in sentences}
        )

    def places_in_paragraphs(self, paragraphs: set[tuple[int, int]]) -> list[str]:
        return sorted(
            {self.facts[i].value or "" for i in self.places if self.paragraph[i] in paragraphs}
        )

    def date_in(self, sentences: set[Scope]) -> str | None:
        """The first date (to the month at least) stated in these sentences."""
        for index, fact in enumerate(self.facts):
            if fact.kind == FactKind.DATE and self.scope[index] in sentences and _month(fact.value):
                return fact.value
        return None

    def date_in_paragraphs(self, paragraphs: set[tuple[int, int]]) -> str | None:
        """The first date (to the month at least) stated in these paragraphs."""
        for index, fact in enumerate(self.facts):
            if (
                fact.kind == FactKind.DATE
                and self.paragraph[index] in paragraphs
                and _month(fact.value)
            ):
                return fact.value
        return None

    def unnamed_nationalities(self, sentence: Scope) -> list[str]:
        """Citizenships the sentence states beyond those of the people it names."""
        stated, named = set(), set()
        for index, fact in enumerate(self.facts):
            if self.scope[index] != sentence:
                continue
            if fact.kind == FactKind.NATIONALITY and fact.value:
                stated.add(fact.value)
            elif fact.kind == FactKind.FOREIGN_NATIONAL:  # named, or a group of its own
                nationality = fact.attributes.get("nationality")
                if isinstance(nationality, str):
                    named.add(nationality)
        return sorted(stated - named)


def placing_locations(facts: Sequence[Fact]) -> list[int]:
    """Indexes of the location facts that can place a person: regions named outside the
    letterhead, the office fields of a letter and the names of organisations."""
    office: list[tuple[int, int, int]] = []
    header_start: int | None = None
    for fact in facts:
        if fact.kind == FactKind.DOCUMENT_FIELD:
            field = fact.attributes.get("field")
            if field in OFFICE_FIELDS:
                office.append((fact.page, fact.start, fact.end))
            if field in HEADER_FIELDS and fact.page == 1:
                header_start = fact.start if header_start is None else min(header_start, fact.start)
        elif fact.kind == FactKind.ORGANISATION:
            office.append((fact.page, fact.start, fact.end))
    found = []
    for index, fact in enumerate(facts):
        if fact.kind != FactKind.LOCATION or not fact.value:
            continue
        if not REGION_CODE.fullmatch(fact.value):
            continue  # a named place without a region code
        if header_start is not None and fact.page == 1 and fact.end <= header_start:
            continue  # the letterhead's address
        if any(_inside(fact, span) for span in office):
            continue
        found.append(index)
    return found


def _paragraph_starts(text: str) -> list[int]:
    """Offsets where the paragraphs of a page start (after a blank line)."""
    return [0, *(m.end() for m in PARAGRAPH_BREAK.finditer(text))]


def _inside(fact: Fact, span: tuple[int, int, int]) -> bool:
    page, start, end = span
    return fact.page == page and start <= fact.start and fact.end <= end and end > start


def _overlaps(concern: dict[str, object], spans: Iterable[tuple[int, int, int]]) -> bool:
    page, start, end = concern.get("page"), concern.get("start"), concern.get("end")
    if not (isinstance(page, int) and isinstance(start, int) and isinstance(end, int)):
        return False
    return any(p == page and s < end and start < e for p, s, e in spans)


def _status(fact: Fact) -> str | None:
    status = fact.attributes.get("status")
    return status if isinstance(status, str) and status else None


def _month(value: str | None) -> str | None:
    if value and len(value) >= 7 and value[4] == "-" and value[:4].isdigit():
        return value[:7]
    return None
