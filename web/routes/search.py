"""Faceted search over documents (investigators); every search is audited with its filters.

The query box and the filter controls are one GET form, so every result page has an
address that can be bookmarked and shared. Beside the results, each facet lists its
most frequent values among all matching documents; a value is a link that adds that
filter (or, when active, removes it). Active filters are shown as removable chips.
Two charts cover every matching document, not only the page shown: documents per month
by incident, and a map of documents by province whose tiles narrow the search.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from models.errors import QueryError
from models.i18n import N_, _
from models.records import (
    DOCUMENT_KINDS,
    INCIDENT_LABELS,
    INCIDENT_STATUSES,
    Facet,
    SearchQuery,
    SearchResults,
)
from models.tables import Role
from storage import charts as chart_counts
from storage import xref
from storage.facets import letter_number_key
from storage.search import parse_query
from web import charts, deps
from web.labels import FACET_TITLES, facet_label

router = APIRouter()
NAV = (deps.NavItem(N_("Search"), "/search", Role.INVESTIGATOR),)
MAX_QUERY_LENGTH = 300
RESULT_LIMIT = 20
FACET_LIMIT = 10
NO_WORDS = N_(
    "Type at least one word or number to look for. Quotes make a phrase, deport* is a "
    "prefix, OR gives alternatives, NOT or a leading - excludes a word."
)
# Shown under the search box (the meanings with _() where the page is made).
SYNTAX_HELP = (
    ("deportasi", N_("every form of the word: dideportasi, pendeportasian, mendeportasikan")),
    ('"izin tinggal"', N_("the words together, as written")),
    ("deport*", N_("words that start so")),
    ("kafe OR restoran", N_("either word")),
    ("imigrasi NOT kapal", N_("without the word after NOT (or -kapal)")),
)
FILTER_FIELDS = (
    "nationality",
    "province",
    "regency",
    "incident",
    "status",
    "date_from",
    "date_to",
    "kind",
    "agency",
    "sender",
    "letter_number",
)
# Shown with _() where the page is made.
FIELD_TITLES = {
    "nationality": N_("Nationality"),
    "province": N_("Province"),
    "regency": N_("Regency / city"),
    "incident": N_("Incident"),
    "status": N_("Status"),
    "date_from": N_("From"),
    "date_to": N_("To"),
    "kind": N_("Kind"),
    "agency": N_("Agency"),
    "sender": N_("Sender"),
    "letter_number": N_("Letter number"),
}
# The facets shown beside the results, in order; `month` sets both date bounds. Letter
# numbers are not among them: nearly every letter has its own, so they are a filter only.
SHOWN_FACETS = (
    Facet.NATIONALITY,
    Facet.PROVINCE,
    Facet.REGENCY,
    Facet.INCIDENT,
    Facet.STATUS,
    Facet.KIND,
    Facet.AGENCY,
    Facet.SENDER,
    Facet.MONTH,
)
FOLD = {
    "nationality": str.upper,
    "incident": str.lower,
    "status": str.lower,
    "kind": str.lower,
    "letter_number": letter_number_key,
}
CHOICES = {"incident": INCIDENT_LABELS, "status": INCIDENT_STATUSES, "kind": DOCUMENT_KINDS}


@dataclass(frozen=True)
class FacetLink:
    """One facet value beside the results: its label, count and the link that toggles it."""

    label: str
    documents: int
    href: str
    active: bool


@dataclass(frozen=True)
class Chip:
    """An active filter and the link that removes it."""

    label: str
    href: str


def clean(value: str | None) -> str:
    """A form value without NUL characters (no database accepts them) or edge spaces."""
    return (value or "").replace("\x00", " ").strip()


def search_address(query: str, filters: dict[str, str], offset: int = 0) -> str:
    """The /search address for this text, these filters and this result offset."""
    params = {"q": query, **filters} if query else dict(filters)
    if offset:
        params["offset"] = str(offset)
    return f"/search?{urlencode(params)}" if params else "/search"


def facet_links(
    results: SearchResults, query: str, filters: dict[str, str]
) -> list[tuple[str, list[FacetLink]]]:
    """(title, links) of each facet with values, each link adding or removing its value."""
    groups = []
    for facet in SHOWN_FACETS:
        links = []
        for count in results.facets.get(facet.value, []):
            fields = ("date_from", "date_to") if facet == Facet.MONTH else (facet.value,)
            active = all(filters.get(field) == count.value for field in fields)
            changed = {k: v for k, v in filters.items() if k not in fields}
            if not active:
                changed.update(dict.fromkeys(fields, count.value))
            label = facet_label(facet.value, count.value)
            href = search_address(query, changed)
            links.append(FacetLink(label, count.documents, href, active))
        if links:
            groups.append((_(FACET_TITLES[facet.value]), links))
    return groups


def filter_chips(query: str, filters: dict[str, str]) -> list[Chip]:
    """One removable chip per active filter."""
    chips = []
    for field, value in filters.items():
        rest = {k: v for k, v in filters.items() if k != field}
        label = f"{_(FIELD_TITLES[field])}: {facet_label(field, value)}"
        chips.append(Chip(label, search_address(query, rest)))
    return chips


def text_problem(query: str) -> str | None:
    """Why the search text cannot be searched, or None."""
    if len(query) > MAX_QUERY_LENGTH:
        return _("The query is too long; use at most {limit} characters.").format(
            limit=MAX_QUERY_LENGTH
        )
    if query and not parse_query(query):
        return _(NO_WORDS)
    return None


def filter_problem(filters: dict[str, str]) -> str | None:
    """Why a filter value is refused before it reaches the storage checks, or None."""
    too_long = [f for f, v in filters.items() if len(v) > MAX_QUERY_LENGTH]
    if too_long:
        field = _(FIELD_TITLES[too_long[0]]).lower()
        return _("The {field} filter is too long; shorten it.").format(field=field)
    return None


def run_search(
    session: deps.DbSession, query: str, filters: dict[str, str], offset: int
) -> tuple[SearchResults | None, str | None, int]:
    """The results, or the message saying what to fix, and the status code.

    Text that cannot be searched is answered like an empty result (200): searching for
    signs is a fair try. A malformed filter is a bad request (400).
    """
    problem = text_problem(query)
    if problem:
        return None, problem, 200
    problem = filter_problem(filters)
    if problem:
        return None, problem, 400
    search = SearchQuery(
        text=query or None, limit=RESULT_LIMIT, offset=offset, facet_limit=FACET_LIMIT, **filters
    )
    try:
        return xref.search(session, query=search), None, 200
    except QueryError as error:
        return None, _("Check the filters: {error}").format(error=error), 400


def given_filters(
    nationality: str = "",
    province: str = "",
    regency: str = "",
    incident: str = "",
    status: str = "",
    date_from: str = "",
    date_to: str = "",
    kind: str = "",
    agency: str = "",
    sender: str = "",
    letter_number: str = "",
) -> dict[str, str]:
    """The non-empty filter fields of a GET form, cleaned and case-folded as stored (so
    "cn" shows the CN facet as active); the storage checks them."""
    given = (
        nationality,
        province,
        regency,
        incident,
        status,
        date_from,
        date_to,
        kind,
        agency,
        sender,
        letter_number,
    )
    filters = {f: clean(v) for f, v in zip(FILTER_FIELDS, given, strict=True) if clean(v)}
    return {f: FOLD.get(f, str)(v) for f, v in filters.items()}


Filters = Annotated[dict[str, str], Depends(given_filters)]


@router.get("/search")
def search_page(
    request: Request,
    user: deps.Investigator,
    session: deps.DbSession,
    filters: Filters,
    q: str = "",
    offset: int = 0,
) -> Response:
    """The search form, facet counts and one page of matching documents with snippets."""
    query = clean(q)
    results, message, status_code = run_search(session, query, filters, offset)
    audit_search(
        request,
        session,
        user=user.name,
        query=query,
        filters=filters,
        offset=offset,
        results=results,
        message=message,
    )
    context = {
        "query": query,
        "filters": filters,
        "choices": CHOICES,
        "choice_label": facet_label,
        "results": results,
        "message": message,
        "facets": facet_links(results, query, filters) if results else [],
        "chips": filter_chips(query, filters),
        "offset": offset,
        "limit": RESULT_LIMIT,
        "previous": search_address(query, filters, max(offset - RESULT_LIMIT, 0)),
        "next": search_address(query, filters, offset + RESULT_LIMIT),
        "clear": search_address(query, {}),
        "syntax": [(example, _(meaning)) for example, meaning in SYNTAX_HELP],
        **search_charts(session, query, filters, results),
    }
    return deps.render(request, "search.html", context, status_code=status_code)


def province_address(query: str, filters: dict[str, str], code: str) -> str:
    """The /search address with these filters narrowed to province `code` (a regency
    filter outside it is dropped: together they would match nothing)."""
    changed = {**filters, "province": code}
    if not changed.get("regency", code).startswith(code):
        del changed["regency"]
    return search_address(query, changed)


def search_charts(
    session: deps.DbSession, query: str, filters: dict[str, str], results: SearchResults | None
) -> dict[str, object]:
    """The timeline and the province map over every matching document (none without
    matches), counted on the same sample as the facets."""
    if results is None or results.total == 0:
        return {"timeline_chart": None, "province_map": None}
    search = SearchQuery.model_validate({"text": query or None, **filters})
    months, provinces = chart_counts.search_charts(
        session, query=search, total=results.total, found=results
    )
    return {
        "timeline_chart": charts.timeline_chart(months.counts, step=months.step),
        "province_map": charts.province_map(
            provinces.counts,
            href=lambda code: province_address(query, filters, code),
            step=provinces.step,
        ),
    }


def audit_search(
    request: Request,
    session: deps.DbSession,
    *,
    user: str,
    query: str,
    filters: dict[str, str],
    offset: int,
    results: SearchResults | None,
    message: str | None,
) -> None:
    """Record the search: its text as the target; hits (or the refusal), filters, offset."""
    details: dict[str, object] = (
        {"hits": results.total} if results is not None else {"refused": message}
    )
    if filters:
        details["filters"] = filters
    if offset:
        details["offset"] = offset
    deps.record(
        request,
        session,
        user=user,
        action="search",
        target=query[:MAX_QUERY_LENGTH],
        details=details,
    )
