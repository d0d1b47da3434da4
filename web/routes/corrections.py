"""Corrections (investigators): mark a fact wrong, fix a person's role or nationality, add a
missed person or place by selecting words on the page text, or withdraw a correction.

Forms on the document page post here. A correction rewrites the document's facts at once
(`storage.corrections`); its new mentions are then resolved and screened against the
watchlists, as after a batch. A refused correction shows the document page again with
the reason and the form as sent. Every correction and withdrawal is audited.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from models.errors import CorrectionError
from models.i18n import _
from models.tables import Correction, CorrectionPublic
from storage import corrections, identity, screening
from web import deps
from web.routes.documents import render_document

logger = logging.getLogger(__name__)
router = APIRouter()
RESOLVE_SECONDS = 30.0  # one document's mentions; the rest waits for the next resolution
Text = Annotated[str, Form(max_length=2000)]
Offset = Annotated[int | None, Form(ge=0, le=10_000_000)]


@router.post("/documents/{document_id}/corrections")
def correct(
    request: Request,
    document_id: int,
    user: deps.Investigator,
    session: deps.DbSession,
    action: Annotated[str, Form(pattern="^(reject|role|nationality|add)$")],
    kind: Annotated[str, Form(max_length=32)],
    page: Annotated[int, Form(ge=1, le=100_000)],
    reason: Text = "",
    words: Text = "",
    occurrence: Annotated[int, Form(ge=1, le=10_000)] = 1,
    start: Offset = None,
    end: Offset = None,
    nationality: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Store one correction of the document's facts; audited."""
    deps.find_document(session, document_id)
    form = {
        "action": action,
        "kind": kind,
        "words": words,
        "occurrence": occurrence,
        "nationality": nationality,
        "reason": reason,
    }
    if action == "role" and kind != "foreign_national":
        nationality = ""  # the role form keeps the nationality field of a foreign national
    try:
        start, end = _span(session, document_id, page, words, occurrence, start, end)
        made = corrections.correct(
            session,
            document_id=document_id,
            action=action,
            kind=kind,
            page=page,
            start=start,
            end=end,
            reason=reason,
            author=user.name,
            nationality=nationality or None,
        )
    except CorrectionError as e:
        return render_document(
            request, session, user.name, document_id, page, error=e.message, form=form
        )
    _settle(session, document_id)
    _record(request, session, user.name, "correct", made)
    return RedirectResponse(
        f"/documents/{document_id}?page={page}&corrected={made.id}#correction-{made.id}",
        status_code=303,
    )


def _span(
    session: Session,
    document_id: int,
    page: int,
    words: str,
    occurrence: int,
    start: int | None,
    end: int | None,
) -> tuple[int, int]:
    """The selected span when it holds the words sent with it, else the words found."""
    text = corrections.page_texts(session, document_id=document_id).get(page)
    if text is None:
        raise CorrectionError(
            _("Document {id} has no page {page}.").format(id=document_id, page=page)
        )
    selected = start is not None and end is not None and start < end <= len(text)
    if selected and " ".join(text[start:end].split()) == " ".join(words.split()):
        return start, end  # type: ignore[return-value]  # both set when selected
    return corrections.find_words(text, words, occurrence)


@router.post("/corrections/{correction_id}/withdraw")
def withdraw(
    request: Request,
    correction_id: int,
    user: deps.Investigator,
    session: deps.DbSession,
) -> Response:
    """Withdraw a correction: the facts it replaced come back; audited."""
    row = session.get(Correction, correction_id) if 1 <= correction_id <= deps.MAX_ID else None
    if row is None:
        raise HTTPException(404, _("There is no correction {id}.").format(id=correction_id))
    try:
        done = corrections.withdraw(session, correction_id=correction_id, author=user.name)
    except CorrectionError as e:
        page = row.page
        return render_document(request, session, user.name, row.document_id, page, error=e.message)
    _settle(session, done.document_id)
    _record(request, session, user.name, "withdraw_correction", done)
    return RedirectResponse(
        f"/documents/{done.document_id}?page={done.page}#correction-{done.id}", status_code=303
    )


def _settle(session: Session, document_id: int) -> None:
    """Resolve the document's new mentions and screen them; a failure is logged, the
    correction stays (the next batch or `pantau resolve` does both again)."""
    try:
        identity.resolve(session, document_ids=[document_id], seconds=RESOLVE_SECONDS)
        screening.screen(session)
    except Exception:  # the correction is committed; never answer it with an error page
        logger.exception("resolving or screening document %s after a correction", document_id)


def _record(
    request: Request, session: Session, user: str, action: str, made: CorrectionPublic
) -> None:
    deps.record(
        request,
        session,
        user=user,
        action=action,
        target=f"document:{made.document_id}",
        details={
            "correction": made.id,
            "action": made.action,
            "kind": made.kind.value,
            "page": made.page,
            "start": made.start,
            "end": made.end,
            "words": made.text,
            "nationality": made.nationality,
            "reason": made.reason,
        },
    )
