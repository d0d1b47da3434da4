"""Investigators' corrections of a document's facts: stored, applied, withdrawn.

A correction (`models.tables.Correction`) is applied by `repository.replace_facts` on top
of every extraction of its document, so it survives `pantau extract --stale` and a new
pipeline version. Making or withdrawing one rewrites the document's facts, facets,
mentions and linked rows in the same transaction; the caller then resolves the new
mentions and screens them (`settle`). A withdrawn correction is kept for the record and
gives back the facts it replaced.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from extractors.corrections import (
    PERSON_KINDS,
    CorrectionAction,
    CorrectionSpec,
    anchored,
    apply_corrections,
    check,
)
from models.errors import CorrectionError
from models.i18n import _
from models.records import ExtractionResult, Fact, FactKind
from models.tables import Correction, CorrectionPublic, Document, FactRow, Page, utc_now
from storage.transactions import committing

MAX_WORDS = 200
MAX_REASON = 2000


@dataclass(frozen=True)
class CorrectionRecord:
    """A correction and whether it holds: ``applied``, ``unanchored`` (its words are no
    longer on the page) or ``withdrawn``."""

    correction: CorrectionPublic
    state: str


def spec_of(row: Correction | CorrectionPublic) -> CorrectionSpec:
    """The correction as `extractors.corrections` applies it."""
    return CorrectionSpec(
        id=row.id or 0,
        action=CorrectionAction(row.action),
        kind=FactKind(row.kind),
        page=row.page,
        start=row.start,
        end=row.end,
        text=row.text,
        nationality=row.nationality,
        value=row.value,
        author=row.author,
        reason=row.reason,
        at=row.created_at.isoformat(timespec="seconds"),
    )


def live_corrections(session: Session, *, document_id: int) -> list[Correction]:
    """The document's corrections that are not withdrawn, in the order they were made."""
    statement = (
        select(Correction)
        .where(Correction.document_id == document_id, col(Correction.withdrawn_at).is_(None))
        .order_by(col(Correction.id))
    )
    return list(session.exec(statement).all())


def page_texts(session: Session, *, document_id: int) -> dict[int, str]:
    """Page number -> text of the document's pages."""
    rows = session.exec(select(Page.number, Page.text).where(Page.document_id == document_id)).all()
    return {number: text or "" for number, text in rows}


def apply_stored(session: Session, *, document_id: int, facts: Sequence[Fact]) -> list[Fact]:
    """`facts` with the document's live corrections applied (the same list when none)."""
    rows = live_corrections(session, document_id=document_id)
    if not rows:
        return list(facts)
    pages = page_texts(session, document_id=document_id)
    return apply_corrections(facts, [spec_of(r) for r in rows], pages).facts


def stored_facts(session: Session, *, document_id: int) -> list[Fact]:
    """The document's facts as stored, in reading order."""
    rows = session.exec(
        select(FactRow)
        .where(FactRow.document_id == document_id)
        .order_by(col(FactRow.page), col(FactRow.start), col(FactRow.id))
    ).all()
    return [Fact.model_validate(row.model_dump()) for row in rows]


def find_words(text: str, words: str, occurrence: int = 1) -> tuple[int, int]:
    """The span of the `occurrence`-th appearance of `words` (spacing as on the page or
    collapsed), or a `CorrectionError` naming what to change."""
    wanted = " ".join(words.split())
    if not wanted:
        raise CorrectionError(_("Select or type the words to correct."))
    pattern = r"\s+".join(map(re.escape, wanted.split(" ")))
    found = list(re.finditer(pattern, text))
    if not found:
        raise CorrectionError(
            _("The words {words} are not on this page.").format(words=repr(wanted))
        )
    if not 1 <= occurrence <= len(found):
        raise CorrectionError(
            _("The words {words} appear {count} time(s) on this page, not {n}.").format(
                words=repr(wanted), count=len(found), n=occurrence
            )
        )
    match = found[occurrence - 1]
    return match.start(), match.end()


def correct(
    session: Session,
    *,
    document_id: int,
    action: str,
    kind: str,
    page: int,
    start: int,
    end: int,
    reason: str,
    author: str,
    nationality: str | None = None,
    value: str | None = None,
) -> CorrectionPublic:
    """Store a correction and rewrite the document's facts with it; commits.

    The span is trimmed of surrounding spaces. `CorrectionError` when the words, kind,
    nationality or reason do not allow it, with nothing stored.
    """
    try:
        act = CorrectionAction(action)
        fact_kind = FactKind(kind)
    except ValueError:
        raise CorrectionError(
            _("Unknown correction {action} of {kind}.").format(action=action, kind=kind)
        ) from None
    fact_kind, code = check(act, fact_kind, (nationality or "").strip() or None)
    reason = " ".join((reason or "").split())
    if not reason:
        raise CorrectionError(_("Say why: a correction needs a reason."))
    if len(reason) > MAX_REASON:
        raise CorrectionError(_("The reason is longer than 2,000 characters."))
    with committing(session):
        document = _document(session, document_id)
        pages = page_texts(session, document_id=document_id)
        if page not in pages:
            raise CorrectionError(
                _("Document {id} has no page {page}.").format(id=document_id, page=page)
            )
        start, end = _trimmed(pages[page], start, end)
        current = stored_facts(session, document_id=document_id)
        _check_target(act, fact_kind, page, start, end, current)
        row = Correction(
            document_id=document_id,
            action=act.value,
            kind=fact_kind,
            page=page,
            start=start,
            end=end,
            text=pages[page][start:end],
            nationality=code,
            value=" ".join(value.split())[:MAX_WORDS] if value and value.strip() else None,
            reason=reason,
            author=author,
        )
        session.add(row)
        session.flush()
        after = apply_corrections(current, [spec_of(row)], pages).facts
        kept = {_key(f) for f in after}
        row.replaced = [f.model_dump(mode="json") for f in current if _key(f) not in kept]
        _rewrite(session, document, current)
    return CorrectionPublic.model_validate(row, from_attributes=True)


def withdraw(session: Session, *, correction_id: int, author: str) -> CorrectionPublic:
    """Withdraw a correction: it is no longer applied and the facts it replaced come back."""
    with committing(session):
        row = session.get(Correction, correction_id, populate_existing=True)
        if row is None:
            raise CorrectionError(_("No correction {id}.").format(id=correction_id))
        if row.withdrawn_at is not None:
            raise CorrectionError(_("Correction {id} is already withdrawn.").format(id=row.id))
        document = _document(session, row.document_id)
        row.withdrawn_at = utc_now()
        row.withdrawn_by = author
        session.add(row)
        session.flush()
        facts = [
            f
            for f in stored_facts(session, document_id=row.document_id)
            if (f.attributes.get("correction") or {}).get("id") != row.id
        ]
        present = {(f.kind, f.page, f.start, f.end) for f in facts}
        for data in row.replaced:
            fact = Fact.model_validate(data)
            if (fact.kind, fact.page, fact.start, fact.end) not in present:
                facts.append(fact)
        _rewrite(session, document, facts)
    return CorrectionPublic.model_validate(row, from_attributes=True)


def _document(session: Session, document_id: int) -> Document:
    document = session.get(Document, document_id, populate_existing=True)
    if document is None:
        raise CorrectionError(_("No document {id}.").format(id=document_id))
    if document.extracted_at is None or document.extractor is None:
        raise CorrectionError(
            _("Document {id} has no facts yet; `pantau extract` extracts them.").format(
                id=document_id
            )
        )
    return document


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    if not 0 <= start < end <= len(text):
        raise CorrectionError(_("Those words are not on this page."))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        raise CorrectionError(_("Select or type the words to correct."))
    if end - start > MAX_WORDS:
        raise CorrectionError(_("Select a name or a place: at most 200 characters."))
    return start, end


def _check_target(
    action: CorrectionAction,
    kind: FactKind,
    page: int,
    start: int,
    end: int,
    facts: Sequence[Fact],
) -> None:
    """A rejection needs a fact of its kind on the words; a role or nationality, a person."""
    if action == CorrectionAction.ADD:
        return
    kinds = (kind,) if action == CorrectionAction.REJECT else PERSON_KINDS
    if not any(
        f.kind in kinds and f.page == page and f.start < end and start < f.end for f in facts
    ):
        if action == CorrectionAction.REJECT:
            raise CorrectionError(_("There is no such fact on those words to mark wrong."))
        raise CorrectionError(_("No person is found on those words; add one instead."))


def _key(fact: Fact) -> tuple[Any, ...]:
    return (fact.kind, fact.page, fact.start, fact.end, fact.method, fact.value)


def _rewrite(session: Session, document: Document, facts: Sequence[Fact]) -> None:
    """Inside the transaction: the document's facts replaced (live corrections applied)."""
    from storage.repository import replace_facts

    extraction = ExtractionResult(
        facts=list(facts),
        extractor=document.extractor or "",
        kind=document.kind,
        document_date=document.document_date,
    )
    replace_facts(session, document=document, extraction=extraction)


def list_corrections(session: Session, *, document_id: int | None = None) -> list[CorrectionRecord]:
    """Corrections (of one document, or all), newest first, with whether each holds."""
    statement = select(Correction).order_by(col(Correction.id).desc())
    if document_id is not None:
        statement = statement.where(Correction.document_id == document_id)
    rows = list(session.exec(statement).all())
    texts: dict[int, Mapping[int, str]] = {}
    records = []
    for row in rows:
        if row.withdrawn_at is not None:
            state = "withdrawn"
        else:
            pages = texts.get(row.document_id)
            if pages is None:
                pages = texts[row.document_id] = page_texts(session, document_id=row.document_id)
            state = "applied" if anchored(spec_of(row), pages) else "unanchored"
        records.append(
            CorrectionRecord(CorrectionPublic.model_validate(row, from_attributes=True), state)
        )
    return records


def corrected_document_ids(session: Session) -> list[int]:
    """Documents with at least one live correction, by id."""
    statement = (
        select(Correction.document_id)
        .where(col(Correction.withdrawn_at).is_(None))
        .distinct()
        .order_by(col(Correction.document_id))
    )
    return list(session.exec(statement).all())


def count_live(session: Session) -> int:
    """How many corrections are applied or waiting for their words (not withdrawn)."""
    statement = select(sa.func.count()).where(col(Correction.withdrawn_at).is_(None))
    return int(session.exec(statement).one())
