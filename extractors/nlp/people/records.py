"""People from the structure of the paperwork: one person per table row or form block.

Reads ``doc._.records`` (``pantau_records``). A record that names someone and whose table or
form carries foreigner fields (nationality, passport, permit), or that names a sponsor, director
or spouse, or an officer (rank, NIP), gives one ``record`` candidate, ranked above every other rule:

- the name is the name cell as written (capitals, surname first, "bin"/"alias" kept);
- the nationality comes from the country span in the nationality cell (``pantau_nationality``),
  else from the cell looked up in the country gazetteer;
- the role is ``other`` for an Indonesian (Indonesia, WNI) and for a sponsor, director or spouse
  block, ``official`` for a row or block of an officer (rank, NIP; its Jabatan is the title),
  else ``foreign_national``;
- the passport is the identifier in the passport cell; the age the number in the age cell.

Names that other rules find anywhere else in such a record (a birthplace, a sponsor company, a
director named in the sponsor cell) are dropped: the record says who the person is. A
birthplace is dropped from every other form too, and so is a counted group ("dua orang asing,
yaitu:") right before a table or form that names as many foreigners. After the
people are settled, each record keeps the character span of its person (``record.person``) so
that incidents written in the row are tied to that person, and the person span gets
``span._.record_details`` (sex, permit, occupation, sponsor as written).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from functools import lru_cache

from spacy.tokens import Doc, Span

from extractors.nlp.gazetteer import data_path, read_jsonl
from extractors.nlp.people.context import Context
from extractors.nlp.people.types import Candidate
from extractors.nlp.records import Record, records_of

SOURCE = "record"
INDONESIAN = frozenset({"wni", "indonesia", "warga negara indonesia", "ri"})
DETAIL_FIELDS = ("sex", "permit", "occupation", "sponsor")
AGE = re.compile(r"(?<!\d)(\d{1,3})(?!\d)")
MAX_AGE = 120
GROUP_REACH = 200  # characters between a counted group and the table or form naming them

Span.set_extension("record_details", default=None, force=True)


def with_records(ctx: Context, candidates: list[Candidate]) -> list[Candidate]:
    """The candidates plus one per record about a person, minus other names inside records."""
    made: list[Candidate] = []
    claimed: list[tuple[int, int]] = []
    for record in records_of(ctx.doc):
        cand = count_candidate(ctx, record) if record.kind == "count" else None
        cand = cand or record_candidate(ctx, record)
        if cand is not None:
            made.append(cand)
            claimed.append((record.start, record.end))
        elif "birth" in record.fields:
            claimed.append(record.fields["birth"])  # a birthplace is nobody
    claimed += ctx.doc._.record_headers or []  # a table's header names no one
    kept = [c for c in candidates if not any(c.start < e and s < c.end for s, e in claimed)]
    return drop_listed_groups(kept, made, records_of(ctx.doc)) + made


def drop_listed_groups(
    candidates: list[Candidate], made: list[Candidate], records: list[Record]
) -> list[Candidate]:
    """Drop a counted group whose members a table or form right after it names.

    "dua orang asing, yaitu:" before two rows of foreigners: the rows are those people.
    """
    firsts: dict[tuple[str, int], int] = {}  # table or form -> where its first record starts
    named: Counter[tuple[str, int]] = Counter()  # table or form -> foreigners it names
    foreign = {c.scope for c in made if c.role == "foreign_national"}
    for record in records:
        key = (record.kind, record.group)
        firsts.setdefault(key, record.start)
        named[key] += (record.start, record.end) in foreign

    def listed(group: Candidate) -> bool:
        return any(
            0 <= start - group.end <= GROUP_REACH and (group.count or 0) <= named[key]
            for key, start in firsts.items()
        )

    return [c for c in candidates if not (c.source == "group" and c.count and listed(c))]


def record_candidate(ctx: Context, record: Record) -> Candidate | None:
    """The person a record is about, with role, nationality, passport and evidence."""
    name = record.name_field()
    if name is None or not (record.foreign or record.role):
        return None
    start, end = record.fields[name]
    if not ctx.text[start:end].strip(" .,;:-"):
        return None
    code, stated = cell_nationality(ctx, record)
    foreign = not record.role and code != "ID"
    label = record.labels.get(name) or "Nama"
    if stated and not record.role:
        label = f"{record.labels.get('nationality') or 'Kewarganegaraan'} {stated}"
    official = record.role == "official"
    return Candidate(
        start,
        end,
        SOURCE,
        role="foreign_national" if foreign else "official" if official else "other",
        title=official_title(ctx, record) if official else None,
        evidence=" ".join(label.split()),
        nationality=code if foreign else None,
        scope=(record.start, record.end),
        passport=cell_passport(ctx, record) if foreign else None,
        # a nationality cell that names no known country: nothing to guess it from
        doubt=foreign and code is None and "nationality" in record.fields,
    )


def official_title(ctx: Context, record: Record) -> str | None:
    """An officer's position as the row or block states it (its Jabatan, else its rank)."""
    for name in ("occupation", "rank"):
        if name in record.fields:
            return " ".join(ctx.text[slice(*record.fields[name])].split()) or None
    return None


def count_candidate(ctx: Context, record: Record) -> Candidate | None:
    """A counted group from a row of a table of counts by nationality ("Malaysia | 38")."""
    code, stated = cell_nationality(ctx, record)
    if code is None or code == "ID":
        return None
    start, end = record.fields["nationality"]
    count = int(re.sub(r"\D", "", ctx.text[slice(*record.fields["count"])]))
    label = record.labels.get("count") or "Jumlah"
    return Candidate(
        start,
        end,
        "statistic",
        role="foreign_national",
        evidence=f"{stated} ({label} {count})",
        count=count,
        nationality=code,
        scope=(record.start, record.end),
    )


def cell_nationality(ctx: Context, record: Record) -> tuple[str | None, str]:
    """(ISO code or None, the nationality as written) of the record's nationality cell."""
    cell = record.fields.get("nationality")
    if cell is None:
        return None, ""
    start, end = cell
    written = " ".join(ctx.text[start:end].split())
    if written.lower() in INDONESIAN:
        return "ID", written
    for country in ctx.countries:
        if start <= country.start and country.end <= end:
            return country.code, written
    codes = country_codes()
    return codes.get(written.lower()) or codes.get(compact(written)), written


@lru_cache(maxsize=1)
def country_codes() -> dict[str, str]:
    """Country names and demonyms of the gazetteer with their ISO codes, lower-cased as
    written and without spaces."""
    codes: dict[str, str] = {}
    for name in ("countries.jsonl", "countries_extra.jsonl"):
        for entry in read_jsonl(data_path(name)):
            if entry.get("code"):
                codes.setdefault(entry["name"].lower(), entry["code"])
                codes.setdefault(compact(entry["name"]), entry["code"])
    return codes


def compact(name: str) -> str:
    """A country name lower-cased without spaces, as a scan may join its words
    ("PapuaNugini")."""
    return "".join(name.lower().split())


def cell_passport(ctx: Context, record: Record) -> str | None:
    """The passport number written in the record's passport cell."""
    cell = record.fields.get("passport")
    if cell is None:
        return None
    for ident in ctx.doc.spans.get("identifier", []):
        inside = cell[0] <= ident.start_char and ident.end_char <= cell[1]
        if inside and ident._.id_kind == "passport":
            return str(ident._.value)
    return None


def cell_age(text: str, record: Record) -> int | None:
    """The age written in the record's age cell."""
    cell = record.fields.get("age")
    m = AGE.search(text, *cell) if cell else None
    return int(m.group(1)) if m and int(m.group(1)) <= MAX_AGE else None


def mark_records(doc: Doc, spans: list[Span]) -> None:
    """Tie each record to the person span made from it; give that span the record's details."""
    text = doc.text  # built from the tokens on every access: once, not once per record
    ordered = sorted(spans, key=lambda s: s.start_char)
    ends = [s.end_char for s in ordered]
    # Person spans do not overlap, so their ends ascend with their starts.
    for record in records_of(doc):
        name = record.name_field()
        if name is None or not (record.foreign or record.role):
            continue
        start, end = record.fields[name]
        i = bisect.bisect_right(ends, start)
        span = ordered[i] if i < len(ordered) and ordered[i].start_char < end else None
        if span is None:
            continue
        record.person = (span.start_char, span.end_char)
        if span._.age is None:
            span._.age = cell_age(text, record)
        details = {
            f: " ".join(text[slice(*record.fields[f])].split())
            for f in DETAIL_FIELDS
            if f in record.fields
        }
        span._.record_details = details or None
