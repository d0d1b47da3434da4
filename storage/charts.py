"""Counts the workbench draws as charts, over the documents a search matches.

`monthly_incidents` gives documents per month and incident label from linked facts (a
person with their own incident and month, as `storage.xref.counts` counts them);
`province_documents` gives documents per province from the documents' own facets (the
numbers a click on the province filter then finds). Above `FACET_SAMPLE_ABOVE`
matching documents both count every n-th document by id and multiply by n, as the
search's facet counts do. SQLite and PostgreSQL alike: bound parameters only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from models.records import Facet, SearchQuery, SearchResults
from models.tables import Document, DocumentFacet, LinkedFact
from storage.filters import check_query, document_conditions
from storage.xref import COPIES, FACET_SAMPLE_ABOVE, FACET_SAMPLE_SIZE, among, dialect_of

# Filters on a person's own value keep that person's rows only (as `xref.counts` does).
PERSON_FILTERS = ("nationality", "incident", "status", "province", "regency")


@dataclass(frozen=True)
class ChartCounts:
    """Counts by key (e.g. (month, incident) or a province code) and the sampling step
    (1: exact; n: counted on every n-th matching document and multiplied by n)."""

    counts: dict[Any, int] = field(default_factory=dict)
    step: int = 1


def sample_step(total: int) -> int:
    """1 up to `FACET_SAMPLE_ABOVE` matching documents, else the step that reads about
    `FACET_SAMPLE_SIZE` of them."""
    return 1 if total <= FACET_SAMPLE_ABOVE else math.ceil(total / FACET_SAMPLE_SIZE)


def matching_documents(
    session: Session, *, query: SearchQuery | None, step: int
) -> sa.Select[Any] | None:
    """Ids of the documents `query` matches (every `step`-th by id), or None when that is
    every document with facts."""
    conditions: list[sa.ColumnElement[bool]] = []
    if query is not None:
        conditions = document_conditions(check_query(query), dialect_of(session))
        # Alone, the first condition (not a duplicate) holds for every document that has
        # facets or linked facts: duplicates are never read.
        conditions = conditions[1:] if len(conditions) == 1 else conditions
    if step > 1:
        conditions.append(col(Document.id) % step == 0)
    if not conditions:
        return None
    return sa.select(col(Document.id)).where(*conditions)


def search_charts(
    session: Session, *, query: SearchQuery, total: int, found: SearchResults | None = None
) -> tuple[ChartCounts, ChartCounts]:
    """`monthly_incidents` and `province_documents` for one search of `total` matches,
    reading the (sampled) matching documents once: with words, finding them is the
    costly part, and a sample holds at most about `FACET_SAMPLE_ABOVE` ids. `found`, the
    search's results, brings the sample its facets were counted on when it had filters
    (without any, a sample by id costs nothing to find)."""
    step = sample_step(total)
    if found is not None and found.total == total and found.sample_ids is not None:
        ids: list[int] | None = found.sample_ids
    else:
        matching = matching_documents(session, query=query, step=step)
        ids = None if matching is None else list(session.execute(matching).scalars())
    months = count_months(session, query=query, ids=ids, step=step)
    provinces = count_provinces(session, ids=ids, step=step, total=total)
    return months, provinces


def count_matching(session: Session, *, query: SearchQuery | None) -> int:
    """How many documents `query` matches (originals and copies, as the search counts)."""
    conditions = document_conditions(check_query(query or SearchQuery()), dialect_of(session))
    statement = sa.select(sa.func.count()).select_from(Document).where(*conditions)
    return int(session.execute(statement).scalar_one())


def monthly_incidents(
    session: Session, *, query: SearchQuery | None = None, total: int | None = None
) -> ChartCounts:
    """Documents per (month "YYYY-MM", incident label) among the documents `query`
    matches; `total` is their number when known (it decides the sampling)."""
    step = sample_step(count_matching(session, query=query) if total is None else total)
    matching = matching_documents(session, query=query, step=step)
    return count_months(session, query=query, ids=matching, step=step)


def count_months(
    session: Session,
    *,
    query: SearchQuery | None,
    ids: Sequence[int] | sa.Select[Any] | None,
    step: int,
) -> ChartCounts:
    """Documents per (month, incident) among documents `ids` (None: all), times `step`."""
    linked: sa.Table = LinkedFact.__table__  # type: ignore[attr-defined]  # SQLModel
    documents = sa.func.count(sa.distinct(linked.c.document_id))
    statement = (
        sa.select(linked.c.month, linked.c.incident, documents)
        .where(
            linked.c.month.is_not(None),
            linked.c.incident.is_not(None),
            linked.c.document_id.not_in(COPIES),
            *person_conditions(linked, query),
        )
        .group_by(linked.c.month, linked.c.incident)
    )
    if ids is not None:
        statement = statement.where(_among(session, linked.c.document_id, ids))
    counts = {
        (month, incident): number * step
        for month, incident, number in session.execute(statement).all()
    }
    return ChartCounts(counts=counts, step=step)


def _among(
    session: Session, column: Any, ids: Sequence[int] | sa.Select[Any]
) -> sa.ColumnElement[bool]:
    """`column` is among `ids`: a query's documents, or a list of them bound as one
    parameter (`storage.xref.among`)."""
    if isinstance(ids, sa.Select):
        return column.in_(ids)
    return among(column, ids, dialect=dialect_of(session))


def person_conditions(
    linked: sa.Table, query: SearchQuery | None
) -> Sequence[sa.ColumnElement[bool]]:
    """Conditions keeping only the linked rows of the people a query's filters name."""
    if query is None:
        return []
    checked = check_query(query)
    return [
        linked.c[name] == getattr(checked, name)
        for name in PERSON_FILTERS
        if getattr(checked, name)
    ]


def province_documents(
    session: Session, *, query: SearchQuery | None = None, total: int | None = None
) -> ChartCounts:
    """Documents per province code ("51") among the documents `query` matches; `total`
    is their number when known (it decides the sampling)."""
    if total is None:
        total = count_matching(session, query=query)
    step = sample_step(total)
    matching = matching_documents(session, query=query, step=step)
    return count_provinces(session, ids=matching, step=step, total=total)


def count_provinces(
    session: Session, *, ids: Sequence[int] | sa.Select[Any] | None, step: int, total: int
) -> ChartCounts:
    """Documents per province among documents `ids` (None: all), times `step` (at most
    `total`)."""
    statement = (
        sa.select(col(DocumentFacet.value), sa.func.count())
        .where(col(DocumentFacet.facet) == Facet.PROVINCE.value)
        .group_by(col(DocumentFacet.value))
    )
    # Only originals carry facets, so an unfiltered count reads the index alone.
    if ids is not None:
        statement = statement.where(_among(session, col(DocumentFacet.document_id), ids))
    found = session.execute(statement).all()
    return ChartCounts(counts={code: min(n * step, total) for code, n in found}, step=step)
