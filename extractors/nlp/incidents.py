"""Incidents: ``doc.spans["incident"]`` with a label and a status for each cue.

Each span covers the cue words ("dideportasi", "operasi gabungan", "izin tinggal habis") and
carries ``span._.incident`` (one of ``LABELS``), ``span._.status`` (``reported``, ``planned``,
``hypothetical`` or ``negated``), ``span._.status_cue`` (the words that decided the status, or
None when nothing did) and ``span._.sentence_index``. Character offsets are the span's own
``start_char``/``end_char``.

When the people components ran first, each span also carries ``span._.concerns`` and each person
span ``span._.incidents`` (see ``incident_links``); foreigners named in person spans count as
the person secured by "diamankan".

Data: ``data/incident_cues.jsonl`` holds one record per cue (``label``, a spaCy Matcher
``pattern``, ``notes``, and optional ``check: person_object``, ``not_preceded_by``,
``not_followed_by``), ``type: pair`` records (a ``first`` cue that counts only with a
``second`` one in its sentence or up to ``window`` sentences after it: a visit visa and work),
``type: lexicon`` word lists (``person``, ``goods``), ``type: suppress`` records (cue
patterns that cancel labels in their sentence, such as refusal of entry) and ``type: answered``
records (a yes/no ``question`` of an examination record whose ``answer`` is "yes" or "no" is
the incident, optionally only with a ``said`` cue in one of the answers: "Apakah Saudara
memiliki izin kerja?" answered "Tidak", by someone who says they work).

In the questions and answers of an examination record (see ``examination``), a cue inside a
yes/no question is reported when the answer says yes, negated when it says no and
hypothetical when it does not say; a cue in an open question or after "bahwa" is taken as
given. A pair's window counts the answers, not the questions between them.
``data/incident_modality.jsonl`` holds the status cues: ``status``, ``patterns``, ``scope``
(``clause`` or ``sentence``), ``position`` (``before`` the incident cue or ``any``), ``window``
(maximum distance in words), optional ``labels`` and ``not_after`` (words that, right before
an incident cue, put it out of the rule's reach: "tidak ditemukan pelanggaran dalam operasi"
does not negate the operation); plus the ``clause_break`` words and
``status_override`` records (a planned operation counts as hypothetical). A pair cue takes the
first cue's status unless even its most real second cue has a stronger one.

The status is the strongest that applies: hypothetical, then negated, then planned, else
reported. Matching runs on the Doc without whitespace tokens, so cues broken across lines match.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.nlp.examination import Exchange, exchanges
from extractors.nlp.gazetteer import CompactDoc, data_path, read_jsonl
from extractors.nlp.incident_links import IncidentLinker
from extractors.nlp.records import records_of
from extractors.nlp.windowed import WindowedMatcher
from models.records import INCIDENT_LABELS as LABELS

# Strongest first: a conditional or an appeal ("diimbau tidak ...") outranks its negation.
STATUSES = ("hypothetical", "negated", "planned", "reported")
COUNTED = frozenset({"reported", "planned"})
SUFFIXES = ("nya", "mu", "ku")
PASSIVE_PREFIXES = ("di", "ter")
OBJECT_AFTER_WINDOW = 4

Span.set_extension("incident", default=None, force=True)
Span.set_extension("status", default=None, force=True)
Span.set_extension("status_cue", default=None, force=True)
Span.set_extension("sentence_index", default=None, force=True)


@Language.factory(
    "pantau_incidents",
    default_config={
        "spans_key": "incident",
        "people_key": "person",
        "cues": None,
        "modality": None,
        "links": None,
    },
    assigns=["doc.spans", "span._.concerns", "span._.incidents"],
)
def make_incidents(
    nlp: Language,
    name: str,
    spans_key: str,
    people_key: str,
    cues: str | None,
    modality: str | None,
    links: str | None,
) -> IncidentMatcher:
    """Build the incident matcher (data paths default to the shipped files)."""
    return IncidentMatcher(
        nlp,
        spans_key=spans_key,
        people_key=people_key,
        cues=Path(cues) if cues else data_path("incident_cues.jsonl"),
        modality=Path(modality) if modality else data_path("incident_modality.jsonl"),
        linker=IncidentLinker(
            nlp,
            path=Path(links) if links else data_path("incident_links.jsonl"),
            people_key=people_key,
        ),
    )


def document_incidents(doc: Doc, spans_key: str = "incident") -> list[str]:
    """Sorted labels of the incidents that count for the document (reported or planned)."""
    spans = doc.spans.get(spans_key, [])
    return sorted({s._.incident for s in spans if s._.status in COUNTED})


@dataclass(frozen=True)
class StatusRule:
    """One status cue: where it must stand relative to the incident cue."""

    status: str
    scope: str
    position: str
    window: int
    labels: frozenset[str] | None
    not_after: frozenset[str] = frozenset()  # words right before an incident cue it skips


@dataclass(frozen=True)
class Asked:
    """A token inside a question: its exchange, the answer's first token, and whether the
    token stands in the part of the question taken as given (after "bahwa")."""

    exchange: Exchange
    answer: int | None
    given: bool


@dataclass
class Layout:
    """Sentence and clause numbers of the compact tokens of one Doc."""

    sentence: list[int]
    clause: list[int]
    # Table cells: the number grows at every cell border ("|") and sentence, so a status
    # cue in one cell of a row ("Tidak ada" under RPTKA) never reaches another cell.
    cell: list[int] = field(default_factory=list)
    sentence_starts: list[int] = field(default_factory=list)
    lower: list[str] = field(default_factory=list)  # each token's lower-cased text
    persons: frozenset[int] = frozenset()  # tokens that name foreigners (pantau_people_spans)
    records: frozenset[int] = frozenset()  # tokens of table rows and forms about a person
    # Examination records: the exchange of each token inside a question, the compact token
    # ranges of the answers, and sentence numbers that do not count the questions.
    asked: dict[int, Asked] = field(default_factory=dict)
    answers: list[tuple[int, int]] = field(default_factory=list)
    statement: list[int] = field(default_factory=list)


class IncidentMatcher:
    """Finds incident cues and decides whether each happened, is planned, or is not real."""

    def __init__(
        self,
        nlp: Language,
        *,
        spans_key: str,
        cues: Path,
        modality: Path,
        people_key: str = "person",
        linker: IncidentLinker | None = None,
    ) -> None:
        self.spans_key = spans_key
        self.people_key = people_key
        self.linker = linker
        self.strings = nlp.vocab.strings
        self.cue_matcher = WindowedMatcher(nlp.vocab)
        self.cues: dict[str, dict] = {}
        self.lexicon: dict[str, frozenset[str]] = {}
        self.suppress: dict[str, frozenset[str]] = {}
        self.pairs: dict[int, dict] = {}
        self.pair_keys: dict[str, tuple[int, str]] = {}
        self.answered: dict[int, dict] = {}
        self.answered_keys: dict[str, tuple[int, str]] = {}
        self.load_cues(list(read_jsonl(cues)))
        self.modality_matcher = WindowedMatcher(nlp.vocab)
        self.rules: dict[str, StatusRule] = {}
        self.clause_breaks: frozenset[str] = frozenset()
        self.overrides: dict[tuple[str, str], str] = {}
        self.load_modality(list(read_jsonl(modality)))

    def load_cues(self, records: list[dict]) -> None:
        """Register cue patterns, lexicons and suppressing patterns."""
        for n, record in enumerate(records):
            kind = record.get("type")
            if kind == "lexicon":
                self.lexicon[record["name"]] = frozenset(record["words"])
            elif kind == "suppress":
                key = f"suppress_{n}"
                self.suppress[key] = frozenset(record["labels"])
                self.cue_matcher.add(key, record["patterns"])
            elif kind == "answered":
                if record["label"] not in LABELS:
                    raise ValueError(f"unknown incident label {record['label']!r}")
                if record["answer"] not in ("yes", "no"):
                    raise ValueError(f"an answered cue's answer is yes or no: {record!r}")
                for role in ("question", "said"):
                    if role in record:
                        key = f"answered_{n}_{role}"
                        self.answered_keys[key] = (n, role)
                        self.cue_matcher.add(key, record[role], greedy="LONGEST")
                self.answered[n] = record
            elif kind == "pair":
                if record["label"] not in LABELS:
                    raise ValueError(f"unknown incident label {record['label']!r}")
                for role in ("first", "second"):
                    key = f"pair_{n}_{role}"
                    self.pair_keys[key] = (n, role)
                    self.cue_matcher.add(key, record[role], greedy="LONGEST")
                self.pairs[n] = record
            else:
                if record["label"] not in LABELS:
                    raise ValueError(f"unknown incident label {record['label']!r}")
                key = f"cue_{n}"
                self.cues[key] = record
                self.cue_matcher.add(key, [record["pattern"]], greedy="LONGEST")

    def load_modality(self, records: list[dict]) -> None:
        """Register status cue patterns, clause breaks and status overrides."""
        for n, record in enumerate(records):
            kind = record.get("type")
            if kind == "clause_break":
                self.clause_breaks = frozenset(record["words"])
            elif kind == "status_override":
                for label in record["labels"]:
                    self.overrides[(label, record["from"])] = record["to"]
            else:
                if record["status"] not in STATUSES:
                    raise ValueError(f"unknown incident status {record['status']!r}")
                key = f"status_{n}"
                labels = record.get("labels")
                self.rules[key] = StatusRule(
                    status=record["status"],
                    scope=record["scope"],
                    position=record["position"],
                    window=int(record["window"]),
                    labels=frozenset(labels) if labels else None,
                    not_after=frozenset(record.get("not_after", ())),
                )
                self.modality_matcher.add(key, record["patterns"], greedy="LONGEST")

    def __call__(self, doc: Doc) -> Doc:
        compact = CompactDoc.of(doc)
        layout = self.layout(doc, compact)
        links = self.linker.prepare(doc, compact, layout.sentence) if self.linker else None
        if links is not None:
            layout.persons = links.foreigner_tokens()
        layout.records = record_tokens(doc, compact, links.items if links is not None else [])
        cues, suppressed = self.find_cues(compact, layout)
        modals = [
            (self.rules[self.strings[key]], start, end)
            for key, start, end in self.modality_matcher(compact.doc)
        ]
        spans = []
        placed: list[tuple[Span, int, int]] = []
        for record, start, end in cues:
            label = record["label"]
            if label in suppressed.get(layout.sentence[start], ()):
                continue
            status, cue = self.decide_status(label, start, end, modals, layout)
            if "support" in record and not self.is_realis(start, end, modals, layout):
                status, cue = self.pair_status(
                    label, record["support"], (status, cue), modals, layout
                )
            if start in layout.asked and "answered" not in record:
                status, cue = asked_status(layout.asked[start], (status, cue))
            status = self.overrides.get((label, status), status)
            span = compact.span(start, end)
            span = Span(doc, span.start, span.end, label=label)
            span._.incident = label
            span._.status = status
            span._.status_cue = compact.span(*cue).text if cue else None
            span._.sentence_index = layout.sentence[start]
            spans.append(span)
            placed.append((span, start, end))
        if self.linker is not None and links is not None:
            self.linker.link(links, placed)
        doc.spans[self.spans_key] = sorted(spans, key=lambda s: (s.start, s.end, s.label_))
        return doc

    def pair_status(
        self,
        label: str,
        support: list[tuple[int, int]],
        first: tuple[str, tuple[int, int] | None],
        modals: list[tuple[StatusRule, int, int]],
        layout: Layout,
    ) -> tuple[str, tuple[int, int] | None]:
        """Status of a pair cue: the first cue's, unless even its most real support is weaker.

        "visa kunjungan ... tidak bekerja" is negated; one reported "bekerja" is enough.
        """
        statuses = [self.decide_status(label, s, e, modals, layout) for s, e in support]
        best = max(statuses, key=lambda item: STATUSES.index(item[0]))
        return best if STATUSES.index(best[0]) < STATUSES.index(first[0]) else first

    def layout(self, doc: Doc, compact: CompactDoc) -> Layout:
        """Sentence and clause number of every compact token."""
        starts = [s.start for s in doc.sents] if doc.has_annotation("SENT_START") else [0]
        sentence: list[int] = []
        clause: list[int] = []
        cell: list[int] = []
        current = cells = 0
        for j, i in enumerate(compact.index):
            sent = bisect_right(starts, i) - 1
            if sentence and sent != sentence[-1]:
                current += 1
                cells += 1
            token = compact.doc[j]
            if token.lower_ in self.clause_breaks:
                current += 1
            if token.text == "|":
                cells += 1
            sentence.append(sent)
            clause.append(current)
            cell.append(cells)
        layout = Layout(
            sentence=sentence,
            clause=clause,
            cell=cell,
            sentence_starts=starts,
            lower=[t.lower_ for t in compact.doc],
            statement=sentence,
        )
        examination(doc, compact, layout)
        return layout

    def find_cues(
        self, compact: CompactDoc, layout: Layout
    ) -> tuple[list[tuple[dict, int, int]], dict[int, set[str]]]:
        """Cue matches that pass their checks, and the labels cancelled per sentence."""
        found: dict[tuple[str, int, int], dict] = {}
        suppressed: dict[int, set[str]] = {}
        halves: dict[tuple[int, str], list[tuple[int, int]]] = {}
        for key_id, start, end in self.cue_matcher(compact.doc):
            key = self.strings[key_id]
            if key in self.suppress:
                suppressed.setdefault(layout.sentence[start], set()).update(self.suppress[key])
                continue
            if key in self.pair_keys:
                halves.setdefault(self.pair_keys[key], []).append((start, end))
                continue
            if key in self.answered_keys:
                n, role = self.answered_keys[key]
                halves.setdefault((-1 - n, role), []).append((start, end))
                continue
            record = self.cues[key]
            if self.accepts(record, compact.doc, start, end, layout):
                found[(record["label"], start, end)] = record
        found.update(self.find_pairs(halves, layout))
        found.update(self.find_answered(halves, layout))
        return longest_per_label(found), suppressed

    def find_answered(
        self, halves: dict[tuple[int, str], list[tuple[int, int]]], layout: Layout
    ) -> dict[tuple[str, int, int], dict]:
        """Answered cues: a yes/no question answered the way the record says.

        With ``said`` patterns, one of them must also be said in an answer ("saya bekerja
        sebagai mandor" before "Apakah Saudara memiliki izin kerja?" "Tidak").
        """
        found: dict[tuple[str, int, int], dict] = {}
        for n, record in self.answered.items():
            said = [
                (s, e)
                for s, e in halves.get((-1 - n, "said"), [])
                if any(a <= s < b for a, b in layout.answers)
            ]
            if "said" in record and not said:
                continue
            for start, end in halves.get((-1 - n, "question"), []):
                asked = layout.asked.get(start)
                if asked is None or asked.exchange.polarity != record["answer"]:
                    continue
                found[(record["label"], start, end)] = {**record, "answered": True}
        return found

    def find_pairs(
        self, halves: dict[tuple[int, str], list[tuple[int, int]]], layout: Layout
    ) -> dict[tuple[str, int, int], dict]:
        """Pair cues: a first cue with a second one in its sentence or the next ones.

        The incident span is the first cue ("visa kunjungan"); the second ones ("bekerja")
        are kept as ``support`` for the status decision.
        """
        found: dict[tuple[str, int, int], dict] = {}
        for n, record in self.pairs.items():
            window = int(record.get("window", 0))
            seconds = halves.get((n, "second"), [])
            for start, end in halves.get((n, "first"), []):
                sent = layout.sentence[start]
                statement = layout.statement[start]
                support = [
                    (s, e)
                    for s, e in seconds
                    if (e <= start or s >= end)
                    and (
                        layout.sentence[s] == sent
                        or (s >= end and 0 < layout.statement[s] - statement <= window)
                    )
                ]
                if support:
                    found[(record["label"], start, end)] = {**record, "support": support}
        return found

    def accepts(self, record: dict, doc: Doc, start: int, end: int, layout: Layout) -> bool:
        """Apply a cue's extra conditions (neighbouring words, who was secured)."""
        before = record.get("not_preceded_by")
        if before and start > 0 and doc[start - 1].lower_ in before:
            return False
        after = record.get("not_followed_by")
        if after and end < len(doc) and doc[end].lower_ in after:
            return False
        if record.get("check") == "person_object":
            return self.secures_person(doc, start, end, layout)
        return True

    def secures_person(self, doc: Doc, start: int, end: int, layout: Layout) -> bool:
        """True when the one secured or held is a person rather than a document or goods.

        A passive verb ("diamankan") looks first at the subject (the first known word of its
        clause), an active verb or noun ("mengamankan", "penahanan") first at its object.
        Without either, any person word in the sentence will do.
        """
        if start in layout.records:
            return True  # "Diamankan" in a row or form: the person of that record
        verb = doc[start].lower_
        after = self.kind_after(doc, end, layout)
        before = self.kind_before(doc, start, layout)
        order = (before, after) if verb.startswith(PASSIVE_PREFIXES) else (after, before)
        for kind in order:
            if kind is not None:
                return kind == "person"
        sentence = layout.sentence[start]
        first = bisect_left(layout.sentence, sentence)
        last = bisect_right(layout.sentence, sentence)
        return any(self.word_kind(doc[j].lower_) == "person" for j in range(first, last))

    def kind_after(self, doc: Doc, end: int, layout: Layout) -> str | None:
        """Kind of the first person or goods word shortly after the cue, in its clause."""
        clause = layout.clause[end - 1]
        for j in range(end, min(end + OBJECT_AFTER_WINDOW, len(doc))):
            if layout.clause[j] != clause:
                break
            kind = "person" if j in layout.persons else self.word_kind(doc[j].lower_)
            if kind:
                return kind
        return None

    def kind_before(self, doc: Doc, start: int, layout: Layout) -> str | None:
        """Kind of the first person or goods word of the clause before the cue."""
        clause = layout.clause[start]
        first = start
        while first > 0 and layout.clause[first - 1] == clause:
            first -= 1
        for j in range(first, start):
            kind = "person" if j in layout.persons else self.word_kind(doc[j].lower_)
            if kind:
                return kind
        return None

    def word_kind(self, word: str) -> str | None:
        """``person``, ``goods`` or None for a lower-cased word (possessive suffix ignored)."""
        for form in (word, *(word[: -len(s)] for s in SUFFIXES if word.endswith(s))):
            for name in ("person", "goods"):
                if form in self.lexicon.get(name, ()):
                    return name
        return None

    @staticmethod
    def is_realis(
        start: int, end: int, modals: list[tuple[StatusRule, int, int]], layout: Layout
    ) -> bool:
        """True when a `reported` cue ("telah", "sudah") scopes over the incident cue."""
        return any(
            rule.status == "reported" and in_scope(rule, m_start, m_end, start, end, layout)
            for rule, m_start, m_end in modals
        )

    def decide_status(
        self,
        label: str,
        start: int,
        end: int,
        modals: list[tuple[StatusRule, int, int]],
        layout: Layout,
    ) -> tuple[str, tuple[int, int] | None]:
        """The strongest status whose cue scopes over the incident cue, and that cue.

        A `reported` cue in scope ("telah melaksanakan pemeriksaan") states that the event
        took place: sentence-wide cues (a plan or a meeting mentioned elsewhere in the
        sentence) then no longer apply; cues in its own clause still do.
        """
        best, best_cue = "reported", None
        realis = self.is_realis(start, end, modals, layout)
        for rule, m_start, m_end in modals:
            if STATUSES.index(rule.status) >= STATUSES.index(best):
                continue
            if realis and rule.scope == "sentence":
                continue
            if rule.labels is not None and label not in rule.labels:
                continue
            if rule.not_after and start and layout.lower[start - 1] in rule.not_after:
                continue
            if in_scope(rule, m_start, m_end, start, end, layout):
                best, best_cue = rule.status, (m_start, m_end)
        return best, best_cue


def examination(doc: Doc, compact: CompactDoc, layout: Layout) -> None:
    """Mark the questions and answers of an examination record on the layout."""
    found = exchanges(doc.text)
    if not found:
        return
    starts = [e.question[0] for e in found]
    chars = [doc[i].idx for i in compact.index]
    questions: set[int] = set()  # sentences with words of a question
    answered: set[int] = set()  # sentences with words of an answer
    asked: dict[int, int] = {}
    answers: dict[int, list[int]] = {}
    for j, char in enumerate(chars):
        k = bisect_right(starts, char) - 1
        if k < 0:
            continue
        exchange = found[k]
        if char < exchange.question[1]:
            asked[j] = k
            questions.add(layout.sentence[j])
        elif exchange.answer[0] <= char < exchange.answer[1]:
            answers.setdefault(k, [j, j])[1] = j + 1
            answered.add(layout.sentence[j])
    for j, k in asked.items():
        exchange = found[k]
        given = exchange.given_from is not None and chars[j] >= exchange.given_from
        layout.asked[j] = Asked(exchange, answers[k][0] if k in answers else None, given)
    layout.answers = [(first, last) for first, last in answers.values()]
    skipped = sorted(questions - answered)
    layout.statement = [s - bisect_left(skipped, s) for s in layout.sentence]


def asked_status(
    asked: Asked, decided: tuple[str, tuple[int, int] | None]
) -> tuple[str, tuple[int, int] | None]:
    """The status of a cue inside a question: what a yes/no answer makes of it.

    An open question, or the clause after "bahwa", takes the cue as given; a yes keeps it;
    a no negates it; an answer that says neither leaves it hypothetical.
    """
    exchange = asked.exchange
    if not exchange.yes_no or asked.given or exchange.polarity == "yes":
        return decided
    cue = (asked.answer, asked.answer + 1) if asked.answer is not None else None
    return ("negated" if exchange.polarity == "no" else "hypothetical"), cue


def record_tokens(
    doc: Doc, compact: CompactDoc, items: list[tuple[int, int, int]]
) -> frozenset[int]:
    """Compact tokens inside the table rows, forms and list items that name a person."""
    ranges = sorted(
        [(r.start, r.end) for r in records_of(doc) if r.person is not None]
        + [(start, end) for start, end, _ in items]
    )
    if not ranges:
        return frozenset()
    starts = [s for s, _ in ranges]
    inside = set()
    for j, i in enumerate(compact.index):
        char = doc[i].idx
        k = bisect_right(starts, char) - 1
        if k >= 0 and char < ranges[k][1]:
            inside.add(j)
    return frozenset(inside)


def in_scope(
    rule: StatusRule, m_start: int, m_end: int, start: int, end: int, layout: Layout
) -> bool:
    """True when a status cue at ``m_start:m_end`` scopes over the incident at ``start:end``."""
    units = layout.clause if rule.scope == "clause" else layout.sentence
    if units[m_start] != units[start]:
        return False
    if layout.cell and layout.cell[m_start] != layout.cell[min(start, len(layout.cell) - 1)]:
        return False
    if rule.position == "before":
        return m_end <= start and start - m_end < rule.window
    if m_end <= start:
        return start - m_end < rule.window
    if m_start >= end:
        return m_start - end < rule.window
    return False


def longest_per_label(found: dict[tuple[str, int, int], dict]) -> list[tuple[dict, int, int]]:
    """Drop cue matches contained in a longer match of the same label."""
    kept: list[tuple[dict, int, int]] = []
    # label -> start -> the furthest end of a kept match starting there
    reach: dict[str, dict[int, int]] = {}
    longest = max((end - start for _, start, end in found), default=0)
    by_length = sorted(found.items(), key=lambda item: item[0][1] - item[0][2])
    for (label, start, end), record in by_length:
        ends = reach.setdefault(label, {})
        # A match that holds this one starts at most `longest` before it.
        if any(ends.get(s, -1) >= end for s in range(start - longest, start + 1)):
            continue
        ends[start] = max(ends.get(start, -1), end)
        kept.append((record, start, end))
    return sorted(kept, key=lambda item: (item[1], item[2]))
