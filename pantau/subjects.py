"""Text output of the identity commands: subject lists, dossiers and review items."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from models.records import Dossier, ResolveReport, ReviewRecord, SubjectSummary


def print_resolve_report(console: Console, report: ResolveReport) -> None:
    """One line per count of a resolution pass."""
    console.print(
        f"resolved {report.mentions} mention(s) with {report.comparisons} comparison(s): "
        f"{report.auto_merged} merged automatically, {report.decided} by earlier decisions, "
        f"{report.new_subjects} new subject(s), {report.review_items} review item(s) opened",
        highlight=False,
    )


def print_subjects(console: Console, subjects: list[SubjectSummary]) -> None:
    """A table of subjects."""
    table = Table("id", "name", "nat.", "docs", "mentions", "passports", "first", "last")
    for s in subjects:
        table.add_row(
            str(s.id),
            escape(s.name),
            s.nationality or "",
            str(s.document_count),
            str(s.mention_count),
            escape(", ".join(s.passports)),
            s.first_date or "",
            s.last_date or "",
        )
    console.print(table)


def print_dossier(console: Console, dossier: Dossier) -> None:
    """A subject's dossier as plain sections."""
    s = dossier.subject
    console.print(f"[bold]#{s.id} {escape(s.name)}[/] ({s.nationality or 'nationality unknown'})")
    console.print(f"names: {escape('; '.join(s.names))}", highlight=False)
    if s.passports:
        console.print(f"passports/permits: {escape(', '.join(s.passports))}", highlight=False)
    console.print("\n[bold]documents[/]")
    names = {m.document_id: m for m in dossier.mentions}
    for d in dossier.documents:
        m = names.get(d.id)
        written = f" as {escape(m.name)} ({m.link})" if m else ""
        console.print(
            f"  #{d.id} {d.date or '????-??-??'} {d.kind or '-'} {escape(d.path)}{written}",
            highlight=False,
        )
    _print_section(console, "timeline", [f"{e.date} {e.kind}: {e.label}" for e in dossier.timeline])
    _print_section(
        console,
        "places",
        [f"{p.code or '-'} {p.name} ({p.level}, {p.documents} doc.)" for p in dossier.places],
    )
    _print_section(
        console,
        "incidents",
        [f"{i.label} ({i.status}) in #{i.document_id}" for i in dossier.incidents],
    )
    _print_section(
        console,
        "named with",
        [
            f"#{c.subject_id} {c.name} ({c.nationality or '?'}), {c.documents} doc."
            for c in dossier.co_subjects
        ],
    )


def _print_section(console: Console, title: str, lines: list[str]) -> None:
    console.print(f"\n[bold]{title}[/]")
    for line in lines or ["(none)"]:
        console.print(f"  {escape(line)}", highlight=False)


def print_review_items(console: Console, items: list[ReviewRecord]) -> None:
    """Review items, each with both mentions and the reasons for its score."""
    if not items:
        console.print("no review items")
    for item in items:
        decided = f", {item.decision} by {item.decided_by}" if item.decision else ""
        state = escape(f"[{item.status}{decided}]")
        console.print(f"[bold]review {item.id}[/] score {item.score:.2f} {state}")
        for side in (item.a, item.b):
            details = ", ".join(
                x
                for x in (
                    side.nationality,
                    f"age {side.age}" if side.age is not None else None,
                    "passport " + "/".join(side.passports) if side.passports else None,
                )
                if x
            )
            console.print(
                f"  {escape(side.name)} ({escape(details)}) in #{side.document_id} "
                f"{escape(side.document_name)} {side.document_date or ''}",
                highlight=False,
            )
        console.print(f"  [dim]{escape('; '.join(item.reasons))}[/]", highlight=False)
