"""Batches on a Prefect work pool: any number of workers, on any machines, share one inbox.

Two deployments are registered in a work pool (`deploy`):

- `pantau-inbox/<name>` runs on a schedule. It lists the inbox, keeps the files that still
  need work, and creates one `pantau-documents/<name>` flow run per group of `chunk` files.
- `pantau-documents/<name>` reads its files as `pantau run` does: one task per document,
  each document claimed with a lease, so two flow runs given the same file read it once,
  and a document whose worker was killed is taken over once its lease lapses.

Each worker (`prefect worker start --pool <pool>`, wrapped by `pantau worker`) runs the
flow runs it picks up as processes of its machine, with its own settings: the database URL
and limits come from the worker's PANTAU_* environment, never from the deployment, so no
password is stored in Prefect. Originals are addressed by path: every worker must see the
inbox at the same path (a shared mount).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from prefect import flow

from extractors import intake
from flows.batch import BatchOptions, process_batch, task_runner
from models.settings import Settings
from storage import repository
from storage.engine import get_engine, session_for
from storage.migrate import upgrade

logger = logging.getLogger("pantau.work")

DOCUMENTS_FLOW = "pantau-documents"
INBOX_FLOW = "pantau-inbox"
PAGE = 200  # flow runs per API read (the server's default page limit)


@flow(name=DOCUMENTS_FLOW)
def process_documents(
    paths: list[str], retry_failed: bool = False, retry_documents: list[int] | None = None
) -> int:
    """Read these files and folders with this worker's settings; returns Pantau's run id.

    `retry_documents` (ids) are set back to pending first, whatever their result, so that
    the batch reads them again (a retry asked for in the workbench).
    """
    options = BatchOptions.from_settings(Settings(), retry_failed=retry_failed)
    if retry_documents:
        engine = get_engine(options.database_url)
        upgrade(engine)
        with session_for(engine) as session:
            repository.reset_failed(session, document_ids=retry_documents)
    runner = task_runner(options.task_runner, options.workers)
    return process_batch.with_options(task_runner=runner)(paths=paths, options=options)


@flow(name=INBOX_FLOW)
def dispatch_inbox(inbox: str, deployment: str, chunk: int = 10) -> int:
    """Create a `pantau-documents` flow run per `chunk` files of `inbox` that need work.

    Returns how many flow runs were created.
    """
    from prefect.deployments import run_deployment

    waiting = asyncio.run(_queued_paths(deployment))
    groups = inbox_work(
        inbox, database_url=Settings().resolved_database_url, chunk=chunk, skip=waiting
    )
    for group in groups:
        run_deployment(
            name=deployment,
            parameters={"paths": group},
            timeout=0,
            as_subflow=False,
            tags=["pantau"],
        )
    logger.info("%s: %d flow runs for %d files", inbox, len(groups), sum(map(len, groups)))
    return len(groups)


async def _queued_paths(deployment: str) -> set[str]:
    """Files already handed to flow runs of `deployment` that no worker has started yet."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterDeploymentId,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType

    async with get_client() as client:
        target = await client.read_deployment_by_name(deployment)
        waiting = FlowRunFilter(
            deployment_id=FlowRunFilterDeploymentId(any_=[target.id]),
            state=FlowRunFilterState(
                type=FlowRunFilterStateType(any_=[StateType.SCHEDULED, StateType.PENDING])
            ),
        )
        paths: set[str] = set()
        for offset in range(0, 1_000_000, PAGE):
            runs = await client.read_flow_runs(flow_run_filter=waiting, limit=PAGE, offset=offset)
            paths.update(path for run in runs for path in run.parameters.get("paths", []))
            if len(runs) < PAGE:
                break
    return paths


def inbox_work(
    inbox: str, *, database_url: str, chunk: int, skip: frozenset[str] | set[str] = frozenset()
) -> list[list[str]]:
    """The files of `inbox` that need work and are not in `skip`, in groups of `chunk`.

    A file stored at its path with a final state and its size is done (a file changed in
    place at the same size is found by the next `pantau run` over the folder, which hashes
    everything); a pending one is given again only once its claim has lapsed.
    """
    files = [
        (str(path), path.stat().st_size)
        for path in intake.discover([inbox])
        if isinstance(path, Path) and str(path) not in skip
    ]
    engine = get_engine(database_url)
    upgrade(engine)
    with session_for(engine) as session:
        needed = repository.paths_needing_work(session, files=files)
    return [needed[i : i + max(1, chunk)] for i in range(0, len(needed), max(1, chunk))]


def deploy(
    *,
    pool: str,
    inbox: Path,
    name: str,
    cron: str | None,
    timezone: str,
    chunk: int,
) -> dict[str, str]:
    """Create the work pool if missing and register both deployments in it (again: update).

    Returns the deployments' ids by name.
    """
    return asyncio.run(_deploy(pool, inbox, name, cron, timezone, chunk))


async def _deploy(
    pool: str, inbox: Path, name: str, cron: str | None, timezone: str, chunk: int
) -> dict[str, str]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import DeploymentScheduleCreate, WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists
    from prefect.utilities.callables import parameter_schema

    from flows.deploy import inbox_schedule

    async with get_client() as client:
        with contextlib.suppress(ObjectAlreadyExists):
            await client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
        ids = {}
        documents = f"{DOCUMENTS_FLOW}/{name}"
        registered: tuple[tuple[Any, str, dict[str, Any], list[Any]], ...] = (
            (process_documents, "process_documents", {}, []),
            (
                dispatch_inbox,
                "dispatch_inbox",
                {"inbox": str(inbox), "deployment": documents, "chunk": chunk},
                [DeploymentScheduleCreate(schedule=inbox_schedule(cron, timezone=timezone))]
                if cron
                else [],
            ),
        )
        for function, attribute, parameters, schedules in registered:
            flow_id = await client.create_flow_from_name(function.name)
            deployment_id = await client.create_deployment(
                flow_id=flow_id,
                name=name,
                entrypoint=f"{__name__}.{attribute}",  # a module path: the installed package
                work_pool_name=pool,
                parameters=parameters,
                parameter_openapi_schema=parameter_schema(function).model_dump_for_openapi(),
                schedules=schedules,
                pull_steps=[],
                tags=["pantau"],
                description=(function.description or "").splitlines()[0],
            )
            ids[f"{function.name}/{name}"] = str(deployment_id)
        return ids


def queue_retry(*, document_id: int, path: str, settings: Settings) -> str:
    """Have a stored document read again, never in this process; says where it went.

    With a Prefect server (PREFECT_API_URL) and a deployment (PANTAU_DEPLOYMENT) the retry
    is a flow run for the pool's workers; otherwise a `pantau retry` process of its own.
    """
    if os.environ.get("PREFECT_API_URL") and settings.deployment:
        name = f"{DOCUMENTS_FLOW}/{settings.deployment}"
        flow_run = asyncio.run(_queue(name, {"paths": [path], "retry_documents": [document_id]}))
        return f"queued as flow run {flow_run} of {name}"
    log = settings.home / "logs" / "retries.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PANTAU_HOME": str(settings.home),
        "PANTAU_DATABASE_URL": settings.resolved_database_url,
    }
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "pantau", "retry", str(document_id)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    threading.Thread(target=process.wait, name="retry-reaper", daemon=True).start()
    return f"being read again by process {process.pid} (log: {log})"


async def _queue(deployment: str, parameters: dict[str, Any]) -> str:
    from prefect.client.orchestration import get_client

    async with get_client() as client:
        target = await client.read_deployment_by_name(deployment)
        flow_run = await client.create_flow_run_from_deployment(
            target.id, parameters=parameters, tags=["pantau", "retry"]
        )
    return flow_run.name
