"""Summary tables for cross-reference, kept equal to a recount from the mentions.

`subject_region` holds how many provinces and regencies each subject's mentions place
them in (and in how many documents); `subject_pair` holds, for every two subjects named in
the same documents, how many documents they share, one row per direction. Every change of
a subject's mentions goes through `storage.identity.refresh_subjects` (batches,
re-extraction, corrections, resolution, review decisions, merges, "not this person",
deletions), which calls `refresh` for the subjects it touched inside the same transaction:
their rows are deleted and counted again from the mention table through its subject index.
A pair is counted from both subjects' sides, so a change on either side recounts it.

`count_cell` holds, for the usual groupings of the counts (`GROUPINGS`: nationality ×
region × incident × month and nationality × region, at both region levels), the documents
and people of every cell, over the documents that are not copies. A distinct count does not
add up from other cells, so a changed cell is counted again from `linked_fact` through its
index. Which cells changed is written by database triggers (migration 0021) into
`count_dirty`, as the values of every linked fact added or removed, of a mention that
changes subject, or of a document that becomes or stops being a copy: no code path can
forget it. `fold_counts` counts those cells again and removes their keys; it runs once at
the end of identity resolution (each batch: not per document or mention, where it would
count the same busy cells again and again) and in `refresh` for each review decision,
correction and deletion. A read
(`counted_cells`) takes the kept cells whose keys are not marked and counts the marked ones
live, so it is exact even between a change and its fold.

`recount` counts everything from scratch; `rebuild` replaces the tables with it (after a
bulk load), and the tests check that the kept tables equal it after every kind of change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from models.tables import CountCell, CountDirty, SubjectPair, SubjectRegion

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


def refresh(session: Session, *, subject_ids: Iterable[int], fold: bool = True) -> None:
    """Inside the caller's transaction: count these subjects' rows again (after a flush),
    and with `fold` the marked count cells (`fold_counts`)."""
    ids = sorted({i for i in subject_ids if i})
    if not ids:
        if fold:
            fold_counts(session)
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
    if fold:
        fold_counts(session)


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
    session.execute(sa.delete(CountDirty))
    session.execute(sa.delete(CountCell))
    for grouping in GROUPINGS:
        _insert_cells(session, grouping, _recount_cells(session, grouping, None))


# --- counts -------------------------------------------------------------------

GROUPINGS: tuple[tuple[str, ...], ...] = (
    ("nationality", "province", "incident", "month"),
    ("nationality", "regency", "incident", "month"),
    ("nationality", "province"),
    ("nationality", "regency"),
)
KEY = ("nationality", "incident", "status", "province", "regency", "month")
SEPARATOR = "|"  # between a cell's values in its `cell` key; no code or label holds it
# Marked rows a read counts live; above it (during a large batch) `counts` scans
# `linked_fact` instead.
DIRTY_LIMIT = 20_000
COUNT_LOCK = 0x70616E74  # PostgreSQL advisory lock serialising folds
Cell = tuple[str, ...]

# Given cells, a JSON list of value lists, as rows c(v0, v1, ...); given keys, a JSON list
# of strings, as a one-column list.
CELLS = {
    "sqlite": "SELECT {values} FROM json_each(:cells)",
    "postgresql": "SELECT {values} FROM json_array_elements(CAST(:cells AS json)) AS cell",
}
CELL_VALUE = {"sqlite": "json_extract(value, '$[{i}]') AS v{i}", "postgresql": "cell->>{i} AS v{i}"}
KEYS = {
    "sqlite": "SELECT value FROM json_each(:keys)",
    "postgresql": "SELECT json_array_elements_text(CAST(:keys AS json))",
}
RECOUNT = (
    "SELECT {named}, {key} AS cell, count(DISTINCT linked_fact.document_id) AS documents, "
    "count(DISTINCT coalesce(mention.subject_id, -mention.id)) AS people "
    "FROM {cells}linked_fact LEFT OUTER JOIN mention ON mention.id = linked_fact.mention_id "
    "WHERE {present}{matching} AND linked_fact.document_id NOT IN "
    "(SELECT id FROM document WHERE copy_of IS NOT NULL) "
    "GROUP BY {dims}"
)


def grouping_for(columns: Sequence[str]) -> tuple[str, ...] | None:
    """The kept grouping with exactly these `linked_fact` columns, in any order."""
    return next((g for g in GROUPINGS if set(g) == set(columns)), None)


def _recount_sql(session: Session, grouping: Sequence[str], cells: bool) -> str:
    """(values as v0.., cell, documents, people) of the grouping's cells: all, or those
    in the `cells` parameter."""
    dims = ", ".join(f"linked_fact.{dim}" for dim in grouping)
    named = ", ".join(f"linked_fact.{dim} AS v{i}" for i, dim in enumerate(grouping))
    key = f" || '{SEPARATOR}' || ".join(f"linked_fact.{dim}" for dim in grouping)
    present = " AND ".join(f"linked_fact.{dim} IS NOT NULL" for dim in grouping)
    parts = {"named": named, "dims": dims, "key": key, "present": present}
    parts |= {"cells": "", "matching": ""}
    if cells:
        name = dialect(session)
        values = ", ".join(CELL_VALUE[name].format(i=i) for i in range(len(grouping)))
        # The cells drive the join: each is looked up through linked_fact's cell index.
        parts["cells"] = f"({CELLS[name].format(values=values)}) AS c CROSS JOIN "
        parts["matching"] = "".join(
            f" AND linked_fact.{dim} = c.v{i}" for i, dim in enumerate(grouping)
        )
    return RECOUNT.format(**parts)


def _recount_cells(
    session: Session, grouping: Sequence[str], cells: list[Cell] | None
) -> list[tuple[Any, ...]]:
    """(values..., cell, documents, people) of the grouping's cells: all, or these."""
    statement = sa.text(_recount_sql(session, grouping, cells is not None))
    if cells is not None:
        statement = statement.bindparams(cells=json.dumps(cells))
    return [tuple(row) for row in session.connection().execute(statement).all()]


def _insert_cells(
    session: Session, grouping: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> None:
    name = ",".join(grouping)
    values = [
        {
            "grouped_by": name,
            **dict(zip(grouping, row[:-3], strict=True)),
            "cell": row[-3],
            "documents": row[-2],
            "people": row[-1],
        }
        for row in rows
    ]
    if values:
        session.execute(sa.insert(CountCell), values)


def _cells_of(keys: Iterable[Sequence[str | None]], grouping: Sequence[str]) -> list[Cell]:
    """The grouping's cells among marked keys (values in `KEY` order); a key lacking one
    of the grouping's values is in none of its cells."""
    where = [KEY.index(dim) for dim in grouping]
    cells = {tuple(key[i] for i in where) for key in keys}
    return sorted(cell for cell in cells if None not in cell)  # type: ignore[misc]


def fold_counts(session: Session) -> None:
    """Inside the caller's transaction: count the marked cells again and drop the marks."""
    session.flush()
    connection = session.connection()
    name = dialect(session)
    if name == "postgresql":  # one fold at a time: two would both insert a cell
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": COUNT_LOCK})
    # Exactly the marks this transaction sees: a concurrent one's later marks stay.
    marks = connection.execute(sa.text(f"DELETE FROM count_dirty RETURNING {', '.join(KEY)}"))
    keys = marks.all()
    for grouping in GROUPINGS if keys else ():
        cells = _cells_of(keys, grouping)
        if not cells:
            continue
        connection.execute(
            sa.text(
                f"DELETE FROM count_cell WHERE grouped_by = :grouping AND cell IN ({KEYS[name]})"
            ),
            {
                "grouping": ",".join(grouping),
                "keys": json.dumps([SEPARATOR.join(c) for c in cells]),
            },
        )
        _insert_cells(session, grouping, _recount_cells(session, grouping, cells))


def counted_cells(
    session: Session, columns: Sequence[str], *, limit: int
) -> list[tuple[Any, ...]] | None:
    """The counts by these `linked_fact` columns over every document that is not a copy,
    as (values in `columns` order..., documents, people), most documents first, then most
    people, then by value; None when no kept grouping has them or too many cells are
    marked for a live count.

    Marked cells are counted live and their kept rows left out. Only the kept rows that
    can still be among the first `limit` are read: `limit` plus one per marked cell.
    """
    grouping = grouping_for(columns)
    if grouping is None:
        return None
    connection = session.connection()
    marked = connection.execute(sa.text("SELECT count(*) FROM count_dirty")).scalar_one()
    if marked > DIRTY_LIMIT:
        return None
    chosen = ", ".join(f"v{grouping.index(column)}" for column in columns)
    order = f"ORDER BY documents DESC, people DESC, {chosen} LIMIT "
    cells: list[Cell] = []
    if marked:
        keys = connection.execute(sa.text(f"SELECT {', '.join(KEY)} FROM count_dirty")).all()
        cells = _cells_of(keys, grouping)
    kept = (
        "SELECT "
        + ", ".join(f"{dim} AS v{i}" for i, dim in enumerate(grouping))
        + ", cell, documents, people FROM count_cell WHERE grouped_by = :grouping "
        + order
        + ":fetch"
    )
    parameters: dict[str, Any] = {
        "grouping": ",".join(grouping),
        "limit": limit,
        "fetch": limit + len(cells),
    }
    counted = f"SELECT * FROM ({kept}) AS kept"
    if cells:
        name = dialect(session)
        live = _recount_sql(session, grouping, True)
        counted += f" WHERE cell NOT IN ({KEYS[name]}) UNION ALL SELECT * FROM ({live}) AS live"
        parameters["keys"] = json.dumps([SEPARATOR.join(c) for c in cells])
        parameters["cells"] = json.dumps(cells)
    statement = sa.text(
        f"SELECT {chosen}, documents, people FROM ({counted}) AS counted {order}:limit"
    )
    return [tuple(row) for row in connection.execute(statement, parameters).all()]


def stored_cells(session: Session) -> dict[tuple[str, Cell], tuple[int, int]]:
    """Every kept cell: {(grouping, values): (documents, people)}."""
    table: sa.Table = CountCell.__table__  # type: ignore[attr-defined]
    kept: dict[tuple[str, Cell], tuple[int, int]] = {}
    for row in session.connection().execute(sa.select(table)).mappings():
        grouping = row["grouped_by"]
        values = tuple(row[dim] for dim in grouping.split(","))
        assert row["cell"] == SEPARATOR.join(values), row
        kept[grouping, values] = (row["documents"], row["people"])
    return kept


def recount_cells(session: Session) -> dict[tuple[str, Cell], tuple[int, int]]:
    """Every cell counted from scratch, in the shape of `stored_cells`."""
    return {
        (",".join(grouping), tuple(row[:-3])): (row[-2], row[-1])
        for grouping in GROUPINGS
        for row in _recount_cells(session, grouping, None)
    }
