"""Text output of the identity commands: subject lists, dossiers and review items."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from models.i18n import _
from models.records import Dossier, ResolveReport, ReviewRecord, SubjectSummary


def print_resolve_report(console: Console, report: ResolveReport) -> None:
    """One line per count of a resolution pass."""
    console.print(
        _(
            "resolved {mentions} mention(s) with {comparisons} comparison(s): "
            "{merged} merged automatically, {decided} by earlier decisions, "
            "{new} new subject(s), {review} review item(s) opened"
        ).format(
            mentions=report.mentions,
            comparisons=report.comparisons,
            merged=report.auto_merged,
            decided=report.decided,
            new=report.new_subjects,
            review=report.review_items,
        ),
        highlight=False,
    )


def print_subjects(console: Console, subjects: list[SubjectSummary]) -> None:
    """A table of subjects."""
    table = Table(
        _("id"), _("name"), _("nat."), _("docs"), _("mentions"), _("passports"), _("first"),
        _("last"),
    )  # fmt: skip
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
    nationality = s.nationality or _("nationality unknown")
    console.print(f"[bold]#{s.id} {escape(s.name)}[/] ({nationality})")
    console.print(_("names: {names}").format(names=escape("; ".join(s.names))), highlight=False)
    if s.passports:
        console.print(
            _("passports/permits: {numbers}").format(numbers=escape(", ".join(s.passports))),
            highlight=False,
        )
    console.print("\n[bold]" + _("documents") + "[/]")
    names = {m.document_id: m for m in dossier.mentions}
    for d in dossier.documents:
        m = names.get(d.id)
        written = ""
        if m:
            written = " " + _("as {name} ({link})").format(name=escape(m.name), link=m.link)
        console.print(
            f"  #{d.id} {d.date or '????-??-??'} {d.kind or '-'} {escape(d.path)}{written}",
            highlight=False,
        )
    _print_section(
        console, _("timeline"), [f"{e.date} {e.kind}: {e.label}" for e in dossier.timeline]
    )
    place = _("{code} {name} ({level}, {documents} doc.)")
    _print_section(
        console,
        _("places"),
        [
            place.format(code=p.code or "-", name=p.name, level=p.level, documents=p.documents)
            for p in dossier.places
        ],
    )
    incident = _("{label} ({status}) in #{id}")
    _print_section(
        console,
        _("incidents"),
        [
            incident.format(label=i.label, status=i.status, id=i.document_id)
            for i in dossier.incidents
        ],
    )
    named = _("#{id} {name} ({nationality}), {documents} doc.")
    _print_section(
        console,
        _("named with"),
        [
            named.format(
                id=c.subject_id,
                name=c.name,
                nationality=c.nationality or "?",
                documents=c.documents,
            )
            for c in dossier.co_subjects
        ],
    )


def _print_section(console: Console, title: str, lines: list[str]) -> None:
    console.print(f"\n[bold]{title}[/]")
    for line in lines or [_("(none)")]:
        console.print(f"  {escape(line)}", highlight=False)


def print_review_items(console: Console, items: list[ReviewRecord]) -> None:
    """Review items, each with both mentions and the reasons for its score."""
    if not items:
        console.print(_("no review items"))
    for item in items:
        decided = (
            ", " + _("{decision} by {user}").format(decision=item.decision, user=item.decided_by)
            if item.decision
            else ""
        )
        state = escape(f"[{item.status}{decided}]")
        console.print(
            _("[bold]review {id}[/] score {score} {state}").format(
                id=item.id, score=f"{item.score:.2f}", state=state
            )
        )
        for side in (item.a, item.b):
            details = ", ".join(
                x
                for x in (
                    side.nationality,
                    _("age {age}").format(age=side.age) if side.age is not None else None,
                    _("passport {numbers}").format(numbers="/".join(side.passports))
                    if side.passports
                    else None,
                )
                if x
            )
            console.print(
                "  "
                + _("{name} ({details}) in #{id} {document} {date}").format(
                    name=escape(side.name),
                    details=escape(details),
                    id=side.document_id,
                    document=escape(side.document_name),
                    date=side.document_date or "",
                ),
                highlight=False,
            )
        console.print(f"  [dim]{escape('; '.join(item.reasons))}[/]", highlight=False)
