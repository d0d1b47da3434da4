"""The `pantau` command line: run batches, list documents, show, facts, search, export, eval.

Exit codes (also in README): 0 everything processed or skipped as duplicate;
1 unexpected internal error; 2 bad arguments or settings; 3 some inputs failed or
were only partly read; 4 a required program is missing (tesseract);
5 the database cannot be used; 6 `pantau audit verify` found the audit log tampered with.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import sys
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from models import i18n
from models.errors import ConfigError, PantauError, StorageError
from models.i18n import _, ngettext
from pantau import cmdserver
from pantau.settings import Settings, prepare_prefect

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_SOME_FAILED = 3

app = typer.Typer(
    name="pantau",
    help="Pantau: OCR and search over scanned letters, minutes and news about foreign nationals.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
errors = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="SQLAlchemy database URL (default: PANTAU_DATABASE_URL or SQLite)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def handle_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """The one place where Pantau's errors become messages and exit codes."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except PantauError as e:
            errors.print(_("[bold red]error:[/] {message}").format(message=escape(e.message)))
            raise typer.Exit(e.exit_code) from e
        except KeyboardInterrupt as e:
            errors.print(_("interrupted: finished documents are saved; run again to resume."))
            raise typer.Exit(130) from e
        except Exception as e:
            message = _environment_fault(e)
            if message is None:
                raise
            errors.print(_("[bold red]error:[/] {message}").format(message=escape(message)))
            raise typer.Exit(StorageError.exit_code) from e

    return wrapper


@app.callback()
@handle_errors
def _language() -> None:
    # Runs before every command (also in the command server's child, with the caller's
    # environment): its messages in PANTAU_LANGUAGE, its times in PANTAU_TIME_ZONE.
    settings = _checked_settings()
    i18n.use(settings.language, settings.time_zone)


def _checked_settings() -> Settings:
    """The settings from the environment; a wrong value is a ConfigError naming its variable."""
    try:
        return Settings()
    except ValidationError as e:
        language = os.environ.get("PANTAU_LANGUAGE", "")
        if language in i18n.LANGUAGES:  # the error itself in the language asked for
            i18n.use(language)
        raise ConfigError(_settings_problems(e)) from e


def _settings_problems(error: ValidationError) -> str:
    problems = []
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else ""
        name = f"PANTAU_{field.upper()}" if field else "PANTAU_*"
        value = repr(problem.get("input"))
        if field == "language":
            choices = ", ".join(f"{code} ({label})" for code, label in i18n.LANGUAGES.items())
            problems.append(
                _("{name}={value}: unknown language; choose one of: {choices}.").format(
                    name=name, value=value, choices=choices
                )
            )
            continue
        context = problem.get("ctx") or {}
        detail = str(context["error"]) if "error" in context else problem["msg"]
        problems.append(
            _("{name}={value}: {problem}").format(name=name, value=value, problem=detail)
        )
    return " ".join(problems)


class _FaultTracebacks(logging.Filter):
    """Prefect logs a failed task or flow with its traceback; for Pantau's own errors and
    faults of the database's surroundings the one-line log and the fix-it message say all
    there is."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, PantauError) or _environment_fault(error) is not None:
            record.exc_info, record.exc_text = None, None
        return True


def _quiet_fault_tracebacks() -> None:
    """Add the filter to Prefect's log handlers (set up now; later set-ups keep them)."""
    from prefect.logging.configuration import setup_logging

    setup_logging()
    names = [n for n in logging.root.manager.loggerDict if n.startswith("prefect")]
    for logger in [logging.getLogger(), *map(logging.getLogger, names)]:
        for handler in logger.handlers:
            if not any(isinstance(f, _FaultTracebacks) for f in handler.filters):
                handler.addFilter(_FaultTracebacks())


def _environment_fault(error: BaseException | None) -> str | None:
    """A fix-it message when `error` comes from the database's surroundings (a read-only or
    full disk, a server gone, a refused login), else None."""
    if "sqlalchemy" not in sys.modules:  # nothing touched a database
        return None
    from storage.engine import describe_database_fault

    return describe_database_fault(error)


def _settings(db: str | None) -> Settings:
    settings = Settings()
    if db:
        settings.database_url = db
    return settings


def _session(settings: Settings):  # noqa: ANN202 - a context manager from storage
    from storage.engine import get_engine, session_for
    from storage.migrate import ensure_current

    engine = get_engine(settings.resolved_database_url)
    ensure_current(engine)
    return session_for(engine)


def _audit_read(
    session: Any, action: str, target: str = "", details: dict[str, Any] | None = None
) -> None:
    """Record in the audit log that the operating-system user read personal data here."""
    _audit_as_os_user(session, action=action, target=target, details=details or {})


def _audit_cli(
    session: Any, *, action: str, target: str, details: dict[str, Any] | None = None
) -> None:
    """Record an administrator's command in the audit log, under the system user's name."""
    _audit_as_os_user(
        session, action=action, target=target, details={"via": "cli", **(details or {})}
    )


def _audit_as_os_user(session: Any, *, action: str, target: str, details: dict[str, Any]) -> None:
    import getpass

    from storage import audit

    try:
        who = getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        who = f"uid:{os.getuid()}"
    audit.record(session, user=who, action=action, target=target, details=details)


@app.command()
@handle_errors
def run(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders to process.")],
    db: DbOption = None,
    workers: Annotated[
        int | None, typer.Option(help="Parallel OCR processes (default: all cores).")
    ] = None,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Process previously failed documents again.")
    ] = False,
    json_out: JsonOption = False,
) -> None:
    """Process files and folders: detect types, read text layers, OCR scans, store pages."""
    from extractors.tesseract import check_tesseract

    settings = _settings(db)
    if workers is not None:
        settings.workers = max(1, workers)
    check_tesseract()
    prepare_prefect(settings)
    inputs = [str(path) for path in paths]
    with contextlib.ExitStack() as stack:
        # Boot the Prefect API first, so it starts while the rest of Pantau loads.
        server = _start_prefect_api(stack, settings)
        from flows.batch import BatchOptions, run_batch

        _quiet_fault_tracebacks()
        options = BatchOptions.from_settings(settings, retry_failed=retry_failed)
        api_url = server() if server else None
        if json_out:
            run_id = run_batch(inputs, options, api_url=api_url)
        else:
            from pantau.report import progress_bar

            with progress_bar(console):
                run_id = run_batch(inputs, options, api_url=api_url)
    from pantau.report import load_run, print_report

    with _session(settings) as session:
        report = load_run(session, run_id=run_id)
        if settings.retention_days is not None:
            apply_retention(session, settings, days=settings.retention_days)
    if json_out:
        print(json.dumps(report, indent=2, default=str))
    else:
        print_report(console, report)
    bad = report["failed"] + report["partial"]
    raise typer.Exit(EXIT_SOME_FAILED if bad else EXIT_OK)


@app.command()
@handle_errors
def retry(
    doc_ids: Annotated[list[int], typer.Argument(help="Document ids (see `pantau docs`).")],
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Read stored documents again from their originals, each in a run of its own (what the
    workbench's Retry button starts); the earlier result stays in their history."""
    from extractors.tesseract import check_tesseract

    settings = _settings(db)
    check_tesseract()
    prepare_prefect(settings)
    from flows.batch import BatchOptions, reprocess_document

    _quiet_fault_tracebacks()
    options = BatchOptions.from_settings(settings)
    records: list[dict[str, Any]] = []
    for doc_id in doc_ids:
        done = reprocess_document(options, document_id=doc_id)
        if done is None:
            raise ConfigError(
                _("no document with id {id}; `pantau docs` lists them.").format(id=doc_id)
            )
        records.append(done.model_dump())
    if json_out:
        print(json.dumps(records, indent=2, ensure_ascii=False))
    for record in records if not json_out else []:
        console.print(
            f"#{record['document_id']} {escape(Path(record['path']).name)}: "
            f"{_status_text(record['status'])}"
            + (f"\n    {escape(record['error'])}" if record["error"] else "")
        )
    bad = [r for r in records if r["status"] != "processed"]
    raise typer.Exit(EXIT_SOME_FAILED if bad else EXIT_OK)


@app.command()
@handle_errors
def docs(
    db: DbOption = None,
    status: Annotated[str | None, typer.Option(help="Only documents with this status.")] = None,
    json_out: JsonOption = False,
) -> None:
    """List every input: id, path, hash, status, error and page count."""
    from storage import repository

    with _session(_settings(db)) as session:
        records = [_doc_record(d) for d in repository.list_documents(session, status=status)]
    if json_out:
        print(json.dumps(records, indent=2, ensure_ascii=False))
        return
    table = Table(_("id"), _("status"), _("pages"), _("file"), _("error"), show_lines=False)
    for record in records:
        table.add_row(
            str(record["id"]),
            _status_text(record["status"]),
            str(record["pages"]),
            escape(Path(record["path"]).name),
            escape(record["error"] or ""),
        )
    console.print(table)


def _start_prefect_api(stack: contextlib.ExitStack, settings: Settings) -> Callable[[], str] | None:
    """The Prefect API for this command, unless PREFECT_API_URL is set: the home's shared
    local server (started if none is up, stopped after PANTAU_PREFECT_IDLE_SECONDS without
    use), or with that setting at 0 a private one for this command. Returns a function
    that waits until the API answers and gives its URL."""
    if os.environ.get("PREFECT_API_URL"):
        return None
    log_path = settings.home / "prefect-server.log"
    if settings.prefect_idle_seconds > 0:
        from pantau.prefect_server import shared_server

        return stack.enter_context(
            shared_server(
                home=settings.home, idle_seconds=settings.prefect_idle_seconds, log_path=log_path
            )
        )
    from pantau.prefect_server import local_server

    return stack.enter_context(local_server(log_path=log_path)).wait_ready


def _doc_record(document: Any) -> dict[str, Any]:
    return {
        "id": document.id,
        "path": document.path,
        "sha256": document.sha256,
        "status": document.status,
        "error": document.error,
        "pages": document.page_count or 0,
        "media_type": document.media_type,
        "duplicate_of": document.duplicate_of,
        "copy_of": document.copy_of,
    }


def _status_text(status: str) -> str:
    colour = {"processed": "green", "partial": "yellow", "failed": "red"}.get(status, "cyan")
    return f"[{colour}]{status}[/]"


@app.command()
@handle_errors
def show(
    doc_id: Annotated[int, typer.Argument(help="Document id (see `pantau docs`).")],
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Print the text of each page of a document, with its source and confidence, and the
    document's history (failures, retries, takeovers)."""
    from storage import claims, repository
    from storage.copies import copies_of

    with _session(_settings(db)) as session:
        document = repository.get_document(session, document_id=doc_id)
        if document is None:
            raise ConfigError(
                _("no document with id {id}; `pantau docs` lists them.").format(id=doc_id)
            )
        _audit_read(session, "cli_show", f"document:{doc_id}")
        pages = repository.get_pages(session, document_id=doc_id)
        record = _doc_record(document)
        record["history"] = [
            {
                "at": event.at.isoformat(),
                "event": event.event,
                "stage": event.stage,
                "error_code": event.error_code,
                "error": event.error,
                "run": event.run_id,
                "worker": event.worker,
            }
            for event in claims.history(session, document_id=doc_id)
        ]
        record["pages"] = [_page_record(page) for page in pages]
        record["copies"] = [c.id for c in copies_of(session, document_id=doc_id)]
    if json_out:
        print(json.dumps(record, indent=2, ensure_ascii=False))
        return
    console.rule(f"[bold]{escape(record['path'])}[/] ({_status_text(record['status'])})")
    if record["copy_of"]:
        console.print(
            _("a copy of document {id}: counted there, not again").format(id=record["copy_of"])
        )
    if record["copies"]:
        copies = ", ".join(map(str, record["copies"]))
        console.print(_("copies (counted once): {ids}").format(ids=copies))
    if record["error"]:
        console.print(f"[red]{escape(record['error'])}[/]")
    for event in record["history"]:
        at = i18n.format_datetime(datetime.fromisoformat(event["at"]), seconds=True)
        stage = f" ({event['stage']})" if event["stage"] else ""
        reason = f": {event['error_code']}: {event['error']}" if event["error"] else ""
        console.print(f"[dim]{at} {event['event']}{stage}{escape(reason)}[/]", highlight=False)
    for page in record["pages"]:
        console.rule(_page_heading(page), style="dim")
        console.print(escape(page["text"] or page["error"] or ""), highlight=False)


@app.command()
@handle_errors
def delete(
    doc_ids: Annotated[list[int], typer.Argument(help="Document ids (see `pantau docs`).")],
    db: DbOption = None,
) -> None:
    """Delete documents and everything derived from them: pages, facts, mentions, search
    entries, page images; subjects left without a mention go too. Audited."""
    settings = _settings(db)
    with _session(settings) as session:
        from storage import repository

        missing = [d for d in doc_ids if repository.get_document(session, document_id=d) is None]
        if missing:
            raise ConfigError(
                _("no document with id {id}; `pantau docs` lists them.").format(
                    id=", ".join(map(str, missing))
                )
            )
        for doc_id in doc_ids:
            path = _delete_document(session, settings, doc_id, action="delete_document")
            console.print(_("deleted {id} {path}").format(id=doc_id, path=escape(path)))


@app.command()
@handle_errors
def retention(
    days: Annotated[
        int | None,
        typer.Option("--days", min=1, help="Retention period (default: PANTAU_RETENTION_DAYS)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be deleted; delete nothing.")
    ] = False,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Delete the documents stored longer ago than the retention period, with everything
    derived from them (audited); `--dry-run` only lists them."""
    settings = _settings(db)
    period = days or settings.retention_days
    if period is None:
        raise ConfigError(_("no retention period: give --days N or set PANTAU_RETENTION_DAYS"))
    with _session(settings) as session:
        removed = apply_retention(session, settings, days=period, dry_run=dry_run)
    if json_out:
        print(json.dumps({"days": period, "dry_run": dry_run, "documents": removed}, indent=2))
        return
    if dry_run:
        line = _("would delete {id} {path} (stored {date})")
        summary = _("would delete {count} document(s) stored more than {days} days ago")
    else:
        line = _("deleted {id} {path} (stored {date})")
        summary = _("deleted {count} document(s) stored more than {days} days ago")
    for record in removed:
        stored = i18n.format_date(date.fromisoformat(record["stored"]))
        console.print(line.format(id=record["id"], path=escape(record["path"]), date=stored))
    console.print(summary.format(count=len(removed), days=period))


def apply_retention(
    session: Any, settings: Settings, *, days: int, dry_run: bool = False
) -> list[dict[str, Any]]:
    """Delete (or, dry, list) the documents stored more than `days` days ago."""
    from datetime import UTC, datetime, timedelta

    from storage import repository

    cutoff = datetime.now(UTC) - timedelta(days=days)
    old = repository.documents_stored_before(session, cutoff=cutoff)
    removed = [{"id": d.id, "path": d.path, "stored": d.created_at.date().isoformat()} for d in old]
    if not dry_run:
        for document in old:
            _delete_document(
                session,
                settings,
                int(document.id or 0),
                action="retention_delete",
                details={"days": days},
            )
    return removed


def _delete_document(
    session: Any,
    settings: Settings,
    doc_id: int,
    *,
    action: str,
    details: dict[str, Any] | None = None,
) -> str:
    """Delete one document and its cached page images; audited. The document's path."""
    from storage import repository

    document = repository.get_document(session, document_id=doc_id)
    if document is None:
        return ""
    path, sha256 = document.path, document.sha256
    repository.delete_document(session, document_id=doc_id)
    if repository.find_original(session, sha256=sha256) is None:
        for image in (settings.home / "page-images").glob(f"{sha256}-p*.png"):
            image.unlink(missing_ok=True)
    _audit_cli(
        session,
        action=action,
        target=f"document:{doc_id}",
        details={"path": path, **(details or {})},
    )
    return path


def _page_record(page: Any) -> dict[str, Any]:
    return {
        "number": page.number,
        "source": page.source,
        "confidence": page.confidence,
        "rotation": page.rotation,
        "text": page.text,
        "error": page.error,
    }


def _page_heading(page: dict[str, Any]) -> str:
    parts = [_("page {page}").format(page=page["number"]), str(page["source"])]
    if page["confidence"] is not None:
        parts.append(_("confidence {confidence}").format(confidence=f"{page['confidence']:.0f}"))
    if page["rotation"]:
        parts.append(_("rotated {degrees}°").format(degrees=page["rotation"]))
    return " · ".join(parts)


@app.command("search-batch")
@handle_errors
def search_batch(
    source: Annotated[
        Path,
        typer.Argument(help="A file with one name or passport number per line; - reads stdin."),
    ],
    db: DbOption = None,
    csv_out: Annotated[
        Path | None, typer.Option("--csv", help="Write the results as CSV to this file.")
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """Match a list of names (spelling variants, initials, word order) and passport or
    permit numbers against every subject: for each line, the subjects and their documents."""
    from storage import batch_search

    try:
        text = sys.stdin.read() if str(source) == "-" else source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(
            _("{source}: cannot be read as UTF-8 text ({error}).").format(source=source, error=e)
        ) from e
    lines = batch_search.read_lines(text)
    with _session(_settings(db)) as session:
        found = batch_search.batch_search(session, lines=lines)
        _audit_read(session, "cli_search_batch", str(source), {"lines": len(lines)})
    if csv_out is not None:
        csv_out.write_text(batch_search.as_csv(found), encoding="utf-8")
    if json_out:
        print(json.dumps([line.model_dump() for line in found], indent=2, ensure_ascii=False))
        return
    for line in found:
        if not line.matches:
            console.print(_("[bold]{query}[/]: no subject").format(query=escape(line.query)))
        for match in line.matches:
            console.print(
                _(
                    "[bold]{query}[/]: subject {id} {name} ({nationality}), score {score}, "
                    "{count} document(s)"
                ).format(
                    query=escape(line.query),
                    id=match.subject_id,
                    name=escape(match.name),
                    nationality=match.nationality or "?",
                    score=f"{match.score:.2f}",
                    count=len(match.document_ids),
                )
            )
    if csv_out is not None:
        console.print(_("wrote {path}").format(path=escape(str(csv_out))))


@app.command()
@handle_errors
def search(
    query: Annotated[str, typer.Argument(help='Words to find; "quoted phrases" work.')] = "",
    nationality: Annotated[
        str | None, typer.Option(help="ISO country code, e.g. CN.", show_default=False)
    ] = None,
    province: Annotated[
        str | None, typer.Option(help='Kemendagri code, e.g. "51".', show_default=False)
    ] = None,
    regency: Annotated[
        str | None, typer.Option(help='Kemendagri code, e.g. "51.03".', show_default=False)
    ] = None,
    incident: Annotated[
        str | None, typer.Option(help="Incident label, e.g. deportation.", show_default=False)
    ] = None,
    status: Annotated[
        str | None, typer.Option(help="Incident status, e.g. reported.", show_default=False)
    ] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help="Earliest document date, YYYY-MM[-DD].")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="Latest document date, YYYY-MM[-DD].")
    ] = None,
    kind: Annotated[str | None, typer.Option(help="letter, minutes or news.")] = None,
    agency: Annotated[str | None, typer.Option(help="Organisation, as extracted.")] = None,
    sender: Annotated[
        str | None, typer.Option(help="Sending agency of a letter (its letterhead), as extracted.")
    ] = None,
    letter_number: Annotated[
        str | None,
        typer.Option("--number", help="Letter number, in any case, e.g. B-1187/IMI.1/2026."),
    ] = None,
    facets: Annotated[
        bool, typer.Option("--facets", help="Search documents and print facet counts.")
    ] = False,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    db: DbOption = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    json_out: JsonOption = False,
) -> None:
    """Full-text search over page text, with document, page and a highlighted snippet.

    With a filter (or --facets, or no words) it searches documents instead and prints
    how many matching documents carry each nationality, region, incident, kind, month,
    agency and sender. --number finds a letter by its number whatever its case or the
    spaces around its separators.
    """
    filters = {
        "nationality": nationality,
        "province": province,
        "regency": regency,
        "incident": incident,
        "status": status,
        "date_from": date_from,
        "date_to": date_to,
        "kind": kind,
        "agency": agency,
        "sender": sender,
        "letter_number": letter_number,
    }
    if facets or not query.strip() or any(v is not None for v in filters.values()):
        _faceted_search(db, query, filters, limit=min(limit, 500), offset=offset, json_out=json_out)
        return
    from storage.search import search_pages

    with _session(_settings(db)) as session:
        _audit_read(session, "cli_search", details={"query": query, "limit": limit})
        hits = search_pages(session, query=query, limit=limit)
    if json_out:
        print(json.dumps([hit.model_dump() for hit in hits], indent=2, ensure_ascii=False))
        return
    if not hits:
        console.print(_("no matches"))
        return
    for hit in hits:
        page = _("page {page}").format(page=hit.page)
        console.print(f"[bold]#{hit.document_id}[/] {escape(hit.path)} [dim]{page}[/]")
        console.print("   " + _highlight(hit.snippet), highlight=False)


def _faceted_search(
    db: str | None, text: str, filters: dict[str, Any], *, limit: int, offset: int, json_out: bool
) -> None:
    from models.records import SearchQuery
    from pantau.views import print_search_results
    from storage.xref import search as search_documents

    query = SearchQuery(text=text or None, limit=limit, offset=offset, **filters)
    given = {name: value for name, value in filters.items() if value is not None}
    with _session(_settings(db)) as session:
        _audit_read(
            session, "cli_search", details={"query": text, "filters": given, "offset": offset}
        )
        results = search_documents(session, query=query)
    if json_out:
        print(json.dumps(results.model_dump(), indent=2, ensure_ascii=False))
        return
    print_search_results(console, results, highlight=_highlight)


def _highlight(snippet: str) -> str:
    from storage.search import HIGHLIGHT_END, HIGHLIGHT_START

    text = escape(snippet.replace("\n", " "))
    # Markers are not markup characters, so they survive escaping untouched.
    return text.replace(HIGHLIGHT_START, "[bold yellow]").replace(HIGHLIGHT_END, "[/]")


EXPORT_FORMATS = ("text", "annotations")
RECORD_EXPORTS = {  # format: default file name inside a folder
    "subjects-csv": "subjects.csv",
    "mentions-csv": "mentions.csv",
    "subjects-jsonl": "subjects.jsonl",
    "mentions-jsonl": "mentions.jsonl",
    "ftm": "pantau.ftm.json",
}


@app.command()
@handle_errors
def export(
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="Folder to write into (created); a file or folder for record exports."
        ),
    ],
    format: Annotated[
        str,
        typer.Option(
            "--format",
            help="text, annotations (one JSON per document), subjects-csv, mentions-csv, "
            "subjects-jsonl, mentions-jsonl or ftm (FollowTheMoney entities).",
        ),
    ] = "text",
    corrected: Annotated[
        bool,
        typer.Option(
            "--corrected",
            help="With --format annotations: only documents investigators corrected, with "
            "their corrections (gold files for `pantau eval` and retraining).",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Export documents as <input file stem>.txt (page text) or .json (extracted facts),
    or the foreign nationals found (subjects and their mentions) as CSV, JSON Lines or
    FollowTheMoney entities.

    `annotations` writes the document's foreign nationals, officials, nationalities,
    places, organisations, incidents and dates in the annotation schema that `pantau eval`
    reads; investigators' corrections are part of the facts (method `correction`).
    Record exports write one file: `--out` names it, or a folder to hold it.
    """
    from pantau.exports import export_annotations, export_text

    if corrected and format != "annotations":
        raise ConfigError(_("--corrected goes with --format annotations."))
    if format in RECORD_EXPORTS:
        _export_records(db, format, out)
        return
    if format not in EXPORT_FORMATS:
        supported = ", ".join((*EXPORT_FORMATS, *RECORD_EXPORTS))
        raise ConfigError(
            _("unknown export format {format}; supported: {supported}.").format(
                format=repr(format), supported=supported
            )
        )
    with _session(_settings(db)) as session:
        _audit_read(session, "cli_export", str(out), {"format": format, "corrected": corrected})
        if format == "text":
            written = export_text(session, out=out)
        else:
            _warn_unextracted(session)
            written = export_annotations(session, out=out, corrected=corrected)
    console.print(
        _("wrote {count} files to {path}").format(count=len(written), path=escape(str(out)))
    )


def _export_records(db: str | None, format: str, out: Path) -> None:
    from storage import exports

    writers = {
        "subjects-csv": exports.write_subjects_csv,
        "mentions-csv": exports.write_mentions_csv,
        "subjects-jsonl": exports.write_subjects_jsonl,
        "mentions-jsonl": exports.write_mentions_jsonl,
        "ftm": exports.write_ftm,
    }
    target = out / RECORD_EXPORTS[format] if out.is_dir() or str(out).endswith("/") else out
    target.parent.mkdir(parents=True, exist_ok=True)
    with _session(_settings(db)) as session, target.open("w", encoding="utf-8", newline="") as f:
        _audit_read(session, "cli_export", str(target), {"format": format})
        count = writers[format](session, out=f)
    console.print(
        _("wrote {count} records to {path}").format(count=count, path=escape(str(target)))
    )


def _warn_unextracted(session: Any) -> None:
    from storage import repository

    missing = repository.documents_to_extract(session)
    if missing:
        ids = ", ".join(str(d.id) for d in missing[:10])
        more = ", …" if len(missing) > 10 else ""
        errors.print(
            _(
                "[yellow]note:[/] {count} document(s) have no facts yet (ids {ids}); "
                "`pantau extract` extracts them."
            ).format(count=len(missing), ids=ids + more)
        )


@app.command()
@handle_errors
def extract(
    doc_ids: Annotated[
        list[int] | None, typer.Argument(help="Documents to extract again (default: see below).")
    ] = None,
    stale: Annotated[
        bool,
        typer.Option("--stale", help="Also documents whose facts an older pipeline made."),
    ] = False,
    db: DbOption = None,
) -> None:
    """Extract facts from stored page text, replacing each document's facts.

    Without ids: every readable document that has no facts yet (with --stale, also those
    extracted by another version of the pipeline). Pages, status and runs stay as they are.
    """
    from extractors.facts import extractor_version
    from flows.batch import extract_stored
    from storage import repository
    from storage.engine import get_engine

    settings = _settings(db)
    with _session(settings) as session:
        documents = repository.documents_to_extract(
            session,
            extractor=extractor_version() if stale else None,
            document_ids=doc_ids or None,
        )
        known = {cast(int, d.id) for d in documents}  # stored documents have ids
        for doc_id in doc_ids or []:
            if doc_id not in known:
                raise ConfigError(
                    _(
                        "document {id} has no readable text (unknown, failed or a duplicate); "
                        "`pantau docs` lists the documents."
                    ).format(id=doc_id)
                )
        if known:
            _audit_cli(
                session,
                action="extract",
                target="documents",
                details={"documents": sorted(known)[:1000], "stale": stale},
            )
    engine = get_engine(settings.resolved_database_url)
    total = 0
    for document_id in sorted(known):
        count = extract_stored(engine, document_id=document_id, seconds=settings.nlp_seconds)
        total += count
        console.print(_("#{id}: {count} facts").format(id=document_id, count=count))
    console.print(
        _("extracted {total} facts from {count} document(s)").format(total=total, count=len(known))
    )
    from pantau.subjects import print_resolve_report
    from storage import identity

    with _session(settings) as session:
        print_resolve_report(console, identity.resolve(session))
    _screen(settings)


FACT_KINDS_HELP = (
    "foreign_national, official, other_person, nationality, location, organisation, "
    "incident, date, identifier"
)


@app.command()
@handle_errors
def facts(
    doc_id: Annotated[int, typer.Argument(help="Document id (see `pantau docs`).")],
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help=f"Only these kinds: {FACT_KINDS_HELP}.")
    ] = None,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """The facts extracted from a document, each with its page, span, sentence and method."""
    from models.records import FactKind
    from storage import repository

    try:
        kinds = [FactKind(k) for k in kind or []]
    except ValueError as e:
        raise ConfigError(
            _("unknown fact kind; use one of: {kinds}.").format(kinds=FACT_KINDS_HELP)
        ) from e
    with _session(_settings(db)) as session:
        if repository.get_document(session, document_id=doc_id) is None:
            raise ConfigError(
                _("no document with id {id}; `pantau docs` lists them.").format(id=doc_id)
            )
        _audit_read(session, "cli_facts", f"document:{doc_id}", {"kinds": [k.value for k in kinds]})
        rows = [
            row.model_dump(exclude={"document_id"})
            for row in repository.get_facts(session, document_id=doc_id, kinds=kinds)
        ]
    if json_out:
        print(json.dumps(rows, indent=2, ensure_ascii=False, default=str))
        return
    if not rows:
        console.print(_("no facts (`pantau extract` extracts a document's facts)"))
    for row in rows:
        details = ", ".join(
            f"{k}={v}"
            for k, v in row["attributes"].items()
            if k not in ("evidence", "concerns", "candidates", "correction")
        )
        if row["attributes"].get("correction"):
            made = row["attributes"]["correction"]
            details = (details + "\n    " if details else "") + _(
                "corrected by {user}: {reason}"
            ).format(user=made.get("by"), reason=made.get("reason"))
        value = f" = {row['value']}" if row["value"] and row["value"] != row["text"] else ""
        page = _("page {page}").format(page=row["page"])
        console.print(
            f"[bold]{row['kind']}[/] {escape(row['text'])}{escape(value)} "
            f"[dim]{page}, {row['start']}-{row['end']}, {row['method']}, "
            f"{row['confidence']:.2f}[/]" + (f"\n    {escape(details)}" if details else ""),
            highlight=False,
        )
        console.print(f"    [dim]{escape(row['sentence'])}[/]", highlight=False)


@app.command()
@handle_errors
def corrections(
    doc_id: Annotated[
        int | None, typer.Argument(help="Only this document's (default: every document's).")
    ] = None,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Investigators' corrections, newest first: who, when, what, why, and whether each holds
    (applied, unanchored when its words left the page, or withdrawn)."""
    from storage.corrections import list_corrections

    with _session(_settings(db)) as session:
        _audit_read(session, "cli_corrections", f"document:{doc_id}" if doc_id else "all")
        records = list_corrections(session, document_id=doc_id)
    rows = [{**r.correction.model_dump(mode="json"), "state": r.state} for r in records]
    if json_out:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        console.print(_("no corrections (they are made on a document's page in the workbench)"))
        return
    table = Table(
        _("id"), _("document"), _("page"), _("correction"), _("words"), _("by"), _("when"),
        _("state"), _("reason"),
    )  # fmt: skip
    for r in records:
        c = r.correction
        what = _(c.action) + ": " + _(c.kind.value.replace("_", " "))
        if c.nationality:
            what += f" ({c.nationality})"
        table.add_row(
            str(c.id), f"#{c.document_id}", str(c.page), escape(what), escape(c.text),
            escape(c.author), i18n.format_datetime(c.created_at), _(r.state), escape(c.reason),
        )  # fmt: skip
    console.print(table)


@app.command(name="resolve")
@handle_errors
def resolve_subjects(
    all_documents: Annotated[
        bool,
        typer.Option("--all", help="Rebuild every document's mentions from its facts first."),
    ] = False,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Link the foreign nationals named in documents to subjects (people across documents).

    Only mentions without a subject are resolved; decisions made in `pantau review` hold.
    """
    from pantau.subjects import print_resolve_report
    from storage import identity

    settings = _settings(db)
    with _session(settings) as session:
        if all_documents:
            count = identity.rebuild_all_mentions(session)
            console.print(_("rebuilt the mentions of {count} document(s)").format(count=count))
        report = identity.resolve(session)
    if json_out:
        print(report.model_dump_json(indent=2))
        _screen(settings, quiet=True)
        return
    print_resolve_report(console, report)
    _screen(settings)


@app.command()
@handle_errors
def subjects(
    nationality: Annotated[
        str | None, typer.Option(help="Only this nationality (ISO code, e.g. RU).")
    ] = None,
    limit: int = 50,
    offset: int = 0,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """List subjects: foreign nationals across documents, those in most documents first."""
    from pantau.subjects import print_subjects
    from storage import dossier

    with _session(_settings(db)) as session:
        _audit_read(
            session,
            "cli_subjects",
            details={"nationality": nationality, "limit": limit, "offset": offset},
        )
        found = dossier.list_subjects(session, nationality=nationality, limit=limit, offset=offset)
    if json_out:
        print(json.dumps([s.model_dump() for s in found], indent=2, ensure_ascii=False))
        return
    print_subjects(console, found)


@app.command()
@handle_errors
def subject(
    subject_id: Annotated[int, typer.Argument(help="Subject id (see `pantau subjects`).")],
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """The dossier of one subject: names, documents, timeline, places, incidents."""
    from pantau.subjects import print_dossier
    from storage import dossier

    with _session(_settings(db)) as session:
        found = dossier.get_dossier(session, subject_id=subject_id)
        if found is not None:
            _audit_read(session, "cli_subject", f"subject:{subject_id}")
    if found is None:
        raise ConfigError(
            _("no subject with id {id}; `pantau subjects` lists them.").format(id=subject_id)
        )
    if json_out:
        print(found.model_dump_json(indent=2))
        return
    print_dossier(console, found)


@app.command()
@handle_errors
def review(
    item_id: Annotated[int | None, typer.Argument(help="Review item to decide.")] = None,
    decision: Annotated[str | None, typer.Argument(help="same, different or unsure.")] = None,
    user: Annotated[
        str | None, typer.Option(help="Who decides (default: the operating-system user).")
    ] = None,
    limit: int = 50,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """List open review items, or decide one: `pantau review 3 same`."""
    import getpass

    from pantau.subjects import print_review_items
    from storage import identity

    if (item_id is None) != (decision is None):
        raise ConfigError(_("give both a review item id and a decision (same, different, unsure)."))
    with _session(_settings(db)) as session:
        if item_id is not None and decision is not None:
            items = [
                identity.decide_review(
                    session, item_id=item_id, decision=decision, user=user or getpass.getuser()
                )
            ]
        else:
            items = identity.list_review_items(session, limit=limit)
    if json_out:
        print(json.dumps([i.model_dump() for i in items], indent=2, ensure_ascii=False))
        return
    print_review_items(console, items)


watch_app = typer.Typer(
    name="watch",
    help="Watchlists: names, passport numbers, subjects and queries that raise alerts.",
    no_args_is_help=True,
)
app.add_typer(watch_app)
UserOption = Annotated[
    str, typer.Option("--user", help="The workbench user whose watches these are.")
]


@watch_app.command("add")
@handle_errors
def watch_add(
    user: UserOption,
    name: Annotated[str | None, typer.Option("--name", help="A name, matched in variants.")] = None,
    number: Annotated[
        str | None, typer.Option("--number", help="A passport or permit number.")
    ] = None,
    subject_id: Annotated[int | None, typer.Option("--subject", help="A subject id.")] = None,
    nationality: Annotated[
        str | None, typer.Option("--nationality", help="Query: ISO code (CN, AU).")
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="Query: province or regency code (51.03).")
    ] = None,
    incident: Annotated[
        str | None, typer.Option("--incident", help="Query: incident label (deportation).")
    ] = None,
    shared: Annotated[
        bool, typer.Option("--shared", help="Visible to every investigator.")
    ] = False,
    note: Annotated[str, typer.Option("--note", help="Why it is watched.")] = "",
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Watch a name, a number, a subject or a query: documents stored from now on that
    match raise alerts (the documents already stored are not screened: `pantau
    search-batch` looks through them)."""
    from pantau.watchlists import watch_json
    from storage import watch

    kind = _watch_kind(name, number, subject_id, (nationality, region, incident))
    with _session(_settings(db)) as session:
        _require_user(session, user)
        added = watch.add_watch(
            session,
            owner=user,
            kind=kind,
            name=name,
            number=number,
            subject_id=subject_id,
            nationality=nationality,
            region=region,
            incident=incident,
            shared=shared,
            note=note,
        )
        label = watch.watch_label(added)
        _audit_cli(
            session,
            action="watch_add",
            target=f"watch:{added.id}",
            details={"user": user, "kind": kind, "watches": label, "shared": shared, "note": note},
        )
        [record] = [w for w in watch.list_watches(session, user=user) if w.id == added.id]
    if json_out:
        print(json.dumps(watch_json(record), indent=2, ensure_ascii=False))
        return
    console.print(
        _("watch {id} added for {user}: {label}").format(
            id=added.id, user=escape(user), label=escape(label)
        ),
        highlight=False,
    )
    console.print(
        _("documents stored from now on are screened; `pantau search-batch` looks through the rest")
    )


def _watch_kind(
    name: str | None,
    number: str | None,
    subject_id: int | None,
    query: tuple[str | None, str | None, str | None],
) -> str:
    given = [
        kind
        for kind, value in (
            ("name", name),
            ("number", number),
            ("subject", subject_id),
            ("query", any(query)),
        )
        if value
    ]
    if len(given) != 1:
        raise ConfigError(
            _(
                "give one of --name, --number, --subject, or a query "
                "(--nationality, --region, --incident)."
            )
        )
    return given[0]


def _require_user(session: Any, name: str) -> None:
    from storage import users

    if users.get_user(session, name=name) is None:
        raise ConfigError(
            _("no workbench user {name}; `pantau users list` lists them.").format(name=name)
        )


@watch_app.command("list")
@handle_errors
def watch_list(user: UserOption, db: DbOption = None, json_out: JsonOption = False) -> None:
    """The user's watches and those other investigators share."""
    from pantau.watchlists import print_watches, watch_json
    from storage import watch

    with _session(_settings(db)) as session:
        _require_user(session, user)
        found = watch.list_watches(session, user=user)
        _audit_read(session, "cli_watch_list", f"user:{user}", {"shown": len(found)})
    if json_out:
        print(json.dumps([watch_json(w) for w in found], indent=2, ensure_ascii=False))
        return
    print_watches(console, found)


@watch_app.command("remove")
@handle_errors
def watch_remove(
    watch_id: Annotated[int, typer.Argument(help="Watch id (see `pantau watch list`).")],
    user: UserOption,
    db: DbOption = None,
) -> None:
    """Remove one of the user's watches, with its alerts."""
    from storage import watch

    with _session(_settings(db)) as session:
        removed = watch.remove_watch(session, watch_id=watch_id, user=user)
        _audit_cli(
            session,
            action="watch_remove",
            target=f"watch:{watch_id}",
            details={
                "user": user,
                "kind": removed.kind.value,
                "watches": watch.watch_label(removed),
            },
        )
    console.print(_("watch {id} removed").format(id=watch_id))


@app.command()
@handle_errors
def alerts(
    user: UserOption,
    all_alerts: Annotated[
        bool, typer.Option("--all", help="Also the alerts the user has seen.")
    ] = False,
    seen: Annotated[
        bool, typer.Option("--seen", help="Mark the alerts listed as seen by the user.")
    ] = False,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """The alerts of the user's own and shared watches, unseen first, newest first."""
    from pantau.watchlists import alert_json, print_alerts
    from storage import watch

    with _session(_settings(db)) as session:
        _require_user(session, user)
        found = watch.list_alerts(session, user=user, unseen_only=not all_alerts)
        _audit_read(
            session,
            "cli_alerts",
            f"user:{user}",
            {"shown": len(found), "alerts": [a.id for a in found][:100]},
        )
        if seen and found:
            marked = watch.mark_seen(session, user=user, alert_ids=[a.id for a in found])
            _audit_cli(
                session, action="alert_seen", target=f"user:{user}", details={"alerts": marked}
            )
    if json_out:
        print(json.dumps([alert_json(a) for a in found], indent=2, ensure_ascii=False))
        return
    print_alerts(console, found)
    if seen and found:
        console.print(_("marked {count} alert(s) as seen").format(count=len(found)))


def _screen(settings: Settings, *, quiet: bool = False) -> None:
    """Screen new mentions against the watchlists; a failure is reported, never fatal."""
    from pantau.watchlists import print_screen_report
    from storage import screening

    try:
        with _session(settings) as session:
            report = screening.screen(session)
    except Exception as e:  # screening must never undo the work done before it
        errors.print(
            _("[yellow]warning:[/] screening the watchlists failed ({error}); the next run "
              "or `pantau resolve` screens these documents again").format(error=escape(str(e)))
        )  # fmt: skip
        return
    if not quiet:
        print_screen_report(console, report)


xref_app = typer.Typer(
    name="xref", help="Cross-reference foreign nationals across documents.", no_args_is_help=True
)
app.add_typer(xref_app)
LevelOption = Annotated[str, typer.Option("--level", help="province or regency.")]


@xref_app.command("regions")
@handle_errors
def xref_regions(
    level: LevelOption = "regency",
    min_regions: Annotated[int, typer.Option("--min", min=1, help="At least this many.")] = 2,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 50,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Foreign nationals seen in several regions (by the places of their mentions)."""
    from pantau.views import print_records, region_rows
    from storage.xref import subjects_in_several_regions

    with _session(_settings(db)) as session:
        rows = subjects_in_several_regions(
            session, level=level, min_regions=min_regions, limit=limit
        )
    print_records(console, rows, json_out=json_out, table=region_rows)


@xref_app.command("together")
@handle_errors
def xref_together(
    subject: Annotated[int | None, typer.Option(help="Only pairs with this subject id.")] = None,
    min_documents: Annotated[int, typer.Option("--min", min=1, help="Shared documents.")] = 1,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 50,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Pairs of foreign nationals named in the same documents."""
    from pantau.views import pair_rows, print_records
    from storage.xref import co_occurring

    with _session(_settings(db)) as session:
        rows = co_occurring(session, subject_id=subject, min_documents=min_documents, limit=limit)
    print_records(console, rows, json_out=json_out, table=pair_rows)


@xref_app.command("counts")
@handle_errors
def xref_counts(
    by: Annotated[
        str, typer.Option(help="Comma-separated: nationality, region, incident, month, ...")
    ] = "nationality,region,incident,month",
    level: LevelOption = "province",
    nationality: Annotated[str | None, typer.Option(show_default=False)] = None,
    incident: Annotated[str | None, typer.Option(show_default=False)] = None,
    date_from: Annotated[str | None, typer.Option("--from", show_default=False)] = None,
    date_to: Annotated[str | None, typer.Option("--to", show_default=False)] = None,
    limit: Annotated[int, typer.Option(min=1, max=100000)] = 100,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Documents counted by nationality × region × incident × month (or other facets)."""
    from models.records import SearchQuery
    from pantau.views import count_rows, print_records
    from storage.xref import counts

    names = tuple(name.strip() for name in by.split(",") if name.strip())
    query = SearchQuery(
        nationality=nationality, incident=incident, date_from=date_from, date_to=date_to
    )
    with _session(_settings(db)) as session:
        rows = counts(session, by=names, level=level, query=query, limit=limit)
    print_records(console, rows, json_out=json_out, table=count_rows)


@xref_app.command("subject")
@handle_errors
def xref_subject(
    subject_id: Annotated[int, typer.Argument(help="Subject id.")],
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Every document about one foreign national, oldest first."""
    from pantau.views import print_records, subject_document_rows
    from storage.xref import documents_about_subject

    with _session(_settings(db)) as session:
        rows = documents_about_subject(session, subject_id=subject_id)
    print_records(console, rows, json_out=json_out, table=subject_document_rows)


@app.command(name="eval")
@handle_errors
def evaluate(
    gold_dir: Annotated[
        Path | None, typer.Argument(help="Folder of gold annotation JSON files.")
    ] = None,
    pred: Annotated[
        Path | None,
        typer.Option("--pred", help="Score exported annotation files instead of the database."),
    ] = None,
    db: DbOption = None,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="Errors per document.")] = False,
    stems: Annotated[
        str | None,
        typer.Option("--range", help="Only gold files whose stem is in FIRST:LAST (d025:d045)."),
    ] = None,
    json_out: JsonOption = False,
    corrections: Annotated[
        bool,
        typer.Option(
            "--corrections",
            help="Measure the extractor as it is now against every document investigators "
            "corrected (their corrected facts are the gold; no folder needed).",
        ),
    ] = False,
) -> None:
    """Precision, recall and F1 of the extracted facts against gold annotations.

    Gold files are matched to stored documents by input file stem (d001.json ↔ d001.pdf).
    With --corrections, each corrected document is extracted again from its stored pages,
    without the corrections, and scored against its corrected facts.
    """
    from extractors.evaluation import read_annotations

    if corrections:
        if gold_dir is not None or pred is not None:
            raise ConfigError(_("--corrections takes neither a gold folder nor --pred."))
        gold, predicted = _correction_gold(db)
        _print_scores(gold, predicted, json_out=json_out, verbose=verbose)
        return
    if gold_dir is None:
        raise ConfigError(_("Give a folder of gold files, or --corrections."))
    gold = read_annotations(gold_dir)
    if stems is not None:
        first, sep, last = stems.partition(":")
        if not sep or not first or not last:
            raise ConfigError(
                _("--range {range}: write FIRST:LAST, e.g. d025:d045.").format(range=repr(stems))
            )
        gold = {stem: data for stem, data in gold.items() if first <= stem <= last}
        if not gold:
            raise ConfigError(
                _("--range {range}: no gold file has a stem in that range.").format(range=stems)
            )
    if pred is not None:
        predicted = read_annotations(pred)
    else:
        from pantau.exports import annotations

        with _session(_settings(db)) as session:
            # mypy sees the module's `from __future__ import annotations`; see pantau.exports.
            predicted = annotations(session)  # type: ignore[operator]
    _print_scores(gold, predicted, json_out=json_out, verbose=verbose)


def _correction_gold(db: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Corrected documents' annotations (gold) and the current extractor's (predicted)."""
    from pantau.exports import annotations, extractor_annotations

    with _session(_settings(db)) as session:
        _audit_read(session, "cli_eval", "corrections")
        gold = annotations(session, corrected=True)  # type: ignore[operator]  # see exports
        if not gold:
            raise ConfigError(
                _("No document has a correction yet: corrections are made on a document's "
                  "page in the workbench.")
            )  # fmt: skip
        ids = {int(a["document_id"]): stem for stem, a in gold.items()}
        predicted = extractor_annotations(session, ids)
    return gold, predicted


def _print_scores(
    gold: dict[str, Any], predicted: dict[str, Any], *, json_out: bool, verbose: bool
) -> None:
    from extractors.evaluation import evaluate as run_evaluation
    from extractors.evaluation import evaluate_by_kind, format_kinds

    result = run_evaluation(gold, predicted)
    by_kind = evaluate_by_kind(gold, predicted)
    if json_out:
        data = result.as_dict()
        data["by_kind"] = {
            kind: {k: v for k, v in r.as_dict().items() if k != "errors"}
            for kind, r in by_kind.items()
        }
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return
    _print_evaluation(result, verbose=verbose)
    console.print(_("F1 by document kind:"))
    for line in format_kinds(by_kind):
        console.print("  " + line, highlight=False, soft_wrap=True)


def _print_evaluation(result: Any, *, verbose: bool) -> None:
    from extractors.evaluation import format_table

    if verbose:
        for doc_id, problems in result.errors.items():
            console.print(f"[bold]{escape(doc_id)}[/]")
            for name, detail in problems.items():
                console.print(f"  {name}: {escape(json.dumps(detail, ensure_ascii=False))}")
    console.print(
        _("gold documents: {documents}, with a prediction: {predicted}").format(
            documents=result.documents, predicted=result.predicted
        ),
        highlight=False,
        soft_wrap=True,
    )
    for line in format_table(result.fields.items()):
        console.print(line, highlight=False, soft_wrap=True)
    console.print(_("incident by label:"))
    for line in format_table(result.labels.items())[1:]:
        console.print("  " + line, highlight=False, soft_wrap=True)
    f = result.fields
    console.print(
        f"foreigner_pair_f1={f['foreigner_pair'].f1:.4f} nationality_f1={f['nationality'].f1:.4f} "
        f"location_f1={f['location'].f1:.4f} incident_f1={f['incident'].f1:.4f} "
        f"official_as_foreigner={result.official_as_foreigner}",
        highlight=False,
        soft_wrap=True,
    )


@app.command("prefect-server")
@handle_errors
def prefect_server(
    stop: Annotated[bool, typer.Option("--stop", help="Stop it now.")] = False,
    json_out: JsonOption = False,
) -> None:
    """Show (or stop) the local Prefect API server that `pantau run` keeps between commands."""
    from pantau.prefect_server import shared_server_info, stop_shared_server

    settings = _settings(None)
    info = shared_server_info(settings.home)
    if stop and info is not None:
        stop_shared_server(settings.home)
    record = {
        "running": info is not None and not stop,
        "stopped": bool(stop and info),
        **(info or {}),
    }
    if json_out:
        print(json.dumps(record))
    elif info is None:
        console.print(_("no local Prefect server is running for this home"))
    elif stop:
        console.print(
            _("stopped the local Prefect server at {url}").format(url=escape(str(info["api_url"])))
        )
    else:
        console.print(
            _(
                "local Prefect server at {url} (process {pid}); it stops after {seconds} s "
                "without use"
            ).format(
                url=escape(str(info["api_url"])),
                pid=info["pid"],
                seconds=f"{settings.prefect_idle_seconds:g}",
            )
        )


@app.command()
@handle_errors
def runs(db: DbOption = None, limit: int = 10, json_out: JsonOption = False) -> None:
    """List recent processing runs with their counts."""
    from pantau.report import run_record
    from storage import repository

    with _session(_settings(db)) as session:
        records = [run_record(r) for r in repository.list_runs(session, limit=limit)]
    if json_out:
        print(json.dumps(records, indent=2, default=str))
        return
    table = Table(
        _("run"), _("started"), _("status"), _("docs"), _("ok"), _("partial"), _("failed"),
        _("pages"), _("p/min"),
    )  # fmt: skip
    for r in records:
        table.add_row(
            str(r["id"]),
            i18n.format_datetime(r["started_at"], seconds=True),
            r["status"],
            str(r["documents_seen"]),
            str(r["processed"]),
            str(r["partial"]),
            str(r["failed"]),
            str(r["pages"]),
            f"{r['pages_per_minute']:.1f}",
        )
    console.print(table)


@app.command()
@handle_errors
def schedule(
    inbox: Annotated[Path, typer.Argument(help="Folder that receives new scans.")],
    cron: Annotated[str, typer.Option("--cron", help='Cron expression, e.g. "*/15 * * * *".')],
    db: DbOption = None,
    name: Annotated[str, typer.Option(help="Deployment name.")] = "inbox",
    timezone: Annotated[str, typer.Option(help="Time zone of the cron expression.")] = "UTC",
) -> None:
    """Serve the batch flow as a Prefect deployment that runs on a cron schedule.

    Without PREFECT_API_URL a private Prefect server is started on 127.0.0.1 for as
    long as this command runs; its UI shows the scheduled runs.
    """
    settings = _settings(db)
    if not inbox.is_dir():
        raise ConfigError(
            _("{path}: not a folder. Create it or give the inbox folder's path.").format(path=inbox)
        )
    check_schedule(cron, timezone)
    prepare_prefect(settings)
    with contextlib.ExitStack() as stack:
        api_url = None
        if not os.environ.get("PREFECT_API_URL"):
            from pantau.prefect_server import local_server

            log_path = settings.home / "prefect-server.log"
            console.print(
                _("starting a local Prefect server (log: {path})…").format(
                    path=escape(str(log_path))
                )
            )
            api_url = stack.enter_context(local_server(log_path=log_path, full=True)).wait_ready()
            # This process only serves from here on; flow runs it starts inherit the URL.
            os.environ["PREFECT_API_URL"] = api_url
            ui_url = escape(api_url.removesuffix("/api"))
            console.print(_("Prefect UI: [bold]{url}[/]").format(url=ui_url))
        from flows.deploy import serve_inbox

        console.print(
            _(
                "serving deployment [bold]pantau-batch/{name}[/] on {cron} ({timezone}) "
                "over {inbox}; Ctrl+C stops it."
            ).format(
                name=name,
                cron=escape(cron),
                timezone=timezone,
                inbox=escape(str(inbox.resolve())),
            )
        )
        serve_inbox(
            inbox=inbox.resolve(),
            cron=cron,
            settings=settings,
            name=name,
            timezone=timezone,
            api_url=api_url,
        )


def _prefect_executable() -> str:
    executable = Path(sys.executable).with_name("prefect")
    return str(executable) if executable.exists() else "prefect"


def _require_api(command: str) -> str:
    api_url = os.environ.get("PREFECT_API_URL")
    if not api_url:
        raise ConfigError(
            _(
                "`pantau {command}` works with a Prefect server: start one with `pantau server` "
                "and set PREFECT_API_URL to the URL it prints (e.g. http://10.0.0.5:4200/api)."
            ).format(command=command)
        )
    return api_url


@app.command()
@handle_errors
def server(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port of the API and UI.")] = 4200,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="Prefect's own database: a PostgreSQL URL (default: SQLite in PREFECT_HOME).",
        ),
    ] = None,
) -> None:
    """Run a Prefect server (API, UI, scheduler) for workers on other machines.

    It keeps flow runs, schedules and work pools; Pantau's records stay in Pantau's
    database. Workers and `pantau deploy` reach it through PREFECT_API_URL.
    """
    settings = _settings(None)
    prepare_prefect(settings)
    env = dict(os.environ)
    if database_url:
        url = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+asyncpg://", database_url)
        if not url.startswith("postgresql+asyncpg://"):
            raise ConfigError(
                _(
                    "--database-url {url}: give a PostgreSQL URL, e.g. "
                    "postgresql://prefect@db.example:5432/prefect"
                ).format(url=repr(database_url))
            )
        env["PREFECT_API_DATABASE_CONNECTION_URL"] = url
    env.pop("PREFECT_API_URL", None)
    console.print(
        _(
            "Prefect server on http://{host}:{port}; on every worker and for `pantau "
            "deploy`: [bold]export PREFECT_API_URL=http://{host}:{port}/api[/]"
        ).format(host=escape(host), port=port)
    )
    command = [_prefect_executable(), "server", "start", "--host", host, "--port", str(port)]
    os.execvpe(command[0], command, env)


@app.command()
@handle_errors
def deploy(
    inbox: Annotated[Path, typer.Argument(help="The inbox folder, as every worker sees it.")],
    pool: Annotated[str, typer.Option(help="Work pool (created if missing).")] = "pantau",
    name: Annotated[str, typer.Option(help="Deployment name.")] = "inbox",
    cron: Annotated[
        str | None, typer.Option(help='Schedule of the inbox scan, e.g. "*/5 * * * *".')
    ] = None,
    timezone: Annotated[str, typer.Option(help="Time zone of the cron expression.")] = "UTC",
    chunk: Annotated[int, typer.Option(help="Files per flow run.", min=1)] = 10,
    json_out: JsonOption = False,
) -> None:
    """Register the batch in a Prefect work pool: an inbox scan (on `--cron`) that hands
    out flow runs of `--chunk` files each to whichever worker is free."""
    api_url = _require_api("deploy")
    if not inbox.is_absolute():
        raise ConfigError(
            _("{path}: give the inbox's absolute path, the same on every worker machine.").format(
                path=inbox
            )
        )
    if cron:
        check_schedule(cron, timezone)
    prepare_prefect(_settings(None))
    from flows.work import INBOX_FLOW
    from flows.work import deploy as register

    ids = register(pool=pool, inbox=inbox, name=name, cron=cron, timezone=timezone, chunk=chunk)
    if json_out:
        print(json.dumps({"api_url": api_url, "pool": pool, "deployments": ids}))
        return
    for deployment in ids:
        console.print(
            _("registered [bold]{deployment}[/] in work pool {pool}").format(
                deployment=escape(deployment), pool=escape(pool)
            )
        )
    console.print(
        _(
            "start workers with `pantau worker --pool {pool}`; scan the inbox now with "
            "`prefect deployment run {flow}/{name}`"
        ).format(pool=escape(pool), flow=INBOX_FLOW, name=escape(name))
    )


@app.command()
@handle_errors
def worker(
    pool: Annotated[str, typer.Option(help="Work pool to take flow runs from.")] = "pantau",
    name: Annotated[str | None, typer.Option(help="Worker name (default: host and pid).")] = None,
    limit: Annotated[int, typer.Option(help="Flow runs at a time on this machine.", min=1)] = 1,
) -> None:
    """Run a Prefect worker: it takes this pool's flow runs and runs them on this machine,
    with this machine's PANTAU_* settings (database, OCR workers, limits)."""
    _require_api("worker")
    settings = _settings(None)
    from extractors.tesseract import check_tesseract
    from storage.engine import check_connection, get_engine
    from storage.migrate import upgrade

    check_tesseract()
    prepare_prefect(settings)
    engine = get_engine(settings.resolved_database_url)
    check_connection(engine)
    upgrade(engine)
    os.environ["PREFECT_LOGGING_LEVEL"] = os.environ.get("PANTAU_WORKER_LOG_LEVEL", "INFO")
    command = [
        _prefect_executable(), "worker", "start", "--pool", pool, "--type", "process",
        "--limit", str(limit),
    ]  # fmt: skip
    if name:
        command += ["--name", name]
    console.print(
        _("worker for pool {pool} ({limit} flow run(s) at a time)").format(
            pool=escape(pool), limit=limit
        )
    )
    os.execvpe(command[0], command, dict(os.environ))


_CRON_ATOM = r"(\*|\d+(-\d+)?|[A-Za-z]{3}(-[A-Za-z]{3})?)(/\d+)?"
_CRON_FIELD = re.compile(rf"^{_CRON_ATOM}(,{_CRON_ATOM})*$")


def check_schedule(cron: str, timezone: str) -> None:
    """Refuse a malformed cron expression or time zone before anything starts."""
    fields = cron.split()
    valid = cron.startswith("@") or (
        len(fields) == 5 and all(_CRON_FIELD.match(field) for field in fields)
    )
    if not valid:
        raise ConfigError(
            _(
                "invalid schedule {cron}: use five cron fields (minute hour day month weekday), "
                "e.g. '*/15 * * * *' for every 15 minutes or '0 7 * * 1-5' for 07:00 on weekdays."
            ).format(cron=repr(cron))
        )
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ConfigError(
            _("unknown time zone {zone}; use a name such as 'Asia/Jakarta' or 'UTC'.").format(
                zone=repr(timezone)
            )
        ) from e


users_app = typer.Typer(
    help="Workbench users: add, list, disable, set a password, end sessions, lift sign-in locks.",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")


@users_app.command("add")
@handle_errors
def users_add(
    name: Annotated[str, typer.Argument(help="Login name (no spaces).")],
    role: Annotated[
        list[str],
        typer.Option(
            "--role",
            help="admin, analyst or investigator; repeat it (or separate with commas) for "
            "several roles, the first one being the home page.",
        ),
    ],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Add a workbench user; the password is asked twice (or read from stdin)."""
    from storage import users

    roles = [part for value in role for part in value.split(",")]
    users.parse_roles(roles)
    password = _read_password(from_stdin=password_stdin)
    with _session(_settings(db)) as session:
        user = users.add_user(session, name=name, role=roles, password=password)
    held = ", ".join(r.value for r in user.roles)
    console.print(_("added {name} ({roles})").format(name=escape(user.name), roles=held))


@users_app.command("roles")
@handle_errors
def users_roles(
    name: Annotated[str, typer.Argument(help="Login name.")],
    roles: Annotated[
        list[str], typer.Argument(help="The user's roles, the first one being the home page.")
    ],
    db: DbOption = None,
) -> None:
    """Give a user other roles (ends their open sessions if they change); audited."""
    from storage import users

    wanted = [part for value in roles for part in value.split(",")]
    with _session(_settings(db)) as session:
        user = users.set_role(session, name=name, role=wanted)
        held = [r.value for r in user.roles]
        _audit_cli(session, action="set_role", target=f"user:{name}", details={"roles": held})
    console.print(f"{escape(user.name)}: {', '.join(held)}")


def _read_password(*, from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt(_("Password"), hide_input=True)
    if typer.prompt(_("Repeat the password"), hide_input=True) != first:
        raise ConfigError(_("the two passwords differ; run the command again."))
    return str(first)


@users_app.command("list")
@handle_errors
def users_list(db: DbOption = None, json_out: JsonOption = False) -> None:
    """List workbench users with role, state, open sessions and sign-in lock."""
    from models.tables import utc_now
    from storage import throttle, users, web_sessions

    settings = _settings(db)
    now = utc_now()
    with _session(settings) as session:
        listed = users.list_users(session)
        counts = web_sessions.open_counts(session, now=now)
        locked_names, _addresses = throttle.locked(
            session, limits=throttle.limits_of(settings), now=now
        )
    records = []
    for user in listed:
        until = locked_names.get(user.name)
        records.append(
            user.model_dump(mode="json")
            | {
                "open_sessions": counts.get(user.id, 0),
                "locked_until": until.isoformat(timespec="seconds") if until else None,
            }
        )
    if json_out:
        print(json.dumps(records, indent=2, ensure_ascii=False))
        return
    table = Table(_("name"), _("role"), _("state"), _("created"), _("sessions"), _("locked until"))
    for r in records:
        state = _("active") if r["active"] else _("disabled")
        until = r["locked_until"]
        locked = i18n.format_datetime(datetime.fromisoformat(until)) if until else ""
        held = ", ".join([r["role"], *(x for x in r["extra_roles"] if x != r["role"])])
        created = i18n.format_date(datetime.fromisoformat(r["created_at"]))
        row = (escape(r["name"]), held, state, created)
        table.add_row(*row, str(r["open_sessions"]), locked)
    console.print(table)


@users_app.command("disable")
@handle_errors
def users_disable(
    name: Annotated[str, typer.Argument(help="Login name.")], db: DbOption = None
) -> None:
    """Stop a user from signing in and end their open sessions (kept for the audit log)."""
    from storage import users

    with _session(_settings(db)) as session:
        users.deactivate(session, name=name)
        _audit_cli(session, action="disable_user", target=f"user:{name}")
    console.print(_("disabled {name}; their open sessions are ended").format(name=escape(name)))


@users_app.command("enable")
@handle_errors
def users_enable(
    name: Annotated[str, typer.Argument(help="Login name.")], db: DbOption = None
) -> None:
    """Let a disabled user sign in again."""
    from storage import users

    with _session(_settings(db)) as session:
        users.activate(session, name=name)
        _audit_cli(session, action="enable_user", target=f"user:{name}")
    console.print(_("enabled {name}; they can sign in again").format(name=escape(name)))


@users_app.command("password")
@handle_errors
def users_password(
    name: Annotated[str, typer.Argument(help="Login name.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Set a user's password (asked twice, or read from stdin); ends their open sessions."""
    from storage import users

    password = _read_password(from_stdin=password_stdin)
    with _session(_settings(db)) as session:
        users.set_password(session, name=name, password=password)
        _audit_cli(session, action="set_password", target=f"user:{name}")
    console.print(
        _("new password set for {name}; their open sessions are ended").format(name=escape(name))
    )


@users_app.command("revoke")
@handle_errors
def users_revoke(
    name: Annotated[str, typer.Argument(help="Login name.")], db: DbOption = None
) -> None:
    """End every open workbench session of a user: each browser must sign in again."""
    from models.tables import utc_now
    from storage import users, web_sessions

    with _session(_settings(db)) as session:
        user = users.require_user(session, name=name)
        assert user.id is not None  # a stored row
        ended = web_sessions.revoke_user(session, user_id=user.id, now=utc_now())
        details = {"sessions_ended": ended}
        _audit_cli(session, action="revoke_sessions", target=f"user:{name}", details=details)
    console.print(
        ngettext(
            "ended {count} open session of {name}", "ended {count} open sessions of {name}", ended
        ).format(count=ended, name=escape(name))
    )


@users_app.command("unlock")
@handle_errors
def users_unlock(
    name: Annotated[
        str | None, typer.Argument(help="Login name whose sign-in lock to lift.")
    ] = None,
    address: Annotated[
        str | None, typer.Option("--address", help="Lift the lock of this client address.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Lift a sign-in lock (too many failed sign-ins) of a user name or of an address."""
    from storage import throttle

    if (name is None) == (address is None):
        raise ConfigError(_("give a user name or --address ADDRESS (one of the two) to unlock."))
    with _session(_settings(db)) as session:
        if name is not None:
            cleared, target = throttle.clear_name(session, name=name), f"user:{name}"
        else:
            assert address is not None
            cleared = throttle.clear_address(session, address=address)
            target = f"address:{address}"
        details = {"failures_cleared": cleared}
        _audit_cli(session, action="unlock", target=target, details=details)
    console.print(
        _("unlocked {target} ({count} failed sign-ins forgotten)").format(
            target=escape(target), count=cleared
        )
    )


audit_app = typer.Typer(
    help="The audit log: list events, verify the hash chain.", no_args_is_help=True
)
app.add_typer(audit_app, name="audit")


@audit_app.command("list")
@handle_errors
def audit_list(
    user: Annotated[str | None, typer.Option(help="Only this user's events.")] = None,
    action: Annotated[str | None, typer.Option(help="Only this action, e.g. login.")] = None,
    target: Annotated[str | None, typer.Option(help="Only events about this target.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="At most this many.")] = 50,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """List audit events, newest first."""
    from storage import audit

    filters = audit.AuditFilters(user=user, action=action, target=target, limit=limit)
    with _session(_settings(db)) as session:
        events = [e.model_dump(mode="json") for e in audit.list_events(session, filters=filters)]
    if json_out:
        print(json.dumps(events, indent=2, ensure_ascii=False))
        return
    table = Table(_("id"), _("at"), _("user"), _("action"), _("target"), _("ip"))
    for e in events:
        at = i18n.format_datetime(datetime.fromisoformat(e["at"]), seconds=True)
        row = (str(e["id"]), at, escape(e["user"]), e["action"], escape(e["target"]))
        table.add_row(*row, e["ip"] or "")
    console.print(table)


@audit_app.command("verify")
@handle_errors
def audit_verify(
    anchor: Annotated[
        str | None,
        typer.Option(help="A head hash noted earlier; exits 6 if that event is gone."),
    ] = None,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Check the audit log's hash chain: exit 0 when whole, 6 at the first break."""
    from models.errors import AuditTamperedError
    from storage import audit

    with _session(_settings(db)) as session:
        result = audit.verify(session, anchor=anchor)
    if json_out:
        print(result.model_dump_json(indent=2))
    elif result.intact:
        console.print(
            _("audit log intact: {count} events, head seq {seq}, head hash {hash}").format(
                count=result.rows_checked, seq=result.head_seq, hash=result.head_hash
            )
        )
    if result.first_break is not None:
        broken = result.first_break
        raise AuditTamperedError(
            _(
                "the audit log has been tampered with ({kind}): {message} "
                "The chain is whole up to there ({count} events checked)."
            ).format(kind=broken.kind, message=broken.message, count=result.rows_checked)
        )


db_app = typer.Typer(help="Database administration.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("grant-web-role")
@handle_errors
def db_grant_web_role(
    role: Annotated[str, typer.Argument(help="PostgreSQL role the web workbench connects as.")],
    db: DbOption = None,
) -> None:
    """PostgreSQL: let ROLE run the workbench but only add to the audit log (run as owner)."""
    from storage.engine import get_engine
    from storage.grants import grant_web_role
    from storage.migrate import ensure_current

    engine = get_engine(_settings(db).resolved_database_url)
    ensure_current(engine)
    created = grant_web_role(engine, role)
    if created:
        message = _(
            "created and granted {role}: read and write the application tables, only SELECT "
            "and INSERT on audit_event. Connect the workbench as this role "
            "(PANTAU_DATABASE_URL); set its password with ALTER ROLE … PASSWORD."
        )
    else:
        message = _(
            "granted {role}: read and write the application tables, only SELECT and INSERT "
            "on audit_event. Connect the workbench as this role (PANTAU_DATABASE_URL)."
        )
    console.print(message.format(role=escape(role)))


@app.command()
@handle_errors
def web(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    db: DbOption = None,
) -> None:
    """Serve the investigators' workbench (needs PANTAU_SECRET_KEY, 32+ random characters)."""
    import uvicorn

    from web.app import create_app

    settings = _settings(db)
    application = create_app(settings)
    cmdserver.settle_heap()
    console.print(
        _("Pantau workbench on http://{host}:{port}/ (Ctrl+C stops it)").format(
            host=escape(host), port=port
        )
    )
    uvicorn.run(application, host=host, port=port, log_level="warning", proxy_headers=False)


def main() -> None:
    """Console entry point that maps unexpected crashes to exit code 1 with a short message."""
    try:
        app()
    except SystemExit:
        raise
    except Exception as e:  # last resort: never dump a traceback on an analyst
        if os.environ.get("PANTAU_DEBUG"):
            raise
        message = _environment_fault(e)
        if message is not None:
            errors.print(_("[bold red]error:[/] {message}").format(message=escape(message)))
            sys.exit(StorageError.exit_code)
        errors.print(
            _("[bold red]internal error:[/] {kind}: {message}").format(
                kind=escape(type(e).__name__), message=escape(str(e))
            )
        )
        sys.exit(EXIT_INTERNAL)
