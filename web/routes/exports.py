"""Exports (investigators): subjects and mentions as CSV, JSON Lines or FollowTheMoney.

Downloads are streamed line by line from the database, so a large archive never sits in
memory; each is audited with its format before the first line is sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.engine import Engine
from starlette.responses import Response

from models.i18n import N_, _
from models.tables import Role
from storage import exports
from storage.engine import session_for
from web import deps

router = APIRouter()
NAV = (deps.NavItem(N_("Exports"), "/exports", Role.INVESTIGATOR),)


@dataclass(frozen=True)
class ExportFormat:
    """One download: what it holds, its media type and file name ending.

    `label` and `description` are marked with N_ and shown with _().
    """

    name: str
    label: str
    description: str
    media_type: str
    suffix: str


FORMATS = {
    f.name: f
    for f in (
        ExportFormat(
            "subjects-csv",
            N_("Subjects (CSV)"),
            N_("One row per person: names, nationality, passports, counts, first and last date."),
            "text/csv; charset=utf-8",
            "subjects.csv",
        ),
        ExportFormat(
            "mentions-csv",
            N_("Mentions (CSV)"),
            N_(
                "One row per name in a document, with the document and the person it was linked to."
            ),
            "text/csv; charset=utf-8",
            "mentions.csv",
        ),
        ExportFormat(
            "subjects-jsonl",
            N_("Subjects (JSON Lines)"),
            N_("One JSON object per person; lists stay lists."),
            "application/x-ndjson",
            "subjects.jsonl",
        ),
        ExportFormat(
            "mentions-jsonl",
            N_("Mentions (JSON Lines)"),
            N_("One JSON object per mention with its document's path, name and date."),
            "application/x-ndjson",
            "mentions.jsonl",
        ),
        ExportFormat(
            "ftm",
            N_("FollowTheMoney entities"),
            N_("Person, Document and Mention entities, one per line, for Aleph or ftm tools."),
            "application/x-ndjson",
            "entities.ftm.json",
        ),
    )
}


@router.get("/exports")
def exports_page(request: Request, user: deps.Investigator) -> Response:
    """The downloads on offer."""
    return deps.render(request, "exports.html", {"formats": list(FORMATS.values())})


@router.get("/exports/{name}")
def download(
    request: Request,
    name: str,
    user: deps.Investigator,
    session: deps.DbSession,
) -> Response:
    """Stream one export as a file download; audited with its format."""
    chosen = FORMATS.get(name)
    if chosen is None:
        raise HTTPException(
            404,
            _("There is no export {name}; the exports page lists them.").format(name=repr(name)),
        )
    deps.record(
        request, session, user=user.name, action="export", target=name, details={"format": name}
    )
    day = datetime.now(UTC).strftime("%Y%m%d")
    return StreamingResponse(
        stream_lines(request.app.state.engine, name),
        media_type=chosen.media_type,
        headers={"Content-Disposition": f'attachment; filename="pantau-{day}-{chosen.suffix}"'},
    )


def stream_lines(engine: Engine, name: str) -> Iterator[str]:
    """The export's lines from a session of its own (it outlives the request's session)."""
    with session_for(engine) as session:
        yield from exports.export_lines(session, format=name)
