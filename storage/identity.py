"""Identity resolution in the database: mentions from facts, subjects, review decisions.

A mention is one named foreign national in one document; a subject is one person across
documents. `resolve` is incremental: only mentions without a subject are scored, against
candidates found through the `mention_block` index. A score at or above `HIGH` joins the
candidate's subject; the band between `LOW` and `HIGH` opens a review item (the mention
keeps a subject of its own until someone decides). Decisions are stored by document and
mention key, so they survive re-extraction, and hold transitively: `same` unites two
subjects, `different` keeps two subjects apart for good (also through a third mention),
`unsure` is never asked again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
import sqlalchemy.orm
from sqlmodel import Session, col, select

from extractors.identity import HIGH, LOW, MentionDraft, blocking_keys, gather_mentions, score_pair
from extractors.limits import Deadline
from models.errors import IdentityError
from models.records import (
    Fact,
    MentionFeatures,
    ResolveReport,
    ReviewMention,
    ReviewRecord,
)
from models.tables import (
    Document,
    FactRow,
    Mention,
    MentionBlock,
    Page,
    PairDecision,
    ReviewItem,
    Subject,
    utc_now,
)
from storage import claims, summaries
from storage.dossier import get_dossier, list_subjects, mentions_of
from storage.linked import clear_linked_facts, replace_linked_facts
from storage.transactions import committing

__all__ = [
    "build_mentions",
    "count_review_items",
    "decide_pair",
    "decide_review",
    "get_dossier",
    "get_review_item",
    "list_review_items",
    "list_subjects",
    "resolve",
    "subject_of_mention",
]
DECISIONS = ("same", "different", "unsure")
IDENTITY_LOCK = "identity"  # held by resolution, decisions and re-linking of mentions
Ref = tuple[int, str]  # (document id, mention key): stable across re-extraction
PairKey = tuple[Ref, Ref]


# --- mentions -----------------------------------------------------------------


def build_mentions(session: Session, *, document_id: int) -> list[Mention]:
    """Rebuild a document's mentions from its foreign-national facts and commit."""
    with committing(session):
        mentions = rebuild_mentions(session, document_id=document_id)
    return mentions


def rebuild_mentions(session: Session, *, document_id: int) -> list[Mention]:
    """Inside the caller's transaction: mentions whose key survives keep their subject."""
    rows = list(
        session.exec(
            select(FactRow)
            .where(FactRow.document_id == document_id)
            .order_by(col(FactRow.page), col(FactRow.start), col(FactRow.id))
        ).all()
    )
    facts = [Fact.model_validate(row.model_dump()) for row in rows]
    drafts = gather_mentions(facts)
    clear_linked_facts(session, document_id=document_id)  # they point at the old mentions
    existing = {m.key: m for m in mentions_of(session, document_ids=[document_id])}
    if any(m.subject_id is not None for m in existing.values()):
        # Re-extraction moves linked mentions: not while a resolution or a decision runs.
        claims.exclusive(session, IDENTITY_LOCK)
        for linked in existing.values():
            session.refresh(linked)
    touched: set[int] = set()
    kept = []
    for draft in drafts:
        mention = existing.pop(draft.key, None) or Mention(
            document_id=document_id, key=draft.key, name=draft.name
        )
        _fill_mention(mention, draft, [rows[i].id or 0 for i in draft.fact_indexes])
        session.add(mention)
        kept.append(mention)
    for gone in existing.values():
        if gone.subject_id is not None:
            touched.add(gone.subject_id)
        _delete_mention(session, gone)
    session.flush()
    document = session.get(Document, document_id)
    replace_linked_facts(
        session,
        document_id=document_id,
        facts=facts,
        drafts=drafts,
        mention_ids=[m.id for m in kept],
        document_date=document.document_date if document else None,
        pages={
            page.number: page.text
            for page in session.exec(select(Page).where(col(Page.document_id) == document_id))
        },
    )
    year = _document_year(session, document_id)
    for mention in kept:
        index_mention(session, mention=mention, year=year)
        if mention.subject_id is not None:
            touched.add(mention.subject_id)
    # The batch folds its count cells once, after resolving; a lone re-extraction's stay
    # marked (reads count them live) until the next resolution or review decision.
    refresh_subjects(session, subject_ids=touched, fold=False)
    return kept


def _fill_mention(mention: Mention, draft: MentionDraft, fact_ids: list[int]) -> None:
    mention.name = draft.name
    mention.name_kind = draft.name_kind
    mention.aliases = list(draft.aliases)
    mention.nationality = draft.nationality
    mention.passports = list(draft.passports)
    mention.age = draft.age
    mention.sex = draft.sex
    mention.place_codes = list(draft.place_codes)
    mention.incidents = list(draft.incidents)
    mention.fact_ids = fact_ids


def _delete_mention(session: Session, mention: Mention) -> None:
    # Explicit, not only ON DELETE CASCADE: the ORM session must forget the rows too.
    session.exec(sa.delete(MentionBlock).where(col(MentionBlock.mention_id) == mention.id))
    session.exec(
        sa.delete(ReviewItem).where(
            sa.or_(
                col(ReviewItem.mention_a_id) == mention.id,
                col(ReviewItem.mention_b_id) == mention.id,
            )
        )
    )
    session.delete(mention)


def index_mention(session: Session, *, mention: Mention, year: int | None) -> None:
    """Replace the blocking keys of a mention (caller's transaction)."""
    session.exec(sa.delete(MentionBlock).where(col(MentionBlock.mention_id) == mention.id))
    keys = blocking_keys(features_of(mention, year=year))
    session.add_all(MentionBlock(mention_id=mention.id or 0, key=key[:160]) for key in keys)


def features_of(mention: Mention, *, year: int | None) -> MentionFeatures:
    """What scoring compares about a stored mention."""
    return MentionFeatures(
        name=mention.name,
        aliases=list(mention.aliases),
        name_kind=mention.name_kind,
        nationality=mention.nationality,
        passports=list(mention.passports),
        age=mention.age,
        year=year,
        place_codes=list(mention.place_codes),
    )


def subjects_of_document(session: Session, *, document_id: int) -> set[int]:
    """The subjects a document's mentions belong to."""
    return {
        m.subject_id
        for m in mentions_of(session, document_ids=[document_id])
        if m.subject_id is not None
    }


def _document_year(session: Session, document_id: int) -> int | None:
    document = session.get(Document, document_id)
    if document is None or not document.document_date:
        return None
    return int(document.document_date[:4])


# --- subjects -----------------------------------------------------------------


def refresh_subjects(session: Session, *, subject_ids: Iterable[int], fold: bool = True) -> None:
    """Recompute names, counts and dates of subjects, and their cross-reference summaries
    (`storage.summaries`); a subject left empty is removed. Without `fold` the changed
    count cells stay marked for the caller's later `summaries.fold_counts`."""
    subject_ids = sorted(set(subject_ids))
    for subject_id in subject_ids:
        subject = session.get(Subject, subject_id)
        if subject is None:
            continue
        mentions = mentions_of(session, subject_ids=[subject_id])
        if not mentions:
            session.delete(subject)
            continue
        _fill_subject(session, subject, mentions)
    session.flush()
    summaries.refresh(session, subject_ids=subject_ids, fold=fold)


def _fill_subject(session: Session, subject: Subject, mentions: list[Mention]) -> None:
    full = [m for m in mentions if m.name_kind == "full"] or mentions
    subject.name = max(full, key=lambda m: (len(m.name), -(m.id or 0))).name
    subject.names = list(dict.fromkeys(n for m in mentions for n in [m.name, *m.aliases]))
    nationalities = Counter(m.nationality for m in mentions if m.nationality)
    subject.nationality = nationalities.most_common(1)[0][0] if nationalities else None
    subject.passports = sorted({p for m in mentions for p in m.passports})
    subject.mention_count = len(mentions)
    documents = {m.document_id for m in mentions}
    subject.document_count = len(documents)
    dates = sorted(
        d
        for d in session.exec(
            select(Document.document_date).where(col(Document.id).in_(list(documents)))
        ).all()
        if d
    )
    subject.first_date = dates[0] if dates else None
    subject.last_date = dates[-1] if dates else None
    subject.updated_at = utc_now()
    session.add(subject)


def _new_subject(session: Session, mention: Mention) -> Subject:
    subject = Subject(name=mention.name)
    session.add(subject)
    session.flush()
    mention.subject_id = subject.id
    session.add(mention)
    return subject


# --- decisions ------------------------------------------------------------------


def pair_key(a: Mention, b: Mention) -> PairKey:
    """The order-free stable key of a pair of mentions."""
    ref_a, ref_b = (a.document_id, a.key), (b.document_id, b.key)
    return (ref_a, ref_b) if ref_a <= ref_b else (ref_b, ref_a)


def load_decisions(session: Session) -> dict[PairKey, str]:
    """Every stored pair decision by its stable key."""
    decisions = {}
    for row in session.exec(select(PairDecision)).all():
        key = pair_key_of_refs((row.document_a_id, row.key_a), (row.document_b_id, row.key_b))
        decisions[key] = row.decision
    return decisions


def pair_key_of_refs(a: Ref, b: Ref) -> PairKey:
    """The order-free key of two (document id, mention key) references."""
    return (a, b) if a <= b else (b, a)


def _refs(mentions: Iterable[Mention]) -> set[Ref]:
    return {(m.document_id, m.key) for m in mentions}


def kept_apart(decisions: dict[PairKey, str], left: set[Ref], right: set[Ref]) -> bool:
    """True when someone decided that a mention of `left` is not one of `right`."""
    return any(decisions.get(pair_key_of_refs(a, b)) == "different" for a in left for b in right)


def _store_decision(session: Session, a: Mention, b: Mention, decision: str, user: str) -> None:
    (ref_a, ref_b) = pair_key(a, b)
    row = session.exec(
        select(PairDecision).where(
            PairDecision.document_a_id == ref_a[0],
            PairDecision.key_a == ref_a[1],
            PairDecision.document_b_id == ref_b[0],
            PairDecision.key_b == ref_b[1],
        )
    ).first() or PairDecision(
        document_a_id=ref_a[0],
        key_a=ref_a[1],
        document_b_id=ref_b[0],
        key_b=ref_b[1],
        decision=decision,
        decided_by=user,
    )
    row.decision, row.decided_by, row.decided_at = decision, user, utc_now()
    session.add(row)


# --- resolution -----------------------------------------------------------------


def resolve(
    session: Session, *, document_ids: Sequence[int] | None = None, seconds: float | None = None
) -> ResolveReport:
    """Give every mention without a subject one: joined, reviewed, or new. Commits.

    Past `seconds` the mentions resolved so far are committed and the others are left
    without a subject (`report.deferred`); the next resolution picks them up.
    """
    report = ResolveReport()
    deadline = Deadline("resolve", seconds, "PANTAU_RESOLVE_SECONDS")
    statement = select(Mention).where(col(Mention.subject_id).is_(None))
    if document_ids is not None:
        statement = statement.where(col(Mention.document_id).in_(list(document_ids)))
    with committing(session):
        # One resolution at a time, across processes and machines: two resolving the same
        # new mentions at once would each start a subject for the same person.
        claims.exclusive(session, IDENTITY_LOCK)
        decisions = load_decisions(session)
        mentions = session.exec(
            statement.order_by(col(Mention.id)).execution_options(populate_existing=True)
        ).all()
        for done, mention in enumerate(mentions):
            if deadline.expired():
                report.deferred = len(mentions) - done
                break
            _resolve_one(session, mention, decisions, report)
            report.mentions += 1
        _recover_documents(session, resolved={m.document_id for m in mentions[: report.mentions]})
        summaries.fold_counts(session)  # the batch's linked facts, into the counts' cells
    return report


def _recover_documents(session: Session, *, resolved: set[int]) -> None:
    """Documents made partial by a failed resolution are processed once all their
    mentions have subjects."""
    waiting = set(claims.documents_failed_at(session, error_code="identity_failed")) & resolved
    if not waiting:
        return
    left = session.exec(
        select(Mention.document_id)
        .where(col(Mention.subject_id).is_(None), col(Mention.document_id).in_(waiting))
        .distinct()
    ).all()
    claims.recover_stage(
        session, document_ids=sorted(waiting - set(left)), error_code="identity_failed"
    )


def _resolve_one(
    session: Session, mention: Mention, decisions: dict[PairKey, str], report: ResolveReport
) -> None:
    years: dict[int, int | None] = {}
    features = features_of(mention, year=_year(session, years, mention.document_id))
    best: dict[int, tuple[float, Mention, list[str]]] = {}
    for candidate in candidates(session, mention=mention):
        report.comparisons += 1
        score = score_pair(
            features, features_of(candidate, year=_year(session, years, candidate.document_id))
        )
        if decisions.get(pair_key(mention, candidate)) == "same":
            score.value, score.reasons = 1.0, ["decided: same person", *score.reasons]
        subject_id = candidate.subject_id or 0
        if subject_id not in best or score.value > best[subject_id][0]:
            best[subject_id] = (score.value, candidate, score.reasons)
    allowed = {
        sid: found
        for sid, found in best.items()
        if not kept_apart(
            decisions, _refs([mention]), _refs(mentions_of(session, subject_ids=[sid]))
        )
    }
    joined = _join_best(session, mention, allowed, report)
    for sid, (value, candidate, reasons) in allowed.items():
        if sid != joined and value >= LOW and pair_key(mention, candidate) not in decisions:
            report.review_items += _open_review(session, candidate, mention, value, reasons)
    refresh_subjects(session, subject_ids=[mention.subject_id or 0], fold=False)  # at the end


def _join_best(
    session: Session,
    mention: Mention,
    allowed: dict[int, tuple[float, Mention, list[str]]],
    report: ResolveReport,
) -> int | None:
    """Join the best subject scored at or above HIGH, else start a new subject."""
    ranked = sorted(allowed.items(), key=lambda item: -item[1][0])
    if ranked and ranked[0][1][0] >= HIGH:
        subject_id, (value, _candidate, reasons) = ranked[0]
        mention.subject_id, mention.score = subject_id, value
        decided = reasons[0].startswith("decided")
        mention.link = "review" if decided else "auto"
        report.decided += decided
        report.auto_merged += not decided
        session.add(mention)
        session.flush()
        return subject_id
    _new_subject(session, mention)
    mention.link, mention.score = "new", None
    report.new_subjects += 1
    return None


def _year(session: Session, years: dict[int, int | None], document_id: int) -> int | None:
    if document_id not in years:
        years[document_id] = _document_year(session, document_id)
    return years[document_id]


def candidates(session: Session, *, mention: Mention) -> list[Mention]:
    """Resolved mentions of other documents that share a blocking key with `mention`."""
    keys = select(MentionBlock.key).where(MentionBlock.mention_id == mention.id)
    ids = select(MentionBlock.mention_id).where(col(MentionBlock.key).in_(keys)).distinct()
    statement = (
        select(Mention)
        .where(
            col(Mention.id).in_(ids),
            col(Mention.subject_id).is_not(None),
            Mention.document_id != mention.document_id,
        )
        .order_by(col(Mention.id))
    )
    return list(session.exec(statement).all())


def _open_review(session: Session, a: Mention, b: Mention, value: float, reasons: list[str]) -> int:
    """Open a review item unless one is open for the two subjects; returns how many opened."""
    if _open_items_between(session, a.subject_id or 0, b.subject_id or 0):
        return 0
    session.add(
        ReviewItem(mention_a_id=a.id or 0, mention_b_id=b.id or 0, score=value, reasons=reasons)
    )
    session.flush()
    return 1


def _open_items_between(session: Session, left: int, right: int) -> list[ReviewItem]:
    """Open review items with one mention in subject `left` and the other in `right`."""
    a_mention = sa.orm.aliased(Mention)
    b_mention = sa.orm.aliased(Mention)
    statement = (
        select(ReviewItem)
        .join(a_mention, col(a_mention.id) == ReviewItem.mention_a_id)
        .join(b_mention, col(b_mention.id) == ReviewItem.mention_b_id)
        .where(
            ReviewItem.status == "open",
            sa.or_(
                sa.and_(col(a_mention.subject_id) == left, col(b_mention.subject_id) == right),
                sa.and_(col(a_mention.subject_id) == right, col(b_mention.subject_id) == left),
            ),
        )
    )
    return list(session.exec(statement).all())


# --- review -----------------------------------------------------------------------


def list_review_items(
    session: Session, *, status: str = "open", limit: int = 50, offset: int = 0
) -> list[ReviewRecord]:
    """Review items of a status, highest score first, with both mentions described."""
    items = session.exec(
        select(ReviewItem)
        .where(ReviewItem.status == status)
        .order_by(col(ReviewItem.score).desc(), col(ReviewItem.id))
        .offset(offset)
        .limit(limit)
    ).all()
    return [review_record(session, item=item) for item in items]


def get_review_item(session: Session, *, item_id: int) -> ReviewRecord | None:
    """One review item, open or decided; None when there is no such item."""
    item = session.get(ReviewItem, item_id, populate_existing=True)
    return review_record(session, item=item) if item is not None else None


def subject_of_mention(session: Session, *, mention_id: int) -> int | None:
    """The subject a mention belongs to (None for an unresolved or unknown mention)."""
    mention = session.get(Mention, mention_id, populate_existing=True)
    return mention.subject_id if mention is not None else None


def count_review_items(session: Session, *, status: str = "open") -> int:
    """How many review items have `status`."""
    statement = select(sa.func.count()).select_from(ReviewItem).where(ReviewItem.status == status)
    return int(session.exec(statement).one())


def review_record(session: Session, *, item: ReviewItem) -> ReviewRecord:
    """One review item as an investigator sees it."""
    return ReviewRecord(
        id=item.id or 0,
        score=item.score,
        reasons=list(item.reasons),
        status=item.status,
        decision=item.decision,
        decided_by=item.decided_by,
        a=_review_mention(session, item.mention_a_id),
        b=_review_mention(session, item.mention_b_id),
    )


def _review_mention(session: Session, mention_id: int) -> ReviewMention:
    mention = session.get(Mention, mention_id)
    if mention is None:
        raise IdentityError(f"Mention {mention_id} is gone; run `pantau resolve` again.")
    document = session.get(Document, mention.document_id)
    return ReviewMention(
        mention_id=mention_id,
        subject_id=mention.subject_id,
        name=mention.name,
        aliases=list(mention.aliases),
        nationality=mention.nationality,
        passports=list(mention.passports),
        age=mention.age,
        document_id=mention.document_id,
        document_name=document.name if document else "",
        document_date=document.document_date if document else None,
    )


def decide_review(session: Session, *, item_id: int, decision: str, user: str) -> ReviewRecord:
    """Record a decision on a review item and merge or split the subjects to match."""
    item = session.get(ReviewItem, item_id)
    if item is None:
        raise IdentityError(f"No review item {item_id}; `pantau review` lists the open ones.")
    decide_pair(
        session,
        mention_a_id=item.mention_a_id,
        mention_b_id=item.mention_b_id,
        decision=decision,
        user=user,
    )
    session.refresh(item)
    return review_record(session, item=item)


def decide_pair(
    session: Session, *, mention_a_id: int, mention_b_id: int, decision: str, user: str
) -> None:
    """Decide whether two mentions are one person; subjects are merged or split to match.

    Works with or without a review item (e.g. rejecting an automatic link from a
    dossier); an open review item for the pair is closed with the same decision.
    """
    if decision not in DECISIONS:
        raise IdentityError(f"Decision {decision!r} is unknown; use one of {', '.join(DECISIONS)}.")
    a, b = session.get(Mention, mention_a_id), session.get(Mention, mention_b_id)
    if a is None or b is None:
        raise IdentityError("A mention of this pair is gone; `pantau review` lists current ones.")
    with committing(session):
        claims.exclusive(session, IDENTITY_LOCK)
        session.refresh(a)
        session.refresh(b)
        _store_decision(session, a, b, decision, user)
        session.flush()
        if decision == "same":
            merge_subjects(session, keep=a, other=b)
        elif decision == "different" and a.subject_id == b.subject_id:
            split_mention(session, mention=b)
        _close_reviews(session, a, b, decision, user)


def _close_reviews(session: Session, a: Mention, b: Mention, decision: str, user: str) -> None:
    """Close the pair's items; after a merge, also those now inside one subject."""
    items = session.exec(
        select(ReviewItem).where(
            sa.or_(
                sa.and_(col(ReviewItem.mention_a_id) == a.id, col(ReviewItem.mention_b_id) == b.id),
                sa.and_(col(ReviewItem.mention_a_id) == b.id, col(ReviewItem.mention_b_id) == a.id),
            )
        )
    ).all()
    if decision == "same":
        subject = a.subject_id or 0
        items = [*items, *_open_items_between(session, subject, subject)]
    for item in items:
        item.status, item.decision = "decided", decision
        item.decided_by, item.decided_at = user, utc_now()
        session.add(item)


def merge_subjects(session: Session, *, keep: Mention, other: Mention) -> None:
    """Unite the subjects of two mentions (caller's transaction); refuses a kept-apart pair."""
    if keep.subject_id == other.subject_id:
        return
    left = mentions_of(session, subject_ids=[keep.subject_id or 0])
    right = mentions_of(session, subject_ids=[other.subject_id or 0])
    decisions = load_decisions(session)
    if kept_apart(decisions, _refs(left), _refs(right)):
        raise IdentityError(
            f"{keep.name} and {other.name} belong to subjects someone decided are different "
            "people; decide that earlier pair again before merging."
        )
    # Imported here: storage.watch imports batch_search, which imports this module.
    from storage.watch import follow_merge

    old_subject = other.subject_id
    for mention in right:
        mention.subject_id = keep.subject_id
        session.add(mention)
    other.link = "review"
    follow_merge(session, old_subject=old_subject or 0, new_subject=keep.subject_id or 0)
    session.flush()
    refresh_subjects(session, subject_ids=[keep.subject_id or 0, old_subject or 0])


def split_mention(session: Session, *, mention: Mention) -> None:
    """Move a mention, and those decided to be the same as it, to a subject of their own."""
    decisions = load_decisions(session)
    members = mentions_of(session, subject_ids=[mention.subject_id or 0])
    group = {mention.id}
    changed = True
    while changed:
        changed = False
        for other in members:
            linked = any(
                decisions.get(pair_key(other, m)) == "same"
                for m in members
                if m.id in group and other.id not in group
            )
            if linked:
                group.add(other.id)
                changed = True
    old_subject = mention.subject_id
    subject = _new_subject(session, mention)
    for other in members:
        if other.id in group:
            other.subject_id, other.link = subject.id, "review"
            session.add(other)
    session.flush()
    refresh_subjects(session, subject_ids=[old_subject or 0, subject.id or 0])


def rebuild_all_mentions(session: Session) -> int:
    """Rebuild the mentions of every document that has facts; returns how many documents."""
    ids = session.exec(select(FactRow.document_id).distinct()).all()
    for document_id in sorted(ids):
        build_mentions(session, document_id=document_id)
    return len(ids)
