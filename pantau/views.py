"""Terminal output of faceted search and cross-reference results (rich tables, or JSON)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from models.records import CoOccurrence, CountRow, SearchResults, SubjectDocument, SubjectRegions


def print_search_results(
    console: Console, results: SearchResults, *, highlight: Callable[[str], str]
) -> None:
    """Hits (document, date, kind, snippet), then the top values of each facet."""
    console.print(f"{results.total} matching documents")
    for hit in results.hits:
        where = f" [dim]page {hit.page}[/]" if hit.page else ""
        about = " · ".join(str(v) for v in (hit.document_date, hit.kind) if v)
        console.print(f"[bold]#{hit.document_id}[/] {escape(hit.path)} [dim]{about}[/]{where}")
        if hit.snippet:
            console.print("   " + highlight(hit.snippet), highlight=False)
    for facet, counts in results.facets.items():
        if counts:
            values = ", ".join(f"{escape(c.value)} ({c.documents})" for c in counts)
            console.print(f"[bold]{facet}[/]: {values}", highlight=False)


def print_records(
    console: Console,
    rows: Sequence[BaseModel],
    *,
    json_out: bool,
    table: Callable[[Sequence[Any]], Table],
) -> None:
    """Rows as JSON, as a table, or "none found"."""
    if json_out:
        print(json.dumps([row.model_dump() for row in rows], indent=2, ensure_ascii=False))
    elif not rows:
        console.print("none found")
    else:
        console.print(table(rows))


def region_rows(rows: Sequence[SubjectRegions]) -> Table:
    """Subjects seen in several regions."""
    table = Table("subject", "name", "nationality", "regions", "documents")
    for row in rows:
        table.add_row(
            str(row.subject_id),
            escape(row.name),
            row.nationality or "",
            ", ".join(row.regions),
            str(row.documents),
        )
    return table


def pair_rows(rows: Sequence[CoOccurrence]) -> Table:
    """Subjects named together."""
    table = Table("subject", "name", "with", "name", "documents", "document ids")
    for row in rows:
        table.add_row(
            str(row.subject_id),
            escape(row.subject_name),
            str(row.other_id),
            escape(row.other_name),
            str(row.documents),
            ", ".join(map(str, row.document_ids[:20])),
        )
    return table


def count_rows(rows: Sequence[CountRow]) -> Table:
    """Counts per combination of facet values."""
    people = rows[0].people is not None
    table = Table(*rows[0].values, "documents", *(["people named"] if people else []))
    for row in rows:
        table.add_row(
            *(escape(v) for v in row.values.values()),
            str(row.documents),
            *([str(row.people)] if people else []),
        )
    return table


def subject_document_rows(rows: Sequence[SubjectDocument]) -> Table:
    """The documents about one subject."""
    table = Table("document", "date", "kind", "path", "name written", "places", "incidents")
    for row in rows:
        table.add_row(
            str(row.document_id),
            row.document_date or "",
            row.kind or "",
            escape(row.path),
            escape(row.mention_name),
            ", ".join(row.place_codes),
            ", ".join(row.incidents),
        )
    return table
