"""A private local Prefect server for commands that need one (schedules).

Prefect's embedded temporary server cannot run schedules. When no
PREFECT_API_URL is configured, `pantau schedule` starts `prefect server start` on
127.0.0.1 for as long as it serves, so schedules fire and the runs are visible in
the Prefect UI at the printed address.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from models.errors import SetupError

STARTUP_SECONDS = 180


@contextmanager
def local_server(*, log_path: Path, port: int | None = None) -> Iterator[str]:
    """Run a Prefect server on 127.0.0.1 and point this process at it; yields the API URL."""
    port = port or _free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    log = log_path.open("ab")
    command = [_prefect_executable(), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy())
    try:
        _wait_healthy(api_url, process=process, log_path=log_path)
        os.environ["PREFECT_API_URL"] = api_url
        yield api_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _prefect_executable() -> str:
    candidate = Path(sys.executable).with_name("prefect")
    return str(candidate) if candidate.exists() else "prefect"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(api_url: str, *, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SetupError(
                f"the local Prefect server stopped while starting; see {log_path}. "
                "Set PREFECT_API_URL to use a running Prefect server instead."
            )
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise SetupError(
        f"the local Prefect server did not answer within {STARTUP_SECONDS} s; see {log_path}."
    )
