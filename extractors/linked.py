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
from collections import defaultdict
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
MAX_PLACES = 8
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

    def columns(self) -> dict[str, str | None]:
        """The row's values as stored (`linked_fact`): region as province and regency."""
        region = self.region
        return {
            "nationality": self.nationality,
            "incident": self.incident,
            "status": self.status,
            "province": region[:2] if region else None,
            "regency": region[:5] if region and len(region) >= 5 else None,
            "month": self.month,
            "date": self.date[:10] if self.date else None,
        }


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
    """Indexes a document's facts by sentence, paragraph and kind once, so linking takes
    time in proportion to the facts and the people, however long the document."""

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
        self.document_places = _bounded(sorted({facts[i].value or "" for i in self.places}))
        breaks = {number: _paragraph_starts(text) for number, text in pages.items()}
        self.paragraph = [
            (f.page, bisect.bisect_right(breaks.get(f.page, [0]), f.start)) for f in facts
        ]
        # A sentence as segmented, cut at paragraph breaks (a heading without a full stop
        # runs into the paragraph below it).
        self.scope = [(f.page, f.sentence, self.paragraph[i][1]) for i, f in enumerate(facts)]
        self.places_by_scope: dict[Scope, list[str]] = defaultdict(list)
        self.places_by_paragraph: dict[tuple[int, int], list[str]] = defaultdict(list)
        for i in self.places:
            self.places_by_scope[self.scope[i]].append(facts[i].value or "")
            self.places_by_paragraph[self.paragraph[i]].append(facts[i].value or "")
        self.date_by_scope: dict[Scope, tuple[int, str]] = {}  # the first date, by position
        self.date_by_paragraph: dict[tuple[int, int], tuple[int, str]] = {}
        self.stated_by_scope: dict[Scope, set[str]] = defaultdict(set)
        self.named_by_scope: dict[Scope, set[str]] = defaultdict(set)
        self.incidents = [i for i, f in enumerate(facts) if f.kind == FactKind.INCIDENT and f.value]
        self.loose_by_scope: dict[Scope, list[int]] = defaultdict(list)  # naming nobody
        self.loose_by_label: dict[str, list[int]] = defaultdict(list)
        for i, fact in enumerate(facts):
            if fact.kind == FactKind.DATE and fact.value and _month(fact.value):
                self.date_by_scope.setdefault(self.scope[i], (i, fact.value))
                self.date_by_paragraph.setdefault(self.paragraph[i], (i, fact.value))
            elif fact.kind == FactKind.NATIONALITY and fact.value:
                self.stated_by_scope[self.scope[i]].add(fact.value)
            elif fact.kind == FactKind.FOREIGN_NATIONAL:
                nationality = fact.attributes.get("nationality")
                if isinstance(nationality, str):
                    self.named_by_scope[self.scope[i]].add(nationality)
        spans: dict[tuple[int, int, int], list[int]] = defaultdict(list)
        self.person_facts: dict[int, list[int]] = defaultdict(list)  # page -> fact indexes
        for number, (_, mention) in enumerate(self.people_list):
            for i in mention.fact_indexes:
                spans[(facts[i].page, facts[i].start, facts[i].end)].append(number)
                self.person_facts[facts[i].page].append(i)
        self.owner = {i: n for n, (_, m) in enumerate(self.people_list) for i in m.fact_indexes}
        self.concerned: dict[int, set[int]] = {}  # incident -> people (positions) it names
        for i in self.incidents:
            concerns = facts[i].attributes.get("concerns")
            if not (isinstance(concerns, list) and concerns):
                self.loose_by_scope[self.scope[i]].append(i)
                self.loose_by_label[facts[i].value or ""].append(i)
                continue
            people: set[int] = set()
            for concern in concerns:
                if not isinstance(concern, dict):
                    continue
                page, start, end = concern.get("page"), concern.get("start"), concern.get("end")
                if not (isinstance(page, int) and isinstance(start, int) and isinstance(end, int)):
                    continue
                exact = spans.get((page, start, end))
                if exact:
                    people.update(exact)
                    continue
                for j in self.person_facts.get(page, []):
                    if _overlaps(concern, [(facts[j].page, facts[j].start, facts[j].end)]):
                        people.add(self.owner[j])
            self.concerned[i] = people

    @property
    def people_list(self) -> list[tuple[int | None, MentionDraft]]:
        if not hasattr(self, "_people"):
            self._people = self.people()
        return self._people

    def rows(self) -> set[LinkedRow]:
        found: set[LinkedRow] = set()
        linked: set[int] = set()
        by_person: dict[int, list[int]] = defaultdict(list)
        for incident, people in self.concerned.items():
            for position in people:
                by_person[position].append(incident)
        for position, (number, mention) in enumerate(self.people_list):
            incidents = self.incidents_of(mention, by_person.get(position, []))
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
                fact = self.facts[index]
                key = self.scope[index]
                regions = self.places_in({key}) or person_places
                date = self.date_in({key}) or person_date
                status = _status(fact)
                for region in regions or NOWHERE:
                    found.add(LinkedRow(number, nationality, fact.value, status, region, date))
            for label in sorted(set(mention.incidents) - {self.facts[i].value for i in incidents}):
                # A label on the person (a table's column) with no incident fact of its own.
                for region in person_places or NOWHERE:
                    found.add(LinkedRow(number, nationality, label, None, region, person_date))
        for index in self.incidents:
            if index in linked:
                continue
            loose = self.facts[index]
            key = self.scope[index]
            paragraph = {self.paragraph[index]}
            regions = (
                self.places_in({key})
                or self.places_in_paragraphs(paragraph)
                or self.document_places
            )
            date = self.date_in({key}) or self.date_in_paragraphs(paragraph) or self.document_date
            status = _status(loose)
            for nationality in self.unnamed_nationalities(key) or NOWHERE:
                for region in regions or NOWHERE:
                    found.add(LinkedRow(None, nationality, loose.value, status, region, date))
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

    def incidents_of(self, mention: MentionDraft, named: list[int]) -> list[int]:
        """Indexes of the incident facts that concern this person: those naming them
        (`named`), and those naming nobody with a label the person carries, in the
        person's sentences or, failing that, anywhere ("Ia diamankan.")."""
        labels = set(mention.incidents)
        found = set(named)
        for scope in self.sentences_of(mention):
            found.update(
                i for i in self.loose_by_scope.get(scope, []) if self.facts[i].value in labels
            )
        covered = {self.facts[i].value for i in found}
        for label in labels - covered:
            found.update(self.loose_by_label.get(label, []))
        return sorted(found)

    def places_in(self, sentences: set[Scope]) -> list[str]:
        return _bounded(sorted({p for s in sentences for p in self.places_by_scope.get(s, [])}))

    def places_in_paragraphs(self, paragraphs: set[tuple[int, int]]) -> list[str]:
        return _bounded(
            sorted({p for q in paragraphs for p in self.places_by_paragraph.get(q, [])})
        )

    def date_in(self, sentences: set[Scope]) -> str | None:
        """The first date (to the month at least) stated in these sentences."""
        dates = [self.date_by_scope[s] for s in sentences if s in self.date_by_scope]
        return min(dates)[1] if dates else None

    def date_in_paragraphs(self, paragraphs: set[tuple[int, int]]) -> str | None:
        """The first date (to the month at least) stated in these paragraphs."""
        dates = [self.date_by_paragraph[p] for p in paragraphs if p in self.date_by_paragraph]
        return min(dates)[1] if dates else None

    def unnamed_nationalities(self, sentence: Scope) -> list[str]:
        """Citizenships the sentence states beyond those of the people it names."""
        return sorted(
            self.stated_by_scope.get(sentence, set()) - self.named_by_scope.get(sentence, set())
        )


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


def _bounded(regions: list[str]) -> list[str]:
    """Regions to place one person or incident in; a list of more than `MAX_PLACES` (a
    table of regions, a long itinerary) places them nowhere in particular."""
    return regions if len(regions) <= MAX_PLACES else []


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
