"""Cross-reference views (investigators): a map of documents by province for the given
words and filters, subjects seen in several regions, subjects named together, and
document counts by nationality × region × incident × month.

Every view is a GET form over `storage.xref`; each request is audited with its options.
Bars are SVG rectangles sized by attributes, because the CSP forbids inline styles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from models.errors import QueryError
from models.i18n import N_, _
from models.records import CoOccurrence, CountRow, SearchQuery, SubjectRegions
from models.tables import Role
from storage import charts as chart_counts
from storage import xref
from web import charts, deps
from web.labels import facet_label, level_name, nationality_label, region_label
from web.routes.search import (
    CHOICES,
    FIELD_TITLES,
    Filters,
    clean,
    filter_problem,
    province_address,
    text_problem,
)

router = APIRouter()
NAV = (deps.NavItem(N_("Cross-reference"), "/xref", Role.INVESTIGATOR),)
ROW_LIMIT = 200
MAX_MINIMUM = 10_000
LEVELS = ("province", "regency")
DIMENSIONS = (
    "nationality",
    "region",
    "incident",
    "status",
    "month",
    "kind",
    "agency",
    "sender",
)
DEFAULT_DIMENSIONS = ("nationality", "region", "incident", "month")
# Shown with _() where the page is made.
DIMENSION_TITLES = {
    "nationality": N_("Nationality"),
    "region": N_("Region"),
    "incident": N_("Incident"),
    "status": N_("Incident status"),
    "month": N_("Month"),
    "kind": N_("Document kind"),
    "agency": N_("Agency"),
    "sender": N_("Sender"),
}
# The dimensions as named in the heading ("Documents by nationality × region").
DIMENSION_NAMES = {
    "nationality": N_("nationality"),
    "region": N_("region"),
    "incident": N_("incident"),
    "status": N_("status"),
    "month": N_("month"),
    "kind": N_("kind"),
    "agency": N_("agency"),
    "sender": N_("sender"),
}
LEVEL_TITLES = {"province": N_("Province"), "regency": N_("Regency")}


@dataclass(frozen=True)
class CountLine:
    """One row of the counts table: labelled values, documents and the bar's length."""

    values: list[str]
    documents: int
    percent: int
    people: int | None = None


def refuse(message: str) -> tuple[list[Any], str, int]:
    """No rows, the message, and a 400 status."""
    return [], message, 400


def minimum_problem() -> str:
    """The message for a minimum out of range."""
    return _("Use a minimum between 1 and {maximum}.").format(maximum=MAX_MINIMUM)


def audit_view(
    request: Request,
    session: deps.DbSession,
    *,
    user: str,
    view: str,
    options: dict[str, Any],
    rows: int,
    message: str | None,
) -> None:
    """Record one cross-reference view with its options and how many rows it showed."""
    details = {**options, **({"refused": message} if message else {"rows": rows})}
    deps.record(request, session, user=user, action="xref", target=view, details=details)


@router.get("/xref")
def xref_index(
    request: Request,
    user: deps.Investigator,
    session: deps.DbSession,
    filters: Filters,
    q: str = "",
) -> Response:
    """The list of cross-reference views and the map of documents by province for the
    given words and filters; audited like the other views."""
    text = clean(q)
    found, message, status_code = province_map_for(session, text, filters)
    options: dict[str, Any] = {"q": text[:300]} if text else {}
    if filters:
        options["filters"] = filters
    audit_view(
        request,
        session,
        user=user.name,
        view="map",
        options=options,
        rows=len(found.counted) if found else 0,
        message=message,
    )
    context = {
        "province_map": found,
        "message": message,
        "query": text,
        "filters": filters,
        "choices": CHOICES,
        "choice_label": facet_label,
        "field_titles": {field: _(title) for field, title in FIELD_TITLES.items()},
    }
    return deps.render(request, "xref.html", context, status_code=status_code)


def province_map_for(
    session: deps.DbSession, text: str, filters: dict[str, str]
) -> tuple[charts.ProvinceMap | None, str | None, int]:
    """The province map for these words and filters, or the message saying what to fix."""
    problem = text_problem(text) or filter_problem(filters)
    if problem:
        return None, problem, 400
    query = SearchQuery.model_validate({"text": text or None, **filters})
    try:
        counted = chart_counts.province_documents(session, query=query if text or filters else None)
    except QueryError as error:
        return None, _("Check the filters: {error}").format(error=error), 400
    found = charts.province_map(
        counted.counts, href=lambda code: province_address(text, filters, code), step=counted.step
    )
    return found, None, 200


@router.get("/xref/regions")
def regions_page(
    request: Request,
    user: deps.Investigator,
    session: deps.DbSession,
    level: str = "regency",
    min_regions: int = 2,
) -> Response:
    """Subjects whose mentions place them in at least `min_regions` regions."""
    rows: list[SubjectRegions] = []
    message, status_code = None, 200
    if not 1 <= min_regions <= MAX_MINIMUM:
        rows, message, status_code = refuse(minimum_problem())
    else:
        try:
            rows = xref.subjects_in_several_regions(
                session, level=clean(level), min_regions=min_regions, limit=ROW_LIMIT
            )
        except QueryError as error:
            rows, message, status_code = refuse(str(error))
    options = {"level": clean(level)[:20], "min_regions": min_regions}
    audit_view(
        request,
        session,
        user=user.name,
        view="regions",
        options=options,
        rows=len(rows),
        message=message,
    )
    context = {
        "rows": rows,
        "message": message,
        "level": clean(level),
        "levels": LEVELS,
        "level_name": level_name,
        "min_regions": min_regions,
        "limit": ROW_LIMIT,
        "region_label": region_label,
        "nationality_label": nationality_label,
    }
    return deps.render(request, "xref_regions.html", context, status_code=status_code)


@router.get("/xref/pairs")
def pairs_page(
    request: Request,
    user: deps.Investigator,
    session: deps.DbSession,
    subject: str = "",
    min_documents: int = 1,
) -> Response:
    """Pairs of subjects named in the same documents, or the subjects named with one."""
    rows: list[CoOccurrence] = []
    message, status_code = None, 200
    subject_id = int(clean(subject)) if clean(subject).isdigit() else None
    if clean(subject) and not (subject_id and 1 <= subject_id <= deps.MAX_ID):
        problem = _("{subject} is not a subject number; use e.g. 12.").format(subject=repr(subject))
        rows, message, status_code = refuse(problem)
    elif not 1 <= min_documents <= MAX_MINIMUM:
        rows, message, status_code = refuse(minimum_problem())
    else:
        rows = xref.co_occurring(
            session, subject_id=subject_id, min_documents=min_documents, limit=ROW_LIMIT
        )
    options = {"subject": clean(subject)[:20], "min_documents": min_documents}
    audit_view(
        request,
        session,
        user=user.name,
        view="pairs",
        options=options,
        rows=len(rows),
        message=message,
    )
    context = {
        "rows": rows,
        "message": message,
        "subject": clean(subject),
        "min_documents": min_documents,
        "limit": ROW_LIMIT,
    }
    return deps.render(request, "xref_pairs.html", context, status_code=status_code)


@router.get("/xref/counts")
def counts_page(
    request: Request,
    user: deps.Investigator,
    session: deps.DbSession,
    filters: Filters,
    by: Annotated[list[str], Query()] = [],  # noqa: B006 - FastAPI copies defaults
    level: str = "province",
    q: str = "",
) -> Response:
    """Documents counted per combination of the chosen dimensions, with bars."""
    dimensions = [clean(name) for name in by if clean(name)] or list(DEFAULT_DIMENSIONS)
    text = clean(q)
    lines, message, status_code = count_lines(session, dimensions, clean(level), text, filters)
    options: dict[str, Any] = {"by": [d[:20] for d in dimensions], "level": clean(level)[:20]}
    if text:
        options["q"] = text[:300]
    if filters:
        options["filters"] = filters
    audit_view(
        request,
        session,
        user=user.name,
        view="counts",
        options=options,
        rows=len(lines),
        message=message,
    )
    context = {
        "lines": lines,
        "message": message,
        "dimensions": dimensions,
        "heading": " × ".join(dimension_name(name) for name in dimensions),
        "all_dimensions": DIMENSIONS,
        "titles": dimension_titles(clean(level)),
        "level": clean(level),
        "levels": LEVELS,
        "level_name": level_name,
        "query": text,
        "filters": filters,
        "choices": CHOICES,
        "choice_label": facet_label,
        "field_titles": {field: _(title) for field, title in FIELD_TITLES.items()},
        "limit": ROW_LIMIT,
        "people": any(line.people is not None for line in lines),
    }
    return deps.render(request, "xref_counts.html", context, status_code=status_code)


def dimension_name(name: str) -> str:
    """A dimension as named in the heading; an unknown one as given."""
    known = DIMENSION_NAMES.get(name)
    return _(known) if known is not None else name.replace("_", " ")


def dimension_titles(level: str) -> dict[str, str]:
    """The column title of each dimension; the region's is its level's."""
    region = _(LEVEL_TITLES[level]) if level in LEVEL_TITLES else level.title() or _("Region")
    return {**{name: _(title) for name, title in DIMENSION_TITLES.items()}, "region": region}


def count_lines(
    session: deps.DbSession,
    dimensions: list[str],
    level: str,
    text: str,
    filters: dict[str, str],
) -> tuple[list[CountLine], str | None, int]:
    """The labelled count rows, or the message saying what to fix."""
    problem = text_problem(text) or filter_problem(filters)
    if problem:
        return refuse(problem)
    query = SearchQuery.model_validate({"text": text or None, **filters})
    try:
        rows = xref.counts(session, by=dimensions, level=level, query=query, limit=ROW_LIMIT)
    except QueryError as error:
        return refuse(str(error))
    return label_rows(rows, dimensions, level), None, 200


def label_rows(rows: list[CountRow], dimensions: list[str], level: str) -> list[CountLine]:
    """Rows with readable values and bar lengths relative to the largest count."""
    most = max((row.documents for row in rows), default=0)
    return [
        CountLine(
            values=[
                facet_label(level if name == "region" else name, row.values[name])
                for name in dimensions
            ],
            documents=row.documents,
            percent=max(1, round(100 * row.documents / most)),
            people=row.people,
        )
        for row in rows
    ]
