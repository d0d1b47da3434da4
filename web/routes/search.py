"""Full-text search over page text (investigators); every search is audited.

The page is laid out as a results column beside a filter column (`search.html`,
block `filters`), so facet filters can join the query form without changing routes.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from models.tables import Role
from storage.search import query_terms, search_pages
from web import deps

router = APIRouter()
NAV = (deps.NavItem("Search", "/search", Role.INVESTIGATOR),)
MAX_QUERY_LENGTH = 300
RESULT_LIMIT = 50
NO_WORDS = (
    "Type at least one word or number. Quotes make a phrase; signs such as *, OR and "
    "brackets are searched as plain text, not as operators."
)


@router.get("/search")
def search_page(
    request: Request,
    user: deps.Investigator,
    session: deps.DbSession,
    q: str = "",
) -> Response:
    """The search form and, for a query, the matching pages with highlighted snippets."""
    query = q.strip()
    message, hits = None, []
    if len(query) > MAX_QUERY_LENGTH:
        message = f"The query is too long; use at most {MAX_QUERY_LENGTH} characters."
    elif query and not query_terms(query):
        message = NO_WORDS
    elif query:
        hits = search_pages(session, query=query, limit=RESULT_LIMIT)
    if query:
        details = {"hits": len(hits)} if message is None else {"refused": message}
        deps.record(
            request,
            session,
            user=user.name,
            action="search",
            target=query[:MAX_QUERY_LENGTH],
            details=details,
        )
    context = {"query": query, "hits": hits, "message": message, "limit": RESULT_LIMIT}
    return deps.render(request, "search.html", context)
