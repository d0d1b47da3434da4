"""Summary tables for cross-reference, kept equal to a recount from the mentions.

`subject_region` holds how many provinces and regencies each subject's mentions place
them in (and in how many documents); `subject_pair` holds, for every two subjects named in
the same documents, how many documents they share, one row per direction. Every change of
a subject's mentions goes through `storage.identity.refresh_subjects` (batches,
re-extraction, corrections, resolution, review decisions, merges, "not this person",
deletions), which calls `refresh` for the subjects it touched inside the same transaction:
their rows are deleted and counted again from the mention table through its subject index.
A pair is counted from both subjects' sides, so a change on either side recounts it.

`recount` counts everything from scratch; `rebuild` replaces the tables with it (after a
bulk load), and the tests check that the kept tables equal it after every kind of change.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from models.tables import SubjectPair, SubjectRegion

LEVELS = {"province": 2, "regency": 5}
CHUNK = 500  # subject ids per IN list

# (subject, document, region) of every mention with a place code at least `width` long.
REGION_TRIPLES = {
    "sqlite": (
        "SELECT DISTINCT mention.subject_id AS subject_id, mention.document_id AS document_id, "
        "substr(place.value, 1, :width) AS region "
        "FROM mention, json_each(mention.place_codes) AS place "
        "WHERE mention.subject_id IS NOT NULL AND length(place.value) >= :width"
    ),
    "postgresql": (
        "SELECT DISTINCT mention.subject_id AS subject_id, mention.document_id AS document_id, "
        "substr(place.value, 1, :width) AS region "
        "FROM mention, json_array_elements_text(mention.place_codes) AS place(value) "
        "WHERE mention.subject_id IS NOT NULL AND length(place.value) >= :width"
    ),
}
REGION_COUNTS = (
    "SELECT subject_id, count(DISTINCT region), count(DISTINCT document_id) "
    "FROM ({triples}{where}) AS triples GROUP BY subject_id"
)
PAIR_COUNTS = (
    "SELECT one.subject_id, other.subject_id, count(DISTINCT one.document_id) "
    "FROM mention AS one JOIN mention AS other ON other.document_id = one.document_id "
    "WHERE one.subject_id IS NOT NULL AND other.subject_id IS NOT NULL "
    "AND other.subject_id <> one.subject_id{where} "
    "GROUP BY one.subject_id, other.subject_id"
)

RegionKey = tuple[str, int]  # (level, subject id)
PairKey = tuple[int, int]  # (subject id, other subject id)


def dialect(session: Session) -> str:
    return "postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def _region_counts(session: Session, level: str, ids: list[int] | None) -> Iterable[sa.Row[Any]]:
    where = " AND mention.subject_id IN :ids" if ids is not None else ""
    sql = REGION_COUNTS.format(triples=REGION_TRIPLES[dialect(session)], where=where)
    statement = sa.text(sql).bindparams(width=LEVELS[level])
    if ids is not None:
        statement = statement.bindparams(sa.bindparam("ids", value=ids, expanding=True))
    return session.connection().execute(statement).all()


def _pair_counts(session: Session, ids: list[int] | None) -> Iterable[sa.Row[Any]]:
    where = " AND one.subject_id IN :ids" if ids is not None else ""
    statement = sa.text(PAIR_COUNTS.format(where=where))
    if ids is not None:
        statement = statement.bindparams(sa.bindparam("ids", value=ids, expanding=True))
    return session.connection().execute(statement).all()


def refresh(session: Session, *, subject_ids: Iterable[int]) -> None:
    """Inside the caller's transaction: count these subjects' rows again (after a flush)."""
    ids = sorted({i for i in subject_ids if i})
    if not ids:
        return
    session.flush()
    wanted = set(ids)
    for chunk in _chunks(ids):
        session.execute(sa.delete(SubjectRegion).where(col(SubjectRegion.subject_id).in_(chunk)))
        session.execute(
            sa.delete(SubjectPair).where(
                sa.or_(col(SubjectPair.subject_id).in_(chunk), col(SubjectPair.other_id).in_(chunk))
            )
        )
    regions: list[dict[str, Any]] = []
    pairs: list[dict[str, Any]] = []
    for chunk in _chunks(ids):
        for level in LEVELS:
            regions += _region_rows(level, _region_counts(session, level, chunk))
        for subject_id, other_id, documents in _pair_counts(session, chunk):
            pairs.append({"subject_id": subject_id, "other_id": other_id, "documents": documents})
            if other_id not in wanted:  # its side is not counted here: mirror this one
                pairs.append(
                    {"subject_id": other_id, "other_id": subject_id, "documents": documents}
                )
    _insert(session, regions, pairs)


def _region_rows(level: str, rows: Iterable[sa.Row[Any]]) -> list[dict[str, Any]]:
    return [
        {"subject_id": subject_id, "level": level, "regions": regions, "documents": documents}
        for subject_id, regions, documents in rows
    ]


def _insert(session: Session, regions: list[dict[str, Any]], pairs: list[dict[str, Any]]) -> None:
    if regions:
        session.execute(sa.insert(SubjectRegion), regions)
    if pairs:
        session.execute(sa.insert(SubjectPair), pairs)


def recount(session: Session) -> tuple[dict[RegionKey, tuple[int, int]], dict[PairKey, int]]:
    """Both tables counted from scratch: {(level, subject): (regions, documents)} and
    {(subject, other): documents}."""
    regions = {
        (level, subject_id): (count, documents)
        for level in LEVELS
        for subject_id, count, documents in _region_counts(session, level, None)
    }
    pairs = {(a, b): documents for a, b, documents in _pair_counts(session, None)}
    return regions, pairs


def stored(session: Session) -> tuple[dict[RegionKey, tuple[int, int]], dict[PairKey, int]]:
    """Both tables as kept, in the shape of `recount`."""
    regions = {
        (row.level, row.subject_id): (row.regions, row.documents)
        for row in session.execute(sa.select(SubjectRegion)).scalars()
    }
    pairs = {
        (row.subject_id, row.other_id): row.documents
        for row in session.execute(sa.select(SubjectPair)).scalars()
    }
    return regions, pairs


def rebuild(session: Session) -> None:
    """Replace both tables with a recount, inside the caller's transaction."""
    session.flush()
    session.execute(sa.delete(SubjectRegion))
    session.execute(sa.delete(SubjectPair))
    regions, pairs = recount(session)
    _insert(
        session,
        [
            {"subject_id": s, "level": level, "regions": n, "documents": d}
            for (level, s), (n, d) in regions.items()
        ],
        [{"subject_id": a, "other_id": b, "documents": d} for (a, b), d in pairs.items()],
    )
