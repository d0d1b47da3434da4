"""The local Prefect server that `pantau run` keeps between commands, and stops when idle."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pantau.prefect_server import (
    LEASES,
    STATE_FILE,
    shared_server,
    shared_server_info,
    stop_shared_server,
)

IDLE = 4.0
POLL = 2.0  # the keeper looks every KEEPER_POLL_SECONDS


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def alive(pid: int) -> bool:
    """True while `pid` runs; an exited child of this test process is a zombie, not alive."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("PANTAU_HOME", str(home))
    monkeypatch.setenv("PREFECT_HOME", str(home / "prefect"))
    yield home
    info = shared_server_info(home)
    if info is not None:  # never leave a server behind a failed test
        os.kill(int(info["keeper"]), 15)


def run_command(home: Path, inbox: Path) -> dict:
    env = {**os.environ, "PANTAU_HOME": str(home), "PANTAU_PREFECT_IDLE_SECONDS": str(IDLE)}
    done = subprocess.run(
        [sys.executable, "-m", "pantau", "run", str(inbox), "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_shared_server_is_reused_by_the_next_command_and_stops_when_idle(home, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text("Petugas memeriksa dokumen WN Korea Selatan bernama Kim Do Yun.\n")
    first = run_command(home, inbox)
    assert first["processed"] == 1
    state = json.loads((home / STATE_FILE).read_text())
    assert alive(state["keeper"]) and alive(state["pid"])

    (inbox / "b.txt").write_text("Tim Pora Kota Batam mendata WN Vietnam bernama Vo Thi Lan.\n")
    second = run_command(home, inbox)
    assert second["processed"] == 1 and second["unchanged"] == 1
    assert json.loads((home / STATE_FILE).read_text()) == state  # the same server answered

    # No command holds it any more: it stops after IDLE seconds, with its keeper.
    assert wait_until(lambda: not alive(state["pid"]), IDLE + 4 * POLL + 30)
    assert wait_until(lambda: not alive(state["keeper"]), 10)
    assert not (home / STATE_FILE).exists()
    assert shared_server_info(home) is None


def test_shared_server_stays_up_while_leased_and_ignores_dead_leases(home):
    log = home / "prefect-server.log"
    with shared_server(home=home, idle_seconds=1.0, log_path=log) as api_url:
        url = api_url()
        assert url.startswith("http://127.0.0.1:")
        (home / LEASES / "999999999").write_text("")  # a command that no longer exists
        time.sleep(1.0 + 2 * POLL)
        info = shared_server_info(home)
        assert info is not None and info["api_url"] == url  # held by this lease
    state = json.loads((home / STATE_FILE).read_text())
    assert wait_until(lambda: not alive(state["pid"]), 1.0 + 4 * POLL + 30)
    assert not (home / LEASES / "999999999").exists()


def test_shared_server_stops_on_request(home):
    log = home / "prefect-server.log"
    with shared_server(home=home, idle_seconds=600, log_path=log) as api_url:
        api_url()
    state = json.loads((home / STATE_FILE).read_text())
    assert stop_shared_server(home)
    assert wait_until(lambda: not alive(state["keeper"]), 10)
    assert shared_server_info(home) is None and not (home / STATE_FILE).exists()
