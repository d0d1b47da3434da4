"""The review queue (investigators): pairs of mentions that may be one person.

One open item is shown at a time, its two mentions side by side, with the queue of the
other open items beside it. A decision (same, different, unsure) merges or keeps apart
the subjects, closes the item for good and moves on to the next; each is audited.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from models.errors import IdentityError
from models.i18n import N_, _
from models.tables import Role, UserPublic
from storage import identity
from web import deps

QUEUE_LENGTH = 50


def count_open(session: Session, user: UserPublic | None = None) -> int:
    """How many review items wait for a decision (shown in the navigation; the same for
    every user)."""
    return identity.count_review_items(session, status="open")


router = APIRouter()
NAV = (deps.NavItem(N_("Review"), "/review", Role.INVESTIGATOR, count=count_open),)
Decision = Annotated[str, Form(pattern="^(same|different|unsure)$")]


@router.get("/review")
def review_page(
    request: Request,
    user: deps.Investigator,
    session: deps.DbSession,
    item: int | None = None,
) -> Response:
    """The chosen (or best-scored) open item side by side, and the rest of the queue;
    audited as a list."""
    queue = identity.list_review_items(session, status="open", limit=QUEUE_LENGTH)
    shown = next((r for r in queue if r.id == item), queue[0] if queue else None)
    deps.record(
        request,
        session,
        user=user.name,
        action="list",
        target="review",
        details={"item": shown.id if shown else None, "queued": len(queue)},
    )
    context = {
        "item": shown,
        "queue": queue,
        "open_count": count_open(session),
        "decided": request.query_params.get("decided"),
    }
    return deps.render(request, "review.html", context)


@router.post("/review/{item_id}")
def decide(
    request: Request,
    item_id: int,
    decision: Decision,
    user: deps.Investigator,
    session: deps.DbSession,
) -> Response:
    """Record a decision on an open item, then show the next one."""
    in_range = 1 <= item_id <= deps.MAX_ID
    current = identity.get_review_item(session, item_id=item_id) if in_range else None
    if current is None or current.status != "open":
        raise HTTPException(
            409,
            _("Review item {item_id} is not open (already decided, or it does not exist).").format(
                item_id=item_id
            ),
        )
    try:
        decided = identity.decide_review(
            session, item_id=item_id, decision=decision, user=user.name
        )
    except IdentityError as e:
        raise HTTPException(409, e.message) from e
    deps.record(
        request,
        session,
        user=user.name,
        action="review",
        target=f"review:{item_id}",
        details={
            "decision": decision,
            "mentions": [current.a.mention_id, current.b.mention_id],
            "subjects": [current.a.subject_id, current.b.subject_id],
            "names": [current.a.name, current.b.name],
            "result": [decided.a.subject_id, decided.b.subject_id],
        },
    )
    return RedirectResponse(f"/review?decided={item_id}", status_code=303)
