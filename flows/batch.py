"""The batch flow: files and folders in, page text and facts in the database, one task each.

Each document is claimed by content hash, read, its facts extracted, and committed on
its own (pages and facts in one transaction), so a crash mid-batch loses nothing already
done and a re-run resumes where it stopped. A stored document that has no facts yet (read
before extraction existed, or whose extraction failed) gets them when a run sees it again.
"""

import logging
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, wait
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError

from extractors import intake
from extractors.facts import extract_facts
from extractors.pipeline import ReadOptions, read_document
from extractors.tesseract import clean_stale_scratch
from flows.leases import kept_alive
from models.errors import ConfigError, StorageError
from models.records import (
    DocumentResult,
    DocumentStatus,
    ExtractionResult,
    MediaType,
    PageSource,
    RunStatus,
)
from storage import claims, identity, repository, screening
from storage.engine import describe_database_fault, get_engine, refresh_statistics, session_for
from storage.migrate import upgrade

logger = logging.getLogger("pantau.batch")


class BatchOptions(BaseModel):
    """What a batch needs to know; plain values so Prefect can record them as parameters."""

    database_url: str
    workers: int = 2
    dpi: int = 300
    max_file_mb: int = 1024
    max_pages: int = 2000
    max_megapixels: int = 150
    read_seconds: float = 3600
    ocr_page_seconds: float = 300
    nlp_seconds: float = 300
    resolve_seconds: float = 600
    lease_seconds: float = 60
    task_runner: str = "threads"
    retry_failed: bool = False

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> "BatchOptions":
        """Options from Pantau's settings object (any object with the same attributes)."""
        values = {
            "database_url": settings.resolved_database_url,
            "workers": settings.workers,
            "dpi": settings.dpi,
            "max_file_mb": settings.max_file_mb,
            "max_pages": settings.max_pages,
            "max_megapixels": settings.max_megapixels,
            "read_seconds": settings.read_seconds,
            "ocr_page_seconds": settings.ocr_page_seconds,
            "nlp_seconds": settings.nlp_seconds,
            "resolve_seconds": settings.resolve_seconds,
            "lease_seconds": settings.lease_seconds,
            "task_runner": settings.task_runner,
        }
        return cls(**{**values, **overrides})

    def read_options(self) -> ReadOptions:
        return ReadOptions(
            dpi=self.dpi,
            max_file_bytes=self.max_file_mb * 1024 * 1024,
            max_pages=self.max_pages,
            max_pixels=self.max_megapixels * 1_000_000,
            read_seconds=self.read_seconds,
            ocr_page_seconds=self.ocr_page_seconds,
        )


class DocumentOutcome(BaseModel):
    """How one input ended in this run."""

    path: str
    document_id: int | None = None
    claim: str
    status: str
    pages: int = 0
    pages_ocr: int = 0
    pages_text_layer: int = 0
    error_code: str | None = None
    error: str | None = None
    facts: int = 0
    seconds: float = 0.0


Listener = Callable[[str, object], None]


class Progress:
    """In-process observers of a batch (the CLI's progress bar); thread-safe."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener `(event, payload)`; returns a function that removes it."""
        with self._lock:
            self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def emit(self, event: str, payload: object) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(event, payload)


_progress = Progress()


# Flow and task functions reach shared state only through module functions: Prefect
# pickles a served flow by value, and a lock in its globals cannot be pickled.
def subscribe(listener: Listener) -> Callable[[], None]:
    """Observe this process's batches: `listener(event, payload)`; returns an unsubscribe."""
    return _progress.subscribe(listener)


def emit(event: str, payload: object) -> None:
    """Tell this process's observers about a batch event."""
    _progress.emit(event, payload)


_pool_lock = threading.Lock()
_pools: dict[int, ThreadPoolExecutor] = {}


def ocr_pool(workers: int) -> ThreadPoolExecutor:
    """One OCR pool per process and size: at most `workers` tesseracts at a time overall."""
    with _pool_lock:
        if workers not in _pools:
            _pools[workers] = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr")
        return _pools[workers]


def _is_transient(task, task_run, state) -> bool:  # noqa: ANN001 - Prefect's signature
    """Retry only what a retry can fix: a busy or briefly unreachable database."""
    try:
        state.result()
    except (OperationalError, StorageError):
        return True
    except Exception:
        return False
    return False


@task(
    name="process-document",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=[1, 5],
    retry_condition_fn=_is_transient,
)
def process_document(
    path: str, sha256: str, size: int, media_type: str, run_id: int, options: BatchOptions
) -> DocumentOutcome:
    """Claim one input by content hash; read and store it unless it is already known."""
    with kept_alive(options.database_url, options.lease_seconds):
        return _process_document(path, sha256, size, media_type, run_id, options)


def _process_document(
    path: str, sha256: str, size: int, media_type: str, run_id: int, options: BatchOptions
) -> DocumentOutcome:
    item = intake.InputFile(
        path=Path(path), sha256=sha256, size=size, media_type=MediaType(media_type)
    )
    engine = get_engine(options.database_url)
    claimant = repository.Claimant(
        run_id=run_id,
        worker=claims.worker_id(),
        lease_seconds=options.lease_seconds,
        retry_failed=options.retry_failed,
    )
    with session_for(engine) as session:
        document, claim = repository.claim_document(
            session,
            path=path,
            sha256=sha256,
            size=size,
            media_type=media_type,
            run_id=run_id,
            claimant=claimant,
        )
        document_id = document.id
        assert document_id is not None  # a claimed document is stored
        outcome = _skipped_outcome(path, document, claim)
        backfill = outcome is not None and repository.needs_extraction(document)
    if outcome is None:
        try:
            outcome = _read_and_save(item, document_id, claim, claimant, options)
        except BaseException:
            # Pending, unclaimed: the next run (or this task's retry) reads it again at once.
            with session_for(engine) as session, repository.committing(session):
                claims.release(session, document_id=document_id, worker=claimant.worker)
            raise
    elif backfill:
        try:
            outcome.facts = extract_stored(
                engine, document_id=document_id, run_id=run_id, seconds=options.nlp_seconds
            )
        except (OperationalError, StorageError):
            raise  # transient: the task is retried
        except Exception as e:  # the stored pages stay as they are; a later run retries
            error = _nlp_failure(e)
            with session_for(engine) as session:
                repository.mark_partial(
                    session,
                    document_id=document_id,
                    error_code="nlp_failed",
                    error=error,
                    run_id=run_id,
                )
            outcome.status, outcome.error_code, outcome.error = "partial", "nlp_failed", error
    emit("document", outcome)
    return outcome


def _read_and_save(
    item: intake.InputFile,
    document_id: int,
    claim: repository.Claim,
    claimant: repository.Claimant,
    options: BatchOptions,
) -> DocumentOutcome:
    path = str(item.path)
    preload_nlp()  # while the pages are read (OCR), not after
    result = read_document(item, options=options.read_options(), executor=ocr_pool(options.workers))
    extraction = extract_result(result, seconds=options.nlp_seconds)
    outcome = _read_outcome(path, document_id, claim, result)
    outcome.facts = len(extraction.facts) if extraction else 0
    try:
        with session_for(get_engine(options.database_url)) as session:
            repository.save_result(
                session,
                document_id=document_id,
                result=result,
                extraction=extraction,
                worker=claimant.worker,
            )
    except repository.LostClaim as e:
        logger.warning("%s: %s", path, e)
        return DocumentOutcome(
            path=path,
            document_id=document_id,
            claim="lost",
            status=DocumentStatus.PENDING.value,
            error_code="lost_claim",
            error=str(e),
        )
    return outcome


_preload_lock = threading.Lock()
_preloading: list[threading.Thread] = []


def preload_nlp() -> None:
    """Start loading the NLP pipeline in the background, once per process.

    A document about to be read needs it next; loading it while tesseract reads the
    pages (another process) hides the load behind the OCR. `load_pipeline` is
    thread-safe: extraction that comes first waits for this load instead of starting
    another, and a load that fails is tried again (and reported) by the extraction.
    """
    with _preload_lock:
        if _preloading:
            return
        thread = threading.Thread(target=_load_quietly, name="nlp-preload", daemon=True)
        _preloading.append(thread)
    thread.start()


def finish_preload(timeout: float = 120) -> None:
    """Wait for a background load still under way (a batch whose reads all failed before
    extraction), so the process never exits in the middle of an import."""
    with _preload_lock:
        threads = list(_preloading)
    for thread in threads:
        thread.join(timeout)


def _load_quietly() -> None:
    from extractors.nlp.pipeline import load_pipeline

    try:
        load_pipeline()
    except Exception as e:  # the extraction loads it again and records the error
        logger.debug("preloading the NLP pipeline failed: %s", e)


def _nlp_failure(error: BaseException) -> str:
    return (
        f"facts could not be extracted ({type(error).__name__}: {error}); the page text is "
        "stored and searchable, and the next run or `pantau extract` tries again."
    )


def extract_result(
    result: DocumentResult, *, seconds: float | None = None
) -> ExtractionResult | None:
    """The facts of a freshly read document; None (noted on the result) if extraction broke.

    A broken extraction must not cost the OCR: the pages are stored, the document keeps
    no facts, and the next run (or `pantau extract`) tries again. Extraction that ran past
    `seconds` keeps the facts found so far and makes the document `partial` (stage nlp).
    """
    pages = [page for page in result.pages if page.ok and page.text is not None]
    if not pages:
        return None
    try:
        extraction = extract_facts(
            [(page.number, page.text.text) for page in pages if page.text],
            words={
                page.number: [w.model_dump() for w in page.text.words]
                for page in pages
                if page.text and page.text.source is PageSource.OCR
            },
            seconds=seconds,
        )
    except Exception as e:  # a bug in a rule must not lose the document
        mark_stage_failed(result, _nlp_failure(e), code="nlp_failed")
        return None
    if extraction.stopped:
        mark_stage_failed(result, extraction.stopped, code="nlp_timeout")
    return extraction


def mark_stage_failed(result: DocumentResult, reason: str, *, code: str) -> None:
    """Make a read document `partial` because a later stage (NLP) stopped or broke.

    The page text is stored and searchable; the reason says which stage stopped and how
    to get the rest (a read error already on the document is kept first).
    """
    if result.status is DocumentStatus.PROCESSED:
        result.status = DocumentStatus.PARTIAL
    if result.error is None:
        result.error, result.error_code = reason, code
    else:
        result.warnings.append(reason)


def extract_stored(
    engine: Any, *, document_id: int, run_id: int | None = None, seconds: float | None = None
) -> int:
    """Extract the facts of a stored document from its pages; returns how many were saved.

    Past `seconds` the facts found so far are saved and a warning is logged.
    """
    with session_for(engine) as session:
        pages = repository.get_pages(session, document_id=document_id)
        texts = [(page.number, page.text) for page in pages if page.text]
        words = {p.number: p.words for p in pages if p.source == PageSource.OCR and p.words}
    extraction = extract_facts(texts, words=words, seconds=seconds)
    if extraction.stopped:
        logger.warning("document %s: %s", document_id, extraction.stopped)
    with session_for(engine) as session:
        repository.save_extraction(
            session, document_id=document_id, extraction=extraction, run_id=run_id
        )
    return len(extraction.facts)


@task(name="resolve-identities", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5])
def resolve_identities(options: BatchOptions) -> dict[str, int]:
    """Link the foreign nationals named in newly extracted documents to subjects."""
    with session_for(get_engine(options.database_url)) as session:
        report = identity.resolve(session, seconds=options.resolve_seconds)
    if report.deferred:
        logger.warning(
            "identity resolution stopped at PANTAU_RESOLVE_SECONDS=%g s; %d mentions are left "
            "for the next run or `pantau resolve`",
            options.resolve_seconds,
            report.deferred,
        )
    emit("identities", report)
    return report.model_dump()


def _skipped_outcome(path: str, document, claim) -> DocumentOutcome | None:  # noqa: ANN001
    if claim in (repository.Claim.NEW, repository.Claim.RESUME):
        return None
    outcome = DocumentOutcome(
        path=path,
        document_id=document.id,
        claim=claim.value,
        status=document.status,
        pages=document.page_count or 0,
    )
    if claim is repository.Claim.BUSY:
        outcome.error = (
            f"{Path(path).name}: being read by {document.claimed_by} (claim renewed until "
            f"{document.lease_expires_at:%H:%M:%S} UTC); left to it."
        )
    return outcome


def _read_outcome(path: str, document_id: int, claim, result) -> DocumentOutcome:  # noqa: ANN001
    ok_pages = [page for page in result.pages if page.ok]
    return DocumentOutcome(
        path=path,
        document_id=document_id,
        claim=claim.value,
        status=result.status.value,
        pages=len(result.pages),
        pages_ocr=sum(page.text.source is PageSource.OCR for page in ok_pages),
        pages_text_layer=sum(page.text.source is PageSource.TEXT_LAYER for page in ok_pages),
        error_code=result.error_code,
        error=result.error,
        seconds=result.seconds,
    )


# Documents in flight: enough to keep every OCR worker busy while others read text layers.
@flow(
    name="pantau-batch",
    # Prefect's TaskRunner is invariant in its future type, so its own runner needs a cast.
    task_runner=cast(
        "TaskRunner[PrefectFuture[Any]]",
        ThreadPoolTaskRunner(max_workers=2 * (os.cpu_count() or 1)),
    ),
)
def process_batch(paths: list[str], options: BatchOptions) -> int:
    """Process every file under `paths`; returns the id of the run that records it."""
    engine = get_engine(options.database_url)
    upgrade(engine)
    if removed := clean_stale_scratch():
        logger.info("removed %d page images left by OCR processes that were killed", removed)
    with kept_alive(options.database_url, options.lease_seconds) as worker:
        with session_for(engine) as session:
            for crashed in repository.mark_crashed_runs(session):
                logger.warning(
                    "run %s of %s stopped renewing its lease: crashed", crashed.id, crashed.worker
                )
            run_id = repository.start_run(
                session, inputs=paths, worker=worker, lease_seconds=options.lease_seconds
            ).id
        assert run_id is not None  # start_run commits the run
        try:
            items, unreadable = _inspect_all(paths)
            emit("start", len(items) + len(unreadable))
            for outcome in unreadable:
                _count_without_document(outcome, run_id=run_id, options=options)
            _submit_all(items, run_id=run_id, options=options)
            _resolve_or_mark(options, run_id=run_id)
        except BaseException:
            with session_for(engine) as session:
                claims.release_all(session, worker=worker, run_id=run_id)
                run = repository.get_run(session, run_id=run_id)
                assert run is not None  # started above
                repository.finish_run(session, run=run, status=RunStatus.CRASHED)
            raise
        with session_for(engine) as session:
            claims.release_all(session, worker=worker, run_id=run_id)
            run = repository.get_run(session, run_id=run_id)
            assert run is not None  # started above
            repository.finish_run(session, run=run)
    if not refresh_statistics(engine):
        logger.warning("the database was busy; its planner statistics stay as they were")
    finish_preload()
    return run_id


def _resolve_or_mark(options: BatchOptions, *, run_id: int) -> None:
    """Resolve identities, then screen the watchlists; if resolution fails, the run's
    documents whose people were left unlinked become `partial` (stage identity) until a
    later resolution links them."""
    try:
        resolve_identities(options)
    except Exception as e:
        _mark_unresolved(options, run_id=run_id, e=e)
    screen_or_log(options.database_url, run_id=run_id)


def _mark_unresolved(options: BatchOptions, *, run_id: int, e: Exception) -> None:
    """The run's documents whose people were left unlinked become `partial`."""
    error = (
        f"identity resolution failed ({type(e).__name__}: {e}); the facts are stored, and "
        "`pantau resolve` or the next run links this document's people to subjects."
    )
    logger.error("run %s: %s", run_id, error)
    with session_for(get_engine(options.database_url)) as session:
        for document_id in repository.documents_unresolved(session, run_id=run_id):
            repository.mark_partial(
                session,
                document_id=document_id,
                error_code="identity_failed",
                error=error,
                run_id=run_id,
            )


def screen_or_log(database_url: str, *, run_id: int | None = None) -> None:
    """Screen new mentions against the watchlists (`storage.screening`). A failure is
    logged and never fails the batch: the cursor stays, the next screening retries."""
    try:
        with session_for(get_engine(database_url)) as session:
            report = screening.screen(session)
    except Exception as e:
        logger.error(
            "run %s: screening the watchlists failed (%s: %s); the next run or "
            "`pantau resolve` screens these documents again",
            run_id,
            type(e).__name__,
            e,
        )
        return
    if report.alerts:
        logger.info("run %s: %d watchlist alerts raised", run_id, report.alerts)
    emit("alerts", report)


def _inspect_all(paths: list[str]) -> tuple[list[intake.InputFile], list[DocumentOutcome]]:
    """Hash and type every input; files that cannot even be read become failed outcomes."""
    items, unreadable = [], []
    for path in intake.discover(paths):
        if isinstance(path, intake.Refused):
            unreadable.append(
                DocumentOutcome(
                    path=str(path.path),
                    claim="refused",
                    status=DocumentStatus.FAILED.value,
                    error_code=path.code,
                    error=path.reason,
                )
            )
            continue
        try:
            items.append(intake.inspect(path))
        except OSError as e:
            unreadable.append(
                DocumentOutcome(
                    path=str(path),
                    claim="unreadable",
                    status=DocumentStatus.FAILED.value,
                    error_code="unreadable",
                    error=f"{path.name}: cannot be opened ({e.strerror or e}). "
                    "Check the file's permissions and that the disk is mounted.",
                )
            )
    return items, unreadable


def _submit_all(items: list[intake.InputFile], *, run_id: int, options: BatchOptions) -> None:
    """Submit one task per file; same-content files wait for the first, so one is read."""
    first_by_hash: dict[str, PrefectFuture] = {}
    submitted: list[tuple[intake.InputFile, PrefectFuture]] = []
    for item in items:
        earlier = first_by_hash.get(item.sha256)
        future = process_document.submit(
            str(item.path),
            item.sha256,
            item.size,
            item.media_type.value,
            run_id,
            options,
            return_state=False,  # the default; Prefect's overloads with wait_for require it
            wait_for=[earlier] if earlier else None,
        )
        first_by_hash.setdefault(item.sha256, future)
        submitted.append((item, future))
    wait([future for _, future in submitted])
    faults: list[BaseException] = []
    for item, future in submitted:
        error = future.result(raise_on_failure=False)
        if not isinstance(error, BaseException):
            continue
        if describe_database_fault(error) is not None:
            faults.append(error)  # the environment's fault, not the document's
        else:
            _record_crash(item, error, run_id=run_id, options=options)
    if faults:
        # A full disk or a lost server stops the batch with its fix-it message; the
        # documents it hit stay pending and the next run resumes them.
        raise faults[0]


def _record_crash(
    item: intake.InputFile, error: BaseException, *, run_id: int, options: BatchOptions
) -> None:
    """A task that died (not bad input: a bug) is counted, not hidden.

    Its document stays `pending`, so the next run picks it up again.
    """
    outcome = DocumentOutcome(
        path=str(item.path),
        claim="crashed",
        status=DocumentStatus.PENDING.value,
        error_code="internal",
        error=f"{item.path.name}: processing stopped unexpectedly ({type(error).__name__}: "
        f"{error}); it stays pending and the next run retries it.",
    )
    _count_without_document(outcome, run_id=run_id, options=options, seen=0)


def _count_without_document(
    outcome: DocumentOutcome, *, run_id: int, options: BatchOptions, seen: int = 1
) -> None:
    """Count an outcome that has no stored result (unreadable file, crashed task)."""
    with session_for(get_engine(options.database_url)) as session, repository.committing(session):
        repository.add_to_run(
            session,
            run_id=run_id,
            failures=Counter([outcome.error_code or "internal"]),
            documents_seen=seen,
            failed=int(outcome.status == DocumentStatus.FAILED.value),
        )
        if outcome.claim in ("refused", "unreadable"):
            repository.add_refused(
                session,
                run_id=run_id,
                path=outcome.path,
                error_code=outcome.error_code or "unreadable",
                error=outcome.error or "",
            )
    emit("document", outcome)


def reprocess_document(options: BatchOptions, *, document_id: int) -> DocumentOutcome | None:
    """Read one stored document again from its original, in a run of its own.

    Used to retry a failed document without a Prefect API: the task's function runs
    inline. Returns None for an unknown id; an original that cannot be opened is
    reported in the outcome and the document keeps its state.
    """
    engine = get_engine(options.database_url)
    with session_for(engine) as session:
        document = repository.get_document(session, document_id=document_id)
        if document is None:
            return None
        path, sha256 = document.path, document.sha256
    try:
        item = intake.inspect(Path(path))
    except OSError as e:
        return DocumentOutcome(
            path=path,
            document_id=document_id,
            claim="unreadable",
            status=document.status,
            error_code="unreadable",
            error=f"{Path(path).name}: cannot be opened ({e.strerror or e}); check that the "
            "original is still at this path.",
        )
    if item.sha256 != sha256:
        # Reading it would store a new document and leave this one pending for ever.
        return DocumentOutcome(
            path=path,
            document_id=document_id,
            claim="changed",
            status=document.status,
            error_code="changed",
            error=f"{Path(path).name}: the file has changed since it was stored (its content "
            f"differs), so this document keeps its result. Run `pantau run {path}` to read the "
            "new content as a new document.",
        )
    with kept_alive(options.database_url, options.lease_seconds) as worker:
        with session_for(engine) as session:
            repository.reset_failed(session, document_ids=[document_id])
            run_id = repository.start_run(
                session, inputs=[path], worker=worker, lease_seconds=options.lease_seconds
            ).id
        assert run_id is not None  # start_run commits the run
        try:
            return process_document.fn(
                str(item.path), item.sha256, item.size, item.media_type.value, run_id, options
            )
        finally:
            with session_for(engine) as session:
                run = repository.get_run(session, run_id=run_id)
                assert run is not None  # started above
                repository.finish_run(session, run=run)


TASK_RUNNERS = ("threads", "processes", "dask:ADDRESS")


def task_runner(kind: str, workers: int) -> "TaskRunner[PrefectFuture[Any]]":
    """The task runner for the per-document tasks: threads (the default: OCR runs in
    tesseract processes anyway), processes (NLP in parallel too, one pipeline per
    process), or an existing Dask cluster (`dask:tcp://scheduler:8786`), whose workers
    must have Pantau installed and see the originals and the database."""
    if kind == "threads":
        runner: Any = ThreadPoolTaskRunner(max_workers=2 * workers)
    elif kind == "processes":
        runner = ProcessPoolTaskRunner(max_workers=workers)
    elif kind.startswith("dask:") and len(kind) > len("dask:"):
        from prefect_dask import DaskTaskRunner

        runner = DaskTaskRunner(address=kind.removeprefix("dask:"))
    else:
        raise ConfigError(
            f"PANTAU_TASK_RUNNER={kind!r} is unknown; use one of {', '.join(TASK_RUNNERS)}."
        )
    return cast("TaskRunner[PrefectFuture[Any]]", runner)


def run_batch(paths: list[str], options: BatchOptions, *, api_url: str | None = None) -> int:
    """Run the batch flow now, in this process; returns the run id.

    `api_url` points Prefect at a given API server (e.g. one this command started);
    by default Prefect uses PREFECT_API_URL or its own temporary server.
    """
    runner = task_runner(options.task_runner, options.workers)
    flow_with_runner = process_batch.with_options(task_runner=runner)
    with using_api(api_url):
        return flow_with_runner(paths=paths, options=options)


@contextmanager
def using_api(api_url: str | None) -> Iterator[None]:
    """Point Prefect at `api_url` for the block (no change when None)."""
    if api_url is None:
        yield
        return
    # In the environment too: task runs in processes (PANTAU_TASK_RUNNER=processes) read it
    # there, instead of each starting a temporary server of its own.
    previous = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = api_url
    try:
        with temporary_settings(updates={PREFECT_API_URL: api_url}):
            try:
                yield
            finally:
                _flush_to_api()
    finally:
        if previous is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = previous


def _flush_to_api(timeout: float = 30) -> None:
    """Send queued events and logs now, while the API they go to is still up.

    Otherwise Prefect flushes them at interpreter exit, after a temporary API server
    is gone, and the process hangs retrying.
    """
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (EventsWorker, APILogWorker):
        worker.drain_all(timeout=timeout)


__all__ = [
    "BatchOptions",
    "DocumentOutcome",
    "process_batch",
    "reprocess_document",
    "run_batch",
    "subscribe",
]
