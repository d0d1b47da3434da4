"""Records from the structure of the paperwork: tables of people and key–value forms.

``pantau_records`` reads two layouts in the Doc text and writes ``doc._.records`` (a list of
``Record``: one per table row or form block, each field mapped to the character span of its
value) and ``doc.spans["record_field"]`` (one span per field value, labelled with the field):

- tables, one row per line, cells joined by " | " (the page text of every reader) or by tabs:
  a header row whose cells name known fields ("No | Nama | Kewarganegaraan | No. Paspor"),
  then the rows with as many cells. Rows after blank lines or a page number, with the same
  number of cells, continue the table (a table broken by a page end); a repeated header is
  skipped;
- key–value blocks: consecutive lines "Label : value", optionally numbered ("1. Nama : ...");
  a block per person starts at a name field ("Nama lengkap", or "Nama Penjamin" for someone
  who is not the foreigner) and takes the known fields after it.

Field labels map to field names through ``data/record_fields.jsonl`` (``field``, ``labels``,
optional ``role``: "other" for a name label about someone who is not the foreigner, "official"
for a field only officers' records carry, such as rank and NIP; a ``not_name`` record lists
what a name cell holds when it names nobody, such as a totals row). Header labels read from a
scan may be misspelt (see `misread_header`).

The component also marks what a form states about birth: dates inside a birth field get
``span._.date_kind = "birth"`` and places inside it are dropped from ``doc.spans["place"]``
(a birthplace is not where anything happened); a passport cell that the identifier rules
missed (a header names it, not a cue word) becomes an identifier span; and every row and form
block starts a sentence, so one row's words are not read with the next.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.nlp.dates import BIRTH
from extractors.nlp.gazetteer import data_path, read_jsonl
from extractors.nlp.identifiers import normalise_code

SPAN_KEY = "record_field"
NAME_FIELDS = ("name", "related_name")
# Fields that only a record about a foreign national carries.
FOREIGN_FIELDS = frozenset({"nationality", "passport", "permit"})
PASSPORT_SHAPE = re.compile(r"(?=(?:[A-Z]*\d){4})[A-Z0-9]{6,12}")
MIN_HEADER_FIELDS = 2
# A table header read from a scan may be misspelt: a label of at least this many letters
# matches a known label within one edit per LETTERS_PER_EDIT letters.
MIN_FUZZY_LETTERS = 5
LETTERS_PER_EDIT = 5
MAX_NAME_CELL_WORDS = 6
NAME_SAMPLE_ROWS = 8  # rows read to tell which unreadable header cell is the name column
MIN_NAME_SHARE = 0.6  # of those rows, the share whose cell looks like a name
NAME_WORD = re.compile(r"[A-ZÀ-Ý][\w'’.-]*|(?:bin|binti|alias|van|de|da|dos|del|al|el)\b")
SEX_VALUES = frozenset({"laki laki", "lakilaki", "perempuan", "pria", "wanita", "l", "p"})
# OCR leaves stray marks at a scanned cell's edges: leading punctuation (":Kaiwa") and
# trailing pieces that are no name word ("3", "(ee", a lone lower-case letter).
CELL_LEAD_NOISE = re.compile(r"[^\w\n]+")
TAIL_NOISE_WORD = re.compile(r"[^\w\s]\S*|\d+|[a-z]{1,2}")
COUNT = re.compile(r"\d{1,3}(?:\.\d{3})*|\d{1,6}")
MAX_GAP_LINES = 3  # blank or page-furniture lines a table may continue across
MAX_FURNITURE_CHARS = 40
PAGE_FURNITURE = re.compile(
    r"[-–—\s]*(?:(?:hal(?:aman)?\.?|page)\s*)?\d{1,4}(?:\s*(?:dari|/|of)\s*\d{1,4})?[-–—\s]*",
    re.IGNORECASE,
)
MARKDOWN_RULE = re.compile(r"\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?")
LABEL_PARTS = re.compile(r"[ \t]*(?:/|&|\bdan\b)[ \t]*", re.IGNORECASE)
# A qualifier in brackets after a label: "Kebangsaan (sesuai paspor)", "Umur (th)".
# The first word of a region's name: a column of these is a column of places, not people.
REGION_WORDS = frozenset(
    {"kabupaten", "kab", "kota", "kecamatan", "kec", "provinsi", "prov", "desa", "kelurahan",
     "distrik", "kampung", "gampong", "nagari", "wilayah"}
)
LABEL_QUALIFIER = re.compile(r"[ \t]*\([^()\n]{0,40}\)[ \t]*")
# A break starts where a run of spaces starts, so that a long run is scanned once; the
# spaces after it belong to the next cell, which is trimmed.
CELL_BREAK = re.compile(r"(?<![ \t])[ \t]*\|")
TAB_BREAK = re.compile(r"(?<![ \t])[ \t]*\t")
# Columns aligned with spaces (a text layer or a plain-text report): two spaces or more
# between the labels of the header line.
ALIGNED_BREAK = re.compile(r"(?<![ \t])[ \t]{2,}")
MIN_ALIGNED_FIELDS = 3  # known labels an aligned header needs (it has no pipes to go by)
MAX_CUT_SHIFT = 3  # characters a column edge may move to fall between two words
# A semicolon that ends one field and starts the next on the same line ("; Umur: 34").
INLINE_FIELD = re.compile(r";(?=[ \t]*[A-Z][^:;\n|]{0,44}?[ \t]*:[ \t]*\S)")
KEY_VALUE = re.compile(
    r"[ \t]*(?:(?:\d{1,2}|[a-zA-Z])[.)][ \t]*)?(?P<label>[^\s:|][^\n:|\t]{0,44}?)[ \t]*:[ \t]*"
    r"(?P<value>\S(?:[^\n]*\S)?)?[ \t]*"
)

Doc.set_extension("records", default=None, force=True)
# The character ranges of the tables' header lines (repeats included): they name no one.
Doc.set_extension("record_headers", default=None, force=True)
# The header of a table that the text before this Doc left open (a long document read in
# parts): rows at the start of this Doc continue it. See `open_header`.
Doc.set_extension("table_header", default=None, force=True)

Cell = tuple[int, int]


@dataclass
class Record:
    """One table row or form block about one person: each field's value as a character span."""

    start: int
    end: int
    kind: str  # "row", "block" or "count" (a row of a table of counts by nationality)
    group: int  # number of the table or form the record belongs to
    fields: dict[str, Cell] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # field -> label as written
    # "other" when the name field names a sponsor, spouse ...; "official" for an officer's
    # row or block (rank, NIP and no foreigner field)
    role: str | None = None
    foreign: bool = False  # its table or form has foreigner fields (nationality, passport)
    person: Cell | None = None  # the person span made from it (set by pantau_people_spans)
    header: str | None = None  # a row's table header as written

    def name_field(self) -> str | None:
        """The field holding the record's name, if any."""
        return next((f for f in NAME_FIELDS if f in self.fields), None)

    def field_at(self, start: int, end: int) -> str | None:
        """The field whose value holds the character range."""
        for name, (s, e) in self.fields.items():
            if s <= start and end <= e:
                return name
        return None


@dataclass
class _Line:
    start: int
    end: int
    text: str


class FieldNames:
    """Field labels of ``record_fields.jsonl``, matched with case and punctuation folded."""

    def __init__(self, path: Path) -> None:
        self.fields: dict[str, str] = {}
        self.roles: dict[str, str] = {}
        self.not_names: frozenset[str] = frozenset()
        self.foreign_labels: set[str] = set()  # labels that say the person is foreign
        self.official_fields: set[str] = set()  # fields only an officer's record carries
        for entry in read_jsonl(path):
            if entry.get("kind") == "not_name":
                self.not_names |= {fold_label(v) or v for v in entry["values"]}
                continue
            for label in entry["labels"]:
                self.fields.setdefault(fold_label(label), entry["field"])
                if entry.get("foreign"):
                    self.foreign_labels.add(fold_label(label))
            if entry.get("role") == "official":
                self.official_fields.add(entry["field"])
            elif entry.get("role"):
                self.roles[entry["field"]] = entry["role"]

    def lookup(self, label: str) -> str | None:
        """The field a label names, or None; "No. Paspor/ITAS" names its first known part,
        "Kebangsaan (sesuai paspor)" the field of the label before its bracketed qualifier."""
        folded = fold_label(label)
        if folded in self.fields:
            return self.fields[folded]
        parts = [fold_label(p) for p in LABEL_PARTS.split(label)]
        found = next((self.fields[p] for p in parts if p in self.fields), None)
        bare = LABEL_QUALIFIER.sub(" ", label)
        if found is None and bare != label and bare.strip():
            return self.lookup(bare)
        return found

    def lookup_misread(self, label: str) -> str | None:
        """The field of a header cell read from a scan: exact, else the one known label
        within a few edits, after stray marks at its edges ("7 Pelanggaran", "Kewarganegaraari")."""
        found = self.lookup(label)
        if found:
            return found
        words = fold_label(label).split()
        while words and (len(words[0]) == 1 or words[0].isdigit()):
            words = words[1:]
        while words and (len(words[-1]) == 1 or words[-1].isdigit()):
            words = words[:-1]
        core = " ".join(words)
        if core in self.fields:
            return self.fields[core]
        if len(core.replace(" ", "")) < MIN_FUZZY_LETTERS:
            return None
        limit = len(core) // LETTERS_PER_EDIT
        near = {
            self.fields[known]
            for known in self.fields
            if abs(len(known) - len(core)) <= limit and edit_distance(known, core, limit) <= limit
        }
        return near.pop() if len(near) == 1 else None

    def role_of(self, fields: dict[str, str]) -> str | None:
        """ "official" for a record with an officer's fields (rank, NIP) and no foreigner's."""
        if self.official_fields.isdisjoint(fields) or not FOREIGN_FIELDS.isdisjoint(fields):
            return None
        return "official"

    def is_foreign(self, labels: dict[str, str]) -> bool:
        """True when the fields (field -> label) show a record about a foreign national."""
        if not FOREIGN_FIELDS.isdisjoint(labels):
            return True
        return any(fold_label(labels.get(f, "")) in self.foreign_labels for f in NAME_FIELDS)

    def names_nobody(self, value: str) -> bool:
        """True for a name cell that holds no name: empty, a total, a dash, digits only."""
        folded = fold_label(value)
        return not any(c.isalpha() for c in value) or (folded or value.strip()) in self.not_names


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of two short strings; any value above ``limit`` is limit + 1."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return min(previous[-1], limit + 1)


def fold_label(label: str) -> str:
    """A label lower-cased with punctuation and spacing folded ("No. Paspor" -> "no paspor")."""
    return " ".join(re.sub(r"[^\w]+", " ", label.lower()).split())


@Language.factory(
    "pantau_records",
    default_config={"spans_key": SPAN_KEY, "fields": None},
    assigns=["doc._.records", "doc.spans", "span._.date_kind"],
)
def make_records(nlp: Language, name: str, spans_key: str, fields: str | None) -> RecordFinder:
    """Build the table and form reader (the field data path defaults to the shipped file)."""
    return RecordFinder(
        spans_key=spans_key, fields=Path(fields) if fields else data_path("record_fields.jsonl")
    )


class RecordFinder:
    """Finds table rows and form blocks and writes them to the Doc."""

    def __init__(self, *, spans_key: str, fields: Path) -> None:
        self.spans_key = spans_key
        self.names = FieldNames(fields)

    def __call__(self, doc: Doc) -> Doc:
        headers: list[Cell] = []
        records = find_records(doc.text, self.names, carried=doc._.table_header, headers=headers)
        doc._.records = records
        doc._.record_headers = headers
        doc.spans[self.spans_key] = list(field_spans(doc, records))
        mark_birth(doc, records)
        add_passports(doc, records)
        start_sentences(doc, records)
        return doc


def records_of(doc: Doc) -> list[Record]:
    """The records ``pantau_records`` wrote on the Doc (none when it did not run)."""
    return list(doc._.records or [])


def open_header(doc: Doc) -> str | None:
    """The header of the table the Doc ends in (only blank lines or a page number after it)."""
    records = records_of(doc)
    last = records[-1] if records else None
    if last is None or last.kind != "row":
        return None
    rest = [line.strip() for line in doc.text[last.end :].split("\n")]
    return last.header if all(not r or is_furniture(r) for r in rest) else None


def find_records(
    text: str, names: FieldNames, carried: str | None = None, headers: list[Cell] | None = None
) -> list[Record]:
    """Table rows and form blocks of a text, in text order.

    ``carried`` is the header of a table left open by the text before this one; the ranges
    of the header lines read are added to ``headers``.
    """
    lines = split_lines(text)
    records = find_rows(text, lines, names, carried, [] if headers is None else headers)
    taken = [(r.start, r.end) for r in records]
    records += [b for b in find_blocks(lines, names) if not overlaps(b, taken)]
    return sorted(records, key=lambda r: r.start)


def split_lines(text: str) -> list[_Line]:
    """Every line of the text with its offsets."""
    lines, pos = [], 0
    for part in text.split("\n"):
        lines.append(_Line(pos, pos + len(part), part))
        pos += len(part) + 1
    return lines


def overlaps(record: Record, taken: list[Cell]) -> bool:
    """True when the record shares characters with one of the ranges."""
    return any(record.start < e and s < record.end for s, e in taken)


# -- tables -----------------------------------------------------------------------------------


def cells_of(line: _Line) -> list[Cell] | None:
    """The cells of a table line (" | " or tab separated), or None for other lines."""
    text = line.text
    stripped = text.strip()
    if "|" in stripped:
        breaker = CELL_BREAK
    elif "\t" in stripped:
        breaker = TAB_BREAK
    else:
        return None
    lead = len(text) - len(text.lstrip())
    body_start, body_end = line.start + lead, line.start + lead + len(stripped)
    bordered = "|" in stripped and stripped.startswith("|") and stripped.endswith("|")
    if bordered:
        body_start, body_end = body_start + 1, body_end - 1
    cells: list[Cell] = []
    pos = body_start
    offset = line.start
    # Matched in the body alone: a row whose first cell is empty starts with its "|".
    base = body_start - offset
    for m in breaker.finditer(text[base : body_end - offset]):
        cells.append(trim_cell(text, pos - offset, base + m.start(), offset))
        pos = offset + base + m.end()
    cells.append(trim_cell(text, pos - offset, body_end - offset, offset))
    return cells if len(cells) >= 2 else None


def trim_cell(text: str, start: int, end: int, offset: int) -> Cell:
    """A cell's range without surrounding spaces, in Doc offsets."""
    value = text[start:end]
    lead = len(value) - len(value.lstrip())
    return (offset + start + lead, offset + start + len(value.rstrip()))


def header_fields(text: str, cells: list[Cell], names: FieldNames) -> list[str | None] | None:
    """The field of each header cell, or None when the line is not a header of people."""
    return accepted([names.lookup(text[s:e]) for s, e in cells])


def misread_header(
    text: str, cells: list[Cell], names: FieldNames, rows: list[list[Cell]]
) -> list[str | None] | None:
    """The fields of a header read from a scan, where some labels are misspelt.

    Labels match within a few edits. When the name label is unreadable ("Nusa Lote") but the
    header names foreigner fields, the name column is the first unknown column whose cells,
    in the rows below, look like names.
    """
    fields = [names.lookup_misread(text[s:e]) for s, e in cells]
    if "nationality" not in fields:
        column = country_column(text, fields, rows)
        if column is not None:
            fields[column] = "nationality"  # "Kewarganepardati" over RRT, Malaysia, ...
    known = [f for f in fields if f]
    counts = "nationality" in known and "count" in known  # a table of counts by nationality
    if not counts and not any(f in NAME_FIELDS for f in known):
        if len(known) < MIN_HEADER_FIELDS or FOREIGN_FIELDS.isdisjoint(known):
            return None
        column = name_column(text, fields, rows)
        if column is None:
            return None
        fields[column] = "name"
    return accepted(fields)


def name_column(text: str, fields: list[str | None], rows: list[list[Cell]]) -> int | None:
    """The first column without a field whose cells mostly look like names."""
    for column, known in enumerate(fields):
        values = [text[slice(*row[column])] for row in rows if column < len(row)]
        if known is None and values:
            share = sum(looks_like_name(v) for v in values) / len(values)
            if share >= MIN_NAME_SHARE:
                return column
    return None


def country_column(text: str, fields: list[str | None], rows: list[list[Cell]]) -> int | None:
    """The first column without a field whose cells are mostly country names."""
    for column, known in enumerate(fields):
        values = [text[slice(*row[column])] for row in rows if column < len(row)]
        if known is None and values:
            share = sum(is_country(v) for v in values) / len(values)
            if share >= MIN_NAME_SHARE:
                return column
    return None


def is_country(value: str) -> bool:
    """A country's name, demonym or abbreviation as the gazetteer writes it ("RRT")."""
    return " ".join(value.split()).lower() in country_names()


@lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    """Lower-cased names, demonyms and abbreviations of every country."""
    return frozenset(e["name"].lower() for e in read_jsonl(data_path("countries.jsonl")))


def looks_like_name(value: str) -> bool:
    """One to six capitalised words, no digits, not a sex ("Laki-laki"), not a region
    ("Kabupaten Bangka Barat")."""
    words = value.split()
    if not 0 < len(words) <= MAX_NAME_CELL_WORDS or any(c.isdigit() for c in value):
        return False
    if words[0].lower().rstrip(".") in REGION_WORDS or is_country(value):
        return False
    if fold_label(value).replace(" ", "") in SEX_VALUES or fold_label(value) in SEX_VALUES:
        return False
    return all(NAME_WORD.match(w) for w in words) and any(len(w) > 1 for w in words)


def accepted(fields: list[str | None]) -> list[str | None] | None:
    """The fields of a header of people (or of counts by nationality), else None."""
    known = [f for f in fields if f]
    counts = "nationality" in known and "count" in known  # a table of counts by nationality
    if len(known) < MIN_HEADER_FIELDS or not (counts or any(f in NAME_FIELDS for f in known)):
        return None
    return fields if len(known) * 2 >= len(fields) else None


def find_rows(
    text: str, lines: list[_Line], names: FieldNames, carried: str | None, headers: list[Cell]
) -> list[Record]:
    """Rows of every table whose header names a person field (and of a carried header)."""
    records: list[Record] = []
    i, group = 0, 0
    head = read_header(_Line(0, len(carried), carried), carried, names) if carried else None
    if head is not None:
        i = read_table(text, lines, 0, head, group, names, records, headers)
    while i < len(lines):
        head = read_header(lines[i], text, names) or read_misread_header(lines, i, text, names)
        cutter: Cutter = cells_of
        if head is None:
            aligned = read_aligned_header(lines[i], text, names)
            if aligned is not None:
                head, cutter = aligned
        if head is None:
            i += 1
            continue
        group += 1
        headers.append((lines[i].start, lines[i].end))
        i = read_table(text, lines, i + 1, head, group, names, records, headers, cutter)
    return records


Cutter = Callable[["_Line"], "list[Cell] | None"]


def read_aligned_header(
    line: _Line, text: str, names: FieldNames
) -> tuple[Header, Cutter] | None:
    """A header whose labels are set apart by runs of spaces, and the cutter that reads
    the rows under it by the labels' columns ("No  Nama   L/P  Warga Negara  No. Paspor")."""
    stripped = line.text.strip()
    if "|" in stripped or "\t" in stripped or not ALIGNED_BREAK.search(stripped):
        return None
    lead = len(line.text) - len(line.text.lstrip())
    cells: list[Cell] = []
    pos = lead
    for m in ALIGNED_BREAK.finditer(line.text, lead, lead + len(stripped)):
        cells.append((line.start + pos, line.start + m.start()))
        pos = m.end()
    cells.append((line.start + pos, line.start + lead + len(stripped)))
    fields = [names.lookup(text[s:e]) for s, e in cells]
    if sum(bool(f) for f in fields) < MIN_ALIGNED_FIELDS or accepted(fields) is None:
        return None
    columns = [s - line.start for s, _ in cells]
    labels = [" ".join(text[s:e].split()) for s, e in cells]
    return (fields, labels, stripped), lambda row: aligned_cells(row, columns)


def aligned_cells(line: _Line, columns: list[int]) -> list[Cell] | None:
    """The cells of a row cut at the header's columns; None for a line that is not a row
    (blank, set left of the table, or with words running over a column edge)."""
    text = line.text
    if not text.strip() or len(text) - len(text.lstrip()) < columns[0] - MAX_CUT_SHIFT:
        return None
    cuts = [0]
    for column in columns[1:]:
        cut = between_words(text, column)
        if cut is None or cut < cuts[-1]:
            return None
        cuts.append(cut)
    cuts.append(len(text))
    cells = [trim_cell(text, a, b, line.start) for a, b in itertools.pairwise(cuts)]
    filled = [c for c in cells if c[1] > c[0]]
    if len(filled) < 2:
        return None
    # Between filled cells a row leaves wide gaps, mostly; prose cut at word ends does not.
    gaps = [b[0] - a[1] for a, b in itertools.pairwise(filled)]
    wide = sum(g >= 2 for g in gaps)
    return cells if wide * 2 >= len(gaps) else None


def between_words(text: str, column: int) -> int | None:
    """Where a column edge falls between two words: at ``column`` or a few characters
    either side; None when a word runs over it."""
    if column >= len(text):
        return len(text)  # the row ends before this column: its last cells are empty
    for shift in range(MAX_CUT_SHIFT + 1):
        for at in (column - shift, column + shift):
            if 0 < at < len(text) and (text[at - 1].isspace() or text[at].isspace()):
                return at
    return None


Header = tuple[list[str | None], list[str], str]  # fields, labels, the line as written


def read_header(line: _Line, text: str, names: FieldNames) -> Header | None:
    """The fields, labels and text of a header line; None for other lines."""
    cells = cells_of(line)
    fields = header_fields(text, cells, names) if cells else None
    if fields is None or cells is None:
        return None
    labels = [" ".join(text[s:e].split()) for s, e in cells]
    return fields, labels, line.text.strip()


def read_misread_header(lines: list[_Line], i: int, text: str, names: FieldNames) -> Header | None:
    """The header at line ``i`` read as a scanned header (see `misread_header`)."""
    cells = cells_of(lines[i])
    if cells is None:
        return None
    rows: list[list[Cell]] = []
    j = i + 1
    while len(rows) < NAME_SAMPLE_ROWS:
        nxt = next_row(text, lines, j, len(cells))
        if nxt is None:
            break
        j, row = nxt
        rows.append(row)
    fields = misread_header(text, cells, names, rows)
    if fields is None:
        return None
    labels = [" ".join(text[s:e].split()) for s, e in cells]
    return fields, labels, lines[i].text.strip()


def repeats_header(
    text: str,
    cells: list[Cell],
    header: list[str | None],
    names: FieldNames,
) -> bool:
    """True for a row that is the table's header again (exactly, or misread on a scan)."""
    if header_fields(text, cells, names) is not None:
        return True
    same = sum(
        bool(f) and names.lookup_misread(text[slice(*cell)]) == f
        for f, cell in zip(header, cells, strict=True)
    )
    return same >= MIN_HEADER_FIELDS and same * 2 >= sum(bool(f) for f in header)


def clean_cell(text: str, cell: Cell) -> Cell:
    """A name cell without the stray marks a scan leaves at its edges."""
    start, end = cell
    lead = CELL_LEAD_NOISE.match(text, start, end)
    if lead is not None:
        start = lead.end()
    words = text[start:end].split()
    while len(words) > 1 and TAIL_NOISE_WORD.fullmatch(words[-1]):
        words.pop()
    if not words:
        return cell
    last = text.rfind(words[-1], start, end)
    return (start, last + len(words[-1])) if last >= start else cell


def read_table(
    text: str,
    lines: list[_Line],
    i: int,
    head: Header,
    group: int,
    names: FieldNames,
    records: list[Record],
    headers: list[Cell],
    cutter: Cutter = cells_of,
) -> int:
    """Read the rows after a header into ``records`` (a repeated header into ``headers``);
    returns the index of the next line."""
    header, labels, header_text = head
    named = {f: label for f, label in zip(header, labels, strict=True) if f}
    foreign = names.is_foreign(named)
    role = names.role_of(named)
    while i < len(lines):
        nxt = next_row(text, lines, i, len(header), cutter)
        if nxt is None:
            return i
        i, cells = nxt
        line = lines[i - 1]
        if repeats_header(text, cells, header, names):
            headers.append((line.start, line.end))  # the header repeated on the next page
            continue
        record = Record(
            line.start, line.end, "row", group, foreign=foreign, header=header_text, role=role
        )
        for name, label, (start, end) in zip(header, labels, cells, strict=True):
            if name and end > start and name not in record.fields:
                cell = clean_cell(text, (start, end)) if name in NAME_FIELDS else (start, end)
                record.fields[name] = cell
                record.labels[name] = label
        name = record.name_field()
        if name and not names.names_nobody(text[slice(*record.fields[name])]):
            records.append(record)
        elif name is None and is_count_row(text, record, names):
            record.kind = "count"
            records.append(record)
    return i


def is_count_row(text: str, record: Record, names: FieldNames) -> bool:
    """A row of a table of counts by nationality: a nationality and a number, not a total."""
    if "nationality" not in record.fields or "count" not in record.fields:
        return False
    nationality = text[slice(*record.fields["nationality"])]
    return not names.names_nobody(nationality) and bool(
        COUNT.fullmatch(text[slice(*record.fields["count"])].strip())
    )


def next_row(
    text: str, lines: list[_Line], i: int, width: int, cutter: Cutter = cells_of
) -> tuple[int, list[Cell]] | None:
    """The next row of ``width`` cells at line ``i`` or after a short gap; (next index, cells).

    The gap may hold blank lines, markdown rules and page furniture (page numbers), so a
    table broken by a page end goes on.
    """
    gap = 0
    while i < len(lines) and gap <= MAX_GAP_LINES:
        line = lines[i]
        stripped = line.text.strip()
        cells = cutter(line)
        if cells is not None and len(cells) == width:
            return i + 1, cells
        if MARKDOWN_RULE.fullmatch(stripped):
            i += 1
            continue
        if stripped and not is_furniture(stripped):
            return None
        gap += 1 if stripped or (i and lines[i - 1].text.strip()) else 0
        i += 1
    return None


def is_furniture(line: str) -> bool:
    """A page number or running marker between the parts of a table ("- 2 -", "Hal. 2")."""
    return len(line) <= MAX_FURNITURE_CHARS and PAGE_FURNITURE.fullmatch(line) is not None


# -- key-value blocks -------------------------------------------------------------------------


def inline_fields(lines: list[_Line]) -> list[_Line]:
    """Lines with several fields joined by semicolons ("a. Nama: CHEN JIANHUA;
    Kewarganegaraan: RRT; Jabatan: ...") cut into one line per field."""
    out: list[_Line] = []
    for line in lines:
        if len(INLINE_FIELD.findall(line.text)) < 1 or not KEY_VALUE.match(line.text):
            out.append(line)
            continue
        pos = 0
        for m in INLINE_FIELD.finditer(line.text):
            out.append(_Line(line.start + pos, line.start + m.start(), line.text[pos : m.start()]))
            pos = m.start() + 1
        last = line.text[pos:].rstrip()
        last = last[:-1] if last.endswith(";") else last  # the item's closing semicolon
        out.append(_Line(line.start + pos, line.start + pos + len(last), last))
    return out


def find_blocks(lines: list[_Line], names: FieldNames) -> list[Record]:
    """One record per name field of every run of "Label : value" lines (or of fields joined
    by semicolons on one line)."""
    lines = inline_fields(lines)
    records: list[Record] = []
    current: Record | None = None
    last_field: str | None = None
    group = 0
    for n, line in enumerate(lines):
        m = KEY_VALUE.fullmatch(line.text)
        name = names.lookup(m.group("label")) if m else None
        if m is None or (name is None and not is_label(m.group("label"))):
            if current is not None and continues_value(lines, n, names) and last_field:
                current.fields[last_field] = (current.fields[last_field][0], line.end)
                current.end = line.end
                continue
            current, last_field = None, None
            group += 1
            continue
        value = m.span("value") if m.group("value") else None
        if name in NAME_FIELDS and value and not names.names_nobody(m.group("value")):
            current = Record(line.start, line.end, "block", group, role=names.roles.get(name))
            records.append(current)
        if current is None or name is None or value is None or name in current.fields:
            last_field = None
            continue
        current.fields[name] = (line.start + value[0], line.start + value[1])
        current.labels[name] = " ".join(m.group("label").split())
        current.end, last_field = line.end, name
    for record in records:
        record.foreign = names.is_foreign(record.labels)
        record.role = record.role or names.role_of(record.labels)
    return records


def is_label(label: str) -> bool:
    """A short label of a form line that Pantau does not read ("NIK", "Alamat Asal")."""
    words = label.split()
    return 0 < len(words) <= 4 and label.strip()[0].isupper()


def continues_value(lines: list[_Line], n: int, names: FieldNames) -> bool:
    """True when line ``n`` wraps the value above it.

    It is indented or follows a value broken after a comma, and the line after it is a form
    line again; a sentence after a form ("Keduanya ditahan.") is not part of it.
    """
    text = lines[n].text
    if not text.strip() or n + 1 >= len(lines) or text.rstrip().endswith("."):
        return False
    if not (text[:1].isspace() or lines[n - 1].text.rstrip().endswith((",", "-", "/"))):
        return False
    m = KEY_VALUE.fullmatch(lines[n + 1].text)
    return m is not None and names.lookup(m.group("label")) is not None


# -- writing to the Doc -----------------------------------------------------------------------


def field_spans(doc: Doc, records: list[Record]) -> Iterator[Span]:
    """A span per field value, labelled with its field name."""
    for record in records:
        for name, (start, end) in record.fields.items():
            span = doc.char_span(start, end, label=name, alignment_mode="expand")
            if span is not None:
                yield span


def birth_cells(records: list[Record]) -> list[Cell]:
    """The character ranges of every birth field."""
    return [r.fields["birth"] for r in records if "birth" in r.fields]


def mark_birth(doc: Doc, records: list[Record]) -> None:
    """Dates in a birth field are birth dates; places in it are not where events happened."""
    cells = birth_cells(records)
    if not cells:
        return

    def inside(span: Span) -> bool:
        return any(s <= span.start_char and span.end_char <= e for s, e in cells)

    for span in doc.spans.get("date", []):
        if inside(span):
            span._.date_kind = BIRTH
    if "place" in doc.spans:
        doc.spans["place"] = [s for s in doc.spans["place"] if not inside(s)]


def add_passports(doc: Doc, records: list[Record]) -> None:
    """Identifier spans for passport cells that the identifier rules left without one."""
    found = list(doc.spans.get("identifier", []))
    starts = sorted(s.start_char for s in found)
    text = doc.text  # built from the tokens on every access: once, not once per record
    for record in records:
        cell = record.fields.get("passport")
        if cell is None or has_start(starts, cell):
            continue  # an identifier starts in the cell already
        value = passport_value(text[cell[0] : cell[1]])
        span = doc.char_span(*cell, alignment_mode="expand") if value else None
        if span is not None:
            span._.id_kind, span._.value = "passport", value
            found.append(span)
    doc.spans["identifier"] = sorted(found, key=lambda s: s.start_char)


def has_start(starts: list[int], cell: Cell) -> bool:
    """True when one of the sorted offsets lies in the cell."""
    return bisect.bisect_left(starts, cell[0]) < bisect.bisect_left(starts, cell[1])


def passport_value(text: str) -> str | None:
    """The normalised passport number a cell holds, if it has a passport's shape."""
    value = normalise_code("passport", text)
    return value if value and PASSPORT_SHAPE.fullmatch(value) else None


def start_sentences(doc: Doc, records: list[Record]) -> None:
    """Every table row and form block starts a sentence, and so does the line after it.

    A form block stays one sentence, so that "Yang bersangkutan" after it still reaches
    the person it names.
    """
    if not doc.has_annotation("SENT_START") or len(doc) < 2:
        return
    starts = [t.idx for t in doc]
    bounds: set[int] = set()
    for record in records:
        bounds.update((record.start, record.end))
    for pos in bounds:
        i = bisect.bisect_left(starts, pos)
        while i < len(doc) and doc[i].is_space:
            i += 1
        if 0 < i < len(doc):
            doc[i].is_sent_start = True
