"""Facts from page text: run the Indonesian pipeline over a document and keep the provenance.

The pages of a document are read as one text (pages joined by a blank line), so a date
printed on the first page anchors the others and a sentence broken by a page end still
reads whole; every fact is then mapped back to its page and the character offsets in that
page's text. Very long documents are read in chunks of whole pages, and a page longer than a
chunk in pieces cut at line ends; a table of people left open at the end of a chunk goes on
in the next one.

The stage is bounded in time: the components run one by one over each chunk and a deadline
(`seconds`) is checked before each; past it the facts found so far are kept and the result
says where the stage stopped (`ExtractionResult.stopped`). Lines longer than
`MAX_LINE_CHARS` are cut and "words" longer than `MAX_WORD_CHARS` (encoded data, rules of
dashes) are blanked before the pipeline sees them, offsets unchanged, so no rule scans a
megabyte of one line for each name on it.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.attrs import IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.limits import Deadline
from extractors.mrz import Zone, find_zones
from extractors.nlp.dates import as_date, find_document_date
from extractors.nlp.incidents import COUNTED
from extractors.nlp.pipeline import load_pipeline
from extractors.nlp.records import open_header
from models.errors import TimeLimitError
from models.records import ExtractionResult, Fact, FactKind

PAGE_JOINER = "\n\n"
CHUNK_CHARS = 200_000
MAX_LINE_CHARS = 20_000  # longer lines are cut at a sentence end or a blank
MAX_WORD_CHARS = 1_000  # longer runs without a blank are not words: blanked
LONG_WORD = re.compile(rf"\S{{{MAX_WORD_CHARS + 1},}}")
MAX_SENTENCE_CHARS = 400
NLP_ROOT = Path(__file__).parent / "nlp"
ROLE_KINDS = {
    "foreign_national": FactKind.FOREIGN_NATIONAL,
    "official": FactKind.OFFICIAL,
    "other": FactKind.OTHER_PERSON,
}
# How sure each kind of evidence makes us (a rule with its cue beats a bare match).
CONFIDENCE = {
    "cued": 0.9,
    "uncued": 0.6,
    "region": 0.9,
    "region_ambiguous": 0.6,
    "place": 0.7,
    "pattern": 0.9,
    "status": 0.85,
    "date_day": 0.9,
    "date_coarse": 0.6,
}
# Serialises pipeline calls: spaCy pipelines are not documented as thread-safe, and the
# NLP stage costs about 1% of OCR time, so one document at a time loses nothing.
_nlp_lock = threading.Lock()

LETTER = re.compile(
    r"^[ \t]*(?:Nomor|No\.?)[ \t]*:.*$\n(?:.*\n){0,6}?[ \t]*(?:Perihal|Hal)[ \t]*:",
    re.MULTILINE | re.IGNORECASE,
)
MINUTES = re.compile(
    r"\bnotulen(?:si)?\b|^[ \t]*(?:pimpinan rapat|peserta rapat|daftar hadir)\b",
    re.MULTILINE | re.IGNORECASE,
)
DATELINE = re.compile(
    r"\A\s*[A-Z][A-Za-z .]{2,40}(?:,[^\n]{0,40})?[ \t]*(?:\([^)\n]{2,30}\))?"
    r"[ \t]*[-–—]"
)


WRAPPED_SHARE = 0.6  # a line this share of the page's usual full width is a wrapped line
LIST_ITEM = re.compile(r"[ \t]*(?:\d{1,2}[.)]|[a-z][.)]|[-•*▪])[ \t]")
# Cells joined by " | " or tabs, or set in columns with runs of spaces (two wide gaps).
TABLE_ROW = re.compile(r"\S[ \t]*\|[ \t]*\S|\t|\S[ \t]{2,}+\S(?:[^\n]*?\S)?[ \t]{2,}+\S")
LETTER_LINE = re.compile(
    r"[ \t]*(?:[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,3},[ \t]+\d{1,2}[ \t]+[A-Za-z]{3,10}"
    r"[ \t]+\d{4}[ \t]*$|(?:Kepada[ \t]+)?Yth\b|Dengan[ \t]+hormat\b)"
)
SENTENCE_END = re.compile(r"[.!?;:\"”)]\s*$")
FIELD = re.compile(r"[ \t]*[A-Z][\w/.()]*(?:[ \t][\w/.()]+){0,3}(?:[ \t]+:|[ \t]*:[ \t]+\S)")


def reflow(text: str) -> str:
    """`text` with the line breaks of wrapped prose turned into spaces; same length.

    OCR and PDF text keep the printed line ends, so a name or a phrase can be broken
    across lines. A break is joined when its line runs near the page's usual full width,
    does not end a field label (":"), is not in capitals (a letterhead) and the next line
    is neither blank, a list item nor a field ("Notulis : ..."); headers, fields, lists
    and signature blocks keep their lines. OCR sometimes puts a blank line inside a
    sentence (a hanging indent read as a new block): a wrapped line that ends without
    closing punctuation and is not a field is joined across one blank line too, unless the
    line after the blank starts with a capital (a new paragraph after an address). Table rows
    (cells joined by " | " or tabs, or set in columns with spaces) keep their lines. Offsets
    do not move.
    """
    lines = text.split("\n")
    lengths = sorted(len(line.rstrip()) for line in lines if line.strip())
    if len(lengths) < 3:
        return text
    full = lengths[int(0.9 * (len(lengths) - 1))]
    joins = [False] * len(lines)  # joins[i]: the break after line i becomes a space
    for i, line in enumerate(lines[:-1]):
        if not _wrapped(line, full):
            continue
        if _continues(lines[i + 1]):
            joins[i] = True
        elif (
            not lines[i + 1].strip()
            and i + 2 < len(lines)
            and _continues(lines[i + 2])
            and not lines[i + 2].lstrip()[:1].isupper()  # a capital after a blank: a new block
            and not SENTENCE_END.search(line)
            and not _is_field(line)  # a form's last field ends at the blank line
        ):
            joins[i] = joins[i + 1] = True
    return (
        "".join(line + (" " if joins[i] else "\n") for i, line in enumerate(lines[:-1])) + lines[-1]
    )


def _is_field(line: str) -> bool:
    """A form line "Label : value", numbered or not ("6. Sponsor : PT ...")."""
    item = LIST_ITEM.match(line)
    return FIELD.match(line, item.end() if item else 0) is not None


def _wrapped(line: str, full: int) -> bool:
    """A line that runs near the usual full width and is not a label, letterhead or table row."""
    return (
        len(line.rstrip()) >= WRAPPED_SHARE * full
        and not TABLE_ROW.search(line)
        and not line.rstrip().endswith(":")
        and not line.isupper()
    )


def _continues(line: str) -> bool:
    """A line that can carry on the previous one: not blank, a list item, a field, a row or
    a letter's own line (the place and date it was signed, "Yth. ...", "Dengan hormat,")."""
    return (
        bool(line.strip())
        and not LIST_ITEM.match(line)
        and not FIELD.match(line)
        and not TABLE_ROW.search(line)
        and not LETTER_LINE.match(line)
    )


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """A short fingerprint of the pipeline: its code, data files, config and model weights."""
    digest = hashlib.sha256()
    files = sorted(
        path
        for path in NLP_ROOT.rglob("*")
        if path.is_file() and path.suffix not in (".pyc",) and "__pycache__" not in path.parts
    )
    files.append(Path(__file__))
    for path in files:
        digest.update(str(path.relative_to(NLP_ROOT.parent)).encode())
        digest.update(path.read_bytes())
    return f"nlp-{digest.hexdigest()[:12]}"


def document_kind(text: str) -> str | None:
    """`letter`, `minutes` or `news` from the layout of the first pages; None if empty."""
    head = text[:6000]
    if not head.strip():
        return None
    if MINUTES.search(head):
        return "minutes"
    if LETTER.search(head):
        return "letter"
    return "news"


@dataclass(frozen=True)
class _Chunk:
    """Consecutive pages read as one text; `starts[i]` is where page `numbers[i]` begins."""

    text: str
    numbers: list[int]
    starts: list[int]
    lengths: list[int]
    offsets: list[int]  # where each part begins in its page (0 unless a long page was cut)

    def locate(self, start: int, end: int) -> tuple[int, int, int]:
        """The page number and page-relative offsets of a text range (clipped to the page)."""
        i = max(0, bisect.bisect_right(self.starts, start) - 1)
        page_start = self.starts[i]
        local_start = min(start - page_start, self.lengths[i])
        local_end = min(end - page_start, self.lengths[i])
        offset = self.offsets[i]
        return self.numbers[i], offset + local_start, offset + max(local_start, local_end)

    def pages(self) -> str:
        """The page numbers of the chunk, e.g. "3" or "3-5"."""
        first, last = self.numbers[0], self.numbers[-1]
        return str(first) if first == last else f"{first}-{last}"


def chunk_pages(pages: Sequence[tuple[int, str]], limit: int = CHUNK_CHARS) -> Iterator[_Chunk]:
    """Group `(number, text)` pages into texts of at most about `limit` characters.

    A page longer than `limit` is read in parts of at most `limit` characters, cut at a
    line end (else a blank) so that no chunk grows without bound.
    """
    numbers: list[int] = []
    starts: list[int] = []
    lengths: list[int] = []
    offsets: list[int] = []
    parts: list[str] = []
    size = 0
    for number, offset, text in _page_parts(pages, limit):
        if parts and size + len(text) > limit:
            yield _Chunk("".join(parts), numbers, starts, lengths, offsets)
            numbers, starts, lengths, offsets, parts, size = [], [], [], [], [], 0
        if parts:
            parts.append(PAGE_JOINER)
            size += len(PAGE_JOINER)
        numbers.append(number)
        starts.append(size)
        lengths.append(len(text))
        offsets.append(offset)
        parts.append(bound_lines(reflow(text)))
        size += len(text)
    if parts:
        yield _Chunk("".join(parts), numbers, starts, lengths, offsets)


def _page_parts(pages: Sequence[tuple[int, str]], limit: int) -> Iterator[tuple[int, int, str]]:
    """`(number, offset, text)` of each page, long pages cut into parts of `limit` at most."""
    for number, text in pages:
        offset = 0
        while len(text) - offset > limit:
            end = _cut(text, offset, offset + limit)
            yield number, offset, text[offset:end]
            offset = end
        yield number, offset, text[offset:]


def _cut(text: str, start: int, end: int) -> int:
    """Where to end a part of `text[start:end]`: after its last line end, else blank."""
    for mark in ("\n\n", "\n", ". ", " "):
        found = text.rfind(mark, start + (end - start) // 2, end)
        if found >= 0:
            return found + len(mark)
    return end


def bound_lines(text: str) -> str:
    """`text` with very long lines cut and very long runs without a blank blanked; same length.

    Normal prose is untouched: only lines over `MAX_LINE_CHARS` get a line end (replacing a
    blank, after a sentence end where there is one) and only runs of `MAX_WORD_CHARS`
    characters without a blank become blanks.
    """
    if len(text) <= MAX_WORD_CHARS:
        return text
    text = LONG_WORD.sub(lambda m: " " * len(m.group()), text)
    if all(len(line) <= MAX_LINE_CHARS for line in text.split("\n")):
        return text
    chars = list(text)
    line_start = 0
    while True:
        line_end = text.find("\n", line_start)
        line_end = len(text) if line_end < 0 else line_end
        if line_end - line_start <= MAX_LINE_CHARS:
            if line_end == len(text):
                return "".join(chars)
            line_start = line_end + 1
            continue
        cut = _blank_before(text, line_start, line_start + MAX_LINE_CHARS)
        chars[cut] = "\n"
        line_start = cut + 1


def _blank_before(text: str, start: int, end: int) -> int:
    """A blank in `text[start:end]` to turn into a line end: after a full stop if possible."""
    half = start + (end - start) // 2
    for mark, shift in ((". ", 1), (" ", 0), ("\t", 0)):
        found = text.rfind(mark, half, end)
        if found >= 0:
            return found + shift
    return end  # no blank at all in the second half: the text is cut anyway


def extract_facts(
    pages: Sequence[tuple[int, str]],
    *,
    words: Mapping[int, Sequence[Mapping[str, Any]]] | None = None,
    document_date: date | str | None = None,
    seconds: float | None = None,
) -> ExtractionResult:
    """Every fact in the pages `(number, text)` of one document, with page and offsets.

    `words` maps a page number to its OCR word boxes (`WordBox` dicts with their `start`
    offsets); facts on those pages get the boxes of the words they cover. `document_date`
    anchors dates printed without a year; by default it is read from the text (a letter's
    date line, a news dateline, the latest full date). `seconds` limits the time of the
    pipeline (counted once this document has the pipeline to itself): past it the facts
    of the chunks already read are kept and `stopped` says where it stopped.
    """
    began = time.perf_counter()
    readable = [(number, text) for number, text in pages if text and text.strip()]
    anchor = as_date(document_date) or _first_document_date(readable)
    nlp = load_pipeline()
    facts: list[Fact] = []
    count = 0
    stopped = None
    header = None  # a table left open at the end of a chunk goes on in the next one
    with _nlp_lock:
        deadline = Deadline("nlp", seconds, "PANTAU_NLP_SECONDS")
        for chunk in chunk_pages(readable):
            if chunk.text.isspace():
                continue  # nothing left once runs without blanks are blanked: no words
            try:
                doc = run_pipeline(nlp, chunk, anchor=anchor, deadline=deadline, header=header)
            except TimeLimitError as e:
                stopped = _stopped_reason(e, chunk, kept=bool(facts))
                break
            header = open_header(doc)
            count += len(doc) - int(doc.to_array([IS_SPACE]).sum())
            facts.extend(facts_of_doc(doc, chunk))
    facts = with_passport_zones(facts, readable, anchor)
    if words:
        add_boxes(facts, words)
    text = PAGE_JOINER.join(text for _, text in readable)
    return ExtractionResult(
        facts=facts,
        extractor=extractor_version(),
        document_date=anchor.isoformat() if anchor else None,
        kind=document_kind(text),
        words=count,
        seconds=round(time.perf_counter() - began, 4),
        stopped=stopped,
    )


def with_passport_zones(
    facts: list[Fact], pages: Sequence[tuple[int, str]], anchor: date | None
) -> list[Fact]:
    """The facts with those of the machine-readable zones on the pages (`extractors.mrz`):
    the passport as an identifier with every field and check, and its holder as a foreign
    national (unless Indonesian). What the language pipeline made of a zone's characters
    is dropped. A number whose check digit fails is doubtful: kept on the identifier, never
    given to the person, so it never joins two people."""
    found: list[Fact] = []
    spans: list[tuple[int, int, int]] = []
    for number, text in pages:
        for zone in find_zones(text, today=anchor or date.today()):
            spans.append((number, zone.start, zone.end))
            found.extend(_zone_facts(number, text[zone.start : zone.end], zone, anchor))
    if not found:
        return facts
    kept = [
        f
        for f in facts
        if not any(f.page == p and f.start < end and start < f.end for p, start, end in spans)
    ]
    return sorted([*kept, *found], key=lambda f: (f.page, f.start, f.end))


def _zone_facts(number: int, written: str, zone: Zone, anchor: date | None) -> list[Fact]:
    details: dict[str, Any] = {
        "id_kind": "passport" if zone.document_type.startswith("P") else "identity_card",
        "scheme": "mrz",
        "format": zone.format,
        "document_type": zone.document_type,
        "issuing_state": zone.issuing_state,
        "surname": zone.surname,
        "given_names": zone.given_names,
        "nationality": zone.nationality,
        "birth_date": zone.birth_date,
        "sex": zone.sex,
        "expiry_date": zone.expiry_date,
        "checks": zone.checks,
        "valid": zone.valid,
    }
    confidence = CONFIDENCE["pattern"] if zone.valid else 0.5
    facts = [
        Fact(
            kind=FactKind.IDENTIFIER,
            value=zone.number,
            sentence=written,
            method="rule:mrz",
            confidence=confidence,
            attributes=details,
            page=number,
            start=zone.start,
            end=zone.end,
            text=written,
        )
    ]
    if zone.nationality == "ID" or not zone.surname:
        return facts
    person: dict[str, Any] = {
        "name_kind": "full_name",
        "nationality": zone.nationality,
        "count": 1,
        "evidence": "MRZ",
    }
    person["passport" if zone.valid else "doubtful_passport"] = zone.number
    if zone.sex:
        person["sex"] = zone.sex
    age = _age(zone.birth_date, anchor)
    if age is not None and zone.checks.get("birth_date"):
        person["age"] = age
    facts.append(
        Fact(
            kind=FactKind.FOREIGN_NATIONAL,
            value=zone.name,
            sentence=written,
            method="rule:mrz",
            confidence=confidence,
            attributes=person,
            page=number,
            start=zone.start,
            end=zone.end,
            text=written,
        )
    )
    return facts


def _age(birth: str | None, anchor: date | None) -> int | None:
    if not birth:
        return None
    born, on = date.fromisoformat(birth), anchor or date.today()
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _stopped_reason(error: TimeLimitError, chunk: _Chunk, *, kept: bool) -> str:
    first = chunk.numbers[0]
    kept_text = f"The facts of the pages before page {first} are kept" if kept else "No facts"
    return (
        f"{error.message} {kept_text}; the page text is stored and "
        "searchable. Raise PANTAU_NLP_SECONDS, then run `pantau extract` with this document's "
        "id to extract all its facts."
    )


def run_pipeline(
    nlp: Language,
    chunk: _Chunk,
    *,
    anchor: date | None,
    deadline: Deadline,
    header: str | None = None,
) -> Doc:
    """Run the pipeline's components one by one over a chunk, checking the deadline first.

    `header` is the header of a table of people left open by the chunk before."""
    doc = nlp.make_doc(chunk.text)
    doc._.document_date = anchor.isoformat() if anchor else None
    doc._.table_header = header
    for name, component in nlp.pipeline:
        deadline.check(f"{name} on page {chunk.pages()}")
        doc = component(doc)
    return doc


def add_boxes(facts: list[Fact], words: Mapping[int, Sequence[Mapping[str, Any]]]) -> None:
    """Give each fact the boxes of the OCR words that overlap its character span."""
    starts: dict[int, list[int]] = {}
    for fact in facts:
        page_words = words.get(fact.page)
        if not page_words:
            continue
        if fact.page not in starts:
            starts[fact.page] = [int(w.get("start", -1)) for w in page_words]
        offsets = starts[fact.page]
        first = max(0, bisect.bisect_right(offsets, fact.start) - 1)
        for word in page_words[first:]:
            begin = int(word.get("start", -1))
            if begin >= fact.end:
                break
            if begin >= 0 and begin + len(word["text"]) > fact.start:
                fact.boxes.append(
                    [int(word["left"]), int(word["top"]), int(word["width"]), int(word["height"])]
                )


def _first_document_date(pages: Sequence[tuple[int, str]]) -> date | None:
    for _, text in pages[:2]:
        found = find_document_date(text)
        if found is not None:
            return found
    return None


def facts_of_doc(doc: Doc, chunk: _Chunk) -> list[Fact]:
    """Turn the spans the pipeline wrote on `doc` into facts located on their pages."""
    make = _FactMaker(doc, chunk)
    facts: list[Fact] = []
    facts.extend(make.people())
    facts.extend(make.nationalities())
    facts.extend(make.locations())
    facts.extend(make.organisations())
    facts.extend(make.incidents())
    facts.extend(make.dates())
    facts.extend(make.identifiers())
    facts.extend(make.document_fields())
    return facts


class _FactMaker:
    """Builds the facts of one Doc; one method per fact kind."""

    def __init__(self, doc: Doc, chunk: _Chunk) -> None:
        self.doc = doc
        self.chunk = chunk
        self.org_ranges = [(s.start_char, s.end_char) for s in doc.spans.get("org", [])]

    def spans(self, key: str) -> Iterable[Span]:
        return self.doc.spans.get(key, [])

    def fact(
        self,
        kind: FactKind,
        span: Span,
        *,
        value: str | None,
        method: str,
        confidence: float,
        **attributes: Any,
    ) -> Fact:
        page, start, end = self.chunk.locate(span.start_char, span.end_char)
        return Fact(
            kind=kind,
            page=page,
            start=start,
            end=end,
            text=" ".join(span.text.split()),
            value=value,
            sentence=sentence_of(span),
            method=method,
            confidence=confidence,
            attributes={k: v for k, v in attributes.items() if v not in (None, [], "")},
        )

    def inside_organisation(self, span: Span) -> bool:
        return any(s <= span.start_char and span.end_char <= e for s, e in self.org_ranges)

    def people(self) -> Iterator[Fact]:
        for span in self.spans("person"):
            kind = ROLE_KINDS.get(span._.person_role or "other", FactKind.OTHER_PERSON)
            group = span._.name_kind == "group"
            yield self.fact(
                kind,
                span,
                value=None if group else span._.clean_name,
                method="rule:people",
                confidence=CONFIDENCE["cued" if span._.evidence else "uncued"],
                name_kind=span._.name_kind,
                nationality=span._.nationality,
                count=span._.count,
                age=span._.age,
                title=span._.title,
                passport=span._.passport,
                evidence=span._.evidence,
                aliases=list(getattr(span._, "aliases", None) or []),
                incidents=list(getattr(span._, "incidents", None) or []),
                **(getattr(span._, "record_details", None) or {}),
            )

    def nationalities(self) -> Iterator[Fact]:
        """Country mentions that state the citizenship of foreigners in this text."""
        stated = set(getattr(self.doc._, "nationalities", None) or [])
        stated |= {
            span._.nationality
            for span in self.spans("person")
            if span._.person_role == "foreign_national" and span._.nationality
        }
        for span in self.spans("country"):
            if span._.country in stated:
                yield self.fact(
                    FactKind.NATIONALITY,
                    span,
                    value=span._.country,
                    method="gazetteer:countries",
                    confidence=CONFIDENCE["cued"],
                    form=span._.form,
                )

    def locations(self) -> Iterator[Fact]:
        for span in self.spans("place"):
            if self.inside_organisation(span):
                continue
            level = span._.region_level or "place"
            code = span._.region_code
            candidates = list(span._.candidates or [])
            confidence = (
                "place"
                if code is None
                else ("region_ambiguous" if len(candidates) > 1 else "region")
            )
            yield self.fact(
                FactKind.LOCATION,
                span,
                value=code or " ".join(span.text.split()),
                method="gazetteer:wilayah" if code else "rule:places",
                confidence=CONFIDENCE[confidence],
                level=level,
                region_name=span._.region_name,
                province=span._.province,
                candidates=candidates[1:],
            )

    def organisations(self) -> Iterator[Fact]:
        for span in self.spans("org"):
            yield self.fact(
                FactKind.ORGANISATION,
                span,
                value=span._.expansion or " ".join(span.text.split()),
                method="rule:organisations",
                confidence=CONFIDENCE["pattern"],
                org_kind=span._.org_kind,
            )

    def incidents(self) -> Iterator[Fact]:
        for span in self.spans("incident"):
            concerns = [
                {"page": page, "start": start, "end": end}
                for page, start, end in (
                    self.chunk.locate(s, e) for s, e in (getattr(span._, "concerns", None) or [])
                )
            ]
            yield self.fact(
                FactKind.INCIDENT,
                span,
                value=span._.incident,
                method="rule:incidents",
                confidence=CONFIDENCE["status" if span._.status_cue else "pattern"],
                status=span._.status,
                counted=span._.status in COUNTED,
                status_cue=span._.status_cue,
                concerns=concerns,
            )

    def dates(self) -> Iterator[Fact]:
        for span in self.spans("date"):
            precision = span._.date_precision
            yield self.fact(
                FactKind.DATE,
                span,
                value=span._.date,
                method="rule:dates",
                confidence=CONFIDENCE["date_day" if precision == "day" else "date_coarse"],
                precision=precision,
                date_kind=span._.date_kind,
            )

    def identifiers(self) -> Iterator[Fact]:
        for span in self.spans("identifier"):
            yield self.fact(
                FactKind.IDENTIFIER,
                span,
                value=span._.value,
                method="rule:identifiers",
                confidence=CONFIDENCE["pattern"],
                id_kind=span._.id_kind,
            )

    def document_fields(self) -> Iterator[Fact]:
        for span in self.spans("letter_field"):
            yield self.fact(
                FactKind.DOCUMENT_FIELD,
                span,
                value=span._.field_value,
                method="rule:letter",
                confidence=CONFIDENCE["pattern"],
                field=span._.letter_field,
            )


def sentence_of(span: Span) -> str:
    """The sentence around `span`, whitespace folded.

    A sentence longer than `MAX_SENTENCE_CHARS` (a letterhead or a list without full
    stops) is cut to the lines around the span, within the sentence.
    """
    try:
        sentence = span.sent
    except ValueError:  # no sentence boundaries on this Doc
        sentence = span.doc[max(0, span.start - 20) : min(len(span.doc), span.end + 20)]
    text, offset = sentence.text, span.start_char - sentence.start_char
    if len(text) > MAX_SENTENCE_CHARS:
        text = _lines_around(text, offset, offset + len(span.text))
    return " ".join(text.split())


def _lines_around(text: str, start: int, end: int) -> str:
    """The lines of `text` holding `start:end`, plus neighbours while short enough."""
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    hi = len(text) if hi < 0 else hi
    while hi - lo < MAX_SENTENCE_CHARS // 2:
        before = text.rfind("\n", 0, max(0, lo - 1)) + 1 if lo > 0 else lo
        after = text.find("\n", hi + 1) if hi < len(text) else hi
        after = len(text) if after < 0 else after
        if (before, after) == (lo, hi):
            break
        lo, hi = before, after
    if hi - lo > MAX_SENTENCE_CHARS:  # one very long line
        lo = max(lo, start - MAX_SENTENCE_CHARS // 2)
        hi = min(hi, lo + MAX_SENTENCE_CHARS)
    return text[lo:hi]


__all__ = ["document_kind", "extract_facts", "extractor_version"]
