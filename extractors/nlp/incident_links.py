"""Links between incidents and the foreign nationals they concern.

Reads the person spans of ``pantau_people_spans`` (``doc.spans["person"]``) and the incident spans
just found, and sets ``span._.concerns`` on every incident span (sorted ``(start_char,
end_char)`` of the foreign-national person spans it concerns; empty unless the incident counts)
and ``span._.incidents`` on every person span (sorted labels of the counted incidents that
concern the person; always empty for officials and other persons).

Indonesian text structure decides the link:

- the foreigner nearest to the cue in its sentence, on the side the verb form expects (the
  object of "mengamankan", the subject of "diamankan" or "overstay"), never across a contrast
  word ("sedangkan", ";");
- coordinated foreigners ("A (30) dan B (28)") and a group with its members named right after
  it ("tiga WNA, yakni A, B dan C"; "Mereka adalah A, B") are linked together;
- anaphors ("yang bersangkutan", "WNA tersebut", "keduanya", "mereka", "pelaku", "ia") point
  back to the most recent foreigners of a compatible number; "ia"/"dia" only when the last
  person named is not an official;
- a later mention of a part of a foreigner's name ("Liam" for "Liam Patrick O'Connell") is a
  mention of that foreigner;
- an incident written in a table row or form block (``doc._.records``) concerns the person
  of that record only (nobody when the record is about an Indonesian or a sponsor);
- an incident in a sentence that announces the identity block after its colon ("orang asing
  dengan identitas di bawah ini ... tidak sesuai dengan izin tinggalnya:") concerns that
  block's person;
- in the questions and answers of an examination record (BAP), "Saudara" and "saya" name the
  foreigner of the identity block before the first question, and so does each answer's label;
- a context label (``joint_operation``) concerns the foreigners found with a counted incident
  after it; it is not added to a person's own list.

Data: ``data/incident_links.jsonl`` (connector and contrast words, possessives, verb-side
labels, context labels, ordinal numbers, anaphor patterns and distances).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.nlp.examination import ANSWER, PARAGRAPH_END, QUESTION
from extractors.nlp.gazetteer import CompactDoc, read_jsonl
from extractors.nlp.records import records_of
from extractors.nlp.windowed import WindowedMatcher

Span.set_extension("concerns", default=None, force=True)
Span.set_extension("incidents", default=None, force=True)

COUNTED = frozenset({"reported", "planned"})
ACTIVE_PREFIXES = ("me",)
PASSIVE_PREFIXES = ("di", "ter", "ke")
NAME_TOKEN = re.compile(r"[A-ZÀ-Ý][\w'’-]{2,}")
BLOCKING_ROLES = frozenset({"official"})
LIST_MARK = re.compile(r"[ \t]*(?:\d{1,2}|[a-z])[.)][ \t]*")  # an item's number before a name
# Between two names of a list written one item per line ("1. A (34);" / "2. B (26), laki-laki;
# dan"), or between a group and the first item of the list that names its members ("keenam
# WN Bangladesh tersebut, yaitu:" / "1. A"): the list is one chain, like "A, B dan C".
_NEXT_ITEM = r"[ \t]*+\n(?:[ \t]*+\n)?[ \t]*+(?:\d{1,2}|[a-z])[.)][ \t]++\Z"
ITEM_GAP = re.compile(
    r"(?:[ \t]*+\([^()\n]{0,12}\))?(?:[ \t]*+,[ \t]*+(?i:laki-laki|perempuan|pria|wanita))?"
    r"[ \t]*+[;,.:]?[ \t]*+(?:(?:dan|serta)[ \t]*+)?" + _NEXT_ITEM
)
LIST_INTRO_GAP = re.compile(
    r"(?:[ \t]++(?:tersebut|itu|ini))?[ \t]*+,?[ \t]*+"
    r"(?i:yaitu|yakni|antara[ \t]+lain|sebagai[ \t]+berikut|masing-masing(?:[ \t]+berinisial)?)"
    r"[ \t]*+:?" + _NEXT_ITEM
)
ROW_REFERENCE = re.compile(
    r"(?i:nomor|no\.?)[ \t]+urut[ \t]+"
    r"(?P<numbers>\d{1,3}(?:[ \t]*+(?:,|dan|serta|&)[ \t]*+\d{1,3}){0,30})"
)
NUMBER = re.compile(r"\d{1,3}")
# A sentence that announces the identity block after it, and how far it may reach.
ANNOUNCING = re.compile(
    r"(?i:di[ \t]+bawah[ \t]+ini|sebagai[ \t]+berikut|berikut[ \t]+ini|\byaitu|\byakni)"
)
BLANK_LINE = re.compile(r"\n[ \t]*\n")
MAX_BETWEEN_BLOCKS = 160  # characters between two listed blocks (the rest of a wrapped item)
ANNOUNCED_REACH = 400
ITEM_END = re.compile(r"\n[ \t]*(?:\d{1,2}|[a-z])[.)][ \t]|\n[ \t]*\n")


@dataclass
class Entity:
    """One foreign national or unnamed group, with all its person spans."""

    spans: list[Span]
    group: bool
    count: int | None
    members: set[int] = field(default_factory=set)


@dataclass
class Mention:
    """A reference to foreigners in compact-token space."""

    start: int
    end: int
    kind: str  # foreigner, anaphor, pronoun, person (a non-foreigner, for "ia" only)
    entity: int | None = None
    number: int | None = None  # anaphor: exact size, 0 for "two or more", None for any
    chain: int = -1
    table: int | None = None  # the table whose row names this foreigner


@dataclass
class Linked:
    """An incident cue in compact-token space and the entities it concerns."""

    span: Span
    start: int
    end: int
    sentence: int
    entities: set[int] = field(default_factory=set)


class LinkRules:
    """The link vocabulary of ``incident_links.jsonl``."""

    def __init__(self, nlp: Language, path: Path) -> None:
        self.words: dict[str, frozenset[str]] = {}
        self.labels: dict[str, frozenset[str]] = {}
        self.numbers: dict[str, int] = {}
        self.anaphors: dict[str, tuple[str, bool]] = {}
        self.matcher = WindowedMatcher(nlp.vocab)
        self.settings: dict[str, int] = {}
        for n, record in enumerate(read_jsonl(path)):
            self.add(n, record)

    def add(self, n: int, record: dict) -> None:
        """Register one data record."""
        kind = record["type"]
        if kind == "words":
            self.words[record["name"]] = frozenset(record["words"])
        elif kind == "labels":
            self.labels[record["name"]] = frozenset(record["labels"])
        elif kind == "numbers":
            self.numbers = {k: int(v) for k, v in record["values"].items()}
        elif kind == "anaphor":
            key = f"anaphor_{n}"
            self.anaphors[key] = (record["kind"], bool(record["plural"]))
            self.matcher.add(key, record["patterns"], greedy="LONGEST")
        elif kind == "settings":
            self.settings = {k: int(v) for k, v in record.items() if isinstance(v, int)}


class IncidentLinker:
    """Decides which foreign nationals each incident of a Doc concerns."""

    def __init__(self, nlp: Language, *, path: Path, people_key: str) -> None:
        self.rules = LinkRules(nlp, path)
        self.strings = nlp.vocab.strings
        self.people_key = people_key

    def prepare(self, doc: Doc, compact: CompactDoc, sentence: list[int]) -> LinkState:
        """Mentions, chains and entities of a Doc (``sentence``: number of each compact token)."""
        persons = list(doc.spans[self.people_key]) if self.people_key in doc.spans else []
        return LinkState(self, compact, sentence, persons)

    def link(self, state: LinkState, cues: list[tuple[Span, int, int]]) -> None:
        """Set ``concerns`` on the incident spans in ``cues`` and ``incidents`` on persons."""
        linked = [state.link(span, start, end) for span, start, end in cues]
        state.link_lists(linked)
        state.link_context(linked)
        state.write(linked)


class LinkState:
    """The mentions, chains and entities of one Doc while its incidents are linked."""

    def __init__(
        self,
        linker: IncidentLinker,
        compact: CompactDoc,
        sentence: list[int],
        persons: list[Span],
    ) -> None:
        self.rules = linker.rules
        self.strings = linker.strings
        self.doc = compact.doc
        self.index = compact.index
        self.sentence = sentence
        self.persons = persons
        self.records = [r for r in records_of(compact.source) if r.person is not None]
        self.blocks = sorted((r.start, n) for n, r in enumerate(self.records) if r.kind == "block")
        self.doc_text = compact.source.text
        self.source = compact.source
        self.by_span: dict[tuple[int, int], int] = {}  # foreign person span -> entity
        self.segment = self.segments()
        self.possessive_segments: frozenset[int] | None = None
        self.entities: list[Entity] = []
        self.mentions: list[Mention] = []
        self.chains: list[list[Mention]] = []
        self.chain_entities: list[set[int]] = []
        self.lists: list[int] = []  # chains "Mereka adalah A, B" whose anaphor found nobody
        self.collect_mentions()
        self.starts = [m.start for m in self.mentions]
        self.build_chains()
        self.resolve_chains()
        self.items = self.list_items()
        self.row_refs = self.row_references()

    # --- mentions -------------------------------------------------------------------------

    def compact_range(self, span: Span) -> tuple[int, int]:
        """Compact-token range of an original-Doc span."""
        return bisect_left(self.index, span.start), bisect_left(self.index, span.end)

    def segments(self) -> list[int]:
        """Segment number of every compact token: sentences split at contrast words."""
        contrast = {self.strings[w] for w in self.rules.words.get("contrast", ())}
        lower = self.doc.to_array("LOWER")
        breaks = set(np.flatnonzero(np.isin(lower, np.array(list(contrast), dtype=np.uint64))))
        out: list[int] = []
        current = 0
        for j, sentence in enumerate(self.sentence):
            if j and (sentence != self.sentence[j - 1] or j in breaks):
                current += 1
            out.append(current)
        return out

    def foreigner_tokens(self) -> frozenset[int]:
        """Compact tokens of the mentions that name foreigners (spans and name repeats)."""
        return frozenset(
            j for m in self.mentions if m.kind == "foreigner" for j in range(m.start, m.end)
        )

    def collect_mentions(self) -> None:
        """Person spans, repeated name parts and anaphors, in text order."""
        covered = [False] * len(self.doc)
        keys: dict[str, int] = {}
        rows = {r.person: r.group for r in self.records if r.kind == "row"}
        for span in self.persons:
            start, end = self.compact_range(span)
            if span._.person_role == "foreign_national":
                entity = self.entity_for(span, keys)
                self.by_span[(span.start_char, span.end_char)] = entity
                table = rows.get((span.start_char, span.end_char))
                self.mentions.append(Mention(start, end, "foreigner", entity=entity, table=table))
            elif span._.person_role in BLOCKING_ROLES:
                self.mentions.append(Mention(start, end, "person"))
            if span._.person_role == "foreign_national" or span._.person_role in BLOCKING_ROLES:
                for j in range(start, end):
                    covered[j] = True
        self.mentions.extend(self.name_repeats(covered))
        self.mentions.extend(self.anaphors())
        self.mentions.extend(self.examinee_mentions())
        self.mentions.sort(key=lambda m: (m.start, m.end))

    def entity_for(self, span: Span, keys: dict[str, int]) -> int:
        """The entity of a foreign-national span: same name, or same counted group."""
        if span._.name_kind == "group":
            key = (
                f"G:{span._.count}:{span._.nationality}"
                if span._.count and span._.nationality
                else f"S:{span.start}"
            )
        else:
            key = name_key(span._.clean_name or span.text, span._.name_kind)
        if key not in keys:
            group = span._.name_kind == "group"
            keys[key] = len(self.entities)
            self.entities.append(Entity([], group=group, count=span._.count if group else 1))
        self.entities[keys[key]].spans.append(span)
        return keys[key]

    def name_repeats(self, covered: list[bool]) -> list[Mention]:
        """Later mentions of an unambiguous part of a foreigner's name."""
        owners: dict[str, set[int]] = {}
        blocked: set[str] = set()
        for n, entity in enumerate(self.entities):
            if entity.group:
                continue
            for span in entity.spans:
                for word in name_parts(span._.clean_name or span.text, span._.name_kind):
                    owners.setdefault(word, set()).add(n)
        for span in self.persons:
            if span._.person_role in BLOCKING_ROLES:
                blocked.update((span._.clean_name or span.text).split())
        unique = {
            self.strings[w]: next(iter(o))
            for w, o in owners.items()
            if len(o) == 1 and w not in blocked
        }
        if not unique:
            return []
        orths = self.doc.to_array("ORTH")
        hits = np.flatnonzero(np.isin(orths, np.array(list(unique), dtype=np.uint64)))
        return [
            Mention(int(j), int(j) + 1, "foreigner", entity=unique[int(orths[j])])
            for j in hits
            if not covered[j]
        ]

    def examinee_mentions(self) -> list[Mention]:
        """In the questions and answers of an examination record, "Saudara" and "saya" are
        the examined foreigner: the person of the last form block before the first question."""
        text = self.doc_text
        first = QUESTION.search(text)
        answers = list(ANSWER.finditer(text, first.end())) if first else []
        if first is None or not answers:
            return []
        blocks = [
            r
            for r in self.records
            if r.kind == "block" and r.end <= first.start() and r.person in self.by_span
        ]
        if not blocks:
            return []
        entity = self.by_span[blocks[-1].person]  # type: ignore[index]
        close = PARAGRAPH_END.search(text, answers[-1].end())
        end = close.start() if close else len(text)
        words = self.rules.words.get("examinee", frozenset())
        # An answer speaks for the examinee even where it does not say "saya"
        # ("Jawaban : Dengan visa kunjungan."): its label stands for them.
        labels = {m.start() + len(m.group()) - len(m.group().lstrip()) for m in answers}
        return [
            Mention(j, j + 1, "foreigner", entity=entity)
            for j, i in enumerate(self.index)
            if first.start() <= self.source[i].idx < end
            and (self.doc[j].lower_ in words or self.source[i].idx in labels)
        ]

    def anaphors(self) -> list[Mention]:
        """Anaphor matches, with the number of people they mean."""
        found = []
        for key_id, start, end in self.rules.matcher(self.doc):
            kind, plural = self.rules.anaphors[self.strings[key_id]]
            start = self.ordinal_start(start)
            number = self.anaphor_number(start, end)
            if number is None and plural:
                number = 0
            found.append(
                Mention(start, end, "pronoun" if kind == "pronoun" else "anaphor", number=number)
            )
        return found

    def ordinal_start(self, start: int) -> int:
        """Widen an anaphor to the ordinal before it ("kedua", "para", "ke-9" + "WNA itu")."""
        doc = self.doc
        if start and doc[start - 1].lower_ in self.rules.words.get("ordinal", ()):
            return start - 1
        if start >= 3 and doc[start - 1].like_num and doc[start - 2].text == "-":
            return start - 3 if doc[start - 3].lower_ == "ke" else start
        return start

    def anaphor_number(self, start: int, end: int) -> int | None:
        """How many people an anaphor means (kedua → 2, ke-9 → 9, para → two or more)."""
        words = [t.lower_ for t in self.doc[start:end]]
        for word in words:
            if word in self.rules.numbers:
                return self.rules.numbers[word]
        if words[:2] == ["ke", "-"] and len(words) > 2 and words[2].isdigit():
            return int(words[2])
        return 0 if words[0] == "para" else None

    # --- chains and anaphora ----------------------------------------------------------------

    def build_chains(self) -> None:
        """Group coordinated mentions of one sentence ("A dan B", "tiga WNA, yakni A, B")."""
        gap = self.rules.settings.get("chain_gap", 10)
        connectors = self.rules.words.get("connector", frozenset())
        previous: Mention | None = None
        tables: dict[int, int] = {}  # table -> its chain: the rows of one table are one list
        for mention in self.mentions:
            if mention.kind == "person":
                previous = None
                continue
            if mention.table is not None and mention.table in tables:
                mention.chain = tables[mention.table]
                self.chains[mention.chain].append(mention)
            elif previous is not None and self.joins(previous, mention, gap, connectors):
                mention.chain = previous.chain
                self.chains[mention.chain].append(mention)
            else:
                mention.chain = len(self.chains)
                self.chains.append([mention])
            if mention.table is not None:
                tables.setdefault(mention.table, mention.chain)
            previous = mention

    def joins(self, left: Mention, right: Mention, gap: int, connectors: frozenset[str]) -> bool:
        """True when only connector words, numbers or names stand between two mentions, or
        the end of one list item and the next item's number."""
        if right.start >= left.end and self.next_item(left, right):
            return True
        if self.sentence[left.start] != self.sentence[right.start]:
            return False
        if right.start < left.end:
            return True
        if right.start - left.end > gap:
            return False
        between = self.doc[left.end : right.start]
        singular = any(m.kind != "foreigner" and m.number is None for m in (left, right))
        introducers = self.rules.words.get("introducer", frozenset())
        if singular and not any(t.lower_ in introducers for t in between):
            return False  # "rekan yang bersangkutan, A": only a list introducer names members
        return all(
            t.lower_ in connectors or t.like_num or t.text[:1].isupper() or is_relation(t.text)
            for t in between
        )

    def next_item(self, left: Mention, right: Mention) -> bool:
        """True when ``right`` opens the list item after ``left``'s (or the first item of the
        list that ``left``, a group, introduces)."""
        last = self.source[self.index[left.end - 1]]
        start = self.source[self.index[right.start]].idx
        end = last.idx + len(last.text)
        if start <= end or start - end > 80:
            return False
        if ITEM_GAP.fullmatch(self.doc_text, end, start):
            return True
        return left.number != 1 and bool(LIST_INTRO_GAP.fullmatch(self.doc_text, end, start))

    def resolve_chains(self) -> None:
        """Entities of every chain, resolving anaphors left to right and naming members."""
        for n, chain in enumerate(self.chains):
            resolved: dict[int, set[int]] = {}
            for i, mention in enumerate(chain):
                if mention.kind in ("anaphor", "pronoun"):
                    resolved[i] = self.antecedent(mention, n)
            self.add_members(chain, resolved)
            direct = {m.entity for m in chain if m.entity is not None}
            self.chain_entities.append(direct.union(*resolved.values()))
            if direct and any(
                not found and chain[i].number is not None for i, found in resolved.items()
            ):
                self.lists.append(n)
        self.add_enumerations()
        self.add_table_members()

    def add_table_members(self) -> None:
        """A counted group and a table that names as many foreigners are the same people:
        "mendeportasi lima WN PNG" and, further on, a table of the five."""
        tables: dict[int, list[int]] = {}
        for m in self.mentions:
            if m.table is not None and m.entity is not None:
                rows = tables.setdefault(m.table, [])
                if m.entity not in rows:
                    rows.append(m.entity)
        for n, entity in enumerate(self.entities):
            if not entity.group or not entity.count or entity.members:
                continue
            for rows in tables.values():
                if len(rows) == entity.count:
                    self.join(n, rows)

    def add_members(self, chain: list[Mention], resolved: dict[int, set[int]]) -> None:
        """Names in apposition to a group ("tiga WNA, yakni A, B dan C") are its members.

        A name coordinated with a group ("delapan WNA lainnya dan A") is not. Names listed
        with an anaphor of a group ("Mereka adalah A, B"; "A dan B, keduanya ...") are.
        """
        coordinators = self.rules.words.get("coordinator", frozenset())
        named = [m.entity for m in chain if m.entity is not None]
        for found in resolved.values():
            for group in (e for e in found if self.entities[e].group):
                self.join(group, [e for e in named if not self.entities[e].group])
        heads: list[int] = []
        first = True
        for i, mention in enumerate(chain):
            if mention.entity is None:
                continue
            if self.entities[mention.entity].group:
                heads, first = [mention.entity], True
            elif heads:
                gap = self.doc[chain[i - 1].end : mention.start]
                if first and any(t.lower_ in coordinators for t in gap):
                    heads = []
                for group in heads:
                    self.join(group, [mention.entity])
                first = False

    def join(self, group: int, names: list[int]) -> None:
        """Make named foreigners members of a group, unless their nationalities differ."""
        nationality = self.entities[group].spans[0]._.nationality
        for name in names:
            own = self.entities[name].spans[0]._.nationality
            if nationality is None or own is None or own == nationality:
                self.entities[group].members.add(name)

    def add_enumerations(self) -> None:
        """A counted group followed by "yaitu:"/"yakni" takes the next names as its members.

        Letters list the people one per item ("dua WNA, yaitu: a. A ...; b. B ..."), often
        across sentences; the group takes as many named foreigners as it counts.
        """
        for n, mention in enumerate(self.mentions):
            group = mention.entity
            if group is None or not self.entities[group].group:
                continue
            count = self.entities[group].count or 0
            if count >= 2 and self.introduces_list(mention, self.mentions[n + 1 : n + 2]):
                self.join(group, self.next_names(n, count))

    def introduces_list(self, mention: Mention, following: list[Mention]) -> bool:
        """True when a list introducer stands between a group and the name right after it."""
        name = following[0] if following else None
        if name is None or name.entity is None or self.entities[name.entity].group:
            return False
        if self.sentence[name.start] != self.sentence[mention.start]:
            return False
        introducers = self.rules.words.get("introducer", frozenset())
        return any(t.lower_ in introducers for t in self.doc[mention.end : name.start])

    def next_names(self, n: int, count: int) -> list[int]:
        """Up to ``count`` named foreigners after mention ``n``, stopping at another group."""
        recency = self.rules.settings.get("recency", 6)
        here = self.sentence[self.mentions[n].start]
        names: list[int] = []
        for later in self.mentions[n + 1 :]:
            if self.sentence[later.start] - here > recency or len(names) >= count:
                break
            if later.entity is None:
                continue
            if self.entities[later.entity].group:
                break
            if later.entity not in names:
                names.append(later.entity)
        return names

    def expand(self, entities: Iterable[int]) -> set[int]:
        """Entities with the members of their groups."""
        out = set(entities)
        for e in list(out):
            out |= self.entities[e].members
        return out

    def antecedent(self, mention: Mention, chain_no: int) -> set[int]:
        """The entities an anaphor points back to (empty when nothing compatible is near).

        The most recent chain of a compatible number wins; an anaphor with an exact number
        ("kedua TKA tersebut") may also gather the last chains that add up to it.
        """
        recency = self.rules.settings.get("recency", 6)
        here = self.sentence[mention.start]
        gathered: set[int] = set()
        seen: set[int] = set()
        for earlier in reversed(self.mentions):
            if earlier.start >= mention.start or earlier.chain == chain_no or earlier.chain in seen:
                continue
            if here - self.sentence[earlier.start] > recency:
                return set()
            if earlier.kind == "person":
                if mention.kind == "pronoun":
                    return set()
                continue
            seen.add(earlier.chain)
            entities = self.chain_entities[earlier.chain] if earlier.chain < chain_no else set()
            if not entities:
                continue
            if self.fits(mention.number, entities):
                return set(entities)
            size = self.size(gathered | entities)
            if not mention.number or size is None or size > mention.number:
                gathered = set()  # a chain of another number: look further back
                continue
            gathered |= entities
            if size == mention.number:
                return gathered
        return set()

    def fits(self, number: int | None, entities: set[int]) -> bool:
        """True when a set of entities can be what an anaphor of ``number`` people means."""
        if number is None:
            return True
        size = self.size(entities)
        if number == 0:
            return size is None or size >= 2
        return size == number

    def size(self, entities: set[int]) -> int | None:
        """How many people a set of entities holds (None when a group is not counted)."""
        groups = [self.entities[e] for e in entities if self.entities[e].group]
        members = set().union(*(g.members for g in groups)) if groups else set()
        named = [e for e in entities if not self.entities[e].group and e not in members]
        if any(g.count is None for g in groups):
            return None
        return len(named) + sum(g.count or 0 for g in groups)

    # --- linking ------------------------------------------------------------------------------

    def link(self, span: Span, start: int, end: int) -> Linked:
        """The entities one incident cue concerns (none unless it counts)."""
        linked = Linked(span, start, end, self.sentence[start])
        if not self.counts(linked):
            return linked
        owner = self.record_owner(span)
        if owner is None:
            owner = self.block_announced(span)
        if owner is not None:
            linked.entities = owner
            return linked
        rows = self.rows_named(start)
        if rows:
            linked.entities = rows
            return linked
        best = self.nearest(span._.incident, start, end)
        if best is not None:
            linked.entities = set(self.chain_entities[best.chain])
        elif self.has_possessive(start):
            anaphor = Mention(start, end, "anaphor")
            linked.entities = self.antecedent(anaphor, len(self.chains))
        return linked

    def record_owner(self, span: Span) -> set[int] | None:
        """The person of the table row, form block or list item holding the cue; None
        outside them."""
        for record in self.records:
            if record.start <= span.start_char and span.end_char <= record.end:
                entity = self.by_span.get(record.person) if record.person else None
                return set() if entity is None else {entity}
        for start, end, entity in self.items:
            if start <= span.start_char and span.end_char <= end:
                return {entity}
        return None

    def block_announced(self, span: Span) -> set[int] | None:
        """The person of the form block that a cue's sentence announces and ends on: "orang
        asing dengan identitas di bawah ini ... tidak sesuai dengan izin tinggalnya:" and the
        "Nama : ..." block after the colon."""
        text = self.doc_text
        k = bisect_left(self.blocks, (span.end_char, -1))
        for _, n in self.blocks[k : k + 1]:
            record = self.records[n]
            if record.start - span.end_char > ANNOUNCED_REACH:
                return None
            between = text[span.end_char : record.start]
            lead = text[max(0, span.start_char - ANNOUNCED_REACH) : span.start_char]
            lead = lead[max(lead.rfind(". "), lead.rfind("\n\n")) + 1 :]
            if (
                between.rstrip().endswith(":")
                and "." not in between
                and ANNOUNCING.search(lead + text[span.start_char : record.start])
            ):
                return self.announced_run(k) or None
            return None
        return None

    def announced_run(self, k: int) -> set[int]:
        """The people of block ``k`` and of the blocks listed right after it, up to a blank
        line ("a. Nama: X; ...", "b. Nama: Y; ...")."""
        found: set[int] = set()
        previous = None
        for _, n in self.blocks[k:]:
            record = self.records[n]
            between = self.doc_text[previous.end : record.start] if previous else ""
            if previous is not None and (
                len(between) > MAX_BETWEEN_BLOCKS or BLANK_LINE.search(between)
            ):
                break  # a blank line or a paragraph ends the list
            entity = self.by_span.get(record.person) if record.person else None
            if entity is not None:
                found.add(entity)
            previous = record
        return found

    def row_references(self) -> list[tuple[int, int, set[int]]]:
        """ "WNA nomor urut 1, 2 dan 4": the people of those rows of the table before, as
        (compact token, sentence, entities)."""
        numbered: dict[str, int] = {}  # row number as written -> entity, latest table wins
        rows = sorted((r.start, r) for r in self.records if r.kind == "row")
        text = self.doc_text
        source_starts = [self.source[i].idx for i in self.index]
        found = []
        for m in ROW_REFERENCE.finditer(text):
            for start, record in rows:
                cell = record.fields.get("number")
                entity = self.by_span.get(record.person) if record.person else None
                if start < m.start() and cell and entity is not None:
                    numbered[text[cell[0] : cell[1]].strip(" .")] = entity
            entities = {numbered[n] for n in NUMBER.findall(m.group("numbers")) if n in numbered}
            j = min(bisect_left(source_starts, m.start()), len(source_starts) - 1)
            if entities and source_starts:
                found.append((j, self.sentence[j], entities))
        return found

    def rows_named(self, start: int) -> set[int]:
        """The rows referred to by number earlier in the cue's sentence."""
        for j, sentence, entities in reversed(self.row_refs):
            if j < start and sentence == self.sentence[start]:
                return entities
        return set()

    def list_items(self) -> list[tuple[int, int, int]]:
        """Numbered or lettered items that open with a foreigner's name ("2. HANNAH ..., WN
        Jerman, ...; telah dideportasi"): (start, end, entity); an item runs to the next item
        or the next blank line."""
        text = self.doc_text
        items = []
        for (start, end), entity in sorted(self.by_span.items()):
            line = text.rfind("\n", 0, start) + 1
            if not LIST_MARK.fullmatch(text, line, start) or self.entities[entity].group:
                continue
            nxt = ITEM_END.search(text, end)
            items.append((line, nxt.start() if nxt else len(text), entity))
        return items

    def link_lists(self, linked: list[Linked]) -> None:
        """Names listed after an unresolved "Mereka adalah"/"Keempatnya yakni" at a sentence
        start are the people of the unlinked incidents of the sentence before.

        ("Polisi menangkap empat WNA. Mereka adalah A, B, C dan D.")
        """
        for n in self.lists:
            head = self.chains[n][0]
            sentence = self.sentence[head.start]
            if head.kind != "anaphor" or (head.start and self.sentence[head.start - 1] == sentence):
                continue
            for item in linked:
                if item.sentence == sentence - 1 and not item.entities and self.counts(item):
                    item.entities = set(self.chain_entities[n])

    def counts(self, item: Linked) -> bool:
        """True when an incident counts and is not a context label."""
        context = self.rules.labels.get("context", frozenset())
        return item.span._.status in COUNTED and item.span._.incident not in context

    def nearest(self, label: str, start: int, end: int) -> Mention | None:
        """The foreigner or anaphor in the cue's segment that the verb form points to."""
        side = self.expected_side(label, start)
        penalty = self.rules.settings.get("side_penalty", 15)
        segment = self.segment[start]
        best, best_score = None, 0
        first = bisect_left(self.starts, start - 200)
        for mention in self.mentions[first:]:
            if mention.start >= len(self.segment) or self.segment[mention.start] > segment:
                break
            if self.segment[mention.start] != segment or mention.kind == "person":
                continue
            before = mention.end <= start
            distance = start - mention.end if before else max(0, mention.start - end)
            score = distance * 2 + (0 if before else 1)
            if side and side != ("before" if before else "after"):
                score += penalty * 2
            if mention.start < end and start < mention.end:
                score = -1  # the cue is part of the mention: "143 pengungsi Rohingya"
            if best is None or score < best_score:
                best, best_score = mention, score
        return best

    def expected_side(self, label: str, start: int) -> str | None:
        """Where the concerned foreigner should stand: ``before``, ``after`` or either."""
        word = self.doc[start].lower_
        if label in self.rules.labels.get("patient", ()):
            if word.startswith(ACTIVE_PREFIXES):
                return "after"
            return "before" if word.startswith(PASSIVE_PREFIXES) else None
        if word in self.rules.words.get("object_verb", ()):
            return "after"
        return "before"

    def has_possessive(self, start: int) -> bool:
        """True when the cue's segment holds a possessed word (izin tinggalnya, paspornya)."""
        if self.possessive_segments is None:
            # Once per Doc: scanning the segment for each cue is quadratic in a long segment
            # (a table without full stops is one segment).
            possessive = self.rules.words.get("possessive", frozenset())
            self.possessive_segments = frozenset(
                self.segment[j]
                for j in range(min(len(self.doc), len(self.segment)))
                if self.doc[j].lower_ in possessive
            )
        return self.segment[start] in self.possessive_segments

    def link_context(self, linked: list[Linked]) -> None:
        """A context incident concerns the foreigners linked to counted incidents after it.

        After it means from its sentence up to the next sentence holding a context incident.
        Each such stretch is gathered once, so a long page of incidents stays linear.
        """
        context = self.rules.labels.get("context", frozenset())
        ops = [x for x in linked if x.span._.incident in context and x.span._.status in COUNTED]
        if not ops:
            return
        op_sentences = sorted({x.sentence for x in ops})
        others = sorted(
            (x.sentence, n) for n, x in enumerate(linked) if x.span._.incident not in context
        )
        starts = [sentence for sentence, _ in others]
        gathered: dict[int, set[int]] = {}
        for i, sentence in enumerate(op_sentences):
            stop = op_sentences[i + 1] if i + 1 < len(op_sentences) else len(self.doc) + 1
            entities: set[int] = set()
            for _, n in others[bisect_left(starts, sentence) : bisect_left(starts, stop)]:
                entities |= linked[n].entities
            gathered[sentence] = entities
        for op in ops:
            op.entities |= gathered[op.sentence]

    def write(self, linked: list[Linked]) -> None:
        """Store the links on the incident spans and the label lists on the person spans."""
        context = self.rules.labels.get("context", frozenset())
        labels: dict[int, set[str]] = {}
        for item in linked:
            item.entities = self.expand(item.entities)
            spans = [s for e in item.entities for s in self.entities[e].spans]
            item.span._.concerns = sorted({(s.start_char, s.end_char) for s in spans})
            if item.span._.incident not in context:
                for e in item.entities:
                    labels.setdefault(e, set()).add(item.span._.incident)
        for span in self.persons:
            span._.incidents = []
        for n, entity in enumerate(self.entities):
            for span in entity.spans:
                span._.incidents = sorted(labels.get(n, ()))


def is_relation(word: str) -> bool:
    """A possessed lower-case noun between two names ("A dan kekasihnya B")."""
    return word.islower() and word.isalpha() and word.endswith("nya") and len(word) > 5


def name_key(name: str, kind: str | None) -> str:
    """Identity of a named foreigner: initials exactly, full names folded."""
    if kind == "initials":
        return "I:" + name.strip()
    return "N:" + " ".join(re.sub(r"[^\w\s]", " ", name.casefold()).split())


def name_parts(name: str, kind: str | None) -> list[str]:
    """The words of a name that can stand for the whole person later in the text."""
    if kind == "initials":
        return [name.strip()]
    return [w for w in name.split() if NAME_TOKEN.fullmatch(w)]
