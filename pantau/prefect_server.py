"""Private Prefect API servers owned by one Pantau command.

`pantau run` without PREFECT_API_URL needs a temporary Prefect API. Prefect would
start one itself, but only after importing its whole server in this process
first; starting the same server (Prefect's ephemeral mode: no UI, no services) at
the top of the command lets it boot while Pantau loads and scans its inputs.

`pantau schedule` needs the full server (with its scheduler, and the UI so the
runs can be watched), which Prefect's temporary server does not offer.
"""

from __future__ import annotations

import ctypes
import os
import signal
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
PR_SET_PDEATHSIG = 1


class ServerProcess:
    """A Prefect API server child process on 127.0.0.1."""

    def __init__(self, *, full: bool, log_path: Path) -> None:
        self.port = _free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        self.log_path = log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = log_path.open("ab")
        command, extra_env = _full_command(self.port) if full else _ephemeral_command(self.port)
        self.process = subprocess.Popen(
            command,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **extra_env},
            preexec_fn=_die_with_parent,
        )

    def wait_ready(self) -> str:
        """Block until the API answers its health check; returns the API URL."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SetupError(
                    f"the local Prefect server stopped while starting; see {self.log_path}. "
                    "Set PREFECT_API_URL to use a running Prefect server instead."
                )
            if _healthy(self.api_url):
                return self.api_url
            time.sleep(0.1)
        raise SetupError(
            f"the local Prefect server did not answer within {STARTUP_SECONDS} s; "
            f"see {self.log_path}."
        )

    def stop(self) -> None:
        """Stop the server (politely, then firmly)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()


@contextmanager
def local_server(*, log_path: Path, full: bool = False) -> Iterator[ServerProcess]:
    """Start a Prefect API server now; it is stopped when the block ends."""
    server = ServerProcess(full=full, log_path=log_path)
    try:
        yield server
    finally:
        server.stop()


def _ephemeral_command(port: int) -> tuple[list[str], dict[str, str]]:
    # The same app and flags Prefect uses for its temporary server.
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "error", "--lifespan", "on",
    ]  # fmt: skip
    env = {
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
    }
    return command, env


def _full_command(port: int) -> tuple[list[str], dict[str, str]]:
    executable = Path(sys.executable).with_name("prefect")
    prefect = str(executable) if executable.exists() else "prefect"
    return [prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)], {}


def _die_with_parent() -> None:
    """In the child: get SIGTERM when Pantau dies, even by SIGKILL (Linux)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # not Linux: the server then outlives a killed parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False
