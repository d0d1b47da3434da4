"""Exports of stored documents to files: page text, and annotations built from facts."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from extractors.annotations import build_annotation
from models.records import Fact
from models.tables import Document
from storage import repository
from storage.corrections import corrected_document_ids, list_corrections

READABLE = ("processed", "partial")


def readable_documents(session: Any) -> list[Document]:
    """Originals with text (processed or partial), oldest first."""
    return [
        d
        for d in repository.list_documents(session)
        if d.status in READABLE and d.duplicate_of is None
    ]


def export_stems(documents: list[Document]) -> dict[int, str]:
    """A file stem per document: the input's stem, `-<id>` added where two inputs share one."""
    stems = Counter(Path(d.name).stem for d in documents)
    return {
        d.id: Path(d.name).stem if stems[Path(d.name).stem] == 1 else f"{Path(d.name).stem}-{d.id}"
        for d in documents
        if d.id is not None
    }


def export_text(session: Any, *, out: Path) -> list[Path]:
    """Write `<input file stem>.txt` per readable document, pages in order, page breaks as \\f."""
    out.mkdir(parents=True, exist_ok=True)
    documents = readable_documents(session)
    written = []
    for document_id, stem in export_stems(documents).items():
        pages = repository.get_pages(session, document_id=document_id)
        target = out / f"{stem}.txt"
        target.write_text("\f".join(page.text or "" for page in pages) + "\n", encoding="utf-8")
        written.append(target)
    return written


# mypy takes this name for `from __future__ import annotations` (a _Feature), not this def.
def annotations(  # type: ignore[no-redef]
    session: Any, *, corrected: bool = False
) -> dict[str, dict[str, Any]]:
    """The annotation of every readable document, keyed by its export stem.

    With `corrected`, only documents an investigator corrected, each with its corrections
    (who, when, why) under ``corrections``: gold files made by the people who read them.
    """
    documents = readable_documents(session)
    by_id = {d.id: d for d in documents}
    chosen = set(corrected_document_ids(session)) if corrected else set(by_id)
    found = {}
    for document_id, stem in export_stems(documents).items():
        if document_id not in chosen:
            continue
        document = by_id[document_id]
        facts = [
            Fact.model_validate(row.model_dump())
            for row in repository.get_facts(session, document_id=document_id)
        ]
        found[stem] = build_annotation(
            stem,
            facts,
            extra={
                "source": document.path,
                "document_id": document.id,
                "kind": document.kind,
                "document_date": document.document_date,
                "extractor": document.extractor,
                "corrections": correction_records(session, document_id),
            },
        )
    return found


def correction_records(session: Any, document_id: int) -> list[dict[str, Any]]:
    """The document's corrections, oldest first, as plain data (withdrawn ones included)."""
    return [
        {
            **record.correction.model_dump(mode="json", exclude={"document_id"}),
            "state": record.state,
        }
        for record in reversed(list_corrections(session, document_id=document_id))
    ]


def export_annotations(session: Any, *, out: Path, corrected: bool = False) -> list[Path]:
    """Write `<input file stem>.json` per readable document in the annotation schema
    (with `corrected`, per corrected document: see `annotations`)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    found = annotations(session, corrected=corrected)  # type: ignore[operator]  # see def
    for stem, annotation in found.items():
        target = out / f"{stem}.json"
        target.write_text(json.dumps(annotation, ensure_ascii=False, indent=1) + "\n", "utf-8")
        written.append(target)
    return written


def extractor_annotations(session: Any, stems: dict[int, str]) -> dict[str, dict[str, Any]]:
    """The annotation the extractor makes now of each document (id -> export stem) from its
    stored pages, without investigators' corrections."""
    from extractors.facts import extract_facts
    from models.records import PageSource

    found = {}
    for document_id, stem in stems.items():
        pages = repository.get_pages(session, document_id=document_id)
        texts = [(page.number, page.text) for page in pages if page.text]
        words = {p.number: p.words for p in pages if p.source == PageSource.OCR and p.words}
        extraction = extract_facts(texts, words=words)
        found[stem] = build_annotation(stem, extraction.facts)
    return found
