"""Typed records passed between the stages of a batch (no database here).

One `DocumentResult` per input file: its status, pages and errors. A failure is
data (status + reason + page), never an exception that escapes a batch.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class MediaType(StrEnum):
    """Input formats Pantau recognises from the content of a file."""

    PDF = "application/pdf"
    PNG = "image/png"
    JPEG = "image/jpeg"
    TIFF = "image/tiff"
    DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    TEXT = "text/plain"
    HTML = "text/html"
    UNKNOWN = "application/octet-stream"


class PageSource(StrEnum):
    """Where the text of a page came from."""

    TEXT_LAYER = "text_layer"  # born-digital PDF text, DOCX, HTML or plain text
    OCR = "ocr"
    NONE = "none"  # the page could not be read (see its error)


class DocumentStatus(StrEnum):
    """The one state every input ends in."""

    PENDING = "pending"
    PROCESSED = "processed"
    PARTIAL = "partial"  # some pages failed; their errors say why
    FAILED = "failed"
    DUPLICATE = "duplicate"  # same content as an earlier document


class RunStatus(StrEnum):
    """The state of one batch run."""

    RUNNING = "running"
    FINISHED = "finished"
    CRASHED = "crashed"  # left running by a process that died; found at the next start


class WordBox(BaseModel):
    """One recognised word and where it sits on the page image (pixels)."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float = Field(description="Tesseract word confidence, 0-100; 100 for text layers")
    line: int = Field(default=0, description="Line number within the page, in reading order")
    start: int = Field(default=-1, description="Character offset of the word in the page text")


class PageText(BaseModel):
    """The text layer of one page, as produced by PDF text extraction or OCR."""

    text: str
    source: PageSource
    confidence: float | None = Field(
        default=None, description="Mean word confidence 0-100 for OCR pages, None otherwise"
    )
    rotation: int = Field(default=0, description="Clockwise degrees applied to make it upright")
    skew: float = Field(default=0.0, description="Deskew angle applied, degrees")
    width: int = Field(default=0, description="Width of the image the boxes refer to")
    height: int = Field(default=0, description="Height of the image the boxes refer to")
    words: list[WordBox] = Field(default_factory=list)
    steps: list[str] = Field(
        default_factory=list, description="Preprocessing steps applied, in order, for audit"
    )


class PageResult(BaseModel):
    """One page of a document: its text or the error that stopped it."""

    number: int = Field(description="1-based page number")
    text: PageText | None = None
    error: str | None = None
    error_code: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.text is not None


class DocumentResult(BaseModel):
    """Everything the text stage learned about one input file."""

    path: str
    sha256: str
    size: int
    media_type: MediaType
    status: DocumentStatus
    pages: list[PageResult] = Field(default_factory=list)
    error: str | None = None
    error_code: str | None = None
    warnings: list[str] = Field(
        default_factory=list, description="Things a person should know, e.g. a misleading name"
    )
    seconds: float = 0.0


# Marks around matched words in search snippets; rare in Indonesian official text,
# unlike brackets, and safe in JSON and terminals.
HIGHLIGHT_START = "«"
HIGHLIGHT_END = "»"


class SearchHit(BaseModel):
    """One page that matches a full-text query.

    `snippet` is a short excerpt of the page text with every matched word wrapped
    in `HIGHLIGHT_START` / `HIGHLIGHT_END`; `score` is higher for better matches
    (comparable within one result list only).
    """

    document_id: int
    path: str
    page: int = Field(description="1-based page number")
    snippet: str
    score: float


class FactKind(StrEnum):
    """What an extracted fact is about."""

    FOREIGN_NATIONAL = "foreign_national"  # a named foreign national or a counted group
    OFFICIAL = "official"
    OTHER_PERSON = "other_person"
    NATIONALITY = "nationality"  # a country stated as the citizenship of foreigners
    LOCATION = "location"
    ORGANISATION = "organisation"
    INCIDENT = "incident"
    DATE = "date"
    IDENTIFIER = "identifier"
    DOCUMENT_FIELD = "document_field"  # a letter's or minutes' own field: number, subject, ...


class Fact(BaseModel):
    """One extracted fact with its provenance: where it stands and what decided it.

    `start`/`end` are character offsets in the text of page `page`; `sentence` is the
    sentence around them. `value` is the normalised form (a name without titles, an
    ISO country code, a Kemendagri region code or place name, an incident label, an
    ISO date, a normalised identifier). `attributes` hold the kind-specific details.
    """

    kind: FactKind
    page: int = Field(description="1-based page number")
    start: int
    end: int
    text: str = Field(description="The words as written")
    value: str | None = None
    sentence: str = ""
    method: str = Field(description="What found it, e.g. 'rule:people', 'model:ner-id'")
    confidence: float = Field(ge=0.0, le=1.0)
    attributes: dict[str, Any] = Field(default_factory=dict)
    boxes: list[list[int]] = Field(
        default_factory=list,
        description="[left, top, width, height] of each OCR word it covers, in page pixels",
    )


class ExtractionResult(BaseModel):
    """The facts extracted from one document's pages."""

    facts: list[Fact] = Field(default_factory=list)
    extractor: str = Field(description="Pipeline version; facts of another version are stale")
    document_date: str | None = Field(default=None, description="ISO date the text is anchored to")
    kind: str | None = Field(default=None, description="letter, minutes, news or None")
    words: int = 0
    seconds: float = 0.0
    stopped: str | None = Field(
        default=None, description="Why extraction stopped early (time limit); facts are partial"
    )


# --- identity ---------------------------------------------------------------


class MentionFeatures(BaseModel):
    """What identity resolution compares about one mention of a foreign national."""

    name: str
    aliases: list[str] = Field(default_factory=list)
    name_kind: str = Field(default="full", description="full, initials or alias")
    nationality: str | None = None
    passports: list[str] = Field(default_factory=list)
    age: int | None = None
    year: int | None = Field(default=None, description="Year of the document, to age people")
    place_codes: list[str] = Field(default_factory=list)


class MatchScore(BaseModel):
    """How likely two mentions are the same person, 0..1, and why."""

    value: float = Field(ge=0.0, le=1.0)
    reasons: list[str] = Field(default_factory=list)


class ResolveReport(BaseModel):
    """What one resolution pass did."""

    mentions: int = Field(default=0, description="Mentions without a subject that were resolved")
    comparisons: int = Field(default=0, description="Mention pairs scored")
    auto_merged: int = 0
    review_items: int = Field(default=0, description="Review items opened")
    new_subjects: int = 0
    decided: int = Field(default=0, description="Joined a subject by an earlier 'same' decision")
    deferred: int = Field(
        default=0, description="Mentions left for the next resolution (time limit reached)"
    )


class ReviewMention(BaseModel):
    """One side of a review item, as an investigator sees it."""

    mention_id: int
    subject_id: int | None
    name: str
    aliases: list[str] = Field(default_factory=list)
    nationality: str | None = None
    passports: list[str] = Field(default_factory=list)
    age: int | None = None
    document_id: int
    document_name: str
    document_date: str | None = None


class ReviewRecord(BaseModel):
    """A pair of mentions that may be the same person, waiting for (or given) a decision."""

    id: int
    score: float
    reasons: list[str]
    status: str = Field(description="open or decided")
    decision: str | None = None
    decided_by: str | None = None
    a: ReviewMention
    b: ReviewMention


class SubjectSummary(BaseModel):
    """One foreign national across documents."""

    id: int
    name: str
    names: list[str] = Field(default_factory=list)
    nationality: str | None = None
    passports: list[str] = Field(default_factory=list)
    mention_count: int = 0
    document_count: int = 0
    first_date: str | None = None
    last_date: str | None = None


class DossierDocument(BaseModel):
    """A document that names the subject."""

    id: int
    path: str
    name: str
    kind: str | None = None
    date: str | None = None


class DossierMention(BaseModel):
    """How one document names the subject."""

    mention_id: int
    document_id: int
    name: str
    name_kind: str
    aliases: list[str] = Field(default_factory=list)
    nationality: str | None = None
    passports: list[str] = Field(default_factory=list)
    age: int | None = None
    link: str
    score: float | None = None
    incidents: list[str] = Field(default_factory=list)


class DossierEvent(BaseModel):
    """One dated entry of a subject's timeline: a document or an incident."""

    date: str
    kind: str = Field(description="document or incident")
    label: str
    document_id: int
    status: str | None = None


class DossierPlace(BaseModel):
    """A place stated in a document that names the subject."""

    code: str | None = Field(default=None, description="Kemendagri code; None for other places")
    name: str
    level: str
    documents: int = 1


class DossierIncident(BaseModel):
    """An incident that concerns the subject."""

    label: str
    status: str | None = None
    document_id: int
    date: str | None = None
    sentence: str = ""


class CoSubject(BaseModel):
    """Another subject named in the same documents."""

    subject_id: int
    name: str
    nationality: str | None = None
    documents: int


class Dossier(BaseModel):
    """Everything known about one subject across documents."""

    subject: SubjectSummary
    mentions: list[DossierMention] = Field(default_factory=list)
    documents: list[DossierDocument] = Field(default_factory=list)
    timeline: list[DossierEvent] = Field(default_factory=list)
    places: list[DossierPlace] = Field(default_factory=list)
    incidents: list[DossierIncident] = Field(default_factory=list)
    co_subjects: list[CoSubject] = Field(default_factory=list)


# --- search, facets and cross-reference ---------------------------------------------

# The vocabulary facts use (kept equal to the NLP's lists by a test).
INCIDENT_LABELS = (
    "overstay",
    "permit_misuse",
    "illegal_work",
    "illegal_entry",
    "document_fraud",
    "arrest",
    "detention",
    "deportation",
    "blacklist",
    "criminal",
    "public_order",
    "refugee",
    "joint_operation",
)
INCIDENT_STATUSES = ("hypothetical", "negated", "planned", "reported")
DOCUMENT_KINDS = ("letter", "minutes", "news")


class Facet(StrEnum):
    """What a document can be filtered and counted by."""

    NATIONALITY = "nationality"  # ISO 3166-1 alpha-2 of foreigners it names
    PROVINCE = "province"  # Kemendagri code "NN"
    REGENCY = "regency"  # Kemendagri code "NN.NN"
    INCIDENT = "incident"  # an incident label
    STATUS = "status"  # an incident status
    INCIDENT_STATUS = "incident_status"  # "label:status", e.g. "deportation:reported"
    AGENCY = "agency"  # a normalised organisation name
    KIND = "kind"  # letter, minutes or news
    MONTH = "month"  # YYYY-MM of the document date
    SENDER = "sender"  # the letterhead agency of a letter or minutes, whitespace folded
    LETTER_NUMBER = "letter_number"  # a letter's "Nomor", folded and upper-cased


class SearchQuery(BaseModel):
    """A faceted search: optional full-text words plus filters, all ANDed.

    Codes are Kemendagri region codes ("51" province, "51.03" regency); dates are
    ISO (YYYY-MM-DD, or YYYY-MM for a whole month) and bound the document date.
    Values are checked by the storage layer, which names the field to fix.
    """

    text: str | None = Field(default=None, description='Words and "quoted phrases"')
    nationality: str | None = Field(default=None, description="ISO 3166-1 alpha-2, e.g. CN")
    province: str | None = Field(default=None, description='Kemendagri code, e.g. "51"')
    regency: str | None = Field(default=None, description='Kemendagri code, e.g. "51.03"')
    incident: str | None = Field(default=None, description="Incident label, e.g. deportation")
    status: str | None = Field(default=None, description="Incident status, e.g. reported")
    date_from: str | None = Field(default=None, description="Earliest document date (ISO)")
    date_to: str | None = Field(default=None, description="Latest document date (ISO)")
    kind: str | None = Field(default=None, description="letter, minutes or news")
    agency: str | None = Field(default=None, description="Organisation as normalised")
    sender: str | None = Field(default=None, description="Letterhead agency, as written")
    letter_number: str | None = Field(
        default=None, description='Letter number in any case, e.g. "B-1187/IMI.1/2026"'
    )
    limit: int = 20
    offset: int = 0
    facet_limit: int = Field(default=10, description="Values shown per facet")


class FacetCount(BaseModel):
    """How many documents of a result set carry one facet value."""

    value: str
    documents: int


class DocumentHit(BaseModel):
    """One document matching a faceted search.

    `snippet` (with `HIGHLIGHT_START`/`HIGHLIGHT_END` around matched words) and `page`
    come from its best-matching page when the query has text; `facets` are the
    document's values of the facets the query filtered on.
    """

    document_id: int
    path: str
    name: str
    kind: str | None
    document_date: str | None
    page: int | None = None
    snippet: str | None = None
    score: float | None = None
    facets: dict[str, list[str]] = Field(default_factory=dict)


class SearchResults(BaseModel):
    """One page of hits, the number of matching documents and facet counts over all of them."""

    total: int
    hits: list[DocumentHit]
    facets: dict[str, list[FacetCount]] = Field(
        default_factory=dict, description="Top values per facet, most documents first"
    )
    ranked: bool = Field(
        default=False, description="Hits are in text-score order (else newest first)"
    )
    facet_sample_step: int = Field(
        default=1,
        description="1: facet counts are exact; n: counted on every n-th matching document "
        "and multiplied by n (very broad queries)",
    )
    sample_ids: list[int] | None = Field(
        default=None,
        exclude=True,
        description="The matching documents the facets were counted on (None: every "
        "document); charts count on the same ones instead of finding them again",
    )


class SubjectDocument(BaseModel):
    """A document that mentions a subject, with what it says about them."""

    document_id: int
    path: str
    name: str
    kind: str | None
    document_date: str | None
    mention_id: int
    mention_name: str
    nationality: str | None
    passports: list[str]
    place_codes: list[str]
    incidents: list[str]


class SubjectRegions(BaseModel):
    """A subject seen in several regions (province or regency codes)."""

    subject_id: int
    name: str
    nationality: str | None
    regions: list[str]
    documents: int


class CoOccurrence(BaseModel):
    """Two subjects named in the same documents."""

    subject_id: int
    subject_name: str
    other_id: int
    other_name: str
    documents: int
    document_ids: list[int]


class CountRow(BaseModel):
    """Documents (and named foreign nationals, when counted from linked facts) for one
    combination of values (keys are the `by` names)."""

    values: dict[str, str]
    documents: int
    people: int | None = Field(
        default=None, description="Named foreign nationals; None for counts of documents only"
    )
