"""Full-text search over page text: FTS5 on SQLite, a tsvector index on PostgreSQL.

A query is words, "quoted phrases" and prefixes (`deport*`); a page matches when it holds
every one, ignoring case and accents. A word also matches the other forms of its
Indonesian root: "deportasi" finds "dideportasi" and "pendeportasian", "penangkapan"
finds "ditangkap" (`extractors.roots`; a phrase matches only as written). `OR` between
words offers alternatives, `NOT word` or `-word` excludes. Both engines get the same
query, built here from the parsed terms: every word or phrase is quoted before it reaches
the engine (query text is never read as the engine's own syntax), and the whole query
travels as one bound parameter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from extractors.roots import root
from models.records import HIGHLIGHT_END, HIGHLIGHT_START, SearchHit

SNIPPET_WORDS = 16
MAX_SNIPPET_SOURCE = 200_000  # characters of a page looked through for a root-only match
ELLIPSIS = "…"
# Same objects as created by the first migration.
PG_CONFIG = "pantau_simple"

# A query token: an optional "-", then a "phrase" (closed or not) or a word.
TOKEN = re.compile(r'(-?)(?:"([^"]*)(?:"|$)|([^\s"]+))')
WORD_CHARACTER = re.compile(r"[^\W_]")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")

SQLITE_SEARCH = sa.text(
    """
    SELECT page.document_id, document.path, page.number,
           snippet(page_fts, 0, :start, :end, :ellipsis, :words) AS snippet,
           -bm25(page_fts) AS score, page.text
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
             to_tsquery('{PG_CONFIG}', :query) AS query(q)
        WHERE page.search_vector @@ query.q AND document.status <> 'pending'
        ORDER BY score DESC, page.id
        LIMIT :limit
    )
    SELECT hits.document_id, document.path, hits.number,
           ts_headline('{PG_CONFIG}', hits.text, hits.q, :options) AS snippet,
           hits.score, hits.text
    FROM hits JOIN document ON document.id = hits.document_id
    ORDER BY hits.score DESC, hits.id
    """
)
PG_HEADLINE_OPTIONS = (
    f'StartSel="{HIGHLIGHT_START}", StopSel="{HIGHLIGHT_END}", MaxWords={SNIPPET_WORDS}, '
    f"MinWords={SNIPPET_WORDS // 2}, ShortWord=0, MaxFragments=2, "
    f'FragmentDelimiter=" {ELLIPSIS} "'
)


@dataclass(frozen=True)
class Term:
    """One searched word, "phrase" or prefix*."""

    text: str
    kind: str = "word"  # word, phrase or prefix

    def fts5(self) -> str:
        quoted = _fts5_quote(self.text)
        if self.kind == "phrase":
            return f"text : {quoted}"
        if self.kind == "prefix":
            return f"({{text roots}} : {quoted} *)"
        base = root(self.text)
        if base == self.text.lower():
            return f"({{text roots}} : {quoted})"
        return f"(text : {quoted} OR {{text roots}} : {_fts5_quote(base)})"

    def tsquery(self) -> str:
        """The term for to_tsquery. Every lexeme of a page's vector is weighted A (as
        written) or B (a root), so only a phrase, which must stand in the text as written,
        names a weight. A word or prefix names none: a weight makes the GIN index's answer
        a candidate that every page must be read again to confirm, which doubled a
        13,000-page match. Dropping it changes no match: a word that differs from its root
        is never itself a root (`root` is idempotent), so it can only be weighted A."""
        quoted = _ts_quote(self.text)
        if self.kind == "phrase":
            return f"{quoted}:A"
        if self.kind == "prefix":
            return f"{quoted}:*"
        base = root(self.text)
        if base == self.text.lower():
            return quoted
        return f"({quoted} | {_ts_quote(base)})"


@dataclass(frozen=True)
class Clause:
    """Terms that must all match, and terms none of which may."""

    required: tuple[Term, ...]
    excluded: tuple[Term, ...] = ()


def parse_query(query: str) -> list[Clause]:
    """The alternatives (`OR`) of a query, each its required and excluded terms.

    `NOT word` and `-word` exclude; `word*` is a prefix; pieces without a letter or
    digit are dropped, and an alternative with nothing required is dropped (a query of
    exclusions alone matches nothing). Never raises.
    """
    text = unicodedata.normalize("NFKC", CONTROL_CHARACTERS.sub(" ", query))
    clauses: list[Clause] = []
    required: list[Term] = []
    excluded: list[Term] = []
    negate = False
    for minus, phrase, word in TOKEN.findall(text):
        if not phrase and word in ("OR", "|"):
            if required:
                clauses.append(Clause(tuple(required), tuple(excluded)))
            required, excluded, negate = [], [], False
            continue
        if not phrase and word == "NOT":
            negate = True
            continue
        term = _term(phrase, word)
        if term is None:
            negate = False
            continue
        (excluded if negate or minus else required).append(term)
        negate = False
    if required:
        clauses.append(Clause(tuple(required), tuple(excluded)))
    return clauses


def _term(phrase: str, word: str) -> Term | None:
    if phrase:
        text = " ".join(phrase.split())
        return Term(text, "phrase") if WORD_CHARACTER.search(text) else None
    prefix = word.endswith("*")
    text = word.strip("*")
    if not WORD_CHARACTER.search(text):
        return None
    return Term(text, "prefix" if prefix else "word")


def engine_query(clauses: Sequence[Clause], dialect: str) -> str:
    """The query for FTS5 (SQLite) or to_tsquery (PostgreSQL); "" when there is none."""
    if dialect == "postgresql":
        join_and, join_or, negate = " & ", " | ", lambda q: f"!({q})"
        render = Term.tsquery
    else:
        join_and, join_or, negate = " AND ", " OR ", None
        render = Term.fts5
    alternatives = []
    for clause in clauses:
        required = join_and.join(render(term) for term in clause.required)
        if clause.excluded:
            excluded = join_or.join(render(term) for term in clause.excluded)
            required = (
                f"({required}) NOT ({excluded})"
                if negate is None
                else f"({required}) & {negate(excluded)}"
            )
        alternatives.append(f"({required})")
    return join_or.join(alternatives)


SNIPPET_WORD = re.compile(r"[^\W_](?:[\w-]*[^\W_])?")


def highlight_forms(snippet: str, query: str, page_text: str | None = None) -> str:
    """Mark, in a snippet the engine highlighted, the other forms of the query's words
    that matched through their root or prefix ("dideportasi" for `deportasi` or
    `deport*`); the engines highlight only the forms as written. When the engine's
    snippet holds no match at all (the page matched through roots only), the snippet is
    cut from `page_text` around the first form that matches. Excluded terms and phrases
    are left as the engine marked them."""
    words = [t for c in parse_query(query) for t in c.required if t.kind != "phrase"]
    if not words or not snippet:
        return snippet
    roots = {root(t.text) for t in words if t.kind == "word"}
    prefixes = tuple(t.text.lower() for t in words if t.kind == "prefix")

    def matches(word: str) -> bool:
        lowered = word.lower()
        base = root(lowered)
        return base in roots or lowered.startswith(prefixes) or base.startswith(prefixes)

    def mark(text: str) -> str:
        pieces = re.split(f"({re.escape(HIGHLIGHT_START)}.*?{re.escape(HIGHLIGHT_END)})", text)
        for index in range(0, len(pieces), 2):  # the even pieces lie outside any highlight
            pieces[index] = SNIPPET_WORD.sub(
                lambda m: (
                    f"{HIGHLIGHT_START}{m.group(0)}{HIGHLIGHT_END}"
                    if matches(m.group(0))
                    else m.group(0)
                ),
                pieces[index],
            )
        return "".join(pieces)

    marked = mark(snippet)
    if HIGHLIGHT_START in marked or not page_text:
        return marked
    tokens = page_text[:MAX_SNIPPET_SOURCE].split()
    found = next((i for i, token in enumerate(tokens) if any(map(matches, _words(token)))), None)
    if found is None:
        return marked
    start = max(0, found - SNIPPET_WORDS // 2)
    window = " ".join(tokens[start : start + SNIPPET_WORDS])
    before = f"{ELLIPSIS} " if start > 0 else ""
    after = f" {ELLIPSIS}" if start + SNIPPET_WORDS < len(tokens) else ""
    return before + mark(window) + after


def _words(token: str) -> list[str]:
    return SNIPPET_WORD.findall(token)


def _fts5_quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _ts_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def search_pages(session: Session, *, query: str, limit: int = 20) -> list[SearchHit]:
    """Pages matching `query` (see the module's docstring), best first.

    Returns an empty list when the query has no words; never raises on odd input.
    """
    clauses = parse_query(query)
    if not clauses or limit <= 0:
        return []
    dialect = session.get_bind().dialect.name
    engine_query_text = engine_query(clauses, dialect)
    if dialect == "postgresql":
        rows = session.connection().execute(
            PG_SEARCH,
            {"query": engine_query_text, "limit": limit, "options": PG_HEADLINE_OPTIONS},
        )
    else:
        rows = session.connection().execute(SQLITE_SEARCH, sqlite_params(engine_query_text, limit))
    return [
        SearchHit(
            document_id=row[0],
            path=row[1],
            page=row[2],
            snippet=highlight_forms(row[3], query, row[5]),
            score=row[4],
        )
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
