"""Read side of identity resolution: subject lists and the dossier of one subject.

A dossier gathers what every document says about one foreign national: how each names
them, the documents (path, kind, date), a dated timeline of documents and incidents, the
places where they were found and the incidents that concern them (both from the facts
linked to their own mentions, `extractors.linked`, never from other people in the same
letter) and the other subjects named alongside. Copies of a letter count once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from extractors.nlp.region_names import region_name
from models.records import (
    CoSubject,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierIncident,
    DossierMention,
    DossierPlace,
    FactKind,
    SubjectSummary,
)
from models.tables import Document, FactRow, LinkedFact, Mention, Subject, SubjectPair

SHOWN_STATUSES = ("reported", "planned")


def mentions_of(
    session: Session,
    *,
    document_ids: Sequence[int] | None = None,
    subject_ids: Iterable[int] | None = None,
) -> list[Mention]:
    """Mentions of some documents or some subjects, in id order."""
    statement = select(Mention)
    if document_ids is not None:
        statement = statement.where(col(Mention.document_id).in_(list(document_ids)))
    if subject_ids is not None:
        statement = statement.where(col(Mention.subject_id).in_(list(subject_ids)))
    return list(session.exec(statement.order_by(col(Mention.id))).all())


def list_subjects(
    session: Session, *, nationality: str | None = None, limit: int = 50, offset: int = 0
) -> list[SubjectSummary]:
    """Subjects, those in most documents first, optionally of one nationality."""
    statement = select(Subject)
    if nationality:
        statement = statement.where(Subject.nationality == nationality.upper())
    statement = statement.order_by(
        col(Subject.document_count).desc(), col(Subject.mention_count).desc(), col(Subject.id)
    )
    return [summary_of(s) for s in session.exec(statement.offset(offset).limit(limit)).all()]


def count_subjects(session: Session, *, nationality: str | None = None) -> int:
    """How many subjects there are, optionally of one nationality."""
    statement = select(sa.func.count()).select_from(Subject)
    if nationality:
        statement = statement.where(Subject.nationality == nationality.upper())
    return int(session.exec(statement).one())


def subject_nationalities(session: Session) -> list[tuple[str, int]]:
    """Each nationality subjects have (ISO code) with its number of subjects, by code."""
    statement = (
        select(Subject.nationality, sa.func.count())
        .where(col(Subject.nationality).is_not(None))
        .group_by(Subject.nationality)
        .order_by(Subject.nationality)
    )
    return [(code, int(count)) for code, count in session.exec(statement).all() if code]


def summary_of(subject: Subject) -> SubjectSummary:
    """A stored subject as a record."""
    return SubjectSummary.model_validate(subject.model_dump())


def get_dossier(session: Session, *, subject_id: int) -> Dossier | None:
    """Everything about one subject across documents; None when there is no such subject."""
    subject = session.get(Subject, subject_id)
    if subject is None:
        return None
    mentions = mentions_of(session, subject_ids=[subject_id])
    document_ids = sorted({m.document_id for m in mentions})
    documents = {
        d.id: d
        for d in session.exec(select(Document).where(col(Document.id).in_(document_ids))).all()
    }
    # A copy of another document (another scan of one letter) says nothing new.
    counted = [m for m in mentions if (d := documents.get(m.document_id)) and not d.copy_of]
    linked = _linked_rows(session, counted)
    facts = _facts_by_document(session, sorted({m.document_id for m in counted}))
    incidents = _incidents(linked, facts)
    return Dossier(
        subject=summary_of(subject),
        mentions=[_dossier_mention(m) for m in mentions],
        documents=[_dossier_document(documents[i]) for i in document_ids if i in documents],
        timeline=_timeline(documents, incidents),
        places=_places(linked),
        incidents=incidents,
        co_subjects=_co_subjects(session, subject_id=subject_id),
    )


def _linked_rows(session: Session, mentions: list[Mention]) -> list[LinkedFact]:
    """What the documents link to these mentions: incidents, places, dates."""
    ids = [m.id for m in mentions if m.id is not None]
    if not ids:
        return []
    statement = (
        select(LinkedFact)
        .where(col(LinkedFact.mention_id).in_(ids))
        .order_by(col(LinkedFact.document_id), col(LinkedFact.id))
    )
    return list(session.exec(statement).all())


def _facts_by_document(session: Session, document_ids: list[int]) -> dict[int, list[FactRow]]:
    rows = session.exec(
        select(FactRow)
        .where(
            col(FactRow.document_id).in_(document_ids),
            col(FactRow.kind).in_([FactKind.INCIDENT.value, FactKind.LOCATION.value]),
        )
        .order_by(col(FactRow.document_id), col(FactRow.page), col(FactRow.start))
    ).all()
    grouped: dict[int, list[FactRow]] = defaultdict(list)
    for row in rows:
        grouped[row.document_id].append(row)
    return grouped


def _dossier_mention(mention: Mention) -> DossierMention:
    return DossierMention(
        mention_id=mention.id or 0,
        document_id=mention.document_id,
        name=mention.name,
        name_kind=mention.name_kind,
        aliases=list(mention.aliases),
        nationality=mention.nationality,
        passports=list(mention.passports),
        age=mention.age,
        link=mention.link,
        score=mention.score,
        incidents=list(mention.incidents),
    )


def _dossier_document(document: Document) -> DossierDocument:
    return DossierDocument(
        id=document.id or 0,
        path=document.path,
        name=document.name,
        kind=document.kind,
        date=document.document_date,
    )


def _incidents(linked: list[LinkedFact], facts: dict[int, list[FactRow]]) -> list[DossierIncident]:
    """Incidents that happened or are planned and concern the subject, each once per
    document, dated as stated beside it (else by the document's date)."""
    found: dict[tuple[int, str], DossierIncident] = {}
    for row in linked:
        if not row.incident or row.status not in SHOWN_STATUSES:
            continue
        sentence = next(
            (
                f.sentence
                for f in facts.get(row.document_id, [])
                if f.kind == FactKind.INCIDENT and f.value == row.incident
            ),
            "",
        )
        found.setdefault(
            (row.document_id, row.incident),
            DossierIncident(
                label=row.incident,
                status=row.status,
                document_id=row.document_id,
                date=row.date,
                sentence=sentence,
            ),
        )
    return list(found.values())


def _timeline(
    documents: dict[Any, Document], incidents: list[DossierIncident]
) -> list[DossierEvent]:
    events = [
        DossierEvent(
            date=d.document_date,
            kind="document",
            label=f"{d.kind or 'document'}: {d.name}",
            document_id=d.id or 0,
        )
        for d in documents.values()
        if d.document_date and not d.copy_of
    ]
    events += [
        DossierEvent(
            date=i.date, kind="incident", label=i.label, document_id=i.document_id, status=i.status
        )
        for i in incidents
        if i.date
    ]
    return sorted(events, key=lambda e: (e.date, e.kind != "document", e.document_id, e.label))


def _places(linked: list[LinkedFact]) -> list[DossierPlace]:
    """Regions where the documents place the subject (the regency when stated, else the
    province), with the number of documents that do."""
    documents: dict[str, set[int]] = defaultdict(set)
    for row in linked:
        code = row.regency or row.province
        if code:
            documents[code].add(row.document_id)
    places = []
    for code, ids in documents.items():
        found = region_name(code)
        name, level = (found.name, found.level) if found else (code, "region")
        places.append(DossierPlace(code=code, name=name, level=level, documents=len(ids)))
    return sorted(places, key=lambda p: (-p.documents, p.code or "~", p.name))


def _co_subjects(session: Session, *, subject_id: int) -> list[CoSubject]:
    """Other subjects named in the same documents, with how many documents they share
    (read from the `subject_pair` summary, kept by `storage.summaries`)."""
    shared = dict(
        session.exec(
            select(SubjectPair.other_id, SubjectPair.documents).where(
                SubjectPair.subject_id == subject_id
            )
        ).all()
    )
    subjects = {
        s.id: s
        for s in session.exec(select(Subject).where(col(Subject.id).in_(list(shared)))).all()
    }
    records = [
        CoSubject(subject_id=sid, name=s.name, nationality=s.nationality, documents=documents)
        for sid, documents in shared.items()
        if (s := subjects.get(sid)) is not None
    ]
    return sorted(records, key=lambda c: (-c.documents, c.subject_id))
