"""Private Prefect API servers owned by one Pantau command.

`pantau run` without PREFECT_API_URL needs a temporary Prefect API. Prefect would
start one itself, but only after importing its whole server in this process
first; starting the same server (Prefect's ephemeral mode: no UI, no services) at
the top of the command lets it boot while Pantau loads and scans its inputs.

Between commands the server may be kept: `shared_server` reuses the one the last command of
the same Pantau home started, and a keeper process stops it once it has been idle for
PANTAU_PREFECT_IDLE_SECONDS (see below).

`pantau schedule` needs the full server (with its scheduler, and the UI so the
runs can be watched), which Prefect's temporary server does not offer.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from models.errors import SetupError
from models.i18n import _

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
            # Its own process group: a Ctrl+C or a SIGTERM sent to the command's group reaches
            # the command alone, which shuts its flow runs down through the server first and
            # then stops the server (or the server goes when the command dies).
            start_new_session=True,
        )

    def wait_ready(self) -> str:
        """Block until the API answers its health check; returns the API URL."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SetupError(
                    _(
                        "the local Prefect server stopped while starting; see {log}. "
                        "Set PREFECT_API_URL to use a running Prefect server instead."
                    ).format(log=self.log_path)
                )
            if _healthy(self.api_url):
                return self.api_url
            time.sleep(0.1)
        raise SetupError(
            _("the local Prefect server did not answer within {seconds} s; see {log}.").format(
                seconds=STARTUP_SECONDS, log=self.log_path
            )
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


# A server shared by the commands of one Pantau home, kept up while it is used.
#
# The first `pantau run` starts a keeper process (`python -m pantau.prefect_server keep`),
# detached from the command, which starts the API server and writes its address to
# `prefect-server.json` in Pantau's home. Each command that uses it holds a lease (a file
# named after its process id) while it runs. The keeper stops the server, and itself, once no
# lease is held by a live process and none has been released for `idle` seconds, or when
# the server dies. The lock file orders starting, leasing and stopping, so a command never
# leases a server that is about to stop, and two commands never start two servers.

STATE_FILE = "prefect-server.json"
LOCK_FILE = "prefect-server.lock"
LEASES = "prefect-leases"
KEEPER_POLL_SECONDS = 2.0


@contextmanager
def shared_server(
    *, home: Path, idle_seconds: float, log_path: Path
) -> Iterator[Callable[[], str]]:
    """The home's shared Prefect server, started when none is up, leased for the block.

    Gives a function that waits until the server answers and returns its API URL, so the
    caller can go on loading while a new server starts.
    """
    home.mkdir(parents=True, exist_ok=True)
    lease = home / LEASES / f"{os.getpid()}"
    with _locked(home):
        state = _live_state(home)
        if state is None:
            _start_keeper(home, idle_seconds, log_path)
        lease.parent.mkdir(exist_ok=True)
        lease.write_text(str(time.time()))
    known = state
    try:
        yield lambda: str((known or _wait_for_state(home, log_path))["api_url"])
    finally:
        with _locked(home):
            lease.unlink(missing_ok=True)
            (home / LEASES).touch()  # the time of the last release, for the idle count


def shared_server_info(home: Path) -> dict[str, object] | None:
    """The shared server's state (pid, keeper, api_url) if it is up and answers, else None."""
    return _live_state(home)


def stop_shared_server(home: Path, timeout: float = 40) -> bool:
    """Ask the keeper to stop the shared server now; True once it is gone."""
    state = _live_state(home)
    if state is None:
        return False
    os.kill(int(state["keeper"]), signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _alive(int(state["pid"])):
        time.sleep(0.1)
    return not _alive(int(state["pid"]))


@contextmanager
def _locked(home: Path) -> Iterator[None]:
    """Hold the home's server lock (an advisory lock on a file) for the block."""
    import fcntl

    with (home / LOCK_FILE).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _live_state(home: Path) -> dict[str, Any] | None:
    try:
        state = json.loads((home / STATE_FILE).read_text())
    except (OSError, ValueError):
        return None
    if not (_alive(int(state.get("keeper", 0))) and _healthy(str(state.get("api_url")))):
        return None
    return dict(state)


def _start_keeper(home: Path, idle_seconds: float, log_path: Path) -> None:
    (home / STATE_FILE).unlink(missing_ok=True)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        subprocess.Popen(
            [sys.executable, "-m", "pantau.prefect_server", "keep", str(home), str(idle_seconds),
             str(log_path)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # outlives the command that started it
        )  # fmt: skip


def _wait_for_state(home: Path, log_path: Path) -> dict[str, Any]:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        state = _live_state(home)
        if state is not None:
            return state
        time.sleep(0.1)
    raise SetupError(
        _(
            "the local Prefect server did not answer within {seconds} s; see {log}. "
            "Set PANTAU_PREFECT_IDLE_SECONDS=0 to start one for each command, or PREFECT_API_URL "
            "to use a running Prefect server."
        ).format(seconds=STARTUP_SECONDS, log=log_path)
    )


def _alive(pid: int) -> bool:
    """True while process `pid` runs (an exited child not yet reaped does not count)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc: the signal test is all there is
    return stat.rsplit(")", 1)[-1].split()[:1] != ["Z"]


def _leases_held(home: Path) -> bool:
    """True while a live command holds a lease; leases of dead commands are removed."""
    held = False
    for lease in (home / LEASES).glob("*"):
        if lease.name.isdigit() and _alive(int(lease.name)):
            held = True
        else:
            lease.unlink(missing_ok=True)
    return held


def _last_release(home: Path) -> float:
    try:
        return (home / LEASES).stat().st_mtime
    except OSError:
        return 0.0


def keep(home: Path, idle_seconds: float, log_path: Path) -> int:
    """The keeper: run the server until it has been idle for `idle_seconds`, then stop it."""
    server = ServerProcess(full=False, log_path=log_path)
    try:
        api_url = server.wait_ready()
    except SetupError:
        server.stop()
        return 1
    state = {"keeper": os.getpid(), "pid": server.process.pid, "api_url": api_url}
    (home / STATE_FILE).write_text(json.dumps(state))
    (home / LEASES).mkdir(exist_ok=True)
    try:
        while server.process.poll() is None:
            time.sleep(KEEPER_POLL_SECONDS)
            with _locked(home):
                if _leases_held(home) or time.time() - _last_release(home) < idle_seconds:
                    continue
                (home / STATE_FILE).unlink(missing_ok=True)
                break
    finally:
        server.stop()
        with _locked(home):
            try:
                if json.loads((home / STATE_FILE).read_text()).get("keeper") == os.getpid():
                    (home / STATE_FILE).unlink()
            except (OSError, ValueError):
                pass
    return 0


if __name__ == "__main__":  # python -m pantau.prefect_server keep HOME IDLE LOG
    if sys.argv[1:2] == ["keep"] and len(sys.argv) == 5:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        sys.exit(keep(Path(sys.argv[2]), float(sys.argv[3]), Path(sys.argv[4])))
    sys.exit("usage: python -m pantau.prefect_server keep HOME IDLE_SECONDS LOG")
