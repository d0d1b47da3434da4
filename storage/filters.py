"""Checking search filters and turning them into index-backed conditions on documents.

A `SearchQuery` comes from people (CLI options, web forms): every value is checked
here and a malformed one raises `QueryError` naming the field and the expected
form, before any SQL runs. Conditions are SQLAlchemy expressions with bound
parameters only.
"""

from __future__ import annotations

import calendar
import json
import re
from datetime import date
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import col

from models.errors import QueryError
from models.records import (
    DOCUMENT_KINDS,
    INCIDENT_LABELS,
    INCIDENT_STATUSES,
    DocumentStatus,
    Facet,
    SearchQuery,
)
from models.tables import Document, DocumentFacet
from storage.facets import MAX_VALUE, letter_number_key
from storage.search import engine_query, parse_query

COUNTRY_FILES = ("countries.jsonl", "countries_extra.jsonl")
NLP_DATA = Path(__file__).resolve().parent.parent / "extractors" / "nlp" / "data"
PROVINCE = re.compile(r"\d{2}")
REGENCY = re.compile(r"\d{2}\.\d{2}")
MONTH = re.compile(r"\d{4}-\d{2}")
MAX_LIMIT = 500
MAX_FACET_LIMIT = 100
LETTER_NUMBER_EXAMPLE = "B-1187/IMI.1/GR.02.03/2026"

# Pages that match; `document_conditions` leaves out documents still pending (their pages
# being written in batches). Joining `document` here as well made PostgreSQL read it twice.
# SQLite reads each page's document from the (page, document) index (migration 0024), not
# from the page row: a common word's 100,000 pages, 42 ms against 20. Without statistics
# its planner would read the rows, so the index is named.
SQLITE_TEXT_MATCH = sa.text(
    "SELECT page.document_id FROM page_fts "
    "JOIN page INDEXED BY ix_page_fts_document ON page.id = page_fts.rowid "
    "WHERE page_fts MATCH :fts_query"
)
PG_TEXT_MATCH = sa.text(
    "SELECT page.document_id FROM page "
    "WHERE page.search_vector @@ to_tsquery('pantau_simple', :fts_query)"
)


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes the nationality gazetteer knows."""
    codes = set()
    for name in COUNTRY_FILES:
        path = NLP_DATA / name
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    codes.add(json.loads(line)["code"])
    return frozenset(codes)


def check_query(query: SearchQuery) -> SearchQuery:
    """`query` with values tidied (codes upper-cased, months widened to dates), or QueryError."""
    date_from = check_date(query.date_from, field="date_from", end=False)
    date_to = check_date(query.date_to, field="date_to", end=True)
    if date_from and date_to and date_from > date_to:
        raise QueryError(f"date_from {date_from} is after date_to {date_to}; swap them.")
    return query.model_copy(
        update={
            "text": query.text if query.text and query.text.strip() else None,
            "nationality": check_nationality(query.nationality),
            "province": check_code(query.province, field="province"),
            "regency": check_code(query.regency, field="regency"),
            "incident": check_choice(query.incident, INCIDENT_LABELS, field="incident"),
            "status": check_choice(query.status, INCIDENT_STATUSES, field="status"),
            "kind": check_choice(query.kind, DOCUMENT_KINDS, field="kind"),
            "agency": check_name(query.agency, field="agency"),
            "sender": check_name(query.sender, field="sender"),
            "letter_number": check_letter_number(query.letter_number),
            "date_from": date_from,
            "date_to": date_to,
            "limit": check_range(query.limit, 1, MAX_LIMIT, field="limit"),
            "offset": check_range(query.offset, 0, 10**9, field="offset"),
            "facet_limit": check_range(query.facet_limit, 1, MAX_FACET_LIMIT, field="facet_limit"),
        }
    )


def check_nationality(value: str | None) -> str | None:
    """An ISO alpha-2 code, upper-cased."""
    if value is None or not value.strip():
        return None
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code) or code not in country_codes():
        raise QueryError(
            f"nationality {value!r} is not an ISO 3166-1 alpha-2 country code; "
            "use two letters such as CN, US or VN."
        )
    return code


def check_code(value: str | None, *, field: str) -> str | None:
    """A Kemendagri province ("NN") or regency ("NN.NN") code."""
    if value is None or not value.strip():
        return None
    code = value.strip()
    pattern, example = (PROVINCE, '"51" (Bali)') if field == "province" else (REGENCY, '"51.03"')
    if not pattern.fullmatch(code):
        raise QueryError(f"{field} {value!r} is not a Kemendagri {field} code; use e.g. {example}.")
    return code


def check_choice(value: str | None, choices: tuple[str, ...], *, field: str) -> str | None:
    """One of a fixed vocabulary, lower-cased."""
    if value is None or not value.strip():
        return None
    choice = value.strip().lower()
    if choice not in choices:
        raise QueryError(f"unknown {field} {value!r}; use one of: {', '.join(choices)}.")
    return choice


def check_name(value: str | None, *, field: str) -> str | None:
    """An organisation name (agency, sender) as stored: spaces collapsed, not too long."""
    if value is None or not value.strip():
        return None
    name = " ".join(value.split())
    if len(name) > MAX_VALUE:
        raise QueryError(f"{field} is longer than {MAX_VALUE} characters; shorten it.")
    return name


def check_letter_number(value: str | None) -> str | None:
    """A letter number in the form it is stored in (`letter_number_key`): any case and
    spacing matches; it needs a letter or digit and fits the column."""
    if value is None or not value.strip():
        return None
    number = letter_number_key(value)
    if not any(c.isalnum() for c in number):
        raise QueryError(
            f"letter_number {value!r} has no letter or digit; write it as on the letter, "
            f"e.g. {LETTER_NUMBER_EXAMPLE}."
        )
    if len(number) > MAX_VALUE:
        raise QueryError(f"letter_number is longer than {MAX_VALUE} characters; shorten it.")
    return number


def check_date(value: str | None, *, field: str, end: bool) -> str | None:
    """An ISO date; a month (YYYY-MM) stands for its first or, as an end, its last day."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        if MONTH.fullmatch(text):
            year, month = int(text[:4]), int(text[5:])
            day = calendar.monthrange(year, month)[1] if end else 1
            return date(year, month, day).isoformat()
        return date.fromisoformat(text).isoformat() if len(text) == 10 else bad_date(value, field)
    except ValueError:
        return bad_date(value, field)


def bad_date(value: str, field: str) -> str:
    """Raise the error for a date that cannot be read."""
    raise QueryError(
        f"{field} {value!r} is not a date; use YYYY-MM-DD or YYYY-MM, e.g. 2024-03-15."
    )


def check_range(value: int, low: int, high: int, *, field: str) -> int:
    """An integer within bounds."""
    if not low <= value <= high:
        raise QueryError(f"{field} must be between {low} and {high}, not {value}.")
    return value


def facet_filters(query: SearchQuery) -> list[tuple[str, str]]:
    """The (facet, value) pairs a checked query requires of a document."""
    filters = [
        (Facet.NATIONALITY.value, query.nationality),
        (Facet.PROVINCE.value, query.province),
        (Facet.REGENCY.value, query.regency),
        (Facet.AGENCY.value, query.agency),
        (Facet.SENDER.value, query.sender),
        (Facet.LETTER_NUMBER.value, query.letter_number),
    ]
    if query.incident and query.status:
        filters.append((Facet.INCIDENT_STATUS.value, f"{query.incident}:{query.status}"))
    else:
        filters += [(Facet.INCIDENT.value, query.incident), (Facet.STATUS.value, query.status)]
    return [(facet, value) for facet, value in filters if value]


def text_query(query: SearchQuery, dialect: str) -> str | None:
    """The engine query for the text of a checked query; "" when it has no searchable word."""
    if query.text is None:
        return None
    clauses = parse_query(query.text)
    return engine_query(clauses, dialect) if clauses else ""


def text_match(dialect: str, engine_query: str) -> sa.TextClause:
    """Ids of documents with a page matching `engine_query` (bound, never spliced)."""
    clause = PG_TEXT_MATCH if dialect == "postgresql" else SQLITE_TEXT_MATCH
    return clause.bindparams(fts_query=engine_query)


def document_conditions(query: SearchQuery, dialect: str) -> list[sa.ColumnElement[bool]]:
    """WHERE conditions on `document` for a checked query (text included)."""
    conditions: list[sa.ColumnElement[bool]] = [col(Document.duplicate_of).is_(None)]
    for facet, value in facet_filters(query):
        having = sa.select(col(DocumentFacet.document_id)).where(
            col(DocumentFacet.facet) == facet, col(DocumentFacet.value) == value
        )
        conditions.append(col(Document.id).in_(having))
    if query.kind:
        conditions.append(col(Document.kind) == query.kind)
    if query.date_from:
        conditions.append(col(Document.document_date) >= query.date_from)
    if query.date_to:
        conditions.append(col(Document.document_date) <= query.date_to)
    text = text_query(query, dialect)
    if text is not None:
        if not text:
            conditions.append(sa.false())
        else:
            matched = text_match(dialect, text).columns(sa.column("document_id"))
            conditions.append(col(Document.id).in_(matched))
            conditions.append(col(Document.status) != DocumentStatus.PENDING)
    return conditions
