"""The `linked_fact` rows of a document: its people, their incidents, places and months."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sqlalchemy as sa
from sqlmodel import Session, col

from extractors.identity import MentionDraft
from extractors.linked import link_facts
from models.records import Fact
from models.tables import LinkedFact


def replace_linked_facts(
    session: Session,
    *,
    document_id: int,
    facts: Sequence[Fact],
    drafts: Sequence[MentionDraft],
    mention_ids: Sequence[int | None],
    document_date: str | None,
    pages: Mapping[int, str],
) -> None:
    """Inside the caller's transaction: the document's linked rows, built again.

    `mention_ids[i]` is the stored id of `drafts[i]`.
    """
    clear_linked_facts(session, document_id=document_id)
    session.add_all(
        LinkedFact.model_validate(
            {
                "document_id": document_id,
                "mention_id": None if row.mention is None else mention_ids[row.mention],
                **row.columns(),
            }
        )
        for row in link_facts(facts, drafts, document_date=document_date, pages=pages)
    )


def clear_linked_facts(session: Session, *, document_id: int) -> None:
    """Inside the caller's transaction: remove the document's linked rows."""
    session.exec(sa.delete(LinkedFact).where(col(LinkedFact.document_id) == document_id))
