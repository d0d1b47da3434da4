"""Run history for analysts: counts and failures by reason, failed documents, retry.

A retry never runs in the web server: it is a flow run for the work pool's workers (with
a Prefect server and PANTAU_DEPLOYMENT) or a `pantau retry` process of its own, which
reads the document again from its original and records a run of its own.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from flows.work import queue_retry
from models.i18n import N_, _
from models.records import DocumentStatus, RunStatus
from models.tables import Role
from storage import repository
from web import deps

router = APIRouter()
NAV = (deps.NavItem(N_("Runs"), "/runs", Role.ANALYST),)
RETRYABLE = (DocumentStatus.FAILED, DocumentStatus.PARTIAL)
RUN_LIMIT = 50
# The names states are shown by on the page (the values stay in classes and addresses).
STATUS_NAMES = {
    RunStatus.RUNNING.value: N_("running"),
    RunStatus.FINISHED.value: N_("finished"),
    RunStatus.CRASHED.value: N_("crashed"),
    DocumentStatus.PENDING.value: N_("pending"),
    DocumentStatus.PROCESSED.value: N_("processed"),
    DocumentStatus.PARTIAL.value: N_("partial"),
    DocumentStatus.FAILED.value: N_("failed"),
    DocumentStatus.DUPLICATE.value: N_("duplicate"),
}


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
    runs = repository.list_runs(session, limit=RUN_LIMIT)
    reading = repository.list_documents(session, status=DocumentStatus.PENDING)
    context = {
        "runs": runs,
        "reading": reading,
        "problems": problems,
        "retried": request.query_params.get("retried"),
        # Refresh while something is being read, so its state shows as it progresses.
        "refresh": bool(reading or request.query_params.get("retried"))
        or any(run.status == "running" for run in runs),
        "status_names": {value: _(name) for value, name in STATUS_NAMES.items()},
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
    user: deps.Analyst,
    session: deps.DbSession,
) -> Response:
    """Queue a failed or partial document to be read again; audited."""
    document = deps.find_document(session, document_id)
    if document.status not in RETRYABLE:
        status = _(STATUS_NAMES.get(document.status, document.status))
        raise HTTPException(
            409,
            _(
                "Document {document_id} is {status}; only failed or partial documents are retried."
            ).format(document_id=document_id, status=status),
        )
    where = queue_retry(
        document_id=document_id, path=document.path, settings=request.app.state.settings
    )
    deps.record(
        request,
        session,
        user=user.name,
        action="retry",
        target=f"document:{document_id}",
        details={"queued": where},
    )
    return RedirectResponse(f"/runs?retried={document_id}", status_code=303)
