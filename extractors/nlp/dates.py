"""Indonesian date mentions as a spaCy component (`pantau_dates`).

Finds dates in the formats used by letters, minutes and news ("Minggu, 3 Desember 2023",
"Rabu (16/10)", "16.10.2024", "12 s.d. 14 Oktober 2026", "Oktober 2026", "pada tahun 2025"),
resolves missing years against the document date (and the weekday when printed), and writes
them to `doc.spans["date"]` with `span._.date` (ISO or None) and `span._.date_precision`.
A date written right after a birth cue ("Tgl. lahir : 14-03-1979", "lahir di Hamburg pada
...") gets `span._.date_kind = "birth"`: it is about a person, not an event (other dates: None).
Month and weekday spellings, OCR variants included, and the birth cues live in
`data/date_words.jsonl`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

DATA_DIR = Path(__file__).parent / "data"
SPAN_KEY = "date"
DAY = "day"
MONTH = "month"
YEAR = "year"
BIRTH = "birth"
BIRTH_GAP = 30  # characters between a birth cue and its date: no digits, no sentence end

Doc.set_extension("document_date", default=None, force=True)
Span.set_extension("date", default=None, force=True)
Span.set_extension("date_precision", default=None, force=True)
Span.set_extension("date_kind", default=None, force=True)


@dataclass(frozen=True)
class DateMention:
    """One date found in a text: character span, resolved ISO date (or None), precision."""

    start: int
    end: int
    text: str
    date: str | None
    precision: str


@dataclass(frozen=True)
class _Raw:
    """A matched date before year resolution."""

    start: int
    end: int
    day: int | None
    month: int
    year: int | None
    weekday: int | None
    precision: str
    borrow: bool = False  # take month/year from the next textual date ("12 s.d. 14 Okt")


@dataclass(frozen=True)
class _Words:
    months: dict[str, int]
    weekdays: dict[str, int]
    forms: dict[str, list[str]]


@lru_cache(maxsize=1)
def load_words() -> _Words:
    """Read month, weekday and cue spellings from `data/date_words.jsonl`."""
    months: dict[str, int] = {}
    weekdays: dict[str, int] = {}
    forms: dict[str, list[str]] = {}
    with open(DATA_DIR / "date_words.jsonl", encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            entry = json.loads(line)
            kind = entry["kind"]
            forms.setdefault(kind, []).extend(entry["forms"])
            target = {"month": months, "weekday": weekdays}.get(kind)
            if target is not None:
                target.update({form.lower(): entry["value"] for form in entry["forms"]})
    return _Words(months, weekdays, forms)


def _alternation(forms: list[str]) -> str:
    """A regex alternation, longest form first; spaces match any run of whitespace."""
    ordered = sorted(set(forms), key=len, reverse=True)
    return "|".join(re.escape(form).replace(r"\ ", r"\s+") for form in ordered)


@dataclass(frozen=True)
class _Patterns:
    textual: re.Pattern[str]
    range_head: re.Pattern[str]
    numeric: re.Pattern[str]
    weekday_numeric: re.Pattern[str]
    month_year: re.Pattern[str]
    year_only: re.Pattern[str]
    joiner: re.Pattern[str]
    past: re.Pattern[str]
    future: re.Pattern[str]
    place_line: re.Pattern[str]
    minutes_line: re.Pattern[str]
    cue_line: re.Pattern[str]
    line_start: re.Pattern[str]
    time_tail: re.Pattern[str]
    dateline_tail: re.Pattern[str]


@lru_cache(maxsize=1)
def compile_patterns() -> _Patterns:
    """Build the date regexes once from the word lists."""
    words = load_words()
    mon = rf"(?<![^\W\d_])(?P<m>{_alternation(list(words.months))})\.?(?![^\W\d_])"
    wd = rf"(?<![^\W\d_])(?P<wd>{_alternation(list(words.weekdays))})(?![^\W\d_])"
    rng = _alternation(words.forms["range"])
    day = r"(?<![\w.,/:-])(?P<d>0?[1-9]|[12]\d|3[01])"
    year = r"(?P<y>(?:1[89]|2[01])\d\d)(?![\d/]|[.,]\d)"
    textual = rf"(?:{wd}\s*[,/]?\s*(?:(?:tanggal|tgl\.?)\s*)?)?{day}\s+{mon}(?:\s*,?\s*{year})?"
    list_item = rf"\d{{1,2}}\s*(?:,|{rng})\s*"
    head = rf"{day}\s*(?:,|{rng})\s*(?=(?:{list_item})*(?:\d{{1,2}})\s+{mon.replace('P<m>', ':')})"
    sep_num = r"(?P<sep>[/.-])"
    numeric = rf"{day}{sep_num}(?P<mo>0?[1-9]|1[0-2])(?P=sep)(?P<y>\d{{4}}|\d{{2}})(?![\w/]|[.-]\d)"
    weekday_numeric = (
        rf"{wd}\s*,?\s*(?P<open>\()?\s*(?P<d>\d{{1,2}})\s*[/.-]\s*(?P<mo>\d{{1,2}})"
        rf"(?:\s*[/.-]\s*(?P<y>\d{{4}}|\d{{2}}))?(?![\d/])\s*(?(open)\))"
    )
    month_year = rf"(?:(?<![\w.])bulan\s+)?{mon}\s*,?\s*{year}"
    year_cues = _alternation(words.forms["year_cue"])
    year_only = rf"(?<![^\W\d_])(?:{year_cues})\s+(?P<yy>tahun\s+{year})"
    place = r"(?-i:[A-Z])[\w'.-]*(?:[ \t]+(?-i:[A-Z])[\w'.-]*){0,3}"
    # A run of blanks is entered at its start only, and never given back: a page of blanks
    # stays one linear scan.
    line_start = r"(?:^[ \t]*+|(?<![ \t])[ \t]{2,}+|^[ \t]*(?:nomor|no\.?)[ \t]*:[ \t]*\S+[ \t]+)"
    minutes = r"^[ \t]*(?:hari[ \t]*[/,]?[ \t]*)?(?:tanggal|tgl\.?)[ \t]*:"
    clock = r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:WIB|WITA|WIT)?"
    time_tail = rf"[\s|,·-]*(?:(?:pukul|jam)\s*)?(?:{clock})?\s*"
    flags = re.IGNORECASE
    return _Patterns(
        textual=re.compile(textual, flags),
        range_head=re.compile(head, flags),
        numeric=re.compile(numeric, flags),
        weekday_numeric=re.compile(weekday_numeric, flags),
        month_year=re.compile(month_year, flags),
        year_only=re.compile(year_only, flags),
        joiner=re.compile(rf"\s*(?:,|{rng})\s*", flags),
        past=re.compile(rf"\A[ \t]*(?:{_alternation(words.forms['past'])})(?!\w)", flags),
        future=re.compile(rf"\A[ \t]*(?:{_alternation(words.forms['future'])})(?!\w)", flags),
        place_line=re.compile(rf"{line_start}{place},[ \t]*(?:tanggal[ \t]+)?", flags | re.M),
        minutes_line=re.compile(minutes, flags | re.M),
        cue_line=re.compile(rf"(?:{_alternation(words.forms['document_cue'])})\b", flags),
        line_start=re.compile(r"^[ \t]*", re.M),
        time_tail=re.compile(time_tail, flags),
        dateline_tail=re.compile(r"\s*(?:[–—|-].*)?"),
    )


def _month_of(token: str) -> int:
    return load_words().months[token.lower().rstrip(".")]


def _weekday_of(token: str | None) -> int | None:
    if token is None:
        return None
    return load_words().weekdays[re.sub(r"\s+", " ", token.lower())]


def _full_year(text: str) -> int:
    """Four-digit year from a printed year; two digits are read as 19xx/20xx."""
    value = int(text)
    if len(text) == 2:
        return 2000 + value if value < 70 else 1900 + value
    return value


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _scan_textual(text: str, patterns: _Patterns) -> list[_Raw]:
    raws = []
    for match in patterns.textual.finditer(text):
        year = match.group("y")
        raws.append(
            _Raw(
                match.start(),
                match.end(),
                int(match.group("d")),
                _month_of(match.group("m")),
                int(year) if year else None,
                _weekday_of(match.group("wd")),
                DAY,
            )
        )
    for match in patterns.range_head.finditer(text):
        raws.append(
            _Raw(
                match.start("d"),
                match.end("d"),
                int(match.group("d")),
                0,
                None,
                None,
                DAY,
                borrow=True,
            )
        )
    return raws


def _scan_numeric(text: str, patterns: _Patterns) -> list[_Raw]:
    raws = []
    for match in patterns.weekday_numeric.finditer(text):
        day, month, year = int(match.group("d")), int(match.group("mo")), match.group("y")
        if not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        if not (match.group("open") or year or match.group("wd")[0].isupper()):
            continue  # "2 minggu 3/4" is a duration and a fraction, not a Sunday
        raws.append(
            _Raw(
                match.start(),
                match.end(),
                day,
                month,
                _full_year(year) if year else None,
                _weekday_of(match.group("wd")),
                DAY,
            )
        )
    for match in patterns.numeric.finditer(text):
        day, month, year = int(match.group("d")), int(match.group("mo")), match.group("y")
        if _valid(_full_year(year), month, day):
            raws.append(_Raw(match.start(), match.end(), day, month, _full_year(year), None, DAY))
    return raws


def _scan_coarse(text: str, patterns: _Patterns) -> list[_Raw]:
    raws = [
        _Raw(m.start(), m.end(), None, _month_of(m.group("m")), int(m.group("y")), None, MONTH)
        for m in patterns.month_year.finditer(text)
    ]
    raws += [
        _Raw(m.start("yy"), m.end("yy"), None, 1, int(m.group("y")), None, YEAR)
        for m in patterns.year_only.finditer(text)
    ]
    return raws


def _drop_overlaps(raws: list[_Raw]) -> list[_Raw]:
    """Keep the longest of overlapping matches; ties go to the earlier one."""
    kept: list[_Raw] = []
    for raw in sorted(raws, key=lambda r: (-(r.end - r.start), r.start)):
        if all(raw.end <= other.start or raw.start >= other.end for other in kept):
            kept.append(raw)
    return sorted(kept, key=lambda r: r.start)


def _fill_ranges(raws: list[_Raw], text: str, patterns: _Patterns) -> list[_Raw]:
    """Give range heads ("12 s.d. 14 Oktober 2026") the month and year of the date after them."""
    filled: list[_Raw] = []
    follower: _Raw | None = None
    for raw in reversed(raws):
        usable = follower is not None and follower.precision == DAY and not follower.borrow
        if raw.borrow and not usable:
            continue  # a bare number before something that is not a full date
        if usable and follower is not None:
            if raw.borrow:
                raw = _Raw(raw.start, raw.end, raw.day, follower.month, follower.year, None, DAY)
            elif (
                raw.precision == DAY
                and raw.year is None
                and follower.year is not None
                and patterns.joiner.fullmatch(text[raw.end : follower.start])
            ):
                raw = _Raw(raw.start, raw.end, raw.day, raw.month, follower.year, raw.weekday, DAY)
        filled.append(raw)
        follower = raw
    return filled[::-1]


def infer_year(
    month: int,
    day: int,
    anchor: date,
    *,
    weekday: int | None = None,
    future: bool = False,
    years_back: int = 1,
) -> int | None:
    """The year of a day and month printed without one, seen from the document date `anchor`.

    With a weekday: the latest year not after the anchor's year, at most `years_back` earlier,
    whose calendar puts the date on that weekday. Otherwise (or when none matches) the most
    recent such date not after the anchor, or the next one on or after it when `future`.
    """
    if weekday is not None:
        for year in range(anchor.year, anchor.year - years_back - 1, -1):
            if _valid(year, month, day) and date(year, month, day).weekday() == weekday:
                return year
    step = 1 if future else -1
    for offset in range(0, 8):
        year = anchor.year + step * offset
        if not _valid(year, month, day):
            continue
        candidate = date(year, month, day)
        if (candidate >= anchor) if future else (candidate <= anchor):
            return year
    return None


def _direction_is_future(text: str, end: int, patterns: _Patterns) -> bool | None:
    tail = text[end : end + 30]
    if patterns.past.match(tail):
        return False
    if patterns.future.match(tail):
        return True
    return None


def _resolve(
    raw: _Raw, text: str, anchor: date | None, years_back: int, patterns: _Patterns
) -> str | None:
    if raw.precision != DAY:
        return date(raw.year or 1, raw.month, 1).isoformat() if raw.year else None
    assert raw.day is not None
    year = raw.year
    if year is None and anchor is not None:
        future = _direction_is_future(text, raw.end, patterns)
        weekday = raw.weekday if future is None else None
        year = infer_year(
            raw.month, raw.day, anchor, weekday=weekday, future=bool(future), years_back=years_back
        )
    if year is None or not _valid(year, raw.month, raw.day):
        return None
    return date(year, raw.month, raw.day).isoformat()


def find_dates(
    text: str, document_date: date | str | None = None, *, years_back: int = 1
) -> list[DateMention]:
    """Every date mention in `text`, years resolved against `document_date` when missing."""
    patterns = compile_patterns()
    anchor = as_date(document_date)
    raws = _scan_textual(text, patterns) + _scan_numeric(text, patterns)
    raws = _drop_overlaps(raws + _scan_coarse(text, patterns))
    raws = _fill_ranges(raws, text, patterns)
    return [
        DateMention(
            raw.start,
            raw.end,
            text[raw.start : raw.end],
            _resolve(raw, text, anchor, years_back, patterns),
            raw.precision,
        )
        for raw in raws
    ]


def as_date(value: date | str | None) -> date | None:
    """A `date` from a date, datetime or ISO string; None for None or an unreadable string."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def _printed_dates(fragment: str) -> list[DateMention]:
    """Dates in `fragment` printed with day, month and year."""
    return [m for m in find_dates(fragment) if m.precision == DAY and m.date]


def _line_date(rest: str, mode: str, patterns: _Patterns) -> date | None:
    """The date a header line carries: alone (with a time), before a dash, or anywhere."""
    mentions = _printed_dates(rest[:120])
    if not mentions:
        return None
    first = mentions[0]
    if mode != "anywhere" and first.start > 2:
        return None
    tail = rest[first.end :]
    if mode == "alone" and not patterns.time_tail.fullmatch(tail):
        return None
    if mode == "dateline" and not patterns.dateline_tail.fullmatch(tail):
        return None
    return date.fromisoformat(first.date or "")


def _header_date(
    text: str, pattern: re.Pattern[str], mode: str, patterns: _Patterns
) -> date | None:
    for match in pattern.finditer(text):
        line_end = text.find("\n", match.end())
        rest = text[match.end() : line_end if line_end >= 0 else len(text)]
        found = _line_date(rest, mode, patterns)
        if found is not None:
            return found
    return None


def find_document_date(text: str) -> date | None:
    """The date a letter, minutes or news item was written.

    Looks, in order, at a "Place, 14 Oktober 2026" line (letter date or news dateline), a
    publication line ("Diterbitkan: ..."), a line holding only a date (and a time), and a
    minutes header ("Hari/Tanggal : Senin, 12 Oktober 2026"); falls back to the latest date
    printed with its year anywhere in the text.
    """
    patterns = compile_patterns()
    for pattern, mode in (
        (patterns.place_line, "dateline"),
        (patterns.cue_line, "anywhere"),
        (patterns.line_start, "alone"),
        (patterns.minutes_line, "anywhere"),
    ):
        found = _header_date(text, pattern, mode, patterns)
        if found is not None:
            return found
    body = [
        date.fromisoformat(m.date or "")
        for m in _printed_dates(text)
        if re.search(r"\d{4}", m.text)
    ]
    return max(body) if body else None


@lru_cache(maxsize=1)
def birth_cue() -> re.Pattern[str]:
    """A birth cue and the gap up to the end of the searched text ("Tgl. Lahir : Hamburg, ")."""
    cues = _alternation(load_words().forms["birth_cue"])
    return re.compile(
        rf"(?<![^\W\d_])(?:{cues})(?![^\W\d_])[^\n.;\d]{{0,{BIRTH_GAP}}}\Z", re.IGNORECASE
    )


def is_birth_date(text: str, start: int) -> bool:
    """True when the date starting at `start` follows a birth cue on its line."""
    line_start = text.rfind("\n", 0, start) + 1
    window = text[max(line_start, start - BIRTH_GAP - 30) : start]
    return birth_cue().search(window) is not None


def _document_anchor(doc: Doc, configured: str | None, infer: bool) -> date | None:
    anchor = as_date(doc._.document_date) or as_date(configured)
    if anchor is None and infer:
        anchor = find_document_date(doc.text)
    return anchor


class DateFinder:
    """Writes date mentions to `doc.spans["date"]`."""

    def __init__(self, document_date: str | None, infer_document_date: bool, years_back: int):
        self.document_date = document_date
        self.infer_document_date = infer_document_date
        self.years_back = years_back
        compile_patterns()

    def __call__(self, doc: Doc) -> Doc:
        anchor = _document_anchor(doc, self.document_date, self.infer_document_date)
        spans = []
        for mention in find_dates(doc.text, anchor, years_back=self.years_back):
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None:
                continue
            span._.date = mention.date
            span._.date_precision = mention.precision
            span._.date_kind = BIRTH if is_birth_date(doc.text, mention.start) else None
            spans.append(span)
        doc.spans[SPAN_KEY] = spans
        return doc


@Language.factory(
    "pantau_dates",
    default_config={"document_date": None, "infer_document_date": True, "years_back": 1},
    assigns=["doc.spans", "span._.date", "span._.date_precision", "span._.date_kind"],
)
def make_date_finder(
    nlp: Language,
    name: str,
    document_date: str | None,
    infer_document_date: bool,
    years_back: int,
) -> DateFinder:
    """Factory for the date component; `document_date` (ISO) anchors years left unprinted."""
    return DateFinder(document_date, infer_document_date, years_back)
