"""Watchlists: what investigators watch for in new documents, and the alerts it raised.

A watch belongs to one workbench user (its owner) and is visible to every investigator
when shared. It watches a subject, a name (matched the way identity resolution matches:
`extractors.identity.score_pair` at or above `NAME_THRESHOLD`), a passport or permit number,
or a query (nationality, region, incident: any combination). Each watch is indexed by
keys (`watch_key`): a name by its blocking keys, a number as `p:NUMBER` (the mentions'
own key for it), a subject as `s:ID`, a query by its most selective field. Screening
(`storage.screening`) looks up only the watches sharing a key with a new mention or
linked row. A new watch does not look through the documents already stored: batch search
does that.

An alert is one watch and one document (however often the document is read again), with
the page, the sentence that matched, the words to mark in it and why. Who has seen an
alert is kept per user.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from extractors.identity import blocking_keys, initials_of, name_tokens, split_aliases
from models.errors import WatchError, WatchOwnerError
from models.i18n import _
from models.records import INCIDENT_LABELS, MentionFeatures
from models.tables import (
    Alert,
    AlertSeen,
    Document,
    Subject,
    Watch,
    WatchKey,
    WatchKind,
    WatchPublic,
    utc_now,
)
from storage.batch_search import NUMBER
from storage.transactions import committing

# A name watch alerts at or above this score_pair value. LOW (0.5) sends a pair to review;
# alone, a shared word ("Khan": 0.6) or bare initials ("MRK": 0.6) name too many people to
# alert on, while a variant spelling (1.0), abbreviated words ("M. R. Khan": 0.8) or the
# name without its first word ("Rizwan Khan": 0.65) do (tests/test_watchlists.py).
NAME_THRESHOLD = 0.65
# A name watch of several full words is a candidate only for a mention of several full words
# sharing two of its name-word keys ("n:"), unless either name abbreviates a word ("M. R.
# Khan": then one shared key of any kind). Every pair scoring NAME_THRESHOLD in
# tests/test_watchlists.py passes; a common first name with the same initials ("Muhammad
# Karim" / "Muhammad Kasim": n:muha, i:km) would otherwise nominate a large share of a large
# watchlist. The price: a misspelling inside the first four letters of a word, together
# with a word left out, can go unnoticed.
NAME_KEYS_NEEDED = 2
KEY_CHARS = 160
NATIONALITY = re.compile(r"^[A-Z]{2}$")
REGION = re.compile(r"^\d{2}(?:\.\d{2})?$")  # province or regency: linked rows keep no finer
MAX_NAME = 200
MAX_NOTE = 2000
MAX_ALERTS = 200


class WatchRecord(WatchPublic):
    """A watch as listed to one user: theirs or shared by someone else."""

    own: bool = False
    subject_name: str | None = None
    alerts: int = 0


class AlertRecord(BaseModel):
    """An alert as listed to one user."""

    id: int
    watch_id: int
    watch_kind: WatchKind
    watch_label: str
    watch_owner: str
    watch_shared: bool
    document_id: int
    document_name: str
    page: int
    mention_id: int | None
    evidence: str
    marks: list[str] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)
    created_at: datetime
    seen: bool = False

    def segments(self) -> list[tuple[str, bool]]:
        """The evidence cut into (text, marked) pieces: the matched words marked."""
        return mark_words(self.evidence, self.marks)


# --- watches --------------------------------------------------------------------


def add_watch(
    session: Session,
    *,
    owner: str,
    kind: WatchKind | str,
    subject_id: int | None = None,
    name: str | None = None,
    number: str | None = None,
    nationality: str | None = None,
    region: str | None = None,
    incident: str | None = None,
    shared: bool = False,
    note: str = "",
) -> WatchPublic:
    """Store a watch and its index keys and commit; WatchError when it watches nothing."""
    watch = Watch(owner=owner, kind=WatchKind(kind), shared=shared, note=_note(note))
    _fill(session, watch, subject_id, name, number, nationality, region, incident)
    with committing(session):
        session.add(watch)
        session.flush()
        index_watch(session, watch=watch)
    return WatchPublic.model_validate(watch, from_attributes=True)


def _fill(
    session: Session,
    watch: Watch,
    subject_id: int | None,
    name: str | None,
    number: str | None,
    nationality: str | None,
    region: str | None,
    incident: str | None,
) -> None:
    if watch.kind == WatchKind.SUBJECT:
        if subject_id is None or session.get(Subject, subject_id) is None:
            raise WatchError(
                _("No subject {id}; `pantau subjects` lists them.").format(id=subject_id)
            )
        watch.subject_id = subject_id
    elif watch.kind == WatchKind.NAME:
        watch.name = _name(name)
    elif watch.kind == WatchKind.NUMBER:
        watch.number = normal_number(number or "")
    else:
        watch.nationality, watch.region, watch.incident = _query(nationality, region, incident)


def _name(name: str | None) -> str:
    cleaned = " ".join((name or "").split())[:MAX_NAME]
    if initials_of(cleaned):
        raise WatchError(
            _("{name!r} is initials only: they match too many people to watch.").format(
                name=cleaned
            )
        )
    if not any(key.startswith("n:") for key in blocking_keys(MentionFeatures(name=cleaned))):
        raise WatchError(_("Give a name with at least one word of two letters or more."))
    return cleaned


def abbreviated(names: Sequence[str]) -> bool:
    """True when a name abbreviates a word to its first letter ("M. R. Khan")."""
    return any(
        len(token) == 1
        for name in names
        for part in split_aliases(name)
        for token in name_tokens(part)
    )


def normal_number(number: str) -> str:
    """A passport or permit number as mentions store it: upper case, no spaces or dots."""
    cleaned = re.sub(r"[\s.-]", "", number).upper()
    if not NUMBER.match(cleaned):
        raise WatchError(
            _(
                "{number!r} is not a passport or permit number: 6 to 12 letters and digits, "
                "at least one digit."
            ).format(number=number)
        )
    return cleaned


def _query(
    nationality: str | None, region: str | None, incident: str | None
) -> tuple[str | None, str | None, str | None]:
    nationality = (nationality or "").strip().upper() or None
    region = (region or "").strip() or None
    incident = (incident or "").strip().lower() or None
    if not (nationality or region or incident):
        raise WatchError(_("A query watch needs a nationality, a region or an incident."))
    if nationality and not NATIONALITY.match(nationality):
        raise WatchError(
            _("{code!r} is not a two-letter country code (CN, AU, ...).").format(code=nationality)
        )
    if region and not REGION.match(region):
        raise WatchError(
            _("{code!r} is not a province or regency code (51 or 51.03).").format(code=region)
        )
    if incident and incident not in INCIDENT_LABELS:
        raise WatchError(
            _("{label!r} is not an incident label: {labels}.").format(
                label=incident, labels=", ".join(INCIDENT_LABELS)
            )
        )
    return nationality, region, incident


def _note(note: str) -> str:
    return (note or "").strip()[:MAX_NOTE]


def watch_keys(watch: Watch) -> dict[str, int]:
    """The index keys of a watch, each with how many keys a mention must share with it."""
    if watch.kind == WatchKind.SUBJECT:
        return {f"s:{watch.subject_id}": 1}
    if watch.kind == WatchKind.NUMBER:
        return {f"p:{watch.number}": 1}
    if watch.kind == WatchKind.NAME:
        name = watch.name or ""
        keys = {key[:KEY_CHARS] for key in blocking_keys(MentionFeatures(name=name))}
        words = sum(key.startswith("n:") for key in keys)
        need = 1 if abbreviated([name]) else max(1, min(NAME_KEYS_NEEDED, words))
        return dict.fromkeys(keys, need)
    # The most selective field: a region names fewer documents than an incident or a country.
    if watch.region:
        return {f"qr:{watch.region}": 1}
    if watch.incident:
        return {f"qi:{watch.incident}": 1}
    return {f"qn:{watch.nationality}": 1}


def index_watch(session: Session, *, watch: Watch) -> None:
    """Replace the index keys of a watch (caller's transaction)."""
    session.exec(sa.delete(WatchKey).where(col(WatchKey.watch_id) == watch.id))
    session.add_all(
        WatchKey(watch_id=watch.id or 0, key=key, need=need)
        for key, need in watch_keys(watch).items()
    )


def follow_merge(session: Session, *, old_subject: int, new_subject: int) -> int:
    """Make the watches of a subject merged into another watch that one (caller's
    transaction); returns how many moved. The merged subject is removed, and a watch left
    on it would never alert again."""
    watches = session.exec(select(Watch).where(col(Watch.subject_id) == old_subject)).all()
    for moved in watches:
        moved.subject_id, moved.updated_at = new_subject, utc_now()
        session.add(moved)
        index_watch(session, watch=moved)
    return len(watches)


def change_watch(
    session: Session,
    *,
    watch_id: int,
    user: str,
    shared: bool | None = None,
    note: str | None = None,
) -> WatchPublic:
    """Share or unshare a user's own watch, or change its note; commits."""
    watch = _own_watch(session, watch_id=watch_id, user=user)
    with committing(session):
        if shared is not None:
            watch.shared = shared
        if note is not None:
            watch.note = _note(note)
        watch.updated_at = utc_now()
        session.add(watch)
    return WatchPublic.model_validate(watch, from_attributes=True)


def remove_watch(session: Session, *, watch_id: int, user: str) -> WatchPublic:
    """Remove a user's own watch with its keys and alerts; commits."""
    watch = _own_watch(session, watch_id=watch_id, user=user)
    removed = WatchPublic.model_validate(watch, from_attributes=True)
    with committing(session):
        alerts = select(Alert.id).where(Alert.watch_id == watch_id)
        session.exec(sa.delete(AlertSeen).where(col(AlertSeen.alert_id).in_(alerts)))
        session.exec(sa.delete(Alert).where(col(Alert.watch_id) == watch_id))
        session.exec(sa.delete(WatchKey).where(col(WatchKey.watch_id) == watch_id))
        session.delete(watch)
    return removed


def _own_watch(session: Session, *, watch_id: int, user: str) -> Watch:
    watch = session.get(Watch, watch_id, populate_existing=True)
    if watch is None:
        raise WatchError(_("No watch {id}; `pantau watch list` lists yours.").format(id=watch_id))
    if watch.owner != user:
        raise WatchOwnerError(
            _("Watch {id} belongs to {owner}; only they can change it.").format(
                id=watch_id, owner=watch.owner
            )
        )
    return watch


def visible_watches(user: str) -> sa.Select[tuple[int | None]]:
    """The ids of the watches `user` sees: their own and every shared one."""
    return sa.select(col(Watch.id)).where(sa.or_(col(Watch.owner) == user, col(Watch.shared)))


def list_watches(session: Session, *, user: str) -> list[WatchRecord]:
    """The user's own watches, then those others share, newest first."""
    watches = session.exec(
        select(Watch)
        .where(sa.or_(col(Watch.owner) == user, col(Watch.shared)))
        .order_by(col(Watch.owner) != user, col(Watch.id).desc())
    ).all()
    ids = [w.id for w in watches]
    counts = dict(
        session.exec(
            select(Alert.watch_id, sa.func.count())
            .where(col(Alert.watch_id).in_(ids))
            .group_by(col(Alert.watch_id))
        ).all()
    )
    names = _subject_names(session, [w.subject_id for w in watches if w.subject_id])
    return [
        WatchRecord.model_validate(
            {
                **w.model_dump(),
                "own": w.owner == user,
                "subject_name": names.get(w.subject_id or 0),
                "alerts": counts.get(w.id or 0, 0),
            }
        )
        for w in watches
    ]


def _subject_names(session: Session, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.exec(select(Subject.id, Subject.name).where(col(Subject.id).in_(ids))).all()
    return {subject_id or 0: name for subject_id, name in rows}


def subject_watches(session: Session, *, subject_id: int, user: str) -> list[WatchPublic]:
    """The watches on one subject that `user` sees."""
    watches = session.exec(
        select(Watch).where(
            Watch.subject_id == subject_id,
            col(Watch.id).in_(visible_watches(user)),
        )
    ).all()
    return [WatchPublic.model_validate(w, from_attributes=True) for w in watches]


def watch_label(watch: Watch | WatchPublic, subject_name: str | None = None) -> str:
    """What a watch watches, in a few words: a name, a number, a subject or a query."""
    if watch.kind == WatchKind.NAME:
        return watch.name or ""
    if watch.kind == WatchKind.NUMBER:
        return watch.number or ""
    if watch.kind == WatchKind.SUBJECT:
        return subject_name or f"#{watch.subject_id}"
    return " · ".join(v for v in (watch.nationality, watch.region, watch.incident) if v)


# --- alerts -----------------------------------------------------------------------


def _seen_by(user: str) -> sa.Exists:
    return (
        sa.select(col(AlertSeen.alert_id))
        .where(col(AlertSeen.alert_id) == col(Alert.id), col(AlertSeen.user) == user)
        .exists()
    )


def list_alerts(
    session: Session,
    *,
    user: str,
    unseen_only: bool = False,
    alert_id: int | None = None,
    limit: int = MAX_ALERTS,
    offset: int = 0,
) -> list[AlertRecord]:
    """Alerts of the user's own and shared watches (or the one `alert_id`, if the user sees
    it): unseen first, newest first."""
    seen = _seen_by(user).label("seen")
    statement = (
        select(Alert, Watch, Document.name, seen)
        .join(Watch, col(Watch.id) == col(Alert.watch_id))
        .join(Document, col(Document.id) == col(Alert.document_id))
        .where(col(Alert.watch_id).in_(visible_watches(user)))
        .order_by(seen, col(Alert.created_at).desc(), col(Alert.id).desc())
        .offset(offset)
        .limit(limit)
    )
    if unseen_only:
        statement = statement.where(~_seen_by(user))
    if alert_id is not None:
        statement = statement.where(col(Alert.id) == alert_id)
    rows = session.exec(statement).all()
    names = _subject_names(session, [w.subject_id for _, w, _, _ in rows if w.subject_id])
    return [
        AlertRecord(
            **alert.model_dump(exclude={"watch_id"}),
            watch_id=watch.id or 0,
            watch_kind=watch.kind,
            watch_label=watch_label(watch, names.get(watch.subject_id or 0)),
            watch_owner=watch.owner,
            watch_shared=watch.shared,
            document_name=document_name,
            seen=bool(was_seen),
        )
        for alert, watch, document_name, was_seen in rows
    ]


def count_unseen(session: Session, *, user: str) -> int:
    """How many alerts of the user's own and shared watches the user has not seen."""
    statement = (
        select(sa.func.count())
        .select_from(Alert)
        .where(col(Alert.watch_id).in_(visible_watches(user)), ~_seen_by(user))
    )
    return int(session.exec(statement).one())


def mark_seen(session: Session, *, user: str, alert_ids: Sequence[int]) -> list[int]:
    """Mark alerts the user sees as seen by them (others' stay unseen); commits. Returns the
    ids newly marked."""
    if not alert_ids:
        return []
    with committing(session):
        ids = session.exec(
            select(Alert.id).where(
                col(Alert.id).in_(list(alert_ids)),
                col(Alert.watch_id).in_(visible_watches(user)),
                ~_seen_by(user),
            )
        ).all()
        session.add_all(AlertSeen(alert_id=i or 0, user=user) for i in ids)
    return sorted(i or 0 for i in ids)


def mark_words(text: str, words: Sequence[str]) -> list[tuple[str, bool]]:
    """`text` cut into (piece, marked) pairs, every occurrence of each word marked
    (case-insensitive, longest first)."""
    wanted = sorted({w for w in words if w.strip()}, key=len, reverse=True)
    if not wanted or not text:
        return [(text, False)] if text else []
    pattern = re.compile("|".join(re.escape(w) for w in wanted), re.IGNORECASE)
    pieces: list[tuple[str, bool]] = []
    at = 0
    for found in pattern.finditer(text):
        if found.start() > at:
            pieces.append((text[at : found.start()], False))
        pieces.append((found.group(0), True))
        at = found.end()
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces
