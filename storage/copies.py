"""Copies among stored documents: band keys kept per document, copies linked by `copy_of`.

A document's copies point at the earliest document with the same text (the lowest id);
counts leave copies out, and the document view lists them. Deleting a document hands its
copies to the earliest of them. Linked again whenever a
document's facts are saved, since the names it holds are part of the decision.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from extractors.copies import fingerprint, is_copy, shingles
from models.tables import Document, DocumentBand, Mention, Page

MAX_CANDIDATES = 50  # documents compared in full per document, most shared bands first


def link_copies(session: Session, *, document: Document) -> None:
    """Inside the caller's transaction: index the document's text and set `copy_of` on it,
    or on later documents that turn out to be its copies."""
    assert document.id is not None
    texts = page_texts(session, document.id)
    found = fingerprint(texts)
    session.exec(sa.delete(DocumentBand).where(col(DocumentBand.document_id) == document.id))
    session.add_all(DocumentBand(document_id=document.id, band=band) for band in found.bands)
    document.copy_of = None
    if not found.bands:
        return
    shared = sa.func.count()
    candidates = session.execute(
        sa.select(col(DocumentBand.document_id))
        .where(
            col(DocumentBand.band).in_(found.bands), col(DocumentBand.document_id) != document.id
        )
        .group_by(col(DocumentBand.document_id))
        .order_by(shared.desc(), col(DocumentBand.document_id))
        .limit(MAX_CANDIDATES)
    ).scalars()
    names = names_in(session, document.id)
    matches = []
    for candidate_id in candidates:
        candidate = session.get(Document, candidate_id)
        if candidate is None:
            continue
        if is_copy(
            found.shingles,
            shingles(page_texts(session, candidate_id)),
            names=(names, names_in(session, candidate_id)),
            dates=(document.document_date, candidate.document_date),
        ):
            matches.append(candidate)
    earlier = [m for m in matches if (m.id or 0) < document.id]
    if earlier:
        first = min(earlier, key=lambda m: m.id or 0)
        document.copy_of = first.copy_of or first.id
        return
    for later in matches:  # read before this one though stored after: they are its copies
        if later.copy_of is None or later.copy_of > document.id:
            later.copy_of = document.id


def page_texts(session: Session, document_id: int) -> list[str]:
    return [
        page.text or ""
        for page in session.exec(
            select(Page).where(col(Page.document_id) == document_id).order_by(col(Page.number))
        )
    ]


def names_in(session: Session, document_id: int) -> list[str]:
    """The foreign nationals a document names, as written."""
    return [
        mention.name
        for mention in session.exec(select(Mention).where(col(Mention.document_id) == document_id))
    ]


def copies_of(session: Session, *, document_id: int) -> list[Document]:
    """The documents stored as copies of this one."""
    return list(
        session.exec(
            select(Document).where(col(Document.copy_of) == document_id).order_by(col(Document.id))
        )
    )


def hand_over_copies(session: Session, *, document_id: int) -> None:
    """Inside the caller's transaction, before a document is deleted: its earliest copy
    becomes the one counted, and the other copies point at that one."""
    copies = copies_of(session, document_id=document_id)
    if not copies:
        return
    first, *others = copies
    first.copy_of = None
    for copy in others:
        copy.copy_of = first.id
    session.flush()
