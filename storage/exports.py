"""Exports of subjects and mentions: CSV, JSON Lines and FollowTheMoney entities.

Rows are streamed from the database in batches and written to an open text handle
one at a time, so an export never holds the whole archive in memory. In CSV, list
values (names, passports, region codes, incidents) are joined with `LIST_SEPARATOR`;
JSON Lines keep them as arrays. FollowTheMoney ids are made from Pantau ids
(`pantau-subject-<id>`, `pantau-document-<id>`, `pantau-mention-<id>`), so the same
record always exports under the same id.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any, TextIO

import sqlalchemy as sa
from followthemoney import model
from followthemoney.proxy import EntityProxy
from sqlmodel import Session, col

from models.errors import ConfigError
from models.tables import Document, Mention, Subject

LIST_SEPARATOR = "; "
BATCH = 500
SUBJECT_FIELDS = (
    "id",
    "name",
    "names",
    "nationality",
    "passports",
    "mention_count",
    "document_count",
    "first_date",
    "last_date",
)
MENTION_FIELDS = (
    "id",
    "subject_id",
    "document_id",
    "document_path",
    "document_name",
    "document_date",
    "name",
    "name_kind",
    "aliases",
    "nationality",
    "passports",
    "age",
    "sex",
    "place_codes",
    "incidents",
    "link",
    "score",
)
LIST_FIELDS = frozenset({"names", "passports", "aliases", "place_codes", "incidents"})


def subject_records(session: Session) -> Iterator[dict[str, Any]]:
    """Every subject as a dict of `SUBJECT_FIELDS`, by id."""
    statement = sa.select(Subject).order_by(col(Subject.id)).execution_options(yield_per=BATCH)
    for (subject,) in session.execute(statement):
        yield {field: getattr(subject, field) for field in SUBJECT_FIELDS}


def mention_records(session: Session) -> Iterator[dict[str, Any]]:
    """Every mention with its document's path, name and date, by id."""
    statement = (
        sa.select(Mention, col(Document.path), col(Document.name), col(Document.document_date))
        .join(Document, col(Document.id) == col(Mention.document_id))
        .order_by(col(Mention.id))
        .execution_options(yield_per=BATCH)
    )
    for mention, path, name, day in session.execute(statement):
        record = {field: getattr(mention, field, None) for field in MENTION_FIELDS}
        record.update(document_path=path, document_name=name, document_date=day)
        yield record


def write_csv(records: Iterator[dict[str, Any]], fields: tuple[str, ...], out: TextIO) -> int:
    """Write records as CSV with a header row; returns the number of rows."""
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    written = 0
    for record in records:
        writer.writerow({k: csv_cell(k, v) for k, v in record.items()})
        written += 1
    return written


def csv_cell(field: str, value: Any) -> Any:
    """A list joined for a spreadsheet; None as an empty cell."""
    if field in LIST_FIELDS:
        return LIST_SEPARATOR.join(str(item) for item in value or [])
    return "" if value is None else value


def write_jsonl(records: Iterator[dict[str, Any]], out: TextIO) -> int:
    """Write one JSON object per line; returns the number of lines."""
    written = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        written += 1
    return written


def write_subjects_csv(session: Session, *, out: TextIO) -> int:
    """Subjects as CSV (one row each); returns the number of rows."""
    return write_csv(subject_records(session), SUBJECT_FIELDS, out)


def write_mentions_csv(session: Session, *, out: TextIO) -> int:
    """Mentions as CSV with their document's path, name and date; returns the number of rows."""
    return write_csv(mention_records(session), MENTION_FIELDS, out)


def write_subjects_jsonl(session: Session, *, out: TextIO) -> int:
    """Subjects as JSON Lines; returns the number of lines."""
    return write_jsonl(subject_records(session), out)


def write_mentions_jsonl(session: Session, *, out: TextIO) -> int:
    """Mentions as JSON Lines with their document's path, name and date."""
    return write_jsonl(mention_records(session), out)


# --- FollowTheMoney ------------------------------------------------------------------


def subject_entity_id(subject_id: int) -> str:
    """The FollowTheMoney id of a subject."""
    return f"pantau-subject-{subject_id}"


def document_entity_id(document_id: int) -> str:
    """The FollowTheMoney id of a document."""
    return f"pantau-document-{document_id}"


def mention_entity_id(mention_id: int) -> str:
    """The FollowTheMoney id of a mention."""
    return f"pantau-mention-{mention_id}"


def person_entity(subject: Subject) -> EntityProxy:
    """A subject as a `Person`: name, other names as aliases, nationality, passports."""
    proxy = model.make_entity("Person")
    proxy.id = subject_entity_id(subject.id or 0)
    proxy.add("name", subject.name)
    proxy.add("alias", [name for name in subject.names or [] if name != subject.name])
    if subject.nationality:
        proxy.add("nationality", subject.nationality.lower())
    proxy.add("passportNumber", list(subject.passports or []))
    return proxy


def document_entity(document: Document) -> EntityProxy:
    """A stored input as a `Document`: file name, title, date, media type and hash."""
    proxy = model.make_entity("Document")
    proxy.id = document_entity_id(document.id or 0)
    proxy.add("fileName", document.name)
    proxy.add("title", document.name)
    proxy.add("date", document.document_date)
    proxy.add("mimeType", document.media_type)
    proxy.add("contentHash", document.sha256)
    return proxy


def mention_entity(mention: Mention) -> EntityProxy:
    """A mention as a `Mention`: the name in the document, resolved to its Person."""
    proxy = model.make_entity("Mention")
    proxy.id = mention_entity_id(mention.id or 0)
    proxy.add("name", mention.name)
    proxy.add("document", document_entity_id(mention.document_id))
    proxy.add("detectedSchema", "Person")
    if mention.subject_id is not None:
        proxy.add("resolved", subject_entity_id(mention.subject_id))
    if mention.nationality:
        proxy.add("contextCountry", mention.nationality.lower())
    return proxy


def ftm_entities(session: Session) -> Iterator[EntityProxy]:
    """Persons, then the documents that mention them, then the mentions linking the two."""
    subjects = sa.select(Subject).order_by(col(Subject.id)).execution_options(yield_per=BATCH)
    for (subject,) in session.execute(subjects):
        yield person_entity(subject)
    mentioned = sa.select(col(Mention.document_id)).distinct()
    documents = (
        sa.select(Document)
        .where(col(Document.id).in_(mentioned))
        .order_by(col(Document.id))
        .execution_options(yield_per=BATCH)
    )
    for (document,) in session.execute(documents):
        yield document_entity(document)
    mentions = sa.select(Mention).order_by(col(Mention.id)).execution_options(yield_per=BATCH)
    for (mention,) in session.execute(mentions):
        yield mention_entity(mention)


def write_ftm(session: Session, *, out: TextIO) -> int:
    """FollowTheMoney entities as JSON Lines (`proxy.to_dict()`); returns the number written."""
    return write_jsonl((proxy.to_dict() for proxy in ftm_entities(session)), out)


class _LineBuffer:
    """A text handle that hands back what was written since the last call."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def take(self) -> str:
        text, self.parts = "".join(self.parts), []
        return text


EXPORT_FORMATS = ("subjects-csv", "mentions-csv", "subjects-jsonl", "mentions-jsonl", "ftm")


def export_lines(session: Session, *, format: str) -> Iterator[str]:
    """The lines of an export, one at a time (for a streamed HTTP response).

    `format` is one of `EXPORT_FORMATS`; the text is what the `write_*` function writes.
    """
    if format not in EXPORT_FORMATS:
        raise ConfigError(
            f"unknown export format {format!r}; use one of: {', '.join(EXPORT_FORMATS)}."
        )
    if format == "ftm":
        yield from (
            json.dumps(p.to_dict(), ensure_ascii=False) + "\n" for p in ftm_entities(session)
        )
        return
    records = (
        subject_records(session) if format.startswith("subjects") else mention_records(session)
    )
    if format.endswith("jsonl"):
        yield from (json.dumps(record, ensure_ascii=False) + "\n" for record in records)
        return
    fields = SUBJECT_FIELDS if format.startswith("subjects") else MENTION_FIELDS
    buffer = _LineBuffer()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    yield buffer.take()
    for record in records:
        writer.writerow({k: csv_cell(k, v) for k, v in record.items()})
        yield buffer.take()
