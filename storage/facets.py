"""Facet values of a document, derived from its facts, kind and date, kept in `document_facet`.

Search filters read `document_facet` through its (facet, value, document_id) index, so no
request scans facts; counts over a list of documents read each one's counted values from
`document_facet_list`, one row per document (`count_listed`). Both are rebuilt whenever a
document's facts are saved or replaced.

A letter's own fields give two facets: its sender (the letterhead agency, whitespace
folded, as written) and its number (see `letter_number_key`). Letter numbers are nearly
unique, so they filter but are never counted beside results (`UNCOUNTED_FACETS`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import sqlalchemy as sa
from sqlmodel import Session, col

from models.records import Facet, FactKind
from models.tables import DocumentFacet, DocumentFacetList

REGION_CODE = re.compile(r"\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?")
COUNTRY_CODE = re.compile(r"[A-Z]{2}")
ISO_DATE = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")
MAX_VALUE = 160  # the column width
# Spaces OCR and typists put around the separators of a letter number: "B - 12 / IMI".
NUMBER_SEPARATOR = re.compile(r"\s*([/.\-])\s*")
# Letter fields (attributes["field"] of a DOCUMENT_FIELD fact) that are facets.
FIELD_FACETS = {"sender": Facet.SENDER, "number": Facet.LETTER_NUMBER}
UNCOUNTED_FACETS = frozenset({Facet.LETTER_NUMBER.value})


class FactLike(Protocol):
    """What facets need of a fact: a `Fact` record or a stored row."""

    @property
    def kind(self) -> Any: ...
    @property
    def value(self) -> str | None: ...
    @property
    def attributes(self) -> Mapping[str, Any]: ...


def document_facets(
    facts: Iterable[FactLike], *, kind: str | None, document_date: str | None
) -> set[tuple[str, str]]:
    """The (facet, value) pairs of a document with these facts, kind and date."""
    found: set[tuple[str, str]] = set()
    for fact in facts:
        found.update(fact_facets(str(fact.kind), fact.value, fact.attributes or {}))
    if kind:
        found.add((Facet.KIND.value, kind))
    if document_date and ISO_DATE.fullmatch(document_date):
        found.add((Facet.MONTH.value, document_date[:7]))
    return {(facet, value[:MAX_VALUE]) for facet, value in found if value}


def fact_facets(
    kind: str, value: str | None, attributes: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """The facet values one fact contributes."""
    if kind == FactKind.NATIONALITY:
        return [(Facet.NATIONALITY.value, value)] if value and COUNTRY_CODE.fullmatch(value) else []
    if kind == FactKind.FOREIGN_NATIONAL:
        nationality = attributes.get("nationality")
        if isinstance(nationality, str) and COUNTRY_CODE.fullmatch(nationality):
            return [(Facet.NATIONALITY.value, nationality)]
        return []
    if kind == FactKind.LOCATION:
        return region_facets(value, attributes)
    if kind == FactKind.INCIDENT and value:
        status = attributes.get("status")
        if not isinstance(status, str) or not status:
            return [(Facet.INCIDENT.value, value)]
        return [
            (Facet.INCIDENT.value, value),
            (Facet.STATUS.value, status),
            (Facet.INCIDENT_STATUS.value, f"{value}:{status}"),
        ]
    if kind == FactKind.ORGANISATION and value:
        return [(Facet.AGENCY.value, " ".join(value.split()))]
    if kind == FactKind.DOCUMENT_FIELD:
        found = field_facet(attributes.get("field"), value)
        return [found] if found else []
    return []


def field_facet(field: object, value: str | None) -> tuple[str, str] | None:
    """The (facet, value) of a letter field that is a facet (sender, number), else None.

    The value is cut to the column width here, so a link built from it finds the row.
    """
    facet = FIELD_FACETS.get(field) if isinstance(field, str) else None
    if facet is None or not value:
        return None
    folded = letter_number_key(value) if facet == Facet.LETTER_NUMBER else " ".join(value.split())
    folded = folded[:MAX_VALUE].rstrip()
    return (facet.value, folded) if folded else None


def letter_number_key(value: str) -> str:
    """A letter number as stored and matched: upper-cased, whitespace folded, and no spaces
    around its separators, so "w20.imi.1 - gr.02.03-1187 " is "W20.IMI.1-GR.02.03-1187"."""
    return NUMBER_SEPARATOR.sub(r"\1", " ".join(value.split())).upper()


def region_facets(value: str | None, attributes: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Province and regency codes of a location (its own code, or the province it sits in)."""
    if value and REGION_CODE.fullmatch(value):
        found = [(Facet.PROVINCE.value, value[:2])]
        if len(value) >= 5:
            found.append((Facet.REGENCY.value, value[:5]))
        return found
    province = attributes.get("province")
    if isinstance(province, str) and REGION_CODE.fullmatch(province):
        return [(Facet.PROVINCE.value, province[:2])]
    return []


def replace_document_facets(
    session: Session, *, document_id: int, facets: Iterable[tuple[str, str]]
) -> None:
    """Inside the caller's transaction: swap a document's facet rows for `facets`."""
    rows = sorted(set(facets))
    session.exec(sa.delete(DocumentFacet).where(col(DocumentFacet.document_id) == document_id))
    session.exec(
        sa.delete(DocumentFacetList).where(col(DocumentFacetList.document_id) == document_id)
    )
    session.add_all(
        DocumentFacet(document_id=document_id, facet=facet, value=value) for facet, value in rows
    )
    session.add(DocumentFacetList(document_id=document_id, lines=facet_lines(rows)))


def facet_lines(facets: Iterable[tuple[str, str]]) -> str:
    """The `DocumentFacetList.lines` of a document with these (facet, value) pairs."""
    lines = []
    for facet, value in facets:
        if facet in UNCOUNTED_FACETS:
            continue
        if "\t" in value or "\n" in value:  # folded before: a line per value stays one
            raise ValueError(f"facet value with a tab or line break: {value!r}")
        lines.append(f"{facet}\t{value}")
    return "\n".join(lines)


def count_listed(lines: Iterable[str]) -> dict[tuple[str, str], int]:
    """Documents per (facet, value) among the `DocumentFacetList.lines` given."""
    joined = "\n".join(text for text in lines if text)
    if not joined:
        return {}
    counts = {}
    for line, documents in Counter(joined.split("\n")).items():
        facet, _, value = line.partition("\t")
        counts[facet, value] = documents
    return counts
