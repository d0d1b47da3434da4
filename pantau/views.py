"""Terminal output of faceted search and cross-reference results (rich tables, or JSON)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from models.i18n import N_, _
from models.records import CoOccurrence, CountRow, SearchResults, SubjectDocument, SubjectRegions

# What a facet (or a `pantau xref counts --by` name) is called in a heading.
FACET_LABELS = {
    "nationality": N_("nationality"),
    "province": N_("province"),
    "regency": N_("regency"),
    "region": N_("region"),
    "incident": N_("incident"),
    "status": N_("status"),
    "incident_status": N_("incident_status"),
    "agency": N_("agency"),
    "kind": N_("kind"),
    "month": N_("month"),
    "sender": N_("sender"),
    "letter_number": N_("letter_number"),
}


def facet_label(name: str) -> str:
    """The facet's name in the current language (an unknown name as it is)."""
    return _(FACET_LABELS[name]) if name in FACET_LABELS else name


def print_search_results(
    console: Console, results: SearchResults, *, highlight: Callable[[str], str]
) -> None:
    """Hits (document, date, kind, snippet), then the top values of each facet."""
    console.print(_("{count} matching documents").format(count=results.total))
    for hit in results.hits:
        page = _("page {page}").format(page=hit.page)
        where = f" [dim]{page}[/]" if hit.page else ""
        about = " · ".join(str(v) for v in (hit.document_date, hit.kind) if v)
        console.print(f"[bold]#{hit.document_id}[/] {escape(hit.path)} [dim]{about}[/]{where}")
        if hit.snippet:
            console.print("   " + highlight(hit.snippet), highlight=False)
    for facet, counts in results.facets.items():
        if counts:
            values = ", ".join(f"{escape(c.value)} ({c.documents})" for c in counts)
            console.print(f"[bold]{escape(facet_label(facet))}[/]: {values}", highlight=False)


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
        console.print(_("none found"))
    else:
        console.print(table(rows))


def region_rows(rows: Sequence[SubjectRegions]) -> Table:
    """Subjects seen in several regions."""
    table = Table(_("subject"), _("name"), _("nationality"), _("regions"), _("documents"))
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
    table = Table(_("subject"), _("name"), _("with"), _("name"), _("documents"), _("document ids"))
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
    table = Table(
        *(facet_label(name) for name in rows[0].values),
        _("documents"),
        *([_("people named")] if people else []),
    )
    for row in rows:
        table.add_row(
            *(escape(v) for v in row.values.values()),
            str(row.documents),
            *([str(row.people)] if people else []),
        )
    return table


def subject_document_rows(rows: Sequence[SubjectDocument]) -> Table:
    """The documents about one subject."""
    table = Table(
        _("document"), _("date"), _("kind"), _("path"), _("name written"), _("places"),
        _("incidents"),
    )  # fmt: skip
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
