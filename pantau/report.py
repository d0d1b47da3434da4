"""Run reports for the CLI: a live progress bar and the final summary of a run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from models.i18n import N_, _

COUNT_FIELDS = (
    "documents_seen",
    "processed",
    "partial",
    "failed",
    "duplicates",
    "unchanged",
    "elsewhere",
    "pages",
    "pages_ocr",
    "pages_text_layer",
    "facts",
)

FACT_LABELS = (
    ("foreign_national", N_("foreign-national mentions")),
    ("official", N_("official mentions")),
    ("location", N_("place mentions")),
    ("incident", N_("incident mentions")),
)


@contextmanager
def progress_bar(console: Console) -> Iterator[None]:
    """Show a progress bar (documents done of total, ETA) while a batch runs."""
    from flows.batch import subscribe

    bar = Progress(
        TextColumn(_("[bold]processing")),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[last]}", style="dim"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    task = bar.add_task("batch", total=None, last=_("scanning inputs…"))

    def listen(event: str, payload: Any) -> None:
        if event == "start":
            bar.update(task, total=payload, last="")
        elif event == "document":
            name = payload.path.rsplit("/", 1)[-1]
            bar.update(task, advance=1, last=f"{name}: {payload.status}")

    unsubscribe = subscribe(listen)
    try:
        with bar:
            yield
    finally:
        unsubscribe()


def run_record(run: Any) -> dict[str, Any]:
    """A run row as plain data, with its throughput."""
    record = {
        "id": run.id,
        "status": run.status,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "seconds": run.seconds or 0.0,
        "inputs": run.inputs,
        "worker": run.worker,
        "failures_by_reason": dict(run.failures_by_reason or {}),
    }
    record.update({name: getattr(run, name) or 0 for name in COUNT_FIELDS})
    minutes = record["seconds"] / 60
    record["pages_per_minute"] = record["pages"] / minutes if minutes > 0 else 0.0
    return record


def load_run(session: Any, *, run_id: int) -> dict[str, Any]:
    """The report of one run, with the failed and partial documents it touched."""
    from storage import repository

    run = repository.get_run(session, run_id=run_id)
    assert run is not None  # callers pass the id of a run they just made
    record = run_record(run)
    documents = repository.list_documents(session, run_id=run_id)
    record["problems"] = [
        {
            "id": d.id,
            "path": d.path,
            "status": d.status,
            "error_code": d.error_code,
            "error": d.error,
        }
        for d in documents
        if d.status in ("failed", "partial", "pending")
    ]
    record["problems"] += [
        {"id": None, "path": r["path"], "status": "refused", "error_code": r["error_code"],
         "error": r["error"]}
        for r in run.refused or []
    ]  # fmt: skip
    record["facts_by_kind"] = repository.count_facts(session, run_id=run_id)
    record["notes"] = [
        {"id": d.id, "path": d.path, "note": note} for d in documents for note in d.warnings or []
    ]
    return record


def print_report(console: Console, report: dict[str, Any]) -> None:
    """Print the final run report: documents, pages, failures by reason, throughput."""
    title = _("Run {id} ({status})").format(id=report["id"], status=report["status"])
    table = Table(title=title, show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    rows = [
        (_("documents seen"), report["documents_seen"]),
        (_("processed"), report["processed"]),
        (_("partly processed"), report["partial"]),
        (_("failed"), report["failed"]),
        (_("duplicates skipped"), report["duplicates"]),
        (_("already stored, unchanged"), report["unchanged"]),
        *[(_("being read by another worker"), report["elsewhere"])] * bool(report["elsewhere"]),
        (_("pages read"), report["pages"]),
        ("  " + _("by OCR"), report["pages_ocr"]),
        ("  " + _("from text layer"), report["pages_text_layer"]),
        (_("facts extracted"), report["facts"]),
        *[
            ("  " + _(label), report["facts_by_kind"].get(kind, 0))
            for kind, label in FACT_LABELS
            if report["facts_by_kind"].get(kind)
        ],
        (_("time"), f"{report['seconds']:.1f} s"),
        (_("pages per minute"), f"{report['pages_per_minute']:.1f}"),
    ]
    for label, value in rows:
        table.add_row(label, str(value))
    console.print(table)
    if report["failures_by_reason"]:
        reasons = Table(_("reason"), _("documents"), title=_("Failures by reason"))
        for reason, count in sorted(report["failures_by_reason"].items()):
            reasons.add_row(reason, str(count))
        console.print(reasons)
    for note in report["notes"]:
        console.print(
            _("[cyan]note[/] #{id} {note}").format(id=note["id"], note=escape(note["note"]))
        )
    for problem in report["problems"]:
        colour = "red" if problem["status"] in ("failed", "refused") else "yellow"
        console.print(
            f"[{colour}]{problem['status']}[/] "
            f"{'' if problem['id'] is None else '#' + str(problem['id']) + ' '}"
            f"{escape(problem['path'])}\n    {escape(problem['error'] or '')}"
        )
