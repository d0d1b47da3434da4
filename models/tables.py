"""Database tables (sqlmodel): documents, their pages, extracted facts, and batch runs.

Each entity is a family: `*Base` holds the shared fields, the table class adds
keys and bookkeeping, `*Public` is what leaves the storage layer for display.
The schema itself is created by the Alembic migrations in `storage/migrations`;
these classes must stay in step with them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlmodel import JSON, Field, SQLModel

from models.records import DocumentStatus, FactKind, PageSource, RunStatus


def utc_now() -> datetime:
    """Return the current time in UTC, timezone-aware."""
    return datetime.now(UTC)


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no zone, so values are written as UTC and tagged UTC on load.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"timestamp {value!r} has no time zone; pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class EnumText(sa.types.TypeDecorator[StrEnum]):
    """A `StrEnum` stored as its plain string value (no native database enum)."""

    impl = sa.String(16)
    cache_ok = True

    def __init__(self, enum: type[StrEnum]) -> None:
        super().__init__()
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        # Converting validates: an unknown value fails here, not in a report later.
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> StrEnum | None:
        return None if value is None else self.enum(value)


# --- runs -------------------------------------------------------------------


class RunBase(SQLModel):
    """What a batch run was asked to do and what came of it."""

    status: RunStatus = Field(default=RunStatus.RUNNING, sa_type=EnumText(RunStatus))
    inputs: list[str] = Field(default_factory=list, sa_type=JSON)
    documents_seen: int = 0
    processed: int = 0
    partial: int = 0
    failed: int = 0
    duplicates: int = 0
    unchanged: int = Field(default=0, description="Already stored by an earlier run; skipped")
    pages: int = 0
    pages_ocr: int = 0
    pages_text_layer: int = 0
    failures_by_reason: dict[str, int] = Field(default_factory=dict, sa_type=JSON)
    refused: list[dict[str, str]] = Field(
        default_factory=list,
        sa_type=JSON,
        sa_column_kwargs={"server_default": "[]"},
        description="Inputs not read: {path, error_code, error}, at most MAX_REFUSED",
    )
    facts: int = Field(default=0, description="Facts extracted by this run")
    elsewhere: int = Field(
        default=0,
        sa_column_kwargs={"server_default": "0"},
        description="Inputs another worker held a live claim on; left to it",
    )
    seconds: float = 0.0
    worker: str | None = Field(
        default=None, max_length=200, description="host:pid of the process that ran it"
    )


class Run(RunBase, table=True):
    """One batch run; its counts grow as each document commits."""

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # Renewed while the run's process lives; a running run past it has crashed.
    lease_expires_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class RunPublic(RunBase):
    """A run as shown in reports."""

    id: int
    started_at: datetime
    finished_at: datetime | None


# --- documents --------------------------------------------------------------


class DocumentBase(SQLModel):
    """One input file as Pantau saw it."""

    sha256: str = Field(max_length=64, index=True)
    path: str = Field(description="Absolute path of the original, as given")
    name: str = Field(description="File name of the original")
    media_type: str = Field(max_length=128)
    size: int = Field(sa_type=sa.BigInteger, description="Bytes")
    status: DocumentStatus = Field(default=DocumentStatus.PENDING, sa_type=EnumText(DocumentStatus))
    error: str | None = Field(default=None, sa_type=sa.Text)
    error_code: str | None = Field(default=None, max_length=64)
    page_count: int = 0
    warnings: list[str] = Field(
        default_factory=list, sa_type=JSON, description="Notes for a person, e.g. a lying name"
    )
    kind: str | None = Field(default=None, max_length=16, description="letter, minutes or news")
    document_date: str | None = Field(
        default=None, max_length=10, description="ISO date the text is anchored to"
    )
    extractor: str | None = Field(
        default=None, max_length=64, description="Version of the pipeline that made its facts"
    )
    extracted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    copy_of: int | None = Field(
        default=None,
        index=True,
        description="The earlier document with the same text (another scan): counted once. "
        "No foreign key: deleting the earlier document hands its copies to the next copy",
    )


class Document(DocumentBase, table=True):
    """A stored input; (sha256, path) identifies it, one original per sha256."""

    __table_args__ = (
        sa.UniqueConstraint("sha256", "path", name="uq_document_sha256_path"),
        # At most one original per content: concurrent claims of the same bytes at
        # different paths cannot both become NEW.
        sa.Index(
            "uq_document_original_sha256",
            "sha256",
            unique=True,
            sqlite_where=sa.text("duplicate_of IS NULL"),
            postgresql_where=sa.text("duplicate_of IS NULL"),
        ),
        # Search orders and filters by these.
        sa.Index("ix_document_document_date", "document_date"),
        sa.Index("ix_document_kind", "kind"),
        # The originals' ids and dates, which a filter's matching documents are read from:
        # PostgreSQL reads them from this index instead of every document row (a facet
        # value on 30,000 of 100,000 documents: 47 -> 29 ms). SQLite reads rows by id.
        sa.Index(
            "ix_document_original_dated",
            "id",
            "document_date",
            sqlite_where=sa.text("duplicate_of IS NULL"),
            postgresql_where=sa.text("duplicate_of IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    duplicate_of: int | None = Field(
        default=None, foreign_key="document.id", ondelete="CASCADE", index=True
    )
    run_id: int = Field(foreign_key="run.id", index=True)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    # The worker reading a pending document, and until when its claim holds unless renewed.
    claimed_by: str | None = Field(default=None, max_length=200)
    lease_expires_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class DocumentEvent(SQLModel, table=True):
    """One step in a document's history: claimed, taken over, failed, retried, recovered.

    A retry or a new result replaces the document's current error; the earlier ones stay
    here.
    """

    __tablename__ = "document_event"

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE", index=True)
    run_id: int | None = Field(default=None, foreign_key="run.id", ondelete="SET NULL")
    at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    event: str = Field(max_length=32)
    stage: str | None = Field(default=None, max_length=16, description="read, ocr, nlp, identity")
    status: str | None = Field(default=None, max_length=16)
    error_code: str | None = Field(default=None, max_length=64)
    error: str | None = Field(default=None, sa_type=sa.Text)
    worker: str | None = Field(default=None, max_length=200)


class AppLock(SQLModel, table=True):
    """Named locks for work that must not run twice at once (identity resolution).

    On PostgreSQL an advisory lock does the locking; on SQLite writing the row takes the
    database's write lock. Either way the row says who took it last.
    """

    __tablename__ = "app_lock"

    name: str = Field(primary_key=True, max_length=64)
    holder: str | None = Field(default=None, max_length=200)
    taken_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class DocumentPublic(DocumentBase):
    """A document as shown to users."""

    id: int
    duplicate_of: int | None
    run_id: int
    created_at: datetime
    updated_at: datetime


# --- pages ------------------------------------------------------------------


class PageBase(SQLModel):
    """The text of one page, or the error that stopped it."""

    number: int = Field(description="1-based page number")
    text: str = Field(default="", sa_type=sa.Text)
    source: PageSource = Field(default=PageSource.NONE, sa_type=EnumText(PageSource))
    confidence: float | None = None
    rotation: int = 0
    skew: float = 0.0
    width: int = 0
    height: int = 0
    words: list[dict[str, Any]] = Field(
        default_factory=list, sa_type=JSON, description="WordBox dicts"
    )
    steps: list[str] = Field(default_factory=list, sa_type=JSON)
    error: str | None = Field(default=None, sa_type=sa.Text)
    error_code: str | None = Field(default=None, max_length=64)


class Page(PageBase, table=True):
    """One page of a stored document; indexed for full-text search."""

    __table_args__ = (sa.UniqueConstraint("document_id", "number", name="uq_page_document_number"),)

    id: int | None = Field(default=None, primary_key=True)
    roots: str = Field(
        default="",
        sa_type=sa.Text,
        sa_column_kwargs={"server_default": ""},
        description="Roots of the page's words that differ from them (extractors.roots)",
    )
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE", index=True)


class PagePublic(PageBase):
    """A page as shown to users."""

    id: int
    document_id: int


# --- facts ------------------------------------------------------------------


class FactBase(SQLModel):
    """One extracted fact and where it came from (page, character span, sentence, method)."""

    kind: FactKind = Field(sa_type=EnumText(FactKind))
    page: int = Field(description="1-based page number")
    start: int = Field(description="Character offset in the page text")
    end: int
    text: str = Field(sa_type=sa.Text, description="The words as written")
    value: str | None = Field(default=None, sa_type=sa.Text, description="Normalised value")
    sentence: str = Field(default="", sa_type=sa.Text)
    method: str = Field(max_length=64)
    confidence: float
    attributes: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    boxes: list[list[int]] = Field(
        default_factory=list, sa_type=JSON, description="OCR word boxes it covers"
    )


class FactRow(FactBase, table=True):
    """A stored fact; a document's facts are replaced together when it is extracted again."""

    __tablename__ = "fact"
    __table_args__ = (sa.Index("ix_fact_kind_value", "kind", "value"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE", index=True)


class FactPublic(FactBase):
    """A fact as shown to users."""

    id: int
    document_id: int


# --- facets -----------------------------------------------------------------


class DocumentFacet(SQLModel, table=True):
    """One facet value of a document (its facts, kind and month, denormalised for search).

    Rebuilt with the document's facts, so filters and counts read this table
    instead of scanning facts. `facet` is one of `models.records.FACETS`.
    """

    __tablename__ = "document_facet"
    __table_args__ = (sa.Index("ix_document_facet_facet_value", "facet", "value", "document_id"),)

    # The key starts with document_id, so it also serves lookups by document.
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE", primary_key=True)
    facet: str = Field(max_length=16, primary_key=True)
    value: str = Field(max_length=160, primary_key=True)


class DocumentFacetList(SQLModel, table=True):
    """A document's counted facet values in one row (letter numbers are not counted): one
    "facet<TAB>value" line each, the same values as its `DocumentFacet` rows.

    Facet counts over a list of documents read these rows and count in Python: grouping the
    facet rows of 8,000 documents sorted 100,000 of them (70 ms); this reads 8,000 rows by
    key (25 ms). Values hold no tab or line break (`storage.facets.document_facets` folds
    whitespace)."""

    __tablename__ = "document_facet_list"

    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE", primary_key=True)
    lines: str = Field(sa_type=sa.Text)


class LinkedFact(SQLModel, table=True):
    """One person of a document (or an incident naming nobody) with one incident linked
    to them (or none), a place and a month: what counts are made of.

    Rebuilt with the document's mentions (see `extractors.linked`); `mention_id` is None
    for an incident that names nobody.
    """

    __tablename__ = "linked_fact"
    __table_args__ = (
        # The cells of `count_cell` are counted again through these (`storage.summaries`).
        sa.Index("ix_linked_fact_cell_province", "nationality", "province", "incident", "month"),
        sa.Index("ix_linked_fact_cell_regency", "nationality", "regency", "incident", "month"),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE", index=True)
    mention_id: int | None = Field(
        default=None, foreign_key="mention.id", ondelete="CASCADE", index=True
    )
    nationality: str | None = Field(default=None, max_length=2)
    incident: str | None = Field(default=None, max_length=32)
    status: str | None = Field(default=None, max_length=16)
    province: str | None = Field(default=None, max_length=2)
    regency: str | None = Field(default=None, max_length=5)
    month: str | None = Field(default=None, max_length=7)
    date: str | None = Field(default=None, max_length=10, description="ISO, as precise as stated")


class DocumentBand(SQLModel, table=True):
    """One MinHash band key of a document's text (`extractors.copies`): documents sharing a
    key are candidates for copies of one another."""

    __tablename__ = "document_band"
    __table_args__ = (sa.Index("ix_document_band_band", "band", "document_id"),)

    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE", primary_key=True)
    band: str = Field(max_length=16, primary_key=True)


# --- subjects and mentions ----------------------------------------------------


class SubjectBase(SQLModel):
    """One foreign national as known across documents: the mentions resolved to them."""

    name: str = Field(sa_type=sa.Text, description="The fullest name seen, for display")
    names: list[str] = Field(default_factory=list, sa_type=JSON, description="Every name seen")
    nationality: str | None = Field(
        default=None, max_length=2, index=True, description="ISO 3166-1 alpha-2"
    )
    passports: list[str] = Field(
        default_factory=list, sa_type=JSON, description="Passport and permit numbers seen"
    )
    mention_count: int = 0
    document_count: int = 0
    first_date: str | None = Field(default=None, max_length=10, description="ISO date")
    last_date: str | None = Field(default=None, max_length=10, description="ISO date")


class Subject(SubjectBase, table=True):
    """A resolved foreign national; mentions point to it."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)


class SubjectPublic(SubjectBase):
    """A subject as shown to investigators."""

    id: int
    created_at: datetime
    updated_at: datetime


class MentionBase(SQLModel):
    """One named foreign national in one document: its facts gathered under one name."""

    key: str = Field(
        max_length=128, description="Folded name; stable across re-extraction of the document"
    )
    name: str = Field(sa_type=sa.Text, description="The fullest form written in the document")
    name_kind: str = Field(default="full", max_length=16, description="full, initials or alias")
    aliases: list[str] = Field(default_factory=list, sa_type=JSON)
    nationality: str | None = Field(default=None, max_length=2, index=True)
    passports: list[str] = Field(default_factory=list, sa_type=JSON)
    age: int | None = None
    sex: str | None = Field(default=None, max_length=8)
    place_codes: list[str] = Field(
        default_factory=list, sa_type=JSON, description="Kemendagri codes of places stated"
    )
    incidents: list[str] = Field(
        default_factory=list, sa_type=JSON, description="Labels of incidents that concern it"
    )
    fact_ids: list[int] = Field(default_factory=list, sa_type=JSON)
    link: str = Field(
        default="new",
        max_length=16,
        description="How it joined its subject: new, auto (score above threshold) or review",
    )
    score: float | None = Field(default=None, description="Score of the link to its subject")


class Mention(MentionBase, table=True):
    """A stored mention; the mentions of a document are rebuilt when its facts are."""

    __table_args__ = (sa.UniqueConstraint("document_id", "key", name="uq_mention_document_key"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE", index=True)
    subject_id: int | None = Field(
        default=None, foreign_key="subject.id", ondelete="SET NULL", index=True
    )
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)


class MentionPublic(MentionBase):
    """A mention as shown to investigators."""

    id: int
    document_id: int
    subject_id: int | None


# --- identity resolution --------------------------------------------------------


class MentionBlock(SQLModel, table=True):
    """One blocking key of a mention: candidates for a pair are found through this index."""

    __tablename__ = "mention_block"
    __table_args__ = (sa.UniqueConstraint("mention_id", "key", name="uq_mention_block"),)

    id: int | None = Field(default=None, primary_key=True)
    mention_id: int = Field(foreign_key="mention.id", ondelete="CASCADE", index=True)
    key: str = Field(max_length=160, index=True)


class ReviewItemBase(SQLModel):
    """A pair of mentions scored in the uncertain band: an investigator decides."""

    score: float
    reasons: list[str] = Field(default_factory=list, sa_type=JSON)
    status: str = Field(default="open", max_length=16, index=True, description="open or decided")
    decision: str | None = Field(
        default=None, max_length=16, description="same, different or unsure"
    )
    decided_by: str | None = Field(default=None, max_length=128)
    decided_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class ReviewItem(ReviewItemBase, table=True):
    """A stored review item; it goes with either of its mentions."""

    __tablename__ = "review_item"
    __table_args__ = (
        sa.UniqueConstraint("mention_a_id", "mention_b_id", name="uq_review_item_pair"),
    )

    id: int | None = Field(default=None, primary_key=True)
    mention_a_id: int = Field(foreign_key="mention.id", ondelete="CASCADE", index=True)
    mention_b_id: int = Field(foreign_key="mention.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)


class ReviewItemPublic(ReviewItemBase):
    """A review item as shown to investigators."""

    id: int
    mention_a_id: int
    mention_b_id: int
    created_at: datetime


class PairDecisionBase(SQLModel):
    """An investigator's word on two mentions, kept by document and mention key."""

    document_a_id: int = Field(foreign_key="document.id", ondelete="CASCADE", index=True)
    key_a: str = Field(max_length=128)
    document_b_id: int = Field(foreign_key="document.id", ondelete="CASCADE", index=True)
    key_b: str = Field(max_length=128)
    decision: str = Field(max_length=16, description="same, different or unsure")
    decided_by: str = Field(max_length=128)
    decided_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)


class PairDecision(PairDecisionBase, table=True):
    """A stored decision; it survives re-extraction because mention keys are stable."""

    __tablename__ = "pair_decision"
    __table_args__ = (
        sa.UniqueConstraint(
            "document_a_id", "key_a", "document_b_id", "key_b", name="uq_pair_decision_pair"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)


class PairDecisionPublic(PairDecisionBase):
    """A decision as shown in the audit of a subject."""

    id: int


# --- users and audit ----------------------------------------------------------


class Role(StrEnum):
    """What a workbench user may do: manage users, watch runs, or investigate."""

    ADMIN = "admin"
    ANALYST = "analyst"
    INVESTIGATOR = "investigator"


class UserBase(SQLModel):
    """A person who signs in to the workbench."""

    name: str = Field(max_length=64, description="Login name, unique")
    role: Role = Field(sa_type=EnumText(Role), description="The first role: the home page")
    extra_roles: list[str] = Field(
        default_factory=list,
        sa_type=JSON,
        sa_column_kwargs={"server_default": "[]"},
        description="Further roles of the same person (an administrator who also searches)",
    )
    active: bool = True
    must_change_password: bool = Field(
        default=False,
        sa_column_kwargs={"server_default": sa.false()},
        description="Set by an administrator's reset: the next sign-in must choose a password",
    )
    language: str | None = Field(
        default=None,
        max_length=8,
        description="The user's language for the workbench (id, en); None: PANTAU_LANGUAGE",
    )

    @property
    def roles(self) -> list[Role]:
        """Every role of the user, the first one first."""
        return [self.role, *(Role(r) for r in self.extra_roles if r != self.role)]

    def has_role(self, role: Role) -> bool:
        return role in self.roles


class AppUser(UserBase, table=True):
    """A stored user; `password_hash` is an argon2 hash and never leaves storage."""

    __tablename__ = "app_user"
    __table_args__ = (sa.UniqueConstraint("name", name="uq_app_user_name"),)

    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)


class UserPublic(UserBase):
    """A user as shown to administrators (no password hash)."""

    id: int
    created_at: datetime


class WebSession(SQLModel, table=True):
    """A signed-in browser: its cookie holds a random token, this row the token's sha256.

    The row is valid until `expires_at` unless `revoked_at` is set (sign-out, an
    administrator, or a change to the user's state, role or password).
    """

    __tablename__ = "web_session"

    id: str = Field(primary_key=True, max_length=64, description="sha256 (hex) of the token")
    user_id: int = Field(foreign_key="app_user.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    last_seen_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    expires_at: datetime = Field(sa_type=UtcDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    ip: str | None = Field(default=None, max_length=64)
    user_agent: str = Field(default="", max_length=200)


class LoginFailure(SQLModel, table=True):
    """One failed sign-in, counted per name tried and per address to throttle guessing."""

    __tablename__ = "login_failure"
    __table_args__ = (
        sa.Index("ix_login_failure_name_at", "name", "at"),
        sa.Index("ix_login_failure_address_at", "address", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime, index=True)
    name: str = Field(max_length=64, description="The name tried (it need not exist)")
    address: str | None = Field(default=None, max_length=64)


class AuditEventBase(SQLModel):
    """Who did what to which record, when and from where."""

    user: str = Field(max_length=64, description="Name of the acting user ('' if unknown)")
    action: str = Field(max_length=32, description="e.g. login, search, view, export")
    target: str = Field(default="", sa_type=sa.Text, description="What was acted on")
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    ip: str | None = Field(default=None, max_length=64)


class AuditEvent(AuditEventBase, table=True):
    """One append-only audit row; the database refuses updates and deletes.

    `seq`, `prev_hash` and `hash` chain each row to the one before (storage.audit).
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        sa.Index("ix_audit_event_user_at", "user", "at"),
        sa.Index("uq_audit_event_seq", "seq", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime, index=True)
    seq: int | None = Field(default=None, sa_type=sa.BigInteger, description="1, 2, 3, … no gaps")
    prev_hash: str | None = Field(default=None, max_length=64, description="hash of seq - 1")
    hash: str | None = Field(default=None, max_length=64, description="sha256 of this row")


class AuditEventPublic(AuditEventBase):
    """An audit row as shown to administrators."""

    id: int
    at: datetime


# --- watchlists and alerts ----------------------------------------------------


class WatchKind(StrEnum):
    """What a watch looks for in new documents."""

    SUBJECT = "subject"  # mentions resolved to one subject
    NAME = "name"  # mentions whose name scores like the watched one (storage.watch)
    NUMBER = "number"  # mentions carrying a passport or permit number
    QUERY = "query"  # documents whose linked facts match nationality, region and incident


class WatchBase(SQLModel):
    """What an investigator watches for, and why."""

    owner: str = Field(max_length=64, index=True, description="Workbench user name")
    shared: bool = Field(default=False, description="Visible to every investigator")
    kind: WatchKind = Field(sa_type=EnumText(WatchKind))
    subject_id: int | None = Field(
        default=None,
        index=True,
        description="The watched subject; a merge moves the watch to the subject it became",
    )
    name: str | None = Field(default=None, max_length=200)
    number: str | None = Field(default=None, max_length=32, description="Upper case, no spaces")
    nationality: str | None = Field(default=None, max_length=2, description="ISO 3166-1 alpha-2")
    region: str | None = Field(default=None, max_length=5, description="Province or regency code")
    incident: str | None = Field(default=None, max_length=32, description="Incident label")
    note: str = Field(default="", sa_type=sa.Text, description="Why it is watched")


class Watch(WatchBase, table=True):
    """A stored watch; its index keys are in `watch_key`."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)


class WatchPublic(WatchBase):
    """A watch as shown to investigators."""

    id: int
    created_at: datetime
    updated_at: datetime


class WatchKey(SQLModel, table=True):
    """One index key of a watch: screening finds the watches of a new mention or linked
    row through the keys they share (`storage.watch.watch_keys`), never by reading all."""

    __tablename__ = "watch_key"
    __table_args__ = (sa.Index("ix_watch_key_key", "key", "need", "watch_id"),)

    watch_id: int = Field(foreign_key="watch.id", ondelete="CASCADE", primary_key=True)
    key: str = Field(max_length=160, primary_key=True)
    need: int = Field(default=1, description="Keys a mention must share with the watch")


class AlertBase(SQLModel):
    """A new document that a watch caught: where, the words, and why."""

    page: int = Field(description="1-based page of the evidence")
    evidence: str = Field(default="", sa_type=sa.Text, description="The sentence that matched")
    marks: list[str] = Field(
        default_factory=list, sa_type=JSON, description="Words of the evidence that matched"
    )
    reasons: list[str] = Field(default_factory=list, sa_type=JSON)


class Alert(AlertBase, table=True):
    """A stored alert: one per watch and document, however often the document is read."""

    __table_args__ = (
        sa.UniqueConstraint("watch_id", "document_id", name="uq_alert_watch_document"),
    )

    id: int | None = Field(default=None, primary_key=True)
    watch_id: int = Field(foreign_key="watch.id", ondelete="CASCADE", index=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE", index=True)
    mention_id: int | None = Field(default=None, foreign_key="mention.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime, index=True)


class AlertSeen(SQLModel, table=True):
    """One user has seen one alert (others may not have)."""

    __tablename__ = "alert_seen"

    alert_id: int = Field(foreign_key="alert.id", ondelete="CASCADE", primary_key=True)
    user: str = Field(max_length=64, primary_key=True)
    seen_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)


class WatchCursor(SQLModel, table=True):
    """How far screening has read: mentions and linked rows up to these ids are screened.

    One row (id 1). Re-extraction gives a document new mention and linked rows, so they are
    screened again; an alert's (watch, document) key keeps it from being raised twice.
    """

    __tablename__ = "watch_cursor"

    id: int = Field(default=1, primary_key=True)
    mention_id: int = Field(default=0, description="Last mention id screened")
    linked_id: int = Field(default=0, description="Last linked_fact id screened")
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)


# --- corrections ----------------------------------------------------------------


class CorrectionBase(SQLModel):
    """An investigator's correction of a document's facts (`extractors.corrections`):
    anchored to words on a page, applied on top of every extraction of the document."""

    action: str = Field(max_length=16, description="reject, role, nationality or add")
    kind: FactKind = Field(
        sa_type=EnumText(FactKind), description="The kind rejected, the role set or the kind added"
    )
    page: int
    start: int
    end: int
    text: str = Field(max_length=200, description="The words at the span when it was made")
    nationality: str | None = Field(default=None, max_length=2, description="ISO 3166-1 alpha-2")
    value: str | None = Field(default=None, max_length=200)
    reason: str = Field(sa_type=sa.Text, description="Why, in the investigator's words")
    author: str = Field(max_length=64, description="Workbench user name")
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    withdrawn_by: str | None = Field(default=None, max_length=64)


class Correction(CorrectionBase, table=True):
    """A stored correction; withdrawn ones are kept for the record and no longer applied."""

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE", index=True)
    replaced: list[dict[str, Any]] = Field(
        default_factory=list,
        sa_type=JSON,
        description="The facts it replaced when it was made, given back if it is withdrawn",
    )


class CorrectionPublic(CorrectionBase):
    """A correction as shown to investigators."""

    id: int
    document_id: int


# --- summaries for cross-reference -------------------------------------------------


class SubjectRegion(SQLModel, table=True):
    """How many regions (provinces or regencies) a subject's mentions place them in, and in
    how many documents: kept by `storage.summaries` whenever the subject's mentions change,
    so "subjects in several regions" reads an index instead of every mention."""

    __tablename__ = "subject_region"
    __table_args__ = (
        sa.Index("ix_subject_region_level_regions", "level", "regions", "subject_id"),
    )

    subject_id: int = Field(foreign_key="subject.id", ondelete="CASCADE", primary_key=True)
    level: str = Field(max_length=8, primary_key=True, description="province or regency")
    regions: int
    documents: int


class SubjectPair(SQLModel, table=True):
    """Two subjects named in the same documents, and in how many: kept by
    `storage.summaries`, one row per direction, so a subject's pairs and the most shared
    pairs read an index instead of joining every mention with every other."""

    __tablename__ = "subject_pair"
    __table_args__ = (
        sa.Index("ix_subject_pair_documents", "documents", "subject_id", "other_id"),
        sa.Index("ix_subject_pair_other", "other_id"),
    )

    subject_id: int = Field(foreign_key="subject.id", ondelete="CASCADE", primary_key=True)
    other_id: int = Field(foreign_key="subject.id", ondelete="CASCADE", primary_key=True)
    documents: int


class CountCell(SQLModel, table=True):
    """Documents and people of one cell of a counted grouping (e.g. nationality × province ×
    incident × month), over every document that is not a copy: kept by
    `storage.summaries` from the `count_dirty` keys, so the unfiltered counts read cells
    instead of every linked fact. Columns outside the grouping are None."""

    __tablename__ = "count_cell"
    __table_args__ = (
        sa.Index("ix_count_cell_grouping", "grouped_by", "documents"),
        sa.Index("uq_count_cell_cell", "grouped_by", "cell", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    grouped_by: str = Field(max_length=64, description="Its columns, e.g. nationality,province")
    nationality: str | None = Field(default=None, max_length=2)
    incident: str | None = Field(default=None, max_length=32)
    status: str | None = Field(default=None, max_length=16)
    province: str | None = Field(default=None, max_length=2)
    regency: str | None = Field(default=None, max_length=5)
    month: str | None = Field(default=None, max_length=7)
    cell: str = Field(max_length=80, description="Its values joined by |, in grouping order")
    documents: int
    people: int


class CountDirty(SQLModel, table=True):
    """The values of a linked fact whose cells may have changed: written by database
    triggers when linked facts are added or removed, a mention changes subject, or a
    document becomes or stops being a copy; folded into `count_cell` and removed by
    `storage.summaries.fold_counts`."""

    __tablename__ = "count_dirty"

    id: int | None = Field(default=None, primary_key=True)
    nationality: str | None = Field(default=None, max_length=2)
    incident: str | None = Field(default=None, max_length=32)
    status: str | None = Field(default=None, max_length=16)
    province: str | None = Field(default=None, max_length=2)
    regency: str | None = Field(default=None, max_length=5)
    month: str | None = Field(default=None, max_length=7)
