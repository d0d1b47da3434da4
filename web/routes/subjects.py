"""Subjects (investigators): the list of foreign nationals and one subject's dossier.

A dossier shows how every document names the person, the documents, a timeline, the
places and incidents, and the people named alongside. An investigator can take a
mention out of the subject ("not this person"), which is stored as a `different`
decision and holds through later resolution runs. Dossier views, those decisions and
the dossier download are audited.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from models.errors import IdentityError
from models.i18n import N_, _
from models.records import Dossier, FactKind
from models.tables import Role
from storage import dossier, identity, repository, watch
from web import deps
from web.labels import level_name, value_name

router = APIRouter()
NAV = (deps.NavItem(N_("Subjects"), "/subjects", Role.INVESTIGATOR),)
PAGE_SIZE = 50
NATIONALITY_LENGTH = 2  # ISO 3166-1 alpha-2, as the extractors store it


@router.get("/subjects")
def subject_list(
    request: Request,
    user: deps.Investigator,
    session: deps.DbSession,
    nationality: str = "",
    page: int = 1,
) -> Response:
    """Subjects, those in most documents first, by nationality and in pages; audited."""
    code = nationality.strip().upper()
    if code and (len(code) != NATIONALITY_LENGTH or not code.isalpha()):
        message = _("A nationality is a two-letter country code such as AU or CN.")
        raise HTTPException(400, message)
    page = max(1, min(page, deps.MAX_ID // PAGE_SIZE))
    subjects = dossier.list_subjects(
        session, nationality=code or None, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    total = dossier.count_subjects(session, nationality=code or None)
    deps.record(
        request,
        session,
        user=user.name,
        action="list",
        target="subjects",
        details={"nationality": code or None, "page": page, "shown": len(subjects)},
    )
    context = {
        "subjects": subjects,
        "nationality": code,
        "nationalities": dossier.subject_nationalities(session),
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "total": total,
    }
    return deps.render(request, "subjects.html", context)


@router.get("/subjects/{subject_id}")
def dossier_page(
    request: Request,
    subject_id: int,
    user: deps.Investigator,
    session: deps.DbSession,
    moved: int | None = None,
    watched: int | None = None,
) -> Response:
    """Everything known about one subject across documents; audited as a view."""
    found = find_dossier(session, subject_id)
    deps.record(
        request,
        session,
        user=user.name,
        action="view",
        target=f"subject:{subject_id}",
        details={"name": found.subject.name, "mentions": len(found.mentions)},
    )
    context = {
        "dossier": found,
        "subject": found.subject,
        "documents": {d.id: d for d in found.documents},
        "evidence": evidence_links(session, subject_id),
        "moved": moved,
        "watched": watched,
        "watches": watch.subject_watches(session, subject_id=subject_id, user=user.name),
        "value_name": value_name,
        "level_name": level_name,
    }
    return deps.render(request, "subject.html", context)


@router.post("/subjects/{subject_id}/mentions/{mention_id}/not-this-person")
def reject_mention(
    request: Request,
    subject_id: int,
    mention_id: int,
    user: deps.Investigator,
    session: deps.DbSession,
) -> Response:
    """Take a mention out of the subject: a `different` decision against the subject."""
    found = find_dossier(session, subject_id)
    ids = [m.mention_id for m in found.mentions]
    if mention_id not in ids:
        message = _("Subject {subject_id} has no mention {mention_id}.")
        raise HTTPException(404, message.format(subject_id=subject_id, mention_id=mention_id))
    if len(ids) == 1:
        raise HTTPException(
            409, _("This is the subject's only mention; there is nothing to keep it apart from.")
        )
    anchor = next(i for i in ids if i != mention_id)
    try:
        identity.decide_pair(
            session,
            mention_a_id=anchor,
            mention_b_id=mention_id,
            decision="different",
            user=user.name,
        )
    except IdentityError as e:
        raise HTTPException(409, e.message) from e
    new_subject = identity.subject_of_mention(session, mention_id=mention_id)
    deps.record(
        request,
        session,
        user=user.name,
        action="review",
        target=f"mention:{mention_id}",
        details={
            "decision": "different",
            "subject": subject_id,
            "against": anchor,
            "moved_to": new_subject,
        },
    )
    return RedirectResponse(f"/subjects/{subject_id}?moved={new_subject or 0}", status_code=303)


@router.get("/subjects/{subject_id}/dossier.json")
def export_dossier(
    request: Request,
    subject_id: int,
    user: deps.Investigator,
    session: deps.DbSession,
) -> Response:
    """Download the subject's dossier as JSON; audited as an export."""
    found = find_dossier(session, subject_id)
    deps.record(
        request,
        session,
        user=user.name,
        action="export",
        target=f"subject:{subject_id}",
        details={"format": "dossier-json"},
    )
    body = json.dumps(found.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    return Response(
        body,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="subject-{subject_id}.json"'},
    )


def evidence_links(session: Session, subject_id: int) -> dict[int, str]:
    """Per mention, the document page where its name stands, with that fact marked."""
    mentions = dossier.mentions_of(session, subject_ids=[subject_id])
    pages = repository.fact_pages(
        session,
        fact_ids=[i for m in mentions for i in m.fact_ids],
        kind=FactKind.FOREIGN_NATIONAL,
    )
    links = {}
    for mention in mentions:
        fact_id = next((i for i in mention.fact_ids if i in pages), None)
        link = f"/documents/{mention.document_id}"
        if fact_id is not None:
            link += f"?page={pages[fact_id]}#fact-{fact_id}"
        links[mention.id or 0] = link
    return links


def find_dossier(session: Session, subject_id: int) -> Dossier:
    """The subject's dossier, or a 404 page."""
    in_range = 1 <= subject_id <= deps.MAX_ID
    found = dossier.get_dossier(session, subject_id=subject_id) if in_range else None
    if found is None:
        message = _("There is no subject with id {subject_id}.")
        raise HTTPException(404, message.format(subject_id=subject_id))
    return found
