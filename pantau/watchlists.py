"""Text output of the watchlist commands: watches, alerts and screening reports."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from models import i18n
from models.i18n import N_, _
from storage.screening import ScreenReport
from storage.watch import AlertRecord, WatchRecord, mark_words, watch_label

KIND_NAMES = {
    "name": N_("name"),
    "number": N_("passport or permit number"),
    "subject": N_("subject"),
    "query": N_("query"),
}


def watch_json(record: WatchRecord) -> dict[str, Any]:
    """A watch as stable JSON keys."""
    return {
        "id": record.id,
        "kind": record.kind.value,
        "watches": watch_label(record, record.subject_name),
        "owner": record.owner,
        "shared": record.shared,
        "own": record.own,
        "subject_id": record.subject_id,
        "name": record.name,
        "number": record.number,
        "nationality": record.nationality,
        "region": record.region,
        "incident": record.incident,
        "note": record.note,
        "alerts": record.alerts,
        "created_at": record.created_at.isoformat(),
    }


def alert_json(record: AlertRecord) -> dict[str, Any]:
    """An alert as stable JSON keys."""
    return {
        "id": record.id,
        "watch_id": record.watch_id,
        "watch_kind": record.watch_kind.value,
        "watches": record.watch_label,
        "document_id": record.document_id,
        "document_name": record.document_name,
        "page": record.page,
        "mention_id": record.mention_id,
        "evidence": record.evidence,
        "marks": record.marks,
        "reasons": record.reasons,
        "created_at": record.created_at.isoformat(),
        "seen": record.seen,
    }


def print_watches(console: Console, watches: list[WatchRecord]) -> None:
    """A table of watches."""
    if not watches:
        console.print(_("nothing watched yet; `pantau watch add` adds a watch"))
        return
    table = Table(_("id"), _("watches"), _("kind"), _("owner"), _("shared"), _("alerts"), _("note"))
    for w in watches:
        table.add_row(
            str(w.id),
            escape(watch_label(w, w.subject_name)),
            _(KIND_NAMES[w.kind.value]),
            escape(w.owner),
            _("yes") if w.shared else _("no"),
            i18n.format_number(w.alerts),
            escape(w.note),
        )
    console.print(table)


def print_alerts(console: Console, alerts: list[AlertRecord]) -> None:
    """A table of alerts: the watch, the document and page, the evidence (matched words in
    bold) and why."""
    if not alerts:
        console.print(_("no alerts"))
        return
    table = Table(
        _("id"), _("watches"), _("document"), _("page"), _("evidence"), _("why"), _("time"),
        _("seen"),
    )  # fmt: skip
    for a in alerts:
        evidence = "".join(
            f"[bold]{escape(text)}[/]" if marked else escape(text)
            for text, marked in mark_words(a.evidence, a.marks)
        )
        table.add_row(
            str(a.id),
            escape(a.watch_label),
            escape(f"#{a.document_id} {a.document_name}"),
            str(a.page),
            evidence,
            escape("; ".join(a.reasons)),
            i18n.format_datetime(a.created_at),
            _("yes") if a.seen else _("no"),
        )
    console.print(table)


def print_screen_report(console: Console, report: ScreenReport) -> None:
    """One line: what screening the watchlists did."""
    console.print(
        _("screened {mentions} mention(s) against the watchlists: {alerts} alert(s)").format(
            mentions=report.mentions, alerts=report.alerts
        ),
        highlight=False,
    )
