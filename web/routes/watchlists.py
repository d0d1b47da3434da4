"""Watchlists and alerts (investigators): what they watch for in new documents.

`/watches` lists a user's own watches and those others share, with a form to watch a
name, a passport or permit number, or a query (nationality, region, incident), and to
share, annotate or remove one's own; the dossier's "watch this subject" button posts to
`/watches/subject/{id}`. `/alerts` lists the alerts of those watches, unseen first, each
with its evidence and a button to mark it seen (for this user only). The navigation shows
the user's unseen alerts. Every change, view and mark is audited.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from models.errors import WatchError, WatchOwnerError
from models.i18n import N_, _
from models.records import INCIDENT_LABELS
from models.tables import Role, UserPublic, WatchKind, WatchPublic
from storage import watch
from web import deps
from web.labels import value_name

KINDS = (WatchKind.NAME.value, WatchKind.NUMBER.value, WatchKind.QUERY.value)
KIND_NAMES = {
    WatchKind.NAME.value: N_("name"),
    WatchKind.NUMBER.value: N_("passport or permit number"),
    WatchKind.SUBJECT.value: N_("subject"),
    WatchKind.QUERY.value: N_("query"),
}


def count_unseen(session: Session, user: UserPublic) -> int:
    """How many alerts of the user's own and shared watches the user has not seen."""
    return watch.count_unseen(session, user=user.name)


router = APIRouter()
NAV = (
    deps.NavItem(N_("Alerts"), "/alerts", Role.INVESTIGATOR, count=count_unseen),
    deps.NavItem(N_("Watchlist"), "/watches", Role.INVESTIGATOR),
)
Text = Annotated[str, Form(max_length=2000)]


@router.get("/alerts")
def alerts_page(
    request: Request,
    user: deps.Investigator,
    session: deps.DbSession,
    unseen: bool = False,
) -> Response:
    """The alerts of the user's own and shared watches, unseen first; audited as a view."""
    alerts = watch.list_alerts(session, user=user.name, unseen_only=unseen)
    deps.record(
        request,
        session,
        user=user.name,
        action="view",
        target="alerts",
        details={"shown": len(alerts), "alerts": [a.id for a in alerts][:100]},
    )
    context = {
        "alerts": alerts,
        "unseen": unseen,
        "unseen_count": watch.count_unseen(session, user=user.name),
        "marked": request.query_params.get("marked"),
        "kind_names": KIND_NAMES,
    }
    return deps.render(request, "alerts.html", context)


@router.post("/alerts/{alert_id}/seen")
def mark_seen(
    request: Request, alert_id: int, user: deps.Investigator, session: deps.DbSession
) -> Response:
    """Mark one alert seen by this user (others still see it unseen); audited."""
    in_range = 1 <= alert_id <= deps.MAX_ID
    marked = watch.mark_seen(session, user=user.name, alert_ids=[alert_id]) if in_range else []
    if not marked and not watch.list_alerts(session, user=user.name, alert_id=alert_id):
        raise HTTPException(404, _("There is no alert {id} among yours.").format(id=alert_id))
    deps.record(request, session, user=user.name, action="alert_seen", target=f"alert:{alert_id}")
    return RedirectResponse(f"/alerts?marked={alert_id}#alert-{alert_id}", status_code=303)


@router.post("/alerts/seen")
def mark_all_seen(request: Request, user: deps.Investigator, session: deps.DbSession) -> Response:
    """Mark every alert the user sees as seen by them; audited."""
    ids = [a.id for a in watch.list_alerts(session, user=user.name, unseen_only=True)]
    marked = watch.mark_seen(session, user=user.name, alert_ids=ids)
    deps.record(
        request,
        session,
        user=user.name,
        action="alert_seen",
        target="alerts",
        details={"alerts": marked},
    )
    return RedirectResponse(f"/alerts?marked={len(marked)}", status_code=303)


@router.get("/watches")
def watches_page(request: Request, user: deps.Investigator, session: deps.DbSession) -> Response:
    """The user's watches and those others share, and the form to add one; audited."""
    watches = watch.list_watches(session, user=user.name)
    deps.record(
        request,
        session,
        user=user.name,
        action="list",
        target="watches",
        details={"shown": len(watches)},
    )
    return _render_watches(request, watches)


def _render_watches(
    request: Request,
    watches: list[watch.WatchRecord],
    *,
    error: str | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "watches": watches,
        "kinds": KINDS,
        "kind_names": KIND_NAMES,
        "incidents": INCIDENT_LABELS,
        "value_name": value_name,
        "error": error,
        "form": form or {},
        "done": request.query_params.get("done"),
    }
    return deps.render(request, "watches.html", context, status_code=status_code)


@router.post("/watches")
def add_watch(
    request: Request,
    user: deps.Investigator,
    session: deps.DbSession,
    kind: Annotated[str, Form(pattern="^(name|number|query)$")],
    name: Text = "",
    number: Text = "",
    nationality: Text = "",
    region: Text = "",
    incident: Text = "",
    note: Text = "",
    shared: Annotated[bool, Form()] = False,
) -> Response:
    """Watch a name, a number or a query from now on; audited."""
    fields = {"name": name, "number": number, "nationality": nationality, "region": region}
    fields["incident"] = incident
    try:
        added = watch.add_watch(
            session,
            owner=user.name,
            kind=kind,
            shared=shared,
            note=note,
            name=name or None,
            number=number or None,
            nationality=nationality or None,
            region=region or None,
            incident=incident or None,
        )
    except WatchError as e:
        form = {"kind": kind, "note": note, "shared": shared, **fields}
        watches = watch.list_watches(session, user=user.name)
        return _render_watches(request, watches, error=e.message, form=form, status_code=400)
    _record_watch(request, session, user.name, "watch_add", added)
    return RedirectResponse(f"/watches?done=added#watch-{added.id}", status_code=303)


@router.post("/watches/subject/{subject_id}")
def watch_subject(
    request: Request,
    subject_id: int,
    user: deps.Investigator,
    session: deps.DbSession,
    note: Text = "",
    shared: Annotated[bool, Form()] = False,
) -> Response:
    """Watch a subject from the dossier: later letters about them raise alerts; audited."""
    if not 1 <= subject_id <= deps.MAX_ID:
        raise HTTPException(404, _("There is no subject {id}.").format(id=subject_id))
    try:
        added = watch.add_watch(
            session,
            owner=user.name,
            kind="subject",
            subject_id=subject_id,
            shared=shared,
            note=note,
        )
    except WatchError as e:
        raise HTTPException(404, e.message) from e
    _record_watch(request, session, user.name, "watch_add", added)
    return RedirectResponse(f"/subjects/{subject_id}?watched={added.id}", status_code=303)


@router.post("/watches/{watch_id}")
def change_watch(
    request: Request,
    watch_id: int,
    user: deps.Investigator,
    session: deps.DbSession,
    note: Text = "",
    shared: Annotated[bool, Form()] = False,
) -> Response:
    """Share or keep private one's own watch, and change its note; audited."""
    try:
        changed = watch.change_watch(
            session, watch_id=watch_id, user=user.name, shared=shared, note=note
        )
    except WatchOwnerError as e:
        raise HTTPException(403, e.message) from e
    except WatchError as e:
        raise HTTPException(404, e.message) from e
    _record_watch(request, session, user.name, "watch_change", changed)
    return RedirectResponse(f"/watches?done=changed#watch-{watch_id}", status_code=303)


@router.post("/watches/{watch_id}/remove")
def remove_watch(
    request: Request, watch_id: int, user: deps.Investigator, session: deps.DbSession
) -> Response:
    """Remove one's own watch with its alerts; audited."""
    try:
        removed = watch.remove_watch(session, watch_id=watch_id, user=user.name)
    except WatchOwnerError as e:
        raise HTTPException(403, e.message) from e
    except WatchError as e:
        raise HTTPException(404, e.message) from e
    _record_watch(request, session, user.name, "watch_remove", removed)
    return RedirectResponse("/watches?done=removed", status_code=303)


def _record_watch(
    request: Request, session: Session, user: str, action: str, found: WatchPublic
) -> None:
    deps.record(
        request,
        session,
        user=user,
        action=action,
        target=f"watch:{found.id}",
        details={
            "kind": found.kind.value,
            "watches": watch.watch_label(found),
            "shared": found.shared,
            "note": found.note,
        },
    )
