"""Full-text search over page text: FTS5 on SQLite, a tsvector index on PostgreSQL.

A query is plain words and "quoted phrases"; a page matches when it holds every
word and phrase, ignoring case and accents. Query text is never parsed as
search syntax: each word or phrase is quoted before it reaches the engine, and
the whole query travels as one bound parameter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session

from models.records import HIGHLIGHT_END, HIGHLIGHT_START, SearchHit

SNIPPET_WORDS = 16
ELLIPSIS = "…"
# Same objects as created by the first migration.
PG_CONFIG = "pantau_simple"

TERM = re.compile(r'"([^"]*)(?:"|$)|([^\s"]+)')  # a "phrase" (closed or not) or a word
WORD_CHARACTER = re.compile(r"[^\W_]")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")

SQLITE_SEARCH = sa.text(
    """
    SELECT page.document_id, document.path, page.number,
           snippet(page_fts, 0, :start, :end, :ellipsis, :words) AS snippet,
           -bm25(page_fts) AS score
    FROM page_fts
    JOIN page ON page.id = page_fts.rowid
    JOIN document ON document.id = page.document_id
    WHERE page_fts MATCH :query AND document.status <> 'pending'
    ORDER BY rank, page.id
    LIMIT :limit
    """
)
# Headlines are costly: build them only for the top hits.
PG_SEARCH = sa.text(
    f"""
    WITH hits AS (
        SELECT page.id, page.document_id, page.number, page.text, query.q,
               ts_rank(page.search_vector, query.q, 1) AS score
        FROM page JOIN document ON document.id = page.document_id,
             websearch_to_tsquery('{PG_CONFIG}', :query) AS query(q)
        WHERE page.search_vector @@ query.q AND document.status <> 'pending'
        ORDER BY score DESC, page.id
        LIMIT :limit
    )
    SELECT hits.document_id, document.path, hits.number,
           ts_headline('{PG_CONFIG}', hits.text, hits.q, :options) AS snippet,
           hits.score
    FROM hits JOIN document ON document.id = hits.document_id
    ORDER BY hits.score DESC, hits.id
    """
)
PG_HEADLINE_OPTIONS = (
    f'StartSel="{HIGHLIGHT_START}", StopSel="{HIGHLIGHT_END}", MaxWords={SNIPPET_WORDS}, '
    f"MinWords={SNIPPET_WORDS // 2}, ShortWord=0, MaxFragments=2, "
    f'FragmentDelimiter=" {ELLIPSIS} "'
)


def search_pages(session: Session, *, query: str, limit: int = 20) -> list[SearchHit]:
    """Pages matching every word and "quoted phrase" of `query`, best first.

    Returns an empty list when the query has no words; never raises on odd input.
    """
    terms = query_terms(query)
    if not terms or limit <= 0:
        return []
    engine_query = quote_terms(terms)
    if session.get_bind().dialect.name == "postgresql":
        rows = session.connection().execute(
            PG_SEARCH, {"query": engine_query, "limit": limit, "options": PG_HEADLINE_OPTIONS}
        )
    else:
        rows = session.connection().execute(SQLITE_SEARCH, sqlite_params(engine_query, limit))
    return [
        SearchHit(document_id=row[0], path=row[1], page=row[2], snippet=row[3], score=row[4])
        for row in rows
    ]


def sqlite_params(engine_query: str, limit: int) -> dict[str, object]:
    """Bound parameters for the FTS5 query."""
    return {
        "query": engine_query,
        "limit": limit,
        "start": HIGHLIGHT_START,
        "end": HIGHLIGHT_END,
        "ellipsis": ELLIPSIS,
        "words": SNIPPET_WORDS,
    }


def query_terms(query: str) -> list[str]:
    """Split a user query into words and phrases, dropping pieces with no letter or digit."""
    text = unicodedata.normalize("NFKC", CONTROL_CHARACTERS.sub(" ", query))
    terms = []
    for phrase, word in TERM.findall(text):
        term = " ".join((phrase or word).split())
        if WORD_CHARACTER.search(term):
            terms.append(term)
    return terms


def quote_terms(terms: Sequence[str]) -> str:
    """Quote each term so both FTS5 and websearch_to_tsquery read it as literal text.

    Inside double quotes FTS5 knows no operators and websearch_to_tsquery reads a
    phrase; adjacent quoted terms are ANDed by both.
    """
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)
