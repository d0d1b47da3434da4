"""Deployments: serve the batch flow on a cron schedule over an inbox folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect.client.schemas.schedules import CronSchedule

from flows.batch import BatchOptions, process_batch, using_api
from models.errors import ConfigError


def inbox_schedule(cron: str, *, timezone: str = "UTC") -> CronSchedule:
    """A validated cron schedule; a bad expression is a ConfigError with an example."""
    try:
        return CronSchedule(cron=cron, timezone=timezone)
    except ValueError as e:
        raise ConfigError(
            f"invalid schedule {cron!r} / {timezone!r}: {e}. Use five cron fields, e.g. "
            "'*/15 * * * *' for every 15 minutes, and a time zone such as 'Asia/Jakarta'."
        ) from e


def serve_inbox(
    *, inbox: Path, cron: str, settings: Any, name: str, timezone: str, api_url: str | None = None
) -> None:
    """Register the deployment and run its schedule until interrupted.

    Each scheduled run processes the inbox; content already stored is skipped by hash,
    so only new files are read.
    """
    schedule = inbox_schedule(cron, timezone=timezone)
    options = BatchOptions.from_settings(settings)
    with using_api(api_url):
        _serve(inbox=inbox, name=name, schedule=schedule, options=options)


def _serve(*, inbox: Path, name: str, schedule: CronSchedule, options: BatchOptions) -> None:
    process_batch.serve(
        name=name,
        schedules=[schedule],
        parameters={"paths": [str(inbox)], "options": options.model_dump()},
        description=f"Process new files in {inbox}",
        tags=["pantau", "inbox"],
    )
