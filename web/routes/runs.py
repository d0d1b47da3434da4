"""Run history for analysts: counts and failures by reason, failed documents, retry.

A retry reads the document again from its original in the background, through the
batch flow's own document task, and records it as a run of its own.
"""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from flows.batch import BatchOptions, reprocess_document
from models.records import DocumentStatus
from models.tables import Role
from storage import repository
from web import deps

router = APIRouter()
NAV = (deps.NavItem("Runs", "/runs", Role.ANALYST),)
RETRYABLE = (DocumentStatus.FAILED, DocumentStatus.PARTIAL)
RUN_LIMIT = 50


@router.get("/runs")
def runs_page(
    request: Request,
    user: deps.Analyst,
    session: deps.DbSession,
) -> Response:
    """Recent runs with failures by reason, and the documents that failed or were partial."""
    problems = [
        {"document": document, "pages": page_errors(session, document.id or 0)}
        for status in RETRYABLE
        for document in repository.list_documents(session, status=status)
    ]
    context = {
        "runs": repository.list_runs(session, limit=RUN_LIMIT),
        "problems": problems,
        "retried": request.query_params.get("retried"),
    }
    return deps.render(request, "runs.html", context)


def page_errors(session: Session, document_id: int) -> list[dict[str, object]]:
    """The pages of a document that could not be read, with their reasons."""
    return [
        {"number": page.number, "code": page.error_code, "error": page.error}
        for page in repository.get_pages(session, document_id=document_id)
        if page.error
    ]


@router.post("/runs/retry/{document_id}")
def retry(
    request: Request,
    document_id: int,
    background: BackgroundTasks,
    user: deps.Analyst,
    session: deps.DbSession,
) -> Response:
    """Queue a failed or partial document to be read again; audited."""
    document = deps.find_document(session, document_id)
    if document.status not in RETRYABLE:
        raise HTTPException(
            409,
            f"Document {document_id} is {document.status}; only failed or partial "
            "documents are retried.",
        )
    settings = request.app.state.settings
    options = BatchOptions.from_settings(settings)
    background.add_task(reprocess_document, options, document_id=document_id)
    deps.record(request, session, user=user.name, action="retry", target=f"document:{document_id}")
    return RedirectResponse(f"/runs?retried={document_id}", status_code=303)
