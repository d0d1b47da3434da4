"""Faceted search and cross-reference queries over documents, facets, subjects and mentions.

`search` combines full-text words with facet filters and counts every facet (but letter
numbers) over the matching documents; the cross-reference queries answer: every document
about a subject, subjects seen in several regions, subjects named together, and counts by
nationality × region × incident × month. All of them read `document_facet` and
`mention` through their indexes, take only bound parameters, and run on SQLite
and PostgreSQL alike.
"""

from __future__ import annotations

import heapq
import json
import math
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session, col

from models.errors import QueryError
from models.records import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    CoOccurrence,
    CountRow,
    DocumentHit,
    Facet,
    FacetCount,
    SearchQuery,
    SearchResults,
    SubjectDocument,
    SubjectRegions,
)
from models.tables import (
    Document,
    DocumentFacet,
    DocumentFacetList,
    LinkedFact,
    Mention,
    Page,
    Subject,
    SubjectPair,
    SubjectRegion,
)
from storage import summaries
from storage.facets import UNCOUNTED_FACETS, count_listed
from storage.filters import check_query, document_conditions, text_query
from storage.search import (
    ELLIPSIS,
    PG_CONFIG,
    PG_HEADLINE_OPTIONS,
    SNIPPET_WORDS,
    highlight_forms,
)

PAGE_FTS = sa.table("page_fts", sa.column("rowid"), sa.column("rank"))
PAGE_VECTOR: sa.ColumnClause[Any] = sa.literal_column("page.search_vector")
# Without bm25(): FTS5 computes bm25's statistics from the word's whole posting list, which
# for a common word costs about 100 ms at 100,000 documents. Unranked results (newest first)
# take the page whose snippet marks the most words.
SQLITE_PLAIN_SNIPPETS = sa.text(
    "SELECT page.document_id, page.number, "
    "snippet(page_fts, 0, :start, :end, :ellipsis, :words), NULL, page.text "
    "FROM page_fts JOIN page ON page.id = page_fts.rowid "
    "WHERE page_fts MATCH :query AND page_fts.rowid IN "
    "(SELECT id FROM page WHERE document_id IN :ids)"
).bindparams(sa.bindparam("ids", expanding=True))
# The snippet of one chosen page per hit (ranked results: the page that scored best).
SQLITE_PAGE_SNIPPETS = sa.text(
    "SELECT page.document_id, snippet(page_fts, 0, :start, :end, :ellipsis, :words), page.text "
    "FROM page_fts JOIN page ON page.id = page_fts.rowid "
    "WHERE page_fts MATCH :query AND page_fts.rowid IN :pages"
).bindparams(sa.bindparam("pages", expanding=True))
PG_PAGE_SNIPPETS = sa.text(
    f"SELECT page.document_id, ts_headline('{PG_CONFIG}', page.text, q.q, :options), page.text "
    f"FROM page, to_tsquery('{PG_CONFIG}', :query) AS q(q) WHERE page.id IN :pages"
).bindparams(sa.bindparam("pages", expanding=True))
PG_SNIPPETS = sa.text(
    f"SELECT page.document_id, page.number, ts_headline('{PG_CONFIG}', page.text, q.q, :options), "
    "ts_rank(page.search_vector, q.q, 1), page.text "
    f"FROM page, to_tsquery('{PG_CONFIG}', :query) AS q(q) "
    "WHERE page.document_id IN :ids AND page.search_vector @@ q.q"
).bindparams(sa.bindparam("ids", expanding=True))
# Places of subjects: one row per (subject, region) from the JSON list on each mention.
# Broad queries count facets on a sample of about FACET_SAMPLE_SIZE documents.
FACET_SAMPLE_ABOVE = 10_000
FACET_SAMPLE_SIZE = 2_000
# Scoring every page of a very common word costs seconds; such queries list newest first.
RANK_ABOVE = 20_000
# Keys of a (document id, date) row: newest first, then the highest id.
BY_DATE, BY_ID = itemgetter(1, 0), itemgetter(0)
# Plan nodes a text match on PostgreSQL does without (`text_index_first`).
PG_INDEX_FIRST = ("enable_seqscan", "enable_indexscan")
# The same, for a few subjects: read through the mention.subject_id index.
SQLITE_REGIONS_OF = sa.text(
    "SELECT DISTINCT mention.subject_id, substr(place.value, 1, :width) "
    "FROM mention, json_each(mention.place_codes) AS place "
    "WHERE mention.subject_id IN :ids AND length(place.value) >= :width"
).bindparams(sa.bindparam("ids", expanding=True))
PG_REGIONS_OF = sa.text(
    "SELECT DISTINCT mention.subject_id, substr(place.value, 1, :width) "
    "FROM mention, json_array_elements_text(mention.place_codes) AS place(value) "
    "WHERE mention.subject_id IN :ids AND length(place.value) >= :width"
).bindparams(sa.bindparam("ids", expanding=True))
REGION_WIDTH = {"province": 2, "regency": 5}
# Copies of an earlier document (another scan of the same text) are counted once, there.
COPIES = sa.select(col(Document.id)).where(col(Document.copy_of).is_not(None))
# Facets counted from linked facts, and their `linked_fact` columns.
LINKED_COLUMNS = {
    Facet.NATIONALITY.value: "nationality",
    Facet.INCIDENT.value: "incident",
    Facet.STATUS.value: "status",
    Facet.MONTH.value: "month",
    Facet.PROVINCE.value: "province",
    Facet.REGENCY.value: "regency",
}
# A search query's fields that narrow nothing; a query with only these (`unfiltered`)
# counts from `storage.summaries`. Any other field set makes the counts scan.
PAGING_FIELDS = frozenset({"limit", "offset", "facet_limit"})
COUNT_FACETS = {
    "nationality": Facet.NATIONALITY,
    "incident": Facet.INCIDENT,
    "status": Facet.STATUS,
    "month": Facet.MONTH,
    "kind": Facet.KIND,
    "agency": Facet.AGENCY,
    "sender": Facet.SENDER,
    "province": Facet.PROVINCE,
    "regency": Facet.REGENCY,
}


def dialect_of(session: Session) -> str:
    """`sqlite` or `postgresql`."""
    return session.get_bind().dialect.name


# --- faceted search ------------------------------------------------------------------


def search(session: Session, *, query: SearchQuery) -> SearchResults:
    """Documents matching `query` (best first with text, newest first without or when
    more than `RANK_ABOVE` match), their total, and the top values of every facet over
    all matching documents (estimated from a sample for broad queries).

    Raises QueryError for a malformed value; odd search text never reaches the engine
    as syntax.
    """
    checked = check_query(query)
    dialect = dialect_of(session)
    conditions = document_conditions(checked, dialect)
    found: list[tuple[int, str | None]] | None = None
    text = bool(text_query(checked, dialect))
    if text or len(conditions) > 1:
        # Matching is the costly part (a common word is on most pages; a facet value on a
        # third of the documents): it runs once, and the total, the newest hits, the sample
        # and the documents the facets count come from its list.
        with text_index_first(session, dialect=dialect if text else None):
            found = matching_documents(session, conditions=conditions)
        total = len(found)
    else:  # no filter: the count and the newest page read indexes alone
        total = session.execute(
            sa.select(sa.func.count()).select_from(Document).where(*conditions)
        ).scalar_one()
    ranked = text and total <= RANK_ABOVE
    if found is None:
        hits = find_hits(session, query=checked, conditions=conditions)
    elif ranked:
        hits, best_pages = ranked_hits(session, query=checked, found=found, dialect=dialect)
        add_page_snippets(session, query=checked, hits=hits, pages=best_pages, dialect=dialect)
    else:
        hits = newest_hits(session, found, limit=checked.limit, offset=checked.offset)
        add_snippets(session, query=checked, hits=hits, dialect=dialect)
    if hits:
        add_hit_facets(session, hits=hits)
    if found is None:
        sample = sample_ids(session, conditions=conditions, total=total)
        counted = sample
    else:
        sample = sample_of(found, total=total)
        # Counting on the listed documents costs a third of matching the text again.
        counted = sample if sample is not None else [document_id for document_id, _ in found]
    facets, step = count_facets(
        session, conditions=conditions, total=total, limit=checked.facet_limit, ids=counted
    )
    return SearchResults(
        total=total,
        hits=hits,
        facets=facets,
        facet_sample_step=step,
        ranked=ranked,
        sample_ids=sample,
    )


@contextmanager
def text_index_first(session: Session, *, dialect: str | None) -> Iterator[None]:
    """On PostgreSQL, match text through its GIN index within this block.

    The planner prices testing a page's vector like any comparison and reads a common word
    by scanning every page, which at 100,000 documents took 250 ms against 150 through the
    index (and 310 against 260 for a phrase): the index names the pages, and a bitmap reads
    each of them once. Scans are allowed again when the block ends; when it fails, the
    rollback undoes the settings (SET LOCAL).
    """
    if dialect != "postgresql":
        yield
        return
    connection = session.connection()
    for setting in PG_INDEX_FIRST:
        connection.exec_driver_sql(f"SET LOCAL {setting} = off")
    yield
    for setting in PG_INDEX_FIRST:
        connection.exec_driver_sql(f"RESET {setting}")


def matching_documents(
    session: Session, *, conditions: Sequence[sa.ColumnElement[bool]]
) -> list[tuple[int, str | None]]:
    """(id, document date) of every document meeting `conditions`."""
    statement = sa.select(col(Document.id), col(Document.document_date)).where(*conditions)
    return plain_rows(session, statement)


def plain_rows(session: Session, statement: sa.Select[Any]) -> list[tuple[Any, ...]]:
    """The rows of `statement`, read from the database driver's own cursor as tuples.

    A text query's rows number tens of thousands for a common word. Through SQLAlchemy's
    result rows 85,000 of them took 200 ms (Core) to 350 ms (ORM) more than the query;
    from the cursor, 30 ms. Values come as the driver gives them (no result types).
    """
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect)
    sql = str(compiled)
    if "POSTCOMPILE" in sql:  # a list parameter SQLAlchemy expands at execution
        return [tuple(row) for row in connection.execute(statement)]
    params = compiled.construct_params()
    order = compiled.positiontup
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql, [params[name] for name in order] if order is not None else params)
        rows = cursor.fetchall()
        # Both drivers give tuples; copying 85,000 of them took 20 ms.
        if rows and type(rows[0]) is not tuple:
            return [tuple(row) for row in rows]
        return cast(list[tuple[Any, ...]], rows)
    finally:
        cursor.close()


def newest_hits(
    session: Session, found: list[tuple[int, str | None]], *, limit: int, offset: int
) -> list[DocumentHit]:
    """One page of the documents `found`, newest first (undated last, then by id, highest
    first), as `find_hits` orders them unranked."""
    wanted = offset + limit
    # Two C-keyed passes: a key function of Python code over 85,000 rows took 25 ms.
    newest = heapq.nlargest(wanted, [row for row in found if row[1] is not None], key=BY_DATE)
    if len(newest) < wanted:
        undated = [row for row in found if row[1] is None]
        newest += heapq.nlargest(wanted - len(newest), undated, key=BY_ID)
    ids = [document_id for document_id, _ in newest[offset:]]
    if not ids:
        return []
    statement = sa.select(
        col(Document.id),
        col(Document.path),
        col(Document.name),
        col(Document.kind),
        col(Document.document_date),
    ).where(col(Document.id).in_(ids))
    rows = {row[0]: row for row in session.execute(statement)}
    return [
        DocumentHit(
            document_id=rows[document_id][0],
            path=rows[document_id][1],
            name=rows[document_id][2],
            kind=rows[document_id][3],
            document_date=rows[document_id][4],
        )
        for document_id in ids
    ]


def among(column: Any, ids: Sequence[int], *, dialect: str) -> sa.ColumnElement[bool]:
    """`column` is one of `ids`, bound as one parameter (a JSON list on SQLite, an array on
    PostgreSQL): thousands of ids as as many parameters cost more to send and plan than
    the query itself (4,581 ids, facet counts: 218 ms as parameters, 42 ms as one)."""
    if dialect == "postgresql":
        return column == sa.any_(sa.bindparam(None, list(ids), type_=ARRAY(sa.Integer)))
    listed = sa.select(sa.column("value", sa.Integer)).select_from(
        sa.func.json_each(sa.bindparam(None, json.dumps(list(ids)), type_=sa.String))
    )
    return column.in_(listed)


def sample_of(found: list[tuple[int, str | None]], *, total: int) -> list[int] | None:
    """`sample_ids` of a query whose matching documents are already listed."""
    step = facet_step(total)
    if step == 1:
        return None
    return sorted(document_id for document_id, _ in found if document_id % step == 0)


def facet_step(total: int) -> int:
    """1 up to `FACET_SAMPLE_ABOVE` matching documents, else the step that reads about
    `FACET_SAMPLE_SIZE` of them (every n-th by id)."""
    return 1 if total <= FACET_SAMPLE_ABOVE else math.ceil(total / FACET_SAMPLE_SIZE)


def sample_ids(
    session: Session, *, conditions: Sequence[sa.ColumnElement[bool]], total: int
) -> list[int] | None:
    """The sample of a broad query's matching documents (about `FACET_SAMPLE_SIZE`), found
    once for the facets and the charts. None without a filter (every document: counts read
    the facet index alone) and for an exact count, where a list of up to
    `FACET_SAMPLE_ABOVE` ids costs more than finding them again inside each count."""
    step = facet_step(total)
    if len(conditions) <= 1 or step == 1:
        return None
    sampled = [*conditions, col(Document.id) % step == 0]
    return list(session.execute(sa.select(col(Document.id)).where(*sampled)).scalars())


def find_hits(
    session: Session,
    *,
    query: SearchQuery,
    conditions: Sequence[sa.ColumnElement[bool]],
) -> list[DocumentHit]:
    """One page of the documents meeting `conditions`, newest first (undated last, then by
    id, highest first).

    The dated documents are read first and the undated after them, each in an order the
    date index gives: PostgreSQL cannot read "DESC NULLS LAST" from an ascending index and
    sorted all 100,000 documents for every page (30 ms; 1 ms this way).
    """
    wanted = query.offset + query.limit
    date = col(Document.document_date)
    dated = (
        sa.select(*HIT_COLUMNS)
        .where(*conditions, date.is_not(None))
        .order_by(date.desc(), col(Document.id).desc())
        .limit(wanted)
    )
    rows = list(session.execute(dated))
    if len(rows) < wanted:
        undated = (
            sa.select(*HIT_COLUMNS)
            .where(*conditions, date.is_(None))
            .order_by(col(Document.id).desc())
            .limit(wanted - len(rows))
        )
        rows += session.execute(undated)
    return [_hit(row) for row in rows[query.offset :]]


HIT_COLUMNS = (
    col(Document.id),
    col(Document.path),
    col(Document.name),
    col(Document.kind),
    col(Document.document_date),
)


def _hit(row: Sequence[Any], **more: Any) -> DocumentHit:
    return DocumentHit(
        document_id=row[0], path=row[1], name=row[2], kind=row[3], document_date=row[4], **more
    )


def ranked_hits(
    session: Session, *, query: SearchQuery, found: list[tuple[int, str | None]], dialect: str
) -> tuple[list[DocumentHit], dict[int, int]]:
    """One page of the documents `found`, best first, and the id of each hit's best page.

    A document scores as its best page (the highest text score, then the lowest page
    number), ties go to the lower id. Pages are scored only within documents that pass the
    other filters: scoring is the costly part of a common word. The best page is kept, so
    the snippet is made for it alone, without scoring the hits' pages a second time (on
    SQLite each scoring first reads the word's whole posting list for bm25's statistics).
    """
    engine_query = text_query(query, dialect)
    table: sa.Table = Page.__table__  # type: ignore[attr-defined]  # SQLModel declares no type
    page = table.c
    statement: sa.Select[Any]
    if dialect == "postgresql":
        words = sa.func.to_tsquery(
            sa.literal_column(f"'{PG_CONFIG}'::regconfig"), sa.bindparam("rank_query", engine_query)
        )
        statement = sa.select(
            page.document_id, page.number, page.id, sa.func.ts_rank(PAGE_VECTOR, words, 1)
        ).where(PAGE_VECTOR.op("@@")(words))
    else:
        match = sa.text("page_fts MATCH :rank_query").bindparams(rank_query=engine_query)
        statement = (
            sa.select(page.document_id, page.number, page.id, -PAGE_FTS.c.rank)
            .select_from(PAGE_FTS)
            .join(table, page.id == PAGE_FTS.c.rowid)
            .where(match)
        )
    filters = document_conditions(query.model_copy(update={"text": None}), dialect)
    if len(filters) > 1:
        statement = statement.where(
            page.document_id.in_(sa.select(col(Document.id)).where(*filters))
        )
    wanted = {document_id for document_id, _ in found}
    best: dict[int, tuple[float, int, int]] = {}
    for document_id, number, page_id, score in plain_rows(session, statement):
        if document_id not in wanted:
            continue
        known = best.get(document_id)
        if known is None or (score, -number) > (known[0], -known[1]):
            best[document_id] = (score, number, page_id)
    order = sorted(best, key=lambda document_id: (-best[document_id][0], document_id))
    ids = order[query.offset : query.offset + query.limit]
    if not ids:
        return [], {}
    rows = {
        row[0]: row
        for row in session.execute(sa.select(*HIT_COLUMNS).where(col(Document.id).in_(ids)))
    }
    hits = [
        _hit(rows[document_id], score=best[document_id][0], page=best[document_id][1])
        for document_id in ids
    ]
    return hits, {document_id: best[document_id][2] for document_id in ids}


def add_snippets(
    session: Session,
    *,
    query: SearchQuery,
    hits: list[DocumentHit],
    dialect: str,
) -> None:
    """Give each hit of an unranked text query the highlighted snippet of one matching page:
    on SQLite the page whose snippet marks the most words, on PostgreSQL the page with the
    best text score (`ranked_hits` keeps the best page of ranked results itself)."""
    engine_query = text_query(query, dialect)
    if not engine_query:
        return
    ids = [hit.document_id for hit in hits]
    params: dict[str, object]
    if dialect == "postgresql":
        params = {"query": engine_query, "ids": ids, "options": PG_HEADLINE_OPTIONS}
        rows = session.connection().execute(PG_SNIPPETS, params)
    else:
        params = {
            "query": engine_query,
            "ids": ids,
            "start": HIGHLIGHT_START,
            "end": HIGHLIGHT_END,
            "ellipsis": ELLIPSIS,
            "words": SNIPPET_WORDS,
        }
        rows = session.connection().execute(SQLITE_PLAIN_SNIPPETS, params)
    best: dict[int, tuple[float, int, str, str]] = {}
    for document_id, number, snippet, found_score, page_text in rows:
        score = snippet.count(HIGHLIGHT_START) if found_score is None else found_score
        if document_id not in best or (score, -number) > (
            best[document_id][0],
            -best[document_id][1],
        ):
            best[document_id] = (score, number, snippet, page_text)
    for hit in hits:
        if hit.document_id in best:
            _, hit.page, snippet, page_text = best[hit.document_id]
            hit.snippet = highlight_forms(snippet, query.text or "", page_text)


def add_page_snippets(
    session: Session,
    *,
    query: SearchQuery,
    hits: list[DocumentHit],
    pages: dict[int, int],
    dialect: str,
) -> None:
    """Give each hit the highlighted snippet of its page `pages[document id]` (a page id)."""
    engine_query = text_query(query, dialect)
    if not engine_query or not hits:
        return
    params: dict[str, object] = {"query": engine_query, "pages": list(pages.values())}
    if dialect == "postgresql":
        params["options"] = PG_HEADLINE_OPTIONS
        statement = PG_PAGE_SNIPPETS
    else:
        params |= {
            "start": HIGHLIGHT_START,
            "end": HIGHLIGHT_END,
            "ellipsis": ELLIPSIS,
            "words": SNIPPET_WORDS,
        }
        statement = SQLITE_PAGE_SNIPPETS
    snippets = {
        document_id: (snippet, page_text)
        for document_id, snippet, page_text in session.connection().execute(statement, params)
    }
    for hit in hits:
        if hit.document_id in snippets:
            snippet, page_text = snippets[hit.document_id]
            hit.snippet = highlight_forms(snippet, query.text or "", page_text)


def add_hit_facets(session: Session, *, hits: list[DocumentHit]) -> None:
    """Give each hit its own facet values (nationalities, regions, incidents, ...)."""
    by_id = {hit.document_id: hit for hit in hits}
    statement = (
        sa.select(
            col(DocumentFacet.document_id), col(DocumentFacet.facet), col(DocumentFacet.value)
        )
        .where(col(DocumentFacet.document_id).in_(list(by_id)))
        .order_by(col(DocumentFacet.facet), col(DocumentFacet.value))
    )
    for document_id, facet, value in session.execute(statement).all():
        by_id[document_id].facets.setdefault(facet, []).append(value)


def count_facets(
    session: Session,
    *,
    conditions: Sequence[sa.ColumnElement[bool]],
    total: int,
    limit: int,
    ids: Sequence[int] | None = None,
) -> tuple[dict[str, list[FacetCount]], int]:
    """The `limit` most frequent values of each facet among documents meeting `conditions`,
    and the sampling step used (1: exact).

    Above `FACET_SAMPLE_ABOVE` matching documents, values are counted on every n-th
    document by id and scaled by n, so a broad query costs what a narrow one does.
    Near-unique facets (`UNCOUNTED_FACETS`: letter numbers) are not counted: a list of
    ones says nothing and would cost a row per document. `ids`, when given, are the
    documents to count (the sample, or every matching document), found already.

    Each counted document's values are one row of `document_facet_list`, counted here:
    grouping 100,000 facet rows in the database took 70 ms, this 25.
    """
    step = facet_step(total)
    sampled = [*conditions, col(Document.id) % step == 0] if step > 1 else list(conditions)
    listed = col(DocumentFacetList.document_id)
    statement = sa.select(col(DocumentFacetList.lines))
    if ids is not None:  # found already (`sample_ids`, `matching_documents`)
        statement = statement.where(among(listed, ids, dialect=dialect_of(session)))
    elif len(sampled) > 1:
        statement = statement.where(listed.in_(sa.select(col(Document.id)).where(*sampled)))
    # else: every document; only originals carry facets.
    found: dict[str, list[FacetCount]] = {
        facet.value: [] for facet in Facet if facet.value not in UNCOUNTED_FACETS
    }
    rows = plain_rows(session, statement)
    for (facet, value), documents in count_listed(row[0] for row in rows).items():
        estimate = min(documents * step, total)
        found.setdefault(facet, []).append(FacetCount(value=value, documents=estimate))
    top = {
        facet: sorted(counts, key=lambda c: (-c.documents, c.value))[:limit]
        for facet, counts in found.items()
    }
    return top, step


# --- cross-reference -----------------------------------------------------------------


def documents_about_subject(session: Session, *, subject_id: int) -> list[SubjectDocument]:
    """Every document that mentions the subject, oldest first, with what each says."""
    if session.get(Subject, subject_id) is None:
        raise QueryError(f"no subject with id {subject_id}; `pantau xref regions` lists some.")
    statement = (
        sa.select(Document, Mention)
        .join(Mention, col(Mention.document_id) == col(Document.id))
        .where(col(Mention.subject_id) == subject_id)
        .order_by(sa.nulls_last(col(Document.document_date)), col(Document.id), col(Mention.id))
    )
    return [
        SubjectDocument(
            document_id=document.id,
            path=document.path,
            name=document.name,
            kind=document.kind,
            document_date=document.document_date,
            mention_id=mention.id,
            mention_name=mention.name,
            nationality=mention.nationality,
            passports=list(mention.passports or []),
            place_codes=list(mention.place_codes or []),
            incidents=list(mention.incidents or []),
        )
        for document, mention in session.execute(statement).all()
    ]


def subjects_in_several_regions(
    session: Session, *, level: str = "regency", min_regions: int = 2, limit: int = 100
) -> list[SubjectRegions]:
    """Subjects whose mentions place them in at least `min_regions` provinces or regencies."""
    if level not in REGION_WIDTH:
        raise QueryError(f"unknown region level {level!r}; use province or regency.")
    if min_regions < 1 or limit < 1:
        raise QueryError("min_regions and limit must be at least 1.")
    statement = (
        sa.select(col(SubjectRegion.subject_id), col(SubjectRegion.documents))
        .where(col(SubjectRegion.level) == level, col(SubjectRegion.regions) >= min_regions)
        .order_by(col(SubjectRegion.regions).desc(), col(SubjectRegion.subject_id))
        .limit(limit)
    )
    counted = session.execute(statement).all()
    ids = [row[0] for row in counted]
    names = subject_names(session, subject_ids=ids)
    places = subject_region_lists(session, subject_ids=ids, width=REGION_WIDTH[level])
    return [
        SubjectRegions(
            subject_id=subject_id,
            name=names[subject_id][0],
            nationality=names[subject_id][1],
            regions=places[subject_id],
            documents=documents,
        )
        for subject_id, documents in counted
        if subject_id in names
    ]


def subject_region_lists(
    session: Session, *, subject_ids: list[int], width: int
) -> dict[int, list[str]]:
    """The sorted region codes (`width` characters: 2 province, 5 regency) of each subject."""
    found: dict[int, set[str]] = defaultdict(set)
    if subject_ids:
        clause = PG_REGIONS_OF if dialect_of(session) == "postgresql" else SQLITE_REGIONS_OF
        rows = session.connection().execute(clause, {"ids": subject_ids, "width": width})
        for subject_id, region in rows:
            found[subject_id].add(region)
    return {subject_id: sorted(regions) for subject_id, regions in found.items()}


def subject_names(
    session: Session, *, subject_ids: Collection[int]
) -> dict[int, tuple[str, str | None]]:
    """Display name and nationality of each subject."""
    if not subject_ids:
        return {}
    statement = sa.select(col(Subject.id), col(Subject.name), col(Subject.nationality)).where(
        col(Subject.id).in_(list(subject_ids))
    )
    return {row[0]: (row[1], row[2]) for row in session.execute(statement).all()}


def co_occurring(
    session: Session, *, subject_id: int | None = None, min_documents: int = 1, limit: int = 100
) -> list[CoOccurrence]:
    """Pairs of subjects named in the same documents, most shared documents first.

    With `subject_id`, the subjects named together with that one.
    """
    if min_documents < 1 or limit < 1:
        raise QueryError("min_documents and limit must be at least 1.")
    pair = col(SubjectPair.subject_id) < col(SubjectPair.other_id)
    if subject_id is not None:
        pair = col(SubjectPair.subject_id) == subject_id
    statement = (
        sa.select(
            col(SubjectPair.subject_id), col(SubjectPair.other_id), col(SubjectPair.documents)
        )
        .where(pair, col(SubjectPair.documents) >= min_documents)
        .order_by(
            col(SubjectPair.documents).desc(),
            col(SubjectPair.subject_id),
            col(SubjectPair.other_id),
        )
        .limit(limit)
    )
    counted = session.execute(statement).all()
    shared = shared_documents(session, pairs=[(row[0], row[1]) for row in counted])
    rows = [
        (first, second, documents, shared[first, second]) for first, second, documents in counted
    ]
    names = subject_names(session, subject_ids={i for row in rows for i in row[:2]})
    return [
        CoOccurrence(
            subject_id=first,
            subject_name=names.get(first, ("", None))[0],
            other_id=second,
            other_name=names.get(second, ("", None))[0],
            documents=documents,
            document_ids=ids,
        )
        for first, second, documents, ids in rows
    ]


def shared_documents(
    session: Session, *, pairs: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], list[int]]:
    """The ids of the documents naming both subjects of each pair, ascending."""
    found: dict[tuple[int, int], set[int]] = defaultdict(set)
    subjects = sorted({s for pair in pairs for s in pair})
    if subjects:
        one, other = sa.orm.aliased(Mention, name="one"), sa.orm.aliased(Mention, name="other")
        statement = (
            sa.select(col(one.subject_id), col(other.subject_id), col(one.document_id))
            .join(other, col(other.document_id) == col(one.document_id))
            .where(
                col(one.subject_id).in_(sorted({a for a, _ in pairs})),
                col(other.subject_id).in_(subjects),
            )
        )
        wanted = set(pairs)
        for first, second, document_id in session.execute(statement).all():
            if (first, second) in wanted:
                found[first, second].add(document_id)
    return {pair: sorted(found[pair]) for pair in pairs}


def counts(
    session: Session,
    *,
    by: Sequence[str] = ("nationality", "region", "incident", "month"),
    level: str = "province",
    query: SearchQuery | None = None,
    limit: int = 1000,
) -> list[CountRow]:
    """Counts per combination of values (e.g. nationality × region × incident × month),
    most documents first; `query` narrows the documents counted.

    `by` names: nationality, region (at `level`: province or regency), incident,
    status, month, kind, agency, sender, province, regency. The first six are counted
    from linked facts (`extractors.linked`): a person with their own nationality,
    incident, place and month, so values of different people in one letter never
    combine; each row gives the documents and the named people. Kind, agency and
    sender are the document's own. Without a filter, the usual groupings
    (`storage.summaries.GROUPINGS`) are read from their kept cells.
    """
    facets = count_dimensions(by, level)
    if limit < 1:
        raise QueryError("limit must be at least 1.")
    if not any(facet in LINKED_COLUMNS for facet in facets):
        return _document_counts(session, by=by, facets=facets, query=query, limit=limit)
    if unfiltered(query) and all(facet in LINKED_COLUMNS for facet in facets):
        columns = [LINKED_COLUMNS[facet] for facet in facets]
        cells = summaries.counted_cells(session, columns, limit=limit)
        if cells is not None:
            return [
                CountRow(
                    values=dict(zip(by, row[:-2], strict=True)), documents=row[-2], people=row[-1]
                )
                for row in cells
            ]
    return scanned_counts(session, by=by, facets=facets, query=query, limit=limit)


def scanned_counts(
    session: Session,
    *,
    by: Sequence[str],
    facets: Sequence[str],
    query: SearchQuery | None,
    limit: int,
) -> list[CountRow]:
    """`counts` read from every linked fact (`facets` from `count_dimensions`)."""
    linked: sa.Table = LinkedFact.__table__  # type: ignore[attr-defined]
    values: list[Any] = []  # linked_fact columns and facet values
    statement = sa.select().select_from(linked)
    for number, facet in enumerate(facets):
        if facet in LINKED_COLUMNS:
            column = linked.c[LINKED_COLUMNS[facet]]
            statement = statement.where(column.is_not(None))
            values.append(column)
        else:
            alias = sa.orm.aliased(DocumentFacet, name=f"f{number}")
            statement = statement.join(
                alias,
                sa.and_(col(alias.document_id) == linked.c.document_id, col(alias.facet) == facet),
            )
            values.append(col(alias.value))
    documents = sa.func.count(sa.distinct(linked.c.document_id))
    # One person across documents once resolved: their subject, else the mention itself.
    mention: sa.Table = Mention.__table__  # type: ignore[attr-defined]
    people = sa.func.count(sa.distinct(sa.func.coalesce(mention.c.subject_id, -mention.c.id)))
    statement = statement.outerjoin(mention, mention.c.id == linked.c.mention_id)
    statement = statement.add_columns(*values, documents, people)
    statement = statement.where(linked.c.document_id.not_in(COPIES))
    if query is not None:
        conditions = document_conditions(check_query(query), dialect_of(session))
        statement = statement.where(
            linked.c.document_id.in_(sa.select(col(Document.id)).where(*conditions))
        )
        # A filter on a person's value keeps that person's rows only, not everyone's in
        # the documents it matches.
        for name in ("nationality", "incident", "status", "province", "regency"):
            wanted = getattr(query, name)
            if wanted:
                statement = statement.where(linked.c[name] == wanted)
    statement = (
        statement.group_by(*values).order_by(documents.desc(), people.desc(), *values).limit(limit)
    )
    return [
        CountRow(values=dict(zip(by, row[:-2], strict=True)), documents=row[-2], people=row[-1])
        for row in session.execute(statement).all()
    ]


def unfiltered(query: SearchQuery | None) -> bool:
    """Whether a query narrows nothing (its paging and facet settings aside)."""
    return query is None or not any(
        value for name, value in query if name not in PAGING_FIELDS and value is not None
    )


def _document_counts(
    session: Session,
    *,
    by: Sequence[str],
    facets: list[str],
    query: SearchQuery | None,
    limit: int,
) -> list[CountRow]:
    """Documents per combination of the documents' own facets (kind, agency, sender)."""
    aliases = [sa.orm.aliased(DocumentFacet, name=f"f{i}") for i in range(len(facets))]
    first = aliases[0]
    statement = sa.select(*(col(a.value) for a in aliases), sa.func.count()).select_from(first)
    for alias in aliases[1:]:
        statement = statement.join(alias, col(alias.document_id) == col(first.document_id))
    statement = statement.where(*(col(a.facet) == f for a, f in zip(aliases, facets, strict=True)))
    statement = statement.where(col(first.document_id).not_in(COPIES))
    if query is not None:
        conditions = document_conditions(check_query(query), dialect_of(session))
        statement = statement.where(
            col(first.document_id).in_(sa.select(col(Document.id)).where(*conditions))
        )
    statement = (
        statement.group_by(*(a.value for a in aliases))
        .order_by(sa.func.count().desc(), *(a.value for a in aliases))
        .limit(limit)
    )
    return [
        CountRow(values=dict(zip(by, row[:-1], strict=True)), documents=row[-1])
        for row in session.execute(statement).all()
    ]


def count_dimensions(by: Sequence[str], level: str) -> list[str]:
    """The facet behind each `by` name, or QueryError."""
    if level not in REGION_WIDTH:
        raise QueryError(f"unknown region level {level!r}; use province or regency.")
    if not by or len(set(by)) != len(by):
        raise QueryError("count by at least one name, each once, e.g. nationality,region.")
    facets = []
    for name in by:
        if name == "region":
            facets.append(level)
        elif name in COUNT_FACETS:
            facets.append(COUNT_FACETS[name].value)
        else:
            known = ", ".join(["region", *COUNT_FACETS])
            raise QueryError(f"cannot count by {name!r}; use some of: {known}.")
    return facets
