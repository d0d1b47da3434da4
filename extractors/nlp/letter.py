"""Letter and minutes furniture: ``doc.spans["letter_field"]``, one span per field value.

Official paperwork states its own facts in fixed places. Read line by line, each line
bounded in length, so the component runs in linear time on any text:

- field lines "Nomor : B-1234/...", "Sifat : Segera", "Hal : ...", "Hari/Tanggal : ...",
  "Tempat : ...", "Pimpinan Rapat : ..." (labels in ``data/letter_fields.jsonl``; a label
  must stand alone before its colon, so "Tempat/Tgl Lahir" or "No. Paspor" are not fields);
- lists under a header "Tembusan:", "Peserta:", "Kesimpulan:" (numbered, lettered or bulleted
  items, or items separated by commas on the header line), one span per item;
- the addressee after "Yth." / "Kepada Yth.", the place-and-date line ("Denpasar, 3 Maret
  2026"), the signatory (the name line above an NIP or NRP line) and that number;
- the sender: the last organisation named in the letterhead, the lines before the first field.

Each span carries ``span._.letter_field`` (``number``, ``nature``, ``attachment``,
``subject``, ``addressee``, ``place_date``, ``sender``, ``signatory``, ``signatory_nip``,
``cc``; for minutes ``meeting_date``, ``meeting_time``, ``meeting_place``, ``agenda``,
``chair``, ``minute_taker``, ``participant``, ``decision``) and ``span._.field_value`` (the
value with whitespace folded and list punctuation removed).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.nlp.gazetteer import data_path, read_jsonl

SPAN_KEY = "letter_field"
MAX_LINE = 400  # longer lines are prose, never a field
MAX_ITEMS = 40
HEAD_LINES = 15  # a letterhead stands in the first lines

Span.set_extension("letter_field", default=None, force=True)
Span.set_extension("field_value", default=None, force=True)

ITEM = re.compile(r"[ \t]*(?:\d{1,2}[.)]|[a-zA-Z][.)]|[-•*–])[ \t]+(?P<item>\S[^\n]*)")
ADDRESSEE = re.compile(
    r"[ \t]*(?:Kepada[ \t]+)?(?:Yth\.?|Yang[ \t]+[Tt]erhormat)[ \t]*:?[ \t]*(?P<rest>[^\n]*)",
    re.IGNORECASE,
)
SIGNATURE_ID = re.compile(r"[ \t]*(?:NIP|NRP)\.?[ \t]*[:.]?[ \t]*(?P<id>\d[\d \t]{6,30}\d)[ \t]*")
PLACE_DATE = re.compile(
    r"[ \t]*(?P<place>[A-Z][A-Za-z'’.-]*(?:[ \t]+[A-Z][A-Za-z'’.-]*){0,3}),[ \t]+"
    r"(?P<date>\d{1,2}[ \t]+[A-Za-z]{3,10}[ \t]+\d{4})[ \t]*"
)
# "Senin, 16 November 2026" is a date line, not a place and date.
WEEKDAYS = frozenset({"senin", "selasa", "rabu", "kamis", "jumat", "jum'at", "sabtu", "minggu"})
ITEM_END = re.compile(r"[ \t;,.]+$")
ITEM_NOTE = re.compile(r"[ \t]*\((?:sebagai[ \t]+laporan|untuk[ \t]+diketahui)\)[ \t]*$", re.I)
INLINE_SEPARATOR = re.compile(r"[ \t]*[;,][ \t]*(?:dan[ \t]+)?|[ \t]+dan[ \t]+")


@dataclass(frozen=True)
class Line:
    """One line of the text: its bounds and its words."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Field:
    """A field value found in the text."""

    start: int
    end: int
    name: str
    value: str


@Language.factory(
    "pantau_letter",
    default_config={"spans_key": SPAN_KEY, "fields": None},
    assigns=["doc.spans"],
)
def make_letter(nlp: Language, name: str, spans_key: str, fields: str | None) -> LetterReader:
    """Build the letter reader (the field labels default to the shipped file)."""
    return LetterReader(
        spans_key=spans_key,
        fields=Path(fields) if fields else data_path("letter_fields.jsonl"),
    )


class LetterReader:
    """Finds the fields of letters and minutes in a Doc's lines."""

    def __init__(self, *, spans_key: str, fields: Path) -> None:
        self.spans_key = spans_key
        records = list(read_jsonl(fields))
        self.line_fields = label_table(r for r in records if r["shape"] == "line")
        self.list_fields = label_table(r for r in records if r["shape"] == "list")
        self.line_label = label_regex(self.line_fields)
        self.list_label = label_regex(self.list_fields)

    def __call__(self, doc: Doc) -> Doc:
        lines = split_lines(doc.text)
        found = self.line_values(lines) + self.list_values(lines)
        found += addressee(lines) + place_date(lines) + signatories(lines)
        found += sender(doc, lines, found)
        spans: list[Span] = []
        for field in sorted(found, key=lambda f: (f.start, f.end)):
            span = doc.char_span(field.start, field.end, alignment_mode="expand")
            if span is None or any(s.start < span.end and span.start < s.end for s in spans):
                continue
            span._.letter_field = field.name
            span._.field_value = field.value
            spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc

    def line_values(self, lines: list[Line]) -> list[Field]:
        """Values of "Label : value" lines."""
        found = []
        for line in lines:
            m = self.line_label.match(line.text)
            if m is None:
                continue
            value = m.group("value").strip()
            name = self.line_fields[fold(m.group("label"))]
            if value and not value.startswith(":"):
                start = line.start + m.start("value")
                found.append(Field(start, start + len(value), name, " ".join(value.split())))
        return found

    def list_values(self, lines: list[Line]) -> list[Field]:
        """Items under a list header, or after it on the same line."""
        found: list[Field] = []
        for i, line in enumerate(lines):
            m = self.list_label.match(line.text)
            if m is None:
                continue
            name = self.list_fields[fold(m.group("label"))]
            rest = m.group("value")
            if rest.strip():
                found += inline_items(line.start + m.start("value"), rest, name)
            else:
                found += items_below(lines, i + 1, name)
        return found


def label_table(records: Iterator[dict]) -> dict[str, str]:
    """Folded label -> field name."""
    return {fold(label): r["field"] for r in records for label in r["labels"]}


def label_regex(table: dict[str, str]) -> re.Pattern[str]:
    """A line that starts with one of the labels, then a colon and the value."""
    labels = sorted(table, key=len, reverse=True)
    alternation = "|".join(re.escape(label).replace(r"\ ", r"[ \t]+") for label in labels)
    return re.compile(
        rf"[ \t]*(?:\d{{1,2}}[.)][ \t]*)?(?P<label>(?i:{alternation}))[ \t]*(?i:yth\.?)?"
        rf"[ \t]*:[ \t]*(?P<value>[^\n]*)"
    )


def fold(label: str) -> str:
    """A label compared without case, spacing or a closing full stop."""
    return " ".join(label.lower().replace(" / ", "/").split()).rstrip(".")


def split_lines(text: str) -> list[Line]:
    """The lines of the text, each cut to ``MAX_LINE`` characters."""
    lines, start = [], 0
    for raw in text.split("\n"):
        lines.append(Line(start, start + len(raw), raw[:MAX_LINE]))
        start += len(raw) + 1
    return lines


def clean_item(start: int, raw: str, name: str) -> Field | None:
    """One list item without its list punctuation or a "(sebagai laporan)" note."""
    text = ITEM_END.sub("", ITEM_NOTE.sub("", ITEM_END.sub("", raw))).strip()
    if len(text) < 2:
        return None
    offset = raw.index(text[0])
    return Field(start + offset, start + offset + len(text), name, " ".join(text.split()))


def inline_items(start: int, rest: str, name: str) -> list[Field]:
    """Items written on the header line: "Peserta : Kanim Batam, Polresta Barelang dan BIN"."""
    found, pos = [], 0
    for sep in [*INLINE_SEPARATOR.finditer(rest), None]:
        end = sep.start() if sep else len(rest)
        item = clean_item(start + pos, rest[pos:end], name) if rest[pos:end].strip() else None
        if item:
            found.append(item)
        if sep:
            pos = sep.end()
        if len(found) >= MAX_ITEMS:
            break
    return found


def items_below(lines: list[Line], first: int, name: str) -> list[Field]:
    """Numbered, lettered or bulleted items on the lines after a header."""
    found: list[Field] = []
    for line in lines[first : first + MAX_ITEMS * 2]:
        if not line.text.strip():
            if found:
                break
            continue
        m = ITEM.fullmatch(line.text)
        if m is None:
            if found and line.text[:1] in " \t":
                continue  # an item carried over to an indented line
            break
        item = clean_item(line.start + m.start("item"), m.group("item"), name)
        if item:
            found.append(item)
    return found


def addressee(lines: list[Line]) -> list[Field]:
    """The addressee: the rest of the "Yth." line, or the next non-blank line."""
    for i, line in enumerate(lines):
        m = ADDRESSEE.fullmatch(line.text)
        if m is None:
            continue
        if m.group("rest").strip():
            start = line.start + m.start("rest")
            return [field_of(start, m.group("rest"), "addressee")]
        for nxt in lines[i + 1 : i + 3]:
            if nxt.text.strip():
                return [field_of(nxt.start, nxt.text, "addressee")]
        return []
    return []


def place_date(lines: list[Line]) -> list[Field]:
    """Where and when the letter was signed: a line that is only "Place, d Month yyyy"."""
    found = []
    for line in lines:
        m = PLACE_DATE.fullmatch(line.text)
        if m and m.group("place").lower() not in WEEKDAYS:
            found.append(field_of(line.start + m.start("place"), m.group().strip(), "place_date"))
    return found


def signatories(lines: list[Line]) -> list[Field]:
    """The name line above each NIP/NRP line, and the number."""
    found = []
    for i, line in enumerate(lines):
        m = SIGNATURE_ID.fullmatch(line.text)
        if m is None:
            continue
        number = re.sub(r"\s", "", m.group("id"))
        found.append(Field(line.start + m.start("id"), line.start + m.end("id"), "signatory_nip",
                           number))
        above = [ln for ln in lines[max(0, i - 3) : i] if ln.text.strip()]
        if above:
            name = above[-1]
            body = name.text.strip(" \t_()")
            if body and not re.search(r"\d", body):
                found.append(field_of(name.start + name.text.index(body), body, "signatory"))
    return found


def sender(doc: Doc, lines: list[Line], found: list[Field]) -> list[Field]:
    """The last organisation of the letterhead: the lines before the first field line."""
    fields = [f.start for f in found if f.name in ("number", "meeting_date", "nature")]
    if not fields:
        return []
    head_end = min(min(fields), lines[min(len(lines), HEAD_LINES) - 1].end if lines else 0)
    orgs = [s for s in doc.spans.get("org", []) if s.end_char <= head_end]
    if not orgs:
        return []
    org = orgs[-1]
    value = org._.expansion or " ".join(org.text.split())
    return [Field(org.start_char, org.end_char, "sender", value)]


def field_of(start: int, raw: str, name: str) -> Field:
    """A field over ``raw`` (stripped) written at ``start``."""
    text = raw.strip()
    offset = raw.index(text[0]) if text else 0
    return Field(start + offset, start + offset + len(text), name, " ".join(text.split()))
