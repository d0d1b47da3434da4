"""Documents (investigators): the list, one page with its evidence, the page image, export.

A page is shown as its image with the fact boxes drawn over it (SVG rectangles in
percent of the image, so they scale with it and need neither script nor inline
style), beside its text with the fact spans marked, and the list of its facts. Tables
read from the page (one row per line, cells joined by " | ") are shown as tables.
Views and exports are audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, PlainTextResponse
from starlette.responses import Response

from extractors.corrections import ADDABLE_KINDS, PERSON_KINDS
from models.errors import PantauError
from models.i18n import N_, _
from models.records import DocumentStatus, FactKind
from models.tables import Document, FactRow, Page, Role
from storage import repository
from storage.copies import copies_of
from storage.corrections import list_corrections
from storage.facets import field_facet
from web import deps
from web.labels import value_name
from web.pageimages import OriginalChangedError, cached_page_image
from web.routes.search import search_address

router = APIRouter()
NAV = (deps.NavItem(N_("Documents"), "/documents", Role.INVESTIGATOR),)
EMPTY_FORM = {"action": "", "kind": "", "words": "", "occurrence": 1, "nationality": ""}
EMPTY_FORM["reason"] = ""
CORRECTION_NAMES = {
    "reject": N_("marked wrong"),
    "role": N_("role set"),
    "nationality": N_("nationality set"),
    "add": N_("added"),
    "applied": N_("applied"),
    "unanchored": N_("its words are no longer on the page"),
    "withdrawn": N_("withdrawn"),
}


@dataclass
class Box:
    """A highlight rectangle in percent of the page image."""

    fact_id: int
    kind: str
    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class FieldValue:
    """One value of a letter field; `search` lists the documents sharing it (sender, number)."""

    fact: FactRow
    search: str | None


@dataclass
class Segment:
    """A run of page text and the facts (ids, kinds) that cover it."""

    text: str
    fact_ids: list[int] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    start: int = 0  # offset in the page text, for selecting words to correct


@dataclass
class Block:
    """A run of page text (``segments``) or a table read from the page (``rows`` of cells,
    each cell its segments)."""

    segments: list[Segment] = field(default_factory=list)
    rows: list[list[list[Segment]]] = field(default_factory=list)


CELL_BREAK = re.compile(r"[ \t]*\|[ \t]*")
TABLE_RULE = re.compile(r"\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?")
MIN_TABLE_ROWS = 2


@router.get("/documents")
def document_list(
    request: Request,
    user: deps.Investigator,
    session: deps.DbSession,
    status: DocumentStatus | None = None,
) -> Response:
    """Every stored document with its status and page count; audited as a list."""
    documents = repository.list_documents(session, status=status)
    deps.record(
        request,
        session,
        user=user.name,
        action="list",
        target="documents",
        details={"status": status.value if status else None, "shown": len(documents)},
    )
    context = {"documents": documents, "status": status, "kind_name": value_name}
    return deps.render(request, "documents.html", context)


@router.get("/documents/{document_id}")
def document_page(
    request: Request,
    document_id: int,
    user: deps.Investigator,
    session: deps.DbSession,
    page: int = 1,
) -> Response:
    """One page of a document: image with boxes, text with marked spans, its facts and the
    forms to correct them."""
    return render_document(request, session, user.name, document_id, page)


def render_document(
    request: Request,
    session: deps.DbSession,
    user: str,
    document_id: int,
    page: int = 1,
    *,
    error: str | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    """The document page (audited as a view); with `error`, a refused correction's message
    and the form as it was sent, answered with status 400."""
    document = deps.find_document(session, document_id)
    pages = repository.get_pages(session, document_id=document_id)
    shown = next((p for p in pages if p.number == page), None)
    if pages and shown is None:
        message = _("Document {document_id} has no page {page}.")
        raise HTTPException(404, message.format(document_id=document_id, page=page))
    facts = repository.get_facts(session, document_id=document_id)
    page_facts = [f for f in facts if shown is not None and f.page == shown.number]
    deps.record(
        request,
        session,
        user=user,
        action="view",
        target=f"document:{document_id}",
        details={"page": page},
    )
    context: dict[str, Any] = {
        "corrections": list_corrections(session, document_id=document_id),
        "correction_error": error,
        "correction_form": {**EMPTY_FORM, **(form or {})},
        "corrected": request.query_params.get("corrected"),
        "correction_names": CORRECTION_NAMES,
        "person_kinds": [k.value for k in PERSON_KINDS],
        "addable_kinds": [k.value for k in ADDABLE_KINDS],
        "document": document,
        "kind_name": value_name("kind", document.kind) if document.kind else None,
        "pages": pages,
        "page": shown,
        "facts": [(f, fact_details(f)) for f in page_facts],
        "legend": LEGEND,
        "fact_count": len(facts),
        "document_fields": document_fields(facts),
        "blocks": page_blocks(shown.text, page_facts) if shown else [],
        "boxes": fact_boxes(shown, page_facts) if shown else [],
        "has_image": shown is not None and has_image(document, shown),
        "copies": copies_of(session, document_id=document_id),
    }
    return deps.render(request, "document.html", context, status_code=400 if error else 200)


@router.get("/documents/{document_id}/pages/{number}/image.png")
def page_image(
    request: Request,
    document_id: int,
    number: int,
    user: deps.Investigator,
    session: deps.DbSession,
) -> Response:
    """The page as Pantau read it (upright, deskewed, at the size its boxes refer to);
    audited as a view of the document's page image."""
    document = deps.find_document(session, document_id)
    page = next(
        (p for p in repository.get_pages(session, document_id=document_id) if p.number == number),
        None,
    )
    if page is None or not has_image(document, page):
        message = _("Document {document_id} has no image for page {number}.")
        raise HTTPException(404, message.format(document_id=document_id, number=number))
    settings = request.app.state.settings
    try:
        path = cached_page_image(settings, document=document, page=page)
    except FileNotFoundError as e:
        message = _("The original of document {document_id} is no longer at {path}.")
        raise HTTPException(404, message.format(document_id=document_id, path=document.path)) from e
    except OriginalChangedError as e:
        message = _(
            "The file at {path} has changed since document {document_id} was read, "
            "so its boxes would not match it. Run `pantau run` over it to read the new "
            "version; this document keeps the text read before."
        )
        raise HTTPException(409, message.format(path=document.path, document_id=document_id)) from e
    except PantauError as e:
        raise HTTPException(404, e.message) from e
    deps.record(
        request,
        session,
        user=user.name,
        action="view",
        target=f"document:{document_id}",
        details={"page": number, "image": True},
    )
    return FileResponse(path, media_type="image/png")


@router.get("/documents/{document_id}/export.txt")
def export_text(
    request: Request,
    document_id: int,
    user: deps.Investigator,
    session: deps.DbSession,
) -> Response:
    """Download the document's page text (form feed between pages); audited as an export."""
    document = deps.find_document(session, document_id)
    pages = repository.get_pages(session, document_id=document_id)
    deps.record(
        request,
        session,
        user=user.name,
        action="export",
        target=f"document:{document_id}",
        details={"format": "text"},
    )
    stem = Path(document.name).stem or f"document-{document_id}"
    filename = "".join(c if c.isalnum() or c in "-_." else "_" for c in stem) + ".txt"
    return PlainTextResponse(
        "\f".join(p.text for p in pages),
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# Shown with _() where the page is made.
FIELD_LABELS = {
    "sender": N_("Sender"),
    "number": N_("Number"),
    "nature": N_("Nature"),
    "attachment": N_("Attachment"),
    "subject": N_("Letter subject"),
    "place_date": N_("Place and date"),
    "addressee": N_("Addressee"),
    "signatory": N_("Signatory"),
    "signatory_nip": N_("Signatory NIP"),
    "cc": N_("Copies to"),
    "meeting_date": N_("Meeting date"),
    "meeting_time": N_("Time"),
    "meeting_place": N_("Meeting place"),
    "agenda": N_("Agenda"),
    "chair": N_("Chair"),
    "minute_taker": N_("Minutes by"),
    "participant": N_("Participants"),
    "decision": N_("Decisions"),
}


def document_fields(facts: list[FactRow]) -> list[tuple[str, list[FieldValue]]]:
    """The letter's or minutes' own fields, labelled, in a fixed order, values grouped.

    A value that is a search facet (the sender, the letter number) carries the address of
    the search filtered by it, built from the same facet value the document is stored under.
    """
    grouped: dict[str, list[FieldValue]] = {}
    for fact in facts:
        if fact.kind == FactKind.DOCUMENT_FIELD:
            name = str(fact.attributes.get("field", ""))
            facet = field_facet(name, fact.value)
            search = search_address("", dict([facet])) if facet else None
            grouped.setdefault(name, []).append(FieldValue(fact, search))
    return [(_(label), grouped[key]) for key, label in FIELD_LABELS.items() if key in grouped]


def has_image(document: Document, page: Page) -> bool:
    """Whether the page has a size its boxes refer to and comes from a PDF or an image."""
    return (
        page.width > 0
        and page.height > 0
        and document.media_type.startswith(("application/pdf", "image/"))
    )


# The legend of the page view: each kind of fact has its own colour (pantau.css), an
# incident one per status. The labels are shown with _() in the template.
LEGEND = (
    ("foreign_national", N_("foreign national")),
    ("official", N_("official")),
    ("other_person", N_("other person")),
    ("location", N_("place")),
    ("nationality", N_("nationality")),
    ("organisation", N_("organisation")),
    ("incident-reported", N_("incident, reported")),
    ("incident-planned", N_("incident, planned")),
    ("incident-negated", N_("incident, denied")),
    ("incident-hypothetical", N_("incident, hypothetical")),
    ("date", N_("date")),
    ("identifier", N_("identifier")),
)


def kind_tokens(fact: FactRow) -> list[str]:
    """The CSS kinds of a fact: its kind, and for an incident also `incident-<status>`."""
    tokens = [str(fact.kind)]
    status = (getattr(fact, "attributes", None) or {}).get("status")
    if str(fact.kind) == "incident" and isinstance(status, str) and status.isidentifier():
        tokens.append(f"incident-{status}")
    return tokens


@dataclass
class FactDetails:
    """What the fact table shows beside a fact's words and value."""

    status: str = ""
    status_name: str = ""  # the status as shown, in the reader's language
    nationality: str = ""
    age: str = ""
    passport: str = ""
    note: str = ""


def fact_details(fact: FactRow) -> FactDetails:
    """Status (and its name), nationality, age, passport and a short note (title, region,
    kind of id)."""
    attributes = fact.attributes or {}

    def text(key: str) -> str:
        value = attributes.get(key)
        return "" if value is None or isinstance(value, dict | list) else str(value)

    note = text("title") or text("region_name") or text("id_kind") or text("org_kind")
    if attributes.get("incidents"):
        note = ", ".join(str(label) for label in attributes["incidents"])
    return FactDetails(
        status=text("status"),
        status_name=value_name("status", text("status")),
        nationality=text("nationality"),
        age=text("age"),
        passport=text("passport"),
        note=note,
    )


def fact_boxes(page: Page, facts: list[FactRow]) -> list[Box]:
    """Every fact's word boxes in percent of the page image.

    OCR facts carry their boxes; text-layer facts do not, so their boxes come from
    the page's words whose characters fall inside the fact's span.
    """
    if page.width <= 0 or page.height <= 0:
        return []
    boxes = []
    for fact in facts:
        for left, top, width, height in fact.boxes or span_boxes(page, fact.start, fact.end):
            boxes.append(
                Box(
                    fact_id=fact.id or 0,
                    kind=" kind-".join(kind_tokens(fact)),
                    left=round(100 * left / page.width, 3),
                    top=round(100 * top / page.height, 3),
                    width=round(100 * width / page.width, 3),
                    height=round(100 * height / page.height, 3),
                )
            )
    return boxes


def span_boxes(page: Page, start: int, end: int) -> list[list[int]]:
    """Boxes of the page's words that overlap characters `start`..`end`."""
    found = []
    for word in page.words:
        word_start = int(word.get("start", -1))
        if word_start < 0:
            continue
        if word_start < end and word_start + len(str(word.get("text", ""))) > start:
            found.append([int(word[k]) for k in ("left", "top", "width", "height")])
    return found


def text_segments(
    text: str, facts: list[FactRow], start: int = 0, end: int | None = None
) -> list[Segment]:
    """Split the page text (or its range start:end) at every fact boundary; each piece
    knows the facts over it."""
    stop = len(text) if end is None else end
    spans = [(max(start, f.start), min(stop, f.end), f) for f in facts if f.end > f.start]
    spans = [(s, e, f) for s, e, f in spans if s < e]
    cuts = sorted({start, stop, *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    segments = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [f for s, e, f in spans if s <= start and end <= e]
        segments.append(
            Segment(
                text=text[start:end],
                start=start,
                fact_ids=[f.id or 0 for f in covering],
                kinds=sorted({token for f in covering for token in kind_tokens(f)}),
            )
        )
    return segments


def page_blocks(text: str, facts: list[FactRow]) -> list[Block]:
    """The page text as runs of text and tables, each with its fact segments.

    A table is a run of at least two lines with the same number (two or more) of " | "
    separated cells; a markdown rule line inside it is skipped.
    """
    blocks: list[Block] = []
    shown = 0  # text before this offset is in a block already
    for first, last, rows in table_runs(text):
        if first > shown:
            blocks.append(Block(segments=text_segments(text, facts, shown, first)))
        cells = [[text_segments(text, facts, s, e) for s, e in row] for row in rows]
        blocks.append(Block(rows=cells))
        shown = last
    if shown < len(text) or not blocks:
        blocks.append(Block(segments=text_segments(text, facts, shown, len(text))))
    return blocks


def table_runs(text: str) -> list[tuple[int, int, list[list[tuple[int, int]]]]]:
    """(start, end, rows of cell ranges) of every table in the text."""
    runs: list[tuple[int, int, list[list[tuple[int, int]]]]] = []
    rows: list[list[tuple[int, int]]] = []
    first = last = pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        cells = line_cells(line, start)
        if rows and TABLE_RULE.fullmatch(line.strip()):
            last = start + len(line)
            continue
        if cells is not None and (not rows or len(cells) == len(rows[0])):
            first = start if not rows else first
            rows.append(cells)
            last = start + len(line)
            continue
        if len(rows) >= MIN_TABLE_ROWS:
            runs.append((first, last, rows))
        rows = [cells] if cells is not None else []
        first, last = start, start + len(line)
    if len(rows) >= MIN_TABLE_ROWS:
        runs.append((first, last, rows))
    return runs


def line_cells(line: str, offset: int) -> list[tuple[int, int]] | None:
    """The cell ranges of a " | " table line (outer bars dropped), or None for other lines."""
    body = line.strip()
    if "|" not in body:
        return None
    lead = offset + len(line) - len(line.lstrip())
    if body.startswith("|") and body.endswith("|") and len(body) > 1:
        body, lead = body[1:-1], lead + 1
    cells, pos = [], 0
    for m in CELL_BREAK.finditer(body):
        cells.append(trimmed(body, pos, m.start(), lead))
        pos = m.end()
    cells.append(trimmed(body, pos, len(body), lead))
    return cells if len(cells) >= 2 else None


def trimmed(body: str, start: int, end: int, offset: int) -> tuple[int, int]:
    """A cell's range without surrounding spaces, in page-text offsets."""
    value = body[start:end]
    lead = len(value) - len(value.lstrip())
    return offset + start + lead, offset + start + len(value.rstrip())
