"""Deployments: serve the batch flow on a cron schedule over an inbox folder."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

from prefect.client.schemas.schedules import CronSchedule
from prefect.runner import Runner

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
    runner = InboxRunner(name=name, pause_on_shutdown=True)
    runner.add_flow(
        process_batch,
        name=name,
        schedules=[schedule],
        parameters={"paths": [str(inbox)], "options": options.model_dump()},
        description=f"Process new files in {inbox}",
        tags=["pantau", "inbox"],
    )
    previous = signal.signal(signal.SIGINT, runner.handle_sigterm)
    try:
        asyncio.run(runner.start())
    finally:
        signal.signal(signal.SIGINT, previous)


class InboxRunner(Runner):
    """Prefect's runner, stopped by SIGTERM or Ctrl+C through its event loop.

    Prefect's own handler raises SystemExit wherever the main thread happens to be, and
    where that is inside the start of a flow run the exit is caught and lost: the runner
    then serves on. Here the signal only asks the loop to stop the runner: its flow runs
    are cancelled, its schedules paused, and `start` returns. A second signal while
    stopping ends the command at once.
    """

    def handle_sigterm(self, *args: Any, **kwargs: Any) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None or not self.started or self.stopping:
            raise KeyboardInterrupt
        self._logger.info("stopping: cancelling flow runs and pausing the schedule…")
        loop.call_soon_threadsafe(self._begin_stop, loop)

    def _begin_stop(self, loop: asyncio.AbstractEventLoop) -> None:
        self._stop_task = loop.create_task(self.astop())
